"""NS005 missing-module: an import of a module that is nowhere to be found.

The rule owns its evidence: whether a module may come from somewhere nbscope
cannot see (a package a cell installs, a file a cell writes or fetches, a folder
added to ``sys.path``, Colab's preinstalled packages), and whether the notebook
shows it is an uploaded or local helper (a saved ``ModuleNotFoundError``,
``files.upload()``, ``drive.mount()``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..dataflow.cellfacts import ImportSite
from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from ..packages import Package, package_for, platform_of
from . import module_sources
from .base import Facts, Message, Rule
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
entry it adds), and not written, fetched, built or installed by an earlier cell
(`%%writefile`, `!wget`, `!f2py -m`, `!protoc --python_out`, a `pip install` of
the package that brings it, `httpimport`'s remote imports), nor a platform module
of a managed runtime (AWS Glue's `awsglue`, Kaggle's `kaggle_secrets`).

A known PyPI package that is merely not installed where nbscope runs is an
`info` that names the package to install, which often differs from the import
name (`win32com` -> `%pip install pywin32`); very common packages (`numpy`,
`torch`) are not reported at all. It is a warning when a saved
`ModuleNotFoundError` shows the package missing where the notebook last ran too,
or when the cell that installs it comes below the import.

Any other module is a helper module that is not there. It is an error when the
notebook itself shows the module was missing (a saved `ModuleNotFoundError` for
it) or that it works with uploaded files (`files.upload()`, `drive.mount()`),
and a warning otherwise; a cell that installs packages (which may bring it as a
dependency) is named. Python 2 module names (`cPickle`) and near misses of a
standard-library module (`Random`, `randon`) are errors that name the module
meant.

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
Commit `my_helpers.py` beside the notebook, or write it from a cell (and install
a package in a cell above: `%pip install pywin32`):
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


def findings(facts: Facts) -> Iterator[Finding]:
    """One finding per import of a module that certainly cannot be found."""
    clones = _clones(facts)
    for cell in facts.cell_facts.values():
        for record in cell.imports:
            if record.level or record.guarded:
                continue
            if not module_missing(facts, record.module, cell.cell):
                clone = _cloned_from(facts, record, cell.cell, clones)
                if clone is not None:
                    yield _expected_from_clone(facts, record, *clone)
                continue
            yield finding(facts, record, upload_evidence(facts, record.module))


@dataclass(frozen=True, slots=True)
class UploadEvidence:
    """Why a missing module must be an uploaded or local one: ``text`` says it in words;
    ``saved_error`` is the cell whose saved output shows the module missing, if that is it."""

    text: str
    saved_error: int | None = None


def upload_evidence(facts: Facts, module: str) -> UploadEvidence | None:
    """Why a missing module must be an uploaded or local one, or None."""
    top = module.split(".")[0]
    saved = saved_module_error(facts, top)
    if saved is not None:
        return UploadEvidence(f"cell {saved}'s saved output shows ModuleNotFoundError for it",
                              saved)
    if mentions_install(facts, top):
        return None  # a package a cell installs (or once installed) may provide it
    sources = [cell.source for cell in facts.notebook.code_cells]
    if any("files.upload(" in source for source in sources):
        return UploadEvidence("the notebook uploads files with files.upload()")
    if any("drive.mount(" in source for source in sources):
        return UploadEvidence("the notebook mounts a Google Drive to read files from")
    return None


def saved_module_error(facts: Facts, top: str) -> int | None:
    """The cell whose saved output says module ``top`` was not found, if any.

    Only "No module named ...": an ImportError such as "cannot import name"
    proves the module *was* found.
    """
    wanted = (f"'{top}'", f"'{top}.")
    for cell in facts.notebook.cells:
        for error in cell.errors:
            if (error.ename in ("ModuleNotFoundError", "ImportError")
                    and "No module named" in error.evalue
                    and any(w in error.evalue for w in wanted)):
                return cell.index
    return None


def mentions_install(facts: Facts, top: str) -> bool:
    """Whether a cell installs packages, or names ``top`` in a ``pip install`` line,
    even one commented out (``# !pip install evaluate``)."""
    if any("install" in command for cell in facts.cell_facts.values()
           for command in cell.shell_commands):
        return True
    wanted = module_sources.normalized(top)
    for cell in facts.notebook.code_cells:
        for line in cell.source.splitlines():
            if "install" in line and wanted in module_sources.normalized(line):
                return True
    return False


def module_missing(facts: Facts, module: str, cell: int, clones: bool = True) -> bool:
    """Whether importing ``module`` in ``cell`` certainly cannot find it (``clones``
    False: if no ``git clone`` above provided it)."""
    top = module.split(".")[0]
    if facts.modules.well_known_package(top):
        return False
    if facts.notebook.is_colab and top in COLAB_PREINSTALLED:
        return False
    if platform_of(module) is not None and saved_module_error(facts, top) is None:
        return False  # a managed runtime's own module (AWS Glue's ``awsglue``)
    paths: list[str] = []
    sources = tuple(path for cell_facts in facts.cell_facts.values()
                    for path in cell_facts.written_files if path.endswith(".pyx"))
    for cell_facts in facts.cell_facts.values():
        if cell_facts.unnamed_sys_path:
            return False  # a folder nbscope cannot name joins sys.path
        paths.extend(cell_facts.sys_path_folders)
        # Shell commands in the importing cell itself run before its Python does.
        if cell_facts.cell <= cell and module_sources.writes_module(cell_facts, top, sources,
                                                                      clones):
            return False
    if top != "httpimport" and module_sources.remote_imports(facts, cell):
        return False
    return facts.modules.module_missing(module, tuple(paths))


# Import names Colab runtimes ship with, beyond the well-known packages.
COLAB_PREINSTALLED = frozenset({
    "ee", "absl", "google", "googleapiclient", "oauth2client", "pydrive", "pydrive2",
    "tensorflow_datasets", "tensorflow_hub", "tensorflow_probability", "tensorflow_metadata",
    "tensorflow_text", "tf_keras", "keras_nlp", "keras_cv", "fastprogress", "fastcore",
    "fastai", "tree", "optax", "chex", "orbax", "flax", "mediapy", "cvxpy", "xarray",
    "geopandas", "folium", "gdown", "kagglehub", "humanize", "multipledispatch", "portpicker",
    "tensorboard", "namex", "opt_einsum", "gin", "promise", "dm_tree", "etils",
})
class StandardName(NamedTuple):
    """The standard-library module an import meant, and whether it is the module's
    Python 2 name (else a misspelling)."""

    module: str
    python2: bool


def standard_name(top: str) -> StandardName | None:
    """The standard-library module ``top`` stands for, and why: ``python2`` for a
    module Python 3 renamed, ``spelling`` for a near miss (``Random``, ``randon``)."""
    if top in PYTHON2_MODULES:
        return StandardName(PYTHON2_MODULES[top], python2=True)
    public = [name for name in sys.stdlib_module_names if not name.startswith("_")]
    lowered = top.lower()
    for name in public:
        if name == lowered:
            return StandardName(name, python2=False)
    if len(top) < 4:
        return None
    close = sorted(name for name in public
                   if abs(len(name) - len(top)) <= 1 and len(name) >= 4
                   and edit_distance(lowered, name, 1) <= 1)
    return StandardName(close[0], python2=False) if len(close) == 1 else None


# --- wording
_NOWHERE = ("no module `{top}` is installed here, in the standard library, beside the "
            "notebook, or written by a cell above")
NO_EVIDENCE = Message(
    "missing-module/not-found",
    "`{module}` cannot be found: " + _NOWHERE + "; nor is `{top}` the import name of a "
    "package nbscope knows from PyPI, so it is most likely a helper module that was beside "
    "the notebook on its author's machine and is not shipped with it.",
    "Commit `{top}.py` (or the `{top}/` package) beside the notebook, or write it from a cell "
    "with `%%writefile {top}.py`; if it is a package after all, install it in a cell above "
    "with `%pip install`.")
INSTALLED_BELOW = Message(
    "missing-module/installed-below",
    "`{module}` is not installed where nbscope ran, and the cell that installs `{dist}`, "
    "which brings `{top}`, is cell {below}, below this one: Restart & Run All in a fresh "
    "environment reaches this import first and raises ModuleNotFoundError.",
    "Move the `pip install` of cell {below} above this cell (installs belong at the top "
    "of a notebook).")
INSTALLS_OTHERS = Message(
    "missing-module/not-found-installs",
    "`{module}` cannot be found: " + _NOWHERE + ", and `{top}` is not the import name of a "
    "package nbscope knows from PyPI; cell {install_cell} installs packages (`{command}`), "
    "and one of them may bring it as a dependency.",
    "If `{top}` comes with a package cell {install_cell} installs, nothing is to be done; "
    "otherwise commit `{top}.py` beside the notebook, or install the package that provides "
    "it with `%pip install` in a cell above.")
_PACKAGE = ("`{module}` is not installed where nbscope ran, and no cell above installs it: "
            "`{top}` is the import name of the PyPI package `{dist}`{renamed}.")
PACKAGE = Message(
    "missing-module/package-not-installed",
    _PACKAGE + " In an environment without it, this line raises ModuleNotFoundError and the "
    "names it imports stay undefined.",
    "Install it before this cell runs: add `%pip install {dist}` in a cell above, or list "
    "`{dist}` in the project's requirements{platform}.")
PACKAGE_SAVED = Message(
    "missing-module/package-saved-error",
    _PACKAGE + " {evidence}: it was not installed where the notebook last ran either, so "
    "this line raises ModuleNotFoundError and the names it imports stay undefined.",
    "Install it before this cell runs: add `%pip install {dist}` in a cell above, or list "
    "`{dist}` in the project's requirements{platform}.")
PACKAGE_COMMENTED = Message(
    "missing-module/package-install-commented",
    "`{module}` is not installed where nbscope ran: `{top}` is the import name of the PyPI "
    "package `{dist}`{renamed}, and the line of cell {install_cell} that would install it "
    "is commented out (`{command}`). In an environment without it, this line raises "
    "ModuleNotFoundError and the names it imports stay undefined.",
    "Uncomment the `pip install` line of cell {install_cell} (or add `%pip install {dist}` "
    "in a cell above){platform}.")
PLATFORM = Message(
    "missing-module/platform-module",
    "`{module}` is a module of the {runtime} runtime, on no package index; {evidence}, so the "
    "notebook last ran outside {runtime}, where this line raises ModuleNotFoundError.",
    "Run the notebook on {runtime}, where `{top}` is provided.")
SAVED_ERROR = Message(
    "missing-module/saved-error",
    "`{module}` cannot be imported: " + _NOWHERE + ", and {evidence}: it was missing when the "
    "notebook last ran too. This line raises ModuleNotFoundError and the names it imports "
    "stay undefined.",
    "If `{top}` is your own module, commit `{top}.py` beside the notebook or write it from a "
    "cell with `%%writefile {top}.py`; if it is a package, install it in a cell above with "
    "`%pip install`.")
_HELPER = ("`{module}` cannot be imported: no module `{top}` is installed, in the standard "
           "library, beside the notebook, or written by a cell above, and {evidence}, so it "
           "is a helper module that is not there: this line raises ModuleNotFoundError and "
           "the names it imports stay undefined.")
HELPER = Message(
    "missing-module/helper",
    _HELPER,
    "Put `{top}.py` (or the `{top}/` package) beside the notebook and commit it, write it "
    "from a cell with `%%writefile {top}.py`, or install the package.")
HELPER_COLAB = Message(
    "missing-module/helper-colab",
    _HELPER + " On Colab, files uploaded by hand are deleted when the runtime restarts.",
    "Upload `{top}.py` again after each runtime restart, write it from a cell with "
    "`%%writefile {top}.py`, or `pip install` it if it is a package.")
PYTHON2 = Message(
    "missing-module/python2-name",
    "`{top}` is the Python 2 name of the standard library's `{module}`; Python 3 has no "
    "`{top}`, so this line raises ModuleNotFoundError.",
    "Import `{module}` instead (`import {module} as {top}` keeps the old name).")
MISSPELT = Message(
    "missing-module/misspelt-stdlib",
    "There is no module `{top}`; the standard library has `{module}`, which is probably what "
    "was meant{case}. This line raises ModuleNotFoundError.",
    "Write `{module}` instead of `{top}`.")


def finding(facts: Facts, record: ImportSite, evidence: UploadEvidence | None) -> Finding:
    """``evidence`` says why this is an uploaded or local module (None: no evidence)."""
    top = record.module.split(".")[0]
    standard = standard_name(top)
    if standard is not None:
        return _standard_finding(facts, record, top, *standard)
    fields = {"module": record.module, "top": top, "evidence": evidence and evidence.text}
    runtime = platform_of(record.module)
    if runtime is not None and evidence is not None:
        return facts.finding(RULE, top, record.site, PLATFORM, {**fields, "runtime": runtime},
                             severity=Severity.WARNING)
    package = package_for(record.module)
    below = module_sources.installed_below(facts, record.site.cell, record.module)
    if below is not None:
        fields.update(below=below, dist=package.distribution if package else top)
        return facts.finding(RULE, top, record.site, INSTALLED_BELOW, fields,
                             severity=Severity.WARNING)
    if package is not None:
        return _package_finding(facts, record, top, package)
    added = _path_addition(facts, record)
    if added is not None and (evidence is None or evidence.saved_error is None):
        return _expected_from_path(facts, record, top, *added)
    if evidence is None:
        install = module_sources.install_command(facts, record.site.cell)
        if install is not None:
            fields.update(install_cell=install[0], command=install[1])
            return facts.finding(RULE, top, record.site, INSTALLS_OTHERS, fields,
                                 severity=Severity.WARNING)
        return facts.finding(RULE, top, record.site, NO_EVIDENCE, fields,
                             severity=Severity.WARNING)
    if evidence.saved_error is not None:  # a saved ModuleNotFoundError: helper or package
        return facts.finding(RULE, top, record.site, SAVED_ERROR, fields)
    message = HELPER_COLAB if facts.notebook.is_colab else HELPER
    return facts.finding(RULE, top, record.site, message, fields)


def _package_finding(facts: Facts, record: ImportSite, top: str, package: Package) -> Finding:
    """A package that is not installed here: info, or a warning when the saved outputs show
    it missing where the notebook last ran too (never an error: no cell-order problem)."""
    saved = saved_module_error(facts, top)
    fields = {
        "module": record.module, "top": top, "dist": package.distribution,
        "renamed": " (its package name differs from the module's)" if package.renamed else "",
        "platform": f"; it installs on {package.platform} only" if package.platform else "",
        "evidence": saved is not None
        and f"Cell {saved}'s saved output shows ModuleNotFoundError for it",
    }
    message, severity = ((PACKAGE, Severity.INFO) if saved is None
                         else (PACKAGE_SAVED, Severity.WARNING))
    commented = module_sources.commented_install(facts, record.site.cell, package)
    if commented is not None and saved is None:
        message = PACKAGE_COMMENTED
        fields.update(install_cell=commented[0], command=commented[1])
    return facts.finding(RULE, top, record.site, message, fields, severity=severity,
                         suggestion=package.install_line)


EXPECTED_FROM_CLONE = Message(
    "missing-module/expected-from-clone",
    "`{module}` is not installed here, in the standard library or beside the notebook; cell "
    "{cell} clones a repository (`{command}`), so it is expected from there, where nbscope "
    "cannot look.",
    "Run cell {cell} before this import again after every restart of the runtime (a fresh "
    "Colab runtime has no clone), and keep the repository's folder on `sys.path` or as the "
    "working folder.")


def _clones(facts: Facts) -> list[tuple[int, str]]:
    """The cells that run ``git clone``, in order, with the command."""
    return [(found.cell, command)
            for found in sorted(facts.cell_facts.values(), key=lambda c: c.cell)
            for command in [module_sources.clone_command(found)] if command is not None]


def _cloned_from(facts: Facts, record: ImportSite, cell: int,
                 clones: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The last of ``clones`` at or above the import, when only a clone can provide the
    module (it is no package nbscope knows, and nothing else writes it)."""
    # The clone first: most notebooks have none, and then no module is looked up again.
    above = [clone for clone in clones if clone[0] <= cell]
    if not above or package_for(record.module) is not None:
        return None
    if not module_missing(facts, record.module, cell, clones=False):
        return None
    return above[-1]


def _expected_from_clone(facts: Facts, record: ImportSite, cell: int,
                         command: str) -> Finding:
    top = record.module.split(".")[0]
    shown = command.strip().replace("`", "'")
    shown = shown if len(shown) <= 80 else shown[:77].rstrip() + "..."
    return facts.finding(RULE, top, record.site, EXPECTED_FROM_CLONE,
                         {"module": record.module, "cell": cell, "command": shown},
                         severity=Severity.INFO,
                         related=(facts.related("upload", Site(cell, None)),))


EXPECTED_FROM_PATH = Message(
    "missing-module/expected-from-path",
    "`{module}` is not installed here, in the standard library or beside the notebook; cell "
    "{cell} adds `{folder}` to `sys.path`, so it is expected from there{place}, a folder "
    "nbscope cannot see on this machine.",
    "Make sure `{top}.py` (or the `{top}/` package) is in `{folder}` before cell {cell} "
    "runs{mount}.")


def _path_addition(facts: Facts, record: ImportSite) -> tuple[int, str] | None:
    """The last cell at or above the import that adds a folder to ``sys.path``, and the
    folder (the module is expected from there)."""
    added = [(cell.cell, folder) for cell in sorted(facts.cell_facts.values(),
                                                    key=lambda c: c.cell)
             if cell.cell <= record.site.cell for folder in cell.sys_path_folders
             if _outside_project(folder)]
    return added[-1] if added else None


def _outside_project(folder: str) -> bool:
    """An absolute folder (``/content/drive/...``, ``~/lib``): one of another machine,
    where nbscope cannot look. A relative one lies beside the notebook, where it can."""
    return folder.startswith(("/", "~")) or (len(folder) > 2 and folder[1:3] == ":\\")


def _expected_from_path(facts: Facts, record: ImportSite, top: str, cell: int,
                        folder: str) -> Finding:
    drive = "/drive/" in folder.replace("\\", "/") + "/" or folder.startswith("/content/drive")
    fields = {"module": record.module, "top": top, "cell": cell, "folder": folder,
              "place": " (a mounted Google Drive folder)" if drive else "",
              "mount": " (mount the Drive with `drive.mount(...)` first)" if drive else ""}
    return facts.finding(RULE, top, record.site, EXPECTED_FROM_PATH, fields,
                         severity=Severity.WARNING,
                         related=(facts.related("sys.path", Site(cell, None)),))


def _standard_finding(facts: Facts, record: ImportSite, top: str, module: str,
                      python2: bool) -> Finding:
    case = " (module names are case-sensitive)" if top.lower() == module else ""
    message = PYTHON2 if python2 else MISSPELT
    return facts.finding(RULE, top, record.site, message,
                         {"top": top, "module": module, "case": case}, suggestion=module)
