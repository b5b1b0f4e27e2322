"""A step made ready for the methods: definitions substituted, derivatives and limits taken.

:func:`prepare` gives both sides with what the methods need to know of them: the free indices,
the class counts their sums run to, which names are functions of unknown form, which are
logits and which targets, and which undefined names stand on one side only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from symderiv import indices
from symderiv.checker import _concrete as C
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import prepared_once
from symderiv.checker._definitions import substitute_definitions
from symderiv.checker._setting import NO_NAMES, Names
from symderiv.config import CheckConfig

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = ["Prepared", "apply_log_base", "lowered", "prepare", "sample_ns", "symbolic_n"]


def apply_log_base(e: sympy.Basic, base: sympy.Expr | None) -> sympy.Basic:
    if base is None:
        return e
    return e.replace(
        lambda t: isinstance(t, sympy.log), lambda t: sympy.log(t.args[0]) / sympy.log(base)
    )


@dataclass(frozen=True)
class Prepared:
    """Both sides after definitions and derivatives, with what they depend on."""

    lhs: sympy.Basic
    rhs: sympy.Basic
    free: tuple[sympy.Symbol, ...]
    counts: tuple[sympy.Symbol, ...]
    dependent: frozenset[str]
    logit_names: frozenset[str]
    target_names: frozenset[str]
    # undefined names written on one side only, outside any derivative (y_0 in
    # "exp(a_0)/u (1 - exp(a_0)/u) = y_0 (1 - y_0)"): quantities the author names, not variables
    one_sided: frozenset[str] = frozenset()
    #: names whose definition is written but not read (Names.unread)
    unread: frozenset[str] = frozenset()


@prepared_once
def prepare(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    definitions: Definitions,
    n: sympy.Expr,
    log_base: sympy.Expr | None,
    unknowns: Names = NO_NAMES,
) -> Prepared:
    """Substitute definitions, take derivatives, and note free indices and class counts.

    ``unknowns`` are the names the document differentiates but never defines (anywhere, not
    only in this step): functions of unknown form, whose derivatives stay written.
    """
    defs = tuple((t, apply_log_base(v, log_base)) for t, v in definitions)
    lhs, rhs = apply_log_base(lhs, log_base), apply_log_base(rhs, log_base)
    lhs, rhs = _with_parameters(lhs, rhs, defs)
    heads = {S.kind_of(t) for t, _ in defs if S.defines_every_entry(t)}
    dependent = frozenset(
        S.undefined_kinds(S.dependent_names([lhs, rhs]) | unknowns.functions, (lhs, rhs), heads)
    )
    logit_names = {
        str(S._heads(v).label if isinstance(v, sympy.Indexed) else indices.entry_base(str(v)))
        for e in (lhs, rhs)
        for d in e.atoms(sympy.Derivative)
        for v in d.variables
    }
    L = substitute_definitions(lhs, defs, dependent=frozenset(dependent))
    R = substitute_definitions(rhs, defs, dependent=frozenset(dependent))
    L, R = _with_parameters(L, R, defs)  # h_θ inside a definition's body: J(θ) := ... h_θ(x)
    dependent |= _per_sample_of_defined((L, R), defs)
    L0, R0 = L, R
    for e in (L, R):
        for t in e.atoms(sympy.exp):
            for idx in t.atoms(sympy.Indexed):
                logit_names.add(str(idx.base.label))
            for s in t.free_symbols:
                if isinstance(s, sympy.Symbol) and not s.is_integer:
                    logit_names.add(indices.entry_base(s.name))
    L = _at_points(
        S.evaluate_limits(S.fresh_bound(S.evaluate_derivatives(S.fresh_bound(L), dependent)))
    )
    R = _at_points(
        S.evaluate_limits(S.fresh_bound(S.evaluate_derivatives(S.fresh_bound(R), dependent)))
    )
    free = tuple(
        sorted(
            S.free_indices(L) | S.free_indices(R) | S.free_indices(lhs) | S.free_indices(rhs),
            key=lambda s: s.name,
        )
    )
    counts = {
        u
        for e in (L, R)
        for s in e.atoms(sympy.Sum)
        for _, _, hi in s.limits
        for u in hi.free_symbols
    }
    if isinstance(n, sympy.Symbol) and not counts:
        counts.add(n)
    free = tuple(f for f in free if f not in counts)
    # NOTE: the m of 1/m is the m of sum_{i=1}^m, whatever assumptions the reader gave each.
    same = {
        s: c
        for c in counts
        for e in (L, R)
        for s in e.free_symbols
        if isinstance(s, sympy.Symbol) and s.name == c.name and s != c
    }
    if same:
        L, R = L.xreplace(same), R.xreplace(same)
    names = {str(t.base.label) for e in (L, R) for t in e.atoms(sympy.Indexed)}
    names |= {
        indices.entry_base(s.name)
        for e in (L, R)
        for s in indices.free_symbols(e)
        if isinstance(s, sympy.Symbol) and not s.is_integer
    }
    one_sided = {
        name
        for side, other in ((L0, R0), (R0, L0))
        for name in _outer_names(side) - _all_names(other)
        if name not in unknowns.variables or name in dependent
    }
    return Prepared(
        L,
        R,
        free,
        tuple(sorted(counts, key=lambda s: s.name)),
        frozenset(dependent),
        frozenset(logit_names),
        frozenset(names - logit_names),
        frozenset(one_sided),
        unknowns.unread,
    )


def _with_parameters(
    lhs: sympy.Basic, rhs: sympy.Basic, defs: Definitions
) -> tuple[sympy.Basic, sympy.Basic]:
    """``h_θ(x)`` is a function of θ as well as of x: θ becomes one of its arguments.

    NOTE: a name is a function of what it is written with; a derivative by the parameter of
    an undefined ``h_θ`` is then an unknown, never 0.
    """
    # NOTE: by θ_j, an entry of the vector θ, too: h_θ depends on every entry of θ.
    wrt: dict[str, list[sympy.Basic]] = {}
    for e in (lhs, rhs):
        for d in e.atoms(sympy.Derivative):
            for v in d.variables:
                key = (
                    v.name
                    if isinstance(v, sympy.Symbol)
                    else str(v.base.label)
                    if isinstance(v, sympy.Indexed)
                    else None
                )
                if key is not None and v not in wrt.setdefault(key, []):
                    wrt[key].append(v)
    if not wrt:
        return lhs, rhs
    defined = {S.name_of(t) for t, _ in defs} | {
        t.func.__name__ for t, _ in defs if isinstance(t, AppliedUndef)
    }

    def widen(f: sympy.Basic) -> sympy.Basic:
        assert isinstance(f, AppliedUndef)
        name = f.func.__name__
        sub = name.split("_", 1)[1].strip("{}").lstrip("\\") if "_" in name else ""
        params = [v for v in wrt.get(sub, []) if v not in f.args]
        if not params or name in defined:
            return f
        return sympy.Function(name)(*f.args, *params)

    def apply(e: sympy.Basic) -> sympy.Basic:
        return e.replace(lambda t: isinstance(t, AppliedUndef), widen)

    return apply(lhs), apply(rhs)


#: The suffix of a per-sample quantity's name (``a^{(i)}`` is an entry of ``a^{(\cdot)}``).
SAMPLE = "^{(\\cdot)}"


def _per_sample_of_defined(exprs: tuple[sympy.Basic, ...], defs: Definitions) -> frozenset[str]:
    """``a^{(i)}`` where the document defines ``a`` (``a = \\sigma(z)``): the per-sample ``a``
    depends on what ``a`` depends on, so its derivatives are unknowns, never 0.

    NOTE: a name inside a differentiated expression is otherwise a constant (y in
    ∂/∂b Σ_i y^{(i)} log a^{(i)}); a^{(i)} is not, when a itself is a formula of the document.
    """
    defined = {S.name_of(t) for t, _ in defs}
    names = set().union(*(_all_names(e) for e in exprs))
    return frozenset(
        name
        for name in names
        if name.endswith(SAMPLE) and name.removesuffix(SAMPLE) in defined and name not in defined
    )


def _at_points(e: sympy.Basic) -> sympy.Basic:
    """``f'(x)|_{x=0}`` (a ``Subs``) at its point, once the definitions are in: the derivative
    taken, then the value substituted; of an unknown function it stays a ``Subs``, an unknown."""
    if not e.has(sympy.Subs):
        return e
    return e.replace(lambda t: isinstance(t, sympy.Subs), lambda t: t.doit())


def _all_names(e: sympy.Basic) -> set[str]:
    """The names of an expression, inside derivatives too."""
    out = {S.name_of(t) for t in e.atoms(sympy.Indexed)}
    labels = {t.base.label for t in e.atoms(sympy.Indexed)}
    out |= {
        s.name
        for s in e.free_symbols
        if isinstance(s, sympy.Symbol) and not s.is_integer and s not in labels
    }
    return out


def _outer_names(e: sympy.Basic) -> set[str]:
    """The names of an expression outside its derivatives (indexed bases, real symbols)."""
    if isinstance(e, sympy.Derivative):
        return set()
    if isinstance(e, sympy.Indexed):
        return {S.name_of(e)}
    if isinstance(e, sympy.Symbol):
        return set() if e.is_integer else {e.name}
    if isinstance(e, sympy.Sum):
        return _outer_names(e.function)
    out: set[str] = set()
    for a in e.args:
        out |= _outer_names(a)
    return out


def symbolic_n(p: Prepared) -> bool:
    """Whether the step is about every n (free indices, or sums to a count it uses)."""
    return bool(p.free) or bool(p.counts and any(p.lhs.has(c) or p.rhs.has(c) for c in p.counts))


def sample_ns(p: Prepared, cfg: CheckConfig) -> list[int]:
    """The class counts sampled: 1 up to the largest concrete n, or none (0) for a scalar."""
    if not symbolic_n(p):
        return [0]
    return sorted(set(range(1, max(cfg.concrete_n, default=3) + 1)) | set(cfg.concrete_n))


def lowered(
    p: Prepared, n: int, values: dict[sympy.Symbol, int]
) -> tuple[sympy.Basic, sympy.Basic]:
    """The sides at the count ``n`` and the index values; ``nan`` (no value anywhere) where a
    limit runs over a count (``\\lim_{m \\to \\infty} \\frac{1}{m} \\sum_{i=1}^m x_i``): at a
    concrete m it would be the limit of a constant, a value the step never meant."""
    if _limit_over_a_count(p.lhs, p.rhs):
        return sympy.nan, sympy.nan
    L = C.lower(p.lhs, counts=p.counts, n=n, index_values=values)
    R = C.lower(p.rhs, counts=p.counts, n=n, index_values=values)
    L = S.evaluate_derivatives(L, p.dependent)
    R = S.evaluate_derivatives(R, p.dependent)
    return L, R


@functools.lru_cache(maxsize=256)
def _limit_over_a_count(lhs: sympy.Basic, rhs: sympy.Basic) -> bool:
    """A limit of the step whose variable is a count the sums inside it run to (by name).

    NOTE: asked once per step, not once per count and index assignment (the sides are lowered
    for each of those).
    """
    for side in (lhs, rhs):
        for lim in side.atoms(sympy.Limit):
            var = lim.args[1]
            bounds = {
                str(s) for total in lim.atoms(sympy.Sum) for _, lo, hi in total.limits
                for s in (lo.free_symbols | hi.free_symbols)
            }
            if str(var) in bounds:
                return True
    return False
