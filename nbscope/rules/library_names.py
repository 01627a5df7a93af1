"""Which library import would bind a name the notebook never binds, judged from the
notebook's own imports: the evidence ``missing-import`` gives beyond module aliases.

Two sources, both tied to what the notebook already imports, so a guess is never
made from the name alone (the name tables of ``conventions`` are the fallback):

- a module the notebook imports names from (``from sklearn.metrics import
  accuracy_score``) whose public names, read from its installed source the way a star
  import reads them, include the name (``f1_score``);
- a generic member name that is near certain once the notebook uses its package
  (``metrics`` -> ``from sklearn import metrics`` when a cell imports from sklearn).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..conventions import PACKAGE_MEMBERS
from ..dataflow.cellfacts import ImportSite
from ..dataflow.ir import Site
from .base import Facts, before

# Short names (``sort``, ``size``, ``test``, ``diff``) are exported by big modules
# (numpy) but undefined in a notebook they are far likelier a variable or a slip.
_MIN_EXPORT_GUESS = 5


@dataclass(frozen=True, slots=True)
class LibraryImport:
    """The import line to add, and the notebook's import that points to it."""

    line: str
    record: ImportSite
    # True: ``record`` imports names from the module that defines the name, so the
    # fix may extend that line; False: it only shows the notebook uses the package.
    same_module: bool


def library_import(facts: Facts, name: str, at: Site) -> LibraryImport | None:
    """The import that would bind ``name``, from the notebook's own imports; None when
    they give no such evidence."""
    records = [record for cell in sorted(facts.cell_facts.values(), key=lambda c: c.cell)
               for record in cell.imports if not record.level and not record.star]
    # The nearest import above the read is the likeliest source; then those below.
    above = [record for record in records if before(record.site, at)]
    records = above[::-1] + [record for record in records if record not in above]
    for record in records:
        if (record.names and len(name) >= _MIN_EXPORT_GUESS
                and _module_defines(facts, record.module, name)):
            return LibraryImport(f"from {record.module} import {name}", record, True)
    member = PACKAGE_MEMBERS.get(name)
    if member is None:
        return None
    package, line = member
    return next((LibraryImport(line, record, False) for record in records
                 if record.module == package or record.module.startswith(package + ".")),
                None)


def _module_defines(facts: Facts, module: str, name: str) -> bool:
    names = facts.modules.installed_module_names(module)
    return names is not None and name in names
