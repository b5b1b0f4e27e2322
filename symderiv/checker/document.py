"""The step loop: definitions recorded where they stand, standard objects, each step judged.

A definition of a standard object is compared with it (``_standards``); a derivative of an
undefined name is read through the quantities the document makes it a function of
(``_chainrule``); every step is judged by the equality engine (``engine``).

Interface:
    check(d: Derivation, cfg: CheckConfig = CheckConfig()) -> DerivationReport
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import sympy

from symderiv import symbols
from symderiv.checker import (
    _claims,
    _elementwise,
    _hints,
    _lossmodel,
    _namedvalues,
    _softmaxaxis,
    _squares,
    _symbolic,
)
from symderiv.checker._approx import approximated
from symderiv.checker._chainrule import intermediates, through_intermediates
from symderiv.checker._graphreading import (
    entry_reading,
    graph_reading,
    origin_reading,
    second_reading,
)
from symderiv.checker._records import (
    Record,
    bare_names,
    context_definitions,
    head,
    in_effect,
    indexed_names,
)
from symderiv.checker._standards import against_standard
from symderiv.checker._unknowns import document_unknowns
from symderiv.checker.engine import DEFAULT_CONFIG, NO_NAMES, Names, check_equal
from symderiv.checker.hygiene import index_warnings, repair_definition
from symderiv.checker.numbers import mixed_log_bases
from symderiv.config import CheckConfig
from symderiv.model import Derivation, Fact, Relation, Step
from symderiv.results import DerivationReport, StepReport, StepResult, Verdict

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = ["check"]


#: Called for each step with its position, the step, and the function that judges it; returns
#: the step's result (a scheduler may judge only some steps, or stop at a deadline).
StepHook = Callable[[int, Step, Callable[[], StepResult]], StepResult]


def check(
    d: Derivation, cfg: CheckConfig = DEFAULT_CONFIG, *, around: StepHook | None = None
) -> DerivationReport:
    """Check every step of ``d`` in order.

    ``around``, if given, is called for every step instead of judging it directly (definitions
    included, in the order the loop meets them): it runs the judging function it is passed,
    or returns a result of its own for a step it does not judge.

    Definitions are recorded (a re-definition is checked against the earlier one); unread
    steps are ``unparsed``; numeric claims are judged against their digits; every other step
    goes to the equality engine under the derivation's assumptions and the step's conditions.

    >>> from symderiv.builders.derivations import softmax_ce
    >>> report = check(softmax_ce())
    >>> report.summary["proved"], report.summary["definition"]
    (9, 2)
    """
    # NOTE: two passes. Definitions first, in document order (a re-definition is judged
    # against the earlier ones); then every other step, with the definitions in effect where
    # it stands: the latest one before it, or, for a name defined only further down, the first
    # one after it (notes often name a quantity after using it).
    definitions: list[tuple[sympy.Basic, sympy.Basic]] = []
    records: list[Record] = list(context_definitions(d))
    results: dict[int, StepResult] = {}
    standards = {
        a.expr.lhs: a.expr.rhs
        for a in d.context
        if a.kind == Fact.STANDARD and isinstance(a.expr, sympy.Eq)
    }
    unknowns = document_unknowns(d)
    squares: list[tuple[sympy.Pow, sympy.Basic]] = []
    for pos, step in enumerate(d.steps):
        if not step.is_definition:
            continue
        if isinstance(step.lhs, sympy.Pow) and step.is_parsed:
            assert step.rhs is not None
            squares.append((step.lhs, step.rhs))
            # NOTE: \sigma^2_B := ...: a variance named; the steps differentiate by it as a
            # variable of its own, so it is not substituted.
            results[pos] = StepResult(
                Verdict.DEFINITION,
                "definition",
                detail=f"names {sympy.sstr(step.lhs)} = {sympy.sstr(step.rhs)} (not substituted)",
            )
            continue
        so_far = tuple(definitions)
        judge_one = functools.partial(_check_step, step, d, so_far, cfg, unknowns)
        result = judge_one() if around is None else around(pos, step, judge_one)
        results[pos] = result
        if not (step.is_parsed and result.verdict is Verdict.DEFINITION):
            continue
        assert step.lhs is not None and step.rhs is not None
        if isinstance(step.rhs, sympy.MatrixBase):
            # NOTE: a vector of values (x = [2, 1, 0]) is context for numeric claims; a
            # vector of formulas (p = [e^{x_1}/..., ...]) defines each entry p_m.
            if not all(e.is_number for e in step.rhs):
                entries = _entrywise(step.lhs, step.rhs)
                definitions.extend(entries)
                records.extend(Record(float(pos), t, v) for t, v in entries)
            continue
        value = step.rhs
        repaired = repair_definition(step.lhs, step.rhs)
        if repaired is not None:
            value, warning = repaired
            result = dataclasses.replace(result, warnings=result.warnings + (warning,))
        if step.lhs in standards:
            result, value = against_standard(
                step, value, standards[step.lhs], d, tuple(definitions), cfg, result
            )
        results[pos] = result
        definitions.append((step.lhs, value))
        records.append(Record(float(pos), step.lhs, value))
        entry = _elementwise.entry_definition(step.lhs, value)
        if entry is not None:
            definitions.append(entry)
            records.append(Record(float(pos), *entry))
    records.extend(bare_names(records, indexed_names(d)))
    # NOTE: most steps share the definitions in effect; what they imply is worked out once
    # per set of definitions, not once per step (a walk of the whole document each time).
    through: dict[Definitions, dict[str, list[sympy.Basic]]] = {}
    for pos, step in enumerate(d.steps):
        if pos not in results:
            defs = in_effect(records, pos)
            if defs not in through:
                through[defs] = intermediates(d, defs, unknowns)

            def judge(step: Step = step, defs: Definitions = defs) -> StepResult:
                read, via = through_intermediates(step, through[defs], defs, tuple(squares))
                read = _squares.differentiated_step(read, tuple(squares))
                result = _check_step(read, d, defs, cfg, unknowns)
                if via and result.verdict is not Verdict.UNPARSED:
                    result = dataclasses.replace(result, detail=f"{via}; {result.detail}")
                return result

            results[pos] = judge() if around is None else around(pos, step, judge)
    reports = [StepReport(step, results[pos]) for pos, step in enumerate(d.steps)]
    finding = mixed_log_bases(_claims.log_base_uses(reports, d))
    return DerivationReport(
        derivation=d,
        steps=tuple(reports),
        seed=cfg.seed,
        warnings=(finding,) if finding else (),
    )


def _entrywise(
    target: sympy.Basic, value: sympy.MatrixBase
) -> list[tuple[sympy.Basic, sympy.Basic]]:
    """``p = [v_1, ..., v_n]`` as the definitions ``p_m = v_m``."""
    if isinstance(target, sympy.IndexedBase):
        base = target
    elif isinstance(target, sympy.Symbol):
        base = symbols.vector(target.name)
    else:
        return []
    return [(base[m], v) for m, v in enumerate(value, start=1)]


def _where(step: Step) -> str:
    span = step.problem_span or step.span
    return f" at {span}" if span is not None else ""


def _check_step(
    step: Step,
    d: Derivation,
    definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...],
    cfg: CheckConfig,
    unknowns: Names = NO_NAMES,
) -> StepResult:
    if step.relation is Relation.APPROX and step.is_parsed:
        assert step.rhs is not None
        exact = dataclasses.replace(step, relation=Relation.EQUAL)
        return approximated(step.rhs, _check_step(exact, d, definitions, cfg, unknowns))
    if not step.is_parsed:
        reason = step.problem or (
            "the left side could not be read"
            if step.lhs is None
            else "the right side could not be read"
        )
        return StepResult(Verdict.UNPARSED, "reader", detail=f"{reason}{_where(step)}")
    assert step.lhs is not None and step.rhs is not None
    cases = tuple(c.expr for c in step.conditions if c.kind != Fact.RELATED)
    warnings = index_warnings(step.lhs, step.rhs, cases=cases) if not step.is_definition else ()
    data_case = [c.text for c in step.conditions if c.kind == Fact.DATA_CASE]
    if data_case and step.is_definition:
        # NOTE: p_t = p "if y = 1" defines p_t there only: never used as p_t = p everywhere.
        return StepResult(
            Verdict.UNDETERMINED,
            "data-case",
            detail=f"defines {sympy.sstr(step.lhs)} only in the case {data_case[0]} (a condition "
            "on the data): not used as a definition",
        )
    if step.is_definition:
        earlier = [v for t, v in definitions if head(t) == head(step.lhs)]
        if not earlier:
            return StepResult(
                Verdict.DEFINITION,
                "definition",
                detail=f"defines {sympy.sstr(step.lhs)} = {sympy.sstr(step.rhs)}",
            )
        res = check_equal(
            step.lhs, step.rhs, definitions=definitions, assumptions=d.assumptions, n=d.n, cfg=cfg
        )
        if not res.verdict.accepts:
            # NOTE: a name given a new meaning (q_i with a temperature after q_i without) is
            # reported, and from here on the new meaning is the one used.
            note = (
                f"redefines {sympy.sstr(step.lhs)}, which an earlier definition gave another "
                f"value ({res.counterexample.text if res.counterexample else res.detail}); "
                "later steps use this definition"
            )
            return StepResult(
                Verdict.DEFINITION,
                "definition",
                detail=f"defines {sympy.sstr(step.lhs)} = {sympy.sstr(step.rhs)}; {note}",
                warnings=(note,),
            )
        return dataclasses.replace(
            res, detail=f"re-definition checked against the earlier one: {res.detail}"
        )
    if _claims.is_numeric_claim(step.rhs):
        claim = _claims.numeric_claim(step, d, definitions)
        if claim is not None:
            return dataclasses.replace(claim, warnings=claim.warnings + warnings)
    with_values = _claims.with_context(step, d, definitions, cfg)
    if with_values is not None:
        return dataclasses.replace(with_values, warnings=with_values.warnings + warnings)
    result = check_equal(
        step.lhs,
        step.rhs,
        definitions=definitions,
        assumptions=d.assumptions,
        conditions=step.conditions,
        n=d.n,
        cfg=cfg,
        unknowns=unknowns,
    )
    if result.verdict is Verdict.UNDETERMINED and result.method == "unknowns":
        result = _through_loss(step, d, definitions, cfg, unknowns) or result
    if data_case and not result.verdict.accepts:
        return StepResult(
            Verdict.UNDETERMINED,
            "data-case",
            detail=f"stated for the case {data_case[0]} (a condition on the data), which is not "
            f"used: {result.detail}",
        )
    if result.verdict is Verdict.FALSE:
        held = (
            _partial_reading(step, d, definitions, cfg, unknowns)
            or graph_reading(step, d, definitions, cfg, unknowns)
            or origin_reading(step, d, definitions, cfg, unknowns)
            or entry_reading(step, d, definitions, cfg, unknowns)
            or _named_reading(step, d, definitions, cfg, unknowns)
            or _columns_reading(step, d, definitions, cfg, unknowns)
        )
        if held is not None:
            return dataclasses.replace(held, warnings=held.warnings + warnings)
    if result.verdict is Verdict.FALSE and not isinstance(step.lhs, sympy.MatrixBase):
        result = dataclasses.replace(
            result,
            hints=_hints.merge(
                result.hints,
                _hints.fix_hints(step, d, definitions, cfg, unknowns),
            ),
        )
    return dataclasses.replace(result, warnings=result.warnings + warnings)


def _through_loss(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> StepResult | None:
    """A step in the derivatives of an undefined loss, judged with the loss a function of the
    most downstream quantity it is differentiated by (:mod:`._lossmodel`)."""
    assert step.lhs is not None and step.rhs is not None
    named = _lossmodel.closing_names(definitions)
    definitions = _lossmodel.closed_definitions(definitions)
    if named:
        unknowns = dataclasses.replace(unknowns, variables=unknowns.variables | named)
    model = _lossmodel.loss_definition(step.lhs, step.rhs, definitions)
    if model is None:
        return None
    loss, value, note = model
    res = check_equal(
        step.lhs,
        step.rhs,
        definitions=(*definitions, (loss, value)),
        assumptions=d.assumptions,
        conditions=step.conditions,
        n=d.n,
        cfg=cfg,
        unknowns=unknowns,
    )
    if res.verdict is Verdict.UNDETERMINED or res.verdict is Verdict.UNPARSED:
        return None
    return dataclasses.replace(res, detail=f"{note}; {res.detail}")


def _named_reading(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> StepResult | None:
    """The other reading of the names given to a chain's value (:mod:`._namedvalues`): each
    the chain's left end (a gradient) rather than the formula before it."""
    assert step.lhs is not None and step.rhs is not None
    used = _symbolic.names_in(step.lhs) | _symbolic.names_in(step.rhs)
    alt = _namedvalues.chain_heads(d, definitions, set(used))
    if alt is None:
        return None
    held = _holds_in(step, d, alt, cfg, unknowns)
    if held is None:
        return None
    names = ", ".join(
        sorted({sympy.sstr(head(t)) for (t, v), (_, w) in zip(definitions, alt) if v != w})
    )
    return StepResult(
        Verdict.UNDETERMINED,
        "readings",
        detail=(
            "the readings disagree: with the names given to a chain's value read as its left "
            f"end the step holds ({held.value}); with {names} the formula before the name it "
            "does not"
        ),
    )


