"""Text typed into a code cell (a sentence, pasted Markdown) is a syntax finding that
says so, not a run of undefined names; broken code keeps the plain syntax wording."""

from __future__ import annotations

import pytest
from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Finding
from nbscope.rules.prose import is_text_line
from nbscope.workspace import Workspace


def _findings(*cells: str) -> list[Finding]:
    return list(check_notebook(make_notebook(*cells), Workspace(None)).findings)


def test_a_cell_of_prose_is_one_syntax_finding_saying_to_make_it_markdown() -> None:
    found = _findings("x = 1", "This function returns the mean of the list.\nIt is used below.",
                      "print(x)")
    assert [(f.code, f.cell, f.message_key) for f in found] == \
        [("NS100", 2, "syntax-error/text-cell")]
    assert found[0].cause is None and found[0].severity.value == "error"
    assert "holds text, not Python" in found[0].message
    assert found[0].fix is not None and "Markdown cell" in found[0].fix


def test_pasted_markdown_with_a_numbered_answer_is_text() -> None:
    found = _findings("2)You pass a File object, obtained from a call to open().")
    assert [f.message_key for f in found] == ["syntax-error/text-cell"]


def test_a_line_of_prose_among_code_is_named_by_its_line() -> None:
    found = _findings("total = sum([1, 2])\nthe total of the list comes next\nprint(total)")
    assert [(f.code, f.message_key, f.span.line if f.span else None) for f in found] == \
        [("NS100", "syntax-error/text-line", 2)]
    assert "Line 2" in found[0].message and "`the total of the list comes next`" in found[0].message
    assert found[0].fix is not None and "comment" in found[0].fix


@pytest.mark.parametrize("cell", [
    "if x == 3\n    print(x)",                      # a missing colon
    "print 'hello'",                                  # Python 2
    "select name from employees where age > 30;",     # SQL without %%sql
    "git commit -m \"Add the first version of it\"",  # a shell line with a message
    "x = 1  # this is the value we start from\ny = (",
    "s = \"\"\"an unclosed docstring with some words",
    "return x, y, f(x, y), history",
    "git stash pop",                                  # a shell command without its !
    "n = int(input(enter lower limit))",              # words as an argument: broken code
])
def test_broken_code_keeps_the_plain_syntax_wording(cell: str) -> None:
    found = _findings(cell)
    assert [(f.code, f.message_key) for f in found][:1] in (
        [("NS100", "syntax-error/unparsable")], [("NS100", "syntax-error/misplaced-statement")])


@pytest.mark.parametrize(("line", "text"), [
    ("sir how to convert string to integer without error", True),
    ("## Loading the data from the bucket", True),
    ("- Change one data type to another data type", True),
    ("for item in range(10) if item", False),
    ("a = b if c is not None else d", False),
    ("print(f'The total cost is {cost}')", False),
    ("delete from users where last_active < '2023-01-01';", False),
])
def test_is_text_line(line: str, text: bool) -> None:
    assert is_text_line(line) is text


def test_a_pasted_json_file_names_its_literals_as_json_not_typos() -> None:
    cell = ('{\n "cells": [],\n "metadata": {"colab": {"include_colab_link": true}},\n'
            ' "widgets": null\n}')
    found = _findings(cell)
    assert [(f.name, f.cause.value if f.cause else None, f.message_key) for f in found] == [
        ("true", "never-defined", "never-defined/json-text"),
        ("null", "never-defined", "never-defined/json-text")]
    assert "JSON text, not Python" in found[0].message
    assert found[0].fix is not None and "json.loads" in found[0].fix


def test_true_in_python_code_is_still_a_typo_of_the_builtin() -> None:
    found = _findings("flags = {'on': true}")
    assert [(f.name, f.message_key) for f in found] == [("true", "typo/builtin")]
