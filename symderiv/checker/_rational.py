"""The zero test: an expression read as a rational function of its atoms is identically 0.

Sums (compared up to the names of their bound variables), ``exp`` factors, logs, derivatives,
entries and deltas become plain symbols (positive where known); what remains is 0 when the
numerator of the rational function expands to 0.
"""

from __future__ import annotations

import sympy

from symderiv.checker._sums import canonical_sums
from symderiv.checker._symbolic import positive

__all__ = ["atomize", "rational_zero"]


def atomize(expr: sympy.Basic) -> sympy.Basic:
    """Replace sums, logs, exps, derivatives and entries by plain symbols (a rational function)."""
    table: dict[sympy.Basic, sympy.Symbol] = {}

    def atom(e: sympy.Basic, positive_atom: bool = False) -> sympy.Symbol:
        if e not in table:
            table[e] = (
                sympy.Dummy(f"a{len(table)}", positive=True)
                if positive_atom
                else sympy.Dummy(f"a{len(table)}")
            )
        return table[e]

    def walk(e: sympy.Basic) -> sympy.Basic:
        if isinstance(e, sympy.Product) and isinstance(e.function, sympy.exp):
            # NOTE: the rewriting leaves ∏_k e^{f_k} beside e^{-Σ_k f_k}: one atom for both.
            return walk(sympy.exp(sympy.Sum(e.function.args[0], *e.limits)))
        if isinstance(e, sympy.Sum):
            c = canonical_sums(e)
            return atom(c, positive(e))
        if isinstance(e, sympy.exp):
            arg = sympy.expand(walk(e.args[0]))
            out = sympy.Integer(1)
            for t in sympy.Add.make_args(arg):
                coeff, rest = t.as_coeff_Mul()
                if coeff.is_Rational and rest != 1:
                    out *= atom(sympy.exp(rest), True) ** coeff
                else:
                    out *= atom(sympy.exp(t), True)
            return out
        if isinstance(e, (sympy.log, sympy.Derivative, sympy.Indexed, sympy.KroneckerDelta)):
            if isinstance(e, sympy.log):
                return atom(sympy.log(walk(e.args[0])))
            return atom(e) if not isinstance(e, sympy.Indexed) else atom(e, bool(e.is_positive))
        if isinstance(e, sympy.Function) or (isinstance(e, sympy.Basic) and e.is_Function):
            return atom(e.func(*(walk(a) for a in e.args)))
        if not e.args:
            return e
        return e.func(*(walk(a) for a in e.args))

    return walk(expr)


def rational_zero(expr: sympy.Basic) -> bool:
    """True when ``expr``, read as a rational function of its atoms, is identically 0."""
    a = atomize(expr)
    if a == 0:
        return True
    # NOTE: the numerator SymPy forms term by term is a tenth of the cost of ``together``'s and
    # is as good a proof when it expands to 0; ``together`` decides the other cases.
    num, _ = a.as_numer_denom()
    if sympy.expand(num) == 0:
        return True
    num, _ = sympy.together(a).as_numer_denom()
    return bool(sympy.expand(num) == 0)

