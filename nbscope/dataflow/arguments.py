"""Whether a call's arguments can match a function's parameters, as CPython binds them.

A call that cannot match (too many positional arguments, a keyword the function
does not take, a required parameter left out) raises ``TypeError`` before the
function's body runs: the replay then does not run the body at that call.
Only what is certain from the text counts: a call that unpacks (``*xs``,
``**kw``) or a decorated function (whose parameters the decorator may change)
is taken to match.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Arguments:
    """What a call passes: how many positional arguments, and the keyword names."""

    positional: int
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Signature:
    """A function's parameters, as far as binding arguments to them goes."""

    positional: tuple[str, ...]  # positional-only first, then the ordinary ones
    positional_only: int
    required_positional: int  # the leading positional parameters without a default
    keyword_only: tuple[str, ...]
    required_keyword_only: frozenset[str]
    varargs: bool
    varkw: bool

    def rejects(self, arguments: Arguments) -> bool:
        """Whether binding ``arguments`` to these parameters raises TypeError."""
        given = arguments.positional
        if given > len(self.positional) and not self.varargs:
            return True
        by_keyword = self.positional[self.positional_only:] + self.keyword_only
        filled = set(self.positional[:given])
        for keyword in arguments.keywords:
            if keyword in filled:  # given twice (or positional-only given by keyword)
                return True
            if keyword not in by_keyword and not self.varkw:
                return True
            filled.add(keyword)
        missing_positional = any(name not in filled
                                 for name in self.positional[:self.required_positional])
        return missing_positional or not self.required_keyword_only <= filled


def signature_of(node: ast.arguments) -> Signature:
    positional = tuple(arg.arg for arg in [*node.posonlyargs, *node.args])
    keyword_only = tuple(arg.arg for arg in node.kwonlyargs)
    required_keyword_only = frozenset(
        arg.arg for arg, default in zip(node.kwonlyargs, node.kw_defaults, strict=True)
        if default is None)
    return Signature(positional, len(node.posonlyargs), len(positional) - len(node.defaults),
                     keyword_only, required_keyword_only, node.vararg is not None,
                     node.kwarg is not None)


def arguments_of(node: ast.Call) -> Arguments | None:
    """The call's arguments, or None when it unpacks some (their number is not known)."""
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        return None
    if any(keyword.arg is None for keyword in node.keywords):  # ``**kwargs``
        return None
    return Arguments(len(node.args), tuple(k.arg for k in node.keywords if k.arg))
