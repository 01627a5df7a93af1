"""The results cache: warm runs print exactly what cold runs print, and stale entries
are never used (a changed notebook, helper module, script, setting or folder)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from nbscope import cache, cache_codec, checking, findings, imports_env, model, workspace
from nbscope.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "notebooks"
CORPUS = REPO.parent / "shared" / "corpus" / "notebooks"
FORMATS = ("text", "json", "github", "sarif", "junit")


def write_nb(path: Path, *sources: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell(s) for s in sources]), str(path))
    return path


def run(capsys, *args: object) -> tuple[int, str]:
    status = main(["check", *map(str, args)])
    return status, capsys.readouterr().out


def cli(*args: object, cwd: Path = REPO, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """A fresh process: the analysis keeps per-process lookups, the cache must not matter."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "nbscope", *map(str, args)], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=120)


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json") if not p.name.startswith(".tmp"))


# --- warm equals cold -------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMATS)
def test_warm_run_prints_what_a_cold_run_prints(tmp_path: Path, capsys, form: str) -> None:
    store = tmp_path / "cache"
    cold = run(capsys, "--no-cache", "--format", form, EXAMPLES)
    first = run(capsys, "--cache-dir", store, "--format", form, EXAMPLES)
    written = entries(store)
    warm = run(capsys, "--cache-dir", store, "--format", form, EXAMPLES)
    assert len(written) == len(list(EXAMPLES.glob("*.ipynb")))
    assert cold == first == warm
    assert entries(store) == written


def test_warm_run_reads_the_entries(tmp_path: Path, capsys) -> None:
    """An entry is what a warm run prints: change its stored message and the run shows it."""
    store = tmp_path / "cache"
    notebook = write_nb(tmp_path / "nb.ipynb", "print(undefined_thing)")
    run(capsys, "--cache-dir", store, "--format", "json", notebook)
    [entry] = entries(store)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["value"]["findings"][0]["message"] = "read from the cache"
    entry.write_text(json.dumps(stored), encoding="utf-8")
    _, out = run(capsys, "--cache-dir", store, "--format", "json", notebook)
    assert json.loads(out)["notebooks"][0]["findings"][0]["message"] == "read from the cache"


