"""Developer script: write nbscope/data/stdlib_exports.json, the stdlib star-import table.

nbscope reads star-import names from source and never imports a module. That
cannot work for stdlib modules without Python source (math, itertools, time, ...)
or whose ``__all__`` is computed at import time (os, socket, tkinter, ...). This
script -- run by a developer, never imported by the package -- imports exactly
those public stdlib modules in *this* interpreter and records the names
``from module import *`` binds: ``__all__`` if present, else the public ``dir()``.

Usage (from the repository root):  python tools/gen_stdlib_exports.py
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nbscope.imports_env import ModuleEnvironment  # noqa: E402

OUTPUT = REPO / "nbscope" / "data" / "stdlib_exports.json"
# Modules whose import has visible side effects, never imported here.
NEVER_IMPORT = frozenset({"antigravity", "this", "idlelib", "turtledemo", "__main__"})


def needs_table(env: ModuleEnvironment, name: str) -> bool:
    """True when nbscope cannot read the module's star-import names from source."""
    location = env.locate(name)
    if location is None:
        return False
    return location.path is None or env.star_import_names(name) is None


def public_names(name: str) -> list[str] | None:
    """The names ``from name import *`` binds here; None if not importable on this platform."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated modules (nis, spwd, ...)
            module = importlib.import_module(name)
    except Exception:  # ImportError, or a platform-specific failure at import
        return None
    listed = getattr(module, "__all__", None)
    if listed is not None:
        return sorted({str(item) for item in listed})
    return sorted(item for item in dir(module) if not item.startswith("_"))


def build() -> dict[str, list[str]]:
    env = ModuleEnvironment(None)
    env._use_export_table = False  # ask the static reader alone
    modules: dict[str, list[str]] = {}
    for name in sorted(sys.stdlib_module_names):
        # Private C modules are left out to keep the table small: the public
        # modules that star-import them are in the table themselves.
        if name.startswith("_") or name in NEVER_IMPORT or not needs_table(env, name):
            continue
        names = public_names(name)
        if names is not None:
            modules[name] = names
    return modules


def main() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    table = {"python": version, "modules": build()}
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # One module per line: small, and diffs stay readable when Python changes.
    lines = [
        f"  {json.dumps(name)}: {json.dumps(names)}" for name, names in table["modules"].items()
    ]
    body = ",\n".join(lines)
    text = f'{{"python": {json.dumps(version)}, "modules": {{\n{body}\n}}}}\n'
    json.loads(text)  # the hand-built layout must stay valid JSON
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(table['modules'])} modules to {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
