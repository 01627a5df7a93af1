"""Render a run's reports for people and programs. ``FORMATS`` maps a format name to its renderer.

Every renderer takes one ``Run``: the notebooks' reports as shown, plus what a
summary must say honestly (suppressed and excluded notebooks, paths that held
no notebook, the failing threshold and the exit status).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..checking import CheckedNotebook
from ..findings import NotebookReport, Severity


@dataclass(frozen=True)
class Run:
    checked: Sequence[CheckedNotebook]
    fail_on: str = "error"
    excluded: int = 0
    path_errors: Sequence[tuple[str, str]] = ()
    status: int = 0
    color: bool = False

    @property
    def reports(self) -> list[NotebookReport]:
        return [item.report for item in self.checked]

    @property
    def suppressed(self) -> int:
        return sum(item.suppressed for item in self.checked)

    @property
    def unreadable(self) -> int:
        return sum(1 for report in self.reports if report.error is not None)

    def failing(self, report: NotebookReport) -> int:
        """How many of the report's findings are at or above ``fail_on``."""
        if self.fail_on == "never":
            return 0
        threshold = Severity(self.fail_on).rank
        return sum(1 for found in report.findings if found.severity.rank >= threshold)


Renderer = Callable[[Run], str]

# format name -> module with its ``render``; a module is imported when its format is used.
_MODULES = {"text": "text", "json": "json_format", "github": "github", "sarif": "sarif",
            "junit": "junit"}


class _Formats(Mapping[str, Renderer]):
    """The renderers by format name, imported on first use (start-up of a small run)."""

    def __getitem__(self, name: str) -> Renderer:
        if name not in _MODULES:
            raise KeyError(name)
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        return module.render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Renderer] = _Formats()
