"""Property: what ``sympy.latex`` prints, the reader reads back as the same expression."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv import symbols
from symderiv.reader import parse_formula

I_, J_ = symbols.i, symbols.j
K = symbols.k
VECTORS = (symbols.x, symbols.y, symbols.p)
SCALARS = (symbols.scalar("a"), symbols.scalar("b"), symbols.L)


def _leaves() -> st.SearchStrategy[sympy.Expr]:
    entry = st.builds(lambda v, ix: v[ix], st.sampled_from(VECTORS), st.sampled_from((I_, J_)))
    concrete = st.builds(lambda v, m: v[m], st.sampled_from(VECTORS), st.integers(1, 9))
    return st.one_of(
        entry,
        concrete,
        st.sampled_from(SCALARS),
        st.integers(1, 20).map(sympy.Integer),
        st.just(sympy.KroneckerDelta(I_, J_)),
    )


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    body = st.builds(lambda v: v[K], st.sampled_from(VECTORS))
    return st.one_of(
        st.builds(lambda a, b: a + b, children, children),
        st.builds(lambda a, b: a * b, children, children),
        st.builds(lambda a, b: a - b, children, children),
        st.builds(lambda a, b: a / b, children, children.filter(lambda e: e != 0)),
        st.builds(sympy.exp, children),
        st.builds(sympy.log, children),
        st.builds(lambda a: a**2, children),
        st.builds(lambda v, c: sympy.Sum(v * c, (K, 1, symbols.n)), body, children),
    )


# NOTE: the imaginary unit (log(-1) = I*pi) is printed as i, which notes use for an index:
# the reader never reads i as sqrt(-1), so such expressions cannot read back.
EXPRS = st.recursive(_leaves(), _extend, max_leaves=8).filter(
    lambda e: not e.has(sympy.zoo, sympy.nan, sympy.oo, sympy.I)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRS)
def test_latex_of_an_expression_reads_back_equal(e: sympy.Expr) -> None:
    text = sympy.latex(e)
    back = parse_formula(text)
    assert back == e or sympy.simplify(back - e) == 0, f"{text!r} read as {back!r}, not {e!r}"
