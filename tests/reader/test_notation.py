"""Notation of real notes read as general rules: one table per construct, (informal, SymPy).

Every row is a small case of its own; none is a corpus line.
"""

from __future__ import annotations

import pytest
import sympy
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.errors import ParseError
from symderiv.reader import parse_formula, read_markdown

i, j, k, n = symbols.i, symbols.j, symbols.k, symbols.n
x, y, p, z = symbols.x, symbols.y, symbols.p, symbols.z
t, u, w, a, b = (symbols.scalar(c) for c in "tuwab")
f, g = sympy.Function("f"), sympy.Function("g")


def read(latex: str) -> sympy.Basic:
    return parse_formula(latex)


def rhs_of(doc: str, index: int = -1) -> sympy.Basic:
    d = read_markdown(doc)
    s = d.steps[index]
    assert s.problem is None, s.problem
    return s.rhs


def lhs_of(doc: str, index: int = -1) -> sympy.Basic:
    d = read_markdown(doc)
    s = d.steps[index]
    assert s.problem is None, s.problem
    return s.lhs


# -- primes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("\\sinh'(t)", sympy.Derivative(sympy.sinh(t), t), id="sinh-prime"),
        pytest.param("cosh'(t)", sympy.Derivative(sympy.cosh(t), t), id="bare-cosh-prime"),
        pytest.param("\\tanh''(u)", sympy.Derivative(sympy.tanh(u), (u, 2)), id="double-prime"),
        pytest.param("\\sigma'(u)", sympy.Derivative(1 / (1 + sympy.exp(-u)), u), id="sigma-prime"),
        pytest.param("g'(w)", sympy.Derivative(g(w), w), id="undefined-prime"),
        pytest.param("g’(w)", sympy.Derivative(g(w), w), id="typographic-apostrophe"),
        pytest.param("g^{ ' }(w)", sympy.Derivative(g(w), w), id="prime-as-superscript"),
        pytest.param("g^\\prime(w)", sympy.Derivative(g(w), w), id="prime-command"),
    ],
)
def test_primes(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    "latex",
    [
        pytest.param("g'(2w)", id="prime-of-an-expression"),
        pytest.param("\\sinh'", id="function-prime-without-argument"),
    ],
)
def test_primes_not_guessed(latex: str) -> None:
    with pytest.raises(ParseError):
        read(latex)


def test_defined_function_prime_is_its_derivative() -> None:
    d = read_markdown("$$g(t) = t^3 \\\\ g'(t) = 3 t^2$$")
    assert d.steps[0].relation.name == "DEFINE"
    assert d.steps[0].lhs == g(t)
    assert d.steps[1].lhs == sympy.Derivative(g(t), t)


# -- application vs product ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param("$$g(t) = t^2 + 1$$\n\n$$u = g(w)$$", None, id="defined-function-applied"),
        pytest.param(
            "$$u = L(y, \\hat y)$$",
            sympy.Function("L")(symbols.scalar("y"), symbols.scalar("\\hat{y}")),
            id="capital-comma-list",
        ),
        pytest.param(
            "$$u = g_\\phi(w, \\epsilon)$$",
            sympy.Function("g_phi")(w, symbols.scalar("epsilon")),
            id="parameter-subscript-comma-list",
        ),
        pytest.param(
            "$$u = h_\\theta(w)$$", sympy.Function("h_theta")(w), id="parameter-subscript"
        ),
        pytest.param("$$u = KL(a, b)$$", sympy.Function("KL")(a, b), id="multi-letter-comma-list"),
        pytest.param("$$u = KL(a \\| b)$$", sympy.Function("KL")(a, b), id="divergence-bars"),
        pytest.param("$$u = KL(a || b)$$", sympy.Function("KL")(a, b), id="divergence-pipes"),
        pytest.param(
            "$$u = q(w | t)$$", sympy.Function("q|")(w, t), id="conditioning-bar-is-an-argument"
        ),
        pytest.param(
            "$$u = q(w, t | a)$$", sympy.Function("q|2")(w, t, a), id="bar-after-two-arguments"
        ),
        pytest.param("$$u = a(1 - a)$$", a * (1 - a), id="product-stays-product"),
    ],
)
def test_application(doc: str, expected: sympy.Basic | None) -> None:
    rhs = rhs_of(doc)
    if expected is None:
        assert rhs == w**2 + 1  # g applied to w: the definition's body at w
    else:
        assert rhs == expected


