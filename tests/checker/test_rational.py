"""The zero test reads an expression as a rational function of its atoms."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols
from symderiv.checker._rational import rational_zero

k, m, n = sympy.Dummy("k", integer=True), sympy.Dummy("m", integer=True), symbols.n
w, x = symbols.vector("w"), symbols.vector("x")
b, y = sympy.symbols("b y")
S_k = sympy.Sum(w[k] * x[k], (k, 1, n))
S_m = sympy.Sum(w[m] * x[m], (m, 1, n))
P_k = sympy.Product(sympy.exp(w[k] * x[k]), (k, 1, n))


@pytest.mark.parametrize(
    ("expr", "zero"),
    [
        pytest.param(S_k - S_m, True, id="sums-equal-up-to-their-bound-names"),
        pytest.param(P_k * sympy.exp(-S_m) - 1, True, id="a-product-of-exps-is-the-exp-of-a-sum"),
        pytest.param(
            1 / (1 + sympy.exp(-b - S_k)) - P_k * sympy.exp(b) / (P_k * sympy.exp(b) + 1),
            True,
            id="a-sigmoid-of-a-sum-written-two-ways",
        ),
        pytest.param(P_k * sympy.exp(S_m) - 1, False, id="the-exp-of-a-sum-is-no-inverse"),
        pytest.param(S_k - y, False, id="a-sum-is-not-a-scalar"),
    ],
)
def test_rational_zero(expr: sympy.Expr, zero: bool) -> None:
    assert rational_zero(expr) is zero
