"""NS006 conditional: a name bound before its use on some paths only."""

from __future__ import annotations

from ..dataflow.ir import Call, Event, EventKind, Guard, Site, Use, in_order
from ..findings import Cause, Finding, Severity
from .base import Facts, Rule, where

RULE = Rule(
    code="NS006",
    name="conditional",
    cause=Cause.CONDITIONAL,
    severity=Severity.WARNING,
    summary="A name is bound only on some paths before it is used (an `if`, a loop, a `try`).",
    doc="""\
## What it does
Finds reads of names that are assigned before the read only on some paths: inside
an `if` without an `else` that assigns too, in a loop that may run zero times,
in a `try` block that may fail first, or deleted on some path.

## Why is this bad?
The notebook works as long as the branch you happened to take binds the name.
With other data (an empty loop, a failing `try`, a flag set the other way) the
same cell raises `NameError`.

## Example
```python
if use_custom:
    threshold = 0.7
print(threshold)
```

A name bound only inside a loop gets this finding at `info` severity: loops
over data nearly always run, and the finding only says what happens if one
does not.

## Use instead
Give the name a value on every path:
```python
threshold = 0.5
if use_custom:
    threshold = 0.7
print(threshold)
```
""",
)

_GUARDS = {
    Guard.IF: ("an `if` branch", "the branch is not taken"),
    Guard.FOR: ("a `for` loop", "the loop runs zero times"),
    Guard.WHILE: ("a `while` loop", "the loop runs zero times"),
    Guard.TRY: ("a `try` block", "the `try` block fails before that line"),
    Guard.EXCEPT: ("an `except` handler", "no exception happens"),
    Guard.MATCH: ("a `case` of a `match`", "no such case matches"),
}


def _initial_only(events: frozenset[Event]) -> bool:
    """Whether something other than "not bound yet" makes the name uncertain."""
    return any(e.kind not in (EventKind.BIND, EventKind.INITIAL) for e in events)


def finding(facts: Facts, use: Use, at: Site, events: frozenset[Event],
            calls: tuple[Call, ...], function: str | None = None) -> Finding:
    name = use.name
    severity = RULE.severity
    binds = sorted((e for e in events if e.kind is EventKind.BIND and e.site),
                   key=lambda e: (e.site.cell, e.site.span.line if e.site.span else 0))
    deletions = [e for e in in_order(events) if e.kind is EventKind.DELETE and e.site]
    related = [facts.related("definition", e.site) for e in binds[:3]]
    subject = f"`{name}` may be unbound here"
    if function:
        subject = f"`{name}` may be unbound here when `{function}` runs"
    if calls:
        subject = (f"`{calls[0].name}()` is called here, and `{calls[-1].name}` reads "
                   f"`{name}` ({where(use.site, at.cell)}), which may be unbound at this call")
        related.append(facts.related("use", use.site))
    if deletions:
        deletion = deletions[0]
        assert deletion.site is not None
        related.append(facts.related("deletion", deletion.site))
        message = f"{subject}: it is deleted on some paths ({where(deletion.site, at.cell)})."
        fix = f"Make sure `{name}` is assigned again after the deletion on every path."
    else:
        guarded = next((e for e in binds if e.guard), None)
        if (binds and all(e.guard is not None and e.guard.is_loop for e in binds)
                and not _initial_only(events)):
            severity = Severity.INFO
        if guarded is not None and guarded.site is not None and guarded.guard in _GUARDS:
            construct, failing = _GUARDS[guarded.guard]
            message = (f"{subject}: it is assigned only inside {construct} "
                       f"({where(guarded.site, at.cell)}), so when {failing}, "
                       f"this line raises NameError.")
        else:
            message = f"{subject}: it is assigned before this line only on some paths."
        fix = (f"Give `{name}` a value before the branch (a default), "
               f"or assign it on every path.")
    return facts.finding(RULE, name, at, message, fix, related=tuple(related), severity=severity)
