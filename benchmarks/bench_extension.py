"""What the live extension costs: per successful cell, and per explanation.

1. Per cell, in a real kernel (ipykernel through jupyter_client, each execute request
   carrying its cell id as JupyterLab sends it): rounds of trivial cells alternate without
   and with ``%load_ext nbscope``; the extra time per cell is the difference of the median
   round times. The front-end round trip is noisy on a shared machine, so the same is also
   measured inside the kernel (``run_cell`` on a trivial cell, no messaging) and for the
   recording callback alone.
2. Per explanation: a generated 200-cell notebook on disk, 149 of its cells run in an
   in-process shell with the extension, then a NameError in cell 150 explained (the real
   path: find and read the notebook, lay the session over it, the engine, the history
   database). First (cold) and median of later runs.

Usage: python benchmarks/bench_extension.py [--cells 3000] [--rounds 6]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

IN_KERNEL = """\
import statistics as _s, time as _t
_ip = get_ipython()
def _bench(n):
    start = _t.thread_time()  # this thread's CPU time: other processes do not count
    for i in range(n):
        _ip.run_cell("pass", store_history=True, cell_id=f"bench-{i}")
    return (_t.thread_time() - start) / n
def _loaded(n):
    _ip.run_line_magic("load_ext", "nbscope")
    try:
        return _bench(n)
    finally:
        _ip.run_line_magic("unload_ext", "nbscope")
def _paired(pairs, n):
    without, loaded = [], []
    for pair in range(pairs):  # ABBA: which side runs first alternates
        if pair % 2:
            loaded.append(_loaded(n))
            without.append(_bench(n))
        else:
            without.append(_bench(n))
            loaded.append(_loaded(n))
    extra = [b - a for a, b in zip(without, loaded)]
    return _s.median(without), _s.median(loaded), _s.median(extra)
