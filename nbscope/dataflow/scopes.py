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
from dataclasses import dataclass, field

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
    # A function's locals bound only to a non-empty literal (``cellfacts.literal_only_locals``).
    literal_locals: frozenset[str] = frozenset()

    @property
    def locals(self) -> set[str]:
        return self.bound - self.globals - self.nonlocals


def function_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> ScopeNames:
    names = ScopeNames()
    names.bound.update(parameter_names(node.args))
    collector = _Collector(names)
    if isinstance(node, ast.Lambda):
        collector.visit(node.body)
    else:
        for statement in node.body:
            collector.visit(statement)
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
    collector = _Collector(names)
    for statement in statements:
        collector.visit(statement)
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


class _Collector(ast.NodeVisitor):
    """Collects the names one scope binds, without entering nested scopes."""

    def __init__(self, names: ScopeNames) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.names.bound.add(node.id)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is None and isinstance(node.target, ast.Name):
            self.names.annotated_only.add(node.target.id)  # sorted out when all is seen
            self.visit(node.annotation)
            return
        self.generic_visit(node)

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        self.names.yields = True
        self.generic_visit(node)

    visit_YieldFrom = visit_Yield

    def visit_Global(self, node: ast.Global) -> None:
        self.names.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.names.nonlocals.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.names.bound.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.names.bound.add(alias.asname or alias.name)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.names.bound.add(node.name)
        self._visit_definition_header(node.decorator_list, node.args)
        if node.returns:
            self.visit(node.returns)

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_definition_header([], node.args)

    def _visit_definition_header(self, decorators: list[ast.expr], args: ast.arguments) -> None:
        # Decorators, defaults and annotations are evaluated in this scope.
        for expr in [*decorators, *args.defaults, *args.kw_defaults]:
            if expr is not None:
                self.visit(expr)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.bound.add(node.name)
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.names.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.names.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.names.bound.add(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.names.bound.add(node.rest)
        self.generic_visit(node)

    def _visit_comprehension(self, node: ast.AST) -> None:
        # Only walrus targets escape a comprehension; its own targets stay inside.
        for sub in ast.walk(node):
            if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                self.names.bound.add(sub.target.id)

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_DictComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension
