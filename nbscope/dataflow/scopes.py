"""Which names a scope binds, decided the way CPython's compiler decides it.

A name bound anywhere in a function (assignment, ``for``, ``with``, ``except``,
``import``, ``def``/``class``, ``del``, a ``match`` capture, a parameter, or a
walrus in one of its comprehensions) is local to the whole function unless
declared ``global`` or ``nonlocal``. Comprehension targets are local to the
comprehension; a walrus inside one binds in the nearest enclosing
non-comprehension scope. Nested function and class bodies are scopes of their
own and are not looked into (but their names, decorators and defaults are).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass
class ScopeNames:
    bound: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    yields: bool = False  # the scope's own code yields (a generator function)
    # Local only by ``x: int`` (no value, no other binding, no nested ``nonlocal x``):
    # a variable that is never assigned.
    annotated_only: set[str] = field(default_factory=set)
    # A function's locals bound only to a non-empty literal (``cellfacts.literal_only_locals``);
    # None until a loop asks, as it takes a walk over the whole ``definition``.
    literal_locals: frozenset[str] | None = frozenset()
    definition: ast.FunctionDef | ast.AsyncFunctionDef | None = None

    @cached_property
    def locals(self) -> set[str]:
        """Asked at every read in the scope, once the names are all collected."""
        return self.bound - self.globals - self.nonlocals


def function_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> ScopeNames:
    names = ScopeNames()
    names.bound.update(parameter_names(node.args))
    _collect(names, [node.body] if isinstance(node, ast.Lambda) else list(node.body))
    _finish_annotations(names, node)
    return names


def _finish_annotations(names: ScopeNames, node: ast.AST) -> None:
    """An annotation without a value makes its name local and binds nothing; unless
    something else binds it (a nested function's ``nonlocal`` assignment, say)."""
    annotated = names.annotated_only - names.bound
    names.bound |= names.annotated_only
    if annotated:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Nonlocal):
                annotated.difference_update(sub.names)
    names.annotated_only = annotated


def block_names(statements: list[ast.stmt]) -> ScopeNames:
    """Names bound by a block run as a scope of its own (a class body, ``%timeit``)."""
    names = ScopeNames()
    _collect(names, list(statements))
    names.bound |= names.annotated_only
    names.annotated_only = set()  # read at once by the block itself: nothing to follow
    return names


def comprehension_names(
    node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
) -> set[str]:
    targets: set[str] = set()
    for generator in node.generators:
        for sub in ast.walk(generator.target):
            if isinstance(sub, ast.Name):
                targets.add(sub.id)
    return targets


