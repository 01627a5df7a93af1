"""Lower Python's statements into replayable operations, in CPython's order of execution.

Assignments bind after their value is computed; ``if``/``match`` become
branches, ``for``/``while`` loops, ``try`` a body whose handlers start from
anything the body may have done; ``def`` and ``lambda`` bodies are lowered once
and replayed at each call; imports are also recorded for the missing-module rule.
"""

from __future__ import annotations

import ast
import re
from functools import partial

from ..model import Span
from . import scopes, syntax
from .cellfacts import ImportSite, ScopeKind, literal_only_locals
from .expressions import ExpressionLowering
from .ir import (
    Bind,
    BindingKind,
    Branch,
    Catch,
    ClassBody,
    Construct,
    Guard,
    Handler,
    Jump,
    Loop,
    Op,
    Resolve,
    Scope,
    Site,
    Try,
)
from .lower import EAGER_ANNOTATIONS
from .resolution import NonlocalWrite, resolve


class PythonLowering(ExpressionLowering):
    """Statements (``stmt_X`` handles ``ast.X``): with the expressions, all of Python."""

    def stmt_Expr(self, node: ast.Expr) -> None:
        self.expr(node.value)

    def stmt_Assign(self, node: ast.Assign) -> None:
        first = node.targets[0]
        if (isinstance(node.value, ast.Lambda) and len(node.targets) == 1
                and isinstance(first, ast.Name)):
            function = self.lambda_function(node.value, first.id)
            self.bind(first.id, self.site(first), BindingKind.ASSIGNMENT, function)
            return
        self.expr(node.value)
        if (len(node.targets) == 1 and isinstance(first, ast.Name)
                and self.scope.kind is ScopeKind.MODULE and syntax.non_empty_literal(node.value)):
            site = self.site(first)
            self.facts.non_empty_literals.append(site)
            self.bind(first.id, site, BindingKind.ASSIGNMENT)
            return
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
        evaluated = (EAGER_ANNOTATIONS and node.simple
                     and self.scope.kind in (ScopeKind.MODULE, ScopeKind.CLASS))
        if evaluated and not self.future_annotations():
            self.expr(node.annotation)
        if node.value is not None:
            self.assign_target(node.target, BindingKind.ANNOTATED)
        elif not isinstance(node.target, ast.Name):
            self.expr(node.target)

    def stmt_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.expr(node.iter)
        def one_iteration() -> None:
            self.assign_target(node.target, BindingKind.FOR_TARGET)
            self.statements(node.body)

        with self.guard(Guard.FOR):
            body = self.collect_ops(one_iteration)
        orelse = self.collect_ops(lambda: self.statements(node.orelse))
        always = syntax.non_empty_literal(node.iter) or self._literal_local(node.iter)
        self.out.append(Loop((), body, orelse, always, False, self._namespace_name(node.iter)))

    def _namespace_name(self, iterable: ast.expr) -> str | None:
        """The name a loop iterates over when it is read from the notebook's namespace."""
        name = syntax.iterated_name(iterable)
        if name is None:
            return None
        resolved, depth = resolve(self.scope, name)
        return name if resolved in (Resolve.NAME, Resolve.GLOBAL) and depth == 0 else None

    def _literal_local(self, iterable: ast.expr) -> bool:
        """Whether a loop iterates over a local of this function bound only to a non-empty
        literal (``menu = {'tea': 2}`` … ``for item, price in menu.items()``)."""
        name = syntax.iterated_name(iterable)
        names = self.scope.names
        if name is None or name not in names.bound:
            return False
        if names.literal_locals is None and names.definition is not None:
            names.literal_locals = literal_only_locals(names.definition, names.locals)
        if name not in (names.literal_locals or ()):
            return False
        resolved, depth = resolve(self.scope, name)
        return resolved is Resolve.LOCAL and depth == self.scope.depth

    def stmt_While(self, node: ast.While) -> None:
        always = syntax.constant_truth(node.test) is True
        head = self.collect_ops(lambda: self.expr(node.test))
        with self.guard(Guard.WHILE):
            body = self.collect_ops(lambda: self.statements(node.body))
        orelse = self.collect_ops(lambda: self.statements(node.orelse))
        self.out.append(Loop(head, body, orelse, always, always))

    def stmt_If(self, node: ast.If) -> None:
        self.expr(node.test)
        truth = syntax.constant_truth(node.test)
        if truth is True:
            self.statements(node.body)
            return
        if truth is False:
            self.statements(node.orelse)
            return
        with self.guard(Guard.IF):
            body = self.collect_ops(lambda: self.statements(node.body))
            orelse = self.collect_ops(lambda: self.statements(node.orelse))
        self.out.append(Branch((body, orelse), True))

    def stmt_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.expr(item.context_expr)
            if item.optional_vars is not None:
                self.assign_target(item.optional_vars, BindingKind.WITH_TARGET)
        self.statements(node.body)

    def stmt_Try(self, node: ast.Try) -> None:
        catch = syntax.catch_kind(node.handlers)
        previous_catch = self.catch
        if catch is Catch.NAME_ERROR or (catch is Catch.BROAD and previous_catch is Catch.NONE):
            self.catch = catch
        guards_imports = syntax.catches_import_errors(node.handlers)
        self.import_guarded += guards_imports
        with self.guard(Guard.TRY):
            first, rest = self._try_body(node.body)
        # Past its first simple statement, a body may have raised and been caught already.
        first_statement = 0 if isinstance(node.body[0], syntax.COMPOUND_STATEMENTS) else len(first)
        self.import_guarded -= guards_imports
        self.catch = previous_catch
        handlers = []
        with self.guard(Guard.EXCEPT):
            for handler in node.handlers:
                handlers.append(Handler(self.collect_ops(partial(self._handler, handler))))
        with self.guard(Guard.TRY):
            orelse = self.collect_ops(lambda: self.statements(node.orelse))
        final = self.collect_ops(lambda: self.statements(node.finalbody))
        self.out.append(Try(first + rest, tuple(handlers), orelse, final, first_statement,
                            bool(node.finalbody)))

    def _try_body(self, body: list[ast.stmt]) -> tuple[tuple[Op, ...], tuple[Op, ...]]:
        """The body's first statement and the rest. A function the body defines after its
        imports exists only where they succeeded (``FunctionIR.imported_before``)."""
        outer = self.imported_in_try
        try:
            first = self.collect_ops(lambda: self.statements(body[:1]))
            with self.collect() as rest:
                for previous, statement in zip(body, body[1:], strict=False):
                    if self.scope.kind is ScopeKind.MODULE:
                        self.imported_in_try += syntax.imported_names(previous)
                    self.statements([statement])
        finally:
            self.imported_in_try = outer
        return first, tuple(rest)

    def _handler(self, handler: ast.ExceptHandler) -> None:
        if handler.type is not None:
            self.expr(handler.type)
            self.facts.except_clause_reads.update(
                self.site(node) for node in ast.walk(handler.type)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load))
        if handler.name:
            site = self._handler_name_site(handler)
            self.bind(handler.name, site, BindingKind.EXCEPT_TARGET)
            body = self.collect_ops(lambda: self.statements(handler.body))
            # Python deletes the name when the handler ends, also by ``break``,
            # ``continue`` or ``return``: a ``finally`` of the handler's body.
            name = handler.name
            unbind = self.collect_ops(lambda: self.delete(name, site, by_python=True))
            self.out.append(Try(body, (), (), unbind, 0, True))
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
        self.defaults_and_annotations(node.args, node.returns)
        site = self.name_site(node, node.name)
        names = scopes.function_names(node)
        names.literal_locals, names.definition = None, node
        function = self.new_function(node.name, site, node.args, names.yields,
                                     isinstance(node, ast.AsyncFunctionDef),
                                     decorated=bool(node.decorator_list))
        outer_writes, outer_body = self.nonlocal_writes, self.function_body
        writes: list[NonlocalWrite] = []
        self.nonlocal_writes = writes
        try:
            with self.nested_scope(ScopeKind.FUNCTION, 1, names, node.name) as body:
                self.function_body = body
                self.parameters(node.args)
                self.statements(node.body)
        finally:
            self.nonlocal_writes, self.function_body = outer_writes, outer_body
        function.body = tuple(body)
        if self.scope.kind.is_function:
            if self.scope.closure_writes is None:
                self.scope.closure_writes = {}
            self.scope.closure_writes[node.name] = tuple(writes)
        self.bind(node.name, site, BindingKind.FUNCTION, function)

    def stmt_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.expr(expr)
        names = scopes.block_names(node.body)
        depth = self.scope.depth + 1
        with self.nested_scope(ScopeKind.CLASS, depth, names, node.name) as body:
            self.annotations_namespace(node.body)
            self.statements(node.body)
        site = self.name_site(node, node.name)
        with self.collect() as bind_ops:
            self.bind(node.name, site, BindingKind.CLASS)
        bind = bind_ops[0] if bind_ops else None
        if isinstance(bind, Bind):
            self.out.append(ClassBody(depth, tuple(body), bind))
        else:  # a class declared ``nonlocal``: run the body, bind nothing we track
            self.out.append(Scope(depth, tuple(body)))

    def stmt_Assert(self, node: ast.Assert) -> None:
        self.expr(node.test)
        if node.msg is not None:  # evaluated only when the assertion fails
            message = self.collect_ops(lambda: self.expr(node.msg))  # type: ignore[arg-type]
            self.branch((message,), False)

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
            if isinstance(target, ast.Subscript):
                self.facts.note_emptying(target.value)
            self.expr(target)

    def stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self.bind(bound, self._alias_site(alias, bound), BindingKind.IMPORT)
            top = alias.name.split(".")[0]
            self.facts.imports.append(ImportSite(alias.name, self.name_site(alias, top), 0,
                                                 self.import_guarded > 0, alias=alias.asname))

    def stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module != "__future__":
            top = node.module.split(".")[0]
            star = any(alias.name == "*" for alias in node.names)
            names = tuple((alias.name, self.name_site(alias, alias.name))
                          for alias in node.names if alias.name != "*")
            self.facts.imports.append(ImportSite(node.module, self._module_site(node, top),
                                                 node.level, self.import_guarded > 0, star,
                                                 names))
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
            code = f"from {'.' * node.level}{module} import *"
            self.emit_opaque(site, Construct.STAR_IMPORT, code,
                             f"`{code}` binds names nbscope cannot list")
            return
        for name in sorted(names):
            self.bind(name, site, BindingKind.STAR_IMPORT)

    def stmt_Match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        with self.guard(Guard.MATCH):
            self.out.extend(self._cases(node.cases))

    def _cases(self, cases: list[ast.match_case]) -> tuple[Op, ...]:
        """The cases from the first on: it runs, or the next ones are tried.

        Python binds a pattern's captures when the pattern matches, before the guard
        runs: a case whose guard fails leaves them bound for the cases after it.
        """
        if not cases:
            return ()
        case, rest = cases[0], cases[1:]
        matched = self.collect_ops(lambda: self._pattern(case.pattern))
        guard = case.guard
        if guard is not None:
            matched += self.collect_ops(lambda: self.expr(guard))
        taken = matched + self.collect_ops(lambda: self.statements(case.body))
        if case.guard is None and syntax.irrefutable(case.pattern):
            return taken
        with self.collect() as skipped:
            if case.guard is not None and syntax.irrefutable(case.pattern):
                skipped.extend(matched)  # only the guard can have failed
            elif case.guard is not None:
                self.branch((matched,), False)
            skipped.extend(self._cases(rest))
        with self.collect() as ops:
            self.branch((taken, tuple(skipped)), True)
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

    def stmt_Pass(self, node: ast.Pass) -> None:
        """Runs nothing."""

    def stmt_Global(self, node: ast.Global) -> None:
        """Declarations shape resolution (``scopes``); they run nothing."""
