"""Well-known library names used without their import get ``missing-import`` with the
line to add, from the notebook's own imports or the conventions tables; names the
notebook binds anywhere never get an import suggestion."""

from __future__ import annotations

from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Finding
from nbscope.workspace import Workspace


def _findings(*cells: str) -> list[Finding]:
    return list(check_notebook(make_notebook(*cells), Workspace(None)).findings)


def _only(name: str, *cells: str) -> Finding:
    found = [f for f in _findings(*cells) if f.name == name]
    assert len(found) == 1, found
    return found[0]


def test_common_data_science_names_get_their_import_line() -> None:
    for name, line in (("Trainer", "from transformers import Trainer"),
                       ("load_dataset", "from datasets import load_dataset"),
                       ("train_test_split", "from sklearn.model_selection import train_test_split"),
                       ("DataLoader", "from torch.utils.data import DataLoader"),
                       ("Accelerator", "from accelerate import Accelerator")):
        found = _only(name, f"x = {name}()")
        assert (found.cause.value, found.suggestion) == ("missing-import", line)
        assert line in found.message and line in (found.fix or "")


def test_a_module_the_notebook_imports_from_supplies_the_name_from_its_source() -> None:
    # pytest is installed here (a test dependency); its public names are read from its
    # source, the way ``from pytest import *`` would be, not from a list.
    found = _only("fixture", "from pytest import raises", "@fixture\ndef f():\n    pass")
    assert found.message_key == "missing-import/library-module"
    assert found.suggestion == "from pytest import fixture"
    assert "from pytest import raises, fixture" in (found.fix or "")
    assert [(r.role, r.cell) for r in found.related] == [("import", 1)]


def test_a_standard_module_imported_from_supplies_the_name() -> None:
    found = _only("islice", "from itertools import chain", "print(list(islice(chain(), 1)))")
    assert found.suggestion == "from itertools import islice"


def test_a_name_the_module_does_not_define_gets_no_import() -> None:
    found = _only("fixturez", "from pytest import raises", "print(fixturez)")
    assert found.cause.value != "missing-import"


def test_short_names_are_not_guessed_from_a_big_module() -> None:
    found = _only("chain2", "from itertools import chain", "print(chain2)")
    assert found.cause.value == "typo"  # one slip from ``chain``, not an export of itertools
    found = _only("tee", "from itertools import chain", "print(tee)")
    assert found.cause.value != "missing-import"


def test_a_generic_member_needs_the_notebook_to_use_its_package() -> None:
    found = _only("metrics", "from sklearn.svm import SVC",
                  "print(metrics.accuracy_score([1], [1]))")
    assert found.message_key == "missing-import/package-member"
    assert found.suggestion == "from sklearn import metrics"
    assert [(r.role, r.cell) for r in found.related] == [("import", 1)]
    alone = _only("metrics", "print(metrics.accuracy_score([1], [1]))")
    assert alone.cause.value == "never-defined"


def test_names_the_notebook_binds_somewhere_get_no_import() -> None:
    later = _only("Trainer", "t = Trainer()", "class Trainer:\n    pass")
    assert later.cause.value == "defined-later"
    local = _only("metrics", "from sklearn.svm import SVC",
                  "def score():\n    metrics = {}\n    return metrics", "print(metrics)")
    assert local.cause.value == "function-local"
    inside = _only("islice", "from itertools import chain",
                   "def f():\n    islice = 1\n    return islice", "print(islice)")
    assert inside.cause.value == "function-local"
