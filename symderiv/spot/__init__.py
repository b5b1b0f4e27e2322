"""Numeric spot checks of catalogued derivations: lambdified formulas against references.

Every formula of a catalogued derivation is lowered to a vectorised NumPy function
(:func:`lambdify_indexed`, stable forms on) and compared, at seeded random and extreme points,
with (1) complex-step derivatives of the definitions, (2) central differences with relative
steps and Richardson extrapolation, (3) the eps-free Taylor test, (4) the other formulas for the
same quantity; and it must stay finite where a naive lambdify overflows.

Cost stays bounded at large n: the n × n Jacobian forms are evaluated at all points while
``points · n²`` fits :data:`ENTRY_BUDGET` (else at a few extreme and random points, at least
:data:`MIN_POINTS`); references are taken for ``COLUMN_BUDGET / (points · n)`` random columns
(at least :data:`MIN_COLUMNS`); gradients always see every point.

>>> report = run("softmax-ce", n=3, samples=8, seed=0, dtype="float64")
>>> report.ok, report.checks[0].check
(True, 'complex step: ∂p_i/∂x_j = p_i (δ_ij − p_j)  [step 4]')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symderiv import results
from symderiv.results import SpotCheck, SpotReport
from symderiv.spot._cases import get
from symderiv.spot._formula import Case, Claims, Definition, Formula, Targets
from symderiv.spot._inputs import Points, extreme_logits, make_points
from symderiv.spot._lower import IndexedFunction, lambdify_indexed
from symderiv.spot._reference import complex_step, richardson, taylor_order, taylor_values

__all__ = [
    "Case",
    "Claims",
    "Definition",
    "Formula",
    "IndexedFunction",
    "SpotCheck",
    "SpotReport",
    "Targets",
    "lambdify_indexed",
    "rel_floor",
    "run",
    "run_case",
]

DTYPES = tuple(results.SPOT_EPS)
#: Relative errors divide by max(|reference|, rel_floor(dtype)): entries below it count
#: absolutely (see :func:`symderiv.results.rel_floor`).
EPS64 = float(np.finfo(np.float64).eps)
#: Reference entries (points × n × columns) per definition: bounds the Jacobian columns that
#: get a reference derivative at each point (all columns when n is small, at least MIN_COLUMNS).
COLUMN_BUDGET = 1 << 18
MIN_COLUMNS = 4
#: Formula entries per formula: past it (an n × n Jacobian at large n), a formula is evaluated
#: at the extreme points and the first random ones only; gradients always see every point.
ENTRY_BUDGET = 1 << 22
MIN_POINTS = 4
#: Entries of the naive (overflow-prone) form evaluated to show where it overflows.
NAIVE_BUDGET = 1 << 20
#: Elements of one chunk of formula output (points are processed in chunks of this size).
CHUNK = 1 << 20


def run(name: str, *, n: int, samples: int, seed: int, dtype: str) -> SpotReport:
    """Spot-check every symbolic result of the catalogued derivation ``name``.

    Args:
        name: a catalogue name, e.g. ``"softmax-ce"``.
        n: number of classes (1 or more).
        samples: random points (the extreme points are added to them).
        seed: seed of every random draw; the same seed reproduces the same points.
        dtype: ``"float64"`` or ``"float32"``: the precision the formulas are evaluated in.

    Raises:
        UnknownDerivationError: no spot checks for ``name``.
        ValueError: bad ``n``, ``samples`` or ``dtype``.

    >>> run("softmax-ce", n=2, samples=4, seed=1, dtype="float32").ok
    True
    """
    _validate(n=n, samples=samples, dtype=dtype)
    return run_case(get(name), n=n, samples=samples, seed=seed, dtype=dtype)


def _validate(*, n: int, samples: int, dtype: str) -> None:
    for label, value in (("n", n), ("samples", samples)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")


def rel_floor(dtype: str | np.dtype[Any]) -> float:
    """The smallest reference size a relative error is taken over: √eps of ``dtype``.

    >>> f"{rel_floor(np.dtype('float32')):.1e}"
    '3.5e-04'
    """
    return results.rel_floor(np.dtype(dtype).name)


def _tol_scale(n: int, eps: float) -> float:
    # NOTE: rounding in a sum of n terms grows like sqrt(n) eps for random rounding errors.
    return 32.0 * eps * (1.0 + math.sqrt(n))


@dataclass
class _Evaluated:
    """What the streaming pass keeps of one formula's output."""

    sel: list[np.ndarray] = field(default_factory=list)
    jv: list[np.ndarray] = field(default_factory=list)
    jv_floor: list[np.ndarray] = field(default_factory=list)
    finite: list[np.ndarray] = field(default_factory=list)
    cross_abs: list[np.ndarray] = field(default_factory=list)
    cross_rel: list[np.ndarray] = field(default_factory=list)


