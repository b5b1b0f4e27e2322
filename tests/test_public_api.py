"""The public API: every name in ``symderiv.__all__`` resolves, and nothing else is promised."""

from __future__ import annotations

import pytest

import symderiv


@pytest.mark.parametrize("name", symderiv.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(symderiv, name) is not None


def test_all_lists_exactly_the_lazily_loaded_names() -> None:
    assert set(symderiv.__all__) == {"__version__", *symderiv._PUBLIC}


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"^module 'symderiv' has no attribute 'nope'$"):
        symderiv.nope  # noqa: B018
