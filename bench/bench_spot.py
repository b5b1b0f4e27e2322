"""Throughput of the lambdified softmax Jacobian against a hand-written closed form and plain FD.

Run: ``python bench/bench_spot.py`` (from the repository root). Prints one Markdown table:
Jacobian entries produced per second at n = 3, 10, 100, 1000 by

- ``lambdified``: ``lambdify_indexed(p_i (δ_ij − p_j))`` from the symbolic-n builder (stable form),
  writing into a reused output buffer, as the spot checks do;
- ``lambdified+check``: the same plus the comparison ``max |J − J_closed|`` per point;
- ``closed form``: hand-written NumPy ``diag(p) − p pᵀ`` into a reused buffer;
- ``plain FD``: forward differences of the stable softmax, one perturbed copy per column;

and the memory-bandwidth bound: float64 entries per second of a large ``np.copyto`` (each entry
read once and written once; a store first reads its cache line, so this is what a kernel that
writes every entry once can approach). Two sizes are timed, one Jacobian batch (128 MiB) and
512 MiB, because on this machine they differ by up to 2x; the ratio uses the faster one.
Finally the wall time of ``symderiv spot softmax-ce --n 1000`` (start-up included).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from symderiv import symbols as S
from symderiv.builders.gradients import softmax_jacobian_entry
from symderiv.spot import lambdify_indexed
from symderiv.spot._cases import in_logits
from symderiv.spot._lower import stable_softmax

ENTRIES = 1 << 24  # Jacobian entries per timed call (points × n²)
REPEATS = 7


def best_of(methods: dict[str, Callable[[], object]], repeats: int = REPEATS) -> dict[str, float]:
    """Median wall time of each method; rounds interleave the methods, so a busy machine slows
    them alike (the machine is shared)."""
    for fn in methods.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(repeats):
        for name, fn in methods.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def closed_form(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Hand-written ``diag(p) − p pᵀ`` per point, into ``out``."""
    p = stable_softmax(x)
    np.multiply(-p[:, :, None], p[:, None, :], out=out)
    n = x.shape[1]
    out.reshape(x.shape[0], -1)[:, :: n + 1] += p
    return out


def plain_fd(x: np.ndarray, out: np.ndarray, h: float = 1e-7) -> np.ndarray:
    """Forward differences of the stable softmax: one perturbed copy of all points per column."""
    n = x.shape[1]
    p0 = stable_softmax(x)
    for j in range(n):
        xj = x.copy()
        xj[:, j] += h
        out[:, :, j] = (stable_softmax(xj) - p0) / h
    return out


def row(n: int, f: Any, rng: np.random.Generator) -> dict[str, float]:
    """Entries per second of each method at ``n`` classes (and the copy bound, same rounds)."""
    b = max(1, ENTRIES // (n * n))
    x = rng.normal(size=(b, n))
    out, ref = np.empty((b, n, n)), np.empty((b, n, n))
    big_a, huge_a = np.ones(ENTRIES), np.ones(4 * ENTRIES)
    big_b, huge_b = np.zeros_like(big_a), np.zeros_like(huge_a)
    closed_form(x, ref)

    def check() -> float:
        f(x=x, out=out)
        np.subtract(out, ref, out=out)
        np.abs(out, out=out)
        return float(np.max(out))

    if check() > 1e-15:
        raise AssertionError(f"lambdified and closed form differ at n = {n}")
    fd_points = max(1, b // max(1, n // 10)) if n >= 100 else b  # FD costs n³: fewer points
    fd_out = np.empty((fd_points, n, n))
    xs = x[:fd_points]
    t = best_of({
        "lambdified": lambda: f(x=x, out=out),
        "lambdified+check": check,
        "closed form": lambda: closed_form(x, ref),
        "plain FD": lambda: plain_fd(xs, fd_out),
        "copy": lambda: np.copyto(big_b, big_a),
        "copy 512 MiB": lambda: np.copyto(huge_b, huge_a),
    })
    entries = b * n * n
    rates = {k: entries / v for k, v in t.items() if k not in ("copy", "copy 512 MiB", "plain FD")}
    rates["plain FD"] = fd_points * n * n / t["plain FD"]
    rates["copy"] = big_a.size / t["copy"]
    rates["copy 512 MiB"] = huge_a.size / t["copy 512 MiB"]
    rates["points"] = b
    return rates


def main() -> None:
    expr = in_logits(softmax_jacobian_entry(S.i, S.j))
    f = lambdify_indexed(expr, (S.i, S.j))
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, {os.cpu_count()} cores; rates in million Jacobian entries/s;")
    print("copy = float64 entries per second of np.copyto of 2**24 float64 (128 MiB, the size")
    print("of each Jacobian batch) and of 512 MiB (read + write), measured in the same rounds;")
    print("the ratio is taken against the faster of the two copies\n")
    print("| n | points | lambdified | lambdified+check | closed form | plain FD | copy 128 MiB "
          "| copy 512 MiB | lambdified / closed | lambdified / copy bound |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in (3, 10, 100, 1000):
        r = row(n, f, rng)
        print(
            f"| {n} | {r['points']:.0f} | {r['lambdified'] / 1e6:.0f} "
            f"| {r['lambdified+check'] / 1e6:.0f} | {r['closed form'] / 1e6:.0f} "
            f"| {r['plain FD'] / 1e6:.1f} | {r['copy'] / 1e6:.0f} | {r['copy 512 MiB'] / 1e6:.0f} "
            f"| {r['lambdified'] / r['closed form']:.2f} "
            f"| {r['lambdified'] / max(r['copy'], r['copy 512 MiB']):.0%} |"
        )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    runs = {
        "symderiv spot softmax-ce --n 1000": [
            sys.executable, "-m", "symderiv", "spot", "softmax-ce", "--n", "1000"],
        "spot.run(n=1000) alone": [
            sys.executable, "-c",
            ("from symderiv import spot; "
            "spot.run('softmax-ce', n=1000, samples=64, seed=0, dtype='float64')")],
    }
    for label, argv in runs.items():
        walls = []
        for _ in range(5):
            t0 = time.perf_counter()
            proc = subprocess.run(argv, check=False, capture_output=True, text=True, env=env)
            walls.append(time.perf_counter() - t0)
        crashed = proc.returncode not in (0, 1) or "Traceback" in proc.stderr
        tail = proc.stderr.strip().splitlines()[-1:] if crashed else []
        print(f"\n{label}: exit {proc.returncode}, median of 5: {statistics.median(walls):.2f} s wall "
              f"(start-up included) {' '.join(tail)}")


if __name__ == "__main__":
    main()
