"""Read the frames of a saved traceback: where each one ran and which lines it quotes.

A saved ``error`` output keeps IPython's formatted traceback, one frame per entry.
Every IPython version names a cell's frame its own way (``Cell In[5], line 3, in
f`` today; ``Input In [5], in f()`` and ``<ipython-input-5-...> in f()`` before;
``/tmp/ipykernel_12/345.py in f()`` with some kernels), code evaluated from text is
``File "<string>"``, and a module's code is its file. Each frame quotes the lines
around the one that raised, that one marked ``---->``. Pure: text in, frames out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import SavedError


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of a saved traceback.

    ``kind``: ``cell`` (a notebook cell's code), ``string`` (code evaluated from
    text: ``eval``, ``exec``) or ``file`` (a module's file). ``count`` is the
    execution count a cell frame names (``In[5]``), when it names one; ``function``
    is None for a cell's or module's top level; ``line`` is the line that raised (or
    called the next frame); ``quoted`` the source lines shown, by line number.
    """

    kind: str
    count: int | None
    function: str | None
    line: int | None
    quoted: tuple[tuple[int, str], ...]

    def quoted_line(self, number: int | None) -> str | None:
        return next((text for at, text in self.quoted if at == number), None)


_TOP_LEVEL = re.compile(r"^<(?:module|cell line: \d+)>$")
_FN = r"(?P<fn><[^>]*>|[^\s(]+)"
# VS Code links each quoted line number to the cell: ``<a href='...'>2</a>``.
_LINK = re.compile(r"<a href=[^>]*>(\d+)</a>")
_HEADERS = (
    # IPython 8.5+: ``Cell In[5], line 3`` (a cell's top level) or ``..., in f(x)``.
    ("cell", re.compile(r"^Cell In ?\[(?P<count>\d*)\], line (?P<line>\d+)(?:, in " + _FN + ")?")),
    # IPython 8.0-8.4: ``Input In [5], in <cell line: 1>()``.
    ("cell", re.compile(r"^Input In ?\[(?P<count>\d*)\],? in " + _FN)),
    # IPython 7 and before: ``<ipython-input-5-abc> in <module>()``.
    ("cell", re.compile(r"^<ipython-input-(?P<count>\d+)-[0-9a-f]+> in " + _FN)),
    # VS Code: ``C:\\...\\x.ipynb Cell 22 line 2`` or ``... Cell 22 in <cell line: 2>()``
    # (its own cell numbering, not a count).
    ("cell", re.compile(r"\.ipynb Cell \d+ (?:line (?P<line>\d+)|in " + _FN + ")")),
    # ipykernel 6 with IPython 7: the cell's temporary file.
    ("cell", re.compile(r"ipykernel_\d+[/\\]\d+\.py(?::(?P<line>\d+))?,? in " + _FN)),
    ("string", re.compile(r"^(?:File )?\"?<string>\"?(?::(?P<line>\d+)|, line (?P<line2>\d+))?"
                          r"(?:,? in " + _FN + ")?")),
    ("file", re.compile(r"^(?:File )?\"?(?P<path>[^\"]+?\.py)\"?(?::(?P<line>\d+)|, line "
                        r"(?P<line2>\d+))?,? in " + _FN)),
)
_QUOTED = re.compile(r"^\s*(?P<arrow>-*>)?\s*(?P<number>\d+)(?: (?P<text>.*))?$")


def frames(error: SavedError) -> list[Frame]:
    """The frames of ``error``'s saved traceback, outermost first (empty when it has none
    that can be read: a traceback saved as one block of text, or none at all)."""
    found = []
    for entry in error.plain_traceback:
        lines = entry.split("\n")
        header = lines[0].strip()
        for kind, pattern in _HEADERS:
            match = pattern.search(header)
            if match is not None:
                found.append(_frame(kind, match, lines[1:]))
                break
    return found


def _frame(kind: str, match: re.Match[str], body: list[str]) -> Frame:
    groups = match.groupdict()
    count = int(groups["count"]) if groups.get("count") else None
    function = groups.get("fn")
    if function is not None and _TOP_LEVEL.match(function):
        function = None
    line_text = groups.get("line") or groups.get("line2")
    line = int(line_text) if line_text else None
    quoted = []
    for text in body:
        quote = _QUOTED.match(_LINK.sub(r"\1", text))
        if quote is None:
            continue
        number = int(quote.group("number"))
        quoted.append((number, quote.group("text") or ""))
        if quote.group("arrow") and line is None:
            line = number
    return Frame(kind, count, function, line, tuple(quoted))


def raised_in(error: SavedError) -> Frame | None:
    """The frame that raised the error (the innermost one), if the traceback has frames."""
    found = frames(error)
    return found[-1] if found else None
