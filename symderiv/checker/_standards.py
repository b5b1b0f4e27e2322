"""A document's definition of a standard object (entropy, ...) checked against the standard one."""

from __future__ import annotations

import dataclasses

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker.engine import check_equal
from symderiv.checker.numbers import with_log_base
from symderiv.config import CheckConfig
from symderiv.model import Derivation, Step
from symderiv.results import StepResult, Verdict

__all__ = ["against_standard"]


def against_standard(
    step: Step,
    value: sympy.Basic,
    standard: sympy.Basic,
    d: Derivation,
    definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...],
    cfg: CheckConfig,
    result: StepResult,
) -> tuple[StepResult, sympy.Basic]:
    """A document's definition of a standard object (entropy, ...) checked against the standard one."""
    assert step.lhs is not None
    name = sympy.sstr(step.lhs)
    same_object = isinstance(value, AppliedUndef) and value.func == getattr(step.lhs, "func", None)
    if value.has(step.lhs) or same_object:
        # NOTE: a definition by another name for the same object (H(P) = H(x)) says nothing to
        # check; later steps use the standard meaning.
        return dataclasses.replace(
            result, detail=f"{result.detail}; {name} read with its standard definition"
        ), standard
    bounds = {hi for t in value.atoms(sympy.Sum) for _, _, hi in t.limits}
    if len(bounds) == 1 and isinstance(d.n, sympy.Symbol):
        # NOTE: the standard object is written over n; the document's sums say how many terms.
        standard = standard.xreplace({d.n: next(iter(bounds))})
    # NOTE: entropy in bits (log_2) is the standard object in another unit, not a slip; the
    # natural-log reading comes first, and its result is the one reported when none agrees.
    readings = [
        (None, standard),
        (2, with_log_base(standard, 2)),
        (10, with_log_base(standard, 10)),
    ]
    res: StepResult | None = None
    for base, form in readings:
        found = check_equal(
            value, form, definitions=definitions, assumptions=d.assumptions, n=d.n, cfg=cfg
        )
        res = res or found
        if found.verdict.accepts:
            how = (
                f"agrees with the standard definition of {name}"
                if base is None
                else (f"the standard definition of {name} in log base {base}")
            )
            return dataclasses.replace(
                result, detail=f"{result.detail}; {how} ({found.verdict.value})"
            ), value
    assert res is not None
    if res.verdict is Verdict.FALSE:
        flipped = check_equal(
            -value, standard, definitions=definitions, assumptions=d.assumptions, n=d.n, cfg=cfg
        )
        if flipped.verdict.accepts:
            # NOTE: the standard object with its sign lost (H(p, m) = Σ p log m) is a slip.
            return dataclasses.replace(
                res,
                detail=f"differs from the standard definition of {name} = "
                f"{sympy.sstr(standard)}: {res.detail}",
                hints=("the standard definition has the opposite sign",),
            ), standard
        # NOTE: another object under a standard name (sigma(A_i) for a softmax entry, or the
        # logistic function written 1/(1 + e^z)) is the document's to choose: noted, and the
        # document's definition is the one later steps use.
        note = (
            f"differs from the standard definition {name} = {sympy.sstr(standard)}; "
            "the steps use the document's definition"
        )
        return dataclasses.replace(
            result, detail=f"{result.detail}; {note}", warnings=result.warnings + (note,)
        ), value
    return dataclasses.replace(
        result,
        detail=f"{result.detail}; not compared with the standard definition ({res.verdict.value})",
    ), value

