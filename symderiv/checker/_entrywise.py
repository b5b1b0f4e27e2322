"""Matrices judged entry by entry, and a listed vector against a vector read by its entry."""

from __future__ import annotations

import dataclasses

import sympy

from symderiv import symbols
from symderiv.checker import _fast
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import timed
from symderiv.checker._trial import Judge, Question
from symderiv.results import StepResult, Verdict

__all__ = ["check_matrix"]


def _listed_against_entry(q: Question, judge: Judge) -> StepResult:
    """A listed vector ``[y_1 - a_1, y_2 - a_2]`` against a vector read by its entry.

    NOTE: the entry side's one free index runs over the listed entries from 1 (or from 0);
    which start the author meant is a guess, so a reading that holds decides the step and
    none holding leaves it undetermined, never false.
    """
    listed, entry = (q.lhs, q.rhs) if isinstance(q.lhs, sympy.MatrixBase) else (q.rhs, q.lhs)
    free = sorted(S.free_indices(entry), key=str)
    if min(listed.shape) > 1 and set(free) == {symbols.i, symbols.j}:
        # NOTE: a listed matrix against a matrix read by its entry (i, j): row i, column j.
        return _listed_matrix(q, listed, entry, q.lhs is listed, judge)
    if min(listed.shape) != 1 or len(free) != 1:
        return StepResult(
            Verdict.UNDETERMINED,
            "shape",
            detail="one side is a matrix and the other is not: the step is not compared",
        )
    entry, sized = _at_size(entry, q, len(listed))
    results = []
    for start in (1, 0):
        column = sympy.ImmutableMatrix(
            [entry.xreplace({free[0]: sympy.Integer(start + m)}) for m in range(len(listed))]
        )
        pair = (listed.reshape(len(listed), 1), column)
        if listed is q.rhs:
            pair = pair[::-1]
        result = check_matrix(dataclasses.replace(sized, lhs=pair[0], rhs=pair[1]), judge)
        result = dataclasses.replace(
            result,
            detail=f"{result.detail}; {free[0]} = {start}..{start + len(listed) - 1}, "
            "entry by entry",
        )
        if result.verdict.accepts:
            return result
        results.append(result)
    if all(r.verdict is Verdict.FALSE for r in results):
        return results[0]  # false whichever entry the listing starts at
    return StepResult(
        Verdict.UNDETERMINED,
        "shape",
        detail=f"a listed vector against entry {free[0]} of a vector: no reading of where "
        f"{free[0]} starts decides the step",
    )


def _at_size(entry: sympy.Basic, q: Question, size: int) -> tuple[sympy.Basic, Question]:
    """The entry side and the question with the class count set to the listing's size.

    NOTE: the listing is the whole vector (matrix): [s_1 - y_1, s_2 - y_2] has two classes,
    so Σ_k e^{z_k} in s_i sums two terms (sampled with n = 1 the step was false).
    """
    n = q.n
    if not isinstance(n, sympy.Symbol):
        return entry, q
    count = {n: sympy.Integer(size)}
    return entry.xreplace(count), dataclasses.replace(
        q,
        definitions=tuple((t, v.xreplace(count)) for t, v in q.definitions),
        n=count[n],
    )


def _listed_matrix(
    q: Question,
    listed: sympy.MatrixBase,
    entry: sympy.Basic,
    listed_left: bool,
    judge: Judge,
) -> StepResult:
    """A listed matrix against entry ``(i, j)`` of a matrix: as for a vector, the indices may
    start at 1 or at 0, and only a reading that holds (or all failing) decides the step."""
    entry, sized = _at_size(entry, q, listed.rows)
    results = []
    for start in (1, 0):
        full = sympy.ImmutableMatrix(
            [
                [
                    entry.xreplace(
                        {symbols.i: sympy.Integer(start + r), symbols.j: sympy.Integer(start + c)}
                    )
                    for c in range(listed.cols)
                ]
                for r in range(listed.rows)
            ]
        )
        pair = (listed, full) if listed_left else (full, listed)
        result = check_matrix(dataclasses.replace(sized, lhs=pair[0], rhs=pair[1]), judge)
        result = dataclasses.replace(
            result, detail=f"{result.detail}; i, j = {start}..{start + listed.rows - 1}"
        )
        if result.verdict.accepts:
            return result
        results.append(result)
    if all(r.verdict is Verdict.FALSE for r in results):
        return results[0]
    return StepResult(
        Verdict.UNDETERMINED,
        "shape",
        detail="a listed matrix against entry (i, j) of a matrix: no reading of where i and j "
        "start decides the step",
    )


def check_matrix(q: Question, judge: Judge) -> StepResult:
    """Matrices of one shape judged entry by entry (``judge`` is ``check_equal``): the weakest
    entry's verdict."""
    lhs, rhs, cfg, definitions = q.lhs, q.rhs, q.cfg, q.definitions
    if not (isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase)):
        return _listed_against_entry(q, judge)
    if lhs.shape == rhs.shape[::-1] and min(lhs.shape) == 1:
        # NOTE: a row written for a column (or back): notes rarely keep the orientation,
        # and the entries are what the step claims; compared in the column's layout.
        lhs, rhs = lhs.reshape(len(lhs), 1), rhs.reshape(len(rhs), 1)
    if lhs.shape != rhs.shape:
        return StepResult(
            Verdict.FALSE, "shape", detail=f"shapes differ: {lhs.shape} and {rhs.shape}"
        )
    order = [
        Verdict.PROVED,
        Verdict.VERIFIED,
        Verdict.NUMERIC,
        Verdict.CONDITIONAL,
        Verdict.UNDETERMINED,
        Verdict.UNPARSED,
        Verdict.FALSE,
    ]
    positions = [(r, c) for r in range(lhs.rows) for c in range(lhs.cols)]
    # NOTE: proved without the assumptions is proved with them; the fast path ignores them.
    if _fast.applicable(lhs, rhs, tuple(definitions)):
        flags, _ = timed(cfg.step_timeout_s * 4, _fast.zero_entries, lhs, rhs, tuple(definitions))
        if flags is not None and all(flags):
            return StepResult(
                Verdict.PROVED,
                "symbolic",
                detail=f"{lhs.rows}×{lhs.cols} entries, each proved as a rational function of exp atoms and shared sums",
            )
        if flags is not None:
            positions = [pos for pos, ok in zip(positions, flags) if not ok]
    worst: StepResult | None = None
    where = ""
    for r, c in positions:
        res = judge(lhs[r, c], rhs[r, c], **q.keywords())
        if worst is None or order.index(res.verdict) > order.index(worst.verdict):
            worst, where = res, f"entry ({r + 1}, {c + 1})"
        if worst.verdict is Verdict.FALSE:
            break
    assert worst is not None
    return dataclasses.replace(
        worst, detail=f"{lhs.rows}×{lhs.cols} entries; weakest at {where}: {worst.detail}"
    )
