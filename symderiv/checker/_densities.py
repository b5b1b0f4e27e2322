"""Facts true of every probability density, used only for names the document makes densities.

A name is a density when the reader says so (:attr:`Fact.DENSITY`: the document conditions it
or draws a variable from it).  For such a name ``p`` (``p|`` when written ``p(z | x)``):

- ``∫ c p(v) dv = c`` and ``∫ c p(v | x) dv = c`` over the whole line, ``c`` free of ``v``;
- its values are positive where it is integrated against, so ``log(p q / r)`` splits;
- ``D_KL(p(v, ...) || g)`` is ``∫ p log(p / g) dv`` over the variable of ``p``.

These are sufficient reasons for a proof only; nothing here is ever a counterexample.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy
from sympy.core.function import AppliedUndef

from symderiv.model import Assumption, Fact

from . import _integrals


def density_names(assumptions: Iterable[Assumption]) -> frozenset[str]:
    """The names the document's facts declare densities."""
    return frozenset(str(a.expr) for a in assumptions if a.kind == Fact.DENSITY)


def is_density(f: sympy.Basic, names: frozenset[str]) -> bool:
    """``p(v)`` or ``p(v | ...)`` with ``p`` a declared density."""
    return isinstance(f, AppliedUndef) and f.func.__name__.split("|")[0] in names


def _integrates_to_one(f: sympy.Basic, var: sympy.Basic, names: frozenset[str]) -> bool:
    """``p(v)`` (one argument) or ``p(v | x...)`` (the bar after ``v``), ``v`` the variable."""
    if not is_density(f, names) or f.args[0] != var:
        return False
    name = f.func.__name__
    plain = "|" not in name and len(f.args) == 1
    given = name.endswith("|") and all(var not in a.free_symbols for a in f.args[1:])
    return plain or given


def expand_kl(e: sympy.Expr, names: frozenset[str]) -> sympy.Expr:
    """``D_KL(p(v, ...), g)`` with ``p`` a density: ``∫ p log(p / g) dv``.

    >>> z, x = sympy.symbols("z x", real=True)
    >>> q, p = sympy.Function("q|"), sympy.Function("p")
    >>> expand_kl(sympy.Function("D_KL")(q(z, x), p(z)), frozenset({"q", "p"}))
    Integral(q|(z, x)*log(q|(z, x)/p(z)), z)
    """

    def kl(f: sympy.Basic) -> bool:
        return (
            isinstance(f, AppliedUndef)
            and f.func.__name__ in ("D_KL", "KL")
            and len(f.args) == 2
            and is_density(f.args[0], names)
            and isinstance(f.args[0].args[0], sympy.Symbol)
        )

    def value(f: sympy.Basic) -> sympy.Expr:
        p, g = f.args
        return sympy.Integral(p * sympy.log(p / g), p.args[0])

    def of_names(f: sympy.Basic) -> bool:
        return (
            isinstance(f, AppliedUndef)
            and f.func.__name__ in _DIVERGENCES
            and len(f.args) == 2
            and all(_at(a, names, _T) is not None for a in f.args)
        )

    def named_value(f: sympy.Basic) -> sympy.Expr:
        p, g = (_at(a, names, _T) for a in f.args)
        assert p is not None and g is not None
        if f.func.__name__ in ("D_KL", "KL"):
            return sympy.Integral(p * sympy.log(p / g), _T)
        m = (p + g) / 2
        return (
            sympy.Integral(p * sympy.log(p / m), _T) + sympy.Integral(g * sympy.log(g / m), _T)
        ) / 2

    return e.replace(kl, value).replace(of_names, named_value)


#: Divergences of two distributions written by their names: KL(p || q), JSD(p || q).
_DIVERGENCES = ("D_KL", "KL", "JSD", "JS", "D_JS")
_T = sympy.Symbol("t", real=True)


