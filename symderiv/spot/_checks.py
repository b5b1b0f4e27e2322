"""The spot checks of formulas against one reference each: the complex-step derivative,
Richardson-extrapolated central differences, the Taylor rate, finiteness, and each other."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symderiv import results
from symderiv.results import SpotCheck
from symderiv.spot._formula import Claims, Definition, Formula
from symderiv.spot._inputs import Points, extreme_logits
from symderiv.spot._lambdify import lambdify_indexed
from symderiv.spot._reference import complex_step, richardson, taylor_order, taylor_values

#: Entries of the naive (overflow-prone) form evaluated to show where it overflows.
NAIVE_BUDGET = 1 << 20


def rel_floor(dtype: str | np.dtype[Any]) -> float:
    """The smallest reference size a relative error is taken over: √eps of ``dtype``.

    Relative errors divide by ``max(|reference|, rel_floor(dtype))``: entries below it count
    absolutely (see :func:`symderiv.results.rel_floor`).

    >>> f"{rel_floor(np.dtype('float32')):.1e}"
    '3.5e-04'
    """
    return results.rel_floor(np.dtype(dtype).name)


def tol_scale(n: int, eps: float) -> float:
    # NOTE: rounding in a sum of n terms grows like sqrt(n) eps for random rounding errors.
    return 32.0 * eps * (1.0 + math.sqrt(n))


@dataclass
class Evaluated:
    """What the streaming pass keeps of one formula's output."""

    sel: list[np.ndarray] = field(default_factory=list)
    jv: list[np.ndarray] = field(default_factory=list)
    jv_floor: list[np.ndarray] = field(default_factory=list)
    finite: list[np.ndarray] = field(default_factory=list)
    cross_abs: list[np.ndarray] = field(default_factory=list)
    cross_rel: list[np.ndarray] = field(default_factory=list)


@dataclass(frozen=True)
class Group:
    """The formulas for one definition and one target set, at the points they are checked at.

    ``members`` are the formulas' positions in the case; ``prim`` is the position (in
    ``formulas``) of the first that claims every entry, the one the others are compared with.
    """

    definition: Definition
    black_box: Callable[[np.ndarray, np.ndarray | None], np.ndarray]
    members: tuple[int, ...]
    formulas: tuple[Formula, ...]
    pts: Points
    y: np.ndarray | None
    v: np.ndarray
    cols: np.ndarray
    prim: int | None
    seed: int
    n: int
    dtype: str

    @property
    def eps(self) -> float:
        return float(np.finfo(np.dtype(self.dtype)).eps)


def against_complex_step(group: Group, evals: list[Evaluated]) -> list[SpotCheck | None]:
    """Each formula against the complex-step derivative of its definition (float64)."""
    pts, y, cols = group.pts, group.y, group.cols
    cs = complex_step(group.black_box, pts.x.astype(np.float64), y, cols)
    reference = (
        f"complex-step derivative of the lambdified definition {group.definition.text} "
        f"(float64, h = 1e-20)"
    )
    return [
        _compare(
            f"complex step: {f.text}", f, np.concatenate(ev.sel), cs,
            np.concatenate(ev.finite), pts, group.seed, tol=tol_scale(group.n, group.eps),
            extra=None, cols=cols, y=y, dtype=group.dtype, reference=reference,
        )
        for f, ev in zip(group.formulas, evals)
    ]


def against_richardson(group: Group, evals: list[Evaluated]) -> list[SpotCheck | None]:
    """Each formula against central differences of its definition, Richardson-extrapolated
    (in the dtype; their rounding bound is added to the tolerance)."""
    pts, y, cols, dtype = group.pts, group.y, group.cols, group.dtype
    fd, bound = richardson(group.black_box, pts.x, y, cols)
    reference = (
        f"central differences of {group.definition.text} with relative step "
        f"(eps·max(1,|x_j|))^(1/5) and Richardson extrapolation ({dtype})"
    )
    return [
        _compare(
            f"richardson: {f.text}", f, np.concatenate(ev.sel), fd.astype(np.float64),
            np.concatenate(ev.finite), pts, group.seed,
            tol=64.0 * math.sqrt(group.n) * group.eps**0.8, extra=8.0 * bound, cols=cols, y=y,
            dtype=dtype, reference=reference,
        )
        for f, ev in zip(group.formulas, evals)
    ]


