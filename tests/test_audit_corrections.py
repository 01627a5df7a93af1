"""Corrections from the second corpus audit, each checked against what CPython does:
an ``except`` clause's class is looked up only when the ``try`` body raises."""

from __future__ import annotations

import pytest
from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Finding
from nbscope.workspace import Workspace


def _findings(*cells: str) -> list[Finding]:
    return list(check_notebook(make_notebook(*cells), Workspace(None)).findings)


def _run(code: str) -> str | None:
    """What CPython raises running ``code`` (the exception's name), or None."""
    try:
        exec(compile(code, "<cell>", "exec"), {})
    except Exception as error:  # noqa: BLE001 - the oracle reports whatever happens
        return type(error).__name__
    return None


QUIET_TRY = "try:\n    x = int('1')\nexcept exception as e:\n    print(e)\n"
FAILING_TRY = "try:\n    x = int('a')\nexcept exception as e:\n    print(e)\n"


def test_cpython_looks_up_an_except_class_only_when_the_body_raises() -> None:
    assert _run(QUIET_TRY) is None
    assert _run(FAILING_TRY) == "NameError"


@pytest.mark.parametrize("cell", [
    QUIET_TRY,
    "def parse(s):\n    try:\n        return int(s)\n    except (ValueError, Valueerror):\n"
    "        return None\nparse('1')\n",
])
def test_a_misspelt_exception_class_is_a_warning_that_says_when_it_fails(cell: str) -> None:
    [found] = _findings(cell)
    assert (found.cause.value, found.severity.value) == ("typo", "warning")
    assert found.suggestion in ("Exception", "ValueError")
    assert "only when the `try` body raises" in found.message
    assert check_notebook(make_notebook(cell), Workspace(None)).first_failure is None


def test_a_misspelt_name_in_the_handler_body_keeps_its_severity() -> None:
    found = _findings("try:\n    x = int('a')\nexcept ValueError:\n    print(undefined_zz)\n")
    assert [(f.name, f.severity.value) for f in found] == [("undefined_zz", "error")]
