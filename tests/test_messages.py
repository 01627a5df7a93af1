"""Every wording a rule can use: well-formed templates, and which case each snippet hits.

Findings carry the key of the wording they use (``defined-later/call``), so these
cases assert *which* explanation nbscope gave without matching its prose; the
prose itself is checked once, by the golden files in ``tests/golden``.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import string
from pathlib import Path

import pytest
from conftest import make_notebook

import nbscope.rules as rules_package
from nbscope.analyze import check_notebook
from nbscope.loader import load_notebook
from nbscope.rules import REGISTRY
from nbscope.rules.base import Message
from nbscope.workspace import Workspace


def _messages() -> list[tuple[str, str, Message]]:
    found = []
    for info in pkgutil.iter_modules(rules_package.__path__):
        module = importlib.import_module(f"nbscope.rules.{info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, Message):
                found.append((info.name, attribute, value))
    return found


MESSAGES = _messages()
RULE_NAMES = {rule.name for rule in REGISTRY.values()}


def test_every_rule_module_words_its_findings_with_templates() -> None:
    modules = {module for module, _, _ in MESSAGES}
    assert modules >= {"defined_later", "function_local", "typo", "missing_import",
                       "missing_module", "conditional", "deleted", "never_defined",
                       "unbound_local", "syntax_error", "analysis_limit", "not_python",
                       "saved_session"}


@pytest.mark.parametrize(("module", "attribute", "message"), MESSAGES,
                         ids=[f"{m}.{a}" for m, a, _ in MESSAGES])
def test_message_keys_name_a_rule_and_templates_use_plain_fields(
        module: str, attribute: str, message: Message) -> None:
    rule_name, _, variant = message.key.partition("/")
    assert rule_name in RULE_NAMES and variant, message.key
    for template in (message.text, message.fix or ""):
        for _, field, spec, conversion in string.Formatter().parse(template):
            if field is not None:
                assert field.isidentifier() and not spec and not conversion, (field, template)


def test_message_keys_are_unique() -> None:
    keys = [message.key for _, _, message in MESSAGES]
    assert len(keys) == len(set(keys))


def keys(*cells: str) -> list[tuple[int, str | None, str | None]]:
    """``(cell, name, message key)`` of every finding, in report order."""
    report = check_notebook(make_notebook(*cells), Workspace(None))
    return [(f.cell, f.name, f.message_key) for f in report.findings]


CASES = [
    (("print(x)", "x = 1"), (1, "x", "defined-later/later-cell")),
    (("print(x)\nx = 1",), (1, "x", "defined-later/same-cell")),
    (("def f():\n    return y", "f()", "y = 1"), (2, "y", "defined-later/call")),
    (("x = 1\ndel x\nprint(x)",), (1, "x", "deleted/del")),
    (("try:\n    1/0\nexcept Exception as e:\n    pass\nprint(e)",),
     (1, "e", "deleted/except-end")),
    (("x = 1", "%reset -f", "print(x)"), (3, "x", "deleted/reset")),
    (("print(undefined_thing)",), (1, "undefined_thing", "never-defined/nowhere")),
    (("print(__file__)",), (1, "__file__", "never-defined/__file__")),
    (("# s3 = make_client()", "s3.upload()"), (2, "s3", "never-defined/commented-out")),
    (("java -version",), (1, "java", "never-defined/shell-command")),
    (("rows = rows + [1]",), (1, "rows", "never-defined/self-reference")),
    (('{"cells": [], "metadata": {"trusted": true}}',), (1, "true", "never-defined/json-text")),
    (("del len",), (1, "len", "never-defined/del-builtin")),
    (("session_conf = 1", "print(session_conff)"), (2, "session_conff", "typo/bound-name")),
    (("prnt(1)",), (1, "prnt", "typo/builtin")),
    (("np.zeros(3)",), (1, "np", "missing-import/module")),
    (("trainer = Trainer()",), (1, "Trainer", "missing-import/module")),
    (("from itertools import chain", "print(islice(chain(), 1))"),
     (2, "islice", "missing-import/library-module")),
    (("from sklearn.svm import SVC", "print(metrics.f1_score)"),
     (2, "metrics", "missing-import/package-member")),
    (("def f():\n    inner = 1", "print(inner)"), (2, "inner", "function-local/function")),
    (("def f(arg):\n    pass", "print(arg)"), (2, "arg", "function-local/parameter")),
    (("class C:\n    attr = 1", "print(attr)"), (2, "attr", "function-local/class-body")),
    (("squares = [k * k for k in range(3)]", "print(k)"),
     (2, "k", "function-local/comprehension")),
    (("def f():\n    global g\n    g = 1", "print(g)"),
     (2, "g", "function-local/global-not-called")),
    (("import random\nif random.random() > 0.5:\n    y = 1\nprint(y)",),
     (1, "y", "conditional/guarded")),
    (("import random\nif random.random() > 0.5:\n    y = 1\n    del y\nelse:\n    y = 2\n"
      "print(y)",), (1, "y", "conditional/deleted")),
    (("count = 0\ndef add():\n    count = count + 1\nadd()",),
     (1, "count", "unbound-local/function")),
    (("def f():\n    x: int\n    def g():\n        return x\n    return g()\nf()",),
     (1, "x", "unbound-local/annotated-only")),
    (("x = (",), (1, None, "syntax-error/unparsable")),
    (("Here we load the data and clean it.",), (1, None, "syntax-error/text-cell")),
    (("x = 1\nnow we print the value\nprint(x)",), (1, None, "syntax-error/text-line")),
    (("return 1",), (1, None, "syntax-error/misplaced-statement")),
    (("imoprt os",), (1, None, "syntax-error/misspelt-keyword")),
    (("tail -n 1 notes.md",), (1, None, "syntax-error/shell-command")),
    (("if _name_ == '__main__':\n    pass",), (1, "_name_", "typo/module-dunder")),
    (("def f():\n    reurn(1)\nf()",), (1, "reurn", "typo/keyword")),
    (("abort;",), (1, "abort", "never-defined/not-python-text")),
    (("#Notetotal = 1\nprint(total)",), (1, "total", "never-defined/glued-comment")),
    (("exec('a = 1')", "print(a)"), (1, None, "analysis-limit/opaque")),
    (("%%writefile config.py\nsettings = 1\ndefaults = 2", "from config import settings",
      "print(defaults)"), (3, "defaults", "missing-import/local-module")),
    (("%%writefile config.py\ndefaults = 2", "import config", "print(defaults)"),
     (3, "defaults", "missing-import/local-module-attribute")),
    (("%%writefile config.py\nclass Config:\n    defaults = 2", "from config import Config",
      "print(defaults)"), (3, "defaults", "function-local/module-class")),
    (("%%writefile config.py\ndefaults = 2", "from config import defualts"),
     (2, "defualts", "missing-name/close-name")),
    (("%%writefile config.py\ndefaults = 2", "from config import learning_rate"),
     (2, "learning_rate", "missing-name/not-defined")),
    (("import sys\nsys.path.append('/content/drive/MyDrive/lib')", "import my_helpers"),
     (2, "my_helpers", "missing-module/expected-from-path")),
]


@pytest.mark.parametrize(("cells", "expected"), CASES, ids=[c[1][2] for c in CASES])
def test_each_wording_is_chosen_for_its_case(cells: tuple[str, ...], expected: tuple) -> None:
    found = keys(*cells)
    assert expected in found, f"{cells!r} gave {found!r}"


# --- golden files: the prose of every finding on the bundled example notebooks

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = sorted((REPO / "notebooks").glob("*.ipynb"))


def _render(path: Path) -> str:
    report = check_notebook(load_notebook(str(path)), Workspace.for_notebook(str(path)))
    lines = []
    for f in report.findings:
        where = f"{f.span.line}:{f.span.column}" if f.span else "-"
        lines.append(f"cell {f.cell}:{where} {f.code} {f.severity.value} {f.message_key}")
        lines.append(f"  {f.message}")
        if f.fix:
            lines.append(f"  fix: {f.fix}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_notebook_findings_read_as_reviewed(path: Path) -> None:
    """Set NBSCOPE_UPDATE_GOLDEN=1 to rewrite the files; review the diff before committing."""
    golden = GOLDEN / f"{path.stem}.txt"
    text = _render(path)
    if os.environ.get("NBSCOPE_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with NBSCOPE_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")
