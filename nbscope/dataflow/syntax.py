"""What a statement or expression tells statically, read off the AST alone.

Pure predicates the lowering decides with: whether a test is constant, a loop
certainly runs, a pattern always matches, a handler catches NameError or
ImportError, a call can bind any name, and which ``return``/``break``/``continue``
CPython's compiler rejects at the top level of a cell.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from ..astutil import is_main_guard
from .ir import Catch

_TRY_STAR = (ast.TryStar,) if sys.version_info >= (3, 11) else ()
_NAME_ERRORS = {"NameError", "UnboundLocalError"}
_BROAD_ERRORS = {"Exception", "BaseException"}

COMPOUND_STATEMENTS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With,
                       ast.AsyncWith, ast.Match, ast.ClassDef, *_TRY_STAR)


@dataclass(frozen=True, slots=True)
class Misplaced:
    """A statement the compiler rejects where it stands: CPython's message, the
    statement, and its keyword (what the error points at)."""

    message: str
    statement: ast.stmt
    keyword: str


_JUMP_WORDS = ("return", "break", "continue", "nonlocal")


def may_jump(source: str) -> bool:
    """Whether ``source`` can hold a statement ``misplaced_jump`` looks for: each is
    written with its keyword, so text without any of them needs no walk of its tree."""
    return any(word in source for word in _JUMP_WORDS)


def misplaced_jump(statement: ast.stmt, in_loop: bool) -> Misplaced | None:
    """A ``return``, ``break``, ``continue`` or ``nonlocal`` that Python's compiler
    rejects where it stands in a top-level statement (the parser accepts them)."""
    if isinstance(statement, ast.Return):
        return Misplaced("'return' outside function", statement, "return")
    if isinstance(statement, (ast.Break, ast.Continue)) and not in_loop:
        word = "break" if isinstance(statement, ast.Break) else "continue"
        return Misplaced(f"'{word}' outside loop", statement, word)
    if isinstance(statement, ast.Nonlocal):
        return Misplaced("'nonlocal' declaration not allowed at module level", statement,
                         "nonlocal")
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    blocks: list[tuple[list[ast.stmt], bool]] = []
    if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
        blocks = [(statement.body, True), (statement.orelse, in_loop)]
    elif isinstance(statement, ast.ClassDef):
        blocks = [(statement.body, False)]
    elif isinstance(statement, ast.Match):
        blocks = [(case.body, in_loop) for case in statement.cases]
    else:
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(statement, field_name, None)
            if isinstance(block, list):
                blocks.append((block, in_loop))
        blocks.extend((h.body, in_loop) for h in getattr(statement, "handlers", ()))
    for block, loop in blocks:
        for inner in block:
            found = misplaced_jump(inner, loop)
            if found is not None:
                return found
    return None


def is_namespace_call(node: ast.expr) -> bool:
    """``globals()``, ``vars()``, ``locals()`` at module level, or ``get_ipython().user_ns``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args:
        return node.func.id in ("globals", "vars", "locals")
    return isinstance(node, ast.Attribute) and node.attr in ("user_ns", "__dict__")


_OPAQUE_FUNCTIONS = ("exec", "execfile")
_OPAQUE_SHELL_METHODS = ("push", "run_cell", "ex")
OPAQUE_CALL_WORDS = frozenset({*_OPAQUE_FUNCTIONS, *_OPAQUE_SHELL_METHODS})


def is_opaque_call(node: ast.Call) -> bool:
    """``exec(...)`` and the calls like it that can bind any name in the user namespace."""
    func = node.func
    if isinstance(func, ast.Name) and func.id in _OPAQUE_FUNCTIONS:
        return True
    # Other calls handed ``globals()`` (doctest, eval) read it; writers are the
    # exec family above and ``globals()[...] =`` / ``.update`` (seen elsewhere).
    return (isinstance(func, ast.Attribute) and func.attr in _OPAQUE_SHELL_METHODS
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "get_ipython")


def catch_kind(handlers: list[ast.ExceptHandler]) -> Catch:
    kind = Catch.NONE
    for handler in handlers:
        if handler.type is None:
            kind = Catch.BROAD
            continue
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for caught in types:
            name = caught.id if isinstance(caught, ast.Name) else None
            if name in _NAME_ERRORS:
                return Catch.NAME_ERROR
            if name in _BROAD_ERRORS:
                kind = Catch.BROAD
    return kind