def against_taylor(group: Group, evals: list[Evaluated]) -> list[SpotCheck | None]:
    """Each formula that claims every entry: the Taylor remainder of its definition along ``v``
    must shrink as O(h²) with ``J v`` from the formula."""
    if not any(f.claims == Claims.ALL for f in group.formulas):
        return [None] * len(group.formulas)
    pts, y = group.pts, group.y
    # NOTE: the function side runs in float64 whatever the dtype: in float32 the O(h²) window
    # between pre-asymptotic steps and rounding is too narrow to fit an order; the formula's
    # own rounding enters through jv_tol.
    values = taylor_values(
        group.black_box, pts.x.astype(np.float64),
        None if y is None else y.astype(np.float64), group.v.astype(np.float64),
    )
    return [
        _taylor(
            f, group.definition, values, pts, np.concatenate(ev.jv), group.seed,
            np.concatenate(ev.jv_floor),
        )
        if f.claims == Claims.ALL
        else None
        for f, ev in zip(group.formulas, evals)
    ]


def finite_checks(group: Group, evals: list[Evaluated]) -> list[SpotCheck | None]:
    """Each formula's stable form finite at every point (and where its naive form is not)."""
    return [
        _finite(f, group.pts, np.concatenate(ev.finite), group.y)
        for f, ev in zip(group.formulas, evals)
    ]


def against_each_other(group: Group, evals: list[Evaluated]) -> list[SpotCheck | None]:
    """Each formula but the primary against the primary, on the entries it claims."""
    prim = group.prim
    tol = tol_scale(group.n, group.eps)
    return [
        None
        if prim is None or k == prim
        else _cross(f, group.formulas[prim], ev, group.pts, group.seed, tol)
        for k, (f, ev) in enumerate(zip(group.formulas, evals))
    ]


def extremes(pts: Points) -> list[int]:
    """The extreme points, most telling first (the ±1000 ramp is the issue's example)."""
    order = {k: r for r, (k, _x) in enumerate(extreme_logits(1))}
    found = [i for i, k in enumerate(pts.kinds) if k in order]
    return sorted(found, key=lambda i: order[pts.kinds[i]])


def _where(pts: Points, point: int, seed: int) -> str:
    x = pts.x[point]
    shown = ", ".join(f"{v:.4g}" for v in x[:6]) + (", …" if len(x) > 6 else "")
    return f"point {point} ({pts.kinds[point]}, seed {seed}): x = ({shown})"


def _compare(
    check: str, f: Formula, sel: np.ndarray, ref: np.ndarray, finite: np.ndarray, pts: Points,
    seed: int, *, tol: float, extra: np.ndarray | None, reference: str, cols: np.ndarray,
    y: np.ndarray | None, dtype: str,
) -> SpotCheck:
    claimed = ~np.isnan(sel) if f.claims != Claims.ALL else np.ones(sel.shape, bool)
    diff = np.where(claimed, np.abs(sel - ref), 0.0)
    diff = np.where(np.isnan(diff), np.inf, diff)  # a nan where a value is due is an error
    allowed = tol * (1.0 + np.abs(ref))
    if extra is not None:
        allowed = allowed + extra
    bad = claimed & (diff > allowed)
    # NOTE: an entry smaller than what the reference resolves (√eps of the dtype, or the
    # rounding bound of central differences) counts absolutely: its relative error says
    # nothing about the formula.
    scale = np.maximum(np.abs(ref), rel_floor(dtype))
    if extra is not None:
        scale = np.maximum(scale, extra)
    rel = diff / scale
    max_abs = float(diff.max(initial=0.0))
    max_rel = float(np.where(claimed, rel, 0.0).max(initial=0.0))
    worst = float(np.where(claimed, diff / allowed, 0.0).max(initial=0.0))
    ok = not bad.any() and bool(finite.all())
    formula = f"lambdified {f.text} (stable form)"
    if ok:
        msg = f"formula {f.text} agrees with the reference ({reference.split(' (')[0]}) " \
              f"within {tol:.2g}·(1+|ref|) at {sel.shape[0]} points"
    else:
        point, row, col = np.unravel_index(int(np.argmax(np.where(bad, diff, -1.0))), diff.shape)
        c = int(cols[col]) + 1
        entry = f"∂L/∂x_{c}" if f.of == "loss" else f"∂p_{row + 1}/∂x_{c}"
        ysum = "" if y is None else f" (there Σ_j y_j = {float(np.sum(y[point])):.6g})"
        msg = (
            f"formula {f.text} disagrees with the reference ({reference}) at "
            f"{_where(pts, int(point), seed)}{ysum}: {entry} is {sel[point, row, col]:.17g} by "
            f"the formula, {ref[point, row, col]:.17g} by the reference; "
            f"|diff| {diff[point, row, col]:.3g} > tolerance {allowed[point, row, col]:.3g}"
        )
    return SpotCheck(
        check, sel.shape[0], max_abs, max_rel, ok, formula, reference, msg, tol, worst=worst
    )


