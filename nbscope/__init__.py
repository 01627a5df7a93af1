"""nbscope: find and explain NameErrors in Jupyter and Colab notebooks.

The public API is small: ``check_path`` gives a notebook file's report as
``nbscope check`` does; ``check_notebook`` analyses a ``Notebook`` (``load_notebook``
reads one from disk) or an ``nbformat.NotebookNode``, looking up its modules beside
it; findings are ``Finding`` records whose ``cause`` is one of ``Cause``.
``%load_ext nbscope`` in IPython or Jupyter loads the live extension (``nbscope.live``),
which explains a NameError the moment it happens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import check_notebook, check_path
    from .findings import Cause, Finding, NotebookReport, Severity
    from .loader import load_notebook

# The public names are imported on first use (PEP 562), so that the command line and
# `import nbscope` itself stay light: the analysis is loaded only when something runs it.
_LAZY = {"check_notebook": "api", "check_path": "api", "load_notebook": "loader",
         "Cause": "findings", "Finding": "findings", "NotebookReport": "findings",
         "Severity": "findings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Cause", "Finding", "NotebookReport", "Severity", "__version__", "check_notebook",
    "check_path",
    "load_ipython_extension", "load_notebook", "unload_ipython_extension",
]


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext nbscope``: imported here lazily, so ``import nbscope`` stays light."""
    from .live.extension import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    """``%unload_ext nbscope``: removes every hook and handler the extension added."""
    from .live.extension import unload_ipython_extension as unload

    unload(ipython)
