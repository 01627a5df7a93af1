"""Positions worked out only when asked: a lowered site gives exactly the span an eager one did.

The lowering makes a ``Site`` for every name a cell reads or binds; most are
never reported, so a site made from an AST node keeps the node and resolves its
span on first use. These tests hold the lazy sites to the eager computation,
to value semantics (equality, hashing, pickling) and to the laziness itself.
"""

from __future__ import annotations

import ast
import pickle

import pytest

from nbscope.dataflow.ipython import build_cell
from nbscope.dataflow.ir import Site, Use, walk
from nbscope.environment import NoEnvironment
from nbscope.model import Span
from nbscope.transform import Fragment, parse_python

CELLS = [
    "x = 1\nprint(x, y)",
    "    \n%time z = w + 1\n!ls {q}",  # IPython syntax: lines and columns mapped back
    "s = 'é'; print(s, t)",  # non-ASCII: columns in characters, not UTF-8 bytes
    "%%time\nfor i in range(3):\n    total = i + offset",
]


def _names(fragment: Fragment) -> list[ast.Name]:
    return [node for node in ast.walk(fragment.tree) if isinstance(node, ast.Name)]


@pytest.mark.parametrize("source", CELLS)
def test_lazy_site_is_the_eager_span(source: str) -> None:
    body = source.split("\n", 1)[1] if source.startswith("%%") else source
    first_line = 2 if source.startswith("%%") else 1
    fragment = parse_python(body, first_line=first_line)
    assert isinstance(fragment, Fragment)
    nodes = _names(fragment)
    assert nodes
    for node in nodes:
        lazy = Site.of(3, fragment.map, node)
        eager = Site(3, fragment.span(node))
        assert lazy.span == eager.span
        assert lazy == eager and hash(lazy) == hash(eager)


def test_reads_resolve_their_span_only_when_asked() -> None:
    program, _ = build_cell(1, "a = b + c\nprint(a, d)", NoEnvironment())
    uses = [op for op in walk(program.body) if isinstance(op, Use)]
    assert [use.name for use in uses] == ["b", "c", "print", "a", "d"]
    assert all(use.site._positions is not None for use in uses)  # nothing resolved yet
    assert not hasattr(uses[0].site._positions, "tree")  # the cell's syntax tree can go
    assert uses[-1].site.span == Span(2, 10, 2, 11)
    assert uses[-1].site._positions is None  # resolved once, and the AST node let go
    assert all(use.site._positions is not None for use in uses[:-1])


def test_site_pickles_as_plain_data() -> None:
    program, _ = build_cell(4, "print(missing)", NoEnvironment())
    site = next(op.site for op in walk(program.body)
                if isinstance(op, Use) and op.name == "missing")
    copy = pickle.loads(pickle.dumps(site))
    assert copy == Site(4, Span(1, 7, 1, 14))
    assert copy._positions is None and copy._node is None


def test_sites_differ_by_cell_and_span() -> None:
    assert Site(1, Span(1, 1, 1, 2)) != Site(2, Span(1, 1, 1, 2))
    assert Site(1, Span(1, 1, 1, 2)) != Site(1, Span(1, 1, 1, 3))
    assert Site(1, None) == Site(1, None)
    assert len({Site(1, Span(1, 1, 1, 2)), Site(1, Span(1, 1, 1, 2))}) == 1