def parameter_names(args: ast.arguments) -> list[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        every.append(args.vararg)
    if args.kwarg:
        every.append(args.kwarg)
    return [arg.arg for arg in every]


def _collect(names: ScopeNames, roots: list[ast.AST]) -> None:
    """Add to ``names`` what the code under ``roots`` binds in their scope.

    What is collected does not depend on the order nodes are seen in, so the walk is
    a plain stack; nodes that bind, declare or open a scope have a handler below
    (which says what to walk on into), every other node is walked through.
    """
    stack = roots[::-1]
    bound = names.bound
    special = _SPECIAL
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            if isinstance(node.ctx, (ast.Store, ast.Del)):  # type: ignore[attr-defined]
                bound.add(node.id)  # type: ignore[attr-defined]
            continue
        handler = special.get(kind)
        if handler is not None:
            handler(names, node, stack)
            continue
        for field_name in node._fields:
            value = getattr(node, field_name, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)


def _ann_assign(names: ScopeNames, node: ast.AnnAssign, stack: list[ast.AST]) -> None:
    if node.value is None and isinstance(node.target, ast.Name):
        names.annotated_only.add(node.target.id)  # sorted out when all is seen
        stack.append(node.annotation)
        return
    _children(node, stack)


_Handler = Callable[[ScopeNames, Any, list[ast.AST]], None]


def _children(node: ast.AST, stack: list[ast.AST]) -> None:
    stack.extend(ast.iter_child_nodes(node))


def _yield(names: ScopeNames, node: ast.Yield | ast.YieldFrom, stack: list[ast.AST]) -> None:
    names.yields = True
    _children(node, stack)


def _global(names: ScopeNames, node: ast.Global, stack: list[ast.AST]) -> None:
    names.globals.update(node.names)


def _nonlocal(names: ScopeNames, node: ast.Nonlocal, stack: list[ast.AST]) -> None:
    names.nonlocals.update(node.names)


def _import(names: ScopeNames, node: ast.Import, stack: list[ast.AST]) -> None:
    for alias in node.names:
        names.bound.add(alias.asname or alias.name.split(".")[0])


def _import_from(names: ScopeNames, node: ast.ImportFrom, stack: list[ast.AST]) -> None:
    for alias in node.names:
        if alias.name != "*":
            names.bound.add(alias.asname or alias.name)


def _function(names: ScopeNames, node: ast.FunctionDef | ast.AsyncFunctionDef,
              stack: list[ast.AST]) -> None:
    # A nested scope: its name, and what is evaluated here (decorators, defaults and
    # the return annotation), not its body.
    names.bound.add(node.name)
    _definition_header(node.decorator_list, node.args, stack)
    if node.returns:
        stack.append(node.returns)


def _lambda(names: ScopeNames, node: ast.Lambda, stack: list[ast.AST]) -> None:
    _definition_header([], node.args, stack)


def _definition_header(decorators: list[ast.expr], args: ast.arguments,
                       stack: list[ast.AST]) -> None:
    for expr in [*decorators, *args.defaults, *args.kw_defaults]:
        if expr is not None:
            stack.append(expr)


def _class(names: ScopeNames, node: ast.ClassDef, stack: list[ast.AST]) -> None:
    names.bound.add(node.name)
    stack.extend([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)])


def _named_then_children(names: ScopeNames, node: Any, stack: list[ast.AST]) -> None:
    """``except E as name``, a ``case`` capture ``as name``."""
    if node.name:
        names.bound.add(node.name)
    _children(node, stack)


def _match_star(names: ScopeNames, node: ast.MatchStar, stack: list[ast.AST]) -> None:
    if node.name:
        names.bound.add(node.name)


def _match_mapping(names: ScopeNames, node: ast.MatchMapping, stack: list[ast.AST]) -> None:
    if node.rest:
        names.bound.add(node.rest)
    _children(node, stack)


def _nothing(names: ScopeNames, node: ast.AST, stack: list[ast.AST]) -> None:
    """A constant, an operator or a load/store marker: nothing under it binds."""


def _attribute(names: ScopeNames, node: ast.Attribute, stack: list[ast.AST]) -> None:
    stack.append(node.value)  # ``a.b = ...`` binds no name; only ``a`` is walked into


def _comprehension(names: ScopeNames, node: ast.AST, stack: list[ast.AST]) -> None:
    # Only walrus targets escape a comprehension; its own targets stay inside.
    for sub in ast.walk(node):
        if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
            names.bound.add(sub.target.id)


_SPECIAL: dict[type, _Handler] = {
    ast.AnnAssign: _ann_assign,
    ast.Yield: _yield,
    ast.YieldFrom: _yield,
    ast.Global: _global,
    ast.Nonlocal: _nonlocal,
    ast.Import: _import,
    ast.ImportFrom: _import_from,
    ast.FunctionDef: _function,
    ast.AsyncFunctionDef: _function,
    ast.Lambda: _lambda,
    ast.ClassDef: _class,
    ast.ExceptHandler: _named_then_children,
    ast.MatchAs: _named_then_children,
    ast.MatchStar: _match_star,
    ast.MatchMapping: _match_mapping,
    **dict.fromkeys(COMPREHENSIONS, _comprehension),
    # The commonest nodes with nothing to bind under them (or under all but one field):
    # answered here rather than by walking their fields.
    ast.Attribute: _attribute,
    ast.Constant: _nothing,
    **dict.fromkeys([ast.Load, ast.Store, ast.Del], _nothing),
    **dict.fromkeys([*ast.operator.__subclasses__(), *ast.unaryop.__subclasses__(),
                     *ast.cmpop.__subclasses__(), *ast.boolop.__subclasses__()], _nothing),
}
