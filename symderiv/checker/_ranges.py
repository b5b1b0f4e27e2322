"""The range of a free index read from the entries it indexes: in ``\\partial L / \\partial
x_{ij}`` beside ``\\sum_{b=1}^{B} \\sum_{h=1}^{H} ... x_{bh}``, ``i`` runs over ``1..B`` and ``j``
over ``1..H`` (an entry's row lies among its rows), so ``\\sum_b \\delta_{bi} f_b = f_i``.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy

from symderiv import symbols

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


def mixed_ranges(exprs: Iterable[sympy.Basic]) -> dict[sympy.Basic, set[Range]]:
    """The vectors whose entries ``exprs`` sum over ``1..n`` and over other ranges.

    >>> k = sympy.Symbol("k", integer=True)
    >>> z, n = sympy.IndexedBase("z"), sympy.Symbol("n", integer=True, positive=True)
    >>> found = mixed_ranges([sympy.Sum(z[k], (k, 0, n)), sympy.Sum(z[k], (k, 1, n))])
    >>> {b: sorted(r, key=str) for b, r in found.items()}
    {z: [(0, n), (1, n)]}
    """
    ranges: dict[sympy.Basic, set[Range]] = {}
    for side in exprs:
        for sm in side.atoms(sympy.Sum):
            for var, lo, hi in sm.limits:
                for e in sm.function.atoms(sympy.Indexed):
                    if var in e.indices:
                        ranges.setdefault(e.base, set()).add((lo, hi))
    default = (sympy.Integer(1), symbols.n)
    return {b: r for b, r in ranges.items() if len(r) >= 2 and default in r}


def origin_readings(
    sides: tuple[sympy.Basic, sympy.Basic],
) -> list[tuple[sympy.Basic, sympy.Basic]]:
    """The step read with every sum over one vector's entries on one range, where it sums
    them over ``1..n`` (the range a standard object such as ``softmax(z)_i`` is read with
    where the document names no count) and over one other range (``\\sum_{i=0}^{n}``): one
    reading per range.

    NOTE: ``1 - \\operatorname{softmax}(z)_i = 1 - e^{LS(z)_i}`` with ``LS`` defined by sums
    over ``0..n`` mixes the two ranges only because the standard object's range is a guess;
    the step is not false unless it fails on both.

    >>> k, i = sympy.symbols("k i", integer=True)
    >>> z, n = sympy.IndexedBase("z"), sympy.Symbol("n", integer=True, positive=True)
    >>> origin_readings((sympy.Sum(z[k], (k, 0, n)), sympy.Sum(z[i], (i, 1, n))))
    [(Sum(z[k], (k, 0, n)), Sum(z[i], (i, 0, n))), (Sum(z[k], (k, 1, n)), Sum(z[i], (i, 1, n)))]
    """
    mixed = {b: r for b, r in mixed_ranges(sides).items() if len(r) == 2}
    if len(mixed) != 1:
        return []
    ((base, pair),) = mixed.items()
    out = []
    for want in sorted(pair, key=str):
        other = next(r for r in pair if r != want)

        def unify(sm: sympy.Sum, want: Range = want, other: Range = other) -> sympy.Basic:
            limits = [
                (v, *want)
                if (lo, hi) == other
                and any(e.base == base and v in e.indices for e in sm.function.atoms(sympy.Indexed))
                else (v, lo, hi)
                for v, lo, hi in sm.limits
            ]
            return sympy.Sum(sm.function, *limits)

        out.append(
            (
                sides[0].replace(lambda t: isinstance(t, sympy.Sum), unify),
                sides[1].replace(lambda t: isinstance(t, sympy.Sum), unify),
            )
        )
    return out
