"""A real ipykernel driven through jupyter_client, the way JupyterLab drives it.

The kernel runs this interpreter (the test venv's), in the notebook's folder, with
``JPY_SESSION_NAME`` set to the notebook's path and its own ``IPYTHONDIR`` (so its history
database is the test's). Each execute request carries the cell id in its metadata,
``{"cellId": ...}``, exactly as JupyterLab sends it.
"""

from __future__ import annotations

import json
import os
import queue
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

REPO = Path(__file__).resolve().parent.parent
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Outcome:
    """What the front end received for one execute request."""

    status: str = ""
    error: dict | None = None
    displays: list[dict] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    results: list[dict] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        """The text/plain of nbscope's explanation (empty when there is none)."""
        texts = [d["data"].get("text/plain", "") for d in self.displays]
        return "\n".join(t for t in texts if t.startswith("nbscope"))

    @property
    def traceback(self) -> str:
        return _ANSI.sub("", "\n".join(self.error["traceback"])) if self.error else ""


def write_notebook(path: Path, cells: list[tuple[str, str]],
                   counts: dict[str, int] | None = None) -> None:
    """Save a notebook of ``(cell id, source)`` code cells; ``counts`` are saved counts."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    for cell_id, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = cell_id
        cell.execution_count = (counts or {}).get(cell_id)
        notebook.cells.append(cell)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


class LiveKernel:
    """One kernel for one notebook file; ``run`` executes a cell as a front end would."""

    def __init__(self, notebook: Path, workdir: Path) -> None:
        specs = workdir / "kernels" / "nbscope-test"
        specs.mkdir(parents=True, exist_ok=True)
        (specs / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "nbscope test", "language": "python"}))
        manager = KernelSpecManager(kernel_dirs=[str(workdir / "kernels")])
        self.manager = KernelManager(kernel_name="nbscope-test",
                                     kernel_spec_manager=manager)
        ipython_dir = workdir / "ipython"
        ipython_dir.mkdir(exist_ok=True)
        self.env = {**os.environ, "JPY_SESSION_NAME": str(notebook),
                    "IPYTHONDIR": str(ipython_dir), "PYTHONPATH": str(REPO)}
        self.notebook = notebook
        self.manager.start_kernel(env=self.env, cwd=str(notebook.parent))
        self._connect()

    def _connect(self) -> None:
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def restart(self) -> None:
        self.client.stop_channels()
        self.manager.restart_kernel(now=False, env=self.env)
        self._connect()

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=False)

    def run(self, source: str, cell_id: str | None = None, timeout: float = 60) -> Outcome:
        content = {"code": source, "silent": False, "store_history": True,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}
        # What JupyterLab sends with every execute request.
        metadata = ({"deletedCells": [], "recordTiming": False, "cellId": cell_id}
                    if cell_id else {})
        message = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(message)
        msg_id = message["header"]["msg_id"]
        outcome = Outcome()
        while True:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                outcome.status = reply["content"]["status"]
                break
        self._collect(msg_id, outcome, timeout)
        return outcome

    def _collect(self, msg_id: str, outcome: Outcome, timeout: float) -> None:
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=timeout)
            except queue.Empty:  # pragma: no cover - a hung kernel
                raise AssertionError("no idle status from the kernel") from None
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "status" and content["execution_state"] == "idle":
                return
            if kind == "error":
                outcome.error = content
            elif kind == "display_data":
                outcome.displays.append(content)
            elif kind == "execute_result":
                outcome.results.append(content)
            elif kind == "stream":
                if content["name"] == "stdout":
                    outcome.stdout += content["text"]
                else:
                    outcome.stderr += content["text"]

    def run_notebook_cell(self, cell_id: str) -> Outcome:
        """Run the cell with ``cell_id`` as it is in the notebook file now."""
        notebook = json.loads(self.notebook.read_text(encoding="utf-8"))
        cell = next(c for c in notebook["cells"] if c.get("id") == cell_id)
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        return self.run(source, cell_id)
