"""The sum rules of the symbolic proof, applied to a fixed point by :func:`normalize`.

Sums are split over added terms, factors free of the summation index are moved out, a
constant sums to ``(hi - lo + 1)`` times itself, ``Sum(f(k) δ_{k e}, (k, 1, n)) = f(e)`` when
``e`` is known to lie in ``1..n`` (index-range refinement: a free index ranges over ``1..n``),
and known sums (``Sum(y_j, (j, 1, n)) = 1``) are substituted, compared up to the names of
their bound variables (:func:`canonical`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from symderiv.checker._symbolic import expand_logs
from symderiv.indices import free_symbols

__all__ = [
    "Facts",
    "canonical",
    "canonical_sums",
    "normalize",
    "ordered_limits",
    "reduce_sums",
]


@dataclass(frozen=True)
class Facts:
    """What the rewrite rules may use.

    ``n`` is the range of free indices (``1..n``); ``known_sums`` maps canonical sums to their
    values; ``equal``/``unequal`` are index relations; ``substitutions`` eliminate one
    variable of a linear assumption (``y_3 → 1 - y_1 - y_2``) for concrete n.
    """

    n: sympy.Expr
    known_sums: tuple[tuple[sympy.Basic, sympy.Expr], ...] = ()
    equal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...] = ()
    unequal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...] = ()
    substitutions: tuple[tuple[sympy.Basic, sympy.Expr], ...] = ()
    ranges: dict[sympy.Symbol, tuple[sympy.Expr, sympy.Expr]] = field(default_factory=dict)


def canonical(s: sympy.Sum) -> sympy.Basic:
    """A sum with its bound variables renamed canonically (equal up to renaming → equal)."""
    body = s.function
    limits = []
    for depth, (var, lo, hi) in enumerate(s.limits):
        c = _CANON[depth] if depth < len(_CANON) else var
        body = body.xreplace({var: c})
        limits.append((c, lo, hi))
    return sympy.Sum(body, *limits)


_CANON = tuple(sympy.Symbol(f"_canon{d}", integer=True, positive=True) for d in range(6))


def canonical_sums(expr: sympy.Basic) -> sympy.Basic:
    """Rename every sum's bound variable by nesting depth (outermost gets depth 0)."""

    def walk(e: sympy.Basic, depth: int) -> sympy.Basic:
        if not e.args:
            return e
        if isinstance(e, sympy.Sum) and len(e.limits) > 1:
            return walk(_nested(e), depth)
        if isinstance(e, sympy.Sum) and len(e.limits) == 1:
            var, lo, hi = e.limits[0]
            c = sympy.Symbol(f"_canon{depth}", integer=True, positive=True)
            body = walk(e.function.xreplace({var: c}), depth + 1)
            return sympy.Sum(body, (c, lo, hi))
        return e.func(*(walk(a, depth) for a in e.args))

    return walk(expr, 0)


def ordered_limits(s: sympy.Sum) -> list[tuple[sympy.Basic, ...]]:
    """The limits of ``Σ_{b,h}``, innermost first, in an order its renaming does not change:
    the ranges sorted (``Σ_b^B Σ_h^H`` and ``Σ_h^H Σ_b^B`` are one sum).  As written when a
    range depends on another bound variable or two ranges are alike (no order without the
    body).
    """
    limits = [tuple(lim) for lim in s.limits]
    bound = {v for v, _, _ in limits}
    if any((lo.free_symbols | hi.free_symbols) & bound for _, lo, hi in limits):
        return limits
    keys = [(sympy.srepr(lo), sympy.srepr(hi)) for _, lo, hi in limits]
    if len(set(keys)) != len(keys):
        return limits
    return [lim for _, lim in sorted(zip(keys, limits, strict=True), key=lambda kl: kl[0])]


def _nested(s: sympy.Sum) -> sympy.Basic:
    """``Σ_{b,h}`` as one sum inside another, in the order of :func:`ordered_limits`."""
    out: sympy.Basic = s.function
    for limit in ordered_limits(s):
        out = sympy.Sum(out, limit)
    return out


def _in_range(e: sympy.Basic, lo: sympy.Basic, hi: sympy.Basic, facts: Facts) -> bool:
    if e.is_Integer and lo.is_Integer and hi.is_Integer:
        return bool(lo <= e <= hi)
    if isinstance(e, sympy.Symbol) and e.is_integer:
        if e in facts.ranges:
            elo, ehi = facts.ranges[e]
            return bool(elo == lo and ehi == hi)
        return bool(lo == 1 and hi == facts.n)
    if e.is_Integer and lo == 1 and e >= 1 and hi.is_integer and hi.is_positive:
        # NOTE: a concrete index 1 lies in 1..n for every n >= 1; larger ones do not in general.
        return bool(e == 1)
    return False