def _at(e: sympy.Basic, names: frozenset[str], t: sympy.Symbol) -> sympy.Expr | None:
    """``(p + q) / 2`` written with bare density names (``p_g``, ``p_{data}``) as a function
    of ``t``; None when something else than those names and numbers is in it."""
    table: dict[sympy.Basic, sympy.Expr] = {}
    for s in e.atoms(sympy.Symbol, sympy.Indexed):
        if isinstance(s, sympy.Indexed):
            label = f"{s.base.label}_{{{','.join(str(i) for i in s.indices)}}}"
        elif isinstance(s, sympy.Symbol):
            label = s.name
        if label not in names:
            if isinstance(s, sympy.Symbol) and any(
                s in i.indices or s == i.base.label for i in e.atoms(sympy.Indexed)
            ):
                continue  # the letter p and the index g of p_g
            return None
        table[s] = sympy.Function(label)(t)
    if not table or any(isinstance(a, AppliedUndef) for a in e.atoms(AppliedUndef)):
        return None
    first = e.xreplace(table)
    if first.atoms(sympy.Symbol) - {t}:
        return None
    return first


def _family_joint(name: str, args: tuple[sympy.Basic, ...]) -> sympy.Expr:
    """``p(a, b)``: the joint density of the family ``p`` over the named variables, in a fixed
    order (a joint over named variables does not depend on the order they are listed in)."""
    return sympy.Function(name)(*sorted(args, key=str))


def as_family(e: sympy.Basic, names: frozenset[str]) -> sympy.Basic:
    """A density family named by its arguments, in joints and marginals of one distribution.

    NOTE: ``p(x | z)``, ``p(z)``, ``p(x)`` and ``p(x, z)`` written with one name and distinct
    variables are the conditional, marginals and joint of one distribution (the convention
    of writing densities by their arguments): ``p(x | z) = p(x, z) / p(z)`` and
    ``∫ p(x, z) dz = p(x)``.  Another name (``q``) is another distribution.

    >>> x, z = sympy.symbols("x z", real=True)
    >>> p, given = sympy.Function("p"), sympy.Function("p|")
    >>> as_family(given(x, z) * p(z), frozenset({"p", "p|"}))
    p(x, z)
    >>> as_family(sympy.Integral(given(x, z) * p(z), z), frozenset({"p", "p|"}))
    p(x)
    """

    def family_call(f: sympy.Basic) -> bool:
        return (
            is_density(f, names)
            and f"{f.func.__name__.split('|')[0]}|" in names
            and all(isinstance(a, sympy.Symbol) for a in f.args)
            and len(set(f.args)) == len(f.args)
        )

    def joint(f: sympy.Basic) -> sympy.Expr:
        name = str(f.func.__name__)
        base, _, bar = name.partition("|")
        if not _:
            return _family_joint(base, f.args)
        k = int(bar) if bar else 1
        given = f.args[k:]
        return _family_joint(base, f.args) / _family_joint(base, given)

    out = e.replace(family_call, joint)

    def marginal(i: sympy.Basic) -> bool:
        if not isinstance(i, sympy.Integral) or len(i.limits) != 1:
            return False
        var, *bounds = i.limits[0]
        if tuple(bounds) not in ((), (-sympy.oo, sympy.oo)):
            return False
        dens = _joints_of(i.function, var, names)
        return len(dens) == 1 and var not in (i.function / dens[0]).free_symbols

    def value(i: sympy.Integral) -> sympy.Expr:
        (f,) = _joints_of(i.function, i.limits[0][0], names)
        return (i.function / f) * _marginal(f, i.limits[0][0])

    return out.replace(marginal, value)


def _joints_of(term: sympy.Expr, var: sympy.Basic, names: frozenset[str]) -> list[sympy.Basic]:
    """The factors of ``term`` that are a family's joint (or marginal) density at ``var``."""
    return [
        f
        for f in sympy.Mul.make_args(term)
        if is_density(f, names)
        and "|" not in f.func.__name__
        and f"{f.func.__name__}|" in names
        and var in f.args
        and all(isinstance(a, sympy.Symbol) for a in f.args)
    ]


def _marginal(f: sympy.Basic, var: sympy.Basic) -> sympy.Expr:
    """``∫ p(a, v) dv = p(a)``; ``∫ p(v) dv = 1``."""
    rest = tuple(a for a in f.args if a != var)
    return _family_joint(str(f.func.__name__), rest) if rest else sympy.S.One


