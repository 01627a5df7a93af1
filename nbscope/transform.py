"""Turn one code cell's source into parsed Python, with a way back to the raw cell.

Most cells are plain Python and are parsed as they are. A cell that does not
parse goes through IPython's own ``TransformerManager`` (magics, ``!cmd``,
``x = !cmd``, ``?`` help, prompts, indented cells), and the transformed lines are
aligned with the raw ones so every position nbscope reports points into the
cell as the user wrote it. A cell that starts with ``%%`` is split into the
magic and its body here; what the magic means is decided in ``magics``.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from dataclasses import dataclass
from functools import cache

from asttokens import LineNumbers

from .ipython_escapes import all_statements, escaped_lines
from .model import Span


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """Why a piece of cell source is not Python, at a raw-cell position."""

    message: str
    line: int
    column: int


class SourceMap:
    """The map from positions in parsed source back to the raw cell.

    ``raw_line[i]`` is the raw-cell line (1-based) of source line ``i + 1``;
    ``col_shift[i]`` is added to a character column on that line (indentation
    IPython removed, or the column where a magic's argument starts). Sites keep
    this map (not the syntax tree) to work their spans out when asked.
    """

    __slots__ = ("source", "raw_line", "col_shift", "_line_numbers", "_lines",
                 "_plain_offset")

    def __init__(self, source: str, raw_line: tuple[int, ...], col_shift: tuple[int, ...]
                 ) -> None:
        self.source = source
        self.raw_line = raw_line
        self.col_shift = col_shift
        self._line_numbers: LineNumbers | None = None
        self._lines: list[str] | None = None
        # When positions map by a constant line offset (ASCII text, no shifts),
        # spans need no per-line work; None otherwise.
        self._plain_offset: int | None = None
        if source.isascii() and not any(col_shift) and raw_line and \
                raw_line[-1] - raw_line[0] == len(raw_line) - 1:
            self._plain_offset = raw_line[0] - 1

    def line_text(self, lineno: int) -> str:
        if self._lines is None:
            # Not splitlines(): it also breaks at form feeds and other characters
            # Python does not end lines at.
            self._lines = self.source.split("\n")
        if 1 <= lineno <= len(self._lines):
            return self._lines[lineno - 1]
        return ""

    def point(self, lineno: int, utf8_col: int) -> tuple[int, int]:
        """Raw-cell (line, 1-based character column) of an ``ast`` position."""
        text = self.line_text(lineno)
        col = utf8_col
        if not text.isascii():
            # ast columns count UTF-8 bytes; the contract counts characters.
            if self._line_numbers is None:
                self._line_numbers = LineNumbers(self.source)
            col = self._line_numbers.from_utf8_col(lineno, utf8_col)
        index = min(max(lineno, 1), len(self.raw_line)) - 1
        return self.raw_line[index], col + self.col_shift[index] + 1

    def span(self, node: ast.AST) -> Span:
        """The raw-cell span of a node that has ``lineno``/``col_offset`` and ends."""
        offset = self._plain_offset
        if offset is not None and node.end_col_offset is not None:  # type: ignore[attr-defined]
            return Span(node.lineno + offset, node.col_offset + 1,  # type: ignore[attr-defined]
                        node.end_lineno + offset, node.end_col_offset + 1)  # type: ignore
        line, column = self.point(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_lineno = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            return Span(line, column, line, column)
        end_line, end_column = self.point(end_lineno, end_col)
        return Span(line, column, end_line, end_column)

    def name_span(self, lineno: int, utf8_col: int, name: str) -> Span:
        """The span of identifier ``name`` found at or after a node's start."""
        text = self.line_text(lineno)
        raw = text.encode("utf-8")
        start = _find_identifier(raw, name.encode("utf-8"), utf8_col)
        if start < 0:
            line, column = self.point(lineno, utf8_col)
            return Span(line, column, line, column)
        line, column = self.point(lineno, start)
        return Span(line, column, line, column + len(name))


class Fragment:
    """Parsed Python (``tree``) plus the map from its positions back to the raw cell."""

    __slots__ = ("tree", "map")

    def __init__(
        self,
        tree: ast.Module,
        source: str,
        raw_line: tuple[int, ...],
        col_shift: tuple[int, ...],
    ) -> None:
        self.tree = tree
        self.map = SourceMap(source, raw_line, col_shift)

    @property
    def source(self) -> str:
        return self.map.source

    @property
    def raw_line(self) -> tuple[int, ...]:
        return self.map.raw_line

    @property
    def col_shift(self) -> tuple[int, ...]:
        return self.map.col_shift

    def line_text(self, lineno: int) -> str:
        return self.map.line_text(lineno)

    def point(self, lineno: int, utf8_col: int) -> tuple[int, int]:
        return self.map.point(lineno, utf8_col)

    def span(self, node: ast.AST) -> Span:
        return self.map.span(node)

    def name_span(self, lineno: int, utf8_col: int, name: str) -> Span:
        return self.map.name_span(lineno, utf8_col, name)


_KEYWORD_SKIP = re.compile(rb"\s*(?:async\s+)?(?:def|class|global|nonlocal)\b")


def _find_identifier(raw: bytes, name: bytes, start: int) -> int:
    """Byte offset of ``name`` as a whole identifier in ``raw`` at or after ``start``."""
    skip = _KEYWORD_SKIP.match(raw, start)
    if skip:
        start = skip.end()
    found = raw.find(name, start)
    while found >= 0:
        before = raw[found - 1:found]
        after = raw[found + len(name):found + len(name) + 1]
        if not _is_identifier_byte(before) and not _is_identifier_byte(after):
            return found
        found = raw.find(name, found + 1)
    return -1


def _is_identifier_byte(byte: bytes) -> bool:
    return bool(byte) and (byte.isalnum() or byte == b"_" or byte[0] >= 0x80)


@dataclass(frozen=True, slots=True)
class CellMagic:
    """A ``%%name line`` cell magic and the body below it."""

    name: str
    line: str
    body: str
    body_first_line: int  # raw line of the body's first line
    magic_line: int  # raw line of the %%magic itself
    line_column: int  # 0-based column where ``line`` starts on the magic line
    indent: int = 0  # indentation IPython removed from every line of the cell


def normalize_newlines(source: str) -> str:
    """Python ends lines at ``\\n``, ``\\r\\n`` and a bare ``\\r``; so do positions here."""
    if "\r" not in source:
        return source
    return source.replace("\r\n", "\n").replace("\r", "\n")


def split_cell_magic(source: str) -> CellMagic | None:
    """The cell magic heading ``source``, if it has one (as IPython decides)."""
    lines = source.split("\n")
    first = 0
    # IPython drops leading blank lines and the first line's indentation (from every
    # line that has it) before looking for ``%%``.
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        return None
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip(" \t"))]
    if not lines[first][len(indent):].startswith("%%"):
        return None
    if indent:
        lines = [line[len(indent):] if line.startswith(indent) else line for line in lines]
    head = lines[first][2:]
    match = re.match(r"(\S*)\s*", head)
    assert match is not None
    name = match.group(1)
    return CellMagic(
        name=name,
        line=head[match.end():].rstrip(),
        body="\n".join(lines[first + 1:]),
        body_first_line=first + 2,
        magic_line=first + 1,
        line_column=2 + match.end() + len(indent),
        indent=len(indent),
    )


