"""NS002 function-local: a name that exists only inside a function, class body or comprehension."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..dataflow.cellfacts import BindingSite, ScopeKind
from ..dataflow.ir import BindingKind, Site
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule, where

if TYPE_CHECKING:
    from .local_modules import LocalImport

RULE = Rule(
    code="NS002",
    name="function-local",
    cause=Cause.FUNCTION_LOCAL,
    severity=Severity.ERROR,
    summary="A name assigned only inside a function, class body or comprehension is used "
            "outside it.",
    doc="""\
## What it does
Finds names used at the top level of a cell (or in another function) that are
assigned only inside a function, a lambda, a class body or a comprehension;
also names a module of the notebook's own (`config.py`) binds only inside a
class (`class Config: defaults = ...`), where `Config.defaults` is meant.

## Why is this bad?
A function's variables exist only while it runs; a class body's names become
attributes of the class; comprehension variables stay inside the comprehension.
None of them is a name at the top level, so using one there raises `NameError`.

## Example
```python
def evaluate(model):
    results = {"accuracy": 0.93}

evaluate(model)
print(results)
```

## Use instead
Return the value and keep it:
```python
def evaluate(model):
    results = {"accuracy": 0.93}
    return results

results = evaluate(model)
print(results)
```
""",
)

_PREFERENCE = (ScopeKind.FUNCTION, ScopeKind.LAMBDA, ScopeKind.ISOLATED, ScopeKind.CLASS,
               ScopeKind.COMPREHENSION)


def pick_site(sites: list[BindingSite]) -> BindingSite:
    """The most telling non-top-level binding: a function's assignment before a parameter."""
    def rank(site: BindingSite) -> tuple[int, int]:
        scope = _PREFERENCE.index(site.scope) if site.scope in _PREFERENCE else len(_PREFERENCE)
        return (scope, site.binding is BindingKind.PARAMETER)
    return min(sites, key=rank)


GLOBAL_IN_FUNCTION = Message(
    "function-local/global-not-called",
    "`{name}` is assigned (as a global) only inside `{owner}` ({place}), and `{owner}()` has "
    "not been called before this line, so `{name}` does not exist yet.",
    "Call `{owner}()` before this line.")
PARAMETER = Message(
    "function-local/parameter",
    "`{name}` is a parameter of `{owner}` ({place}); it exists only while `{owner}` runs, not "
    "outside it.",
    "Assign `{name}` at the top level of a cell, or pass the value you need.")
FUNCTION = Message(
    "function-local/function",
    "`{name}` is assigned only inside the function `{owner}` ({place}); a function's variables "
    "disappear when it returns, so there is no `{name}` here.",
    "Return it from `{owner}` (`return {name}`) and keep the result: "
    "`{name} = {owner}(...)`.")
CLASS_BODY = Message(
    "function-local/class-body",
    "`{name}` is defined only in the body of class `{owner}` ({place}); class attributes are "
    "not names outside the class body, not even in its methods.",
    "Write `{owner}.{name}` (or `self.{name}` inside a method).")
TIMEIT = Message(
    "function-local/timeit",
    "`{name}` is assigned only inside `%timeit` ({place}), which runs its code in a throwaway "
    "namespace, so `{name}` is not kept.",
    "Use `%time`/`%%time`, which keeps variables, or assign it in a normal cell.")
COMPREHENSION = Message(
    "function-local/comprehension",
    "`{name}` exists only inside the comprehension at {place}: comprehension variables do not "
    "leak out in Python 3.",
    "Use a `for` loop, or assign the value you need outside the comprehension.")
_BY_SCOPE = {ScopeKind.FUNCTION: FUNCTION, ScopeKind.LAMBDA: FUNCTION,
             ScopeKind.CLASS: CLASS_BODY, ScopeKind.ISOLATED: TIMEIT}

GLOBAL_BELOW = Message(
    "function-local/global-below",
    "`{name}` is {what} the function `{owner}` ({place}), and exists only while `{owner}` "
    "runs; the global `{name}` assigned at {later} is another variable, and it is assigned "
    "only below this line.",
    "Return the value from `{owner}` and keep it (`{name} = {owner}(...)`), or assign the "
    "global `{name}` above this line.")


def global_below_finding(facts: Facts, name: str, at: Site, site: BindingSite,
                         later: Site) -> Finding:
    """A cell reads the variable of a function it defines above the read, while the only
    global of that name is assigned below: the read expects the function's variable."""
    what = ("a parameter of" if site.binding is BindingKind.PARAMETER
            else "assigned inside")
    fields = {"owner": site.owner or "?", "place": where(site.site, at.cell), "what": what,
              "later": where(later, at.cell)}
    return facts.finding(RULE, name, at, GLOBAL_BELOW, fields,
                         related=(facts.related("definition", site.site),
                                  facts.related("definition", later)))


MODULE_CLASS = Message(
    "function-local/module-class",
    "`{name}` is not a name of the notebook or of `{module}`: {origin} binds it only inside "
    "class `{owner}`, and class attributes are reached through their class: `{owner}.{name}`.",
    "Write `{owner}.{name}`{import_hint}.")


def module_class_finding(facts: Facts, name: str, at: Site, source: LocalImport,
                         owner: str) -> Finding:
    """``name`` is bound only in the body of a class of a local module."""
    imported = owner in {alias for alias, _ in source.record.names}
    hint = "" if imported else f" after `from {source.module} import {owner}`"
    fields = {"module": source.module, "origin": source.origin, "owner": owner,
              "import_hint": hint}
    return facts.finding(RULE, name, at, MODULE_CLASS, fields, suggestion=f"{owner}.{name}",
                         related=(facts.related("import", source.record.site),))


def finding(facts: Facts, name: str, at: Site, site: BindingSite) -> Finding:
    if site.binding is BindingKind.GLOBAL_IN_FUNCTION:
        message = GLOBAL_IN_FUNCTION
    elif site.binding is BindingKind.PARAMETER:
        message = PARAMETER
    else:
        message = _BY_SCOPE.get(site.scope, COMPREHENSION)
    fields = {"owner": site.owner or "?", "place": where(site.site, at.cell)}
    return facts.finding(RULE, name, at, message, fields,
                         related=(facts.related("definition", site.site),))
