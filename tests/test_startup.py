"""A small run imports only what it uses: `nbscope check one.ipynb` does not pay for the
process pool, other report formats, nbformat or msgspec, and a warm run not even for the
analysis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "typo.ipynb"  # nbformat 4, plain Python, one finding
CODE = ("import json, sys\nfrom nbscope.cli import main\nmain(sys.argv[1:])\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")


def modules_after(*args: object, cache: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-c", CODE, *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO),
                               "NBSCOPE_CACHE_DIR": str(cache)})
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def loaded(modules: set[str], *prefixes: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


NEVER_FOR_ONE_NOTEBOOK = ("nbformat", "concurrent.futures.process", "multiprocessing",
                          "msgspec", "xml", "nbscope.report.sarif", "nbscope.report.junit",
                          "nbscope.report.github", "nbscope.report.json_format", "IPython",
                          "nbscope.live", "dask")


def test_version_imports_no_analysis(tmp_path: Path) -> None:
    modules = modules_after("--version", cache=tmp_path)
    assert loaded(modules, "nbscope.analyze", "nbscope.dataflow", "nbscope.rules",
                  "nbscope.loader", *NEVER_FOR_ONE_NOTEBOOK) == []


def test_one_notebook_cold_imports_what_it_uses(tmp_path: Path) -> None:
    modules = modules_after("check", "--no-cache", NOTEBOOK, cache=tmp_path)
    assert "nbscope.analyze" in modules and "nbscope.report.text" in modules
    assert loaded(modules, "nbscope.cache", *NEVER_FOR_ONE_NOTEBOOK) == []


def test_one_notebook_warm_imports_no_analysis(tmp_path: Path) -> None:
    modules_after("check", NOTEBOOK, cache=tmp_path)  # fills the cache
    modules = modules_after("check", NOTEBOOK, cache=tmp_path)
    assert "nbscope.cache" in modules
    assert loaded(modules, "nbscope.analyze", "nbscope.dataflow", "nbscope.loader",
                  "nbscope.transform", "nbscope.imports_env", *NEVER_FOR_ONE_NOTEBOOK) == []


def test_a_batch_run_gives_the_collector_back(capsys) -> None:
    """A run over several notebooks collects garbage less often, then restores the caller's
    settings: `main` may run inside a longer-lived process."""
    import gc

    from nbscope.cli import main

    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    main(["check", "--no-cache", str(NOTEBOOK), str(REPO / "notebooks" / "missing_import.ipynb")])
    capsys.readouterr()
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_a_batch_run_on_a_collector_without_generations(monkeypatch, capsys) -> None:
    """PyPy's collector has no thresholds to tune or objects to freeze: a batch run there
    checks the notebooks as CPython does, leaving the collector alone."""
    import gc

    from nbscope.cli import main

    paths = [str(NOTEBOOK), str(REPO / "notebooks" / "missing_import.ipynb")]
    main(["check", "--no-cache", *paths])
    expected = capsys.readouterr().out
    for name in ("get_threshold", "set_threshold", "freeze", "unfreeze"):
        monkeypatch.delattr(gc, name)
    status = main(["check", "--no-cache", *paths])
    assert capsys.readouterr().out == expected
    assert status == 1
