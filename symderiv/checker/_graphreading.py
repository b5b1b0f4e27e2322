"""The computational-graph reading of a step: each derivative of a defined quantity is the
partial derivative of its own formula, its other inputs held fixed.

NOTE: backpropagation notes write ``∂\\hat x_i/∂x_i = 1/\\sqrt{σ^2 + ε}`` with μ_B held fixed and
then add the path through μ_B themselves (``+ Σ_j ∂f/∂\\hat x_j ∂\\hat x_j/∂μ_B · ∂μ_B/∂x_i``).
Read with μ_B as defined, the same step counts that path twice.  A step that fails the first
reading and holds in this one rests on a reading, so it is undetermined, never false.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker import _definitions, _ranges, _symbolic
from symderiv.checker._setting import Names
from symderiv.checker.engine import AS_STATED, check_equal
from symderiv.config import CheckConfig
from symderiv.model import Derivation, Step
from symderiv.results import StepResult, Verdict

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = ["entry_reading", "graph_reading", "node_partials", "origin_reading"]


def node_partials(expr: sympy.Basic, definitions: Definitions) -> tuple[sympy.Basic, list[str]]:
    """``expr`` with every derivative of a defined name by a variable taken of that name's own
    formula, the defined names in it held fixed; and the names so read.

    >>> x, mu, xh = sympy.symbols("x mu xh")
    >>> node_partials(sympy.Derivative(xh, x), ((xh, x - mu), (mu, x / 2)))
    (1, ['xh'])
    """
    heads = {_symbolic.name_of(_head(t)) for t, _ in definitions}
    read: list[str] = []

    def partial(d: sympy.Basic) -> sympy.Basic:
        assert isinstance(d, sympy.Derivative)
        own = [(t, v) for t, v in definitions if _head(t) == _head(d.expr)]
        if not own:
            return d
        value = _definitions.substitute_definitions(d.expr, (own[-1],), depth=1)
        if value == d.expr or not (_names(value) & heads):
            return d  # a formula in no other defined quantity: both readings agree
        read.append(_symbolic.name_of(d.expr))
        return sympy.diff(_symbolic.fresh_bound(value), *d.variable_count)

    out = expr.replace(
        lambda e: isinstance(e, sympy.Derivative)
        and isinstance(e.expr, (sympy.Symbol, sympy.Indexed))
        and _symbolic.name_of(e.expr) in heads,
        partial,
    )
    return out, read


def graph_reading(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> StepResult | None:
    """``undetermined`` (readings disagree) when the step holds in the graph reading, else
    ``None``."""
    assert step.lhs is not None and step.rhs is not None
    lhs, read_l = node_partials(step.lhs, definitions)
    rhs, read_r = node_partials(step.rhs, definitions)
    names = sorted(set(read_l + read_r))
    if not names:
        return None
    shown = ", ".join(names)
    return second_reading(
        step,
        d,
        (lhs, rhs, definitions),
        cfg,
        unknowns,
        lambda verdict: (
            f"the readings disagree: with the derivatives of {shown} taken of their own "
            f"formulas, the quantities defined in them held fixed (a computational graph), the "
            f"step holds ({verdict}); with every quantity as defined in the document "
            "(total derivatives) it does not"
        ),
    )


def origin_reading(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> StepResult | None:
    """``undetermined`` (readings disagree) when the step, with its definitions written out,
    holds once its sums over one vector's entries run over one range (:mod:`._ranges`)."""
    assert step.lhs is not None and step.rhs is not None
    if not _ranges.mixed_ranges([step.lhs, step.rhs, *(v for _, v in definitions)]):
        return None  # NOTE: the definitions are written out only where two ranges meet
    sides = (
        _definitions.substitute_definitions(step.lhs, definitions),
        _definitions.substitute_definitions(step.rhs, definitions),
    )
    for lhs, rhs in _ranges.origin_readings(sides):
        held = second_reading(
            step,
            d,
            (lhs, rhs, ()),
            cfg,
            unknowns,
            lambda verdict: (
                "the readings disagree: the step sums the entries of one vector over 1..n (the "
                "range a standard object is read with) and over another range the document "
                f"writes; with one range for both it holds ({verdict})"
            ),
        )
        if held is not None:
            return held
    return None


