"""The index kernel: one definition of free symbols, fresh names and sums written out."""

from __future__ import annotations

import pytest
import sympy

from symderiv import indices
from symderiv.symbols import L, i, j, k, n, x, y


@pytest.mark.parametrize(
    ("expr", "free"),
    [
        pytest.param(sympy.Derivative(L, x[i]), {"L", "i", "x"}, id="derivative-variable"),
        pytest.param(sympy.Sum(x[k] * y[j], (k, 1, n)), {"x", "y", "j", "n"}, id="sum-binds"),
        pytest.param(
            sympy.Sum(x[k], (k, 1, j), (j, 1, n)), {"x", "n"}, id="nested-limits-bind-outer"
        ),
        pytest.param(
            sympy.Integral(x[i] * sympy.Symbol("t"), (sympy.Symbol("t"), 0, 1)), {"x", "i"},
            id="integral-binds",
        ),
    ],
)
def test_free_symbols(expr: sympy.Basic, free: set[str]) -> None:
    assert {str(s) for s in indices.free_symbols(expr)} == free


def test_expand_sums_writes_out_every_limit_and_leaves_a_symbolic_one() -> None:
    both = sympy.Sum(x[k] * y[j], (k, 1, 2), (j, 1, 2))
    assert indices.expand_sums(both) == sympy.expand((x[1] + x[2]) * (y[1] + y[2]))
    assert indices.expand_sums(sympy.Sum(x[k], (k, 1, n))) == sympy.Sum(x[k], (k, 1, n))


@pytest.mark.parametrize(
    ("hi", "max_terms", "written"),
    [
        pytest.param(3, None, True, id="no-bound"),
        pytest.param(3, 3, True, id="at-the-bound"),
        pytest.param(4, 3, False, id="past-the-bound"),
    ],
)
def test_expand_sums_keeps_a_sum_longer_than_max_terms(hi: int, max_terms, written: bool) -> None:
    out = indices.expand_sums(sympy.Sum(x[k], (k, 1, hi)), max_terms=max_terms)
    assert out.has(sympy.Sum) is not written


def test_rename_bound_leaves_free_indices_alone() -> None:
    out = indices.rename_bound(x[k] * sympy.Sum(y[k], (k, 1, n)), lambda v: sympy.Dummy(str(v)))
    (bound,) = out.atoms(sympy.Sum)
    assert bound.variables[0] != k and out.has(x[k])


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        pytest.param("x_3", ("x", 3), id="plain"),
        pytest.param("x_{12}", ("x", 12), id="braced"),
        pytest.param("\\hat{y}_2", ("\\hat{y}", 2), id="accent"),
        pytest.param("a_1_2", ("a_1", 2), id="last-subscript"),
        pytest.param("x_i", None, id="letter-index"),
        pytest.param("x", None, id="no-subscript"),
    ],
)
def test_split_entry(name: str, entry: tuple[str, int] | None) -> None:
    assert indices.split_entry(name) == entry
    assert indices.entry_base(name) == (entry[0] if entry else name)


@pytest.mark.parametrize(
    ("avoid", "letters", "name"),
    [
        pytest.param({i, j}, "ijk", "k", id="first-free-letter"),
        pytest.param({"k", "j"}, "kj", "k_1", id="numbered-after-the-letters"),
        pytest.param({"k", "j", "k_1"}, "kj", "k_2", id="numbered-skips-a-taken-one"),
        pytest.param(set(), "kj", "k", id="nothing-taken"),
    ],
)
def test_fresh_index_is_never_a_taken_name(avoid: set[object], letters: str, name: str) -> None:
    fresh = indices.fresh_index(avoid, letters=letters)
    assert fresh.name == name and fresh.is_integer and fresh.is_positive
    assert fresh.name not in {str(a) for a in avoid}
