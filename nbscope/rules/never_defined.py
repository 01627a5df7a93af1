"""NS008 never-defined: a name bound nowhere, with no better explanation."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from ..names import BUILTIN_NAMES
from .base import Facts, Message, Rule

RULE = Rule(
    code="NS008",
    name="never-defined",
    cause=Cause.NEVER_DEFINED,
    severity=Severity.ERROR,
    summary="A name is not assigned, imported or defined anywhere in the notebook.",
    doc="""\
## What it does
Finds names that no cell binds, that are not built-ins or provided by the
kernel, and for which nbscope has no more specific explanation (no typo, no
missing import, no local variable of the same name).

## Why is this bad?
Running the notebook raises `NameError` at this line.

## Example
```python
print(totl_rows)
```

## Use instead
Define the name in a cell above, or fix its spelling.
""",
)

FILE = Message(
    "never-defined/__file__",
    "`__file__` is not defined in a notebook: Python sets it only when it runs a .py file.",
    "Use `os.getcwd()` or `pathlib.Path.cwd()` for the folder the notebook runs in.")
DELETED_BUILTIN = Message(
    "never-defined/del-builtin",
    "`{name}` is a built-in, but `del {name}` removes only a notebook variable of that name, "
    "and no cell assigned one.",
    "Remove the `del {name}`.")
NOWHERE = Message(
    "never-defined/nowhere",
    "`{name}` is not assigned, imported or defined in any cell of this notebook, and it is "
    "not a Python built-in.",
    "Define or import `{name}` in a cell above this one.")
MODULE_VALUE = Message(
    "never-defined/module-name-as-value",
    "`{name}` is not assigned in any cell of this notebook. It is also the name of a module, "
    "but this line reads it as a value, not as a module (`{name}.something`): it is a "
    "variable that was never assigned.",
    "Assign `{name}` in a cell above this one (or rename it to the variable you meant); "
    "if you did mean the module, add `{line}`.")
_SPECIAL = {"__file__": FILE}


def finding(facts: Facts, name: str, at: Site) -> Finding:
    if name in _SPECIAL:
        message = _SPECIAL[name]
    elif name in BUILTIN_NAMES:
        message = DELETED_BUILTIN
    else:
        message = NOWHERE
    return facts.finding(RULE, name, at, message)


def module_value_finding(facts: Facts, name: str, at: Site, import_line: str) -> Finding:
    """``return string``: a module's name read as a value, and no cell assigns it."""
    return facts.finding(RULE, name, at, MODULE_VALUE, {"line": import_line})
