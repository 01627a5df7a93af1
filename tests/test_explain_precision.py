"""Corrections from the corpus audit: a function's read under a broad ``try`` is a
warning like a top-level one, and an unbound local names the assignment in the
function that is read, not a same-named function of another cell."""

from __future__ import annotations

from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Finding
from nbscope.workspace import Workspace


def _findings(*cells: str) -> list[Finding]:
    return list(check_notebook(make_notebook(*cells), Workspace(None)).findings)


def test_a_function_read_caught_by_a_broad_except_is_a_warning() -> None:
    body = ("def average():\n    try:\n        return (1 + num3333) / 2\n"
            "    except Exception as e:\n        print(e)\naverage()")
    found = _findings("num333 = 1", body)
    assert [(f.name, f.cause.value, f.severity.value) for f in found] == \
        [("num3333", "typo", "warning")]
    assert "catches the NameError" in found[0].message


def test_a_function_read_outside_any_try_stays_an_error() -> None:
    found = _findings("try:\n    def f():\n        return undefined_zz\nexcept Exception:\n"
                      "    pass\nf()")
    assert [(f.name, f.severity.value) for f in found if f.name == "undefined_zz"] == \
        [("undefined_zz", "error")]


def test_unbound_local_points_at_the_assignment_of_the_function_in_this_cell() -> None:
    found = [f for f in _findings("def temp():\n    a = 3\n    return a",
                                  "a = 2\ndef temp():\n    a += 1\n    print(a)\ntemp()")
             if f.cause is not None and f.cause.value == "unbound-local"]
    assert len(found) == 1
    assert [(r.role, r.cell, r.line) for r in found[0].related] == [("definition", 2, 3)]
    assert "line 3 of this cell" in found[0].message


def test_a_name_read_on_the_line_that_first_assigns_it_says_so() -> None:
    found = [f for f in _findings("final_df = final_df.merge(other)") if f.name == "final_df"]
    assert [(f.cause.value, f.message_key) for f in found] == \
        [("never-defined", "never-defined/self-reference")]
    assert "line 1 of this cell" in found[0].message
    assert "not assigned" not in found[0].message  # it is assigned: after the read
    assert [(r.role, r.cell, r.line) for r in found[0].related] == [("definition", 1, 1)]


def test_a_shell_command_without_its_bang_is_named_with_the_fix() -> None:
    found = [f for f in _findings("import pytesseract", "tesseract --version")
             if f.name == "tesseract"]
    assert [(f.cause.value, f.message_key, f.suggestion) for f in found] == \
        [("never-defined", "never-defined/shell-command", "!tesseract --version")]
    assert found[0].fix == "Run it in the shell: `!tesseract --version`."


def test_subtraction_in_code_is_not_a_shell_command() -> None:
    found = _findings("total = price - discount")
    assert {f.message_key for f in found} == {"never-defined/nowhere"}
    found = _findings("print(totl -1)")
    assert {f.message_key for f in found} == {"never-defined/nowhere"}


def test_a_typo_is_not_matched_to_another_cells_local_variable() -> None:
    # ``x`` exists only inside a comprehension of cell 1: the read of ``X`` in cell 2
    # cannot mean it.
    found = [f for f in _findings("lengths = [len(x) for x in ['a']]", "print(X[:3])")
             if f.name == "X"]
    assert [f.cause.value for f in found] == ["never-defined"]
    near = [f for f in _findings("value = 1", "print(Value)") if f.name == "Value"]
    assert [(f.cause.value, f.suggestion) for f in near] == [("typo", "value")]


def test_a_typo_names_the_binding_in_the_notebooks_namespace() -> None:
    found = [f for f in _findings("n = max([len(x) for x in ['ab']])", "x = [1, 2]",
                                  "print(X[:1])") if f.name == "X"]
    assert [(f.cause.value, f.suggestion) for f in found] == [("typo", "x")]
    assert [(r.role, r.cell, r.line) for r in found[0].related] == [("definition", 2, 1)]


def test_a_word_the_notebook_has_in_quotes_is_named_as_text_without_quotes() -> None:
    [found] = _findings("print('hello')\nprint(hello)")
    assert (found.cause.value, found.message_key, found.suggestion) == (
        "never-defined", "never-defined/text-without-quotes", "'hello'")
    assert "the notebook has the text `'hello'` in quotes (line 1 of this cell)" in found.message
    [found] = _findings('favorite = "Vanilla"', "print(Vanilla)")
    assert "`\"Vanilla\"` in quotes (cell 1, line 1)" in found.message


def test_a_key_a_prefixed_string_or_a_comment_is_no_text_without_quotes() -> None:
    for first in ("row = {}\nrow['milk']", "label = f'milk'", "# buy 'milk'",
                  "x = data[0]['milk']"):
        found = [f for f in _findings(first, "print(milk)") if f.name == "milk"]
        assert [f.message_key for f in found] == ["never-defined/nowhere"], first
    # Used as an object (an attribute, an item, a call), the name is no text.
    for read in ("milk.plot()", "milk[0]", "milk (1)"):
        found = [f for f in _findings("pd.read_csv('milk')", read) if f.name == "milk"]
        assert [f.message_key for f in found] == ["never-defined/nowhere"], read


def test_a_cell_reading_its_own_functions_variable_is_function_local_not_defined_later() -> None:
    found = [f for f in _findings("def test2():\n    x = 10\n    return x\ntest2()\nprint(x)",
                                  "x = 1") if f.name == "x"]
    assert [(f.cause.value, f.message_key) for f in found] == [
        ("function-local", "function-local/global-below")]
    assert "the global `x` assigned at cell 2, line 1 is another variable" in found[0].message
    # A function of another cell, or one that takes the name as a parameter (``def
    # plot(df)``): the later global is the one meant (defined-later).
    for cells in (("def test2():\n    x = 10", "print(x)", "x = 1"),
                  ("def test2(x):\n    x = x + 1\nprint(x)", "x = 1")):
        found = [f for f in _findings(*cells) if f.name == "x"]
        assert [f.cause.value for f in found] == ["defined-later"], cells


def test_a_key_held_down_is_a_typo_of_the_name_with_one_or_two_of_that_letter() -> None:
    found = [f for f in _findings("num3 = 4", "print(num33333)", "hello = 1\nprint(helllo)")
             if f.cause is not None]
    assert [(f.name, f.cause.value, f.suggestion) for f in found] == [
        ("num33333", "typo", "num3"), ("helllo", "typo", "hello")]


def test_an_assignment_written_in_a_markdown_cell_is_named() -> None:
    from nbscope.model import Cell, Notebook

    cells = (Cell(index=1, cell_type="markdown", source="Use:\n```python\ndata = [3, 1]\n```"),
             Cell(index=2, cell_type="code", source="print(sorted(data))"),
             Cell(index=3, cell_type="markdown", source="where x == 2 holds"),
             Cell(index=4, cell_type="code", source="print(x)"))
    found = {f.name: f for f in check_notebook(Notebook("t.ipynb", cells)).findings}
    assert found["data"].message_key == "never-defined/in-markdown"
    assert "assigned only in a Markdown cell (cell 1, line 3: `data = [3, 1]`)" \
        in found["data"].message
    assert [(r.role, r.cell, r.line) for r in found["data"].related] == [("definition", 1, 3)]
    assert found["x"].message_key == "never-defined/nowhere"  # a comparison is no assignment
