"""A pytest plugin: ``pytest --symderiv docs/`` checks every document there, one test per file.

Registered through the ``pytest11`` entry point, so it is loaded by every pytest run in an
environment where symderiv is installed; it therefore imports nothing of symderiv until a
document is collected, and collects nothing without ``--symderiv``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

#: The documents a run collects (as ``symderiv check`` finds them in a directory).
SUFFIXES = (".md", ".markdown", ".tex", ".ipynb")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symderiv", "check derivations in documents")
    group.addoption(
        "--symderiv",
        action="store_true",
        default=False,
        help="collect Markdown, LaTeX and notebook files as tests of their derivations",
    )
    group.addoption(
        "--symderiv-strict",
        action="store_true",
        default=False,
        help="fail on conditional, undetermined and unparsed steps too",
    )
    group.addoption(
        "--symderiv-assume",
        action="append",
        default=[],
        metavar="FACT",
        help="an assumption for every document, e.g. 'sum(y) = 1' (repeatable)",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    # NOTE: pytest's default norecursedirs ('.*', 'venv', ...) already keeps .git, .venv and
    # .ipynb_checkpoints out, as `symderiv check DIR` leaves out hidden directories.
    if not parent.config.getoption("symderiv") or file_path.suffix.lower() not in SUFFIXES:
        return None
    return DocumentFile.from_parent(parent, path=file_path)


class DocumentFile(pytest.File):
    """A document: one test item, its derivation."""

    def collect(self) -> Iterator[pytest.Item]:
        yield DerivationItem.from_parent(self, name="derivation")


class DerivationFailed(Exception):
    """Raised by a failing item; its message is ``assert_derivation``'s."""


class DerivationItem(pytest.Item):
    """The check of one document's derivation; fails when a step is false (or strictly unsettled)."""

    def runtest(self) -> None:
        from symderiv.testing import DerivationFailure, assert_derivation

        config = self.config
        try:
            assert_derivation(
                self.path,
                assume=tuple(config.getoption("symderiv_assume")),
                strict=bool(config.getoption("symderiv_strict")),
            )
        except DerivationFailure as e:
            raise DerivationFailed(str(e)) from None

    def repr_failure(
        self, excinfo: ExceptionInfo[BaseException], style: str | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, DerivationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"symderiv: {self.path.name}"
