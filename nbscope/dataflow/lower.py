"""The lowering's machinery: a cell's AST in, ``ir`` operations and ``CellFacts`` out.

``Lowering`` holds what lowering one cell needs at every node: the chain of
lexical scopes it is inside (``resolution``), the operations being collected,
the innermost guard and ``try``, and the cell's ``CellFacts``. It emits reads,
bindings and deletions with every scope decision made, and dispatches each AST
node to the ``stmt_X``/``expr_X`` method of the final class for node type
``X``: expressions are lowered in ``expressions``, statements in
``statements``, IPython's magics and the cell as a whole in ``ipython``, each
class extending the one before. Never mutates the AST.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..environment import NameEnvironment
from ..model import Span
from ..transform import Fragment
from . import scopes, syntax
from .arguments import signature_of
from .cellfacts import BindingSite, CellFacts, ScopeKind
from .ir import (
    Bind,
    BindingKind,
    Branch,
    Catch,
    Construct,
    DefineFunction,
    Delete,
    Event,
    EventKind,
    FunctionIR,
    Guard,
    GuardPath,
    Jump,
    MaybeBind,
    Op,
    Opaque,
    Resolve,
    Site,
    Use,
    walk,
)
from .resolution import (
    LexicalScope,
    NonlocalWrite,
    resolve,
    target_depth,
    through_nested_function,
)

# Annotations of functions and module-level names are evaluated eagerly before 3.14.
EAGER_ANNOTATIONS = sys.version_info < (3, 14)

NodeHandler = Callable[..., None]
# Looking a member up on an Enum class is slow before Python 3.12; bindings are many.
_MODULE, _COMPREHENSION = ScopeKind.MODULE, ScopeKind.COMPREHENSION


class _Guarded:
    """The context ``Lowering.guard`` returns (a class, not a generator: it is entered
    for every ``if``, loop and ``try``)."""

    __slots__ = ("lowering", "construct", "previous_path")

    def __init__(self, lowering: Lowering, construct: Guard) -> None:
        self.lowering = lowering
        self.construct = construct

    def __enter__(self) -> None:
        lowering = self.lowering
        lowering.guards.append(self.construct)
        self.previous_path = lowering.guard_path
        lowering.guards_opened += 1
        lowering.guard_path = (*self.previous_path,
                               (lowering.cell, lowering.guards_opened, self.construct))

    def __exit__(self, *exc_info: object) -> None:
        self.lowering.guards.pop()
        self.lowering.guard_path = self.previous_path


class Lowering:
    """The state of lowering one cell, and what every construct's lowering uses."""

    def __init__(self, cell: int, source: str, env: NameEnvironment) -> None:
        # Dispatch by node type, the tables built once per class (not in
        # ``__init_subclass__``: a compiled build does not run it).
        self._statement_handlers, self._expression_handlers = _tables_of(type(self))
        self.cell = cell
        self.source = source
        self.raw_lines = source.split("\n")
        self.env = env
        self.facts = CellFacts(cell)
        self.fragment: Fragment | None = None
        self.scope = LexicalScope(ScopeKind.MODULE, 0, None)
        self.out: list[Op] = []
        self.guards: list[Guard] = []
        self.guard_path: GuardPath = ()  # the open guards, with their identities
        self.guards_opened = 0
        self.catch = Catch.NONE
        self.import_guarded = 0
        self.imported_in_try: tuple[str, ...] = ()  # see ``FunctionIR.imported_before``
        # The ``nonlocal`` assignments of the function being lowered, and its body.
        self.nonlocal_writes: list[NonlocalWrite] | None = None
        self.function_body: list[Op] | None = None
        self.functions = 0  # functions and lambdas lowered so far (their ``number``)

    # --- fragments and positions ----------------------------------------------------

    def run_fragment(self, fragment: Fragment) -> None:
        previous, self.fragment = self.fragment, fragment
        body = fragment.tree.body
        if (self.scope.kind is ScopeKind.MODULE and self.facts.syntax_error is None
                and syntax.may_jump(fragment.source)):
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
            if self.scope.kind is ScopeKind.MODULE:
                # IPython compiles and runs a cell's top-level statements one at a time.
                for statement in body:
                    self.annotations_namespace(statement)
                    self.statements([statement])
            else:
                self.statements(body)
        finally:
            self.fragment = previous

    def annotations_namespace(self, block: ast.stmt | list[ast.stmt]) -> None:
        """Bind ``__annotations__`` where the compiler creates it: at the start of a module
        or class body unit that holds an annotated assignment."""
        statements = block if isinstance(block, list) else [block]
        for statement in statements:
            found = syntax.first_annotation(statement)
            if found is not None:
                self.bind("__annotations__", self.site(found.target), BindingKind.ANNOTATED)
                return

    def site(self, node: ast.AST) -> Site:
        assert self.fragment is not None
        return Site(self.cell, None, self.fragment.map, node)

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
        # ``collect`` without a context manager: this runs for every branch and loop body.
        previous, self.out = self.out, []
        collected = self.out
        try:
            produce()
        finally:
            self.out = previous
        return tuple(collected)

    @contextmanager
    def nested_scope(self, kind: ScopeKind, depth: int, names: scopes.ScopeNames,
                     owner: str | None) -> Iterator[list[Op]]:
        previous_scope, previous_guards = self.scope, self.guards
        previous_path = self.guard_path
        previous_catch, previous_import_guard = self.catch, self.import_guarded
        self.scope = LexicalScope(kind, depth, previous_scope, names, owner)
        self.guards, self.guard_path = [], ()
        if kind.is_function:
            # A body runs when called, outside the ``try`` it was defined in.
            self.catch, self.import_guarded = Catch.NONE, 0
        try:
            with self.collect() as body:
                yield body
        finally:
            self.scope, self.guards = previous_scope, previous_guards
            self.guard_path = previous_path
            self.catch, self.import_guarded = previous_catch, previous_import_guard

    def guard(self, construct: Guard) -> _Guarded:
        """``with self.guard(Guard.IF): ...``: the code lowered inside runs only sometimes."""
        return _Guarded(self, construct)

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
        # A function's variable read from a class body or through a closure (a scope that
        # does not bind it) raises NameError, not UnboundLocalError, when unbound.
        scope = self.scope
        free = resolved is Resolve.LOCAL and (
            through_nested_function(scope)
            or (scope.kind is not _COMPREHENSION and name not in scope.names.bound))
        op = Use(name, site, resolved, depth, self.catch, free, self.guard_path)
        self.out.append(op)
        if resolved is not Resolve.LOCAL and self.scope.in_function:
            self.facts.function_reads.append(op)

    def bind(self, name: str, site: Site, kind: BindingKind, function: FunctionIR | None = None,
             scope: LexicalScope | None = None) -> None:
        scope = scope or self.scope
        guard = self.guards[-1] if self.guards else None
        if scope.kind is _COMPREHENSION:  # not tracked at replay (see the ir docstring)
            self.record_binding(name, site, kind, guard, scope, scope.depth + 1)
            return
        depth = target_depth(scope, name)
        if depth is None:
            if self.nonlocal_writes is not None:
                surely = (not self.guards and self.out is self.function_body
                          and not any(isinstance(op, Jump) for op in walk(self.out)))
                self.nonlocal_writes.append(NonlocalWrite(name, site, surely))
            return
        global_from_function = (depth == 0 and scope.kind is not _MODULE
                                and scope.in_function)
        binding = BindingKind.GLOBAL_IN_FUNCTION if global_from_function else kind
        event = Event(EventKind.BIND, name, site, binding, guard, function,
                      guard_path=self.guard_path)
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
            where, owner = _MODULE, None
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
                        use_depth, self.catch, guard_path=self.guard_path)
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
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                self.facts.note_emptying(target.value)  # ``xs[:] = []``
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
                     is_async: bool = False, decorated: bool = False) -> FunctionIR:
        number, self.functions = self.functions, self.functions + 1
        return FunctionIR(name, site, tuple(scopes.parameter_names(args)), number, generator,
                          is_async, signature=None if decorated else signature_of(args),
                          imported_before=self.imported_in_try)

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

