"""Integrals compared by their integrands: linearity, constants out, one integral per range.

``∫ p log(p/q) dx = ∫ p log p dx − ∫ p log q dx`` holds because the integrands of the
difference cancel at every x.  That is a sufficient reason only: two integrals can agree with
different integrands (a change of variable, ``∫ p = 1``), so a difference left over proves
nothing and is never a counterexample.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy


@dataclass(frozen=True)
class Split:
    """``L − R`` as one integrand per integration range plus what no integral holds."""

    integrands: dict[tuple[sympy.Basic, ...], sympy.Expr]
    rest: sympy.Expr


def split(difference: sympy.Expr) -> Split | None:
    """Group the integrals of a sum by their range; None where an integral is not linear in it.

    >>> x = sympy.Symbol("x", real=True)
    >>> f, g = sympy.Function("f"), sympy.Function("g")
    >>> s = split(sympy.Integral(f(x) + g(x), x) - sympy.Integral(f(x), x) - 2)
    >>> s.integrands, s.rest
    ({(x,): g(x)}, -2)
    """
    integrands: dict[tuple[sympy.Basic, ...], sympy.Expr] = {}
    rest: list[sympy.Expr] = []
    for term in sympy.Add.make_args(sympy.expand(difference, deep=False, log=False)):
        found = [a for a in sympy.Mul.make_args(term) if isinstance(a, sympy.Integral)]
        if not found:
            if term.has(sympy.Integral):
                return None
            rest.append(term)
            continue
        if len(found) != 1 or len(found[0].limits) != 1:
            return None
        integral = found[0]
        coeff = term / integral
        (limit,) = integral.limits
        var = limit[0]
        if coeff.has(sympy.Integral) or var in coeff.free_symbols:
            return None
        key = tuple(limit)
        integrands[key] = integrands.get(key, sympy.S.Zero) + coeff * integral.function
    return Split(integrands, sympy.Add(*rest))


def merge_variables(s: Split) -> Split:
    """``∫ f(x) dx`` and ``∫ g(z) dz`` over the same range, written with one dummy variable.

    NOTE: the name of an integration variable is a dummy: renaming it changes nothing.
    """
    by_range: dict[tuple[sympy.Basic, ...], sympy.Expr] = {}
    for key, body in s.integrands.items():
        var, bounds = key[0], tuple(key[1:])
        x = sympy.Symbol("_t", real=True)
        by_range[bounds] = by_range.get(bounds, sympy.S.Zero) + body.xreplace({var: x})
    return Split({(sympy.Symbol("_t", real=True), *b): v for b, v in by_range.items()}, s.rest)
