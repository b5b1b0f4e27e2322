"""The index kernel: free symbols, fresh names, bound variables renamed, sums written out.

One definition of each, used by the reader, the checker, the builders and spot alike. Where a
pass means something else by a similar name (the reader's single-letter ``free_indices``, the
checker's step-local bound names), its docstring says how it differs and builds on these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import sympy
from sympy.concrete.expr_with_limits import ExprWithLimits

from symderiv import symbols

__all__ = [
    "ENTRY_NAME",
    "at_n",
    "entry_base",
    "expand_sums",
    "first_unused",
    "free_symbols",
    "fresh_index",
    "is_count",
    "rename_bound",
    "split_entry",
]


def free_symbols(e: sympy.Basic) -> set[sympy.Basic]:
    """Free symbols of ``e``, where a derivative's variables count and bound ones do not.

    NOTE: SymPy's ``free_symbols`` drops a derivative's variables when the expression does
    not visibly depend on them (``Derivative(L, x[i])``), but ``dL/dx_i`` does depend on ``i``.
    A variable bound by a ``Sum`` (or an ``Integral``, a ``Product``) is not free; its limits'
    symbols are. An entry ``x[i]`` gives its base's label and the symbols of its indices.

    >>> from symderiv.symbols import L, i, k, n, x
    >>> sorted(map(str, free_symbols(sympy.Derivative(L, x[i]) + sympy.Sum(x[k], (k, 1, n)))))
    ['L', 'i', 'n', 'x']
    """
    if isinstance(e, sympy.Symbol):
        return {e}
    if isinstance(e, ExprWithLimits):
        inner = free_symbols(e.function)
        # NOTE: the first limit is the innermost: Sum(x_k, (k, 1, j), (j, 1, n)) binds j too.
        for lim in e.limits:
            inner.discard(lim[0])
            for bound in lim[1:]:
                inner |= free_symbols(bound)
        return inner
    out: set[sympy.Basic] = set()
    for a in e.args:
        out |= free_symbols(a)
    return out


def first_unused(candidates: Iterable[str], taken: Iterable[object]) -> str | None:
    """The first of ``candidates`` that no name in ``taken`` (strings or symbols) uses.

    Each pass keeps its own order of letters (an index read from a document, a bound variable
    of a standard object): the order is what the reader shows, the rule is this one.

    >>> from symderiv.symbols import i, j, k
    >>> first_unused("kjl", {i, j, k}), first_unused("ij", ["i", "j"])
    ('l', None)
    """
    used = {str(t) for t in taken}
    return next((c for c in candidates if c not in used), None)


#: How many numbered names (``k_1``, ``k_2``, ...) follow a pass's letters in :func:`fresh_index`.
MAX_NUMBERED = 999


def fresh_index(
    avoid: Iterable[object], letters: Iterable[str] = symbols.INDEX_LETTERS
) -> sympy.Symbol:
    """An index symbol (``1..n``) whose name no name in ``avoid`` uses: the first free one of
    ``letters`` (a pass's own order), then ``k_1``, ``k_2``, ... (see :func:`first_unused`).

    >>> from symderiv.symbols import i, j, k
    >>> fresh_index({i, j, k}), fresh_index({"k", "j"}, letters="kj")
    (l, k_1)
    """
    names = (*letters, *(f"k_{m}" for m in range(1, MAX_NUMBERED + 1)))
    name = first_unused(names, avoid)
    if name is None:  # pragma: no cover - every numbered name in use
        raise ValueError("no fresh index name left")
    return symbols.index(name)


def rename_bound(
    expr: sympy.Basic, new: Callable[[sympy.Symbol], sympy.Symbol]
) -> sympy.Basic:
    """Every bound ``Sum`` variable ``v`` renamed to ``new(v)`` (innermost sums first).

    SymPy's ``diff`` of ``Sum(f(k), (k, 1, n))`` by ``x[k]`` confuses the bound ``k`` with a
    free ``k``, and ``subs`` can capture; fresh bound names keep bound and free apart.

    >>> from symderiv.symbols import k, n, x
    >>> rename_bound(sympy.Sum(x[k], (k, 1, n)), lambda v: sympy.Symbol(f"{v}2"))
    Sum(x[k2], (k2, 1, n))
    """

    def rename(s: sympy.Sum) -> sympy.Basic:
        body = s.function
        limits = []
        for var, lo, hi in s.limits:
            fresh = new(var)
            body = body.xreplace({var: fresh})
            limits.append((fresh, lo, hi))
        return sympy.Sum(body, *limits)

    if not expr.has(sympy.Sum):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Sum), rename)


def expand_sums(expr: sympy.Basic, *, max_terms: int | None = None) -> sympy.Basic:
    """Every ``Sum`` whose limits are integers written out term by term, until none is left.

    A sum of more than ``max_terms`` terms (when given) stays a ``Sum``; nothing else is
    evaluated.

    >>> from symderiv.symbols import k, x
    >>> expand_sums(sympy.Sum(x[k], (k, 1, 3)))
    x[1] + x[2] + x[3]
    >>> expand_sums(sympy.Sum(x[k], (k, 1, 3)), max_terms=2)
    Sum(x[k], (k, 1, 3))
    """

    def rule(s: sympy.Sum) -> sympy.Basic:
        body = s.function
        for var, lo, hi in s.limits:
            if not (lo.is_Integer and hi.is_Integer):
                return s
            if max_terms is not None and int(hi) - int(lo) >= max_terms:
                return s
            body = sympy.Add(
                *[body.xreplace({var: sympy.Integer(m)}) for m in range(int(lo), int(hi) + 1)]
            )
        return body

    prev = None
    e = expr
    while prev != e and e.has(sympy.Sum):
        prev = e
        e = e.replace(lambda t: isinstance(t, sympy.Sum), rule)
    return e


def at_n(
    expr: sympy.Basic,
    *,
    counts: Iterable[sympy.Symbol],
    n: int,
    values: Mapping[sympy.Symbol, int],
    max_terms: int | None = None,
) -> sympy.Basic:
    """``expr`` at a concrete ``n``: every class count in ``counts`` set to ``n``, the free
    indices to ``values``, and the sums written out (see :func:`expand_sums`).

    >>> from symderiv.symbols import i, k, n, x
    >>> at_n(x[i] * sympy.Sum(x[k], (k, 1, n)), counts=[n], n=2, values={i: 1})
    (x[1] + x[2])*x[1]
    >>> at_n(x[k] + sympy.Sum(x[k], (k, 1, n)), counts=[n], n=2, values={k: 1})
    2*x[1] + x[2]
    """
    sub: dict[sympy.Basic, sympy.Basic] = {c: sympy.Integer(n) for c in counts}
    sub.update({s: sympy.Integer(v) for s, v in values.items()})
    # NOTE: a free index that also names a sum's variable elsewhere (E_n beside Σ_n): the
    # bound one is renamed first, so that only the free one takes the value.
    # (only a sum whose variable is such an index is rebuilt: rebuilding a Sum is costly)
    if any(lim[0] in sub for s in expr.atoms(sympy.Sum) for lim in s.limits):
        expr = rename_bound(expr, lambda v: sympy.Dummy(v.name) if v in sub else v)
    return expand_sums(expr.xreplace(sub), max_terms=max_terms)


#: The name of a concrete entry written as one symbol: ``x_3``, ``x_{3}``, ``\hat{y}_2``.
ENTRY_NAME = re.compile(r"^(?P<base>.+?)_\{?(?P<idx>\d+)\}?$")


def split_entry(name: str) -> tuple[str, int] | None:
    """``("x", 3)`` for an entry name ``x_3`` (see :data:`ENTRY_NAME`), else ``None``.

    >>> split_entry("x_{3}"), split_entry("x")
    (('x', 3), None)
    """
    m = ENTRY_NAME.match(name)
    return (m.group("base"), int(m.group("idx"))) if m else None


def entry_base(name: str) -> str:
    """The vector an entry name belongs to (``x`` for ``x_3``); any other name as it is.

    >>> entry_base("z_12"), entry_base("L")
    ('z', 'L')
    """
    return ENTRY_NAME.sub(r"\g<base>", name)


def is_count(s: sympy.Symbol, expr: sympy.Basic) -> bool:
    """``s`` is a summation bound of ``expr`` (the class count), or is the canonical ``n``.

    >>> m, k = sympy.Symbol("m", integer=True), sympy.Symbol("k", integer=True)
    >>> is_count(m, sympy.Sum(k, (k, 1, m))), is_count(k, k)
    (True, False)
    """
    if s == symbols.n:
        return True
    return any(s in lim[1:] for node in expr.atoms(sympy.Sum) for lim in node.limits)