# IPython's built-in line magics; on a one-line cell, ``ls`` or ``cd dir`` runs the
# magic without its ``%`` (automagic), unless the line assigns the name.
AUTOMAGICS = frozenset({
    "alias", "alias_magic", "autoawait", "autocall", "automagic", "bookmark", "cat", "cd",
    "colors", "conda", "config", "cp", "debug", "dhist", "dirs", "doctest_mode", "ed", "edit",
    "env", "gui", "hist", "history", "killbgscripts", "ldir", "lf", "lk", "ll", "load",
    "load_ext", "loadpy", "logoff", "logon", "logstart", "logstate", "logstop", "ls", "lsmagic",
    "lx", "macro", "magic", "matplotlib", "mkdir", "mv", "notebook", "page", "pastebin", "pdb",
    "pdef", "pdoc", "pfile", "pinfo", "pinfo2", "pip", "popd", "pprint", "precision", "prun",
    "psearch", "psource", "pushd", "pwd", "pycat", "pylab", "quickref", "recall", "rehashx",
    "reload_ext", "rep", "rerun", "reset", "reset_selective", "rm", "rmdir", "run", "save",
    "sc", "set_env", "sx", "system", "tb", "time", "timeit", "unalias", "unload_ext", "who",
    "who_ls", "whos", "xdel", "xmode",
})
_CALLED_AUTOMAGICS = frozenset({"pwd", "who", "whos", "who_ls", "lsmagic", "dhist", "dirs"})
_FIRST_WORD = re.compile(r"\s*([A-Za-z_][\w.]*)(.*)\Z", re.S)


