"""The model is deeply immutable plain data; edits go through dataclasses.replace."""

from __future__ import annotations

import dataclasses

import pytest
import sympy

from symderiv import symbols
from symderiv.model import Assumption, Derivation, Relation, SourceSpan, Step
from symderiv.results import DerivationReport, StepReport, StepResult, Verdict

x, p, i = symbols.x, symbols.p, symbols.i


def _step() -> Step:
    return Step(p[i], sympy.exp(x[i]), relation=Relation.DEFINE, span=SourceSpan(3, 1))


def test_steps_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _step().lhs = x[i]  # type: ignore[misc]


def test_replace_makes_a_new_step_and_leaves_the_old_one() -> None:
    old = _step()
    new = dataclasses.replace(old, rhs=sympy.Integer(1))
    assert old.rhs == sympy.exp(x[i]) and new.rhs == 1 and new.lhs == old.lhs


def test_equal_models_are_equal_and_hashable() -> None:
    a = Derivation("d", (_step(),), (Assumption(sympy.Eq(i, symbols.j), "i = j"),))
    b = Derivation("d", (_step(),), (Assumption(sympy.Eq(i, symbols.j), "i = j"),))
    assert a == b and hash(a) == hash(b)


def test_definitions_are_the_define_steps_in_order() -> None:
    eq = Step(p[i], p[i])
    d = Derivation("d", (_step(), eq, _step()))
    assert d.definitions == (_step(), _step())


def test_canonical_symbols_are_shared() -> None:
    assert symbols.index("i") == symbols.i
    assert symbols.count("n") == symbols.n
    assert symbols.vector("x")[symbols.index("j")] == x[symbols.j]


@pytest.mark.parametrize(
    ("verdicts", "has_false", "has_unparsed"),
    [
        pytest.param((Verdict.PROVED, Verdict.DEFINITION), False, False, id="clean"),
        pytest.param((Verdict.PROVED, Verdict.FALSE), True, False, id="false"),
        pytest.param((Verdict.UNPARSED,), False, True, id="unparsed"),
    ],
)
def test_report_summary_counts_every_verdict(
    verdicts: tuple[Verdict, ...], has_false: bool, has_unparsed: bool
) -> None:
    reps = tuple(StepReport(_step(), StepResult(v, "test")) for v in verdicts)
    report = DerivationReport(Derivation("d", ()), reps)
    assert sum(report.summary.values()) == len(verdicts)
    assert set(report.summary) == {v.value for v in Verdict}
    assert (report.has_false, report.has_unparsed) == (has_false, has_unparsed)
