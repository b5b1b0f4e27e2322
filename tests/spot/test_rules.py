"""Stable-form rules: (expression as written, expression the lowering sees) tables."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols as S
from symderiv.spot._rules import DEFAULT_RULES, LogSumExp, SoftmaxEntry, partition_sum, rewrite

i, j, k, n, x, y = S.i, S.j, S.k, S.n, S.x, S.y
m = S.index("m")
Z = sympy.Sum(sympy.exp(x[k]), (k, 1, n))
Zm = sympy.Sum(sympy.exp(x[m]), (m, 1, n))
E = sympy.exp


@pytest.mark.parametrize(
    ("written", "stable"),
    [
        pytest.param(E(x[i]) / Z, SoftmaxEntry(x, i, n), id="softmax-entry"),
        pytest.param(E(x[i]) * E(x[j]) / Z**2, SoftmaxEntry(x, i, n) * SoftmaxEntry(x, j, n),
                     id="product-of-two-entries"),
        pytest.param(E(2 * x[i]) / Z**2, SoftmaxEntry(x, i, n) ** 2, id="squared-entry"),
        pytest.param(E(x[i] - x[j]), E(x[i]) * E(-x[j]), id="no-partition-sum-no-softmax"),
        pytest.param(Z / E(x[i]), 1 / SoftmaxEntry(x, i, n), id="reciprocal-entry"),
        pytest.param(sympy.log(Z), LogSumExp(x, n), id="log-sum-exp"),
        pytest.param(sympy.log(E(x[i]) / Z), x[i] - LogSumExp(x, n), id="log-softmax"),
        pytest.param(sympy.Sum(y[m] * E(x[m]), (m, 1, n)) / Z,
                     sympy.Sum(y[m] * SoftmaxEntry(x, m, n), (m, 1, n)),
                     id="sum-against-softmax"),
        pytest.param(E(x[i]) / Zm, SoftmaxEntry(x, i, n), id="any-bound-letter"),
        pytest.param(E(x[i]) / sympy.Sum(E(y[k]), (k, 1, n)),
                     E(x[i]) / sympy.Sum(E(y[k]), (k, 1, n)), id="different-vectors-stay"),
        pytest.param(E(x[i]) / sympy.Sum(E(x[k]), (k, 2, n)),
                     E(x[i]) / sympy.Sum(E(x[k]), (k, 2, n)), id="partial-range-stays"),
    ],
)
def test_default_rules(written, stable) -> None:
    assert rewrite(written, DEFAULT_RULES) == stable


def test_exp_times_exp_minus_cancels_before_floats_see_it() -> None:
    written = E(-x[k]) * Z * (E(x[k]) / Z - E(x[k]) * E(x[i]) / Z**2)
    assert rewrite(written, DEFAULT_RULES) == 1 - SoftmaxEntry(x, i, n)


def test_no_rules_no_change() -> None:
    assert rewrite(E(x[i]) / Z, ()) == E(x[i]) / Z


@pytest.mark.parametrize(
    ("expr", "found"),
    [
        pytest.param(Z, (x, n), id="partition-sum"),
        pytest.param(sympy.Sum(E(x[k]) + 1, (k, 1, n)), None, id="not-only-exp"),
        pytest.param(sympy.Sum(E(x[i]), (k, 1, n)), None, id="index-not-the-bound"),
        pytest.param(E(x[k]), None, id="not-a-sum"),
    ],
)
def test_partition_sum(expr, found) -> None:
    assert partition_sum(expr) == found
