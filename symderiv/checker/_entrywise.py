"""Matrices judged entry by entry, and a listed vector against a vector read by its entry."""

from __future__ import annotations

import dataclasses

import sympy

from symderiv import symbols
from symderiv.checker import _fast
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import timed
from symderiv.checker._trial import Judge, Question
from symderiv.model import Fact
from symderiv.results import StepResult, Verdict

__all__ = ["check_matrix"]


def _listed_against_entry(q: Question, judge: Judge) -> StepResult:
    """A listed vector ``[y_1 - a_1, y_2 - a_2]`` against a vector read by its entry, or a
    listed matrix against a matrix read by its entry ``(i, j)`` (row i, column j).

    NOTE: the entry side's free indices run over the listed entries from 1 (or from 0);
    which start the author meant is a guess, so a reading that holds decides the step and
    none holding leaves it undetermined, never false.
    """
    listed, entry = (q.lhs, q.rhs) if isinstance(q.lhs, sympy.MatrixBase) else (q.rhs, q.lhs)
    free = sorted(S.free_indices(entry), key=str)
    rows: tuple[sympy.Basic, ...]
    if min(listed.shape) > 1 and set(free) == {symbols.i, symbols.j}:
        rows, cols = (symbols.i, symbols.j), listed.shape
        listed_shape, what = listed, "matrix"
    elif min(listed.shape) == 1 and len(free) == 1:
        rows, cols = (free[0],), (len(listed), 1)
        listed_shape, what = listed.reshape(len(listed), 1), "vector"
    else:
        return StepResult(
            Verdict.UNDETERMINED,
            "shape",
            detail="one side is a matrix and the other is not: the step is not compared",
        )
    # NOTE: the listing is the whole vector (matrix): [s_1 - y_1, s_2 - y_2] has two classes,
    # so Σ_k e^{z_k} in s_i sums two terms (sampled with n = 1 the step was false).
    sized = q
    if isinstance(q.n, sympy.Symbol):
        count = {q.n: sympy.Integer(cols[0])}
        entry = entry.xreplace(count)
        sized = dataclasses.replace(
            q,
            n=count[q.n],
            definitions=tuple((t, v.xreplace(count)) for t, v in q.definitions),
        )
    shown = ", ".join(map(str, rows))
    results = []
    for start in (1, 0):
        full = sympy.ImmutableMatrix(
            [
                [
                    entry.xreplace(
                        dict(zip(rows, (sympy.Integer(start + r), sympy.Integer(start + c))))
                    )
                    for c in range(cols[1])
                ]
                for r in range(cols[0])
            ]
        )
        pair = (listed_shape, full) if listed is q.lhs else (full, listed_shape)
        result = check_matrix(dataclasses.replace(sized, lhs=pair[0], rhs=pair[1]), judge)
        result = dataclasses.replace(
            result,
            detail=f"{result.detail}; {shown} = {start}..{start + cols[0] - 1}, entry by entry",
        )
        if result.verdict.accepts:
            return result
        results.append(result)
    if all(r.verdict is Verdict.FALSE for r in results):
        return results[0]  # false whichever entry the listing starts at
    return StepResult(
        Verdict.UNDETERMINED,
        "shape",
        detail=f"a listed {what} against entry {shown} of a {what}: no reading of where "
        f"{shown} start decides the step",
    )


def check_matrix(q: Question, judge: Judge) -> StepResult:
    """Matrices of one shape judged entry by entry (``judge`` is ``check_equal``): the weakest
    entry's verdict."""
    lhs, rhs, cfg, definitions, assumptions = q.lhs, q.rhs, q.cfg, q.definitions, q.assumptions
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
    # NOTE: proved without the assumptions is proved with them; the fast path uses only the
    # stated linear equalities (y_1 + ... + y_n = 1), each solved for one symbol.
    if _fast.applicable(lhs, rhs, tuple(definitions)):
        stated = [a.expr for a in assumptions if a.kind == Fact.RELATION]
        found, _ = timed(
            cfg.step_timeout_s * 4, _fast.zero_entries, lhs, rhs, tuple(definitions), stated
        )
        flags, given = found if found is not None else (None, ())
        if flags is not None and all(flags):
            put = {v for v, _ in given}
            used = [
                a.text
                for a in assumptions
                if a.kind == Fact.RELATION and a.expr.free_symbols & put
            ]
            under = f"; some under the stated {', '.join(used)}" if used else ""
            return StepResult(
                Verdict.PROVED,
                "symbolic",
                detail=f"{lhs.rows}×{lhs.cols} entries, each proved as a rational function of exp atoms and shared sums{under}",
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
