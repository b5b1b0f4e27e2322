"""Matrix and vector calculus notation: small documents and the verdicts their steps must get.

Vectors and matrices are read by their entries (the index kernel); a Jacobian, a gradient and an
element-wise quotient are entry formulas; bold vectors are rows where as columns the shapes of a
step do not fit.  Every reading rule has its false variant in ``NEVER_ACCEPTED``.
"""

from __future__ import annotations

import pytest

from symderiv.results import Verdict
from tests.support.verdicts import assert_last_step_not_accepted
from tests.support.verdicts import verdicts as verdicts_of

P, F, U, D, X, V = (
    Verdict.PROVED,
    Verdict.FALSE,
    Verdict.UNDETERMINED,
    Verdict.DEFINITION,
    Verdict.UNPARSED,
    Verdict.VERIFIED,
)

_SOFTMAX = "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n"
_CE = "$$L = -\\sum_i y_i \\log p_i$$\n\n"
#: a function of the whole vector, defined entry by entry; its letter also names its value
#: a chain of matrix products, stated in the prose; W is transposed somewhere, so a matrix
_PRODUCTS = "With $A = W U$ and $E = A \\odot M$, where $W^\\top$ and $U^\\top$ are transposes:\n\n"
_FUNCTION = "$$q(\\mathbf u)_a = \\frac{e^{u_a}}{\\sum_b e^{u_b}}$$\n\n"
#: a mean and a variance named by its square (the steps differentiate by it as a variable)
_VARIANCE = (
    "$$\\mu = \\frac{1}{m} \\sum_{k=1}^m u_k$$\n\n"
    "$$s^2 = \\frac{1}{m} \\sum_{k=1}^m (u_k - \\mu)^2$$\n\n"
)
#: entries of a batch: rows over 1..B, columns over 1..H
_BATCH = "$$v_{ac} = g_c u_{ac}$$\n\n"
#: a normalisation of a batch u: a mean, a variance named by its square, outputs g of the
#: normalised v; f is a function of the outputs (a sum over its partials says so)
_NORM = (
    "$$\\mu = \\frac{1}{m}\\sum_{k=1}^m u_k$$\n\n"
    "$$s^2 = \\frac{1}{m}\\sum_{k=1}^m (u_k - \\mu)^2$$\n\n"
    "$$v_k = \\frac{u_k - \\mu}{\\sqrt{s^2 + \\epsilon}}$$\n\n"
    "$$g_k = a v_k$$\n\n"
    "$$\\frac{\\partial L}{\\partial a} = \\sum_{k=1}^m \\frac{\\partial L}{\\partial g_k} v_k$$\n\n"
)
#: the same with a constant scale: the mean's path alone
_CENTER = (
    "$$\\mu = \\frac{1}{m}\\sum_{k=1}^m u_k$$\n\n"
    "$$v_k = \\frac{u_k - \\mu}{c}$$\n\n"
    "$$g_k = a v_k + b$$\n\n"
    "$$\\frac{\\partial L}{\\partial a} = \\sum_{k=1}^m \\frac{\\partial L}{\\partial g_k} v_k$$\n\n"
)
_GRAPH = (
    "$$\\frac{\\partial L}{\\partial u_i} = \\frac{\\partial L}{\\partial v_i}"
    "\\frac{\\partial v_i}{\\partial u_i} + \\sum_{j=1}^m \\frac{\\partial L}{\\partial v_j}"
    "\\frac{\\partial v_j}{\\partial \\mu}\\frac{\\partial \\mu}{\\partial u_i}$$\n"
)
#: a function of a vector written with the bare vector where it acts entry-wise
_ENTRYWISE = "$$\\phi(u) = \\log \\frac{e^{2u}}{\\sum_{b=1}^n e^{2u_b}}$$\n\n"
#: the same, its sums over 0..n (a standard object's sums run over 1..n where no range is said)
_FROM_ZERO = "$$\\phi(u) = u - \\log \\sum_{b=0}^{n} e^{u_b}$$\n\n"
#: a vector summed over two ranges: a standard object of it keeps 1..n
_TWO_RANGES = _FROM_ZERO + "$$t = \\sum_{b=0}^{m} u_b^2$$\n\n"
#: scores counted from 0
_ZERO_BASED = "$$s = \\sum_{k=0}^{K-1} e^{u_k}$$\n\n"
#: a right product of matrices, both transposed somewhere in the prose
_RIGHT = "With $Y = X W$, where $X^T$ and $W^T$ are transposes:\n\n"


