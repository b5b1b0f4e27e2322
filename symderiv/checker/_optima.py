"""Maximisers compared: ``argmax_θ F = argmax_θ G`` when ``G`` is ``F`` moved by a term free of
``θ``, scaled by a positive factor free of ``θ``, or its logarithm (``log ∏ p = ∑ log p``).

The reader reads ``\\arg\\max_\\theta F`` as ``argmax(F, theta)`` (``argmin``, ``max``, ``min``
alike).  An increasing map of the objective keeps its maximiser; ``argmin`` of ``-F`` is
``argmax`` of ``F``.

NOTE: a sufficient reason only: two objectives can share a maximiser for other reasons, so a
difference left over is never a counterexample (the step is left to the other methods, which
treat ``argmax`` as an undefined function).  The logarithm is taken of an objective that is a
product of densities or likelihoods (positive where it is maximised, as a likelihood is).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker._trial import Trial
from symderiv.results import StepResult, Verdict

__all__ = ["OPTIMA", "Optima", "same_maximiser"]

#: The sense of each optimum: +1 for a maximiser, -1 for a minimiser.
_SENSE = {"argmax": 1, "argmin": -1}


def _log(f: sympy.Expr) -> sympy.Expr:
    """``log f`` with products, powers and exponentials taken apart."""
    if isinstance(f, sympy.Product):
        return sympy.Sum(_log(f.function), *f.limits)
    if isinstance(f, sympy.Mul):
        return sympy.Add(*(_log(a) for a in f.args))
    if isinstance(f, sympy.Pow) and f.exp.is_real:
        return f.exp * _log(f.base)
    if isinstance(f, sympy.exp):
        return f.args[0]
    return sympy.log(f)


def _canonical(e: sympy.Basic, depth: int = 0) -> sympy.Basic:
    """Sums and products with their indices named by depth (``_k0``, ``_k1``...), so that two
    sums that differ only by the name of their index are one."""
    if isinstance(e, (sympy.Sum, sympy.Product)) and len(e.limits) == 1:
        var, *bounds = e.limits[0]
        k = sympy.Symbol(f"_k{depth}", integer=True)
        body = _canonical(e.function.xreplace({var: k}), depth + 1)
        return e.func(body, (k, *bounds))
    if not e.args:
        return e
    return e.func(*(_canonical(a, depth) for a in e.args))


def _free_of(e: sympy.Expr, v: sympy.Symbol) -> bool:
    return v not in sympy.simplify(_canonical(sympy.expand(e))).free_symbols


def same_maximiser(f: sympy.Expr, g: sympy.Expr, v: sympy.Symbol, logs: bool = True) -> str | None:
    """Why ``g`` is an increasing map of ``f`` over ``v`` (so both have the same maximiser and
    the same minimiser); None when no reason is seen.  ``logs``: the logarithm of a positive
    objective counts.

    >>> t, a = sympy.symbols("theta a", real=True)
    >>> p, i, n = sympy.Function("p"), sympy.Symbol("i", integer=True), sympy.Symbol("n")
    >>> same_maximiser(sympy.Product(p(t, i), (i, 1, n)), sympy.Sum(sympy.log(p(t, i)), (i, 1, n)), t)
    'the objective of the logarithm moved by a term free of the variable'
    >>> same_maximiser(t**2, -t**2, t) is None
    True
    """
    fs = [(f, "")] + (
        [(_log(f).doit(), " of the logarithm")] if logs and _positive_objective(f) else []
    )
    gs = [(g, "")] + (
        [(_log(g).doit(), " of the logarithm")] if logs and _positive_objective(g) else []
    )
    for a, said_a in fs:
        for b, said_b in gs:
            said = said_a or said_b
            if _free_of(b - a, v):
                return f"the objective{said} moved by a term free of the variable"
            ratio = sympy.simplify(_canonical(b) / _canonical(a))
            if v not in ratio.free_symbols and ratio.is_positive:
                return f"the objective{said} scaled by a positive factor"
            # b = alpha a + beta, alpha > 0 and beta free of the variable
            slope = sympy.simplify(
                _canonical(sympy.diff(b, v).doit()) / _canonical(sympy.diff(a, v).doit())
            )
            if v not in slope.free_symbols and slope.is_positive and _free_of(b - slope * a, v):
                return f"the objective{said} scaled by a positive factor and moved"
    return None


def _positive_objective(f: sympy.Expr) -> bool:
    """A product of applied functions (likelihoods, densities) and positive numbers."""
    while isinstance(f, sympy.Product):
        f = f.function
    return all(
        isinstance(a, AppliedUndef) or a.is_positive or isinstance(a, sympy.exp)
        for a in sympy.Mul.make_args(f)
    )


def _optimum(e: sympy.Basic) -> tuple[int, sympy.Expr, sympy.Symbol] | None:
    if isinstance(e, AppliedUndef) and str(e.func.__name__) in _SENSE and len(e.args) == 2:
        body, var = e.args
        if isinstance(var, sympy.Symbol):
            return _SENSE[str(e.func.__name__)], body, var
    return None


@dataclass(frozen=True)
class Optima:
    """Proved when both sides are maximisers (minimisers) over one variable of objectives
    with the same maximiser; None otherwise."""

    name: str = "optima"

    def __call__(self, t: Trial) -> StepResult | None:
        p = t.prepared
        left, right = _optimum(p.lhs), _optimum(p.rhs)
        if left is None or right is None or left[2] != right[2]:
            return None
        if left[0] == right[0]:
            why = same_maximiser(left[1], right[1], left[2])
        else:
            # NOTE: argmax F = argmin G when -G is an increasing map of F (the logarithm of a
            # positive F included, never of -G).
            why = same_maximiser(left[1], -right[1], left[2])
        if why is None:
            return None
        return StepResult(Verdict.PROVED, self.name, detail=f"{t.read}; the same optimum: {why}")


OPTIMA = Optima()
