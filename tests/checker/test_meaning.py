"""What names mean: undefined names are unknowns, definitions stand anywhere, facts name vectors.

Each row is a small document and the verdict every step must get.  The first group are the
soundness cases: a false step that an earlier checker accepted (a fact about one vector used
for another, an unread factor dropped, a derivative of an unknown taken as 0).  None of them
may ever be accepted again.
"""

from __future__ import annotations

import math

import pytest

from symderiv.api import check_text
from symderiv.results import Verdict
from tests.support.verdicts import assert_last_step_not_accepted
from tests.support.verdicts import verdicts as verdicts_of

P, F, U, D, C, X, N = (
    Verdict.PROVED,
    Verdict.FALSE,
    Verdict.UNDETERMINED,
    Verdict.DEFINITION,
    Verdict.CONDITIONAL,
    Verdict.UNPARSED,
    Verdict.NUMERIC,
)
#: a gradient written as a column, then the Jacobian (the column is meant as a row)
GRADIENT_BEFORE_JACOBIAN = (
    "-\\begin{bmatrix} \\frac{y_1}{a_1} \\\\ \\frac{y_2}{a_2} \\end{bmatrix} "
    "\\begin{pmatrix} a_1(1 - a_1) & -a_1 a_2 \\\\ -a_2 a_1 & a_2(1 - a_2) \\end{pmatrix}"
)
PER_SAMPLE = (
    "With $a = \\sigma(z)$ and $z = wx + b$:\n\n"
    "$$J = -\\frac{1}{m}\\sum_{i=1}^m y^{(i)}\\log a^{(i)}$$\n\n"
)
CE_GRADIENT = (
    "$$\\frac{\\partial}{\\partial z_i}\\left(-\\sum_k y_k \\log \\frac{e^{z_k}}{\\sum_j e^{z_j}}"
    "\\right) = \\frac{e^{z_i}}{\\sum_j e^{z_j}} - y_i$$\n"
)
OFF_DIAGONAL = (
    "$$\\frac{\\partial}{\\partial z_i} \\frac{e^{z_k}}{\\sum_j e^{z_j}} = "
    "-\\frac{e^{z_k} e^{z_i}}{(\\sum_j e^{z_j})^2}$$\n"
)
ENTRYWISE = "$$f(\\mathbf z)_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n"


