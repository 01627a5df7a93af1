"""The per-cell program nbscope replays: name operations with positions and control flow.

A cell's Python is lowered once into a small tree of operations that matter to
names (reads, bindings, deletions, calls of known functions, function and class
bodies, branches, loops, ``try``) with every scope decision already made. The
replay (``replay.py``) runs these trees in any cell order without looking at
the AST again.

Layers: at replay time names live in a stack of namespaces. Layer 0 is the
kernel's global namespace; a class body, a function call or ``%timeit``'s
throwaway namespace pushes one more. A comprehension pushes none: its own
variables are bound whenever it reads them, so the lowering leaves them out and
keeps only its reads of outer names and its walrus bindings. ``depth`` on an
operation is the absolute layer it acts on; a function body always starts at
depth 1, because only the globals and its own locals are visible to the replay
(enclosing functions' names are free variables, assumed bound).

This is the replay's program only; what the rules read about a cell besides it
(binding sites, imports, files written, ...) is in ``cellfacts``.

Operations and events are made by the hundred thousand and never changed once
made; they are plain slotted dataclasses, not frozen ones, whose ``__init__``
costs three times as much (it sets every field through ``object.__setattr__``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from ..model import Span
from .arguments import Arguments, Signature


class Positions(Protocol):
    """What maps an AST node's positions back to the raw cell (``transform.SourceMap``)."""

    def span(self, node: Any) -> Span: ...


class EventKind(Enum):
    """What last happened to a name on some path reaching a point."""

    BIND = "bind"
    DELETE = "delete"  # ``del x``, ``%xdel x``, or Python unbinding ``except ... as x``
    INITIAL = "initial"  # nothing bound it since the kernel started
    RESET = "reset"  # ``%reset`` cleared the namespace
    OPAQUE = "opaque"  # something nbscope cannot see through may have bound it
    UNKNOWN = "unknown"  # a construct nbscope cannot read (unparsable cell, unknown magic)
    ASSUMED = "assumed"  # taken as bound while checking a function body on its own


class Construct(Enum):
    """The construct behind an event, for rules to decide with (``Event.detail`` is prose)."""

    EXCEPT_UNBINDING = "except unbinding"  # Python deletes ``e`` of ``except ... as e``
    STAR_IMPORT = "star import"  # ``from m import *`` of a module nbscope cannot list
    PYLAB = "%pylab"  # ``%pylab``'s star imports, not listed
    EXEC = "exec"  # ``exec(...)``, ``get_ipython().push(...)`` and the like
    NAMESPACE_WRITE = "namespace write"  # ``globals()[...] = ...``, ``globals().update(...)``
    RUN_SCRIPT = "%run"  # ``%run`` of a script nbscope cannot read
    MAGIC = "magic"  # a line magic that may bind any name (``%store -r``)
    UNKNOWN_CELL_MAGIC = "cell magic"  # a cell magic that may bind the names on its line
    UNPARSABLE_CELL = "unparsable cell"  # a cell that is not valid Python


class Guard(Enum):
    """The innermost construct that makes a binding conditional."""

    IF = "if"
    FOR = "for"
    WHILE = "while"
    TRY = "try"
    EXCEPT = "except"
    MATCH = "match"

    is_loop: bool  # set for every member below: an attribute, the quickest test


for _guard in Guard:
    _guard.is_loop = _guard.value in ("for", "while")


# The constructs that make a point conditional, outermost first, each one written once
# in the notebook: (cell, its number in the cell, what it is). A binding and a read share
# the prefix of constructs around both; what encloses only the binding decides it.
GuardPath = tuple[tuple[int, int, Guard], ...]


def only_loops_between(read: GuardPath, binding: GuardPath) -> bool:
    """Whether only loops (at least one) enclose ``binding`` and not ``read``: where the
    read runs, the binding ran unless such a loop ran zero times."""
    shared = 0
    for outer, inner in zip(read, binding, strict=False):
        if outer != inner:
            break
        shared += 1
    rest = binding[shared:]
    return bool(rest) and all(guard.is_loop for _, _, guard in rest)


class BindingKind(Enum):
    ASSIGNMENT = "assignment"
    AUGMENTED = "augmented assignment"
    ANNOTATED = "annotated assignment"
    IMPORT = "import"
    STAR_IMPORT = "star import"
    FUNCTION = "function definition"
    CLASS = "class definition"
    FOR_TARGET = "for loop"
    WITH_TARGET = "with statement"
    EXCEPT_TARGET = "except clause"
    WALRUS = "assignment expression"
    MATCH_CAPTURE = "match pattern"
    PARAMETER = "parameter"
    MAGIC = "magic"
    SCRIPT = "%run script"
    GLOBAL_IN_FUNCTION = "global assignment in a function"


