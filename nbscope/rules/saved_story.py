"""What the saved traces say happened before a saved NameError, without words.

A NameError saved in a cell's outputs is classified into a ``Story`` (deleted,
failed definition or import, restart, out of order) from the execution history,
the cells that bind the name and the saved errors. ``saved_session`` words it.
Pure: reads the ``Facts`` and the ``History`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from ..dataflow.ir import (
    Bind,
    BindingKind,
    Catch,
    CellIR,
    ClassBody,
    Construct,
    DefineFunction,
    Delete,
    MaybeBind,
    Op,
    Site,
    Use,
    walk,
)
from ..history import Evidence, History, Order, ran
from ..model import Cell, SavedError, Span
from .base import Facts

_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
_ERROR_LINE = re.compile(r"(?:Cell In ?\[\d*\], line (\d+))|(?:^-+> ?(\d+))", re.M)
# For cells that are not valid Python, which have no lowered code to ask.
EVALUATES_TEXT = re.compile(r"\b(?:eval|exec|run_line_magic|run_cell)\s*\(|^\s*[%!]", re.M)
MISSING_MODULE = re.compile(r"No module named '([\w.]+)'")


def saved_name_errors(cell: Cell) -> list[str]:
    """Names of the NameErrors saved in ``cell``'s outputs."""
    names = []
    for error in cell.errors:
        if error.ename == "NameError":
            match = _NAME_ERROR.search(error.evalue)
            if match and match.group(1) not in names:
                names.append(match.group(1))
    return names


def error_line(error: SavedError) -> int | None:
    """The line of the cell the saved traceback points at first, if it says."""
    match = _ERROR_LINE.search("\n".join(error.plain_traceback))
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def definitions(facts: Facts, name: str, cell: int) -> list[int]:
    """Cells other than ``cell`` that bind ``name`` at module level (or as a global)."""
    cells = {site.site.cell for site in facts.module_sites(name)}
    cells |= {site.site.cell for site in facts.global_writes(name)}
    # A cell that is not valid Python binds nothing, whatever it was meant to bind.
    cells |= {cell.cell for cell in facts.cell_facts.values() if not cell.parsed
              and name in cell.unknown_names
              and _assigns_in_text(facts.cells[cell.cell].source, name)}
    cells.discard(cell)
    return sorted(cells)


def _assigns_in_text(source: str, name: str) -> bool:
    """Whether unparsable ``source`` looks like it assigns ``name`` (``name = ...``,
    ``def name``, ``import ... name``, ``for name in``, ``as name``)."""
    word = re.escape(name)
    pattern = (rf"(?<![\w.])(?:{word}\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"
               rf"|{word}\s*,[^=\n]*=(?!=)|(?:def|class|for|as|import)\s+{word}\b"
               rf"|import\s+[^\n]*,\s*{word}\b)")
    return re.search(pattern, source) is not None


def unparsable(facts: Facts, cell: int) -> bool:
    found = facts.cell_facts.get(cell)
    return found is not None and not found.parsed


def session_evidence(facts: Facts) -> Evidence:
    """What each saved run needed or lacked, for choosing the story of the sessions: the
    names each run bound, the names a run without error read from earlier runs, the
    names a saved NameError says were missing."""
    binds: dict[int, frozenset[str]] = {}
    for found in facts.cell_facts.values():
        cell = facts.cells[found.cell]
        if not ran(cell):
            continue
        names = {site.name for site in found.bindings if site.scope.is_module
                 or site.binding is BindingKind.GLOBAL_IN_FUNCTION}
        if cell.errors or not found.parsed:
            names = {name for name in names if not failed_before_binding(facts, cell.index, name)}
        binds[cell.index] = frozenset(names)
    needs: dict[int, frozenset[str]] = {}
    name_errors: dict[int, frozenset[str]] = {}
    for index in binds:
        cell, program = facts.cells[index], facts.irs.get(index)
        readable = program is not None and facts.cell_facts[index].parsed \
            and not facts.cell_facts[index].opaque
        needed = _entry_reads(program) if readable and program is not None else frozenset()
        missing = saved_name_errors(cell)
        if missing and readable:
            # A NameError the cell's current code can raise tells about the session, even
            # from under a loop or an ``if``: the name was unbound when that line ran, and
            # only the cell's own ``del`` (or ``except ... as``) could have unbound it
            # since it started. One its code no longer raises is stale (edited since), and
            # one for a name the cell binds itself may be either.
            name_errors[index] = frozenset(
                name for name in missing if name in needed or (
                    reads(facts, cell, name) and not _unbinds(program.body, name)
                    and not any(site.name == name and site.scope.is_module
                                for site in facts.cell_facts[index].bindings)))
        elif not cell.errors and readable:
            # Only names another cell binds tell which session a run was in.
            needs[index] = frozenset(n for n in needed
                                     if any(n in names for other, names in binds.items()
                                            if other != index))
    return Evidence(needs, binds, name_errors)


