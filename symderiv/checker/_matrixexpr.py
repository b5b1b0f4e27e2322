"""Sides written in matrix form (``\\mathbf{J} = \\operatorname{diag}(\\mathbf{p}) - \\mathbf{p}\\mathbf{p}^\\top``)
judged by their entries, as the reader reads the same LaTeX."""

from __future__ import annotations

import re

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from symderiv import symbols

_BOLD = re.compile(r"^\\(?:mathbf|boldsymbol)\{(.+)\}$")


class NoEntries(Exception):
    """A matrix expression whose entries are not written in names (an inverse, an entry out of
    range): the step is undetermined, never false."""


def is_matrix_expr(e: object) -> bool:
    """A SymPy matrix expression (``MatrixSymbol``, ``DiagMatrix``, products), not a ``Matrix``."""
    return isinstance(e, MatrixExpr) and not isinstance(e, sympy.MatrixBase)


def entries(
    lhs: sympy.Basic, rhs: sympy.Basic, n: sympy.Expr
) -> tuple[sympy.Basic, sympy.Basic]:
    """Both sides at entry ``(i, j)`` (or ``i`` for vectors) in indexed names: ``\\mathbf{p}``
    is the vector ``p``, its entry ``p_i``; at a concrete n, both sides as explicit matrices.

    Raises:
        ValueError: the shapes differ, or one side is a matrix and the other is not.
        NoEntries: a side has no entry in names (an inverse, an index out of range).
    """
    shaped = [s for s in (lhs, rhs) if isinstance(s, (MatrixExpr, sympy.MatrixBase))]
    if len(shaped) != 2:
        raise ValueError("one side is a matrix and the other is not")
    if lhs.shape != rhs.shape:
        raise ValueError(f"shapes differ: {lhs.shape} and {rhs.shape}")
    if isinstance(n, sympy.Integer):
        sides = [sympy.ImmutableMatrix(s.as_explicit()) if is_matrix_expr(s) else s
                 for s in (lhs, rhs)]
        return _named(sides[0], 1), _named(sides[1], 1)
    i, j = symbols.i, symbols.j
    taken = lhs.free_symbols | rhs.free_symbols
    if i in taken or j in taken:
        i, j = sympy.Dummy("i", integer=True, positive=True), sympy.Dummy("j", integer=True, positive=True)
    column = lhs.shape[1] == 1
    try:
        picked = [s[i, 0] if column else s[i, j] for s in (lhs, rhs)]
    except IndexError as e:
        raise NoEntries(str(e)) from None
    return _named(picked[0], 0), _named(picked[1], 0)


def _named(e: sympy.Basic, offset: int) -> sympy.Basic:
    """``\\mathbf{p}[i, 0]`` as ``p[i]``, ``\\mathbf{J}[i, j]`` as ``J[i, j]`` (``offset``: the
    0-based positions of explicit matrices become 1-based entries)."""

    def indexed(m: MatrixElement) -> sympy.Expr:
        if not isinstance(m.parent, sympy.MatrixSymbol):
            raise NoEntries(f"no entry form of {m.parent}")
        name = str(m.parent.name)
        bold = _BOLD.match(name)
        base = symbols.vector(bold.group(1) if bold else name)
        r, c = m.i + offset, m.j + offset
        return base[r] if m.parent.shape[1] == 1 else base[r, c]

    return e.replace(lambda t: isinstance(t, MatrixElement), indexed)