def test_function_defined_at_chain_head_is_a_definition() -> None:
    d = read_markdown("$$g(t) = t^2 \\\\ g(t) = t \\cdot t$$")
    assert [s.relation.name for s in d.steps] == ["DEFINE", "EQUAL"]
    assert isinstance(d.steps[1].lhs, AppliedUndef)


def test_multi_letter_function_of_the_document() -> None:
    d = read_markdown("$$FL(u) = -\\log(u)$$\n\n$$v = FL(w)$$")
    assert d.steps[-1].rhs == -sympy.log(w)


def test_function_with_entry_after_the_call() -> None:
    e = lhs_of("$$s(\\mathbf x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}$$")
    assert e == sympy.Function("s")(x, i)


# -- sample indices ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("x^{(i)}", symbols.vector("x^{(\\cdot)}")[i], id="sample"),
        pytest.param("\\hat y^{(k)}", symbols.vector("\\hat{y}^{(\\cdot)}")[k], id="hat-sample"),
        pytest.param("x_j^{(i)}", symbols.vector("x^{(\\cdot)}")[i, j], id="entry-of-sample"),
        pytest.param("x^{(2)}", symbols.vector("x^{(\\cdot)}")[2], id="numbered-sample"),
        pytest.param("x^{i}", symbols.scalar("x") ** symbols.scalar("i"), id="power-stays"),
        pytest.param("(a)^{(2)}", a**2, id="parenthesised-base-is-a-power"),
    ],
)
def test_sample_index(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


# -- accents ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("\\hat{y_1}", symbols.vector("\\hat{y}")[1], id="subscript-inside"),
        pytest.param("\\hat{y}_1", symbols.vector("\\hat{y}")[1], id="subscript-outside"),
        pytest.param("\\bar{x_{ij}}", symbols.vector("\\bar{x}")[i, j], id="two-indices-inside"),
        pytest.param(
            "\\tilde{\\theta_k}", symbols.vector("\\tilde{\\theta}")[k], id="greek-inside"
        ),
    ],
)
def test_an_accent_is_on_the_letter_and_the_subscript_names_the_entry(
    latex: str, expected: sympy.Basic
) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize("latex", ["\\hat{x^2}", "\\hat{y_1}_2", "\\hat{ab}"])
def test_an_accent_over_more_than_a_letter_and_its_subscript_is_not_read(latex: str) -> None:
    with pytest.raises(ParseError):
        read(latex)


def test_sample_index_in_a_function() -> None:
    e = read("h_\\theta(x^{(i)})")
    assert e == sympy.Function("h_theta")(symbols.vector("x^{(\\cdot)}")[i])


