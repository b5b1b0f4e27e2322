"""The latex2sympy2 fallback: project conventions applied, every failure a ParseError."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols
from symderiv.errors import ParseError
from symderiv.reader.latex2sympy_adapter import parse_expr

i = symbols.i
x, y = symbols.x, symbols.y
a = symbols.scalar("a")


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        pytest.param(r"\arctan a", sympy.atan(a), id="arctan"),
        pytest.param(r"\log a", sympy.log(a), id="log-is-natural"),
        pytest.param(r"\log_{10} a", sympy.log(a) / sympy.log(10), id="log10-kept"),
        pytest.param(r"\sqrt{x_i}", sympy.sqrt(x[i]), id="flat-symbol-to-entry"),
        pytest.param(r"y_{2}", y[2], id="concrete-index"),
        pytest.param(r"\binom{n}{2}", sympy.binomial(symbols.n, 2), id="n-is-the-class-count"),
    ],
)
def test_fallback_conventions(latex: str, expected: sympy.Basic) -> None:
    assert parse_expr(latex) == expected


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        pytest.param(r"\variable{os}", "the fallback reader refuses this text", id="variable"),
        pytest.param("a" * 500, "the fallback reader takes at most 400 characters", id="long"),
        pytest.param(r"\frac{", "latex2sympy2 cannot read it: Exception", id="broken"),
        pytest.param("a = b", "the fallback reader refuses this text", id="relation"),
    ],
)
def test_fallback_errors(latex: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_expr(latex)
    assert info.value.message == message


def test_document_step_says_when_the_fallback_read_it() -> None:
    from symderiv.reader import read_markdown

    (s,) = read_markdown(r"$$a = \arctan y_i$$").steps
    assert s.rhs == sympy.atan(y[i])
    assert s.warnings == (r"read by the latex2sympy2 fallback (unknown command '\arctan')",)
