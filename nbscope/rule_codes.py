"""Rule codes as users write them (``NS001``, ``defined-later``) turned into codes.

Shared by the command line, the configuration and the suppressions. The rules
are imported only when a code is looked up, so start-up stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

CodeOf = Callable[[str], "str | None"]


def code_of(code_or_name: str) -> str | None:
    """The code of the rule named by its code or its name; None for no rule."""
    from .rules import find_rule

    rule = find_rule(code_or_name)
    return rule.code if rule is not None else None


def to_codes(entries: Iterable[str], lookup: CodeOf = code_of, *, skip_blank: bool = True
             ) -> tuple[frozenset[str], str | None]:
    """The codes ``entries`` name, and the first entry that names no rule (None when every
    one does); the caller words the error. ``skip_blank``: entries are stripped and empty
    ones skipped (a comma-separated list), else taken as written (a list in a file)."""
    codes = set()
    for entry in entries:
        if skip_blank:
            entry = entry.strip()
            if not entry:
                continue
        code = lookup(entry)
        if code is None:
            return frozenset(codes), entry
        codes.add(code)
    return frozenset(codes), None
