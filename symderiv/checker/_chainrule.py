r"""Chain-rule readings: an undefined name differentiated through the quantities it depends on.

``∂L/∂\hat y`` written somewhere, with ``\hat y`` defined in terms of z, makes L a function of
z through ``\hat y``: a step's ``∂L/∂z`` is read as ``Σ_w ∂L/∂w · ∂w/∂z`` over the quantities
w the document differentiates L by (:func:`intermediates` finds them once per set of
definitions, :func:`through_intermediates` rewrites a step), the reading named in its detail.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy

from symderiv.checker import _definitions, _symbolic
from symderiv.checker._setting import Names
from symderiv.model import Derivation, Step

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = ["intermediates", "through_intermediates"]


def intermediates(
    d: Derivation, definitions: Definitions, unknowns: Names
) -> dict[str, list[sympy.Basic]]:
    """For an undefined name, the defined quantities the document differentiates it by.

    ``∂L/∂\\hat y`` written somewhere, with ``\\hat y`` defined, makes ``L`` a function of
    ``\\hat y`` in the whole document.
    """
    defined = {t for t, _ in definitions if isinstance(t, sympy.Symbol)}
    families = {
        t.base
        for t, _ in definitions
        if isinstance(t, sympy.Indexed) and _symbolic.defines_every_entry(t)
    }
    out: dict[str, list[sympy.Basic]] = {}
    for s in d.steps:
        for side in (s.lhs, s.rhs) if s.is_parsed else ():
            assert side is not None
            for family in _summed_families(side, families, unknowns):
                found = out.setdefault(family.head, [])
                if all(
                    not (isinstance(f, _Family) and f.base == family.base) for f in found
                ):
                    found.append(family)
            for der in side.atoms(sympy.Derivative):
                if len(der.variable_count) != 1 or der.variable_count[0][1] != 1:
                    continue
                head, w = der.expr, der.variables[0]
                if (
                    isinstance(head, sympy.Symbol)
                    and head.name in unknowns.functions
                    and w in defined
                ):
                    found = out.setdefault(head.name, [])
                    if w not in found:
                        found.append(w)
    return out


@dataclass(frozen=True)
class _Family:
    """``y_{bh}`` over ``b = 1..B, h = 1..H``: the entries an undefined ``head`` is a function of.

    NOTE: the ranges are the document's own: those of a sum it writes over ``∂head/∂y_{bh}``.
    """

    head: str
    base: sympy.IndexedBase
    ranges: tuple[tuple[sympy.Basic, sympy.Basic], ...]

    def __str__(self) -> str:
        return str(self.base)


def _summed_families(
    e: sympy.Basic, families: set[sympy.IndexedBase], unknowns: Names
) -> list[_Family]:
    """The ``Σ_b Σ_h ∂L/∂y_{bh} ...`` of ``e``: L undefined, y defined entry by entry."""
    out: list[_Family] = []

    def walk(node: sympy.Basic, limits: dict[sympy.Basic, tuple[sympy.Basic, sympy.Basic]]) -> None:
        if isinstance(node, sympy.Sum):
            inner = dict(limits)
            for v, lo, hi in node.limits:
                inner[v] = (lo, hi)
            walk(node.function, inner)
            return
        if isinstance(node, sympy.Derivative):
            head = node.expr
            if (
                isinstance(head, sympy.Symbol)
                and head.name in unknowns.functions
                and len(node.variables) == 1
                and isinstance(node.variables[0], sympy.Indexed)
                and node.variables[0].base in families
                and all(i in limits for i in node.variables[0].indices)
                and len(set(node.variables[0].indices)) == len(node.variables[0].indices)
            ):
                y = node.variables[0]
                out.append(_Family(head.name, y.base, tuple(limits[i] for i in y.indices)))
            return
        for a in node.args:
            walk(a, limits)

    walk(e, {})
    return out


def through_intermediates(
    step: Step, table: dict[str, list[sympy.Basic]], definitions: Definitions
) -> tuple[Step, str]:
    """``∂L/∂z`` read as ``Σ_w ∂L/∂w · ∂w/∂z`` over the quantities w that L is a function of.

    NOTE: the document writes L as a function of \\hat y (it differentiates L by \\hat y), and
    \\hat y is defined in terms of z: L depends on z through \\hat y.  The reading is named in
    the step's detail.
    """
    if not table or not step.is_parsed or step.is_definition:
        return step, ""
    used: list[str] = []

    def rewrite(der: sympy.Basic) -> sympy.Basic:
        assert isinstance(der, sympy.Derivative)
        head = der.expr
        if not isinstance(head, sympy.Symbol) or len(der.variable_count) != 1:
            return der
        ((v, order),) = der.variable_count
        ws = table.get(head.name, [])
        if order != 1 or not ws or v in ws:
            return der
        family = next((w for w in ws if isinstance(w, _Family)), None)
        if family is not None:
            return _through_family(der, family, v, definitions, used)
        depends = [
            w
            for w in ws
            if _symbolic.name_of(v)
            in {
                _symbolic.name_of(a)
                for a in _definitions.substitute_definitions(w, definitions).atoms(
                    sympy.Symbol, sympy.Indexed
                )
            }
        ]
        if not depends:
            return der
        used.append(
            f"read ∂{head}/∂{_symbolic.name_of(v)} through "
            + ", ".join(sympy.sstr(w) for w in depends)
            + f" ({head} a function of {', '.join(sympy.sstr(w) for w in ws)})"
        )
        return sympy.Add(*(sympy.Derivative(head, w) * sympy.Derivative(w, v) for w in depends))

    assert step.lhs is not None and step.rhs is not None
    lhs = step.lhs.replace(lambda e: isinstance(e, sympy.Derivative), rewrite)
    rhs = step.rhs.replace(lambda e: isinstance(e, sympy.Derivative), rewrite)
    if not used:
        return step, ""
    return dataclasses.replace(step, lhs=lhs, rhs=rhs), "; ".join(dict.fromkeys(used))


def _through_family(
    der: sympy.Derivative,
    family: _Family,
    v: sympy.Basic,
    definitions: Definitions,
    used: list[str],
) -> sympy.Basic:
    """``∂L/∂w_j`` as ``Σ_b Σ_h ∂L/∂y_{bh} ∂y_{bh}/∂w_j`` when y is defined in terms of w."""
    if isinstance(v, sympy.Indexed) and v.base == family.base:
        return der
    value = next(
        (val for t, val in definitions if isinstance(t, sympy.Indexed) and t.base == family.base),
        None,
    )
    if value is None or _symbolic.name_of(v) not in {
        _symbolic.name_of(a) for a in value.atoms(sympy.Symbol, sympy.Indexed)
    }:
        return der
    idx = [sympy.Dummy(f"i{m}", integer=True) for m in range(len(family.ranges))]
    entry = family.base[tuple(idx)]
    used.append(
        f"read ∂{der.expr}/∂{_symbolic.name_of(v)} through the entries of {family.base} "
        f"({der.expr} a function of them, over the ranges of the document's sum)"
    )
    return sympy.Sum(
        sympy.Derivative(der.expr, entry) * sympy.Derivative(entry, v),
        *[(i, lo, hi) for i, (lo, hi) in zip(idx, family.ranges, strict=True)],
    )

