"""notebooks/live_extension.ipynb runs from top to bottom in a real kernel and shows what
its text promises: the report, the explained NameError, and nothing extra once it works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kernel_harness import REPO, LiveKernel

DEMO = REPO / "notebooks" / "live_extension.ipynb"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict:
    kernel = LiveKernel(DEMO, tmp_path_factory.mktemp("demo"))
    try:
        cells = json.loads(DEMO.read_text(encoding="utf-8"))["cells"]
        return {index: kernel.run_notebook_cell(cell["id"])
                for index, cell in enumerate(cells, start=1) if cell["cell_type"] == "code"}
    finally:
        kernel.shutdown()


def test_every_cell_runs(outcomes: dict) -> None:
    assert [(i, o.status) for i, o in outcomes.items()] == [(i, "ok") for i in outcomes]
    assert all(o.stderr == "" for o in outcomes.values())


def test_it_shows_the_report_then_the_explained_error(outcomes: dict) -> None:
    report = outcomes[5].displays[0]["data"]["text/plain"]
    assert "defined_later.ipynb: 1 finding" in report
    assert "Restart & Run All would first stop at cell 2 (NameError: `session_conf`)." in report
    failed = outcomes[7]
    assert failed.error is not None and failed.error["ename"] == "NameError"
    assert "`session_conf` is assigned in cell 4 (below this cell), which has not run in " \
           "this kernel session." in failed.explanation


def test_once_it_works_nothing_extra(outcomes: dict) -> None:
    worked = outcomes[9]
    assert worked.error is None and worked.displays == []
    assert worked.stdout == "epoch 1: batch size 32\nepoch 2: batch size 32\n"


def test_the_demo_is_an_example_notebook_without_findings() -> None:
    metadata = json.loads(Path(DEMO).read_text(encoding="utf-8"))["metadata"]
    assert metadata["nbscope"]["expect"] == []
