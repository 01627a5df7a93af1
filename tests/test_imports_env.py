"""Tests for nbscope.imports_env: locating modules and reading star imports, never importing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import pytest

from nbscope.imports_env import ModuleEnvironment, ModuleKind, ModuleLocation

LOCAL = ModuleKind.LOCAL

REPO = Path(__file__).resolve().parent.parent


def write(folder: Path, relative: str, text: str = "") -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def nb_dir(tmp_path: Path) -> Path:
    """A notebook folder with a helper module and a package."""
    folder = tmp_path / "nb"
    write(folder, "helpers.py", "def load(): pass\n")
    write(folder, "pkg/__init__.py", "from .sub import thing\n")
    write(folder, "pkg/sub.py", "thing = 1\n")
    write(folder, "nspkg/part.py", "x = 1\n")
    write(folder, "data/table.csv", "a,b\n")
    return folder


# ----------------------------------------------------------------- locate


def test_local_module_and_package(nb_dir: Path) -> None:
    env = ModuleEnvironment(str(nb_dir))
    assert env.locate("helpers") == ModuleLocation("helpers", LOCAL, str(nb_dir / "helpers.py"))
    assert env.locate("pkg") == ModuleLocation("pkg", LOCAL, str(nb_dir / "pkg/__init__.py"))
    assert env.locate("pkg.sub") == ModuleLocation("pkg.sub", LOCAL, str(nb_dir / "pkg/sub.py"))


def test_local_namespace_folder_needs_python_files(nb_dir: Path) -> None:
    env = ModuleEnvironment(str(nb_dir))
    assert env.locate("nspkg") == ModuleLocation("nspkg", LOCAL, None)
    assert env.locate("nspkg.part") == ModuleLocation(
        "nspkg.part", LOCAL, str(nb_dir / "nspkg/part.py")
    )
    assert env.locate("data") is None  # a data folder is not a package


def test_missing_modules(nb_dir: Path) -> None:
    env = ModuleEnvironment(str(nb_dir))
    assert env.locate("no_such_module_xyz") is None
    assert env.locate("pkg.missing") is None
    assert env.locate("helpers.sub") is None  # a plain module has no submodules
    assert env.locate(".relative") is None
    assert env.locate("os.no_such_thing") is None


def test_extra_paths_relative_to_notebook(tmp_path: Path, nb_dir: Path) -> None:
    write(nb_dir, "../lib/shared.py", "y = 2\n")
    write(tmp_path, "abs_lib/util.py", "")
    env = ModuleEnvironment(str(nb_dir), extra_paths=["../lib", str(tmp_path / "abs_lib")])
    shared = env.locate("shared")
    assert shared is not None and shared.kind is ModuleKind.LOCAL
    assert Path(shared.path or "") == (tmp_path / "lib/shared.py")
    assert env.locate("util") == ModuleLocation("util", LOCAL, str(tmp_path / "abs_lib/util.py"))
    assert ModuleEnvironment(str(nb_dir)).locate("shared") is None


def test_no_notebook_dir_means_no_local_modules(nb_dir: Path) -> None:
    env = ModuleEnvironment(None, extra_paths=["relative/ignored"])
    assert env.locate("helpers") is None


def test_stdlib_and_builtin() -> None:
    env = ModuleEnvironment(None)
    os_loc = env.locate("os")
    assert os_loc is not None and os_loc.kind is ModuleKind.STDLIB
    assert (os_loc.path or "").endswith("os.py")
    abc = env.locate("collections.abc")
    assert abc is not None and abc.kind is ModuleKind.STDLIB
    assert (abc.path or "").endswith(os.path.join("collections", "abc.py"))
    assert env.locate("sys") == ModuleLocation("sys", ModuleKind.BUILTIN, None)
    path_mod = env.locate("os.path")  # bound at run time, found via the platform's module
    assert path_mod is not None and path_mod.kind is ModuleKind.STDLIB and path_mod.path
    assert env.is_stdlib("os") and env.is_stdlib("sys") and env.is_stdlib("xml.dom")
    assert not env.is_stdlib("numpy") and not env.is_stdlib("helpers")


def test_stdlib_wins_over_a_local_file_of_the_same_name(tmp_path: Path) -> None:
    write(tmp_path, "json.py", "")
    location = ModuleEnvironment(str(tmp_path)).locate("json")
    assert location is not None and location.kind is ModuleKind.STDLIB


def test_installed_packages() -> None:
    env = ModuleEnvironment(None)
    nbformat = env.locate("nbformat")
    assert nbformat is not None and nbformat.kind is ModuleKind.INSTALLED
    assert (nbformat.path or "").endswith("__init__.py")
    core = env.locate("IPython.core")
    assert core is not None and core.kind is ModuleKind.INSTALLED
    assert env.locate("IPython.core.no_such_submodule") is None


def test_local_wins_over_installed(tmp_path: Path) -> None:
    write(tmp_path, "nbformat.py", "")
    location = ModuleEnvironment(str(tmp_path)).locate("nbformat")
    assert location is not None and location.kind is ModuleKind.LOCAL


def test_working_directory_is_not_a_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "cwd_only_module.py", "")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path), *sys.path])
    assert ModuleEnvironment(None).locate("cwd_only_module") is None


# ----------------------------------------------------------------- star imports


def test_literal_all(tmp_path: Path) -> None:
    write(tmp_path, "m.py", "__all__ = ['a', '_b']\na = _b = c = 1\n")
    assert ModuleEnvironment(str(tmp_path)).star_import_names("m") == {"a", "_b"}


def test_all_built_up_in_steps(tmp_path: Path) -> None:
    write(
        tmp_path,
        "m.py",
        """\
        _base = ["a"]
        __all__ = _base + ["b"]
        __all__ += ("c",)
        __all__.extend(["d", "e"])
        __all__.append("f")
        __all__.remove("e")
        __all__.sort()
        """,
    )
    assert ModuleEnvironment(str(tmp_path)).star_import_names("m") == {"a", "b", "c", "d", "f"}


def test_no_all_public_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        "m.py",
        """\
        import os
        import xml.dom as dom
        from json import loads as parse, dumps
        a, (b, *c) = 1, (2, 3)
        _hidden = 1
        def f(): inner = 1
        class K: attr = 1
        for i in range(2): pass
        with open(__file__) as fh: pass
        if (w := 1): pass
        try:
            t = 1
        except ImportError as err:
            t = 2
        gone = 1
        del gone
        if __name__ == "__main__":
            main_only = 1
        """,
    )
    names = ModuleEnvironment(str(tmp_path)).star_import_names("m")
    expected = {"os", "dom", "parse", "dumps", "a", "b", "c", "f", "K", "i", "fh", "w", "t"}
    assert names == expected


def test_star_import_of_another_local_module(tmp_path: Path) -> None:
    write(tmp_path, "base.py", "x = 1\n_private = 2\n")
    write(tmp_path, "m.py", "from base import *\ny = 2\n")
    assert ModuleEnvironment(str(tmp_path)).star_import_names("m") == {"x", "y"}


def test_package_relative_star_and_submodule_binding(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "from .core import *\nfrom . import extra\n")
    write(tmp_path, "pkg/core.py", "__all__ = ['run']\ndef run(): pass\ndef other(): pass\n")
    write(tmp_path, "pkg/extra.py", "")
    # ``from .core import *`` also sets ``pkg.core``, so a star import of pkg binds it.
    expected = {"run", "core", "extra"}
    assert ModuleEnvironment(str(tmp_path)).star_import_names("pkg") == expected


def test_all_from_submodule_lists(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "from . import a, b\n__all__ = a.__all__ + b.__all__\n")
    write(tmp_path, "pkg/a.py", "__all__ = ['one']\n")
    write(tmp_path, "pkg/b.py", "__all__ = ['two']\n")
    assert ModuleEnvironment(str(tmp_path)).star_import_names("pkg") == {"one", "two"}


def test_namespace_package_binds_nothing(nb_dir: Path) -> None:
    assert ModuleEnvironment(str(nb_dir)).star_import_names("nspkg") == frozenset()


def test_star_import_cycle_terminates(tmp_path: Path) -> None:
    write(tmp_path, "a.py", "from b import *\nx = 1\n")
    write(tmp_path, "b.py", "from a import *\ny = 2\n")
    env = ModuleEnvironment(str(tmp_path))
    assert env.star_import_names("a") == {"x", "y"}
    assert env.star_import_names("b") == {"x", "y"}


@pytest.mark.parametrize(
    "source",
    [
        "__all__ = [n for n in dir() if n]\n",
        "__all__ = ['a']\n__all__.extend(compute())\n",
        "__all__ = ['a']\nfor n in 'bc':\n    __all__.append(n)\n",
        "from not_findable_anywhere_xyz import *\n",
        "globals()['x'] = 1\n",
        "def f(:\n",
        "from .sibling import *\n",
    ],
    ids=[
        "comprehension",
        "extend-call",
        "loop-append",
        "unresolved-star",
        "globals",
        "syntax",
        "relative-without-package",
    ],
)
def test_cannot_be_told_statically(tmp_path: Path, source: str) -> None:
    write(tmp_path, "m.py", source)
    assert ModuleEnvironment(str(tmp_path)).star_import_names("m") is None


def test_stub_preferred_over_source(tmp_path: Path) -> None:
    write(tmp_path, "m.py", "import _impl\nglobals().update(_impl.table)\n")
    write(tmp_path, "m.pyi", "def fast(x: int) -> int: ...\nVERSION: str\n")
    assert ModuleEnvironment(str(tmp_path)).star_import_names("m") == {"fast", "VERSION"}


def test_type_checking_imports_are_not_bound(tmp_path: Path) -> None:
    write(tmp_path, "m.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\n")
    assert ModuleEnvironment(str(tmp_path)).star_import_names("m") == {"TYPE_CHECKING"}


def test_stdlib_pure_python_modules() -> None:
    env = ModuleEnvironment(None)
    path_names = env.star_import_names("os.path")
    assert path_names is not None and "join" in path_names and "sep" in path_names
    string_names = env.star_import_names("string")
    assert string_names is not None and "ascii_letters" in string_names
    abc_names = env.star_import_names("collections.abc")  # via _collections_abc's __all__
    assert abc_names is not None and "Mapping" in abc_names


def test_stdlib_modules_without_source_use_the_table() -> None:
    env = ModuleEnvironment(None)
    math_names = env.star_import_names("math")
    assert math_names is not None and {"sqrt", "pi"} <= math_names
    itertools_names = env.star_import_names("itertools")
    assert itertools_names is not None and "chain" in itertools_names
    os_names = env.star_import_names("os")  # __all__ extended at run time
    assert os_names is not None and "getcwd" in os_names


def test_unknown_module_star_import() -> None:
    assert ModuleEnvironment(None).star_import_names("no_such_module_xyz") is None


def test_export_table_file() -> None:
    table = resources.files("nbscope").joinpath("data").joinpath("stdlib_exports.json")
    data = json.loads(table.read_text(encoding="utf-8"))
    assert data["python"] == "3.11"
    assert all(names == sorted(names) for names in data["modules"].values())
    assert "math" in data["modules"] and "string" not in data["modules"]


# ----------------------------------------------------------------- never imports


def _run_isolated(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_nothing_is_imported(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    bomb = f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit('imported!')\nx = 1\n"
    write(tmp_path, "nb/bomb.py", bomb)
    write(tmp_path, "nb/bombpkg/__init__.py", bomb)
    write(tmp_path, "nb/bombpkg/child.py", bomb)
    code = f"""
        import sys
        from nbscope.imports_env import ModuleEnvironment, ModuleKind
        before = set(sys.modules)
        assert "xml.dom.minidom" not in before and "hypothesis" not in before
        env = ModuleEnvironment({str(tmp_path / "nb")!r})
        assert env.locate("bomb").kind is ModuleKind.LOCAL
        assert env.star_import_names("bomb") == {{"x"}}
        assert env.locate("bombpkg.child").kind is ModuleKind.LOCAL
        assert env.star_import_names("bombpkg.child") == {{"x"}}
        assert "join" in env.star_import_names("os.path")
        assert "parseString" in env.star_import_names("xml.dom.minidom")
        assert env.locate("hypothesis.strategies").kind is ModuleKind.INSTALLED
        env.star_import_names("hypothesis")
        new = set(sys.modules) - before
        bad = sorted(m for m in new if m.split(".")[0] in ("bomb", "bombpkg", "xml", "hypothesis"))
        assert not bad, bad
        print("ok")
    """
    result = _run_isolated(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert not marker.exists()


# ----------------------------------------------------------------- %run scripts


def test_script_source(tmp_path: Path) -> None:
    write(tmp_path, "setup_vars.py", "alpha = 1\n")
    write(tmp_path, "scripts/prep.py", "beta = 2\n")
    (tmp_path / "latin1.py").write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfgamma = 3\n")
    env = ModuleEnvironment(str(tmp_path))
    assert env.script_source("setup_vars.py") == "alpha = 1\n"
    assert env.script_source("setup_vars") == "alpha = 1\n"  # %run adds .py like IPython
    assert env.script_source("scripts/prep.py") == "beta = 2\n"
    assert env.script_source(str(tmp_path / "setup_vars.py")) == "alpha = 1\n"
    assert env.script_source("bom.py") == "gamma = 3\n"
    assert env.script_source("missing.py") is None
    assert env.script_source("scripts") is None  # a folder
    assert env.script_source("latin1.py") is None
    assert ModuleEnvironment(None).script_source("setup_vars.py") is None


def test_what_a_star_import_cycle_binds_does_not_depend_on_what_was_read_before(
        tmp_path: Path) -> None:
    """Python's view of a module in a cycle depends on which module of the cycle was
    imported first; such results are never shared, so each notebook gets the same answer
    whatever an earlier notebook imported."""
    (tmp_path / "c.py").write_text("import d\nfrom d import *\nz = 1\n")
    (tmp_path / "d.py").write_text("from c import *\nw = 1\n__all__ = ['w', 'z']\n")
    alone = {m: ModuleEnvironment(str(tmp_path)).star_import_names(m) for m in ("c", "d")}
    shared = ModuleEnvironment(str(tmp_path))
    after = {m: shared.star_import_names(m) for m in ("d", "c")}
    assert after == alone == {"c": {"d", "w", "z"}, "d": {"w", "z"}}
