"""Summaries of function bodies the replay has followed: a call whose globals agree, on
every name the body (and what it calls) can read or write, with those of an earlier
call in the same context does what that call did, so the replay need not run the body
again.

A body's footprint is read off its operations (the global names it reads, binds or
deletes) plus the footprints of the functions it actually entered, which the replay
adds while it runs the body. A body that runs something nbscope cannot see through
(``exec``, ``%reset``: every name may change) is never summarised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .ir import (
    Bind,
    Call,
    DefineFunction,
    Delete,
    FunctionIR,
    MaybeBind,
    Opaque,
    Reset,
    Resolve,
    Use,
    walk,
)
from .state import Layer

Events = frozenset  # the reaching events of one name (frozenset[Event])


@dataclass(frozen=True, slots=True)
class Footprint:
    """The global names a body may read or write, the ones it may write, and whether
    it may change names nbscope cannot list (then it is never summarised)."""

    names: tuple[str, ...]  # sorted: the order in which a summary's key lists values
    writes: tuple[str, ...]
    unbounded: bool = False


@dataclass(slots=True)
class Recording:
    """The footprint of a body being replayed, grown by the calls it makes."""

    names: set[str]
    writes: set[str]
    unbounded: bool = False

    @classmethod
    def starting(cls, footprint: Footprint) -> Recording:
        return cls(set(footprint.names), set(footprint.writes), footprint.unbounded)

    def add(self, footprint: Footprint) -> None:
        self.names.update(footprint.names)
        self.writes.update(footprint.writes)
        self.unbounded = self.unbounded or footprint.unbounded

    def footprint(self) -> Footprint:
        return Footprint(tuple(sorted(self.names)), tuple(sorted(self.writes)), self.unbounded)


@dataclass(frozen=True, slots=True)
class CallSummary:
    """What one replay of a body did: its footprint, the values it left in the written
    globals, and the verdicts it recorded (recorded ones, with ``calls`` as they were)."""

    footprint: Footprint
    written: tuple[tuple[str, Events], ...]
    verdicts: tuple[object, ...]
    depth: int  # how many calls were active outside the summarised one

    def apply(self, layer: Layer) -> Layer:
        """The globals after the call, from the globals before it."""
        after = layer.copy()
        for name, events in self.written:
            after.set(name, events)
        return after


def static_footprint(function: FunctionIR) -> Footprint:
    """The global names ``function``'s own operations read or write (not those of the
    functions it calls, which depend on what the called names hold)."""
    names: set[str] = set()
    writes: set[str] = set()
    unbounded = False
    for op in walk(function.body):
        kind = type(op)
        if kind is Use:
            _read(names, op)  # type: ignore[arg-type]
        elif kind is Call:
            names.add(op.name)  # type: ignore[union-attr]
        elif kind is Bind or kind is MaybeBind or kind is Delete:
            if kind is Delete and op.check is not None:  # type: ignore[union-attr]
                _read(names, op.check)  # type: ignore[union-attr]
            if op.depth == 0:  # type: ignore[union-attr]
                names.add(op.name)  # type: ignore[union-attr]
                writes.add(op.name)  # type: ignore[union-attr]
        elif kind is Opaque or kind is Reset:
            unbounded = True
        elif kind is DefineFunction and op.depth == 0:  # type: ignore[union-attr]
            names.add(op.name)  # type: ignore[union-attr]  # ``global f`` then ``def f``
            writes.add(op.name)  # type: ignore[union-attr]
    return Recording(names, writes, unbounded).footprint()


def _read(names: set[str], use: Use) -> None:
    # Every read but a function's own local reads the globals (see Replay.lookup).
    if use.resolve is not Resolve.LOCAL or use.depth == 0:
        names.add(use.name)


@dataclass(slots=True)
class SummaryTable:
    """Summaries by function and context, then by footprint and the values in it."""

    _static: dict[FunctionIR, Footprint] = field(default_factory=dict)
    _by_context: dict[tuple[object, ...], dict[Footprint, dict[tuple[Events, ...],
                                                                CallSummary]]] = field(
        default_factory=dict)

    def footprint_of(self, function: FunctionIR) -> Footprint:
        found = self._static.get(function)
        if found is None:
            found = self._static[function] = static_footprint(function)
        return found

    def find(self, context: tuple[object, ...], layer: Layer) -> CallSummary | None:
        for footprint, summaries in self._by_context.get(context, {}).items():
            found = summaries.get(_values(footprint, layer.get))
            if found is not None:
                return found
        return None

    def store(self, context: tuple[object, ...], entry: Layer, summary: CallSummary) -> None:
        footprint = summary.footprint
        if footprint.unbounded:
            return
        by_footprint = self._by_context.setdefault(context, {})
        by_footprint.setdefault(footprint, {})[_values(footprint, entry.get)] = summary


def _values(footprint: Footprint, get: Callable[[str], Events]) -> tuple[Events, ...]:
    return tuple(map(get, footprint.names))
