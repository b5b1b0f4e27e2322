"""Speed of ``symderiv check`` on long notes, against a naive checker measured in the same run.

* a note of N correct softmax / cross-entropy / sigmoid steps (``bench/_documents.py``; every
  step different) and the same note with one false step in four: wall time of the command
  line with ``-j 2`` and ``-j 1`` (start-up included, ``--budget 0``), in steps per second,
  and its CPU time (worker processes included: the figure a machine shared with other work
  does not blur);
* false steps alone: the median time per false step, fix hints included, in one process (each
  step timed by the checker's per-step hook);
* the naive checker on a sample of the same steps: read by symderiv's reader, definitions
  substituted, ``sympy.simplify(lhs - rhs) == 0`` (``doit`` first, for the derivatives), and the
  ratio of the speeds;
* with ``--big``: a 5 MB note of valid blocks under the default budget: wall time, exit
  status, and how many steps were not judged.

Run: ``python bench/check_speed.py [--steps 1200] [--repeat 1] [--naive 60] [--big | --big-only]``.
Prints medians over ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _documents as docs  # noqa: E402


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


#: CPU seconds of the last command line (its worker processes included).
_last_cpu = [0.0]


def _cli(args: list[str]) -> tuple[float, int, dict]:  # type: ignore[type-arg]
    start = time.perf_counter()
    cpu = _children_cpu()
    proc = subprocess.run(
        [sys.executable, "-m", "symderiv", "check", "--json", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    _last_cpu[0] = _children_cpu() - cpu
    try:
        out = json.loads(proc.stdout)
    except json.JSONDecodeError:
        out = {}
    return wall, proc.returncode, out


def _median_cli(args: list[str], repeat: int) -> tuple[float, float, dict]:  # type: ignore[type-arg]
    runs = []
    for _ in range(repeat):
        wall, code, report = _cli(args)
        runs.append((wall, _last_cpu[0], report))
    return (
        statistics.median(w for w, _, _ in runs),
        statistics.median(c for _, c, _ in runs),
        runs[-1][2],
    )


def cli_speed(path: Path, steps: int, repeat: int) -> dict[str, float]:
    """Steps per second of wall time, and per CPU second (what a loaded machine cannot blur)."""
    out = {}
    for jobs in (2, 1):
        wall, cpu, report = _median_cli(["-j", str(jobs), "--budget", "0", str(path)], repeat)
        summary = report.get("summary", {})
        shown = ", ".join(f"{v} {k}" for k, v in summary.items() if v)
        print(
            f"  -j {jobs}: {wall:7.1f} s wall, {steps / wall:6.1f} steps/s; "
            f"{cpu:7.1f} s CPU, {steps / cpu:6.1f} steps per CPU second   ({shown})"
        )
        out[f"j{jobs}"] = steps / wall
    print(f"  -j 2 / -j 1: {out['j2'] / out['j1']:.2f}x")
    return out


def false_step_times(count: int) -> tuple[list[float], list[float]]:
    """Per-step wall and CPU times of ``count`` false steps, judged in this process (hints
    included)."""
    from symderiv import api
    from symderiv.checker import check
    from symderiv.checker.engine import judged_once

    text = docs.PREAMBLE + "\n".join(
        f"$${docs.step(k, false=True)}$$\n" for k in range(count)
    )
    d = api.read_text(text, source="false.md")
    times: list[float] = []
    cpus: list[float] = []

    def around(pos, step, judge):  # type: ignore[no-untyped-def]
        start, cpu = time.perf_counter(), time.process_time()
        res = judge()
        if not step.is_definition:
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            if res.verdict.value != "false":
                print(f"  note: step {pos} is {res.verdict.value}, not false")
        return res

    check(api.read_text(docs.PREAMBLE + f"$${docs.step(0, false=True)}$$", source="w.md"))
    with judged_once():
        check(d, around=around)
    return times, cpus


def _naive_substitute(e: sympy.Basic, defs: list[tuple[sympy.Basic, sympy.Basic]]) -> sympy.Basic:
    for target, value in defs:
        if isinstance(target, sympy.Indexed):
            base, (idx,) = target.base, target.indices

            def swap(t: sympy.Basic, base=base, idx=idx, value=value) -> sympy.Basic:  # type: ignore[no-untyped-def]
                return value.xreplace({idx: t.indices[0]})

            e = e.replace(lambda t, base=base: isinstance(t, sympy.Indexed) and t.base == base, swap)
        else:
            e = e.xreplace({target: value})
    return e


def naive(steps: list[tuple[sympy.Basic, sympy.Basic]], defs, timeout_s: float) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Seconds for all steps, and how many the naive checker proved."""
    from symderiv._timeout import time_limit
    from symderiv.errors import CheckTimeout

    proved = 0
    start = time.perf_counter()
    for lhs, rhs in steps:
        try:
            with time_limit(timeout_s):
                a = _naive_substitute(lhs, defs).doit()
                b = _naive_substitute(rhs, defs).doit()
                proved += sympy.simplify(a - b) == 0
        except CheckTimeout:
            pass
        except Exception:  # noqa: BLE001 - the naive checker's failure is a step not proved
            pass
    return time.perf_counter() - start, proved