#: a row-wise softmax of a matrix (the last axis, as attention means it), then a product
_ROWS = (
    "$$S = A + A^T \\in \\mathbb{R}^{n \\times n}$$\n\n"
    "$$P = softmax(S) \\in \\mathbb{R}^{n \\times n}$$\n\n"
    "$$O = P G \\in \\mathbb{R}^{n \\times n}$$ with $G \\in \\mathbb{R}^{n \\times n}$.\n\n"
)
#: a gradient named at the end of its chain by a letter of its own; the chain is wrong
_NAMED = (
    "With $H = U M$ and $E = H \\odot N$, where $U^T$ and $M^T$ are transposes:\n\n"
    "$$\\frac{\\partial L}{\\partial H} = \\frac{\\partial L}{\\partial E} = \\eta_1 "
    "\\in \\mathbb{R}^{n \\times n}$$\n\n"
)

NEVER_ACCEPTED = [
    pytest.param(
        _SOFTMAX + "$$\\mathbf J_{\\mathbf z}(\\mathbf p) = \\operatorname{diag}(\\mathbf p) "
        "+ \\mathbf p \\mathbf p^\\top$$\n",
        id="a-jacobian-with-the-wrong-sign",
    ),
    pytest.param(
        _SOFTMAX + "$$\\mathbf J_{\\mathbf z}(\\mathbf p) = \\mathbf p \\mathbf p^\\top$$\n",
        id="a-jacobian-without-its-diagonal",
    ),
    pytest.param(
        _SOFTMAX + _CE + "$$\\nabla_{\\mathbf p} L = -\\mathbf y \\odot \\mathbf p$$\n",
        id="an-element-wise-quotient-is-no-product",
    ),
    pytest.param(
        _SOFTMAX + _CE + "$$\\nabla_{\\mathbf p} L = -\\frac{\\mathbf p}{\\mathbf y}$$\n",
        id="an-element-wise-quotient-upside-down",
    ),
    pytest.param(
        _SOFTMAX + _CE + "$$\\nabla_{\\mathbf p} L = -\\nabla_{\\mathbf p} \\log \\mathbf p "
        "\\, \\mathbf y = -\\mathbf y$$\n",
        id="a-diagonal-jacobian-keeps-its-entries",
    ),
    pytest.param(
        "$$-\\sum_i y_i \\log s_i = -\\mathbf s \\log \\mathbf y^\\top$$\n",
        id="a-row-product-with-the-vectors-swapped",
    ),
    pytest.param(
        _FUNCTION + "$$\\mathbf J_{\\mathbf u}(\\mathbf q) = \\text{diag}(\\mathbf q) "
        "- \\mathbf q$$\n",
        id="the-vector-of-a-function-is-that-function",
    ),
    pytest.param(
        _ROWS + "$$P \\mathbf{1} = 2 \\cdot \\mathbf{1}$$\n",
        id="the-rows-of-a-softmax-sum-to-one",
    ),
    pytest.param(
        _ROWS + "$$\\mathbf{1}^T P = 2 \\mathbf{1}^T$$\n",
        id="the-columns-of-a-softmax-sum-to-one-too",
    ),
    pytest.param(
        _ROWS + "$$P = \\frac{2 e^{S}}{\\mathbf{1} \\mathbf{1}^T e^{S}}$$\n",
        id="a-softmax-of-a-matrix-fails-by-both-axes",
    ),
    pytest.param(
        _ROWS + "$$\\frac{\\partial L}{\\partial G} = P \\frac{\\partial L}{\\partial O}$$\n",
        id="backprop-through-a-softmax-product-needs-the-transpose",
    ),
    pytest.param(
        _NAMED + "$$\\frac{\\partial L}{\\partial U} = 2 \\eta_1 M^T$$\n",
        id="a-chain-name-read-either-way-fails-both",
    ),
    pytest.param("$$AB^\\top = BA^\\top$$\n", id="transposed-capitals-are-matrices"),
    pytest.param(
        "$$G = A \\in \\mathbb{R}^{m \\times d}$$\n\n$$(GH)^\\top = G^\\top H^\\top$$\n",
        id="a-transpose-of-a-product-reverses-it",
    ),
    pytest.param(
        "$$M_1 \\in \\mathbb{R}^{n \\times n}$$\n\n$$M_1 \\odot M_2 = M_1 M_2$$\n",
        id="a-hadamard-product-is-no-matrix-product",
    ),
    pytest.param(
        "$$u = a + b$$\n\n$$a - u = \\omega_2 \\in \\mathbb{R}^{n}$$\n\n$$\\omega_2 = b$$\n",
        id="a-name-introduced-at-the-end-is-then-checked",
    ),
    pytest.param(
        "$$W \\in \\mathbb{R}^{n \\times n}$$\n\n$$\\mathbf g = W$$\n\n$$g_i = W_{ii}$$\n",
        id="a-vector-is-never-defined-as-a-matrix",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial L}{\\partial U} = W \\frac{\\partial L}{\\partial A}$$\n",
        id="backprop-through-a-product-needs-the-transpose",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial L}{\\partial W} = \\frac{\\partial L}{\\partial A} U$$\n",
        id="backprop-to-the-left-factor-needs-the-transpose",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial L}{\\partial A} = \\frac{\\partial L}{\\partial E}$$\n",
        id="backprop-through-a-hadamard-product-keeps-its-factor",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial L}{\\partial A} = L \\frac{\\partial L}{\\partial E} "
        "\\odot M$$\n",
        id="the-loss-itself-is-not-modelled-by-its-gradient",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial^2 L}{\\partial A^2} = 0$$\n",
        id="a-second-derivative-of-the-loss-is-not-modelled",
    ),
    pytest.param(
        "Here $R = e^{A}$, $r = R\\mathbf{1}$, $c = r^{-1}$ and $P = c \\mathbf{1}^T$, with $A^T$ "
        "a transpose.\n\n$$R \\odot (r^{-1} \\mathbf{1}^T) = R \\odot r \\mathbf{1}^T$$\n",
        id="a-vector-to-the-minus-one-is-its-reciprocal",
    ),
    pytest.param(
        "$$V = \\frac{A}{d_k} \\in \\mathbb{R}^{n \\times n}$$\n\n"
        "$$V \\mathbf{1} = \\frac{1}{d_k} A^\\top \\mathbf{1}$$\n",
        id="a-definition-with-a-free-index-is-not-captured-by-a-sum",
    ),
    pytest.param(
        "$$S^\\top S = G$$\n\n$$\\frac{\\mathbf Y}{\\mathbf S} = \\mathbf Y \\odot \\mathbf S$$\n",
        id="an-element-wise-quotient-of-matrices-is-no-product",
    ),
    pytest.param(
        "$$X^\\top (\\mathbf a - \\mathbf b) = X \\mathbf a - X^\\top \\mathbf b$$\n",
        id="a-transposed-matrix-before-parentheses",
    ),
    pytest.param(
        _VARIANCE + "$$\\frac{\\partial s^2}{\\partial u_i} = 0$$\n",
        id="a-named-variance-depends-on-the-data",
    ),
    pytest.param(
        _VARIANCE + "$$\\frac{\\partial s^2}{\\partial u_i} = \\frac{1}{m} (u_i - \\mu)$$\n",
        id="a-named-variance-differentiated-by-its-definition",
    ),
    pytest.param(
        _RIGHT
        + "$$\\frac{\\partial L}{\\partial X^T} = W^T (\\frac{\\partial L}{\\partial Y})^T$$\n",
        id="a-derivative-by-a-transpose-is-transposed",
    ),
    pytest.param(
        _RIGHT + "$$\\frac{\\partial L}{\\partial X^T} = \\frac{\\partial L}{\\partial Y} W^T$$\n",
        id="a-derivative-by-a-transpose-is-not-the-derivative",
    ),
    pytest.param(
        _BATCH + "$$\\sum_{c=1}^{H} \\sum_{a=1}^{B} \\frac{\\partial L}{\\partial v_{ac}} "
        "\\frac{\\partial v_{ac}}{\\partial u_{ij}} = \\sum_{a=1}^{B} "
        "\\frac{\\partial L}{\\partial v_{aj}} g_j$$\n",
        id="a-delta-in-a-batch-sum-picks-one-row",
    ),
    pytest.param(
        _CENTER + "$$\\frac{\\partial L}{\\partial u_i} = \\frac{\\partial L}{\\partial v_i}"
        "\\frac{\\partial v_i}{\\partial u_i}$$\n",
        id="a-chain-rule-through-one-sample-misses-the-mean",
    ),
    pytest.param(
        _CENTER + "$$\\frac{\\partial L}{\\partial u_i} = \\frac{1}{c}\\left("
        "\\frac{\\partial L}{\\partial v_i} - \\sum_{j=1}^m \\frac{\\partial L}{\\partial v_j}\\right)$$\n",
        id="a-gradient-of-an-arbitrary-function-is-any-vector",
    ),
    pytest.param(
        _NORM + "$$\\frac{\\partial L}{\\partial u_i} = \\frac{1}{m \\sqrt{s^2 + \\epsilon}} "
        "\\left[ m \\frac{\\partial L}{\\partial v_i} - \\sum_{j=1}^m \\frac{\\partial L}{\\partial v_j} "
        "\\right]$$\n",
        id="a-total-derivative-keeps-the-path-through-the-variance",
    ),
    pytest.param(
        _ENTRYWISE + "$$e^{\\phi(u)_a} = \\frac{e^{u_a}}{\\sum_{b=1}^n e^{u_b}}$$\n",
        id="an-entry-of-a-vector-function-is-the-formula-at-that-entry",
    ),
    pytest.param(
        _FROM_ZERO + "$$e^{\\phi(u)_a} = 1 - \\operatorname{softmax}(u)_a$$\n",
        id="an-other-range-of-a-standard-object-does-not-make-a-wrong-step-hold",
    ),
    pytest.param(
        _TWO_RANGES + "$$e^{\\phi(u)_a} = 1 - \\operatorname{softmax}(u)_a$$\n",
        id="two-readings-of-a-range-do-not-make-a-wrong-step-hold",
    ),
    pytest.param(
        _FROM_ZERO + "$$\\frac{\\partial \\phi}{\\partial u_a} = 1 + \\frac{e^{u_a}}"
        "{\\sum_{b=0}^{n} e^{u_b}}$$\n",
        id="a-vector-function-written-bare-is-wrong-at-its-entry-too",
    ),
    pytest.param(
        "$$\\sigma'(u_c) = \\sigma(u_c)(1 + \\sigma(u_c))$$\n",
        id="a-prime-on-a-function-of-an-entry-is-its-derivative",
    ),
    pytest.param(
        "$$\\frac{\\partial}{\\partial q_c} \\left(g(q_c)\\right)^2 = 2 g'(q_c)$$\n",
        id="a-prime-on-an-unknown-function-of-an-entry-is-not-its-square",
    ),
    pytest.param(
        _ZERO_BASED + "$$1 - \\operatorname{softmax}(u)_c = 1 - \\frac{e^{u_c}}"
        "{\\sum_{j=1}^{K-1} e^{u_j}}$$\n",
        id="a-softmax-over-entries-from-zero-misses-none",
    ),
    pytest.param(
        "$$\\phi(u) = \\frac{u^2}{\\sum_{b=1}^n u_b^2}$$\n\n"
        "$$1 + \\phi(u)_a = 1 + \\frac{u_a}{\\sum_{b=1}^n u_b^2}$$\n",
        id="a-power-of-a-bare-vector-is-not-read-entry-wise",
    ),
]


