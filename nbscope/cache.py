"""The results cache: a notebook whose inputs did not change is not analysed again.

Like ruff's ``.ruff_cache``, results live in a folder (``.nbscope_cache`` beside
the configuration file or the nearest ``pyproject.toml``, else in the working
directory) with a ``.gitignore`` and a ``CACHEDIR.TAG`` inside. An entry is
found by a key that hashes everything a notebook's report depends on:

- the notebook file's bytes and the path it was given as (reports quote it; an
  entry's file is named after the path and the run, so an edited notebook
  replaces its entry);
- the run: nbscope's version and the digest of its own source files, the
  Python and IPython versions, the settings (``Settings``), and this Python's
  module search path with each folder's modification time (installing or
  removing a package changes its ``site-packages`` folder);
- the notebook's local folders (its own and ``module-folders``): every Python
  source file in them and in their package folders, by path, size and
  modification time, since imports and star imports read those.

An entry also lists what the analysis read beyond that (``%run`` scripts,
folders a cell adds to ``sys.path``) with a digest of what it found, checked
again before the entry is used. Writes go to a temporary file renamed into
place, so parallel runs never see half an entry; an entry that cannot be read
or decoded is a miss and is written anew. Nothing here is an analysis: it only
stores and finds the plain data ``checking`` produces.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import __version__

CACHE_DIR_NAME = ".nbscope_cache"
ENV_VAR = "NBSCOPE_CACHE_DIR"
_FORMAT = 1  # bump when the entry layout changes
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by nbscope.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")
_GITIGNORE = "# Automatically created by nbscope.\n*\n"
# Past this many files below one local folder, it is not fingerprinted (no caching there).
_MAX_FOLDER_FILES = 20_000
_MODULE_SUFFIXES = (".py", ".pyi", ".so", ".pyd")


def default_location(config_root: str | None) -> str:
    """Where the cache lives without ``--cache-dir``/``NBSCOPE_CACHE_DIR``/``cache-dir``:
    beside the configuration file in use, else beside the nearest ``pyproject.toml``
    above the working directory, else in the working directory."""
    if config_root is not None:
        return os.path.join(config_root, CACHE_DIR_NAME)
    cwd = os.getcwd()
    folder = cwd
    while True:
        if os.path.isfile(os.path.join(folder, "pyproject.toml")):
            return os.path.join(folder, CACHE_DIR_NAME)
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(cwd, CACHE_DIR_NAME)
        folder = parent


def is_cache_folder(folder: str) -> bool:
    """Whether ``folder`` is one nbscope made (it holds nbscope's ``CACHEDIR.TAG``)."""
    try:
        with open(os.path.join(folder, "CACHEDIR.TAG"), encoding="utf-8") as tag:
            return "created by nbscope" in tag.read(512)
    except (OSError, UnicodeDecodeError):
        return False


def clear(folder: str) -> bool:
    """Remove the cache folder; refuses (False) a folder nbscope did not make."""
    if not os.path.isdir(folder):
        return True
    if not is_cache_folder(folder):
        return False
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return not os.path.exists(folder)


def run_key(settings: object) -> str:
    """What every notebook of a run shares in its key (see the module docstring)."""
    parts = {
        "format": _FORMAT,
        "nbscope": __version__,
        "sources": _own_sources_digest(),
        "python": sys.version,
        "implementation": sys.implementation.cache_tag,
        "ipython": _ipython_version(),
        "settings": _canonical(settings),
        "search_path": [(entry, _mtime(entry)) for entry in _search_path()],
    }
    return _digest(json.dumps(parts, sort_keys=True, default=repr))


@dataclass(frozen=True)
class Dependency:
    """Something the analysis read besides the notebook: ``kind`` ``script`` (the
    argument of ``%run``) or ``folder`` (one a cell adds to ``sys.path``), and the
    digest of what was found (``""``: nothing was there)."""

    kind: str
    target: str
    digest: str


@dataclass
class ResultCache:
    """The cache folder of a run; picklable, so worker processes use it too."""

    folder: str
    run: str
    _folders: dict[str, str | None] = field(default_factory=dict, repr=False)

    def prepare(self) -> bool:
        """Create the folder with its ``.gitignore`` and ``CACHEDIR.TAG``; False if it
        cannot be written (the run then goes on without a cache)."""
        try:
            os.makedirs(self.folder, exist_ok=True)
            for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", _GITIGNORE)):
                path = os.path.join(self.folder, name)
                if not os.path.exists(path):
                    _write_atomically(path, text.encode())
            return os.access(self.folder, os.W_OK)
        except OSError:
            return False

    def key(self, path: str, data: bytes, local_folders: Sequence[str]) -> str | None:
        """The entry key of a notebook; None when a local folder cannot be fingerprinted.

        Its first part names the notebook's slot (the run and the path), the second its
        inputs (bytes and local folders): an edited notebook replaces its entry instead
        of adding one, so the cache holds one entry per notebook and configuration.
        """
        folders = [self.folder_digest(folder) for folder in local_folders]
        if any(digest is None for digest in folders):
            return None
        slot = _digest(json.dumps([self.run, path, os.path.abspath(path)]))
        inputs = _digest(json.dumps(folders).encode() + b"\0" + hashlib.sha256(data).digest())
        return f"{slot}.{inputs}"

    def get(self, key: str) -> tuple[list[Dependency], Any] | None:
        """The stored dependencies and value of ``key``; None if absent or damaged."""
        try:
            with open(self._entry_path(key), "rb") as file:
                entry = json.loads(file.read())
            if entry.get("key") != key:
                return None
            dependencies = [Dependency(*item) for item in entry["dependencies"]]
            return dependencies, entry["value"]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, key: str, dependencies: Iterable[Dependency], value: Any) -> None:
        """Store an entry (best effort: a cache that cannot be written is no error)."""
        entry = {"key": key, "value": value,
                 "dependencies": [[d.kind, d.target, d.digest] for d in dependencies]}
        path = self._entry_path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            _write_atomically(path, json.dumps(entry, ensure_ascii=False).encode())
        except OSError:
            pass

    def __getstate__(self) -> dict[str, Any]:
        # Workers get the folder and the run only: each fingerprints the folders it meets.
        return {"folder": self.folder, "run": self.run, "_folders": {}}

    def folder_digest(self, folder: str) -> str | None:
        """The Python files below a local folder, by path, size and modification time."""
        if folder not in self._folders:
            self._folders[folder] = _folder_digest(folder)
        return self._folders[folder]

    def _entry_path(self, key: str) -> str:
        slot = key.partition(".")[0]
        return os.path.join(self.folder, __version__, slot[:2], slot[2:] + ".json")


