"""normalize: standard objects expanded unless the document defines them; rules are values."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols
from symderiv.reader.normalize import DEFAULT_RULES, Rule, normalize, standard_form

P, Q = symbols.distribution("P"), symbols.distribution("Q")
X = symbols.index("x")
H, DKL = sympy.Function("H"), sympy.Function("D_KL")
a = symbols.scalar("a")


@pytest.mark.parametrize(
    ("expr", "defined", "expected"),
    [
        pytest.param(
            H(P),
            frozenset(),
            -sympy.Sum(P[X] * sympy.log(P[X]), (X, 1, symbols.n)),
            id="entropy-expanded",
        ),
        pytest.param(H(P), frozenset({"H/1"}), H(P), id="entropy-defined-by-the-document"),
        pytest.param(
            H(P, Q),
            frozenset({"H/1"}),
            -sympy.Sum(P[X] * sympy.log(Q[X]), (X, 1, symbols.n)),
            id="cross-entropy-is-another-name",
        ),
        pytest.param(H(a), frozenset(), H(a), id="not-a-distribution-argument"),
        pytest.param(DKL(P, Q) + 1, frozenset({"D_KL/2"}), DKL(P, Q) + 1, id="kl-defined"),
    ],
)
def test_normalize(expr: sympy.Basic, defined: frozenset[str], expected: sympy.Basic) -> None:
    assert normalize(expr, defined=defined) == expected


def test_a_longer_rule_tuple_extends_the_reading() -> None:
    relu = Rule("relu", 1, "relu(a) = max(a, 0)", lambda v: sympy.Max(v, 0))
    e = sympy.Function("relu")(a)
    assert normalize(e) == e
    assert normalize(e, (*DEFAULT_RULES, relu)) == sympy.Max(a, 0)


def test_standard_form_of_something_else_is_none() -> None:
    assert standard_form(a) is None
