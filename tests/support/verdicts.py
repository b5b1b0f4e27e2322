"""The verdicts a small document gets, for the tables of reading rules."""

from __future__ import annotations

from symderiv.api import check_text
from symderiv.results import Verdict


def verdicts(text: str) -> list[Verdict]:
    """Every step's verdict, in document order."""
    return [r.result.verdict for r in check_text(text).steps]


def assert_last_step_not_accepted(text: str) -> None:
    """The document's last step is reported, and never proved, verified or numeric."""
    got = verdicts(text)
    assert got, "the step must be reported, not dropped"
    assert not any(v.accepts for v in got[-1:]), got
