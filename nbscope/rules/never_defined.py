"""NS008 never-defined: a name bound nowhere, with no better explanation."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from ..names import BUILTIN_NAMES
from .base import Facts, Message, Rule, before, where
from .commented_out import CommentedDefinition

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
COMMENTED_OUT = Message(
    "never-defined/commented-out",
    "`{name}` is never defined: the line that would define it, {place}, is commented out "
    "(`{comment}`).",
    "Uncomment {place} (remove the `#`{body}){order}.")
JSON_TEXT = Message(
    "never-defined/json-text",
    "This cell holds JSON text, not Python: `{name}` is JSON's spelling, and Python has no "
    "such name (it writes `True`, `False` and `None`), so the cell raises NameError here.",
    "If the cell is a pasted file (a notebook's or a configuration's JSON), make it a Raw "
    "cell or delete it; to use the data, put the text in a string and read it with "
    "`json.loads`.")
_SPECIAL = {"__file__": FILE}


def finding(facts: Facts, name: str, at: Site) -> Finding:
    if name in _SPECIAL:
        message = _SPECIAL[name]
    elif name in BUILTIN_NAMES:
        message = DELETED_BUILTIN
    else:
        message = NOWHERE
    return facts.finding(RULE, name, at, message)


def commented_out_finding(facts: Facts, name: str, at: Site,
                          comment: CommentedDefinition) -> Finding:
    """``name`` is bound only by a line that is commented out: that is the likely cause."""
    order = "" if before(comment.site, at) else ", and move it above this line"
    return facts.finding(RULE, name, at, COMMENTED_OUT,
                         {"place": where(comment.site, at.cell), "comment": comment.comment,
                          "order": order,
                          "body": " there and on the lines of its body" if comment.header else ""},
                         suggestion=comment.code,
                         related=(facts.related("definition", comment.site, "commented out"),))


def json_text_finding(facts: Facts, name: str, at: Site) -> Finding:
    """``true``/``false``/``null`` read in a cell whose whole text is JSON."""
    return facts.finding(RULE, name, at, JSON_TEXT)
