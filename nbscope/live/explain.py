"""Explain one live NameError (or UnboundLocalError) with the CLI's engine and this
session's facts.

The engine (``check_notebook``) reads the notebook overlaid with this session's runs
(``overlay``), cut to the cells that can matter for the name (``relevant``), so its
saved-session rules explain the failure from the session's own counts and errors: the
defining cell has not run, ran and raised, or ran before a ``del``. Code findings explain
the rest (a function-local name, a typo, a missing import or module). This module adds
what only a live kernel knows: whether the defining cell ran before a restart (the
document's saved count, IPython's history database), code that bound the name but is no
longer in the notebook, and names in the kernel's namespace. Pure: everything outside
comes in through ``KernelFacts``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..analyze import bound_names, check_notebook
from ..findings import Cause, Evidence, Finding
from .history_db import PastInput, notebook_sessions
from .overlay import LiveNotebook
from .relevant import relevant_slice


@dataclass(frozen=True, slots=True)
class Failure:
    """The error being explained: its type, the missing name, the run that raised it."""

    ename: str
    name: str
    count: int


@dataclass(frozen=True)
class KernelFacts:
    """What the kernel knows beyond the notebook: earlier sessions' inputs (read only when
    needed), the names in the kernel's namespace, and the modules around the notebook."""

    past_inputs: Callable[[], list[PastInput]] = list
    namespace: Iterable[str] = ()
    workspace: object | None = None


@dataclass(frozen=True, slots=True)
class LiveExplanation:
    """What nbscope says under the traceback.

    ``cell`` is the failing cell's number in the notebook (None if unknown); ``cause`` is a
    contract cause value; ``facts`` are supporting lines; ``note`` says where the cells come
    from when it is not a notebook file; ``finding`` is the engine's finding it rests on.
    """

    ename: str
    name: str
    count: int
    cell: str | None
    cause: str | None
    message: str
    fix: str | None
    facts: tuple[str, ...] = ()
    note: str | None = None
    finding: Finding | None = field(default=None, compare=False)


def explain(live: LiveNotebook, failure: Failure, evidence: KernelFacts) -> LiveExplanation:
    """The explanation of ``failure`` in ``live``'s notebook and session."""
    cell = live.cell_of(failure.count)
    sliced = relevant_slice(live.notebook, failure.name, {cell} if cell else set())
    findings = check_notebook(sliced, evidence.workspace).findings
    found = _pick(findings, cell, failure)
    if found is None and len(sliced.cells) < len(live.notebook.code_cells):
        # Nothing in the slice explains it: ask about the whole notebook before giving up.
        findings = check_notebook(live.notebook, evidence.workspace).findings
        found = _pick(findings, cell, failure)
    return _Composer(live, failure, evidence, cell, findings).compose(found)


def _pick(findings: Iterable[Finding], cell: int | None, failure: Failure) -> Finding | None:
    """The engine's finding about this read: in the failing cell first, session evidence
    first; an UnboundLocalError may be reported where the function is defined."""
    named = [f for f in findings if f.name == failure.name and f.cause is not None]
    here = [f for f in named if f.cell == cell]
    here.sort(key=lambda f: f.evidence is not Evidence.SAVED_SESSION)
    if here:
        return here[0]
    scoped = (Cause.UNBOUND_LOCAL, Cause.FUNCTION_LOCAL)
    return next((f for f in named if f.cause in scoped), None)