# -- functions written without a backslash, and their powers ---------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("sinh(t)", sympy.sinh(t), id="sinh"),
        pytest.param("cosh(t)", sympy.cosh(t), id="cosh"),
        pytest.param("tanh(t)", sympy.tanh(t), id="tanh"),
        pytest.param("ln(t)", sympy.log(t), id="ln"),
        pytest.param("exp\\left( t \\right)", sympy.exp(t), id="exp-left-right"),
        pytest.param("\\text{exp}(t)", sympy.exp(t), id="text-exp"),
        pytest.param("exp\\{t/u\\}", sympy.exp(t / u), id="exp-braces"),
        pytest.param("\\tanh^2(t)", sympy.tanh(t) ** 2, id="power-on-function"),
        pytest.param("cosh(t)^{2}", sympy.cosh(t) ** 2, id="power-after-call"),
        pytest.param("\\operatorname{sech}^2 t", sympy.sech(t) ** 2, id="operatorname-sech"),
        pytest.param("\\mathrm{csch}(t)", sympy.csch(t), id="mathrm-csch"),
        pytest.param("\\coth t", sympy.coth(t), id="coth"),
        pytest.param("\\sec^2 t", sympy.sec(t) ** 2, id="sec"),
        pytest.param("\\csc t + \\cot t", sympy.csc(t) + sympy.cot(t), id="csc-cot"),
    ],
)
def test_named_functions(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


def test_inverse_function_power_not_guessed() -> None:
    with pytest.raises(ParseError):
        read("\\tanh^{-1}(t)")


@pytest.mark.parametrize(
    "latex",
    [
        pytest.param("\\operatorname{softmax}(z)_i", id="operatorname"),
        pytest.param("Softmax(z_i)", id="capital-entry-argument"),
        pytest.param("\\mathcal{Softmax}(z_i)", id="mathcal"),
        pytest.param("softmax(z_i)", id="entry-argument"),
    ],
)
def test_softmax_spellings(latex: str) -> None:
    k_ = symbols.index("k")
    assert read(latex) == sympy.exp(z[i]) / sympy.Sum(sympy.exp(z[k_]), (k_, 1, n))


# -- sums ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("\\sum\\limits_j^n x_j", sympy.Sum(x[j], (j, 1, n)), id="limits"),
        pytest.param("\\sum_{ j }^{ } x_j", sympy.Sum(x[j], (j, 1, n)), id="empty-superscript"),
        pytest.param(
            "\\Sigma^m_{i=1} x_i",
            sympy.Sum(x[i], (i, 1, symbols.count("m"))),
            id="capital-sigma-range",
        ),
        pytest.param(
            "\\Sigma_{j=1}^{n} x_j", sympy.Sum(x[j], (j, 1, n)), id="capital-sigma-sub-first"
        ),
        pytest.param("\\Sigma^2", symbols.scalar("Sigma") ** 2, id="capital-sigma-name"),
        pytest.param(
            "\\sum_{k \\neq 1} x_k", sympy.Sum(x[k], (k, 1, n)) - x[1], id="except-a-number"
        ),
        pytest.param(
            "p_i \\sum_{j!=i} x_j",
            p[i] * (sympy.Sum(x[j], (j, 1, n)) - x[i]),
            id="bang-equals",
        ),
    ],
)
def test_sums(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


def test_sum_over_a_set_warns() -> None:
    d = read_markdown("$$u = \\sum_{j \\in S} x_j$$")
    assert any("\\in" in wn for wn in d.steps[0].warnings)


# -- products and fractions ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("p_j.p_i", p[i] * p[j], id="full-stop-product"),
        pytest.param("a \\cdot b", a * b, id="cdot"),
        pytest.param("a * b", a * b, id="star"),
        pytest.param("a \\ast b", a * b, id="ast"),
        pytest.param("{a \\over b}", a / b, id="over-in-braces"),
        pytest.param("u + {a + 1 \\over b}", u + (a + 1) / b, id="over-group-only"),
        pytest.param("a \\over b", a / b, id="over-whole-formula"),
        pytest.param(
            "{\\partial {u}\\over\\partial{x_i}}",
            sympy.Derivative(u, x[i]),
            id="over-derivative",
        ),
        pytest.param("{d \\over dt} t^2", sympy.Derivative(t**2, t), id="over-operator"),
    ],
)
def test_products(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    "latex",
    [
        pytest.param("x_1 ... x_n", id="ellipsis-between-factors"),
        pytest.param("a..b", id="two-stops"),
    ],
)
def test_ellipsis_is_not_a_product(latex: str) -> None:
    with pytest.raises(ParseError):
        read(latex)


