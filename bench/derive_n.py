"""``derive softmax-ce --n N``: where the time goes, against the per-entry path, in one run.

For each n the derivation is built (the symbolic derivation instantiated at n: sums written out
once per step, entries from a skeleton, a shared sum named from 10 classes on), checked by the
checker (the concrete engine judges the matrices) and rendered as LaTeX as ``derive`` prints it
(from 10 classes on: entry formulas and 3 × 3 corners). The baseline, measured
in the same run, is the per-entry path the builders used before: every entry substituted into
the whole written-out step, the sum of n exponentials written into every entry. The command
line's wall time (a fresh interpreter, as a user runs it) is measured too.

    python bench/derive_n.py                      # n = 3, 8, 16, 32; baseline up to 16
    python bench/derive_n.py --n 3 32 128 --baseline-max-n 32 --repeat 3

Prints medians (seconds, CPU time of this process for the phases, wall time for the command
line, and its CPU time too: the figure a machine shared with other work does not blur) and the
ratios new / baseline and new / (n = 3). The command line runs as after ``pip install .``, with
Python's bytecode cache.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import sympy

from symderiv import catalogue
from symderiv.builders import entries, strategy
from symderiv.builders._calculus import entry_matrices, instantiate, lowering_table
from symderiv.builders.softmax import concrete_symbols
from symderiv.checker import check
from symderiv.config import Notation
from symderiv.model import Assumption, Derivation, Step
from symderiv.writer import document


def per_entry_lower(d: Derivation, nm: strategy.Names, n: int) -> Derivation:
    """The per-entry path (the builders' lowering before the skeleton): each entry of each step
    is the whole written-out step with the indices put in; no side is shared, no sum named."""
    bases = {b: concrete_symbols(b.name, n) for b in (nm.x, nm.p, nm.y)}
    table = lowering_table(bases)

    def lowerer(side: sympy.Expr, free: list[sympy.Symbol]) -> Callable[..., sympy.Expr]:
        pre = instantiate(side, n_symbol=nm.n, n=n, values={}, table=table)
        holders = {(b, s): sympy.Dummy(f"{b.name}_{s.name}") for b in bases for s in free}
        pre = pre.xreplace({b[s]: h for (b, s), h in holders.items()})

        def at(values: dict[sympy.Symbol, int]) -> sympy.Expr:
            sub: dict[sympy.Basic, sympy.Basic] = {s: sympy.Integer(v) for s, v in values.items()}
            sub.update({h: bases[b][values[s] - 1] for (b, s), h in holders.items()})
            return pre.xreplace(sub)

        return at

    def lift(step: Step) -> tuple[Step, ...]:
        assert step.lhs is not None and step.rhs is not None
        seen = step.lhs.free_symbols | step.rhs.free_symbols
        for der in (step.lhs.atoms(sympy.Derivative) | step.rhs.atoms(sympy.Derivative)):
            for v in der.variables:
                seen |= v.free_symbols
        free = [s for s in (nm.i, nm.j) if s in seen]
        if step.is_definition:
            at = lowerer(step.rhs, free)
            if not free:
                return (dataclasses.replace(step, rhs=at({})),)
            (idx,) = free
            base = step.lhs.base  # type: ignore[union-attr]
            return tuple(
                dataclasses.replace(step, lhs=bases[base][m - 1], rhs=at({idx: m}))
                for m in range(1, n + 1)
            )
        if not free:
            return (dataclasses.replace(step, lhs=lowerer(step.lhs, [])({}),
                                        rhs=lowerer(step.rhs, [])({})),)
        conds = [c.expr for c in step.conditions]
        lhs, rhs = entry_matrices(lowerer(step.lhs, free), lowerer(step.rhs, free), free, conds, n)
        return (dataclasses.replace(step, lhs=lhs, rhs=rhs, conditions=()),)

    steps = tuple(itertools.chain.from_iterable(lift(s) for s in d.steps))
    ys = bases[nm.y]
    assumptions = (Assumption(sympy.Eq(sympy.Add(*ys), 1), nm.sum_text, source="builder"),)
    return dataclasses.replace(d, steps=steps, assumptions=assumptions, n=sympy.Integer(n))


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def phases(build: Callable[[], Derivation], n: int) -> dict[str, float]:
    """CPU seconds of build, check and render (LaTeX, as ``derive`` prints it) at n classes."""
    t_build, d = _timed(build)
    t_check, rep = _timed(lambda: check(d))  # type: ignore[arg-type]
    # NOTE: rendered as `derive` renders it: from CORNER_FROM classes on, each step by its
    # entry formula (from the symbolic derivation, built inside this phase) and a corner.
    t_render, _ = _timed(lambda: document.render_derivation(  # type: ignore[arg-type]
        rep, fmt="latex",  # type: ignore[arg-type]
        entries=catalogue.build("softmax-ce") if n >= document.CORNER_FROM else None,
    ))
    assert not rep.has_false and not rep.has_unparsed, rep.summary  # type: ignore[attr-defined]
    return {"build": t_build, "check": t_check, "render": t_render,
            "total": t_build + t_check + t_render}


#: The environment of a user's shell: bytecode cached, as after ``pip install .``.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cli_wall(n: int) -> tuple[float, float]:
    """Wall and CPU seconds of ``derive softmax-ce --n N`` in a fresh interpreter."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-m", "symderiv", "derive", "softmax-ce", "--n", str(n), "-o", os.devnull],
        check=True, env=ENV,
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def startup() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "symderiv", "list"], check=True, capture_output=True, env=ENV
    )
    return time.perf_counter() - start


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[3, 8, 16, 32])
    ap.add_argument("--repeat", type=int, default=3, help="runs per n (median)")
    ap.add_argument("--baseline-max-n", type=int, default=16,
                    help="measure the per-entry baseline up to this n (it grows as n^3)")
    ap.add_argument("--no-cli", action="store_true", help="skip the command line's wall time")
    args = ap.parse_args(argv)

    nm = strategy.names_for(Notation())
    catalogue.build("softmax-ce", 2)  # warm the imports and SymPy's caches once
    if not args.no_cli:
        start = statistics.median(startup() for _ in range(args.repeat))
        print(f"start-up (symderiv list, wall): {start:.2f} s")
    print(f"derive softmax-ce --n N: medians of {args.repeat} runs (phases: CPU s; cli: wall s)")
    print(f"{'n':>4} {'build':>7} {'check':>7} {'render':>7} {'total':>7} {'cli':>7}"
          f" {'baseline':>9} {'new/base':>9} {'new/n=3':>8}", flush=True)
    base: float | None = None
    for n in args.n:

        def new_path(size: int = n) -> Derivation:
            return catalogue.build("softmax-ce", size)

        def old_path(size: int = n) -> Derivation:
            return per_entry_lower(entries.softmax_ce(matrix=False), nm, size)

        new = median([phases(new_path, n) for _ in range(args.repeat)])
        old = (
            median([phases(old_path, n) for _ in range(args.repeat if n <= 8 else 1)])
            if n <= args.baseline_max_n
            else None
        )
        runs = [] if args.no_cli else [cli_wall(n) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs) if runs else None
        cli_cpu = statistics.median(r[1] for r in runs) if runs else None
        base = new["total"] if n == 3 else base
        cli = f"{wall:7.2f}" if wall is not None else f"{'-':>7}"
        b = f"{old['total']:9.2f}" if old else f"{'-':>9}"
        ratio = f"{new['total'] / old['total']:9.3f}" if old else f"{'-':>9}"
        vs3 = f"{new['total'] / base:8.1f}" if base else f"{'-':>8}"
        print(f"{n:>4} {new['build']:7.2f} {new['check']:7.2f} {new['render']:7.2f}"
              f" {new['total']:7.2f} {cli} {b} {ratio} {vs3}", flush=True)
        if cli_cpu is not None:
            print(f"     cli: {wall:.2f} s wall, {cli_cpu:.2f} s CPU (start-up included)", flush=True)
        if old:
            print(f"     baseline build {old['build']:.2f}  check {old['check']:.2f}"
                  f"  render {old['render']:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
