"""normalize: standard objects expanded unless the document defines them; rules are values."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols
from symderiv.reader.normalize import (
    DEFAULT_RULES,
    Rule,
    alias,
    defined_form,
    defined_name,
    normalize,
    standard_form,
    standard_names,
)

P, Q = symbols.distribution("P"), symbols.distribution("Q")
X = symbols.index("x")
H, DKL = sympy.Function("H"), sympy.Function("D_KL")
SIGMA, SIGMOID, SOFTMAX = sympy.Function("sigma"), sympy.Function("sigmoid"), sympy.Function("softmax")
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
        pytest.param(SIGMOID(a), frozenset(), 1 / (1 + sympy.exp(-a)), id="sigmoid-is-sigma"),
        pytest.param(
            SIGMOID(a), frozenset({"sigma/1"}), SIGMA(a), id="sigmoid-is-the-documents-sigma"
        ),
        pytest.param(SIGMOID(a), frozenset({"sigmoid/1"}), SIGMOID(a), id="sigmoid-defined"),
        pytest.param(
            SOFTMAX(sympy.ImmutableMatrix([a, 0])),
            frozenset(),
            sympy.ImmutableMatrix([sympy.exp(a) / (sympy.exp(a) + 1), 1 / (sympy.exp(a) + 1)]),
            id="softmax-of-a-written-out-vector",
        ),
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


def test_an_alias_has_the_standard_form_of_the_name_it_stands_for() -> None:
    assert standard_form(SIGMOID(a)) == standard_form(SIGMA(a)) == 1 / (1 + sympy.exp(-a))


def test_the_softmax_of_written_out_numbers_keeps_decimals_unevaluated() -> None:
    half = sympy.Float(0.5)
    out = standard_form(SOFTMAX(sympy.ImmutableMatrix([half, 0])))
    assert isinstance(out, sympy.MatrixBase)
    assert out.shape == (2, 1)
    assert out[0].has(sympy.exp(half, evaluate=False))


def test_a_softmax_of_a_name_and_an_index_is_not_one_of_written_out_entries() -> None:
    x = symbols.vector("x")
    assert standard_form(SOFTMAX(x, symbols.i)) == normalize(SOFTMAX(x, symbols.i))
    assert standard_form(SOFTMAX(a)) is None


def test_every_rule_name_is_a_standard_name_once() -> None:
    names = standard_names()
    assert sorted(names) == sorted({r.name for r in DEFAULT_RULES})
    assert names.index("sigmoid") < names.index("sigma")


def test_a_definition_of_an_alias_defines_the_name_it_stands_for() -> None:
    assert defined_name("sigmoid", 1) == "sigma"
    assert defined_name("sigmoid", 2) == "sigmoid"  # no alias of two arguments
    assert defined_form(SIGMOID(a)) == SIGMA(a)
    assert defined_form(H(P)) == H(P)


def test_an_alias_of_the_users_own() -> None:
    logistic = alias("logistic", "sigma")
    e = sympy.Function("logistic")(a)
    assert normalize(e) == e
    assert normalize(e, (logistic, *DEFAULT_RULES)) == 1 / (1 + sympy.exp(-a))
    assert defined_name("logistic", 1, (logistic,)) == "sigma"


def test_the_parser_reads_the_softmax_of_written_out_entries_by_the_rule() -> None:
    from symderiv.errors import UnsupportedNotationError
    from symderiv.reader import parse_formula

    zero = r"\begin{pmatrix} 0 \\ 0 \end{pmatrix}"
    assert parse_formula(rf"\operatorname{{softmax}}\left({zero}\right)") == sympy.ImmutableMatrix(
        [sympy.Rational(1, 2), sympy.Rational(1, 2)]
    )
    with pytest.raises(UnsupportedNotationError):
        parse_formula(rf"\operatorname{{softmax}}\left({zero} + \mathbf x\right)")
