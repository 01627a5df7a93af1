"""What every rule shares: the ``Rule`` record, the notebook facts rules read, and wording helpers.

A rule's documentation lives in its ``doc`` with fixed headings (*What it
does*, *Why is this bad?*, *Example*, *Use instead*), shown by ``nbscope rule``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ..dataflow.cellfacts import BindingSite, CellFacts
from ..dataflow.ir import BindingKind, CellIR, Event, Opaque, Site
from ..findings import Cause, Evidence, Finding, Related, Severity
from ..model import Cell, Notebook, Span

DOC_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    cause: Cause | None
    severity: Severity
    summary: str
    doc: str


class ModuleKnowledge(Protocol):
    """What rules may ask about modules (answered from the file system by the caller)."""

    def import_line_for(self, name: str) -> str | None: ...

    def module_missing(self, module: str, extra_paths: tuple[str, ...]) -> bool: ...

    def well_known_package(self, top_level: str) -> bool: ...


class NoModuleKnowledge:
    """Knows no modules: no import suggestions, every module present."""

    def import_line_for(self, name: str) -> str | None:
        return None

    def module_missing(self, module: str, extra_paths: tuple[str, ...]) -> bool:
        return False

    def well_known_package(self, top_level: str) -> bool:
        return True


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

    def upload_evidence(self, module: str) -> str | None:
        """Why a missing module must be an uploaded or local one, or None."""
        top = module.split(".")[0]
        saved = self.saved_module_error(top)
        if saved is not None:
            return f"cell {saved}'s saved output shows ModuleNotFoundError for it"
        if self.mentions_install(top):
            return None  # a package a cell installs (or once installed) may provide it
        sources = [cell.source for cell in self.notebook.code_cells]
        if any("files.upload(" in source for source in sources):
            return "the notebook uploads files with files.upload()"
        if any("drive.mount(" in source for source in sources):
            return "the notebook mounts a Google Drive to read files from"
        return None

    def saved_module_error(self, top: str) -> int | None:
        """The cell whose saved output says module ``top`` was not found, if any.

        Only "No module named ...": an ImportError such as "cannot import name"
        proves the module *was* found.
        """
        wanted = (f"'{top}'", f"'{top}.")
        for cell in self.notebook.cells:
            for error in cell.errors:
                if (error.ename in ("ModuleNotFoundError", "ImportError")
                        and "No module named" in error.evalue
                        and any(w in error.evalue for w in wanted)):
                    return cell.index
        return None

    def mentions_install(self, top: str) -> bool:
        """Whether a cell installs packages, or names ``top`` in a ``pip install`` line,
        even one commented out (``# !pip install evaluate``)."""
        if any("install" in command for facts in self.cell_facts.values()
               for command in facts.shell_commands):
            return True
        wanted = _normalized(top)
        for cell in self.notebook.code_cells:
            for line in cell.source.splitlines():
                if "install" in line and wanted in _normalized(line):
                    return True
        return False

    def module_missing(self, module: str, cell: int) -> bool:
        """Whether importing ``module`` in ``cell`` certainly cannot find it."""
        top = module.split(".")[0]
        if self.modules.well_known_package(top):
            return False
        if self.notebook.is_colab and top in COLAB_PREINSTALLED:
            return False
        paths: list[str] = []
        for facts in self.cell_facts.values():
            if facts.unnamed_sys_path:
                return False  # a folder nbscope cannot name joins sys.path
            paths.extend(facts.sys_path_folders)
            # Shell commands in the importing cell itself run before its Python does.
            if facts.cell <= cell and _writes_module(facts, top):
                return False
        return self.modules.module_missing(module, tuple(paths))

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

    def finding(self, rule: Rule, name: str | None, site: Site, message: str,
                fix: str | None = None, suggestion: str | None = None,
                related: tuple[Related, ...] = (), severity: Severity | None = None,
                evidence: Evidence = Evidence.CODE) -> Finding:
        cell = self.cells.get(site.cell)
        return Finding(
            code=rule.code, cause=rule.cause, name=name,
            severity=severity or rule.severity, cell=site.cell, span=site.span,
            message=message, fix=fix, suggestion=suggestion, related=related,
            evidence=evidence, cell_id=cell.cell_id if cell else None,
            execution_count=cell.execution_count if cell else None,
        )


# Import names Colab runtimes ship with, beyond the well-known packages.
COLAB_PREINSTALLED = frozenset({
    "ee", "absl", "google", "googleapiclient", "oauth2client", "pydrive", "pydrive2",
    "tensorflow_datasets", "tensorflow_hub", "tensorflow_probability", "tensorflow_metadata",
    "tensorflow_text", "tf_keras", "keras_nlp", "keras_cv", "fastprogress", "fastcore",
    "fastai", "tree", "optax", "chex", "orbax", "flax", "mediapy", "cvxpy", "xarray",
    "geopandas", "folium", "gdown", "kagglehub", "humanize", "multipledispatch", "portpicker",
    "tensorboard", "namex", "opt_einsum", "gin", "promise", "dm_tree", "etils",
})
_FETCHERS = ("unzip", "tar ", "git clone", "gdown", "cp ", "mv ", "7z ", "rsync", "svn ")


def _writes_module(ir: CellFacts, top: str) -> bool:
    """Whether a cell may have written module ``top`` (``%%writefile``, ``!wget``, ``!unzip``)."""
    for path in ir.written_files:
        base = path.replace("\\", "/").split("/")
        if top + ".py" in base or top in base[:-1]:
            return True
    wanted = _normalized(top)
    for command in ir.shell_commands:
        if any(fetcher in command for fetcher in _FETCHERS):
            return True
        if ("install" in command and (wanted in _normalized(command) or "git+" in command
                                      or " -r " in command or "-e " in command)):
            return True  # ``pip install`` of it (or of something that may contain it)
        if top in command and (".py" in command or "wget" in command or "curl" in command):
            return True
    return False


def _normalized(text: str) -> str:
    """Package spelling as pip compares it: ``tensorflow-docs`` finds ``tensorflow_docs``."""
    return text.lower().replace("-", "_").replace(".", "_")


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