def automagic(source: str) -> str | None:
    """The ``%``-prefixed form of a one-line cell IPython would run as a magic.

    IPython's prefilter applies automagic to single-line cells only: the first
    word must be a line magic and the rest must not make the line an assignment.
    """
    text = source.strip()
    if not text or "\n" in text:
        return None
    match = _FIRST_WORD.match(text)
    if match is None or match.group(1) not in AUTOMAGICS:
        return None
    rest = match.group(2).lstrip()
    # IPython's AssignmentChecker: ``pwd = 3`` and ``pwd, x = ...`` stay Python; ``pwd()``
    # is still the magic, unless a variable shadows it. Shadowing depends on the
    # namespace, so ``name(...)`` counts only for magics no one names a function after.
    if rest.startswith(("=", ",")) and not rest.startswith("=="):
        return None
    if rest.startswith(("(", "[")) and match.group(1) not in _CALLED_AUTOMAGICS:
        return None
    return "%" + text


def parse_python(
    source: str, first_line: int = 1, first_col: int = 0, indent: int = 0
) -> Fragment | SyntaxProblem:
    """Parse cell code, transforming IPython syntax only when plain parsing fails.

    ``first_line``/``first_col`` place ``source`` inside the raw cell (for a
    magic's argument or a cell magic's body); ``indent`` is indentation already
    removed from every line.
    """
    try:
        tree = _parse(source)
    except (SyntaxError, ValueError) as plain_error:
        parsed = _parse_transformed(source, first_line, first_col, plain_error)
    else:
        count = source.count("\n") + 1
        raw_lines = tuple(range(first_line, first_line + count))
        shifts = (first_col,) + (0,) * (count - 1)
        parsed = Fragment(tree, source, raw_lines, shifts)
    if indent:
        if isinstance(parsed, SyntaxProblem):
            return SyntaxProblem(parsed.message, parsed.line, parsed.column + indent)
        shifted = tuple(shift + indent for shift in parsed.col_shift)
        parsed = Fragment(parsed.tree, parsed.source, parsed.raw_line, shifted)
    return parsed


def _parse(source: str) -> ast.Module:
    with warnings.catch_warnings():
        # Invalid escapes and the like warn at parse time; they are not ours to print.
        warnings.simplefilter("ignore")
        return ast.parse(source)


def _parse_transformed(
    source: str, first_line: int, first_col: int, plain_error: Exception
) -> Fragment | SyntaxProblem:
    manager = _transformer()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quick = escaped_lines(source, manager.cleanup_transforms + manager.line_transforms)
    except Exception:  # the same steps fail in IPython's own run below, and say why
        quick = None
    if quick is not None:
        # Only whole ``%``/``!`` lines: IPython's text without its tokenizer, kept when
        # every replaced line proves to be a statement of its own (``ipython_escapes``).
        transformed, replaced = quick
        parsed = _mapped_fragment(source, transformed, first_line, first_col, plain_error)
        if isinstance(parsed, Fragment) and all_statements(parsed.tree, replaced):
            return parsed
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            transformed = manager.transform_cell(source)
    except Exception as error:  # IPython's transformer raises on some odd input.
        return _problem(plain_error, first_line, first_col, str(error))
    return _mapped_fragment(source, transformed, first_line, first_col, plain_error)


