"""NS013 unbound-local: a function reads its own local variable before assigning it."""

from __future__ import annotations

from ..dataflow.cellfacts import BindingSite
from ..dataflow.ir import Use
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule, before, where

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
anywhere, so the read cannot see a notebook variable of the same name. The
same goes for a class body inside the function, which runs at once, and for a
nested function reading a variable the function only annotates (`x: int`) and
never assigns: those reads raise `NameError` (cannot access free variable).
A nested function's `nonlocal` assignment, once that function is called,
binds the variable for the reads after the call.

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


READ_BEFORE_ASSIGNMENT = Message(
    "unbound-local/function",
    "`{name}` is read here before `{function}` assigns it{assigned}; because `{function}` "
    "assigns `{name}`, Python treats it as local to the whole function, so calling "
    "`{function}` raises {error}.{outer}",
    "Assign `{name}` before this line, or put `global {name}` at the top of `{function}` if "
    "you meant the notebook's variable.")
TIMEIT = Message(
    "unbound-local/timeit",
    "`{name}` is read here before this `%timeit` code assigns it ({place}); `%timeit` runs "
    "its code inside a function, where an assigned name is local throughout, so the read "
    "raises UnboundLocalError and the notebook's `{name}` is not seen.",
    "Assign `{name}` in the setup statement on the `%%timeit` line (it runs first, in the "
    "same namespace), or time a statement that does not assign it.")
NEVER_ASSIGNED = Message(
    "unbound-local/annotated-only",
    "`{name}` here is the variable of an enclosing function that only annotates it "
    "(`{name}: ...` without a value) and never assigns it, so this line raises {error} "
    "whenever it runs.{outer}",
    "Give `{name}` a value where it is annotated (`{name}: ... = value`), or remove the "
    "annotation if you meant the notebook's `{name}`.")
# Read through a closure (a generator expression), the same mistake is a NameError.
FREE_VARIABLE_ERROR = "NameError (cannot access free variable)"


def finding(facts: Facts, use: Use, function: str, local: BindingSite | None) -> Finding:
    name = use.name
    # The notebook's binding the reader would look at: the last one above the function's
    # read (``x = 10`` just above ``def fun(): x += 1``), else the first one.
    sites = facts.module_sites(name)
    above = [site for site in sites if before(site.site, use.site)]
    outer = above[-1:] or sites[:1]
    fields = {
        "function": function,
        "assigned": f" ({where(local.site, use.site.cell)})" if local else "",
        "error": FREE_VARIABLE_ERROR if use.free else "UnboundLocalError",
        "outer": (f" The notebook's `{name}` ({where(outer[0].site, use.site.cell)}) is not "
                  f"seen." if outer else ""),
    }
    related = (facts.related("definition", local.site),) if local else ()
    # Read from a nested scope with no assignment anywhere: only ``x: int`` made it local.
    message = NEVER_ASSIGNED if use.free and local is None else READ_BEFORE_ASSIGNMENT
    return facts.finding(RULE, name, use.site, message, fields, related=related)


def timeit_finding(facts: Facts, use: Use, local: BindingSite) -> Finding:
    """The same mistake in ``%timeit`` code, which IPython runs inside a function."""
    return facts.finding(RULE, use.name, use.site, TIMEIT,
                         {"place": where(local.site, use.site.cell)},
                         related=(facts.related("definition", local.site),))
