"""parse_formula: informal ML LaTeX as people write it → the agreed canonical SymPy."""

from __future__ import annotations

import re

import pytest
import sympy
from sympy import (
    Derivative,
    Eq,
    Float,
    ImmutableMatrix,
    Integer,
    KroneckerDelta,
    Rational,
    Sum,
    exp,
    log,
)

from symderiv import symbols
from symderiv.errors import ParseError, UnsupportedNotationError
from symderiv.reader import parse_formula

i, j, k, n = symbols.i, symbols.j, symbols.k, symbols.n
x, y, p, z = symbols.x, symbols.y, symbols.p, symbols.z
X = symbols.index("x")
P, Q = symbols.distribution("P"), symbols.distribution("Q")
L = symbols.scalar("L")
a = symbols.scalar("a")
C = symbols.count("C")
S = symbols.vector("S")


def softmax_i(idx: sympy.Expr, v: sympy.IndexedBase = x) -> sympy.Expr:
    return exp(v[idx]) / Sum(exp(v[k]), (k, 1, n))


CASES = [
    # sums and their bounds
    pytest.param(r"\sum_j y_j", Sum(y[j], (j, 1, n)), id="sum-no-braces"),
    pytest.param(r"\sum_{j} y_{j}", Sum(y[j], (j, 1, n)), id="sum-braces"),
    pytest.param(r"\sum_{j}^{n} y_j", Sum(y[j], (j, 1, n)), id="sum-upper-n"),
    pytest.param(r"\sum_j^C y_j", Sum(y[j], (j, 1, C)), id="sum-upper-C"),
    pytest.param(r"\sum_{j=1}^{n} y_j", Sum(y[j], (j, 1, n)), id="sum-from-1-to-n"),
    pytest.param(r"\sum_{j=0}^{n-1} y_j", Sum(y[j], (j, 0, n - 1)), id="sum-shifted-range"),
    pytest.param(r"\sum\limits_{k} y_k", Sum(y[k], (k, 1, n)), id="sum-limits"),
    pytest.param(r"\sum_k y_k \log p_k", Sum(y[k] * log(p[k]), (k, 1, n)), id="sum-body-product"),
    pytest.param(
        r"-\sum_j y_j \times \log p_j + 1",
        -Sum(y[j] * log(p[j]), (j, 1, n)) + 1,
        id="sum-body-stops-at-plus",
    ),
    pytest.param(
        r"p_i \sum_{k \neq i} y_k", p[i] * (Sum(y[k], (k, 1, n)) - y[i]), id="sum-k-neq-i"
    ),
    pytest.param(
        r"-y_i - \sum_{i \neq j} y_j p_i",
        -y[i] - (Sum(y[j] * p[i], (j, 1, n)) - y[i] * p[i]),
        id="sum-i-neq-j-runs-over-the-index-not-free",
    ),
    pytest.param(r"\sum_x P(x)", Sum(P[X], (X, 1, n)), id="sum-over-outcomes"),
    # entries and indices
    pytest.param(r"x_i", x[i], id="entry"),
    pytest.param(r"x_{ij}", x[i, j], id="matrix-entry"),
    pytest.param(r"x_{i,j}", x[i, j], id="matrix-entry-comma"),
    pytest.param(r"x_1", x[1], id="concrete-index"),
    pytest.param(r"x_{i+1}", x[i + 1], id="index-expression"),
    pytest.param(r"\mathbf{x_i}", x[i], id="mathbf-entry"),
    pytest.param(r"\boldsymbol{x}_i", x[i], id="boldsymbol-entry"),
    pytest.param(r"\theta_i", symbols.vector("theta")[i], id="greek-entry"),
    pytest.param(r"D_{KL}", symbols.scalar("D_KL"), id="multi-letter-subscript-is-a-name"),
    pytest.param(r"p_i^2", p[i] ** 2, id="entry-squared"),
    pytest.param(r"\delta_{ij}", KroneckerDelta(i, j), id="kronecker"),
    pytest.param(r"\delta_{i j}", KroneckerDelta(i, j), id="kronecker-sympy-printed"),
    # exp and log
    pytest.param(r"exp(x_i)", exp(x[i]), id="exp-word"),
    pytest.param(r"\exp(x_i)", exp(x[i]), id="exp-command"),
    pytest.param(r"\exp x_i", exp(x[i]), id="exp-no-parens"),
    pytest.param(r"e^{x_i}", exp(x[i]), id="e-power"),
    pytest.param(r"e^{-a}", exp(-a), id="e-power-negative"),
    pytest.param(r"\log p_j", log(p[j]), id="log-is-natural"),
    pytest.param(r"log(p_j)", log(p[j]), id="log-word"),
    pytest.param(r"\ln p_j", log(p[j]), id="ln"),
    pytest.param(r"\log_2 a", log(a) / log(2), id="log2"),
    pytest.param(r"\log_{10}(a)", log(a) / log(10), id="log10"),
    pytest.param(r"\log{\left(p_{j} \right)}", log(p[j]), id="log-sympy-printed"),
    pytest.param(r"\log \frac{P(x)}{Q(x)}", log(P[X] / Q[X]), id="log-of-fraction"),
    # products and fractions
    pytest.param(r"p_i \times (1 - p_i)", p[i] * (1 - p[i]), id="times"),
    pytest.param(r"p_i \cdot p_j", p[i] * p[j], id="cdot"),
    pytest.param(r"p_i * p_j", p[i] * p[j], id="star"),
    pytest.param(r"p_i p_j", p[i] * p[j], id="juxtaposition"),
    pytest.param(r"-p_i p_j", -p[i] * p[j], id="unary-minus"),
    pytest.param(r"\frac{1}{p_j}", 1 / p[j], id="frac"),
    pytest.param(r"\dfrac{a}{2}", a / 2, id="dfrac"),
    pytest.param(r"\frac12", Rational(1, 2), id="frac-no-braces"),
    pytest.param(r"a / 2", a / 2, id="slash"),
    pytest.param(
        r"\frac{exp(x_i)}{\sum_{j}^{n} exp(x_j)}",
        exp(x[i]) / Sum(exp(x[j]), (j, 1, n)),
        id="softmax-written-out",
    ),
    # derivatives
    pytest.param(r"\frac{\partial L}{\partial x_i}", Derivative(L, x[i]), id="dL-dx"),
    pytest.param(r"\frac{\partial p_j}{\partial x_i}", Derivative(p[j], x[i]), id="dp-dx"),
    pytest.param(
        r"\frac{\partial \log p_j}{\partial x_i}",
        Derivative(log(p[j]), x[i]),
        id="dlogp-dx",
    ),
    pytest.param(
        r"\frac{\partial}{\partial x_i}\left(-\sum_j y_j \log p_j\right)",
        Derivative(-Sum(y[j] * log(p[j]), (j, 1, n)), x[i]),
        id="operator-on-parens",
    ),
    pytest.param(
        r"\frac{\partial^2 L}{\partial x_i \partial x_j}",
        Derivative(L, x[i], x[j]),
        id="second-derivative",
    ),
    pytest.param(r"\partial_{x_i} L", Derivative(L, x[i]), id="partial-subscript-variable"),
    pytest.param(r"\partial L / \partial x_i", Derivative(L, x[i]), id="partial-slash"),
    pytest.param(r"\frac{d L}{d x_i}", Derivative(L, x[i]), id="d-over-d"),
    # layout that means nothing
    pytest.param(r"\left( p_i \right)", p[i], id="left-right"),
    pytest.param(r"\bigl( p_i \bigr) + \Big[ y_i \Big]", p[i] + y[i], id="big-sizes"),
    pytest.param(r"p_i \, p_j \; \! ", p[i] * p[j], id="spacing"),
    pytest.param(r"\boxed{p_i - y_i}", p[i] - y[i], id="boxed"),
    pytest.param(r"\color{red}{p_i}", p[i], id="color"),
    pytest.param(r"\displaystyle p_i", p[i], id="displaystyle"),
    pytest.param(r"p_i × p_j − y_i", p[i] * p[j] - y[i], id="unicode-operators"),
    # vectors
    pytest.param(
        r"\begin{bmatrix} 2 \\ 1 \\ 0 \end{bmatrix}",
        ImmutableMatrix([2, 1, 0]),
        id="bmatrix-column",
    ),
    pytest.param(
        r"\begin{pmatrix} 0.7 & 0.2 & 0.1 \end{pmatrix}",
        ImmutableMatrix([[Float("0.7"), Float("0.2"), Float("0.1")]]),
        id="pmatrix-row",
    ),
    pytest.param(r"(2, 1, 0)^T", ImmutableMatrix([2, 1, 0]), id="tuple-transposed"),
    pytest.param(r"[2, 1, 0]", ImmutableMatrix([[2, 1, 0]]), id="bracket-list"),
    # distributions and the standard objects of the field
    pytest.param(r"P(x)", P[X], id="distribution-entry"),
    pytest.param(r"\mathbf{P}(\mathbf{x})", P[X], id="bold-distribution-entry"),
    pytest.param(r"-\log(P(x))", -log(P[X]), id="information"),
    pytest.param(r"\operatorname{softmax}(x)_i", softmax_i(i), id="softmax-operatorname"),
    pytest.param(r"softmax(z)_j", exp(z[j]) / Sum(exp(z[k]), (k, 1, n)), id="softmax-word"),
    pytest.param(r"\sigma(a)", 1 / (1 + exp(-a)), id="sigmoid"),
    pytest.param(r"H(P)", -Sum(P[X] * log(P[X]), (X, 1, n)), id="entropy"),
    pytest.param(r"H(P,Q)", -Sum(P[X] * log(Q[X]), (X, 1, n)), id="cross-entropy"),
    pytest.param(
        r"D_{KL}(P||Q)",
        Sum(P[X] * (log(P[X]) - log(Q[X])), (X, 1, n)),
        id="kl-double-bar",
    ),
    pytest.param(
        r"D_{KL}(P \| Q)",
        Sum(P[X] * (log(P[X]) - log(Q[X])), (X, 1, n)),
        id="kl-norm-bar",
    ),
    pytest.param(r"E_{X \sim P}[\log(P(x))]", Sum(P[X] * log(P[X]), (X, 1, n)), id="expectation"),
    pytest.param(
        r"E_{X \sim P} \left[ \log P(x) - \log Q(x) \right]",
        Sum(P[X] * (log(P[X]) - log(Q[X])), (X, 1, n)),
        id="expectation-left-right",
    ),
    # numbers
    pytest.param(r"0.155", Float("0.155"), id="float"),
    pytest.param(
        r"-(1 \times \log(0.7))", -log(Float("0.7"), evaluate=False), id="log-of-number-kept"
    ),
    pytest.param(r"2^{10}", Integer(1024), id="small-power"),
]


