"""The loader's typed decoder changes nothing: every document loads into the same
``Notebook`` (or fails with the same message) as with ``json.loads`` alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbscope import ipynb_decoder, loader
from nbscope.model import NotebookReadError

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "notebooks"


@pytest.fixture(autouse=True)
def typed_decoder_loaded() -> None:
    """Small documents use the typed decoder once msgspec is loaded: load it here."""
    if not ipynb_decoder.available():
        pytest.skip("msgspec is not installed: the loader uses json.loads alone")


def both_ways(data: bytes | str) -> tuple[object, object]:
    """(as shipped, with every document through json.loads): a Notebook or the error text."""
    def load() -> object:
        try:
            return loader.parse_notebook(data, "nb.ipynb")
        except NotebookReadError as error:
            return f"error: {error}"
    shipped = load()
    typed = ipynb_decoder.decode
    ipynb_decoder.decode = lambda text: None
    try:
        return shipped, load()
    finally:
        ipynb_decoder.decode = typed


def test_the_decoder_is_used() -> None:
    text = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"colab": {}},
                       "cells": [{"cell_type": "code", "source": ["x = 1"], "outputs": [
                           {"output_type": "display_data", "data": {"image/png": "AAAA"}}]}]})
    decoded = ipynb_decoder.decode(text)
    assert decoded == {"nbformat": 4, "nbformat_minor": 5, "metadata": {"colab": {}},
                       "cells": [{"cell_type": "code", "source": ["x = 1"],
                                  "outputs": [{"output_type": "display_data"}]}]}


CELL = {"cell_type": "code", "source": "print(x)", "execution_count": 3, "metadata": {},
        "outputs": [{"output_type": "error", "ename": "NameError",
                     "evalue": "name 'x' is not defined", "traceback": ["NameError: x"]}]}

ODD_DOCUMENTS = [
    '{"nbformat": 4, "cells": [], "metadata": {"kernelspec": {"language": NaN}}}',
    '{"nbformat": 4, "cells": [{"cell_type": "code", "source": "\\ud800"}]}',
    '{"nbformat": 4, "nbformat_minor": 123456789012345678901234567890, "cells": []}',
    '{"nbformat": 4, "cells": [], "cells": [{"cell_type": "markdown", "source": "# t"}]}',
    '{"nbformat": 4, "cells": [], "metadata": ["not", "a", "dict"]}',
    '{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": {"a": 1}}]}',
    '{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": ["text", null, 3]}]}',
    '{"nbformat": 4, "cells": [{"metadata": {"colab": null, "executionInfo": [1]}}]}',
    '{"nbformat": 4, "cells": [{"metadata": {"executionInfo": {"timestamp": 1e400}}}]}',
    '{"nbformat": 4, "cells": [{"metadata": {"execution": {"iopub.execute_input": 5}}}]}',
    '{"nbformat": 4, "cells": [{"source": ["a", 1]}]}',
    '{"nbformat": 4, "cells": [{"cell_type": 7, "id": 3, "execution_count": true}]}',
    '{"nbformat": 4, "cells": [{"outputs": [{"output_type": "error", "etype": "E", '
    '"evalue": "ignored", "traceback": "E: boom"}]}]}',
    '{"nbformat": 4, "cells": [{"outputs": [{"output_type": "error", "ename": null, '
    '"etype": "E", "evalue": "", "traceback": ["x", 3, "\\u001b[31mNameError: y"]}]}]}',
    '{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": '
    '[{"cell_type": "code", "input": "x = 1", "language": "python", "outputs": []}]}]}',
    '{"nbformat": 5, "cells": []}',
    '{"cells": "none"}',
    '[1, 2]',
    '{"nbformat": 4, "cells": []} trailing',
    '{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x\t= 1"}]}',
    "\ufeff" + json.dumps({"nbformat": 4, "nbformat_minor": 2, "cells": [CELL],
                           "metadata": {"language_info": {"name": "Python"}}}),
]


@pytest.mark.parametrize("text", ODD_DOCUMENTS)
def test_odd_documents_load_as_before(text: str) -> None:
    shipped, plain = both_ways(text.encode("utf-8", "surrogatepass"))
    assert shipped == plain


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=8)


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(strategy, _VALUES)


_OUTPUT = st.fixed_dictionaries({}, optional={
    "output_type": _maybe(st.sampled_from(["error", "stream", "display_data"])),
    "ename": _maybe(st.text(max_size=5)), "etype": _maybe(st.text(max_size=5)),
    "evalue": _maybe(st.sampled_from(["", "ignored", "name 'x' is not defined"])),
    "traceback": _maybe(st.lists(st.text(max_size=12), max_size=3)),
    "data": _VALUES})
_CELL_METADATA = st.fixed_dictionaries({}, optional={
    "colab": _maybe(st.fixed_dictionaries({})),
    "executionInfo": _maybe(st.fixed_dictionaries({}, optional={
        "timestamp": _maybe(st.integers(0, 2_000_000_000_000))})),
    "execution": _maybe(st.dictionaries(
        st.sampled_from(["iopub.execute_input", "iopub.status.busy", "other"]),
        _maybe(st.sampled_from(["2024-01-02T03:04:05.123Z", "2024-01-02 03:04", "bad"])))),
    "tags": _VALUES})
_CELL = st.fixed_dictionaries({}, optional={
    "cell_type": _maybe(st.sampled_from(["code", "markdown", "raw"])),
    "source": _maybe(st.text(max_size=10) | st.lists(st.text(max_size=6), max_size=3)),
    "id": _VALUES, "execution_count": _VALUES, "metadata": _maybe(_CELL_METADATA),
    "outputs": _maybe(st.lists(_maybe(_OUTPUT), max_size=3))})
_DOCUMENT = st.fixed_dictionaries({}, optional={
    "nbformat": _maybe(st.integers(1, 5)), "nbformat_minor": _VALUES,
    "metadata": _maybe(st.fixed_dictionaries({}, optional={
        "colab": _VALUES, "kernelspec": _maybe(st.fixed_dictionaries(
            {}, optional={"language": _VALUES})),
        "language_info": _maybe(st.fixed_dictionaries({}, optional={"name": _VALUES}))})),
    "cells": _maybe(st.lists(_maybe(_CELL), max_size=4))})


@settings(max_examples=300, deadline=None)
@given(_DOCUMENT)
def test_generated_documents_load_as_before(document: dict) -> None:
    shipped, plain = both_ways(json.dumps(document))
    assert shipped == plain


def test_the_corpus_loads_as_before() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the notebook corpus is not here ({CORPUS}): it lives in ../shared")
    differing = []
    for path in sorted(CORPUS.rglob("*.ipynb")):
        shipped, plain = both_ways(path.read_bytes())
        if shipped != plain:
            differing.append(str(path.relative_to(CORPUS)))
    assert differing == []


def test_a_small_notebook_does_not_load_msgspec() -> None:
    """Importing msgspec costs more than decoding a small notebook: `nbscope check one.ipynb`
    does without it, and a large notebook loads it."""
    import subprocess
    import sys

    code = ("import sys\nfrom nbscope.loader import load_notebook\n"
            "load_notebook(sys.argv[1])\nprint('msgspec' in sys.modules)")
    small = REPO / "notebooks" / "typo.ipynb"
    done = subprocess.run([sys.executable, "-c", code, str(small)], capture_output=True,
                          text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "False"
    large = json.loads(small.read_text(encoding="utf-8"))
    large["cells"][0]["outputs"] = [{"output_type": "display_data",
                                     "data": {"image/png": "A" * 400_000}}]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.ipynb"
        path.write_text(json.dumps(large), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                              text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "True"