@pytest.mark.parametrize("text", NEVER_ACCEPTED)
def test_false_steps_are_never_accepted(text: str) -> None:
    assert_last_step_not_accepted(text)


MEANING = [
    pytest.param(
        _SOFTMAX + "$$\\mathbf J_{\\mathbf z}(\\mathbf p) = \\operatorname{diag}(\\mathbf p) "
        "- \\mathbf p \\mathbf p^\\top$$\n",
        [D, P],
        id="a-jacobian-has-a-row-per-output",
    ),
    pytest.param(
        _SOFTMAX + _CE + "$$\\nabla_{\\mathbf p} L = -\\frac{\\mathbf y}{\\mathbf p} "
        "= -\\mathbf y \\oslash \\mathbf p = -\\operatorname{diag}"
        "\\left(\\frac{\\mathbf 1}{\\mathbf p}\\right) \\mathbf y$$\n",
        [D, D, P, P, P],
        id="a-quotient-of-vectors-is-element-wise",
    ),
    pytest.param(
        _SOFTMAX + _CE + "$$\\nabla_{\\mathbf p} L = -\\nabla_{\\mathbf p} \\mathbf y^\\top "
        "\\log \\mathbf p = -\\nabla_{\\mathbf p} \\log \\mathbf p \\, \\mathbf y$$\n",
        [D, D, P, P],
        id="nabla-acts-on-the-product-whose-shapes-fit",
    ),
    pytest.param(
        _SOFTMAX + "$$\\nabla_{\\mathbf z} \\mathbf p = \\operatorname{diag}(\\mathbf p) "
        "- \\mathbf p \\mathbf p^\\top$$\n",
        [D, P],
        id="nabla-of-a-vector-beside-a-symmetric-matrix-in-either-layout",
    ),
    pytest.param(
        _SOFTMAX + "$$\\nabla_{\\mathbf z} \\mathbf p = \\operatorname{diag}(\\mathbf p) "
        "- \\mathbf p \\mathbf z^\\top$$\n",
        [D, X],
        id="nabla-of-a-vector-has-no-stated-layout",
    ),
    pytest.param(
        "$$-\\sum_i y_i \\log s_i = -\\mathbf y \\log \\mathbf s^\\top$$\n",
        [P],
        id="row-vectors-where-columns-do-not-fit",
    ),
    pytest.param(
        _FUNCTION + "$$\\mathbf J_{\\mathbf u}(\\mathbf q) = \\text{diag}(\\mathbf q) "
        "- \\mathbf q^\\top \\mathbf q$$\n",
        [D, P],
        id="the-vector-of-a-function-in-row-convention",
    ),
    pytest.param("$$AB^\\top = (BA^\\top)^\\top$$\n", [P], id="transposed-capitals-are-matrices"),
    pytest.param(
        "$$G = A \\in \\mathbb{R}^{m \\times d}$$\n\n$$(GH)^\\top = H^\\top G^\\top$$\n",
        [D, P],
        id="a-declared-matrix-in-a-product",
    ),
    pytest.param(
        "$$M_1 \\in \\mathbb{R}^{n \\times n}$$\n\n$$M_1 \\odot M_2 = M_2 \\odot M_1$$\n",
        [P],
        id="numbered-matrices-and-their-hadamard-partners",
    ),
    pytest.param(
        "$$u = a + b$$\n\n$$a - u = \\omega_2 \\in \\mathbb{R}^{n}$$\n\n$$\\omega_2 = -b$$\n",
        [D, D, P],
        id="a-name-introduced-at-the-end-of-an-equation",
    ),
    pytest.param(
        _PRODUCTS
        + "$$\\frac{\\partial L}{\\partial U} = W^\\top \\frac{\\partial L}{\\partial A}$$\n\n"
        + "$$\\frac{\\partial L}{\\partial W} = \\frac{\\partial L}{\\partial A} U^\\top$$\n\n"
        + "$$\\frac{\\partial L}{\\partial A} = \\frac{\\partial L}{\\partial E} \\odot M$$\n",
        [P, P, P],
        id="backprop-through-defined-matrix-products",
    ),
    pytest.param(
        "$$S^\\top S = G$$\n\n$$-\\frac{1}{m} \\mathbf Y \\odot \\frac{1}{\\mathbf S} "
        "= -\\frac{1}{m} \\frac{\\mathbf Y}{\\mathbf S}$$\n",
        [X, P],
        id="a-capital-in-an-element-wise-operation-with-a-matrix-is-one",
    ),
    pytest.param(
        "Here $R = e^{A}$, $r = R\\mathbf{1}$, $c = r^{-1}$ and $P = c \\mathbf{1}^T$, with $A^T$ "
        "a transpose.\n\n$$R \\odot (r^{-1} \\mathbf{1}^T) = R \\odot (c \\mathbf{1}^T) "
        "= R \\odot P$$\n",
        [P, P],
        id="shapes-learned-from-definitions-in-the-prose",
    ),
    pytest.param(
        "With $A^\\top$ the transpose of $A$:\n\n"
        "$$V = \\frac{A}{d_k} \\in \\mathbb{R}^{n \\times n}$$\n\n"
        "$$V \\mathbf{1} = \\frac{1}{d_k} A \\mathbf{1}$$\n",
        [D, P],
        id="a-value-with-a-free-index-under-a-product",
    ),
    pytest.param(
        "$$X^\\top (\\mathbf a - \\mathbf b) = X^\\top \\mathbf a - X^\\top \\mathbf b$$\n",
        [P],
        id="parentheses-after-a-transpose-are-a-factor",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial L}{\\partial U} = W \\frac{\\partial L}{\\partial A}$$\n",
        [F],
        id="backprop-without-the-transpose-is-false",
    ),
    pytest.param(
        "$$\\frac{\\partial L}{\\partial U} = W^\\top \\frac{\\partial L}{\\partial A}$$\n",
        [X],
        id="an-unknown-link-between-the-matrices-is-not-guessed",
    ),
    pytest.param(
        "With $G = \\mathbf{u}\\mathbf{1}^T$ (a broadcast):\n\n"
        "$$\\frac{\\partial L}{\\partial u} = \\frac{\\partial L}{\\partial G} \\mathbf{1}$$\n",
        [U],
        id="the-number-u-is-not-the-vector-u-of-the-loss-chain",
    ),
    pytest.param(
        _PRODUCTS + "$$\\frac{\\partial L}{\\partial A} = 2 A$$\n",
        [U],
        id="a-gradient-against-a-formula-depends-on-the-loss",
    ),
    pytest.param(
        "With $A = W U$, where $W^\\top$ is a transpose:\n\n"
        "$$\\frac{\\partial L}{\\partial W} = \\frac{\\partial L}{\\partial A} U$$\n",
        [X],
        id="a-capital-beside-a-matrix-has-no-guessed-shape",
    ),
    pytest.param(
        _VARIANCE + "$$\\frac{\\partial s^2}{\\partial u_i} = \\frac{\\partial}{\\partial u_i} "
        "\\left[\\frac{1}{m} \\sum_{k=1}^m (u_k - \\mu)^2\\right] = \\frac{2}{m} (u_i - \\mu)$$\n",
        [D, D, P, P],
        id="a-named-variance-differentiated-is-its-definition",
    ),
    pytest.param(
        _RIGHT
        + "$$\\frac{\\partial L}{\\partial X^T} = W (\\frac{\\partial L}{\\partial Y})^T$$\n",
        [P],
        id="a-derivative-by-a-transpose-and-a-matrix-before-parentheses",
    ),
    pytest.param(
        _BATCH + "$$\\frac{\\partial L}{\\partial u_{ij}} = \\sum_{a=1}^{B} \\sum_{c=1}^{H} "
        "\\frac{\\partial L}{\\partial v_{ac}} \\frac{\\partial v_{ac}}{\\partial u_{ij}} "
        "= \\sum_{c=1}^{H} \\sum_{a=1}^{B} \\frac{\\partial L}{\\partial v_{ac}} "
        "\\frac{\\partial v_{ac}}{\\partial u_{ij}} = \\frac{\\partial L}{\\partial v_{ij}} g_j$$\n",
        [D, P, P, P],
        id="batch-sums-in-either-order-and-an-entry-in-its-ranges",
    ),
    pytest.param(
        "$$\\mathbf g = W \\mathbf{1} \\in \\mathbb{R}^{n \\times 1}$$\n\n"
        "$$W \\in \\mathbb{R}^{n \\times n}$$\n\n$$g_i = \\sum_k W_{ik}$$\n",
        [D, P],
        id="a-shape-statement-ends-a-formula",
    ),
    pytest.param(
        _NORM + "$$\\frac{\\partial L}{\\partial u_i} = \\frac{1}{m \\sqrt{s^2 + \\epsilon}} "
        "\\left[ m \\frac{\\partial L}{\\partial v_i} - \\sum_{j=1}^m \\frac{\\partial L}{\\partial v_j} "
        "- v_i \\sum_{j=1}^m \\frac{\\partial L}{\\partial v_j} v_j \\right]$$\n",
        [D, D, D, D, P, P],
        id="a-total-derivative-through-a-mean-and-a-named-variance",
    ),
    pytest.param(
        _CENTER + _GRAPH,
        [D, D, D, P, U],
        id="partials-of-a-computational-graph-are-a-reading",
    ),
    pytest.param(
        _CENTER + "$$\\frac{\\partial L}{\\partial u_i} = \\frac{\\partial L}{\\partial v_i}"
        "\\frac{\\partial v_i}{\\partial u_i}$$\n",
        [D, D, D, P, F],
        id="a-chain-rule-through-one-sample-is-false-either-way",
    ),
    pytest.param(
        _ENTRYWISE + "$$e^{\\phi(u)_a} = \\frac{e^{2u_a}}{\\sum_{b=1}^n e^{2u_b}} "
        "= \\frac{e^{u_a}}{\\sum_{b=1}^n e^{u_b}}$$\n",
        [D, P, F],
        id="an-entry-of-a-vector-function-is-the-formula-at-that-entry",
    ),
    pytest.param(
        _FROM_ZERO + "$$e^{\\phi(u)_a} = \\operatorname{softmax}(u)_a$$\n",
        [D, P],
        id="a-standard-object-sums-over-the-range-the-document-sums-over",
    ),
    pytest.param(
        _TWO_RANGES + "$$e^{\\phi(u)_a} = \\operatorname{softmax}(u)_a$$\n",
        [D, D, U],
        id="a-standard-object-beside-two-ranges-is-a-reading",
    ),
    pytest.param(
        _FROM_ZERO + "$$\\frac{\\partial \\phi}{\\partial u_a} = 1 - \\frac{e^{u_a}}"
        "{\\sum_{b=0}^{n} e^{u_b}} = 1 + \\frac{e^{u_a}}{\\sum_{b=0}^{n} e^{u_b}}$$\n",
        [D, U, F],
        id="a-vector-function-written-bare-is-read-at-its-entry-too",
    ),
    pytest.param(
        "$$\\sigma'(u_c) = \\sigma(u_c)(1 - \\sigma(u_c))$$\n\n"
        "$$\\frac{\\partial}{\\partial q_c} \\left(g(q_c)\\right)^2 = 2 g(q_c) g'(q_c)$$\n\n"
        "$$g'(W_{ab}) = \\frac{\\partial g(W_{ab})}{\\partial W_{ab}}$$\n",
        [P, P, P],
        id="a-prime-on-a-function-of-an-entry-is-its-derivative",
    ),
    pytest.param(
        _ZERO_BASED + "$$1 - \\operatorname{softmax}(u)_c = 1 - \\frac{e^{u_c}}{s}$$\n",
        [D, P],
        id="a-softmax-over-entries-counted-from-zero",
    ),
    pytest.param(
        "$$\\phi(u) = \\frac{u^2}{\\sum_{b=1}^n u_b^2}$$\n\n"
        "$$1 + \\phi(u)_a = 1 + \\frac{u_a^2}{\\sum_{b=1}^n u_b^2}$$\n",
        [D, U],
        id="a-power-of-a-bare-vector-has-two-readings",
    ),
    pytest.param(
        _ROWS + "$$P = \\frac{e^{S}}{e^{S} \\mathbf{1} \\mathbf{1}^T}$$\n\n"
        "$$\\frac{\\partial L}{\\partial G} = P^T \\frac{\\partial L}{\\partial O}$$\n\n"
        "$$P \\mathbf{1} = \\mathbf{1}$$\n",
        [D, D, D, P, P, P],
        id="a-softmax-of-a-matrix-is-taken-row-by-row",
    ),
    pytest.param(
        _ROWS + "$$P = \\frac{e^{S}}{\\mathbf{1} \\mathbf{1}^T e^{S}}$$\n",
        [D, D, D, U],
        id="a-softmax-of-a-matrix-by-columns-is-the-other-reading",
    ),
    pytest.param(
        _NAMED + "$$\\frac{\\partial L}{\\partial U} = \\eta_1 M^T$$\n",
        [U, D, U],
        id="a-name-given-to-a-wrong-chain-has-two-readings",
    ),
]


@pytest.mark.parametrize(("text", "verdicts"), MEANING)
def test_matrix_notation_means_its_entries(text: str, verdicts: list[Verdict]) -> None:
    assert verdicts_of(text) == verdicts
