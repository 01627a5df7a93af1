"""Evidence in the notebook's text, beyond its code, that a never-defined name was meant as
something else: a word the notebook writes in quotes elsewhere, an assignment written in a
Markdown cell."""

from __future__ import annotations

import re

from ..dataflow.ir import Site
from ..model import Span
from .base import Facts


def assigned_in_markdown(facts: Facts, name: str) -> tuple[int, int, str] | None:
    """The first line of a Markdown cell that assigns ``name`` as a statement of its own
    (``data = [1, 2]``, in a code block or not): code written where it does not run."""
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=(?!=)\s*\S")
    for cell in facts.notebook.cells:
        if cell.cell_type != "markdown" or name not in cell.source:
            continue
        for number, line in enumerate(cell.source.split("\n"), 1):
            if pattern.match(line):
                return cell.index, number, line
    return None


def read_as_a_value(facts: Facts, at: Site) -> bool:
    """Whether the read is a plain value (``print(milk)``), not an object used as one
    (``milk.plot()``, ``milk[0]``, ``milk(1)``): only a value may be text meant as a string."""
    line, span = facts.line_at(at), at.span
    if line is None or span is None or span.end_line != span.line:
        return False
    return not line[span.end_column - 1:].lstrip().startswith((".", "[", "("))


def quoted_word(facts: Facts, name: str) -> tuple[str, Site] | None:
    """The first string literal whose whole text is ``name`` (``'milk'``), outside
    comments and subscripts (``row['milk']`` reads a key, not a word meant as text)."""
    pattern = re.compile(r"(['\"])" + re.escape(name) + r"\1")
    for cell in facts.notebook.code_cells:
        if name not in cell.source:
            continue
        for number, line in enumerate(cell.source.split("\n"), 1):
            for match in pattern.finditer(line):
                before = line[:match.start()].rstrip()
                if "#" in before or (before and (before[-1].isalnum() or before[-1] == "_")):
                    continue  # a comment, or a prefixed string (``f'x'``) or other text
                owner = before[:-1].rstrip()[-1:] if before.endswith("[") else ""
                if owner and (owner.isalnum() or owner in "_)]"):
                    continue  # a subscript: ``row['milk']``
                return match.group(0), Site(cell.index, Span(number, match.start() + 1,
                                                             number, match.end() + 1))
    return None
