"""Shared fixtures: a writer of small documents into a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def write_doc(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` to ``tmp_path / name`` and return the path."""

    def write(text: str | bytes, name: str = "notes.md") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def seed_path() -> Path:
    """The note the project grew from (a copy lives in examples/)."""
    return REPO / "examples" / "seed_softmax_ce_ko.md"
