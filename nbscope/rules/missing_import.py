"""NS004 missing-import: a module or its conventional alias is used but never imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule

if TYPE_CHECKING:
    from .library_names import LibraryImport
    from .local_modules import LocalImport

RULE = Rule(
    code="NS004",
    name="missing-import",
    cause=Cause.MISSING_IMPORT,
    severity=Severity.ERROR,
    summary="A module (or its usual alias, like `np`) is used but no cell imports it.",
    doc="""\
## What it does
Finds names that no cell binds but that are a standard-library module, a
well-known package, or the conventional alias of one (`np`, `pd`, `plt`, ...),
and suggests the import line. A module's name counts only where it is used as
a module (`string.ascii_letters`, `os.path.join`): a bare `print(time)` or
`return string` reads a variable that was never assigned (a typo, or
never-defined), and `import time` would not fix it. Also names that a module of the notebook's own
defines (`config.py` beside it, in a folder a cell adds to `sys.path`, or
written by a `%%writefile` cell; read from its source, never run) when the
notebook imports that module but not the name: `from config import settings`,
then a read of `defaults`, which `config.py` defines too.

## Why is this bad?
The import probably ran in another notebook, or in a cell that was deleted; in
a fresh kernel the name does not exist and the cell raises `NameError`.

## Example
```python
values = np.arange(10)
```

## Use instead
```python
import numpy as np

values = np.arange(10)
```
""",
)


MISSING = Message(
    "missing-import/module",
    "`{name}` is never imported: no cell runs `{line}`.",
    "Add `{line}` to an import cell at the top of the notebook.")


def finding(facts: Facts, name: str, at: Site, import_line: str) -> Finding:
    return facts.finding(RULE, name, at, MISSING, {"line": import_line}, suggestion=import_line)


LOCAL_FROM = Message(
    "missing-import/local-module",
    "`{name}` is never assigned in the notebook, but {origin} defines it: cell {cell} imports "
    "only {imported} from `{module}`, not `{name}`.",
    "Add `{name}` to the existing `from {module} import ...` line in cell {cell} (`{line}`), "
    "or import it where it is used: `from {module} import {name}`.")
LOCAL_MODULE = Message(
    "missing-import/local-module-attribute",
    "`{name}` is never assigned in the notebook, but {origin} defines it; cell {cell} imports "
    "the module `{module}` itself, so its names are reached through it: `{through}.{name}`.",
    "Write `{through}.{name}`, or add `from {module} import {name}` to cell {cell}.")


def local_finding(facts: Facts, name: str, at: Site, source: LocalImport) -> Finding:
    """``name`` is defined by a local module the notebook imports, but not imported."""
    record = source.record
    imported = [alias for alias, _ in record.names]
    fields = {"origin": source.origin, "cell": source.cell, "module": source.module,
              "imported": ", ".join(f"`{alias}`" for alias in imported),
              "line": f"from {source.module} import {', '.join(imported + [name])}",
              "through": record.alias or source.module}
    message = LOCAL_FROM if source.from_import else LOCAL_MODULE
    return facts.finding(RULE, name, at, message, fields,
                         suggestion=f"from {source.module} import {name}",
                         related=(facts.related("import", record.site),))


FROM_LIBRARY = Message(
    "missing-import/library-module",
    "`{name}` is never imported, but `{module}` defines it: cell {cell} imports only "
    "{imported} from it, not `{name}`.",
    "Add `{name}` to the import in cell {cell} (`{extended}`), or add `{line}`.")
PACKAGE_MEMBER = Message(
    "missing-import/package-member",
    "`{name}` is never imported: no cell runs `{line}`, though this notebook uses "
    "`{package}` (cell {cell} imports from it).",
    "Add `{line}` to an import cell at the top of the notebook.")


def library_finding(facts: Facts, name: str, at: Site, source: LibraryImport) -> Finding:
    """``name`` comes from a library the notebook already imports from, but not imported."""
    record = source.record
    related = (facts.related("import", record.site),)
    if not source.same_module:
        package = record.module.partition(".")[0]
        return facts.finding(RULE, name, at, PACKAGE_MEMBER,
                             {"line": source.line, "package": package,
                              "cell": record.site.cell},
                             suggestion=source.line, related=related)
    imported = [alias for alias, _ in record.names]
    fields = {"module": record.module, "cell": record.site.cell, "line": source.line,
              "imported": ", ".join(f"`{alias}`" for alias in imported),
              "extended": f"from {record.module} import {', '.join(imported + [name])}"}
    return facts.finding(RULE, name, at, FROM_LIBRARY, fields, suggestion=source.line,
                         related=related)
