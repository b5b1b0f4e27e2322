"""symderiv spot on the entries built by the derivation strategy; planted wrong formulas fail."""

from __future__ import annotations

import dataclasses

import pytest
import sympy

from symderiv import spot
from symderiv import symbols as s
from symderiv.spot import Formula, Targets
from symderiv.spot._cases import EPSILON_VALUE, T_VALUE, get

NEW = (
    "softmax-temperature", "log-softmax", "label-smoothing-ce", "kl-softmax", "sigmoid-bce",
    "focal-loss",
)
i, j, k, n, x, y = s.i, s.j, s.k, s.n, s.x, s.y


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", NEW)
def test_every_formula_of_the_entry_passes(name: str, dtype: str) -> None:
    report = spot.run(name, n=6, samples=10, seed=5, dtype=dtype)
    assert report.ok, [c.message for c in report.checks if not c.ok]


# (entry, how many formulas the built derivation's chains give): every result without a
# derivative in it, except the constant 0 off the sigmoid's diagonal and its unsimplified
# quotient-rule form (exp(-x) overflows at x = -1000 and no stable rule knows the sigmoid).
COUNTS = [
    pytest.param("softmax-temperature", 8, id="softmax-temperature"),
    pytest.param("log-softmax", 6, id="log-softmax"),
    pytest.param("label-smoothing-ce", 7, id="label-smoothing-ce"),
    pytest.param("kl-softmax", 5, id="kl-softmax"),
    pytest.param("sigmoid-bce", 5, id="sigmoid-bce"),
    pytest.param("focal-loss", 3, id="focal-loss"),
]


@pytest.mark.parametrize(("name", "count"), COUNTS)
def test_the_formulas_are_the_derivations_results(name: str, count: int) -> None:
    formulas = get(name).formulas
    assert len(formulas) == count
    assert all(f.text.startswith(("step ", "y_i = 1: ")) for f in formulas)


def _softmax_t(e: sympy.Expr) -> sympy.Expr:
    return sympy.exp(x[e] / T_VALUE) / sympy.Sum(sympy.exp(x[k] / T_VALUE), (k, 1, n))


def _soft(e: sympy.Expr) -> sympy.Expr:
    return sympy.exp(x[e]) / sympy.Sum(sympy.exp(x[k]), (k, 1, n))


# Planted wrong formulas, each the slip people make: the temperature's 1/T forgotten, the
# smoothing mass eps/n with the wrong sign, sigma' written sigma (1 + sigma).
PLANTED = [
    pytest.param(
        "softmax-temperature",
        Formula("∂L/∂x_i = p_i − y_i (1/T forgotten)", "loss", _softmax_t(i) - y[i], (i,),
                targets=Targets.NORMALISED),
        id="temperature-without-1-over-T",
    ),
    pytest.param(
        "label-smoothing-ce",
        Formula("∂L/∂x_i = p_i − (1 − ε) y_i + ε/n", "loss",
                _soft(i) - (1 - EPSILON_VALUE) * y[i] + EPSILON_VALUE / n, (i,),
                targets=Targets.NORMALISED),
        id="smoothing-sign",
    ),
    pytest.param(
        "sigmoid-bce",
        Formula("∂σ(x_i)/∂x_j = δ_ij σ (1 + σ)", "sigmoid",
                sympy.KroneckerDelta(i, j) * (1 + sympy.tanh(x[i] / 2)) / 2
                * (1 + (1 + sympy.tanh(x[i] / 2)) / 2), (i, j)),
        id="sigmoid-plus",
    ),
]


@pytest.mark.parametrize(("name", "formula"), PLANTED)
def test_a_planted_wrong_formula_fails_against_the_references(name: str, formula: Formula) -> None:
    case = dataclasses.replace(get(name), formulas=(formula,))
    report = spot.run_case(case, n=4, samples=8, seed=3, dtype="float64")
    failing = {c.check.split(":")[0] for c in report.checks if not c.ok}
    assert failing == {"complex step", "richardson", "taylor"}
