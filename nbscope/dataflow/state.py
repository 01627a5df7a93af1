"""The replay's abstract state: per namespace layer, the events that may have last happened
to each name on some path reaching a point (a reaching-definitions lattice).

A ``Layer`` is copy-on-write, so that copying the state at a branch and joining
it afterwards costs what the branches changed, not the namespace size; ``join``
merges the states of paths that meet.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ir import INITIAL, Event

_INITIAL_SET = frozenset({INITIAL})
_FLATTEN_AT = 64


class Layer:
    """One namespace: name → reaching events; absent names have ``default``.

    Copy-on-write: ``base`` is shared between copies and never changed; each
    copy writes into its own small ``delta``, so copying at a branch and
    joining afterwards cost what the branches changed, not the namespace size.
    """

    __slots__ = ("base", "delta", "default")

    def __init__(self, base: dict[str, frozenset[Event]] | None = None,
                 default: frozenset[Event] = _INITIAL_SET,
                 delta: dict[str, frozenset[Event]] | None = None) -> None:
        self.base = base if base is not None else {}
        self.delta = delta if delta is not None else {}
        self.default = default

    def get(self, name: str) -> frozenset[Event]:
        delta = self.delta
        if name in delta:
            return delta[name]
        return self.base.get(name, self.default)

    def set(self, name: str, events: frozenset[Event]) -> None:
        self.delta[name] = events

    def names(self) -> set[str]:
        return set(self.base) | set(self.delta)

    def copy(self) -> Layer:
        if len(self.delta) > _FLATTEN_AT:
            self.flatten()
        return Layer(self.base, self.default, dict(self.delta))

    def flatten(self) -> None:
        """Fold the delta into a new base (the old base may be shared: never change it)."""
        if self.delta:
            self.base = {**self.base, **self.delta}
            self.delta = {}

    def same_as(self, other: Layer) -> bool:
        if self.default != other.default:
            return False
        keys = set(self.delta) | set(other.delta)
        if self.base is not other.base:
            keys |= set(self.base) | set(other.base)
        return all(self.get(k) == other.get(k) for k in keys)


class State:
    """The layers visible at a point, whether the point is reached on every run, and liveness."""

    __slots__ = ("layers", "certain", "dead")

    def __init__(self, layers: list[Layer], certain: bool = True, dead: bool = False) -> None:
        self.layers = layers
        self.certain = certain
        self.dead = dead

    def copy(self, certain: bool | None = None) -> State:
        return State([layer.copy() for layer in self.layers],
                     self.certain if certain is None else certain, self.dead)

    def same_as(self, other: State) -> bool:
        return len(self.layers) == len(other.layers) and all(
            a.same_as(b) for a, b in zip(self.layers, other.layers, strict=True))


def fresh_state() -> State:
    """The state of a new kernel: nothing bound."""
    return State([Layer()])


def join(states: Sequence[State]) -> State:
    """Merge the states of paths that meet; dead paths count only if all are dead."""
    alive = [state for state in states if not state.dead]
    chosen = alive or list(states)
    if len(chosen) == 1:
        result = chosen[0].copy()
        result.dead = not alive
        return result
    depth = min(len(state.layers) for state in chosen)
    layers = [_join_layers([state.layers[i] for state in chosen]) for i in range(depth)]
    certain = all(state.certain for state in chosen)
    return State(layers, certain, dead=not alive)


def _join_layers(layers: list[Layer]) -> Layer:
    default = frozenset().union(*(layer.default for layer in layers))
    base = layers[0].base
    shared = all(layer.base is base for layer in layers[1:])
    names: set[str] = set()
    for layer in layers:
        names.update(layer.delta)
        if not shared:
            names.update(layer.base)
    merged = {}
    if len(layers) == 2:
        left, right = layers
        for name in names:
            a, b = left.get(name), right.get(name)
            merged[name] = a if a is b else a | b
    else:
        for name in names:
            first = layers[0].get(name)
            if all(layer.get(name) is first for layer in layers[1:]):
                merged[name] = first
            else:
                merged[name] = frozenset().union(*(layer.get(name) for layer in layers))
    if shared:
        return Layer(base, default, merged)
    return Layer(merged, default)
