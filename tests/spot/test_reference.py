"""Reference derivatives: complex step, Richardson differences, and the Taylor order test."""

from __future__ import annotations

import numpy as np
import pytest

from symderiv.spot._reference import complex_step, relative_steps, richardson, taylor_test

X = np.array([[0.3, -1.1, 2.0], [10.0, 0.0, -5.0], [1000.0, 999.0, 998.0]])


def cubic(x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    """f(x) = (x_1^3, x_1 x_2 x_3, sin x_3)."""
    return np.stack([x[:, 0] ** 3, x[:, 0] * x[:, 1] * x[:, 2], np.sin(x[:, 2])], axis=1)


def cubic_jac(x: np.ndarray) -> np.ndarray:
    j = np.zeros((x.shape[0], 3, 3))
    j[:, 0, 0] = 3 * x[:, 0] ** 2
    j[:, 1] = np.stack([x[:, 1] * x[:, 2], x[:, 0] * x[:, 2], x[:, 0] * x[:, 1]], axis=1)
    j[:, 2, 2] = np.cos(x[:, 2])
    return j


def test_complex_step_is_exact_to_rounding() -> None:
    got = complex_step(cubic, X, None, np.arange(3))
    np.testing.assert_allclose(got, cubic_jac(X), rtol=1e-15, atol=1e-12)


def test_complex_step_on_chosen_columns() -> None:
    got = complex_step(cubic, X, None, np.array([2]))
    np.testing.assert_allclose(got[:, :, 0], cubic_jac(X)[:, :, 2], rtol=1e-15)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_richardson_error_is_within_its_own_bound(dtype: str) -> None:
    xs = X[:2].astype(dtype)
    got, bound = richardson(cubic, xs, None, np.arange(3))
    truth = cubic_jac(xs.astype(np.float64))
    eps = np.finfo(dtype).eps
    assert np.all(np.abs(got - truth) <= 8 * bound + 64 * eps**0.8 * (1 + np.abs(truth)))


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        pytest.param(0.0, np.finfo(np.float64).eps ** 0.2, id="unit-scale"),
        pytest.param(1e4, (np.finfo(np.float64).eps * 1e4) ** 0.2, id="grows-with-x"),
    ],
)
def test_relative_step(x: float, expected: float) -> None:
    step = relative_steps(np.array([[x]]), np.array([0]))[0, 0]
    assert step == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("jac", "order"),
    [
        pytest.param(cubic_jac, 2.0, id="right-derivative-order-2"),
        pytest.param(lambda x: cubic_jac(x) * 1.01, 1.0, id="one-percent-off-order-1"),
        pytest.param(lambda x: cubic_jac(x).transpose(0, 2, 1), 1.0, id="transposed-order-1"),
    ],
)
def test_taylor_order(jac, order) -> None:
    xs = np.array([[0.3, -1.1, 2.0], [0.5, 2.0, -1.5]])  # J is not symmetric at either point
    v = np.random.default_rng(0).normal(size=xs.shape)
    res = taylor_test(cubic, xs, None, v, np.einsum("bij,bj->bi", jac(xs), v))
    np.testing.assert_allclose(res.order, order, atol=0.25)
    assert not res.flat.any()


def test_taylor_flat_when_the_function_is_linear() -> None:
    xs = X[:2]
    v = np.ones_like(xs)
    res = taylor_test(lambda x, y: 3.0 * x, xs, None, v, 3.0 * v)
    assert res.flat.all()