def _delta_factor(term: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``term = rest * δ(var, e)^m`` → ``(rest, e)``."""
    factors = sympy.Mul.make_args(term)
    for idx, f in enumerate(factors):
        base = f.base if isinstance(f, sympy.Pow) and f.exp.is_positive and f.exp.is_integer else f
        if isinstance(base, sympy.KroneckerDelta) and var in base.free_symbols:
            a, b = base.args
            other = b if a == var else a if b == var else None
            if other is None or var in other.free_symbols:
                continue
            rest = sympy.Mul(*(factors[:idx] + factors[idx + 1 :]))
            return rest, other
    return None


def reduce_sums(expr: sympy.Basic, facts: Facts) -> sympy.Basic:
    """Apply the sum rules bottom-up (one pass; :func:`normalize` repeats to a fixed point)."""

    def walk(
        e: sympy.Basic, ranges: dict[sympy.Symbol, tuple[sympy.Basic, sympy.Basic]]
    ) -> sympy.Basic:
        if not e.args or not e.has(sympy.Sum):
            return e
        if isinstance(e, sympy.Sum):
            # nest multiple limits: Sum(f, l1, l2) = Sum(Sum(f, l1), l2), in an order that
            # renaming does not change (Σ_b Σ_h and Σ_h Σ_b reduce alike)
            limits = ordered_limits(e)
            inner_ranges = dict(ranges)
            for var, lo, hi in limits:
                inner_ranges[var] = (lo, hi)
            body = walk(e.function, inner_ranges)
            for var, lo, hi in limits:
                body = _reduce_one(body, var, lo, hi, facts, ranges)
            return body
        if isinstance(e, (sympy.Derivative,)):
            return e
        return e.func(*(walk(a, ranges) for a in e.args))

    return walk(expr, dict(facts.ranges))


def _reduce_one(
    body: sympy.Basic,
    var: sympy.Symbol,
    lo: sympy.Basic,
    hi: sympy.Basic,
    facts: Facts,
    ranges: dict[sympy.Symbol, tuple[sympy.Basic, sympy.Basic]],
) -> sympy.Basic:
    # NOTE: a derivative by an entry (∂L/∂y_{bh}) depends on b: SymPy's free symbols and
    # ``as_independent`` miss it, and would pull it out of the sum over b.
    if var not in free_symbols(body):
        return body * (hi - lo + 1)
    local = Facts(
        facts.n, facts.known_sums, facts.equal, facts.unequal, facts.substitutions, ranges
    )
    out = []
    for t in sympy.Add.make_args(sympy.expand(body)):
        const, dep = _independent(t, var)
        if dep == 1:
            out.append(const * (hi - lo + 1))
            continue
        hit = _delta_factor(dep, var)
        if hit is not None and _in_range(hit[1], lo, hi, local):
            rest, at = hit
            out.append(const * rest.xreplace({var: at}))
            continue
        s = sympy.Sum(dep, (var, lo, hi))
        key = canonical(s)
        value = next((v for k, v in facts.known_sums if k == key), None)
        out.append(const * (value if value is not None else s))
    return sympy.Add(*out)


# --------------------------------------------------------------------------- normal form


#: Functions the proof writes with exponentials.
HYPERBOLIC = (sympy.tanh, sympy.sinh, sympy.cosh, sympy.coth, sympy.sech, sympy.csch)


def normalize(expr: sympy.Basic, facts: Facts, *, rounds: int = 6) -> sympy.Basic:
    """Logs split, sums reduced, substitutions applied, to a fixed point; hyperbolic functions
    written with exponentials (tanh x = (e^x - e^{-x})/(e^x + e^{-x}))."""
    e = expr
    if e.has(*HYPERBOLIC):
        e = e.rewrite(sympy.exp)
    for _ in range(rounds):
        new = expand_logs(e) if e.has(sympy.log) else e
        if facts.substitutions:
            new = new.xreplace(dict(facts.substitutions))
        new = reduce_sums(new, facts)
        new = sympy.expand(new)
        if new == e:
            break
        e = new
    return e


def _independent(term: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Basic, sympy.Basic]:
    """``(const, dep)``: the factors of ``term`` without ``var`` (a derivative's variables
    included) and the others.

    >>> b, i = sympy.symbols("b i", integer=True)
    >>> y, w = sympy.IndexedBase("y"), sympy.IndexedBase("w")
    >>> _independent(sympy.Derivative(sympy.Symbol("L"), y[b]) * w[i], b)
    (w[i], Derivative(L, y[b]))
    """
    const: list[sympy.Basic] = []
    dep: list[sympy.Basic] = []
    for f in sympy.Mul.make_args(term):
        (dep if var in free_symbols(f) else const).append(f)
    return sympy.Mul(*const), sympy.Mul(*dep)