# -- limits ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(
            "\\lim_{t \\to 0} \\frac{e^{t} - 1}{t}",
            sympy.Limit((sympy.exp(t) - 1) / t, t, 0, dir="+-"),
            id="finite-point",
        ),
        pytest.param(
            "\\lim_{u\\to \\infty} \\frac{1}{u}",
            sympy.Limit(1 / u, u, sympy.oo),
            id="infinity",
        ),
    ],
)
def test_limits(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


# -- indicators and Kronecker deltas ---------------------------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("\\mathbb{1}[i = j]", sympy.KroneckerDelta(i, j), id="mathbb-brackets"),
        pytest.param("1_{i=j}", sympy.KroneckerDelta(i, j), id="one-subscript"),
        pytest.param("\\mathbf 1_{i=k}", sympy.KroneckerDelta(i, k), id="bold-one"),
        pytest.param("1[i \\neq j]", 1 - sympy.KroneckerDelta(i, j), id="not-equal"),
        pytest.param("1[i != j]", 1 - sympy.KroneckerDelta(i, j), id="bang-equal"),
        pytest.param("\\delta{ij}", sympy.KroneckerDelta(i, j), id="delta-braces"),
        pytest.param("1[a + b]", a + b, id="brackets-without-relation"),
    ],
)
def test_indicators(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


# -- what stays in the formula, what is prose --------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        pytest.param("$$u = -a\\ \\text{diag}\\left(\\frac{1}{b}\\right)$$", True, id="text-name"),
        pytest.param("$$u = \\text{foo}\\, a$$", True, id="unknown-text-name"),
        pytest.param("$$u = a + b \\quad \\text{for } i \\neq j$$", False, id="condition"),
        pytest.param("$$u = a + b, \\text{ where } a = 1$$", False, id="where-clause"),
        pytest.param("$$u = a \\quad \\text{otherwise}$$", False, id="prose-word"),
    ],
)
def test_nothing_read_is_dropped(doc: str, problem: bool) -> None:
    s = read_markdown(doc).steps[0]
    assert (s.problem is not None) is problem
    if problem:
        assert s.problem_span is not None


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            "$$\\mbox{Loss: } u = a + b = b + a$$",
            [("u", "a + b"), ("a + b", "b + a")],
            id="with-a-colon",
        ),
        pytest.param("$$\\text{upper bound} \\ u = a + b$$", [("u", "a + b")], id="words"),
        pytest.param(
            "$$\\text{where } u = a + b$$", [("u", "a + b")], id="an-equation-after-where-is-a-step"
        ),
        pytest.param("$$\\text{for } i = j$$", [], id="a-case-is-no-label"),
        pytest.param("$$\\text{total} = a + b$$", [], id="no-left-side-after-it"),
    ],
)
def test_label_before_a_left_side(doc: str, expected: list[tuple[str, str]]) -> None:
    d = read_markdown(doc)
    assert [(s.lhs_latex, s.rhs_latex) for s in d.steps if s.rhs_latex] == expected


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param("$$u = a \\not= b$$", id="not-equals"),
        pytest.param("$$u = a != b$$", id="bang-equals"),
    ],
)
def test_not_equal_never_cuts_a_chain(doc: str) -> None:
    d = read_markdown(doc)
    assert len(d.steps) == 1 and d.steps[0].rhs is None


# -- multi-letter names ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param("$$loss = a + b$$", symbols.scalar("loss"), id="one-name"),
        pytest.param("$$xyz = x + y + z$$", None, id="letters-used"),
        pytest.param("$$u = gain(a)$$", None, id="applied-name"),
    ],
)
def test_multi_letter_names(doc: str, expected: sympy.Basic | None) -> None:
    s = read_markdown(doc).steps[0]
    assert s.problem is None
    if doc.startswith("$$loss"):
        assert s.lhs == expected and s.warnings
    elif doc.startswith("$$xyz"):
        assert s.lhs == sympy.Mul(*(symbols.scalar(c) for c in "xyz"))
    else:
        assert s.rhs == sympy.Function("gain")(a)


@pytest.mark.parametrize(
    ("doc", "warned"),
    [
        pytest.param("$$u = s(w)$$", True, id="letter-before-one-variable"),
        pytest.param("$$u = a(1 - a)$$", False, id="letter-before-an-expression"),
        pytest.param("$$s(t) = t^2$$\n\n$$u = s(w)$$", False, id="defined-function"),
    ],
)
def test_undecided_application_is_warned(doc: str, warned: bool) -> None:
    s = read_markdown(doc).steps[-1]
    assert any("times (...)" in wn for wn in s.warnings) is warned


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            "$$u_i = \\frac{e^{x_i}}{\\sum e^{x_j}}$$",
            sympy.exp(x[i]) / sympy.Sum(sympy.exp(x[j]), (j, 1, n)),
            id="bare-sum-one-index",
        ),
        pytest.param("$$u = \\sum e^{x_j} + x_j$$", None, id="index-also-outside"),
        pytest.param("$$u = \\frac{1}{\\sum^2}$$", None, id="no-index-at-all"),
        pytest.param("$$u = \\sum x_i y_j$$", None, id="two-indices"),
    ],
)
def test_bare_sum(doc: str, expected: sympy.Basic | None) -> None:
    s = read_markdown(doc).steps[0]
    if expected is None:
        assert s.rhs is None and s.problem_span is not None
    else:
        assert s.rhs == expected and any("bare" in wn for wn in s.warnings)


