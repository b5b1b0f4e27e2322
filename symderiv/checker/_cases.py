"""Free Kronecker deltas decided by cases: every identification of the indices they compare.

``cases`` gives each way the free indices of the deltas can coincide, consistent with the
stated relations (``i = j``, ``i ≠ j``); ``apply_case`` identifies them and sets the deltas
between distinct ones to 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import sympy

from symderiv.checker._sums import Facts
from symderiv.checker._symbolic import free_indices

__all__ = ["apply_case", "cases", "delta_pairs", "partitions"]


def delta_pairs(expr: sympy.Basic, free: set[sympy.Symbol]) -> set[frozenset[sympy.Basic]]:
    """Pairs of free indices compared by a Kronecker delta somewhere in ``expr``."""
    out = set()
    for d in expr.atoms(sympy.KroneckerDelta):
        a, b = d.args
        if (a.free_symbols | b.free_symbols) <= free and a != b:
            out.add(frozenset((a, b)))
    return out


def partitions(items: list[sympy.Symbol]) -> Iterator[list[list[sympy.Symbol]]]:
    """Every set partition of ``items``."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        for idx in range(len(part)):
            yield part[:idx] + [[first] + part[idx]] + part[idx + 1 :]
        yield [[first]] + part


def cases(
    expr: sympy.Basic, facts: Facts
) -> Iterator[
    tuple[dict[sympy.Symbol, sympy.Symbol], tuple[tuple[sympy.Symbol, sympy.Symbol], ...]]
]:
    """Index identifications consistent with the facts: ``(renaming, unequal pairs)``."""
    free = free_indices(expr)
    involved: set[sympy.Symbol] = set()
    for pair in delta_pairs(expr, free):
        for s in pair:
            if isinstance(s, sympy.Symbol):
                involved.add(s)
    for a, b in facts.equal + facts.unequal:
        if a in free or b in free:
            involved |= {a, b}
    items = sorted(involved, key=lambda s: s.name)
    for part in partitions(items):
        rep = {s: block[0] for block in part for s in block}
        if any(rep.get(a, a) != rep.get(b, b) for a, b in facts.equal):
            continue
        if any(rep.get(a, a) == rep.get(b, b) for a, b in facts.unequal):
            continue
        reps = [block[0] for block in part]
        unequal = tuple(itertools.combinations(reps, 2))
        yield {s: r for s, r in rep.items() if s != r}, unequal


def apply_case(
    expr: sympy.Basic,
    renaming: dict[sympy.Symbol, sympy.Symbol],
    unequal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...],
) -> sympy.Basic:
    """Identify indices, then set deltas between distinct representatives to 0."""
    e = expr.xreplace(renaming) if renaming else expr
    if unequal:
        zero = {sympy.KroneckerDelta(a, b): sympy.Integer(0) for a, b in unequal}
        zero.update({sympy.KroneckerDelta(b, a): sympy.Integer(0) for a, b in unequal})
        e = e.xreplace(zero)
    return e
