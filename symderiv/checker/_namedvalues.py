"""The other reading of a name given to the end of a chain: ``∂L/∂B = ζ_1 V^T = ζ_2``.

NOTE: the author names the value of the chain, and means it to be every member of it: the
gradient on the left as well as the formula before the name.  When a step of the chain is
false the two differ, and a later step written with ``ζ_2`` may hold as the author meant it
(``ζ_2 = ∂L/∂B``) and fail with the formula.  Such a step rests on a reading: undetermined,
never false.
"""

from __future__ import annotations

import sympy

from symderiv.model import Derivation

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = ["chain_heads"]


def chain_heads(d: Derivation, definitions: Definitions, used: set[str]) -> Definitions | None:
    """``definitions`` with each name of ``used`` that names a chain's value read as the
    chain's left end instead; ``None`` when no such name is used.

    >>> from symderiv.model import Relation, Step
    >>> L, B, z, a = sympy.symbols("L B zeta a")
    >>> steps = (
    ...     Step(lhs=sympy.Derivative(L, B), rhs=2 * a),
    ...     Step(lhs=z, rhs=2 * a, relation=Relation.DEFINE),
    ... )
    >>> chain_heads(Derivation("d", steps), ((z, 2 * a),), {"zeta"})
    ((zeta, Derivative(L, B)),)
    """
    heads: dict[sympy.Basic, sympy.Basic] = {}
    for s in d.steps:
        if s.is_definition or s.lhs is None or s.rhs is None:
            continue
        if isinstance(s.lhs, sympy.Derivative) and not isinstance(s.rhs, sympy.MatrixBase):
            heads.setdefault(s.rhs, s.lhs)
    out, changed = [], False
    for t, v in definitions:
        head = heads.get(v)
        name = str(t.base.label) if isinstance(t, sympy.Indexed) else str(t)
        if head is not None and name in used and head != t:
            out.append((t, head))
            changed = True
        else:
            out.append((t, v))
    return tuple(out) if changed else None