def test_function_defined_entry_by_entry_is_a_function_of_the_vector() -> None:
    d = read_markdown(
        "$$\\frac{\\partial \\log \\sigma(x_k)}{\\partial x_i} = 1$$\n\n"
        "$$\\sigma(x_i) = \\frac{e^{x_i}}{\\sum_j e^{x_j}}$$"
    )
    sigma = sympy.Function("sigma")
    # used before its definition, sigma(x_k) is still entry k of sigma of the whole vector x:
    # the definition's value with i -> k
    j = symbols.index("j")
    entry_k = sympy.exp(x[k]) / sympy.Sum(sympy.exp(x[j]), (j, 1, symbols.n))
    assert d.steps[0].lhs == sympy.Derivative(sympy.log(entry_k), x[i])
    assert d.steps[1].lhs == sigma(x, i)


def test_function_of_its_own_entry_stays_elementwise() -> None:
    d = read_markdown("$$g(x_i) = x_i^2$$\n\n$$u = g(x_k)$$")
    assert sympy.Function("g")(x, k) != d.steps[-1].rhs


# -- integrals -----------------------------------------------------------------------------------
P_, q_ = sympy.Function("P"), sympy.Function("q")
xs = symbols.scalar("x")


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("\\int q(x) \\, dx", sympy.Integral(q_(xs), xs), id="applied-to-variable"),
        pytest.param(
            "\\int_{-\\infty}^{+\\infty} P(x) \\mathrm{d}x",
            sympy.Integral(P_(xs), (xs, -sympy.oo, sympy.oo)),
            id="bounds-mathrm-d",
        ),
        pytest.param("\\int_0^1 x \\, dx", sympy.Integral(xs, (xs, 0, 1)), id="definite"),
        pytest.param(
            "\\int q_{a}{(x)} dx",
            sympy.Integral(sympy.Function("q_{a}")(xs), xs),
            id="braces-around-the-argument",
        ),
        pytest.param("\\frac{u}{(t)}", u / t, id="braces-of-a-fraction-stay"),
        pytest.param("\\int_x q(x) dx", sympy.Integral(q_(xs), xs), id="over-the-variable"),
        pytest.param(
            "\\int q(x) dx + \\int q(x) x dx",
            sympy.Integral(q_(xs), xs) + sympy.Integral(xs * q_(xs), xs),
            id="two-integrals",
        ),
        pytest.param(
            "\\int_0^1 \\lambda^2 \\, d\\lambda",
            sympy.Integral(symbols.scalar("lambda") ** 2, (symbols.scalar("lambda"), 0, 1)),
            id="a-greek-variable",
        ),
        pytest.param(
            "\\int q(\\eta) d\\eta",
            sympy.Integral(q_(symbols.scalar("eta")), symbols.scalar("eta")),
            id="a-greek-variable-applied",
        ),
    ],
)
def test_integrals(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    "latex",
    [
        pytest.param("\\int q(x)", id="no-differential"),
        pytest.param("\\int_0 q(x) dx", id="one-bound"),
    ],
)
def test_integrals_not_guessed(latex: str) -> None:
    with pytest.raises(ParseError):
        read(latex)