"""


def kernel_overhead(cells: int, rounds: int) -> None:
    from jupyter_client.manager import KernelManager

    workdir = Path(tempfile.mkdtemp(prefix="nbscope-bench-"))
    notebook = workdir / "bench.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}))
    manager = KernelManager(kernel_name="python3")
    manager.kernel_spec.argv[0] = sys.executable
    env = {**os.environ, "JPY_SESSION_NAME": str(notebook),
           "IPYTHONDIR": str(workdir / "ipython"), "PYTHONPATH": str(REPO)}
    manager.start_kernel(env=env, cwd=str(workdir))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    try:
        # Load and unload once first, so that both sides run with nbscope's modules
        # imported (a bigger heap makes every later cell a little slower on its own).
        _execute(client, "%load_ext nbscope")
        _execute(client, "%unload_ext nbscope")
        per_round = max(1, cells // rounds)
        without, with_ext = [], []
        for _ in range(rounds):
            without.append(_timed_round(client, per_round))
            _execute(client, "%load_ext nbscope")
            with_ext.append(_timed_round(client, per_round))
            _execute(client, "%unload_ext nbscope")
        base, loaded = statistics.median(without), statistics.median(with_ext)
        print(f"kernel round trip, {per_round * rounds} trivial cells each way "
              f"({rounds} alternating rounds):")
        print(f"  without nbscope {base * 1e6:8.1f} us/cell, with nbscope "
              f"{loaded * 1e6:8.1f} us/cell, extra {(loaded - base) * 1e6:+.1f} us/cell "
              f"(round-to-round spread {_spread(without) * 1e6:.1f} us)")
        _execute(client, IN_KERNEL)
        pairs = 30
        block = max(1, cells // pairs)
        base, loaded, extra = ast.literal_eval(_value(client, f"_paired({pairs}, {block})"))
        print(f"inside the kernel, run_cell('pass') CPU time, {pairs} pairs of {block} cells "
              f"without/with: without {base * 1e6:.1f} us, with {loaded * 1e6:.1f} us, "
              f"median extra {extra * 1e6:+.1f} us/cell")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _timed_round(client, count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        _send(client, "pass", f"cell-{index}")
    return (time.perf_counter() - start) / count


def _send(client, code: str, cell_id: str | None = None) -> dict:
    content = {"code": code, "silent": False, "store_history": True,
               "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}
    message = client.session.msg("execute_request", content,
                                 metadata={"cellId": cell_id} if cell_id else {})
    client.shell_channel.send(message)
    while True:
        reply = client.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == message["header"]["msg_id"]:
            return reply


def _execute(client, code: str) -> None:
    reply = client.execute(code, reply=True, timeout=300)
    assert reply["content"]["status"] == "ok", reply["content"]


def _value(client, expression: str) -> str:
    """The repr of ``expression`` evaluated in the kernel."""
    reply = client.execute("", user_expressions={"value": expression}, reply=True, timeout=300)
    return reply["content"]["user_expressions"]["value"]["data"]["text/plain"]


def _spread(values: list[float]) -> float:
    return max(values) - min(values)


def callback_cost(repeat: int = 200_000) -> None:
    from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

    from nbscope.live.extension import LiveExtension

    class _Shell:  # the callback reads nothing from the shell on success
        pass

    extension = LiveExtension.__new__(LiveExtension)
    extension.__init__(_Shell())
    result = ExecutionResult(ExecutionInfo("pass", True, False, True, "cell-1"))
    result.execution_count = 1
    start = time.perf_counter()
    for _ in range(repeat):
        extension.after_cell(result)
    per_call = (time.perf_counter() - start) / repeat
    print(f"the recording callback alone (post_run_cell, successful cell): "
          f"{per_call * 1e6:.2f} us/cell")


def generated_notebook(cells: int = 200) -> list[str]:
    """Cells of a plausible analysis notebook that all run, except that cell 150 reads a
    name only cell 190 assigns."""
    sources = ["%load_ext nbscope", "import json\nimport math\nimport statistics\nvalue = 1.0"]
    for index in range(3, cells + 1):
        if index == 150:
            sources.append("summary = late_value + value\nprint(summary)")
        elif index == 190:
            sources.append("late_value = value * 2")
        elif index % 7 == 0:
            sources.append(f"def step_{index}(rows, factor=2):\n    out = []\n"
                           f"    for row in rows:\n        out.append(row * factor)\n"
                           f"    return statistics.mean(out) + value\n\n"
                           f"value = step_{index}([1, 2, 3])")
        elif index % 5 == 0:
            sources.append(f"# check\nrecord_{index} = {{'step': {index}, 'value': value}}\n"
                           f"print(json.dumps(record_{index}))")
        else:
            sources.append(f"value_{index} = math.sqrt(abs(value)) + {index}\n"
                           f"if value_{index} > 1e9:\n    value_{index} = 0\n"
                           f"value = value_{index}")
    return sources


def explanation_time(repeat: int = 15) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    workdir = Path(tempfile.mkdtemp(prefix="nbscope-bench-"))
    sources = generated_notebook()
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
              "outputs": [], "source": source} for i, source in enumerate(sources, start=1)]
    path = workdir / "generated.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {"language_info": {"name": "python"}},
                                "nbformat": 4, "nbformat_minor": 5}))
    os.environ["JPY_SESSION_NAME"] = str(path)
    os.environ["IPYTHONDIR"] = str(workdir / "ipython")  # a history database of its own
    shell = InteractiveShell.instance()
    shell.run_cell("%load_ext nbscope", store_history=True, cell_id="c1")
    quiet = open(os.devnull, "w")  # noqa: SIM115
    real_stdout, sys.stdout = sys.stdout, quiet
    try:
        for index, source in enumerate(sources[1:149], start=2):
            ran = shell.run_cell(source, store_history=True, cell_id=f"c{index}")
            assert ran.success, (index, source)
        extension = shell._nbscope_extension
        explain_error = extension.explain_error
        times: list[float] = []
        found = []

        def timed(value, tb):
            start = time.perf_counter()
            result = explain_error(value, tb)
            times.append(time.perf_counter() - start)
            found.append(result)
            return result

        extension.explain_error = timed
        for _ in range(repeat):
            shell.run_cell(sources[149], store_history=True, cell_id="c150")
    finally:
        sys.stdout = real_stdout
    assert found and found[-1] is not None and found[-1].name == "late_value", found[-1:]
    print(f"explanation of a NameError in cell 150 of a {len(sources)}-cell notebook: "
          f"first {times[0] * 1e3:.1f} ms, median of the next {len(times) - 1} "
          f"{statistics.median(times[1:]) * 1e3:.1f} ms (cause: {found[-1].cause})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=3000, help="trivial cells each way")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds")
    args = parser.parse_args()
    kernel_overhead(args.cells, args.rounds)
    callback_cost()
    explanation_time()


if __name__ == "__main__":
    main()