NEVER_ACCEPTED = [
    pytest.param(
        "Let $\\mathbf{p} = \\mathop{smax}(\\mathbf{z})$ and $L = -\\log p_y$.\n\n"
        "$$\\frac{\\partial L}{\\partial z_j} = 0$$\n",
        id="a-name-the-prose-defines-unreadably-is-no-constant",
    ),
    pytest.param(
        "$$L(w) = \\frac{1}{2}\\|Xw - y\\|^2$$\n\n$$\\nabla_w L = X (Xw - y)$$\n",
        id="the-least-squares-gradient-keeps-its-transpose",
    ),
    pytest.param(
        "$$z = b^{2} \\in \\in$$\n\n$$L = z^2$$\n\n$$\\frac{\\partial L}{\\partial b} = 0$$\n",
        id="a-name-whose-definition-is-not-read-is-no-constant",
    ),
    pytest.param(
        "$$1 - \\sigma(\\mathbf h) = \\frac{1}{1 + e^{-\\mathbf h}}$$\n\n"
        "$$\\mathbf h + 1 = \\mathbf h$$\n",
        id="a-function-of-a-vector-entry-by-entry-keeps-its-sign",
    ),
    pytest.param(
        "<!-- symderiv: assume sum(y) = 1 -->\n\n$$\\sum_j q_j = 1$$\n",
        id="a-sum-fact-about-y-says-nothing-of-q",
    ),
    pytest.param(
        "<!-- symderiv: assume y one-hot -->\n\n$$\\sum_j q_j^2 = \\sum_j q_j$$\n",
        id="a-one-hot-fact-about-y-says-nothing-of-q",
    ),
    pytest.param(
        "$$-\\mathbf y \\ \\text{diag}\\left(\\frac{\\mathbf 1}{\\mathbf s}\\right) = -\\mathbf y$$\n",
        id="an-unread-factor-is-never-dropped",
    ),
    pytest.param(
        "$$\\frac{\\partial}{\\partial \\theta}\\left[\\sum_i y^{(i)} \\log h_\\theta(x^{(i)})\\right]"
        " = 0$$\n",
        id="a-function-of-theta-is-no-constant-of-theta",
    ),
    pytest.param(
        "$$\\frac{\\partial}{\\partial \\theta_j}\\sum_i y^{(i)} \\log h_\\theta(x^{(i)}) = 0$$\n",
        id="a-function-of-theta-is-no-constant-of-an-entry-of-theta",
    ),
    pytest.param(
        "$$J(\\theta) = -\\sum_{i=1}^{m} y^{(i)}\\log h_\\theta(x^{(i)})$$\n\n"
        "$$\\frac{\\partial}{\\partial \\theta_j} J(\\theta) = 0$$\n",
        id="a-function-of-theta-in-a-definition-is-no-constant-of-theta",
    ),
    pytest.param(
        "$$y_{ij} = \\frac{w_j x_{ij}}{r_i}$$\n\n"
        "$$\\sum_{b=1}^{B} \\sum_{h=1}^{H} \\frac{\\partial L}{\\partial y_{bh}} "
        "\\frac{\\partial y_{bh}}{\\partial x_{ij}} = 2 \\sum_{b=1}^{B} \\sum_{h=1}^{H} "
        "\\frac{\\partial L}{\\partial y_{bh}} \\frac{\\partial y_{bh}}{\\partial x_{ij}}$$\n",
        id="derivatives-of-an-undefined-loss-are-not-zero",
    ),
    pytest.param(
        "$$\\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial \\hat y} + 1$$\n",
        id="an-undefined-loss-by-two-variables",
    ),
    pytest.param(
        "$$\\begin{bmatrix} a_1 + y_1 & a_2 - y_2 \\end{bmatrix} = \\mathbf{a} - \\mathbf{y}$$\n",
        id="a-listed-vector-is-compared-entry-by-entry",
    ),
    pytest.param(
        "$$G(q) = -(1 - q)^{2} \\log(q)$$\n\n$$p = \\frac{1}{1 + e^{-z}}$$\n\n"
        "$$G(y, p) = -y (1 - p)^2 \\log(p)$$\n\n"
        "$$\\frac{\\partial G}{\\partial z} = 2 \\frac{\\partial G}{\\partial q} "
        "\\frac{\\partial q}{\\partial p} \\frac{\\partial p}{\\partial z}$$\n",
        id="a-name-defined-only-of-arguments-is-no-constant-when-written-bare",
    ),
    pytest.param(
        "$$q = \\frac{1}{1 + e^{-z}}$$\n\n$$\\frac{\\partial q_c}{\\partial q} = 0$$\n",
        id="a-subscripted-letter-is-no-constant-of-the-scalar-letter",
    ),
    pytest.param(
        "$$\\frac{\\partial q_c}{\\partial q} = 0$$\n",
        id="an-entry-is-no-constant-of-the-scalar-of-its-letter",
    ),
    pytest.param(
        "$$q_i = u_i^2$$\n\n"
        "$$\\begin{pmatrix} u_1 \\\\ u_2 \\end{pmatrix} = \\begin{pmatrix} q_1 \\\\ q_2 \\end{pmatrix}$$\n",
        id="a-defined-name-is-never-renamed-by-a-listing",
    ),
    pytest.param(
        "$$\\frac{\\partial H}{\\partial A_i} = - \\sum_{k=1}^{C} Y_k "
        "\\frac{\\partial \\log(\\sigma(A_k))}{\\partial A_i} = -Y_i(- \\sigma(A_i))$$\n\n"
        "$$\\sigma(A_i) = \\frac{e^{A_i}}{\\sum_{j=1}^{C} e^{A_j}}$$\n",
        id="agreement-where-both-sides-vanish-is-no-evidence",
    ),
    pytest.param(
        "$$\\frac{e^{z_i}}{\\sum_j e^{z_j}} = \\frac{e^{v_i}}{\\sum_j e^{v_j}}$$\n",
        id="two-logit-vectors-never-share-their-values",
    ),
    pytest.param(
        "$$C_1 = \\sum_i -p_i \\log q_i$$\n\n$$q_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n\n"
        "$$p_i = \\frac{e^{v_i}}{\\sum_j e^{v_j}}$$\n\n"
        "$$\\frac{\\partial C_1}{\\partial z_i} = 2 (q_i - p_i)$$\n",
        id="a-numbered-name-defined-and-differentiated",
    ),
    pytest.param(
        "$$E(w) = -\\frac{1}{N} \\sum_{n=1}^{N} E_n(w)$$\n\n"
        "$$- \\frac{\\partial }{ \\partial w} \\frac{1}{N} \\sum_{n=1}^{N} E_{n} = "
        "\\frac{1}{N} \\sum_{n=1}^{N} \\frac{\\partial E_{n} }{ \\partial w}$$\n",
        id="a-function-E-says-nothing-of-the-vector-E_n",
    ),
    pytest.param(
        "$$\\int c \\, g(t) \\, dt = c$$\n",
        id="a-function-nobody-calls-a-density-has-no-unit-mass",
    ),
    pytest.param(
        "Draw $t \\sim g(t)$.\n\n$$\\int c \\, g(t) \\, dt = 2 c$$\n",
        id="a-density-has-unit-mass-not-two",
    ),
    pytest.param(
        "$$\\log p(a \\mid b) = \\log p(a, b)$$\n",
        id="a-conditional-density-is-not-the-joint-one",
    ),
    pytest.param(
        "$$E_{z \\sim q(z|x)}[\\log r(x, z)] = \\int q(z|x) \\log r(x, z) \\, dx$$\n",
        id="an-expectation-over-z-is-no-integral-over-x",
    ),
    pytest.param(
        "$$E_{z \\sim q(z|x)}[\\log q(z|x) - \\log p(z)] = D_{KL}(q(z|x) \\| p(z)) + 1$$\n",
        id="a-divergence-of-densities-plus-one",
    ),
    pytest.param(
        "$$H(q, m) = \\Sigma_{w} q(w) \\log m(w)$$\n",
        id="a-cross-entropy-defined-without-its-minus-sign",
    ),
    pytest.param(
        "$$H(w_1, \\ldots, w_n) = -\\sum_{w} q(w) \\log q(w)$$\n\n"
        "$$\\frac{2}{n} H(w_1, \\ldots, w_n) = -\\frac{2}{n} \\sum_{w} \\log q(w)$$\n",
        id="an-entropy-of-a-sequence-without-its-weights",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$ and $t \\sim s(t)$.\n\n$$JSD(r \\| s) = KL(r \\| s)$$\n",
        id="a-jensen-shannon-divergence-is-no-kl-divergence",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$ and $t \\sim s(t)$.\n\n"
        "$$KL(r \\| \\frac{r + s}{2}) = KL(r \\| \\frac{r + u}{2})$$\n",
        id="a-name-nobody-calls-a-density-is-not-expanded",
    ),
    pytest.param(
        "$$\\int q(z|x) \\log \\frac{q(z|x)}{p(z|x)} dz = "
        "\\int q(z|x) \\log \\frac{q(z|x) p(z)}{p(x|z) p(x)} dz$$\n",
        id="bayes-rule-upside-down",
    ),
    pytest.param(
        "$$\\log p(x) = E_{z \\sim q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] "
        "- D_{KL}(q(z|x) \\| p(z|x))$$\n",
        id="the-evidence-lower-bound-identity-with-the-divergence-subtracted",
    ),
    pytest.param(
        "Draw $x \\sim r(x)$.\n\n$$\\int r(x, z) \\, dz = r(x)$$\n",
        id="a-density-never-written-conditionally-is-no-family",
    ),
    pytest.param(
        "$$E_{x \\sim \\mathcal{N}(\\mu, \\sigma^2)}[x^2] = \\sigma^2 - \\mu^2$$\n",
        id="a-second-moment-of-a-normal-with-the-sign-of-the-mean-flipped",
    ),
    pytest.param(
        "$$E_{x \\sim \\mathcal{N}(\\mu, \\sigma)}[x^2] = \\mu^2 + \\sigma$$\n",
        id="a-normal-whose-second-parameter-may-be-a-standard-deviation",
    ),
    pytest.param(
        "Let $p$ be Gaussian with mean $m$ and variance $s^2$.\n\n"
        "$$\\int p(x) x^2 \\, dx = s^2 - m^2$$\n",
        id="an-integral-against-a-normal-stated-in-words-with-the-sign-of-the-mean-flipped",
    ),
    pytest.param(
        "Here $p$ is normal with mean $m$ and standard deviation $s$.\n\n"
        "$$\\int p(x) x^2 \\, dx = m^2 + s$$\n",
        id="a-standard-deviation-in-words-is-not-the-variance",
    ),
    pytest.param(
        "$$\\int \\mathcal{N}(x; m, s) \\, x^2 \\, dx = m^2 + s$$\n",
        id="a-normal-density-whose-second-parameter-may-be-a-standard-deviation",
    ),
    pytest.param(
        "Let $p$ be Gaussian with mean $m$ and variance $s^2$, and draw $z \\sim q(z)$.\n\n"
        "$$\\int q(z) z^2 \\, dz = s^2 + m^2$$\n",
        id="a-normal-stated-for-one-density-says-nothing-of-another",
    ),
    pytest.param(
        "$$f(x) = \\frac{1}{\\sqrt{2\\pi a^2}} e^{-\\frac{(x-u)^2}{2a^2}}$$\n\n"
        "$$\\int f(x) \\log f(x) \\, dx = -\\frac{1}{2}\\log(2\\pi a^2)$$\n",
        id="the-entropy-of-a-normal-written-out-without-its-half",
    ),
    pytest.param(
        "Let $p$ be Gaussian with mean $u$ and variance $a^2$, and $q$ Gaussian with mean $w$ "
        "and variance $b^2$.\n\n"
        "$$\\int p(x) \\log \\frac{p(x)}{q(x)} dx = \\log\\frac{a}{b} + "
        "\\frac{a^2 + (u - w)^2}{2 b^2} - \\frac{1}{2}$$\n",
        id="the-divergence-of-two-normals-with-the-scales-swapped",
    ),
    pytest.param(
        "$$w^* = \\arg\\max_w \\prod_{k=1}^m f(y_k; w)$$\n\n"
        "$$w^* = \\arg\\max_w -\\sum_{k=1}^m \\log f(y_k; w)$$\n",
        id="a-maximiser-of-the-negated-log-likelihood",
    ),
    pytest.param(
        "$$w^* = \\arg\\max_w \\prod_{k=1}^m f(y_k; w)$$\n\n"
        "$$w^* = \\arg\\min_w \\sum_{k=1}^m \\log f(y_k; w)$$\n",
        id="a-maximiser-of-the-likelihood-is-no-minimiser-of-its-log",
    ),
    pytest.param(
        "Let $r(u|v)$ be the encoder.\n\n"
        "$$\\mathbb{E}_{r}[\\log r(u|v)] = -\\int r(u|v) \\log r(u|v) \\, du$$\n",
        id="an-expectation-under-a-density-named-alone-with-its-sign-flipped",
    ),
    pytest.param(
        "$$E_{x \\sim \\mathcal{N}(\\mu, 1)}[x] = \\mu + 1$$\n",
        id="an-expectation-whose-value-is-a-bare-name-defines-nothing",
    ),
    pytest.param(
        "Let $X \\sim \\mathcal{N}(\\mu, \\sigma^2)$.\n\n$$E[Y^2] = \\mu^2 + \\sigma^2$$\n",
        id="an-expectation-of-a-variable-whose-distribution-is-not-stated",
    ),
    pytest.param(
        "Both densities $q(z)$ and $r(z)$ are Gaussian.\n\n"
        "$$- D_{KL}(q(z) \\| r(z)) = \\int q(z) (\\log q(z) - \\log r(z)) dz$$\n",
        id="a-divergence-of-densities-named-gaussian-in-words-with-its-sign-lost",
    ),
    pytest.param(
        "Draw $z \\sim r(z)$.\n\n$$\\int r(z) \\log r(z) \\, dz = \\int r(z) \\, dz$$\n",
        id="an-entropy-of-an-arbitrary-density-is-no-unit-mass",
    ),
    pytest.param(
        "$$\\mathbb{E}_{q(z|x)}[\\log q(z|x)] = \\int q(z|x) \\log q(z|x) \\, dx$$\n",
        id="an-expectation-under-a-density-subscript-is-over-its-first-variable",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$.\n\n$$\\mathbb{E}_{t \\sim r}[\\log r(t)] = 1 + \\int r(t) \\log r(t) \\, dt$$\n",
        id="an-expectation-under-a-bare-density-name-plus-one",
    ),
    pytest.param(
        "$$s'(x) = \\frac{d}{dx} \\frac{1}{1 + e^{-x}}$$\n\n$$s'(x) = s(x)(1 + s(x))$$\n",
        id="a-name-a-derivative-step-defines-is-held-to-that-definition",
    ),
    pytest.param(
        "$$\\frac{d y}{d x} = \\frac{d}{d x} x^3$$\n\n$$y = x^2$$\n\n"
        "$$\\frac{d y}{d x} = \\frac{d}{d x} x^3$$\n",
        id="a-derivative-step-names-nothing-the-document-defines-elsewhere",
    ),
    pytest.param(
        "For another index, called $k$:\n\n$$\\frac{\\partial}{\\partial z_i} "
        "\\frac{e^{z_k}}{\\sum_j e^{z_j}} = \\frac{e^{z_k}}{\\sum_j e^{z_j}}"
        "\\left(1 - \\frac{e^{z_i}}{\\sum_j e^{z_j}}\\right)$$\n",
        id="the-diagonal-formula-for-an-index-called-another",
    ),
    pytest.param(
        "Here $y$ is one-hot.\n\n$$\\sum_j q_j = 1$$\n",
        id="a-one-hot-fact-in-the-prose-says-nothing-of-another-vector",
    ),
    pytest.param(
        PER_SAMPLE + "$$\\frac{\\partial J}{\\partial b} = 0$$\n",
        id="a-per-sample-copy-of-a-defined-name-is-no-constant",
    ),
    pytest.param(
        "$$g'(x)\\big|_{x=0} = 0$$\n", id="an-unknown-function-at-a-point-is-no-number"
    ),
    pytest.param(
        "$$\\operatorname{sigmoid}(-t) = \\operatorname{sigmoid}(t)$$\n",
        id="the-sigmoid-spelled-out-is-no-even-function",
    ),
    pytest.param(
        "$$\\mathrm{softmax}\\left(\\begin{bmatrix} 2 \\\\ 0 \\end{bmatrix}\\right) = "
        "\\begin{bmatrix} 0.5 \\\\ 0.5 \\end{bmatrix}$$\n",
        id="the-softmax-of-a-written-out-vector-weighs-its-entries",
    ),
    pytest.param("$$\\cos h \\approx 1 + \\frac{h^2}{2}$$\n", id="a-wrong-approximation"),
    pytest.param("$$\\sqrt{3} \\approx 1.8$$\n", id="an-approximation-to-wrong-digits"),
    pytest.param(
        "Expectations are under $p$, the density $p(t)$.\n\n$$\\langle t^2 \\rangle = b^2$$\n",
        id="an-expectation-under-a-density-nothing-states",
    ),
    pytest.param(
        "Let $p$ be Gaussian with mean $a$ and variance $b^2$; expectations under $p$, with "
        "$p(t)$.\n\n$$\\langle t^2 \\rangle = b^2 - a^2$$\n",
        id="an-expectation-under-a-normal-the-prose-names",
    ),
    pytest.param("$$\\max_t (1 - t^2) = 1 - t^2$$\n", id="an-optimum-is-never-dropped"),
    pytest.param(
        "$$V(D) = \\log D + 1$$\n\n$$\\max_D V(D) = \\log D + 2$$\n",
        id="a-game-restated-with-another-objective",
    ),
]


