"""IPython's ``%magic`` and ``!command`` lines as Python, without IPython's tokenizer.

IPython's ``TransformerManager`` finds special syntax by tokenizing the cell,
transforming the first instance found, and tokenizing again, once per magic:
most of its cost. The usual case, whole lines that start with ``%`` or ``!``
in an otherwise plain cell, is turned here into the very text IPython makes
(``get_ipython().run_line_magic(name, args)``, ``get_ipython().system(cmd)``),
after IPython's own clean-up steps (leading blank lines, common indentation,
prompts). ``escaped_lines`` declines (None) whenever IPython might do anything
else: another escape (``%%``, ``!!``, ``?``, ``,``, ``;``, ``/``), ``x = %magic``,
``x = !cmd``, a trailing ``?`` (help), a line continued with a backslash.

What it cannot see without tokens is whether a ``%`` line really starts a
statement (it might sit inside a string or brackets). The caller parses the
result and keeps it only when ``all_statements`` confirms that every line
replaced here is a statement of its own, on its own line: then IPython, which
transforms from the top down, reaches each of those lines at the start of a
logical line and writes the same text. Otherwise the caller asks IPython.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

# A magic or a shell command assigned (``x = %time f()``, ``files = !ls``): IPython's
# MagicAssign and SystemAssign, not handled here.
_ASSIGNED = re.compile(r"=\s*[%!]")
_OTHER_ESCAPES = ("%%", "!!", "?", ",", ";", "/")

Cleanup = Callable[[list[str]], list[str]]


def escaped_lines(source: str, cleanups: list[Cleanup]) -> tuple[str, dict[int, int]] | None:
    """IPython's transformation of ``source``, and the lines it replaced (1-based line in
    the result: column where the call starts), if it is only whole ``%``/``!`` lines.

    ``cleanups`` are IPython's own clean-up and line transforms, run first as it runs
    them. None: something else may need IPython's tokenizer.
    """
    cell = source if source.endswith("\n") else source + "\n"
    if _ASSIGNED.search(cell):
        return None
    lines = cell.splitlines(keepends=True)
    for cleanup in cleanups:
        lines = cleanup(lines)
    replaced: dict[int, int] = {}
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = line.rstrip()
        body = text.lstrip(" \t")
        if text.endswith(("?", "\\")) or body.startswith(_OTHER_ESCAPES):
            return None
        if not body.startswith(("%", "!")):
            out.append(line)
            continue
        indent = text[: len(text) - len(body)]
        out.append(indent + _call(body) + "\n")
        replaced[number] = len(indent)
    if not replaced:
        return None
    return "".join(out), replaced


def _call(body: str) -> str:
    """The call IPython writes for an escaped line (``_tr_magic``, ``ESC_SHELL``)."""
    content = body[1:]
    if body[0] == "%":
        name, _, args = content.partition(" ")
        return f"get_ipython().run_line_magic({name!r}, {args!r})"
    return f"get_ipython().system({content!r})"


def all_statements(tree: ast.Module, replaced: dict[int, int]) -> bool:
    """Whether each replaced line holds one expression statement, alone on its line, at
    the column it was written at (so it was not inside a string or brackets)."""
    found = 0
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if (type(node) is ast.Expr and replaced.get(node.lineno) == node.col_offset
                and node.end_lineno == node.lineno):
            found += 1
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(block)
    return found == len(replaced)
