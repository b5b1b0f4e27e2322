"""A method for steps with integrals or declared densities: integral by integral, the integrands.

With densities declared, their facts (unit mass, positive values, D_KL as an integral) are
used on the way (:mod:`._densities`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from symderiv.checker import _densities, _integrals
from symderiv.checker._prepare import Prepared
from symderiv.checker._setting import Names
from symderiv.checker._trial import Judge, Trial
from symderiv.config import CheckConfig
from symderiv.results import StepResult, Verdict

__all__ = ["INTEGRANDS", "Integrands"]


@dataclass(frozen=True)
class Integrands:
    """Proved when the integrands cancel over each range, else None (judged otherwise)."""

    name: str = "integrands"

    def __call__(self, t: Trial) -> StepResult | None:
        p, q = t.prepared, t.question
        densities = _densities.density_names(q.assumptions)
        if not (p.lhs.has(sympy.Integral) or p.rhs.has(sympy.Integral) or densities):
            return None
        return _by_integrands(p, q.n, q.cfg, q.unknowns, t.judge, densities)


INTEGRANDS = Integrands()


def _by_integrands(
    p: Prepared,
    n: sympy.Expr,
    cfg: CheckConfig,
    unknowns: Names,
    judge: Judge,
    densities: frozenset[str] = frozenset(),
) -> StepResult | None:
    """Proved when, integral by integral over each range, the integrands cancel everywhere.

    With densities declared, their facts (unit mass, positive values, D_KL as an integral)
    are used on the way (:mod:`._densities`).

    NOTE: a sufficient reason only; None (judge otherwise) when any part is not shown to vanish.
    """
    difference = p.lhs - p.rhs
    if densities:
        difference = _densities.as_family(_densities.expand_kl(difference, densities), densities)
        difference = _densities.atomize(difference, densities, {})
    read = f"read as {sympy.sstr(p.lhs)} = {sympy.sstr(p.rhs)}"
    if difference == 0 and densities:
        return StepResult(
            Verdict.PROVED, "integrands", detail=f"{read}; the same integrals against densities"
        )
    if not difference.has(sympy.Integral):
        return None
    parts = _integrals.split(difference)
    if parts is None or not parts.integrands:
        return None
    parts = _integrals.merge_variables(parts)
    if densities:
        parts = _densities.with_unit_mass(parts, densities)
    verdicts = []
    for body in [*parts.integrands.values(), parts.rest]:
        if densities:
            body = sympy.expand_log(_densities.positive_values(body, densities), force=False)
        if body == 0:
            verdicts.append(Verdict.PROVED)
            continue
        r = judge(body, sympy.S.Zero, n=n, cfg=cfg, unknowns=unknowns)
        if r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.NUMERIC):
            return None
        verdicts.append(r.verdict)
    for weaker in (Verdict.NUMERIC, Verdict.VERIFIED):
        if weaker in verdicts:
            return StepResult(
                weaker, "integrands", detail=f"{read}; the integrands agree ({weaker.value})"
            )
    return StepResult(
        Verdict.PROVED, "integrands", detail=f"{read}; the integrands agree at every point"
    )
