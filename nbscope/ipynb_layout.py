"""Where each cell's source lies in the .ipynb file's own JSON text, and its metadata.

CI annotations must land on the line of the *file* that holds the offending
source line, not on line 1. A notebook's source is stored either as a list of
strings (usually one JSON line per source line) or as one string (all source
lines on one JSON line); the file may also be minified onto a single line.
So positions are found by walking the JSON text structurally: the few levels
that matter (the top object, ``cells`` or ``worksheets``, each cell's
``source``) are walked by hand, everything else is skipped with the json
module's own decoder. Pure: text in, positions out.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

from .model import LINE_BREAK

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class LayoutError(ValueError):
    """The text is not the JSON of a notebook (the loader says why in its own words)."""


@dataclass(frozen=True, slots=True)
class FilePosition:
    """A place in the .ipynb file's text: 1-based line and column (in characters)."""

    line: int
    column: int


@dataclass(slots=True)
class CellLayout:
    """One cell: where its JSON object starts, its source strings, and its metadata."""

    index: int
    offset: int
    pieces: list[tuple[int, str]] = field(default_factory=list)  # (quote offset, text)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class NotebookLayout:
    text: str
    cells: list[CellLayout]
    metadata: dict[str, Any]
    _line_starts: list[int] | None = None

    def cell(self, index: int) -> CellLayout | None:
        return self.cells[index - 1] if 1 <= index <= len(self.cells) else None

    def tags(self, index: int) -> Any:
        cell = self.cell(index)
        return cell.metadata.get("tags", []) if cell is not None else []

    def position(self, index: int, line: int | None, column: int | None) -> FilePosition | None:
        """The file position of ``line``:``column`` of cell ``index`` (1-based, in the
        cell's source); the start of the cell's source when no line is given."""
        cell = self.cell(index)
        if cell is None:
            return None
        if not cell.pieces:
            return self._file_position(cell.offset)
        if line is None:
            return self._file_position(cell.pieces[0][0] + 1)
        char = _char_offset("".join(text for _, text in cell.pieces), line, column or 1)
        for quote, text in cell.pieces:
            if char < len(text):
                return self._file_position(_raw_offset(self.text, quote, char))
            char -= len(text)
        last_quote, last_text = cell.pieces[-1]  # past the end: the end of the last string
        return self._file_position(_raw_offset(self.text, last_quote, len(last_text)))

    def _file_position(self, offset: int) -> FilePosition:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return FilePosition(line, offset - self._line_starts[line - 1] + 1)


def scan(text: str) -> NotebookLayout:
    """The layout of a notebook's JSON text; raises ``LayoutError`` if it is not one."""
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # keep offsets; the mark is no JSON
    try:
        return _Walker(text).notebook()
    except (ValueError, IndexError, RecursionError) as error:
        raise LayoutError(str(error)) from error


def _char_offset(source: str, line: int, column: int) -> int:
    """Offset in ``source`` of 1-based ``line``/``column``, lines ending as nbscope's do."""
    start = 0
    if line > 1:
        for number, found in enumerate(LINE_BREAK.finditer(source), start=2):
            start = found.end()
            if number == line:
                break
    return start + max(column, 1) - 1


_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u.{4}|\\.",
                     re.DOTALL)


def _raw_offset(text: str, quote: int, char: int) -> int:
    """Offset in ``text`` of decoded character ``char`` of the JSON string at ``quote``.

    An escape (``\\n``, ``\\u00e9``, a surrogate pair) is several characters of the
    file for one of the decoded string.
    """
    position = quote + 1
    while char > 0:
        if text[position] == "\\":
            position = _ESCAPE.match(text, position).end()  # type: ignore[union-attr]
        else:
            position += 1
        char -= 1
    return position


class _Walker:
    """A cursor over the JSON text that descends only where cell sources live."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.cells: list[CellLayout] = []
        self.metadata: dict[str, Any] = {}

    def notebook(self) -> NotebookLayout:
        for key in self._members():
            if key == "cells" and self._peek() == "[":
                self.cells = []
                self._cells()
            elif key == "worksheets" and self._peek() == "[":
                self.cells = []
                for _ in self._elements():
                    self._worksheet()
            elif key == "metadata":
                value = self._value()
                self.metadata = value if isinstance(value, dict) else {}
            else:
                self._value()
        return NotebookLayout(self.text, self.cells, self.metadata)

    def _worksheet(self) -> None:
        if self._peek() != "{":
            self._value()
            return
        for key in self._members():
            if key == "cells" and self._peek() == "[":
                self._cells()
            else:
                self._value()

    def _cells(self) -> None:
        for _ in self._elements():
            cell = CellLayout(len(self.cells) + 1, self.pos)
            self.cells.append(cell)
            if self._peek() != "{":
                self._value()
                continue
            sources: dict[str, list[tuple[int, str]]] = {}
            for key in self._members():
                if key in ("source", "input"):
                    sources[key] = self._source()
                elif key == "metadata":
                    value = self._value()
                    cell.metadata = value if isinstance(value, dict) else {}
                else:
                    self._value()
            # nbformat 3 keeps a code cell's source under "input"
            cell.pieces = sources.get("source", sources.get("input", []))

    def _source(self) -> list[tuple[int, str]]:
        if self._peek() == '"':
            return [self._string()]
        if self._peek() != "[":
            self._value()
            return []
        pieces = []
        for _ in self._elements():
            if self._peek() == '"':
                pieces.append(self._string())
            else:
                self._value()
        return pieces

    # --- the cursor ---------------------------------------------------------------------------

    def _peek(self) -> str:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos]

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r} at offset {self.pos}")
        self.pos += 1

    def _string(self) -> tuple[int, str]:
        quote = self.pos
        if self.text[quote] != '"':
            raise ValueError(f"expected a string at offset {quote}")
        value, self.pos = scanstring(self.text, quote + 1)
        return quote, value

    def _value(self) -> Any:
        self._peek()
        value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return value

    def _members(self) -> Iterator[str]:
        """Each key of the object at the cursor; the caller consumes each value."""
        self._expect("{")
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            self._peek()
            _, key = self._string()
            self._expect(":")
            self._peek()
            yield key
            if self._peek() == ",":
                self.pos += 1
                continue
            self._expect("}")
            return

    def _elements(self) -> Iterator[None]:
        """Each element of the array at the cursor; the caller consumes each one."""
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            self._peek()
            yield None
            if self._peek() == ",":
                self.pos += 1
                continue
            self._expect("]")
            return
