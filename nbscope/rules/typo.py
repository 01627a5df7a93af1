"""NS003 typo: a name bound nowhere that is one slip away from a name that is."""

from __future__ import annotations

import keyword
import re

from ..dataflow.cellfacts import BindingSite
from ..dataflow.ir import BindingKind, Site
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
of letters, or only in upper/lower case. A name of two or three letters (`dat`)
gets a suggestion when exactly one name bound in the notebook is one letter
away from it (`data`), or when exactly one of them has the same letters in
another order (`fd` for `df`, though `pd` is one letter away too): short names
are close to many others, so an ambiguous match says nothing. A module name
Python sets, written with too few underscores (`_name_`), gets its dunder
(`__name__`); a statement keyword misspelt at the start of a line (`reurn(x)`,
`contine`), which Python reads as a name, is named as that keyword.

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


def closest(facts: Facts, name: str, at: Site,
            builtins: bool = True) -> tuple[str, BindingSite | None] | None:
    """The bound name (or built-in) ``name`` most likely misspells, with where it is bound.

    ``builtins`` False leaves built-ins out (``time`` read as a value is no slip of ``type``).
    """
    # Not a name the reading line itself binds (``trainer = Trainer(...)``): that one
    # does not exist yet when the line reads, so it cannot be what was meant.
    # Named by its binding in the notebook's namespace where it has one (not the
    # comprehension variable of the same name an earlier cell happens to use).
    # Lengths first: the line test works out positions, which most names never need.
    reach = max(_length_limit(name), 1)
    candidates = [(n, next((s for s in sites if s.scope.is_module), sites[0]))
                  for n, sites in facts.bindings.items()
                  if n != name and abs(len(n) - len(name)) <= reach
                  and _visible_from(sites, at)
                  and not all(s.site.on_same_line(at) for s in sites)]
    if builtins:
        candidates += [(n, None) for n in BUILTIN_NAMES if not n.startswith("_") and n != name
                       and abs(len(n) - len(name)) <= reach]
    dunder = _module_dunder(name)
    if dunder is not None:
        return dunder, None
    best = _best_match(name, candidates, at)
    if best is None and 2 <= len(name) < 4:
        best = _unique_short_match(name, candidates)
    if best is None:
        best = _held_key_match(facts, name, at)
    return best


def _held_key_match(facts: Facts, name: str, at: Site) -> tuple[str, BindingSite] | None:
    """``num33333`` for ``num3``, ``helllo`` for ``hello``: a key held down types a run of
    one character, too many edits away for the distance test."""
    for repeat in (r"\1", r"\1\1"):
        meant = _HELD_KEY.sub(repeat, name)
        sites = facts.bindings.get(meant, []) if meant != name else []
        if sites and _visible_from(sites, at):
            return meant, next((s for s in sites if s.scope.is_module), sites[0])
    return None


_HELD_KEY = re.compile(r"(.)\1{2,}")


def _length_limit(name: str) -> int:
    """How many edits a slip of ``name`` may be: none for short names, more for long."""
    return 0 if len(name) < 4 else (1 if len(name) < 9 else 2)


# Names Python sets in every module, the notebook's too; spelt with two underscores on
# each side, which are easy to miscount (``_name_``, ``__name_``).
MODULE_DUNDERS = frozenset({"__name__", "__doc__", "__builtins__", "__spec__",
                            "__package__", "__loader__"})


def _module_dunder(name: str) -> str | None:
    """``__name__`` for ``_name_`` or ``__name``: the same word, other underscores."""
    if not name.startswith("_") and not name.endswith("_"):
        return None
    core = name.strip("_")
    dunder = f"__{core}__"
    return dunder if dunder in MODULE_DUNDERS and dunder != name else None


# Keywords that begin a statement and are long enough that one slip still says which
# (``reurn``, ``retrun``, ``whlie``, ``contine``); short ones (``if``, ``for``, ``def``)
# are one letter from too many names.
STATEMENT_KEYWORDS = ("return", "import", "while", "elif", "else", "class", "except",
                      "finally", "raise", "break", "continue", "global", "nonlocal",
                      "assert", "lambda", "yield")


def misspelt_keyword(word: str) -> str | None:
    """The statement keyword ``word`` misspells by one letter or one swap, or None."""
    if len(word) < 4 or keyword.iskeyword(word):
        return None
    matches = [k for k in STATEMENT_KEYWORDS
               if abs(len(k) - len(word)) <= 1 and edit_distance(word, k, 1) <= 1]
    return matches[0] if len(matches) == 1 else None


def _best_match(name: str, candidates: list[tuple[str, BindingSite | None]],
                at: Site) -> tuple[str, BindingSite | None] | None:
    lowered = name.lower()
    limit = _length_limit(name)
    best: tuple[tuple[int, int, int], str, BindingSite | None] | None = None
    for candidate, site in candidates:
        if abs(len(candidate) - len(name)) > limit:
            continue
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


