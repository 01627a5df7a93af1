"""Find a definition of a name that is commented out (``# s3 = boto3.client("s3")``):
the evidence ``never-defined`` names as the likely cause of the read.

Only whole-line comments of Python code cells count, and only when the text after the
``#`` is itself a Python statement that binds the name at its top level (an
assignment, an import, a ``def`` or ``class`` line): prose that merely mentions the
name (``# s3 is the bucket client``) does not parse, so it is never taken for code.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, replace

from ..dataflow.ir import Site
from ..model import Span, cell_lines
from .base import Facts, before

# ``def name(`` / ``class name`` headers whose body is on the next lines.
_HEADER = re.compile(r"(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)\s*[(:]")


@dataclass(frozen=True, slots=True)
class CommentedDefinition:
    """A whole-line comment whose text would bind the name: where, and the code."""

    site: Site
    code: str  # the line's code without the ``#``
    comment: str  # the line as written, without its indentation
    header: bool  # a ``def``/``class`` line: its body lines are commented out too
    # ``#Rulesmynum = [1, 2]``: the comment's first word runs into the definition of
    # ``mynum``; this is that word (``Rules``), and ``code`` the definition alone.
    glued: str = ""


def commented_definition(facts: Facts, name: str, at: Site) -> CommentedDefinition | None:
    """The commented-out binding of ``name`` nearest above ``at``, else the first below."""
    found = _all_commented(facts).get(name, []) or _glued(facts, name)
    above = [entry for entry in found if before(entry.site, at)]
    if above:
        return above[-1]
    return found[0] if found else None


def _glued(facts: Facts, name: str) -> list[CommentedDefinition]:
    """Comments that open with a capitalised word run into a definition of ``name``
    (``#Rulesmynum = [1,2,3]``): the comment swallowed the line that binds it."""
    if len(name) < 3 or not name[0].islower():
        return []
    glued = []
    for bound, entries in _all_commented(facts).items():
        prefix = bound[:-len(name)]
        if not (bound.endswith(name) and prefix.isalpha() and prefix[0].isupper()):
            continue
        glued += [replace(entry, code=_without_comment(entry.code[len(prefix):]), glued=prefix)
                  for entry in entries if entry.code.startswith(bound)
                  and entry.comment.startswith("#" + bound)]
    return sorted(glued, key=lambda entry: (entry.site.cell, entry.site.span.line
                                            if entry.site.span else 0))


def _without_comment(code: str) -> str:
    """``x = [1] # note`` without its trailing comment (a ``#`` inside a string stays)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    comment = next((t for t in tokens if t.type == tokenize.COMMENT), None)
    return code[:comment.start[1]].rstrip() if comment is not None else code


def _all_commented(facts: Facts) -> dict[str, list[CommentedDefinition]]:
    """Every commented-out binding of the notebook, by name, in document order."""
    memo = facts.memo.get("commented_out")
    if memo is None:
        memo = {}
        for cell in facts.notebook.code_cells:
            if cell.source.lstrip().startswith("%%"):
                continue  # a cell magic's body is not Python (or not the notebook's)
            for number, text in enumerate(cell_lines(cell.source), start=1):
                stripped = text.lstrip()
                if not stripped.startswith("#"):
                    continue
                code = stripped.lstrip("#").strip()
                column = len(text) - len(stripped) + 1
                site = Site(cell.index, Span(number, column, number, len(text) + 1))
                header = _HEADER.match(code) is not None
                for bound in bound_by(code):
                    memo.setdefault(bound, []).append(
                        CommentedDefinition(site, code, stripped.rstrip(), header))
        facts.memo["commented_out"] = memo
    return memo  # type: ignore[return-value]


def bound_by(code: str) -> list[str]:
    """The names one line of code binds at its top level; [] if it is not such code."""
    header = _HEADER.match(code)
    if header is not None:
        return [header.group(1)]
    if not code or "=" not in code and not code.startswith(("import ", "from ")):
        return []
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    if len(tree.body) != 1:
        return []
    return _statement_binds(tree.body[0])


def _statement_binds(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.Assign):
        return [n for target in stmt.targets for n in _target_names(target)]
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        return _target_names(stmt.target)
    if isinstance(stmt, ast.Import):
        return [alias.asname or alias.name.partition(".")[0] for alias in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [alias.asname or alias.name for alias in stmt.names if alias.name != "*"]
    return []


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [n for element in target.elts for n in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []
