"""What the rules read about one cell besides its replay program: the cell's fact sheet.

The lowering (``lower`` and the classes built on it) writes into a ``CellFacts`` as it walks a
cell: where each name is bound and in what kind of scope, what functions read
from outside, what it imports, and the notebook heuristics the rules explain
with (files a cell writes, shell commands, folders added to ``sys.path``). The
replay never reads these; the rules never need the AST.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from ..model import Span
from .ir import BindingKind, Guard, Site, Use
from .syntax import non_empty_literal


class ScopeKind(Enum):
    """The kind of scope a name is bound in."""

    MODULE = "module"  # the top level of a cell: the kernel's globals
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"
    ISOLATED = "isolated"  # ``%timeit``'s throwaway namespace

    # The questions rules and the lowering ask, as attributes (set for every member
    # below): they are asked at every read, and looking a member up on an Enum class is
    # slow before Python 3.12.
    is_module: bool
    is_function: bool  # a function or lambda body: runs when called, its names vanish


for _kind in ScopeKind:
    _kind.is_module = _kind.value == "module"
    _kind.is_function = _kind.value in ("function", "lambda")


@dataclass(slots=True, unsafe_hash=True)
class BindingSite:
    """Where a name is bound anywhere in the notebook, for explanations.

    ``owner`` names the function or class when there is one. One per binding, so
    not a frozen dataclass (its ``__init__`` costs three times as much); never
    changed once made, and compared and hashed by value.
    """

    name: str
    site: Site
    scope: ScopeKind
    owner: str | None
    binding: BindingKind
    guard: Guard | None


@dataclass(frozen=True, slots=True)
class ImportSite:
    """An import statement's module, where its name is written, and its level."""

    module: str
    site: Site
    level: int
    guarded: bool = False  # inside a ``try`` that catches ImportError
    star: bool = False  # ``from module import *``
    # ``from module import a, b``: each imported name and where it is written; empty for
    # ``import module``.
    names: tuple[tuple[str, Site], ...] = ()
    alias: str | None = None  # ``import module as alias``


@dataclass(slots=True)
class CellFacts:
    """One cell's facts for the rules, filled in while the cell is lowered."""

    cell: int
    parsed: bool = True  # False: the cell is not valid Python (``syntax_error`` says why)
    syntax_error: tuple[str, Span] | None = None
    bindings: list[BindingSite] = field(default_factory=list)
    function_reads: list[Use] = field(default_factory=list)  # a function's non-local reads
    # Code built from text at run time (``eval``/``exec``, a magic or a shell line) may
    # read names the cell's own code does not show.
    evaluates_text: bool = False
    imports: list[ImportSite] = field(default_factory=list)
    written_files: list[str] = field(default_factory=list)
    shell_commands: list[str] = field(default_factory=list)
    sys_path_folders: list[str] = field(default_factory=list)
    unnamed_sys_path: bool = False  # a folder nbscope cannot name joins ``sys.path``
    unknown_names: set[str] = field(default_factory=set)  # names something unreadable may bind
    opaque: bool = False  # something here may bind any name (exec, unknown star import)
    # ``xs = [1, 2]`` at the top level: a loop over ``xs`` runs if nothing else binds it.
    # The very sites of those bindings (compared by identity: no span is worked out).
    non_empty_literals: list[Site] = field(default_factory=list)
    emptied: set[str] = field(default_factory=set)  # ``xs.clear()``, ``del xs[:]``: may empty
    # Reads of a name the way a module is read: ``name.attr`` (``string.ascii_letters``),
    # ``dir(name)``, ``help(name)``, ``reload(name)``; unlike ``print(string)``, a value.
    module_reads: set[Site] = field(default_factory=set)
    # Reads in an ``except`` clause's class (``except ValueErorr:``): evaluated only when
    # the ``try`` body raises, so a NameError there waits for the first exception.
    except_clause_reads: set[Site] = field(default_factory=set)

    def note_emptying(self, target: ast.expr) -> None:
        """``name.pop()``/``.clear()``…, ``del name[...]``, ``name[a:b] = ...``: the
        container a name holds may become empty, whatever literal bound it."""
        if isinstance(target, ast.Name):
            self.emptied.add(target.id)

    def note_call(self, node: ast.Call) -> None:
        """Record what a call tells about files and modules: ``open(path, 'w')``, ``sys.path``;
        and whether it runs code built from text."""
        if _evaluates_text(node):
            self.evaluates_text = True
        if isinstance(node.func, ast.Attribute) and node.func.attr in _EMPTYING_METHODS:
            self.note_emptying(node.func.value)
        written = file_opened_for_writing(node)
        if written is not None:
            self.written_files.append(written)
        added = sys_path_addition(node)
        if added is None:
            return
        if added.folder is None:
            self.unnamed_sys_path = True
        else:
            self.sys_path_folders.append(added.folder)