class Site:
    """A place in the notebook: 1-based cell index and raw-cell span.

    The lowering makes a site for every name a cell reads or binds, and the rules
    report a few of them: a site made from an AST node keeps the node and the map
    from its fragment's positions back to the raw cell (not the fragment's tree),
    and works its span out when first asked. Equal, hashed and
    pickled by (cell, span), as plain data.
    """

    __slots__ = ("cell", "_span", "_positions", "_node")

    def __init__(self, cell: int, span: Span | None, positions: Positions | None = None,
                 node: object = None) -> None:
        """A site at ``span``; or, with ``span`` None, the site of ``node`` (it has
        ``lineno`` ... ``end_col_offset``) in the source ``positions`` maps
        (``transform.SourceMap``), resolved when first asked."""
        self.cell = cell
        self._span = span
        self._positions = positions
        self._node = node

    @classmethod
    def of(cls, cell: int, positions: Positions, node: object) -> Site:
        """The site of ``node`` in the source ``positions`` maps, resolved lazily."""
        return cls(cell, None, positions, node)

    @property
    def span(self) -> Span | None:
        positions = self._positions
        if positions is not None:
            self._span = positions.span(self._node)
            self._positions = self._node = None
        return self._span

    def on_same_line(self, other: Site) -> bool:
        """Whether both sites start on one line of one cell (both with a span)."""
        if self.cell != other.cell:
            return False
        mine, theirs = self.span, other.span
        return mine is not None and theirs is not None and mine.line == theirs.line

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Site):
            return NotImplemented
        return self.cell == other.cell and self.span == other.span

    def __hash__(self) -> int:
        return hash((self.cell, self.span))

    def __repr__(self) -> str:
        return f"Site(cell={self.cell!r}, span={self.span!r})"

    def __reduce__(self) -> tuple[type[Site], tuple[int, Span | None]]:
        return (Site, (self.cell, self.span))


@dataclass(slots=True, eq=False)
class Event:
    """One reaching event for a name; compared by identity, created once per operation.

    ``guard`` is the innermost construct that makes a binding conditional, or
    None (``guard_path``: all such constructs around it, see ``GuardPath``). ``function``
    is set when the bound value is a function nbscope can follow into at call time.
    ``construct`` says what made an event that is not a plain binding or ``del``;
    ``code`` is that construct as written (for messages), and ``detail`` says in
    words what it does to names (for messages only).
    """

    kind: EventKind
    name: str | None = None
    site: Site | None = None
    binding: BindingKind | None = None
    guard: Guard | None = None
    function: FunctionIR | None = None
    construct: Construct | None = None
    code: str | None = None
    detail: str | None = None
    guard_path: GuardPath = ()


def in_order(events: frozenset[Event]) -> list[Event]:
    """Events by where they happen in the notebook: sets of events have no order of
    their own, and what nbscope says must not depend on one."""
    def key(event: Event) -> tuple[int, int, int, str, str]:
        site = event.site
        span = site.span if site else None
        return (site.cell if site else 0, span.line if span else 0, span.column if span else 0,
                event.kind.value, event.name or "")
    return sorted(events, key=key)


INITIAL = Event(EventKind.INITIAL)
ASSUMED = Event(EventKind.ASSUMED)


class Resolve(Enum):
    """How CPython looks a name up at a read (decided statically, as the compiler does)."""

    NAME = "name"  # module or class body: this layer, then globals, then builtins
    GLOBAL = "global"  # globals, then builtins
    LOCAL = "local"  # this function's (or class body's, or ``%timeit``'s) own layer only
    FREE = "free"  # an enclosing function's variable: not followed


class Catch(Enum):
    """Whether a read sits in a ``try`` that would catch its NameError."""

    NONE = "none"
    NAME_ERROR = "name-error"  # an ``except NameError`` (or UnboundLocalError)
    BROAD = "broad"  # bare ``except``, ``except Exception``/``BaseException``


# --- operations -----------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Use:
    name: str
    site: Site
    resolve: Resolve
    depth: int
    catch: Catch = Catch.NONE
    free: bool = False  # a function's local read from a nested scope (a generator
    # expression): unbound, it raises NameError, not UnboundLocalError
    guard_path: GuardPath = ()  # the constructs around the read (``GuardPath``)


@dataclass(slots=True, eq=False)
class Bind:
    name: str
    depth: int
    event: Event


@dataclass(slots=True, eq=False)
class MaybeBind:
    """A name something unreadable may have bound (keeps what was there too)."""

    name: str
    depth: int
    event: Event


@dataclass(slots=True, eq=False)
class Delete:
    name: str
    depth: int
    event: Event
    check: Use | None = None  # ``del x`` needs ``x`` bound; Python's own unbinding does not


