"""Verdicts with evidence: what the checker says about each step, never a bare bool."""

from __future__ import annotations

import enum
import math
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


# --- numeric spot checks -------------------------------------------------------------------

#: Machine epsilon of the precisions ``symderiv spot`` evaluates in.
SPOT_EPS = {"float64": 2.0**-52, "float32": 2.0**-23}


def rel_floor(dtype: str) -> float:
    """The smallest reference size a spot check takes a relative error over: √eps of ``dtype``.

    NOTE: a float32 entry of 1e-7 carries no correct relative digit, so dividing by it (as a
    fixed 1e-8 floor did) reported "max rel err 69.8" for rows whose every entry was within
    tolerance.

    >>> f"{rel_floor('float64'):.1e}", f"{rel_floor('float32'):.1e}"
    ('1.5e-08', '3.5e-04')
    """
    return math.sqrt(SPOT_EPS[dtype])


@dataclass(frozen=True)
class SpotCheck:
    """One check: ``formula`` compared with ``reference`` over ``samples`` points.

    ``max_abs_err``/``max_rel_err`` are over every compared entry: relative to
    ``max(|reference|, rel_floor(dtype))``; for an agreement, to the other formula's largest
    entry (at least the floor); for the Taylor test, the remainder at the smallest step,
    absolute and relative to the linear term. ``tolerance`` is the absolute tolerance at unit
    scale: an entry passes when ``|err| ≤ tolerance · (1 + |reference|)`` (plus, for central
    differences, their own rounding bound). ``worst`` is the largest ``|err|`` over what its
    entry was allowed: the check is ok exactly when ``worst ≤ 1`` (and every value is finite).
    ``order`` is the smallest fitted Taylor order.
    """

    check: str
    samples: int
    max_abs_err: float
    max_rel_err: float
    ok: bool
    formula: str
    reference: str
    message: str
    tolerance: float | None = None
    order: float | None = None
    worst: float | None = None


@dataclass(frozen=True)
class SpotReport:
    """All checks of one ``symderiv spot`` run, with what is needed to reproduce it."""

    name: str
    n: int
    seed: int
    dtype: str
    samples: int
    checks: tuple[SpotCheck, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)