def file_digest(data: bytes | str | None) -> str:
    """The digest recorded for what a read found (``""`` for nothing)."""
    if data is None:
        return ""
    return _digest(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)


# ----------------------------------------------------------------- helpers


def _digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _write_atomically(path: str, data: bytes) -> None:
    import tempfile  # only a run that writes pays for it

    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide entries from the team
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _canonical(settings: object) -> Any:
    """The settings as JSON whose text does not depend on set iteration order."""
    if dataclasses.is_dataclass(settings) and not isinstance(settings, type):
        return {f.name: _canonical(getattr(settings, f.name))
                for f in dataclasses.fields(settings)}
    if isinstance(settings, (set, frozenset)):
        return sorted(map(_canonical, settings), key=repr)
    if isinstance(settings, (list, tuple)):
        return [_canonical(item) for item in settings]
    return settings


def _search_path() -> list[str]:
    """``sys.path`` without the working directory, whose modification time changes with
    every file made there (module lookups leave it out too)."""
    try:
        cwd: str | None = os.path.realpath(os.getcwd())
    except OSError:
        cwd = None
    return [entry for entry in sys.path
            if entry not in ("", ".") and os.path.realpath(entry) != cwd]


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _own_sources_digest() -> str:
    """nbscope's own files, so an edited checkout never serves stale results."""
    package = os.path.dirname(os.path.abspath(__file__))
    hasher = hashlib.sha256()
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                path = os.path.join(root, name)
                hasher.update(os.path.relpath(path, package).encode() + b"\0")
                try:
                    with open(path, "rb") as file:
                        hasher.update(file.read())
                except OSError:
                    hasher.update(b"?")
    return hasher.hexdigest()


def _ipython_version() -> list[object] | None:
    """Where IPython's release file is and when it was written: a new IPython, whose
    input transformer may read cells differently, changes it. (Asking
    ``importlib.metadata`` costs more than the rest of a cached run's start-up.)"""
    from importlib.machinery import PathFinder

    try:
        spec = PathFinder.find_spec("IPython")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    release = os.path.join(os.path.dirname(spec.origin), "core", "release.py")
    return [release, _mtime(release)]


def _folder_digest(folder: str) -> str | None:
    """Every module-like file below ``folder`` that an import could reach.

    Only folders named like Python packages are entered (no other can be
    imported from), skipping ``__pycache__`` and virtual environments; None
    when there are too many files to fingerprint cheaply.
    """
    hasher = hashlib.sha256(folder.encode("utf-8", "surrogatepass"))
    pending = [folder]
    seen = 0
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > _MAX_FOLDER_FILES:
                return None
            _fold_entry(hasher, entry, pending)
    return hasher.hexdigest()


def _fold_entry(hasher: Any, entry: os.DirEntry[str], pending: list[str]) -> None:
    try:
        if entry.is_dir():
            if entry.name.isidentifier() and entry.name != "__pycache__" and not \
                    os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                pending.append(entry.path)  # its name alone changes nothing: its files do
            return
        if not entry.name.endswith(_MODULE_SUFFIXES):
            return
        stat = entry.stat()
    except OSError:
        return
    hasher.update(f"f\0{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                  .encode("utf-8", "surrogatepass"))
