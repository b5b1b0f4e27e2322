"""Hints for a false step: the one-edit fix search of :mod:`symderiv.checker.explain`, within a budget."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import sympy

from symderiv.checker import _symbolic
from symderiv.checker._fixsearch import Oracle, left_side_oracle
from symderiv.checker.engine import NO_NAMES, Names, equal
from symderiv.checker.explain import one_edit_fixes
from symderiv.config import CheckConfig
from symderiv.model import Derivation, Step

#: The one-edit fix search of a false step may take this share of ``--timeout``.
HINT_SHARE = 0.4

__all__ = ["HINT_SHARE", "fix_hints", "merge"]


def merge(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    return first + tuple(h for h in more if h not in first)


def fix_hints(
    step: Step,
    d: Derivation,
    definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...],
    cfg: CheckConfig,
    unknowns: Names = NO_NAMES,
) -> tuple[str, ...]:
    """One-edit fixes of a false step, searched for ``HINT_SHARE`` of its time budget.

    The candidates are judged with the user's options (seed and tolerances included), with
    fewer counts and samples and a shorter budget per candidate.
    """
    cheap = dataclasses.replace(cfg, concrete_n=(2, 3), samples=8, step_timeout_s=1.0)
    # NOTE: a deadline checked by the oracle itself: nested time limits inside check_equal
    # would absorb an outer alarm.
    deadline = time.monotonic() + HINT_SHARE * cfg.step_timeout_s

    # NOTE: candidates are compared with the fixed side at points (a few substitutions each);
    # the full engine judges them only where the fixed side cannot be evaluated at points.
    # The oracle for edits of the left side is built only if they are tried (no edit of the
    # right side works).
    assert step.lhs is not None and step.rhs is not None
    fixed: dict[str, Oracle | None] = {}
    asked: dict[str, Any] = {
        "definitions": definitions,
        "assumptions": d.assumptions,
        "conditions": step.conditions,
        "n": d.n,
        "unknowns": unknowns,
    }

    def fast_oracle(side: str) -> Oracle | None:
        if side not in fixed:
            assert step.lhs is not None and step.rhs is not None
            a, b = (step.lhs, step.rhs) if side == "left" else (step.rhs, step.lhs)
            fixed[side] = left_side_oracle(a, b, cfg=cfg, **asked)
        return fixed[side]

    def oracle(a: sympy.Expr, b: sympy.Expr) -> bool | None:
        if time.monotonic() > deadline:
            return None
        # NOTE: where the points cannot tell (a name with no value there), the candidate is
        # not a fix: the full engine would cost a tenth of a second per candidate.
        if a == step.lhs and (left := fast_oracle("left")) is not None:
            return left(a, b)
        if b == step.rhs and (right := fast_oracle("right")) is not None:
            return right(b, a)
        return equal(a, b, cfg=cheap, **asked)

    indices = tuple(
        sorted(_symbolic.free_indices(step.lhs) | _symbolic.free_indices(step.rhs), key=str)
    )
    return one_edit_fixes(step.lhs, step.rhs, equal=oracle, indices=indices, max_calls=60)
