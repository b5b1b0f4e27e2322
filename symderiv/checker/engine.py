"""The equality engine: are two expressions equal under assumptions? A verdict with evidence.

``check_equal`` prepares the step (definitions substituted, derivatives taken, ``_prepare``)
and asks its methods in turn, strongest first, until one decides (``METHODS``):

* ``_optima``: ``argmax_θ F = argmax_θ G`` when ``G`` is an increasing map of ``F``;
* ``_normals``: integrals against normal densities in closed form, then judged again;
* ``_integrands``: integral by integral, the integrands cancel (steps with integrals or
  declared densities);
* ``_prove``: a symbolic proof for every n (rewrite rules, then a rational-function zero test);
* ``_instances``: a counterexample with normal densities to a claim about every density;
* ``_normals`` again: in a document about normals, the normals for which a step about
  densities of unstated parameters holds (``conditional``, the normals named; before the
  search, which would call the step undetermined for its unknown densities);
* ``_search``: a counterexample at small concrete n (logits 0 and ln 2, one-hot targets,
  then seeded random points);
* ``_verify``: symbolically equal for each concrete n of ``cfg.concrete_n``;
* ``_sample``: agreement at the points the search sampled.

A false step that holds under an index relation or ``sum_j y_j = 1`` that was not stated is
``conditional`` (``_conditions``).  Matrices are judged entry by entry (``_entrywise``); the
time budget of a step and the memo of a document are ``_budget``'s.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from symderiv import symbols
from symderiv.checker import _matrixexpr
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import (
    DEFAULT_CONFIG,
    judged_once,
    remembered,
    timed,
    within_step_budget,
)
from symderiv.checker._conditions import with_unstated_conditions
from symderiv.checker._entrywise import check_matrix
from symderiv.checker._instances import INSTANCES
from symderiv.checker._integrands import INTEGRANDS
from symderiv.checker._normals import GUESSED_NORMALS, NORMALS
from symderiv.checker._optima import OPTIMA
from symderiv.checker._prepare import prepare
from symderiv.checker._prove import PROVE
from symderiv.checker._sample import SAMPLE
from symderiv.checker._search import SEARCH
from symderiv.checker._setting import NO_NAMES, Names, over_own_count, read_assumptions, used_here
from symderiv.checker._trial import Definitions, Method, Question, Trial
from symderiv.checker._verify import CONCRETE
from symderiv.config import CheckConfig
from symderiv.model import Assumption
from symderiv.results import StepResult, Verdict

__all__ = [
    "AS_STATED",
    "DEFAULT_CONFIG",
    "METHODS",
    "NO_NAMES",
    "ORACLE_CONFIG",
    "Methods",
    "Names",
    "check_equal",
    "equal",
    "judged_once",
]

# NOTE: the oracle is called many times by the reviewer's tools: fewer samples, shorter budget.
ORACLE_CONFIG = CheckConfig(samples=12, step_timeout_s=2.0)


@dataclass(frozen=True)
class Methods:
    """The methods that judge one equality, strongest first, and whose question it is.

    ``first``: the step's own question, its sides as the author wrote them.  Its bound names
    are numbered afresh, and a false verdict is re-checked under the index case or the fact
    about a vector its author may have left unstated.  A re-check (``AS_STATED``) judges the
    question as it stands; its sides may hold the bound names of the step it belongs to.
    """

    order: tuple[Method, ...]
    first: bool = True


METHODS = Methods(
    (OPTIMA, NORMALS, INTEGRANDS, PROVE, INSTANCES, GUESSED_NORMALS, SEARCH, CONCRETE, SAMPLE)
)
AS_STATED = Methods(METHODS.order, first=False)


@remembered
@within_step_budget
def check_equal(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    *,
    definitions: Definitions = (),
    assumptions: Sequence[Assumption] = (),
    conditions: Sequence[Assumption] = (),
    n: sympy.Expr = symbols.n,
    cfg: CheckConfig = DEFAULT_CONFIG,
    unknowns: Names = NO_NAMES,
    methods: Methods = METHODS,
) -> StepResult:
    """Decide whether ``lhs = rhs`` under the assumptions and the step's conditions.

    Args:
        lhs, rhs: SymPy expressions (or matrices of the same shape).
        definitions: ``(target, value)`` pairs, e.g. ``(p[i], exp(x[i]) / Sum(...))``.
        assumptions: the derivation's assumptions (``Eq(Sum(y[j], (j, 1, n)), 1)``...).
        conditions: the step's stated case conditions (``Eq(i, j)``, ``Ne(i, j)``).
        n: the class count free indices range over (``1..n``).
        cfg: concrete n to try, samples, seed, tolerances, time budget.
        unknowns: what the document says of its undefined names.
        methods: the methods asked, in order (``AS_STATED`` for a re-check of a step).

    Returns:
        A StepResult: proved / verified (``n_tried``) / numeric / conditional / false
        (with a counterexample).

    >>> from symderiv.symbols import x, i
    >>> check_equal(sympy.exp(x[i]) ** 2, sympy.exp(2 * x[i])).verdict.value
    'proved'
    >>> check_equal(x[i] + 1, x[i]).verdict.value
    'false'
    """
    lhs, rhs = _as_sympy(lhs, "lhs"), _as_sympy(rhs, "rhs")
    if not (n.is_Symbol or (n.is_Integer and n > 0)) if isinstance(n, sympy.Basic) else True:
        raise ValueError(f"n must be a class-count symbol or a positive integer, got {n!r}")
    if _matrixexpr.is_matrix_expr(lhs) or _matrixexpr.is_matrix_expr(rhs):
        try:
            lhs, rhs = _matrixexpr.entries(lhs, rhs, n)
        except ValueError as e:
            return StepResult(Verdict.FALSE, "shape", detail=str(e))
        except _matrixexpr.NoEntries as e:
            return StepResult(Verdict.UNDETERMINED, "shape", detail=str(e))
    q = Question(lhs, rhs, definitions, assumptions, conditions, n, cfg, unknowns)
    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        return check_matrix(q, check_equal)
    if methods.first:
        S.reset_names()
    trial = _trial(q)
    if isinstance(trial, StepResult):
        return trial
    for method in methods.order:
        result = method(trial)
        if result is not None:
            break
    else:
        return StepResult(
            Verdict.UNDETERMINED,
            "undecided",
            detail="; ".join([*trial.notes, "could not evaluate either side"]),
        )
    if methods.first and result.verdict is Verdict.FALSE:
        return with_unstated_conditions(result, trial)
    return result


def _trial(q: Question) -> Trial | StepResult:
    """The step prepared for the methods, or undetermined if it cannot be prepared in time."""
    setting = read_assumptions(q.assumptions, q.conditions, q.n)
    prepared, err = timed(
        q.cfg.step_timeout_s,
        prepare,
        q.lhs,
        q.rhs,
        tuple(q.definitions),
        q.n,
        setting.log_base,
        q.unknowns,
    )
    if prepared is None:
        return StepResult(
            Verdict.UNDETERMINED, "undecided", detail=f"could not prepare the step: {err}"
        )
    setting = over_own_count(prepared, setting)
    read = f"read as {sympy.sstr(prepared.lhs)} = {sympy.sstr(prepared.rhs)}"
    if prepared.free:
        read += f"; free indices {', '.join(map(str, prepared.free))} in 1..{q.n}"
    used = used_here(q.assumptions, q.conditions, prepared)
    if used:
        read += f"; using {'; '.join(used)}"
    judge = functools.partial(check_equal, methods=AS_STATED)
    return Trial(q, prepared, setting, read, judge, notes=[read])


def _as_sympy(e: object, name: str) -> sympy.Basic:
    if isinstance(e, (sympy.Basic, sympy.MatrixBase)):
        return e
    if isinstance(e, (int, float)) and not isinstance(e, bool):
        return sympy.Integer(e) if isinstance(e, int) else sympy.Float(e)
    raise TypeError(f"{name} must be a SymPy expression or a number, got {type(e).__name__}")


def equal(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    *,
    definitions: Definitions = (),
    assumptions: Sequence[Assumption] = (),
    conditions: Sequence[Assumption] = (),
    n: sympy.Expr = symbols.n,
    cfg: CheckConfig = ORACLE_CONFIG,
    unknowns: Names = NO_NAMES,
) -> bool | None:
    """A plain oracle: True (proved / verified / numeric), False (counterexample), else None.

    >>> from symderiv.symbols import x, i
    >>> equal(x[i] * 2, x[i] + x[i]), equal(x[i], -x[i])
    (True, False)
    """
    r = check_equal(
        lhs,
        rhs,
        definitions=definitions,
        assumptions=assumptions,
        conditions=conditions,
        n=n,
        cfg=cfg,
        unknowns=unknowns,
    )
    if r.verdict.accepts:
        return True
    if r.verdict is Verdict.FALSE and r.counterexample is not None:
        return False
    return None
