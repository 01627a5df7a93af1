"""NS100 syntax-error: a code cell that is neither Python nor IPython syntax."""

from __future__ import annotations

import re

from ..dataflow.ir import Site
from ..findings import Finding, Severity
from ..model import cell_lines
from .base import Facts, Message, Rule
from .prose import is_numbered_item, is_text_line, shell_line, text_lines
from .typo import misspelt_keyword

RULE = Rule(
    code="NS100",
    name="syntax-error",
    cause=None,
    severity=Severity.ERROR,
    summary="A code cell does not parse, even after IPython's magics are translated.",
    doc="""\
## What it does
Reports code cells that are not valid Python, after IPython's own input
transformations (magics, `!` shell commands, `?` help) have been applied.
When the line Python stops at is prose (a sentence or pasted Markdown, not
broken code), it says that the cell holds text: make it a Markdown cell (or,
for one line of text among code, a comment); a numbered note (`2)delete rows`)
counts as text. A shell command typed without `!` (`tail -n 1 notes.md`) and a
statement keyword misspelt at the start of a line (`reurn total`) are named.

## Why is this bad?
Restart & Run All stops at this cell with `SyntaxError`. nbscope cannot see which
names the cell would define, so it does not report names that it might define.

## Example
```python
print("unclosed
```

## Use instead
Fix the syntax; the message gives the line and column Python complained about.
""",
)


NOT_PYTHON = Message(
    "syntax-error/unparsable",
    "This cell is not valid Python: {reason}{position}. Restart & Run All stops here with "
    "SyntaxError; nbscope skipped the cell.",
    "Fix the syntax error.")
REJECTED = Message(
    "syntax-error/misplaced-statement",
    "This cell is not valid Python: {reason}{position}. IPython runs the statements above it, "
    "then stops with SyntaxError, so Restart & Run All stops here and nothing from this line "
    "on runs.",
    "Move the statement into a function (a `return`), into a loop (a `break` or `continue`), "
    "or remove it.")

KEYWORD_SLIP = Message(
    "syntax-error/misspelt-keyword",
    "This cell is not valid Python: {reason}{position}; `{word}` looks like the keyword "
    "`{keyword}` misspelt. Restart & Run All stops here with SyntaxError; nbscope skipped "
    "the cell.",
    "Write `{keyword}` for `{word}` on line {line}.")
SHELL_LINE = Message(
    "syntax-error/shell-command",
    "Line {line} of this cell looks like a shell command typed without IPython's `!` "
    "(`{text}`), which Python cannot parse, so Restart & Run All stops here with "
    "SyntaxError; nbscope skipped the cell.",
    "Run it in the shell: `!{text}`.")
TEXT_CELL = Message(
    "syntax-error/text-cell",
    "This cell holds text, not Python (line {line}: `{text}`), so Restart & Run All stops "
    "here with SyntaxError; nbscope skipped the cell.",
    "Make it a Markdown cell (in Jupyter: select it, press Esc, then M), or delete it.")
TEXT_LINE = Message(
    "syntax-error/text-line",
    "Line {line} of this cell is text, not Python (`{text}`), so Restart & Run All stops "
    "here with SyntaxError; nbscope skipped the cell.",
    "Turn the text into a comment (start the line with `#`), or move it to a Markdown cell.")


def finding(facts: Facts, site: Site, reason: str, parsed: bool = False) -> Finding:
    """``parsed``: the cell parses, but Python's compiler rejects a statement in it."""
    span = site.span
    if not parsed and span is not None:
        text = _text_finding(facts, site, span.line)
        if text is not None:
            return text
    position = f" (line {span.line}, column {span.column})" if span else ""
    slip = _misspelt_keyword(facts, site) if not parsed else None
    if slip is not None:
        word, meant = slip
        return facts.finding(RULE, None, site, KEYWORD_SLIP,
                             {"reason": reason, "position": position, "word": word,
                              "keyword": meant, "line": span.line if span else 1},
                             suggestion=meant)
    return facts.finding(RULE, None, site, REJECTED if parsed else NOT_PYTHON,
                         {"reason": reason, "position": position})


def _text_finding(facts: Facts, site: Site, line: int) -> Finding | None:
    """The finding for a cell whose failing line is prose, not broken code; else None."""
    cell = facts.cells.get(site.cell)
    if cell is None or cell.source.lstrip().startswith(("%", "!")):
        return None
    lines = cell_lines(cell.source)
    if not 1 <= line <= len(lines):
        return None
    command = shell_line(cell.source, line)
    if command is not None:
        return facts.finding(RULE, None, site, SHELL_LINE,
                             {"line": line, "text": command.replace("`", "'")},
                             suggestion=f"!{command}")
    if not (is_text_line(lines[line - 1]) or is_numbered_item(lines[line - 1])):
        return None
    text = lines[line - 1].strip()
    shown = text if len(text) <= 60 else text[:57].rstrip() + "..."
    whole = text_lines(cell.source)[1]
    return facts.finding(RULE, None, site, TEXT_CELL if whole else TEXT_LINE,
                         {"line": line, "text": shown.replace("`", "'")})


_FIRST_WORD = re.compile(r"\s*([A-Za-z_]\w*)\s+[\w\"'(\[{-]")


def _misspelt_keyword(facts: Facts, site: Site) -> tuple[str, str] | None:
    """``reurn total``: the failing line opens with a statement keyword misspelt (the
    word, the keyword), which is why it does not parse; else None."""
    line = facts.line_at(site)
    if line is None:
        return None
    match = _FIRST_WORD.match(line)
    if match is None:
        return None
    meant = misspelt_keyword(match.group(1))
    return (match.group(1), meant) if meant is not None else None
