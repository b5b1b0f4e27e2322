"""A Derivation in, a DerivationReport out; the equality engine lives in ``engine``.

Interface:
    check(d: Derivation, cfg: CheckConfig = CheckConfig()) -> DerivationReport
    check_equal(lhs, rhs, *, definitions=(), assumptions=(), conditions=(), n=symbols.n, cfg=...) -> StepResult
    equal(lhs, rhs, ...) -> bool | None   (the plain oracle for the reviewer's tools)
"""

from __future__ import annotations

import dataclasses

import sympy

from symderiv.checker import _symbolic
from symderiv.checker.engine import check_equal, equal
from symderiv.checker.explain import one_edit_fixes
from symderiv.checker.hygiene import index_warnings, repair_definition
from symderiv.checker.numbers import claimed_texts, judge_numeric_claim
from symderiv.config import CheckConfig
from symderiv.model import Derivation, Step
from symderiv.results import Counterexample, DerivationReport, StepReport, StepResult, Verdict

__all__ = ["check", "check_equal", "equal"]


def check(d: Derivation, cfg: CheckConfig = CheckConfig()) -> DerivationReport:
    """Check every step of ``d`` in order.

    Definitions are recorded (a re-definition is checked against the earlier one); unread
    steps are ``unparsed``; numeric claims are judged against their digits; every other step
    goes to the equality engine under the derivation's assumptions and the step's conditions.

    >>> from symderiv.builders.derivations import softmax_ce
    >>> report = check(softmax_ce())
    >>> report.summary["proved"], report.summary["definition"]
    (9, 2)
    """
    definitions: list[tuple[sympy.Basic, sympy.Basic]] = []
    reports: list[StepReport] = []
    for step in d.steps:
        result = _check_step(step, d, tuple(definitions), cfg)
        if step.is_definition and step.is_parsed and result.verdict is Verdict.DEFINITION:
            value = step.rhs
            repaired = repair_definition(step.lhs, step.rhs)
            if repaired is not None:
                value, warning = repaired
                result = dataclasses.replace(result, warnings=result.warnings + (warning,))
            definitions.append((step.lhs, value))
        reports.append(StepReport(step, result))
    return DerivationReport(derivation=d, steps=tuple(reports), seed=cfg.seed)


def _where(step: Step) -> str:
    span = step.problem_span or step.span
    return f" at {span}" if span is not None else ""


def _head(t: sympy.Basic) -> sympy.Basic:
    return t.base if isinstance(t, sympy.Indexed) else t


def _check_step(
    step: Step, d: Derivation, definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...], cfg: CheckConfig
) -> StepResult:
    if not step.is_parsed:
        reason = step.problem or ("the left side could not be read" if step.lhs is None else "the right side could not be read")
        return StepResult(Verdict.UNPARSED, "reader", detail=f"{reason}{_where(step)}")
    assert step.lhs is not None and step.rhs is not None
    warnings = index_warnings(step.lhs, step.rhs) if not step.is_definition else ()
    if step.is_definition:
        earlier = [v for t, v in definitions if _head(t) == _head(step.lhs)]
        if not earlier:
            return StepResult(Verdict.DEFINITION, "definition", detail=f"defines {sympy.sstr(step.lhs)} = {sympy.sstr(step.rhs)}")
        res = check_equal(step.lhs, step.rhs, definitions=definitions, assumptions=d.assumptions, n=d.n, cfg=cfg)
        return dataclasses.replace(res, detail=f"re-definition checked against the earlier one: {res.detail}")
    if _is_numeric_claim(step.rhs):
        claim = _numeric_claim(step, d, definitions)
        if claim is not None:
            return dataclasses.replace(claim, warnings=claim.warnings + warnings)
    result = check_equal(
        step.lhs, step.rhs, definitions=definitions, assumptions=d.assumptions,
        conditions=step.conditions, n=d.n, cfg=cfg,
    )
    if result.verdict is Verdict.FALSE and not isinstance(step.lhs, sympy.MatrixBase):
        result = dataclasses.replace(result, hints=_hints(step, d, definitions))
    return dataclasses.replace(result, warnings=result.warnings + warnings)


