"""A loop's effect on the state in closed form, so that nested loops cost one pass each.

Most loop bodies only bind, delete and read names: what they do to a name does not
depend on what the name held before. For such a body, each name leaves an
iteration either with what it held plus what the body bound (``keep``), or with
only what the body bound (the body always rebinds or deletes it). That is a
*transfer*: one run of the body from a marked state (every name holds ``MARK``,
"what was there before") reads it off, whatever state the loop is later entered
with. The loop's fixed point is then the entry plus everything any iteration binds,
with no rounds to repeat, and an enclosing loop's rounds do not replay it.

A body that may call a function nbscope follows (what it does depends on what the
called name holds), defines one, returns, raises into a ``try`` around the loop, or
runs something nbscope cannot see through is not read this way; the replay iterates
it to a fixed point instead. ``loop_shape`` tells the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ir import (
    Bind,
    Call,
    DefineFunction,
    Delete,
    Event,
    EventKind,
    Jump,
    Loop,
    MaybeBind,
    Op,
    Opaque,
    Reset,
    Try,
    Use,
    children,
)
from .state import Layer, State

# "What the name held when the iteration began": never bound, never a function, so a
# call of a marked name enters nothing, as it would for any value a transfer allows.
MARK = Event(EventKind.UNKNOWN, detail="the value before a loop iteration")
_MARKED = frozenset({MARK})

# Operations with nothing nested in them (``children`` of them is empty).
_LEAVES = frozenset({Use, Bind, MaybeBind, Delete, Jump})

Change = tuple[bool, frozenset[Event]]  # (keeps what was there, events the body added)


@dataclass(frozen=True, slots=True)
class LoopShape:
    """What decides whether a loop has a transfer: the names its head and body call
    (a transfer holds only while none of them holds a function), and whether a
    ``raise`` in it would leave the loop (a transfer holds only outside a ``try``)."""

    calls: tuple[str, ...]
    raises: bool


def loop_shape(op: Loop, known: dict[Loop, LoopShape | None]) -> LoopShape | None:
    """The loop's shape, or None when its effect can depend on more than the names it
    binds (function definitions, ``return``, ``%reset``, unreadable constructs).
    ``known`` holds the shapes of loops already read, nested ones included, so that a
    nest of loops is read once, not once per level."""
    if op in known:
        return known[op]
    calls: dict[str, None] = {}
    raises = False
    shape: LoopShape | None = None
    pending: list[Op] = [*op.head, *op.body]
    while pending:
        inner = pending.pop()
        kind = type(inner)
        if kind is Call:
            calls[inner.name] = None  # type: ignore[union-attr]
        elif kind is Loop:
            nested = loop_shape(inner, known)  # type: ignore[arg-type]
            if nested is None:
                break
            calls.update(dict.fromkeys(nested.calls))
            raises = raises or nested.raises
            pending.extend(inner.orelse)  # type: ignore[union-attr]  # runs in this body
        elif kind is DefineFunction or kind is Opaque or kind is Reset:
            break
        elif inner is Jump.RETURN:
            break
        elif inner is Jump.RAISE:
            raises = True
        elif kind in _LEAVES:
            continue
        else:
            # An exception goes on after a ``finally`` block (and after the implicit one
            # that unbinds ``except ... as e``), to a ``try`` around the loop if any.
            raises = raises or (kind is Try and inner.has_final)  # type: ignore[union-attr]
            pending.extend(children(inner))
    else:
        shape = LoopShape(tuple(calls), raises)
    known[op] = shape
    return shape


def may_call_function(shape: LoopShape, state: State) -> bool:
    """Whether a name the loop calls may hold a function the replay would follow."""
    for name in shape.calls:
        for layer in state.layers:
            for event in layer.get(name):
                if event.function is not None:
                    return True
    return False


def marked_state(like: State) -> State:
    """A live, certain state with ``like``'s layers in which every name holds ``MARK``."""
    return State([Layer(default=_MARKED) for _ in like.layers])


@dataclass(frozen=True, slots=True)
class Transfer:
    """What one way out of an iteration does to the state at the loop's head."""

    changes: tuple[dict[str, Change], ...]  # per layer, the names the iteration touched
    certain: bool  # False: the way out makes the state uncertain
    dead: bool  # no path takes this way out

    def apply(self, state: State) -> State:
        return self.apply_in_place(state.copy())

    def apply_in_place(self, state: State) -> State:
        """``apply`` on a state no one else holds, changing it."""
        for layer, changes in zip(state.layers, self.changes, strict=True):
            delta, get = layer.delta, layer.get  # ``Layer.set`` is a write to the delta
            for name, (keep, added) in changes.items():
                delta[name] = get(name) | added if keep else added
        state.certain = state.certain and self.certain
        state.dead = state.dead or self.dead
        return state


def read_transfer(after: State, layers: int) -> Transfer | None:
    """The transfer that took ``marked_state`` to ``after``, or None when the iteration
    did what a transfer cannot say (changed every name, or the layers)."""
    if len(after.layers) != layers:
        return None
    changes = []
    for layer in after.layers:
        if layer.default != _MARKED:
            return None
        touched: dict[str, Change] = {}
        for name, events in layer.items():
            if events is not _MARKED and events != _MARKED:
                touched[name] = (True, events - _MARKED) if MARK in events else (False, events)
        changes.append(touched)
    return Transfer(tuple(changes), after.certain, after.dead)


@dataclass(frozen=True, slots=True)
class LoopTransfers:
    """A loop's iteration in closed form: what it does to the state at the loop's head
    by the end of the body, at each ``continue`` and ``break``, and after the head;
    ``back`` is, per layer, what the iterations that come back to the head may bind."""

    body_out: Transfer
    continues: tuple[Transfer, ...]
    breaks: tuple[Transfer, ...]
    after_head: Transfer
    back: tuple[dict[str, frozenset[Event]], ...]
    back_certain: bool

    @classmethod
    def read(cls, body_out: State, continues: list[State], breaks: list[State],
             after_head: State, layers: int) -> LoopTransfers | None:
        """The transfers of an iteration run from ``marked_state``; None when one of
        its ways out did what a transfer cannot say."""
        ways = [read_transfer(way, layers)
                for way in (body_out, after_head, *continues, *breaks)]
        for way in ways:
            if way is None:
                return None
        body, head, *rest = ways
        ways_back = [way for way in (body, *rest[:len(continues)]) if not way.dead]
        back: list[dict[str, frozenset[Event]]] = [{} for _ in range(layers)]
        for way in ways_back:
            for own, changes in zip(back, way.changes, strict=True):  # type: ignore[union-attr]
                for name, (_, events) in changes.items():
                    own[name] = own[name] | events if name in own else events
        return cls(body, tuple(rest[:len(continues)]),  # type: ignore[arg-type]
                   tuple(rest[len(continues):]), head,  # type: ignore[arg-type]
                   tuple(back), all(way.certain for way in ways_back))  # type: ignore[union-attr]

    def head(self, entry: State) -> State:
        """The loop's fixed point at its head: the entry plus what every iteration that
        comes back to the head (the body's end, a ``continue``) may have bound.

        It equals what iterating from the entry gives, certainty included: that stops
        after one round, with the entry's certainty, when iterations bring nothing new."""
        head = entry.copy()
        grew = False
        for layer, added in zip(head.layers, self.back, strict=True):
            delta, get = layer.delta, layer.get
            for name, events in added.items():
                before = get(name)
                if not events <= before:
                    delta[name] = before | events
                    grew = True
        if grew:
            head.certain = entry.certain and self.back_certain
        return head
