"""Derivations in a test suite: ``assert_derivation`` for pytest (or any runner).

>>> from symderiv.testing import assert_derivation
>>> report = assert_derivation("$$(a+b)^2 = a^2 + 2ab + b^2$$")
>>> report.summary["proved"]
1
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from symderiv import api
from symderiv.config import CheckConfig, ReadConfig

if TYPE_CHECKING:
    from symderiv.results import DerivationReport

__all__ = ["DerivationFailure", "assert_derivation", "failure_message"]

#: A string with one of these suffixes and no line break names a file, even a missing one.
DOCUMENT_SUFFIXES = (".md", ".markdown", ".tex", ".ipynb", ".txt")


class DerivationFailure(AssertionError):
    """A derivation with a false step (or, strictly, an unsettled one); the message lists them."""

    def __init__(self, message: str, report: DerivationReport) -> None:
        super().__init__(message)
        self.report = report


def _is_path(path_or_text: str | os.PathLike[str]) -> bool:
    if isinstance(path_or_text, os.PathLike):
        return True
    text = path_or_text
    if "\n" in text or "$" in text or "\\" in text:
        return False
    return text.lower().endswith(DOCUMENT_SUFFIXES) or Path(text).is_file()


def failure_message(report: DerivationReport, *, strict: bool = False) -> str:
    """Why a report fails: each false (strictly: unsettled) step with its position, the two
    sides, the counterexample and the hints; empty when nothing fails."""
    return api.render_failures(report, strict=strict)


def assert_derivation(
    path_or_text: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    assume: Sequence[str] = (),
    strict: bool = False,
    check_cfg: CheckConfig = CheckConfig(),
    read_cfg: ReadConfig = ReadConfig(),
) -> DerivationReport:
    """Check a document and fail, like a failed ``assert``, when a step does not hold.

    Args:
        path_or_text: a path (a ``Path``, or a string without a line break, ``$`` or ``\\``
            that ends in ``.md``, ``.markdown``, ``.tex``, ``.ipynb``, ``.txt`` or names a
            file) or the document's text.
        fmt: ``"md"``, ``"tex"`` or ``"ipynb"``; by default from the file's suffix, Markdown
            for text.
        assume: facts as ``--assume`` takes them, e.g. ``"sum(y) = 1"``.
        strict: fail on conditional, undetermined and unparsed steps too, and on a document
            with no step.
        check_cfg: the checker's options (``assume`` is added to its assumptions).
        read_cfg: the reader's options (``fmt`` wins over its ``fmt``).

    Returns:
        The report, for further assertions.

    Raises:
        DerivationFailure: an ``AssertionError`` listing every failing step: its
            ``file:line:col``, the two sides, the counterexample and the hints.
        OSError: the file cannot be read.
        SymderivError: the file is not text in a known encoding, or a broken notebook.

    >>> assert_derivation("$$(x+1)^2 = x^2 + 1$$", fmt="md")
    Traceback (most recent call last):
    ...
    symderiv.testing.DerivationFailure: <text>: 1 step false
    <text>:1:13: false  (x+1)^2 = x^2 + 1
        counterexample: x = 0.7: left 2.89, right 1.49
    """
    __tracebackhide__ = True
    from dataclasses import replace

    check_cfg = replace(check_cfg, assumptions=(*check_cfg.assumptions, *assume))
    if fmt is not None:
        read_cfg = replace(read_cfg, fmt=fmt)
    if _is_path(path_or_text):
        report = api.check_file(os.fspath(path_or_text), check_cfg=check_cfg, read_cfg=read_cfg)
    else:
        report = api.check_text(
            str(path_or_text),
            fmt=read_cfg.fmt or "md",
            source="<text>",
            check_cfg=check_cfg,
            read_cfg=read_cfg,
        )
    message = failure_message(report, strict=strict)
    if message:
        raise DerivationFailure(message, report)
    return report
