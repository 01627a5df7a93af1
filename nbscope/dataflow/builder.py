"""Lower one cell's parsed Python into the replayable operations of ``ir``.

Walks statements and expressions in CPython's evaluation order, decides for
every read how CPython will look the name up (``scopes``), records every
binding with its position, turns IPython magics into the operations they amount
to (``magics``), and defers function bodies to call time. Never mutates the AST.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..astutil import is_main_guard
from ..environment import NameEnvironment
from ..magics import MagicEffect, cell_magic_effect, line_magic_effect
from ..model import Span
from ..transform import (
    Fragment,
    SyntaxProblem,
    automagic,
    normalize_newlines,
    parse_python,
    split_cell_magic,
)
from . import scopes
from .ir import (
    Bind,
    BindingKind,
    BindingSite,
    Branch,
    Call,
    Catch,
    CellIR,
    ClassBody,
    DefineFunction,
    Delete,
    Event,
    EventKind,
    FunctionIR,
    Handler,
    ImportSite,
    Jump,
    Loop,
    MaybeBind,
    Op,
    Opaque,
    Reset,
    Resolve,
    Scope,
    Site,
    Try,
    Use,
)

# Annotations of functions and module-level names are evaluated eagerly before 3.14.
EAGER_ANNOTATIONS = sys.version_info < (3, 14)
# List, set and dict comprehensions run inline in their function from 3.12 (PEP 709).
INLINED_COMPREHENSIONS = sys.version_info >= (3, 12)
_TRY_STAR = (ast.TryStar,) if sys.version_info >= (3, 11) else ()
_NAME_ERRORS = {"NameError", "UnboundLocalError"}
_BROAD_ERRORS = {"Exception", "BaseException"}
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


@dataclass
class _Scope:
    kind: str  # module, class, function, lambda, comprehension, isolated
    depth: int
    parent: _Scope | None
    names: scopes.ScopeNames = field(default_factory=scopes.ScopeNames)
    owner: str | None = None

    @property
    def in_function(self) -> bool:
        scope: _Scope | None = self
        while scope is not None:
            if scope.kind in ("function", "lambda"):
                return True
            scope = scope.parent
        return False


def build_cell(cell: int, source: str, env: NameEnvironment) -> CellIR:
    """Lower one code cell's raw source into a ``CellIR``.

    Lines end where Python ends them (``\\n``, ``\\r\\n`` or a bare ``\\r``).
    """
    return _CellBuilder(cell, normalize_newlines(source), env).build()


class _CellBuilder:
    def __init__(self, cell: int, source: str, env: NameEnvironment) -> None:
        self.cell = cell
        self.source = source
        self.raw_lines = source.split("\n")
        self.env = env
        self.bindings: list[BindingSite] = []
        self.function_reads: list[Use] = []
        self.written_files: list[str] = []
        self.shell_commands: list[str] = []
        self.imports: list[ImportSite] = []
        self.sys_path_additions: list[str | None] = []
        self.fragment: Fragment | None = None
        self.scope = _Scope("module", 0, None)
        self.out: list[Op] = []
        self.guards: list[str] = []
        self.catch = Catch.NONE
        self.import_guarded = 0
        self.unknown_names: set[str] = set()  # names something unreadable may bind
        self.opaque = False  # whether anything here may bind any name
        self.misplaced: tuple[str, Span] | None = None  # a ``return`` outside a function

    # --- cell level -------------------------------------------------------------

    def build(self) -> CellIR:
        magic = split_cell_magic(self.source)
        magic_name = None
        if magic is None:
            parsed = parse_python(automagic(self.source) or self.source)
            if isinstance(parsed, SyntaxProblem):
                return self._unparsable(parsed, None)
            self._run_fragment(parsed)
        else:
            magic_name = magic.name
            effect = cell_magic_effect(magic.name, magic.line, magic.body)
            site = self._line_site(magic.magic_line)
            if effect.python is not None:
                parsed = parse_python(effect.python, first_line=magic.body_first_line,
                                      indent=magic.indent)
                if isinstance(parsed, SyntaxProblem):
                    return self._unparsable(parsed, magic_name)
                fragments = [parsed]
                setup = self._setup_fragment(effect, magic.magic_line, magic.line)
                if setup is not None:
                    fragments.insert(0, setup)
                if effect.isolated:
                    self._isolated(*fragments)
                else:
                    for fragment in fragments:
                        self._run_fragment(fragment)
            self._apply_effect(effect, site, magic.magic_line)
        return self._result(parsed=True, cell_magic=magic_name, syntax_error=self.misplaced)

    def _result(self, parsed: bool, cell_magic: str | None,
                syntax_error: tuple[str, Span] | None = None) -> CellIR:
        return CellIR(
            cell=self.cell,
            body=tuple(self.out),
            parsed=parsed,
            syntax_error=syntax_error,
            cell_magic=cell_magic,
            bindings=tuple(self.bindings),
            function_reads=tuple(self.function_reads),
            written_files=tuple(self.written_files),
            shell_commands=tuple(self.shell_commands),
            imports=tuple(self.imports),
            sys_path_additions=tuple(self.sys_path_additions),
            unknown_names=frozenset(self.unknown_names),
            opaque=self.opaque,
        )

    def _unparsable(self, problem: SyntaxProblem, cell_magic: str | None) -> CellIR:
        # Names in a cell nbscope cannot read may be bound by it: never claim otherwise.
        self.out = []
        site = Site(self.cell, Span(problem.line, problem.column, problem.line, problem.column))
        for name in dict.fromkeys(_IDENTIFIER.findall(self.source)):
            event = Event(EventKind.UNKNOWN, name, site, detail="unparsable cell")
            self._emit_maybe(name, 0, event)
        text = self.raw_lines[problem.line - 1] if 0 < problem.line <= len(self.raw_lines) else ""
        column = min(problem.column, len(text) + 1)
        span = Span(problem.line, column, problem.line, min(column + 1, len(text) + 1))
        return self._result(parsed=False, cell_magic=cell_magic,
                            syntax_error=(problem.message, span))

    def _run_fragment(self, fragment: Fragment) -> None:
        previous, self.fragment = self.fragment, fragment
        body = fragment.tree.body
        if self.scope.kind == "module" and self.misplaced is None:
            # IPython compiles a cell's statements one by one: those before a misplaced
            # ``return`` run, then the cell stops with a SyntaxError.
            for index, statement in enumerate(body):
                found = _misplaced_jump(statement, in_loop=False)
                if found is not None:
                    body = body[:index]
                    message, node = found
                    span = self.site(node).span
                    assert span is not None
                    self.misplaced = (message, Span(span.line, span.column, span.line,
                                                    span.column + len(message.split("'")[1])))
                    break
        try:
            self.statements(body)
        finally:
            self.fragment = previous

    def _setup_fragment(self, effect: MagicEffect, raw_line: int, magic_args: str
                        ) -> Fragment | None:
        """The statement on a ``%%timeit``/``%%memit`` line, placed where it is written."""
        if effect.setup is None:
            return None
        text = self.raw_lines[raw_line - 1] if 0 < raw_line <= len(self.raw_lines) else ""
        found = text.find(magic_args)
        column = (found if found >= 0 else 0) + effect.setup_offset
        parsed = parse_python(effect.setup, first_line=raw_line, first_col=column)
        return None if isinstance(parsed, SyntaxProblem) else parsed

    def _isolated(self, *fragments: Fragment) -> None:
        """Run code in one namespace of its own, as ``%timeit`` does."""
        names = scopes.block_names([s for f in fragments for s in f.tree.body])
        with self._scope("isolated", self.scope.depth + 1, names, None) as body:
            for fragment in fragments:
                self._run_fragment(fragment)
        self.out.append(Scope(self.scope.depth + 1, body))

    # --- helpers ------------------------------------------------------------------

    def site(self, node: ast.AST) -> Site:
        assert self.fragment is not None
        return Site(self.cell, self.fragment.span(node))

    def name_site(self, node: ast.AST, name: str) -> Site:
        assert self.fragment is not None
        span = self.fragment.name_span(node.lineno, node.col_offset, name)  # type: ignore[attr-defined]
        return Site(self.cell, span)

    def _line_site(self, line: int) -> Site:
        text = self.raw_lines[line - 1] if 0 < line <= len(self.raw_lines) else ""
        start = len(text) - len(text.lstrip())
        return Site(self.cell, Span(line, start + 1, line, len(text.rstrip()) + 1))

    @contextmanager
    def _collect(self) -> Iterator[list[Op]]:
        previous, self.out = self.out, []
        collected = self.out
        try:
            yield collected
        finally:
            self.out = previous

    @contextmanager
    def _scope(self, kind: str, depth: int, names: scopes.ScopeNames,
               owner: str | None) -> Iterator[list[Op]]:
        previous_scope, previous_guards = self.scope, self.guards
        previous_catch, previous_import_guard = self.catch, self.import_guarded
        self.scope = _Scope(kind, depth, previous_scope, names, owner)
        self.guards = []
        if kind in ("function", "lambda"):
            # A body runs when called, outside the ``try`` it was defined in.
            self.catch, self.import_guarded = Catch.NONE, 0
        try:
            with self._collect() as body:
                yield body
        finally:
            self.scope, self.guards = previous_scope, previous_guards
            self.catch, self.import_guarded = previous_catch, previous_import_guard

    @contextmanager
    def _guard(self, construct: str) -> Iterator[None]:
        self.guards.append(construct)
        try:
            yield
        finally:
            self.guards.pop()

    def _emit_opaque(self, event: Event) -> None:
        self.opaque = True
        self.out.append(Opaque(event))

    def _emit_maybe(self, name: str, depth: int, event: Event) -> None:
        self.unknown_names.add(name)
        self.out.append(MaybeBind(name, depth, event))

    def _branch(self, paths: tuple[tuple[Op, ...], ...], exhaustive: bool) -> None:
        """Append alternative paths; paths that only read need no copy of the state."""
        if not any(paths):
            return
        pure = all(_reads_only(path) for path in paths)
        self.out.append(Branch(paths, exhaustive, pure))

    def _collect_ops(self, produce: Callable[[], None]) -> tuple[Op, ...]:
        with self._collect() as ops:
            produce()
        return tuple(ops)

    # --- name resolution --------------------------------------------------------------

    def resolve(self, name: str) -> tuple[Resolve, int]:
        scope = self.scope
        if scope.kind == "module":
            return Resolve.NAME, 0
        if name in scope.names.globals:
            return Resolve.GLOBAL, 0
        if name in scope.names.nonlocals:
            return Resolve.FREE, -1
        if scope.kind == "class":
            if name not in scope.names.bound and self._bound_in_enclosing_function(scope, name):
                return Resolve.FREE, -1
            return Resolve.NAME, scope.depth
        if name in scope.names.locals:
            if scope.kind == "comprehension":
                return Resolve.FREE, -1  # bound by the comprehension before any read
            return Resolve.LOCAL, scope.depth
        crossed_function = scope.kind in ("function", "lambda")
        outer = scope.parent
        while outer is not None:
            if outer.kind == "module":
                return Resolve.GLOBAL, 0
            if outer.kind != "class":
                if name in outer.names.globals:
                    return Resolve.GLOBAL, 0
                if name in outer.names.nonlocals:
                    return Resolve.FREE, -1
                if name in outer.names.locals:
                    if crossed_function or outer.kind == "comprehension":
                        return Resolve.FREE, -1
                    return Resolve.LOCAL, outer.depth
                if outer.kind in ("function", "lambda"):
                    crossed_function = True
            outer = outer.parent
        return Resolve.GLOBAL, 0

    def _through_nested_function(self) -> bool:
        """Whether a read here of an enclosing function's local goes through a closure:
        from a generator expression always, from other comprehensions before Python 3.12,
        which runs them inline (PEP 709)."""
        scope = self.scope
        while scope.kind == "comprehension":
            if scope.owner == "<genexpr>" or not INLINED_COMPREHENSIONS:
                return True
            assert scope.parent is not None
            scope = scope.parent
        return False

    @staticmethod
    def _bound_in_enclosing_function(scope: _Scope, name: str) -> bool:
        outer = scope.parent
        while outer is not None and outer.kind != "module":
            if outer.kind in ("function", "lambda") and name in outer.names.locals:
                return True
            outer = outer.parent
        return False

    def target_depth(self, name: str, scope: _Scope | None = None) -> int | None:
        """The layer a binding of ``name`` goes to (None: an untracked ``nonlocal``)."""
        scope = scope or self.scope
        if scope.kind == "module":
            return 0
        if name in scope.names.globals:
            return 0
        if name in scope.names.nonlocals:
            return None
        return scope.depth

    # --- emitting ------------------------------------------------------------------------

    def use(self, name: str, site: Site) -> None:
        resolve, depth = self.resolve(name)
        if resolve is Resolve.FREE:
            return
        in_function = self.scope.in_function
        free = resolve is Resolve.LOCAL and self._through_nested_function()
        op = Use(name, site, resolve, depth, self.catch, in_function, free)
        self.out.append(op)
        if in_function and resolve is not Resolve.LOCAL:
            self.function_reads.append(op)

    def bind(self, name: str, site: Site, kind: BindingKind, function: FunctionIR | None = None,
             scope: _Scope | None = None) -> None:
        scope = scope or self.scope
        guard = self.guards[-1] if self.guards else None
        if scope.kind == "comprehension":  # never tracked at replay (see _comprehension)
            self._record_binding(name, site, kind, guard, scope, scope.depth + 1)
            return
        depth = self.target_depth(name, scope)
        if depth is None:
            return
        global_from_function = depth == 0 and scope.kind != "module" and scope.in_function
        binding = BindingKind.GLOBAL_IN_FUNCTION if global_from_function else kind
        event = Event(EventKind.BIND, name, site, binding, guard, function)
        if function is not None:
            self.out.append(DefineFunction(name, depth, event))
        else:
            self.out.append(Bind(name, depth, event))
        self._record_binding(name, site, binding, guard, scope, depth)

    def _record_binding(self, name: str, site: Site, kind: BindingKind, guard: str | None,
                        scope: _Scope, depth: int) -> None:
        if depth == 0 and kind is not BindingKind.GLOBAL_IN_FUNCTION:
            where, owner = "module", None
        else:
            where = scope.kind
            owner = scope.owner
            if kind is BindingKind.GLOBAL_IN_FUNCTION:
                where, owner = "function", self._function_owner(scope)
        self.bindings.append(BindingSite(name, site, where, owner, kind, guard))

    @staticmethod
    def _function_owner(scope: _Scope) -> str | None:
        current: _Scope | None = scope
        while current is not None:
            if current.kind in ("function", "lambda"):
                return current.owner
            current = current.parent
        return None

    def delete(self, name: str, site: Site, implicit: bool = False) -> None:
        depth = self.target_depth(name)
        if depth is None:
            return
        check = None
        if not implicit:
            resolve, use_depth = self.resolve(name)
            check = Use(name, site, resolve if resolve is not Resolve.NAME else Resolve.LOCAL,
                        use_depth, self.catch, self.scope.in_function)
        detail = "except" if implicit else None
        event = Event(EventKind.DELETE, name, site, detail=detail)
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

    # --- statements ----------------------------------------------------------------------------

    def statements(self, body: list[ast.stmt]) -> None:
        handlers = _STATEMENT_HANDLERS
        for statement in body:
            handler = handlers.get(type(statement))
            if handler is None:
                self.children(statement)
            else:
                handler(self, statement)

    def children(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, ast.stmt):
                self.statements([child])

    def stmt_Expr(self, node: ast.Expr) -> None:
        self.expr(node.value)

    def stmt_Assign(self, node: ast.Assign) -> None:
        if (isinstance(node.value, ast.Lambda) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            target = node.targets[0]
            function = self.lambda_function(node.value, target.id)
            self.bind(target.id, self.site(target), BindingKind.ASSIGNMENT, function)
            return
        self.expr(node.value)
        for target in node.targets:
            self.assign_target(target, BindingKind.ASSIGNMENT)

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            site = self.site(node.target)
            self.use(node.target.id, site)
            self.expr(node.value)
            self.bind(node.target.id, site, BindingKind.AUGMENTED)
        else:
            self.expr(node.target)
            self.expr(node.value)

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.expr(node.value)
        evaluated = EAGER_ANNOTATIONS and node.simple and self.scope.kind in ("module", "class")
        if evaluated and not self._future_annotations():
            self.expr(node.annotation)
        if node.value is not None:
            self.assign_target(node.target, BindingKind.ANNOTATED)
        elif not isinstance(node.target, ast.Name):
            self.expr(node.target)

    def _future_annotations(self) -> bool:
        assert self.fragment is not None
        return any(
            isinstance(s, ast.ImportFrom) and s.module == "__future__"
            and any(a.name == "annotations" for a in s.names)
            for s in self.fragment.tree.body
        )

    def stmt_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.expr(node.iter)
        with self._guard("for"):
            body = self._collect_ops(lambda: (
                self.assign_target(node.target, BindingKind.FOR_TARGET),
                self.statements(node.body),
            ))
        orelse = self._collect_ops(lambda: self.statements(node.orelse))
        self.out.append(Loop((), body, orelse, _non_empty_literal(node.iter), False))

    stmt_AsyncFor = stmt_For

    def stmt_While(self, node: ast.While) -> None:
        always = _constant_truth(node.test) is True
        head = self._collect_ops(lambda: self.expr(node.test))
        with self._guard("while"):
            body = self._collect_ops(lambda: self.statements(node.body))
        orelse = self._collect_ops(lambda: self.statements(node.orelse))
        self.out.append(Loop(head, body, orelse, always, always))

    def stmt_If(self, node: ast.If) -> None:
        self.expr(node.test)
        truth = _constant_truth(node.test)
        if truth is True:
            self.statements(node.body)
            return
        if truth is False:
            self.statements(node.orelse)
            return
        with self._guard("if"):
            body = self._collect_ops(lambda: self.statements(node.body))
            orelse = self._collect_ops(lambda: self.statements(node.orelse))
        self.out.append(Branch((body, orelse), True))

    def stmt_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.expr(item.context_expr)
            if item.optional_vars is not None:
                self.assign_target(item.optional_vars, BindingKind.WITH_TARGET)
        self.statements(node.body)

    stmt_AsyncWith = stmt_With

    def stmt_Try(self, node: ast.Try) -> None:
        catch = _catch_kind(node.handlers)
        previous_catch = self.catch
        if catch is Catch.NAME_ERROR or (catch is Catch.BROAD and previous_catch is Catch.NONE):
            self.catch = catch
        guards_imports = _catches_import_errors(node.handlers)
        self.import_guarded += guards_imports
        with self._guard("try"):
            first = self._collect_ops(lambda: self.statements(node.body[:1]))
            rest = self._collect_ops(lambda: self.statements(node.body[1:]))
        # Past its first simple statement, a body may have raised and been caught already.
        first_statement = 0 if isinstance(node.body[0], _COMPOUND_STATEMENTS) else len(first)
        self.import_guarded -= guards_imports
        self.catch = previous_catch
        handlers = []
        with self._guard("except"):
            for handler in node.handlers:
                handlers.append(Handler(self._collect_ops(lambda h=handler: self._handler(h))))
        with self._guard("try"):
            orelse = self._collect_ops(lambda: self.statements(node.orelse))
        final = self._collect_ops(lambda: self.statements(node.finalbody))
        self.out.append(Try(first + rest, tuple(handlers), orelse, final, first_statement,
                            bool(node.finalbody)))

    stmt_TryStar = stmt_Try

    def _handler(self, handler: ast.ExceptHandler) -> None:
        if handler.type is not None:
            self.expr(handler.type)
        if handler.name:
            site = self._handler_name_site(handler)
            self.bind(handler.name, site, BindingKind.EXCEPT_TARGET)
            self.statements(handler.body)
            # Python deletes the name at the end of the handler.
            self.delete(handler.name, site, implicit=True)
        else:
            self.statements(handler.body)

    def _handler_name_site(self, handler: ast.ExceptHandler) -> Site:
        assert self.fragment is not None and handler.name
        start = handler.type or handler
        line = getattr(start, "end_lineno", None) or handler.lineno
        col = getattr(start, "end_col_offset", None) or handler.col_offset
        return Site(self.cell, self.fragment.name_span(line, col, handler.name))

    def stmt_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.expr(decorator)
        self._defaults_and_annotations(node.args, node.returns)
        site = self.name_site(node, node.name)
        names = scopes.function_names(node)
        function = FunctionIR(node.name, site, tuple(scopes.parameter_names(node.args)),
                              names.yields, isinstance(node, ast.AsyncFunctionDef))
        with self._scope("function", 1, names, node.name) as body:
            self._parameters(node.args)
            self.statements(node.body)
        function.body = tuple(body)
        self.bind(node.name, site, BindingKind.FUNCTION, function)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def _defaults_and_annotations(self, args: ast.arguments, returns: ast.expr | None) -> None:
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.expr(default)
        if not EAGER_ANNOTATIONS or self._future_annotations():
            return
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        for arg in every:
            if arg is not None and arg.annotation is not None:
                self.expr(arg.annotation)
        if returns is not None:
            self.expr(returns)

    def _parameters(self, args: ast.arguments) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        for arg in every:
            if arg is not None:
                self._record_binding(arg.arg, self.site(arg), BindingKind.PARAMETER, None,
                                     self.scope, self.scope.depth)

    def lambda_function(self, node: ast.Lambda, name: str = "<lambda>") -> FunctionIR:
        self._defaults_and_annotations(node.args, None)
        names = scopes.function_names(node)
        function = FunctionIR(name, self.site(node), tuple(scopes.parameter_names(node.args)),
                              names.yields)
        with self._scope("lambda", 1, names, name) as body:
            self._parameters(node.args)
            self.expr(node.body)
        function.body = tuple(body)
        return function

    def stmt_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.expr(expr)
        names = scopes.block_names(node.body)
        depth = self.scope.depth + 1
        with self._scope("class", depth, names, node.name) as body:
            self.statements(node.body)
        site = self.name_site(node, node.name)
        with self._collect() as bind_ops:
            self.bind(node.name, site, BindingKind.CLASS)
        bind = bind_ops[0] if bind_ops else None
        if isinstance(bind, Bind):
            self.out.append(ClassBody(depth, tuple(body), bind))
        else:  # a class declared ``nonlocal``: run the body, bind nothing we track
            self.out.append(Scope(depth, tuple(body)))

    def stmt_Assert(self, node: ast.Assert) -> None:
        self.expr(node.test)
        if node.msg is not None:  # evaluated only when the assertion fails
            message = self._collect_ops(lambda: self.expr(node.msg))  # type: ignore[arg-type]
            self._branch((message,), False)

    def stmt_Return(self, node: ast.Return) -> None:
        if node.value is not None:
            self.expr(node.value)
        self.out.append(Jump.RETURN)

    def stmt_Raise(self, node: ast.Raise) -> None:
        if node.exc is not None:
            self.expr(node.exc)
        if node.cause is not None:
            self.expr(node.cause)
        self.out.append(Jump.RAISE)

    def stmt_Break(self, node: ast.Break) -> None:
        self.out.append(Jump.BREAK)

    def stmt_Continue(self, node: ast.Continue) -> None:
        self.out.append(Jump.CONTINUE)

    def stmt_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._delete_target(target)

    def _delete_target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.delete(target.id, self.site(target))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._delete_target(element)
        else:
            self.expr(target)

    def stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self.bind(bound, self._alias_site(alias, bound), BindingKind.IMPORT)
            top = alias.name.split(".")[0]
            self.imports.append(ImportSite(alias.name, self.name_site(alias, top), 0,
                                           self.scope.kind == "module",
                                           self.import_guarded > 0))

    def stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module != "__future__":
            top = node.module.split(".")[0]
            self.imports.append(ImportSite(node.module, self._module_site(node, top),
                                           node.level, self.scope.kind == "module",
                                           self.import_guarded > 0))
        for alias in node.names:
            if alias.name == "*":
                self._star_import(node, alias)
            else:
                bound = alias.asname or alias.name
                self.bind(bound, self._alias_site(alias, bound), BindingKind.IMPORT)

    def _module_site(self, node: ast.ImportFrom, top: str) -> Site:
        assert self.fragment is not None
        text = self.fragment.line_text(node.lineno).encode("utf-8")
        after_from = re.match(rb"\s*from\s+", text[node.col_offset:])
        start = node.col_offset + (after_from.end() if after_from else 0)
        return Site(self.cell, self.fragment.name_span(node.lineno, start, top))

    def _alias_site(self, alias: ast.alias, bound: str) -> Site:
        assert self.fragment is not None
        if alias.asname:
            # ``numpy as np``: the bound name is the last identifier of the alias.
            end = self.fragment.point(alias.end_lineno or alias.lineno, alias.end_col_offset or 0)
            return Site(self.cell, Span(end[0], end[1] - len(bound), end[0], end[1]))
        return self.name_site(alias, bound)

    def _star_import(self, node: ast.ImportFrom, alias: ast.alias) -> None:
        module = node.module or ""
        names = None if node.level else self.env.star_import_names(module)
        site = self.site(alias)
        if names is None:
            reason = f"`from {'.' * node.level}{module} import *` binds names nbscope cannot list"
            self._emit_opaque(Event(EventKind.OPAQUE, None, site, detail=reason))
            return
        for name in sorted(names):
            self.bind(name, site, BindingKind.STAR_IMPORT)

    def stmt_Match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        with self._guard("match"):
            self.out.extend(self._cases(node.cases))

    def _cases(self, cases: list[ast.match_case]) -> tuple[Op, ...]:
        """The cases from the first on: it runs, or the next ones are tried.

        Python binds a pattern's captures when the pattern matches, before the guard
        runs: a case whose guard fails leaves them bound for the cases after it.
        """
        if not cases:
            return ()
        case, rest = cases[0], cases[1:]
        matched = self._collect_ops(lambda: self._pattern(case.pattern))
        if case.guard is not None:
            matched += self._collect_ops(lambda: self.expr(case.guard))
        taken = matched + self._collect_ops(lambda: self.statements(case.body))
        if case.guard is None and _irrefutable(case.pattern):
            return taken
        with self._collect() as skipped:
            if case.guard is not None and _irrefutable(case.pattern):
                skipped.extend(matched)  # only the guard can have failed
            elif case.guard is not None:
                self._branch((matched,), False)
            skipped.extend(self._cases(rest))
        with self._collect() as ops:
            self._branch((taken, tuple(skipped)), True)
        return tuple(ops)

    def _pattern(self, pattern: ast.pattern) -> None:
        if isinstance(pattern, ast.MatchValue):
            self.expr(pattern.value)
        elif isinstance(pattern, ast.MatchClass):
            self.expr(pattern.cls)
        elif isinstance(pattern, ast.MatchMapping):
            for key in pattern.keys:
                self.expr(key)
        if isinstance(pattern, ast.MatchOr):
            # Every alternative binds the same names; follow them all as one path.
            for alternative in pattern.patterns:
                self._pattern(alternative)
            return
        for child in ast.iter_child_nodes(pattern):
            if isinstance(child, ast.pattern):
                self._pattern(child)
        captured = getattr(pattern, "name", None) or getattr(pattern, "rest", None)
        if captured:
            self.bind(captured, self._capture_site(pattern, captured), BindingKind.MATCH_CAPTURE)

    def _capture_site(self, pattern: ast.pattern, name: str) -> Site:
        assert self.fragment is not None
        end = self.fragment.point(pattern.end_lineno, pattern.end_col_offset)
        if isinstance(pattern, ast.MatchMapping):
            return self.name_site(pattern, name)
        return Site(self.cell, Span(end[0], end[1] - len(name), end[0], end[1]))

    def stmt_Global(self, node: ast.Global) -> None:
        """Declarations shape resolution (``scopes``); they run nothing."""

    stmt_Nonlocal = stmt_Global

    # --- expressions ---------------------------------------------------------------

    def expr(self, node: ast.expr) -> None:
        handler = _EXPRESSION_HANDLERS.get(type(node))
        if handler is None:
            self.children(node)
        else:
            handler(self, node)

    def expr_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.use(node.id, self.site(node))

    def expr_Call(self, node: ast.Call) -> None:
        magic = _ipython_call(node)
        if magic is not None:
            self._magic_call(node, *magic)
            return
        self.expr(node.func)
        for argument in node.args:
            if isinstance(argument, ast.GeneratorExp):
                self._comprehension(argument)  # consumed by the call, as it nearly always is
            else:
                self.expr(argument)
        for keyword in node.keywords:
            self.expr(keyword.value)
        written = _file_opened_for_writing(node)
        if written is not None:
            self.written_files.append(written)
        path_added = _sys_path_addition(node)
        if path_added is not False:
            self.sys_path_additions.append(path_added)
        if _is_opaque_call(node):
            reason = f"`{ast.unparse(node.func)}(...)` can bind any name"
            self._emit_opaque(Event(EventKind.OPAQUE, None, self.site(node), detail=reason))
        self._injected_names(node)
        if isinstance(node.func, ast.Name):
            resolve, depth = self.resolve(node.func.id)
            if resolve is not Resolve.FREE:
                self.out.append(Call(node.func.id, self.site(node.func), resolve, depth))

    def expr_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Store) and _is_namespace_call(node.value):
            reason = f"`{ast.unparse(node.value)}[...] = ...` can bind any name"
            self._emit_opaque(Event(EventKind.OPAQUE, None, self.site(node), detail=reason))
        self.children(node)

    def expr_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("update", "setdefault", "__setitem__") and _is_namespace_call(node.value):
            reason = f"`{ast.unparse(node)}(...)` can bind any name"
            self._emit_opaque(Event(EventKind.OPAQUE, None, self.site(node), detail=reason))
        self.expr(node.value)

    def expr_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.expr(node.value)
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        self.bind(node.target.id, self.site(node.target), BindingKind.WALRUS, scope=scope)

    def expr_BoolOp(self, node: ast.BoolOp) -> None:
        self.expr(node.values[0])
        self._short_circuit(node.values[1:])

    def _short_circuit(self, rest: list[ast.expr]) -> None:
        if not rest:
            return
        path = self._collect_ops(lambda: (self.expr(rest[0]), self._short_circuit(rest[1:])))
        self._branch((path,), False)

    def expr_IfExp(self, node: ast.IfExp) -> None:
        self.expr(node.test)
        body = self._collect_ops(lambda: self.expr(node.body))
        orelse = self._collect_ops(lambda: self.expr(node.orelse))
        self._branch((body, orelse), True)

    def expr_Lambda(self, node: ast.Lambda) -> None:
        self.lambda_function(node)  # runs when called: only its defaults run now

    def expr_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        # Not handed straight to a call: only the first iterable runs now, the rest
        # whenever it is iterated, which may be never.
        self.expr(node.generators[0].iter)
        later = self._collect_ops(lambda: self._comprehension(node, first_iter_done=True))
        self._branch((later,), False)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
                       first_iter_done: bool = False) -> None:
        if not first_iter_done:
            self.expr(node.generators[0].iter)
        names = scopes.ScopeNames(bound=scopes.comprehension_names(node))
        # No namespace of its own at replay: a comprehension's variables are bound
        # whenever they are read inside it, so only its reads of outer names and its
        # walrus bindings are followed.
        owner = "<genexpr>" if isinstance(node, ast.GeneratorExp) else None
        with self._scope("comprehension", self.scope.depth, names, owner) as body:
            self._generators(node, 0)
        if any(_calls(op) for op in body):
            # A called function may change names between items: follow it as a loop.
            self.out.append(Loop((), tuple(body), (), _non_empty_literal(node.generators[0].iter),
                                 False))
        else:
            self.out.extend(body)

    expr_ListComp = _comprehension
    expr_SetComp = _comprehension
    expr_DictComp = _comprehension

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

        body = self._collect_ops(one_iteration)
        self._branch((body,), _non_empty_literal(generator.iter))

    def _conditions(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
                    index: int, conditions: list[ast.expr]) -> None:
        if not conditions:
            self._generators(node, index + 1)
            return
        self.expr(conditions[0])
        path = self._collect_ops(lambda: self._conditions(node, index, conditions[1:]))
        self._branch((path,), False)

    def _injected_names(self, node: ast.Call) -> None:
        """SymPy's ``var('x y')`` binds ``x`` and ``y`` in the caller's globals."""
        func = node.func
        is_var = (isinstance(func, ast.Name) and func.id == "var") or (
            isinstance(func, ast.Attribute) and func.attr == "var"
            and isinstance(func.value, ast.Name) and func.value.id in ("sympy", "sp", "sym"))
        if not (is_var and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            return
        for name in re.findall(r"[A-Za-z_]\w*", node.args[0].value):
            self.bind(name, self.site(node.args[0]), BindingKind.MAGIC)

    # --- IPython -------------------------------------------------------------------------------

    def _magic_call(self, node: ast.Call, method: str, args: list[str]) -> None:
        assert self.fragment is not None
        raw_line, _ = self.fragment.point(node.lineno, node.col_offset)
        site = self._line_site(raw_line)
        if method in ("system", "getoutput"):
            if args:
                self.shell_commands.append(args[0])
            return
        if method == "run_line_magic" and len(args) == 2:
            if args[0] in ("pip", "conda", "mamba", "sx", "system"):
                self.shell_commands.append(f"{args[0]} {args[1]}")
            effect = line_magic_effect(args[0], args[1])
            self._apply_effect(effect, site, raw_line, args[1])
        elif method == "run_cell_magic" and len(args) == 3:
            effect = cell_magic_effect(args[0], args[1], args[2])
            if effect.python is not None:
                # The body starts on the line after the ``%%magic`` line.
                parsed = parse_python(effect.python, first_line=raw_line + 1)
                if isinstance(parsed, Fragment):
                    self._run_fragment(parsed)
            self._apply_effect(effect, site, raw_line)

    def _apply_effect(self, effect: MagicEffect, site: Site, raw_line: int,
                      magic_args: str | None = None) -> None:
        if effect.python is not None and magic_args is not None:
            self._line_magic_code(effect, raw_line, magic_args)
        for name in effect.binds:
            self.bind(name, self._word_site(raw_line, name, site), BindingKind.MAGIC)
        for name in effect.maybe_binds:
            event = Event(EventKind.UNKNOWN, name, site, detail="cell magic")
            self._emit_maybe(name, 0, event)
        for name in effect.deletes:
            self.delete(name, self._word_site(raw_line, name, site))
        for module in effect.star_imports:
            names = self.env.star_import_names(module)
            if names is None:
                reason = f"`%pylab` imports every name of `{module}`, which nbscope cannot list"
                self._emit_opaque(Event(EventKind.OPAQUE, None, site, detail=reason))
            else:
                for name in sorted(names):
                    self.bind(name, site, BindingKind.STAR_IMPORT)
        if effect.opaque:
            self._emit_opaque(Event(EventKind.OPAQUE, None, site, detail=effect.opaque))
        if effect.reset:
            self.out.append(Reset(Event(EventKind.RESET, None, site)))
        if effect.run_script is not None:
            self._run_script(effect.run_script, site)
        if effect.writes_file:
            self.written_files.append(effect.writes_file)
        if effect.shell:
            self.shell_commands.append(effect.shell)

    def _line_magic_code(self, effect: MagicEffect, raw_line: int, magic_args: str) -> None:
        assert effect.python is not None
        text = self.raw_lines[raw_line - 1] if raw_line <= len(self.raw_lines) else ""
        found = text.find(magic_args)
        column = (found if found >= 0 else 0) + effect.python_offset
        parsed = parse_python(effect.python, first_line=raw_line, first_col=column)
        if isinstance(parsed, SyntaxProblem):
            return
        if effect.isolated:
            self._isolated(parsed)
        else:
            self._run_fragment(parsed)

    def _word_site(self, raw_line: int, word: str, fallback: Site) -> Site:
        text = self.raw_lines[raw_line - 1] if 0 < raw_line <= len(self.raw_lines) else ""
        found = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)
        if not found:
            return fallback
        return Site(self.cell, Span(raw_line, found.start() + 1, raw_line, found.end() + 1))

    def _run_script(self, path: str, site: Site) -> None:
        source = self.env.script_source(path)
        names = _script_names(source) if source is not None else None
        if names is None:
            reason = f"`%run {path}`: nbscope cannot read the script, so not what it defines"
            self._emit_opaque(Event(EventKind.OPAQUE, None, site, detail=reason))
            return
        for name in names:
            self.bind(name, site, BindingKind.SCRIPT)


def _handlers(prefix: str) -> dict[type, Callable[..., None]]:
    """``stmt_Assign`` → {ast.Assign: method}: dispatch by node type, built once."""
    return {getattr(ast, name[len(prefix):]): method
            for name, method in vars(_CellBuilder).items()
            if name.startswith(prefix) and hasattr(ast, name[len(prefix):])}


_STATEMENT_HANDLERS = _handlers("stmt_")
_EXPRESSION_HANDLERS = _handlers("expr_")


_COMPOUND_STATEMENTS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With,
                        ast.AsyncWith, ast.Match, ast.ClassDef, *_TRY_STAR)


def _misplaced_jump(statement: ast.stmt, in_loop: bool) -> tuple[str, ast.stmt] | None:
    """A ``return``, ``break``, ``continue`` or ``nonlocal`` that Python's compiler
    rejects where it stands in a top-level statement (the parser accepts them)."""
    if isinstance(statement, ast.Return):
        return "'return' outside function", statement
    if isinstance(statement, (ast.Break, ast.Continue)) and not in_loop:
        word = "break" if isinstance(statement, ast.Break) else "continue"
        return f"'{word}' outside loop", statement
    if isinstance(statement, ast.Nonlocal):
        return "'nonlocal' declaration not allowed at module level", statement
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
            found = _misplaced_jump(inner, loop)
            if found is not None:
                return found
    return None


def _calls(op: Op) -> bool:
    """Whether ``op`` calls a function the notebook may define, at any depth."""
    if isinstance(op, Call):
        return True
    if isinstance(op, Branch):
        return any(_calls(inner) for path in op.paths for inner in path)
    if isinstance(op, Loop):
        return any(_calls(inner) for inner in (*op.head, *op.body, *op.orelse))
    if isinstance(op, (Scope, ClassBody)):
        return any(_calls(inner) for inner in op.body)
    if isinstance(op, Try):
        return any(_calls(inner) for inner in (*op.body, *op.orelse, *op.final,
                                                *(i for h in op.handlers for i in h.body)))
    return False


def _reads_only(ops: tuple[Op, ...]) -> bool:
    return all(type(op) is Use or (type(op) is Branch and op.pure) for op in ops)


def _script_names(source: str) -> list[str] | None:
    """Names a script run by ``%run`` leaves in the user namespace (its globals)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    names = scopes.block_names(tree.body)
    if any(isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
           for node in tree.body):
        return None
    return sorted(names.bound)


