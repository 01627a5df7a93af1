"""What the analysis may ask of the world outside the notebook's text, declared once.

The analysis core is pure: everything it learns about files and modules comes
through one object that answers these questions. ``Workspace`` answers them from
the file system beside a notebook; ``NoEnvironment`` knows nothing (no modules,
no scripts), which is what the analysis assumes when the caller gives nothing.
"""

from __future__ import annotations

from typing import Protocol

from .module_exports import ModuleNames


class NameEnvironment(Protocol):
    """What lowering a cell may ask: which names a star import binds, a script's text."""

    def star_import_names(self, module: str) -> frozenset[str] | None: ...

    def script_source(self, path: str) -> str | None: ...


class ModuleKnowledge(Protocol):
    """What the rules may ask about modules, to explain an import or a missing one."""

    def import_line_for(self, name: str) -> str | None: ...

    def module_missing(self, module: str, extra_paths: tuple[str, ...]) -> bool: ...

    def well_known_package(self, top_level: str) -> bool: ...

    def installed_module_names(self, module: str) -> frozenset[str] | None: ...

    def local_module_names(self, module: str,
                           extra_paths: tuple[str, ...]) -> ModuleNames | None: ...


class Environment(NameEnvironment, ModuleKnowledge, Protocol):
    """Everything the analysis asks, as one object (``Workspace`` is one)."""


class NoEnvironment:
    """Knows no modules and no scripts: star imports and ``%run`` stay opaque, no
    import is suggested and every module counts as present."""

    def star_import_names(self, module: str) -> frozenset[str] | None:
        return None

    def script_source(self, path: str) -> str | None:
        return None

    def import_line_for(self, name: str) -> str | None:
        return None

    def module_missing(self, module: str, extra_paths: tuple[str, ...]) -> bool:
        return False

    def well_known_package(self, top_level: str) -> bool:
        return True

    def installed_module_names(self, module: str) -> frozenset[str] | None:
        return None

    def local_module_names(self, module: str,
                           extra_paths: tuple[str, ...]) -> ModuleNames | None:
        return None