def entry_reading(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> StepResult | None:
    """``undetermined`` (readings disagree) when the step holds with the bare names of vector
    functions read at its one free index: ``\\partial LS / \\partial z_i`` as the derivative of
    the entry ``LS(z)_i``.

    NOTE: a function of a vector written bare (``LS``, defined with the bare ``z`` acting
    entry-wise) is a vector; read as a number whose ``z`` does not change with ``z_i``, the
    step is judged on a guess.  Notes write ``\\partial LS / \\partial z_i`` for the diagonal
    entry ``\\partial LS_i / \\partial z_i``: where that reading holds the step is not false.
    """
    assert step.lhs is not None and step.rhs is not None
    free = _symbolic.free_indices(step.lhs) | _symbolic.free_indices(step.rhs)
    if len(free) != 1:
        return None
    (at,) = free
    entry_functions = {
        _symbolic.name_of(sympy.Symbol(t.func.__name__)): t
        for t, _ in definitions
        if isinstance(t, AppliedUndef) and len(t.args) == 2 and _symbolic_index(t.args[1])
        # NOTE: only the entries of a function the document defines of the bare vector (the
        # entry definition read from it); an entry formula of the document's own (s(x)_i)
        # says nothing about what its bare name means.
        and any(isinstance(u, AppliedUndef) and u == t.func(t.args[0]) for u, _ in definitions)
    }
    # NOTE: only names of functions with an entry definition are read at the index: a bare
    # name that is also a vector's label (σ_B beside σ_B²) is often a reading of its own, and
    # each second reading costs a false step half its budget again.
    swap: dict[sympy.Basic, sympy.Basic] = {}
    for side in (step.lhs, step.rhs):
        for s in side.free_symbols:
            if isinstance(s, sympy.Symbol) and not s.is_integer and s.name in entry_functions:
                t = entry_functions[s.name]
                swap[s] = t.func(t.args[0], at)
    if not swap:
        return None
    lhs, rhs = step.lhs.xreplace(swap), step.rhs.xreplace(swap)
    shown = ", ".join(sorted(str(s) for s in swap))
    return second_reading(
        step,
        d,
        (lhs, rhs, definitions),
        cfg,
        unknowns,
        lambda verdict: (
            f"the readings disagree: with {shown} read at the entry {at} (a vector written bare), "
            f"the step holds ({verdict}); read as a number it does not"
        ),
    )


def _symbolic_index(a: sympy.Basic) -> bool:
    return isinstance(a, sympy.Symbol) and bool(a.is_integer)


def second_reading(
    step: Step,
    d: Derivation,
    reading: tuple[sympy.Basic, sympy.Basic, Definitions],
    cfg: CheckConfig,
    unknowns: Names,
    disagree: Callable[[str], str],
) -> StepResult | None:
    """``undetermined`` with ``disagree(verdict)`` as its detail when the step, already judged
    not to hold as written, holds in another reading ``(lhs, rhs, definitions)``; else None.

    NOTE: a second reading of a step already judged gets half its budget, and only whether it
    holds matters: the cases under which it would hold (i = j, Σy = 1) are not looked for.
    """
    lhs, rhs, definitions = reading
    res = check_equal(
        lhs,
        rhs,
        definitions=definitions,
        assumptions=d.assumptions,
        conditions=step.conditions,
        n=d.n,
        cfg=dataclasses.replace(cfg, step_timeout_s=cfg.step_timeout_s / 2),
        unknowns=unknowns,
        methods=AS_STATED,
    )
    if not res.verdict.accepts:
        return None
    return StepResult(Verdict.UNDETERMINED, "readings", detail=disagree(res.verdict.value))


def _head(t: sympy.Basic) -> sympy.Basic:
    return t.base if isinstance(t, sympy.Indexed) else t


def _names(e: sympy.Basic) -> set[str]:
    return {_symbolic.name_of(a) for a in e.atoms(sympy.Symbol, sympy.Indexed)}
