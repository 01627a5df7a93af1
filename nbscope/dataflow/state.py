"""The replay's abstract state: per namespace layer, the events that may have last happened
to each name on some path reaching a point (a reaching-definitions lattice).

A ``Layer`` is a persistent map: copying the state at a branch, joining it
afterwards and starting a new cell cost what changed, not the namespace size;
``join`` merges the states of paths that meet.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence

from .ir import INITIAL, Event

_INITIAL_SET = frozenset({INITIAL})
_FLATTEN_AT = 64  # a copy's own changes beyond this many are frozen into a level
_SETTLE_AT = 8  # a loop's entry state with more changes than this shares them as a level
_MAX_LEVELS = 32  # beyond this, settling stops (a lookup looks through every level)

Level = dict[str, frozenset[Event]]
Settled = tuple[tuple[Level, ...], Level]  # the levels under a settled delta, and it


class Layer:
    """One namespace: name → reaching events; absent names have ``default``.

    ``levels`` (newest first) are frozen dicts shared between copies and never
    changed; each copy writes into its own small ``delta``. Freezing the delta
    pushes it as a new level and merges levels of similar size (like a binary
    counter), so a namespace of N names has about log2(N) levels, each name is
    re-copied about log2(N) times in all, and copying, joining and comparing
    layers that share their levels cost only what is above the shared ones.
    """

    __slots__ = ("levels", "delta", "default")

    def __init__(self, levels: tuple[Level, ...] = (),
                 default: frozenset[Event] = _INITIAL_SET,
                 delta: Level | None = None) -> None:
        self.levels = levels
        self.delta = delta if delta is not None else {}
        self.default = default

    def get(self, name: str) -> frozenset[Event]:
        found = self.delta.get(name)
        if found is not None:
            return found
        for level in self.levels:
            found = level.get(name)
            if found is not None:
                return found
        return self.default

    def set(self, name: str, events: frozenset[Event]) -> None:
        self.delta[name] = events

    def names(self) -> builtins.set[str]:  # ``set`` here is the method above
        names = set(self.delta)
        for level in self.levels:
            names.update(level)
        return names

    def items(self) -> Iterable[tuple[str, frozenset[Event]]]:
        """Each name the layer holds apart from its default, with its events (a layer
        no copy has frozen yet holds them all in its delta)."""
        if not self.levels:
            return self.delta.items()
        return ((name, self.get(name)) for name in self.names())

    def copy(self) -> Layer:
        if len(self.delta) > _FLATTEN_AT:
            if len(self.levels) < _MAX_LEVELS:  # unmerged: the levels under it stay
                self.levels = (self.delta, *self.levels)
                self.delta = {}
            else:
                self.flatten()
        return Layer(self.levels, self.default, dict(self.delta))

    def flatten(self) -> None:
        """Freeze the delta into the levels (levels may be shared: never change one)."""
        if not self.delta:
            return
        levels = [self.delta, *self.levels]
        # Merge while the newer level is at least half the older one: amortised
        # O(log N) copies per name, and O(log N) levels to look through.
        while len(levels) > 1 and 2 * len(levels[0]) >= len(levels[1]):
            newer = levels.pop(0)
            levels[0] = {**levels[0], **newer}
        self.levels = tuple(levels)
        self.delta = {}

    def settle(self, settled: dict[tuple[object, ...], Settled]) -> None:
        """Push a large delta as a level of its own, unmerged: the copies a loop makes of
        its entry state then share it, and joins and comparisons skip it. ``settled``
        keeps the level made for each (levels, delta) met, so that a state built twice
        the same way settles into the same levels both times."""
        if len(self.delta) <= _SETTLE_AT or len(self.levels) >= _MAX_LEVELS:
            return
        exact = (tuple(map(id, self.levels)), frozenset(self.delta.items()))
        found = settled.get(exact)
        if found is None:  # the entry keeps the levels its key names by id alive
            found = settled[exact] = (self.levels, self.delta)
        self.levels = (found[1], *self.levels)
        self.delta = {}

    def same_as(self, other: Layer) -> bool:
        if self.default != other.default:
            return False
        pair = (self, other)
        return all(self.get(k) == other.get(k)
                   for k in _changed_names(pair, _shared_count(pair)))

    def key(self, anchor: tuple[Level, ...]) -> tuple[object, ...]:
        """A hashable value equal for two layers that map every name alike: the names
        above ``anchor`` (the levels a cell starts from, which must stay alive while
        keys are compared) by value, the anchor itself by identity."""
        levels = self.levels
        above = len(levels) - len(anchor)
        anchored = above >= 0 and all(
            mine is theirs for mine, theirs in zip(levels[above:], anchor, strict=True))
        if not anchored:
            above = len(levels)
        if not above:
            content = self.delta
        else:
            content = {}
            for level in reversed(levels[:above]):
                content.update(level)
            content.update(self.delta)
        return (anchored, self.default, frozenset(content.items()))


def _shared_count(layers: Sequence[Layer]) -> int:
    """How many of the oldest levels every layer shares (by identity)."""
    first = layers[0].levels
    shortest = min(len(layer.levels) for layer in layers)
    shared = 0
    while shared < shortest and all(
            layer.levels[len(layer.levels) - 1 - shared] is first[len(first) - 1 - shared]
            for layer in layers):
        shared += 1
    return shared


def _changed_names(layers: Sequence[Layer], shared: int) -> set[str]:
    """The names that may map differently between ``layers``: those in their deltas and
    in the levels above the ``shared`` oldest ones."""
    names: set[str] = set()
    for layer in layers:
        names.update(layer.delta)
        for level in layer.levels[:len(layer.levels) - shared]:
            names.update(level)
    return names


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
    shared = _shared_count(layers)
    names = _changed_names(layers, shared)
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
    levels = layers[0].levels
    return Layer(levels[len(levels) - shared:], default, merged)


def state_key(state: State, anchor: tuple[Level, ...]) -> tuple[object, ...]:
    """A hashable value equal for two states that map every name alike and agree on
    certainty and liveness (see ``Layer.key`` for ``anchor``)."""
    return (state.certain, state.dead, tuple(layer.key(anchor) for layer in state.layers))
