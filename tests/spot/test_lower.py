"""lambdify_indexed: symbolic-n expressions become NumPy functions vectorised over points."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv import symbols as S
from symderiv.builders.softmax import softmax_entry
from symderiv.errors import UnsupportedNotationError
from symderiv.spot import lambdify_indexed
from symderiv.spot._lower import stable_softmax

i, j, k, n, x, y, p = S.i, S.j, S.k, S.n, S.x, S.y, S.p
m = S.index("m")
delta = sympy.KroneckerDelta
P_I = softmax_entry(i)
P_J = softmax_entry(j)

X = np.array([[0.3, -1.2, 2.0, 0.7], [1.0, 1.0, 1.0, 1.0], [-5.0, 3.0, 0.0, 10.0]])
Y = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0, 0.0], [0.5, 1.5, 0.0, 2.0]])


def _soft(xs: np.ndarray) -> np.ndarray:
    e = np.exp(xs - xs.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _jac(xs: np.ndarray) -> np.ndarray:
    q = _soft(xs)
    return np.einsum("bi,ij->bij", q, np.eye(xs.shape[1])) - q[:, :, None] * q[:, None, :]


CASES = [
    pytest.param(x[i] ** 2, (i,), lambda: X**2, id="entrywise-square"),
    pytest.param(sympy.Sum(x[k], (k, 1, n)), (), lambda: X.sum(axis=1), id="sum-over-k"),
    pytest.param(x[i] * sympy.Sum(y[k], (k, 1, n)), (i,),
                 lambda: X * Y.sum(axis=1, keepdims=True), id="factor-outside-sum"),
    pytest.param(sympy.Sum(x[k], (k, 1, i)), (i,), lambda: np.cumsum(X, axis=1),
                 id="partial-sum-1..i-is-a-mask"),
    pytest.param(sympy.Sum(x[k] * y[m], (k, 1, n), (m, 1, n)), (),
                 lambda: X.sum(axis=1) * Y.sum(axis=1), id="double-sum"),
    pytest.param(delta(i, j) + sympy.cos(x[i]) ** 2 + sympy.sin(x[i]) ** 2 - 1, (i, j),
                 lambda: np.broadcast_to(np.eye(4), (3, 4, 4)), id="kronecker-delta-is-identity"),
    pytest.param(delta(i, 1) * x[j], (i, j),
                 lambda: np.eye(4)[0][None, :, None] * X[:, None, :], id="delta-with-a-constant"),
    pytest.param(sympy.Sum(sympy.Sum(x[k], (k, 1, m)), (m, 1, n)), (),
                 lambda: np.cumsum(X, axis=1).sum(axis=1), id="nested-sum-with-inner-bound"),
    pytest.param(x[i] * delta(i, j) + y[j], (i, j),
                 lambda: np.einsum("bi,ij->bij", X, np.eye(4)) + Y[:, None, :],
                 id="delta-term-on-diagonal"),
    pytest.param(sympy.Sum(x[k] * delta(j, k), (k, 1, n)), (j,), lambda: X,
                 id="sum-with-delta-contracts"),
    pytest.param(sympy.Sum(x[k], (k, 1, n)) * sympy.Sum(y[k], (k, 1, n)), (),
                 lambda: X.sum(axis=1) * Y.sum(axis=1), id="sibling-sums-same-letter"),
    pytest.param(sympy.Sum(x[k] * sympy.Sum(y[k], (k, 1, n)), (k, 1, n)), (),
                 lambda: X.sum(axis=1) * Y.sum(axis=1), id="inner-sum-shadows-outer"),
    pytest.param(x[k] * sympy.Sum(y[k], (k, 1, n)), (k,),
                 lambda: X * Y.sum(axis=1, keepdims=True), id="sum-shadows-free-index"),
    pytest.param(x[1] + i, (i,), lambda: X[:, :1] + np.arange(1, 5), id="constant-index-and-index-value"),
    pytest.param(sympy.Piecewise((x[i], sympy.Eq(i, j)), (-y[j], True)), (i, j),
                 lambda: np.where(np.eye(4, dtype=bool), X[:, :, None], -Y[:, None, :]),
                 id="piecewise-on-i-equals-j"),
    pytest.param(n * sympy.log(sympy.Abs(x[i]) + 1), (i,), lambda: 4 * np.log(np.abs(X) + 1),
                 id="class-count-and-functions"),
    pytest.param(P_I, (i,), lambda: _soft(X), id="softmax"),
    pytest.param(P_I * (delta(i, j) - P_J), (i, j), lambda: _jac(X), id="softmax-jacobian-delta"),
    pytest.param(sympy.diff(P_I, x[j]), (i, j), lambda: _jac(X), id="softmax-jacobian-by-diff"),
    pytest.param(sympy.log(P_I), (i,), lambda: np.log(_soft(X)), id="log-softmax"),
]


@pytest.mark.parametrize(("expr", "indices", "expected"), CASES)
@pytest.mark.parametrize("stable", [True, False], ids=["stable", "naive"])
def test_lowered_expression_equals_numpy(expr, indices, expected, stable) -> None:
    f = lambdify_indexed(expr, indices, stable=stable)
    args = {name: {"x": X, "y": Y}[name] for name in f.inputs}
    np.testing.assert_allclose(f(**args), expected(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("expr", "indices"),
    [
        pytest.param(P_I, (i,), id="softmax"),
        pytest.param(sympy.log(P_I), (i,), id="log-softmax"),
        pytest.param(sympy.diff(P_I, x[j]), (i, j), id="jacobian-by-diff"),
        pytest.param(
            sympy.diff(-sympy.Sum(y[k] * sympy.log(softmax_entry(k, k=m)), (k, 1, n)), x[i]),
            (i,), id="ce-gradient-by-diff",
        ),
    ],
)
def test_stable_form_is_finite_where_the_naive_form_overflows(expr, indices) -> None:
    xs = np.array([[1000.0, 0.0, -1000.0]])
    ys = np.array([[0.0, 0.0, 1.0]])
    stable = lambdify_indexed(expr, indices)
    naive = lambdify_indexed(expr, indices, stable=False)
    args = {name: {"x": xs, "y": ys}[name] for name in stable.inputs}
    assert np.isfinite(stable(**args)).all()
    assert not np.isfinite(naive(**args)).all()


def test_ce_gradient_at_the_issue_point_is_the_true_value() -> None:
    loss = -sympy.Sum(y[k] * sympy.log(softmax_entry(k, k=m)), (k, 1, n))
    grad = lambdify_indexed(sympy.diff(loss, x[i]), (i,))
    got = grad(x=np.array([1000.0, 0.0, -1000.0]), y=np.array([0.0, 0.0, 1.0]))
    np.testing.assert_allclose(got, [1.0, 0.0, -1.0], atol=1e-15)


def test_one_dimensional_inputs_give_one_point() -> None:
    f = lambdify_indexed(P_I * (delta(i, j) - P_J), (i, j))
    assert f(x=np.array([0.0, 0.0])).shape == (2, 2)


def test_float32_stays_float32() -> None:
    f = lambdify_indexed(P_I * (delta(i, j) - P_J), (i, j))
    assert f(x=X.astype(np.float32)).dtype == np.float32


def test_out_buffer_is_filled() -> None:
    f = lambdify_indexed(P_I * (delta(i, j) - P_J), (i, j))
    out = np.full((3, 4, 4), np.nan)
    assert f(x=X, out=out) is out
    np.testing.assert_allclose(out, _jac(X), atol=1e-15)


def test_large_n_in_small_chunks_matches_one_chunk() -> None:
    f = lambdify_indexed(sympy.diff(P_I, x[j]), (i, j))
    xs = np.random.default_rng(3).normal(size=(5, 300))
    np.testing.assert_array_equal(f(x=xs, chunk_elements=1), f(x=xs))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(lambda: lambdify_indexed(x[i] * x[j], (i,)), ValueError,
                     r"^free index j of x\[i\]\*x\[j\] is not among indices \(i,\)$",
                     id="free-index-not-declared"),
        pytest.param(lambda: lambdify_indexed(x[i + 1], (i,)), UnsupportedNotationError,
                     r"^index i \+ 1 of x\[i \+ 1\] is not a plain index$", id="shifted-index"),
        pytest.param(lambda: lambdify_indexed(sympy.Symbol("a") * x[i], (i,)),
                     UnsupportedNotationError, r"^free symbol a has no value", id="unbound-symbol"),
        pytest.param(lambda: lambdify_indexed(sympy.gamma(x[i]), (i,)), UnsupportedNotationError,
                     r"^cannot lower gamma to NumPy", id="no-table-entry"),
        pytest.param(lambda: lambdify_indexed(x[i], (i,))(y=X), ValueError,
                     r"^missing input\(s\) x", id="missing-input"),
        pytest.param(lambda: lambdify_indexed(x[i] + y[i], (i,))(x=X, y=Y[:, :3]), ValueError,
                     r"^inputs must all be \(B, n\) arrays", id="mismatched-shapes"),
    ],
)
def test_misuse_raises_typed_errors(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_extra_functions_extend_the_table() -> None:
    f = lambdify_indexed(sympy.gamma(x[i]), (i,), funcs={sympy.gamma: lambda a: a * 0 + 7.0})
    np.testing.assert_array_equal(f(x=X), np.full(X.shape, 7.0))


@settings(max_examples=30, deadline=None)
@given(
    n_=st.integers(min_value=1, max_value=12),
    scale=st.sampled_from([0.01, 1.0, 30.0, 1000.0]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_jacobian_matches_closed_form_for_random_n_and_x(n_: int, scale: float, seed: int) -> None:
    xs = np.random.default_rng(seed).normal(0.0, scale, size=(3, n_))
    f = lambdify_indexed(P_I * (delta(i, j) - P_J), (i, j))
    q = stable_softmax(xs)
    closed = np.einsum("bi,ij->bij", q, np.eye(n_)) - q[:, :, None] * q[:, None, :]
    np.testing.assert_allclose(f(x=xs), closed, rtol=0, atol=1e-15)
