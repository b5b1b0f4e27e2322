"""Benchmark of the equality engine against a naive SymPy baseline, in one process.

* symbolic n: time to prove ``∂p_i/∂x_j = p_i(δ_ij − p_j)`` and ``∂L/∂x_i = p_i − y_i``
  (given ``sum_j y_j = 1``) from the definitions, after import (median of repeats);
* concrete n = 2, 4, ..., 128: time to verify the full n × n Jacobian ``diag(p) − p pᵀ`` and the
  n-vector gradient ``p − y`` from the definitions, against the naive baseline
  ``simplify(entry − expected) == 0`` on every entry (run up to ``--naive-max`` only: it is slow).

Run: ``python bench/bench_engine.py [--max-n 128] [--naive-max 32] [--repeats 3]``.
Prints medians and the fitted growth exponent (slope of log time against log n).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symderiv.builders.gradients import softmax_jacobian_matrix
from symderiv.builders.softmax import concrete_symbols, softmax_vector
from symderiv.checker import check_equal
from symderiv.config import CheckConfig
from symderiv.model import Assumption
from symderiv.results import Verdict
from tests.support.notation import L, i, j, k, n, p, x, y


def _median(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def symbolic(repeats: int) -> None:
    s = sympy.Sum(sympy.exp(x[k]), (k, 1, n))
    defs = ((p[i], sympy.exp(x[i]) / s), (L, -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n))))
    one = Assumption(sympy.Eq(sympy.Sum(y[j], (j, 1, n)), 1), "sum_j y_j = 1")
    cases = {
        "jacobian p_i(δ_ij − p_j)": (
            sympy.Derivative(p[i], x[j]),
            p[i] * (sympy.KroneckerDelta(i, j) - p[j]),
            (),
        ),
        "gradient p_i − y_i": (sympy.Derivative(L, x[i]), p[i] - y[i], (one,)),
    }
    for name, (lhs, rhs, assume) in cases.items():
        first, _ = _median(
            lambda lhs=lhs, rhs=rhs, assume=assume: check_equal(
                lhs, rhs, definitions=defs, assumptions=assume
            ),
            1,
        )
        print(f"symbolic n  {name:28s} first call       {first * 1000:8.1f} ms")
        med, r = _median(
            lambda lhs=lhs, rhs=rhs, assume=assume: check_equal(
                lhs, rhs, definitions=defs, assumptions=assume
            ),
            repeats,
        )
        print(f"symbolic n  {name:28s} {r.verdict.value:8s} median {med * 1000:8.1f} ms")
        try:
            naive, out = _median(lambda lhs=lhs, rhs=rhs: _naive_symbolic(lhs, rhs, defs), 1)
            what = "proved" if out == 0 else f"not proved (left {sympy.count_ops(out)} ops)"
        except (StopIteration, ValueError, TypeError) as e:  # SymPy's own failure is the finding
            naive, what = float("nan"), f"SymPy error {type(e).__name__}"
        print(f"            naive subs + doit + simplify  {what:24s} {naive * 1000:8.1f} ms")


def _naive_symbolic(lhs, rhs, defs):
    e = lhs
    for t, v in defs:
        e = e.subs(t, v)
    return sympy.simplify(e.doit() - rhs)


def _concrete_problem(m: int):
    xs, ps, ys = (concrete_symbols(c, m) for c in "xpy")
    sm = softmax_vector(xs)
    defs = tuple(zip(ps, sm))
    jac_l = sympy.ImmutableMatrix(m, m, lambda a, b: sympy.Derivative(ps[a], xs[b]))
    jac_r = softmax_jacobian_matrix(m, probs=ps)
    loss = -sympy.Add(*[t * sympy.log(q) for t, q in zip(ys, ps)])
    grad_l = sympy.ImmutableMatrix([sympy.Derivative(L, v) for v in xs])
    grad_r = sympy.ImmutableMatrix([q * sympy.Add(*ys) - t for q, t in zip(ps, ys)])
    return xs, sm, ys, defs, jac_l, jac_r, defs + ((L, loss),), grad_l, grad_r


def _naive_jacobian(xs, sm) -> bool:
    jac = sympy.Matrix(sm).jacobian(xs)
    expected = sympy.diag(*sm) - sympy.Matrix(sm) * sympy.Matrix(sm).T
    return all(
        sympy.simplify(jac[a, b] - expected[a, b]) == 0
        for a in range(len(xs))
        for b in range(len(xs))
    )


def _naive_jacobian_independent(xs, sm) -> bool:
    """The same check against an independently written expected form (quotient rule, exp merged)."""
    jac = sympy.Matrix(sm).jacobian(xs)
    total = sympy.Add(*[sympy.exp(v) for v in reversed(xs)])
    m = len(xs)
    return all(
        sympy.simplify(
            jac[a, b]
            - (int(a == b) * sympy.exp(xs[a]) * total - sympy.exp(xs[a] + xs[b])) / total**2
        )
        == 0
        for a in range(m)
        for b in range(m)
    )


def concrete(max_n: int, naive_max: int, repeats: int, independent_max: int = 4) -> None:
    cfg = CheckConfig(step_timeout_s=600.0)
    sizes = [m for m in (2, 4, 8, 16, 32, 64, 128) if m <= max_n]
    fast_j, fast_g = [], []
    for m in sizes:
        xs, sm, _, defs, jl, jr, gdefs, gl, gr = _concrete_problem(m)
        tj, rj = _median(
            lambda jl=jl, jr=jr, defs=defs: check_equal(jl, jr, definitions=defs, cfg=cfg),
            repeats if m <= 32 else 1,
        )
        tg, rg = _median(
            lambda gl=gl, gr=gr, gdefs=gdefs: check_equal(gl, gr, definitions=gdefs, cfg=cfg),
            repeats if m <= 32 else 1,
        )
        assert rj.verdict is Verdict.PROVED and rg.verdict is Verdict.PROVED, (rj.detail, rg.detail)
        fast_j.append(tj)
        fast_g.append(tg)
        line = f"n = {m:4d}  jacobian {tj:9.3f} s  gradient {tg:9.3f} s"
        if m <= naive_max:
            tn, ok = _median(lambda xs=xs, sm=sm: _naive_jacobian(xs, sm), 1)
            line += f"  naive jacobian {tn:9.3f} s ({'ok' if ok else 'NOT PROVED'})  speed-up {tn / tj:7.1f}x"
        if m <= independent_max:
            ti, ok = _median(lambda xs=xs, sm=sm: _naive_jacobian_independent(xs, sm), 1)
            line += f"  naive vs independent form {ti:8.3f} s ({'ok' if ok else 'NOT PROVED'}) {ti / tj:7.1f}x"
        print(line)
    for name, ts in (("jacobian", fast_j), ("gradient", fast_g)):
        if len(ts) >= 3:
            print(f"growth exponent ({name}, n >= 8): {_slope(sizes, ts):.2f}")


def _slope(sizes, ts) -> float:
    pts = [(math.log(s), math.log(t)) for s, t in zip(sizes, ts) if s >= 8 and t > 0]
    mx = sum(a for a, _ in pts) / len(pts)
    my = sum(b for _, b in pts) / len(pts)
    return sum((a - mx) * (b - my) for a, b in pts) / sum((a - mx) ** 2 for a, _ in pts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-n", type=int, default=128)
    ap.add_argument("--naive-max", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--independent-max", type=int, default=4)
    args = ap.parse_args()
    check_equal(x[i], x[i])  # warm-up: imports and caches
    symbolic(args.repeats)
    concrete(args.max_n, args.naive_max, args.repeats, args.independent_max)


if __name__ == "__main__":
    main()