def _unique_short_match(name: str, candidates: list[tuple[str, BindingSite | None]]
                        ) -> tuple[str, BindingSite | None] | None:
    """A short name (``dat``) one edit away from exactly one name the notebook binds
    (``data``). Short names are close to many others, so only a single match is a
    suggestion (or the single one that swaps two letters), and never a built-in (``ax``
    is no slip of ``max``)."""
    matches = {candidate: site for candidate, site in candidates
               if site is not None and len(candidate) >= 2
               and abs(len(candidate) - len(name)) <= 1
               and edit_distance(name, candidate, 1) <= 1}
    if len(matches) > 1:
        # Two letters typed in the wrong order keep every letter: ``fd`` is ``df``
        # more likely than ``pd``. One such name still decides.
        matches = {c: s for c, s in matches.items() if sorted(c) == sorted(name)}
    if len(matches) != 1:
        return None
    [(candidate, site)] = matches.items()
    return candidate, site


def _visible_from(sites: list[BindingSite], at: Site) -> bool:
    """Whether a name bound at ``sites`` could be the one meant at ``at``: bound in the
    notebook's namespace, or inside a function or comprehension of the reading cell. A
    comprehension variable of another cell (``x`` in ``[len(x) for x in rows]``) is
    never meant: spelt right, the read would fail all the same."""
    return any(site.scope.is_module or site.binding is BindingKind.GLOBAL_IN_FUNCTION
               or site.site.cell == at.cell for site in sites)


def _place_rank(site: BindingSite | None, at: Site) -> int:
    if site is None:
        return 3  # a built-in
    if not site.scope.is_module:
        return 2
    return 0 if before(site.site, at) else 1


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), cut off above ``limit``:
    a distance above ``limit`` is returned as ``limit + 1``."""
    if limit <= 1:
        return _within_one(a, b) if limit == 1 else (0 if a == b else 1)
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
    return min(previous[-1], limit + 1)


def _within_one(a: str, b: str) -> int:
    """``edit_distance(a, b, 1)`` without the table: most calls compare a name with every
    module or binding in sight, and one edit leaves the rest of the two strings equal
    after their first difference."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 1:
        return 2
    shortest = min(len(a), len(b))
    first = 0  # the first position where they differ
    while first < shortest and a[first] == b[first]:
        first += 1
    if first == shortest:
        return 1  # one is the other with a letter added at the end
    if len(a) == len(b):
        if a[first + 1:] == b[first + 1:]:
            return 1  # one letter replaced
        swapped = (a[first] == b[first + 1:first + 2] and a[first + 1:first + 2] == b[first]
                   and a[first + 2:] == b[first + 2:])
        return 1 if swapped else 2
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return 1 if longer[first + 1:] == shorter[first:] else 2


BOUND = Message(
    "typo/bound-name",
    "`{name}` is not defined anywhere in this notebook; did you mean `{candidate}` (bound at "
    "{place})?",
    "Replace `{name}` with `{candidate}`.")
DUNDER = Message(
    "typo/module-dunder",
    "`{name}` is not defined anywhere in this notebook; did you mean `{candidate}`, which "
    "Python sets in every module, the notebook's too? It has two underscores on each side.",
    "Replace `{name}` with `{candidate}`.")
KEYWORD = Message(
    "typo/keyword",
    "`{name}` is not defined anywhere in this notebook; it looks like the keyword "
    "`{candidate}` misspelt, which Python then reads as a name.",
    "Write `{candidate}`: {fixed}")
BUILTIN = Message(
    "typo/builtin",
    "`{name}` is not defined anywhere in this notebook; did you mean the built-in "
    "`{candidate}`?",
    "Replace `{name}` with `{candidate}`.")


def finding(facts: Facts, name: str, at: Site, candidate: str,
            site: BindingSite | None) -> Finding:
    if site is None:
        message = DUNDER if candidate in MODULE_DUNDERS else BUILTIN
        return facts.finding(RULE, name, at, message, {"candidate": candidate},
                             suggestion=candidate)
    return facts.finding(RULE, name, at, BOUND,
                         {"candidate": candidate, "place": where(site.site, at.cell)},
                         suggestion=candidate, related=(facts.related("definition", site.site),))


def keyword_finding(facts: Facts, name: str, at: Site, keyword_meant: str,
                    line: str) -> Finding:
    """``reurn(total)``: a statement keyword misspelt at the start of a line."""
    fixed = line.strip().replace(name, keyword_meant, 1)
    return facts.finding(RULE, name, at, KEYWORD, {"candidate": keyword_meant,
                                                   "fixed": f"`{fixed}`."},
                         suggestion=keyword_meant)
