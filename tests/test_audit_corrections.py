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


# --- names one slip away from what Python itself spells ---------------------------------------


def test_a_module_dunder_with_too_few_underscores_is_matched() -> None:
    cell = "if _name_ == '__main__':\n    print('run')\n"
    assert _run(cell) == "NameError"
    [found] = _findings(cell)
    assert (found.cause.value, found.suggestion) == ("typo", "__name__")
    assert "two underscores on each side" in found.message


@pytest.mark.parametrize("cell, word, meant", [
    ("def f(a):\n    num2 = a\n    reurn(num2)\nf(1)\n", "reurn", "return"),
    ("for i in range(3):\n    contine\n", "contine", "continue"),
])
def test_a_misspelt_keyword_read_as_a_name_is_named(cell: str, word: str, meant: str) -> None:
    assert _run(cell) == "NameError"
    [found] = _findings(cell)
    assert (found.name, found.cause.value, found.suggestion) == (word, "typo", meant)
    assert f"the keyword `{meant}` misspelt" in found.message


def test_a_misspelt_keyword_that_breaks_the_syntax_is_named() -> None:
    cell = "def f(a):\n    reurn a\n"
    assert _run(cell) == "SyntaxError"
    [found] = _findings(cell)
    assert (found.code, found.suggestion) == ("NS100", "return")
    assert "`reurn` looks like the keyword `return` misspelt" in found.message


def test_a_name_near_a_keyword_in_the_middle_of_a_line_is_not_a_keyword() -> None:
    [found] = _findings("x = retrun + 1\n")
    assert found.suggestion != "return"


def test_reload_suggests_its_python_3_import() -> None:
    [found] = [f for f in _findings("import json\nreload(json)\n") if f.name == "reload"]
    assert (found.cause.value, found.suggestion) == ("missing-import",
                                                     "from importlib import reload")


# --- text that is not Python but parses ---------------------------------------------------------


@pytest.mark.parametrize("cell, name, kind", [
    ("--outputCodec,lzo", "outputCodec", "command-line arguments"),
    ("abort;", "abort", "an SQL statement"),
    ("COMMIT;", "COMMIT", "an SQL statement"),
])
def test_command_line_or_sql_text_that_parses_is_named_as_such(cell: str, name: str,
                                                               kind: str) -> None:
    assert _run(cell) == "NameError"
    found = _findings(cell)[0]
    assert (found.name, found.cause.value) == (name, "never-defined")
    assert found.message.startswith(f"This line is {kind}, not Python")


def test_a_negated_name_in_code_is_not_command_line_text() -> None:
    [found] = _findings("value = -offset\n")
    assert "not Python" not in found.message


# --- a definition swallowed by the comment before it --------------------------------------------


def test_a_definition_glued_to_a_comment_word_is_named_as_the_cause() -> None:
    cell = "#Rulesmynum = [1,2,3] # no spaces, no '-'\nprint(mynum)\n"
    assert _run(cell) == "NameError"
    [found] = _findings(cell)
    assert (found.cause.value, found.suggestion) == ("never-defined", "mynum = [1,2,3]")
    assert "the comment's word `Rules` runs straight into `mynum = [1,2,3]`" in found.message
    assert [(r.role, r.cell, r.line) for r in found.related] == [("definition", 1, 1)]


def test_a_longer_name_in_a_comment_is_not_a_glued_definition() -> None:
    [found] = _findings("#totalcount = 1\nprint(count)\n")
    assert "comment" not in found.message


# --- Spark's shell names in a plain kernel ------------------------------------------------------


def test_sc_defined_below_in_a_pyspark_notebook_says_what_the_shell_would_bind() -> None:
    [found] = _findings("from pyspark import SparkConf, SparkContext",
                        "rdd = sc.parallelize([1, 2])",
                        "sc = SparkContext(conf=SparkConf())")
    assert (found.name, found.cause.value, found.message_key) == (
        "sc", "defined-later", "defined-later/spark-shell")
    assert "`sc` is the SparkContext that the `pyspark` shell" in found.message
    assert "sc = SparkContext.getOrCreate()" in found.fix


def test_sc_in_a_notebook_without_spark_is_just_defined_later() -> None:
    [found] = _findings("from sklearn.preprocessing import StandardScaler\nx = sc.fit([[1]])",
                        "sc = StandardScaler()")
    assert found.message_key == "defined-later/later-cell"


# --- cells Python cannot parse: notes and shell lines -------------------------------------------


@pytest.mark.parametrize("cell, text", [
    ("2)delet data\n  rows\n  columns", "2)delet data"),
    ("1)Read-binary ('rb') for PdfFileReader()", "1)Read-binary ('rb') for PdfFileReader()"),
])
def test_a_numbered_note_is_text_not_broken_code(cell: str, text: str) -> None:
    assert _run(cell) == "SyntaxError"
    [found] = _findings(cell)
    assert (found.code, found.message_key) == ("NS100", "syntax-error/text-line")
    assert f"(`{text}`)" in found.message


def test_a_shell_command_that_does_not_parse_says_to_add_the_bang() -> None:
    cell = "# Show the last line of a text file:\ntail -n 1 00_intro.md"
    assert _run(cell) == "SyntaxError"
    [found] = _findings(cell)
    assert (found.message_key, found.suggestion) == ("syntax-error/shell-command",
                                                     "!tail -n 1 00_intro.md")
    assert found.span is not None and found.span.line == 2


@pytest.mark.parametrize("cell", ["f(a,\n1))", "python is a great language"])
def test_other_broken_lines_keep_the_plain_syntax_wording(cell: str) -> None:
    [found] = _findings(cell)
    assert found.message_key == "syntax-error/unparsable"


def test_an_unbound_local_names_the_notebook_binding_nearest_above_it() -> None:
    cell = "x = 10\ndef fun():\n    x += 1\nfun()"
    assert _run("x = 1\n" + cell) == "UnboundLocalError"
    [found] = _findings("x = 1", "y = 2", cell)
    assert "The notebook's `x` (line 1 of this cell) is not seen." in found.message
