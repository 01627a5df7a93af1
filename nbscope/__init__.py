"""nbscope: find and explain NameErrors in Jupyter and Colab notebooks.

The public API is small: ``check_notebook`` analyses a loaded ``Notebook``;
``load_notebook`` reads one from disk; findings are ``Finding`` records whose
``cause`` is one of ``Cause``. ``%load_ext nbscope`` in IPython or Jupyter loads the live
extension (``nbscope.live``), which explains a NameError the moment it happens.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analyze import check_notebook  # noqa: E402
from .findings import Cause, Finding, NotebookReport, Severity  # noqa: E402
from .loader import load_notebook  # noqa: E402

__all__ = [
    "Cause", "Finding", "NotebookReport", "Severity", "__version__", "check_notebook",
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
