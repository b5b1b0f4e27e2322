"""Cross-entropy ``L = -sum_k y_k log p_k`` for symbolic n and for concrete n."""

from __future__ import annotations

import sympy

from symderiv import symbols


def cross_entropy(
    *,
    y: sympy.IndexedBase = symbols.y,
    p: sympy.Expr | sympy.IndexedBase = symbols.p,
    k: sympy.Symbol = symbols.k,
    n: sympy.Expr = symbols.n,
) -> sympy.Expr:
    """``-Sum(y_k log p_k, (k, 1, n))`` (natural log), symbolic n.

    >>> cross_entropy()
    -Sum(log(p[k])*y[k], (k, 1, n))
    """
    return -sympy.Sum(y[k] * sympy.log(p[k]), (k, 1, n))


def cross_entropy_vector(ys: tuple[sympy.Expr, ...], ps: tuple[sympy.Expr, ...]) -> sympy.Expr:
    """``-sum_k y_k log p_k`` over explicit entries.

    >>> a, b = sympy.symbols("a b", positive=True)
    >>> cross_entropy_vector((1, 0), (a, b))
    -log(a)
    """
    if len(ys) != len(ps):
        raise ValueError(f"y has {len(ys)} entries but p has {len(ps)}")
    return -sympy.Add(*[yk * sympy.log(pk) for yk, pk in zip(ys, ps)])
