"""How CPython looks a name up from where it is written, decided once, as its compiler does.

The lowering keeps a chain of the lexical scopes it is inside (``LexicalScope``:
module, class, function, lambda, comprehension, or ``%timeit``'s isolated
namespace) with the names each binds (``scopes``). From that chain this module
answers: how a read resolves and on which replay layer (``resolve``), where a
binding goes (``target_depth``), and whether a read goes through a closure.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from . import scopes
from .cellfacts import ScopeKind
from .ir import Resolve, Site

# List, set and dict comprehensions run inline in their function from 3.12 (PEP 709).
INLINED_COMPREHENSIONS = sys.version_info >= (3, 12)

GENERATOR_OWNER = "<genexpr>"

# Looking a member up on an Enum class is slow before Python 3.12; these run at every read.
_MODULE, _CLASS, _COMPREHENSION = ScopeKind.MODULE, ScopeKind.CLASS, ScopeKind.COMPREHENSION


@dataclass(frozen=True, slots=True)
class NonlocalWrite:
    """An assignment of a ``nonlocal`` name in a nested function; ``surely``: it runs
    whenever the function does (at the top of its body, before any jump)."""

    name: str
    site: Site
    surely: bool


@dataclass
class LexicalScope:
    """One scope of the chain; ``depth`` is the replay layer its names live on."""

    kind: ScopeKind
    depth: int
    parent: LexicalScope | None
    names: scopes.ScopeNames = field(default_factory=scopes.ScopeNames)
    owner: str | None = None
    in_function: bool = field(init=False)
    # Nested functions defined here -> the ``nonlocal`` names they assign (see
    # ``statements.closure_writes``); None until one is defined.
    closure_writes: dict[str, tuple[NonlocalWrite, ...]] | None = field(init=False)

    def __post_init__(self) -> None:
        self.closure_writes = None  # here, not as the field's default: a compiled build
        # does not apply the defaults of fields left out of ``__init__``
        # Whether this scope is, or is nested in, a function or lambda body (asked at
        # every read, so computed once).
        self.in_function = self.kind.is_function or (
            self.parent is not None and self.parent.in_function)

    def enclosing_function(self) -> LexicalScope | None:
        """The innermost function or lambda body this scope is, or is nested in."""
        scope: LexicalScope | None = self
        while scope is not None and not scope.kind.is_function:
            scope = scope.parent
        return scope


# Names the compiler provides inside a class body (the class namespace starts with them).
CLASS_BODY_NAMES = frozenset({"__module__", "__qualname__"})
# The implicit closure cell of every function nested in a class body (what ``super()`` uses).
CLASS_CELL = "__class__"


def resolve(scope: LexicalScope, name: str) -> tuple[Resolve, int]:
    """How a read of ``name`` written in ``scope`` resolves, and the layer it reads."""
    kind = scope.kind
    if kind is _MODULE:
        return Resolve.NAME, 0
    if name in scope.names.globals:
        return Resolve.GLOBAL, 0
    if name in scope.names.nonlocals:
        return Resolve.FREE, -1
    if kind is _CLASS:
        if name in CLASS_BODY_NAMES and name not in scope.names.bound:
            return Resolve.FREE, -1
        if name not in scope.names.bound:
            owner = _enclosing_function_binding(scope, name)
            if owner is not None:
                # Run at once, a class body reads the function's variable as it is now.
                return (Resolve.LOCAL, owner.depth) if owner.reached else (Resolve.FREE, -1)
        return Resolve.NAME, scope.depth
    if name == CLASS_CELL and name not in scope.names.bound and _class_cell_filled(scope):
        return Resolve.FREE, -1
    if name in scope.names.locals:
        if kind is _COMPREHENSION:
            return Resolve.FREE, -1  # bound by the comprehension before any read
        return Resolve.LOCAL, scope.depth
    crossed_function = kind.is_function
    outer = scope.parent
    while outer is not None:
        if outer.kind is _MODULE:
            return Resolve.GLOBAL, 0
        if outer.kind is not _CLASS:
            if name in outer.names.globals:
                return Resolve.GLOBAL, 0
            if name in outer.names.nonlocals:
                return Resolve.FREE, -1
            if name in outer.names.locals:
                if crossed_function and name in outer.names.annotated_only:
                    # Never assigned: read on this function's own layer, where nothing
                    # binds it, it is unbound whenever the read runs.
                    reader = scope.enclosing_function()
                    assert reader is not None
                    return Resolve.LOCAL, reader.depth
                if crossed_function or outer.kind is _COMPREHENSION:
                    return Resolve.FREE, -1
                return Resolve.LOCAL, outer.depth
            if outer.kind.is_function:
                crossed_function = True
        outer = outer.parent
    return Resolve.GLOBAL, 0


def through_nested_function(scope: LexicalScope) -> bool:
    """Whether a read here of an enclosing function's local goes through a closure:
    from a generator expression always, from other comprehensions before Python 3.12,
    which runs them inline (PEP 709)."""
    while scope.kind is _COMPREHENSION:
        if scope.owner == GENERATOR_OWNER or not INLINED_COMPREHENSIONS:
            return True
        assert scope.parent is not None
        scope = scope.parent
    return False


@dataclass(frozen=True, slots=True)
class _Owner:
    """The enclosing function whose variable a class body reads: its layer, and whether the
    replay can see it from the class body (no other function body lies in between)."""

    depth: int
    reached: bool


def _enclosing_function_binding(scope: LexicalScope, name: str) -> _Owner | None:
    outer = scope.parent
    crossed_function = False
    while outer is not None and outer.kind is not _MODULE:
        if outer.kind.is_function and name in outer.names.locals:
            return _Owner(outer.depth, not crossed_function)
        if outer.kind.is_function or outer.kind is _COMPREHENSION:
            crossed_function = True
        outer = outer.parent
    return None


def _class_cell_filled(scope: LexicalScope) -> bool:
    """Whether a read of ``__class__`` here sees the class: the compiler gives every
    function nested in a class body the class's ``__class__`` cell, which is filled once
    the class exists; a comprehension of the class body itself runs before that."""
    crossed_function = scope.kind.is_function
    outer = scope.parent
    while outer is not None:
        if outer.kind is _CLASS:
            return crossed_function
        crossed_function = crossed_function or outer.kind.is_function
        outer = outer.parent
    return False


def target_depth(scope: LexicalScope, name: str) -> int | None:
    """The layer a binding of ``name`` in ``scope`` goes to (None: an untracked ``nonlocal``)."""
    if scope.kind is _MODULE:
        return 0
    if name in scope.names.globals:
        return 0
    if name in scope.names.nonlocals:
        return None
    return scope.depth