@pytest.mark.parametrize(("latex", "expected"), CASES)
def test_informal_latex_reads_as_canonical_sympy(latex: str, expected: sympy.Basic) -> None:
    got = parse_formula(latex)
    assert got == expected, f"{latex!r} read as {got!r}"


def test_free_and_bound_index_are_kept_apart() -> None:
    e = parse_formula(r"p_i \sum_j y_j")
    assert e.free_symbols & {i, j} == {i}


def test_log_of_a_number_is_not_evaluated() -> None:
    e = parse_formula(r"-\log(0.7)")
    assert e.atoms(sympy.log) == {log(Float("0.7"), evaluate=False)}


@pytest.mark.parametrize(
    ("latex", "message", "column"),
    [
        pytest.param(r"p_i + \foo", r"^unknown command '\\foo'$", 7, id="unknown-macro"),
        pytest.param(
            r"\frac{a}{b", r"^unbalanced braces: '\{' is never closed$", 9, id="unbalanced"
        ),
        pytest.param(r"a + }", r"^unbalanced braces: '\}' closes nothing$", 5, id="stray-brace"),
        pytest.param(
            r"\sum y_j z_k",
            r"^\\sum without a summation index, and its body has no single index to sum over$",
            1,
            id="sum-without-index",
        ),
        pytest.param(r"p_i +", r"^the formula ends where a term was expected$", 5, id="ends-early"),
        pytest.param(r"a = b", r"^unexpected '='$", 3, id="relation-is-not-one-expression"),
        pytest.param(
            r"\partial_j S_i",
            r"^\\partial_j: the variable is not named and the "
            r"logits' name is unknown$",
            1,
            id="partial-j-unknown-logits",
        ),
        pytest.param(
            r"x^{10^{10^{10}}}",
            r"^number too large: the power has more than "
            r"1000 digits$",
            6,
            id="tower-of-powers",
        ),
        pytest.param(
            r"p_i \text{if } i = j", r"^prose 'if' inside the math$", 11, id="prose-inside"
        ),
        pytest.param(r"(\sum_k y_k)'", r"^primes \(f'\) are not read$", 13, id="prime"),
    ],
)
def test_errors_name_the_token_and_its_column(latex: str, message: str, column: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_formula(latex)
    assert re.match(message, info.value.message), info.value.message
    assert info.value.span is not None
    assert (info.value.span.line, info.value.span.column) == (1, column)


def test_unknown_macro_is_unsupported_not_never() -> None:
    with pytest.raises(UnsupportedNotationError):
        parse_formula(r"\foo")


def test_sum_neq_with_neither_index_free_says_how_it_was_read() -> None:
    from symderiv.reader.parser import parse_math

    parsed = parse_math(r"\sum_{k \neq i} y_k")
    assert parsed.expr == Sum(y[k], (k, 1, n)) - y[i]
    assert parsed.warnings == (r"read \sum_{k \neq i} as a sum over k (neither index is free)",)


def test_partial_j_with_known_logits() -> None:
    from symderiv.reader.parser import ParseContext, parse_math

    e = parse_math(r"\partial_j S_i", ctx=ParseContext(logits="z")).expr
    assert e == Derivative(S[i], z[j])


def test_relation_mode_reads_bare_letters_as_indices() -> None:
    from symderiv.reader.parser import ParseContext, parse_math

    e = parse_math(r"i \neq j", ctx=ParseContext(index_mode=True), relation=True).expr
    assert e == sympy.Ne(i, j)
    assert parse_math(r"\sum_j y_j = 1", relation=True).expr == Eq(Sum(y[j], (j, 1, n)), 1)


# -- vector notation, read in index form: a vector is its entry i, a matrix its entry (i, j)
J = symbols.vector("J")
a_vec = symbols.vector("a")


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(r"\mathbf{p} - \mathbf{y}", p[i] - y[i], id="vector-difference"),
        pytest.param(
            r"\operatorname{diag}(\mathbf{p}) - \mathbf{p} \mathbf{p}^\top",
            KroneckerDelta(i, j) * p[i] - p[i] * p[j],
            id="diag-minus-outer-product",
        ),
        pytest.param(r"\mathbf{p}^\top \mathbf{1}", Sum(p[k], (k, 1, n)), id="inner-with-ones"),
        pytest.param(
            r"-\mathbf{y}^\top \log \mathbf{p}", -Sum(y[k] * log(p[k]), (k, 1, n)), id="ce"
        ),
        pytest.param(r"\mathbf{y} \oslash \mathbf{p}", y[i] / p[i], id="oslash"),
        pytest.param(r"\mathbf{y} \odot \mathbf{p}", y[i] * p[i], id="odot"),
        pytest.param(r"\nabla_{\mathbf{a}} L", Derivative(L, a_vec[i]), id="gradient"),
        pytest.param(r"2 \mathbf{p}", 2 * p[i], id="scaled"),
        pytest.param(r"\mathbf{0}", Integer(0), id="zero-vector"),
        pytest.param(r"\mathbf{p} + 1", p[i] + 1, id="vector-plus-number"),
        pytest.param(r"a - \mathbf{p}", a - p[i], id="scalar-minus-vector"),
        pytest.param(r"e^{-\mathbf{p}}", sympy.exp(-p[i]), id="e-to-a-vector"),
        pytest.param(r"\tanh(\mathbf{p})", sympy.tanh(p[i]), id="tanh-of-a-vector"),
        pytest.param(r"\sigma(\mathbf{p})", 1 / (1 + sympy.exp(-p[i])), id="sigmoid-of-a-vector"),
        pytest.param(
            r"\frac{1}{1 + e^{-\mathbf{p}}}", 1 / (1 + sympy.exp(-p[i])), id="sigmoid-written-out"
        ),
    ],
)
def test_vector_notation_reads_in_index_form(latex: str, expected: sympy.Basic) -> None:
    assert parse_formula(latex) == expected


