"""NS003 typo: a name bound nowhere that is one slip away from a name that is."""

from __future__ import annotations

from ..dataflow.cellfacts import BindingSite
from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from ..names import BUILTIN_NAMES
from .base import Facts, Message, Rule, before, where

RULE = Rule(
    code="NS003",
    name="typo",
    cause=Cause.TYPO,
    severity=Severity.ERROR,
    summary="A name that is never assigned looks like a misspelling of one that is.",
    doc="""\
## What it does
Finds names that no cell assigns, imports or defines, when a name that is bound
in the notebook (or a built-in) differs from it by one letter, a swapped pair
of letters, or only in upper/lower case.

## Why is this bad?
Python does not guess: `session_conff` is a different name from `session_conf`
and raises `NameError`.

## Example
```python
session_conf = {"batch_size": 32}
print(session_conff["batch_size"])
```

## Use instead
```python
session_conf = {"batch_size": 32}
print(session_conf["batch_size"])
```
""",
)


def closest(facts: Facts, name: str, at: Site) -> tuple[str, BindingSite | None] | None:
    """The bound name (or built-in) ``name`` most likely misspells, with where it is bound."""
    lowered = name.lower()
    limit = 0 if len(name) < 4 else (1 if len(name) < 9 else 2)
    best: tuple[tuple[int, int, int], str, BindingSite | None] | None = None
    # Not a name the reading line itself binds (``trainer = Trainer(...)``): that one
    # does not exist yet when the line reads, so it cannot be what was meant.
    # Lengths first: the line test works out positions, which most names never need.
    candidates = [(n, sites[0]) for n, sites in facts.bindings.items()
                  if n != name and abs(len(n) - len(name)) <= limit
                  and not all(_same_line(s.site, at) for s in sites)]
    candidates += [(n, None) for n in BUILTIN_NAMES if not n.startswith("_") and n != name
                   and abs(len(n) - len(name)) <= limit]
    for candidate, site in candidates:
        if candidate.lower() == lowered:
            distance = 0
        elif limit == 0:
            continue
        else:
            distance = edit_distance(name, candidate, limit)
            if distance > limit:
                continue
        rank = (distance, _place_rank(site, at), len(candidate))
        if best is None or rank < best[0]:
            best = (rank, candidate, site)
    return (best[1], best[2]) if best else None


def _same_line(a: Site, b: Site) -> bool:
    return a.cell == b.cell and a.span is not None and b.span is not None \
        and a.span.line == b.span.line


def _place_rank(site: BindingSite | None, at: Site) -> int:
    if site is None:
        return 3  # a built-in
    if not site.scope.is_module:
        return 2
    return 0 if before(site.site, at) else 1


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), cut off above ``limit``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


BOUND = Message(
    "typo/bound-name",
    "`{name}` is not defined anywhere in this notebook; did you mean `{candidate}` (bound at "
    "{place})?",
    "Replace `{name}` with `{candidate}`.")
BUILTIN = Message(
    "typo/builtin",
    "`{name}` is not defined anywhere in this notebook; did you mean the built-in "
    "`{candidate}`?",
    "Replace `{name}` with `{candidate}`.")


def finding(facts: Facts, name: str, at: Site, candidate: str,
            site: BindingSite | None) -> Finding:
    if site is None:
        return facts.finding(RULE, name, at, BUILTIN, {"candidate": candidate},
                             suggestion=candidate)
    return facts.finding(RULE, name, at, BOUND,
                         {"candidate": candidate, "place": where(site.site, at.cell)},
                         suggestion=candidate, related=(facts.related("definition", site.site),))
