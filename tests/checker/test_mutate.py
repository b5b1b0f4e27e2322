"""Single-edit mutants: each slip a derivation makes, named the way a reviewer names it."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv.checker.mutate import MAX_MUTANTS, detailed_mutants, mutants
from symderiv.symbols import i, j, k, n, p, x, y

d = sympy.KroneckerDelta
S = sympy.Sum


def _by_description(
    expr: sympy.Expr, indices: tuple[sympy.Symbol, ...] = (i, j, k)
) -> dict[str, list[sympy.Expr]]:
    found: dict[str, list[sympy.Expr]] = {}
    for desc, m in mutants(expr, indices=indices):
        found.setdefault(desc, []).append(m)
    return found


@pytest.mark.parametrize(
    ("expr", "description", "mutant"),
    [
        pytest.param(p[i] - y[i], "sign flipped", y[i] - p[i], id="sign-flipped"),
        pytest.param(
            p[i] * (d(i, j) - p[j]), "i and j swapped", p[j] * (d(i, j) - p[i]), id="i-j-swapped"
        ),
        pytest.param(-p[i] * p[j], "factor p_i dropped", -p[j], id="factor-dropped"),
        pytest.param(p[i] - y[i], "term -y_i dropped", p[i], id="term-dropped"),
        pytest.param(
            p[i] * (1 - p[i]), "+ in place of - before p_i", p[i] * (1 + p[i]), id="plus-for-minus"
        ),
        pytest.param(p[i] + y[i], "- in place of + before y_i", p[i] - y[i], id="minus-for-plus"),
        pytest.param(p[i] ** 2, "power 1 in place of 2 on p_i", p[i], id="power-2-to-1"),
        pytest.param(
            p[i] * y[i], "power 2 in place of 1 on p_i", p[i] ** 2 * y[i], id="power-1-to-2"
        ),
        pytest.param(
            y[j] - p[i] * p[j], "p_k in place of p_j", y[j] - p[i] * p[k], id="entry-index"
        ),
        pytest.param(
            sympy.Derivative(p[i], x[j]),
            "x_i in place of x_j",
            sympy.Derivative(p[i], x[i]),
            id="derivative-variable",
        ),
        pytest.param(
            d(i, j) * p[j],
            "\\delta_{i k} in place of \\delta_{i j}",
            d(i, k) * p[j],
            id="delta-index",
        ),
        pytest.param(p[i] * y[i], "j in place of i", p[j] * y[j], id="free-index-renamed"),
        pytest.param(2 * p[i], "factor 2 dropped", p[i], id="constant-factor-dropped"),
        pytest.param(y[i] / p[i], "factor \\frac{1}{p_i} dropped", y[i], id="divisor-dropped"),
    ],
)
def test_each_slip_is_a_mutant_with_its_name(expr, description, mutant):
    assert mutant in _by_description(expr).get(description, [])


@pytest.mark.parametrize(
    ("expr", "description"),
    [
        pytest.param(p[i] - y[i], "i and j swapped", id="no-swap-without-j"),
        pytest.param(sympy.Integer(0), "sign flipped", id="zero-has-no-sign"),
        pytest.param(p[i] * p[j], "factor 1 dropped", id="no-unit-factor"),
        pytest.param(
            d(i, j) * p[i], "power 2 in place of 1 on \\delta_{i j}", id="no-power-of-delta"
        ),
    ],
)
def test_edits_that_are_not_slips_are_not_made(expr, description):
    assert description not in _by_description(expr)


def test_the_k_neq_i_terms_are_edited_as_one_unit():
    # \sum_{k != i} y_k p_k is read as Sum(y_k p_k) - y_i p_i: an edit of the summand edits both.
    expr = S(y[k] * p[k], (k, 1, n)) - y[i] * p[i]
    found = {m.description: m for m in detailed_mutants(expr, indices=(i, k))}
    m = found["p_i in place of p_k"]
    assert m.expr == S(y[k] * p[i], (k, 1, n)) - y[i] * p[i]
    assert m.hint == "the k \\neq i terms should contain p_i, not p_k"
    assert found["term \\sum_{k \\neq i} p_k y_k dropped"].expr == 0


def test_an_edit_inside_a_plain_sum_names_its_terms():
    found = {m.description: m for m in detailed_mutants(S(y[k] * p[k], (k, 1, n)), indices=(i, k))}
    assert found["p_i in place of p_k"].hint == "the terms of \\sum_k should contain p_i, not p_k"


def test_renaming_a_free_index_does_not_capture_a_bound_one():
    expr = S(y[k] * p[i], (k, 1, n))
    renamed = dict(mutants(expr, indices=(i, k)))["k in place of i"]
    # p_i becomes the free p_k; the sum's own variable is renamed rather than captured
    assert renamed != S(y[k] * p[k], (k, 1, n))
    ((var, _, _),) = renamed.limits
    assert var != k and renamed.function == y[var] * p[k]


def test_mutants_are_deterministic_distinct_and_never_the_original():
    expr = sympy.Derivative(p[i], x[j]) - p[i] * (d(i, j) - p[j]) + S(y[k] * p[k], (k, 1, n))
    first = list(mutants(expr, indices=(i, j, k)))
    assert first == list(mutants(expr, indices=(i, j, k)))
    exprs = [m for _, m in first]
    assert len(set(exprs)) == len(exprs)
    assert expr not in exprs
    assert len(first) > 20


def test_the_number_of_mutants_is_bounded():
    big = sympy.Add(*[p[i] ** q * y[j] * x[k] for q in range(1, 40)])
    assert len(list(mutants(big, indices=(i, j, k)))) == MAX_MUTANTS


def test_a_non_sympy_input_is_a_type_error():
    with pytest.raises(TypeError, match=r"^expected a SymPy expression, got str$"):
        list(mutants("p_i", indices=()))  # type: ignore[arg-type]


_atoms = st.sampled_from([p[i], p[j], y[i], y[k], x[j], d(i, j), sympy.Integer(2), sympy.exp(x[i])])


def _combine(children):
    return st.one_of(
        st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] - ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
        children.map(lambda a: S(a * y[k], (k, 1, n))),
        children.map(lambda a: sympy.log(1 + a**2)),
    )


@settings(max_examples=40, deadline=None)
@given(st.recursive(_atoms, _combine, max_leaves=6))
def test_every_mutant_is_one_edit_away_and_reproducible(expr):
    first = list(mutants(expr, indices=(i, j, k)))
    assert first == list(mutants(expr, indices=(i, j, k)))
    assert len(first) <= MAX_MUTANTS
    for desc, m in first:
        assert isinstance(m, sympy.Basic) and desc
        assert m != expr
