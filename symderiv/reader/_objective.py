"""``\\min_G \\max_D V(D, G) = R``: a game stated with its objective, not the optimum's value.

The value of ``\\max_D F`` does not depend on ``D``; a right side in which ``D`` is free cannot
be that value.  A note writing ``\\min_G \\max_D V(D, G) = R`` with ``D`` and ``G`` in ``R``
states the objective ``V(D, G) = R`` of the game ``\\min_G \\max_D V``, and the step is read so
(a definition of ``V`` where ``V`` is new, a claim about it otherwise).  A right side free of
the optimised variables (``\\max_t (1 - t^2) = 1``) is a claim about the optimum's value.
"""

from __future__ import annotations

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["objective_of_game"]

_OPTIMA = frozenset({"max", "min"})


def _mentions(e: sympy.Basic, v: sympy.Symbol) -> bool:
    """``v`` free in ``e``, as a variable, the function it names (``D(x)``) or the vector
    (``D_x``)."""
    return (
        v in e.free_symbols
        or any(f.func.__name__ == v.name for f in e.atoms(AppliedUndef))
        or any(str(t.base.label) == v.name for t in e.atoms(sympy.Indexed))
    )


def objective_of_game(lhs: sympy.Basic, rhs: sympy.Basic) -> sympy.Basic | None:
    """The objective ``V(D, G)`` of ``\\min_G \\max_D V(D, G)`` when every optimised variable
    is free in ``rhs``; None otherwise.

    >>> D, G, x = sympy.symbols("D G x")
    >>> V = sympy.Function("V")(D, G)
    >>> game = sympy.Function("min")(sympy.Function("max")(V, D), G)
    >>> objective_of_game(game, sympy.log(sympy.Function("D")(x)) + G)
    V(D, G)
    >>> objective_of_game(game, sympy.log(x) + G) is None
    True
    """
    optimised: list[sympy.Symbol] = []
    body = lhs
    while (
        isinstance(body, AppliedUndef)
        and body.func.__name__ in _OPTIMA
        and len(body.args) == 2
        and isinstance(body.args[1], sympy.Symbol)
    ):
        optimised.append(body.args[1])
        body = body.args[0]
    if not optimised or not isinstance(body, AppliedUndef) or body.func.__name__ in _OPTIMA:
        return None
    if not all(_mentions(rhs, v) and _mentions(body, v) for v in optimised):
        return None
    return body
