"""Index hygiene: reused, idle and mismatched indices a reviewer would flag in a step.

Free indices are the index symbols (integer symbols used in an entry ``x_i``, a Kronecker delta or
as a summation variable) that are not bound by a ``Sum`` around them; an index in a derivative's
variable (``\\partial / \\partial x_i``) is free.  The warnings never change a verdict by
themselves: whether an ill-formed expression changes the value is the equality engine's call.
"""

from __future__ import annotations

import sympy
from sympy.concrete.expr_with_limits import ExprWithLimits

from symderiv.checker._exprtools import free_indices, index_symbols, subscript, to_text

__all__ = ["index_warnings", "repair_definition"]


def _sums(expr: sympy.Basic) -> list[sympy.Sum]:
    found: list[sympy.Sum] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Sum) and node not in found:
            found.append(node)
    return found


def _sum_head(s: sympy.Sum) -> str:
    return "".join(f"\\sum_{subscript(lim[0])}" for lim in s.limits)


def _names(indices: frozenset[sympy.Symbol]) -> str:
    return ", ".join(sorted(map(str, indices))) or "none"


def _idle_sums(expr: sympy.Basic) -> list[tuple[sympy.Sum, sympy.Symbol]]:
    """Sums whose variable does not occur in their summand: ``\\sum_i y_j \\log p_j``."""
    idle = []
    for s in _sums(expr):
        for lim in s.limits:
            if lim[0] not in s.function.free_symbols:
                idle.append((s, lim[0]))
    return idle


def index_warnings(
    lhs: sympy.Expr | None, rhs: sympy.Expr | None, *, cases: tuple[sympy.Basic, ...] = ()
) -> tuple[str, ...]:
    """The index problems of the step ``lhs = rhs`` (either side may be ``None`` if unread).

    Three findings, in this order:

    * a free index of the step reused as a summation variable
      (``\\partial p_j / \\partial x_i = \\partial / \\partial x_i \\, e^{x_i} / \\sum_i e^{x_i}``);
    * a summation index that does not occur in its summand (``\\sum_i y_j \\log p_j``);
    * the two sides with different free indices (unless one side is a vector of values, which
      lists the other side over its free index: ``I(x) = [0.154, 0.7, 1]``, or the indices
      that differ all stand in a stated case: ``\\partial \\log p_i / \\partial x_j = -p_j``
      for ``i \\neq j``).

    Args:
        lhs: left side of the step.
        rhs: right side of the step.
        cases: the step's stated index cases (``Ne(i, j)``, ``Eq(i, j)``).

    Returns:
        Reader-facing warnings, empty when the indices are clean.

    >>> from symderiv.symbols import L, i, j, n, p, y
    >>> index_warnings(L, -sympy.Sum(y[j] * sympy.log(p[j]), (i, 1, n)))
    ('the summation index i does not occur in its summand y_j \\\\log p_j', 'the left side has free indices none, the right side j')
    """
    lhs, rhs = (
        sympy.ImmutableMatrix(s) if isinstance(s, sympy.MatrixBase) else s for s in (lhs, rhs)
    )
    sides = [s for s in (lhs, rhs) if s is not None]
    # NOTE: without entries, deltas and sums there is no index (a concrete-n matrix): one walk.
    if not any(s.has(sympy.Indexed, sympy.KroneckerDelta, ExprWithLimits) for s in sides):
        return ()
    every = frozenset().union(*(index_symbols(s) for s in sides))
    free_by_side = [free_indices(s, every) for s in sides]
    free = frozenset().union(*free_by_side)
    warnings: list[str] = []
    for side in sides:
        for s in _sums(side):
            for lim in s.limits:
                var = lim[0]
                if var in free:
                    text = (
                        f"the free index {var} is reused as the summation variable of {to_text(s)}"
                    )
                    if text not in warnings:
                        warnings.append(text)
    for side in sides:
        for s, var in _idle_sums(side):
            text = f"the summation index {var} does not occur in its summand {to_text(s.function)}"
            if text not in warnings:
                warnings.append(text)
    vector_claim = any(isinstance(side, sympy.MatrixBase) for side in sides)
    in_case = frozenset().union(*(c.free_symbols for c in cases))
    # NOTE: I(x) = [0.154, 0.7, 1] lists the values over the free index x: not a mismatch.
    if (
        lhs is not None
        and rhs is not None
        and free_by_side[0] != free_by_side[1]
        and not (free_by_side[0] ^ free_by_side[1]) <= in_case
        and not vector_claim
    ):
        warnings.append(
            f"the left side has free indices {_names(free_by_side[0])}, "
            f"the right side {_names(free_by_side[1])}"
        )
    return tuple(warnings)


def repair_definition(target: sympy.Expr, value: sympy.Expr) -> tuple[sympy.Expr, str] | None:
    """Read an ill-formed definition the way its author meant it, when that is unambiguous.

    ``L = -\\sum_i y_j \\log p_j`` has a free index (``j``) that its target ``L`` lacks while the
    sum's index (``i``) does not occur in its summand: the author meant ``-\\sum_j y_j \\log p_j``.
    The repair renames the idle summation variable to the stray index, and is made only when
    each idle sum's summand has exactly one stray index and the result has no index the target
    lacks.

    Args:
        target: the defined name (``L``, ``p[i]``).
        value: its defining expression.

    Returns:
        ``(repaired value, warning)`` or ``None`` when the definition is well formed or the
        repair would be a guess.

    >>> from symderiv.symbols import L, i, j, n, p, y
    >>> fixed, why = repair_definition(L, -sympy.Sum(y[j] * sympy.log(p[j]), (i, 1, n)))
    >>> fixed == -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n))
    True
    >>> why
    'read as \\\\sum_j: the summation index i does not occur in its summand y_j \\\\log p_j'
    """
    every = index_symbols(target) | index_symbols(value)
    allowed = free_indices(target, every)
    stray = free_indices(value, every) - allowed
    idle = _idle_sums(value)
    if not stray or not idle:
        return None
    mapping: dict[sympy.Basic, sympy.Basic] = {}
    texts = []
    for s, var in idle:
        if len(s.limits) != 1:
            return None
        own = free_indices(s.function, every) & stray
        if len(own) != 1:
            return None
        (new_var,) = own
        repaired = sympy.Sum(s.function, (new_var, *s.limits[0][1:]))
        mapping[s] = repaired
        texts.append(
            f"read as {_sum_head(repaired)}: the summation index {var} does not occur in its "
            f"summand {to_text(s.function)}"
        )
    fixed = value.xreplace(mapping)
    if free_indices(fixed, every | index_symbols(fixed)) - allowed:
        return None
    return fixed, "; ".join(texts)
