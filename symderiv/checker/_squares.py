"""A named square differentiated as a whole: ``\\partial \\sigma^2_B / \\partial x_i`` with
``\\sigma^2_B := \\frac{1}{m} \\sum_i (x_i - \\mu_B)^2`` is the derivative of that definition.

A square heading a definition names a quantity (a variance) that the steps differentiate by as
a variable of its own, so it is not substituted where it stands.  Where it is the quantity
differentiated, its value is what the derivative means: read as a variable there it would be
a constant of every input, and ``\\partial \\sigma^2_B / \\partial x_i = 0`` would hold.
"""

from __future__ import annotations

import dataclasses

import sympy

from symderiv import indices
from symderiv.model import Step

Squares = tuple[tuple[sympy.Pow, sympy.Basic], ...]


def differentiated(expr: sympy.Basic, squares: Squares) -> sympy.Basic:
    """``expr`` with every derivative of a named square taken of its definition.

    A derivative by the square itself (or by its root) is left alone: there the square is
    the variable.

    >>> s, x, m = sympy.symbols("sigma x m")
    >>> differentiated(sympy.Derivative(s**2, x), ((s**2, x**2 / m),))
    Derivative(x**2/m, x)
    >>> differentiated(sympy.Derivative(x, s), ((s**2, x**2 / m),))
    Derivative(x, sigma)
    """
    if not squares or not expr.has(sympy.Derivative):
        return expr
    values = dict(squares)

    def named(d: sympy.Basic) -> bool:
        if not isinstance(d, sympy.Derivative) or d.expr not in values:
            return False
        base = d.expr.base
        return not any(v.has(base) for v in d.variables)

    def value(d: sympy.Derivative) -> sympy.Basic:
        # NOTE: the definition's summation index is its own: the free index of the
        # derivative (x_i) never meets it.
        body = indices.rename_bound(
            values[d.expr], lambda v: sympy.Dummy(str(v), integer=True, positive=True)
        )
        return sympy.Derivative(body, *d.variable_count)

    return expr.replace(named, value)


def differentiated_step(step: Step, squares: Squares) -> Step:
    """``step`` with :func:`differentiated` applied to both sides."""
    if not squares or not step.is_parsed:
        return step
    assert step.lhs is not None and step.rhs is not None
    lhs, rhs = (differentiated(e, squares) for e in (step.lhs, step.rhs))
    if lhs == step.lhs and rhs == step.rhs:
        return step
    return dataclasses.replace(step, lhs=lhs, rhs=rhs)