@dataclass(slots=True, eq=False)
class Call:
    """A direct call ``f(...)`` of a name: replay follows into known functions.
    ``arguments``: what it passes (None when it unpacks ``*xs`` or ``**kw``)."""

    name: str
    site: Site
    resolve: Resolve
    depth: int
    arguments: Arguments | None = None


@dataclass(slots=True, eq=False)
class DefineFunction:
    name: str
    depth: int
    event: Event  # event.function is the body


@dataclass(slots=True, eq=False)
class ClassBody:
    """Run a class body in a layer of its own, then bind the class name."""

    depth: int  # the class body's own layer
    body: tuple[Op, ...]
    bind: Bind


@dataclass(slots=True, eq=False)
class Scope:
    """A namespace run at once: ``%timeit``'s statement, or the body of a class declared
    ``nonlocal`` (whose name nbscope does not track). Comprehensions have none (see above)."""

    depth: int
    body: tuple[Op, ...]


@dataclass(slots=True, eq=False)
class Opaque:
    """Anything may be bound after this (``exec``, ``globals()[...]``, unknown star import)."""

    event: Event


@dataclass(slots=True, eq=False)
class Reset:
    event: Event


@dataclass(slots=True, eq=False)
class Branch:
    """Alternative paths; when not ``exhaustive`` none of them may run."""

    paths: tuple[tuple[Op, ...], ...]
    exhaustive: bool
    pure: bool = False  # only reads: replay need not copy the state


@dataclass(slots=True, eq=False)
class Loop:
    head: tuple[Op, ...]  # run before every iteration test (a ``while`` condition)
    body: tuple[Op, ...]
    orelse: tuple[Op, ...]
    at_least_once: bool
    infinite: bool
    # ``for x in xs``: the namespace name iterated over; the loop surely runs when every
    # binding of it in the notebook is a non-empty literal (decided by the replay).
    over: str | None = None


@dataclass(slots=True, eq=False)
class Handler:
    body: tuple[Op, ...]


@dataclass(slots=True, eq=False)
class Try:
    """``try``; ``first_statement`` counts the body's leading operations that run before
    anything in the body can raise (the first statement's, when it is a simple one)."""

    body: tuple[Op, ...]
    handlers: tuple[Handler, ...]
    orelse: tuple[Op, ...]
    final: tuple[Op, ...]
    first_statement: int = 0
    has_final: bool = False  # a ``finally`` clause, even one with no name in it


class Jump(Enum):
    BREAK = "break"
    CONTINUE = "continue"
    RETURN = "return"
    RAISE = "raise"


Op = (
    Use | Bind | MaybeBind | Delete | Call | DefineFunction | ClassBody | Scope | Opaque
    | Reset | Branch | Loop | Try | Jump
)


@dataclass(eq=False, slots=True)
class FunctionIR:
    """A function or lambda body, replayed when the function is called.

    Compared by identity; ``key`` (its cell and its place among the cell's
    functions) names it in sets. ``body`` is filled in after the object is
    created, because the body's operations may refer back to the function.
    ``signature`` is None when a decorator may change the parameters;
    ``imported_before`` names what the imports of the same ``try`` body bound
    before this definition: the function exists only where they succeeded.
    """

    name: str
    site: Site
    params: tuple[str, ...]
    number: int  # the how-manyth function (or lambda) of its cell, from 0
    is_generator: bool = False
    is_async: bool = False
    body: tuple[Op, ...] = ()
    signature: Signature | None = None
    imported_before: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[int, int]:
        return (self.site.cell, self.number)


def children(op: Op) -> Iterator[Op]:
    """The operations nested in ``op``, in the order they are written.

    Every walker that searches a program (for a read, a ``del``, a call) uses this,
    so that all agree on what is inside what; only the replay, which interprets
    each construct's paths itself, does not. A function's body is not among its
    definition's children: it runs when the function is called (follow
    ``event.function.body`` for that).
    """
    if isinstance(op, Branch):
        for path in op.paths:
            yield from path
    elif isinstance(op, Loop):
        yield from op.head
        yield from op.body
        yield from op.orelse
    elif isinstance(op, Try):
        yield from op.body
        for handler in op.handlers:
            yield from handler.body
        yield from op.orelse
        yield from op.final
    elif isinstance(op, ClassBody):
        yield from op.body
        yield op.bind
    elif isinstance(op, Scope):
        yield from op.body


def walk(ops: Iterable[Op]) -> Iterator[Op]:
    """Every operation in ``ops`` and nested in them, depth first, in the order written."""
    for op in ops:
        yield op
        yield from walk(children(op))


@dataclass(frozen=True, slots=True)
class CellIR:
    """One cell lowered for replay: the operations it runs, in order."""

    cell: int
    body: tuple[Op, ...]
