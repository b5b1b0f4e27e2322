"""The LaTeX printer: exact output for the field's notation, settings, model objects."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols as s
from symderiv.model import Assumption, Derivation, Step
from symderiv.writer._latexprinter import margin_latex
from symderiv.writer.latex import (
    SymderivLatexPrinter,
    estimated_width,
    justification_tex,
    latex_text,
    to_latex,
)

D = sympy.Derivative
KD = sympy.KroneckerDelta
SUM_X = sympy.Sum(sympy.exp(s.x[s.k]), (s.k, 1, s.n))
SUM_Y = sympy.Sum(s.y[s.j], (s.j, 1, s.n))
Z, S_, T = s.vector("z"), s.vector("S"), s.vector("t")
C, K = s.count("C"), s.count("K")
a, b = s.index("a"), s.index("b")

# Golden LaTeX of the expressions the seed derivation is made of: a change of output here is a
# deliberate decision, taken by editing this table.
GOLDEN = [
    pytest.param(s.p[s.i], r"p_i", id="entry"),
    pytest.param(s.x[s.i, s.j], r"x_{ij}", id="matrix-entry"),
    pytest.param(s.x[s.i + 1], r"x_{i + 1}", id="entry-compound-index"),
    pytest.param(s.x[s.i, 12], r"x_{i,12}", id="entry-two-indices-long"),
    pytest.param(s.x[3], r"x_3", id="entry-concrete"),
    pytest.param(sympy.Symbol("x_12", real=True), r"x_{12}", id="concrete-symbol"),
    pytest.param(s.vector(r"\hat y")[s.i], r"\hat{y}_i", id="hat-name"),
    pytest.param(sympy.Symbol(r"\hat y_1"), r"\hat{y}_1", id="hat-concrete-symbol"),
    pytest.param(sympy.Symbol("yhat_12"), r"\hat{y}_{12}", id="sympy-hat-concrete-symbol"),
    pytest.param(s.vector(r"\hat{y}")[s.j], r"\hat{y}_j", id="hat-name-braced"),
    pytest.param(KD(s.i, s.j), r"\delta_{ij}", id="kronecker"),
    pytest.param(
        sympy.Sum(s.p[s.i] * s.y[s.j] * (1 - KD(s.i, s.j)), (s.j, 1, s.n)),
        r"\sum_{j \neq i} p_i y_j",
        id="sum-over-j-not-i",
    ),
    pytest.param(
        sympy.Sum(s.y[s.j] * (1 - KD(s.i, s.k)), (s.j, 1, s.n)),
        r"\sum_{j=1}^{n} y_j \left(1 - \delta_{ik}\right)",
        id="delta-free-of-the-summation-index",
    ),
    pytest.param(KD(s.i, s.j + 1), r"\delta_{i,j + 1}", id="kronecker-compound"),
    pytest.param(SUM_X, r"\sum_{k=1}^{n} \exp(x_k)", id="sum"),
    pytest.param(
        sympy.Sum(sympy.exp(Z[s.k]), (s.k, 1, C)), r"\sum_{k=1}^{C} \exp(z_k)", id="sum-C"
    ),
    pytest.param(
        sympy.exp(s.x[s.i]) / SUM_X,
        r"\frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}",
        id="softmax",
    ),
    pytest.param(D(s.L, s.x[s.i]), r"\frac{\partial L}{\partial x_i}", id="dL/dx"),
    pytest.param(D(s.p[s.i], s.x[s.j]), r"\frac{\partial p_i}{\partial x_j}", id="dp/dx"),
    pytest.param(
        D(sympy.log(s.p[s.j]), s.x[s.i]),
        r"\frac{\partial \log p_j}{\partial x_i}",
        id="dlog/dx",
    ),
    pytest.param(
        D(sympy.exp(s.x[s.i]) / SUM_X, s.x[s.j]),
        r"\frac{\partial}{\partial x_j} \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}",
        id="d-of-fraction",
    ),
    pytest.param(
        D(s.p[s.i] * s.y[s.i], s.x[s.j]),
        r"\frac{\partial}{\partial x_j} \left(p_i y_i\right)",
        id="d-of-product",
    ),
    pytest.param(
        D(s.L, s.x[s.i], s.x[s.j]),
        r"\frac{\partial^{2} L}{\partial x_i \partial x_j}",
        id="second-derivative",
    ),
    pytest.param(
        s.p[s.i] * (KD(s.i, s.j) - s.p[s.j]),
        r"p_i \left(\delta_{ij} - p_j\right)",
        id="jacobian-delta",
    ),
    pytest.param(s.p[s.i] * (1 - s.p[s.i]), r"p_i \left(1 - p_i\right)", id="jacobian-i=j"),
    pytest.param(-s.p[s.i] * s.p[s.j], r"-p_i p_j", id="jacobian-i!=j"),
    pytest.param(
        sympy.Piecewise(
            (s.p[s.i] * (1 - s.p[s.i]), sympy.Eq(s.i, s.j)), (-s.p[s.i] * s.p[s.j], True)
        ),
        r"\begin{cases} p_i \left(1 - p_i\right) & \text{if } i = j \\ "
        r"-p_i p_j & \text{if } i \neq j \end{cases}",
        id="jacobian-cases",
    ),
    pytest.param(
        sympy.Piecewise((1, s.i < s.j), (2, s.i > s.j), (0, True)),
        r"\begin{cases} 1 & \text{if } i < j \\ 2 & \text{if } i > j \\ "
        r"0 & \text{otherwise} \end{cases}",
        id="cases-otherwise",
    ),
    pytest.param(
        -sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n)),
        r"-\sum_{j=1}^{n} y_j \log p_j",
        id="cross-entropy",
    ),
    pytest.param(
        -sympy.Sum(s.y[s.j] / s.p[s.j] * D(s.p[s.j], s.x[s.i]), (s.j, 1, s.n)),
        r"-\sum_{j=1}^{n} \frac{y_j}{p_j} \frac{\partial p_j}{\partial x_i}",
        id="chain-rule",
    ),
    pytest.param(
        D(s.p[s.j], s.x[s.i]) / s.p[s.j],
        r"\frac{1}{p_j} \frac{\partial p_j}{\partial x_i}",
        id="one-over-p-times-derivative",
    ),
    pytest.param(s.p[s.i] * SUM_Y - s.y[s.i], r"p_i \sum_{j=1}^{n} y_j - y_i", id="collected"),
    pytest.param(s.p[s.i] - s.y[s.i], r"p_i - y_i", id="gradient"),
    pytest.param(-s.y[s.i] + s.p[s.i], r"p_i - y_i", id="gradient-positive-first"),
    pytest.param(
        (sympy.exp(s.x[s.i]) * KD(s.i, s.j) * SUM_X - sympy.exp(s.x[s.i]) * sympy.exp(s.x[s.j]))
        / SUM_X**2,
        r"\frac{\delta_{ij} \exp(x_i) \sum_{k=1}^{n} \exp(x_k) - \exp(x_i) \exp(x_j)}"
        r"{\left(\sum_{k=1}^{n} \exp(x_k)\right)^{2}}",
        id="quotient-rule",
    ),
    # precedence: brackets exactly where a reader needs them
    pytest.param(-(s.p[s.i] + s.y[s.i]), r"-p_i - y_i", id="negated-sum-distributes"),
    pytest.param(
        (s.p[s.i] + s.y[s.i]) * (s.p[s.j] - s.y[s.j]),
        r"\left(p_i + y_i\right) \left(p_j - y_j\right)",
        id="product-of-sums",
    ),
    pytest.param(
        sympy.Sum(-s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n)),
        r"\sum_{j=1}^{n} \left(-y_j \log p_j\right)",
        id="sum-of-negative-term",
    ),
    pytest.param(
        sympy.Sum(s.y[s.j] + s.p[s.j], (s.j, 1, s.n)),
        r"\sum_{j=1}^{n} \left(p_j + y_j\right)",
        id="sum-of-sum",
    ),
    pytest.param(
        SUM_Y * sympy.Sum(s.p[s.k], (s.k, 1, s.n)),
        r"\left(\sum_{k=1}^{n} p_k\right) \sum_{j=1}^{n} y_j",
        id="two-sums-first-bracketed",
    ),
    pytest.param(
        sympy.log(s.p[s.i]) * SUM_Y,
        r"\log(p_i) \sum_{j=1}^{n} y_j",
        id="log-before-sum-bracketed",
    ),
    pytest.param(sympy.log(1 - s.p[s.i]), r"\log\left(1 - p_i\right)", id="log-of-sum"),
    pytest.param(sympy.log(s.p[s.i]) ** 2, r"\left(\log(p_i)\right)^{2}", id="log-squared"),
    pytest.param(SUM_X**2, r"\left(\sum_{k=1}^{n} \exp(x_k)\right)^{2}", id="sum-squared"),
    pytest.param(sympy.exp(s.x[s.i] - s.x[s.j]), r"\exp\left(x_i - x_j\right)", id="exp-of-sum"),
    pytest.param(s.p[s.i] ** 2, r"p_i^{2}", id="entry-squared"),
    pytest.param(1 / s.p[s.i], r"\frac{1}{p_i}", id="reciprocal"),
    pytest.param(sympy.Rational(1, 2) * s.p[s.i], r"\frac{p_i}{2}", id="half"),
    pytest.param(-sympy.Rational(2, 3) * sympy.log(s.p[s.i]), r"-\frac{2 \log p_i}{3}", id="2/3"),
    pytest.param(2 * s.p[s.i] * s.y[s.j], r"2 p_i y_j", id="juxtaposition"),
    pytest.param(sympy.Mul(2, 3, evaluate=False), r"2 \cdot 3", id="cdot-between-numbers"),
    pytest.param(sympy.Eq(SUM_Y, 1), r"\sum_{j=1}^{n} y_j = 1", id="sum-y-one"),
    pytest.param(
        sum(sympy.symbols("y_1:12", real=True)),
        r"y_1 + y_2 + y_3 + y_4 + y_5 + y_6 + y_7 + y_8 + y_9 + y_{10} + y_{11}",
        id="numbered-terms-in-numeric-order",
    ),
    pytest.param(sympy.Symbol("p_10") * sympy.Symbol("p_2"), r"p_2 p_{10}", id="numbered-factors"),
    pytest.param(sympy.Ne(s.i, s.j), r"i \neq j", id="neq"),
    pytest.param(
        sympy.Matrix([[s.p[1], 0], [0, s.p[2]]]),
        r"\begin{bmatrix}p_1 & 0\\0 & p_2\end{bmatrix}",
        id="bmatrix",
    ),
]


@pytest.mark.parametrize(("expr", "expected"), GOLDEN)
def test_golden_latex(expr: sympy.Basic, expected: str) -> None:
    assert to_latex(expr) == expected


NOTATION = [
    pytest.param(sympy.log(s.p[s.j]), {"ln": True}, r"\ln p_j", id="ln"),
    pytest.param(sympy.log(s.p[s.j]), {"ln": False}, r"\log p_j", id="log"),
    pytest.param(
        D(sympy.log(S_[b]), Z[a]),
        {"ln": True},
        r"\frac{\partial \ln S_b}{\partial z_a}",
        id="ln-in-d",
    ),
    pytest.param(sympy.exp(s.x[s.i]), {"exp_style": "e"}, r"e^{x_i}", id="e-power"),
    pytest.param(
        sympy.exp(Z[a]) / sympy.Sum(sympy.exp(Z[s.k]), (s.k, 1, K)),
        {"exp_style": "e"},
        r"\frac{e^{z_a}}{\sum_{k=1}^{K} e^{z_k}}",
        id="softmax-e-K",
    ),
    pytest.param(
        -sympy.Sum(T[b] * sympy.log(S_[b]), (b, 1, C)),
        {"ln": True},
        r"-\sum_{b=1}^{C} t_b \ln S_b",
        id="ce-t-S-C",
    ),
]


@pytest.mark.parametrize(("expr", "settings", "expected"), NOTATION)
def test_notation_settings(expr: sympy.Basic, settings: dict[str, object], expected: str) -> None:
    assert to_latex(expr, **settings) == expected


def test_matrix_form_of_the_jacobian() -> None:
    p = sympy.MatrixSymbol("p", s.n, 1)
    assert to_latex(sympy.DiagMatrix(p) - p * p.T) == r"\operatorname{diag}(p) - p p^\top"


def test_concrete_jacobian_matrix_is_a_bmatrix() -> None:
    p1, p2 = sympy.symbols("p_1 p_2", real=True)
    m = sympy.Matrix([[p1 * (1 - p1), -p1 * p2], [-p1 * p2, p2 * (1 - p2)]])
    assert to_latex(m) == (
        r"\begin{bmatrix}p_1 \left(1 - p_1\right) & -p_1 p_2\\"
        r"-p_1 p_2 & p_2 \left(1 - p_2\right)\end{bmatrix}"
    )


# --- steps and derivations ----------------------------------------------------------------


def test_step_with_condition_and_justification() -> None:
    step = Step(
        D(s.p[s.i], s.x[s.j]),
        -s.p[s.i] * s.p[s.j],
        conditions=(Assumption(sympy.Ne(s.i, s.j), "i != j", source="case"),),
        justification="case i ≠ j",
    )
    assert to_latex(step) == (
        r"\frac{\partial p_i}{\partial x_j} = -p_i p_j \quad \text{for } i \neq j"
        r" \qquad \text{case i \(\neq\) j}"
    )
    assert to_latex(step, justification="none") == (
        r"\frac{\partial p_i}{\partial x_j} = -p_i p_j \quad \text{for } i \neq j"
    )


def test_derivation_is_an_align_body_with_chains_continued(hand: Derivation) -> None:
    lines = to_latex(hand).split(" \\\\\n")
    assert len(lines) == len(hand.steps)
    assert lines[0] == (r"p_i &= \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)} && \text{softmax}")
    assert lines[5] == (
        r"\frac{\partial L}{\partial x_i} &= -\sum_{j=1}^{n} \frac{y_j}{p_j} "
        r"\frac{\partial p_j}{\partial x_i} && \text{chain rule}"
    )
    # the next two steps start from the previous right-hand side: the chain goes on with &=
    assert lines[6] == r"&= p_i \sum_{j=1}^{n} y_j - y_i && \text{split the sum at j = i}"
    assert lines[7] == r"&= p_i - y_i && \text{use } \sum_j y_j = 1"
    # the case steps repeat their left-hand side: same lhs, different condition
    assert lines[3].startswith(r"\frac{\partial p_i}{\partial x_j} &= ")


def test_justification_as_tag(hand: Derivation) -> None:
    body = to_latex(hand, justification="tag")
    assert r"&= p_i - y_i \tag*{use \(\sum_j y_j = 1\)}" in body
    assert "&&" not in body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("quotient rule", r"\text{quotient rule}", id="prose"),
        pytest.param(r"use \sum_j y_j = 1", r"\text{use } \sum_j y_j = 1", id="trailing-latex"),
        pytest.param("by $i = j$ only", r"\text{by } i = j \text{ only}", id="dollar-maths"),
        pytest.param("50% of x_i & more", r"\text{50\% of x\_i \& more}", id="specials"),
        pytest.param(
            "∂ log p = (1/p) ∂p", r"\text{\(\partial\) log p = (1/p) \(\partial\)p}", id="unicode"
        ),
        pytest.param(r"$∂p_j/∂x_i$", r"\partial p_j/\partial x_i", id="unicode-in-maths"),
    ],
)
def test_justification_tex(text: str, expected: str) -> None:
    assert justification_tex(text) == expected


def test_latex_text_escapes_every_special() -> None:
    assert latex_text(r"\{}$&#%_^~") == r"\textbackslash{}\{\}\$\&\#\%\_\^{}\~{}"


# --- Jupyter ------------------------------------------------------------------------------


def test_repr_latex_of_model_objects(hand: Derivation, hand_report: object) -> None:
    step = hand.steps[-1]
    assert step._repr_latex_().startswith(
        r"$\displaystyle p_i \sum_{j=1}^{n} y_j - y_i = p_i - y_i"
    )
    assert hand._repr_latex_() == "\\begin{align*}\n" + to_latex(hand) + "\n\\end{align*}"
    shown = hand_report._repr_latex_()  # type: ignore[attr-defined]
    assert shown.startswith("\\begin{align*}\n") and shown.endswith("\n\\end{align*}")
    assert r"&= p_i - y_i && \text{use } \sum_j y_j = 1 \text{; proved}" in shown
    assert r"&& \text{softmax; definition}" in shown


# --- misuse -------------------------------------------------------------------------------


def test_unknown_object_is_a_type_error() -> None:
    with pytest.raises(
        TypeError, match=r"^to_latex takes a SymPy expression, Step or Derivation, got str$"
    ):
        to_latex("p_i")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param({"exp_style": "E"}, r"^exp_style must be 'exp' or 'e', got 'E'$", id="exp"),
        pytest.param(
            {"justification": "margin"},
            r"^justification must be 'text', 'tag' or 'none', got 'margin'$",
            id="justification",
        ),
    ],
)
def test_bad_settings(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SymderivLatexPrinter(settings)


def test_unknown_setting_is_rejected_by_sympy() -> None:
    with pytest.raises(TypeError, match="Unknown setting 'colour'"):
        to_latex(s.p[s.i], colour="red")


def test_fit_width_shrinks_only_wide_matrices() -> None:
    wide = sympy.Matrix([[SUM_X * sympy.exp(s.x[m]) / SUM_X**3 for m in range(1, 6)]])
    narrow = sympy.Matrix([s.p[1], s.p[2]])
    d = Derivation("m", (Step(s.L, wide), Step(s.L, narrow)))
    lines = to_latex(d, fit_width=70).split(" \\\\\n")
    assert estimated_width(wide) > 70 > estimated_width(narrow)
    assert lines[0].startswith(r"L &= \resizebox{\ifdim\width>")
    assert lines[1] == r"L &= \begin{bmatrix}p_1\\p_2\end{bmatrix}"


@pytest.mark.parametrize("body", [s.p[s.i] * s.y[s.j], s.y[s.j] - s.p[s.j]], ids=["product", "difference"])
def test_sum_over_j_not_i_reads_back_equal(body: sympy.Expr) -> None:
    from symderiv.checker import equal
    from symderiv.reader import parse_formula

    written = sympy.Sum(body * (1 - KD(s.i, s.j)), (s.j, 1, s.n))
    back = parse_formula(to_latex(written))
    assert equal(back, written) is True
    assert equal(back, sympy.Sum(body, (s.j, 1, s.n))) is False


MU_B, M_, D_ = sympy.Symbol("mu_B"), s.count("m"), s.count("D")


@pytest.mark.parametrize(
    ("expr", "tex"),
    [
        pytest.param(
            sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n)),
            r"\sum_j y_j \log p_j",
            id="a-sum-over-1-to-n-names-its-index-alone",
        ),
        pytest.param(
            sympy.Sum((s.x[s.i] - MU_B) ** 2, (s.i, 1, M_)),
            r"\sum_i \left(- \mu_{B} + x_i\right)^{2}",
            id="sympys-latex-inside",
        ),
        pytest.param(
            sympy.Sum(s.x[s.i] * s.vector("w")[s.j, s.i], (s.i, 0, D_)),
            r"\sum_{i=0}^{D} x_i w_{ji}",
            id="a-sum-from-0-keeps-its-limits",
        ),
        pytest.param(
            2 * KD(s.i, s.j) * s.p[s.i], r"2 p_i \delta_{i j}", id="entries-before-deltas"
        ),
        pytest.param(sympy.log(1 - s.p[s.j]), r"\log\left(1 - p_j\right)", id="log-of-a-sum"),
        pytest.param(
            sympy.Sum(s.p[s.i] + s.y[s.i], (s.i, 1, s.n)),
            r"\sum_i \left(p_i + y_i\right)",
            id="a-summand-that-is-a-sum-in-brackets",
        ),
    ],
)
def test_the_formulas_of_hints_and_warnings(expr: sympy.Basic, tex: str) -> None:
    assert margin_latex(expr) == tex


def test_the_checker_writes_its_formulas_with_the_writers_printer() -> None:
    from symderiv.checker._exprtools import to_text

    e = sympy.Sum(sympy.exp(s.x[s.k]), (s.k, 1, s.n))
    assert to_text(e) == margin_latex(e) == r"\sum_k e^{x_k}"
