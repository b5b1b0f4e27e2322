"""Index hygiene: the warnings a reviewer writes about reused, idle and mismatched indices."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv.checker._exprtools import free_indices, substitute_free
from symderiv.checker.hygiene import index_warnings, repair_definition
from symderiv.symbols import L, i, j, k, n, p, x, y

S = sympy.Sum
D = sympy.Derivative
log = sympy.log
d = sympy.KroneckerDelta

# The seed writes L = -\sum_i y_j \log p_j, and dp_j/dx_i = d/dx_i exp(x_i) / \sum_i exp(x_i).
SEED_LOSS = -S(y[j] * log(p[j]), (i, 1, n))
SEED_QUOTIENT = D(sympy.exp(x[i]) / S(sympy.exp(x[i]), (i, 1, n)), x[i])


@pytest.mark.parametrize(
    ("lhs", "rhs", "warnings"),
    [
        pytest.param(
            L,
            SEED_LOSS,
            (
                "the summation index i does not occur in its summand y_j \\log p_j",
                "the left side has free indices none, the right side j",
            ),
            id="seed-loss-definition",
        ),
        pytest.param(
            D(p[j], x[i]),
            SEED_QUOTIENT,
            (
                "the free index i is reused as the summation variable of \\sum_i e^{x_i}",
                "the left side has free indices i, j, the right side i",
            ),
            id="seed-quotient-reuses-i",
        ),
        pytest.param(D(L, x[i]), p[i] - y[i], (), id="gradient-is-clean"),
        pytest.param(D(p[i], x[j]), p[i] * (d(i, j) - p[j]), (), id="jacobian-is-clean"),
        pytest.param(
            S(y[j] * p[i], (j, 1, n)),
            p[i] * S(y[k], (k, 1, n)),
            (),
            id="renamed-bound-index-is-clean",
        ),
        pytest.param(
            p[i] - y[i],
            p[j] - y[j],
            ("the left side has free indices i, the right side j",),
            id="different-free-index",
        ),
        pytest.param(-S(y[j] * log(p[j]), (j, 1, n)), None, (), id="one-side-only-clean"),
        pytest.param(
            None,
            S(y[j] * log(p[j]), (i, 1, n)),
            ("the summation index i does not occur in its summand y_j \\log p_j",),
            id="one-side-only-idle-sum",
        ),
        pytest.param(None, None, (), id="nothing-read"),
        pytest.param(
            -log(p[i]), sympy.Matrix([0.154, 0.7, 1]), (), id="vector-of-values-over-the-free-index"
        ),
    ],
)
def test_index_warnings(lhs, rhs, warnings):
    assert index_warnings(lhs, rhs) == warnings


def test_an_index_only_in_a_derivative_variable_is_free():
    # dL/dx_i depends on i although L shows no index: comparing it with p_i - y_i is clean,
    # comparing it with p_j - y_j is not.
    assert index_warnings(D(L, x[i]), p[j] - y[j]) == (
        "the left side has free indices i, the right side j",
    )


@pytest.mark.parametrize(
    ("target", "value", "repaired", "warning"),
    [
        pytest.param(
            L,
            SEED_LOSS,
            -S(y[j] * log(p[j]), (j, 1, n)),
            "read as \\sum_j: the summation index i does not occur in its summand y_j \\log p_j",
            id="seed-loss",
        ),
        pytest.param(
            p[i],
            sympy.exp(x[i]) / S(sympy.exp(x[k]), (j, 1, n)),
            sympy.exp(x[i]) / S(sympy.exp(x[k]), (k, 1, n)),
            "read as \\sum_k: the summation index j does not occur in its summand e^{x_k}",
            id="softmax-denominator",
        ),
    ],
)
def test_an_ill_formed_definition_is_read_as_meant(target, value, repaired, warning):
    assert repair_definition(target, value) == (repaired, warning)


@pytest.mark.parametrize(
    ("target", "value"),
    [
        pytest.param(L, -S(y[j] * log(p[j]), (j, 1, n)), id="well-formed"),
        pytest.param(L, -S(y[j] * log(p[k]), (i, 1, n)), id="two-stray-indices-is-a-guess"),
        pytest.param(L, -S(y[1] * log(p[1]), (i, 1, n)) + y[j], id="stray-index-outside-the-sum"),
        pytest.param(
            p[i], sympy.exp(x[i]) / S(sympy.exp(x[i]), (j, 1, n)), id="idle-sum-but-no-stray-index"
        ),
        pytest.param(p[i], sympy.exp(x[j]), id="stray-index-but-no-sum"),
    ],
)
def test_a_definition_is_not_repaired_when_well_formed_or_ambiguous(target, value):
    assert repair_definition(target, value) is None


_entries = st.sampled_from([p[i], p[j], y[k], x[i], y[j], d(i, k)])


def _grow(children):
    return st.one_of(
        st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
        st.tuples(children, st.sampled_from([i, j, k])).map(lambda a: S(a[0], (a[1], 1, n))),
        st.tuples(children, st.sampled_from([x[i], x[j]])).map(lambda a: D(a[0], a[1])),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(_entries, _grow, max_leaves=5),
    st.sampled_from([i, j, k]),
    st.sampled_from([i, j, k]),
)
def test_renaming_a_free_index_moves_exactly_that_index(expr, old, new):
    # The hygiene warnings rest on this: a free index renamed never gets captured by a sum.
    free = free_indices(expr, (i, j, k))
    renamed = substitute_free(expr, {old: new})
    expected = (free - {old}) | ({new} if old in free else set())
    got = free_indices(renamed, (i, j, k))
    if expr.has(d):
        assert got <= expected  # delta_{kk} = 1 may take an index away
    else:
        assert got == expected
    # and renaming back restores the same expression up to the names of bound variables
    if (new not in free or new == old) and not expr.has(d):
        back = substitute_free(renamed, {new: old}) if old in free else renamed
        assert free_indices(back, (i, j, k)) == free
