"""Which files a ``nbscope check`` run reads: folders walked, ``exclude`` globs applied.

A path that cannot hold what the user meant is said plainly: a folder with no
notebook in it is a ``PathError`` (a mistyped folder in CI must not pass
silently), while a missing or non-notebook file is still listed, so that it
gets its own one-line reason in the report.

Exclude globs are matched against paths relative to the configuration's
folder: ``*`` and ``?`` stay within one folder name, ``**`` crosses folders,
a pattern without ``/`` matches any single file or folder name, and a pattern
that matches a folder excludes everything below it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

SUFFIX = ".ipynb"


@dataclass
class Selection:
    notebooks: list[str] = field(default_factory=list)
    excluded: int = 0
    path_errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def select_notebooks(paths: Sequence[str], exclude: Sequence[str], root: str) -> Selection:
    """The notebooks below ``paths``, in order, minus those ``exclude`` matches."""
    matcher = Excluder(exclude, root)
    selection = Selection()
    for path in paths:
        if os.path.isdir(path):
            found = list(_walk(path))
            if not found:
                selection.path_errors.append((path, "no notebooks (.ipynb) in this folder"))
            kept = [notebook for notebook in found if not matcher(notebook)]
            selection.excluded += len(found) - len(kept)
            selection.notebooks.extend(kept)
        elif os.path.exists(path) and matcher(path):
            selection.excluded += 1
        else:
            selection.notebooks.append(path)  # a missing or odd file gets its own reason
    return selection


def non_notebook_reason(path: str, loader_reason: str) -> str:
    """Why a file passed by name that is no .ipynb was not checked, in one line."""
    extension = os.path.splitext(path)[1].lower()
    if extension == ".py":
        what = "a Python script (check it with a Python linter such as ruff or pyflakes)"
    elif extension:
        what = f"a {extension} file ({loader_reason})"
    else:
        what = f"a file without the .ipynb extension ({loader_reason})"
    return f"not a notebook: nbscope checks Jupyter notebooks (.ipynb); this is {what}"


def _walk(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.endswith(SUFFIX):
                yield os.path.join(root, name)


class Excluder:
    """Whether a path matches one of the ``exclude`` globs."""

    def __init__(self, globs: Sequence[str], root: str) -> None:
        self.root = os.path.abspath(root)
        self.by_name = [_regex(g) for g in globs if "/" not in g.strip("/")]
        self.by_path = [_regex(g.strip("/").removeprefix("./")) for g in globs
                        if "/" in g.strip("/")]

    def __call__(self, path: str) -> bool:
        if not self.by_name and not self.by_path:
            return False
        relative = os.path.relpath(os.path.abspath(path), self.root)
        if relative.startswith(os.pardir):
            relative = os.path.normpath(path)
        parts = relative.replace(os.sep, "/").split("/")
        if any(regex.fullmatch(part) for regex in self.by_name for part in parts):
            return True
        prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        return any(regex.fullmatch(prefix) for regex in self.by_path for prefix in prefixes)


@lru_cache(maxsize=256)
def _regex(glob: str) -> re.Pattern[str]:
    glob = glob.strip("/")
    out = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            out.append(".*")
            index += 2
        elif glob[index] == "*":
            out.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(glob[index]))
            index += 1
    return re.compile("".join(out))
