"""Small questions about Python syntax trees that more than one room asks."""

from __future__ import annotations

import ast


def str_value(node: ast.expr) -> str | None:
    """The string a literal ``"..."`` stands for; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round): true in a notebook, false when a
    module is imported."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return (any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides)
            and any(str_value(n) == "__main__" for n in sides))
