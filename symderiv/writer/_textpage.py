"""A checked derivation as a plain-text listing: each step, its verdict and justification."""

from __future__ import annotations

from typing import Any

import sympy

from symderiv.model import Assumption, Derivation, Step
from symderiv.results import DerivationReport
from symderiv.writer._pages import SHORT, entry_steps, vector_definitions
from symderiv.writer.latex import justification_text
from symderiv.writer.text import tex_to_text, to_text

__all__ = ["as_text"]


def _assumption_text(a: Assumption, ln: bool, short: bool = False) -> str:
    """An assumption in plain text: its relation printed, never the LaTeX it was written in."""
    if a.kind == "log_base":
        return "log = ln" if a.expr == sympy.E else f"log base {to_text(a.expr)}"
    if a.kind == "one_hot":
        return f"{to_text(a.expr)} one-hot"
    if isinstance(a.expr, sympy.Basic) and (a.expr.is_Relational or isinstance(a.expr, sympy.And)):
        if a.kind == "index_range" and isinstance(a.expr, sympy.And):
            rels = a.expr.args
            if all(isinstance(r, sympy.LessThan) for r in rels) and len({r.rhs for r in rels}) == 1:
                names = ", ".join(sorted(to_text(r.lhs) for r in rels))
                return f"1 ≤ {names} ≤ {to_text(rels[0].rhs)}"
        return to_text(a.expr, ln=ln, **(SHORT if short else {}))
    return tex_to_text(a.text, ln=ln)


def as_text(
    report: DerivationReport, settings: dict[str, Any], entries: Derivation | None = None
) -> str:
    d = report.derivation
    ln = bool(settings["ln"])
    rows = list(report.steps)
    shown: list[Step | None] = [None] * len(rows)
    if entries is not None:
        rows = vector_definitions(rows)
        shown = entry_steps(rows, entries, d.n)
    n = f"n = {int(d.n)}" if d.n.is_Integer else f"symbolic {to_text(d.n)}"
    lines = [f"{d.name} ({n})"]
    for a in d.assumptions:
        lines.append(f"  assuming {_assumption_text(a, ln, entries is not None)}")
    width = max((len(r.result.verdict.value) for r in report.steps), default=0)
    short = SHORT if entries is not None else {}
    for num, (r, entry) in enumerate(zip(rows, shown), start=1):
        step = r.step if entry is None else entry
        lhs = to_text(step.lhs, ln=ln, **short) if step.lhs is not None else (step.lhs_latex or "?")
        rhs = to_text(step.rhs, ln=ln, **short) if step.rhs is not None else (step.rhs_latex or "?")
        lines.append(f"{num:>3}. {r.result.verdict.value:<{width}}  {lhs} = {rhs}")
        if entry is not None and r.step.lhs is not None and r.step.rhs is not None:
            corner = (
                f"{to_text(r.step.lhs, ln=ln, **short)} = {to_text(r.step.rhs, ln=ln, **short)}"
            )
            if corner != f"{lhs} = {rhs}":
                lines.append(" " * (width + 7) + f"n = {int(d.n)}: {corner}")
        notes = []
        if step.conditions:
            notes.append("for " + ", ".join(_assumption_text(c, ln) for c in step.conditions))
        if step.justification:
            notes.append(tex_to_text(justification_text(step.justification), ln=ln))
        if step.assumptions_used:
            notes.append("using " + ", ".join(tex_to_text(f"${u}$") for u in step.assumptions_used))
        if notes:
            lines.append(" " * (width + 7) + "(" + "; ".join(notes) + ")")
    summary = ", ".join(f"{v} {k}" for k, v in report.summary.items() if v)
    lines.append(f"summary: {summary}" if summary else "summary: no steps")
    return "\n".join(lines) + "\n"
