"""Check reports as terminal text and as the JSON object of the CLI contract."""

from __future__ import annotations

from collections.abc import Sequence

from symderiv.results import DerivationReport, StepReport, Verdict

_WIDTH = 72


def _clip(text: str | None, width: int = _WIDTH) -> str:
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


def _label(rep: StepReport) -> str:
    s = rep.step
    block = "?" if s.block is None else str(s.block)
    index = "?" if s.index is None else str(s.index)
    return f"{block}.{index}"


def _line(rep: StepReport) -> int | None:
    s = rep.step
    if s.span is not None:
        return s.span.line
    return s.problem_span.line if s.problem_span is not None else None


def render_step(rep: StepReport, *, verbose: bool = False) -> str:
    """One step as a few indented lines: position, verdict, the two sides, the evidence.

    >>> from symderiv.model import Step
    >>> from symderiv.results import StepResult
    >>> import sympy
    >>> s = Step(sympy.Integer(1), sympy.Integer(2), lhs_latex="1", rhs_latex="2", block=1, index=0)
    >>> r = StepResult(Verdict.FALSE, "symbolic", detail="1 - 2 = -1")
    >>> print(render_step(StepReport(s, r)))
      1.0   line ?    false         1 = 2
                                    1 - 2 = -1
    """
    res = rep.result
    line = _line(rep)
    where = f"line {line}" if line is not None else "line ?"
    op = ":=" if rep.step.is_definition else "="
    sides = f"{_clip(rep.step.lhs_latex, 34)} {op} {_clip(rep.step.rhs_latex, 40)}"
    out = [f"  {_label(rep):<5} {where:<9} {res.verdict.value:<13} {sides}"]
    pad = " " * 32
    show_detail = verbose or res.verdict in (
        Verdict.FALSE, Verdict.UNPARSED, Verdict.CONDITIONAL, Verdict.UNDETERMINED
    )
    if res.condition:
        out.append(f"{pad}{res.condition}")
    if res.counterexample is not None:
        out.append(f"{pad}counterexample: {res.counterexample.text}")
    for hint in res.hints:
        out.append(f"{pad}hint: {hint}")
    if res.n_tried and res.verdict is Verdict.VERIFIED:
        out.append(f"{pad}verified for n = {', '.join(map(str, res.n_tried))}")
    if show_detail and res.detail:
        for detail_line in res.detail.splitlines():
            out.append(f"{pad}{_clip(detail_line, 100)}")
    for warning in (*rep.step.warnings, *res.warnings):
        out.append(f"{pad}warning: {warning}")
    return "\n".join(out)


def summary_line(report: DerivationReport) -> str:
    """``"4 proved, 0 verified, ..."`` in the order of the verdicts."""
    return ", ".join(f"{count} {name}" for name, count in report.summary.items())


def render_report(report: DerivationReport, *, verbose: bool = False) -> str:
    """A whole file's report: a heading, one entry per step, document findings, the summary."""
    title = report.derivation.source or report.derivation.name
    out = [title]
    if not report.steps:
        out.append("  no display-math steps found")
    out.extend(render_step(r, verbose=verbose) for r in report.steps)
    for warning in (*report.derivation.warnings, *report.warnings):
        out.append(f"  note: {warning}")
    out.append(f"  summary: {summary_line(report)}")
    return "\n".join(out)


def render_reports(reports: Sequence[DerivationReport], *, verbose: bool = False) -> str:
    """Several files' reports, separated by blank lines."""
    return "\n\n".join(render_report(r, verbose=verbose) for r in reports)


def step_to_json(rep: StepReport) -> dict[str, object]:
    """One step in the CONTRACT.md shape, plus ``method``, ``condition``, ``hints``, ``warnings``."""
    res = rep.result
    return {
        "block": rep.step.block,
        "index": rep.step.index,
        "line": _line(rep),
        "lhs": rep.step.lhs_latex,
        "rhs": rep.step.rhs_latex,
        "verdict": res.verdict.value,
        "detail": res.detail,
        "counterexample": res.counterexample.as_dict() if res.counterexample else None,
        "method": res.method,
        "condition": res.condition,
        "n_tried": list(res.n_tried),
        "hints": list(res.hints),
        "warnings": [*rep.step.warnings, *res.warnings],
    }


def report_to_json(report: DerivationReport) -> dict[str, object]:
    """One file's entry of the ``files`` list."""
    return {
        "file": report.derivation.source or report.derivation.name,
        "steps": [step_to_json(r) for r in report.steps],
        "summary": report.summary,
        "warnings": [*report.derivation.warnings, *report.warnings],
        "seed": report.seed,
    }


def reports_to_json(reports: Sequence[DerivationReport]) -> dict[str, object]:
    """The one JSON object ``symderiv check --json`` prints."""
    return {"files": [report_to_json(r) for r in reports]}
