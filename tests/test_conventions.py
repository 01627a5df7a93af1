"""Tests for nbscope.conventions: the import table is valid and binds what it claims."""

from __future__ import annotations

import ast
import sys

import pytest

from nbscope.conventions import (
    CONVENTIONAL_IMPORTS,
    KNOWN_THIRD_PARTY,
    LIBRARY_NAMES,
    PACKAGE_MEMBERS,
    import_line_for,
)


def _is_stdlib(name: str) -> bool:
    return name in sys.stdlib_module_names


def _bound_names(line: str) -> list[str]:
    """The names an import statement binds, as Python binds them."""
    tree = ast.parse(line)
    assert len(tree.body) == 1, line
    stmt = tree.body[0]
    assert isinstance(stmt, (ast.Import, ast.ImportFrom)), line
    if isinstance(stmt, ast.Import):
        return [alias.asname or alias.name.partition(".")[0] for alias in stmt.names]
    assert stmt.level == 0, line
    return [alias.asname or alias.name for alias in stmt.names]


@pytest.mark.parametrize(("name", "line"), sorted(CONVENTIONAL_IMPORTS.items()))
def test_entry_binds_exactly_its_name(name: str, line: str) -> None:
    assert _bound_names(line) == [name]


def test_table_is_modest_and_has_the_staples() -> None:
    assert 60 <= len(CONVENTIONAL_IMPORTS) <= 120
    assert CONVENTIONAL_IMPORTS["np"] == "import numpy as np"
    assert CONVENTIONAL_IMPORTS["plt"] == "import matplotlib.pyplot as plt"
    assert CONVENTIONAL_IMPORTS["F"] == "import torch.nn.functional as F"
    assert CONVENTIONAL_IMPORTS["datetime"] == "import datetime"
    assert "display" not in CONVENTIONAL_IMPORTS  # the kernel provides it
    assert "st" not in CONVENTIONAL_IMPORTS  # streamlit or scipy.stats: ambiguous


def test_import_line_for_prefers_the_table() -> None:
    assert import_line_for("np", _is_stdlib) == "import numpy as np"
    assert import_line_for("pprint", _is_stdlib) == "from pprint import pprint"


def test_import_line_for_falls_back_to_stdlib_modules() -> None:
    assert import_line_for("os", _is_stdlib) == "import os"
    assert import_line_for("itertools", _is_stdlib) == "import itertools"


def test_import_line_for_unknown_or_private_names() -> None:
    assert import_line_for("my_helper_fn", _is_stdlib) is None
    assert import_line_for("_thread", _is_stdlib) is None
    assert import_line_for("os", lambda name: False) is None


def test_known_third_party_are_import_names_not_stdlib() -> None:
    assert 250 <= len(KNOWN_THIRD_PARTY)
    assert all(name.isidentifier() for name in KNOWN_THIRD_PARTY)
    assert not KNOWN_THIRD_PARTY & sys.stdlib_module_names
    for name in ("numpy", "sklearn", "cv2", "PIL", "bs4", "yaml", "google", "IPython"):
        assert name in KNOWN_THIRD_PARTY


def test_table_modules_are_known_or_stdlib() -> None:
    """Every table suggestion imports a package nbscope would also call well known."""
    for line in CONVENTIONAL_IMPORTS.values():
        stmt = ast.parse(line).body[0]
        module = stmt.names[0].name if isinstance(stmt, ast.Import) else stmt.module
        assert module is not None
        top = module.partition(".")[0]
        assert top in KNOWN_THIRD_PARTY or top in sys.stdlib_module_names, line


@pytest.mark.parametrize(("name", "line"), sorted(LIBRARY_NAMES.items()))
def test_library_entry_binds_exactly_its_name(name: str, line: str) -> None:
    assert _bound_names(line) == [name]
    assert name not in CONVENTIONAL_IMPORTS  # one table per name: no silent override


@pytest.mark.parametrize(("name", "entry"), sorted(PACKAGE_MEMBERS.items()))
def test_package_member_binds_its_name_from_its_package(name: str,
                                                        entry: tuple[str, str]) -> None:
    package, line = entry
    assert _bound_names(line) == [name]
    stmt = ast.parse(line).body[0]
    assert isinstance(stmt, ast.ImportFrom) and stmt.module is not None
    assert stmt.module == package or stmt.module.startswith(package + ".")
    assert name not in CONVENTIONAL_IMPORTS and name not in LIBRARY_NAMES


def test_library_tables_import_well_known_packages() -> None:
    lines = [*LIBRARY_NAMES.values(), *(line for _, line in PACKAGE_MEMBERS.values())]
    for line in lines:
        module = ast.parse(line).body[0].module
        assert module is not None and module.partition(".")[0] in KNOWN_THIRD_PARTY, line


def test_import_line_for_knows_the_common_library_names() -> None:
    assert import_line_for("Trainer", _is_stdlib) == "from transformers import Trainer"
    assert import_line_for("load_dataset", _is_stdlib) == "from datasets import load_dataset"
    assert import_line_for("metrics", _is_stdlib) is None  # generic: only with sklearn used