def _taylor(
    f: Formula, d: Definition, values: tuple[np.ndarray, ...], pts: Points, jv: np.ndarray,
    seed: int, jv_floor: np.ndarray,
) -> SpotCheck:
    res = taylor_order(pts.x.astype(np.float64), values, jv.astype(np.float64), jv_floor)
    fitted = ~np.isnan(res.order)
    bad = fitted & (res.order < 1.5)
    lowest = float(np.nanmin(res.order)) if fitted.any() else None
    reference = f"Taylor remainder of the lambdified definition {d.text} along random v (float64)"
    formula = f"J·v from the lambdified {f.text}"
    flat = int(res.flat.sum())
    unsure = int((~res.flat & ~fitted).sum())
    if not bad.any():
        msg = (
            f"formula {f.text}: the remainder |f(x+hv) − f(x) − h·(formula)·v| of the "
            f"reference ({reference}) shrinks as O(h^{lowest:.2f}) or faster "
            f"(order 2 for a correct derivative, 1 for a wrong one); "
            if lowest is not None
            else f"formula {f.text}: the remainder of the reference ({reference}) "
        ) + (
            f"{flat} point(s) flat (remainder at rounding level), {unsure} inconclusive "
            f"(fewer than 3 steps clear of rounding)"
        )
    else:
        point = int(np.flatnonzero(bad)[0])
        msg = (
            f"formula {f.text} is not the derivative of {d.text}: the Taylor remainder "
            f"shrinks only as O(h^{res.order[point]:.2f}) (a correct derivative gives O(h^2)) "
            f"at {_where(pts, point, seed)}"
        )
    rel = np.where(res.flat, 0.0, res.remainder / np.maximum(res.linear, np.finfo(np.float64).tiny))
    return SpotCheck(
        f"taylor: {f.text}", pts.x.shape[0], float(res.remainder.max()), float(rel.max()),
        not bad.any(), formula, reference, msg, None, lowest,
    )


def _finite(f: Formula, pts: Points, finite: np.ndarray, y: np.ndarray | None) -> SpotCheck:
    per_point = pts.x.shape[1] ** len(f.indices)
    where = np.array(extremes(pts)[: max(1, NAIVE_BUDGET // per_point)])
    naive = lambdify_indexed(f.expr, f.indices, stable=False)
    args = {"x": pts.x[where]}
    if "y" in naive.inputs and y is not None:
        args["y"] = y[where]
    naive_ok = np.isfinite(naive(**args).reshape(len(where), -1)).all(axis=1)
    reference = "finite values (the true derivative is finite everywhere)"
    formula = f"lambdified {f.text} (stable form)"
    n_bad_naive = int((~naive_ok).sum())
    if n_bad_naive:
        first = int(where[np.flatnonzero(~naive_ok)[0]])
        naive_msg = (
            f"the naive form (lambdified as written) overflows to nan/inf at {n_bad_naive} of "
            f"{len(where)} extreme points, e.g. {_where(pts, first, 0).split(': ', 1)[1]} "
            f"({pts.kinds[first]}); the stable form (max-shifted softmax, log-sum-exp) "
        )
    else:
        naive_msg = "the naive form stays finite too; the stable form "
    ok = bool(finite.all())
    if ok:
        msg = naive_msg + f"is finite at all {len(finite)} points"
    else:
        bad = int(np.flatnonzero(~finite)[0])
        msg = naive_msg + f"is NOT finite at {int((~finite).sum())} point(s), e.g. " \
            f"{_where(pts, bad, 0)}"
    return SpotCheck(
        f"finite: {f.text}", len(finite), 0.0 if ok else math.inf, 0.0 if ok else math.inf,
        ok, formula, reference, msg,
    )


def _cross(
    f: Formula, prim: Formula, ev: Evaluated, pts: Points, seed: int, tol: float
) -> SpotCheck:
    err = np.concatenate(ev.cross_abs)
    rel = np.concatenate(ev.cross_rel)
    err = np.where(np.isnan(err), np.inf, err)
    bad = err > 2 * tol
    formula = f"lambdified {f.text}"
    reference = f"lambdified {prim.text}"
    if not bad.any():
        msg = f"formula {f.text} equals {prim.text} on every claimed entry within {2 * tol:.2g}"
    else:
        point = int(np.flatnonzero(bad)[0])
        msg = (
            f"formula {f.text} differs from {prim.text} by {err[point]:.3g} "
            f"at {_where(pts, point, seed)}"
        )
    return SpotCheck(
        f"agree: {f.text}", len(err), float(err.max()), float(rel.max()), not bad.any(),
        formula, reference, msg, 2 * tol, worst=float(err.max()) / (2 * tol),
    )
