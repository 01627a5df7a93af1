"""nbscope over a Dask bag on a real LocalCluster gives what the serial command gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

pytest.importorskip("dask.bag", reason="Dask is not installed (pip install 'nbscope[dask]')")
distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (pip install 'nbscope[dask]')")

from nbscope import distributed as nbscope_dask  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "notebooks"


def serial_json(paths: list[str]) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "nbscope", "check", "--format", "json", "--no-cache", "--jobs",
         "1", *paths], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode in (0, 1, 2), done.stderr
    return json.loads(done.stdout)["notebooks"]


def corpus(tmp_path: Path) -> list[str]:
    """The example notebooks, a few more, and one that cannot be read."""
    extra = tmp_path / "more"
    extra.mkdir()
    for number in range(6):
        cells = [v4.new_code_cell(f"value{number} = {number}"),
                 v4.new_code_cell(f"print(value{number} + missing{number})")]
        nbformat.write(v4.new_notebook(cells=cells), str(extra / f"nb{number}.ipynb"))
    (extra / "broken.ipynb").write_text("{not json", encoding="utf-8")
    return nbscope_dask.notebook_paths([str(EXAMPLES), str(extra)])


def test_local_cluster_results_equal_the_serial_command(tmp_path: Path, capsys) -> None:
    paths = corpus(tmp_path)
    output = tmp_path / "results"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        summary = nbscope_dask.check_corpus(paths, str(output), partitions=3)
    expected = serial_json(paths)
    assert list(nbscope_dask.read_results(str(output))) == expected
    assert summary.notebooks == len(paths) == len(expected)
    assert summary.unreadable == 1
    assert summary.findings == sum(len(nb["findings"]) for nb in expected) > 10
    assert sorted(p.name for p in output.glob("part-*.jsonl")) == [
        "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert "[" in capsys.readouterr().err  # the progress bar
    try:
        import pyarrow.parquet
    except ImportError:
        assert summary.parquet_note and "pyarrow" in summary.parquet_note
        return
    parts = sorted(str(part) for part in output.glob("findings-*.parquet"))
    assert len(parts) == 3
    rows = pyarrow.parquet.ParquetDataset(parts).read().to_pylist()  # one schema for all
    assert [(row["path"], row["cell"], row["line"], row["code"], row["message"])
            for row in rows] == [
        (nb["path"], f["cell"], f["line"], f["code"], f["message"])
        for nb in expected for f in nb["findings"]]


def test_results_are_not_overwritten_without_asking(tmp_path: Path) -> None:
    paths = [str(EXAMPLES / "typo.ipynb")]
    output = str(tmp_path / "results")
    import dask

    with dask.config.set(scheduler="sync"):
        nbscope_dask.check_corpus(paths, output, progress=False)
        with pytest.raises(FileExistsError, match="already holds results"):
            nbscope_dask.check_corpus(paths, output, progress=False)
        summary = nbscope_dask.check_corpus(paths, output, progress=False, overwrite=True)
    assert summary.notebooks == 1 and summary.findings == 1


def test_command_line(tmp_path: Path) -> None:
    listing = tmp_path / "paths.txt"
    listing.write_text(f"{EXAMPLES / 'typo.ipynb'}\n{EXAMPLES / 'missing_import.ipynb'}\n",
                       encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "nbscope.distributed", "--files-from", str(listing), "-o",
         str(tmp_path / "out"), "--no-parquet", "-q"], cwd=REPO, capture_output=True,
        text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert "checked 2 notebooks (0 unreadable)" in done.stdout
    written = list(nbscope_dask.read_results(str(tmp_path / "out")))
    assert [entry["path"] for entry in written] == [str(EXAMPLES / "typo.ipynb"),
                                                   str(EXAMPLES / "missing_import.ipynb")]
