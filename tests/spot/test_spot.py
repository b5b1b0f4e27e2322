"""symderiv spot: every softmax-ce formula passes; planted wrong formulas fail, by name."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import sympy

from symderiv import spot
from symderiv import symbols as S
from symderiv.errors import UnknownDerivationError
from symderiv.spot import Claims, Formula, Targets
from symderiv.spot._cases import get, in_logits
from symderiv.writer import spot as spot_writer

i, j, p, y, n = S.i, S.j, S.p, S.y, S.n
delta = sympy.KroneckerDelta


@pytest.mark.parametrize(
    ("n_", "dtype"),
    [
        pytest.param(1, "float64", id="n1"),
        pytest.param(2, "float64", id="n2"),
        pytest.param(3, "float64", id="n3"),
        pytest.param(17, "float64", id="n17"),
        pytest.param(3, "float32", id="n3-float32"),
        pytest.param(60, "float32", id="n60-float32"),
    ],
)
def test_every_catalogued_formula_passes(n_: int, dtype: str) -> None:
    report = spot.run("softmax-ce", n=n_, samples=12, seed=7, dtype=dtype)
    failed = [c.message for c in report.checks if not c.ok]
    assert failed == []
    kinds = {c.check.split(":")[0] for c in report.checks}
    assert kinds == {"complex step", "richardson", "taylor", "finite", "agree"}


def test_large_n_uses_the_index_structure_not_a_table() -> None:
    report = spot.run("softmax-ce", n=400, samples=4, seed=0, dtype="float64")
    assert report.ok, [c.message for c in report.checks if not c.ok]


def _planted(*formulas: Formula) -> spot.Case:
    return dataclasses.replace(get("softmax-ce"), formulas=formulas)


PLUS_PP = Formula("∂p_i/∂x_j = p_i (δ_ij + p_j)", "softmax",
                  in_logits(p[i] * (delta(i, j) + p[j])), (i, j))
P_MINUS_Y_FREE = Formula("∂L/∂x_i = p_i − y_i  (on targets not summing to 1)", "loss",
                         in_logits(p[i] - y[i]), (i,), targets=Targets.FREE)
SWAPPED = Formula("∂p_i/∂x_j = p_j (δ_ij − p_i) − p_i + p_j", "softmax",
                  in_logits(p[j] * (delta(i, j) - p[i]) - p[i] + p[j]), (i, j))


@pytest.mark.parametrize(
    ("formula", "failing"),
    [
        pytest.param(PLUS_PP, {"complex step", "richardson", "taylor"}, id="jacobian-plus-pipj"),
        pytest.param(P_MINUS_Y_FREE, {"complex step", "richardson", "taylor"},
                     id="p-minus-y-on-unnormalised-targets"),
        pytest.param(SWAPPED, {"complex step", "richardson", "taylor"}, id="indices-swapped"),
    ],
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_planted_wrong_formula_fails_with_both_sides_named(formula, failing, dtype) -> None:
    report = spot.run_case(_planted(formula), n=4, samples=8, seed=3, dtype=dtype)
    assert not report.ok
    bad = {c.check.split(":")[0]: c for c in report.checks if not c.ok}
    assert set(bad) == failing
    for c in bad.values():
        assert formula.text in c.message
        assert ("reference" in c.message or "not the derivative of" in c.message)
        assert "seed 3" in c.message
    assert "O(h^1" in bad["taylor"].message  # a wrong derivative: first-order remainder
    assert bad["complex step"].message.startswith(f"formula {formula.text} disagrees with")


def test_p_minus_y_holds_on_normalised_targets() -> None:
    right = dataclasses.replace(P_MINUS_Y_FREE, text="p − y on Σy = 1", targets=Targets.NORMALISED)
    assert spot.run_case(_planted(right), n=4, samples=8, seed=3, dtype="float64").ok


def test_wrong_formula_against_another_form_is_reported() -> None:
    report = spot.run_case(
        _planted(get("softmax-ce").formulas[0], PLUS_PP), n=3, samples=4, seed=0, dtype="float64"
    )
    agree = next(c for c in report.checks if c.check == f"agree: {PLUS_PP.text}")
    assert not agree.ok
    assert agree.reference == f"lambdified {get('softmax-ce').formulas[0].text}"


def test_naive_overflow_is_reported_at_the_issue_point() -> None:
    report = spot.run("softmax-ce", n=3, samples=2, seed=0, dtype="float64")
    finite = [c for c in report.checks if c.check.startswith("finite: ∂L/∂x_i by the chain rule")]
    assert finite[0].ok
    assert "naive form (lambdified as written) overflows" in finite[0].message
    assert "x = (1000, 0, -1000)" in finite[0].message


def test_same_seed_same_report_other_seed_other_points() -> None:
    a = spot.run("softmax-ce", n=5, samples=6, seed=11, dtype="float64")
    b = spot.run("softmax-ce", n=5, samples=6, seed=11, dtype="float64")
    c = spot.run("softmax-ce", n=5, samples=6, seed=12, dtype="float64")
    assert spot_writer.to_json(a) == spot_writer.to_json(b)
    assert spot_writer.to_json(a) != spot_writer.to_json(c)


def test_json_has_the_contract_shape() -> None:
    data = spot_writer.to_json(spot.run("softmax-ce", n=3, samples=4, seed=5, dtype="float32"))
    json.dumps(data)
    assert (data["name"], data["n"], data["seed"], data["dtype"]) == ("softmax-ce", 3, 5, "float32")
    for check in data["checks"]:
        assert {"check", "samples", "max_abs_err", "max_rel_err", "ok"} <= set(check)
        assert isinstance(check["ok"], bool) and check["samples"] > 0


def test_render_is_a_table_with_a_verdict_line() -> None:
    text = spot_writer.render(spot.run_case(_planted(PLUS_PP), n=3, samples=4, seed=0, dtype="float64"))
    lines = text.splitlines()
    assert lines[0] == "spot softmax-ce: n = 3, 9 points (seed 0), float64"
    assert any(line.startswith("complex step: ∂p_i/∂x_j = p_i (δ_ij + p_j)") and
               line.endswith("FAIL") for line in lines)
    assert lines[-1].endswith("FAILED")


def test_float32_tolerances_are_looser_than_float64() -> None:
    t64 = spot.run("softmax-ce", n=3, samples=2, seed=0, dtype="float64").checks[0].tolerance
    t32 = spot.run("softmax-ce", n=3, samples=2, seed=0, dtype="float32").checks[0].tolerance
    assert t32 / t64 == pytest.approx(np.finfo(np.float32).eps / np.finfo(np.float64).eps)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param({"name": "softmax"}, UnknownDerivationError,
                     r"^no spot checks for 'softmax'; known: focal-loss, kl-softmax, label-smoothing-ce, log-softmax, "
                     r"sigmoid-bce, softmax-ce, softmax-temperature$", id="unknown-name"),
        pytest.param({"n": 0}, ValueError, r"^n must be a positive integer, got 0$", id="n-zero"),
        pytest.param({"n": 2.5}, ValueError, r"^n must be a positive integer, got 2.5$",
                     id="n-float"),
        pytest.param({"samples": 0}, ValueError, r"^samples must be a positive integer, got 0$",
                     id="no-samples"),
        pytest.param({"dtype": "float16"}, ValueError,
                     r"^dtype must be one of float64, float32, got 'float16'$", id="dtype"),
    ],
)
def test_bad_arguments_raise(kwargs, error, message) -> None:
    args = {"name": "softmax-ce", "n": 3, "samples": 2, "seed": 0, "dtype": "float64"} | kwargs
    name = args.pop("name")
    with pytest.raises(error, match=message):
        spot.run(name, **args)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_", [2, 3, 7])
def test_float32_has_no_false_alarms_across_seeds(n_: int, seed: int) -> None:
    report = spot.run("softmax-ce", n=n_, samples=48, seed=seed, dtype="float32")
    assert report.ok, [c.message for c in report.checks if not c.ok]


def test_soft_targets_sum_to_one_exactly_in_float32() -> None:
    from symderiv.spot._inputs import make_points

    pts = make_points(7, 30, 0, np.dtype("float32"))
    assert (pts.y_normalised.sum(axis=1) == 1).all()
    assert (pts.y_free.sum(axis=1) != 1).all()


def test_claims_and_targets_are_typed_and_their_strings_still_read() -> None:
    f = Formula("∂p_i/∂x_i", "softmax", in_logits(p[i]), (i,), claims="diagonal", targets="none")
    assert (f.claims, f.targets) == (Claims.DIAGONAL, Targets.NONE)
    assert f.claims is Claims.DIAGONAL and f.claims == "diagonal"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"claims": "diag"}, r"^claims must be one of \('all', 'diagonal', "
                     r"'off-diagonal'\), got 'diag'$", id="claims"),
        pytest.param({"targets": "one-hot"}, r"^targets must be one of \('none', 'normalised', "
                     r"'free'\), got 'one-hot'$", id="targets"),
    ],
)
def test_unknown_claims_or_targets_raise(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        Formula("f", "softmax", in_logits(p[i]), (i,), **kwargs)
