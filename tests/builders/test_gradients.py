"""The Jacobian and gradient builders agree with SymPy's own differentiation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv import symbols
from symderiv.builders.gradients import (
    ce_gradient_entry,
    ce_gradient_vector,
    softmax_in_logits,
    softmax_jacobian_cases,
    softmax_jacobian_entry,
    softmax_jacobian_matrix,
)
from symderiv.builders.softmax import concrete_symbols, softmax_vector

i, j, p, y = symbols.i, symbols.j, symbols.p, symbols.y


@pytest.mark.parametrize(
    ("form", "at_equal", "at_unequal"),
    [
        pytest.param("delta", p[i] * (1 - p[i]), -p[i] * p[j], id="delta"),
        pytest.param("cases", p[i] * (1 - p[i]), -p[i] * p[j], id="cases"),
    ],
)
def test_entry_forms_give_the_two_cases(form, at_equal, at_unequal):
    e = softmax_jacobian_entry(form=form)
    assert sympy.expand(e.subs(j, i) - at_equal) == 0
    off = e.subs(sympy.KroneckerDelta(i, j), 0) if form == "delta" else e.args[1][0]
    assert sympy.expand(off - at_unequal) == 0


def test_cases_carry_their_conditions():
    (_, c1), (_, c2) = softmax_jacobian_cases()
    assert c1 == sympy.Eq(i, j) and c2 == sympy.Ne(i, j)


def test_unknown_form_is_a_clear_error():
    with pytest.raises(ValueError, match=r"^unknown form 'matrix'; expected one of delta, cases$"):
        softmax_jacobian_entry(form="matrix")


@given(st.integers(1, 5), st.lists(st.floats(-3, 3), min_size=5, max_size=5))
@settings(max_examples=15, deadline=None)
def test_matrix_is_the_jacobian_of_softmax(m, values):
    xs = concrete_symbols("x", m)
    jac = sympy.Matrix(softmax_vector(xs)).jacobian(xs)
    point = dict(zip(xs, values))
    want = np.array(jac.subs(point).evalf(), dtype=float)
    got = np.array(softmax_jacobian_matrix(m).subs(point).evalf(), dtype=float)
    assert np.allclose(got, want, atol=1e-12)


@given(
    st.integers(1, 5),
    st.lists(st.floats(-3, 3), min_size=5, max_size=5),
    st.lists(st.floats(-1, 1), min_size=5, max_size=5),
)
@settings(max_examples=15, deadline=None)
def test_gradient_vector_is_the_gradient_of_cross_entropy(m, xv, yv):
    xs, ys = concrete_symbols("x", m), concrete_symbols("y", m)
    ps = softmax_vector(xs)
    loss = -sum(t * sympy.log(q) for t, q in zip(ys, ps))
    point = {**dict(zip(xs, xv)), **dict(zip(ys, yv))}
    want = np.array([float(sympy.diff(loss, v).subs(point).evalf()) for v in xs])
    got = np.array(
        ce_gradient_vector(m, sum_y_is_one=False).subs(point).evalf(), dtype=float
    ).ravel()
    assert np.allclose(got, want, atol=1e-10)


def test_gradient_entry_forms():
    assert ce_gradient_entry() == p[i] - y[i]
    general = ce_gradient_entry(sum_y_is_one=False)
    assert (
        general.has(sympy.Sum)
        and general.subs(sympy.Sum(y[j], (j, 1, symbols.n)), 1) == p[i] - y[i]
    )


def test_in_logits_replaces_every_probability():
    e = softmax_in_logits(p[i] * p[j])
    assert not e.has(p) and len(e.atoms(sympy.Sum)) == 2


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        pytest.param(0, ValueError, r"^n must be a positive integer, got 0$", id="zero"),
        pytest.param(-3, ValueError, r"^n must be a positive integer, got -3$", id="negative"),
        pytest.param(2.5, TypeError, r"^n must be a positive integer, got 2.5$", id="float"),
        pytest.param(True, TypeError, r"^n must be a positive integer, got True$", id="bool"),
    ],
)
def test_bad_n_is_a_clear_error(bad, error, message):
    with pytest.raises(error, match=message):
        softmax_jacobian_matrix(bad)
    with pytest.raises(error, match=message):
        ce_gradient_vector(bad)
