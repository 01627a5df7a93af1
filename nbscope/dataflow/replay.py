"""Replay cells' operations in some order and judge every read of a name.

The state (``state``) is, per namespace layer, the set of events that may have
last happened to each name on some path (a reaching-definitions analysis): a name is
bound when every reaching event binds it, unbound when none does, and maybe
bound otherwise. Branches copy the state and join it back; loops iterate to a
fixed point and record verdicts only on the last pass; ``try`` handlers start
from the join of the states the body passed through. Calls of functions the
notebook defines replay the body at the call, against the globals of that
moment, which is when Python resolves a function's global names.

Nothing is replayed twice from the same state. A loop whose body only binds, deletes
and reads names has a closed form (``transfer``): one pass from a marked state says
what an iteration does to any state, so its fixed point needs no rounds and an
enclosing loop's rounds do not replay it; each such loop runs its body twice in all.
Any other loop met again on an entry state already seen in the cell reuses its fixed
point (and, while silent, its result), and a call whose globals agree with an earlier
call's on every name the body can touch reuses that call's summary (``summaries``).
So nested loops and fanned-out calls cost in proportion to their size, not to the
number of paths through them.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, replace
from enum import Enum

from .ir import (
    ASSUMED,
    INITIAL,
    Bind,
    Branch,
    Call,
    Catch,
    CellIR,
    ClassBody,
    DefineFunction,
    Delete,
    Event,
    EventKind,
    FunctionIR,
    Jump,
    Loop,
    MaybeBind,
    Op,
    Opaque,
    Reset,
    Resolve,
    Scope,
    Try,
    Use,
    in_order,
)
from .state import Layer, Level, Settled, State, fresh_state, join, state_key
from .summaries import CallSummary, Recording, SummaryTable
from .transfer import LoopShape, LoopTransfers, loop_shape, marked_state, may_call_function

_MAX_FIXPOINT_ROUNDS = 12
_MAX_CALL_DEPTH = 6
_BOUND_KINDS = (EventKind.BIND, EventKind.ASSUMED)


class Status(Enum):
    BOUND = "bound"
    MAYBE = "maybe"
    UNBOUND = "unbound"
    UNKNOWN = "unknown"  # something nbscope cannot see through may have bound it


@dataclass(frozen=True, slots=True)
class Verdict:
    """A read that may fail: where, how sure, and the events that reach it.

    ``calls`` is the chain of calls, outermost first, through which a read in
    a function body ran; empty for a read made by the cell itself. ``certain``
    says the read runs whenever its cell runs (no branch or loop decides it).
    """

    use: Use
    status: Status
    events: frozenset[Event]
    certain: bool
    calls: tuple[Call, ...] = ()
    reported: bool = True  # False: judged for Run All's first failure only

    @property
    def cell(self) -> int:
        """The cell whose run fails: the outermost call's, or the read's own."""
        return self.calls[0].site.cell if self.calls else self.use.site.cell


# One pass through a loop: the body's end, its continues, its breaks, the head's end.
_Iteration = tuple[State, list[State], list[State], State]


@dataclass(slots=True)
class _LoopSummary:
    """A loop replayed silently from one entry state: its head's fixed point and result."""

    head: State
    result: State


class FrameKind(Enum):
    """What a frame of the replay is: where each kind of jump lands."""

    BLOCK = "block"  # a branch or the handlers of a ``try``: no jump lands here
    LOOP = "loop"
    TRY = "try"  # a ``try`` body, where raises land
    FUNCTION = "function"


class _Frame:
    """A compound statement being replayed, and whether a jump left it early."""

    __slots__ = ("kind", "escaped")

    def __init__(self, kind: FrameKind) -> None:
        self.kind = kind
        self.escaped = False


_BLOCK, _LOOP, _TRY, _FUNCTION = FrameKind.BLOCK, FrameKind.LOOP, FrameKind.TRY, FrameKind.FUNCTION
# Where each jump lands: the innermost frame of this kind (not left by the jump).
_JUMP_TARGET = {Jump.BREAK: FrameKind.LOOP, Jump.CONTINUE: FrameKind.LOOP,
                Jump.RETURN: FrameKind.FUNCTION, Jump.RAISE: FrameKind.TRY}