def test_matrix_named_with_two_indices_elsewhere() -> None:
    from symderiv.reader.parser import ParseContext, parse_math

    ctx = ParseContext(matrices=frozenset({"J"}))
    e = parse_math(r"J^\top \nabla_{\mathbf{p}} L", ctx=ctx).expr
    assert e == Sum(J[k, i] * Derivative(L, p[k]), (k, 1, n))


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        pytest.param(
            r"\text{diag}(\mathbf{p}) - \mathbf{p}^\top \mathbf{p}",
            "a matrix added to a scalar",
            id="matrix-minus-inner-product",
        ),
        pytest.param(
            r"\mathbf{y} - \mathbf{p}^\top \mathbf{p}",
            "a vector added to a scalar",
            id="vector-minus-inner-product",
        ),
        pytest.param(r"\mathbf{p} \mathbf{y}", "a product of a vector and a vector", id="col-col"),
        pytest.param(r"\sum_k \mathbf{p}", "vector notation in this place is not read", id="sum"),
        pytest.param(
            r"a \odot \mathbf{h}",
            "vector notation in this place is not read",
            id="scalar-hadamard-vector",
        ),
        pytest.param(
            r"2^{\mathbf{h}}", "vector notation in this place is not read", id="scalar-to-a-vector"
        ),
    ],
)
def test_vector_notation_errors(latex: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_formula(latex)
    assert info.value.message == message


def test_a_vector_value_refuses_pythons_arithmetic_with_a_typed_error() -> None:
    """SymPy hands a vector value back to Python's operators; the value names the refusal."""
    from symderiv.reader import _vectors

    h = _vectors.vector("h")
    for op in (lambda: sympy.Symbol("a") * h, lambda: 1 / h, lambda: -h, lambda: h + 1):
        with pytest.raises(_vectors.NotAScalar, match=r"^a vector where a number is wanted$"):
            op()


@pytest.mark.parametrize(
    ("command", "latex", "expected"),
    [
        pytest.param("frac", r"\frac{1}{a}", 1 / a, id="frac"),
        pytest.param("dfrac", r"\dfrac{1}{a}", 1 / a, id="dfrac"),
        pytest.param("tfrac", r"\tfrac{1}{a}", 1 / a, id="tfrac"),
        pytest.param("cfrac", r"\cfrac{1}{a}", 1 / a, id="cfrac"),
        pytest.param("sum", r"\sum_{k=1}^{n} x_k", Sum(x[k], (k, 1, n)), id="sum"),
        pytest.param("prod", r"\prod_{k=1}^{n} x_k", sympy.Product(x[k], (k, 1, n)), id="prod"),
        pytest.param("partial", r"\partial L / \partial a", Derivative(L, a), id="partial"),
        pytest.param("sqrt", r"\sqrt{a}", sympy.sqrt(a), id="sqrt"),
        pytest.param("nabla", r"\nabla_{a} L", Derivative(L, a), id="nabla"),
        pytest.param("infty", r"\infty", sympy.oo, id="infty"),
        pytest.param("pi", r"\pi", sympy.pi, id="pi"),
        pytest.param("lim", r"\lim_{a \to 0} a", Integer(0), id="lim"),
        pytest.param("int", r"\int_0^1 a \, da", Rational(1, 2), id="int"),
        pytest.param("{", r"\{ a \}", a, id="braced"),
    ],
)
def test_every_command_of_the_table_reads(command: str, latex: str, expected: sympy.Basic) -> None:
    from symderiv.reader.parser import COMMANDS

    assert command in COMMANDS
    got = parse_formula(latex)
    assert got == expected or sympy.simplify(got - expected) == 0


def test_a_command_of_the_table_is_none_read_only_in_some_places() -> None:
    from symderiv.reader import parser

    conditional = {"Sigma", "Pi", "langle", "arg", "delta"} | parser._OPTIMA
    assert not set(parser.COMMANDS) & (parser._CMD_FUNCS | parser._NORM_OPEN | conditional)


@pytest.mark.parametrize("command", ["frac", "dfrac", "tfrac", "cfrac"])
def test_every_fraction_command_is_a_fraction(command: str) -> None:
    assert parse_formula(rf"\{command}{{1}}{{1 + \{command}{{1}}{{a}}}}") == 1 / (1 + 1 / a)


def test_h_of_a_number_is_a_function_of_it() -> None:
    """H(x), x no distribution, vector or random variable: the document's function of x (the
    binary entropy H(p) = -p log p - ...), unknown until it says; never an entropy guessed."""
    e = parse_formula(r"H(x)")
    assert e.func.__name__ == "H" and e.args == (sympy.Symbol("x", real=True),), sympy.srepr(e)
