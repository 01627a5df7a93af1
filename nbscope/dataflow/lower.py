"""Lower Python's expressions into replayable operations; the lowering's shared machinery.

``Lowering`` walks a cell's AST in CPython's evaluation order with the chain of
lexical scopes it is inside (``resolution``), emits the operations of ``ir``
for reads, bindings and deletions, and writes what the rules need into the
cell's ``CellFacts``. Statements are lowered in ``statements``, IPython's
magics and the cell as a whole in ``ipython``; every ``stmt_X``/``expr_X``
method of the final class handles the AST node type ``X``. Never mutates the AST.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ClassVar, Protocol

from ..model import Span
from ..transform import Fragment
from . import scopes, syntax
from .cellfacts import BindingSite, CellFacts, ScopeKind, sympy_var_names
from .ir import (
    Bind,
    BindingKind,
    Branch,
    Call,
    Catch,
    Construct,
    DefineFunction,
    Delete,
    Event,
    EventKind,
    FunctionIR,
    Guard,
    Loop,
    MaybeBind,
    Op,
    Opaque,
    Resolve,
    Site,
    Use,
    walk,
)
from .resolution import (
    GENERATOR_OWNER,
    LexicalScope,
    resolve,
    target_depth,
    through_nested_function,
)

# Annotations of functions and module-level names are evaluated eagerly before 3.14.
EAGER_ANNOTATIONS = sys.version_info < (3, 14)

NodeHandler = Callable[..., None]


class NameEnvironment(Protocol):
    """What the lowering may ask of the world outside the notebook (file reads only)."""

    def star_import_names(self, module: str) -> frozenset[str] | None: ...

    def script_source(self, path: str) -> str | None: ...


class NullEnvironment:
    """Knows no modules and no scripts: star imports and ``%run`` stay opaque."""

    def star_import_names(self, module: str) -> frozenset[str] | None:
        return None

    def script_source(self, path: str) -> str | None:
        return None


class Lowering:
    """The state of lowering one cell, and the expressions of Python."""

    _statement_handlers: ClassVar[dict[type, NodeHandler]] = {}
    _expression_handlers: ClassVar[dict[type, NodeHandler]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._statement_handlers = _handlers(cls, "stmt_")
        cls._expression_handlers = _handlers(cls, "expr_")

    def __init__(self, cell: int, source: str, env: NameEnvironment) -> None:
        self.cell = cell
        self.source = source
        self.raw_lines = source.split("\n")
        self.env = env
        self.facts = CellFacts(cell)
        self.fragment: Fragment | None = None
        self.scope = LexicalScope(ScopeKind.MODULE, 0, None)
        self.out: list[Op] = []
        self.guards: list[Guard] = []
        self.catch = Catch.NONE
        self.import_guarded = 0
        self.functions = 0  # functions and lambdas lowered so far (their ``number``)

    # --- fragments and positions ----------------------------------------------------

    def run_fragment(self, fragment: Fragment) -> None:
        previous, self.fragment = self.fragment, fragment
        body = fragment.tree.body
        if self.scope.kind is ScopeKind.MODULE and self.facts.syntax_error is None:
            # IPython compiles a cell's statements one by one: those before a misplaced
            # ``return`` run, then the cell stops with a SyntaxError.
            for index, statement in enumerate(body):
                found = syntax.misplaced_jump(statement, in_loop=False)
                if found is not None:
                    body = body[:index]
                    span = self.site(found.statement).span
                    assert span is not None
                    self.facts.syntax_error = (found.message, Span(
                        span.line, span.column, span.line, span.column + len(found.keyword)))
                    break
        try:
            self.statements(body)
        finally:
            self.fragment = previous

    def site(self, node: ast.AST) -> Site:
        assert self.fragment is not None
        return Site(self.cell, self.fragment.span(node))

    def name_site(self, node: ast.AST, name: str) -> Site:
        assert self.fragment is not None
        span = self.fragment.name_span(node.lineno, node.col_offset, name)  # type: ignore[attr-defined]
        return Site(self.cell, span)

    def raw_line(self, line: int) -> str:
        return self.raw_lines[line - 1] if 0 < line <= len(self.raw_lines) else ""

    # --- collecting operations ----------------------------------------------------------

    @contextmanager
    def collect(self) -> Iterator[list[Op]]:
        previous, self.out = self.out, []
        collected = self.out
        try:
            yield collected
        finally:
            self.out = previous

    def collect_ops(self, produce: Callable[[], object]) -> tuple[Op, ...]:
        with self.collect() as ops:
            produce()
        return tuple(ops)

    @contextmanager
    def nested_scope(self, kind: ScopeKind, depth: int, names: scopes.ScopeNames,
                     owner: str | None) -> Iterator[list[Op]]:
        previous_scope, previous_guards = self.scope, self.guards
        previous_catch, previous_import_guard = self.catch, self.import_guarded
        self.scope = LexicalScope(kind, depth, previous_scope, names, owner)
        self.guards = []
        if kind.is_function:
            # A body runs when called, outside the ``try`` it was defined in.
            self.catch, self.import_guarded = Catch.NONE, 0
        try:
            with self.collect() as body:
                yield body
        finally:
            self.scope, self.guards = previous_scope, previous_guards
            self.catch, self.import_guarded = previous_catch, previous_import_guard

    @contextmanager
    def guard(self, construct: Guard) -> Iterator[None]:
        self.guards.append(construct)
        try:
            yield
        finally:
            self.guards.pop()

    def emit_opaque(self, site: Site, construct: Construct, code: str | None,
                    detail: str) -> None:
        self.facts.opaque = True
        self.out.append(Opaque(Event(EventKind.OPAQUE, None, site, construct=construct,
                                     code=code, detail=detail)))

    def emit_maybe(self, name: str, depth: int, event: Event) -> None:
        self.facts.unknown_names.add(name)
        self.out.append(MaybeBind(name, depth, event))

    def branch(self, paths: tuple[tuple[Op, ...], ...], exhaustive: bool) -> None:
        """Append alternative paths; paths that only read need no copy of the state."""
        if not any(paths):
            return
        pure = all(_reads_only(path) for path in paths)
        self.out.append(Branch(paths, exhaustive, pure))

    # --- reads, bindings, deletions ------------------------------------------------------

    def use(self, name: str, site: Site) -> None:
        resolved, depth = resolve(self.scope, name)
        if resolved is Resolve.FREE:
            return
        free = resolved is Resolve.LOCAL and through_nested_function(self.scope)
        op = Use(name, site, resolved, depth, self.catch, free)
        self.out.append(op)
        if resolved is not Resolve.LOCAL and self.scope.in_function:
            self.facts.function_reads.append(op)

    def bind(self, name: str, site: Site, kind: BindingKind, function: FunctionIR | None = None,
             scope: LexicalScope | None = None) -> None:
        scope = scope or self.scope
        guard = self.guards[-1] if self.guards else None
        if scope.kind is ScopeKind.COMPREHENSION:  # never tracked at replay (see comprehension)
            self.record_binding(name, site, kind, guard, scope, scope.depth + 1)
            return
        depth = target_depth(scope, name)
        if depth is None:
            return
        global_from_function = (depth == 0 and scope.kind is not ScopeKind.MODULE
                                and scope.in_function)
        binding = BindingKind.GLOBAL_IN_FUNCTION if global_from_function else kind
        event = Event(EventKind.BIND, name, site, binding, guard, function)
        if function is not None:
            self.out.append(DefineFunction(name, depth, event))
        else:
            self.out.append(Bind(name, depth, event))
        self.record_binding(name, site, binding, guard, scope, depth)

    def record_binding(self, name: str, site: Site, kind: BindingKind, guard: Guard | None,
                       scope: LexicalScope, depth: int) -> None:
        if kind is BindingKind.GLOBAL_IN_FUNCTION:
            function = scope.enclosing_function()
            where, owner = ScopeKind.FUNCTION, function.owner if function else None
        elif depth == 0:
            where, owner = ScopeKind.MODULE, None
        else:
            where, owner = scope.kind, scope.owner
        self.facts.bindings.append(BindingSite(name, site, where, owner, kind, guard))

    def delete(self, name: str, site: Site, by_python: bool = False) -> None:
        """``del name`` (or ``%xdel``); ``by_python``: the end of ``except ... as name``,
        which needs no binding to delete."""
        depth = target_depth(self.scope, name)
        if depth is None:
            return
        check = None
        if not by_python:
            resolved, use_depth = resolve(self.scope, name)
            check = Use(name, site, resolved if resolved is not Resolve.NAME else Resolve.LOCAL,
                        use_depth, self.catch)
        construct = Construct.EXCEPT_UNBINDING if by_python else None
        event = Event(EventKind.DELETE, name, site, construct=construct)
        self.out.append(Delete(name, depth, event, check))

    def assign_target(self, target: ast.expr, kind: BindingKind) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, self.site(target), kind)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.assign_target(element, kind)
        elif isinstance(target, ast.Starred):
            self.assign_target(target.value, kind)
        else:  # attribute or subscript: evaluates its parts, binds no name
            self.expr(target)

    # --- dispatch ----------------------------------------------------------------------

    def statements(self, body: list[ast.stmt]) -> None:
        handlers = self._statement_handlers
        for statement in body:
            handler = handlers.get(type(statement))
            if handler is None:
                self.children(statement)
            else:
                handler(self, statement)

    def expr(self, node: ast.expr) -> None:
        handler = self._expression_handlers.get(type(node))
        if handler is None:
            self.children(node)
        else:
            handler(self, node)

    def children(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, ast.stmt):
                self.statements([child])

    # --- functions ---------------------------------------------------------------------

    def new_function(self, name: str, site: Site, args: ast.arguments, generator: bool,
                     is_async: bool = False) -> FunctionIR:
        number, self.functions = self.functions, self.functions + 1
        return FunctionIR(name, site, tuple(scopes.parameter_names(args)), number, generator,
                          is_async)

    def defaults_and_annotations(self, args: ast.arguments, returns: ast.expr | None) -> None:
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.expr(default)
        if not EAGER_ANNOTATIONS or self.future_annotations():
            return
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        for arg in every:
            if arg is not None and arg.annotation is not None:
                self.expr(arg.annotation)
        if returns is not None:
            self.expr(returns)

    def future_annotations(self) -> bool:
        assert self.fragment is not None
        return syntax.future_annotations(self.fragment.tree)

    def parameters(self, args: ast.arguments) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        for arg in every:
            if arg is not None:
                self.record_binding(arg.arg, self.site(arg), BindingKind.PARAMETER, None,
                                    self.scope, self.scope.depth)

    def lambda_function(self, node: ast.Lambda, name: str = "<lambda>") -> FunctionIR:
        self.defaults_and_annotations(node.args, None)
        names = scopes.function_names(node)
        function = self.new_function(name, self.site(node), node.args, names.yields)
        with self.nested_scope(ScopeKind.LAMBDA, 1, names, name) as body:
            self.parameters(node.args)
            self.expr(node.body)
        function.body = tuple(body)
        return function

    # --- expressions -----------------------------------------------------------------

    def lower_ipython_call(self, node: ast.Call) -> bool:
        """Lower a call IPython's transformer wrote (``get_ipython().run_line_magic``);
        False when ``node`` is an ordinary call. Plain Python has none."""
        return False

    def expr_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.use(node.id, self.site(node))

    def expr_Call(self, node: ast.Call) -> None:
        if self.lower_ipython_call(node):
            return
        self.expr(node.func)
        for argument in node.args:
            if isinstance(argument, ast.GeneratorExp):
                self.comprehension(argument)  # consumed by the call, as it nearly always is
            else:
                self.expr(argument)
        for keyword in node.keywords:
            self.expr(keyword.value)
        self.facts.note_call(node)
        if syntax.is_opaque_call(node):
            code = f"{ast.unparse(node.func)}(...)"
            self.emit_opaque(self.site(node), Construct.EXEC, code,
                             f"`{code}` can bind any name")
        injected = sympy_var_names(node)
        if injected is not None:
            argument, names = injected
            for name in names:
                self.bind(name, self.site(argument), BindingKind.MAGIC)
        if isinstance(node.func, ast.Name):
            resolved, depth = resolve(self.scope, node.func.id)
            if resolved is not Resolve.FREE:
                self.out.append(Call(node.func.id, self.site(node.func), resolved, depth))

    def expr_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Store) and syntax.is_namespace_call(node.value):
            code = f"{ast.unparse(node.value)}[...] = ..."
            self.emit_opaque(self.site(node), Construct.NAMESPACE_WRITE, code,
                             f"`{code}` can bind any name")
        self.children(node)

    def expr_Attribute(self, node: ast.Attribute) -> None:
        if (node.attr in ("update", "setdefault", "__setitem__")
                and syntax.is_namespace_call(node.value)):
            code = f"{ast.unparse(node)}(...)"
            self.emit_opaque(self.site(node), Construct.NAMESPACE_WRITE, code,
                             f"`{code}` can bind any name")
        self.expr(node.value)

    def expr_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.expr(node.value)
        scope = self.scope
        while scope.kind is ScopeKind.COMPREHENSION and scope.parent is not None:
            scope = scope.parent
        self.bind(node.target.id, self.site(node.target), BindingKind.WALRUS, scope=scope)

    def expr_BoolOp(self, node: ast.BoolOp) -> None:
        self.expr(node.values[0])
        self._short_circuit(node.values[1:])

    def _short_circuit(self, rest: list[ast.expr]) -> None:
        if not rest:
            return
        path = self.collect_ops(lambda: (self.expr(rest[0]), self._short_circuit(rest[1:])))
        self.branch((path,), False)

    def expr_IfExp(self, node: ast.IfExp) -> None:
        self.expr(node.test)
        body = self.collect_ops(lambda: self.expr(node.body))
        orelse = self.collect_ops(lambda: self.expr(node.orelse))
        self.branch((body, orelse), True)

    def expr_Lambda(self, node: ast.Lambda) -> None:
        self.lambda_function(node)  # runs when called: only its defaults run now

    def expr_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        # Not handed straight to a call: only the first iterable runs now, the rest
        # whenever it is iterated, which may be never.
        self.expr(node.generators[0].iter)
        later = self.collect_ops(lambda: self.comprehension(node, first_iter_done=True))
        self.branch((later,), False)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
                      first_iter_done: bool = False) -> None:
        if not first_iter_done:
            self.expr(node.generators[0].iter)
        names = scopes.ScopeNames(bound=scopes.comprehension_names(node))
        # No namespace of its own at replay: a comprehension's variables are bound
        # whenever they are read inside it, so only its reads of outer names and its
        # walrus bindings are followed.
        owner = GENERATOR_OWNER if isinstance(node, ast.GeneratorExp) else None
        with self.nested_scope(ScopeKind.COMPREHENSION, self.scope.depth, names, owner) as body:
            self._generators(node, 0)
        if any(type(op) is Call for op in walk(body)):
            # A called function may change names between items: follow it as a loop.
            self.out.append(Loop((), tuple(body), (),
                                 syntax.non_empty_literal(node.generators[0].iter), False))
        else:
            self.out.extend(body)

    expr_ListComp = comprehension
    expr_SetComp = comprehension
    expr_DictComp = comprehension

    def _generators(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
                    index: int) -> None:
        if index == len(node.generators):
            if isinstance(node, ast.DictComp):
                self.expr(node.key)
                self.expr(node.value)
            else:
                self.expr(node.elt)
            return
        generator = node.generators[index]
        if index > 0:
            self.expr(generator.iter)

        def one_iteration() -> None:
            self.assign_target(generator.target, BindingKind.FOR_TARGET)
            self._conditions(node, index, list(generator.ifs))

        body = self.collect_ops(one_iteration)
        self.branch((body,), syntax.non_empty_literal(generator.iter))

    def _conditions(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
                    index: int, conditions: list[ast.expr]) -> None:
        if not conditions:
            self._generators(node, index + 1)
            return
        self.expr(conditions[0])
        path = self.collect_ops(lambda: self._conditions(node, index, conditions[1:]))
        self.branch((path,), False)


def _handlers(cls: type, prefix: str) -> dict[type, NodeHandler]:
    """``stmt_Assign`` → {ast.Assign: method}: dispatch by node type, built once per class."""
    return {getattr(ast, name[len(prefix):]): getattr(cls, name)
            for name in dir(cls)
            if name.startswith(prefix) and hasattr(ast, name[len(prefix):])}


def _reads_only(ops: tuple[Op, ...]) -> bool:
    return all(type(op) is Use or (type(op) is Branch and op.pure) for op in ops)
