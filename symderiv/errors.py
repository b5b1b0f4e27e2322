"""Typed errors: failure to *run* is an exception, failure to *verify* is a verdict."""

from __future__ import annotations

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


class UnsupportedNotationError(ParseError):
    """Notation we recognise but do not read: ``permanent`` says it never will be."""

    def __init__(
        self, message: str, span: SourceSpan | None = None, *, permanent: bool = False
    ) -> None:
        self.permanent = permanent
        super().__init__(message, span)


class CheckTimeout(SymderivError):
    """A symbolic computation ran past its time budget."""


class UnknownDerivationError(SymderivError, LookupError):
    """A catalogue name that does not exist."""