def _entry_reads(program: CellIR) -> frozenset[str]:
    """Names the cell's straight-line top level reads before binding them itself: a run
    that raised no error found each of them bound."""
    bound: set[str] = set()
    needed: set[str] = set()
    for op in program.body:
        if isinstance(op, Use) and op.depth == 0 and op.catch is Catch.NONE \
                and op.name not in bound:
            needed.add(op.name)
        elif isinstance(op, (Bind, MaybeBind, DefineFunction)) and op.depth == 0:
            bound.add(op.name)
        elif isinstance(op, ClassBody):
            bound.add(op.bind.name)
    return frozenset(needed)


class Story(Enum):
    """What the saved session says happened before a saved NameError."""

    DELETED = "deleted"  # a ``del`` ran after every run that bound it
    FAILED_DEFINITION = "failed-definition"  # the defining cell raised before binding it
    FAILED_IMPORT = "failed-import"  # the defining import raised ModuleNotFoundError
    RESTART = "restart"  # it was bound only in an earlier kernel session
    OUT_OF_ORDER = "out-of-order"  # the defining cell ran later, or never
    EDITED = "edited"  # the defining cell ran before, in a version that did not bind it


@dataclass(frozen=True, slots=True)
class SavedRead:
    """A saved NameError for ``name`` in ``cell``, classified.

    ``source`` is the cell that explains it (the deletion, the failed definition,
    the definition run before a restart or after this cell); ``orders`` says when
    each defining cell last ran compared with this cell.
    """

    cell: Cell
    name: str
    story: Story | None  # None: a stale output, no story to tell
    source: int
    orders: dict[int, Order]
    defined_below: bool


def classify(facts: Facts, history: History, cell: Cell, name: str) -> SavedRead | None:
    """Which story the saved traces tell about this NameError, or None if none fits."""
    if evaluates_text(facts, cell) and not reads(facts, cell, name):
        return None  # the name came from text the cell evaluated (``eval(input())``)
    defining = definitions(facts, name, cell.index)
    if not defining:
        return None
    if not ran(cell):
        # No count (or 0, written by an export tool) but a saved error: only document
        # order is known, and which cells show no sign of having run at all.
        orders = {d: _uncounted_order(facts, d, cell.index) for d in defining}
    else:
        orders = {d: history.order(d, cell.index) for d in defining}
    below = all(d > cell.index for d in defining)

    def story(kind: Story, source: int) -> SavedRead:
        return SavedRead(cell, name, kind, source, orders, below)

    deleting = [d for d in deletions(facts, name)
                if d != cell.index and history.order(d, cell.index) is Order.BEFORE]
    bound_before = [d for d, order in orders.items()
                    if order is Order.BEFORE and not failed_before_binding(facts, d, name)]
    if deleting and all(any(history.order(x, d) is Order.AFTER for x in deleting)
                        for d in bound_before):
        return story(Story.DELETED, max(deleting, key=lambda c: facts.execution_count(c) or 0))
    # A cell that binds the name and ran before, or that is not valid Python now yet
    # showed a run without error: the version that ran was another (edited since).
    edited = bound_before + [d for d, order in orders.items() if order is Order.BEFORE
                             and unparsable(facts, d) and ran_cleanly(facts.cells[d])]
    if edited:
        return story(Story.EDITED, max(edited, key=lambda c: facts.execution_count(c) or 0))
    # A definition that failed explains the NameError whichever session it ran in.
    failed = [d for d, order in orders.items()
              if (order in (Order.BEFORE, Order.EARLIER_SESSION)
                  or (order is Order.UNKNOWN and d < cell.index))
              and (facts.cells[d].errors
                   or (unparsable(facts, d) and not ran_cleanly(facts.cells[d])))
              and failed_before_binding(facts, d, name)]
    if failed:
        d = failed[-1]
        errors = facts.cells[d].errors
        missing = errors and MISSING_MODULE.search(errors[0].evalue)
        if missing and _imports_from(facts, d, name, missing.group(1)):
            return story(Story.FAILED_IMPORT, d)
        return story(Story.FAILED_DEFINITION, d)
    earlier = [d for d, order in orders.items() if order is Order.EARLIER_SESSION]
    if earlier:
        # The definition to run again after the restart: the nearest one above the cell.
        nearest = max(earlier, key=lambda d: (d < cell.index, -abs(d - cell.index)))
        return story(Story.RESTART, nearest)
    later = [d for d, order in orders.items()
             if order in (Order.AFTER, Order.LATER_SESSION, Order.NEVER_RAN)]
    if later:
        # Cite a definition that can work: running a cell that fails binds nothing.
        d = next((x for x in later if not failed_before_binding(facts, x, name)), later[0])
        return story(Story.OUT_OF_ORDER, d)
    return None