def _columns_reading(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> StepResult | None:
    """The other axis of a softmax of a matrix (:mod:`._softmaxaxis`): by columns."""
    assert step.lhs is not None and step.rhs is not None
    rows = _softmaxaxis.read_by_rows(d)
    here = _softmaxaxis.ROWS_WARNING in step.warnings
    if not rows and not here:
        return None
    alt = tuple((t, _softmaxaxis.by_columns(v) if v in rows else v) for t, v in definitions)
    read = step
    if here:
        read = dataclasses.replace(
            step, lhs=_softmaxaxis.by_columns(step.lhs), rhs=_softmaxaxis.by_columns(step.rhs)
        )
    if alt == definitions and read == step:
        return None
    held = _holds_in(read, d, alt, cfg, unknowns)
    if held is None:
        return None
    return StepResult(
        Verdict.UNDETERMINED,
        "readings",
        detail=(
            "the readings disagree: with the softmax of a matrix taken by columns the step "
            f"holds ({held.value}); taken by rows (as read) it does not"
        ),
    )


def _holds_in(
    step: Step, d: Derivation, definitions: Definitions, cfg: CheckConfig, unknowns: Names
) -> Verdict | None:
    """The accepting verdict of ``step`` read with ``definitions`` (the loss model too, as the
    first reading has it), at half the step budget; None when it does not hold."""
    assert step.lhs is not None and step.rhs is not None
    res = check_equal(
        step.lhs,
        step.rhs,
        definitions=definitions,
        assumptions=d.assumptions,
        conditions=step.conditions,
        n=d.n,
        cfg=dataclasses.replace(cfg, step_timeout_s=cfg.step_timeout_s / 2),
        unknowns=unknowns,
    )
    if res.verdict is Verdict.UNDETERMINED and res.method == "unknowns":
        res = _through_loss(step, d, definitions, cfg, unknowns) or res
    return res.verdict if res.verdict.accepts else None


def _partial_reading(
    step: Step,
    d: Derivation,
    definitions: Definitions,
    cfg: CheckConfig,
    unknowns: Names,
) -> StepResult | None:
    """The other reading of a derivative through defined quantities: those held fixed.

    NOTE: ``∂/∂x_i [x_i / sqrt(σ_B^2 + ε) - μ_B / sqrt(σ_B^2 + ε)]`` is a total derivative if
    μ_B and σ_B are the batch mean and variance the document defines, and a partial one (μ_B
    and σ_B held fixed, as backpropagation notes often mean) otherwise.  A step that fails as
    the first and holds as the second rests on a reading, so it is undetermined, never false.
    """
    assert step.lhs is not None and step.rhs is not None
    inside: set[str] = set()
    values = {_symbolic.name_of(head(t)): v for t, v in definitions}
    for side in (step.lhs, step.rhs):
        for der in side.atoms(sympy.Derivative):
            wrt = {_symbolic.name_of(v) for v in der.variables}
            f = der.expr
            if isinstance(f, (sympy.Symbol, sympy.Indexed)) and _symbolic.name_of(f) in values:
                # NOTE: ∂\hat x_i/∂x_i: the node's other inputs (μ_B) are what is held fixed,
                # never the node itself.
                f = values[_symbolic.name_of(f)]
            inside |= {_symbolic.name_of(t) for t in f.atoms(sympy.Indexed)} - wrt
            inside |= {s.name for s in f.free_symbols if isinstance(s, sympy.Symbol)} - wrt
    held = {
        _symbolic.name_of(head(t)) for t, _ in definitions if _symbolic.name_of(head(t)) in inside
    }
    if not held:
        return None
    kept = tuple((t, v) for t, v in definitions if _symbolic.name_of(head(t)) not in held)
    names = ", ".join(sorted(held))
    return second_reading(
        step,
        d,
        (step.lhs, step.rhs, kept),
        cfg,
        unknowns,
        lambda verdict: (
            f"the readings disagree: with {names} held fixed (a partial derivative) the step "
            f"holds ({verdict}); with {names} as defined in the document (a total "
            "derivative) it does not"
        ),
    )
