"""Typed errors: failure to *run* is an exception, failure to *verify* is a verdict."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symderiv.model import SourceSpan


class SymderivError(Exception):
    """Base class of every error symderiv raises on purpose."""


class ParseError(SymderivError):
    """A formula could not be read; carries where in the source it went wrong."""

    def __init__(self, message: str, span: SourceSpan | None = None) -> None:
        self.message = message
        self.span = span
        where = f" at line {span.line}, column {span.column}" if span is not None else ""
        super().__init__(f"{message}{where}")


class UnclosedBracketError(ParseError):
    """A bracket the formula opens and never closes; ``opened_at`` is its offset in the source."""

    def __init__(self, message: str, span: SourceSpan | None = None, *, opened_at: int) -> None:
        self.opened_at = opened_at
        super().__init__(message, span)


class UnsupportedNotationError(ParseError):
    """Notation we recognise but do not read: ``permanent`` says it never will be."""

    def __init__(
        self, message: str, span: SourceSpan | None = None, *, permanent: bool = False
    ) -> None:
        self.permanent = permanent
        super().__init__(message, span)


class UnknownCommandError(UnsupportedNotationError):
    """A control word the reader does not know (``\\foo``): the one refusal the latex2sympy2
    fallback may read instead."""


class UnstatedLayoutError(UnsupportedNotationError):
    """``\\partial \\mathbf s / \\partial \\mathbf z`` of a vector that is not element-wise: which
    layout (``\\partial s_i / \\partial z_j`` or its transpose) the document means is not stated."""


class SymPyRefusal(SymderivError):
    """SymPy refused an operation on these arguments: a ``TypeError`` or ``AttributeError``
    raised in SymPy's own code (a matrix added to a scalar, ...), see :func:`sympy_refusals`."""


@contextlib.contextmanager
def sympy_refusals() -> Iterator[None]:
    """Within the block, SymPy's own ``TypeError``/``AttributeError`` become :class:`SymPyRefusal`.

    SymPy says "not for these arguments" with Python's ``TypeError`` (``Mix of Matrix and
    Scalar symbols``); a caller can name that as a typed error. The same error raised in
    symderiv's own code is a bug, and propagates as it is, so that tests see it.

    >>> import sympy
    >>> with sympy_refusals():
    ...     sympy.MatrixSymbol("X", 2, 2) + 1
    Traceback (most recent call last):
    ...
    symderiv.errors.SymPyRefusal: Mix of Matrix and Scalar symbols
    >>> with sympy_refusals():
    ...     None + 1
    Traceback (most recent call last):
    ...
    TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'
    """
    try:
        yield
    except (TypeError, AttributeError) as err:
        if _raised_in_sympy(err):
            raise SymPyRefusal(str(err)) from err
        raise


def _raised_in_sympy(err: BaseException) -> bool:
    """True when the innermost frame of ``err``'s traceback is in SymPy (or mpmath)."""
    tb = err.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module.split(".")[0] in ("sympy", "mpmath")


class CheckTimeout(SymderivError):
    """A symbolic computation ran past its time budget."""


class UnknownDerivationError(SymderivError, LookupError):
    """A catalogue name that does not exist."""