NEVER_ACCEPTED += [
    pytest.param(
        "$$V(X) = \\mathbb{E}[(X - \\mathbb{E}[X])^2]$$\n\n$$V(aX + b) = a V(X) + b$$\n",
        id="an-expectation-under-no-stated-distribution-is-no-product",
    ),
    pytest.param(
        "$$\\lim_{m \\to \\infty} \\frac{1}{m} \\sum_{i=1}^{m} 1 = 0$$\n",
        id="a-limit-over-the-count-of-its-sum-is-no-limit-of-a-constant",
    ),
]


@pytest.mark.parametrize("text", NEVER_ACCEPTED)
def test_false_steps_are_never_accepted(text: str) -> None:
    assert_last_step_not_accepted(text)


MEANING = [
    pytest.param(
        "Let $X \\sim \\mathcal{N}(\\mu, \\sigma^2)$.\n\n"
        "$$\\mathbb{E}[X^2] - \\langle X \\rangle^2 = \\sigma^2$$\n\n"
        "$$E[(X - \\mu)^2] = \\sigma^2 + \\mu$$\n",
        [P, F],
        id="moments-of-a-variable-the-document-draws-from-a-normal",
    ),
    pytest.param(
        "$$E_{x \\sim \\mathcal{N}(\\mu, \\sigma^2)}[(x - \\mu)^2] = \\sigma^2$$\n\n"
        "$$\\mathbb{E}_{x \\sim N(\\mu, \\sigma^2)}[x^2] = \\sigma^2 - \\mu^2$$\n",
        [P, F],
        id="moments-of-a-normal-the-document-names",
    ),
    pytest.param(
        "Let $p$ be Gaussian with mean $\\mu_1$ and variance $\\sigma_1^2$, and let $q$ be "
        "Gaussian with mean $\\mu_2$ and variance $\\sigma_2^2$.\n\n"
        "$$\\int p(x) \\log p(x) \\, dx = -\\frac{1}{2}(1 + \\log 2\\pi\\sigma_1^2)$$\n\n"
        "$$-\\int p(x) \\log q(x) \\, dx = \\frac{1}{2}\\log(2\\pi\\sigma_2^2) + "
        "\\frac{\\sigma_1^2 + (\\mu_1 - \\mu_2)^2}{2\\sigma_2^2}$$\n\n"
        "$$\\int p(x) x^2 \\, dx = \\sigma_1^2 - \\mu_1^2$$\n",
        [P, P, F],
        id="integrals-against-normals-stated-by-their-parameters-in-words",
    ),
    pytest.param(
        "The density is $p(x) = \\mathcal{N}(x; m, s^2)$.\n\n"
        "$$\\int_{-\\infty}^{\\infty} p(x) (x - m)^2 \\, dx = s^2$$\n\n"
        "$$\\int p(x) \\, x \\, dx = m + 1$$\n",
        [P, F],
        id="integrals-against-a-normal-stated-by-its-density-function",
    ),
    pytest.param(
        "$$g(x) = \\frac{1}{\\sqrt{2\\pi}\\,b} \\exp\\left(-\\frac{(x-w)^2}{2b^2}\\right)$$\n\n"
        "$$\\int g(x) (x - w)^3 \\, dx = 0$$\n\n"
        "$$\\int g(x) x^2 \\, dx = b^2 + w^2$$\n",
        [D, P, P],
        id="integrals-against-a-normal-written-out",
    ),
    pytest.param(
        "Both densities $q(z)$ and $r(z)$ are Gaussian.\n\n"
        "$$\\int r(z) z^2 \\, dz = s^2 + m^2$$\n",
        [C],
        id="a-normal-of-unknown-parameters-has-the-moments-of-the-normal-the-condition-names",
    ),
    pytest.param(
        "# Two Gaussians\n\nDraw $x \\sim p(x)$.\n\n$$\\int p(x) \\, x^2 \\, dx = s^2 + m^2$$\n\n"
        "$$\\int p(x) \\log p(x) \\, dx = -\\frac{1}{2}\\log(2 \\pi e s^2)$$\n\n"
        "$$\\int p(x) \\, x^2 \\, dx = s^2 - m^2$$\n",
        [C, C, U],
        id="a-step-about-a-normal-of-unstated-parameters-names-the-normals-it-holds-for",
    ),
    pytest.param(
        "Draw $x \\sim p(x)$.\n\n$$\\int p(x) \\, x^2 \\, dx = s^2 + m^2$$\n",
        [U],
        id="no-normal-is-guessed-in-a-document-that-never-speaks-of-one",
    ),
    pytest.param(
        "$$w^* = \\arg\\max_w \\Pi_{k=1}^m f(y_k; w)$$\n\n"
        "$$w^* = \\arg\\max_{w} \\sum_{k=1}^m \\log f(y_k; w)$$\n\n"
        "$$w^* = \\arg\\min_w \\left(-\\frac{1}{m}\\sum_{k=1}^m \\log f(y_k; w) + c\\right)$$\n",
        [D, P, P],
        id="maximisers-of-a-likelihood-and-of-its-logarithm",
    ),
    pytest.param(
        "Let $r(u|v)$ be the encoder.\n\n"
        "$$\\mathbb{E}_{r}[\\log r(u|v)] = \\int r(u|v) \\log r(u|v) \\, du$$\n\n"
        "$$\\mathbb{E}_{r}[u^2] = \\int r(u|v) u^2 \\, du$$\n",
        [P, X],
        id="an-expectation-under-a-density-named-alone-is-over-the-variable-its-body-gives-it",
    ),
    pytest.param(
        "Here $g$ is normal with mean $a$ and variance $b^2$, and $r(u|v)$ the encoder.\n\n"
        "$$\\mathbb{E}_{r}[\\log r(u|v) - \\log g(u)] = "
        "\\int r(u|v) \\log \\frac{r(u|v)}{g(u)} \\, du$$\n",
        [N],
        id="the-log-of-a-stated-normal-splits-next-to-an-unknown-density",
    ),
    pytest.param(
        "A Gaussian $q$. Draw $Y \\sim R(y)$.\n\n"
        "$$\\int R(y) \\log \\left[ c \\, e^{-y^2} \\right] dy = \\int R(Y) (\\log c - y^2) \\, dy$$\n\n"
        "$$\\int R(y) \\log \\left[ c \\, e^{-y^2} \\right] dy = \\int R(Y) (\\log c + y^2) \\, dy$$\n",
        [P, U],
        id="a-density-at-the-random-variable-under-its-integral-and-the-log-of-a-normal-split",
    ),
    pytest.param(
        "$$E_{y \\sim \\text{Bernoulli}(p)}[y \\log q + (1 - y) \\log(1 - q)] = "
        "p \\log q + (1 - p) \\log(1 - q)$$\n",
        [P],
        id="an-expectation-under-a-bernoulli",
    ),
    pytest.param(
        "$$\\int q(z|x) \\log \\frac{q(z|x)}{p(z|x)} dz = "
        "\\int q(z|x) \\log \\frac{q(z|x) p(x)}{p(x|z) p(z)} dz$$\n",
        [P],
        id="bayes-rule-in-a-family-of-densities-named-by-their-arguments",
    ),
    pytest.param(
        "$$\\log p(x) = E_{z \\sim q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] "
        "+ D_{KL}(q(z|x) \\| p(z|x))$$\n",
        [P],
        id="the-evidence-lower-bound-identity",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$ and $t \\sim s(t)$.\n\n"
        "$$2 JSD(r \\| s) - \\log 4 = \\int r(t) \\log \\frac{r(t)}{r(t) + s{(t)}} dt "
        "+ \\int s(t) \\log \\frac{s(t)}{r(t) + s(t)} dt$$\n",
        [P],
        id="a-jensen-shannon-divergence-of-two-named-densities",
    ),
    pytest.param(
        "$$H(q, m) = \\Sigma_{w} q(w) \\log m(w)$$\n",
        [F],
        id="a-cross-entropy-of-two-applied-distributions-with-its-sign-lost",
    ),
    pytest.param(
        "$$H(w_1, \\ldots, w_n) = -\\sum_{w} q(w) \\log q(w)$$\n\n"
        "$$\\frac{2}{n} H(w_1, \\ldots, w_n) = -\\frac{2}{n} \\sum_{w} q(w) \\log q(w)$$\n\n"
        "$$\\frac{2}{n} H(w_1, \\ldots, w_n) = -\\frac{2}{n} \\sum_{w} \\log q(w)$$\n",
        [D, P, F],
        id="a-function-of-a-sequence-written-with-an-ellipsis-is-defined",
    ),
    pytest.param(
        "Draw $t \\sim g(t)$.\n\n"
        "$$\\int g(t) (c + \\log g(t)) \\, dt = c + E_{t \\sim g(t)}[\\log g(t)]$$\n",
        [P],
        id="a-density-has-unit-mass",
    ),
    pytest.param(
        "$$\\int q(z \\mid x) \\log \\frac{2 q(z \\mid x)}{r(x \\mid z)} \\, dz = "
        "\\log 2 + E_{z \\sim q(z|x)}[\\log q(z|x) - \\log r(x|z)]$$\n",
        [P],
        id="the-log-of-a-quotient-of-densities-splits",
    ),
    pytest.param(
        "$$E_{z \\sim q(z|x)}[\\log q(z|x) - \\log p(z \\mid x)] + 1 = "
        "D_{KL}(q(z|x) \\| p(z|x)) + 1$$\n",
        [P],
        id="a-divergence-of-densities-is-their-expected-log-ratio",
    ),
    pytest.param(
        "$$p(x) = \\int p(x \\mid z) p(z) \\, dz$$\n\n"
        "$$E_{z \\sim q(z|x)}[\\log p(x)] = \\log p(x)$$\n",
        [D, P],
        id="a-density-named-by-its-argument-and-a-constant-under-the-expectation",
    ),
    pytest.param(
        "$$\\mathbb{E}_{q(z|x)}[\\log q(z|x)] = \\int q(z|x) \\log q(z|x) \\, dz$$\n",
        [P],
        id="an-expectation-under-a-density-written-as-the-subscript",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$.\n\n$$\\mathbb{E}_{t \\sim r}[\\log r(t)] = \\int r(t) \\log r(t) \\, dt$$\n",
        [P],
        id="an-expectation-under-a-bare-density-name",
    ),
    pytest.param(
        "$$\\mathbb{E}_{X \\sim P}[X^2] = \\sum_x P_x x^2$$\n",
        [P],
        id="an-expectation-under-a-probability-vector-stays-a-sum",
    ),
    pytest.param(
        "Both densities $q(z)$ and $r(z)$ are Gaussian.\n\n"
        "$$- D_{KL}(q(z) \\| r(z)) = \\int q(z) (\\log r(z) - \\log q(z)) dz$$\n",
        [P],
        id="a-name-applied-and-called-gaussian-in-words-is-a-density",
    ),
    pytest.param(
        "The Gaussian kernel $k(x)$ smooths the signal.\n\n$$\\int c \\, k(x) \\, dx = c$$\n",
        [U],
        id="a-gaussian-kernel-is-no-density",
    ),
    pytest.param(
        "Draw $z \\sim r(z)$.\n\n$$\\int r(z) \\log r(z) \\, dz = \\int r(z) \\, dz$$\n",
        [F],
        id="a-claim-about-an-arbitrary-density-fails-for-a-normal-one",
    ),
    pytest.param(
        "Let $r(z)$ be a standard normal density, $z \\sim r(z)$.\n\n"
        "$$\\int r(z) z^2 \\, dz = \\int r(z) \\, dz$$\n",
        [U],
        id="a-claim-about-a-density-stated-in-words-is-no-claim-about-every-density",
    ),
    pytest.param(
        "Let $S_i = \\mathrm{softmax}(z)_i$.\n\n"
        "$$\\frac{\\partial S_i}{\\partial z_j} = S_i(\\delta_{ij} - S_j)$$\n",
        [P],
        id="a-definition-in-inline-math",
    ),
    pytest.param(
        "$$\\frac{\\partial S_i}{\\partial z_j} = S_i(\\delta_{ij} - S_j)$$\n\n"
        "where $S_i = \\mathrm{softmax}(z)_i$.\n",
        [P],
        id="a-definition-after-its-use",
    ),
    pytest.param(
        "Proof with $g_i = e^{a_i}, h_i = \\sum^K_{k=1}e^{a_k} = \\Sigma$.\n\n"
        "$$\\frac{\\partial}{\\partial a_j}h_i = e^{a_j}$$\n",
        [P],
        id="an-inline-chain-names-its-formula",
    ),
    pytest.param(
        "$$\\frac{\\partial E}{\\partial o_j} = o_j - t_j$$\n",
        [U],
        id="a-derivative-of-an-undefined-name-is-unknown",
    ),
    pytest.param(
        "$$\\hat{y} = \\sigma(z)$$\n\n"
        "$$\\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial \\hat{y}}"
        " \\frac{\\partial \\hat{y}}{\\partial z} = \\frac{\\partial L}{\\partial \\hat{y}}"
        " \\hat{y}(1-\\hat{y})$$\n\n"
        "$$\\frac{\\partial L}{\\partial z} = 2 \\frac{\\partial L}{\\partial \\hat{y}}"
        " \\hat{y}(1-\\hat{y})$$\n",
        [D, P, P, F],
        id="the-chain-rule-through-a-named-quantity",
    ),
    pytest.param(
        "$$\\frac{\\partial \\log p_j}{\\partial x_i} = 2 \\frac{1}{p_j}"
        "\\frac{\\partial p_j}{\\partial x_i}$$\n",
        [F],
        id="holds-only-where-its-own-derivative-vanishes",
    ),
    pytest.param(
        "$$\\frac{\\partial \\log p_j}{\\partial x_i} = \\frac{1}{p_j}"
        "\\frac{\\partial p_j}{\\partial x_i}$$\n",
        [P],
        id="the-chain-rule-through-an-unknown",
    ),
    pytest.param(
        "$$\\sigma(-z) = \\sigma(z)$$\n",
        [F],
        id="a-claim-about-a-standard-name-is-no-definition",
    ),
    pytest.param(
        "$$\\sigma(z) = \\frac{1}{1+e^{z}}$$\n\n"
        "$$\\frac{d\\sigma(z)}{dz} = -\\sigma(z)(1-\\sigma(z))$$\n",
        [D, P],
        id="the-documents-own-sigmoid-is-the-one-used",
    ),
    pytest.param(
        "$$\\sigma(t) = \\frac{1}{1+e^{t}}$$\n\n"
        "$$\\frac{d}{dt} \\operatorname{sigmoid}(t) = -\\sigma(t)(1-\\sigma(t))$$\n",
        [D, P],
        id="sigmoid-spelled-out-is-the-documents-own-sigma",
    ),
    pytest.param(
        "$$\\operatorname{sigmoid}(t) = \\frac{1}{1+e^{t}}$$\n\n"
        "$$\\frac{d}{dt}\\sigma(t) = -\\sigma(t)(1-\\sigma(t))$$\n",
        [D, P],
        id="a-definition-of-sigmoid-defines-sigma",
    ),
    pytest.param(
        "$$\\operatorname{softmax}\\left(\\begin{pmatrix} u \\\\ u \\end{pmatrix}\\right) = "
        "\\begin{pmatrix} 1/2 \\\\ 1/2 \\end{pmatrix}$$\n",
        [P],
        id="the-softmax-of-a-written-out-vector-entry-by-entry",
    ),
    pytest.param(
        "$$\\frac{\\partial \\sigma(A_i)}{\\partial A_i} = \\sigma(A_i)(1 - \\sigma(A_i))$$\n\n"
        "The softmax is written $\\sigma$ here:\n\n"
        "$$\\sigma(A_i) = \\frac{e^{A_i}}{\\sum_{j=1}^{C} e^{A_j}}$$\n",
        [P, D],
        id="a-standard-name-defined-further-down",
    ),
    pytest.param(
        "$$q_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n\n"
        "$$q_i := \\frac{e^{z_i/T}}{\\sum_j e^{z_j/T}}$$\n\n"
        "$$\\frac{\\partial q_i}{\\partial z_i} = \\frac{1}{T} q_i (1 - q_i)$$\n",
        [D, D, P],
        id="a-redefinition-is-the-meaning-from-there-on",
    ),
    pytest.param(
        "$$\\frac{\\exp(a_0)}{u} = y_0$$\n",
        [U],
        id="a-name-written-on-one-side-only",
    ),
    pytest.param(
        "$$\\lim_{h \\to 0} \\frac{(x+h)^2 - x^2}{h} = \\lim_{h\\to 0} (2x + h)$$\n\n"
        "$$2x+h = 2x$$\n",
        [P, F],
        id="a-variable-of-the-document-on-one-side-is-still-a-variable",
    ),
    pytest.param(
        "$$p_t = \\begin{cases} p & \\text{if } y = 1 \\\\ 1 - p & \\text{otherwise} \\end{cases}$$\n\n"
        "$$p_t = \\frac{p(y + 1)}{2} + \\frac{(1 - p)(1 - y)}{2}$$\n",
        [U, U, U],
        id="a-definition-on-a-case-of-the-data-is-not-used-everywhere",
    ),
    pytest.param(
        "$$( t_{0} + t_{1} + t_{2} )y_{0} - t_{0} = y_{0} - t_{0}$$\n",
        [C],
        id="a-side-condition-on-written-entries",
    ),
    pytest.param(
        "$$-2 \\left[ \\mu - \\frac{m \\cdot \\mu}{m} \\right] = -2 \\left[ \\mu - \\mu \\right]$$\n",
        [P],
        id="a-cancelled-side-is-no-numeric-claim",
    ),
    pytest.param(
        "$$\\mu_B = \\frac{1}{m} \\sum_{i=1}^m x_i$$\n\n"
        "$$\\frac{\\partial}{\\partial x_i} \\left[ \\frac{x_i - \\mu_B}{\\sqrt{s + \\epsilon}} \\right]"
        " = \\frac{1}{\\sqrt{s + \\epsilon}}$$\n",
        [D, U],
        id="partial-and-total-derivative-readings-disagree",
    ),
    pytest.param(
        "$$E(t, o) = -\\sum_j t_j \\log o_j$$\n\n"
        "$$\\frac{\\partial E}{\\partial o_j} = -\\frac{t_j}{o_j}$$\n\n"
        "$$\\frac{\\partial E}{\\partial o_j} = \\frac{t_j}{o_j}$$\n",
        [D, P, F],
        id="a-function-written-without-its-arguments-is-that-function",
    ),
    pytest.param(
        "$$H(Y, \\sigma(A)) = - \\sum_{i=1}^{C} Y_i \\log(\\sigma(A_i))$$\n\n"
        "$$\\sigma(A_i) = \\frac{e^{A_i}}{\\sum_{j=1}^{C} e^{A_j}}$$\n\n"
        "$$\\frac{\\partial H}{\\partial A_i} = - \\sum_{k=1}^{C} Y_k "
        "\\frac{\\partial \\log(\\sigma(A_k))}{\\partial A_i}$$\n",
        [D, D, P],
        id="an-entropy-of-expressions-is-the-documents-function",
    ),
    pytest.param(
        "$$\\frac{\\partial \\log(\\sigma(A_k))}{\\partial \\sigma(A_k)} = \\frac{1}{\\sigma(A_k)}$$\n\n"
        "$$\\frac{\\partial \\log(\\sigma(A_k))}{\\partial \\sigma(A_k)} = \\sigma(A_k)$$\n",
        [P, F],
        id="a-derivative-by-a-function-value",
    ),
    pytest.param(
        "$$\\frac{\\partial}{\\partial \\sigma^2} (\\sigma^2 + \\epsilon)^{-1/2}"
        " = -\\frac{1}{2} (\\sigma^2 + \\epsilon)^{-3/2}$$\n\n"
        "$$\\frac{\\partial}{\\partial \\sigma^2} (\\sigma^2 + \\epsilon)^{-1/2}"
        " = -\\frac{1}{2} (\\sigma^2 + \\epsilon)^{-1/2}$$\n",
        [P, F],
        id="a-first-derivative-by-a-square-is-by-that-quantity",
    ),
    pytest.param(
        "$$\\lim_{h \\to 0}\\frac{e^{x}(e^{h}-1)}{h} = e^{x}$$\n\n"
        "$$e = \\lim_{h\\to \\infty}(1 + h)^{\\frac{1}{h}}$$\n",
        [P, F],
        id="limits-of-known-expressions-are-taken",
    ),
    pytest.param(
        "$$2^{-\\frac{1}{n}\\log_2 p(w_1, \\cdots, w_n)} = p(w_1, \\cdots, w_n)^{-\\frac{1}{n}}$$\n\n"
        "$$2^{-\\frac{1}{n}\\log_2 p(w_1, \\cdots, w_n)} = p(w_1, \\cdots, w_n)^{\\frac{1}{n}}$$\n",
        [Verdict.VERIFIED, U],
        id="arguments-left-out-with-dots",
    ),
    pytest.param(
        "$$\\frac{\\partial \\sigma(a_i)}{\\partial a_j} = \\sigma(a_i)(1 - \\sigma(a_i))$$\n\n"
        "$$\\sigma(a_i) = \\frac{e^{a_i}}{\\sum_{k=1}^{K} e^{a_k}}$$\n",
        [F, D],
        id="one-class-is-no-counterexample-but-the-index-case-is",
    ),
    pytest.param(
        "$$y = e^{x} \\iff \\frac{dy}{dx} = e^{x}$$\n\n"
        "$$y = \\log x \\Rightarrow \\frac{dy}{dx} = \\frac{1}{x}$$\n\n"
        "$$y = x^2 \\Rightarrow \\frac{dy}{dx} = x$$\n",
        [D, P, D, P, D, F],
        id="a-rule-stated-with-an-arrow-defines-its-own-name",
    ),
    pytest.param(
        "$$y_{ij} = \\frac{w_j x_{ij}}{r_i}$$\n\n"
        "$$\\frac{\\partial L}{\\partial w_j} = \\sum_{b=1}^{B} \\sum_{h=1}^{H} "
        "\\frac{\\partial L}{\\partial y_{bh}} \\frac{\\partial y_{bh}}{\\partial w_j}$$\n\n"
        "$$\\frac{\\partial L}{\\partial w_j} = \\sum_{b=1}^{B} "
        "\\frac{\\partial L}{\\partial y_{bj}} \\frac{x_{bj}}{r_j}$$\n",
        [D, P, F],
        id="the-chain-rule-through-the-entries-of-a-named-matrix",
    ),
    pytest.param(
        "$$g(u_k) = \\frac{e^{u_k}}{\\sum_{j=1}^{K} e^{u_j}}$$\n\n"
        "$$\\sum_{k=1}^{K} t_k g(u_k) = t_1 g(u_1) + t_2 g(u_2) + \\dots + t_K g(u_K)$$\n\n"
        "$$\\sum_{k=1}^{K} t_k g(u_k)^2 = t_1 g(u_1) + t_2 g(u_2) + \\dots + t_K g(u_K)$$\n",
        [D, P, F],
        id="elided-terms-of-an-entry-function-end-at-the-count",
    ),
    pytest.param(
        "$$\\begin{pmatrix} \\frac{e^{u_1}}{e^{u_1}+e^{u_2}} \\\\ \\frac{e^{u_2}}{e^{u_1}+e^{u_2}} "
        "\\end{pmatrix} = \\begin{pmatrix} q_1 \\\\ q_2 \\end{pmatrix}$$\n\n"
        "$$\\frac{\\partial q_1}{\\partial u_2} = -q_1 q_2$$\n\n"
        "$$\\frac{\\partial q_1}{\\partial u_2} = q_1 q_2$$\n",
        [D, P, F],
        id="formulas-equal-to-the-entries-of-a-new-name-name-them",
    ),
    pytest.param(
        "$$\\begin{pmatrix} u_1 \\\\ u_2 \\end{pmatrix} \\mapsto \\begin{pmatrix} "
        "\\frac{e^{u_1}}{e^{u_1}+e^{u_2}} \\\\ \\frac{e^{u_2}}{e^{u_1}+e^{u_2}} \\end{pmatrix} "
        "= \\begin{pmatrix} q_1 \\\\ q_2 \\end{pmatrix} "
        "= \\begin{pmatrix} \\hat{r_1} \\\\ \\hat{r_2} \\end{pmatrix}$$\n\n"
        "$$\\hat r_1 + \\hat r_2 = 1$$\n\n$$\\hat r_1 = q_2$$\n",
        [D, D, P, F],
        id="a-map-written-with-an-arrow-then-named-twice",
    ),
    pytest.param(
        "$$q_i = u_i^2$$\n\n"
        "$$\\begin{pmatrix} \\frac{e^{u_1}}{e^{u_1}+e^{u_2}} \\\\ \\frac{e^{u_2}}{e^{u_1}+e^{u_2}} "
        "\\end{pmatrix} = \\begin{pmatrix} q_1 \\\\ q_2 \\end{pmatrix}$$\n",
        [D, F],
        id="entries-of-a-defined-name-are-a-claim-not-a-name",
    ),
    pytest.param(
        "$$\\hat q = \\begin{bmatrix} u_1^2 \\\\ u_2^2 \\end{bmatrix}$$\n\n"
        "$$\\begin{bmatrix} u_1^2 \\\\ u_2^2 \\end{bmatrix} = "
        "\\begin{bmatrix} \\hat q_1 \\\\ \\hat q_2 \\end{bmatrix}$$\n\n"
        "$$\\begin{bmatrix} u_1^2 + 1 \\\\ u_2^2 \\end{bmatrix} = "
        "\\begin{bmatrix} \\hat q_1 \\\\ \\hat q_2 \\end{bmatrix}$$\n",
        [D, P, F],
        id="entries-of-a-vector-defined-whole-are-a-claim-not-a-name",
    ),
    pytest.param(
        "$$\\begin{bmatrix} a_1 - y_1 & a_2 - y_2 & a_3 - y_3 \\end{bmatrix} "
        "= \\mathbf{a} - \\mathbf{y}$$\n\n"
        "$$\\begin{bmatrix} a_1 + y_1 & a_2 - y_2 & a_3 - y_3 \\end{bmatrix} "
        "= \\mathbf{a} - \\mathbf{y}$$\n\n"
        "$$\\begin{bmatrix} a_1 \\\\ a_2 \\end{bmatrix} = \\begin{bmatrix} a_1 & a_2 \\end{bmatrix}$$\n",
        [P, F, P],
        id="a-listed-vector-against-a-vector-compares-entries-in-any-orientation",
    ),
    pytest.param(
        "$$q = \\frac{1}{1 + e^{-z}}$$\n\n"
        "$$q_c = \\begin{cases} q & \\text{if } y = 1 \\\\ 1 - q & \\text{otherwise} \\end{cases}$$\n\n"
        "$$\\frac{\\partial q_c}{\\partial q} = 1$$\n\n$$\\frac{dq}{dz} = q(1 - q)$$\n",
        [D, U, U, U, P],
        id="a-subscript-on-a-letter-defined-as-a-scalar-names-another-quantity",
    ),
    pytest.param(
        "$$\\mu = \\frac{1}{m}\\sum_{i=1}^{m} x_i$$\n\n"
        "$$\\sigma^2 = \\frac{1}{m}\\sum_{i=1}^{m} (x_i - \\mu)^2$$\n\n"
        "$$\\frac{1}{\\sqrt{\\sigma^2 + \\epsilon}} = "
        "\\left(\\frac{1}{m}\\sum_{i=1}^{m} (x_i - \\mu)^2 + \\epsilon\\right)^{-1/2}$$\n\n"
        "$$\\sigma = \\frac{1}{m}\\sum_{i=1}^{m} (x_i - \\mu)^2$$\n",
        [D, D, U, U],
        id="a-square-heading-a-definition-names-a-variance",
    ),
    pytest.param(
        "For $y \\in \\{-1, 1\\}$:\n\n"
        "$$L(y, p) = -\\frac{y + 1}{2} \\log p - \\frac{1 - y}{2} \\log(1 - p)$$\n\n"
        "and for $y \\in \\{0, 1\\}$:\n\n$$L(y, p) = -y \\log p - (1 - y) \\log(1 - p)$$\n",
        [D, D],
        id="a-function-stated-for-another-domain-is-defined-anew",
    ),
    pytest.param(
        "$$L(y, p) = -\\frac{y + 1}{2} \\log p - \\frac{1 - y}{2} \\log(1 - p)$$\n\n"
        "and again:\n\n$$L(y, p) = -y \\log p - (1 - y) \\log(1 - p)$$\n",
        [D, F],
        id="a-function-stated-again-without-a-new-domain-is-a-claim",
    ),
    pytest.param(
        "$$\\sigma(\\mathbf{z})_i = \\frac{e^{z_i}}{\\sum_{j=1}^{K} e^{z_j}}$$\n\n"
        "$$\\frac{\\partial [\\sigma(\\mathbf a)]_i}{\\partial a_j} = "
        "\\sigma(\\mathbf a)_i(\\delta_{ij} - \\sigma(\\mathbf a)_j)$$\n\n"
        "$$\\frac{\\partial [\\sigma(\\mathbf a)]_i}{\\partial a_j} = "
        "\\sigma(\\mathbf a)_i(1 - \\sigma(\\mathbf a)_j)$$\n",
        [D, P, F],
        id="sigma-of-a-vector-defined-by-its-entry-is-the-documents-own",
    ),
    pytest.param(
        "$$\\frac{\\partial^2 G}{\\partial z^2} = "
        "\\frac{\\partial}{\\partial q}\\left(\\frac{\\partial G}{\\partial z}\\right)$$\n\n"
        "$$\\frac{\\partial^2 G}{\\partial z^2} = "
        "\\frac{\\partial}{\\partial z}\\left(\\frac{\\partial G}{\\partial z}\\right)$$\n",
        [U, P],
        id="a-mixed-partial-of-an-unknown-is-unknown-not-zero",
    ),
    pytest.param(
        "$$s'(x) = \\frac{d}{dx} \\frac{1}{1 + e^{-x}}$$\n\n$$s'(x) = s(x)(1 - s(x))$$\n\n"
        "$$s'(x) = s(x)(1 + s(x))$$\n",
        [D, P, F],
        id="a-derivative-step-names-a-function-defined-nowhere-else",
    ),
    pytest.param(
        "With $u = e^{a_1} + e^{a_2}$:\n\n$$\\frac{\\partial y_1}{\\partial a_1} = "
        "\\frac{\\partial}{\\partial a_1} \\frac{e^{a_1}}{u} = "
        "\\frac{e^{a_1}}{u}\\left(1 - \\frac{e^{a_1}}{u}\\right) = y_1(1 - y_1)$$\n",
        [D, P, P],
        id="a-derivative-step-names-an-entry-defined-nowhere-else",
    ),
    pytest.param(
        "$$\\frac{d y}{d x} = \\frac{d}{d x} x^3$$\n\n$$y = x^2$$\n",
        [F, D],
        id="a-derivative-step-is-a-claim-about-a-name-defined-after-it",
    ),
    pytest.param(
        "$$E_n = w^2$$\n\n$$\\frac{\\partial E_n}{\\partial w} = "
        "\\frac{\\partial}{\\partial w} w^3$$\n",
        [D, F],
        id="a-derivative-step-is-a-claim-about-a-name-defined-before-it",
    ),
    pytest.param(
        "$$f(x) = x^2$$\n\n$$\\frac{d f_1}{d x} = \\frac{d}{d x} x^3$$\n",
        [D, U],
        id="a-derivative-step-names-nothing-of-a-letter-defined-in-another-form",
    ),
    pytest.param(
        ENTRYWISE + "$$\\frac{\\partial f(\\mathbf a)_i}{\\partial a_j} = f_i(\\delta_{ij} - f_j)$$\n\n"
        "$$\\frac{\\partial f(\\mathbf a)_i}{\\partial a_j} = f_i(1 - f_j)$$\n",
        [D, P, F],
        id="an-entry-shorthand-is-of-the-one-vector-of-its-chain",
    ),
    pytest.param(
        ENTRYWISE + "$$\\frac{\\partial}{\\partial a_j} \\left(-\\sum_i y_i \\log f(\\mathbf a)_i\\right)"
        " = f_j \\sum_i y_i - y_j$$\n",
        [D, X],
        id="an-entry-shorthand-in-a-chain-about-two-other-vectors-is-not-guessed",
    ),
    pytest.param(
        ENTRYWISE + "$$\\frac{\\partial}{\\partial z_j} \\left(-\\sum_i y_i \\log f(\\mathbf z)_i\\right)"
        " = f_j \\sum_i y_i - y_j$$\n",
        [D, P],
        id="an-entry-shorthand-beside-its-own-vector",
    ),
    pytest.param(
        "$$H = -\\left(\\frac{1}{2}\\log_2\\frac{1}{2} + \\frac{1}{2}\\log_2\\frac{1}{2}\\right) = 1$$"
        "\n\nAnother coin:\n\n$$H = -(0.9\\log_2 0.9 + 0.1\\log_2 0.1) = 0.469$$\n\n"
        "$$H = 2$$\n\n$$2H = 0.938$$\n",
        [D, P, D, N, F, N],
        id="a-worked-example-computed-again-names-its-value-anew",
    ),
    pytest.param(
        "The softplus $\\zeta(x) = \\log(1 + e^x)$ gives\n\n$$\\log \\sigma(x) = -\\zeta(-x)$$\n\n"
        "$$\\log \\sigma(x) = \\zeta(-x)$$\n",
        [P, F],
        id="a-function-defined-in-the-prose-at-another-argument",
    ),
    pytest.param(
        "$$D_{KL}(p\\|q) = \\sum_x p(x)\\log\\frac{p(x)}{q(x)}$$\n\n"
        "$$D_{KL}(p\\|q) = \\mathbb{E}_{x\\sim p}\\left[\\log p(x) - \\log q(x)\\right]$$\n\n"
        "$$D_{KL}(p\\|q) = \\mathbb{E}_{x\\sim p}\\left[\\log q(x) - \\log p(x)\\right]$$\n",
        [D, N, F],
        id="an-expectation-under-p-weighs-by-the-documents-own-p-and-logs-take-positive-values",
    ),
    pytest.param(
        PER_SAMPLE + "$$\\frac{\\partial J}{\\partial b} = "
        "\\frac{1}{m}\\sum_{i=1}^m y^{(i)}(a^{(i)} - 1)$$\n",
        [D, U],
        id="a-per-sample-copy-of-a-defined-name-depends-on-what-it-does",
    ),
    pytest.param(
        "$$s_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n"
        "$$\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = "
        "\\mathrm{diag}(\\mathbf{s}) - \\mathbf{s}\\mathbf{s}^T$$\n\n"
        "$$\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = "
        "\\mathrm{diag}(\\mathbf{s}) - \\mathbf{s}\\mathbf{z}^T$$\n\n"
        "$$\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = "
        "\\mathrm{diag}(\\mathbf{s}) + \\mathbf{s}\\mathbf{s}^T$$\n",
        [D, P, X, F],
        id="a-jacobian-of-unstated-layout-beside-a-symmetric-matrix-and-no-other",
    ),
    pytest.param(
        "$$s_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n"
        "$$\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = \\begin{pmatrix} s_1(1-s_1) & -s_1 s_2 "
        "\\\\ -s_1 s_2 & s_2(1-s_2)\\end{pmatrix}$$\n\n"
        "$$\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = \\begin{pmatrix} s_1(1-s_1) & s_1 s_2 "
        "\\\\ s_1 s_2 & s_2(1-s_2)\\end{pmatrix}$$\n",
        [D, P, F],
        id="a-listed-jacobian-is-the-whole-jacobian-of-its-size",
    ),
    pytest.param(
        "Here $\\mathbf y$ is one-hot.\n\n$$s_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n"
        "$$L = -\\sum_k y_k \\log s_k$$\n\n"
        "$$\\nabla_{\\mathbf z} L = \\begin{pmatrix} s_1 - y_1 \\\\ s_2 - y_2 \\end{pmatrix}$$\n\n"
        "$$\\nabla_{\\mathbf z} L = \\begin{pmatrix} s_1 - y_1 \\\\ s_2 + y_2 \\end{pmatrix}$$\n",
        [D, D, P, F],
        id="a-listed-gradient-is-the-whole-gradient-of-its-size",
    ),
    pytest.param(
        "Here $\\mathbf y$ is one-hot.\n\n$$s_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n"
        "$$L = -\\sum_k y_k \\log s_k$$\n\n"
        "$$\\nabla_{\\mathbf z} L = \\begin{bmatrix} s_1 - y_1 \\\\ \\vdots \\\\ s_K - y_K "
        "\\end{bmatrix}$$\n\n"
        "$$\\nabla_{\\mathbf z} L = \\begin{bmatrix} s_1 + y_1 \\\\ \\vdots \\\\ s_K + y_K "
        "\\end{bmatrix}$$\n",
        [D, D, P, F],
        id="a-gradient-with-entries-left-out-is-its-pattern",
    ),
    pytest.param(
        "$$\\mathbf a = \\sigma(\\mathbf h) = \\frac{1}{1 + e^{-\\mathbf h}}$$\n\n"
        "$$1 - \\sigma(\\mathbf h) = \\frac{1}{1 + e^{\\mathbf h}}$$\n\n"
        "$$1 - \\sigma(\\mathbf h) = \\frac{1}{1 + e^{-\\mathbf h}}$$\n\n"
        "$$\\tanh(\\mathbf h) = \\frac{e^{\\mathbf h} - e^{-\\mathbf h}}"
        "{e^{\\mathbf h} + e^{-\\mathbf h}}$$\n",
        [D, P, P, F, P],
        id="a-scalar-function-of-a-vector-acts-entry-by-entry",
    ),
    pytest.param(
        "$$z = b^{2} \\in \\in$$\n\n$$L = z^2$$\n\n$$\\frac{\\partial L}{\\partial b} = 0$$\n",
        [X, D, U],
        id="the-derivatives-of-a-name-whose-definition-is-not-read-are-unknown",
    ),
    pytest.param(
        "$$z = w^T x + b$$\n\n$$\\hat y = \\sigma(z)$$\n\n"
        "$$L = -[y \\log \\hat y + (1 - y) \\log(1 - \\hat y)]$$\n\n"
        "$$\\frac{\\partial L}{\\partial w} = (\\hat y - y) x$$\n\n"
        "$$\\frac{\\partial L}{\\partial w} = (\\hat y - y) w$$\n",
        [D, D, D, P, F],
        id="a-plain-name-transposed-beside-another-is-an-inner-product-of-vectors",
    ),
    pytest.param(
        "The sigmoid is $\\sigma(x) = \\frac{1}{1+e^{-x}}$ and\n\n"
        "$$\\frac{d\\sigma}{dx} = \\sigma(x)(1 - \\sigma(x))$$\n\n"
        "$$\\frac{d\\sigma}{dx} = \\sigma(x)(1 + \\sigma(x))$$\n\n"
        "For logistic regression $z = w^T x + b$.\n",
        [P, F],
        id="a-letter-used-as-a-number-stays-one-beside-a-transposed-vector",
    ),
    pytest.param(
        "$$J(w,b) = -\\frac{1}{m}\\sum_{i=1}^m y_i \\log a_i$$\n\n$$z = w^T x + b$$\n\n"
        "$$J(w) = -\\sum_{i=1}^N y_i \\log a_i$$\n",
        [D, D, D],
        id="a-function-of-a-vector-and-a-scalar-is-no-entry-shorthand",
    ),
    pytest.param(
        f"$${GRADIENT_BEFORE_JACOBIAN} = -\\begin{{bmatrix}} y_1 - a_1(y_1 + y_2) & "
        "y_2 - a_2(y_1 + y_2) \\end{bmatrix}$$\n\n"
        f"$${GRADIENT_BEFORE_JACOBIAN} = -\\begin{{bmatrix}} y_1 - a_1(y_1 + y_2) & "
        "y_2 + a_2(y_1 + y_2) \\end{bmatrix}$$\n",
        [P, F],
        id="a-written-out-column-before-a-square-matrix-is-a-row",
    ),
    pytest.param(
        "$$L(w) = \\frac{1}{2}\\|Xw - y\\|^2$$\n\n$$\\nabla_w L = X^T (Xw - y)$$\n\n"
        "$$\\nabla_w L = X (Xw - y)$$\n",
        [D, P, F],
        id="a-plain-name-after-a-matrix-is-a-vector-and-the-function-of-it-no-distribution",
    ),
    pytest.param(
        "Let $\\mathbf{p} = \\operatorname{softmax}(\\mathbf{z})$ and $L = -\\log p_y$.\n\n"
        "$$\\frac{\\partial L}{\\partial z_j} = p_j - \\mathbb{1}[j = y]$$\n\n"
        "$$\\frac{\\partial L}{\\partial z_j} = p_j - 1$$\n",
        [P, F],
        id="a-vector-named-as-the-softmax-of-a-vector-is-its-outputs",
    ),
    pytest.param(
        "$$f(x) = x^3$$\n\n$$f'(2) = 12$$\n\n$$f'(2) = 8$$\n\n$$g'(0) = 1$$\n\n$$f''(1) = 6$$\n",
        [D, P, F, U, P],
        id="a-primed-function-at-a-number-is-its-derivative-there",
    ),
    pytest.param(
        "$$\\mathrm{LSE}(\\mathbf{x}) = \\log \\sum_{i=1}^n e^{x_i}$$\n\n"
        "$$\\frac{\\partial \\mathrm{LSE}}{\\partial x_k} = \\frac{e^{x_k}}{\\sum_{i=1}^n e^{x_i}}$$\n\n"
        "$$\\frac{\\partial \\mathrm{LSE}}{\\partial x_k} = e^{x_k}$$\n",
        [D, P, F],
        id="a-named-function-written-without-its-arguments-is-the-documents-function",
    ),
    pytest.param(
        "$$\\frac{\\partial}{\\partial \\mathbf w}\\frac{\\lambda}{2}\\|\\mathbf w\\|^2 = "
        "\\lambda \\mathbf w$$\n\n$$\\frac{\\partial}{\\partial \\mathbf w}\\frac{\\lambda}{2}"
        "\\|\\mathbf w\\|^2 = \\frac{\\lambda}{2} \\mathbf w$$\n",
        [P, F],
        id="the-gradient-of-a-squared-norm",
    ),
    pytest.param(
        "For a fair die, $p_i = \\frac{1}{6}$.\n\n"
        "$$H = -\\sum_{i=1}^{6} p_i \\log_2 p_i = \\log_2 6$$\n\n"
        "$$H = -\\sum_{i=1}^{6} \\frac{1}{6} \\log \\frac{1}{6}$$\n",
        [D, P, F],
        id="every-entry-given-one-value-in-the-prose-and-a-log-base-slip",
    ),
    pytest.param(
        "$$f(x) = x^3$$\n\n$$f'(x)\\big|_{x=2} = 12$$\n\n"
        "$$\\left.\\frac{d}{dx}\\sigma(x)\\right|_{x=0} = \\frac{1}{4}$$\n\n"
        "$$\\left.\\frac{d}{dx} x^2 \\right|_{x=3} = 9$$\n",
        [D, P, P, F],
        id="a-derivative-at-a-point-after-an-evaluation-bar",
    ),
    pytest.param(CE_GRADIENT, [C], id="a-cross-entropy-gradient-with-no-fact-stated"),
    pytest.param(
        "Here $\\mathbf y$ is one-hot.\n\n" + CE_GRADIENT, [P], id="one-hot-said-in-the-prose"
    ),
    pytest.param(
        "The targets satisfy $\\sum_k y_k = 1$.\n\n" + CE_GRADIENT,
        [P],
        id="a-sum-to-one-stated-inline",
    ),
    pytest.param(
        "Here $\\mathbf t$ is one-hot.\n\n" + CE_GRADIENT,
        [C],
        id="one-hot-said-of-another-vector",
    ),
    pytest.param(OFF_DIAGONAL, [F], id="an-off-diagonal-entry-with-no-case-stated"),
    pytest.param(
        "For another index, called $k$:\n\n" + OFF_DIAGONAL, [P], id="a-case-said-as-another-index"
    ),
    pytest.param(
        "$$\\cos h \\approx 1 - \\frac{h^2}{2}$$\n\n$$\\sqrt{3} \\approx 1.73$$\n\n"
        "$$\\sqrt{3} \\approx 1.8$$\n\n$$(a - b)^2 \\approx a^2 - 2ab + b^2$$\n",
        [U, N, F, P],
        id="an-approximation-is-judged-exactly-or-by-its-digits-never-refuted",
    ),
    pytest.param(
        "$$\\int_0^2 \\lambda \\, d\\lambda = 2$$\n\n$$\\int_0^2 \\lambda \\, d\\lambda = 1$$\n",
        [P, F],
        id="an-integral-over-a-greek-variable",
    ),
    pytest.param(
        "Let $p$ be Gaussian with mean $a$ and variance $b^2$.\n\n"
        "Moments, as expectations under $p$, with $p(t)$ its density:\n\n"
        "$$\\langle t^2 \\rangle = b^2 + a^2$$\n\n$$\\mathbb{E}[t^3] = a^3 + 3ab^2$$\n\n"
        "$$\\langle t^2 \\rangle = b^2 - a^2$$\n",
        [P, P, F],
        id="expectations-under-a-density-the-prose-names",
    ),
    pytest.param(
        "A Gaussian density $r(u)$; expectations are taken under $r$.\n\n"
        "$$\\langle u^2 \\rangle = s^2 + m^2$$\n",
        [C],
        id="expectations-under-a-density-whose-parameters-are-not-stated",
    ),
    pytest.param(
        "$$\\max_t (1 - t^2) = 1$$\n\n$$\\arg\\max_t (1 - t^2) = \\arg\\max_t (2 - 2t^2)$$\n",
        [X, P],
        id="an-optimum-is-not-read-as-its-objective-a-maximiser-is",
    ),
    pytest.param(
        "When $i$ and $k$ are distinct:\n\n" + OFF_DIAGONAL, [P], id="a-case-said-as-distinct"
    ),
    pytest.param(
        "For $k$ different from $i$:\n\n" + OFF_DIAGONAL, [P], id="a-case-said-as-different-from"
    ),
    pytest.param(
        "For another value, say $k$:\n\n" + OFF_DIAGONAL, [F], id="another-value-is-no-index-case"
    ),
    pytest.param(
        "$$u = 3t, \\qquad v = u^2, \\quad E = \\frac{1}{2} v$$\n\n"
        "$$\\frac{dE}{dt} = 9t$$\n\n$$\\frac{dE}{dt} = 3t$$\n",
        [D, D, D, P, F],
        id="definitions-side-by-side-on-one-line",
    ),
    pytest.param(
        "$$E = \\frac{1}{K}\\sum_{k=1}^{K} w_k \\\\ \\text{where} \\quad w_k = r_k^2$$\n\n"
        "$$\\frac{\\partial E}{\\partial r_j} = \\frac{2 r_j}{K}$$\n\n"
        "$$\\frac{\\partial E}{\\partial r_j} = \\frac{r_j}{K}$$\n",
        [D, D, P, F],
        id="a-definition-after-where-on-its-own-row",
    ),
    pytest.param(
        "The model is $h_w(x) = w^T x$.\n\n"
        "$$J(w) = \\frac{1}{2m}\\sum_{i=1}^{m}(h_w(x^{(i)}) - y^{(i)})^2$$\n\n"
        "$$\\frac{\\partial J(w)}{\\partial w_j} = "
        "\\frac{1}{m}\\sum_{i=1}^{m}(h_w(x^{(i)}) - y^{(i)})x_j^{(i)}$$\n\n"
        "$$\\frac{\\partial J(w)}{\\partial w_j} = "
        "\\frac{1}{2m}\\sum_{i=1}^{m}(h_w(x^{(i)}) - y^{(i)})x_j^{(i)}$$\n",
        [D, P, F],
        id="a-function-of-a-vector-at-a-sample",
    ),
    pytest.param(
        "Let $\\hat{\\mathbf y} = \\mathrm{softmax}(\\mathbf z)$ and let $\\mathbf y$ be one-hot.\n\n"
        "$$\\mathcal L = -\\sum_{k=1}^{n} y_k \\log \\hat y_k$$\n\n"
        "$$\\frac{\\partial \\mathcal L}{\\partial z_k} = \\hat y_k - y_k$$\n\n"
        "$$\\frac{\\partial \\mathcal L}{\\partial z_k} = y_k - \\hat y_k$$\n",
        [D, P, F],
        id="an-accented-bold-vector-defined-inline",
    ),
    pytest.param(
        "For $\\mathbf a = \\sigma(\\mathbf z)$ applied elementwise,\n\n"
        "$$\\frac{\\partial a_i}{\\partial z_j} = \\delta_{ij}\\, a_i (1 - a_i)$$\n\n"
        "$$\\frac{\\partial a_i}{\\partial z_j} = a_i (1 - a_j)$$\n",
        [P, F],
        id="a-bold-vector-without-braces-defined-inline",
    ),
    pytest.param(
        "$$L = \\frac{1}{2}(w x - t)^2$$\n\nWith $x = 2$ and $t = 1$:\n\n"
        "$$\\frac{\\partial L}{\\partial w} = 2(2w - 1)$$\n\n"
        "$$\\frac{\\partial L}{\\partial w} = 2(2w - 1)$$\n\n"
        "For $x = 2$, $t = 1$:\n\n$$\\frac{\\partial L}{\\partial w} = 2(2w + 1)$$\n",
        [D, P, F, F],
        id="values-stated-just-before-a-block-hold-in-that-block",
    ),
    pytest.param(
        "$$D = \\log\\frac{s_2}{s_1} + \\frac{s_1^2 + (m_1 - m_2)^2}{2 s_2^2} - \\frac{1}{2}$$\n\n"
        "Against a standard normal ($m_2 = 0$, $s_2 = 1$):\n\n"
        "$$D = -\\log s_1 + \\frac{s_1^2 + m_1^2}{2} - \\frac{1}{2}$$\n",
        [D, N],
        id="values-of-entries-stated-in-parentheses",
    ),
    pytest.param(
        "$$\\ell(\\mu, \\sigma^2) = -\\frac{N}{2}\\log(2\\pi\\sigma^2) - "
        "\\frac{1}{2\\sigma^2}\\sum_{i=1}^{N}(x_i - \\mu)^2$$\n\n"
        "$$\\frac{\\partial \\ell}{\\partial \\sigma^2} = -\\frac{N}{2\\sigma^2} + "
        "\\frac{1}{2\\sigma^4}\\sum_{i=1}^{N}(x_i - \\mu)^2$$\n\n"
        "$$\\frac{\\partial \\ell}{\\partial \\mu} = \\frac{1}{2\\sigma^2}\\sum_{i=1}^{N}(x_i - \\mu)$$\n",
        [D, P, F],
        id="a-function-of-the-variance-named-bare",
    ),
    pytest.param(
        "$$V(X) = \\mathbb{E}[(X - \\mathbb{E}[X])^2]$$\n\n$$V(aX + b) = a^2 V(X)$$\n",
        [X, U],
        id="an-expectation-under-no-stated-distribution-is-not-read",
    ),
    pytest.param(
        "$$\\lim_{m \\to \\infty} \\frac{1}{m} \\sum_{i=1}^{m} \\frac{1}{i} = 0$$\n\n"
        "$$\\lim_{n \\to \\infty} \\frac{1}{n} = 0$$\n",
        [U, P],
        id="a-limit-over-the-count-of-its-sum-is-never-taken-at-a-count",
    ),
]