def _hints(step: Step, d: Derivation, definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...]) -> tuple[str, ...]:
    cheap = CheckConfig(concrete_n=(2, 3), samples=8, step_timeout_s=1.0)

    def oracle(a: sympy.Expr, b: sympy.Expr) -> bool | None:
        return equal(a, b, definitions=definitions, assumptions=d.assumptions, conditions=step.conditions, n=d.n, cfg=cheap)

    indices = tuple(sorted(_symbolic.free_indices(step.lhs) | _symbolic.free_indices(step.rhs), key=str))
    return one_edit_fixes(step.lhs, step.rhs, equal=oracle, indices=indices, max_calls=60)


def _is_numeric_claim(rhs: sympy.Basic) -> bool:
    if isinstance(rhs, sympy.MatrixBase):
        return all(e.is_number for e in rhs)
    return bool(rhs.is_number)


def _numeric_claim(
    step: Step, d: Derivation, definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...]
) -> StepResult | None:
    """A number (or vector of numbers) claimed for the left side, judged against its digits."""
    assert step.lhs is not None and step.rhs is not None
    expr = _symbolic.substitute_definitions(step.lhs, definitions)
    values = {a.expr[0]: a.expr[1] for a in d.context if a.kind == "values"}
    size = None
    for target, vec in values.items():
        size = len(vec)
        base = target.base if isinstance(target, sympy.Indexed) else target
        if isinstance(base, sympy.IndexedBase):
            expr = expr.replace(
                lambda e, b=base: isinstance(e, sympy.Indexed) and e.base == b and e.indices[0].is_Integer,
                lambda e, v=vec: v[int(e.indices[0]) - 1],
            )
    free = sorted(_symbolic.free_indices(expr), key=str)
    count = len(step.rhs) if isinstance(step.rhs, sympy.MatrixBase) else None
    if size is None and count is not None:
        size = count
    if size is not None and isinstance(d.n, sympy.Symbol):
        expr = expr.xreplace({d.n: sympy.Integer(size)})
    from symderiv.checker._concrete import expand_sums

    def concrete(e: sympy.Basic) -> sympy.Basic:
        out = expand_sums(e)
        for target, vec in values.items():
            base = target.base if isinstance(target, sympy.Indexed) else target
            if isinstance(base, sympy.IndexedBase):
                out = out.replace(
                    lambda t, b=base: isinstance(t, sympy.Indexed) and t.base == b and t.indices[0].is_Integer,
                    lambda t, v=vec: v[int(t.indices[0]) - 1],
                )
        return out

    if count is not None and len(free) == 1:
        entries = [concrete(expr.xreplace({free[0]: sympy.Integer(m)})) for m in range(1, count + 1)]
        lhs_value: sympy.Basic = sympy.ImmutableMatrix(entries)
    elif not free:
        lhs_value = concrete(expr)
    else:
        return None
    if isinstance(lhs_value, sympy.MatrixBase):
        if not all(e.is_number for e in lhs_value):
            return None
    elif not lhs_value.is_number:
        return None
    texts = claimed_texts(step.rhs, step.rhs_latex)
    if texts is None:
        return None
    from symderiv.checker.numbers import evaluate_constant

    claim = judge_numeric_claim(evaluate_constant, lhs_value, texts)
    if claim.holds:
        return StepResult(Verdict.PROVED, "numeric-claim", detail=claim.text)
    hints = tuple(a.text for a in claim.alternatives)
    value = claim.natural.value
    shown = value if not isinstance(value, tuple) else None
    cex = Counterexample(
        values=(),
        lhs_value=shown if isinstance(shown, (int, float, complex)) else None,
        rhs_value=None,
        text=f"left {_fmt(value)}, right {sympy.sstr(step.rhs)}",
    )
    return StepResult(Verdict.FALSE, "numeric-claim", detail=claim.text, hints=hints, counterexample=cex)


def _fmt(v: object) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(e) for e in v) + ")"
    if isinstance(v, (int, float)):
        return f"{v:.6g}"
    return str(v)
