"""A false step explained: the residual of its sides and the single edits that make it hold."""

from __future__ import annotations

import pytest
import sympy

from symderiv.checker.explain import one_edit_fixes, residual
from symderiv.symbols import L, i, j, k, n, p, x, y
from tests.support.soundness import CE, I_EQ_J, I_NE_J, SOFTMAX, Case, really_false

d = sympy.KroneckerDelta
S = sympy.Sum
D = sympy.Derivative


def numeric_oracle(definitions=(), conditions=()):
    """The cheap numeric oracle the engine passes: equal at random points for n = 2, 3."""

    def equal(a, b):
        verdict = really_false(
            Case("fix", a, b, definitions, (), conditions), n_values=(3, 2), points=2
        )
        return None if verdict is None else not verdict

    return equal


@pytest.mark.parametrize(
    ("lhs", "rhs", "expected"),
    [
        pytest.param(p[i] * (1 + p[i]), p[i] * (1 - p[i]), 2 * p[i] ** 2, id="i-eq-j-sign-slip"),
        pytest.param(p[i] * (1 - p[i]), p[i] - p[i] ** 2, sympy.Integer(0), id="true-step-is-zero"),
        pytest.param(
            p[i] * S(y[j], (j, 1, n)) - y[i],
            p[i] - y[i],
            p[i] * (S(y[j], (j, 1, n)) - 1),
            id="needs-sum-y-1",
        ),
        pytest.param(p[i] + y[i], p[i] - y[i], 2 * y[i], id="p-plus-y"),
    ],
)
def test_the_residual_is_the_difference_in_simplest_form(lhs, rhs, expected):
    got = residual(lhs, rhs)
    assert sympy.expand(got - expected) == 0
    assert sympy.count_ops(got) <= sympy.count_ops(expected)


@pytest.mark.parametrize(
    ("lhs", "rhs", "expected"),
    [
        pytest.param(
            D(L, x[i]), p[i] - y[i], D(L, x[i]) - p[i] + y[i], id="seed-gradient-needs-sum-y"
        ),
        pytest.param(
            D(p[j], x[i]),
            D(sympy.exp(x[i]) / S(sympy.exp(x[i]), (i, 1, n)), x[i]),
            D(p[j], x[i]) - D(sympy.exp(x[i]) / S(sympy.exp(x[i]), (i, 1, n)), x[i]),
            id="seed-quotient-with-reused-index",
        ),
    ],
)
def test_the_residual_keeps_derivatives_as_written(lhs, rhs, expected):
    # SymPy alone would call d L / d x_i zero (L is only a name to it)
    assert sympy.expand(residual(lhs, rhs) - expected) == 0


def test_the_residual_out_of_time_is_still_the_difference():
    lhs, rhs = p[i] * (1 + p[i]), p[i] * (1 - p[i])
    got = residual(lhs, rhs, timeout_s=1e-6)
    assert sympy.expand(got - 2 * p[i] ** 2) == 0


@pytest.mark.parametrize(
    ("lhs", "rhs", "definitions", "conditions", "hint"),
    [
        pytest.param(
            p[i] * (1 - p[i]),
            p[i] * (1 + p[i]),
            (),
            (),
            "the right side holds with - in place of + before p_i",
            id="plus-for-minus",
        ),
        pytest.param(
            D(p[i], x[j]),
            p[i] * p[j],
            SOFTMAX,
            I_NE_J,
            "the right side holds with its sign flipped",
            id="off-diagonal-sign",
        ),
        pytest.param(
            x[i] * y[j] + y[j],
            x[j] * y[i] + y[i],
            (),
            (),
            "the right side holds with i and j swapped",
            id="i-j-swapped",
        ),
        pytest.param(
            D(sympy.log(p[i]), x[j]),
            p[i] * (d(i, j) - p[j]),
            SOFTMAX,
            (),
            "the right side holds without the factor p_i",
            id="factor-dropped",
        ),
        pytest.param(
            p[i] - y[i],
            p[i] - y[i] + y[j],
            (),
            (),
            "the right side holds without the term y_j",
            id="term-dropped",
        ),
        pytest.param(
            p[i] * (1 - p[i]),
            p[i] ** 2 * (1 - p[i]),
            (),
            (),
            "the right side holds with power 1 in place of 2 on p_i",
            id="wrong-power",
        ),
        pytest.param(
            p[i] * S(y[k], (k, 1, n)) - y[i] * p[i],
            S(y[k] * p[k], (k, 1, n)) - y[i] * p[i],
            (),
            (),
            "the k \\neq i terms should contain p_i, not p_k",
            id="k-neq-i-terms",
        ),
        pytest.param(
            D(p[i], x[j]),
            p[j] * (1 - p[j]),
            SOFTMAX,
            I_EQ_J,
            "the right side holds with i in place of j",
            id="diagonal-wrong-index",
        ),
        pytest.param(
            D(L, x[i]), -p[i] + y[i] * S(y[j], (j, 1, n)), CE, (), None, id="no-single-edit"
        ),
    ],
)
def test_one_edit_fixes_name_the_edit_that_makes_the_step_hold(
    lhs, rhs, definitions, conditions, hint
):
    fixes = one_edit_fixes(
        lhs, rhs, equal=numeric_oracle(definitions, conditions), indices=(i, j, k)
    )
    if hint is None:
        assert fixes == ()
    else:
        assert hint in fixes


def test_a_true_step_gets_no_fix_and_an_undecided_oracle_gives_none():
    assert one_edit_fixes(p[i] * (1 - p[i]), p[i] * (1 + p[i]), equal=lambda a, b: None) == ()
    calls = []

    def counting(a, b):
        calls.append((a, b))
        return False

    assert one_edit_fixes(p[i], y[i] + x[j], equal=counting, max_calls=5) == ()
    assert len(calls) == 5


def test_the_left_side_is_edited_only_when_no_right_side_edit_works():
    fixes = one_edit_fixes(
        -p[i] * p[j],
        p[i] * p[j] + y[i] ** 3 * 0 + sympy.exp(x[k]) * 0,
        equal=lambda a, b: sympy.expand(a - b) == 0,
    )
    assert fixes[0] == "the right side holds with its sign flipped"
    assert not any(f.startswith("the left side") for f in fixes)