@pytest.mark.parametrize(("text", "verdicts"), MEANING)
def test_names_mean_what_the_document_makes_them_mean(text: str, verdicts: list[Verdict]) -> None:
    assert verdicts_of(text) == verdicts


def test_an_undetermined_step_names_what_is_missing() -> None:
    (r,) = check_text("$$\\frac{\\partial E}{\\partial o_j} = o_j - t_j$$\n").steps
    assert "∂E/∂o" in r.result.detail and "does not define" in r.result.detail


def test_a_fact_is_reported_only_on_steps_that_name_it() -> None:
    text = (
        "<!-- symderiv: assume sum(y) = 1 -->\n\n"
        "$$\\frac{\\partial}{\\partial z_i} \\log \\sum_j e^{z_j} = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n"
    )
    (r,) = check_text(text).steps
    assert r.result.verdict is P
    assert "sum(y)" not in r.result.detail


def test_the_standard_name_defined_otherwise_is_noted() -> None:
    r = check_text("$$\\sigma(z) = \\frac{1}{1+e^{z}}$$\n").steps[0].result
    assert r.verdict is D
    assert any("differs from the standard definition" in w for w in r.warnings)


def test_a_counterexample_uses_the_documents_count() -> None:
    text = (
        "$$\\mu = \\frac{1}{m} \\sum_{i=1}^m x_i$$\n\n"
        "$$\\frac{\\partial \\mu}{\\partial x_i} = \\frac{2}{m}$$\n"
    )
    r = check_text(text).steps[1].result
    assert r.verdict is F and r.counterexample is not None
    assert r.counterexample.text.startswith("m = "), r.counterexample.text


