"""The other axis of a softmax of a matrix: the reader takes ``softmax(W)`` row by row (the last
axis, as attention and array code mean it); notes whose samples are columns mean it by columns.

NOTE: a step that fails with the rows and holds with the columns rests on that reading, so it
is undetermined, never false.  Only the definitions and steps where the reader took such a
softmax are read again (its warning says so).
"""

from __future__ import annotations

import sympy

from symderiv.checker import _symbolic
from symderiv.model import Derivation

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

#: The warning of the reader's row-wise reading (``reader.parser``).
ROWS_WARNING = "read the softmax of a matrix row by row"

__all__ = ["ROWS_WARNING", "by_columns", "read_by_rows"]


def read_by_rows(d: Derivation) -> frozenset[sympy.Basic]:
    """The values of the definitions in ``d`` where the reader took a softmax of a matrix by
    its rows (a step that writes its own sums is read as written)."""
    return frozenset(
        s.rhs for s in d.steps if s.is_definition and s.rhs is not None and ROWS_WARNING in s.warnings
    )


def by_columns(e: sympy.Basic) -> sympy.Basic:
    """``e`` with each row-wise softmax ``exp(N_{rc}) / \\sum_k exp(N_{rk})`` taken along the
    column instead: ``exp(N_{rc}) / \\sum_k exp(N_{kc})``.

    >>> from symderiv.symbols import i, j, k, n, vector
    >>> W = vector("W")
    >>> row = sympy.exp(W[i, j]) / sympy.Sum(sympy.exp(W[i, k]), (k, 1, n))
    >>> by_columns(row)
    exp(W[i, j])/Sum(exp(W[k, j]), (k, 1, n))
    >>> Q, K = vector("Q"), vector("K")
    >>> m = sympy.Symbol("m", integer=True, positive=True)
    >>> s = lambda a, b: sympy.Sum(Q[a, m] * K[b, m], (m, 1, n))
    >>> by_columns(sympy.exp(s(i, j)) / sympy.Sum(sympy.exp(s(i, k)), (k, 1, n)))
    exp(Sum(K[j, m]*Q[i, m], (m, 1, n)))/Sum(exp(Sum(K[j, m]*Q[k, m], (m, 1, n))), (k, 1, n))
    >>> z = vector("z")
    >>> by_columns(sympy.exp(z[i]) / sympy.Sum(sympy.exp(z[k]), (k, 1, n)))
    exp(z[i])/Sum(exp(z[k]), (k, 1, n))
    """

    def flip(m: sympy.Basic) -> sympy.Basic:
        assert isinstance(m, sympy.Mul)
        tops = [f.args[0] for f in m.args if isinstance(f, sympy.exp)]
        out = m
        for f in m.args:
            if not (
                isinstance(f, sympy.Pow)
                and f.exp == -1
                and isinstance(f.base, sympy.Sum)
                and len(f.base.limits) == 1
                and isinstance(f.base.function, sympy.exp)
            ):
                continue
            k, lo, hi = f.base.limits[0]
            body = f.base.function.args[0]
            for top in tops:
                new = _column_body(top, body, k)
                if new is not None:
                    out = out.xreplace({f: 1 / sympy.Sum(sympy.exp(new), (k, lo, hi))})
                    break
        return out

    return e.replace(lambda x: isinstance(x, sympy.Mul), flip)


def _column_body(top: sympy.Basic, body: sympy.Basic, k: sympy.Basic) -> sympy.Basic | None:
    """``N_{kc}`` for the numerator ``N_{rc}`` when ``body`` is ``N_{rk}``; else None."""
    if k in top.free_symbols:
        return None
    idx = sorted(_symbolic.free_indices(top), key=str)
    cols = [c for c in idx if body.xreplace({k: c}) == top and c not in body.free_symbols]
    if len(cols) != 1:
        return None
    rows = [r for r in idx if r != cols[0]]
    if len(rows) != 1:
        return None
    return top.xreplace({rows[0]: k})
