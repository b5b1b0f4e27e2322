"""After a counterexample: does the step hold under a case or a fact its author left unstated?

An index case (``i = j`` or ``i ≠ j``) is the author's to state: the step stays false, and
the result says when it holds.  A fact about a vector (``sum_j y_j = 1``) makes the step
``conditional``.  Each candidate is first tried at points (a sure refutation skips it), then
judged by the full engine as stated.
"""

from __future__ import annotations

import dataclasses

import sympy

from symderiv import symbols
from symderiv.checker import _symbolic as S
from symderiv.checker._search import refuted_at_points
from symderiv.checker._trial import Trial
from symderiv.model import Assumption
from symderiv.results import StepResult, Verdict

__all__ = ["with_unstated_conditions"]


def with_unstated_conditions(result: StepResult, t: Trial) -> StepResult:
    """``result`` (false), with the condition under which the step holds, if one is found."""
    q, prepared, setting = t.question, t.prepared, t.setting
    assumptions, conditions, n, cfg = q.assumptions, q.conditions, q.n, q.cfg
    tries: list[tuple[Assumption, str]] = []
    free = [f for f in prepared.free]
    if not setting.stated_relations and len(free) >= 2:
        for a, b in [(free[x], free[y]) for x in range(len(free)) for y in range(x + 1, len(free))]:
            tries.append(
                (
                    Assumption(sympy.Eq(a, b), f"{a} = {b}", source="case"),
                    f"holds only when {a} = {b}",
                )
            )
            tries.append(
                (
                    Assumption(sympy.Ne(a, b), f"{a} \\neq {b}", source="case"),
                    f"holds only when {a} ≠ {b}",
                )
            )
    constrained = {S.name_of(b) for b in setting.sum_one}
    for base in sorted(prepared.target_names - constrained):
        entries = sorted(
            {
                t
                for e in (prepared.lhs, prepared.rhs)
                for t in e.atoms(sympy.Indexed)
                if str(t.base.label) == base
            },
            key=sympy.default_sort_key,
        )
        if len(entries) >= 2 and all(t.indices[0].is_Integer for t in entries):
            # NOTE: a step written with entries t_0, t_1, t_2 only: the condition is on them.
            total = sympy.Add(*entries)
            shown = " + ".join(f"{base}_{t.indices[0]}" for t in entries)
            tries.append(
                (
                    Assumption(sympy.Eq(total, 1), f"{shown} = 1"),
                    f"holds given {shown} = 1",
                )
            )
            continue
        for e in (prepared.lhs, prepared.rhs):
            hits = [t.base for t in e.atoms(sympy.Indexed) if str(t.base.label) == base]
            if hits:
                b = hits[0]
                j = symbols.index("j")
                tries.append(
                    (
                        Assumption(
                            sympy.Eq(sympy.Sum(b[j], (j, 1, n)), 1), f"\\sum_j {base}_j = 1"
                        ),
                        f"holds given \\sum_j {base}_j = 1",
                    )
                )
                break
    for extra, text in tries:
        if refuted_at_points(prepared, (*assumptions, extra), conditions, n, cfg):
            continue
        with_extra = dataclasses.replace(q, assumptions=(*assumptions, extra))
        sub = t.judge(q.lhs, q.rhs, **with_extra.keywords())
        if sub.verdict.accepts:
            if extra.source == "case":
                # NOTE: an index case is the author's to state (contract): a step that holds
                # only when i = j, with no case stated, is false, and the hint says when it holds.
                return dataclasses.replace(
                    result,
                    condition=text,
                    detail=f"{result.detail}; {text} ({sub.verdict.value})",
                )
            return dataclasses.replace(
                result,
                verdict=Verdict.CONDITIONAL,
                condition=text,
                detail=f"{result.detail}; {text} ({sub.verdict.value})",
            )
    return result
