"""Which densities a document states (so that they are no arbitrary density): a table."""

from __future__ import annotations

import pytest

from symderiv.reader._densities import stated_names

STATED = [
    pytest.param(
        "Let $q(z)$ be Gaussian. Let $r(t)$ be any density.", {"q"}, id="a-family-in-words"
    ),
    pytest.param("Here $p$ is a normal with mean $m$.", {"m", "p"}, id="names-in-words"),
    pytest.param("$$p(x) = e^{-x}$$", {"p"}, id="a-formula-without-densities"),
    pytest.param("$$p(x) = N(x; 0, 1)$$", {"p"}, id="a-normal-with-numbers"),
    pytest.param("$$\\log q(z|x) = \\log N(z; m, s^2)$$", set(), id="a-normal-with-symbols"),
    pytest.param("$$p(x) = \\int p(x|z) p(z) dz$$", set(), id="a-formula-of-densities"),
    pytest.param("The normal approximation. $$r(t) + 1 = s(t)$$", set(), id="not-in-the-sentence"),
    pytest.param("Take $q(z) = r(z)$ here.", {"q", "r"}, id="equated-in-inline-math"),
    pytest.param("$$q(z) = p(z | x)$$", {"q"}, id="another-density-in-a-display"),
]


@pytest.mark.parametrize(("text", "names"), STATED)
def test_a_density_is_stated_by_a_family_or_a_formula(text: str, names: set[str]) -> None:
    assert stated_names(text) == names
