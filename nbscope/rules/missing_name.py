"""NS014 missing-name: ``from module import name`` where the notebook's own module binds
no such name, so the import raises ImportError and the name is never bound."""

from __future__ import annotations

from collections.abc import Iterator

from ..dataflow.ir import Resolve, Site, Use, walk
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule, before, where
from .local_modules import LocalImport, local_imports, sys_path_folders
from .typo import edit_distance

RULE = Rule(
    code="NS014",
    name="missing-name",
    cause=Cause.MISSING_NAME,
    severity=Severity.ERROR,
    summary="`from module import name` names something the notebook's own module "
            "(`config.py`) does not define: ImportError, and the name stays undefined.",
    doc="""\
## What it does
Reads the modules of the notebook's own (beside it, in a folder a cell adds to
`sys.path`, or written by a `%%writefile` cell) from their source, without
running them, and finds `from module import name` lines naming something the
module does not define (nor a submodule of that name). When the module defines a
close name, it is suggested. Later reads of the name are explained by this line.

## Why is this bad?
Python raises `ImportError: cannot import name ...` at that line: the cell stops
there, the name is never bound, and every later use of it raises `NameError`.

## Example
```python
# config.py defines `settings` and `defaults`
from config import settings, defualts
```

## Use instead
```python
from config import settings, defaults
```
""",
)

NOT_IN_MODULE = Message(
    "missing-name/close-name",
    "{origin} defines no `{name}` (it does define `{close}`), so this line raises "
    "ImportError: cannot import name '{name}' from '{module}'.{reads}",
    "Import `{close}` instead of `{name}` (and use `{close}` where `{name}` is read).")
NOTHING_CLOSE = Message(
    "missing-name/not-defined",
    "{origin} defines no `{name}`, so this line raises ImportError: cannot import name "
    "'{name}' from '{module}'.{reads}",
    "Define `{name}` in `{file}`, or remove it from this import.")


def findings(facts: Facts) -> Iterator[Finding]:
    """One finding per name a ``from`` import of a local module cannot find."""
    paths = sys_path_folders(facts)
    for source in local_imports(facts):
        if facts.cell_facts[source.cell].opaque or "__getattr__" in source.names.names:
            continue  # a module ``__getattr__`` (PEP 562) may supply any name
        for name, site in source.record.names:
            if name in source.names.names or source.record.guarded:
                continue
            if not facts.modules.module_missing(f"{source.module}.{name}", paths):
                continue  # a submodule: ``from pkg import sub`` imports it
            yield _finding(facts, source, name, site)


def _finding(facts: Facts, source: LocalImport, name: str, site: Site) -> Finding:
    reads = _later_reads(facts, name, site)
    close = _close_name(name, source.names.names)
    told = ""
    if reads:
        places = ", ".join(where(use.site, site.cell) for use in reads[:3])
        more = f" and {len(reads) - 3} more" if len(reads) > 3 else ""
        told = f" That is why `{name}` is undefined where it is read later ({places}{more})."
    fields = {"origin": source.origin[:1].upper() + source.origin[1:], "module": source.module,
              "close": close, "reads": told, "file": source.module.replace(".", "/") + ".py"}
    related = tuple(facts.related("use", use.site) for use in reads[:3])
    message = NOT_IN_MODULE if close else NOTHING_CLOSE
    return facts.finding(RULE, name, site, message, fields, suggestion=close, related=related)


def _close_name(name: str, names: frozenset[str]) -> str | None:
    """The module's name ``name`` most likely misspells: the same but for case, or one
    edit away (two for long names); None when there is none or several tie."""
    same_case = [other for other in names if other.lower() == name.lower()]
    if same_case:
        return sorted(same_case)[0]
    if len(name) < 4:
        return None
    limit = 1 if len(name) < 9 else 2
    scored = sorted((edit_distance(name, other, limit), other) for other in names
                    if abs(len(other) - len(name)) <= limit)
    scored = [(distance, other) for distance, other in scored if distance <= limit]
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


_GLOBAL_READS = (Resolve.NAME, Resolve.GLOBAL)


def _later_reads(facts: Facts, name: str, site: Site) -> list[Use]:
    """The notebook's reads of ``name`` in the kernel's globals after ``site``."""
    reads = []
    for ir in sorted(facts.irs.values(), key=lambda ir: ir.cell):
        for op in walk(ir.body):
            if (isinstance(op, Use) and op.name == name and op.resolve in _GLOBAL_READS
                    and before(site, op.site)):
                reads.append(op)
    return reads
