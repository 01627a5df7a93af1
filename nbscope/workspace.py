"""A notebook's surroundings: the files beside it and the modules this Python has.

This is the one object through which the analysis learns anything outside the
notebook's text (an ``Environment``). It answers from the file system
(``imports_env``) and from the import conventions table, and never imports or runs
anything. ``local_folders`` and ``ReadLog`` tell the results cache which files an
answer can depend on.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .imports_env import ModuleEnvironment
    from .module_exports import ModuleNames

# ``imports_env`` and ``conventions`` are imported when a workspace is made: a run
# answered from the cache only needs ``local_folders``.


class Workspace:
    """Module and script lookups for notebooks in one folder (an ``Environment``)."""

    def __init__(self, notebook_dir: str | None, extra_paths: tuple[str, ...] = ()) -> None:
        """``extra_paths``: more folders of local modules (configuration), searched after
        the notebook's own folder; relative ones are taken from the notebook's folder."""
        self.notebook_dir = notebook_dir
        self.extra_paths = extra_paths
        from .imports_env import ModuleEnvironment

        self._modules = ModuleEnvironment(notebook_dir, extra_paths)
        self._with_paths: dict[tuple[str, ...], ModuleEnvironment] = {}

    @classmethod
    def for_notebook(cls, path: str) -> Workspace:
        return cls(os.path.dirname(os.path.abspath(path)))

    def local_folders(self, extra_paths: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The folders searched for the notebook's own modules, in order (``extra_paths``:
        those a cell adds to ``sys.path``)."""
        return local_folders(self.notebook_dir, self.extra_paths + extra_paths)

    # NameEnvironment: what the lowering of cells asks
    def star_import_names(self, module: str) -> frozenset[str] | None:
        return self._modules.star_import_names(module)

    def script_source(self, path: str) -> str | None:
        return self._modules.script_source(path)

    # ModuleKnowledge: what the rules ask
    def import_line_for(self, name: str) -> str | None:
        from .conventions import import_line_for

        return import_line_for(name, self._modules.is_stdlib)

    def well_known_package(self, top_level: str) -> bool:
        from .conventions import KNOWN_THIRD_PARTY

        return top_level in KNOWN_THIRD_PARTY

    def installed_module_names(self, module: str) -> frozenset[str] | None:
        """The public names of an installed or standard-library module (what
        ``from module import *`` binds, read from its source); None for the notebook's
        own modules, for modules that are not here, and where they cannot be listed."""
        from .imports_env import ModuleKind

        location = self._modules.locate(module)
        if location is None or location.kind is ModuleKind.LOCAL:
            return None
        return self._modules.star_import_names(module)

    def module_missing(self, module: str, extra_paths: tuple[str, ...]) -> bool:
        return self._searching(extra_paths).locate(module) is None

    def local_module_names(self, module: str,
                           extra_paths: tuple[str, ...]) -> ModuleNames | None:
        """The top-level names of a module beside the notebook (or on a ``sys.path``
        folder it adds), read from its source; None for other modules."""
        return self._searching(extra_paths).local_names(module)

    def _searching(self, extra_paths: tuple[str, ...]) -> ModuleEnvironment:
        """The module lookups with the notebook's own ``sys.path`` additions."""
        if not extra_paths:
            return self._modules
        from .imports_env import ModuleEnvironment

        return self._with_paths.setdefault(
            extra_paths, ModuleEnvironment(self.notebook_dir, self.extra_paths + extra_paths))


def local_folders(notebook_dir: str | None, extra_paths: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The folders a ``Workspace(notebook_dir, extra_paths)`` searches for local modules:
    the notebook's folder, then each extra path (relative ones from the notebook's
    folder), without repeats; the rule of ``imports_env`` (a test holds them equal)."""
    notebook_dir = os.path.abspath(notebook_dir) if notebook_dir else None
    folders = [notebook_dir] if notebook_dir else []
    for entry in extra_paths:
        entry = os.path.expanduser(entry)
        if not os.path.isabs(entry):
            if notebook_dir is None:
                continue
            entry = os.path.join(notebook_dir, entry)
        folders.append(os.path.normpath(entry))
    return tuple(dict.fromkeys(folders))


class ReadLog:
    """A ``Workspace`` that notes what the analysis asks of the file system beyond the
    local folders: the scripts ``%run`` reads and the folders cells add to ``sys.path``.

    Read-only, like the workspace it wraps; one per notebook, since the workspace is
    shared by the notebooks of a folder.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.scripts: dict[str, str | None] = {}  # %run argument -> the source found
        self.added_paths: set[str] = set()

    def star_import_names(self, module: str) -> frozenset[str] | None:
        return self.workspace.star_import_names(module)

    def script_source(self, path: str) -> str | None:
        source = self.workspace.script_source(path)
        self.scripts[path] = source
        return source

    def import_line_for(self, name: str) -> str | None:
        return self.workspace.import_line_for(name)

    def well_known_package(self, top_level: str) -> bool:
        return self.workspace.well_known_package(top_level)

    def installed_module_names(self, module: str) -> frozenset[str] | None:
        return self.workspace.installed_module_names(module)

    def module_missing(self, module: str, extra_paths: tuple[str, ...]) -> bool:
        self.added_paths.update(extra_paths)
        return self.workspace.module_missing(module, extra_paths)

    def local_module_names(self, module: str,
                           extra_paths: tuple[str, ...]) -> ModuleNames | None:
        self.added_paths.update(extra_paths)
        return self.workspace.local_module_names(module, extra_paths)

    def __getattr__(self, name: str) -> object:
        # Any other question is about modules: the local folders' fingerprint and this
        # Python's search path, both in the cache key, cover its answer.
        return getattr(self.workspace, name)
