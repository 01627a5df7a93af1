"""What ``from module import *`` binds, read from a module's source without running it.

Pure: given a parsed module, it follows the top-level statements (``__all__``
lists and their edits, every branch of ``if``/``try``/loops, imports and star
imports of other modules through a callback) and says which names a star import
of the module binds, or that this cannot be told statically.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .astutil import is_main_guard, str_value

# List methods that leave a list's membership alone, so ``__all__.sort()`` is harmless.
_PURE_LIST_METHODS = frozenset({"sort", "reverse", "copy", "index", "count"})


@dataclass(frozen=True, slots=True)
class Exports:
    """What ``from module import *`` binds; ``all_`` is a literal ``__all__`` if any.

    ``partial`` marks a result computed while a star-import cycle was cut short;
    such results are not cached except for the module that started the chain.
    ``cyclic`` marks a result that a cycle touched anywhere below it: what it holds
    depends on which module of the cycle was imported first, so it is never shared
    between notebooks (whatever was checked before must not change a report).
    """

    names: frozenset[str]
    all_: tuple[str, ...] | None
    partial: bool = False
    cyclic: bool = False


CYCLE = Exports(frozenset(), None, partial=True, cyclic=True)


@dataclass(frozen=True, slots=True)
class ModuleNames:
    """Every name a module binds at its top level (``from module import name`` can bind
    any of them, private ones included), and the names each top-level class binds in
    its body (``Config.defaults``), read from source."""

    names: frozenset[str]
    class_members: tuple[tuple[str, frozenset[str]], ...] = ()

    def classes_binding(self, name: str) -> tuple[str, ...]:
        """The module's classes whose body binds ``name``."""
        return tuple(owner for owner, members in self.class_members if name in members)


