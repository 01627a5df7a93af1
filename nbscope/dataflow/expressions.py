"""Lower Python's expressions into replayable operations, in CPython's evaluation order.

Names read become ``Use``, calls of names ``Call`` (the replay follows them
into functions the notebook defines); ``and``/``or``/``if``-expressions and
generator expressions become branches that may not run; comprehensions have no
namespace at replay (see ``ir``). Calls that can bind any name (``exec``,
``globals()[...] = ...``) become opaque; SymPy's ``var('x y')`` binds its names;
``open(..., 'w')`` and ``sys.path`` additions are noted for the rules (``cellfacts``).
"""

from __future__ import annotations

import ast

from . import scopes, syntax
from .arguments import arguments_of
from .cellfacts import CALL_WORDS, ScopeKind, inspected_module, sympy_var_names
from .ir import (
    Bind,
    BindingKind,
    Branch,
    Call,
    Construct,
    Event,
    EventKind,
    Loop,
    Resolve,
    walk,
)
from .lower import Lowering
from .resolution import GENERATOR_OWNER, resolve


class ExpressionLowering(Lowering):
    """Expressions (``expr_X`` handles ``ast.X``)."""

    # The called names and method names some check of a call below looks for; a call of
    # anything else (most calls: ``print``, ``df.head``) skips them all.
    special_call_words: frozenset[str] = CALL_WORDS | syntax.OPAQUE_CALL_WORDS

    def lower_ipython_call(self, node: ast.Call) -> bool:
        """Lower a call IPython's transformer wrote (``get_ipython().run_line_magic``);
        False when ``node`` is an ordinary call. Plain Python has none."""
        return False

    def expr_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.use(node.id, self.site(node))

    def expr_Call(self, node: ast.Call) -> None:
        func = node.func
        kind = type(func)
        word = func.id if kind is ast.Name else (  # type: ignore[attr-defined]
            func.attr if kind is ast.Attribute else None)  # type: ignore[attr-defined]
        special = word in self.special_call_words
        if special and self.lower_ipython_call(node):
            return
        self.expr(func)
        for argument in node.args:
            if isinstance(argument, ast.GeneratorExp):
                self.comprehension(argument)  # consumed by the call, as it nearly always is
            else:
                self.expr(argument)
        for keyword in node.keywords:
            self.expr(keyword.value)
        if special:
            self._special_call(node)
        if kind is ast.Name:
            name = func.id  # type: ignore[attr-defined]
            resolved, depth = resolve(self.scope, name)
            if resolved is not Resolve.FREE:
                self.out.append(Call(name, self.site(func), resolved, depth,
                                     arguments_of(node)))
                if resolved is Resolve.LOCAL:
                    self._closure_writes(name, depth)

    def _special_call(self, node: ast.Call) -> None:
        """What a call of one of ``special_call_words`` tells: files written, modules
        read, names bound by ``exec`` or SymPy's ``var``."""
        self.facts.note_call(node)
        inspected = inspected_module(node)
        if inspected is not None:
            self.facts.module_reads.add(self.site(inspected))
        if syntax.is_opaque_call(node):
            code = f"{ast.unparse(node.func)}(...)"
            self.emit_opaque(self.site(node), Construct.EXEC, code,
                             f"`{code}` can bind any name")
        injected = sympy_var_names(node)
        if injected is not None:
            argument, names = injected
            for name in names:
                self.bind(name, self.site(argument), BindingKind.MAGIC)

    def _closure_writes(self, called: str, depth: int) -> None:
        """A call of a function nested here binds the ``nonlocal`` names it assigns, in this
        function's namespace: a later read here of such a name is bound (surely, when the
        assignment runs whenever the nested function does; maybe, otherwise)."""
        owner = self.scope.enclosing_function()
        if owner is None or owner.depth != depth or not owner.closure_writes:
            return
        for write in owner.closure_writes.get(called, ()):
            if write.name not in owner.names.locals:
                continue
            event = Event(EventKind.BIND, write.name, write.site, BindingKind.ASSIGNMENT)
            bind = Bind(write.name, depth, event)
            self.out.append(bind if write.surely else Branch(((bind,),), False))

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
        value = node.value
        if type(value) is ast.Name:
            self.facts.module_reads.add(self.site(value))
        self.expr(value)

    # The most common nodes without names of their own: their children in the order
    # ``ast.iter_child_nodes`` gives them, without its generic walk over every field.

    def expr_Constant(self, node: ast.Constant) -> None:
        """A literal reads no name."""

    def expr_BinOp(self, node: ast.BinOp) -> None:
        self.expr(node.left)
        self.expr(node.right)

    def expr_UnaryOp(self, node: ast.UnaryOp) -> None:
        self.expr(node.operand)

    def expr_Compare(self, node: ast.Compare) -> None:
        self.expr(node.left)
        for comparator in node.comparators:
            self.expr(comparator)

    def expr_Tuple(self, node: ast.Tuple | ast.List | ast.Set | ast.JoinedStr) -> None:
        for element in node.elts if not isinstance(node, ast.JoinedStr) else node.values:
            self.expr(element)

    def expr_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if key is not None:  # ``**mapping``: its value is among the values
                self.expr(key)
        for value in node.values:
            self.expr(value)

    def expr_FormattedValue(self, node: ast.FormattedValue) -> None:
        self.expr(node.value)
        if node.format_spec is not None:
            self.expr(node.format_spec)

    def expr_Slice(self, node: ast.Slice) -> None:
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                self.expr(part)

    def expr_Starred(self, node: ast.Starred) -> None:
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
        def right_operands() -> None:
            self.expr(rest[0])
            self._short_circuit(rest[1:])

        self.branch((self.collect_ops(right_operands),), False)

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
