"""check(): definitions, unread steps, numeric claims, conditions, hints; the seed note."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from symderiv import api
from symderiv.checker import check, check_equal
from symderiv.config import CheckConfig
from symderiv.model import Assumption, Derivation, Relation, SourceSpan, Step
from symderiv.results import Verdict
from tests.support.notation import FAST, L, S, i, j, n, p, x, y

ROOT = Path(__file__).resolve().parents[2]


def _define(lhs, rhs):
    return Step(lhs, rhs, Relation.DEFINE)


def test_definitions_are_recorded_and_used():
    d = Derivation(
        "t",
        (_define(p[i], sympy.exp(x[i]) / S), Step(sympy.Sum(p[j], (j, 1, n)), sympy.Integer(1))),
    )
    verdicts = [r.result.verdict for r in check(d, FAST).steps]
    assert verdicts == [Verdict.DEFINITION, Verdict.PROVED]


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        pytest.param(
            sympy.exp(x[i]) / sympy.Sum(sympy.exp(x[j]), (j, 1, n)),
            Verdict.PROVED,
            id="same-up-to-bound-name",
        ),
        pytest.param(
            sympy.exp(x[i]) / sympy.Sum(sympy.exp(2 * x[j]), (j, 1, n)),
            Verdict.DEFINITION,
            id="different-is-a-new-meaning",
        ),
    ],
)
def test_a_redefinition_is_checked_against_the_first(value, verdict):
    d = Derivation("t", (_define(p[i], sympy.exp(x[i]) / S), _define(p[i], value)))
    result = check(d, FAST).steps[1].result
    assert result.verdict is verdict
    # a new meaning is reported, not silently taken
    assert any("redefines p[i]" in w for w in result.warnings) is (verdict is Verdict.DEFINITION)


def test_unread_step_is_unparsed_with_reason_and_position():
    span = SourceSpan(12, 3)
    d = Derivation("t", (Step(None, x[i], problem="unbalanced braces", problem_span=span),))
    r = check(d, FAST).steps[0].result
    assert r.verdict is Verdict.UNPARSED
    assert r.detail == "unbalanced braces at 12:3"


def test_stated_condition_is_used_and_can_fail():
    J = sympy.Derivative(p[i], x[j])
    ne = Assumption(sympy.Ne(i, j), "i \\neq j", source="case")
    d = Derivation(
        "t",
        (
            _define(p[i], sympy.exp(x[i]) / S),
            Step(J, -p[i] * p[j], conditions=(ne,)),
            Step(J, p[i] * (1 - p[i]), conditions=(ne,)),
        ),
    )
    res = [r.result for r in check(d, FAST).steps]
    assert res[1].verdict is Verdict.PROVED
    assert res[2].verdict is Verdict.FALSE and res[2].counterexample is not None


def test_false_step_gets_a_one_edit_hint():
    J = sympy.Derivative(p[i], x[j])
    d = Derivation(
        "t",
        (_define(p[i], sympy.exp(x[i]) / S), Step(J, -p[i] * (sympy.KroneckerDelta(i, j) - p[j]))),
    )
    r = check(d, FAST).steps[1].result
    assert r.verdict is Verdict.FALSE
    assert any("sign" in h for h in r.hints), r.hints


def test_the_fix_search_judges_with_the_users_options(monkeypatch: pytest.MonkeyPatch):
    from symderiv.checker import _fixsearch, _hints

    seen: list[CheckConfig] = []
    real_equal, real_oracle = _hints.equal, _hints.left_side_oracle

    def equal(*args, cfg, **kwargs):
        seen.append(cfg)
        return real_equal(*args, cfg=cfg, **kwargs)

    def oracle(*args, cfg, **kwargs):
        seen.append(cfg)
        return real_oracle(*args, cfg=cfg, **kwargs)

    monkeypatch.setattr(_hints, "equal", equal)
    monkeypatch.setattr(_hints, "left_side_oracle", oracle)
    assert _fixsearch.left_side_oracle is real_oracle
    J = sympy.Derivative(p[i], x[j])
    d = Derivation(
        "t",
        (_define(p[i], sympy.exp(x[i]) / S), Step(J, -p[i] * (sympy.KroneckerDelta(i, j) - p[j]))),
    )
    cfg = CheckConfig(concrete_n=(1, 2), samples=6, seed=11, rtol=1e-8, step_timeout_s=2.0)
    assert check(d, cfg).steps[1].result.verdict is Verdict.FALSE
    assert seen and all(c.seed == 11 and c.rtol == 1e-8 for c in seen)


def test_timeout_falls_back_instead_of_crashing():
    cfg = CheckConfig(concrete_n=(1, 2), samples=6, step_timeout_s=1e-4)
    r = check_equal(
        sympy.Derivative(L, x[i]),
        p[i] - y[i],
        definitions=(
            (p[i], sympy.exp(x[i]) / S),
            (L, -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n))),
        ),
        cfg=cfg,
    )
    # every method ran out of time: the step is reported, not proved, and says why (where the
    # time runs out, in preparing the step or in a method, depends on the machine's speed)
    assert r.verdict is Verdict.UNDETERMINED
    assert "gave up" in r.detail


@pytest.mark.parametrize(
    ("n_value", "error"),
    [
        pytest.param(sympy.Integer(0), ValueError, id="zero"),
        pytest.param(sympy.Integer(-2), ValueError, id="negative"),
        pytest.param(sympy.Rational(3, 2), ValueError, id="non-integer"),
    ],
)
def test_bad_n_is_a_clear_error(n_value, error):
    with pytest.raises(error, match=r"^n must be a class-count symbol or a positive integer, got "):
        check_equal(x[i], x[i], n=n_value)


def test_bad_side_is_a_type_error():
    with pytest.raises(TypeError, match=r"^lhs must be a SymPy expression or a number, got str$"):
        check_equal("x_i", x[i])


def test_catalogue_documents():
    good = api.check_file(ROOT / "derivations" / "softmax_ce.md", check_cfg=FAST)
    wrong = api.check_file(ROOT / "derivations" / "softmax_ce.wrong.md", check_cfg=FAST)
    assert not good.has_false and not good.has_unparsed
    assert wrong.has_false
    assert all(
        r.result.counterexample is not None
        for r in wrong.steps
        if r.result.verdict is Verdict.FALSE
    )


def test_the_seed_note():
    report = api.check_file(ROOT / "examples" / "seed_softmax_ce_ko.md", check_cfg=FAST)
    by_rhs = {}
    for r in report.steps:
        by_rhs.setdefault(sympy.sstr(r.step.rhs), []).append(r.result)
    last = report.steps[-1].result
    assert last.verdict is Verdict.CONDITIONAL and last.condition == "holds given \\sum_j y_j = 1"
    claims = [r.result for r in report.steps if r.result.method == "numeric-claim"]
    assert claims and all(c.verdict is Verdict.FALSE for c in claims)
    assert all(any("log base 10" in h for h in c.hints) for c in claims)
    assert all(c.log_base == 10 for c in claims)
    (finding,) = [w for w in report.warnings if "mixes log bases" in w]
    assert "log base 10" in finding and "natural log" in finding


@pytest.mark.parametrize(
    ("directive", "mixed"),
    [
        pytest.param("", True, id="natural-log-calculus-base-10-numbers"),
        pytest.param("<!-- symderiv: assume log = log10 -->\n", False, id="stated-base-10"),
    ],
)
def test_mixed_log_bases_is_a_document_finding(directive: str, mixed: bool) -> None:
    text = directive + (
        "$$\\frac{\\partial \\log p_j}{\\partial x_i} = \\frac{1}{p_j}\\frac{\\partial p_j}{\\partial x_i}$$\n\n"
        "$$-\\log(0.7) = 0.155$$\n"
    )
    report = api.check_text(text, check_cfg=FAST)
    found = any("mixes log bases" in w for w in report.warnings)
    assert found is mixed


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        pytest.param(
            r"\frac{\partial \log p_j}{\partial x_i} = \frac{1}{p_j}\frac{\partial p_j}{\partial x_i}",
            Verdict.PROVED,
            id="chain-rule-through-log",
        ),
        pytest.param(
            r"\frac{\partial}{\partial x_i} p_j^2 = 2 p_j \frac{\partial p_j}{\partial x_i}",
            Verdict.PROVED,
            id="chain-rule-through-square",
        ),
        pytest.param(
            r"\frac{\partial \log p_j}{\partial x_i} = \frac{2}{p_j}\frac{\partial p_j}{\partial x_i}",
            Verdict.FALSE,
            id="chain-rule-wrong-factor",
        ),
    ],
)
def test_chain_rule_through_an_undefined_entry(step: str, verdict: Verdict) -> None:
    report = api.check_text(f"$${step}$$\n", check_cfg=FAST)
    (only,) = report.steps
    assert only.result.verdict is verdict