# -- a number right after a function starts its argument -----------------------------------------
@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("\\log 2\\pi a^2", sympy.log(2 * sympy.pi * a**2), id="log-of-a-product"),
        pytest.param("\\sin 2u", sympy.sin(2 * u), id="sin-2u"),
        pytest.param("\\log 2 + u", sympy.log(2) + u, id="operator-ends-it"),
        pytest.param(
            "\\log 2a \\int q(x) dx",
            sympy.log(2 * a) * sympy.Integral(q_(xs), xs),
            id="big-operator-ends-it",
        ),
        pytest.param("\\log a b", sympy.log(a) * b, id="a-letter-takes-one-factor"),
    ],
)
def test_function_argument_after_a_number(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(
            "\\frac{\\partial^2 u}{\\partial t^2}", sympy.Derivative(u, (t, 2)), id="partial"
        ),
        pytest.param("\\frac{d^2 u}{dt^2}", sympy.Derivative(u, (t, 2)), id="leibniz"),
        pytest.param(
            "\\frac{\\partial^2 u}{\\partial x_i^2}", sympy.Derivative(u, (x[i], 2)), id="entry"
        ),
        pytest.param("\\frac{d^2}{2 t^2}", symbols.scalar("d") ** 2 / (2 * t**2), id="d-squared"),
    ],
)
def test_second_derivatives(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param("g'h", symbols.scalar("g'") * symbols.scalar("h"), id="bare-prime"),
        pytest.param("D^* + 1", symbols.scalar("D^*") + 1, id="star"),
        pytest.param("D^{*} + D^\\star", 2 * symbols.scalar("D^*"), id="star-spellings"),
    ],
)
def test_decorated_names(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


# -- terms left out, arguments left out, expectations over densities, odd variables -------------
X = symbols.scalar("x")
q_, D_, H_ = sympy.Function("q"), sympy.Function("D"), sympy.Function("H")
_k = symbols.index("k")
C = symbols.count("C")


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(
            "x_1 + ... + x_n",
            sympy.Sum(x[_k], (_k, 1, n)),
            id="elided-terms-after-one",
        ),
        pytest.param(
            "a_1 + a_2 + \\cdots + a_n",
            sympy.Sum(symbols.vector("a")[_k], (_k, 1, n)),
            id="elided-terms-to-n",
        ),
        pytest.param(
            "-Y_1 s_1 - Y_2 s_2 - ... - Y_C s_C",
            sympy.Sum(-symbols.vector("Y")[_k] * symbols.vector("s")[_k], (_k, 1, C)),
            id="elided-negative-terms-to-a-count",
        ),
        pytest.param(
            "p(w_1, \\ldots, w_n)",
            sympy.Function("p")(
                symbols.vector("w")[1], symbols.scalar("\\ldots"), symbols.vector("w")[n]
            ),
            id="arguments-left-out",
        ),
        pytest.param(
            "E_{x \\sim q(x)}[\\log D(x)]",
            sympy.Integral(q_(X) * sympy.log(D_(X)), X),
            id="expectation-over-a-density",
        ),
        pytest.param(
            "{\\mathbb{E}_{u \\sim q(u)}}\\left[u^2\\right]",
            sympy.Integral(u**2 * q_(u), u),
            id="braces-around-the-expectation-operator",
        ),
        pytest.param(
            "E_{U \\sim q(u)}[U^2 + 1]",
            sympy.Integral((u**2 + 1) * q_(u), u),
            id="capital-variable-density-at-its-value",
        ),
        pytest.param(
            "H(y_i, \\hat{y}_i)",
            H_(y[i], symbols.vector("\\hat{y}")[i]),
            id="entropy-like-name-of-two-names-that-are-no-distributions",
        ),
        pytest.param(
            "\\frac{\\partial \\log \\sigma(u)}{\\partial \\sigma(u)}",
            1 + sympy.exp(-u),  # 1 / sigma(u), the standard sigmoid
            id="derivative-by-a-function-value",
        ),
        pytest.param(
            "\\frac{\\partial f}{\\partial s^2}",
            sympy.Derivative(symbols.scalar("f"), symbols.scalar("s")) / (2 * symbols.scalar("s")),
            id="first-derivative-by-a-square",
        ),
    ],
)
def test_real_notation_read_as_general_rules(latex: str, expected: sympy.Basic) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(
            "\\Sigma_{w} q(w)",
            sympy.Sum(symbols.vector("q")[symbols.index("w")], (symbols.index("w"), 1, n)),
            id="sigma-over-the-letter-its-terms-are-applied-to",
        ),
        pytest.param("\\Sigma_{w} u", None, id="sigma-entry"),
    ],
)
def test_capital_sigma(latex: str, expected: sympy.Basic | None) -> None:
    if expected is None:
        assert not read(latex).has(sympy.Sum)
    else:
        assert read(latex) == expected


def test_a_conditional_is_never_the_joint() -> None:
    assert read("\\log p(u | t)") != read("\\log p(u, t)")


def test_a_capital_variable_drawn_from_its_own_density_keeps_its_name() -> None:
    big_u = symbols.scalar("U")
    assert read("E_{U \\sim q(U)}[U]") == sympy.Integral(big_u * q_(big_u), big_u)


def test_an_unmatched_parenthesis_closing_a_braced_group_is_a_reported_typo() -> None:
    d = read_markdown("$$u = \\frac{a + b)}{2}$$")
    (s,) = d.steps
    assert s.problem is None and s.rhs == (a + b) / 2
    assert any("unmatched ')'" in w for w in s.warnings)


