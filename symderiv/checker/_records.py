"""Definitions and where they stand: the prose's inline definitions, the bare name of a
function defined of its arguments, and the definitions in effect at a step.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.checker import _symbolic
from symderiv.model import Derivation, Fact

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = [
    "Definitions",
    "Record",
    "bare_names",
    "context_definitions",
    "head",
    "in_effect",
    "indexed_names",
]


def head(t: sympy.Basic) -> sympy.Basic:
    return t.base if isinstance(t, sympy.Indexed) else t



@dataclass(frozen=True)
class Record:
    """A definition and where it stands: the position of its step (x.5 between steps)."""

    position: float
    target: sympy.Basic
    value: sympy.Basic


def context_definitions(d: Derivation) -> list[Record]:
    """Definitions stated in the prose's inline math (``$u = \\exp(a_0) + \\exp(a_1)$``)."""
    lines = [s.span.line if s.span is not None else None for s in d.steps]
    out = []
    for a in d.context:
        if a.kind != Fact.DEFINITION or not isinstance(a.expr, sympy.Tuple) or a.span is None:
            continue
        after = next(
            (k for k, line in enumerate(lines) if line is not None and line > a.span.line),
            len(lines),
        )
        out.append(Record(after - 0.5, a.expr[0], a.expr[1]))
    return out


def _of_names(a: sympy.Basic) -> bool:
    """``t``, ``\\mathbf o``, ``A_i``, ``\\sigma(A)``: what a function is written with."""
    if isinstance(a, (sympy.Symbol, sympy.IndexedBase)):
        return not (isinstance(a, sympy.Symbol) and a.is_integer)
    if isinstance(a, sympy.Pow) and isinstance(a.base, sympy.Symbol) and a.exp == 2:
        return True  # l(\mu, \sigma^2): a function of the variance
    if isinstance(a, sympy.Indexed):
        return all(isinstance(i, sympy.Symbol) for i in a.indices)
    return isinstance(a, AppliedUndef) and all(
        isinstance(b, (sympy.Symbol, sympy.IndexedBase)) for b in a.args
    )


def indexed_names(d: Derivation) -> set[str]:
    """Names the document writes with a subscript index somewhere (``E_n``)."""
    return {
        str(t.base.label)
        for s in d.steps
        if s.is_parsed
        for side in (s.lhs, s.rhs)
        if side is not None
        for t in side.atoms(sympy.Indexed)
    }


def bare_names(records: list[Record], indexed: set[str]) -> list[Record]:
    """``E(t, o) := ...`` also gives the bare ``E`` of ``∂E/∂o_j`` its meaning.

    NOTE: a function defined of names is, written without them, that function of those very
    names (the document's own habit); only when the bare name has no definition of its own and
    the function one arity, and never for a name also written as a vector (E and E_n).
    """
    by_function: dict[str, list[Record]] = {}
    for r in records:
        t = r.target
        if isinstance(t, AppliedUndef) and t.args and all(_of_names(a) for a in t.args):
            by_function.setdefault(t.func.__name__, []).append(r)
    own = {_symbolic.name_of(head(r.target)) for r in records}
    out: list[Record] = []
    for name, group in by_function.items():
        if name in own or name in indexed or len({len(r.target.args) for r in group}) != 1:
            continue
        out.extend(Record(r.position, symbols.scalar(name), r.value) for r in group)
    return out


def in_effect(records: list[Record], pos: int) -> Definitions:
    """Per name: its definitions before ``pos``; with none before, the first one after."""
    by_name: dict[str, list[Record]] = {}
    for r in sorted(records, key=lambda r: r.position):
        by_name.setdefault(_symbolic.name_of(head(r.target)), []).append(r)
    out: list[Record] = []
    for group in by_name.values():
        before = [r for r in group if r.position < pos]
        if before:
            out.extend(before)
        elif not all(_is_value(r.value) for r in group if r.position == group[0].position):
            # NOTE: a formula names a quantity for the whole document; a value (T = 1, "at
            # deployment") is a setting from where it stands on, never backwards.
            first = group[0].position
            out.extend(r for r in group if r.position == first)
    out.sort(key=lambda r: r.position)
    return tuple((r.target, r.value) for r in out)


def _is_value(e: sympy.Basic) -> bool:
    if isinstance(e, sympy.MatrixBase):
        return all(v.is_number for v in e)
    return bool(e.is_number)