def naive_sample(text: str, sample: int) -> tuple[list, list]:  # type: ignore[type-arg]
    from symderiv import api

    d = api.read_text(text, source="naive.md")
    defs = [(s.lhs, s.rhs) for s in d.steps if s.is_definition and s.is_parsed]
    rest = [(s.lhs, s.rhs) for s in d.steps if not s.is_definition and s.is_parsed]
    stride = max(1, len(rest) // sample)
    return rest[::stride][:sample], defs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--naive", type=int, default=60, help="steps sampled for the naive checker")
    ap.add_argument("--naive-timeout", type=float, default=10.0)
    ap.add_argument("--false", type=int, default=24, help="false steps timed one by one")
    ap.add_argument("--big", action="store_true", help="also the 5 MB note")
    ap.add_argument("--big-only", action="store_true", help="only the 5 MB note")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="symderiv-bench-"))
    if args.big_only:
        big_note(tmp)
        return 0
    good = tmp / "correct.md"
    good.write_text(docs.document(args.steps), encoding="utf-8")
    mixed = tmp / "one_in_four_false.md"
    mixed.write_text(docs.document(args.steps, false_every=4), encoding="utf-8")

    print(f"{args.steps} correct steps ({good.stat().st_size // 1024} KB):")
    speed = cli_speed(good, args.steps, args.repeat)
    print(f"{args.steps} steps, one in four false:")
    cli_speed(mixed, args.steps, args.repeat)

    times, cpus = false_step_times(args.false)
    print(
        f"false steps alone ({len(times)}, hints included, one process): "
        f"median {statistics.median(times):.3f} s wall per step "
        f"(min {min(times):.3f}, max {max(times):.3f}), median {statistics.median(cpus):.3f} s CPU"
    )

    sample, defs = naive_sample(docs.document(args.steps), args.naive)
    secs, proved = naive(sample, defs, args.naive_timeout)
    rate = len(sample) / secs
    print(
        f"naive simplify(lhs - rhs) == 0, {len(sample)} of the correct steps: "
        f"{rate:.1f} steps/s, {proved} proved"
    )
    print(f"  symderiv -j 2 / naive: {speed['j2'] / rate:.1f}x; -j 1 / naive: {speed['j1'] / rate:.1f}x")
    false_sample, _ = naive_sample(docs.document(args.false * 4, false_every=1), args.false)
    fsecs, _ = naive(false_sample, defs, args.naive_timeout)
    print(
        f"  naive per false step: median-free mean {fsecs / len(false_sample):.3f} s "
        "(it gives no counterexample and no hint)"
    )

    if args.big:
        big_note(tmp)
    return 0


def big_note(tmp: Path) -> None:
    """The 5 MB note of valid blocks under the default budget: wall, exit, steps not judged."""
    big = tmp / "big.md"
    big.write_text(docs.large_document(5 * 2**20), encoding="utf-8")
    wall, code, report = _cli([str(big)])
    f = report.get("files", [{}])[0]
    skipped = sum(1 for s in f.get("steps", []) if s.get("method") == "not-judged")
    counts = ", ".join(f"{v} {k}" for k, v in f.get("summary", {}).items() if v)
    print(
        f"5 MB note ({big.stat().st_size // 1024} KB), default budget: {wall:.1f} s wall, "
        f"exit {code}, {len(f.get('steps', []))} steps ({counts}), {skipped} not judged"
    )


if __name__ == "__main__":
    raise SystemExit(main())
