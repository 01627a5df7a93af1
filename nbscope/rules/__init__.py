"""Every rule nbscope knows, by stable code. Codes are never reused.

A rule is a module of this package that defines ``RULE`` (or ``RULES``, for a
module that owns several): the registry is built from the package itself, so a
new rule module is registered by existing, and the list of rules is written
nowhere else.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import Rule


def _discover() -> dict[str, Rule]:
    rules: list[Rule] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        rules.extend(getattr(module, "RULES", ()))
        if hasattr(module, "RULE"):
            rules.append(module.RULE)
    codes = [rule.code for rule in rules]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise RuntimeError(f"rule codes defined twice: {', '.join(repeated)}")
    return {rule.code: rule for rule in sorted(rules, key=lambda rule: rule.code)}


REGISTRY: dict[str, Rule] = _discover()


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (``NS001``, any case) or its name (``defined-later``)."""
    wanted = code_or_name.strip()
    for rule in REGISTRY.values():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None
