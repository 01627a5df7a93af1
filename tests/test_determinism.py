"""The same findings for a notebook whatever was checked before it: serially, with two
worker processes, and in reverse order, compared message by message on the corpus.

Each run has its own fixed ``PYTHONHASHSEED``: the findings must not depend on the
order in which a process iterates a set of names either, and fixed seeds make the
outcome the same at every run of this test.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.cache_codec import encode
from nbscope.checking import Settings, check_path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "notebooks"
SAMPLE = 150
# Star imports and %pylab read other modules' exports: where earlier notebooks could leave
# traces. Every such notebook is in the sample, the rest is drawn at random (seeded).
_SHARED_STATE = (b"import *", b"%pylab", b"pylab inline")


def corpus_notebooks() -> tuple[list[str], list[str]]:
    """Every corpus notebook in sorted order, and those that read other modules' exports."""
    every = sorted(str(path) for path in CORPUS.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in path.parts)
    marked = [path for path in every if any(m in Path(path).read_bytes() for m in _SHARED_STATE)]
    return every, marked


def corpus_sample() -> list[str]:
    every, marked = corpus_notebooks()
    others = [path for path in every if path not in set(marked)]
    chosen = set(marked[:SAMPLE]) | set(
        random.Random(14).sample(others, max(0, min(len(others), SAMPLE - len(marked)))))
    return [path for path in every if path in chosen]  # corpus order: siblings together


def _last_checked(paths: list[str]) -> dict:
    """In a fresh process: check ``paths`` in order and give the last one's report."""
    for path in paths:
        checked = check_path(path, Settings())
    return encode(checked)


def check(paths: list[str], jobs: int, seed: int) -> dict[str, dict]:
    command = [sys.executable, "-m", "nbscope", "check", "--format", "json", "--no-cache",
               "--fail-on", "never", "--jobs", str(jobs), *paths]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO),
                               "PYTHONHASHSEED": str(seed)})
    assert done.returncode in (0, 2), done.stderr[-2000:]
    return {nb["path"]: nb for nb in json.loads(done.stdout)["notebooks"]}


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    found = []
    for path, notebook in expected.items():
        other = actual[path]
        if notebook == other:
            continue
        for mine, theirs in zip(notebook["findings"], other["findings"], strict=False):
            if mine != theirs:
                found.append(f"{path} cell {mine['cell']}: {mine['message']!r} "
                             f"!= {theirs['message']!r}")
        if len(notebook["findings"]) != len(other["findings"]) or not found:
            found.append(f"{path}: {notebook} != {other}")
    return found


def sibling_differences() -> list[str]:
    """Each `%pylab` notebook checked in a fresh process alone, and right after each
    sibling in its folder that star-imports too (the issue's case: `%pylab` read
    differently after a sibling's `from scipy import *`): one entry per difference."""
    _, marked = corpus_notebooks()
    folders: dict[str, list[str]] = defaultdict(list)
    for path in marked:
        folders[os.path.dirname(path)].append(path)
    pylab = [path for path in marked if b"pylab" in Path(path).read_bytes()]
    tasks = [[path] for path in pylab] + [
        [before, path] for path in pylab for before in folders[os.path.dirname(path)]
        if before != path]
    context = multiprocessing.get_context("fork")  # fresh state, imports already done
    with context.Pool(2, maxtasksperchild=1) as pool:
        reports = pool.map(_last_checked, tasks, chunksize=1)
    pairs = list(zip(tasks, reports, strict=True))
    alone = {task[0]: report for task, report in pairs if len(task) == 1}
    problems = [f"{os.path.relpath(task[1], CORPUS)} after {os.path.basename(task[0])}: "
                f"{report['findings']} != {alone[task[1]]['findings']}"
                for task, report in pairs
                if len(task) == 2 and report != alone[task[1]]]
    assert len(tasks) > len(pylab) > 0
    return problems


def test_order_and_workers_do_not_change_findings() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the notebook corpus is not here ({CORPUS}): it lives in ../shared")
    sample = corpus_sample()
    assert len(sample) == SAMPLE
    serial = check(sample, jobs=1, seed=0)
    assert len(serial) == SAMPLE and sum(len(nb["findings"]) for nb in serial.values()) > 100
    problems = differences(serial, check(sample, jobs=2, seed=1))
    problems += differences(serial, check(sample[::-1], jobs=1, seed=2))
    problems += sibling_differences()
    assert not problems, "\n".join(problems[:20])


def test_definitions_on_one_line_are_listed_in_the_order_written() -> None:
    # Two bindings of ``y`` on line 3 reach the read; each check makes new events, whose
    # order in a set varies, so twenty checks would show any order taken from a set.
    cells = ["try:\n    int('x')\n    y = (y := 1) + 1\nexcept ValueError:\n    pass\n",
             "print(y)"]
    for _ in range(20):
        found, = check_notebook(make_notebook(*cells)).findings
        assert [(r.line, r.column) for r in found.related] == [(3, 5), (3, 10)]