def _mapped_fragment(source: str, transformed: str, first_line: int, first_col: int,
                     plain_error: Exception) -> Fragment | SyntaxProblem:
    """``transformed`` (IPython's text for ``source``) parsed, its lines mapped back."""
    segments = _ipython_lines(source)
    raw_lines, shifts = _align([text for text, _, _ in segments], transformed.split("\n"))
    if len(segments) != source.count("\n") + 1:
        # IPython also ended lines at form feeds and the like: map its lines back to
        # the raw line each came from and the column it starts at there.
        shifts = tuple(shift + segments[line - 1][2]
                       for line, shift in zip(raw_lines, shifts, strict=True))
        raw_lines = tuple(segments[line - 1][1] for line in raw_lines)
    raw_lines = tuple(line + first_line - 1 for line in raw_lines)
    if first_col:
        shifts = tuple(s + (first_col if line == first_line else 0)
                       for s, line in zip(shifts, raw_lines, strict=True))
    try:
        tree = _parse(transformed)
    except SyntaxError as error:
        # Report where the transformed error is, mapped back onto the raw cell.
        index = min(max((error.lineno or 1) - 1, 0), len(raw_lines) - 1)
        column = (error.offset or 1) + shifts[index]
        return SyntaxProblem(error.msg or "invalid syntax", raw_lines[index], max(column, 1))
    except ValueError:
        return _problem(plain_error, first_line, first_col)
    return Fragment(tree, transformed, raw_lines, shifts)


def _ipython_lines(source: str) -> list[tuple[str, int, int]]:
    """The lines IPython's transformer sees (``str.splitlines``: it also breaks at form
    feeds and other separators Python does not), each with its raw line and column."""
    result: list[tuple[str, int, int]] = []
    for number, line in enumerate(source.split("\n"), start=1):
        pieces = line.splitlines() if line else [""]
        if len(pieces) == 1:
            result.append((line, number, 0))
            continue
        column = 0
        for piece in pieces:
            result.append((piece, number, column))
            column += len(piece) + 1  # every separator str.splitlines knows is one character
    return result


def _problem(
    error: Exception, first_line: int, first_col: int, detail: str | None = None
) -> SyntaxProblem:
    if isinstance(error, SyntaxError):
        message = error.msg or "invalid syntax"
        line = (error.lineno or 1) + first_line - 1
        column = (error.offset or 1) + (first_col if line == first_line else 0)
        return SyntaxProblem(message, line, max(column, 1))
    return SyntaxProblem(detail or str(error) or "not valid Python", first_line, first_col + 1)


@cache
def _transformer():  # type: ignore[no-untyped-def]
    # Imported lazily: only the few cells with IPython syntax pay for it.
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _align(raw: list[str], transformed: list[str]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Map each transformed line to a raw line (1-based) and a column shift.

    IPython's transforms replace lines but never reorder them, so lines equal up
    to leading whitespace are matched and each replaced block maps onto the raw
    block it came from, line by line.
    """
    # IPython drops leading blank lines; align what follows them.
    skipped = 0
    while skipped < len(raw) - 1 and not raw[skipped].strip():
        skipped += 1
    raw_of, shift = _align_lines(raw[skipped:], transformed)
    return tuple(line + skipped for line in raw_of), tuple(shift)


def _align_lines(raw: list[str], transformed: list[str]) -> tuple[list[int], list[int]]:
    raw_key = [line.strip() for line in raw]
    new_key = [line.strip() for line in transformed]
    matcher = difflib.SequenceMatcher(None, raw_key, new_key, autojunk=False)
    raw_of = [0] * len(transformed)
    shift = [0] * len(transformed)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # Within a replaced block, transformed lines stand for the raw lines that
        # are not blank (IPython drops blank lines there), in order.
        filled = list(range(i1, max(i2, i1 + 1)))
        if tag == "replace":
            filled = [i for i in filled if i < len(raw_key) and raw_key[i]] or filled
        for j in range(j1, j2):
            i = filled[min(j - j1, len(filled) - 1)]
            i = min(i, len(raw) - 1)
            raw_of[j] = i + 1
            indent_raw = len(raw[i]) - len(raw[i].lstrip())
            indent_new = len(transformed[j]) - len(transformed[j].lstrip())
            shift[j] = indent_raw - indent_new
            if tag == "replace" and raw_key[i][:1] in (",", ";", "/"):
                shift[j] += 1  # autocall escapes: ``/f x`` runs as ``f(x)``
    return raw_of, shift
