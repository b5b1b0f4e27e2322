"""A step's numbers: numeric claims judged against their digits, and values given in the prose.

The digit and log-base rules themselves are in :mod:`symderiv.checker.numbers`; this module
reads them off a step of a document (its definitions, its ``log = log10`` directive, the
vectors of values its prose gives before the step).
"""

from __future__ import annotations

import sympy

from symderiv.checker import _concrete, _definitions, _symbolic
from symderiv.checker.numbers import (
    LogBaseUse,
    claimed_texts,
    evaluate_constant,
    judge_numeric_claim,
    needs_natural_log,
    with_log_base,
)
from symderiv.config import CheckConfig
from symderiv.model import Derivation, Fact, Step
from symderiv.results import Counterexample, StepReport, StepResult, Verdict

__all__ = ["is_numeric_claim", "log_base_uses", "numeric_claim", "with_context"]


def log_base_uses(reports: list[StepReport], d: Derivation) -> list[LogBaseUse]:
    """Where the document's numbers and its calculus show which log base they rely on."""
    uses = []
    calculus_base: int | str = _log_base(d) or "e"
    for rep in reports:
        where = f"block {rep.step.block}" if rep.step.block is not None else "a step"
        res = rep.result
        if res.log_base is not None:
            uses.append(LogBaseUse("numbers", res.log_base, where))
        elif (
            res.verdict in (Verdict.PROVED, Verdict.VERIFIED)
            and rep.step.lhs is not None
            and rep.step.rhs is not None
            and needs_natural_log(rep.step.lhs, rep.step.rhs)
        ):
            # NOTE: d log p / dp = 1/p holds only for the natural log; a step that used it and
            # was proved is evidence of the base the calculus relies on.
            uses.append(LogBaseUse("calculus", calculus_base, where))
    return uses


def _log_base(d: Derivation) -> int | None:
    """The base a ``log = log10`` directive gives to \\log, if any."""
    for a in d.assumptions:
        if a.kind == Fact.LOG_BASE and isinstance(a.expr, sympy.Integer):
            return int(a.expr)
    return None


def _values_before(step: Step, d: Derivation) -> dict[sympy.Basic, sympy.Basic]:
    """The latest values given in prose before this step (``P(x) = [0.7, 0.2, 0.1]``)."""
    line = step.span.line if step.span is not None else None
    out: dict[sympy.Basic, sympy.Basic] = {}
    for a in d.context:
        if a.kind != Fact.VALUES:
            continue
        if line is not None and a.span is not None and a.span.line > line:
            continue
        out[a.expr[0]] = a.expr[1]
    return out


def is_numeric_claim(rhs: sympy.Basic) -> bool:
    if isinstance(rhs, sympy.MatrixBase):
        return all(e.is_number for e in rhs)
    return bool(rhs.is_number)


def _rational(v: sympy.Basic) -> sympy.Basic:
    # NOTE: values read from prose stay exact (0.7 → 7/10) so that log(7/10) can be re-read in
    # another base by numbers.py.
    return sympy.Rational(str(v)) if isinstance(v, sympy.Float) else v


def _with_values(
    expr: sympy.Basic, values: dict[sympy.Basic, sympy.Basic], n: sympy.Basic
) -> sympy.Basic:
    """``expr`` with n = the length of the given vectors, sums written out, entries replaced."""
    size = next((len(v) for v in values.values()), None)
    if size is not None and isinstance(n, sympy.Symbol):
        expr = expr.xreplace({n: sympy.Integer(size)})
    out = _concrete.expand_sums(expr)
    for target, vec in values.items():
        base = target.base if isinstance(target, sympy.Indexed) else target
        if isinstance(base, sympy.IndexedBase):
            out = out.replace(
                lambda t, b=base: (
                    isinstance(t, sympy.Indexed) and t.base == b and t.indices[0].is_Integer
                ),
                lambda t, v=vec: _rational(v[int(t.indices[0]) - 1]),
            )
    return out


def _uses(expr: sympy.Basic, values: dict[sympy.Basic, sympy.Basic]) -> bool:
    labels = {(t.base if isinstance(t, sympy.Indexed) else t) for t in values}
    labels = {b.label if isinstance(b, sympy.IndexedBase) else b for b in labels}
    return any(t.base.label in labels for t in expr.atoms(sympy.Indexed))


