"""Which densities a document states (so that they are no arbitrary density): a table."""

from __future__ import annotations

import pytest

from symderiv.reader._densities import related_facts, stated_names

STATED = [
    pytest.param(
        "Let $q(z)$ be Laplace. Let $r(t)$ be any density.", {"q"}, id="a-family-in-words"
    ),
    pytest.param("Here $p$ is a Bernoulli with mean $m$.", {"m", "p"}, id="names-in-words"),
    pytest.param("Here $p(x)$ is a normal with mean $m$.", set(), id="a-normal-of-any-mean"),
    pytest.param("Here $p(x)$ is a normal with mean $0$.", {"p"}, id="a-normal-with-a-number"),
    pytest.param("Here $p(x)$ is a standard normal.", {"p"}, id="a-standard-normal"),
    pytest.param("Here $p(x)$ is Gaussian, zero-mean.", {"p"}, id="a-zero-mean-normal"),
    pytest.param("$$p(x) = e^{-x}$$", {"p"}, id="a-formula-without-densities"),
    pytest.param("$$p(x) = N(x; 0, 1)$$", {"p"}, id="a-normal-with-numbers"),
    pytest.param("$$\\log q(z|x) = \\log N(z; m, s^2)$$", set(), id="a-normal-with-symbols"),
    pytest.param("$$p(x) = \\int p(x|z) p(z) dz$$", set(), id="a-formula-of-densities"),
    pytest.param("The uniform approximation. $$r(t) + 1 = s(t)$$", set(), id="not-in-the-sentence"),
    pytest.param("Take $q(z) = r(z)$ here.", {"q", "r"}, id="equated-in-inline-math"),
    pytest.param("$$q(z) = p(z | x)$$", {"q"}, id="another-density-in-a-display"),
]


@pytest.mark.parametrize(("text", "names"), STATED)
def test_a_density_is_stated_by_a_family_or_a_formula(text: str, names: set[str]) -> None:
    assert stated_names(text) == names


def test_a_flood_of_names_counts_every_density_as_stated() -> None:
    text = "Draw $x \\sim p(x|z)$. " + " ".join(f"$$r_{{{i}}}(x) = 1$$" for i in range(300))
    assert stated_names(text) == {"p"}


def test_a_flood_of_equations_relates_every_variable() -> None:
    text = "Draw $x \\sim p(x|z)$. " + " ".join(f"$x = {i} + y$" for i in range(200))
    facts = related_facts(text)
    assert str(facts[-1][1].expr) == "(*,)" and len(facts) <= 129
