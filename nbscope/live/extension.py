"""The IPython front end: ``%load_ext nbscope`` hooks, the NameError handler, ``%nbscope``.

Loading adds exactly three things, and unloading takes exactly those back: a
``post_run_cell`` callback that records each run's count, cell id and source (the only
work a successful cell pays for), a custom exception handler for ``NameError`` (which
covers ``UnboundLocalError``) chained in front of any handler already installed (Colab's
for ``ImportError``, say), and the ``%nbscope`` magic. At a NameError the usual traceback
is shown first, exactly as IPython shows it, then the explanation; any failure inside
nbscope prints one line and never touches the traceback.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from ..loader import load_notebook, parse_notebook
from ..model import Notebook, NotebookReadError
from ..workspace import Workspace
from . import overlay, render
from .explain import Failure, KernelFacts, LiveExplanation, explain
from .history_db import earlier_inputs
from .locate import Located, find_notebook
from .report import build_report
from .session import RunError, SessionRecord

_ATTRIBUTE = "_nbscope_extension"
_RECORD = "_nbscope_record"  # the session record outlives an unload, for a later load
_QUOTED = re.compile(r"'([^']+)'")


class LiveExtension:
    """Everything the extension adds to one shell, and how to take it back."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.record: SessionRecord = getattr(shell, _RECORD, None) or SessionRecord()
        self.chosen: str | None = None
        self._previous: tuple[tuple[type[BaseException], ...], Any] = ((), None)
        self._handler_types: tuple[type[BaseException], ...] = ()

    # --- load and unload ------------------------------------------------------------

    def load(self) -> None:
        self.seed()
        self.shell.events.register("post_run_cell", self.after_cell)
        self._previous = (tuple(self.shell.custom_exceptions), self.shell.CustomTB)
        self._handler_types = (*self._previous[0], NameError)
        self.shell.set_custom_exc(self._handler_types, _handler_for(self))
        self.shell.register_magics(NbscopeMagics(self.shell, self))
        setattr(self.shell, _ATTRIBUTE, self)
        setattr(self.shell, _RECORD, self.record)

    def unload(self) -> None:
        shell = self.shell
        try:
            shell.events.unregister("post_run_cell", self.after_cell)
        except ValueError:
            pass
        if tuple(shell.custom_exceptions) == self._handler_types:
            # Still ours: give the slot back exactly as it was.
            shell.custom_exceptions = self._previous[0]
            shell.CustomTB = self._previous[1]
        shell.magics_manager.magics["line"].pop("nbscope", None)
        shell.magics_manager.registry.pop("NbscopeMagics", None)
        if getattr(shell, _ATTRIBUTE, None) is self:
            delattr(shell, _ATTRIBUTE)

    def seed(self) -> None:
        """Runs from before the extension was loaded: the inputs IPython stored, each under
        the count it gave the input (its ``_i<count>`` variables). A position in ``In`` is
        not a count: before IPython 9 a ``run_cell(..., store_history=True)`` nested in a
        cell runs under the count of the cell around it, yet takes a slot of ``In`` of its
        own, so the positions after it name counts that no run had."""
        namespace = getattr(self.shell, "user_ns", None) or {}
        inputs = [(int(key[2:]), value) for key, value in list(namespace.items())
                  if key.startswith("_i") and key[2:].isdigit() and isinstance(value, str)]
        self.record.seed(sorted(inputs))

    # --- the hot path ---------------------------------------------------------------

    def after_cell(self, result: Any) -> None:
        if not _stored(result):
            return
        info = result.info
        self.record.record_run(result.execution_count, info.cell_id, info.raw_cell)
        if result.error_in_exec is not None or result.error_before_exec is not None:
            self._note_error(result)

    def _note_error(self, result: Any) -> None:
        error = result.error_in_exec or result.error_before_exec
        count = result.execution_count
        line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else \
            self._cell_line(error, count)
        self.record.record_error(RunError(count, type(error).__name__, str(error), line))

    def _cell_line(self, error: BaseException, count: int) -> int | None:
        """The line of cell ``count`` the traceback passes through first."""
        names = getattr(getattr(self.shell, "compile", None), "_filename_map", {})
        tb = error.__traceback__
        while tb is not None:
            if names.get(tb.tb_frame.f_code.co_filename) == count:
                return tb.tb_lineno
            tb = tb.tb_next
        return None

    # --- at a NameError -------------------------------------------------------------

    def on_name_error(self, etype: type, value: BaseException, tb: Any,
                      tb_offset: int | None) -> None:
        previous_types, previous = self._previous
        if previous_types and issubclass(etype, previous_types):
            previous(etype, value, tb, tb_offset=tb_offset)
        else:
            self.shell.showtraceback((etype, value, tb), tb_offset=tb_offset,
                                     running_compiled_code=True)
        try:
            found = self.explain_error(value, tb)
            if found is not None:
                display({"text/plain": render.explanation_text(found),
                         "text/html": render.explanation_html(found)}, raw=True)
        except Exception as exc:  # never let nbscope hide or change the user's error
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
            print(f"nbscope could not explain this error ({reason}).", file=sys.stderr)

    def explain_error(self, value: BaseException, tb: Any) -> LiveExplanation | None:
        if not self._raised_in_a_cell(tb):
            return None  # raised inside a module's own code: not the notebook's doing
        name = getattr(value, "name", None)
        if not name:
            match = _QUOTED.search(str(value))
            name = match.group(1) if match else None
        result = getattr(self.shell.displayhook, "exec_result", None)
        if not name or result is None or not _stored(result):
            return None
        count, info = result.execution_count, result.info
        self.seed()
        self.record.record_run(count, info.cell_id, info.raw_cell)
        current = RunError(count, type(value).__name__, str(value), self._cell_line(value, count))
        located, document = self.notebook()
        live = overlay.build(document, self.record.runs(), self.record.errors, current)
        return explain(live, Failure(type(value).__name__, name, count),
                       self.kernel_facts(located))

    def _raised_in_a_cell(self, tb: Any) -> bool:
        names = getattr(getattr(self.shell, "compile", None), "_filename_map", None)
        if names is None:
            return True
        while tb.tb_next is not None:
            tb = tb.tb_next
        return tb.tb_frame.f_code.co_filename in names

    # --- what the kernel knows ------------------------------------------------------

    def notebook(self) -> tuple[Located | None, Notebook | None]:
        located = find_notebook(self.shell.user_ns, os.environ, os.getcwd(), self.chosen)
        if located is None:
            return None, None
        try:
            if located.document is not None:
                return located, parse_notebook(json.dumps(located.document), located.path)
            return located, load_notebook(located.path)
        except NotebookReadError:
            return None, None

    def kernel_facts(self, located: Located | None) -> KernelFacts:
        history = self.shell.history_manager
        hidden = getattr(self.shell, "user_ns_hidden", {})
        namespace = [key for key in self.shell.user_ns if key not in hidden]
        workspace = Workspace.for_notebook(located.path) if located else Workspace(os.getcwd())
        return KernelFacts(
            past_inputs=lambda: earlier_inputs(str(getattr(history, "hist_file", "")),
                                               int(getattr(history, "session_number", 0))),
            namespace=namespace, workspace=workspace)

    def show_report(self) -> None:
        located, document = self.notebook()
        live = overlay.build(document, self.record.runs(), self.record.errors)
        facts = self.kernel_facts(located)
        report = build_report(live, facts.namespace, facts.workspace)
        display({"text/plain": render.report_text(report),
                 "text/html": render.report_html(report)}, raw=True)