class Replay:
    """Runs cells over one evolving state and collects verdicts on failing reads.

    ``builtins`` are the names that resolve when no namespace binds them (the
    running Python's builtins and the names the kernel provides).
    """

    def __init__(self, builtins: Container[str],
                 literal_iterables: Container[str] = frozenset()) -> None:
        self.builtins = builtins
        # Names bound only to non-empty literals: a ``for`` over one runs its body.
        self.literal_iterables = literal_iterables
        self.verdicts: list[Verdict] = []
        self._silence = 0
        self._loops: list[tuple[list[State], list[State]]] = []
        self._returns: list[list[State]] = []
        self._catchers: list[list[State]] = []
        self._frames: list[_Frame] = []
        self._catching = 0  # how many ``try`` bodies with handlers the replay is inside
        self._calls: list[Call] = []
        self._active: list[FunctionIR] = []
        self._checking_locals = False
        self._pending_functions: list[FunctionIR] = []
        self._seen_functions: set[tuple[int, int]] = set()
        # Loops replayed in the current cell, by loop, context and entry state (a cell
        # starts from new levels, so older ones cannot match).
        self._loops_seen: dict[tuple[object, ...], _LoopSummary] = {}
        self._settled: dict[tuple[object, ...], Settled] = {}
        # Loops whose iteration has a closed form, by loop and number of layers (any cell).
        self._shapes: dict[Loop, LoopShape | None] = {}
        self._transfers: dict[tuple[Loop, int], LoopTransfers | None] = {}
        self._anchor: tuple[Level, ...] = ()  # the levels the current cell started from
        # Function bodies already followed, by the globals they can touch (any cell).
        self._summaries = SummaryTable()
        self._recordings: list[Recording] = []

    # --- public --------------------------------------------------------------------

    def run_cell(self, state: State, cell: CellIR) -> State:
        """Run one cell on ``state``; returns the state after it (the cell's end)."""
        state.layers[0].flatten()  # branches in this cell then copy only its own changes
        self._anchor = state.layers[0].levels
        self._loops_seen.clear()
        self._settled.clear()
        result = self.run(cell.body, state)
        result.dead = False  # the next cell runs whatever this one did
        result.certain = True
        return result

    def check_function_locals(self) -> None:
        """Judge local-variable reads in every function met so far, on their own."""
        self._loops_seen.clear()
        self._settled.clear()
        self._anchor = ()
        while self._pending_functions:
            function = self._pending_functions.pop()
            state = State([Layer(default=frozenset({ASSUMED})), _parameter_layer(function)])
            saved = self._checking_locals
            self._checking_locals = True
            try:
                self._run_function_body(function, state)
            finally:
                self._checking_locals = saved

    # --- interpretation -------------------------------------------------------------------

    def run(self, ops: Iterable[Op], state: State) -> State:
        for op in ops:
            state = self._step(op, state)
        return state

    def _step(self, op: Op, state: State) -> State:
        kind = type(op)
        if kind is Use:
            self._use(op, state)  # type: ignore[arg-type]
        elif kind is Bind:
            self._bind(state, op.depth, op.name, frozenset({op.event}))  # type: ignore[union-attr]
        elif kind is Call:
            state = self._call(op, state)  # type: ignore[arg-type]
        elif kind is Branch:
            state = self._branch(op, state)  # type: ignore[arg-type]
        elif kind is Loop:
            state = self._loop(op, state)  # type: ignore[arg-type]
        elif kind is Try:
            state = self._try(op, state)  # type: ignore[arg-type]
        elif kind is DefineFunction:
            self._define(op, state)  # type: ignore[arg-type]
        elif kind is ClassBody or kind is Scope:
            state = self._scope(op, state)  # type: ignore[arg-type]
        elif kind is Delete:
            if op.check is not None:  # type: ignore[union-attr]
                self._use(op.check, state)  # type: ignore[union-attr]
            self._bind(state, op.depth, op.name, frozenset({op.event}))  # type: ignore[union-attr]
        elif kind is MaybeBind:
            layer = self._layer(state, op.depth)  # type: ignore[union-attr]
            layer.set(op.name, layer.get(op.name) | {op.event})  # type: ignore[union-attr]
        elif kind is Opaque:
            self._opaque(state, op.event)  # type: ignore[union-attr]
        elif kind is Reset:
            state.layers[0] = Layer(default=frozenset({op.event}))  # type: ignore[union-attr]
        elif kind is Jump:
            state = self._jump(op, state)  # type: ignore[arg-type]
        return state

    @staticmethod
    def _layer(state: State, depth: int) -> Layer:
        while len(state.layers) <= depth:  # defensive: never index past the stack
            state.layers.append(Layer())
        return state.layers[depth]

    def _bind(self, state: State, depth: int, name: str, events: frozenset[Event]) -> None:
        self._layer(state, depth).set(name, events)

    @staticmethod
    def _opaque(state: State, event: Event) -> None:
        layer = state.layers[0]
        for name in layer.names():
            layer.set(name, layer.get(name) | {event})
        layer.default = layer.default | {event}

    # --- reads ------------------------------------------------------------------------------

    def lookup(self, use: Use, state: State) -> tuple[Status, frozenset[Event]]:
        name = use.name
        if use.resolve is Resolve.LOCAL:
            if use.depth >= len(state.layers):
                return Status.BOUND, frozenset()
            own = state.layers[use.depth].get(name)
            return _judge(own), own
        events = state.layers[0].get(name)
        if use.resolve is Resolve.NAME and 0 < use.depth < len(state.layers):
            own = state.layers[use.depth].get(name)
            if _judge(own) is Status.BOUND:
                return Status.BOUND, own
            # Where the class namespace lacks the name, Python falls back to globals.
            events = frozenset(e for e in own if e.kind is EventKind.BIND) | events
        status = _judge(events)
        if status is not Status.BOUND and name in self.builtins:
            status = Status.BOUND
        return status, events

    def _use(self, use: Use, state: State) -> None:
        if self._silence or state.dead:  # code after a jump never runs (as ``if False:``)
            return
        if self._checking_locals:
            if use.resolve is not Resolve.LOCAL or use.depth == 0:
                return
        status, events = self.lookup(use, state)
        if status is Status.BOUND:
            return
        # A function's own locals are reported once, by check_function_locals; at a
        # call they only tell where Run All first fails.
        reported = not (self._calls and use.resolve is Resolve.LOCAL and use.depth > 0)
        self.verdicts.append(Verdict(use, status, events, state.certain, tuple(self._calls),
                                     reported))

    # --- control flow -------------------------------------------------------------------------

    def _branch(self, op: Branch, state: State) -> State:
        single = op.exhaustive and len(op.paths) == 1
        if op.pure:
            certain = state.certain
            state.certain = certain and single
            for path in op.paths:
                self.run(path, state)
            state.certain = certain
            return state
        frame = self._push(_BLOCK)
        try:
            outcomes = [self.run(path, state.copy(certain=state.certain and single))
                        for path in op.paths]
        finally:
            self._frames.pop()
        if not op.exhaustive:
            outcomes.append(state)
        result = join(outcomes)
        result.certain = (state.certain and not any(o.dead for o in outcomes)
                          and not result.dead and not frame.escaped)
        return result

    def _push(self, kind: FrameKind) -> _Frame:
        frame = _Frame(kind)
        self._frames.append(frame)
        return frame

    def _loop(self, op: Loop, state: State) -> State:
        key = self._transfer_key(op, state)
        if key is not None:
            # Read here rather than in a helper: a nest of loops recurses through this,
            # and each frame less per level keeps deep nests off CPython's slow path
            # (a call that crosses a chunk of the frame stack allocates and frees it).
            transfers = self._transfers.get(key, _UNREAD)
            if transfers is _UNREAD:
                transfers = self._transfers[key] = self._read_transfers(op, state)
            if transfers is not None:
                return self._loop_in_closed_form(op, state, transfers)  # type: ignore[arg-type]
        # A loop met again on the same state (an enclosing loop's next round, or its
        # recording pass) needs no new fixed point; while silenced, not even a pass.
        key = (op, self._context(), state_key(state, self._anchor))
        known = self._loops_seen.get(key)
        if known is not None and self._silence:
            return known.result.copy()
        for layer in state.layers:  # the rounds below copy, join and compare only
            layer.settle(self._settled)  # their own changes
        frame = self._push(_LOOP)
        try:
            if known is not None:
                head_in, last = known.head, None
            else:
                head_in, last = self._fixpoint(op, state)
            if last is None or not self._silence:  # the recording pass, or not converged
                last = self._iteration(op, head_in)
            exits = self._exits(op, *last)
        finally:
            self._frames.pop()
        if not exits:
            result = _dead_copy(state)
        else:
            result = _leave(exits)
            result.certain = state.certain and not result.dead and not frame.escaped
        if not frame.escaped:  # a jump out of the loop has effects a summary would lose
            self._loops_seen[key] = _LoopSummary(head_in, result.copy())
        return result

    def _transfer_key(self, op: Loop, state: State) -> tuple[Loop, int] | None:
        """Where the loop's iteration may have a closed form for this entry state, the
        key of ``_transfers`` that holds it; None where it cannot."""
        if state.dead:
            return None
        shape = loop_shape(op, self._shapes)
        if (shape is None or (shape.raises and self._catchers)
                or may_call_function(shape, state)):
            return None
        return (op, len(state.layers))

    def _read_transfers(self, op: Loop, like: State) -> LoopTransfers | None:
        """Run one iteration silently from a marked state and read off what it does."""
        self._push(_LOOP)
        self._silence += 1
        try:
            iteration = self._iteration(op, marked_state(like), fresh=True)
        finally:
            self._silence -= 1
            self._frames.pop()
        return LoopTransfers.read(*iteration, len(like.layers))

    def _loop_in_closed_form(self, op: Loop, state: State, transfers: LoopTransfers) -> State:
        """The loop from its closed form: its head's fixed point at once, then one
        iteration to record verdicts on (none while silenced)."""
        head_in = transfers.head(state)
        frame = self._push(_LOOP)
        try:
            if not self._silence:
                last = self._iteration(op, head_in, fresh=True, for_exits=True)
            else:
                breaks = [way.apply(head_in) for way in transfers.breaks]
                if self._runs_once(op) and not op.infinite:
                    # ``_exits`` leaves from the ends of iterations, not from after the head
                    continues = [way.apply(head_in) for way in transfers.continues]
                    body_out = transfers.body_out.apply_in_place(head_in)
                    last = (body_out, continues, breaks, body_out)
                else:  # ``_exits`` leaves from after the head: no need for the others
                    after_head = transfers.after_head.apply_in_place(head_in)
                    last = (after_head, [], breaks, after_head)
            exits = self._exits(op, *last)
        finally:
            self._frames.pop()
        if not exits:
            return _dead_copy(state)
        result = _leave(exits)
        result.certain = state.certain and not result.dead and not frame.escaped
        return result

    def _fixpoint(self, op: Loop, entry: State) -> tuple[State, _Iteration | None]:
        """The state at the loop's head once another round changes nothing, with that
        last round's outcome (None when the rounds ran out first). Silent: a read's
        verdict is only known on the fixed point."""
        head_in = entry.copy()
        self._silence += 1
        try:
            for _ in range(_MAX_FIXPOINT_ROUNDS):
                last = self._iteration(op, head_in)
                again = join([entry, last[0], *last[1]])
                if again.same_as(head_in):
                    return head_in, last
                head_in = again
        finally:
            self._silence -= 1
        return head_in, None

    def _exits(self, op: Loop, body_out: State, continues: list[State],
               breaks: list[State], after_head: State) -> list[State]:
        """The states leaving the loop: its breaks, and the end of its ``else`` block."""
        if op.infinite:
            return breaks
        if self._runs_once(op):
            # The exhausted-iterator exit is only reached after an iteration.
            back = join([body_out, *continues]) if continues else body_out
            after_head = self.run(op.head, back) if op.head and not back.dead else back
        # A ``break`` skips the ``else`` block. (``after_head`` is this iteration's own:
        # the ``else`` block may change it in place.)
        after_head.certain = after_head.certain and not breaks
        return [self.run(op.orelse, after_head) if op.orelse else after_head, *breaks]

    def _context(self) -> tuple[object, ...]:
        """What besides the state decides what a silent replay of a construct does."""
        return (tuple(self._active), bool(self._catchers), self._checking_locals)

    def _runs_once(self, op: Loop) -> bool:
        return op.at_least_once or (op.over is not None and op.over in self.literal_iterables)

    def _iteration(self, op: Loop, head_in: State, fresh: bool = False,
                   for_exits: bool = False) -> _Iteration:
        """One pass through the loop from ``head_in`` (left as it is unless ``fresh``:
        a state no one else holds, which the pass may then change). ``for_exits``: the
        pass is only read by ``_exits``, which needs the state after the head only
        where the loop may end before an iteration, so elsewhere the body takes it."""
        after_head = head_in if fresh else head_in.copy()
        if op.head:
            after_head = self.run(op.head, after_head)
        breaks: list[State] = []
        continues: list[State] = []
        self._loops.append((breaks, continues))
        try:
            runs_once = self._runs_once(op)
            if for_exits and (runs_once or op.infinite):
                body_state = after_head
                body_state.certain = after_head.certain and runs_once
            else:
                body_state = after_head.copy(certain=after_head.certain and runs_once)
            step = self._step  # ``run`` inlined: one frame less per level of a nest
            for inner in op.body:
                body_state = step(inner, body_state)
            body_out = body_state
        finally:
            self._loops.pop()
        return body_out, continues, breaks, after_head

    def _try(self, op: Try, state: State) -> State:
        catching = bool(op.handlers)
        diverted = self._divert_exits() if op.has_final else None
        points: list[State] = [state.copy()]
        self._catchers.append(points)
        body_frame = self._push(_TRY)
        self._catching += catching
        first_verdict = len(self.verdicts)
        try:
            current = state.copy()
            for index, inner in enumerate(op.body):
                if catching and index == op.first_statement:
                    current.certain = False  # an earlier statement may have raised
                current = self._step(inner, current)
                if not current.dead:
                    points.append(current.copy())
        finally:
            self._catching -= catching
            self._frames.pop()
            self._catchers.pop()
        body_verdicts = len(self.verdicts)
        outcomes = []
        frame = self._push(_BLOCK)
        try:
            if not current.dead:
                # ``else`` runs only when the body raised nothing.
                outcomes.append(self.run(op.orelse, current.copy(
                    certain=current.certain and not catching)))
            if catching:
                caught = join(points)
                caught.certain = False
                for handler in op.handlers:
                    outcomes.append(self.run(handler.body, caught.copy()))
        finally:
            self._frames.pop()
        if diverted is not None:
            self._finish_exits(diverted, op.final)
        result = join(outcomes) if outcomes else _dead_copy(state)
        result.certain = (state.certain and not result.dead and not frame.escaped
                          and not body_frame.escaped)
        if op.has_final:
            result = self._finally(op, state, result, points, first_verdict, body_verdicts)
        return result

    def _divert_exits(self) -> tuple[list[State], list[State], list[State]]:
        """Collect the breaks, continues and returns of a ``try`` with ``finally`` apart,
        so that they pass through the ``finally`` block on their way out."""
        diverted: tuple[list[State], list[State], list[State]] = ([], [], [])
        if self._loops:
            self._loops.append((diverted[0], diverted[1]))
        if self._returns:
            self._returns.append(diverted[2])
        return diverted

    def _finish_exits(self, diverted: tuple[list[State], list[State], list[State]],
                      final: tuple[Op, ...]) -> None:
        if self._loops and self._loops[-1][0] is diverted[0]:
            self._loops.pop()
        if self._returns and self._returns[-1] is diverted[2]:
            self._returns.pop()
        targets = [self._loops[-1][0] if self._loops else None,
                   self._loops[-1][1] if self._loops else None,
                   self._returns[-1] if self._returns else None]
        for states, target in zip(diverted, targets, strict=True):
            for exit_state in states:
                after = self.run(final, exit_state.copy(certain=False))
                if target is not None and not after.dead:
                    target.append(after)

    def _finally(self, op: Try, entry: State, result: State, points: list[State],
                 first_verdict: int, body_verdicts: int) -> State:
        """Run ``finally``, which runs after the body completed and after it raised.

        Its reads are judged once, on both ways in together (a name the body may not
        have bound when it raised is only maybe bound there). Whatever the block raises
        replaces the body's NameError, so no read in the body is certain to be the one
        Run All stops at. The state after the statement is the normal way's.
        """
        raised = join(points)
        either = join([result, raised])
        either.certain = entry.certain  # ``finally`` runs whenever the statement does
        after_either = self.run(op.final, either)
        for index in range(first_verdict, body_verdicts):
            verdict = self.verdicts[index]
            if verdict.certain:
                self.verdicts[index] = replace(verdict, certain=False)
        if self._catchers and not after_either.dead:
            self._catchers[-1].append(after_either)  # the exception goes on after it
        if result.dead:
            return result
        self._silence += 1
        try:
            return self.run(op.final, result)
        finally:
            self._silence -= 1

    def _jump(self, jump: Jump, state: State) -> State:
        if state.dead:
            return state
        if jump is not Jump.RAISE or self._catchers:
            self._escape(_JUMP_TARGET[jump])
        if jump is Jump.BREAK and self._loops:
            self._loops[-1][0].append(state.copy())
        elif jump is Jump.CONTINUE and self._loops:
            self._loops[-1][1].append(state.copy())
        elif jump is Jump.RETURN and self._returns:
            self._returns[-1].append(state.copy())
        elif jump is Jump.RAISE and self._catchers:
            self._catchers[-1].append(state.copy())
        return _dead_copy(state)

    def _escape(self, target: FrameKind) -> None:
        """Mark the frames a jump leaves, up to the one it lands in."""
        for frame in reversed(self._frames):
            if frame.kind is target:
                return
            frame.escaped = True

    # --- scopes and functions ---------------------------------------------------------------

    def _scope(self, op: ClassBody | Scope, state: State) -> State:
        outer_depth = len(state.layers)
        del state.layers[op.depth:]
        self._layer(state, op.depth - 1)
        state.layers.append(Layer())
        state = self.run(op.body, state)
        del state.layers[op.depth:]
        while len(state.layers) < min(outer_depth, op.depth):
            state.layers.append(Layer())
        if isinstance(op, ClassBody):
            self._bind(state, op.bind.depth, op.bind.name, frozenset({op.bind.event}))
        return state

    def _define(self, op: DefineFunction, state: State) -> None:
        self._bind(state, op.depth, op.name, frozenset({op.event}))
        function = op.event.function
        if function is not None and function.key not in self._seen_functions:
            self._seen_functions.add(function.key)
            self._pending_functions.append(function)

    def _call(self, op: Call, state: State) -> State:
        if self._checking_locals or state.dead or len(self._active) >= _MAX_CALL_DEPTH:
            return state
        probe = Use(op.name, op.site, op.resolve, op.depth)
        _, events = self.lookup(probe, state)
        if all(e.function is None for e in events):  # most calls: a builtin, a class
            return state
        targets = [e.function for e in in_order(events)
                   if e.kind is EventKind.BIND and e.function is not None]
        callable_targets = [f for f in dict.fromkeys(targets)
                            if not (f.is_generator or f.is_async) and f not in self._active]
        if not callable_targets:
            return state
        # The body surely runs only if the name surely holds this one function, and
        # runs to its end only if no ``try`` around the call may catch what it raises.
        surely = len(callable_targets) == 1 and len(events) == 1 and not self._catching
        # A call whose arguments cannot match raises TypeError before the body runs.
        outcomes = [state if _rejects(function, op) else self._enter(function, op, state, surely)
                    for function in callable_targets]
        if len(callable_targets) < len(events):
            outcomes.append(state)  # the name may hold something else, called without effect
        merged = join(outcomes)
        state.layers[0] = merged.layers[0]
        return state

    def _enter(self, function: FunctionIR, call: Call, state: State, surely: bool) -> State:
        certain = state.certain and surely
        context = (function, certain, bool(self._silence), self._context())
        globals_in = state.layers[0]
        if function.imported_before:
            globals_in = _imports_done(globals_in.copy(), function)
        known = self._summaries.find(context, globals_in)
        if known is not None:  # globals agree on all the body can touch: it does the same
            if self._recordings:
                self._recordings[-1].add(known.footprint)
            self._repeat_verdicts(known, call)
            return State([known.apply(globals_in)], certain)
        recording = Recording.starting(self._summaries.footprint_of(function))
        self._recordings.append(recording)
        first_verdict = len(self.verdicts)
        frame = State([globals_in.copy(), _parameter_layer(function)], certain)
        self._calls.append(call)
        self._active.append(function)
        saved_loops, saved_catchers, saved_catching = self._loops, self._catchers, self._catching
        self._loops, self._catchers, self._catching = [], [], 0
        try:
            result, escaped = self._run_function_body(function, frame)
        finally:
            self._loops, self._catchers, self._catching = (saved_loops, saved_catchers,
                                                           saved_catching)
            self._active.pop()
            self._calls.pop()
            self._recordings.pop()
        footprint = recording.footprint()
        if self._recordings:
            self._recordings[-1].add(footprint)
        if not escaped:  # a jump out of the body has effects a summary would lose
            written = tuple((name, result.layers[0].get(name)) for name in footprint.writes)
            self._summaries.store(context, globals_in, CallSummary(
                footprint, written, tuple(self.verdicts[first_verdict:]), len(self._calls)))
        return result

    def _repeat_verdicts(self, summary: CallSummary, call: Call) -> None:
        """Record a summarised body's verdicts again, as reached through ``call`` now."""
        calls = (*self._calls, call)
        depth = summary.depth + 1
        for verdict in summary.verdicts:
            assert isinstance(verdict, Verdict)
            if verdict.calls[:depth] != calls:
                verdict = replace(verdict, calls=calls + verdict.calls[depth:])
            self.verdicts.append(verdict)

    def _run_function_body(self, function: FunctionIR, state: State) -> tuple[State, bool]:
        """The state after the body, and whether a jump left it other than by ``return``."""
        returns: list[State] = []
        self._returns.append(returns)
        frame = self._push(_FUNCTION)
        try:
            end = self.run(function.body, state)
        finally:
            self._frames.pop()
            self._returns.pop()
        result = join([end, *returns])
        result.dead = False
        return result, frame.escaped


