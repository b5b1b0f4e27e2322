"""The softmax Jacobian and the cross-entropy gradient, in their usual written forms.

Identities encoded (``p = softmax(x)``, ``L = -sum_j y_j log p_j``):

* ``∂p_i/∂x_j = p_i (δ_ij − p_j)``, i.e. ``p_i (1 − p_i)`` when ``i = j`` and ``−p_i p_j``
  when ``i ≠ j``; for concrete n the matrix ``diag(p) − p pᵀ``;
* ``∂L/∂x_i = p_i sum_j y_j − y_i`` for any y, and ``p_i − y_i`` when ``sum_j y_j = 1``.
"""

from __future__ import annotations

import sympy

from symderiv import symbols
from symderiv.builders._calculus import fresh_index
from symderiv.builders.softmax import _check_n, concrete_symbols, softmax_vector

_FORMS = ("delta", "cases")


def softmax_jacobian_entry(
    i: sympy.Expr = symbols.i,
    j: sympy.Expr = symbols.j,
    *,
    form: str = "delta",
    p: sympy.IndexedBase = symbols.p,
) -> sympy.Expr:
    """``∂p_i/∂x_j`` written with the probabilities ``p``.

    ``form="delta"`` gives ``p_i (δ_ij − p_j)``; ``form="cases"`` gives
    ``Piecewise((p_i (1 − p_i), i = j), (−p_i p_j, True))``.

    >>> softmax_jacobian_entry()
    (KroneckerDelta(i, j) - p[j])*p[i]
    >>> softmax_jacobian_entry(form="cases")
    Piecewise(((1 - p[i])*p[i], Eq(i, j)), (-p[i]*p[j], True))
    """
    if form == "delta":
        return p[i] * (sympy.KroneckerDelta(i, j) - p[j])
    if form == "cases":
        (diag, _), (off, _) = softmax_jacobian_cases(i, j, p=p)
        return sympy.Piecewise((diag, sympy.Eq(i, j)), (off, True))
    raise ValueError(f"unknown form {form!r}; expected one of {', '.join(_FORMS)}")


def softmax_jacobian_cases(
    i: sympy.Expr = symbols.i, j: sympy.Expr = symbols.j, *, p: sympy.IndexedBase = symbols.p
) -> tuple[tuple[sympy.Expr, sympy.Basic], tuple[sympy.Expr, sympy.Basic]]:
    """The two cases of ``∂p_i/∂x_j``: ``(p_i (1 − p_i), i = j)`` and ``(−p_i p_j, i ≠ j)``.

    >>> softmax_jacobian_cases()[1]
    (-p[i]*p[j], Ne(i, j))
    """
    return (p[i] * (1 - p[i]), sympy.Eq(i, j)), (-p[i] * p[j], sympy.Ne(i, j))


def softmax_jacobian_matrix(
    n: int, *, probs: tuple[sympy.Expr, ...] | None = None, logits: str = "x"
) -> sympy.ImmutableMatrix:
    """``diag(p) − p pᵀ`` for concrete ``n``.

    ``probs`` are the entries of p; by default the softmax of the real symbols
    ``x_1 .. x_n`` (name from ``logits``), so the matrix is a function of the logits.

    >>> a, b = sympy.symbols("a b")
    >>> softmax_jacobian_matrix(2, probs=(a, b))
    Matrix([
    [-a**2 + a,      -a*b],
    [     -a*b, -b**2 + b]])
    """
    _check_n(n)
    ps = _probs(n, probs, logits)
    col = sympy.Matrix(ps)
    return sympy.ImmutableMatrix(sympy.diag(*ps) - col * col.T)


def ce_gradient_entry(
    i: sympy.Expr = symbols.i,
    *,
    p: sympy.IndexedBase = symbols.p,
    y: sympy.IndexedBase = symbols.y,
    j: sympy.Symbol = symbols.j,
    n: sympy.Expr = symbols.n,
    sum_y_is_one: bool = True,
) -> sympy.Expr:
    """``∂L/∂x_i``: ``p_i − y_i`` given ``sum_j y_j = 1``, else ``p_i sum_j y_j − y_i``.

    >>> ce_gradient_entry()
    p[i] - y[i]
    >>> ce_gradient_entry(sum_y_is_one=False)
    p[i]*Sum(y[j], (j, 1, n)) - y[i]
    """
    if sum_y_is_one:
        return p[i] - y[i]
    bound = j if j != i else fresh_index("j")
    return p[i] * sympy.Sum(y[bound], (bound, 1, n)) - y[i]


def ce_gradient_vector(
    n: int,
    *,
    probs: tuple[sympy.Expr, ...] | None = None,
    targets: tuple[sympy.Expr, ...] | None = None,
    logits: str = "x",
    sum_y_is_one: bool = True,
) -> sympy.ImmutableMatrix:
    """The column ``p − y`` (or ``p (sum_j y_j) − y``) for concrete ``n``.

    ``probs`` default to the softmax of ``x_1 .. x_n``, ``targets`` to symbols ``y_1 .. y_n``.

    >>> a, b, c, d = sympy.symbols("a b c d")
    >>> ce_gradient_vector(2, probs=(a, b), targets=(c, d)).T
    Matrix([[a - c, b - d]])
    """
    _check_n(n)
    ps = _probs(n, probs, logits)
    ys = tuple(targets) if targets is not None else concrete_symbols("y", n)
    if len(ys) != n:
        raise ValueError(f"expected {n} targets, got {len(ys)}")
    total = sympy.Integer(1) if sum_y_is_one else sympy.Add(*ys)
    return sympy.ImmutableMatrix([pk * total - yk for pk, yk in zip(ps, ys)])


def softmax_in_logits(
    expr: sympy.Expr,
    *,
    p: sympy.IndexedBase = symbols.p,
    x: sympy.IndexedBase = symbols.x,
    n: sympy.Expr = symbols.n,
) -> sympy.Expr:
    """Replace every ``p[e]`` by ``exp(x[e]) / Sum(exp(x[k]), (k, 1, n))`` (fresh bound k).

    >>> softmax_in_logits(symbols.p[symbols.i]).has(sympy.Sum)
    True
    """

    def value(e: sympy.Indexed) -> sympy.Expr:
        k = fresh_index("k")
        return sympy.exp(x[e.indices[0]]) / sympy.Sum(sympy.exp(x[k]), (k, 1, n))

    return expr.replace(lambda e: isinstance(e, sympy.Indexed) and e.base == p, value)


def _probs(n: int, probs: tuple[sympy.Expr, ...] | None, logits: str) -> tuple[sympy.Expr, ...]:
    if probs is None:
        return tuple(softmax_vector(concrete_symbols(logits, n)))
    if len(probs) != n:
        raise ValueError(f"expected {n} probabilities, got {len(probs)}")
    return tuple(probs)
