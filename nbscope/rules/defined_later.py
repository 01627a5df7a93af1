"""NS001 defined-later: a cell reads a name that only a cell below it assigns."""

from __future__ import annotations

from ..dataflow.cellfacts import BindingSite
from ..dataflow.ir import Call, Construct, Event, Site, Use
from ..findings import Cause, Finding, Severity
from ..runtimes import spark_shell_name
from .base import Facts, Message, Rule, where

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


# --- wording
LATER_CELL = Message(
    "defined-later/later-cell",
    "`{name}` is used here, but it is first assigned in cell {cell}, below this cell: "
    "Restart & Run All {when}.",
    "Run cell {cell} first: move it above cell {at}, or move this code below cell {cell}.")
SAME_CELL = Message(
    "defined-later/same-cell",
    "`{name}` is used here, but it is first assigned later in this cell{line}: "
    "Restart & Run All {when}.",
    "Assign `{name}` before this line.")
CALL = Message(
    "defined-later/call",
    "`{outer}()` is called here, and `{function}` reads `{name}` ({read_at}), which is first "
    "assigned {place}: Restart & Run All {when}, inside `{function}`.",
    "Call `{outer}()` after `{name}` is assigned (after cell {cell}), or assign `{name}` "
    "before this call.")
STAR = Message(
    "defined-later/star-import",
    "`{name}` is not assigned in any cell, and {star} ({star_at}) runs after this line; that "
    "import may bind `{name}`, but Restart & Run All raises NameError here first.",
    "Run the import first: move it above this line, or import `{name}` by name above it.")
SPARK_SHELL = Message(
    "defined-later/spark-shell",
    "`{name}` is used here, but it is first assigned in cell {cell}, below this cell: "
    "Restart & Run All {when}. `{name}` is {what} that the `pyspark` shell and Spark "
    "kernels create before the first cell; this notebook's kernel is plain Python, where "
    "only a cell creates it.",
    "Run cell {cell} first (move it above cell {at}), or create it above this cell: "
    "`{maker}`.")
WHEN_CERTAIN = "raises NameError here"
WHEN_REACHED = "raises NameError when this line runs"


def finding(facts: Facts, use: Use, at: Site, definition: BindingSite,
            calls: tuple[Call, ...], certain: bool) -> Finding:
    cell = definition.site.cell
    span = definition.site.span
    fields: dict[str, object] = {
        "cell": cell, "at": at.cell, "when": WHEN_CERTAIN if certain else WHEN_REACHED,
        "line": f" (line {span.line})" if span else ""}
    related = [facts.related("definition", definition.site)]
    if not calls:
        message = SAME_CELL if cell == at.cell else LATER_CELL
        spark = spark_shell_name(use.name, facts.imported_modules()) \
            if message is LATER_CELL else None
        if spark is not None:
            message = SPARK_SHELL
            fields.update(what=spark[0], maker=spark[1])
        return facts.finding(RULE, use.name, at, message, fields, related=tuple(related))
    fields["place"] = (f"later in this cell{fields['line']}" if cell == at.cell
                       else f"in cell {cell}, below this cell")
    function = calls[-1].name
    fields.update(outer=calls[0].name, function=function, read_at=where(use.site, at.cell))
    related.append(facts.related("use", use.site, f"`{function}` reads `{use.name}`"))
    return facts.finding(RULE, use.name, at, CALL, fields, related=tuple(related))


def star_finding(facts: Facts, name: str, at: Site, star: Event) -> Finding:
    """No cell binds ``name`` by name, but a star import below may bind it."""
    assert star.site is not None
    if star.construct is Construct.STAR_IMPORT and star.code:
        what = f"`{star.code}`"
    else:
        what = star.detail or "a star import"
    return facts.finding(RULE, name, at, STAR, {"star": what, "star_at": where(star.site, at.cell)},
                         related=(facts.related("definition", star.site, "star import"),))