class ExportReader:
    """Reads one module's top-level statements for what a star import of it binds.

    Every branch of ``if``/``try``/loops counts (a union: what *may* be bound),
    except bodies that never run on import: ``if __name__ == "__main__":``, and
    ``if TYPE_CHECKING:`` in real source (in a stub it is the declaration).
    """

    def __init__(
        self, exports_of: Callable[[str], Exports | None], module: str, is_package: bool,
        is_stub: bool,
    ) -> None:
        self._exports_of = exports_of  # what a star import of another module binds
        self._module = module
        self._package = module if is_package else module.rpartition(".")[0]
        self._is_package = is_package
        self._is_stub = is_stub
        self._names: set[str] = set()
        self._lists: dict[str, list[str]] = {}  # names bound to known lists of str
        self._modules: dict[str, str] = {}  # names bound (maybe) to modules, for x.__all__
        self._has_all = False
        self._all_dynamic = False
        self._dynamic_names = False  # globals()/exec/... may bind anything
        self._star_failed = False
        self._partial = False
        self._cyclic = False

    def read(self, tree: ast.Module) -> Exports | None:
        self._block(tree.body)
        if self._has_all:
            if self._all_dynamic or "__all__" not in self._lists:
                return None
            listed = tuple(self._lists["__all__"])
            return Exports(frozenset(listed), listed, cyclic=self._cyclic)
        if self._star_failed or self._dynamic_names:
            return None
        public = frozenset(n for n in self._names if not n.startswith("_"))
        return Exports(public, None, self._partial, self._cyclic)

    def _other(self, module: str) -> Exports | None:
        """What another module exports, noting whether a cycle touched it."""
        exports = self._exports_of(module)
        if exports is not None and exports.cyclic:
            self._cyclic = True
        return exports

    def read_names(self, tree: ast.Module) -> ModuleNames | None:
        """Every top-level name the module binds; None when code may bind names
        nbscope cannot list (``globals()``, ``exec``, a star import it cannot read)."""
        self._block(tree.body)
        if self._star_failed or self._dynamic_names:
            return None
        return ModuleNames(frozenset(self._names), _class_members(tree.body))

    # --- statements

    def _block(self, body: Sequence[ast.stmt]) -> None:
        for stmt in body:
            self._scan_expressions(stmt)
            self._statement(stmt)

    def _statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            self._assign(stmt.targets, stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._assign([stmt.target], stmt.value)
            elif self._is_stub:  # ``x: int`` in a stub declares a variable that exists
                self._bind_target(stmt.target)
        elif isinstance(stmt, ast.AugAssign):
            self._aug_assign(stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._names.add(stmt.name)
            self._modules.pop(stmt.name, None)
        elif isinstance(stmt, ast.Import):
            self._import(stmt)
        elif isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt)
        elif isinstance(stmt, ast.Delete):
            self._delete(stmt)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._list_method_call(stmt.value)
        else:
            self._compound(stmt)

    def _compound(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.If) and _never_runs_on_import(stmt.test, self._is_stub):
            self._block(stmt.orelse)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._bind_target(stmt.target)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars)
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                self._names.update(_pattern_names(case.pattern))
                self._block(case.body)
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                self._block(inner)
        for handler in getattr(stmt, "handlers", ()):
            self._block(handler.body)  # ``except E as e`` unbinds e afterwards

    def _assign(self, targets: Sequence[ast.expr], value: ast.expr) -> None:
        for target in targets:
            self._bind_target(target)
        known = self._str_list(value)
        for target in targets:
            if isinstance(target, ast.Name):
                self._set_list(target.id, known)

    def _aug_assign(self, stmt: ast.AugAssign) -> None:
        self._bind_target(stmt.target)
        if not isinstance(stmt.target, ast.Name):
            return
        name = stmt.target.id
        current = self._lists.get(name)
        added = self._str_list(stmt.value) if isinstance(stmt.op, ast.Add) else None
        self._set_list(name, None if current is None or added is None else current + added)

    def _set_list(self, name: str, value: list[str] | None) -> None:
        if name == "__all__":
            self._has_all = True
            self._all_dynamic = self._all_dynamic or value is None
        if value is None:
            self._lists.pop(name, None)
        else:
            self._lists[name] = value

    def _bind_target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._names.add(target.id)
            self._modules.pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                if isinstance(element, ast.Name) and element.id == "__all__":
                    self._set_list("__all__", None)  # unpacked into: not literal
                self._bind_target(element)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value)
        elif _mentions_all(target):  # ``__all__[:] = ...`` and the like
            self._set_list("__all__", None)

    def _delete(self, stmt: ast.Delete) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                self._names.discard(target.id)
                self._lists.pop(target.id, None)
                self._modules.pop(target.id, None)
            elif _mentions_all(target):
                self._set_list("__all__", None)

    def _list_method_call(self, call: ast.Call) -> None:
        """``__all__.extend([...])``, ``.append("x")``, ``.remove("x")`` and friends."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        name, method = func.value.id, func.attr
        if name != "__all__" and name not in self._lists:
            return
        if method in _PURE_LIST_METHODS:
            return
        current = self._lists.get(name)
        if current is not None:
            current = _apply_list_method(current, method, call, self._str_list)
        self._set_list(name, current)

    # --- imports

    def _import(self, stmt: ast.Import) -> None:
        for alias in stmt.names:
            if alias.asname:
                self._bind_module(alias.asname, alias.name)
            else:
                top = alias.name.partition(".")[0]
                self._bind_module(top, top)
            self._note_submodule(alias.name)

    def _import_from(self, stmt: ast.ImportFrom) -> None:
        source = self._absolute(stmt.module, stmt.level)
        if source is not None:
            self._note_submodule(source)
        for alias in stmt.names:
            if alias.name == "*":
                self._star(source)
                continue
            bound = alias.asname or alias.name
            self._names.add(bound)
            self._modules.pop(bound, None)
            if source is not None:
                self._modules[bound] = f"{source}.{alias.name}"  # in case it is a submodule
                self._note_submodule(f"{source}.{alias.name}")
            if alias.name == "__all__" and alias.asname is None:
                self._import_all(source)

    def _star(self, source: str | None) -> None:
        exports = None if source is None else self._other(source)
        if exports is None:
            self._star_failed = True
            return
        self._names.update(exports.names)
        self._partial = self._partial or exports.partial

    def _import_all(self, source: str | None) -> None:
        """``from x import __all__``: re-export x's list, if x has a literal one."""
        exports = None if source is None else self._other(source)
        listed = None if exports is None or exports.all_ is None else list(exports.all_)
        self._set_list("__all__", listed)

    def _note_submodule(self, imported: str) -> None:
        """Importing ``pkg.child`` from inside ``pkg``'s ``__init__`` binds ``child`` there."""
        prefix = self._module + "."
        if self._is_package and imported.startswith(prefix):
            child = imported[len(prefix) :].partition(".")[0]
            self._bind_module(child, prefix + child)

    def _bind_module(self, name: str, module: str) -> None:
        self._names.add(name)
        self._modules[name] = module

    def _absolute(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        parts = self._package.split(".") if self._package else []
        if level - 1 >= len(parts):
            return None  # no parent package, or beyond the top-level one
        base = parts[: len(parts) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    # --- expressions

    def _scan_expressions(self, stmt: ast.stmt) -> None:
        """Walrus bindings and namespace-changing calls in the statement's own expressions."""
        for node in _own_expressions(stmt):
            if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                self._names.add(node.target.id)
            elif _is_dynamic_binding(node):
                self._dynamic_names = True

    def _other_all(self, node: ast.expr) -> list[str] | None:
        """``sub.__all__`` for a module bound here: its literal ``__all__``, if any."""
        if not isinstance(node, ast.Name) or node.id not in self._modules:
            return None
        exports = self._other(self._modules[node.id])
        return None if exports is None or exports.all_ is None else list(exports.all_)

    def _str_list(self, node: ast.expr) -> list[str] | None:
        """The value of a list-of-strings expression built from literals and known names."""
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            result: list[str] = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    part = self._str_list(element.value)
                else:
                    value = str_value(element)
                    part = None if value is None else [value]
                if part is None:
                    return None
                result.extend(part)
            return result
        if isinstance(node, ast.Name):
            known = self._lists.get(node.id)
            return None if known is None else list(known)
        if isinstance(node, ast.Attribute) and node.attr == "__all__":
            return self._other_all(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._str_list(node.left), self._str_list(node.right)
            return None if left is None or right is None else left + right
        if _is_plain_call(node, ("list", "tuple", "sorted")) and len(node.args) == 1:
            return self._str_list(node.args[0])
        return None


# ----------------------------------------------------------------- helpers


def read_module_names(source: str, module: str,
                      exports_of: Callable[[str], Exports | None]) -> ModuleNames | None:
    """The names module ``module`` binds, read from its text (a file, or a ``%%writefile``
    cell); None when the text is not Python or binds names that cannot be listed."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return ExportReader(exports_of, module, False, False).read_names(tree)


def _class_members(body: Sequence[ast.stmt]) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each top-level class, the names its own body binds (assignments, defs)."""
    found = []
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            names = {node.id for node in ast.walk(stmt) if isinstance(node, ast.Name)
                     and isinstance(node.ctx, ast.Store) and _in_class_body(stmt, node)}
            names.update(inner.name for inner in stmt.body if isinstance(
                inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
            found.append((stmt.name, frozenset(names)))
    return tuple(found)


def _in_class_body(cls: ast.ClassDef, target: ast.Name) -> bool:
    """Whether ``target`` is bound by the class body itself, not by a method inside it."""
    stack: list[ast.AST] = list(cls.body)
    while stack:
        node = stack.pop()
        if node is target:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                             ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _is_plain_call(node: ast.expr, names: Sequence[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in names
        and not node.keywords
    )


def _mentions_all(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "__all__" for n in ast.walk(node))


def _never_runs_on_import(test: ast.expr, is_stub: bool) -> bool:
    """``if __name__ == "__main__":`` and (outside stubs) ``if TYPE_CHECKING:``."""
    if is_main_guard(test):
        return True
    if is_stub:
        return False
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _own_expressions(stmt: ast.stmt) -> Iterator[ast.AST]:
    """Nodes evaluated in the module's scope by this statement itself.

    Nested statements are visited on their own; function, lambda and class
    bodies run in other scopes (decorators, defaults and bases do not).
    """
    stack: list[ast.AST] = [child for child in ast.iter_child_nodes(stmt)]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.stmt, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _is_dynamic_binding(node: ast.AST) -> bool:
    """Calls that bind module names invisibly: ``globals()``, ``exec(src)``,
    ``vars()``, ``Enum._convert_(...)``, ``@enum.global_enum``.
    """
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            if func.id == "globals" or (func.id == "vars" and not node.args):
                return True
            return func.id == "exec" and len(node.args) == 1 and not node.keywords
        return isinstance(func, ast.Attribute) and func.attr == "_convert_"
    if isinstance(node, ast.Name):
        return node.id == "global_enum"
    return isinstance(node, ast.Attribute) and node.attr == "global_enum"


def _apply_list_method(
    current: list[str],
    method: str,
    call: ast.Call,
    evaluate: Callable[[ast.expr], list[str] | None],
) -> list[str] | None:
    """The list after ``current.method(*args)``; None when the result is unknowable."""
    args = call.args
    if call.keywords or not args:
        return None
    if method == "extend" and len(args) == 1:
        added = evaluate(args[0])
        return None if added is None else current + added
    # insert(i, x) adds x somewhere: membership is all that matters here.
    value = str_value(args[-1])
    if value is None:
        return None
    if (method == "append" and len(args) == 1) or (method == "insert" and len(args) == 2):
        return current + [value]
    if method == "remove" and len(args) == 1 and value in current:
        result = list(current)
        result.remove(value)
        return result
    return None


def _pattern_names(pattern: ast.pattern) -> set[str]:
    """Names a ``case`` pattern captures."""
    names: set[str] = set()
    for node in ast.walk(pattern):
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return names
