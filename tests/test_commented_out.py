"""A definition that is commented out is named as the likely cause of the read."""

from __future__ import annotations

from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Finding
from nbscope.rules.commented_out import bound_by
from nbscope.workspace import Workspace


def _only(name: str, *cells: str) -> Finding:
    found = [f for f in check_notebook(make_notebook(*cells), Workspace(None)).findings
             if f.name == name]
    assert len(found) == 1, found
    return found[0]


def test_the_commented_assignment_is_named_with_its_cell_and_line() -> None:
    found = _only("s3", "import boto3\n# s3 = boto3.client('s3')", "s3.Bucket('b')")
    assert found.message_key == "never-defined/commented-out"
    assert (found.cause.value, found.severity.value) == ("never-defined", "error")
    assert "cell 1, line 2" in found.message and "# s3 = boto3.client('s3')" in found.message
    assert found.fix == "Uncomment cell 1, line 2 (remove the `#`)."
    assert found.suggestion == "s3 = boto3.client('s3')"
    assert [(r.role, r.cell, r.line) for r in found.related] == [("definition", 1, 2)]


def test_a_comment_below_the_read_says_to_move_it_up() -> None:
    found = _only("limit", "print(limit)", "#limit = 10")
    assert found.message_key == "never-defined/commented-out"
    assert found.fix is not None and "move it above this line" in found.fix


def test_the_nearest_comment_above_wins() -> None:
    found = _only("rate", "# rate = 1", "# rate = 2", "print(rate)", "# rate = 3")
    assert [(r.cell, r.line) for r in found.related] == [(2, 1)]


def test_a_commented_import_or_def_counts() -> None:
    assert _only("np", "#import numpy as np", "np.zeros(3)").message_key == \
        "never-defined/commented-out"
    found = _only("helper", "# def helper(x):\n#     return x", "helper(1)")
    assert found.fix is not None and "body" in found.fix


def test_prose_and_comparisons_in_comments_are_not_definitions() -> None:
    assert _only("s3", "# s3 is the bucket client", "s3.Bucket('b')").message_key == \
        "never-defined/nowhere"
    assert _only("s3", "# s3 == None here", "s3.Bucket('b')").message_key == \
        "never-defined/nowhere"
    # a %%bash cell's comment is shell, not the notebook's Python
    assert _only("s3", "%%bash\n# s3 = 1", "s3.Bucket('b')").message_key == \
        "never-defined/nowhere"


def test_a_trailing_comment_is_not_a_definition() -> None:
    found = _only("total", "x = 1  # total = x", "print(total)")
    assert found.message_key != "never-defined/commented-out"


def test_names_bound_in_the_code_keep_their_own_cause() -> None:
    assert _only("n", "# n = 3", "print(n)", "n = 4").cause.value == "defined-later"
    assert _only("n", "# n = 3", "def f():\n    n = 1", "print(n)").cause.value == \
        "function-local"


def test_bound_by_reads_one_line_as_python_binds_it() -> None:
    assert bound_by("a, (b, *c) = f()") == ["a", "b", "c"]
    assert bound_by("x: int = 3") == ["x"]
    assert bound_by("x: int") == []
    assert bound_by("from os import path as p, sep") == ["p", "sep"]
    assert bound_by("import os.path") == ["os"]
    assert bound_by("class Model(nn.Module):") == ["Model"]
    assert bound_by("x += 1") == []
    assert bound_by("x = number of samples") == []
    assert bound_by("obj.attr = 1") == []