def _as3(out: np.ndarray, f: Formula) -> np.ndarray:
    """Formula output as ``(B, rows, n)``: Jacobian as is, gradients as one row."""
    return out[:, None, :] if f.of == "loss" else out


def _select(out: np.ndarray, f: Formula, cols: np.ndarray) -> np.ndarray:
    """The claimed entries at ``cols`` as ``(B, rows, C)``, NaN where the formula claims none."""
    if f.claims == Claims.DIAGONAL:
        sel = np.full((out.shape[0], out.shape[1], len(cols)), np.nan)
        sel[:, cols, np.arange(len(cols))] = out[:, cols]
        return sel
    sel = _as3(out, f)[:, :, cols].astype(np.float64)
    if f.claims == Claims.OFF_DIAGONAL:
        sel[:, cols, np.arange(len(cols))] = np.nan
    return sel


def _cross_errors(
    out: np.ndarray, prim: np.ndarray, f: Formula, scratch: np.ndarray
) -> np.ndarray:
    """Per point, the largest absolute difference over the entries ``f`` claims."""
    b = out.shape[0]
    p = np.diagonal(prim, axis1=1, axis2=2) if f.claims == Claims.DIAGONAL else prim
    err = scratch.reshape(-1)[: out.size].reshape(out.shape)
    np.subtract(out, p, out=err, dtype=np.float64)
    np.abs(err, out=err)
    if f.claims == Claims.OFF_DIAGONAL:
        n = out.shape[-1]
        err.reshape(b, -1)[:, :: n + 1] = 0.0
    worst: np.ndarray = np.max(err.reshape(b, -1), axis=1, initial=0.0)
    return worst


def _extremes(pts: Points) -> list[int]:
    """The extreme points, most telling first (the ±1000 ramp is the issue's example)."""
    order = {k: r for r, (k, _x) in enumerate(extreme_logits(1))}
    found = [i for i, k in enumerate(pts.kinds) if k in order]
    return sorted(found, key=lambda i: order[pts.kinds[i]])