def atomize(
    e: sympy.Basic,
    names: frozenset[str],
    table: dict[sympy.Basic, sympy.Symbol],
    inside: bool = False,
) -> sympy.Basic:
    """Integrals inside a function (``log ∫ p(x|z) p(z) dz``) as opaque symbols, one per
    integral; positive where the integrand is a product of densities (and positive numbers)."""
    if isinstance(e, sympy.Integral):
        if inside:
            if e not in table:
                positive = bool(positive_values(e.function, names).is_positive)
                table[e] = sympy.Dummy(f"I{len(table)}", real=True, positive=positive or None)
            return table[e]
        limits = e.limits
        if (
            len(limits) == 1
            and tuple(limits[0][1:]) == (-sympy.oo, sympy.oo)
            and _against_density(e.function, limits[0][0], names)
        ):
            # NOTE: ∫ p(x) f(x) dx written without bounds is the same expectation over the
            # whole line as with them (never an antiderivative: x is bound).
            limits = ((limits[0][0],),)
        return sympy.Integral(atomize(e.function, names, table, True), *limits)
    if not e.args or isinstance(e, (sympy.Symbol, sympy.Indexed)):
        return e
    keep = isinstance(e, (sympy.Add, sympy.Mul)) and not inside
    return e.func(*(atomize(a, names, table, not keep) for a in e.args))


def _against_density(f: sympy.Expr, var: sympy.Basic, names: frozenset[str]) -> bool:
    """Whether a factor of ``f`` is a density at the variable."""
    return any(
        is_density(a, names) and a.args and a.args[0] == var
        for a in sympy.Mul.make_args(sympy.factor_terms(f))
    )


def with_unit_mass(s: _integrals.Split, names: frozenset[str]) -> _integrals.Split:
    """``∫ c p(v) dv`` over the whole line moved out of the integrals as ``c``."""
    integrands: dict[tuple[sympy.Basic, ...], sympy.Expr] = {}
    rest = s.rest
    for key, body in s.integrands.items():
        var, bounds = key[0], tuple(key[1:])
        if bounds not in ((), (-sympy.oo, sympy.oo)):
            integrands[key] = body
            continue
        kept = []
        for term in sympy.Add.make_args(expand_logs(body, names)):
            units = [f for f in sympy.Mul.make_args(term) if _integrates_to_one(f, var, names)]
            if len(units) == 1:
                coeff = term / units[0]
                if var not in coeff.free_symbols:
                    rest = rest + coeff
                    continue
            joints = _joints_of(term, var, names)
            if len(joints) == 1:
                coeff = term / joints[0]
                if var not in coeff.free_symbols:
                    rest = rest + coeff * _marginal(joints[0], var)
                    continue
            kept.append(term)
        integrands[key] = sympy.Add(*kept)
    return _integrals.Split(integrands, rest)


def expand_logs(e: sympy.Expr, names: frozenset[str]) -> sympy.Expr:
    """``log(p q / r)`` split into ``log p + log q - log r`` for density values, expanded.

    >>> x = sympy.Symbol("x", real=True)
    >>> p = sympy.Function("p")
    >>> expand_logs(p(x) * sympy.log(2 * p(x)), frozenset({"p"}))
    p(x)*log(p(x)) + p(x)*log(2)
    """
    table: dict[sympy.Basic, sympy.Symbol] = {}
    positive = positive_values(e, names, table)
    # NOTE: log(p/2 + q/2) is log((p + q)/2): the common factor out, so that it splits too.
    positive = positive.replace(
        lambda f: isinstance(f, sympy.log), lambda f: sympy.log(sympy.factor_terms(f.args[0]))
    )
    back = {v: k for k, v in table.items()}
    return sympy.expand(sympy.expand_log(positive, force=False)).xreplace(back)


def positive_values(
    e: sympy.Expr, names: frozenset[str], table: dict[sympy.Basic, sympy.Symbol] | None = None
) -> sympy.Expr:
    """Each density value as a positive symbol, so ``log(p q / r)`` splits.

    NOTE: only where integrated against (an integrand) or compared with itself: a density is
    positive on the support the integral runs over.
    """
    table = {} if table is None else table

    def value(f: sympy.Basic) -> sympy.Symbol:
        if f not in table:
            table[f] = sympy.Dummy(f"{f.func.__name__}{len(table)}", positive=True)
        return table[f]

    return e.replace(lambda f: is_density(f, names), value)
