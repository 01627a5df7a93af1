"""Which of the notebook's own modules a name comes from: the evidence rules explain
local modules with.

A local module is one beside the notebook, in a folder a cell adds to ``sys.path``
(both read through the ``Environment``, from source, never imported), or written by a
``%%writefile`` cell (its text is in the notebook). Only modules the notebook imports
count: they are the ones a reader expects names from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..dataflow.cellfacts import ImportSite
from ..dataflow.ir import Site
from ..module_exports import ModuleNames, read_module_names
from .base import Facts, before

# ``%%writefile [-a] path`` on a cell's first line.
_WRITEFILE = re.compile(r"\s*%%(?:writefile|file)\s+(-a\s+|--append\s+)?(\S+)")


@dataclass(frozen=True, slots=True)
class LocalImport:
    """An import of a local module: the statement, the module's names, and where its
    text was read from, in words (``config.py beside the notebook``)."""

    record: ImportSite
    names: ModuleNames
    origin: str

    @property
    def module(self) -> str:
        return self.record.module

    @property
    def cell(self) -> int:
        return self.record.site.cell

    @property
    def from_import(self) -> bool:
        return bool(self.record.names)


def sys_path_folders(facts: Facts) -> tuple[str, ...]:
    """The folders the notebook's cells add to ``sys.path`` (string literals only)."""
    return tuple(folder for cell in facts.cell_facts.values()
                 for folder in cell.sys_path_folders)


def local_imports(facts: Facts) -> list[LocalImport]:
    """Every import of a local module whose names nbscope can list, in document order."""
    if "local_imports" not in facts.memo:
        facts.memo["local_imports"] = list(_local_imports(facts))
    return facts.memo["local_imports"]  # type: ignore[no-any-return]


def _local_imports(facts: Facts) -> Iterator[LocalImport]:
    paths = sys_path_folders(facts)
    for cell in sorted(facts.cell_facts.values(), key=lambda c: c.cell):
        for record in cell.imports:
            if record.level or record.star:
                continue
            written = written_module(facts, record.module, record.site.cell)
            if written is not None:
                names, writer = written
                if names is not None:
                    yield LocalImport(record, names,
                                      f"the `{_file_of(record.module)}` cell {writer} writes")
                continue
            names = facts.modules.local_module_names(record.module, paths)
            if names is not None:
                yield LocalImport(record, names, f"`{_file_of(record.module)}` beside the "
                                  "notebook" if not paths else f"`{_file_of(record.module)}`")


def binding_import(facts: Facts, name: str, at: Site) -> LocalImport | None:
    """The import of a local module that binds ``name`` at its top level, preferring the
    last ``from`` import above ``at``, then the last import above it."""
    found = [entry for entry in local_imports(facts) if name in entry.names.names]
    above = [entry for entry in found if before(entry.record.site, at)]
    # A ``from module import ...`` line is the one to extend, so it is named first.
    above.sort(key=lambda entry: entry.from_import)
    if above:
        return above[-1]
    return found[0] if found else None


def class_binding(facts: Facts, name: str, at: Site) -> tuple[LocalImport, str] | None:
    """A local module's class whose body binds ``name`` (``Config.defaults``)."""
    for entry in reversed(local_imports(facts)):
        owners = entry.names.classes_binding(name)
        if owners:
            return entry, owners[0]
    return None


def written_module(facts: Facts, module: str,
                   cell: int) -> tuple[ModuleNames | None, int] | None:
    """The names of ``module`` as a ``%%writefile`` cell up to ``cell`` writes it, and
    which cell; None when no cell writes it."""
    wanted = _file_of(module)
    text: str | None = None
    writer = 0
    for candidate in facts.notebook.code_cells:
        if candidate.index > cell:
            break
        match = _WRITEFILE.match(candidate.source)
        if match is None or not _same_file(match.group(2), wanted):
            continue
        body = candidate.source[match.end():].partition("\n")[2]
        text = (text or "") + body if match.group(1) else body
        writer = candidate.index
    if text is None:
        return None
    return read_module_names(text, module, lambda _module: None), writer


def _file_of(module: str) -> str:
    return module.replace(".", "/") + ".py"


def _same_file(path: str, wanted: str) -> bool:
    path = path.strip("'\"").replace("\\", "/")
    package = wanted[: -len(".py")] + "/__init__.py"
    return any(path == w or path.endswith("/" + w) for w in (wanted, package))