BARS = [
    pytest.param("t^2 \\big|_{t=3}", sympy.Subs(t**2, t, 3), id="big-bar"),
    pytest.param("\\left. t^2 \\right|_{t=a+1}", sympy.Subs(t**2, t, a + 1), id="left-dot-right-bar"),
    pytest.param("|t|_{t=1}", None, id="an-absolute-value-is-no-evaluation-bar"),
]
NORMS = [
    pytest.param("\\|\\mathbf x\\|^2", sympy.Sum(x[k] ** 2, (k, 1, n)), id="squared"),
    pytest.param(
        "\\lVert \\mathbf x - \\mathbf y \\rVert_2",
        sympy.sqrt(sympy.Sum((x[k] - y[k]) ** 2, (k, 1, n))),
        id="lvert-rvert-euclidean",
    ),
    pytest.param("\\|x\\|^2", None, id="of-a-name-not-known-as-a-vector"),
    pytest.param("\\|\\mathbf x\\|_1", None, id="another-norm"),
]
ELIDED_COLUMNS = [
    pytest.param(
        "\\begin{bmatrix} \\frac{y_1}{p_1} \\\\ \\vdots \\\\ \\frac{y_K}{p_K} \\end{bmatrix}",
        y[i] / p[i],
        id="first-and-last",
    ),
    pytest.param(
        "\\begin{pmatrix} x_1 - y_1 \\\\ x_2 - y_2 \\\\ \\vdots \\\\ x_n - y_n \\end{pmatrix}",
        x[i] - y[i],
        id="two-shown-before-the-dots",
    ),
    pytest.param(
        "\\begin{bmatrix} x_1 \\\\ \\vdots \\\\ y_n \\end{bmatrix}", None, id="entries-of-no-one-pattern"
    ),
    pytest.param(
        "\\begin{bmatrix} x_1 \\\\ x_3 \\\\ \\vdots \\\\ x_n \\end{bmatrix}", None, id="not-consecutive"
    ),
    pytest.param(
        "\\begin{bmatrix} x_1 & \\cdots & x_n \\end{bmatrix}", None, id="a-row-with-dots-is-not-read"
    ),
]


@pytest.mark.parametrize(("latex", "expected"), [*BARS, *NORMS, *ELIDED_COLUMNS])
def test_evaluation_bars_norms_and_columns_with_dots(
    latex: str, expected: sympy.Basic | None
) -> None:
    """Read as the formula shown, or (None) not read: never guessed."""
    if expected is None:
        with pytest.raises(ParseError):
            read(latex)
    else:
        assert read(latex) == expected


UNCLOSED = [
    pytest.param("$$u = (1 - a)(\\log(1 - b)$$", (1 - a) * sympy.log(1 - b), id="closed-after-the-last-factor"),
    pytest.param("$$u = a + (b - 1$$", a + b - 1, id="closed-after-a-sum-it-heads"),
    pytest.param("$$u = a + \\frac{1}{2}(b + 1$$", None, id="a-half-of-b-or-of-b-plus-one-is-not-read"),
    pytest.param("$$u = 3(a + b$$", None, id="a-product-closed-after-a-or-after-b-is-not-read"),
    pytest.param("$$u = (a + \\log(b$$", None, id="two-brackets-left-open-are-not-read"),
]


@pytest.mark.parametrize(("doc", "expected"), UNCLOSED)
def test_a_bracket_left_open_is_closed_only_where_every_place_agrees(
    doc: str, expected: sympy.Basic | None
) -> None:
    (s,) = read_markdown(doc).steps
    if expected is None:
        assert s.problem is not None and "close" in s.problem
    else:
        assert s.problem is None and s.rhs == expected
        assert any("never closed" in w for w in s.warnings)


@pytest.mark.parametrize(
    "latex",
    [
        pytest.param("a_1 + a_3 + \\cdots + a_n", id="terms-shown-are-not-consecutive"),
        pytest.param("a_1 + b_2 + \\cdots + a_n", id="terms-shown-differ-in-form"),
    ],
)
def test_elided_terms_are_never_guessed(latex: str) -> None:
    with pytest.raises(ParseError, match="left out"):
        read(latex)


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(
            "$$\\sum_{i=1}^n y_i s_i = \\mathbf y \\mathbf s^\\top + \\operatorname{diag}(\\mathbf s)$$",
            id="a-matrix-against-a-sum-as-columns-and-as-rows",
        ),
    ],
)
def test_a_matrix_equated_to_a_scalar_is_not_judged(doc: str) -> None:
    (s,) = read_markdown(doc).steps
    assert s.problem is not None and "matrix on one side" in s.problem


