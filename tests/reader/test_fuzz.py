"""Property: any text at all reads into a Derivation; a formula fails only with a ParseError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv.errors import ParseError
from symderiv.reader import parse_formula, read_latex, read_markdown

PIECES = [
    "x_i",
    "p_j",
    "y_k",
    "\\sum_j",
    "\\sum_{k \\neq i}",
    "\\frac{",
    "}{",
    "}",
    "{",
    "(",
    ")",
    "[",
    "]",
    "\\left(",
    "\\right)",
    "=",
    "&=",
    "\\\\",
    "+",
    "-",
    "\\times",
    "\\cdot",
    "^",
    "_",
    "2",
    "0.7",
    "\\log",
    "\\exp",
    "e^{",
    "\\partial",
    "\\delta_{ij}",
    "\\mathbf{p}",
    "\\mathbf{1}",
    "^\\top",
    "\\operatorname{diag}(",
    "\\nabla_{\\mathbf{a}}",
    "\\oslash",
    "H(P)",
    "D_{KL}(P||Q)",
    "E_{X \\sim P}[",
    "P(x)",
    "\\sigma(",
    "\\text{if } i = j",
    "\\quad",
    "\\begin{bmatrix}",
    "\\end{bmatrix}",
    "\\begin{cases}",
    "\\end{cases}",
    "&",
    "\\begin{split}",
    "\\end{split}",
    "$$",
    "$",
    "\n",
    "\n\n",
    " ",
    "\\foo",
    "i \\neq j",
    "<!-- symderiv: assume sum(y) = 1 -->",
    "% symderiv: case i != j\n",
    "\\tag*{",
    ".",
    ",",
    "\\hat{y}",
    "softmax(x)_i",
    "\\ln",
    "\\log_2",
    "\\boxed{",
    "\\color{red}",
    "J",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_markdown_or_latex_reads(text: str) -> None:
    for reader in (read_markdown, read_latex):
        d = reader("$$" + text + "$$\n" + text)
        for s in d.steps:
            assert s.is_parsed or s.problem, s


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_formula_reads_or_raises_a_parse_error(text: str) -> None:
    try:
        parse_formula(text)
    except ParseError:
        pass