class _Composer:
    """Words for one explanation; one method per kind of cause."""

    def __init__(self, live: LiveNotebook, failure: Failure, evidence: KernelFacts,
                 cell: int | None, findings: tuple[Finding, ...]) -> None:
        self.live, self.failure, self.evidence, self.cell = live, failure, evidence, cell
        self.findings = findings
        self.name = failure.name
        self._past: list[PastInput] | None = None

    def compose(self, found: Finding | None) -> LiveExplanation:
        if found is None:
            return self._gone() or self._namespace_typo() or self._unexplained()
        saved = found.evidence is Evidence.SAVED_SESSION
        if (saved and found.cause is Cause.OUT_OF_ORDER) or found.cause is Cause.DEFINED_LATER:
            # Defined below: the saved story leaves the code's cause, and the session
            # tells whether the defining cell ran (before a restart) or not.
            return self._not_run(found)
        if saved and found.cause is Cause.FAILED_DEFINITION:
            return self._failed(found)
        if saved and found.cause is Cause.DELETED:
            return self._deleted(found)
        if saved and found.cause is Cause.MISSING_MODULE:
            return self._failed_import(found)
        if found.cause in (Cause.NEVER_DEFINED, Cause.TYPO):
            better = self._gone() or (self._namespace_typo() if found.cause is
                                      Cause.NEVER_DEFINED else None)
            if better is not None:
                return better
        return self._make(found.cause, found.message, found.fix, finding=found)

    # --- the session's own records -------------------------------------------------

    def _not_run(self, found: Finding) -> LiveExplanation:
        d = _definition(found)
        where = "" if d is None or self.cell is None else \
            (" (below this cell)" if d > self.cell else " (above this cell)")
        message = (f"`{self.name}` is {self._verb(d)} in {self._label(d)}{where}, which has "
                   f"not run in this kernel session.")
        facts = self._earlier_runs(d)
        below = d is not None and self.cell is not None and d > self.cell
        cause = Cause.RESTART if facts else Cause.DEFINED_LATER if below else Cause.OUT_OF_ORDER
        if facts:
            message += (" It ran before the kernel restarted, and a restart clears every "
                        "variable.")
        fix = f"Run {self._label(d)} first, then this cell."
        if below:
            fix += (f" {self._label(d).capitalize()} is below this one: move it above "
                    f"{self._label(self.cell)} so that Restart & Run All works too.")
        missing = next((f for f in self.findings if f.cell == d
                        and f.cause is Cause.MISSING_MODULE), None)
        if missing is not None:
            # Running the import will not help while its module is nowhere to be found.
            message += f" Running it will fail too: {missing.message}"
            cause, fix = Cause.MISSING_MODULE, missing.fix
        return self._make(cause, message, fix, facts, found)

    def _failed(self, found: Finding) -> LiveExplanation:
        d = _definition(found)
        error = next((r for r in found.related if r.role == "error"), None)
        what = (error.note or "an error") if error else "an error"
        ename = what.split(":")[0]
        line = f" on line {error.line}" if error and error.line else ""
        message = (f"`{self.name}` is {self._verb(d)} in {self._label(d)}, which ran in this "
                   f"session{self._count(d)} but raised {ename}{line} before reaching the "
                   f"assignment, so `{self.name}` was never bound.")
        fix = f"Fix the {ename} in {self._label(d)}, run it again, then this cell."
        return self._make(Cause.FAILED_DEFINITION, message, fix, (f"{self._label(d)}: {what}",),
                          found)

    def _deleted(self, found: Finding) -> LiveExplanation:
        m = next((r.cell for r in found.related if r.role == "deletion"), None)
        definers = self._definers()
        message = (f"`{self.name}` was deleted: {self._label(m)} ran `del {self.name}`"
                   f"{self._count(m)} after it was assigned, and nothing assigned it again "
                   f"before this cell ran.")
        d = next((c for c in definers if c != m), None)
        fix = (f"Run {self._label(d)} again (it assigns `{self.name}`), or remove the `del` "
               f"in {self._label(m)}." if d is not None else
               f"Assign `{self.name}` again, or remove the `del` in {self._label(m)}.")
        return self._make(Cause.DELETED, message, fix, (), found)

    def _failed_import(self, found: Finding) -> LiveExplanation:
        d = next((r.cell for r in found.related if r.role == "import"), None)
        error = next((r.note for r in found.related if r.role == "error" and r.note), None)
        message = (f"`{self.name}` comes from the import in {self._label(d)}, which failed in "
                   f"this session{self._count(d)}" + (f" with `{error}`" if error else "")
                   + f", so `{self.name}` was never bound.")
        return self._make(Cause.MISSING_MODULE, message, found.fix, (), found)

    # --- what only the kernel knows ------------------------------------------------

    def _earlier_runs(self, d: int | None) -> tuple[str, ...]:
        """Evidence that cell ``d`` ran in an earlier session: a count saved in the
        document, or its text among the inputs of an earlier session of this notebook."""
        document = self.live.document
        if d is None or document is None or d > len(document.cells):
            return ()
        cell = document.cells[d - 1]
        facts = []
        past = self._matching_input(cell.source)
        if past is not None:
            facts.append(f"IPython's history: {self._label(d)} ran as In [{past.line}] in "
                         f"session {past.session}" +
                         (f" (started {past.started})." if past.started else "."))
        if cell.execution_count is not None:
            facts.append(f"The notebook file saves {self._label(d)} with the count "
                         f"[{cell.execution_count}], from an earlier session.")
        return tuple(facts)

    def _matching_input(self, source: str) -> PastInput | None:
        key = source.strip()
        if not key:
            return None
        sessions = self._sessions()
        return next((p for p in self._inputs() if p.session in sessions
                     and p.source.strip() == key), None)

    def _gone(self) -> LiveExplanation | None:
        """Code that bound the name ran (in this session or an earlier one of this notebook)
        but no cell of the notebook contains it any more."""
        present = {cell.source.strip() for cell in self.live.notebook.code_cells}
        mention = re.compile(r"(?<![\w.])" + re.escape(self.name) + r"(?!\w)")
        sessions = self._sessions() if self.live.document is not None else set()
        candidates = [(run.source, run.count, None) for run in reversed(self.live.orphans)]
        candidates += [(p.source, p.line, p) for p in self._inputs() if p.session in sessions]
        for source, count, past in candidates:
            if source.strip() in present or not mention.search(source):
                continue
            if self.name not in bound_names(source, self.evidence.workspace):
                continue
            when = ("earlier in this session" if past is None else
                    f"in an earlier kernel session (session {past.session}"
                    + (f", started {past.started})" if past.started else ")"))
            line = _binding_line(source, mention)
            verb = "defined" if line.startswith(("def ", "class ")) else "assigned"
            message = (f"`{self.name}` was {verb} by code that is no longer in the "
                       f"notebook: `{line}` ran as In [{count}] {when}, and no cell of "
                       f"the notebook assigns `{self.name}` now. The cell was deleted or edited; "
                       + ("the restart cleared the value it left behind." if past
                          else "the value it left is gone too."))
            fix = f"Put the definition back in a cell above this one: `{line}`"
            return self._make(Cause.HIDDEN_STATE, message, fix)
        return None

    def _namespace_typo(self) -> LiveExplanation | None:
        candidate = closest_name(self.name, self.evidence.namespace)
        if candidate is None:
            return None
        message = (f"`{self.name}` is not defined anywhere in this notebook; did you mean "
                   f"`{candidate}`, which exists in the kernel?")
        return self._make(Cause.TYPO, message, f"Replace `{self.name}` with `{candidate}`.")

    def _unexplained(self) -> LiveExplanation:
        definers = [d for d in self._definers() if d in self.live.last_run]
        if definers:
            d = definers[-1]
            message = (f"{self._label(d)} assigns `{self.name}` and ran in this session"
                       f"{self._count(d)}, but something removed it since (a `del` in code "
                       f"nbscope cannot see, `%reset`, or a change to the cell).")
            return self._make(None, message, f"Run {self._label(d)} again, then this cell.")
        message = (f"`{self.name}` is not assigned by any cell nbscope can read, and no "
                   f"earlier run explains it.")
        return self._make(None, message, f"Define or import `{self.name}` above this cell.")

    # --- helpers -------------------------------------------------------------------

    def _inputs(self) -> list[PastInput]:
        if self._past is None:
            self._past = list(self.evidence.past_inputs())
        return self._past

    def _sessions(self) -> set[int]:
        sources = [cell.source for cell in (self.live.document or self.live.notebook).code_cells]
        return notebook_sessions(self._inputs(), sources)

    def _definers(self) -> list[int]:
        return [cell.index for cell in self.live.notebook.code_cells
                if self.name in cell.source
                and self.name in bound_names(cell.source, self.evidence.workspace)]

    def _label(self, cell: int | None) -> str:
        if cell is None:
            return "another cell"
        if self.live.document is None:
            run = self.live.last_run.get(cell)
            return f"In [{run.count}]" if run else f"input {cell}"
        if cell == self.live.appended:
            return "this cell"
        return f"cell {cell}"

    def _count(self, cell: int | None) -> str:
        run = self.live.last_run.get(cell) if cell is not None else None
        return f" (In [{run.count}])" if run else ""

    def _verb(self, cell: int | None) -> str:
        source = self.live.notebook.cells[cell - 1].source if cell else ""
        line = next((text.strip() for text in source.splitlines()
                     if re.search(r"(?<![\w.])" + re.escape(self.name) + r"(?!\w)", text)), "")
        if line.startswith(("import ", "from ")):
            return "imported"
        return "defined" if line.startswith(("def ", "class ", "async def ")) else "assigned"

    def _make(self, cause: Cause | None, message: str, fix: str | None,
              facts: tuple[str, ...] = (), finding: Finding | None = None) -> LiveExplanation:
        cell = None if self.cell is None else self._label(self.cell)
        note = None
        if self.live.document is None:
            note = ("nbscope found no notebook file, so this comes from the kernel's input "
                    "history (the cells as they ran); name the notebook with "
                    "`%nbscope --notebook PATH`.")
        elif self.live.appended is not None:
            note = ("This cell is not in the notebook file yet: save the notebook so that "
                    "nbscope sees where it is.")
        return LiveExplanation(self.failure.ename, self.name, self.failure.count, cell,
                               cause.value if cause else None, message, fix, facts, note,
                               finding)


def _definition(found: Finding) -> int | None:
    return next((r.cell for r in found.related if r.role == "definition"), None)


def _binding_line(source: str, mention: re.Pattern[str]) -> str:
    line = next((text.strip() for text in source.splitlines() if mention.search(text)), "")
    return line if len(line) <= 80 else line[:77] + "..."


def closest_name(name: str, candidates: Iterable[str]) -> str | None:
    """The one candidate a single edit (or a case slip) away from ``name``, if unique."""
    lowered = name.lower()
    found = {c for c in candidates if c != name and not c.startswith("_")
             and (c.lower() == lowered or _one_edit(name, c))}
    return found.pop() if len(found) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter changed, added, removed or two swapped."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
