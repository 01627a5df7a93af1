"""NS007 deleted: a name removed by ``del`` (or by Python, or ``%reset``) before it is read."""

from __future__ import annotations

from ..dataflow.ir import Construct, Event, EventKind, Site, Use
from ..findings import Cause, Finding, Severity
from .base import Facts, Rule, where

RULE = Rule(
    code="NS007",
    name="deleted",
    cause=Cause.DELETED,
    severity=Severity.ERROR,
    summary="A name is used after `del` (or `%reset`, or the end of its `except` block) "
            "removed it.",
    doc="""\
## What it does
Finds reads of names that were bound, then removed before the read: by
`del name`, by `%xdel`/`%reset`, or by Python itself, which deletes the name of
`except ... as name` when the handler ends.

## Why is this bad?
After the deletion the name no longer exists; the read raises `NameError`.
Notebooks often `del` a large object to free memory and use it again further down.

## Example
```python
raw_rows = load()
clean = [r.strip() for r in raw_rows]
del raw_rows
print(len(raw_rows))
```

## Use instead
Use the name before deleting it, or do not delete it.
""",
)


def finding(facts: Facts, use: Use, at: Site, removal: Event) -> Finding:
    name = use.name
    assert removal.site is not None
    place = where(removal.site, at.cell)
    if removal.kind is EventKind.RESET:
        message = f"`%reset` ({place}) cleared every variable before this line, `{name}` included."
        fix = f"Run the cells that define `{name}` again after the reset, or remove the `%reset`."
        role = "deletion"
    elif removal.construct is Construct.EXCEPT_UNBINDING:
        message = (f"`{name}` was bound by `except ... as {name}` ({place}), and Python deletes "
                   f"that name when the `except` block ends, so it does not exist here.")
        fix = f"Inside the handler, keep it under another name: `error = {name}`."
        role = "deletion"
    else:
        message = f"`{name}` was deleted ({place}) before this line, so it no longer exists here."
        fix = f"Use `{name}` before the `del`, remove the `del`, or assign `{name}` again."
        role = "deletion"
    related = (facts.related(role, removal.site),)
    return facts.finding(RULE, name, at, message, fix, related=related)
