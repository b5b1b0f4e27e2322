"""The range a document sums a vector over, given to the standard objects of that vector:
with ``\\sum_{i=0}^{n} e^{z_i}`` written, ``\\operatorname{softmax}(z)_i`` sums over ``0..n`` too.

NOTE: a standard object names no range; ``1..n`` is a guess that a document which counts its
entries from 0 (or up to ``K - 1``) contradicts.  Only a vector the document sums over one range
alone (other than ``1..n``) gets it; a vector summed over several ranges keeps ``1..n``, and a
step that then mixes two ranges is judged in both readings (``checker._ranges``).
"""

from __future__ import annotations

import dataclasses
import functools

import sympy

from symderiv.model import Derivation
from symderiv.reader.normalize import Rule, softmax_rule

Range = tuple[sympy.Expr, sympy.Expr]

__all__ = ["ranged_rules", "vector_ranges"]


def vector_ranges(d: Derivation) -> dict[str, Range]:
    """Per vector name, the one range not from 1 that its entries are summed over in the
    document's steps."""
    found: dict[str, set[Range]] = {}
    for s in d.steps:
        for side in (s.lhs, s.rhs):
            if not isinstance(side, sympy.Basic):
                continue
            for sm in side.atoms(sympy.Sum):
                for var, lo, hi in sm.limits:
                    for e in sm.function.atoms(sympy.Indexed):
                        if len(e.indices) == 1 and e.indices[0] == var:
                            found.setdefault(str(e.base.label), set()).add((lo, hi))
    # NOTE: the sums from 1 are set aside: the standard objects' own sums start there (their
    # upper end already the document's count), so a document's one other range decides.
    out: dict[str, Range] = {}
    for name, r in found.items():
        own = {(lo, hi) for lo, hi in r if lo != 1}
        if len(own) == 1:
            out[name] = next(iter(own))
    return out


def ranged_rules(rules: tuple[Rule, ...], ranges: dict[str, Range]) -> tuple[Rule, ...]:
    """``rules`` with the default softmax reading summed over each vector's own range."""
    if not ranges:
        return rules
    ranged = dataclasses.replace(
        softmax_rule, rewrite=functools.partial(_softmax, tuple(sorted(ranges.items())))
    )
    return tuple(ranged if r is softmax_rule else r for r in rules)


def _softmax(
    ranges: tuple[tuple[str, Range], ...], x: sympy.IndexedBase, i: sympy.Expr
) -> sympy.Expr:
    """``softmax(x)_i``, its sum over the range the document sums ``x`` over.

    >>> z = sympy.IndexedBase("z")
    >>> i, n = sympy.Symbol("i", integer=True), sympy.Symbol("n", integer=True)
    >>> _softmax((("z", (sympy.Integer(0), n)),), z, i)
    exp(z[i])/Sum(exp(z[k]), (k, 0, n))
    """
    standard = softmax_rule.rewrite(x, i)
    own = dict(ranges).get(str(x.label))
    if own is None:
        return standard
    return standard.replace(
        lambda e: isinstance(e, sympy.Sum),
        lambda e: sympy.Sum(e.function, *[(v, *own) for v, _, _ in e.limits]),
    )
