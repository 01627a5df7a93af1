"""The quick route for ``%``/``!`` lines writes exactly what IPython's transformer writes.

Each case is checked against IPython's own ``TransformerManager``: wherever the
quick route is taken (it declines, or the parse proves a replaced line is not a
statement of its own), its text must be IPython's, and ``parse_python`` must
give the same fragment (tree, text, line map) either way. The corpus test does
the same for every corpus cell that is not plain Python.
"""

from __future__ import annotations

import ast
import json
import warnings
from pathlib import Path

import pytest

from nbscope import transform
from nbscope.ipython_escapes import all_statements, escaped_lines
from nbscope.transform import Fragment, SyntaxProblem, parse_python

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "notebooks"

TAKEN = [
    "%matplotlib inline\nimport numpy as np",
    "!pip install foo\nx = 1",
    "for i in range(3):\n    !echo {i}\n    %time f(i)\nprint(i)",
    "if x:\n\t%load_ext autoreload\nelse:\n    pass",
    "\n\n   %cd /tmp\n   y = 2",  # leading blank lines and common indentation
    "%pip install 'a b'  \ny = 3",  # trailing blanks, quotes in the arguments
    "x = 1\n!ls 'it''s' \"q\" \\n",  # quotes and a backslash inside the command
    "try:\n    %run -i helper.py\nexcept Exception:\n    !echo failed",
    "s = 'é'\n%env A=1",  # non-ASCII elsewhere in the cell
    "def f():\n    !ls\n    return 1",
    "%timeit\ta = 1\nb = 2",  # a tab after the magic's name: IPython splits at spaces only
]

DECLINED = [
    "x = %time f()\ny = 1",  # MagicAssign
    "files = !ls\ny = 1",  # SystemAssign
    "np.mean?\nx = 1",  # help
    "%%time\nx = 1",  # a cell magic
    "!!ls\nx = 1",
    "/print 1\nx = 1",  # autocall
    "x = 1\n!echo a \\\n   b",  # a continued line
    "x = 1",  # nothing escaped (and plain Python)
]

NOT_STATEMENTS = [
    's = """\n%not a magic\n"""\n!ls',  # a ``%`` line inside a string
    "x = f(\n%foo\n)\n!ls",  # inside brackets
]


def _parse(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in the corpus's strings
        return ast.parse(source)


def _ipython(source: str) -> str:
    return transform._transformer().transform_cell(source)


def _quick(source: str) -> tuple[str, dict[int, int]] | None:
    manager = transform._transformer()
    return escaped_lines(source, manager.cleanup_transforms + manager.line_transforms)


def _accepted(source: str) -> str | None:
    """The quick route's text, if it takes it (declines nothing, proves every line)."""
    quick = _quick(source)
    if quick is None:
        return None
    text, replaced = quick
    try:
        tree = _parse(text)
    except SyntaxError:
        return None
    return text if all_statements(tree, replaced) else None


def _without_quick_route(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transform, "escaped_lines", lambda source, cleanups: None)


def _same(a: Fragment | SyntaxProblem, b: Fragment | SyntaxProblem) -> bool:
    if isinstance(a, SyntaxProblem) or isinstance(b, SyntaxProblem):
        return a == b
    return (ast.dump(a.tree, include_attributes=True) == ast.dump(b.tree, include_attributes=True)
            and (a.source, a.raw_line, a.col_shift) == (b.source, b.raw_line, b.col_shift))


@pytest.mark.parametrize("source", TAKEN)
def test_taken_gives_ipythons_text(source: str) -> None:
    assert _accepted(source) == _ipython(source)


@pytest.mark.parametrize("source", DECLINED)
def test_declined_where_ipython_does_more(source: str) -> None:
    assert _quick(source) is None


@pytest.mark.parametrize("source", NOT_STATEMENTS)
def test_a_line_inside_a_string_or_brackets_is_left_to_ipython(source: str) -> None:
    assert _quick(source) is not None
    assert _accepted(source) is None


@pytest.mark.parametrize("source", TAKEN + DECLINED + NOT_STATEMENTS)
def test_parse_python_is_the_same_either_way(source: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    quick = parse_python(source, first_line=3, first_col=2)
    _without_quick_route(monkeypatch)
    assert _same(quick, parse_python(source, first_line=3, first_col=2))


def _corpus_cells_with_ipython_syntax() -> list[str]:
    cells = []
    for path in sorted(CORPUS.rglob("*.ipynb")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in document.get("cells", []) if isinstance(document, dict) else []:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            source = transform.normalize_newlines(source)
            if transform.split_cell_magic(source) is not None:
                continue
            try:
                _parse(source)
            except (SyntaxError, ValueError):
                cells.append(source)
    return cells


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared) is not here")
def test_corpus_cells_transform_as_ipython_does(monkeypatch: pytest.MonkeyPatch) -> None:
    cells = _corpus_cells_with_ipython_syntax()
    taken = 0
    for source in cells:
        text = _accepted(source)
        if text is not None:
            taken += 1
            assert text == _ipython(source), source
    # Most such cells are whole-line magics and shell commands.
    assert taken > len(cells) / 2
    quick = [parse_python(source) for source in cells]
    _without_quick_route(monkeypatch)
    for source, fragment in zip(cells, quick, strict=True):
        assert _same(fragment, parse_python(source)), source
