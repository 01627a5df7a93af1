"""The project's settings: ``[tool.nbscope]`` in ``pyproject.toml``, read and checked.

The file is found from the checked paths upwards (the first ``pyproject.toml``
with a ``[tool.nbscope]`` table), or named with ``--config``. Every key is
checked: an unknown key or a bad value is a ``ConfigError`` whose text is one
line naming the file, the key and what is expected, because a setting that is
silently ignored is worse than none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .rule_codes import CodeOf, to_codes

FAIL_ON = ("error", "warning", "info", "never")
SAVED_SESSION = ("error", "warn", "off")
PYPROJECT = "pyproject.toml"


class ConfigError(ValueError):
    """The configuration cannot be used; ``str(error)`` is one line for the user."""


@dataclass(frozen=True)
class Config:
    """Settings with their defaults; ``path`` is the file they came from, if any.

    ``root`` is the folder ``exclude`` globs and ``module-folders`` are relative to:
    the configuration file's folder, or the working directory without one.
    ``saved_session`` None keeps each saved-session rule's own severity.
    """

    path: str | None = None
    root: str = "."
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    saved_session: str | None = None
    module_folders: tuple[str, ...] = ()
    extra_builtins: frozenset[str] = frozenset()
    cache_dir: str | None = None  # None: the default place (see ``cache.default_location``)




def find(paths: Sequence[str]) -> str | None:
    """The nearest ``pyproject.toml`` with a ``[tool.nbscope]`` table above ``paths``."""
    absolute = [os.path.abspath(path) for path in paths] or [os.getcwd()]
    try:
        folder = os.path.commonpath(absolute)
    except ValueError:  # paths on different drives
        folder = os.getcwd()
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        candidate = os.path.join(folder, PYPROJECT)
        if os.path.isfile(candidate) and "nbscope" in _tool_tables(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load(path: str, code_of: CodeOf) -> Config:
    """The settings in the file at ``path`` (``[tool.nbscope]``, or the top level of a
    file that is not a ``pyproject.toml`` and has no such table)."""
    document = _read(path)
    tools = document.get("tool", {})
    if isinstance(tools, dict) and "nbscope" in tools:
        table, where = tools["nbscope"], f"{path} [tool.nbscope]"
    elif os.path.basename(path) == PYPROJECT:
        raise ConfigError(f"{path} has no [tool.nbscope] table")
    else:
        table, where = document, path
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of settings")
    return _settings(table, where, os.path.dirname(os.path.abspath(path)), path, code_of)


def _read(path: str) -> dict[str, Any]:
    # Imported here: most runs from a folder without a pyproject.toml never parse TOML.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not UTF-8 text") from error


def _tool_tables(path: str) -> dict[str, Any]:
    tools = _read(path).get("tool", {})
    return tools if isinstance(tools, dict) else {}


def _settings(table: dict[str, Any], where: str, root: str, path: str,
              code_of: CodeOf) -> Config:
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} "
                          f"(known keys: {', '.join(sorted(_KEYS))})")
    values: dict[str, Any] = {"path": path, "root": root}
    for key, value in table.items():
        attribute, parse = _KEYS[key]
        values[attribute] = parse(value, f"{where}: {key}", root, code_of)
    return Config(**values)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    return value


def _codes(value: Any, where: str, root: str, code_of: CodeOf) -> frozenset[str]:
    codes, unknown = to_codes(_strings(value, where), code_of, skip_blank=False)
    if unknown is not None:
        raise ConfigError(f"{where}: unknown rule {unknown!r} (see `nbscope rule`)")
    return codes


def _globs(value: Any, where: str, root: str, code_of: CodeOf) -> tuple[str, ...]:
    globs = _strings(value, where)
    if any(not glob.strip() for glob in globs):
        raise ConfigError(f"{where}: an empty pattern would match nothing")
    return tuple(globs)


def _choice(choices: tuple[str, ...]) -> Callable[[Any, str, str, CodeOf], str]:
    def parse(value: Any, where: str, root: str, code_of: CodeOf) -> str:
        if value not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(map(repr, choices))}, "
                              f"not {value!r}")
        return value
    return parse


def _folders(value: Any, where: str, root: str, code_of: CodeOf) -> tuple[str, ...]:
    folders = []
    for entry in _strings(value, where):
        folder = os.path.normpath(os.path.join(root, os.path.expanduser(entry)))
        if not os.path.isdir(folder):
            raise ConfigError(f"{where}: {entry!r} is not a folder (looked for {folder})")
        folders.append(folder)
    return tuple(folders)


def _path(value: Any, where: str, root: str, code_of: CodeOf) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a folder path (a non-empty string)")
    return os.path.normpath(os.path.join(root, os.path.expanduser(value)))


def _names(value: Any, where: str, root: str, code_of: CodeOf) -> frozenset[str]:
    names = _strings(value, where)
    bad = next((name for name in names if not name.isidentifier()), None)
    if bad is not None:
        raise ConfigError(f"{where}: {bad!r} is not a Python name")
    return frozenset(names)


_KEYS: dict[str, tuple[str, Callable[[Any, str, str, CodeOf], Any]]] = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "exclude": ("exclude", _globs),
    "fail-on": ("fail_on", _choice(FAIL_ON)),
    "saved-session": ("saved_session", _choice(SAVED_SESSION)),
    "module-folders": ("module_folders", _folders),
    "extra-builtins": ("extra_builtins", _names),
    "cache-dir": ("cache_dir", _path),
}
