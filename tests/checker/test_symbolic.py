"""The checker's symbolic-n helpers: which indices of a step are free."""

from __future__ import annotations

import pytest
import sympy

from symderiv.checker import _symbolic as S
from symderiv.symbols import L, i, j, k, n, x, y

t = sympy.Symbol("t", integer=True, positive=True)


@pytest.mark.parametrize(
    ("expr", "free"),
    [
        pytest.param(sympy.Sum(x[k] * y[i], (k, 1, n)), {i}, id="sum-binds"),
        pytest.param(sympy.Derivative(L, x[j]), {j}, id="derivative-variable"),
        pytest.param(x[n] * sympy.Sum(y[k], (k, 1, n)), set(), id="a-sum-bound-is-no-index"),
        pytest.param(sympy.Integral(x[t], (t, 1, 2)) * y[i], {i}, id="integral-binds"),
    ],
)
def test_free_indices(expr: sympy.Basic, free: set[sympy.Symbol]) -> None:
    assert S.free_indices(expr) == free
