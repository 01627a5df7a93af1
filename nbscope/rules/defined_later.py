"""NS001 defined-later: a cell reads a name that only a cell below it assigns."""

from __future__ import annotations

from ..dataflow.cellfacts import BindingSite
from ..dataflow.ir import Call, Construct, Event, Site, Use
from ..findings import Cause, Finding, Severity
from .base import Facts, Rule, where

RULE = Rule(
    code="NS001",
    name="defined-later",
    cause=Cause.DEFINED_LATER,
    severity=Severity.ERROR,
    summary="A name is used before the cell that assigns it (Restart & Run All fails).",
    doc="""\
## What it does
Finds names that a cell uses but that are assigned only further down the
notebook (or later in the same cell), including names a function reads when it
is called before the cell that assigns them.

## Why is this bad?
It worked while you wrote it because you ran the lower cell first. Restart the
kernel and run all cells from the top, and this cell raises `NameError`.

## Example
```python
# cell 2
train(session_conf)
# cell 4
session_conf = {"lr": 0.1}
```

## Use instead
Move the assigning cell above the cell that uses the name:
```python
# cell 2
session_conf = {"lr": 0.1}
# cell 3
train(session_conf)
```
""",
)


def finding(facts: Facts, use: Use, at: Site, definition: BindingSite,
            calls: tuple[Call, ...], certain: bool) -> Finding:
    name = use.name
    when = "raises NameError here" if certain else "raises NameError when this line runs"
    if definition.site.cell == at.cell:
        place = f"later in this cell (line {definition.site.span.line})" \
            if definition.site.span else "later in this cell"
        fix = f"Assign `{name}` before this line."
    else:
        place = f"in cell {definition.site.cell}, below this cell"
        fix = (f"Run cell {definition.site.cell} first: move it above cell {at.cell}, "
               f"or move this code below cell {definition.site.cell}.")
    related = [facts.related("definition", definition.site)]
    if calls:
        function = calls[-1].name
        outer = calls[0].name
        message = (f"`{outer}()` is called here, and `{function}` reads `{name}` "
                   f"({where(use.site, at.cell)}), which is first assigned {place}: "
                   f"Restart & Run All {when}, inside `{function}`.")
        fix = (f"Call `{outer}()` after `{name}` is assigned "
               f"(after cell {definition.site.cell}), or assign `{name}` before this call.")
        related.append(facts.related("use", use.site, f"`{function}` reads `{name}`"))
    else:
        message = f"`{name}` is used here, but it is first assigned {place}: " \
                  f"Restart & Run All {when}."
    return facts.finding(RULE, name, at, message, fix, related=tuple(related))


def star_finding(facts: Facts, name: str, at: Site, star: Event) -> Finding:
    """No cell binds ``name`` by name, but a star import below may bind it."""
    assert star.site is not None
    if star.construct is Construct.STAR_IMPORT and star.code:
        what = f"`{star.code}`"
    else:
        what = star.detail or "a star import"
    message = (f"`{name}` is not assigned in any cell, and {what} ({where(star.site, at.cell)}) "
               f"runs after this line; that import may bind `{name}`, but Restart & Run All "
               f"raises NameError here first.")
    fix = (f"Run the import first: move it above this line, or import `{name}` by name "
           f"above it.")
    return facts.finding(RULE, name, at, message, fix,
                         related=(facts.related("definition", star.site, "star import"),))
