"""The first method: a symbolic proof for every n (rewrite rules, split on free deltas, zero test)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy

from symderiv.checker._budget import timed
from symderiv.checker._cases import apply_case, cases
from symderiv.checker._prepare import Prepared
from symderiv.checker._ranges import entry_ranges
from symderiv.checker._rational import rational_zero
from symderiv.checker._sums import Facts, normalize
from symderiv.checker._trial import Trial
from symderiv.results import StepResult, Verdict

__all__ = ["PROVE", "Prove", "prove"]


@dataclass(frozen=True)
class Prove:
    """Proved for every n, or a note of why the proof was not found (None)."""

    name: str = "prove"

    def __call__(self, t: Trial) -> StepResult | None:
        ok, err = timed(t.question.cfg.step_timeout_s, prove, t.prepared, t.setting.facts)
        if ok is not None and ok[0]:
            return StepResult(
                Verdict.PROVED, "symbolic", detail=f"{t.read}; proved symbolically ({ok[1]})"
            )
        if err:
            t.notes.append(f"symbolic proof: {err}")
        return None


PROVE = Prove()


def prove(p: Prepared, facts: Facts) -> tuple[bool, str]:
    """A symbolic proof for every n: rewrite, split on free deltas, rational zero test."""
    ranges = entry_ranges((p.lhs, p.rhs), p.free)
    if ranges:
        facts = dataclasses.replace(facts, ranges={**ranges, **facts.ranges})
    e = normalize(p.lhs - p.rhs, facts)
    described = []
    for renaming, unequal in cases(e, facts):
        c = apply_case(e, renaming, unequal)
        # NOTE: a case that renames nothing is ``e`` itself, already in normal form.
        c = normalize(c, facts) if c is not e else c
        if not rational_zero(c):
            return False, ""
        described.append(_case_text(renaming, unequal))
    split = [d for d in described if d]
    return True, ("cases " + "; ".join(split)) if split else "rewriting"


def _case_text(
    renaming: dict[sympy.Symbol, sympy.Symbol],
    unequal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...],
) -> str:
    parts = [f"{a} = {b}" for a, b in renaming.items()] + [f"{a} ≠ {b}" for a, b in unequal]
    return ", ".join(parts)
