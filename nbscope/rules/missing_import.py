"""NS004 missing-import: a module or its conventional alias is used but never imported."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule

RULE = Rule(
    code="NS004",
    name="missing-import",
    cause=Cause.MISSING_IMPORT,
    severity=Severity.ERROR,
    summary="A module (or its usual alias, like `np`) is used but no cell imports it.",
    doc="""\
## What it does
Finds names that no cell binds but that are a standard-library module, a
well-known package, or the conventional alias of one (`np`, `pd`, `plt`, ...),
and suggests the import line.

## Why is this bad?
The import probably ran in another notebook, or in a cell that was deleted; in
a fresh kernel the name does not exist and the cell raises `NameError`.

## Example
```python
values = np.arange(10)
```

## Use instead
```python
import numpy as np

values = np.arange(10)
```
""",
)


MISSING = Message(
    "missing-import/module",
    "`{name}` is never imported: no cell runs `{line}`.",
    "Add `{line}` to an import cell at the top of the notebook.")


def finding(facts: Facts, name: str, at: Site, import_line: str) -> Finding:
    return facts.finding(RULE, name, at, MISSING, {"line": import_line}, suggestion=import_line)