def _stored(result: Any) -> bool:
    """Whether a run is one of the session's numbered inputs, ``In [count]``. IPython 9
    gives every run an ``execution_count``, even one not stored in the history (it is the
    count the next stored run will have); IPython 8 gives such a run none."""
    info = result.info
    return (info is not None and info.store_history and not info.silent
            and result.execution_count is not None)


def _handler_for(extension: LiveExtension):
    """The function IPython calls for the exception types in the slot: a NameError is
    ours; anything else goes to the handler that was there before us."""
    def handler(shell: Any, etype: type, value: BaseException, tb: Any,
                tb_offset: int | None = None) -> None:
        if issubclass(etype, NameError):
            extension.on_name_error(etype, value, tb, tb_offset)
        else:
            extension._previous[1](etype, value, tb, tb_offset=tb_offset)
    return handler


@magics_class
class NbscopeMagics(Magics):
    """``%nbscope``: the report for the live notebook."""

    def __init__(self, shell: Any, extension: LiveExtension) -> None:
        super().__init__(shell)
        self.extension = extension

    @magic_arguments()
    @argument("--notebook", metavar="PATH",
              help="the notebook file this kernel runs, when nbscope cannot find it "
                   "(remembered for this session)")
    @line_magic
    def nbscope(self, line: str) -> None:
        """Show nbscope's report for this notebook: the findings of `nbscope check`, plus
        the cells not run in this kernel session, cells edited since they ran, names whose
        defining cell is gone, and where Restart & Run All would stop."""
        try:
            args = parse_argstring(self.nbscope, line)
        except Exception as exc:  # argparse's usage errors: one line, no traceback
            print(f"%nbscope: {exc}", file=sys.stderr)
            return
        if args.notebook:
            path = os.path.expanduser(args.notebook.strip("'\""))
            if not os.path.isfile(path):
                print(f"%nbscope: no such notebook file: {path}", file=sys.stderr)
                return
            self.extension.chosen = path
        self.extension.show_report()


def load_ipython_extension(shell: Any) -> None:
    if getattr(shell, _ATTRIBUTE, None) is not None:
        return  # already loaded in this shell
    LiveExtension(shell).load()


def unload_ipython_extension(shell: Any) -> None:
    extension = getattr(shell, _ATTRIBUTE, None)
    if extension is not None:
        extension.unload()
