"""The scope model, one small notebook per line: what nbscope reports, and what CPython does.

Each case is a list of cell sources (``md:`` marks a markdown cell, which still
counts in cell numbers) and the exact findings ``(cell, line, column, name,
cause or code)``. ``run_all`` is what Restart & Run All does: ``None`` (runs
through), ``(cell, name, error)``, or ``UNCOMPARED`` when the outcome depends on
something nbscope cannot know (an unknown condition, the kernel's own names).
Every compared case is also executed by CPython, cells exec'd in order in one
namespace, and both nbscope and CPython must match ``run_all``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import findings, first_failure, make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Severity
from nbscope.workspace import Workspace

UNCOMPARED = "uncompared"

CASES = [
    # --- cell order: Restart & Run All runs cells top to bottom --------------------------
    ("use-in-cell-above-definition", ["print(x)", "x = 1"],
     [(1, 1, 7, "x", "defined-later")], (1, "x", "NameError")),
    ("use-above-definition-in-same-cell", ["print(x)\nx = 1"],
     [(1, 1, 7, "x", "defined-later")], (1, "x", "NameError")),
    ("use-after-definition", ["x = 1", "print(x)"], [], None),
    ("only-the-read-before-the-assignment-fails", ["print(a)\na = 1\nprint(a)"],
     [(1, 1, 7, "a", "defined-later")], (1, "a", "NameError")),
    ("markdown-cells-count-in-cell-numbers", ["md:# title", "print(x)", "md:notes", "x = 1"],
     [(2, 1, 7, "x", "defined-later")], (2, "x", "NameError")),
    # --- LEGB ----------------------------------------------------------------------------
    ("function-local-shadows-global",
     ["x = 1", "def f():\n    x = 2\n    return x\n", "f()", "print(x)"], [], None),
    ("closure-reads-enclosing-function",
     ["def outer():\n    n = 1\n    def inner():\n        return n\n    return inner()\n",
      "outer()"], [], None),
    ("builtins-resolve", ["print(len([1]), range, __name__)"], [], None),
    ("deleting-a-shadowing-global-uncovers-the-builtin", ["len = 5\ndel len\nprint(len([]))"],
     [], None),
    ("keyword-and-star-parameters", ["def f(*args, **kwargs):\n    return args, kwargs\n",
                                     "f(1, k=2)"], [], None),
    ("recursion", ["def f(n):\n    return f(n - 1) if n else 0\n", "f(3)"], [], None),
    # --- functions read globals when called, not when defined ----------------------------
    ("function-called-after-the-global-is-assigned",
     ["def f():\n    return g\n", "g = 1", "f()"], [], None),
    ("function-called-before-the-global-is-assigned",
     ["def f():\n    return g\n", "f()", "g = 1"],
     [(2, 1, 1, "g", "defined-later")], (2, "g", "NameError")),
    ("call-through-another-function",
     ["def f():\n    return g\n", "def h():\n    return f()\n", "h()", "g = 1"],
     [(3, 1, 1, "g", "defined-later")], (3, "g", "NameError")),
    ("called-function-defined-later",
     ["def f():\n    return f2()\n", "f()", "def f2():\n    return 1\n"],
     [(2, 1, 1, "f2", "defined-later")], (2, "f2", "NameError")),
    ("call-inside-a-comprehension",
     ["def f():\n    return g\n", "x = [f() for _ in range(2)]", "g = 1"],
     [(2, 1, 6, "g", "defined-later")], (2, "g", "NameError")),
    ("global-bound-nowhere-reported-in-the-function",
     ["def f():\n    return g\n", "x = 1\nf()"],
     [(1, 2, 12, "g", "never-defined")], (2, "g", "NameError")),
    ("function-never-called-runs-fine", ["def f():\n    return undefined_q\n"],
     [(1, 2, 12, "undefined_q", "never-defined")], None),
    ("the-latest-definition-is-the-one-called",
     ["def f():\n    return 1\n", "def f():\n    return missing_later\n", "f()",
      "missing_later = 1"],
     [(3, 1, 1, "missing_later", "defined-later")], (3, "missing_later", "NameError")),
    ("global-deleted-before-the-call", ["x = 1\ndef f():\n    return x\ndel x\n", "f()"],
     [(2, 1, 1, "x", "deleted")], (2, "x", "NameError")),
    ("lambda-called-after-the-global", ["f = lambda: y\n", "y = 2", "f()"], [], None),
    ("lambda-called-before-the-global", ["f = lambda: y\n", "f()", "y = 2"],
     [(2, 1, 1, "y", "defined-later")], (2, "y", "NameError")),
    ("generator-function-call-does-not-run-the-body",
     ["def gen():\n    yield undefined_in_gen\n", "g = gen()"],
     [(1, 2, 11, "undefined_in_gen", "never-defined")], None),
    ("generator-body-runs-when-consumed",
     ["def gen():\n    yield later_g\n", "it = gen()", "later_g = 1", "print(next(it))"],
     [], None),
    # --- class bodies ----------------------------------------------------------------------
    ("class-attribute-is-not-visible-in-methods",
     ["class A:\n    z = 1\n    def m(self):\n        return z\n"],
     [(1, 4, 16, "z", "function-local")], None),
    ("class-attribute-is-not-visible-in-a-comprehension",
     ["class A:\n    z = 3\n    w = [z for i in range(2)]\n"],
     [(1, 3, 10, "z", "function-local")], (1, "z", "NameError")),
    ("first-iterable-of-a-class-comprehension-sees-the-class",
     ["class A:\n    z = 3\n    w = [i for i in range(z)]\n"], [], None),
    ("class-body-reads-the-global-it-shadows", ["x = 1", "class A:\n    x = x\n"], [], None),
    ("class-body-reads-an-unbound-name", ["class A:\n    x = x\n"],
     [(1, 2, 9, "x", "function-local")], (1, "x", "NameError")),
    ("method-default-is-evaluated-in-the-class-body",
     ["class A:\n    y = 1\n    def f(self, d=y):\n        return d\n"], [], None),
    ("base-class-defined-later", ["class A(Base):\n    pass\n", "class Base:\n    pass\n"],
     [(1, 1, 9, "Base", "defined-later")], (1, "Base", "NameError")),
    ("attribute-assignment-binds-no-name", ["class A:\n    pass\n", "a = A()\na.attr = 1",
                                            "print(attr)"],
     [(3, 1, 7, "attr", "never-defined")], (3, "attr", "NameError")),
    ("class-cell-in-a-method", ["class A:\n    def m(self):\n        return __class__\n",
                                "print(A().m())"], [], None),
    ("class-cell-in-a-class-body-lambda", ["class A:\n    f = lambda self: __class__\n",
                                           "print(A().f())"], [], None),
    ("class-cell-is-not-in-the-class-body", ["class A:\n    c = __class__\n"],
     [(1, 2, 9, "__class__", "never-defined")], (1, "__class__", "NameError")),
    ("class-cell-is-empty-in-a-class-body-comprehension",
     ["class A:\n    c = [__class__ for _ in range(1)]\n"],
     [(1, 2, 10, "__class__", "never-defined")], (1, "__class__", "NameError")),
    ("class-cell-in-a-method-comprehension",
     ["class A:\n    def m(self):\n        return [__class__ for _ in range(1)]\n",
      "print(A().m())"], [], None),
    ("module-and-qualname-in-a-class-body",
     ["class A:\n    m = __module__\n    q = __qualname__\n", "print(A.m, A.q)"], [], None),
    ("qualname-outside-a-class-body", ["print(__qualname__)"],
     [(1, 1, 7, "__qualname__", "never-defined")], (1, "__qualname__", "NameError")),
    ("module-annotations-after-an-annotated-assignment",
     ["x: int = 1", "print(__annotations__)"], [], None),
    ("module-annotations-after-a-bare-annotation-in-a-branch",
     ["if False:\n    x: int\n", "print(__annotations__)"], [], None),
    ("module-annotations-without-any-annotation", ["print(__annotations__)"],
     [(1, 1, 7, "__annotations__", "never-defined")], (1, "__annotations__", "NameError")),
    ("class-annotations-in-the-class-body",
     ["class A:\n    x: int\n    n = len(__annotations__)\n", "print(A.n)"], [], None),
    ("class-in-a-function-reads-a-variable-assigned-after-the-class",
     ["def f():\n    class C:\n        y = v\n    v = 1\n    return C\n", "f()"],
     [(1, 3, 13, "v", "unbound-local")], (2, "v", "NameError")),
    ("class-in-a-function-reads-a-variable-assigned-before-the-class",
     ["def f():\n    v = 1\n    class C:\n        y = v\n    return C\n", "f()"], [], None),
    ("class-in-a-function-binds-the-name-itself",
     ["v = 0", "def f():\n    class C:\n        v = 2\n        y = v\n    v = 1\n    return C\n",
      "f()"], [], None),
    # --- comprehensions and walrus -----------------------------------------------------------
    ("comprehension-variable-does-not-leak", ["squares = [q * q for q in range(3)]", "print(q)"],
     [(2, 1, 7, "q", "function-local")], (2, "q", "NameError")),
    ("comprehension-variable-does-not-leak-in-the-same-cell",
     ["print([y for y in range(3)], y)"],
     [(1, 1, 30, "y", "function-local")], (1, "y", "NameError")),
    ("walrus-in-a-comprehension-binds-the-module",
     ["total = [last := v for v in range(3)]", "print(last)"], [], None),
    ("walrus-in-a-function-comprehension-binds-the-function",
     ["def f():\n    total = [t := v for v in range(3)]\n    return t\n", "f()", "print(t)"],
     [(3, 1, 7, "t", "function-local")], (3, "t", "NameError")),
    ("walrus-statement", ["(a := 5)", "print(a)"], [], None),
    ("walrus-in-an-if-condition", ["if (n := 10) > 5:\n    pass\n", "print(n)"], [], None),
    ("generator-variable-does-not-leak",
     ["items = [1, 2]", "total = sum(i for i in items)", "print(i)"],
     [(3, 1, 7, "i", "function-local")], (3, "i", "NameError")),
    ("comprehension-in-a-function-does-not-leak",
     ["def f():\n    return [y for y in range(3)]\n", "f()", "print(y)"],
     [(3, 1, 7, "y", "function-local")], (3, "y", "NameError")),
    ("generator-first-iterable-is-evaluated-at-once", ["g = (x for x in undefined_it)"],
     [(1, 1, 17, "undefined_it", "never-defined")], (1, "undefined_it", "NameError")),
    ("generator-element-is-evaluated-lazily", ["g = (undefined_el for x in range(3))"],
     [(1, 1, 6, "undefined_el", "never-defined")], None),
    # --- global and nonlocal -------------------------------------------------------------
    ("global-in-a-called-function-binds-the-global",
     ["def f():\n    global G\n    G = 1\n", "f()", "print(G)"], [], None),
    ("global-read-before-the-function-is-called",
     ["def f():\n    global G\n    G = 1\n", "print(G)", "f()"],
     [(2, 1, 7, "G", "function-local")], (2, "G", "NameError")),
    ("import-inside-a-function-binds-a-local", ["def f():\n    import json\n", "f()",
                                                "json.dumps(1)"],
     [(3, 1, 1, "json", "function-local")], (3, "json", "NameError")),
    ("nonlocal",
     ["def outer():\n    n = 0\n    def inner():\n        nonlocal n\n        n += 1\n"
      "        return n\n    return inner()\n", "outer()"], [], None),
    ("nonlocal-assignment-in-a-called-inner-function-binds-the-outer-variable",
     ["def f():\n    def g():\n        nonlocal v\n        v = 1\n    g()\n    print(v)\n"
      "    v = 2\n", "f()"], [], None),
    ("nonlocal-assignment-binds-an-annotated-outer-variable",
     ["def f():\n    v: int\n    def g():\n        nonlocal v\n        v = 1\n    g()\n"
      "    return v\n", "f()"], [], None),
    ("nonlocal-assignment-of-an-inner-function-not-called-binds-nothing",
     ["def f():\n    v: int\n    def g():\n        nonlocal v\n        v = 1\n    return v\n",
      "f()"], [(1, 6, 12, "v", "unbound-local")], (2, "v", "UnboundLocalError")),
    ("nonlocal-assignment-under-an-if-may-bind",
     ["def f():\n    v: int\n    def g(flag):\n        nonlocal v\n        if flag:\n"
      "            v = 1\n    g(False)\n    return v\n", "f()"],
     [(1, 8, 12, "v", "conditional")], UNCOMPARED),
    ("inner-function-reads-an-outer-variable-that-is-only-annotated",
     ["x = 1", "def f():\n    x: int\n    def g():\n        return x\n    return g()\n", "f()"],
     [(2, 4, 16, "x", "unbound-local")], (3, "x", "NameError")),
    ("inner-function-reads-an-annotated-outer-variable-assigned-later",
     ["def f():\n    x: int\n    def g():\n        return x\n    x = 3\n    return g()\n",
      "f()"], [], None),
    ("global-del-in-a-called-function",
     ["x = 1\ndef f():\n    global x\n    del x\n", "f()", "print(x)"],
     [(3, 1, 7, "x", "deleted")], (3, "x", "NameError")),
    # --- del and except-as ---------------------------------------------------------------
    ("use-after-del", ["x = 1\ndel x", "print(x)"],
     [(2, 1, 7, "x", "deleted")], (2, "x", "NameError")),
    ("use-after-del-in-the-same-cell", ["x = 1\ndel x\nprint(x)"],
     [(1, 3, 7, "x", "deleted")], (1, "x", "NameError")),
    ("rebound-after-del", ["x = 1", "del x", "x = 2", "print(x)"], [], None),
    ("used-between-del-and-rebind", ["x = 1", "del x", "print(x)", "x = 2"],
     [(3, 1, 7, "x", "deleted")], (3, "x", "NameError")),
    ("del-twice", ["x = 1", "del x", "del x"],
     [(3, 1, 5, "x", "deleted")], (3, "x", "NameError")),
    ("del-under-an-unknown-condition", ["x = 1", "if x:\n    del x\n", "print(x)"],
     [(3, 1, 7, "x", "conditional")], UNCOMPARED),
    ("del-of-an-imported-module", ["import math\nprint(math.pi)\ndel math", "print(math)"],
     [(2, 1, 7, "math", "deleted")], (2, "math", "NameError")),
    ("del-of-a-with-target", ["with open(__import__('os').devnull) as fh:\n    del fh\n",
                              "print(fh)"],
     [(2, 1, 7, "fh", "deleted")], (2, "fh", "NameError")),
    ("del-of-a-builtin-name", ["del len"],
     [(1, 1, 5, "len", "never-defined")], (1, "len", "NameError")),
    ("except-as-name-is-unbound-after-the-handler",
     ["try:\n    1/0\nexcept ZeroDivisionError as e:\n    pass\n", "print(e)"],
     [(2, 1, 7, "e", "deleted")], (2, "e", "NameError")),
    ("except-as-may-unbind-an-earlier-binding",
     ["e = 1", "try:\n    1/0\nexcept ZeroDivisionError as e:\n    pass\n", "print(e)"],
     [(3, 1, 7, "e", "conditional")], UNCOMPARED),
    ("except-as-name-read-in-the-else-branch-keeps-the-earlier-binding",
     ["e = 1\ntry:\n    int('1')\nexcept ValueError as e:\n    pass\nelse:\n    print(e)\n"],
     [], None),
    ("except-as-name-read-only-when-the-handler-did-not-run",
     ["ok = True\ne = 1\ntry:\n    int('1')\nexcept ValueError as e:\n    ok = False\n"
      "if ok:\n    print(e)\n"], [(1, 8, 11, "e", "conditional")], None),
    # --- try -------------------------------------------------------------------------------
    ("try-and-except-both-bind",
     ["try:\n    a = int('1')\nexcept ValueError:\n    a = 0\n", "print(a)"], [], None),
    ("only-the-try-body-binds",
     ["try:\n    a = int('1')\nexcept ValueError:\n    pass\n", "print(a)"],
     [(2, 1, 7, "a", "conditional")], None),
    ("handler-of-a-certain-raise-binds",
     ["try:\n    raise ValueError\nexcept ValueError:\n    err = 1\n", "print(err)"], [], None),
    ("finally-always-binds", ["try:\n    pass\nfinally:\n    fin = 1\n", "print(fin)"],
     [], None),
    ("finally-reads-what-the-try-body-may-not-have-bound",
     ["try:\n    v = int('1')\nexcept ValueError:\n    pass\nelse:\n    w = v\nfinally:\n"
      "    print(w)\n"], [(1, 8, 11, "w", "conditional")], None),
    ("read-guarded-by-except-name-error",
     ["try:\n    print(maybe_name)\nexcept NameError:\n    pass\n"], [], None),
    ("read-guarded-by-a-broad-except-is-a-warning",
     ["try:\n    print(maybe_name)\nexcept Exception:\n    pass\n"],
     [(1, 2, 11, "maybe_name", "never-defined")], None),
    ("import-fallback-in-except-import-error",
     ["try:\n    import numpy\nexcept ImportError:\n    numpy = None\n", "print(numpy)"],
     [], None),
    ("a-caught-raise-skips-the-rest-of-the-try-body",
     ["try:\n    1 // 0\n    print(undefined_t)\nexcept ZeroDivisionError:\n    pass\n"],
     [(1, 3, 11, "undefined_t", "never-defined")], None),
    ("try-else-runs-only-when-the-body-raised-nothing",
     ["try:\n    1 // 0\nexcept ZeroDivisionError:\n    pass\nelse:\n    print(undefined_t)\n"],
     [(1, 6, 11, "undefined_t", "never-defined")], None),
    ("finally-runs-on-break",
     ["while True:\n    try:\n        break\n    finally:\n        y = 1\n", "print(y)"], [], None),
    ("finally-runs-on-return",
     ["def f():\n    global y\n    try:\n        return 1\n    finally:\n        y = 1\n", "f()",
      "print(y)"], [], None),
    ("a-function-defined-after-an-import-in-a-try-body-has-that-import",
     ["try:\n    import json\n    def helper():\n        return json.dumps(1)\n"
      "except ImportError:\n    def helper():\n        return 0\n", "helper()"], [], None),
    ("a-function-defined-only-in-the-try-body-of-an-import-is-conditional",
     ["try:\n    import json\n    def helper():\n        return json.dumps(1)\n"
      "except ImportError:\n    pass\n", "helper()"],
     [(2, 1, 1, "helper", "conditional")], None),
    # --- if --------------------------------------------------------------------------------
    ("if-and-else-both-bind",
     ["import random\nif random.random() > 2:\n    b = 1\nelse:\n    b = 2\n", "print(b)"],
     [], None),
    ("only-the-if-binds", ["import random\nif random.random() > 2:\n    b = 1\n", "print(b)"],
     [(2, 1, 7, "b", "conditional")], UNCOMPARED),
    ("if-true-binds", ["if True:\n    b = 1\n", "print(b)"], [], None),
    ("if-false-never-binds", ["if False:\n    b = 1\n", "print(b)"],
     [(2, 1, 7, "b", "never-defined")], (2, "b", "NameError")),
    ("reads-in-dead-code-are-not-reported", ["if False:\n    print(undefined_dead)\n"],
     [], None),
    ("function-defined-under-an-unknown-condition",
     ["import random\nif random.random() > 2:\n    def f():\n        return 1\n", "f()"],
     [(2, 1, 1, "f", "conditional")], UNCOMPARED),
    ("short-circuit-operand-may-not-run", ["x = True or undefined_sc"],
     [(1, 1, 13, "undefined_sc", "never-defined")], None),
    ("assert-message-runs-only-on-failure", ["assert True, undefined_msg"],
     [(1, 1, 14, "undefined_msg", "never-defined")], None),
    ("code-after-a-break-never-runs",
     ["for i in range(2):\n    break\n    print(undefined_dead)\n"], [], None),
    ("code-after-return-in-a-function-is-still-read-for-names-nobody-binds",
     ["def f():\n    return 1\n    print(undefined_r)\n", "f()"],
     [(1, 3, 11, "undefined_r", "never-defined")], None),
    ("code-after-a-loop-that-may-return-may-not-run",
     ["def f():\n    for i in range(2):\n        if i == 0:\n            return 1\n"
      "    return undefined_r\n", "f()"],
     [(1, 5, 12, "undefined_r", "never-defined")], None),
    ("a-call-of-a-name-that-may-hold-another-function-may-not-run-it",
     ["g = lambda: 1\nimport random\nif random.random() > 2:\n    def g():\n"
      "        return undefined_g\n", "g()"],
     [(1, 5, 16, "undefined_g", "never-defined")], None),
    # --- loops -----------------------------------------------------------------------------
    ("for-over-a-non-empty-literal-binds", ["for k in [1, 2]:\n    pass\n", "print(k)"],
     [], None),
    ("for-over-range-binds", ["for i in range(3):\n    pass\n", "print(i)"], [], None),
    ("for-over-a-tuple-string-dict-set-binds",
     ["for a in (1,):\n    pass\nfor b in 'xy':\n    pass\nfor c in {'k': 1}:\n    pass\n"
      "for d in {1, 2}:\n    pass\n", "print(a, b, c, d)"], [], None),
    ("for-over-a-range-with-constant-non-empty-bounds-binds",
     ["for i in range(1, 3):\n    pass\nfor j in range(3, 0, -1):\n    pass\n", "print(i, j)"],
     [], None),
    ("for-over-a-name-bound-only-to-a-literal-binds",
     ["models = ['a', 'b']", "for m in models:\n    last = m\n", "print(last, m)"], [], None),
    ("for-over-enumerate-of-a-literal-name-binds",
     ["names = ('a', 'b')", "for i, n in enumerate(names):\n    pass\n", "print(i, n)"],
     [], None),
    ("a-function-looping-over-a-literal-global-binds",
     ["sizes = [1, 2]", "def f():\n    for s in sizes:\n        pass\n    return s\n", "f()"],
     [], None),
    ("a-continue-out-of-an-except-handler-still-unbinds-its-name",
     ["for k in [1, 2]:\n    try:\n        raise ValueError\n    except ValueError as err:\n"
      "        continue\n", "print(err)"],
     [(2, 1, 7, "err", "deleted")], (2, "err", "NameError")),
    ("for-over-an-unknown-iterable-is-only-information",
     ["import os\nfor k in os.listdir('.'):\n    pass\n", "print(k)"],
     [], UNCOMPARED),
    ("if-without-else-may-not-bind",
     ["import os\nif os.listdir('.'):\n    k = 1\n", "print(k)"],
     [(2, 1, 7, "k", "conditional")], UNCOMPARED),
    ("while-true-with-break-binds", ["while True:\n    w = 1\n    break\n", "print(w)"],
     [], None),
    ("while-true-break-before-binding", ["while True:\n    break\n", "print(w)"],
     [(2, 1, 7, "w", "never-defined")], (2, "w", "NameError")),
    ("loop-else-without-break-binds",
     ["for i in range(3):\n    pass\nelse:\n    done = True\n", "print(done)"], [], None),
    ("loop-else-skipped-by-break",
     ["for i in range(3):\n    if i == 1:\n        break\nelse:\n    done = True\n",
      "print(done)"],
     [(2, 1, 7, "done", "conditional")], UNCOMPARED),
    ("a-break-skips-the-loop-else",
     ["for i in range(2):\n    break\nelse:\n    print(undefined_else)\n"], [], None),
    # --- match -----------------------------------------------------------------------------
    ("match-every-case-binds",
     ["cmd = 'go'\nmatch cmd:\n    case 'stop':\n        res = 0\n    case other:\n"
      "        res = other\n", "print(res)"], [], None),
    ("match-capture-binds-only-in-its-case",
     ["cmd = 'go'\nmatch cmd:\n    case 'stop':\n        res = 0\n    case other:\n"
      "        res = other\n", "print(other)"],
     [(2, 1, 7, "other", "conditional")], UNCOMPARED),
    ("match-wildcard-case-binds",
     ["cmd = 'go'\nmatch cmd:\n    case 'stop':\n        res = 0\n    case _:\n        res = 1\n",
      "print(res)"], [], None),
    ("match-sequence-capture-or-wildcard",
     ["point = (1, 2)\nmatch point:\n    case (px, py):\n        pass\n    case _:\n"
      "        px = py = 0\n", "print(px + py)"], [], None),
    ("match-without-a-catch-all", ["cmd = 'go'\nmatch cmd:\n    case 'stop':\n        res = 0\n",
                                   "print(res)"],
     [(2, 1, 7, "res", "conditional")], UNCOMPARED),
    ("a-failed-guard-leaves-the-capture-bound",
     ["match 2:\n    case c if c > 5:\n        pass\n    case _:\n        print(c)\n"], [], None),
    # --- with, imports, unpacking --------------------------------------------------------------
    ("with-as-binds", ["with open(__import__('os').devnull) as fh:\n    pass\n", "print(fh)"],
     [], None),
    ("import-dotted-binds-the-top-package", ["import os.path", "print(os.sep)"], [], None),
    ("import-dotted-does-not-bind-the-submodule", ["import os.path", "print(path)"],
     [(2, 1, 7, "path", "never-defined")], (2, "path", "NameError")),
    ("import-as-binds-only-the-alias", ["import collections as c", "print(c)\nprint(collections)"],
     [(2, 2, 7, "collections", "never-defined")], (2, "collections", "NameError")),
    ("import-dotted-as-binds-only-the-alias",
     ["import xml.etree.ElementTree as ET", "print(ET, xml)"],
     [(2, 1, 11, "xml", "never-defined")], (2, "xml", "NameError")),
    ("from-import-as-suggests-the-alias", ["from math import pi as PI, tau", "print(PI, tau, pi)"],
     [(2, 1, 16, "pi", "typo")], (2, "pi", "NameError")),
    ("star-unpacking-binds", ["a, *b = [1, 2, 3]", "print(a, b)"], [], None),
    # --- evaluated when the def runs: defaults, decorators, annotations -----------------------
    ("default-argument-defined-later", ["def f(a=dflt):\n    return a\n", "dflt = 1"],
     [(1, 1, 9, "dflt", "defined-later")], (1, "dflt", "NameError")),
    ("decorator-defined-later", ["@deco\ndef f():\n    pass\n", "def deco(fn):\n    return fn\n"],
     [(1, 1, 2, "deco", "defined-later")], (1, "deco", "NameError")),
    ("lambda-default-is-evaluated-at-once", ["f = lambda a=undefined_d: a"],
     [(1, 1, 14, "undefined_d", "never-defined")], (1, "undefined_d", "NameError")),
    ("parameter-annotation-is-evaluated", ["def f(a: Undefined):\n    pass\n"],
     [(1, 1, 10, "Undefined", "never-defined")], (1, "Undefined", "NameError")),
    ("postponed-annotations-are-not-evaluated",
     ["from __future__ import annotations\ndef f(a: Undefined):\n    pass\n"], [], None),
    ("annotation-without-value-binds-nothing", ["x: int", "print(x)"],
     [(2, 1, 7, "x", "never-defined")], (2, "x", "NameError")),
    ("annotated-assignment-binds", ["x: int = 3", "print(x)"], [], None),
    ("module-annotation-is-evaluated", ["x: Undefined"],
     [(1, 1, 4, "Undefined", "never-defined")], (1, "Undefined", "NameError")),
    ("local-annotation-is-not-evaluated",
     ["def f():\n    x: Undefined = 1\n    return x\n", "f()"], [], None),
    # --- names nobody binds ----------------------------------------------------------------
    ("kernel-names-are-provided", ["print(In, Out, _, _i3, _5, display, get_ipython)"], [],
     UNCOMPARED),
    ("dunder-file-is-not-defined-in-a-notebook", ["print(__file__)"],
     [(1, 1, 7, "__file__", "never-defined")], (1, "__file__", "NameError")),
    ("typo", ["session_conf = 1", "print(session_conff)"],
     [(2, 1, 7, "session_conff", "typo")], (2, "session_conff", "NameError")),
    ("the-name-the-reading-line-binds-is-no-typo-suggestion", ["trainer = Trainer(1)"],
     [(1, 1, 11, "Trainer", "never-defined")], (1, "Trainer", "NameError")),
    ("never-defined", ["print(totally_unknown_thing)"],
     [(1, 1, 7, "totally_unknown_thing", "never-defined")],
     (1, "totally_unknown_thing", "NameError")),
    ("augmented-assignment-of-a-name-bound-nowhere", ["undefined_aug += 1"],
     [(1, 1, 1, "undefined_aug", "never-defined")], (1, "undefined_aug", "NameError")),
    ("augmented-assignment-before-the-defining-cell", ["count += 1", "count = 0"],
     [(1, 1, 1, "count", "defined-later")], (1, "count", "NameError")),
    ("name-in-an-f-string", ['print(f"{undefined_f}")'],
     [(1, 1, 10, "undefined_f", "never-defined")], (1, "undefined_f", "NameError")),
    # --- UnboundLocalError -------------------------------------------------------------------
    ("read-before-local-assignment",
     ["def f():\n    print(v)\n    v = 1\n", "f()"],
     [(1, 2, 11, "v", "unbound-local")], (2, "v", "UnboundLocalError")),
    ("unbound-local-in-a-function-never-called", ["def f():\n    print(v)\n    v = 1\n"],
     [(1, 2, 11, "v", "unbound-local")], None),
    ("augmented-assignment-to-a-global-name",
     ["x = 1", "def f():\n    x += 1\n", "f()"],
     [(2, 2, 5, "x", "unbound-local")], (3, "x", "UnboundLocalError")),
    ("a-generator-expression-reads-an-unbound-local-through-a-closure",
     ["def g():\n    r = sum(y for v in range(1))\n    y = 1\n", "g()"],
     [(1, 2, 13, "y", "unbound-local")], (2, "y", "NameError")),
    # --- what nbscope cannot see through -------------------------------------------------------
    ("a-star-import-below-may-bind-the-name",
     ["forward(10)", "from not_listable_turtle import *"],
     [(1, 1, 1, "forward", "defined-later")], (1, "forward", "NameError")),
    ("exec-may-bind-anything", ["exec('zz = 1')", "print(zz)"], [], None),
    ("globals-subscript-may-bind-anything", ["globals()['zz'] = 1", "print(zz)"], [], None),
    ("unparsable-cell-and-the-names-it-may-bind",
     ["def broken(:\n    pass\nqq = 1\n", "print(qq)"],
     [(1, 1, 12, None, "NS100")], (1, None, "SyntaxError")),
]

# Known limits: case id -> what nbscope gets wrong (kept as strict xfails).
FINDINGS_BUGS: dict[str, str] = {}
RUN_ALL_BUGS: dict[str, str] = {}


def _params(bugs: dict[str, str], compared_only: bool = False) -> list:
    params = []
    for case_id, cells, expected, run_all in CASES:
        if compared_only and run_all == UNCOMPARED:
            continue
        value = run_all if compared_only else expected
        marks = ([pytest.mark.xfail(strict=True, reason=bugs[case_id])]
                 if case_id in bugs else [])
        params.append(pytest.param(cells, value, id=case_id, marks=marks))
    return params


def test_the_table_has_unique_ids_and_enough_cases() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 60
    assert set(FINDINGS_BUGS) | set(RUN_ALL_BUGS) <= set(ids)


@pytest.mark.parametrize("cells, expected", _params(FINDINGS_BUGS))
def test_findings(cells: list[str], expected: list[tuple]) -> None:
    assert findings(*cells) == expected


# --- CPython as the oracle ---------------------------------------------------------------

_RUNNER = r"""
import io, json, re, sys
out = sys.stdout
sys.stdout = io.StringIO()
results = []
for cells in json.load(sys.stdin):
    ns = {"__name__": "__main__"}
    found = None
    for i, src in enumerate(cells, start=1):
        if src.startswith("md:"):
            continue
        try:
            exec(compile(src, f"<cell {i}>", "exec"), ns)
        except SyntaxError:
            found = [i, None, "SyntaxError"]
        except NameError as exc:
            name = exc.name
            if name is None:  # UnboundLocalError carries no .name before 3.12
                match = re.search(r"'(\w+)'", str(exc))
                name = match.group(1) if match else None
            found = [i, name, type(exc).__name__]
        except Exception as exc:
            found = [i, None, type(exc).__name__]
        if found:
            break
    results.append(found)
