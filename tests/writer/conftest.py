"""Derivations built by hand from ``symderiv.symbols``, and reports of them, for the writer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sympy

from symderiv import symbols as s
from symderiv.model import Assumption, Derivation, Relation, Step
from symderiv.results import DerivationReport, StepReport, StepResult, Verdict

D = sympy.Derivative
KD = sympy.KroneckerDelta
SUM_X = sympy.Sum(sympy.exp(s.x[s.k]), (s.k, 1, s.n))
SOFTMAX_I = sympy.exp(s.x[s.i]) / SUM_X
CE = -sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n))
SUM_Y = sympy.Sum(s.y[s.j], (s.j, 1, s.n))


def hand_derivation() -> Derivation:
    """The seed's result, built by hand: definitions, the Jacobian in two forms, dL/dx_i."""
    jac = D(s.p[s.i], s.x[s.j])
    dl = D(s.L, s.x[s.i])
    eq = Assumption(sympy.Eq(s.i, s.j), "i = j", source="case")
    ne = Assumption(sympy.Ne(s.i, s.j), "i != j", source="case")
    chain = -sympy.Sum(s.y[s.j] / s.p[s.j] * D(s.p[s.j], s.x[s.i]), (s.j, 1, s.n))
    collected = s.p[s.i] * SUM_Y - s.y[s.i]
    steps = (
        Step(s.p[s.i], SOFTMAX_I, Relation.DEFINE, justification="softmax"),
        Step(s.L, CE, Relation.DEFINE, justification="cross-entropy"),
        Step(jac, s.p[s.i] * (KD(s.i, s.j) - s.p[s.j]), justification="quotient rule"),
        Step(jac, s.p[s.i] * (1 - s.p[s.i]), conditions=(eq,), justification="case i = j"),
        Step(jac, -s.p[s.i] * s.p[s.j], conditions=(ne,), justification="case i ≠ j"),
        Step(dl, chain, justification="chain rule"),
        Step(chain, collected, justification="split the sum at j = i"),
        Step(collected, s.p[s.i] - s.y[s.i], justification=r"use \sum_j y_j = 1"),
    )
    return Derivation(
        name="hand-softmax-ce",
        steps=steps,
        assumptions=(Assumption(sympy.Eq(SUM_Y, 1), "sum(y) = 1", source="builder"),),
    )


def report_of(d: Derivation, verdict: Verdict = Verdict.PROVED) -> DerivationReport:
    """A report that gives every step ``verdict`` (definitions get ``definition``)."""
    rows = tuple(
        StepReport(st, StepResult(Verdict.DEFINITION if st.is_definition else verdict, "test"))
        for st in d.steps
    )
    return DerivationReport(d, rows)


@pytest.fixture
def hand() -> Derivation:
    return hand_derivation()


@pytest.fixture
def hand_report() -> DerivationReport:
    return report_of(hand_derivation())


@pytest.fixture
def make_report() -> Callable[..., DerivationReport]:
    return report_of