def _imports_from(facts: Facts, cell: int, name: str, module: str) -> bool:
    """Whether ``cell`` binds ``name`` by importing it from ``module`` (or the package it
    is in), not by some other statement the missing module stopped."""
    found = facts.cell_facts.get(cell)
    if found is None or not found.parsed:
        return True  # nothing tells: the missing module is the likeliest source
    top = module.split(".")[0]
    return any(record.module.split(".")[0] == top
               and (record.star or record.alias == name
                    or any(alias == name for alias, _ in record.names)
                    or (not record.names and top == name))
               for record in found.imports)


def ran_cleanly(cell: Cell) -> bool:
    """Whether the cell's saved outputs show a run that raised nothing (outputs, no error)."""
    return ran(cell) and not cell.errors and cell.output_count > 0


def _uncounted_order(facts: Facts, d: int, cell: int) -> Order:
    """When defining cell ``d`` ran, for a cell whose saved error has no count. In a
    notebook whose other cells keep their counts (not cleared), a cell with neither a
    count nor an output never ran."""
    found = facts.cells[d]
    counted = any(ran(other) for other in facts.notebook.code_cells)
    if counted and not ran(found) and found.output_count == 0:
        return Order.NEVER_RAN
    return Order.BEFORE if d < cell else Order.UNKNOWN


def deletions(facts: Facts, name: str) -> list[int]:
    """Cells that delete ``name`` from the notebook's namespace (``del name``)."""
    return sorted(ir.cell for ir in facts.irs.values() if _deletes(ir.body, name))


def _unbinds(ops: Iterable[Op], name: str) -> bool:
    """Whether the code unbinds ``name`` anywhere (``del``, the end of ``except ... as``)."""
    return any(isinstance(op, Delete) and op.name == name for op in walk(ops))


def _deletes(ops: Iterable[Op], name: str) -> bool:
    return any(isinstance(op, Delete) and op.name == name and op.depth == 0
               and op.event.construct is not Construct.EXCEPT_UNBINDING for op in walk(ops))


def code_part(line: str) -> str:
    """``line`` without a trailing ``#`` comment (a ``#`` outside quotes)."""
    if "#" not in line:
        return line
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def failure_name(facts: Facts, cell: int) -> str:
    """The exception a failed cell raised: its saved error, else the SyntaxError of a
    cell that is not valid Python."""
    errors = facts.cells[cell].errors
    return errors[0].ename if errors else "SyntaxError"


def failed_before_binding(facts: Facts, cell: int, name: str) -> bool:
    if unparsable(facts, cell):
        return True
    errors = facts.cells[cell].errors if cell in facts.cells else ()
    if not errors:
        return False
    line = error_line(errors[0])
    binding = site_of(facts, cell, name).span
    if line is None or binding is None or line <= binding.line:
        return True
    # Raised on a later line of the same statement (``x = f(\n  ...)``): still before
    # the assignment, which happens once the whole right-hand side is computed.
    lines = facts.cells[cell].source.split("\n")[binding.line - 1:line - 1]
    code = [code_part(text) for text in lines]
    depth = sum(text.count(o) - text.count(c) for text in code for o, c in ("()", "[]", "{}"))
    return depth > 0


def site_of(facts: Facts, cell: int, name: str) -> Site:
    sites = [s for s in facts.module_sites(name) + facts.global_writes(name)
             if s.site.cell == cell]
    return sites[0].site if sites else Site(cell, None)


def reads(facts: Facts, cell: Cell, name: str) -> bool:
    """Whether the cell's code reads ``name`` (in its own code or a function it defines).

    A cell that is not valid Python has no lowered code: its text is searched instead.
    """
    found = facts.cell_facts.get(cell.index)
    program = facts.irs.get(cell.index)
    if found is None or program is None or not found.parsed:
        return read_span(cell.source, name) is not None
    return (any(isinstance(op, Use) and op.name == name for op in walk(program.body))
            or any(use.name == name for use in found.function_reads))


def evaluates_text(facts: Facts, cell: Cell) -> bool:
    """Whether the cell runs code built from text (``eval(input())``, a magic, ``!cmd``)."""
    found = facts.cell_facts.get(cell.index)
    if found is None or not found.parsed:
        return EVALUATES_TEXT.search(cell.source) is not None
    return found.evaluates_text


def read_span(source: str, name: str) -> Span | None:
    """The first place ``name`` appears as a word in the cell (the read that failed)."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")
    for number, line in enumerate(source.split("\n"), start=1):
        match = pattern.search(code_part(line))
        if match:
            return Span(number, match.start() + 1, number, match.end() + 1)
    return None