json.dump(results, out)
"""


def cpython_first_errors(notebooks: list[list[str]]) -> list[tuple | None]:
    """Run each notebook's cells in order in a fresh namespace, all in one subprocess.

    The result per notebook is ``(cell, name, error)`` for the first exception
    (a NameError's ``name``), or None when every cell ran.
    """
    done = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps(notebooks),
                          capture_output=True, text=True, timeout=120, check=True)
    return [None if r is None else tuple(r) for r in json.loads(done.stdout)]


def cpython_first_error(cells: list[str]) -> tuple | None:
    return cpython_first_errors([cells])[0]


@pytest.fixture(scope="module")
def cpython_results() -> dict[str, tuple | None]:
    compared = [(cid, cells) for cid, cells, _, run_all in CASES if run_all != UNCOMPARED]
    results = cpython_first_errors([cells for _, cells in compared])
    return {json.dumps(cells): result for (_, cells), result in zip(compared, results,
                                                                     strict=True)}


def test_the_oracle_reports_the_first_name_error() -> None:
    assert cpython_first_error(["x = 1", "print(y)", "print(z)"]) == (2, "y", "NameError")
    assert cpython_first_error(["def f():\n    print(v)\n    v = 1\n", "f()"]) == (
        2, "v", "UnboundLocalError")
    assert cpython_first_error(["x = 1"]) is None


@pytest.mark.parametrize("cells, run_all", _params(RUN_ALL_BUGS, compared_only=True))
def test_run_all_agrees_with_cpython(cells: list[str], run_all: tuple | None,
                                     cpython_results: dict[str, tuple | None]) -> None:
    assert cpython_results[json.dumps(cells)] == run_all
    found = first_failure(*cells)
    assert (None if found is None else (found.cell, found.name, found.error)) == run_all


# --- known limits of the scope model -----------------------------------------------------
# What CPython does here and nbscope does not see yet: kept as strict xfails, each
# with its reason, so that the day one is fixed the test says so.

KNOWN_LIMITS = [  # (id, cells, what CPython raises, why nbscope does not see it)
    ("call-through-a-method",
     ["class A:\n    def m(self):\n        return later\n", "A().m()", "later = 1"],
     (2, "later", "NameError"), "calls are followed into functions called by name, "
                                "not into methods"),
    ("call-of-a-returned-closure", ["def make():\n    return lambda: later\n", "make()()",
                                    "later = 1"],
     (2, "later", "NameError"), "a function returned by a call is not followed when the "
                                "result is called"),
    ("function-passed-as-a-value", ["def f(v):\n    return v + later\n", "list(map(f, [1]))",
                                    "later = 1"],
     (2, "later", "NameError"), "a function handed to another callable may run at any "
                                "time: not followed"),
    ("call-through-functools-partial",
     ["import functools\ndef f():\n    return later\n", "functools.partial(f)()",
      "later = 1"],
     (2, "later", "NameError"), "calls through wrappers are not followed"),
]


@pytest.mark.parametrize("cells, run_all", [pytest.param(c, r, id=i)
                                            for i, c, r, _ in KNOWN_LIMITS])
def test_known_limit_cases_fail_in_cpython(cells: list[str], run_all: tuple) -> None:
    assert cpython_first_error(cells) == run_all


@pytest.mark.parametrize("cells, run_all", [
    pytest.param(c, r, id=i, marks=pytest.mark.xfail(strict=True, reason=why))
    for i, c, r, why in KNOWN_LIMITS])
def test_known_limits(cells: list[str], run_all: tuple) -> None:
    found = first_failure(*cells)
    assert (None if found is None else (found.cell, found.name, found.error)) == run_all


# --- details the table does not show ------------------------------------------------------


@pytest.mark.parametrize("cells, name, line", [
    (["np.array([1])"], "np", "import numpy as np"),
    (["os.getcwd()"], "os", "import os"),
    (["import numpy", "np.zeros(1)"], "np", "import numpy as np"),
    (["import collections as c", "collections.Counter()"], "collections", "import collections"),
])
def test_missing_import_suggests_the_import_line(tmp_path, cells, name, line) -> None:
    report = check_notebook(make_notebook(*cells), Workspace(str(tmp_path)))
    [found] = report.findings
    assert (found.code, found.cause.value, found.name) == ("NS004", "missing-import", name)
    assert found.suggestion == line


def test_without_a_workspace_no_import_is_suggested() -> None:
    [found] = check_notebook(make_notebook("np.array([1])")).findings
    assert (found.code, found.suggestion) == ("NS008", None)


def test_typo_suggests_the_close_name() -> None:
    [found] = check_notebook(make_notebook("session_conf = 1", "print(session_conff)")).findings
    assert (found.code, found.suggestion) == ("NS003", "session_conf")


def test_unbound_local_has_its_own_code_and_error() -> None:
    [found] = check_notebook(make_notebook("def f():\n    print(v)\n    v = 1\n", "f()")).findings
    assert (found.code, found.cause.value) == ("NS013", "unbound-local")
    assert first_failure("def f():\n    print(v)\n    v = 1\n", "f()").error == (
        "UnboundLocalError")


def test_augmented_assignment_points_at_the_real_definition() -> None:
    [found] = check_notebook(make_notebook("count += 1", "count = 0")).findings
    assert [(r.role, r.cell, r.line) for r in found.related] == [("definition", 2, 1)]
    assert "cell 2" in found.message


def test_broad_except_softens_the_finding_to_a_warning() -> None:
    [found] = check_notebook(make_notebook(
        "try:\n    print(maybe_name)\nexcept Exception:\n    pass\n")).findings
    assert found.severity is Severity.WARNING


@pytest.mark.parametrize("cells", [
    ["exec('zz = 1')", "print(zz)"],
    ["globals()['zz'] = 1", "print(zz)"],
    ["from mystery_mod import *", "print(anything)"],
    ["get_ipython().push({'zz': 1})", "print(zz)"],
    ["globals().update(zz=1)", "print(zz)"],
    ["%store -r", "print(zz)"],
    ["%run not_a_script_here.py", "print(zz)"],
    ["%pylab inline", "plot(zz)"],
])
def test_opaque_constructs_leave_one_info_note(cells: list[str]) -> None:
    report = check_notebook(make_notebook(*cells))
    assert [(f.code, f.severity, f.cell) for f in report.findings] == [
        ("NS101", Severity.INFO, 1)]
    assert report.first_failure is None


def test_opaque_construct_does_not_hide_reads_before_it() -> None:
    found = findings("print(early)", "exec('early = 1')")
    assert [row[:4] for row in found] == [(1, 1, 7, "early")]


def test_syntax_error_cell_has_no_name_and_a_message() -> None:
    [found] = check_notebook(make_notebook("def broken(:\n    pass\n")).findings
    assert (found.code, found.name, found.cause) == ("NS100", None, None)
    assert found.message


def test_a_name_bound_only_in_a_loop_is_an_info_finding() -> None:
    """Loops over data nearly always run: say what happens if not, without a warning."""
    report = check_notebook(make_notebook(
        "import os\nfor k in os.listdir('.'):\n    pass\n", "print(k)"))
    [found] = report.findings
    assert (found.cause.value, found.severity.value, found.cell) == ("conditional", "info", 2)
    assert "loop runs zero times" in found.message


@pytest.mark.parametrize("cells", [
    ["models = ['a', 'b']", "for m in models:\n    last = m\n", "print(last, m)"],
    ["names = ('a', 'b')", "for i, n in enumerate(names):\n    pass\n", "print(i, n)"],
    ["for j in range(3, 0, -1):\n    pass\n", "print(j)"],
    ["prices = {'tea': 2.0}", "for item, price in prices.items():\n    pass\n",
     "print(item, price)"],
    ["for v in {'a': 1}.values():\n    pass\n", "print(v)"],
    # A function's own dict literal, iterated inside ``while True`` (a menu loop).
    ["def order():\n    menu = {'pizza': 15.0, 'salad': 4.99}\n    while True:\n"
     "        for item, price in menu.items():\n            print(item)\n"
     "        if input() == 'done':\n            break\n    return price\n", "order()"],
    ["def f():\n    names = ['a']\n    for n in enumerate(names):\n        pass\n"
     "    return n\n", "f()"],
])
def test_a_loop_that_surely_runs_leaves_no_note(cells: list[str]) -> None:
    assert check_notebook(make_notebook(*cells)).findings == ()


@pytest.mark.parametrize("cells", [
    ["import os\nfiles = ['a']\nfiles = os.listdir('.')", "for f in files:\n    last = f\n",
     "print(last)"],
    ["xs = [1]\nxs.clear()", "for x in xs:\n    last = x\n", "print(last)"],
    ["xs = [1]\ndel xs[:]", "for x in xs:\n    last = x\n", "print(last)"],
    ["xs = [1]\nxs[:] = []", "for x in xs:\n    last = x\n", "print(last)"],
    ["xs = []", "for x in xs:\n    last = x\n", "print(last)"],
    ["xs = [1]", "def f():\n    xs = []\n    for x in xs:\n        last = x\n    return last\n",
     "f()"],
    ["for i in range(0):\n    last = i\n", "print(last)"],
    ["xs = [1]", "def f():\n    global xs\n    xs = []\n", "f()", "for x in xs:\n    last = x\n",
     "print(last)"],
    ["for k in {}.keys():\n    last = k\n", "print(last)"],
    ["d = {'a': 1}\nd.popitem()", "for k in d.items():\n    last = k\n", "print(last)"],
    # A function's local literal that may be emptied, rebound, or shadowed by a parameter.
    ["def f():\n    xs = {'a': 1}\n    xs.pop('a')\n    for x in xs.keys():\n"
     "        last = x\n    return last\n", "f()"],
    ["def f():\n    xs = [1]\n    del xs[0]\n    for x in xs:\n        last = x\n"
     "    return last\n", "f()"],
    ["def f(flag):\n    xs = [1]\n    if flag:\n        xs = []\n    for x in xs:\n"
     "        last = x\n    return last\n", "f(1)"],
    ["def f():\n    xs = [1]\n    def g():\n        nonlocal xs\n        xs = []\n    g()\n"
     "    for x in xs:\n        last = x\n    return last\n", "f()"],
])
def test_a_loop_that_may_run_zero_times_is_an_info_note(cells: list[str]) -> None:
    """Each of these loops runs zero times in CPython (or may): never a silent bind."""
    notes = [f for f in check_notebook(make_notebook(*cells)).findings if f.name == "last"]
    assert [(f.cause.value, f.severity) for f in notes] == [("conditional", Severity.INFO)]
    assert "loop runs zero times" in notes[0].message


@pytest.mark.parametrize("cells, says", [
    (["from mystery_mod import *", "print(anything)"],
     "`from mystery_mod import *` binds names nbscope cannot list;"),
    (["exec('zz = 1')", "print(zz)"], "`exec(...)` can bind any name;"),
    (["globals()['zz'] = 1", "print(zz)"], "`globals()[...] = ...` can bind any name;"),
    (["%pylab inline", "plot(zz)"], "`%pylab` imports every name of `pylab`, which"),
    (["%run not_a_script_here.py", "print(zz)"], "`%run not_a_script_here.py`: nbscope cannot"),
])
def test_the_note_names_the_construct_as_written(cells: list[str], says: str) -> None:
    [note] = check_notebook(make_notebook(*cells)).findings
    assert note.message.startswith(says)


def test_a_star_import_below_is_named_as_written() -> None:
    [found] = check_notebook(make_notebook("forward(10)", "from .turtle_kit import *")).findings
    assert "and `from .turtle_kit import *` (cell 2, line 1) runs after this line" in found.message


def test_the_end_of_an_except_block_is_told_apart_from_a_del() -> None:
    handler = "try:\n    1/0\nexcept ZeroDivisionError as e:\n    pass\n"
    [unbound] = check_notebook(make_notebook(handler, "print(e)")).findings
    assert "Python deletes that name when the `except` block ends" in unbound.message
    [deleted] = check_notebook(make_notebook("e = 1\ndel e", "print(e)")).findings
    assert "`e` was deleted (cell 1, line 2) before this line" in deleted.message


@pytest.mark.parametrize("cell, message, span", [
    ("x = 1\nreturn x\n", "'return' outside function", (2, 1, 2, 7)),
    ("x = 1\nif x:\n    break\n", "'break' outside loop", (3, 5, 3, 10)),
    ("continue\n", "'continue' outside loop", (1, 1, 1, 9)),
    ("nonlocal x\n", "'nonlocal' declaration not allowed at module level", (1, 1, 1, 9)),
])
def test_a_misplaced_statement_is_a_syntax_error_at_its_keyword(
        cell: str, message: str, span: tuple) -> None:
    [found] = check_notebook(make_notebook(cell)).findings
    assert found.code == "NS100" and message in found.message
    assert (found.span.line, found.span.column, found.span.end_line,
            found.span.end_column) == span


@pytest.mark.parametrize("cells, expected", [
    (["from sympy import var\nvar('a b')", "print(a + b)"], []),
    (["import sympy as sp\nsp.var('a, b')", "print(a + b)"], []),
    (["import sympy as sp\nsp.var('a')", "print(a + b)"], [(2, 1, 11, "b", "never-defined")]),
])
def test_sympy_var_binds_the_names_it_is_given(cells: list[str], expected: list) -> None:
    assert findings(*cells) == expected


@pytest.mark.parametrize("cells, severity", [
    # Every iteration binds before the `if` may bind again: only zero iterations fail.
    (["import os\nfor k in os.listdir('.'):\n    last = None\n    if k:\n        last = k\n",
      "print(last)"], Severity.INFO),
    (["def f(n):\n    for row in range(n):\n        safe = False\n        if row > 1:\n"
      "            safe = True\n        if safe:\n            break\n    return safe\n", "f(3)"],
     Severity.INFO),
    # The `if` encloses the read too: where the read runs, only the loop decides.
    (["import os\nfor d in os.listdir('.'):\n    if d:\n        for k in os.listdir(d):\n"
      "            last = k\n        print(last)\n"], Severity.INFO),
    # The `if` decides, loop or not: a real warning.
    (["import os\nfor k in os.listdir('.'):\n    if k:\n        last = k\n", "print(last)"],
     Severity.WARNING),
    (["import os\nif os.sep == '/':\n    for k in os.listdir('.'):\n        last = k\n",
      "print(last)"], Severity.WARNING),
])
def test_only_loops_that_run_zero_times_make_a_loop_binding_an_info_note(
        cells: list[str], severity: Severity) -> None:
    [found] = [f for f in check_notebook(make_notebook(*cells)).findings if f.cause]
    assert (found.cause.value, found.severity) == ("conditional", severity)


@pytest.mark.parametrize("cells", [
    ["def f(a):\n    return later\n", "f(1, 2)", "later = 1"],
    ["def f(a):\n    return later\n", "f(b=1)", "later = 1"],
    ["def f(a, b):\n    return later\n", "f(1)", "later = 1"],
    ["def f(a, /):\n    return later\n", "f(a=1)", "later = 1"],
    ["def f(a, *, k):\n    return later\n", "f(1)", "later = 1"],
    ["def f(a):\n    return later\n", "f(1, a=2)", "later = 1"],
    ["f = lambda: later\n", "f(1)", "later = 1"],
])
def test_a_call_whose_arguments_cannot_match_does_not_run_the_body(cells: list[str]) -> None:
    """CPython raises TypeError at the call, before the body reads anything."""
    assert cpython_first_error(cells) == (2, None, "TypeError")
    report = check_notebook(make_notebook(*cells))
    assert (report.findings, report.first_failure) == ((), None)


@pytest.mark.parametrize("cells", [
    ["def f(a, b=1, *args, k=2, **kw):\n    return later\n", "f(1, 2, 3, k=1, z=4)",
     "later = 1"],
    ["def f(a):\n    return later\n", "xs = [1]\nf(*xs)", "later = 1"],
    ["def deco(fn):\n    return lambda *a: fn(1)\n", "@deco\ndef f(a):\n    return later\n",
     "f(1, 2)", "later = 1"],
])
def test_a_call_that_may_match_runs_the_body(cells: list[str]) -> None:
    found = cpython_first_error(cells)
    assert found is not None and found[1:] == ("later", "NameError")
    assert first_failure(*cells) is not None


@pytest.mark.parametrize("cells", [
    ["import torch\nloader = torch.utils.data.DataLoader([1, 2])",
     "for batch in loader:\n    xb = batch\n    break\n", "print(xb)"],
    ["from sklearn.model_selection import KFold\nkf = KFold(2)",
     "for train_idx, test_idx in kf.split([1, 2, 3, 4]):\n    pass\n", "print(train_idx)"],
    ["import tensorflow as tf\nds = tf.data.Dataset.range(3)",
     "for images in ds.take(1):\n    sample = images\n    if images is not None:\n"
     "        sample = images + 1\n", "print(sample)"],
    ["with open('data.txt') as fh:\n    for line in fh:\n        last = line\n", "print(last)"],
])
def test_loops_that_run_in_practice_stay_information(cells: list[str]) -> None:
    """A loader, a split, `take(1)`, a file's lines: the note says what happens if the loop
    does not run, at `info`, never as a warning."""
    notes = [f for f in check_notebook(make_notebook(*cells)).findings if f.cause]
    assert notes and {(f.cause.value, f.severity) for f in notes} == {
        ("conditional", Severity.INFO)}