_TABLES: dict[type, tuple[dict[type, NodeHandler], dict[type, NodeHandler]]] = {}


def _tables_of(cls: type) -> tuple[dict[type, NodeHandler], dict[type, NodeHandler]]:
    found = _TABLES.get(cls)
    if found is None:
        found = _TABLES[cls] = (_handlers(cls, "stmt_"), _handlers(cls, "expr_"))
    return found


# Node types lowered by another type's method (``async for`` as ``for``): named here, not
# as class-body aliases (``stmt_AsyncFor = stmt_For``), which a compiled build rejects.
_LOWERED_AS = {"AsyncFor": "stmt_For", "AsyncWith": "stmt_With", "TryStar": "stmt_Try",
               "AsyncFunctionDef": "stmt_FunctionDef", "Nonlocal": "stmt_Global",
               "List": "expr_Tuple", "Set": "expr_Tuple", "JoinedStr": "expr_Tuple",
               "ListComp": "comprehension", "SetComp": "comprehension",
               "DictComp": "comprehension"}


def _handlers(cls: type, prefix: str) -> dict[type, NodeHandler]:
    """``stmt_Assign`` → {ast.Assign: method}: dispatch by node type, built once per class."""
    table = {getattr(ast, name[len(prefix):]): getattr(cls, name)
             for name in dir(cls)
             if name.startswith(prefix) and hasattr(ast, name[len(prefix):])}
    kind = ast.stmt if prefix == "stmt_" else ast.expr
    for node_name, method in _LOWERED_AS.items():
        node = getattr(ast, node_name, None)
        if node is not None and issubclass(node, kind) and hasattr(cls, method):
            table[node] = getattr(cls, method)
    return table


def _reads_only(ops: tuple[Op, ...]) -> bool:
    return all(type(op) is Use or (type(op) is Branch and op.pure) for op in ops)
