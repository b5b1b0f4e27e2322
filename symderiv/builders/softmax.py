"""Softmax ``p_i = exp(x_i) / sum_k exp(x_k)`` for symbolic n and for concrete n."""

from __future__ import annotations

import sympy

from symderiv import symbols


def softmax_entry(
    i: sympy.Expr = symbols.i,
    *,
    x: sympy.IndexedBase = symbols.x,
    k: sympy.Symbol = symbols.k,
    n: sympy.Expr = symbols.n,
) -> sympy.Expr:
    """Entry ``i`` of softmax(x) for symbolic n: ``exp(x_i) / Sum(exp(x_k), (k, 1, n))``.

    >>> softmax_entry()
    exp(x[i])/Sum(exp(x[k]), (k, 1, n))
    """
    return sympy.exp(x[i]) / sympy.Sum(sympy.exp(x[k]), (k, 1, n))


def concrete_symbols(name: str, n: int) -> tuple[sympy.Symbol, ...]:
    """Real scalar symbols ``name_1 .. name_n`` for the concrete-n representation."""
    _check_n(n)
    return tuple(sympy.Symbol(f"{name}_{m}", real=True) for m in range(1, n + 1))


def softmax_vector(xs: tuple[sympy.Expr, ...]) -> sympy.Matrix:
    """softmax of explicit entries, as a column ``Matrix``.

    >>> a, b = sympy.symbols("a b")
    >>> softmax_vector((a, b))[0]
    exp(a)/(exp(a) + exp(b))
    """
    total = sympy.Add(*[sympy.exp(e) for e in xs])
    return sympy.Matrix([sympy.exp(e) / total for e in xs])


def _check_n(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be a positive integer, got {n!r}")
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
