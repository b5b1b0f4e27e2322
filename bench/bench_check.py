"""Wall time of ``symderiv check`` on the seed note, and its start-up, each in a fresh process.

* start-up: ``symderiv check`` on a note with no display math (every import a check pays,
  no step judged);
* the seed note (default: the copy in ``examples/``);
* baseline measured in the same run: a bare ``python -c "import sympy"`` (the floor any
  sympy-based CLI pays).

Prints medians of ``--repeat`` runs (interleaved, so noise hits all alike) and the ratios, in
wall time and in CPU time (user + system of the process: the figure that a machine shared with
other work does not blur). The commands run as after ``pip install .``: with Python's bytecode
cache (an environment with ``PYTHONDONTWRITEBYTECODE`` set compiles every module of the
package on every start, about 0.3 s), written by one warm-up run of each.
For where start-up goes: ``python -X importtime -m symderiv check FILE 2> imports.txt``.

    python bench/bench_check.py [--repeat 5] [FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed_softmax_ce_ko.md"
TARGET_S = 1.5
TARGET_START_S = 0.5


#: The environment of a user's shell: bytecode cached, as after ``pip install .``.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _time(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd``."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file", nargs="?", default=str(SEED))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    check = [sys.executable, "-m", "symderiv", "check", args.file]
    base = [sys.executable, "-c", "import sympy"]
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.md"
        empty.write_text("# A note with prose only\n", encoding="utf-8")
        start = [sys.executable, "-m", "symderiv", "check", str(empty)]
        for cmd in (base, start, check):  # warm-up: the bytecode cache written
            _time(cmd)
        times_check, times_base, times_start = [], [], []
        for _ in range(args.repeat):  # interleaved, so noise hits all alike
            times_base.append(_time(base))
            times_start.append(_time(start))
            times_check.append(_time(check))
    wall = {k: statistics.median(t[0] for t in v) for k, v in
            (("c", times_check), ("b", times_base), ("s", times_start))}
    cpu = {k: statistics.median(t[1] for t in v) for k, v in
           (("c", times_check), ("b", times_base), ("s", times_start))}
    med_c, med_b, med_s = wall["c"], wall["b"], wall["s"]
    walls = [t[0] for t in times_check]
    print(f"file: {args.file}; load average {os.getloadavg()[0]:.1f}")
    print(f"import sympy (baseline): median {med_b:.3f} s wall, {cpu['b']:.3f} s CPU over {args.repeat} runs")
    print(f"start-up (no step):      median {med_s:.3f} s wall ({med_s / med_b:.2f}x import sympy), "
          f"{cpu['s']:.3f} s CPU ({cpu['s'] / cpu['b']:.2f}x)")
    print(f"symderiv check:          median {med_c:.3f} s wall (min {min(walls):.3f}, max {max(walls):.3f}), "
          f"{cpu['c']:.3f} s CPU")
    print(f"ratio check / import sympy: {med_c / med_b:.1f}x wall, {cpu['c'] / cpu['b']:.1f}x CPU")
    print(f"target check < {TARGET_S:.1f} s: {'met' if med_c < TARGET_S else 'NOT met'}; "
          f"start-up < {TARGET_START_S:.1f} s: {'met' if med_s < TARGET_START_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
