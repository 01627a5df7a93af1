"""NS100 syntax-error: a code cell that is neither Python nor IPython syntax."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Finding, Severity
from .base import Facts, Message, Rule

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


def finding(facts: Facts, site: Site, reason: str, parsed: bool = False) -> Finding:
    """``parsed``: the cell parses, but Python's compiler rejects a statement in it."""
    span = site.span
    position = f" (line {span.line}, column {span.column})" if span else ""
    return facts.finding(RULE, None, site, REJECTED if parsed else NOT_PYTHON,
                         {"reason": reason, "position": position})
