"""Names that resolve without the notebook binding them: builtins and the kernel's own.

``In``, ``Out``, ``_``, ``_i3`` and friends are put in the user namespace by
IPython; ``display`` by ipykernel. Builtins are the running Python's.
"""

from __future__ import annotations

import builtins
import re

KERNEL_NAMES = frozenset({
    "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_oh", "_ih", "_dh",
    "get_ipython", "display", "exit", "quit", "__session__", "__builtin__",
    "__builtins__", "__name__", "__doc__", "__loader__", "__package__", "__spec__",
})
BUILTIN_NAMES = frozenset(dir(builtins))
_NUMBERED = re.compile(r"_i?\d+\Z")


class ProvidedNames:
    """Container of every name that is bound before the first cell runs."""

    __slots__ = ("extra",)

    def __init__(self, extra: frozenset[str] = frozenset()) -> None:
        self.extra = extra

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return (name in BUILTIN_NAMES or name in KERNEL_NAMES or name in self.extra
                or _NUMBERED.match(name) is not None)


PROVIDED = ProvidedNames()
