"""What every rule shares: the ``Rule`` record, the notebook facts rules read, and wording helpers.

A rule's documentation lives in its ``doc`` with fixed headings (*What it
does*, *Why is this bad?*, *Example*, *Use instead*), shown by ``nbscope rule``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..dataflow.cellfacts import BindingSite, CellFacts
from ..dataflow.ir import BindingKind, CellIR, Event, Opaque, Site
from ..environment import ModuleKnowledge
from ..findings import Cause, Evidence, Finding, Related, Severity
from ..model import Cell, Notebook, Span, cell_lines

DOC_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    cause: Cause | None
    severity: Severity
    summary: str
    doc: str


@dataclass(frozen=True, slots=True)
class Message:
    """One wording of a rule's finding, kept with the rule it belongs to.

    ``text`` says what happened and why, ``fix`` how to repair it; both are
    ``str.format`` templates over named fields that the rule computes. ``key``
    names the wording (``defined-later/call``), so tests and tools can tell the
    variants of a rule apart without reading its prose.
    """

    key: str
    text: str
    fix: str | None = None

    def render(self, fields: dict[str, object]) -> tuple[str, str | None]:
        fix = self.fix.format(**fields) if self.fix is not None else None
        return self.text.format(**fields), fix


class Facts:
    """The notebook-wide facts rules explain with: cells, their programs (``irs``) and
    facts (``cell_facts``), and where each name is bound."""

    def __init__(self, notebook: Notebook, programs: Iterable[CellIR],
                 cell_facts: Iterable[CellFacts], modules: ModuleKnowledge) -> None:
        self.notebook = notebook
        self.cells: dict[int, Cell] = {cell.index: cell for cell in notebook.cells}
        self.irs: dict[int, CellIR] = {ir.cell: ir for ir in programs}
        self.cell_facts: dict[int, CellFacts] = {facts.cell: facts for facts in cell_facts}
        self.modules = modules
        self.bindings: dict[str, list[BindingSite]] = {}
        for facts in self.cell_facts.values():
            for binding in facts.bindings:
                self.bindings.setdefault(binding.name, []).append(binding)
        self._maybe_bound = set().union(*(f.unknown_names for f in self.cell_facts.values()))
        self._opaque = any(facts.opaque for facts in self.cell_facts.values())
        # Evidence a rule works out once per notebook (``local_modules``), by its name.
        self.memo: dict[str, object] = {}

    def imported_modules(self) -> list[str]:
        """Every module an import statement of the notebook names."""
        return [record.module for facts in self.cell_facts.values() for record in facts.imports]

    def unknowable(self, name: str) -> bool:
        """Whether something nbscope cannot read may bind ``name`` somewhere."""
        return self._opaque or name in self._maybe_bound

    def later_star_import(self, at: Site) -> Event | None:
        """The first construct after ``at`` that may bind any name (a star import of a
        module nbscope cannot list), at the top level of a cell."""
        if not self._opaque:
            return None
        for ir in sorted(self.irs.values(), key=lambda ir: ir.cell):
            if ir.cell < at.cell or not self.cell_facts[ir.cell].opaque:
                continue
            for op in ir.body:
                if (isinstance(op, Opaque) and op.event.site is not None
                        and before(at, op.event.site)):
                    return op.event
        return None

    def read_as_module(self, site: Site) -> bool:
        """Whether the read at ``site`` is ``name.attr`` or ``dir(name)``, the way a module
        is read."""
        cell = self.cell_facts.get(site.cell)
        return cell is not None and site in cell.module_reads

    def in_except_clause(self, site: Site) -> bool:
        """Whether the read at ``site`` names an ``except`` clause's exception class."""
        cell = self.cell_facts.get(site.cell)
        return cell is not None and site in cell.except_clause_reads

    def line_at(self, site: Site) -> str | None:
        """The text of the cell line ``site`` starts on, or None when there is none."""
        cell = self.cells.get(site.cell)
        span = site.span
        if cell is None or span is None:
            return None
        lines = cell_lines(cell.source)
        return lines[span.line - 1] if 1 <= span.line <= len(lines) else None

    def sites(self, name: str) -> list[BindingSite]:
        return self.bindings.get(name, [])

    def module_sites(self, name: str) -> list[BindingSite]:
        """Where the notebook binds ``name`` at the top level of a cell (document order)."""
        return [b for b in self.sites(name) if b.scope.is_module]

    def global_writes(self, name: str) -> list[BindingSite]:
        return [b for b in self.sites(name) if b.binding is BindingKind.GLOBAL_IN_FUNCTION]

    def execution_count(self, cell: int) -> int | None:
        found = self.cells.get(cell)
        return found.execution_count if found else None

    def related(self, role: str, site: Site, note: str | None = None) -> Related:
        span = site.span
        return Related(role, site.cell, span.line if span else None,
                       span.column if span else None, self.execution_count(site.cell), note)

    def finding(self, rule: Rule, name: str | None, site: Site, message: Message,
                fields: dict[str, object] | None = None, suggestion: str | None = None,
                related: tuple[Related, ...] = (), severity: Severity | None = None,
                evidence: Evidence = Evidence.CODE) -> Finding:
        """A finding of ``rule`` at ``site``, worded by ``message`` over ``fields``
        (``name`` is always among them)."""
        cell = self.cells.get(site.cell)
        text, fix = message.render({"name": name, **(fields or {})})
        return Finding(
            code=rule.code, cause=rule.cause, name=name,
            severity=severity or rule.severity, cell=site.cell, span=site.span,
            message=text, fix=fix, suggestion=suggestion, related=related,
            evidence=evidence, cell_id=cell.cell_id if cell else None,
            execution_count=cell.execution_count if cell else None, message_key=message.key,
        )


def where(site: Site, current_cell: int | None = None) -> str:
    """``cell 5, line 2``; ``line 2 of this cell`` when it is the cell being reported."""
    line = f"line {site.span.line}" if site.span else None
    if current_cell == site.cell:
        return f"{line} of this cell" if line else "this cell"
    return f"cell {site.cell}, {line}" if line else f"cell {site.cell}"


def before(a: Site, b: Site) -> bool:
    """Whether ``a`` comes before ``b`` in document order."""
    return _key(a) < _key(b)


def _key(site: Site) -> tuple[int, int, int]:
    span = site.span or Span(0, 0, 0, 0)
    return (site.cell, span.line, span.column)
