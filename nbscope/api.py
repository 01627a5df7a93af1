"""The Python API: what ``nbscope check`` answers, as Python objects.

A front end like the command line: it finds a notebook's surroundings (the folder
its local modules and uploads are looked up in, the ``[tool.nbscope]`` settings)
and hands them to the pure engine (``analyze``). ``check_notebook`` analyses a
notebook in hand; ``check_path`` gives a notebook file's report exactly as
``nbscope check --format json`` does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Union

from .analyze import check_notebook as analyse
from .environment import Environment
from .findings import NotebookReport
from .model import Notebook
from .workspace import Workspace

NotebookLike = Union[Notebook, Mapping[str, Any], str, "os.PathLike[str]"]
UNNAMED = "<notebook>"  # the path of a notebook given as a document without one


def check_notebook(notebook: NotebookLike, workspace: Environment | None = None, *,
                   extra_builtins: frozenset[str] = frozenset(),
                   path: str | None = None) -> NotebookReport:
    """Analyse one notebook as Restart & Run All would run it, as the command line does.

    ``notebook`` is a ``Notebook`` (``load_notebook``), a parsed document (an
    ``nbformat.NotebookNode`` or a ``dict``), or the path of a .ipynb file.
    Modules are looked up where the notebook would import them from: the folder
    of its path (``path`` names it for a document that has none; without one, the
    current folder, where a kernel started here would look). ``workspace`` replaces
    that lookup. The findings are all of them, before the settings, ``--select`` and
    ``# noqa`` suppressions that ``check_path`` applies.
    """
    loaded = as_notebook(notebook, path)
    if workspace is None:
        workspace = Workspace(notebook_folder(loaded.path))
    return analyse(loaded, workspace, extra_builtins=extra_builtins)


def check_path(path: str | os.PathLike[str], *, config: str | None = None,
               use_config: bool = True) -> NotebookReport:
    """The report ``nbscope check --format json PATH`` prints for the notebook at ``path``.

    Settings come from ``[tool.nbscope]`` of the nearest ``pyproject.toml`` above it
    (or from the file ``config`` names; none with ``use_config=False``), and the
    findings are those the command shows: after ``select``/``ignore``, the
    saved-session policy and suppressions. A file that cannot be read gives a
    report whose ``error`` says why, as in the JSON report; a bad configuration
    raises ``ValueError`` with the command's one-line message.
    """
    from . import checking
    from . import config as configuration
    from .rule_codes import code_of

    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"{name}: no such file")
    if os.path.isdir(name):
        raise IsADirectoryError(f"{name}: a folder; check_path takes one notebook file")
    found = config or (configuration.find([name]) if use_config else None)
    settings = configuration.load(found, code_of) if found else configuration.Config(
        root=os.getcwd())
    chosen = checking.Settings(
        select=settings.select, ignore=settings.ignore, saved_session=settings.saved_session,
        module_folders=settings.module_folders, extra_builtins=settings.extra_builtins)
    return checking.check_path(name, chosen).report


def as_notebook(notebook: NotebookLike, path: str | None = None) -> Notebook:
    """A ``Notebook`` from any of the forms ``check_notebook`` takes."""
    if isinstance(notebook, Notebook):
        return notebook
    from .loader import load_notebook, notebook_from_document

    if isinstance(notebook, (str, os.PathLike)):
        return load_notebook(notebook)
    if isinstance(notebook, Mapping):
        document = notebook if isinstance(notebook, dict) else dict(notebook)
        return notebook_from_document(document, path or UNNAMED)
    raise TypeError(f"expected a Notebook, a notebook document or a path, not "
                    f"{type(notebook).__name__}")


def notebook_folder(path: str) -> str:
    """The folder a notebook's own modules are imported from: its file's folder, or the
    current folder for a notebook without a path."""
    if not path or path == UNNAMED:
        return os.getcwd()
    return os.path.dirname(os.path.abspath(path))
