"""The one engine: a ``Notebook`` in, its findings and first Run-All failure out.

Pure: everything outside the notebook's text comes through the ``Workspace``-like
object passed in (module and script lookups); nothing is printed or written.
"""

from __future__ import annotations

from .dataflow.cellfacts import CellFacts, literal_iterables
from .dataflow.ipython import build_cell
from .dataflow.ir import BindingKind, Catch, Resolve, Site
from .dataflow.replay import Replay, Status, Verdict, fresh_state
from .environment import Environment, NoEnvironment
from .findings import Cause, Finding, FirstFailure, NotebookReport, Severity
from .history import reconstruct
from .model import Notebook
from .names import PROVIDED, ProvidedNames
from .rules import not_python, saved_session
from .rules.base import Facts
from .rules.explain import explain
from .rules.per_cell import one_per_name_and_cell
from .rules.saved_story import session_evidence
from .runtimes import injected_names


def check_notebook(notebook: Notebook, workspace: Environment | None = None, *,
                   extra_builtins: frozenset[str] = frozenset()) -> NotebookReport:
    """Analyse one notebook as Restart & Run All would run it (document order).

    ``workspace`` answers questions about files and modules (``Workspace``); without
    one, no module or script is known. ``extra_builtins`` are names the kernel or a
    framework injects (configuration).
    """
    world: Environment = workspace if workspace is not None else NoEnvironment()
    language = notebook.language
    if language is not None and not language.startswith(("python", "ipython")):
        facts = Facts(notebook, (), (), world)
        return NotebookReport(notebook.path, findings=(not_python.finding(facts, language),))
    lowered = [build_cell(cell.index, cell.source, world) for cell in notebook.code_cells]
    programs = [program for program, _ in lowered]
    cell_facts = [cell for _, cell in lowered]
    injected = extra_builtins | injected_names(
        notebook, (record.module for cell in cell_facts for record in cell.imports))
    provided = ProvidedNames(PROVIDED.extra | injected) if injected else PROVIDED
    replay = Replay(provided, literal_iterables(cell_facts))
    state = fresh_state()
    for program in programs:
        state = replay.run_cell(state, program)
    replay.check_function_locals()
    facts = Facts(notebook, programs, cell_facts, world)
    code_findings = explain(facts, replay.verdicts, provided)
    failing_reads = _failing_reads(replay.verdicts)
    findings = one_per_name_and_cell(sorted(
        saved_session.findings(facts, reconstruct(notebook, lambda: session_evidence(facts)),
                               code_findings, failing_reads),
        key=_position), _stops(replay.verdicts))
    return NotebookReport(
        path=notebook.path,
        findings=tuple(findings),
        first_failure=_first_failure(cell_facts, replay.verdicts, findings),
    )


def _failing_reads(verdicts: list[Verdict]) -> dict[tuple[int, str], bool]:
    """The (cell, name) reads that raise whenever their cell runs (True), or whenever a
    loop around them runs an iteration (False): a run of the cell without error then
    shows the name was bound, unless such a loop ran zero times."""
    reads: dict[tuple[int, str], bool] = {}
    for v in verdicts:
        if v.status is not Status.UNBOUND or v.use.catch is not Catch.NONE:
            continue
        key = (v.cell, v.use.name)
        if v.certain:
            reads[key] = True
        elif (not v.calls and v.use.guard_path
              and all(guard.is_loop for _, _, guard in v.use.guard_path)):
            reads.setdefault(key, False)
    return reads


def bound_names(source: str, workspace: Environment | None = None) -> frozenset[str]:
    """The names one cell's code binds in the notebook's namespace when it runs to the
    end (top level, or ``global`` in a function), read as every cell is read here."""
    _, facts = build_cell(1, source, workspace if workspace is not None else NoEnvironment())
    return frozenset(site.name for site in facts.bindings if site.scope.is_module
                     or site.binding is BindingKind.GLOBAL_IN_FUNCTION)


def _position(finding: Finding) -> tuple[int, int, int, str, str]:
    span = finding.span
    return (finding.cell, span.line if span else 0, span.column if span else 0, finding.code,
            finding.name or "")


def _failing_site(verdict: Verdict) -> Site:
    """Where in its cell the failing read runs: the call that reaches it, if any."""
    return verdict.calls[0].site if verdict.calls else verdict.use.site


def _line_column(verdict: Verdict) -> tuple[int, int]:
    span = _failing_site(verdict).span
    return (span.line, span.column) if span else (0, 0)


def _stops_run_all(verdict: Verdict) -> bool:
    """A certain, uncaught failing read: its cell stops there whenever it runs."""
    return (verdict.status is Status.UNBOUND and verdict.certain
            and verdict.use.catch is Catch.NONE and not _judged_alone(verdict))


def _stops(verdicts: list[Verdict]) -> set[tuple[int, int, int]]:
    """Where cells certainly stop, as (cell, line, column)."""
    sites = (_failing_site(v) for v in verdicts if _stops_run_all(v))
    return {(at.cell, at.span.line, at.span.column) for at in sites if at.span is not None}


def _judged_alone(verdict: Verdict) -> bool:
    """A function's local read judged without a call: it fails only if called."""
    use = verdict.use
    return not verdict.calls and use.resolve is Resolve.LOCAL and use.depth > 0


def _always_runs_import(cells: list[CellFacts], found: Finding) -> bool:
    """Whether the import ``found`` (a missing module) runs whenever its cell runs to that
    line: at the top level of the cell, not under an ``if``, a loop or a ``try``."""
    line = found.span.line if found.span else None
    facts = next((c for c in cells if c.cell == found.cell), None)
    if facts is None or line is None:
        return False
    imports = [b for b in facts.bindings if b.binding is BindingKind.IMPORT
               and b.site.span is not None and b.site.span.line == line]
    return bool(imports) and all(b.scope.is_module and b.guard is None for b in imports)


def _first_failure(cells: list[CellFacts], verdicts: list[Verdict],
                   findings: list[Finding]) -> FirstFailure | None:
    """The first cell where Run All certainly stops: a syntax error, an import of a name
    the notebook's own module lacks (ImportError), an import of a module that is certainly
    missing (ModuleNotFoundError: an error finding, not one that may be merely not
    installed here), or a certain NameError."""
    failing = next((v for v in verdicts if _stops_run_all(v)), None)
    broken = next((c for c in cells if c.syntax_error is not None), None)
    if broken is not None and (failing is None or broken.cell <= failing.cell):
        return FirstFailure(broken.cell, None, "SyntaxError")
    failed_import = next((f for f in findings if f.severity is Severity.ERROR and (
        f.cause is Cause.MISSING_NAME
        or (f.cause is Cause.MISSING_MODULE and _always_runs_import(cells, f)))), None)
    if failed_import is not None and (failing is None or _position(failed_import)[:3]
                                      <= (failing.cell, *_line_column(failing))):
        error = "ImportError" if failed_import.cause is Cause.MISSING_NAME \
            else "ModuleNotFoundError"
        return FirstFailure(failed_import.cell, failed_import.name, error)
    if failing is None:
        return None
    local = failing.use.resolve is Resolve.LOCAL and failing.use.depth > 0
    error = "UnboundLocalError" if local and not failing.use.free else "NameError"
    return FirstFailure(failing.cell, failing.use.name, error)