def test_an_unknown_whose_definition_is_not_read_says_so() -> None:
    text = "$$z = b^{2} \\in \\in$$\n\n$$L = z^2$$\n\n$$\\frac{\\partial L}{\\partial b} = 0$$\n"
    r = check_text(text).steps[-1].result
    assert r.verdict is U
    assert "the definition of z is written but not read" in r.detail, r.detail


def test_a_counterexample_names_each_name_once() -> None:
    """A scalar the step differentiates by (b in ∂E/∂b) is one value, never also a vector."""
    text = (
        "$$E = \\frac{1}{N}\\sum_{i=1}^N (y_i - w x_i - b)^2$$\n\n"
        "$$\\frac{\\partial E}{\\partial b} = -\\frac{1}{N}\\sum_{i=1}^N (y_i - w x_i - b)$$\n"
    )
    r = check_text(text).steps[1].result
    assert r.verdict is F and r.counterexample is not None
    names = [name for name, _ in r.counterexample.values]
    assert names.count("b") == 1, r.counterexample.text


def test_a_report_shows_a_false_steps_evidence_as_html() -> None:
    report = check_text("$$\\sigma(-z) = \\sigma(z)$$\n")
    html = report._repr_html_()
    assert "false" in html and report.steps[0].result.counterexample is not None
    assert report.steps[0].result.counterexample.text.split(":")[0] in html


