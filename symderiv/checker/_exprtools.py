"""Index bookkeeping for the reviewer's tools, and their formulas as compact LaTeX (by the writer)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy
from sympy.concrete.expr_with_limits import ExprWithLimits

import symderiv
from symderiv.indices import free_symbols as _free
from symderiv.indices import fresh_index

__all__ = [
    "bound_indices",
    "free_indices",
    "index_symbols",
    "subscript",
    "substitute_free",
    "to_text",
]


def _is_integer_symbol(e: sympy.Basic) -> bool:
    return isinstance(e, sympy.Symbol) and bool(e.is_integer)


def index_symbols(expr: sympy.Basic) -> frozenset[sympy.Symbol]:
    """Integer symbols used as indices: inside an entry, a Kronecker delta or as a sum variable.

    A class count such as ``n`` that only bounds sums is not an index.

    >>> from symderiv.symbols import i, k, n, x
    >>> sorted(map(str, index_symbols(sympy.Sum(x[k], (k, 1, n)) * x[i])))
    ['i', 'k']
    """
    found: set[sympy.Symbol] = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Indexed):
            found |= {a for idx in node.indices for a in idx.free_symbols if _is_integer_symbol(a)}
        elif isinstance(node, sympy.KroneckerDelta):
            found |= {a for arg in node.args for a in arg.free_symbols if _is_integer_symbol(a)}
        elif isinstance(node, ExprWithLimits):
            found |= {lim[0] for lim in node.limits if _is_integer_symbol(lim[0])}
    return frozenset(found)


def free_indices(
    expr: sympy.Basic, among: Iterable[sympy.Symbol] | None = None
) -> frozenset[sympy.Symbol]:
    """The index symbols of ``expr`` that are not bound by a ``Sum`` around them.

    Indices in a derivative's variable (``\\partial / \\partial x_i``) are free: the value
    depends on them.

    >>> from symderiv.symbols import i, j, n, p, y
    >>> sorted(map(str, free_indices(sympy.Sum(y[j] * p[i], (j, 1, n)))))
    ['i']
    """
    candidates = frozenset(among) if among is not None else index_symbols(expr)
    return frozenset(_free(expr)) & candidates


def bound_indices(expr: sympy.Basic) -> frozenset[sympy.Symbol]:
    """Every variable bound by a ``Sum`` (or another limit expression) somewhere in ``expr``.

    >>> from symderiv.symbols import i, k, n, x
    >>> sorted(map(str, bound_indices(x[i] + sympy.Sum(x[k], (k, 1, n)))))
    ['k']
    """
    return frozenset(
        lim[0]
        for node in sympy.preorder_traversal(expr)
        if isinstance(node, ExprWithLimits)
        for lim in node.limits
    )


def substitute_free(expr: sympy.Basic, mapping: Mapping[sympy.Symbol, sympy.Basic]) -> sympy.Basic:
    """Replace free occurrences of symbols simultaneously, renaming bound variables that would capture.

    SymPy's ``subs`` lets ``Sum(x_k y_j, (k, 1, n)).subs(j, k)`` capture ``k``; this does not.

    >>> from symderiv.symbols import j, k, n, x, y
    >>> substitute_free(sympy.Sum(x[k] * y[j], (k, 1, n)), {j: k})
    Sum(x[i]*y[k], (i, 1, n))
    """
    if not mapping:
        return expr
    every = set().union(*(v.free_symbols for v in mapping.values()), _free(expr))
    every |= bound_indices(expr) | set(mapping)
    return _subs(expr, dict(mapping), every)


def _subs(
    e: sympy.Basic, m: dict[sympy.Symbol, sympy.Basic], taken: set[sympy.Basic]
) -> sympy.Basic:
    if not m:
        return e
    if isinstance(e, sympy.Symbol):
        return m.get(e, e)
    if not e.args or not (_free(e) & set(m)):
        return e
    if isinstance(e, ExprWithLimits):
        body = e.function
        inner = dict(m)
        limits = []
        for lim in e.limits:
            var, rest = lim[0], [_subs(b, m, taken) for b in lim[1:]]
            inner.pop(var, None)
            live = [v for key, v in inner.items() if key in _free(body)]
            if any(var in v.free_symbols for v in live):
                new = fresh_index(taken)
                taken.add(new)
                inner[var] = new
                var = new
            limits.append((var, *rest))
        return e.func(_subs(body, inner, taken), *limits)
    args = [_subs(a, m, taken) for a in e.args]
    return e.func(*args)


def to_text(expr: sympy.Basic) -> str:
    """Compact LaTeX for messages (``p_i``, ``\\log p_j``, ``\\sum_j``), by the writer's printer
    of hints and warnings (:func:`symderiv.writer._latexprinter.margin_latex`, asked for through
    ``symderiv._display``: the checker imports nothing of the writer).

    >>> from symderiv.symbols import i, j, n, p, y
    >>> to_text(sympy.Sum(y[j] * sympy.log(p[j]), (i, 1, n)))
    '\\\\sum_i y_j \\\\log p_j'
    """
    return symderiv._display("margin", expr)


def subscript(expr: sympy.Basic) -> str:
    """``expr`` as a subscript: ``k``, or ``{ik}`` braced when longer than one character."""
    t = to_text(expr)
    return t if len(t) == 1 else f"{{{t}}}"
