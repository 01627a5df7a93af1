"""Every rule nbscope knows, by stable code. Codes are never reused."""

from __future__ import annotations

from . import (
    analysis_limit,
    conditional,
    defined_later,
    deleted,
    function_local,
    missing_import,
    missing_module,
    never_defined,
    not_python,
    saved_session,
    syntax_error,
    typo,
    unbound_local,
)
from .base import Rule

REGISTRY: dict[str, Rule] = dict(sorted(
    [(module.RULE.code, module.RULE) for module in (
        defined_later, function_local, typo, missing_import, missing_module, conditional,
        deleted, never_defined, unbound_local, syntax_error, analysis_limit, not_python,
    )] + [(rule.code, rule) for rule in saved_session.RULES]))


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (``NS001``, any case) or its name (``defined-later``)."""
    wanted = code_or_name.strip()
    for rule in REGISTRY.values():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None
