"""One finding per name and cell: the first failing read, the other lines in ``related``."""

from __future__ import annotations

from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Severity


def _report(*cells: str):
    return check_notebook(make_notebook(*cells))


def test_later_reads_of_the_same_name_are_listed_as_repeats() -> None:
    [found] = _report("print(undefined_q)\nx = 1\nprint(undefined_q, undefined_q)\n"
                      "print(undefined_q)\n").findings
    assert (found.cause.value, found.span.line) == ("never-defined", 1)
    assert [(r.role, r.cell, r.line) for r in found.related] == [
        ("repeat", 1, 3), ("repeat", 1, 4)]
    assert all(r.note for r in found.related)


def test_two_reads_on_the_first_line_make_one_finding_and_no_repeat() -> None:
    [found] = _report("print(undefined_q + undefined_q)").findings
    assert (found.span.column, found.related) == (7, ())


def test_each_cell_keeps_its_own_finding() -> None:
    found = _report("print(undefined_q)", "print(undefined_q)").findings
    assert [(f.cell, f.related) for f in found] == [(1, ()), (2, ())]


def test_a_warning_under_a_certain_failure_of_the_name_is_not_shown() -> None:
    found = _report("print(late)\nimport os\nif os.sep:\n    late = 1\nprint(late)\n").findings
    assert [(f.cause.value, f.severity, f.span.line) for f in found] == [
        ("defined-later", Severity.ERROR, 1)]


def test_a_warning_above_an_error_is_kept() -> None:
    found = _report("import os\nif os.sep:\n    maybe = 1\nprint(maybe)\ndel maybe\n"
                    "print(maybe)\n").findings
    assert [(f.cause.value, f.span.line) for f in found] == [
        ("conditional", 4), ("deleted", 6)]


def test_other_names_in_the_cell_are_not_folded() -> None:
    found = _report("print(undefined_p)\nprint(undefined_q)\n").findings
    assert [(f.name, f.related) for f in found] == [("undefined_p", ()), ("undefined_q", ())]


def test_an_error_below_a_softened_warning_of_the_name_stays_its_own() -> None:
    found = _report("try:\n    print(undefined_q)\nexcept Exception:\n    pass\n"
                    "print(undefined_q)\nprint(undefined_q)\n").findings
    assert [(f.severity, f.span.line, [r.line for r in f.related]) for f in found] == [
        (Severity.WARNING, 2, []), (Severity.ERROR, 5, [6])]