@pytest.mark.parametrize(
    ("text", "verdict", "said"),
    [
        pytest.param("$$\\ln 2 = 0.7$$\n", Verdict.NUMERIC, "matched 0.7 by rounding", id="rounded"),
        pytest.param("$$\\ln 1 = 0$$\n", P, None, id="exact"),
    ],
)
def test_a_rounded_numeric_claim_is_numeric_and_says_so(text, verdict, said) -> None:
    (r,) = check_text(text).steps
    assert r.result.verdict is verdict
    assert (said in r.result.warnings) if said else not r.result.warnings


def test_a_counterexample_shows_the_values_it_was_found_at() -> None:
    # NOTE: sigma_2 is drawn positive (a logarithm of it is taken): the point shows it so
    text = (
        "$$D = \\log\\frac{\\sigma_2}{\\sigma_1} + \\frac{\\sigma_1^2}{2\\sigma_2^2}$$\n\n"
        "$$D = -\\log\\sigma_1 + \\frac{\\sigma_1^2}{2}$$\n"
    )
    r = check_text(text).steps[1].result
    assert r.verdict is F and r.counterexample is not None
    values = dict(r.counterexample.values)
    s1, s2 = values["sigma"]  # type: ignore[misc]
    assert s1 > 0 and s2 > 0, r.counterexample.text
    assert r.counterexample.lhs_value == pytest.approx(
        math.log(s2 / s1) + s1**2 / (2 * s2**2), rel=1e-6
    )
