"""Single-edit mutants of an expression: the slips real derivations make, one at a time.

Each mutant is the expression with exactly one edit a hand derivation typically suffers: the
sign flipped, two indices swapped, a factor or a term dropped, one entry's index changed
(``p_k`` where ``p_i`` belongs), a wrong power, ``+`` in place of ``-``.  They serve two
purposes: the mutation test of the checker's soundness (every mutant of a true step that is
really false must not be accepted), and one-edit fixes (:mod:`symderiv.checker.explain`),
where the edit that makes a false step hold is the reviewer's hint.

Conventions: entries ``symbols.vector(name)[idx]``, sums ``Sum(body, (k, 1, n))``,
``KroneckerDelta``, unevaluated ``Derivative``, natural ``log`` and ``exp``.  A sum written
``\\sum_{k \\neq i} b`` arrives as ``Sum(b, (k, 1, n)) - b.subs(k, i)``; the pair is edited as one
unit, so an edit of its summand is an edit of the ``k \\neq i`` terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import permutations

import sympy
from sympy.concrete.expr_with_limits import ExprWithLimits

from symderiv.checker._exprtools import (
    free_indices,
    index_symbols,
    subscript,
    substitute_free,
    to_text,
)

__all__ = ["MAX_MUTANTS", "Mutant", "detailed_mutants", "mutants"]

MAX_MUTANTS = 300
"""The most mutants produced for one expression (a bound for the callers' budgets)."""


@dataclass(frozen=True)
class Mutant:
    """One edit of an expression.

    ``description`` says what the edit did to the original (``"factor p_i dropped"``);
    ``fix`` says the same as a fix of the original, to follow "the right side holds ..."
    (``"without the factor p_i"``); ``hint`` is a whole sentence when the edit sits somewhere a
    reviewer names (``"the k \\neq i terms should contain p_i, not p_k"``), else ``None``.
    """

    description: str
    expr: sympy.Expr
    fix: str
    hint: str | None = None


def mutants(
    expr: sympy.Expr, *, indices: tuple[sympy.Symbol, ...] = ()
) -> Iterator[tuple[str, sympy.Expr]]:
    """Every single-edit mutant of ``expr`` with a reader-facing description.

    Deterministic and bounded by :data:`MAX_MUTANTS`; mutants equal to ``expr`` or to an earlier
    mutant are skipped.  ``indices`` are index symbols an edit may bring in besides those
    already in ``expr`` (the other side's free indices, for instance).

    Args:
        expr: the expression to mutate.
        indices: extra index symbols available to index edits.

    Yields:
        ``(description, mutant)`` pairs, e.g. ``("sign flipped", -expr)``.

    >>> from symderiv.symbols import i, j, p
    >>> [d for d, _ in mutants(p[i] * p[j], indices=(i, j))][:3]
    ['sign flipped', 'factor p_i dropped', 'factor p_j dropped']
    """
    for m in detailed_mutants(expr, indices=indices):
        yield m.description, m.expr


def detailed_mutants(
    expr: sympy.Expr, *, indices: tuple[sympy.Symbol, ...] = (), limit: int = MAX_MUTANTS
) -> Iterator[Mutant]:
    """Like :func:`mutants`, with each edit also phrased as a fix (see :class:`Mutant`).

    >>> from symderiv.symbols import i, y
    >>> next(detailed_mutants(-y[i])).fix
    'with its sign flipped'
    """
    if not isinstance(expr, sympy.Basic):
        raise TypeError(f"expected a SymPy expression, got {type(expr).__name__}")
    every = index_symbols(expr) | frozenset(indices)
    free = sorted(free_indices(expr, every), key=str)
    scope = frozenset(free) | frozenset(indices)
    seen: set[sympy.Basic] = {expr}
    produced = 0
    for m in _whole(expr, free, sorted(scope, key=str)):
        if produced >= limit:
            return
        if m.expr not in seen:
            seen.add(m.expr)
            produced += 1
            yield m
    for m in _edits(expr, scope, None):
        if produced >= limit:
            return
        if m.expr not in seen and m.expr is not sympy.nan:
            seen.add(m.expr)
            produced += 1
            yield m


def _whole(
    expr: sympy.Expr, free: list[sympy.Symbol], scope: list[sympy.Symbol]
) -> Iterator[Mutant]:
    """Edits of the expression as a whole: its sign, swapped and renamed free indices."""
    if expr != 0:
        yield Mutant("sign flipped", -expr, "with its sign flipped")
    for a, b in permutations(scope, 2):
        if a not in free:
            continue
        if b in free:
            if str(a) < str(b):
                swapped = substitute_free(expr, {a: b, b: a})
                yield Mutant(f"{a} and {b} swapped", swapped, f"with {a} and {b} swapped")
        else:
            renamed = substitute_free(expr, {a: b})
            yield Mutant(f"{b} in place of {a}", renamed, f"with {b} in place of {a}")
    # one vector's entries in place of another's (y_j where p_j belongs)
    bases = sorted({t.base for t in expr.atoms(sympy.Indexed)}, key=str)
    wrt = {getattr(v, "base", None) for d in expr.atoms(sympy.Derivative) for v in d.variables}
    for va, vb in permutations(bases, 2):
        if va in wrt or vb in wrt:
            continue  # a derivative's variable is an index edit, not a vector swap
        swapped_base = expr.replace(
            lambda t, va=va: isinstance(t, sympy.Indexed) and t.base == va,
            lambda t, vb=vb: vb[t.indices],
        )
        yield Mutant(
            f"{vb.label} in place of {va.label}",
            swapped_base,
            f"with {vb.label} in place of {va.label}",
        )


def _edits(e: sympy.Basic, scope: frozenset[sympy.Symbol], ctx: str | None) -> Iterator[Mutant]:
    """Edits inside ``e``; ``scope`` holds the indices in reach, ``ctx`` names the enclosing terms."""
    if isinstance(e, sympy.Add):
        yield from _add_edits(e, scope, ctx)
    elif isinstance(e, sympy.Mul):
        yield from _mul_edits(e, scope, ctx)
    elif isinstance(e, sympy.Pow):
        yield from _pow_edits(e, scope, ctx)
    elif isinstance(e, (sympy.Indexed, sympy.KroneckerDelta)):
        yield from _index_edits(e, scope, ctx)
    elif isinstance(e, ExprWithLimits):
        var = e.limits[0][0]
        inner = scope | {lim[0] for lim in e.limits}
        label = f"the terms of \\sum_{subscript(var)}"
        for m in _edits(e.function, inner, label):
            yield _wrap(m, e.func(m.expr, *e.limits))
    elif isinstance(e, sympy.Derivative):
        for m in _edits(e.expr, scope, ctx):
            yield _wrap(m, e.func(m.expr, *e.variable_count))
        for pos, (var, count) in enumerate(e.variable_count):
            for m in _edits(var, scope, None):
                vc = list(e.variable_count)
                vc[pos] = (m.expr, count)
                yield _wrap(m, e.func(e.expr, *vc))
    elif e.args and isinstance(e, sympy.Function):
        for pos, arg in enumerate(e.args):
            for m in _edits(arg, scope, ctx):
                args = list(e.args)
                args[pos] = m.expr
                yield _wrap(m, e.func(*args))


def _wrap(m: Mutant, expr: sympy.Basic) -> Mutant:
    return Mutant(m.description, expr, m.fix, m.hint)


def _excluded_pairs(
    e: sympy.Add,
) -> list[tuple[int, int, sympy.Expr, sympy.Sum, sympy.Symbol, sympy.Basic]]:
    """Each ``c Sum(b, (k, ..)) - c b.subs(k, i)`` in ``e``: the terms ``k \\neq i`` of a sum.

    Returns ``(sum position, term position, c, Sum, k, i)``.
    """
    terms = list(e.args)
    pairs = []
    used: set[int] = set()
    for s, term in enumerate(terms):
        coeff, rest = term.as_coeff_Mul()
        if not isinstance(rest, sympy.Sum) or len(rest.limits) != 1:
            continue
        k = rest.limits[0][0]
        for t, other in enumerate(terms):
            if t == s or t in used:
                continue
            for idx in sorted(free_indices(other), key=str):
                if idx != k and other == -coeff * substitute_free(rest.function, {k: idx}):
                    pairs.append((s, t, coeff, rest, k, idx))
                    used |= {s, t}
                    break
            if s in used:
                break
    return pairs


def _add_edits(e: sympy.Add, scope: frozenset[sympy.Symbol], ctx: str | None) -> Iterator[Mutant]:
    terms = list(e.args)
    units: list[tuple[int, ...]] = []
    pair_of = {}
    for s, t, coeff, summ, k, idx in _excluded_pairs(e):
        units.append((s, t))
        pair_of[s] = (s, t, coeff, summ, k, idx)
    paired = {p for u in units for p in u}
    units = [(p,) for p in range(len(terms)) if p not in paired] + units
    units.sort(key=lambda u: u[0])

    def rebuild(replace: dict[int, sympy.Basic]) -> sympy.Expr:
        return sympy.Add(*[replace.get(p, t) for p, t in enumerate(terms)])

    def magnitude(unit: tuple[int, ...]) -> tuple[bool, str]:
        """Whether the unit is subtracted, and its text without that sign."""
        if len(unit) == 1:
            term = terms[unit[0]]
            negative = term.could_extract_minus_sign()
            return negative, to_text(-term if negative else term)
        _, _, coeff, summ, k, idx = pair_of[unit[0]]
        negative = bool(coeff.is_negative)
        body = summ.function * (-coeff if negative else coeff)
        return negative, f"\\sum_{{{to_text(k)} \\neq {to_text(idx)}}} {to_text(body)}"

    for unit in units:
        negative, shown = magnitude(unit)
        text = f"-{shown}" if negative else shown
        drop = {p: sympy.Integer(0) for p in unit}
        yield Mutant(f"term {text} dropped", rebuild(drop), f"without the term {text}")
        flip = {p: -terms[p] for p in unit}
        was, now = ("-", "+") if negative else ("+", "-")
        yield Mutant(
            f"{now} in place of {was} before {shown}",
            rebuild(flip),
            f"with {now} in place of {was} before {shown}",
        )
    for unit in units:
        if len(unit) == 1:
            p = unit[0]
            for m in _edits(terms[p], scope, ctx):
                yield _wrap(m, rebuild({p: m.expr}))
        else:
            s, t, coeff, summ, k, idx = pair_of[unit[0]]
            label = f"the {to_text(k)} \\neq {to_text(idx)} terms"
            for m in _edits(summ.function, scope | {k}, label):
                new_sum = coeff * summ.func(m.expr, *summ.limits)
                new_term = -coeff * substitute_free(m.expr, {k: idx})
                yield _wrap(m, rebuild({s: new_sum, t: new_term}))


def _mul_edits(e: sympy.Mul, scope: frozenset[sympy.Symbol], ctx: str | None) -> Iterator[Mutant]:
    factors = list(e.args)

    def rebuild(pos: int, new: sympy.Basic) -> sympy.Expr:
        return sympy.Mul(*[new if q == pos else f for q, f in enumerate(factors)])

    for pos, f in enumerate(factors):
        if f in (sympy.Integer(-1), sympy.Integer(1)):
            continue
        if f.is_Number and f.could_extract_minus_sign():
            text = to_text(-f)
            yield Mutant(
                f"factor {text} dropped",
                rebuild(pos, sympy.Integer(-1)),
                f"without the factor {text}",
            )
            continue
        text = to_text(f)
        yield Mutant(
            f"factor {text} dropped", rebuild(pos, sympy.Integer(1)), f"without the factor {text}"
        )
    for pos, f in enumerate(factors):
        if f.is_Number:
            continue
        if isinstance(f, sympy.KroneckerDelta):
            # NOTE: a power of a delta is the delta (or undefined): no slip a derivation makes.
            yield from (_wrap(m, rebuild(pos, m.expr)) for m in _edits(f, scope, ctx))
            continue
        if isinstance(f, sympy.Pow):
            for m in _pow_edits(f, scope, ctx):
                yield _wrap(m, rebuild(pos, m.expr))
            continue
        for new_exp in (2, -1):
            shown = to_text(f)
            yield Mutant(
                f"power {new_exp} in place of 1 on {shown}",
                rebuild(pos, f**new_exp),
                f"with power {new_exp} in place of 1 on {shown}",
            )
        for m in _edits(f, scope, ctx):
            yield _wrap(m, rebuild(pos, m.expr))


def _pow_edits(e: sympy.Pow, scope: frozenset[sympy.Symbol], ctx: str | None) -> Iterator[Mutant]:
    base, exp = e.args
    shown = to_text(base)
    if exp.is_Integer:
        old = int(exp)
        for new in dict.fromkeys((old + 1, old - 1, -old)):
            if new in (0, old):
                continue
            yield Mutant(
                f"power {new} in place of {old} on {shown}",
                base**new,
                f"with power {new} in place of {old} on {shown}",
            )
    for m in _edits(base, scope, ctx):
        yield _wrap(m, m.expr**exp)
    for m in _edits(exp, scope, ctx):
        yield _wrap(m, base**m.expr)


def _index_edits(
    e: sympy.Indexed | sympy.KroneckerDelta, scope: frozenset[sympy.Symbol], ctx: str | None
) -> Iterator[Mutant]:
    """``p_k`` in place of ``p_i``: one index position of one entry (or delta) changed."""
    positions = list(e.indices) if isinstance(e, sympy.Indexed) else list(e.args)
    for pos, old in enumerate(positions):
        if not isinstance(old, sympy.Symbol) or old not in scope:
            continue
        for new in sorted(scope, key=str):
            if new == old:
                continue
            idx = list(positions)
            idx[pos] = new
            changed = (
                e.base[tuple(idx)] if isinstance(e, sympy.Indexed) else sympy.KroneckerDelta(*idx)
            )
            was, now = to_text(e), to_text(changed)
            hint = f"{ctx} should contain {now}, not {was}" if ctx else None
            yield Mutant(f"{now} in place of {was}", changed, f"with {now} in place of {was}", hint)