def literal_iterables(cells: list[CellFacts]) -> frozenset[str]:
    """Names a ``for`` loop surely iterates at least once over: every binding of the name
    in the notebook's namespace is ``name = <non-empty literal>`` and nothing may empty
    the container or bind the name unseen (``exec``, an unknown star import)."""
    if any(cell.opaque for cell in cells):
        return frozenset()
    literal: set[str] = set()
    other: set[str] = set()
    for cell in cells:
        other |= cell.emptied | cell.unknown_names
        literal_sites = {id(site) for site in cell.non_empty_literals}
        for binding in cell.bindings:
            if not (binding.scope.is_module or binding.binding is BindingKind.GLOBAL_IN_FUNCTION):
                continue
            (literal if id(binding.site) in literal_sites else other).add(binding.name)
    return frozenset(literal - other)


def literal_only_locals(function: ast.FunctionDef | ast.AsyncFunctionDef,
                        local_names: set[str]) -> frozenset[str]:
    """A function's locals whose one binding is ``name = <non-empty literal>`` and that
    nothing may empty: a ``for`` over one (or over its ``.items()``) runs its body.

    Counted over the whole definition, nested scopes included, so that any other binding
    of the name anywhere (a nested ``nonlocal``, an import, a parameter, a loop target)
    rules it out."""
    stores: Counter[str] = Counter()
    literal: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] += 1  # every assignment, loop target, walrus, ``del``
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name) and non_empty_literal(node.value)):
            literal.add(node.targets[0].id)
        else:
            other.update(_bound_or_emptied(node))
    return frozenset(name for name in literal & local_names
                     if stores[name] == 1 and name not in other)


def _bound_or_emptied(node: ast.AST) -> Iterator[str]:
    """Names ``node`` binds other than through a ``Name`` target, or may empty."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield from (alias.asname or alias.name.partition(".")[0] for alias in node.names)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        yield from node.names
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr in _EMPTYING_METHODS and isinstance(node.func.value, ast.Name)):
        yield node.func.value.id
    elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
          and (isinstance(node.ctx, ast.Del)
               or (isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice)))):
        yield node.value.id


def _evaluates_text(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in _TEXT_EVALUATORS
    return isinstance(func, ast.Attribute) and func.attr in _TEXT_RUNNERS


_EMPTYING_METHODS = frozenset({"pop", "popitem", "remove", "clear", "discard",
                               "difference_update", "intersection_update",
                               "symmetric_difference_update", "__delitem__"})
_TEXT_EVALUATORS = ("eval", "exec")
_TEXT_RUNNERS = frozenset({"run_line_magic", "run_cell", "run_cell_magic"})
_MODULE_INSPECTORS = frozenset({"dir", "help", "reload"})
_FILE_OPENER = "open"
_PATH_ADDERS = ("append", "insert", "extend")
_SYMPY_VAR = "var"

# Every called name or method name that ``note_call``, ``inspected_module`` or
# ``sympy_var_names`` looks for (the words above): a call of anything else tells them
# nothing.
CALL_WORDS = frozenset({*_TEXT_EVALUATORS, *_TEXT_RUNNERS, *_EMPTYING_METHODS,
                        *_MODULE_INSPECTORS, _FILE_OPENER, *_PATH_ADDERS, _SYMPY_VAR})


def inspected_module(node: ast.Call) -> ast.Name | None:
    """The name in ``dir(name)``, ``help(name)``, ``importlib.reload(name)``: calls that
    take a module as often as anything, so the name is read as a module."""
    func = node.func
    called = func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) and func.attr == "reload" else None)
    if called not in _MODULE_INSPECTORS or len(node.args) != 1:
        return None
    argument = node.args[0]
    return argument if type(argument) is ast.Name else None


def file_opened_for_writing(node: ast.Call) -> str | None:
    """The path in ``open('helpers.py', 'w')`` (a cell writing a module), or None."""
    if not (isinstance(node.func, ast.Name) and node.func.id == _FILE_OPENER and node.args):
        return None
    path = node.args[0]
    mode = node.args[1] if len(node.args) > 1 else next(
        (k.value for k in node.keywords if k.arg == "mode"), None)
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)
            and isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
        return None
    return path.value if set(mode.value) & set("wax") else None


@dataclass(frozen=True, slots=True)
class PathAddition:
    """A ``sys.path.append(...)``/``insert(...)``/``extend(...)`` call."""

    folder: str | None  # None: not a string literal, so nbscope cannot name the folder


def sys_path_addition(node: ast.Call) -> PathAddition | None:
    """What ``sys.path.append(...)`` (or ``insert``, ``extend``) adds; None for other calls."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in _PATH_ADDERS
            and isinstance(func.value, ast.Attribute) and func.value.attr == "path"
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "sys"):
        return None
    argument = node.args[-1] if node.args else None
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return PathAddition(argument.value)
    return PathAddition(None)


_SYMPY_MODULES = ("sympy", "sp", "sym")


def sympy_var_names(node: ast.Call) -> tuple[ast.Constant, list[str]] | None:
    """SymPy's ``var('x y')`` binds ``x`` and ``y`` in the caller's globals: the string
    and the names, or None for other calls."""
    func = node.func
    is_var = (isinstance(func, ast.Name) and func.id == _SYMPY_VAR) or (
        isinstance(func, ast.Attribute) and func.attr == _SYMPY_VAR
        and isinstance(func.value, ast.Name) and func.value.id in _SYMPY_MODULES)
    if not (is_var and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return None
    return node.args[0], re.findall(r"[A-Za-z_]\w*", node.args[0].value)
