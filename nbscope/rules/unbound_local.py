"""NS013 unbound-local: a function reads its own local variable before assigning it."""

from __future__ import annotations

from ..dataflow.cellfacts import BindingSite
from ..dataflow.ir import Use
from ..findings import Cause, Finding, Severity
from .base import Facts, Rule, where

RULE = Rule(
    code="NS013",
    name="unbound-local",
    cause=Cause.UNBOUND_LOCAL,
    severity=Severity.ERROR,
    summary="A function reads a variable it assigns later, so the read raises UnboundLocalError.",
    doc="""\
## What it does
Finds reads, inside a function, of a name that the same function assigns later.
Python decides a name is local to a function if the function assigns it
anywhere, so the read cannot see a notebook variable of the same name.

## Why is this bad?
Calling the function raises `UnboundLocalError` (a kind of `NameError`), even
though a variable of that name exists in the notebook.

## Example
```python
count = 0
def add():
    count = count + 1
```

## Use instead
```python
count = 0
def add():
    global count
    count = count + 1
```
""",
)


def finding(facts: Facts, use: Use, function: str, local: BindingSite | None) -> Finding:
    name = use.name
    assigned = f" ({where(local.site, use.site.cell)})" if local else ""
    outer = facts.module_sites(name)
    # Read through a closure (a generator expression), the same mistake is a NameError.
    error = ("NameError (cannot access free variable)" if use.free
             else "UnboundLocalError")
    message = (f"`{name}` is read here before `{function}` assigns it{assigned}; because "
               f"`{function}` assigns `{name}`, Python treats it as local to the whole "
               f"function, so calling `{function}` raises {error}.")
    if outer:
        message += f" The notebook's `{name}` ({where(outer[0].site, use.site.cell)}) is not seen."
    fix = (f"Assign `{name}` before this line, or put `global {name}` at the top of "
           f"`{function}` if you meant the notebook's variable.")
    related = (facts.related("definition", local.site),) if local else ()
    return facts.finding(RULE, name, use.site, message, fix, related=related)


def timeit_finding(facts: Facts, use: Use, local: BindingSite) -> Finding:
    """The same mistake in ``%timeit`` code, which IPython runs inside a function."""
    name = use.name
    message = (f"`{name}` is read here before this `%timeit` code assigns it "
               f"({where(local.site, use.site.cell)}); `%timeit` runs its code inside a "
               f"function, where an assigned name is local throughout, so the read raises "
               f"UnboundLocalError and the notebook's `{name}` is not seen.")
    fix = (f"Assign `{name}` in the setup statement on the `%%timeit` line (it runs first, "
           f"in the same namespace), or time a statement that does not assign it.")
    return facts.finding(RULE, name, use.site, message, fix,
                         related=(facts.related("definition", local.site),))
