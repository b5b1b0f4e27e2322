"""Verdicts with evidence: what the checker says about each step, never a bare bool."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

import symderiv
from symderiv.model import Derivation, Step


class Verdict(enum.Enum):
    """The verdicts of the CLI contract, strongest first."""

    PROVED = "proved"
    VERIFIED = "verified"
    NUMERIC = "numeric"
    DEFINITION = "definition"
    CONDITIONAL = "conditional"
    FALSE = "false"
    UNDETERMINED = "undetermined"
    UNPARSED = "unparsed"

    @property
    def accepts(self) -> bool:
        """True for the verdicts that say the step holds."""
        return self in (Verdict.PROVED, Verdict.VERIFIED, Verdict.NUMERIC)


@dataclass(frozen=True)
class Counterexample:
    """Concrete values at which the two sides differ.

    ``values`` maps readable names (``"n"``, ``"i"``, ``"x"``, ``"y"``) to readable values
    (ints, floats or tuples of them); ``text`` is the one-line account in the reader's terms,
    e.g. ``"n = 3, x = (0, ln 2, 0), y = e_2, i = 1: left 0.5, right 0.25"``.
    """

    values: tuple[tuple[str, object], ...]
    lhs_value: float | complex | None
    rhs_value: float | complex | None
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "values": {k: _jsonable(v) for k, v in self.values},
            "lhs_value": _jsonable(self.lhs_value),
            "rhs_value": _jsonable(self.rhs_value),
            "text": self.text,
        }


def _jsonable(v: object) -> object:
    if isinstance(v, complex):
        return v.real if v.imag == 0 else [v.real, v.imag]
    if isinstance(v, tuple):
        return [_jsonable(e) for e in v]
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step and the evidence for it.

    ``method`` names how it was reached (``"symbolic"``, ``"concrete-n"``, ``"sampling"``...);
    ``detail`` says how the step was read and what was computed; ``condition`` is the
    condition under which a ``conditional`` (or ``false``) step would hold; ``hints`` are
    one-edit fixes a reviewer would suggest; ``n_tried`` the concrete n of ``verified``;
    ``log_base`` the base of ``log`` under which a numeric claim holds (``"e"``, 10, 2), so that
    a document whose numbers and calculus use different bases can be told so.
    """

    verdict: Verdict
    method: str
    detail: str = ""
    counterexample: Counterexample | None = None
    condition: str | None = None
    n_tried: tuple[int, ...] = ()
    hints: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    log_base: int | str | None = None


@dataclass(frozen=True)
class StepReport:
    """A step together with its result."""

    step: Step
    result: StepResult


@dataclass(frozen=True)
class DerivationReport:
    """Every step of a derivation with its result, plus document-level findings."""

    derivation: Derivation
    steps: tuple[StepReport, ...]
    seed: int = 0
    warnings: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(r.result.verdict for r in self.steps)
        return {v.value: counts.get(v, 0) for v in Verdict}

    @property
    def has_false(self) -> bool:
        return any(r.result.verdict is Verdict.FALSE for r in self.steps)

    @property
    def has_unparsed(self) -> bool:
        return any(r.result.verdict is Verdict.UNPARSED for r in self.steps)

    @property
    def has_unsettled(self) -> bool:
        """A step that ``--strict`` fails on: conditional, undetermined or unparsed."""
        unsettled = (Verdict.CONDITIONAL, Verdict.UNDETERMINED, Verdict.UNPARSED)
        return any(r.result.verdict in unsettled for r in self.steps)

    def _repr_latex_(self) -> str:
        """LaTeX for Jupyter, by the writer's renderer (see ``symderiv._display``)."""
        return symderiv._display("latex", self)

    def _repr_html_(self) -> str:
        """HTML for Jupyter: each step's verdict, and the counterexample and hint of a false one."""
        return symderiv._display("html", self)
