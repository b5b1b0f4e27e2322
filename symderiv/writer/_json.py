"""A checked derivation as JSON, in the shape of the CLI contract."""

from __future__ import annotations

from typing import Any

from symderiv.results import DerivationReport
from symderiv.writer._pages import assumption_directive, sides
from symderiv.writer.latex import justification_text, to_latex

__all__ = ["as_json"]


def as_json(report: DerivationReport, settings: dict[str, Any]) -> dict[str, Any]:
    d = report.derivation
    steps = []
    for r in report.steps:
        lhs, rhs = sides(r.step, settings)
        steps.append(
            {
                "lhs": lhs,
                "rhs": rhs,
                "verdict": r.result.verdict.value,
                "justification": (
                    justification_text(r.step.justification, ln=settings["ln"])
                    if r.step.justification
                    else r.step.justification
                ),
                "assumptions_used": list(r.step.assumptions_used),
                "conditions": [to_latex(c.expr, **settings) for c in r.step.conditions],
                "definition": r.step.is_definition,
            }
        )
    return {
        "name": d.name,
        "n": int(d.n) if d.n.is_Integer else None,
        "assumptions": [assumption_directive(a, **settings) for a in d.assumptions],
        "steps": steps,
        "summary": report.summary,
    }


# --- plain text -----------------------------------------------------------------------------
