"""A notebook's surroundings: the files beside it and the modules this Python has.

This is the one object through which the analysis learns anything outside the
notebook's text. It answers from the file system (``imports_env``) and from the
import conventions table, and never imports or runs anything.
"""

from __future__ import annotations

import os

from .conventions import KNOWN_THIRD_PARTY, import_line_for
from .imports_env import ModuleEnvironment
from .module_exports import ModuleNames


class Workspace:
    """Module and script lookups for notebooks in one folder (an ``Environment``)."""

    def __init__(self, notebook_dir: str | None, extra_paths: tuple[str, ...] = ()) -> None:
        """``extra_paths``: more folders of local modules (configuration), searched after
        the notebook's own folder; relative ones are taken from the notebook's folder."""
        self.notebook_dir = notebook_dir
        self.extra_paths = extra_paths
        self._modules = ModuleEnvironment(notebook_dir, extra_paths)
        self._with_paths: dict[tuple[str, ...], ModuleEnvironment] = {}

    @classmethod
    def for_notebook(cls, path: str) -> Workspace:
        return cls(os.path.dirname(os.path.abspath(path)))

    # NameEnvironment: what the lowering of cells asks
    def star_import_names(self, module: str) -> frozenset[str] | None:
        return self._modules.star_import_names(module)

    def script_source(self, path: str) -> str | None:
        return self._modules.script_source(path)

    # ModuleKnowledge: what the rules ask
    def import_line_for(self, name: str) -> str | None:
        return import_line_for(name, self._modules.is_stdlib)

    def well_known_package(self, top_level: str) -> bool:
        return top_level in KNOWN_THIRD_PARTY

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
        return self._with_paths.setdefault(
            extra_paths, ModuleEnvironment(self.notebook_dir, self.extra_paths + extra_paths))
