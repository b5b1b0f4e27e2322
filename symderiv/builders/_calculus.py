"""Small calculus helpers for builders: fresh bound variables, index-range guards, delta sums."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import sympy

from symderiv import indices

_counter = itertools.count()


def fresh_index(name: str = "d") -> sympy.Dummy:
    """A fresh integer-positive dummy for a bound summation variable.

    Unlike the checker's step-local names (``checker._symbolic.fresh``), a new ``Dummy`` each
    call: the builders keep no per-step state.
    """
    return sympy.Dummy(f"{name}{next(_counter)}", integer=True, positive=True)


def fresh_bound(expr: sympy.Expr) -> sympy.Expr:
    """Rename every bound ``Sum`` variable to a fresh dummy.

    SymPy's ``diff`` of ``Sum(f(k), (k, 1, n))`` by ``x[k]`` confuses the bound ``k`` with a
    free ``k``; fresh dummies make bound and free indices distinct.
    """
    out: sympy.Expr = indices.rename_bound(expr, lambda var: fresh_index(str(var)))
    return out


def restore_bound(expr: sympy.Expr, names: tuple[sympy.Symbol, ...]) -> sympy.Expr:
    """Rename fresh bound variables back to readable index symbols not free in the sum."""

    def rename(s: sympy.Sum) -> sympy.Expr:
        ((var, lo, hi),) = s.limits
        if not isinstance(var, sympy.Dummy):
            return s
        taken = s.free_symbols
        for cand in names:
            if cand not in taken:
                return sympy.Sum(s.function.xreplace({var: cand}), (cand, lo, hi))
        return s

    return expr.replace(lambda e: isinstance(e, sympy.Sum) and len(e.limits) == 1, rename)


def sum_deltas(expr: sympy.Expr) -> sympy.Expr:
    """``Sum(f(k) δ_{k e}, (k, 1, n)) → f(e)`` for an index ``e`` known to lie in 1..n.

    Builders only use index symbols whose range is 1..n, so the range guard is true.
    """

    def rule(s: sympy.Sum) -> sympy.Expr:
        if len(s.limits) != 1:
            return s
        var = s.limits[0][0]
        body = sympy.expand(s.function)
        terms = sympy.Add.make_args(body)
        out = []
        rest = []
        for t in terms:
            deltas = [
                f
                for f in sympy.Mul.make_args(t)
                if isinstance(f, sympy.KroneckerDelta) and var in f.free_symbols
            ]
            if deltas:
                d = deltas[0]
                other = d.args[1] if d.args[0] == var else d.args[0]
                if var not in other.free_symbols:
                    out.append((t / d).xreplace({var: other}))
                    continue
            rest.append(t)
        if not out:
            return s
        remaining = sympy.Sum(sympy.Add(*rest), *s.limits) if rest else sympy.Integer(0)
        return sympy.Add(*out) + remaining

    return expr.replace(lambda e: isinstance(e, sympy.Sum), rule)


def pull_constants(expr: sympy.Expr) -> sympy.Expr:
    """Split sums over added terms and move factors free of the bound variable outside."""

    def rule(s: sympy.Sum) -> sympy.Expr:
        if len(s.limits) != 1:
            return s
        var = s.limits[0][0]
        out = []
        for t in sympy.Add.make_args(sympy.expand(s.function)):
            const, dep = t.as_independent(var, as_Add=False)
            out.append(const * sympy.Sum(dep, *s.limits) if dep != 1 else const * s.limits[0][2])
        return sympy.Add(*out)

    return expr.replace(lambda e: isinstance(e, sympy.Sum), rule)


def instantiate(
    expr: sympy.Expr,
    *,
    n_symbol: sympy.Symbol,
    n: int,
    values: dict[sympy.Symbol, int],
    table: dict[sympy.Basic, sympy.Basic],
) -> sympy.Expr:
    """Lower a symbolic-n expression to concrete n: sums written out, ``x[m]`` → ``x_m``.

    ``table`` maps ``x[m]`` to ``x_m`` (see :func:`lowering_table`); the rest is
    :func:`symderiv.indices.at_n`, with no bound on the terms of a sum.
    """
    out: sympy.Expr = indices.at_n(expr, counts=(n_symbol,), n=n, values=values).xreplace(table)
    return out


def lowering_table(
    scalars: dict[sympy.IndexedBase, tuple[sympy.Symbol, ...]],
) -> dict[sympy.Basic, sympy.Basic]:
    """``{x[m]: x_m}`` for every base and every m (built once: Indexed creation is slow)."""
    return {base[m]: sym for base, syms in scalars.items() for m, sym in enumerate(syms, start=1)}


def entry_matrices(
    lhs_at: Callable[[dict[sympy.Symbol, int]], sympy.Expr],
    rhs_at: Callable[[dict[sympy.Symbol, int]], sympy.Expr],
    free: Sequence[sympy.Symbol],
    conds: Sequence[sympy.Basic],
    n: int,
) -> tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix]:
    """Both sides of a step with one or two free indices as n x n (or n x 1) matrices.

    An entry whose index values fail a stated case condition (``i \\neq j`` on the diagonal)
    is 0 on both sides.
    """

    def holds(c: sympy.Basic, values: dict[sympy.Symbol, int]) -> bool:
        # NOTE: an index case (i = j, i ≠ j) is decided on the integers, without building
        # SymPy numbers for each of the n² entries.
        if isinstance(c, (sympy.Eq, sympy.Ne)) and c.lhs in values and c.rhs in values:
            same = values[c.lhs] == values[c.rhs]
            return same if isinstance(c, sympy.Eq) else not same
        sub = {s: sympy.Integer(v) for s, v in values.items()}
        return bool(c.xreplace(sub))

    def keep(values: dict[sympy.Symbol, int]) -> bool:
        return all(holds(c, values) for c in conds)

    if len(free) == 2:
        a, b = free
        cells = [{a: r, b: c} for r in range(1, n + 1) for c in range(1, n + 1)]
        shape = (n, n)
    else:
        (a,) = free
        cells = [{a: r} for r in range(1, n + 1)]
        shape = (n, 1)
    kept = [keep(v) for v in cells]
    zero = sympy.Integer(0)
    lhs = sympy.ImmutableMatrix(*shape, [lhs_at(v) if k else zero for v, k in zip(cells, kept)])
    rhs = sympy.ImmutableMatrix(*shape, [rhs_at(v) if k else zero for v, k in zip(cells, kept)])
    return lhs, rhs
