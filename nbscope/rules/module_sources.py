"""What a notebook's own cells provide for an import, read from their shell lines and files.

A module nbscope cannot find may still be there when the notebook runs: a cell
writes or fetches it (``%%writefile``, ``!wget``, ``!unzip``), installs the package
that brings it (``!pip install pywin32`` brings ``win32com``), builds it
(``!f2py -m``, ``!protoc --python_out``, a Cython ``build_ext``) or loads it from a
URL (``httpimport``). The missing-module rule asks these questions here.
"""

from __future__ import annotations

from ..dataflow.cellfacts import CellFacts
from ..packages import Package, modules_of, package_for
from .base import Facts

_PACKAGE_MANAGERS = frozenset({"pip", "pip3", "conda", "mamba", "micromamba", "uv", "poetry"})
_FETCHERS = ("unzip", "tar ", "git clone", "gdown", "cp ", "mv ", "7z ", "rsync", "svn ")
# ``httpimport`` calls that make modules importable from a URL (``with remote_repo(url):``).
_REMOTE_IMPORTERS = ("remote_repo", "github_repo", "gitlab_repo", "bitbucket_repo",
                     "add_remote_repo", "load(", "pypi_repo")


def remote_imports(facts: Facts, cell: int) -> bool:
    """Whether ``httpimport`` may load modules from a URL by ``cell`` (in it or above):
    what it loads is nowhere nbscope can look."""
    for code in facts.notebook.code_cells:
        if code.index <= cell and "httpimport" in code.source and any(
                call in code.source for call in _REMOTE_IMPORTERS):
            return True
    return False


def writes_module(ir: CellFacts, top: str, cython_sources: tuple[str, ...] = (),
                  clones: bool = True) -> bool:
    """Whether a cell may have written module ``top`` (``%%writefile``, ``!wget``, ``!unzip``),
    installed it (``!pip install`` of a package that brings it) or built it (``!f2py -m``,
    ``!protoc --python_out``, a Cython build). ``clones`` False leaves ``git clone`` out."""
    for path in ir.written_files:
        base = path.replace("\\", "/").split("/")
        if top + ".py" in base or top in base[:-1]:
            return True
    wanted = normalized(top)
    for command in ir.shell_commands:
        if any(fetcher in command for fetcher in _FETCHERS
               if clones or fetcher != "git clone"):
            return True
        if "install" in command and _installs(command, wanted):
            return True
        if top in command and (".py" in command or "wget" in command or "curl" in command):
            return True
        if top in _built_modules(command, cython_sources):
            return True
    return False


def _installs(command: str, wanted: str) -> bool:
    """Whether a ``pip install`` line may bring module ``wanted`` (normalized): it names it,
    or a package that brings it (``pywin32`` brings ``win32com``), or something nbscope
    cannot list (a ``git+`` URL, a requirements file, an editable folder)."""
    if wanted in normalized(command) or "git+" in command or " -r " in command \
            or "-e " in command:
        return True
    return _names_package(command, wanted)


def _names_package(command: str, wanted: str) -> bool:
    """Whether an install line names module ``wanted`` (normalized) or a package that brings
    it by the package table (``pip install pywin32`` brings ``win32com``)."""
    return any(wanted in modules_of(word) for word in _install_words(command))


def installed_below(facts: Facts, cell: int, module: str) -> int | None:
    """The first cell below ``cell`` whose install line names the package that brings
    ``module`` (``spire.xls``: ``Spire.Xls``, not ``spire.pdf``), or the module itself."""
    package = package_for(module)
    wanted = {normalized(module.split(".")[0])}
    if package is not None:
        wanted = {normalized(package.distribution)}
    for cell_facts in sorted(facts.cell_facts.values(), key=lambda c: c.cell):
        if cell_facts.cell > cell and any(
                "install" in command and wanted & set(_install_words(command))
                for command in cell_facts.shell_commands):
            return cell_facts.cell
    return None


def _install_words(command: str) -> list[str]:
    """The normalized package names of an install line (options and versions dropped)."""
    words = (word.split("==")[0].split(">")[0].split("<")[0].split("[")[0]
             for word in command.split() if not word.startswith("-"))
    return [normalized(word) for word in words if word]


def _built_modules(command: str, cython_sources: tuple[str, ...]) -> set[str]:
    """Modules a shell command builds: ``f2py ... -m NAME``, ``protoc --python_out``
    (``X.proto`` gives ``X_pb2``), a Cython build of a ``.pyx`` a cell wrote."""
    words = command.split()
    built: set[str] = set()
    if any(word.endswith("f2py") for word in words) and "-m" in words[:-1]:
        built.add(words[words.index("-m") + 1])
    if any(word.endswith("protoc") for word in words) and "--python_out" in command:
        built.update(word.rpartition("/")[2][:-len(".proto")] + "_pb2"
                     for word in words if word.endswith(".proto"))
    if "build_ext" in command or "cythonize" in command:
        built.update(path.replace("\\", "/").rpartition("/")[2][:-len(".pyx")]
                     for path in cython_sources)
    return built


def normalized(text: str) -> str:
    """Package spelling as pip compares it: ``tensorflow-docs`` finds ``tensorflow_docs``."""
    return text.lower().replace("-", "_").replace(".", "_")


def install_command(facts: Facts, cell: int) -> tuple[int, str] | None:
    """The first ``pip install`` (or conda) line at or above ``cell``, and its cell: the
    packages it installs may bring a module nbscope does not know as a dependency."""
    for cell_facts in sorted(facts.cell_facts.values(), key=lambda c: c.cell):
        if cell_facts.cell > cell:
            break
        for command in cell_facts.shell_commands:
            words = command.split()
            # Python package managers only: ``apt install`` brings no Python module.
            if "install" in words and _PACKAGE_MANAGERS & {w.rpartition("/")[2] for w in words}:
                return cell_facts.cell, " ".join(words)
    return None


def commented_install(facts: Facts, cell: int, package: Package) -> tuple[int, str] | None:
    """A commented-out install line at or above ``cell`` that names ``package``
    (``#! pip install datasets evaluate``), and its cell."""
    wanted = normalized(package.distribution)
    for code in facts.notebook.code_cells:
        if code.index > cell:
            break
        for line in code.source.splitlines():
            text = line.strip()
            if (text.startswith("#") and "install" in text
                    and wanted in _install_words(text.lstrip("#!% "))):
                return code.index, text
    return None


def clone_command(ir: CellFacts) -> str | None:
    """The cell's ``git clone`` shell command, if it runs one."""
    return next((command for command in ir.shell_commands if "git clone" in command), None)