def _point_subset(pts: Points, per_point: int) -> np.ndarray:
    """All points, or (past :data:`ENTRY_BUDGET`) some extreme points and the first random ones."""
    b = pts.x.shape[0]
    keep = max(MIN_POINTS, ENTRY_BUDGET // per_point)
    if keep >= b:
        return np.arange(b)
    extreme = _extremes(pts)[: max(1, keep // 2)]
    rest = [i for i in range(b) if i not in extreme and pts.kinds[i].startswith(("random", "ties"))]
    return np.array(sorted(rest[: keep - len(extreme)] + extreme))


def run_case(case: Case, *, n: int, samples: int, seed: int, dtype: str) -> SpotReport:
    """Run every check of ``case`` (see :func:`run`); planted formulas go through here too.

    >>> run_case(get("softmax-ce"), n=2, samples=2, seed=0, dtype="float64").n
    2
    """
    _validate(n=n, samples=samples, dtype=dtype)
    dt = np.dtype(dtype)
    eps = float(np.finfo(dt).eps)
    everything = make_points(n, samples, seed, dt)
    rng = np.random.default_rng([seed, 1])
    v_all = rng.normal(size=everything.x.shape).astype(dt)
    n_cols = min(n, max(MIN_COLUMNS, COLUMN_BUDGET // (everything.x.shape[0] * n)))
    cols = np.sort(rng.choice(n, n_cols, replace=False))
    defs = {d.of: d for d in case.definitions}
    def_fns = {d.of: lambdify_indexed(d.expr, d.indices) for d in case.definitions}

    def black_box(of: str) -> Any:
        fn = def_fns[of]

        def call(x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
            args: dict[str, Any] = {"x": x}
            if y is not None and "y" in fn.inputs:
                args["y"] = y
            return fn(**args).reshape(x.shape[0], -1)

        return call

    groups: dict[tuple[str, Targets], list[int]] = {}
    for pos, f in enumerate(case.formulas):
        groups.setdefault((f.of, f.targets), []).append(pos)
    results: dict[int, list[SpotCheck]] = {}
    for (of, target), members in groups.items():
        per_point = max(n ** len(case.formulas[m].indices) for m in members)
        idx = _point_subset(everything, per_point)
        pts = Points(
            everything.x[idx], everything.y_hot[idx], everything.y_soft[idx],
            everything.y_free[idx], tuple(everything.kinds[i] for i in idx),
        )
        y = {
            Targets.NONE: None, Targets.NORMALISED: pts.y_normalised, Targets.FREE: pts.y_free
        }[target]
        v = v_all[idx]
        formulas = [case.formulas[m] for m in members]
        prim = next((k for k, f in enumerate(formulas) if f.claims == Claims.ALL), None)
        fns = [lambdify_indexed(f.expr, f.indices) for f in formulas]
        evals = [_Evaluated() for _ in formulas]
        b = pts.x.shape[0]
        step = max(1, CHUNK // per_point)
        scratch: np.ndarray | None = None
        for start in range(0, b, step):
            stop = min(b, start + step)
            outs = []
            for f, fn, ev in zip(formulas, fns, evals):
                args: dict[str, Any] = {"x": pts.x[start:stop]}
                if "y" in fn.inputs:
                    if y is None:
                        raise ValueError(f"formula {f.text} needs targets but declares none")
                    args["y"] = y[start:stop]
                out = fn(**args)
                outs.append(out)
                ev.sel.append(_select(out, f, cols))
                if f.claims == Claims.ALL:
                    # NOTE: the Taylor test asks whether the formula is the derivative, an
                    # eps-free question: below float64 it takes J v from a float64 evaluation
                    # (float32 accuracy is what the complex-step and Richardson checks measure).
                    if dt == np.float64:
                        out3 = _as3(out, f)
                    else:
                        wide = {k: a.astype(np.float64) for k, a in args.items()}
                        out3 = _as3(fn(**wide), f)
                    vv = v[start:stop].astype(np.float64)
                    jv = np.einsum("brj,bj->br", out3, vv)
                    ev.jv.append(jv)
                    # the rounding floor of J v, a bound: eps64 (1 + |J v|) ‖v‖₁
                    big = np.max(np.abs(jv), axis=1, initial=0.0)
                    ev.jv_floor.append(4.0 * EPS64 * (1.0 + big) * np.abs(vv).sum(axis=1))
                if f.claims == Claims.ALL and dt == np.float64:
                    # NOTE: v has no zero entry, so any inf or nan of the output reaches J v:
                    # finiteness costs no extra pass over n × n entries.
                    ev.finite.append(np.isfinite(jv).all(axis=1))
                else:
                    ev.finite.append(np.isfinite(out.reshape(stop - start, -1)).all(axis=1))
            if prim is not None and len(formulas) > 1:
                if scratch is None or scratch.size < outs[prim].size:
                    scratch = np.empty(outs[prim].size)
                # NOTE: the relative error of an agreement is normwise (over the primary's
                # largest entry): an entrywise ratio costs two more passes over n × n entries.
                scale = np.max(np.abs(outs[prim]).reshape(stop - start, -1), axis=1)
                for k, f in enumerate(formulas):
                    if k != prim:
                        err = _cross_errors(outs[k], outs[prim], f, scratch)
                        evals[k].cross_abs.append(err)
                        evals[k].cross_rel.append(err / np.maximum(scale, rel_floor(dt)))
            del outs
        d = defs[of]
        cs = complex_step(black_box(of), pts.x.astype(np.float64), y, cols)
        fd, bound = richardson(black_box(of), pts.x, y, cols)
        values: tuple[np.ndarray, ...] | None = None
        for k, (m, f, ev) in enumerate(zip(members, formulas, evals)):
            sel = np.concatenate(ev.sel)
            finite = np.concatenate(ev.finite)
            found = [
                _compare(
                    f"complex step: {f.text}", f, sel, cs, finite, pts, seed,
                    tol=_tol_scale(n, eps), extra=None, cols=cols, y=y, dtype=dtype,
                    reference=f"complex-step derivative of the lambdified definition {d.text} "
                    f"(float64, h = 1e-20)",
                ),
                _compare(
                    f"richardson: {f.text}", f, sel, fd.astype(np.float64), finite, pts, seed,
                    tol=64.0 * math.sqrt(n) * eps**0.8, extra=8.0 * bound, cols=cols, y=y,
                    dtype=dtype,
                    reference=f"central differences of {d.text} with relative step "
                    f"(eps·max(1,|x_j|))^(1/5) and Richardson extrapolation ({dtype})",
                ),
            ]
            if f.claims == Claims.ALL:
                jv = np.concatenate(ev.jv)
                if values is None:
                    # NOTE: the function side runs in float64 whatever the dtype: in float32
                    # the O(h²) window between pre-asymptotic steps and rounding is too narrow
                    # to fit an order; the formula's own rounding enters through jv_tol.
                    values = taylor_values(
                        black_box(of), pts.x.astype(np.float64),
                        None if y is None else y.astype(np.float64), v.astype(np.float64),
                    )
                floor = np.concatenate(ev.jv_floor)
                found.append(_taylor(f, d, values, pts, jv, seed, floor))
            found.append(_finite(f, pts, finite, y))
            if prim is not None and k != prim:
                found.append(_cross(f, formulas[prim], ev, pts, seed, _tol_scale(n, eps)))
            results[m] = found
    checks = [c for m in range(len(case.formulas)) for c in results[m]]
    return SpotReport(case.name, n, seed, dtype, everything.x.shape[0], tuple(checks))


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
    where = np.array(_extremes(pts)[: max(1, NAIVE_BUDGET // per_point)])
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
    f: Formula, prim: Formula, ev: _Evaluated, pts: Points, seed: int, tol: float
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
