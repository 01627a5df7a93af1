"""The pre-commit hook, run by the real ``pre-commit try-repo`` on this checkout.

The hook's environment installs nbscope from the checkout (with its
dependencies from the package index), as it will for every user of the hook.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None,
                                reason="git is not installed: pre-commit needs it")


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed snapshot of this checkout as it is now (uncommitted edits included),
    so both runs below use one commit and pre-commit builds the hook's environment once."""
    snapshot = tmp_path_factory.mktemp("hook_repo")
    if (REPO / ".git").exists():
        files = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=REPO)
        for name in filter(None, files.split("\0")):
            source = REPO / name
            if source.is_file():
                target = snapshot / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:  # a checkout without git metadata (an unpacked archive)
        shutil.copytree(REPO, snapshot, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache", "build"))
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot, _git("rev-parse", "HEAD", cwd=snapshot)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's repository: one notebook that fails Restart & Run All, one clean one."""
    root = tmp_path_factory.mktemp("user_repo")
    broken = v4.new_notebook(cells=[
        v4.new_markdown_cell("# Training"),
        v4.new_code_cell("model = train(session_conf)"),
        v4.new_code_cell("def train(conf):\n    return conf\n\nsession_conf = {'lr': 0.1}"),
    ])
    clean = v4.new_notebook(cells=[
        v4.new_code_cell("session_conf = {'lr': 0.1}"),
        v4.new_code_cell("print(session_conf)"),
    ])
    nbformat.write(broken, str(root / "broken.ipynb"))
    nbformat.write(clean, str(root / "clean.ipynb"))
    _git("init", "-q", cwd=root)
    _git("add", "-A", cwd=root)
    return root


def _try_repo(project: Path, hook_repo: tuple[Path, str], home: Path, *files: str
              ) -> subprocess.CompletedProcess[str]:
    path, rev = hook_repo
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(path), "nbscope", "--ref", rev,
         "--files", *files],
        cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_hook_fails_on_a_broken_notebook_and_passes_a_clean_one(
        project: Path, hook_repo: tuple[Path, str], tmp_path_factory) -> None:
    home = tmp_path_factory.mktemp("pre_commit_home")
    failed = _try_repo(project, hook_repo, home, "broken.ipynb")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "nbscope" in failed.stdout and "Failed" in failed.stdout
    assert "`session_conf`" in failed.stdout
    assert "broken.ipynb:cell 2:1:" in failed.stdout
    assert "Restart & Run All first fails at cell 2" in failed.stdout

    passed = _try_repo(project, hook_repo, home, "clean.ipynb")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    assert "session_conf" not in passed.stdout


def test_hook_and_action_definitions() -> None:
    import yaml  # installed with pre-commit

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["types_or"]) == (
        "nbscope", "nbscope check", "python", ["jupyter"])
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    commands = [step.get("run", "") for step in action["runs"]["steps"]]
    assert any("nbscope check --format github" in command for command in commands)
    assert set(action["inputs"]) == {"paths", "args", "python-version"}
