"""NS100 syntax-error: a code cell that is neither Python nor IPython syntax."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Finding, Severity
from .base import Facts, Rule

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


def finding(facts: Facts, site: Site, reason: str) -> Finding:
    span = site.span
    position = f" (line {span.line}, column {span.column})" if span else ""
    message = (f"This cell is not valid Python: {reason}{position}. Restart & Run All stops "
               f"here with SyntaxError; nbscope skipped the cell.")
    return facts.finding(RULE, None, site, message, "Fix the syntax error.")
