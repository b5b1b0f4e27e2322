"""The terms and factors of sums and products as both printers show them (LaTeX and text).

Numbered terms in numeric order (``y_2`` before ``y_10``), a positive term first, runs of
like terms cut short; a product split into numerator and denominator as written on paper;
factors ordered numbers, entries, deltas, functions, brackets, derivatives, logs, sums.
"""

from __future__ import annotations

import re

import sympy
from sympy.core.function import Derivative

__all__ = ["elided", "factor_rank", "is_atom", "natural_key", "shown_terms", "split_fraction"]


def natural_key(expr: sympy.Basic) -> tuple[object, ...]:
    """A sort key that puts ``y_2`` before ``y_10`` (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", sympy.sstr(expr))
    return tuple((0, int(s), "") if s.isdigit() else (1, 0, s) for s in parts)


def _numbered_in_order(terms: list[sympy.Basic]) -> list[sympy.Basic]:
    """Terms that differ only in their numbers (``y_1 + y_10 + y_2``) in numeric order.

    Only such terms trade places, so the order SymPy gives everything else is kept.
    """
    groups: dict[str, list[int]] = {}
    for pos, t in enumerate(terms):
        groups.setdefault(re.sub(r"\d+", "#", sympy.sstr(t)), []).append(pos)
    out = list(terms)
    for positions in groups.values():
        if len(positions) > 1:
            for pos, t in zip(positions, sorted((terms[q] for q in positions), key=natural_key)):
                out[pos] = t
    return out


def _alike(terms: list[sympy.Basic]) -> bool:
    """True when the terms differ only in their numbers (``y_1 log p_1``, ``y_2 log p_2``, ...).

    >>> x1, x2, y = sympy.symbols("x_1 x_2 y")
    >>> _alike([sympy.exp(x1), sympy.exp(x2)]), _alike([x1, y])
    (True, False)
    """
    return len({re.sub(r"\d+", "#", sympy.sstr(t)) for t in terms}) == 1


def elided(terms: list[sympy.Basic], most: int | None) -> list[sympy.Basic | None]:
    r"""``terms`` with each run of more than ``most`` like terms cut to its first ``most - 1``
    terms, ``None`` (where ``\cdots`` goes) and its last term.

    >>> ys = sympy.symbols("y_1:6")
    >>> elided([*ys, sympy.Symbol("z")], 3)
    [y_1, y_2, None, y_5, z]
    """
    if most is None:
        return list(terms)
    out: list[sympy.Basic | None] = []
    start = 0
    while start < len(terms):
        end = start + 1
        while end < len(terms) and _alike([terms[start], terms[end]]):
            end += 1
        run = terms[start:end]
        out += [*run[: most - 1], None, run[-1]] if len(run) > max(most, 3) else run
        start = end
    return out


def shown_terms(terms: list[sympy.Basic], most: int | None) -> list[sympy.Basic | None]:
    """The terms of a sum as both printers show them: numbered ones in numeric order, a
    positive term first, runs of like terms cut short (:func:`elided`).

    NOTE: a chain reads better as "a - b" than "-b + a": a positive term leads.

    >>> x1, x2 = sympy.symbols("x_1 x_2")
    >>> shown_terms([-x2, x1], None)
    [x_1, -x_2]
    """
    terms = _numbered_in_order(terms)
    if terms[0].could_extract_minus_sign():
        lead = next((t for t in terms if not t.could_extract_minus_sign()), None)
        if lead is not None:
            terms.remove(lead)
            terms.insert(0, lead)
    return elided(terms, most)


def signed_terms(shown: list[sympy.Basic | None]) -> list[tuple[str, sympy.Basic | None]]:
    """The shown terms of a sum (:func:`shown_terms`) with the sign written before each, as
    both printers join them: ``""`` before the first, ``" - "`` before a term made positive,
    and ``None`` (terms left out) with the sign of the term after it.

    >>> x1, x2, x3 = sympy.symbols("x_1 x_2 x_3")
    >>> signed_terms([x1, None, -x3])
    [('', x_1), (' - ', None), (' - ', x_3)]
    """
    out: list[tuple[str, sympy.Basic | None]] = []
    for pos, term in enumerate(shown):
        if term is None:
            after = shown[pos + 1]
            minus = after is not None and after.could_extract_minus_sign()
            out.append((" - " if minus else " + ", None))
        elif pos and term.could_extract_minus_sign():
            out.append((" - ", -term))
        else:
            out.append((" + " if pos else "", term))
    return out


def split_fraction(expr: sympy.Basic) -> tuple[list[sympy.Basic], list[sympy.Basic]]:
    """Numerator and denominator factors of a product, as written on paper (both printers).

    >>> x, y = sympy.symbols("x y")
    >>> split_fraction(3 * x / (2 * y**2))
    ([3, x], [2, y**2])
    """
    num: list[sympy.Basic] = []
    den: list[sympy.Basic] = []
    for f in sympy.Mul.make_args(expr):
        if f.is_Rational and not f.is_Integer:
            if f.p != 1:
                num.append(sympy.Integer(f.p))
            den.append(sympy.Integer(f.q))
        elif f.is_Pow and f.exp.is_Number and f.exp.is_negative:
            den.append(f.base if f.exp == -1 else sympy.Pow(f.base, -f.exp))
        else:
            num.append(f)
    return num, den


def is_atom(expr: sympy.Basic) -> bool:
    """A node whose LaTeX needs no brackets anywhere: a symbol, an entry, a non-negative number."""
    if isinstance(expr, (sympy.Symbol, sympy.Indexed, sympy.IndexedBase, sympy.MatrixSymbol)):
        return True
    return bool(expr.is_Number and not expr.is_negative and (expr.is_Integer or expr.is_Float))


def factor_rank(f: sympy.Basic) -> int:
    """Where a factor stands in a product: numbers, entries, functions, ..., sums last."""
    if f.is_Number:
        return 0
    if is_atom(f) or (f.is_Pow and is_atom(f.base)):
        return 1
    if isinstance(f, sympy.KroneckerDelta):
        return 2
    if isinstance(f, sympy.log):
        return 6
    if f.has(sympy.Sum) and not f.is_Pow:
        return 7
    if f.is_Add:
        return 4
    if isinstance(f, Derivative):
        return 5
    return 3
