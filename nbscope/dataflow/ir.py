"""The per-cell program nbscope replays: name operations with positions and control flow.

A cell's Python is lowered once into a small tree of operations that matter to
names (reads, bindings, deletions, calls of known functions, function and class
bodies, branches, loops, ``try``) with every scope decision already made. The
replay (``replay.py``) runs these trees in any cell order without looking at
the AST again.

Layers: at replay time names live in a stack of namespaces. Layer 0 is the
kernel's global namespace; a class body, function call or comprehension pushes
one more. ``depth`` on an operation is the absolute layer it acts on; a
function body always starts at depth 1, because only the globals and its own
locals are visible to the replay (enclosing functions' names are free
variables, assumed bound).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..model import Span


class EventKind(Enum):
    """What last happened to a name on some path reaching a point."""

    BIND = "bind"
    DELETE = "delete"  # ``del x``, ``%xdel x``, or Python unbinding ``except ... as x``
    INITIAL = "initial"  # nothing bound it since the kernel started
    RESET = "reset"  # ``%reset`` cleared the namespace
    OPAQUE = "opaque"  # something nbscope cannot see through may have bound it
    UNKNOWN = "unknown"  # a construct nbscope cannot read (unparsable cell, unknown magic)
    ASSUMED = "assumed"  # taken as bound while checking a function body on its own


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


@dataclass(frozen=True, slots=True)
class Site:
    """A place in the notebook: 1-based cell index and raw-cell span."""

    cell: int
    span: Span | None


@dataclass(frozen=True, slots=True, eq=False)
class Event:
    """One reaching event for a name; compared by identity, created once per operation.

    ``guard`` names the innermost construct that makes a binding conditional
    (``if``, ``for``, ``while``, ``try``, ``except``, ``match``), or None.
    ``function`` is set when the bound value is a function nbscope can follow
    into at call time.
    """

    kind: EventKind
    name: str | None = None
    site: Site | None = None
    binding: BindingKind | None = None
    guard: str | None = None
    function: FunctionIR | None = None
    detail: str | None = None


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
    LOCAL = "local"  # this function's (or comprehension's) own layer only
    FREE = "free"  # an enclosing function's variable: not followed


class Catch(Enum):
    """Whether a read sits in a ``try`` that would catch its NameError."""

    NONE = "none"
    NAME_ERROR = "name-error"  # an ``except NameError`` (or UnboundLocalError)
    BROAD = "broad"  # bare ``except``, ``except Exception``/``BaseException``


# --- operations -----------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Use:
    name: str
    site: Site
    resolve: Resolve
    depth: int
    catch: Catch = Catch.NONE
    in_function: bool = False
    free: bool = False  # a function's local read from a nested scope (a generator
    # expression): unbound, it raises NameError, not UnboundLocalError


@dataclass(frozen=True, slots=True, eq=False)
class Bind:
    name: str
    depth: int
    event: Event


@dataclass(frozen=True, slots=True, eq=False)
class MaybeBind:
    """A name something unreadable may have bound (keeps what was there too)."""

    name: str
    depth: int
    event: Event


@dataclass(frozen=True, slots=True, eq=False)
class Delete:
    name: str
    depth: int
    event: Event
    check: Use | None = None  # ``del x`` needs ``x`` bound; Python's own unbinding does not


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """A direct call ``f(...)`` of a name: replay follows into known functions."""

    name: str
    site: Site
    resolve: Resolve
    depth: int


@dataclass(frozen=True, slots=True, eq=False)
class DefineFunction:
    name: str
    depth: int
    event: Event  # event.function is the body


@dataclass(frozen=True, slots=True, eq=False)
class ClassBody:
    """Run a class body in a layer of its own, then bind the class name."""

    depth: int  # the class body's own layer
    body: tuple[Op, ...]
    bind: Bind


@dataclass(frozen=True, slots=True, eq=False)
class Scope:
    """A namespace run at once: a comprehension, or ``%timeit``'s statement."""

    depth: int
    body: tuple[Op, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Opaque:
    """Anything may be bound after this (``exec``, ``globals()[...]``, unknown star import)."""

    event: Event


@dataclass(frozen=True, slots=True, eq=False)
class Reset:
    event: Event


@dataclass(frozen=True, slots=True, eq=False)
class Branch:
    """Alternative paths; when not ``exhaustive`` none of them may run."""

    paths: tuple[tuple[Op, ...], ...]
    exhaustive: bool
    pure: bool = False  # only reads: replay need not copy the state


@dataclass(frozen=True, slots=True, eq=False)
class Loop:
    head: tuple[Op, ...]  # run before every iteration test (a ``while`` condition)
    body: tuple[Op, ...]
    orelse: tuple[Op, ...]
    at_least_once: bool
    infinite: bool


@dataclass(frozen=True, slots=True, eq=False)
class Handler:
    body: tuple[Op, ...]


@dataclass(frozen=True, slots=True, eq=False)
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

    Compared by identity. ``body`` is filled in after the object is created,
    because the body's operations may refer back to the function.
    """

    name: str
    site: Site
    params: tuple[str, ...]
    is_generator: bool = False
    is_async: bool = False
    body: tuple[Op, ...] = ()


@dataclass(frozen=True, slots=True)
class BindingSite:
    """Where a name is bound anywhere in the notebook, for explanations.

    ``scope`` is ``module``, ``function``, ``lambda``, ``class`` or
    ``comprehension``; ``owner`` names the function or class when there is one.
    """

    name: str
    site: Site
    scope: str
    owner: str | None
    binding: BindingKind
    guard: str | None


@dataclass(frozen=True, slots=True)
class ImportSite:
    """An import statement's module, where its name is written, and its level."""

    module: str
    site: Site
    level: int
    module_level: bool
    guarded: bool = False  # inside a ``try`` that catches ImportError


@dataclass(frozen=True, slots=True)
class CellIR:
    """One cell lowered for replay, with the facts the rules read."""

    cell: int
    body: tuple[Op, ...]
    parsed: bool
    syntax_error: tuple[str, Span] | None = None
    cell_magic: str | None = None
    bindings: tuple[BindingSite, ...] = ()
    function_reads: tuple[Use, ...] = ()
    written_files: tuple[str, ...] = ()
    shell_commands: tuple[str, ...] = ()
    imports: tuple[ImportSite, ...] = ()
    sys_path_additions: tuple[str | None, ...] = ()
    unknown_names: frozenset[str] = frozenset()  # names an unreadable construct may bind
    opaque: bool = False  # something here may bind any name (exec, unknown star import)
    notes: tuple[tuple[str, Site], ...] = field(default_factory=tuple)
