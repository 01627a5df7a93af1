"""Tell text typed into a code cell (a sentence, pasted Markdown) from broken code."""

from __future__ import annotations

import ast
import json
import keyword
import re

from ..model import cell_lines

# Markdown and list markers that open a line of text: ``## ``, ``- ``, ``1. ``, ``Q1) ``.
_MARKER = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\(?[A-Za-z]?\d{1,3}[.)]\s*|[a-z][.)]\s+)")
_QUOTED = re.compile(r"(?<![A-Za-z])[rRbBfFuU]{0,2}(?:\"[^\"\n]*\"|'[^'\n]*')(?![A-Za-z])")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
# A run of words joined only by single spaces.
_WORD_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?: [A-Za-z][A-Za-z'’-]*)+")
_SQL_VERBS = frozenset({"select", "insert", "update", "delete", "create", "drop", "alter",
                        "with", "call", "analyze", "truncate", "grant", "describe"})
_SHELL_COMMANDS = frozenset({
    "git", "pip", "pip3", "conda", "python", "python3", "jupyter", "aws", "gcloud", "gsutil",
    "az", "docker", "kubectl", "npm", "apt", "apt-get", "sudo", "brew", "echo", "cd", "ls",
    "cat", "mkdir", "rm", "cp", "mv", "wget", "curl", "tar", "unzip", "chmod", "export",
    "source", "head", "tail", "grep", "java", "javac", "hdfs", "hadoop", "spark-submit"})
_SQL_WORDS = re.compile(r"\b(?:select|from|into|table|where|values|join|order by|group by)\b",
                        re.I)
# Plain (non-keyword) words in a row, one space apart: valid Python never has three
# (``a if b else c`` alternates names and keywords), prose nearly always does.
_PROSE_WORDS = 3


def is_text_line(line: str) -> bool:
    """Whether one line reads as words rather than code: three plain words in a row,
    one space apart, outside string literals and comments (``sir how to convert``),
    and not a SQL statement."""
    text = line.strip()
    if not text:
        return False
    if text.startswith(("'", '"')) or '"""' in text or "\'\'\'" in text:
        return False  # string contents, or a string that is not closed
    text = _MARKER.sub("", text, count=1)
    first = text.split(" ", 1)[0].lower()
    if first in _SQL_VERBS or len({m.lower() for m in _SQL_WORDS.findall(text)}) >= 2:
        return False  # SQL (a ``%%sql`` cell without its magic), not prose
    if first in _SHELL_COMMANDS:
        return False  # a shell command without its ``!``
    code = _QUOTED.sub('""', text).partition("#")[0]
    # Words inside brackets are arguments or an aside (``input(enter lower limit)``:
    # broken code); prose has its words outside them too.
    while True:
        inner = _BRACKETED.sub(" ", code)
        if inner == code:
            break
        code = inner
    for run in _WORD_RUN.finditer(code):
        streak = 0
        for word in run.group().split(" "):
            streak = 0 if keyword.iskeyword(word) else streak + 1
            if streak >= _PROSE_WORDS:
                return True
    return False


def text_lines(source: str) -> tuple[list[int], bool]:
    """The 1-based numbers of a cell's lines that read as text, and whether the whole
    cell is text: every other non-blank line is a comment or not code on its own."""
    numbers = []
    code_left = False
    for number, line in enumerate(cell_lines(source), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if is_text_line(line):
            numbers.append(number)
        elif _parses(stripped):
            code_left = True
    return numbers, bool(numbers) and not code_left


def _parses(line: str) -> bool:
    try:
        ast.parse(line.rstrip(":") if line.endswith(":") else line)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


# JSON's literals that Python spells ``True``, ``False`` and ``None``.
JSON_WORDS = frozenset({"true", "false", "null"})


def is_json_text(source: str) -> bool:
    """Whether a cell's whole text is a JSON object or array (a pasted ``.ipynb`` or
    configuration file), which Python reads as a dict or list of undefined names."""
    text = source.strip()
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# ``tesseract --version``, ``java -version``: a command name, a space, then a flag.
_SHELL_LINE = re.compile(r"\s*([A-Za-z_][\w.]*)\s+--?[A-Za-z][\w-]*(?:\s|$)")


def shell_command(source: str, number: int) -> str | None:
    """Line ``number`` (1-based) of a cell, stripped, when it is a shell command typed
    without IPython's ``!`` (a name, then a ``-flag``), which Python reads as a
    subtraction; else None."""
    lines = cell_lines(source)
    if not 1 <= number <= len(lines):
        return None
    line = lines[number - 1]
    match = _SHELL_LINE.match(line)
    if match is None or keyword.iskeyword(match.group(1)):
        return None
    return line.strip()


# ``--outputCodec,lzo``: command-line arguments, which Python reads as ``-(-outputCodec)``.
_COMMAND_LINE_ARGUMENTS = re.compile(r"\s*--[A-Za-z][\w-]*")
# ``abort;``, ``COMMIT;``: a one-word SQL statement, which Python reads as a name.
_SQL_STATEMENT = re.compile(
    r"\s*(?:abort|begin|commit|rollback|end|vacuum|analyze|checkpoint|reindex|discard"
    r"|unlisten|savepoint|release)\s*;\s*$", re.IGNORECASE)


def foreign_line(source: str, number: int) -> tuple[str, str] | None:
    """Line ``number`` (1-based) of a cell when it is command-line arguments or an SQL
    statement that Python happens to parse (what it is, the line stripped); else None."""
    lines = cell_lines(source)
    if not 1 <= number <= len(lines):
        return None
    line = lines[number - 1]
    if _COMMAND_LINE_ARGUMENTS.match(line):
        return "command-line arguments", line.strip()
    if _SQL_STATEMENT.match(line):
        return "an SQL statement", line.strip()
    return None


# ``2)delet data``, ``1)Read-binary ...``: a numbered note; no Python statement opens so.
_NUMBERED_ITEM = re.compile(r"\s*\d{1,3}\)\s*[A-Za-z]")


def is_numbered_item(line: str) -> bool:
    """Whether a line opens with a list number and a word (``2)delete rows``)."""
    return _NUMBERED_ITEM.match(line) is not None


def shell_line(source: str, number: int) -> str | None:
    """Line ``number`` (1-based) stripped, when it is a shell command typed without
    ``!``: a command with a flag (``tail -n 1 notes.md``), or a well-known command
    name followed by a file, path or URL (``unzip data.zip``); else None."""
    command = shell_command(source, number)
    if command is not None:
        return command
    lines = cell_lines(source)
    if not 1 <= number <= len(lines):
        return None
    first, _, rest = lines[number - 1].strip().partition(" ")
    # An argument like a file, a path or a URL (``data.zip``, ``https://...``); words
    # alone (``python is a great language``) are prose.
    argument = any(mark in rest for mark in "./:=")
    return lines[number - 1].strip() if first in _SHELL_COMMANDS and argument else None
