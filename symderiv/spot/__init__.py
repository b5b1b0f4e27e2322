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

from collections.abc import Callable
from typing import Any

import numpy as np

from symderiv import results
from symderiv.results import SpotCheck, SpotReport
from symderiv.spot._cases import get
from symderiv.spot._checks import (
    Evaluated,
    Group,
    against_complex_step,
    against_each_other,
    against_richardson,
    against_taylor,
    extremes,
    finite_checks,
    rel_floor,
)
from symderiv.spot._formula import Case, Claims, Definition, Formula, Targets
from symderiv.spot._inputs import Points, make_points
from symderiv.spot._lambdify import IndexedFunction, lambdify_indexed

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
EPS64 = float(np.finfo(np.float64).eps)
#: Reference entries (points × n × columns) per definition: bounds the Jacobian columns that
#: get a reference derivative at each point (all columns when n is small, at least MIN_COLUMNS).
COLUMN_BUDGET = 1 << 18
MIN_COLUMNS = 4
#: Formula entries per formula: past it (an n × n Jacobian at large n), a formula is evaluated
#: at the extreme points and the first random ones only; gradients always see every point.
ENTRY_BUDGET = 1 << 22
MIN_POINTS = 4
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


def _point_subset(pts: Points, per_point: int) -> np.ndarray:
    """All points, or (past :data:`ENTRY_BUDGET`) some extreme points and the first random ones."""
    b = pts.x.shape[0]
    keep = max(MIN_POINTS, ENTRY_BUDGET // per_point)
    if keep >= b:
        return np.arange(b)
    extreme = extremes(pts)[: max(1, keep // 2)]
    rest = [i for i in range(b) if i not in extreme and pts.kinds[i].startswith(("random", "ties"))]
    return np.array(sorted(rest[: keep - len(extreme)] + extreme))


def run_case(case: Case, *, n: int, samples: int, seed: int, dtype: str) -> SpotReport:
    """Run every check of ``case`` (see :func:`run`); planted formulas go through here too.

    Each formula is compared with each reference in turn: the complex-step derivative, central
    differences with Richardson extrapolation, the Taylor rate (formulas that claim every
    entry), finiteness, and the other formulas for the same quantity.

    >>> run_case(get("softmax-ce"), n=2, samples=2, seed=0, dtype="float64").n
    2
    """
    _validate(n=n, samples=samples, dtype=dtype)
    results: dict[int, list[SpotCheck]] = {}
    everything = make_points(n, samples, seed, np.dtype(dtype))
    for group in _groups(case, everything, n=n, seed=seed, dtype=dtype):
        evals = _evaluate(group)
        references = (
            against_complex_step(group, evals),
            against_richardson(group, evals),
            against_taylor(group, evals),
            finite_checks(group, evals),
            against_each_other(group, evals),
        )
        for k, m in enumerate(group.members):
            results[m] = [c for checks in references if (c := checks[k]) is not None]
    checks = [c for m in range(len(case.formulas)) for c in results[m]]
    return SpotReport(case.name, n, seed, dtype, everything.x.shape[0], tuple(checks))


def _groups(case: Case, everything: Points, *, n: int, seed: int, dtype: str) -> list[Group]:
    """The case's formulas grouped by what they differentiate and the targets they hold for."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng([seed, 1])
    v_all = rng.normal(size=everything.x.shape).astype(dt)
    n_cols = min(n, max(MIN_COLUMNS, COLUMN_BUDGET // (everything.x.shape[0] * n)))
    cols = np.sort(rng.choice(n, n_cols, replace=False))
    defs = {d.of: d for d in case.definitions}
    def_fns = {d.of: lambdify_indexed(d.expr, d.indices) for d in case.definitions}

    def black_box(of: str) -> Callable[[np.ndarray, np.ndarray | None], np.ndarray]:
        fn = def_fns[of]

        def call(x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
            args: dict[str, Any] = {"x": x}
            if y is not None and "y" in fn.inputs:
                args["y"] = y
            return fn(**args).reshape(x.shape[0], -1)

        return call

    members: dict[tuple[str, Targets], list[int]] = {}
    for pos, f in enumerate(case.formulas):
        members.setdefault((f.of, f.targets), []).append(pos)
    out = []
    for (of, target), group in members.items():
        per_point = max(n ** len(case.formulas[m].indices) for m in group)
        idx = _point_subset(everything, per_point)
        pts = Points(
            everything.x[idx], everything.y_hot[idx], everything.y_soft[idx],
            everything.y_free[idx], tuple(everything.kinds[i] for i in idx),
        )
        y = {
            Targets.NONE: None, Targets.NORMALISED: pts.y_normalised, Targets.FREE: pts.y_free
        }[target]
        formulas = tuple(case.formulas[m] for m in group)
        prim = next((k for k, f in enumerate(formulas) if f.claims == Claims.ALL), None)
        out.append(Group(
            defs[of], black_box(of), tuple(group), formulas, pts, y, v_all[idx], cols, prim,
            seed, n, dtype,
        ))
    return out


def _evaluate(group: Group) -> list[Evaluated]:
    """One streaming pass over the points: each formula's claimed entries, ``J v`` and
    finiteness, and its differences from the primary formula, chunk by chunk."""
    pts, y, v, cols, formulas, prim = (
        group.pts, group.y, group.v, group.cols, group.formulas, group.prim
    )
    dt = np.dtype(group.dtype)
    per_point = max(group.n ** len(f.indices) for f in formulas)
    fns = [lambdify_indexed(f.expr, f.indices) for f in formulas]
    evals = [Evaluated() for _ in formulas]
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
    return evals


