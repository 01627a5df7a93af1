"""NS005 missing-module: an import of a module that is nowhere to be found."""

from __future__ import annotations

import sys

from ..dataflow.cellfacts import ImportSite
from ..findings import Cause, Finding, Severity
from .base import Facts, Rule
from .typo import edit_distance

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
runs are not reported. It is an error when the notebook itself shows the module
was missing (a saved `ModuleNotFoundError` for it) or that it works with uploaded
files (`files.upload()`, `drive.mount()`), and a warning otherwise: the module may
be a package that is simply not installed here. A cell that installs packages, or
a `pip install` line naming the module (even commented out), also keeps it a
warning. Python 2 module names (`cPickle`) and near misses of a standard-library
module (`Random`, `randon`) are errors that name the module meant.

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


# Python 2 standard-library modules and where Python 3 keeps them.
PYTHON2_MODULES = {
    "cPickle": "pickle", "cStringIO": "io", "StringIO": "io", "ConfigParser": "configparser",
    "Queue": "queue", "Tkinter": "tkinter", "tkMessageBox": "tkinter.messagebox",
    "urllib2": "urllib.request", "urlparse": "urllib.parse", "httplib": "http.client",
    "HTMLParser": "html.parser", "htmlentitydefs": "html.entities", "cookielib": "http.cookiejar",
    "Cookie": "http.cookies", "SocketServer": "socketserver", "SimpleHTTPServer": "http.server",
    "BaseHTTPServer": "http.server", "xmlrpclib": "xmlrpc.client", "__builtin__": "builtins",
    "copy_reg": "copyreg", "anydbm": "dbm", "commands": "subprocess", "thread": "_thread",
    "md5": "hashlib", "sha": "hashlib", "repr": "reprlib", "itertools2": "itertools",
}


def standard_name(top: str) -> tuple[str, str] | None:
    """The standard-library module ``top`` stands for, and why: ``python2`` for a
    module Python 3 renamed, ``spelling`` for a near miss (``Random``, ``randon``)."""
    if top in PYTHON2_MODULES:
        return PYTHON2_MODULES[top], "python2"
    public = [name for name in sys.stdlib_module_names if not name.startswith("_")]
    lowered = top.lower()
    for name in public:
        if name == lowered:
            return name, "spelling"
    if len(top) < 4:
        return None
    close = sorted(name for name in public
                   if abs(len(name) - len(top)) <= 1 and len(name) >= 4
                   and edit_distance(lowered, name, 1) <= 1)
    return (close[0], "spelling") if len(close) == 1 else None


def finding(facts: Facts, record: ImportSite, evidence: str | None) -> Finding:
    """``evidence`` says why this is an uploaded or local module (None: no evidence)."""
    top = record.module.split(".")[0]
    standard = standard_name(top)
    if standard is not None:
        return _standard_finding(facts, record, top, *standard)
    if evidence is None:
        message = (f"`{record.module}` cannot be found: no module `{top}` is installed here, "
                   f"in the standard library, beside the notebook, or written by a cell "
                   f"above. If it is a helper module, it is missing from beside the notebook; "
                   f"if it is a package, it is not installed where nbscope ran.")
        fix = (f"Commit `{top}.py` beside the notebook if it is yours, or install the package "
               f"(and ignore this rule with `--ignore NS005` in environments without it).")
        return facts.finding(RULE, top, record.site, message, fix, severity=Severity.WARNING)
    if evidence.startswith("cell "):  # a saved ModuleNotFoundError: helper or package
        message = (f"`{record.module}` cannot be imported: no module `{top}` is installed here, "
                   f"in the standard library, beside the notebook, or written by a cell "
                   f"above, and {evidence}: it was missing when the notebook last ran too. "
                   f"This line raises ModuleNotFoundError and the names it imports stay "
                   f"undefined.")
        fix = (f"If `{top}` is your own module, commit `{top}.py` beside the notebook or write "
               f"it from a cell with `%%writefile {top}.py`; if it is a package, install it "
               f"in a cell above with `%pip install`.")
        return facts.finding(RULE, top, record.site, message, fix)
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


def _standard_finding(facts: Facts, record: ImportSite, top: str, module: str,
                      why: str) -> Finding:
    if why == "python2":
        message = (f"`{top}` is the Python 2 name of the standard library's `{module}`; "
                   f"Python 3 has no `{top}`, so this line raises ModuleNotFoundError.")
        fix = f"Import `{module}` instead (`import {module} as {top}` keeps the old name)."
    else:
        case = " (module names are case-sensitive)" if top.lower() == module else ""
        message = (f"There is no module `{top}`; the standard library has `{module}`, which "
                   f"is probably what was meant{case}. This line raises ModuleNotFoundError.")
        fix = f"Write `{module}` instead of `{top}`."
    return facts.finding(RULE, top, record.site, message, fix, suggestion=module)