def test_bold_vectors_are_rows_where_as_columns_the_shapes_do_not_fit() -> None:
    doc = "$$-\\sum_{i=1}^n y_i \\log s_i = -\\mathbf y \\log \\mathbf s^\\top$$"
    (s,) = read_markdown(doc).steps
    assert s.problem is None and s.rhs is not None and not s.rhs.has(j)
    assert any("as rows" in w for w in s.warnings)


def test_a_bold_subscript_names_a_vector_not_an_index() -> None:
    # J_{x}(s): the Jacobian of s by the vector x, read as its entry (i, j)
    assert read("\\mathbf J_{\\mathbf x}(\\mathbf s)") == sympy.Derivative(symbols.vector("s")[i], x[j])
    assert read("\\mathbf{x_i}") == x[i]


# -- two-digit subscripts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            "$$a_k = \\sum_j v_{kj} z_j$$\n\n$$b = v_{01}$$\n",
            symbols.vector("v")[0, 1],
            id="a-letter-written-with-two-indices",
        ),
        pytest.param(
            "$$a = \\sum_j v_j z_j$$\n\n$$b = v_{01}$$\n",
            symbols.vector("v")[1],
            id="a-letter-written-with-one-index",
        ),
        pytest.param(
            "$$a_k = v_{kj} + v_j$$\n\n$$b = v_{12}$$\n",
            symbols.vector("v")[12],
            id="a-letter-written-with-one-and-two-indices",
        ),
    ],
)
def test_a_two_digit_subscript_is_two_indices_where_the_letter_has_two(
    doc: str, expected: sympy.Basic
) -> None:
    assert rhs_of(doc) == expected


# -- a letter defined as a scalar --------------------------------------------------------------
def test_a_subscript_on_a_letter_defined_as_a_scalar_names_another_quantity() -> None:
    doc = "$$p = \\frac{1}{1 + e^{-z}}$$\n\n$$u = p_t (1 - p)$$\n"
    assert rhs_of(doc) == symbols.scalar("p_t") * (1 - symbols.scalar("p"))


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(
            "$$p = \\frac{1}{1 + e^{-z}}$$\n\n$$L = -\\sum_i y_i \\log p_i$$\n\n$$u = p_t$$\n",
            id="its-entries-summed-over",
        ),
        pytest.param(
            "$$p = e^{x} \\iff \\frac{dp}{dx} = e^{x}$$\n\n$$u = p_t$$\n",
            id="a-rule-s-own-letter",
        ),
    ],
)
def test_a_letter_defined_as_a_scalar_keeps_its_entries_where_they_are_used_as_such(
    doc: str,
) -> None:
    assert rhs_of(doc) == symbols.vector("p")[symbols.index("t")]


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(
            "[\\sigma(\\mathbf x)]_i",
            sympy.Function("sigma")(x, i),
            id="brackets-around-the-call",
        ),
        pytest.param(
            "\\left(\\sigma(\\mathbf x)\\right)_i",
            sympy.Function("sigma")(x, i),
            id="sized-parentheses",
        ),
    ],
)
def test_the_entry_of_a_bracketed_call_is_the_calls_entry(
    latex: str, expected: sympy.Basic
) -> None:
    assert read(latex) == expected


@pytest.mark.parametrize(
    "latex", ["[\\sigma(\\mathbf x) + 1]_i", "(a + b)_i", "[\\sigma(x)(y)]_i"]
)
def test_a_subscript_on_a_bracketed_expression_stays_unread(latex: str) -> None:
    with pytest.raises(ParseError):
        read(latex)


# -- optima --------------------------------------------------------------------------------------
def test_an_optimum_is_never_read_as_its_objective() -> None:
    with pytest.raises(ParseError):
        read("\\max_t (1 - t^2)")
    with pytest.raises(ParseError):
        read("\\min_u \\max_t g(t, u)")
    assert read("\\arg\\max_t (1 - t^2)") == sympy.Function("argmax")(1 - t**2, t)
