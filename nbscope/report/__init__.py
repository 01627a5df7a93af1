"""Render a run's reports for people and programs. ``FORMATS`` maps a format name to its renderer.

Every renderer takes one ``Run``: the notebooks' reports as shown, plus what a
summary must say honestly (suppressed and excluded notebooks, paths that held
no notebook, the failing threshold and the exit status).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def _formats() -> dict[str, Renderer]:
    from . import github, json_format, junit, sarif, text

    return {"text": text.render, "json": json_format.render, "github": github.render,
            "sarif": sarif.render, "junit": junit.render}


FORMATS: dict[str, Renderer] = _formats()
