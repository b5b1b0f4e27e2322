"""A claim about every density refuted by normal densities, and only such a claim.

Each row is a small document and the verdicts its steps must get.  The ``false`` rows are
general identities about densities the document never states, which fail for one normal
density; the others are steps the rule must leave alone: a density the document states (in
words, by a formula, or by the family its variable is drawn from), a variable that is no
density's argument, an unknown function, and true identities.
"""

from __future__ import annotations

import pytest
import sympy

from symderiv.checker import _instances
from symderiv.model import Assumption, Fact
from symderiv.results import Verdict
from tests.support.verdicts import verdicts as verdicts_of

P, F, U, D = Verdict.PROVED, Verdict.FALSE, Verdict.UNDETERMINED, Verdict.DEFINITION

REFUTED = [
    pytest.param(
        "Draw $t \\sim r(t)$.\n\n$$\\int r(t) \\log r(t) \\, dt = 0$$\n",
        id="an-entropy-of-zero",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$ and $t \\sim s(t)$.\n\n$$KL(r \\| s) + 1 = KL(s \\| r) + 1$$\n",
        id="a-divergence-taken-as-symmetric",
    ),
    pytest.param(
        "$$\\int q(z|x) \\log \\frac{q(z|x)}{p(z|x)} dz = "
        "\\int q(z|x) \\log \\frac{q(z|x)}{p(z|x)} dx$$\n",
        id="an-integral-over-the-conditioning-variable",
    ),
    pytest.param(
        "$$\\log p(x) = E_{z \\sim q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] "
        "- D_{KL}(q(z|x) \\| p(z|x))$$\n",
        id="the-evidence-identity-with-the-divergence-subtracted",
    ),
    pytest.param(
        "$$\\int q(z|x) \\log q(z|x) dz = \\int q(z|x) \\log q(z|x) dx$$\n\n"
        "Later, a new variable.\n\n$$u = v$$\n\nGiven $z = g_\\phi(u, x)$, ...\n",
        id="a-relation-stated-later-is-no-relation-here",
    ),
    pytest.param(
        "Draw $u \\sim r(u)$.\n\n"
        "$$\\int q(z|x) \\log q(z|x) \\, dz = \\int r(u) \\log q(z|x) \\, du$$\n",
        id="an-expectation-taken-at-one-point",
    ),
    pytest.param(
        "The encoder's density $q(z|x)$ is Gaussian, its mean and variance computed from $x$.\n\n"
        "$$\\log p(x) = E_{z \\sim q(z|x)}[\\log p(x|z)] - D_{KL}(q(z|x) \\| p(z))$$\n",
        id="a-normal-of-unknown-parameters-is-no-particular-density",
    ),
    pytest.param(
        "$$\\log p(x) = E_{z \\sim q(z|x)}[\\log p(x|z)] - D_{KL}(q(z|x) \\| p(z|x))$$\n",
        id="the-lower-bound-taken-as-the-evidence",
    ),
    pytest.param(
        "$$\\int q(z|x) (\\log p(x|z) - \\log q(z|x)) dz = "
        "-E_{z \\sim q(z|x)}[\\log q(z|x) + \\log p(x|z)]$$\n",
        id="a-sign-lost-under-an-expectation",
    ),
]


@pytest.mark.parametrize("text", REFUTED)
def test_a_claim_about_every_density_fails_for_a_normal_one(text: str) -> None:
    assert verdicts_of(text)[0] == F


