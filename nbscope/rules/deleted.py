"""NS007 deleted: a name removed by ``del`` (or by Python, or ``%reset``) before it is read."""

from __future__ import annotations

from ..dataflow.ir import Construct, Event, EventKind, Site, Use
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule, where

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


# --- wording
RESET = Message(
    "deleted/reset",
    "`%reset` ({place}) cleared every variable before this line, `{name}` included.",
    "Run the cells that define `{name}` again after the reset, or remove the `%reset`.")
EXCEPT_END = Message(
    "deleted/except-end",
    "`{name}` was bound by `except ... as {name}` ({place}), and Python deletes that name "
    "when the `except` block ends, so it does not exist here.",
    "Inside the handler, keep it under another name: `error = {name}`.")
DEL = Message(
    "deleted/del",
    "`{name}` was deleted ({place}) before this line, so it no longer exists here.",
    "Use `{name}` before the `del`, remove the `del`, or assign `{name}` again.")


def finding(facts: Facts, use: Use, at: Site, removal: Event) -> Finding:
    assert removal.site is not None
    if removal.kind is EventKind.RESET:
        message = RESET
    elif removal.construct is Construct.EXCEPT_UNBINDING:
        message = EXCEPT_END
    else:
        message = DEL
    return facts.finding(RULE, use.name, at, message, {"place": where(removal.site, at.cell)},
                         related=(facts.related("deletion", removal.site),))
