"""What differs in a false step: the residual of its two sides and the one-edit fixes that make it hold."""

from __future__ import annotations

from collections.abc import Callable

import sympy

from symderiv._timeout import time_limit
from symderiv.checker._exprtools import index_symbols
from symderiv.checker.mutate import detailed_mutants
from symderiv.errors import CheckTimeout

__all__ = ["one_edit_fixes", "residual"]

Oracle = Callable[[sympy.Expr, sympy.Expr], "bool | None"]


def residual(lhs: sympy.Expr, rhs: sympy.Expr, *, timeout_s: float = 2.0) -> sympy.Expr:
    """``lhs - rhs`` in the simplest form found within ``timeout_s`` seconds.

    Candidates are the plain difference, its ``together``/``cancel``/``factor``/``expand`` forms
    and ``simplify``; the one with the fewest operations wins (ties keep the earlier, plainer
    form).  Derivatives are kept as written (not evaluated): ``d p_j / d x_i`` is only
    meaningful once the engine substitutes the definition of ``p``.  A candidate that runs out of time is skipped, so the result is always an expression
    equal to ``lhs - rhs``.

    Args:
        lhs: left side of the step.
        rhs: right side of the step.
        timeout_s: wall-clock budget for all simplification together.

    Returns:
        The simplest form found of ``lhs - rhs``.

    >>> from symderiv.symbols import i, p
    >>> residual(p[i] * (1 - p[i]), p[i] - p[i] ** 2)
    0
    >>> residual(p[i] * (1 + p[i]), p[i] * (1 - p[i]))
    2*p[i]**2
    """
    # NOTE: derivatives stay as they are written.  SymPy would evaluate d p_j / d x_i to 0 (p is
    # just a name to it) and mishandle a sum whose variable is the differentiation index; the
    # residual must be equal to lhs - rhs as the document means it, so they are frozen.
    frozen: dict[sympy.Basic, sympy.Basic] = {}
    for side in (lhs, rhs):
        for node in sympy.preorder_traversal(side):
            if isinstance(node, sympy.Derivative) and node not in frozen:
                frozen[node] = sympy.Dummy(f"d{len(frozen)}")
    thaw = {v: k for k, v in frozen.items()}
    diff = sympy.Add(lhs.xreplace(frozen), -rhs.xreplace(frozen))
    best, best_ops = diff, sympy.count_ops(diff)
    transforms: tuple[Callable[[sympy.Expr], sympy.Expr], ...] = (
        sympy.expand,
        sympy.together,
        sympy.cancel,
        sympy.factor,
        sympy.simplify,
    )
    try:
        with time_limit(timeout_s):
            for transform in transforms:
                candidate = transform(diff)
                ops = sympy.count_ops(candidate)
                if ops < best_ops:
                    best, best_ops = candidate, ops
                if best == 0:
                    break
    except CheckTimeout:
        # NOTE: the budget is for a nicer form only; the plain difference is already correct.
        pass
    return best.xreplace(thaw)


def one_edit_fixes(
    lhs: sympy.Expr,
    rhs: sympy.Expr,
    *,
    equal: Oracle,
    indices: tuple[sympy.Symbol, ...] = (),
    max_fixes: int = 3,
    max_calls: int = 400,
) -> tuple[str, ...]:
    """The single edits of one side that make the step ``lhs = rhs`` hold, phrased for the reader.

    Mutants of the right side are tried first (it is the side a derivation just wrote); the
    left side's only when no edit of the right side works.  A fix is kept when ``equal(lhs', rhs')`` is ``True``; ``None`` (the oracle
    could not tell) is not a fix.

    Args:
        lhs: left side of a step judged false.
        rhs: right side of that step.
        equal: the oracle, typically a cheap numeric comparison.
        indices: index symbols an edit may use besides those in the step.
        max_fixes: stop after this many fixes.
        max_calls: stop after this many oracle calls.

    Returns:
        Sentences such as ``"the right side holds with its sign flipped"`` or
        ``"the k \\neq i terms should contain p_i, not p_k"``.

    >>> from symderiv.symbols import i, p
    >>> same = lambda a, b: sympy.expand(a - b) == 0
    >>> one_edit_fixes(p[i] * (1 - p[i]), p[i] * (1 + p[i]), equal=same)
    ('the right side holds with - in place of + before p_i',)
    """
    extra = tuple(sorted(index_symbols(lhs) | index_symbols(rhs) | set(indices), key=str))
    fixes: list[str] = []
    calls = 0
    for side in ("right", "left"):
        if fixes:
            break
        for m in detailed_mutants(rhs if side == "right" else lhs, indices=extra):
            if calls >= max_calls or len(fixes) >= max_fixes:
                return tuple(fixes)
            calls += 1
            verdict = equal(lhs, m.expr) if side == "right" else equal(m.expr, rhs)
            if verdict is True:
                text = m.hint or f"the {side} side holds {m.fix}"
                if text not in fixes:
                    fixes.append(text)
    return tuple(fixes)