LEFT_ALONE = [
    pytest.param(
        "Let $r$ be the standard normal density. Draw $t \\sim r(t)$.\n\n"
        "$$\\int r(t) t^2 \\, dt = 1$$\n",
        [U],
        id="a-density-stated-in-words",
    ),
    pytest.param(
        "Let $t \\sim \\mathcal{N}(0, 1)$ and $t \\sim r(t)$.\n\n$$\\int r(t) t^2 \\, dt = 1$$\n",
        [U],
        id="a-density-of-a-variable-drawn-from-a-named-family",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$.\n\n$$r(t) = 2 e^{-2 t}$$\n\n"
        "Its mean, a claim about that density only:\n\n$$E_{t \\sim r(t)}[t] = \\frac{1}{2}$$\n",
        [D, U],
        id="a-density-stated-by-a-formula",
    ),
    pytest.param(
        "Let $r(t)$ be the empirical distribution of the data. Draw $t \\sim r(t)$.\n\n"
        "$$\\int r(t) \\log r(t) \\, dt = 0$$\n",
        [U],
        id="a-density-the-prose-calls-empirical",
    ),
    pytest.param(
        "Let $r(t)$ be a Gaussian density with mean $0$. Draw $t \\sim r(t)$.\n\n"
        "$$\\int r(t) t \\, dt = 0$$\n",
        [U],
        id="a-normal-whose-mean-is-given",
    ),
    pytest.param(
        "Draw $t \\sim r(t)$.\n\n$$\\int r(t) t \\, dt = m$$\n",
        [U],
        id="a-variable-that-is-no-densitys-argument",
    ),
    pytest.param(
        "Draw $x \\sim r(x; \\theta)$.\n\n$$\\int r(x; \\theta) \\, dx = 1$$\n",
        [U],
        id="a-density-with-a-parameter-after-a-semicolon",
    ),
    pytest.param(
        "Draw $x \\sim r(x)$.\n\n$$\\int r(x, z) \\, dz = r(x)$$\n",
        [U],
        id="a-joint-or-a-parameter-is-a-guess",
    ),
    pytest.param(
        "Given $z = g_\\phi(u, x)$ and $u \\sim r(u)$:\n\n"
        "$$\\int q(z|x) \\log q(z|x) \\, dz = \\int r(u) \\log q(z|x) \\, du$$\n",
        [U],
        id="variables-the-document-relates-before",
    ),
    pytest.param(
        "Draw $u \\sim r(u)$.\n\n"
        "$$\\int q(z|x) \\log q(z|x) \\, dz = \\int r(u) \\log q(z|x) \\, du$$\n\n"
        "where $z = g_\\phi(u, x)$.\n",
        [U],
        id="variables-the-document-relates-right-after",
    ),
    pytest.param(
        "$$\\int q(z|x) f(z) dz = \\int p(e|x) f(e) de$$\n",
        [U],
        id="an-unknown-function-against-the-densities",
    ),
    pytest.param(
        "$$\\log p(x) = E_{z \\sim q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] "
        "+ D_{KL}(q(z|x) \\| p(z|x))$$\n",
        [P],
        id="the-evidence-identity",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LEFT_ALONE)
def test_a_stated_density_or_an_unknown_is_never_refuted_by_a_normal_one(
    text: str, expected: list[Verdict]
) -> None:
    # NOTE: the verdicts shown are today's; what this rule must keep is only "no false".
    assert F not in verdicts_of(text)


_x, _z = sympy.symbols("x z", real=True)
_p, _given = sympy.Function("p"), sympy.Function("p|")
_FAMILY = [
    Assumption(sympy.Symbol("p"), "p is a density", kind=Fact.DENSITY),
    Assumption(sympy.Symbol("p|"), "p is a family", kind=Fact.DENSITY),
]


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        pytest.param(sympy.Integral(_p(_x, _z), _z), _p(_x), id="a-marginal"),
        pytest.param(sympy.Integral(_given(_x, _z) * _p(_z), _z), _p(_x), id="total-probability"),
        pytest.param(_given(_x, _z) * _p(_z), _given(_z, _x) * _p(_x), id="bayes-rule"),
        pytest.param(sympy.Integral(_given(_z, _x), _z), sympy.S.One, id="unit-mass"),
    ],
)
def test_the_normal_instances_are_one_consistent_family(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert _instances.refute(lhs, rhs, _FAMILY) is None


def test_a_refutation_says_which_densities_it_used() -> None:
    found = _instances.refute(sympy.Integral(_p(_x, _z), _z), _p(_z), _FAMILY)
    assert found is not None
    assert found.text.startswith("with the normal densities p: (x, z) normal, means (")
    assert dict(found.values).keys() == {"x", "z"}


def test_a_stated_density_is_not_free() -> None:
    stated = [*_FAMILY, Assumption(sympy.Symbol("p"), "stated", kind=Fact.STATED_DENSITY)]
    assert _instances.refute(sympy.Integral(_p(_x, _z), _z), _p(_z), stated) is None