def _parameter_layer(function: FunctionIR) -> Layer:
    bound = frozenset({ASSUMED})
    return Layer(delta={name: bound for name in function.params})


def _rejects(function: FunctionIR, call: Call) -> bool:
    return (function.signature is not None and call.arguments is not None
            and function.signature.rejects(call.arguments))


def _imports_done(globals_layer: Layer, function: FunctionIR) -> Layer:
    """Where the function exists, the imports before it in its ``try`` body succeeded:
    no path on which such a name was never bound reaches its body."""
    for name in function.imported_before:
        events = globals_layer.get(name)
        if INITIAL in events and len(events) > 1:
            globals_layer.set(name, events - {INITIAL})
    return globals_layer


def _judge(events: frozenset[Event]) -> Status:
    bound_somewhere = False
    unknown = False
    missing = False
    for event in events:
        if event.kind in _BOUND_KINDS:
            bound_somewhere = True
        elif event.kind is EventKind.OPAQUE or event.kind is EventKind.UNKNOWN:
            unknown = True
        else:
            missing = True
    if not missing and not unknown:
        return Status.BOUND
    if unknown:
        return Status.UNKNOWN if not bound_somewhere or missing else Status.BOUND
    return Status.MAYBE if bound_somewhere else Status.UNBOUND


_UNREAD = object()  # a loop whose closed form has not been read yet


def _leave(exits: list[State]) -> State:
    """The state after a loop: its ways out joined (each a state of the loop's own,
    so a single one is taken as it is)."""
    if len(exits) == 1:
        return exits[0]
    return join(exits)


def _dead_copy(state: State) -> State:
    dead = state.copy()
    dead.dead = True
    return dead


__all__ = ["Replay", "State", "Status", "Verdict", "fresh_state", "join", "Catch"]
