"""The plain-text printer and the reading of justifications as text: golden tables."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols as s
from symderiv.writer.text import tex_to_text, to_text

D = sympy.Derivative
KD = sympy.KroneckerDelta
SUM_X = sympy.Sum(sympy.exp(s.x[s.k]), (s.k, 1, s.n))
T, gamma, alpha = sympy.symbols("T gamma alpha", positive=True)


@pytest.mark.parametrize(
    ("expr", "settings", "text"),
    [
        pytest.param(s.p[s.i] * (KD(s.i, s.j) - s.p[s.j]), {}, "p_i (δ_ij - p_j)", id="jacobian"),
        pytest.param(sympy.exp(s.x[s.i]) / SUM_X, {}, "exp(x_i)/(Σ_{k=1..n} exp(x_k))", id="softmax"),
        pytest.param(
            -sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n)),
            {"ln": True},
            "-Σ_{j=1..n} y_j ln(p_j)",
            id="ce-ln",
        ),
        pytest.param((1 + sympy.exp(-s.x[s.i])) ** -2, {}, "1/(1 + exp(-x_i))^2", id="pow-den"),
        pytest.param((1 - s.p[s.i]) ** (gamma + 1), {}, "(1 - p_i)^(γ + 1)", id="pow-exp"),
        pytest.param(alpha * s.y[s.j], {}, "α y_j", id="greek"),
        pytest.param(
            s.y[s.j] / s.p[s.j] * D(s.p[s.j], s.x[s.i]), {}, "(y_j/p_j) ∂p_j/∂x_i", id="chain"
        ),
        pytest.param(s.p[s.i] / T, {}, "p_i/T", id="over-T"),
        pytest.param(sympy.Ne(s.i, s.j), {}, "i ≠ j", id="ne"),
        pytest.param(sympy.Symbol(r"\hat{y}_{10}"), {}, "ŷ_10", id="accent-sub"),
        pytest.param(
            sympy.ImmutableMatrix([[s.p[1] * (1 - s.p[1]), -s.p[1] * s.p[2]]]),
            {},
            "[[p_1 (1 - p_1), -p_1 p_2]]",
            id="matrix",
        ),
    ],
)
def test_to_text(expr: sympy.Basic, settings: dict[str, bool], text: str) -> None:
    assert to_text(expr, **settings) == text


@pytest.mark.parametrize(
    ("tex", "ln", "text"),
    [
        pytest.param(
            r"chain rule: $\frac{\partial \log p_{j}}{\partial x_{i}} = \frac{1}{p_{j}} "
            r"\frac{\partial p_{j}}{\partial x_{i}}$",
            True,
            "chain rule: ∂ln p_j/∂x_i = 1/p_j ∂p_j/∂x_i",
            id="chain-ln",
        ),
        pytest.param(r"use $\sum_j y_j = 1$", False, "use Σ_j y_j = 1", id="sum-one"),
        pytest.param(
            r"divide by $\left(\sum_{k=1}^{n} \exp(x_{k})\right)^2$",
            False,
            "divide by (Σ_{k=1..n} exp(x_k))^2",
            id="sum-limits",
        ),
        pytest.param(r"case $i \neq j$: $\delta_{ij} = 0$", False, "case i ≠ j: δ_ij = 0", id="case"),
        pytest.param(r"$e^{-x_{i}} = \frac{1}{p_{i}} - 1$", False, "e^(-x_i) = 1/p_i - 1", id="exp"),
        pytest.param("100% prose, no maths", False, "100% prose, no maths", id="prose"),
    ],
)
def test_tex_to_text(tex: str, ln: bool, text: str) -> None:
    assert tex_to_text(tex, ln=ln) == text