def test_corrupt_entries_are_ignored_and_rewritten(tmp_path: Path, capsys) -> None:
    store = tmp_path / "cache"
    notebook = write_nb(tmp_path / "nb.ipynb", "print(undefined_thing)")
    expected = run(capsys, "--no-cache", "--format", "json", notebook)
    run(capsys, "--cache-dir", store, "--format", "json", notebook)
    [entry] = entries(store)
    good = entry.read_bytes()
    for damage in (b"", b"{not json", b'{"key": "other"}', good[: len(good) // 2],
                   good.replace(b'"severity": "error"', b'"severity": "fatal"')):
        assert damage != good
        entry.write_bytes(damage)
        assert run(capsys, "--cache-dir", store, "--format", "json", notebook) == expected
        assert entry.read_bytes() == good


def test_no_cache_reads_and_writes_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NBSCOPE_CACHE_DIR", str(tmp_path / "cache"))
    run(capsys, "--no-cache", EXAMPLES / "typo.ipynb")
    assert not (tmp_path / "cache").exists()


def test_corpus_sample_warm_equals_cold(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the notebook corpus is not here ({CORPUS}): it lives in ../shared")
    every = sorted(str(p) for p in CORPUS.rglob("*.ipynb"))
    sample = random.Random(14).sample(every, min(120, len(every)))
    store = tmp_path / "cache"
    args = ["check", "--format", "json", "--fail-on", "never", "--jobs", "1"]
    cold = cli(*args, "--no-cache", *sample)
    first = cli(*args, "--cache-dir", store, *sample)
    warm = cli(*args, "--cache-dir", store, *sample)
    assert cold.returncode in (0, 2), cold.stderr
    assert json.loads(cold.stdout)["summary"]["findings"] > 0
    assert cold.stdout == first.stdout == warm.stdout
    assert len(entries(store)) == sum(
        1 for nb in json.loads(cold.stdout)["notebooks"] if nb["error"] is None)


# --- what invalidates an entry ---------------------------------------------------------------


def _findings(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    assert done.returncode in (0, 1), done.stderr
    return [(f["code"], f["name"]) for nb in json.loads(done.stdout)["notebooks"]
            for f in nb["findings"]]


def test_a_changed_notebook_is_analysed_again(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    notebook = write_nb(tmp_path / "nb.ipynb", "x = 1", "print(x)")
    check = ("check", "--format", "json", "--cache-dir", store, notebook)
    assert _findings(cli(*check)) == []
    write_nb(notebook, "y = 1", "print(x)")
    assert _findings(cli(*check)) == [("NS008", "x")]
    assert len(entries(store)) == 1  # the edited notebook's entry replaced the old one
    write_nb(notebook, "x = 1", "print(x)")
    assert _findings(cli(*check)) == []


def test_a_changed_helper_module_is_read_again(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    notebook = write_nb(tmp_path / "nb.ipynb", "from helpers import *", "print(scale)")
    check = ("check", "--format", "json", "--cache-dir", store, notebook)
    assert ("NS005", "helpers") in _findings(cli(*check))  # no helpers.py yet
    helper = tmp_path / "helpers.py"
    helper.write_text("scale = 2\n", encoding="utf-8")
    assert _findings(cli(*check)) == []
    helper.write_text("__all__ = ['other']\nother = 3\n", encoding="utf-8")
    assert [name for _, name in _findings(cli(*check))] == ["scale"]
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .inner import *\n", encoding="utf-8")
    (tmp_path / "pkg" / "inner.py").write_text("deep = 1\n", encoding="utf-8")
    write_nb(notebook, "from pkg import *", "print(deep)")
    assert _findings(cli(*check)) == []
    (tmp_path / "pkg" / "inner.py").write_text("shallow = 1\n", encoding="utf-8")
    assert [name for _, name in _findings(cli(*check))] == ["deep"]


def test_a_changed_script_or_added_folder_is_read_again(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    scripts = tmp_path / "elsewhere"
    scripts.mkdir()
    (scripts / "setup.py").write_text("ready = True\n", encoding="utf-8")
    notebook = write_nb(tmp_path / "project" / "nb.ipynb", "%run ../elsewhere/setup.py",
                        "print(ready)", "import sys\nsys.path.append('../lib')\nimport tools")
    check = ("check", "--format", "json", "--cache-dir", store, notebook)
    assert _findings(cli(*check)) == [("NS005", "tools")]
    (scripts / "setup.py").write_text("steady = True\n", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tools.py").write_text("\n", encoding="utf-8")
    assert [name for _, name in _findings(cli(*check))] == ["ready"]


def test_settings_are_part_of_the_key(tmp_path: Path, capsys) -> None:
    store = tmp_path / "cache"
    notebook = write_nb(tmp_path / "nb.ipynb", "print(spark)", "import numpy as np\nnp.zeros(1)")
    for extra in ([], ["--select", "NS003"], ["--ignore", "NS008"], ["--saved-session", "off"],
                  ["--format", "github"]):
        cold = run(capsys, "--no-cache", "--format", "json", *extra, notebook)
        assert run(capsys, "--cache-dir", store, "--format", "json", *extra, notebook) == cold
        assert run(capsys, "--cache-dir", store, "--format", "json", *extra, notebook) == cold
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.nbscope]\nextra-builtins = ['spark']\n", encoding="utf-8")
    status, out = run(capsys, "--cache-dir", store, "--format", "json", notebook)
    assert status == 0 and json.loads(out)["summary"]["findings"] == 0


def test_parallel_runs_share_one_cache(tmp_path: Path) -> None:
    """Two runs with two workers each write the same entries at once; every entry is whole,
    and a third run answered from them prints what a run without cache prints."""
    store = tmp_path / "cache"
    for number in range(24):
        write_nb(tmp_path / "nbs" / f"nb{number:02}.ipynb", f"a{number} = 1",
                 f"print(a{number} + b{number % 5})")
    check = ("check", "--format", "json", "--jobs", "2", "--cache-dir", store, tmp_path / "nbs")
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [subprocess.Popen([sys.executable, "-m", "nbscope", *map(str, check)], cwd=REPO,
                             env=environment, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in runs]
    expected = cli("check", "--format", "json", "--no-cache", tmp_path / "nbs").stdout
    assert outputs == [expected, expected]
    assert len(entries(store)) == 24
    for entry in entries(store):
        json.loads(entry.read_text(encoding="utf-8"))
    assert not [p for p in store.rglob(".tmp-*")]
    assert cli(*check).stdout == expected


# --- the folder -------------------------------------------------------------------------------


def test_cache_folder_beside_the_pyproject(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_nb(project / "sub" / "nb.ipynb", "print(1)")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    environment = {"NBSCOPE_CACHE_DIR": ""}
    assert cli("check", "nb.ipynb", cwd=project / "sub", env=environment).returncode == 0
    folder = project / ".nbscope_cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    assert len(entries(folder)) == 1
    git = shutil.which("git")
    if git:
        subprocess.run([git, "init", "-q", str(project)], check=True)
        status = subprocess.run([git, "status", "--porcelain", "--untracked-files=all"],
                                cwd=project, capture_output=True, text=True, check=True)
        assert ".nbscope_cache" not in status.stdout
    done = cli("clean", cwd=project / "sub", env=environment)
    assert done.returncode == 0 and "removed" in done.stdout
    assert not folder.exists()
    assert "no cache" in cli("clean", cwd=project / "sub", env=environment).stdout


def test_cache_dir_setting_and_environment(tmp_path: Path) -> None:
    write_nb(tmp_path / "nb.ipynb", "print(1)")
    (tmp_path / "pyproject.toml").write_text("[tool.nbscope]\ncache-dir = 'build/nbs'\n",
                                             encoding="utf-8")
    assert cli("check", "nb.ipynb", cwd=tmp_path, env={"NBSCOPE_CACHE_DIR": ""}).returncode == 0
    assert len(entries(tmp_path / "build" / "nbs")) == 1
    assert cli("check", "nb.ipynb", cwd=tmp_path,
               env={"NBSCOPE_CACHE_DIR": str(tmp_path / "env")}).returncode == 0
    assert len(entries(tmp_path / "env")) == 1
    assert cli("check", "--cache-dir", "opt", "nb.ipynb", cwd=tmp_path,
               env={"NBSCOPE_CACHE_DIR": str(tmp_path / "env")}).returncode == 0
    assert len(entries(tmp_path / "opt")) == 1


def test_clean_leaves_other_folders_alone(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep", encoding="utf-8")
    done = cli("clean", "--cache-dir", precious, cwd=tmp_path)
    assert done.returncode == 2 and "not made by nbscope" in done.stderr
    assert (precious / "data.txt").exists()


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    notebook = write_nb(tmp_path / "nb.ipynb", "print(missing_name)")
    expected = run(capsys, "--no-cache", notebook)
    assert run(capsys, "--cache-dir", blocker / "cache", notebook) == expected


# --- the pieces -------------------------------------------------------------------------------


def test_codec_handles_every_field() -> None:
    """Each field of the cached records is written and read back: adding a field to one of
    them must come with its place in the codec."""
    span = model.Span(1, 2, 3, 4)
    related = findings.Related("definition", 3, 1, 5, 7, "a note")
    found = findings.Finding("NS001", findings.Cause.DEFINED_LATER, "x",
                             findings.Severity.WARNING, 2, span, "message", "fix", "x2",
                             (related,), findings.Evidence.SAVED_SESSION, "id-1", 4)
    report = findings.NotebookReport("a.ipynb", None, (found,),
                                     findings.FirstFailure(2, "x", "NameError"))
    from nbscope.ipynb_layout import FilePosition

    checked = checking.CheckedNotebook(report, {2: "print(x)"}, 1, (FilePosition(10, 4),))
    encoded = json.loads(json.dumps(cache_codec.encode(checked)))
    assert cache_codec.decode(encoded) == checked
    assert set(encoded["findings"][0]) == {f.name for f in dataclasses.fields(findings.Finding)}
    assert len(encoded["findings"][0]["related"][0]) == len(
        dataclasses.fields(findings.Related))
    assert {f.name for f in dataclasses.fields(findings.NotebookReport)} <= set(encoded)
    assert {f.name for f in dataclasses.fields(checking.CheckedNotebook)} - {"report"} <= set(
        encoded)


@pytest.mark.parametrize("extra", [(), ("lib",), ("/abs/lib", "lib", "lib"), ("~/x", "../up")])
@pytest.mark.parametrize("folder", ["/tmp/nbs", None])
def test_local_folders_follow_the_module_lookup(folder: str | None, extra: tuple[str, ...]
                                                ) -> None:
    assert workspace.local_folders(folder, extra) == imports_env._local_dirs(folder, extra)


def test_keys_do_not_depend_on_set_order() -> None:
    """Sets of strings iterate in another order in every process (hash randomization)."""
    code = ("from nbscope import cache, checking\n"
            "print(cache.run_key(checking.Settings(select=frozenset({'NS001', 'NS003', 'NS005'}),"
            " extra_builtins=frozenset({'spark', 'dbutils', 'sc', 'display2'}))))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}, cwd=REPO,
                           check=True).stdout for seed in range(4)}
    assert len(keys) == 1
    assert cache.run_key(checking.Settings()) + "\n" not in keys


def test_hits_and_misses_keep_their_order(tmp_path: Path) -> None:
    """Cached reports come from the main process, the changed notebooks from workers: the
    report lists every notebook in its place."""
    store = tmp_path / "cache"
    folder = tmp_path / "nbs"
    for number in range(40):
        write_nb(folder / f"nb{number:02}.ipynb", f"a{number} = 1", f"print(a{number} + b)")
    check = ("check", "--format", "json", "--jobs", "2", "--cache-dir", store, folder)
    cli(*check)
    for number in range(0, 40, 2):  # half of them change: enough misses for the workers
        write_nb(folder / f"nb{number:02}.ipynb", f"b = {number}", f"print(a{number})")
    expected = cli("check", "--format", "json", "--no-cache", folder).stdout
    assert cli(*check).stdout == expected
    assert [nb["findings"][0]["name"] for nb in json.loads(expected)["notebooks"]] == [
        f"a{number}" if number % 2 == 0 else "b" for number in range(40)]
