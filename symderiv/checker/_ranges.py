"""The range of a free index read from the entries it indexes: in ``\\partial L / \\partial
x_{ij}`` beside ``\\sum_{b=1}^{B} \\sum_{h=1}^{H} ... x_{bh}``, ``i`` runs over ``1..B`` and ``j``
over ``1..H`` (an entry's row lies among its rows), so ``\\sum_b \\delta_{bi} f_b = f_i``.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy

Range = tuple[sympy.Basic, sympy.Basic]


def entry_ranges(
    exprs: Iterable[sympy.Basic], free: Iterable[sympy.Symbol]
) -> dict[sympy.Symbol, Range]:
    """Each free index's range, where every position it indexes is summed over one range.

    A position of a family (the rows of ``x``) takes the range of the sums that run over it;
    a free index at positions of different ranges, or at a position summed over two ranges,
    gets none (its range stays ``1..n``).

    >>> b, i, B = sympy.symbols("b i B", integer=True, positive=True)
    >>> x = sympy.IndexedBase("x")
    >>> entry_ranges([sympy.Sum(x[b], (b, 1, B)) - x[i]], [i])
    {i: (1, B)}
    """
    wanted = set(free)
    summed: dict[tuple[sympy.Basic, int], set[Range]] = {}
    used: dict[sympy.Symbol, set[tuple[sympy.Basic, int]]] = {}

    def walk(e: sympy.Basic, bound: dict[sympy.Basic, Range]) -> None:
        if isinstance(e, sympy.Sum):
            inner = dict(bound)
            for var, lo, hi in e.limits:
                inner[var] = (lo, hi)
            walk(e.function, inner)
            return
        if isinstance(e, sympy.Indexed):
            for pos, a in enumerate(e.indices):
                key = (e.base, pos)
                if a in bound:
                    summed.setdefault(key, set()).add(bound[a])
                elif a in wanted:
                    used.setdefault(a, set()).add(key)
            return
        for a in e.args:
            walk(a, bound)

    for e in exprs:
        walk(e, {})
    out: dict[sympy.Symbol, Range] = {}
    for s, keys in used.items():
        ranges = [summed.get(k, set()) for k in keys]
        if any(len(r) > 1 for r in ranges):
            continue
        found = {next(iter(r)) for r in ranges if r}
        if len(found) == 1:
            out[s] = next(iter(found))
    return out