def numeric_claim(
    step: Step, d: Derivation, definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...]
) -> StepResult | None:
    """A number (or vector of numbers) claimed for the left side, judged against its digits."""
    assert step.lhs is not None and step.rhs is not None
    # NOTE: ∂q_c/∂q with q_c undefined is no number: what is differentiated as a name stays
    # an unknown function (never a constant whose derivative is 0).
    defined = {_symbolic.kind_of(t) for t, _ in definitions}
    if any(
        _symbolic.kind_of(h) not in defined for h in _symbolic.dependent_heads([step.lhs])
    ):
        return None
    expr = _definitions.substitute_definitions(step.lhs, definitions)
    base = _log_base(d)
    if base is not None:
        # NOTE: a directive "log = log10" fixes what \log means in the document's numbers too.
        expr = with_log_base(expr, base)
    values = _values_before(step, d)
    count = len(step.rhs) if isinstance(step.rhs, sympy.MatrixBase) else None
    n = d.n
    if count is not None and isinstance(n, sympy.Symbol):
        expr = expr.xreplace({n: sympy.Integer(count)})
    free = sorted(_symbolic.free_indices(expr), key=str)
    if count is not None and len(free) == 1:
        entries = [
            _with_values(expr.xreplace({free[0]: sympy.Integer(m)}), values, n)
            for m in range(1, count + 1)
        ]
        lhs_value: sympy.Basic = sympy.ImmutableMatrix(entries)
        if not all(e.is_number for e in lhs_value):
            return None
    elif not free:
        lhs_value = _with_values(expr, values, n)
        if isinstance(lhs_value, sympy.MatrixBase):
            if not all(e.is_number for e in lhs_value):
                return None
        elif not lhs_value.is_number:
            return None
    else:
        return None
    texts = claimed_texts(step.rhs, step.rhs_latex)
    if texts is None:
        return None
    claim = judge_numeric_claim(evaluate_constant, lhs_value, texts)
    used = base if base is not None else claim.base
    if claim.holds:
        m = claim.natural
        exact = all(e.how == "exact" for e in m.entries) if m.entries else m.how == "exact"
        if exact:
            return StepResult(Verdict.PROVED, "numeric-claim", detail=claim.text, log_base=used)
        # NOTE: a claim that matches only after rounding or truncation is numeric, never
        # proved, and the text report says how it matched.
        return StepResult(
            Verdict.NUMERIC,
            "numeric-claim",
            detail=claim.text,
            warnings=(f"matched {m.phrase}",),
            log_base=used,
        )
    hints = tuple(a.text for a in claim.alternatives)
    value = claim.natural.value
    shown = "; ".join(
        f"{sympy.sstr(t)} = {_fmt(tuple(float(e) for e in v))}"
        for t, v in values.items()
        if _uses(expr, {t: v})
    )
    claimed = texts if isinstance(texts, str) else "(" + ", ".join(texts) + ")"
    reading = "natural log" if base is None else f"log base {base}"
    cex = Counterexample(
        values=tuple((sympy.sstr(t), tuple(float(e) for e in v)) for t, v in values.items()),
        lhs_value=value if isinstance(value, (int, float, complex)) else None,
        rhs_value=None,
        text=f"{shown + ': ' if shown else ''}left {_fmt(value)} ({reading}), right {claimed}",
    )
    return StepResult(
        Verdict.FALSE,
        "numeric-claim",
        detail=claim.text,
        hints=hints,
        counterexample=cex,
        log_base=used,
    )


def with_context(
    step: Step,
    d: Derivation,
    definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...],
    cfg: CheckConfig,
) -> StepResult | None:
    """A step with a number on one side, about vectors whose values the prose gave."""
    assert step.lhs is not None and step.rhs is not None
    values = _values_before(step, d)
    if (
        not values
        or isinstance(step.lhs, sympy.MatrixBase)
        or isinstance(step.rhs, sympy.MatrixBase)
    ):
        return None
    lhs = _definitions.substitute_definitions(step.lhs, definitions)
    rhs = _definitions.substitute_definitions(step.rhs, definitions)
    base = _log_base(d)
    if base is not None:
        lhs, rhs = with_log_base(lhs, base), with_log_base(rhs, base)
    if not (lhs.is_number or rhs.is_number) or not (_uses(lhs, values) or _uses(rhs, values)):
        return None
    a, b = _with_values(lhs, values, d.n), _with_values(rhs, values, d.n)
    if not (a.is_number and b.is_number):
        return None
    va, vb = complex(sympy.N(a, 30)), complex(sympy.N(b, 30))
    shown = ", ".join(
        f"{sympy.sstr(t)} = ({', '.join(_concrete.fmt_value(complex(e)) for e in v)})"
        for t, v in values.items()
    )
    if _concrete.close(va, vb, cfg.rtol, cfg.atol):
        return StepResult(
            Verdict.PROVED,
            "values",
            detail=f"with the values given in the text ({shown}): both sides {_concrete.fmt_value(va)}",
        )
    cex = Counterexample(
        values=tuple((sympy.sstr(t), tuple(float(e) for e in v)) for t, v in values.items()),
        lhs_value=va,
        rhs_value=vb,
        text=f"{shown + ': ' if shown else ''}left {_concrete.fmt_value(va)}, "
        f"right {_concrete.fmt_value(vb)}",
    )
    return StepResult(
        Verdict.FALSE,
        "values",
        detail=f"with the values given in the text ({shown})",
        counterexample=cex,
    )


def _fmt(v: object) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(e) for e in v) + ")"
    if isinstance(v, (int, float)):
        return f"{v:.6g}"
    return str(v)