def _ipython_call(node: ast.Call) -> tuple[str, list[str]] | None:
    """``get_ipython().method('a', 'b')`` as IPython's transformer emits it."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)):
        return None
    inner = func.value.func
    if not (isinstance(inner, ast.Name) and inner.id == "get_ipython"):
        return None
    if func.attr not in ("run_line_magic", "run_cell_magic", "system", "getoutput"):
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(args) != len(node.args):
        return None
    return func.attr, args


def _file_opened_for_writing(node: ast.Call) -> str | None:
    """The path in ``open('helpers.py', 'w')`` (a cell writing a module), or None."""
    if not (isinstance(node.func, ast.Name) and node.func.id == "open" and node.args):
        return None
    path = node.args[0]
    mode = node.args[1] if len(node.args) > 1 else next(
        (k.value for k in node.keywords if k.arg == "mode"), None)
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)
            and isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
        return None
    return path.value if set(mode.value) & set("wax") else None


def _sys_path_addition(node: ast.Call) -> str | None | bool:
    """The folder ``sys.path.append(...)``/``insert(...)`` adds: a string, None if
    not a literal, False if the call is something else."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("append", "insert", "extend")
            and isinstance(func.value, ast.Attribute) and func.value.attr == "path"
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "sys"):
        return False
    argument = node.args[-1] if node.args else None
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def _is_namespace_call(node: ast.expr) -> bool:
    """``globals()``, ``vars()``, ``locals()`` at module level, or ``get_ipython().user_ns``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args:
        return node.func.id in ("globals", "vars", "locals")
    return isinstance(node, ast.Attribute) and node.attr in ("user_ns", "__dict__")


def _is_opaque_call(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Name) and func.id in ("exec", "execfile"):
        return True
    # Other calls handed ``globals()`` (doctest, eval) read it; writers are the
    # exec family above and ``globals()[...] =`` / ``.update`` (seen elsewhere).
    return (isinstance(func, ast.Attribute) and func.attr in ("push", "run_cell", "ex")
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "get_ipython")


def _catch_kind(handlers: list[ast.ExceptHandler]) -> Catch:
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


def _catches_import_errors(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(isinstance(t, ast.Name) and t.id in ("ImportError", "ModuleNotFoundError",
                                                   "Exception", "BaseException")
               for t in types):
            return True
    return False


def _constant_truth(test: ast.expr) -> bool | None:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if is_main_guard(test):
        return True  # ``if __name__ == "__main__":`` always runs in a notebook
    return None


_PASS_THROUGH = frozenset({"tqdm", "enumerate", "list", "tuple", "sorted", "reversed", "iter"})


def _non_empty_literal(iterable: ast.expr) -> bool:
    """Whether a ``for`` loop certainly runs its body at least once."""
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id in _PASS_THROUGH and iterable.args):
        return _non_empty_literal(iterable.args[0])  # ``tqdm(range(3))``, ``enumerate([a])``
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return bool(iterable.elts) and not any(isinstance(e, ast.Starred) for e in iterable.elts)
    if isinstance(iterable, ast.Dict):
        return bool(iterable.keys) and None not in iterable.keys
    if isinstance(iterable, ast.Constant) and isinstance(iterable.value, (str, bytes)):
        return bool(iterable.value)
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id in ("range", "trange") and not iterable.keywords):
        values = [a.value for a in iterable.args if isinstance(a, ast.Constant)]
        if len(values) != len(iterable.args) or not all(isinstance(v, int) for v in values):
            return False
        if len(values) == 1:
            return values[0] > 0
        if len(values) in (2, 3):
            step = values[2] if len(values) == 3 else 1
            return len(range(*values)) > 0 if step else False
    return False


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False