def catches_import_errors(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(isinstance(t, ast.Name) and t.id in ("ImportError", "ModuleNotFoundError",
                                                   "Exception", "BaseException")
               for t in types):
            return True
    return False


def constant_truth(test: ast.expr) -> bool | None:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if is_main_guard(test):
        return True  # ``if __name__ == "__main__":`` always runs in a notebook
    return None


_PASS_THROUGH = frozenset({"tqdm", "enumerate", "list", "tuple", "sorted", "reversed", "iter"})


def non_empty_literal(iterable: ast.expr) -> bool:
    """Whether a ``for`` loop certainly runs its body at least once."""
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id in _PASS_THROUGH and iterable.args):
        return non_empty_literal(iterable.args[0])  # ``tqdm(range(3))``, ``enumerate([a])``
    viewed = _dict_view_of(iterable)
    if viewed is not None:
        return isinstance(viewed, ast.Dict) and non_empty_literal(viewed)  # ``{'k': 1}.items()``
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return bool(iterable.elts) and not any(isinstance(e, ast.Starred) for e in iterable.elts)
    if isinstance(iterable, ast.Dict):
        return bool(iterable.keys) and None not in iterable.keys
    if isinstance(iterable, ast.Constant) and isinstance(iterable.value, (str, bytes)):
        return bool(iterable.value)
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id in ("range", "trange") and not iterable.keywords):
        values = [v for v in map(_constant_int, iterable.args) if v is not None]
        if len(values) != len(iterable.args):
            return False
        if len(values) == 1:
            return values[0] > 0
        if len(values) in (2, 3):
            step = values[2] if len(values) == 3 else 1
            return len(range(*values)) > 0 if step else False
    return False


def _constant_int(node: ast.expr) -> int | None:
    """``3`` or ``-1`` written as such (``range(3, 0, -1)``); None for anything else."""
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)):
        value = _constant_int(node.operand)
        return -value if value is not None else None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def iterated_name(iterable: ast.expr) -> str | None:
    """``xs`` in ``for x in xs`` (also through ``enumerate(xs)``, ``tqdm(xs)``, and a
    dict's ``xs.items()``, ``.keys()``, ``.values()``)."""
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id in _PASS_THROUGH and len(iterable.args) == 1
            and not iterable.keywords):
        return iterated_name(iterable.args[0])
    viewed = _dict_view_of(iterable)
    if viewed is not None:
        return iterated_name(viewed)
    return iterable.id if isinstance(iterable, ast.Name) else None


_DICT_VIEWS = frozenset({"items", "keys", "values"})


def _dict_view_of(iterable: ast.expr) -> ast.expr | None:
    """``d`` in ``d.items()``/``d.keys()``/``d.values()``: a view as long as the dict."""
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
            and iterable.func.attr in _DICT_VIEWS and not iterable.args
            and not iterable.keywords):
        return iterable.func.value
    return None


def irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(irrefutable(p) for p in pattern.patterns)
    return False


def future_annotations(tree: ast.Module) -> bool:
    """Whether ``from __future__ import annotations`` makes annotations lazy here."""
    return any(
        isinstance(s, ast.ImportFrom) and s.module == "__future__"
        and any(a.name == "annotations" for a in s.names)
        for s in tree.body
    )


def first_annotation(statement: ast.stmt) -> ast.AnnAssign | None:
    """The first annotated assignment in ``statement`` outside nested function and class
    bodies: when a block that Python compiles as one unit has one, the compiler creates the
    namespace's ``__annotations__`` as that unit starts, whichever branch then runs."""
    if isinstance(statement, ast.AnnAssign):
        return statement
    if not isinstance(statement, COMPOUND_STATEMENTS) or isinstance(statement, ast.ClassDef):
        return None
    blocks: list[list[ast.stmt]] = [getattr(statement, f, None) or []
                                    for f in ("body", "orelse", "finalbody")]
    blocks += [h.body for h in getattr(statement, "handlers", ())]
    blocks += [case.body for case in getattr(statement, "cases", ())]
    for block in blocks:
        for inner in block:
            found = first_annotation(inner)
            if found is not None:
                return found
    return None


def imported_names(statement: ast.stmt) -> tuple[str, ...]:
    """The names an ``import`` statement binds (none for a star import or another statement)."""
    if isinstance(statement, ast.Import):
        return tuple(alias.asname or alias.name.split(".")[0] for alias in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return tuple(alias.asname or alias.name for alias in statement.names
                     if alias.name != "*")
    return ()
