"""NS005 missing-module: an import of a module that is nowhere to be found."""

from __future__ import annotations

from ..dataflow.ir import ImportSite
from ..findings import Cause, Finding, Severity
from .base import Facts, Rule

RULE = Rule(
    code="NS005",
    name="missing-module",
    cause=Cause.MISSING_MODULE,
    severity=Severity.ERROR,
    summary="An imported module is not installed, not in the standard library, not beside the "
            "notebook and not written by any cell (an uploaded or local helper module).",
    doc="""\
## What it does
Finds imports of modules that are not built in, not in the standard library,
not installed, not a file or folder beside the notebook (or on a `sys.path`
entry it adds), and not written by an earlier cell (`%%writefile`, `!wget`).
Well-known third-party packages that are merely not installed where nbscope
runs are not reported.

## Why is this bad?
These are helper modules (`utils.py`, `config.py`) that lived next to the
notebook on its author's machine, or were uploaded to a Colab runtime by hand:
Colab deletes uploaded files when the runtime restarts. Whoever runs the
notebook next gets `ModuleNotFoundError`, then a `NameError` for every name
the import should have bound.

## Example
```python
from my_helpers import clean_text
```

## Use instead
Commit `my_helpers.py` beside the notebook, or write it from a cell:
```python
%%writefile my_helpers.py
def clean_text(text):
    return text.strip().lower()
```
""",
)


def finding(facts: Facts, record: ImportSite, evidence: str | None) -> Finding:
    """``evidence`` says why this is an uploaded or local module (None: no evidence)."""
    top = record.module.split(".")[0]
    if evidence is None:
        message = (f"`{record.module}` cannot be found: no module `{top}` is installed here, "
                   f"in the standard library, beside the notebook, or written by a cell "
                   f"above. If it is a helper module, it is missing from beside the notebook; "
                   f"if it is a package, it is not installed where nbscope ran.")
        fix = (f"Commit `{top}.py` beside the notebook if it is yours, or install the package "
               f"(and ignore this rule with `--ignore NS005` in environments without it).")
        return facts.finding(RULE, top, record.site, message, fix, severity=Severity.WARNING)
    message = (f"`{record.module}` cannot be imported: no module `{top}` is installed, in the "
               f"standard library, beside the notebook, or written by a cell above, and "
               f"{evidence}, so it is a helper module that is not there: this line raises "
               f"ModuleNotFoundError and the names it imports stay undefined.")
    if facts.notebook.is_colab:
        message += " On Colab, files uploaded by hand are deleted when the runtime restarts."
        fix = (f"Upload `{top}.py` again after each runtime restart, write it from a cell with "
               f"`%%writefile {top}.py`, or `pip install` it if it is a package.")
    else:
        fix = (f"Put `{top}.py` (or the `{top}/` package) beside the notebook and commit it, "
               f"write it from a cell with `%%writefile {top}.py`, or install the package.")
    return facts.finding(RULE, top, record.site, message, fix)
