"""The cells that can matter for one missing name, so that a live explanation analyses a
slice of a long notebook instead of all of it.

A cell can bind, delete or explain ``name`` only if it mentions it, defines a function or
class (calls reach into those), does something that binds names nbscope cannot list from
the text (``import *``, ``exec``, ``%run``, ``%reset``, ``globals()``), installs, uploads
or writes files (evidence for a missing module), imports (a module of the notebook's own
may define the name), or binds a name one typo away from it.
Every other cell is left out; cells keep their numbers, so the engine's findings name the
same cells as for the whole notebook. Pure and textual: a superset is always safe.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Notebook

_MAY_BIND_ANYTHING = re.compile(
    r"import\s+\*|\b(?:exec|eval|globals|locals|vars|setattr|__import__)\s*\("
    r"|%(?:run|reset|store|pylab|load|autoreload|sx|system)\b|%%|^\s*!|files\.upload|"
    r"drive\.mount|install|sys\.path|__builtins__|\bbuiltins\b", re.M)
_IMPORTS = re.compile(r"^\s*(?:from\s+\S+\s+)?import\s", re.M)
_DEFINES = re.compile(r"^\s*(?:async\s+def|def|class)\s|\blambda\b", re.M)
_WORD = re.compile(r"[A-Za-z_]\w*")


def relevant_slice(notebook: Notebook, name: str, keep: set[int]) -> Notebook:
    """``notebook`` with only the code cells that can matter for ``name`` (and ``keep``)."""
    mention = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
    near = _near_names(notebook, name)
    cells = tuple(
        cell for cell in notebook.cells if cell.is_code and (
            cell.index in keep or mention.search(cell.source)
            or _MAY_BIND_ANYTHING.search(cell.source) or _DEFINES.search(cell.source)
            or _IMPORTS.search(cell.source)
            or (near and not near.isdisjoint(_WORD.findall(cell.source)))))
    return replace(notebook, cells=cells)


def _near_names(notebook: Notebook, name: str) -> set[str]:
    """Words of the notebook that a typo of ``name`` may stand for (edit distance as the
    typo rule counts it: 0 for one letter, 1 below 9 letters (for two or three only when
    the match is unique, which the kept cells let the rule judge), 2 from 9, any case)."""
    limit = 0 if len(name) < 2 else (1 if len(name) < 9 else 2)
    lowered = name.lower()
    words = set(_WORD.findall("\n".join(c.source for c in notebook.code_cells)))
    return {word for word in words if word != name and abs(len(word) - len(name)) <= limit
            and (word.lower() == lowered or (limit and _within(lowered, word.lower(), limit)))}


def _within(a: str, b: str, limit: int) -> bool:
    """Whether the edit distance of ``a`` and ``b`` (swaps counting once) is at most
    ``limit``; plain Levenshtein bounds it from above by counting a swap as two."""
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (a[i - 1] != b[j - 1]))
        if min(current) > limit * 2:
            return False
        previous = current
    return previous[-1] <= limit * 2
