"""Wall time of ``symderiv check`` on the seed note, and its start-up, each in a fresh process.

* start-up: ``symderiv check`` on a note with no display math (every import a check pays,
  no step judged);
* the seed note (default: the copy in ``examples/``);
* baseline measured in the same run: a bare ``python -c "import sympy"`` (the floor any
  sympy-based CLI pays).

Prints medians of ``--repeat`` runs (interleaved, so noise hits all alike) and the ratios.
For where start-up goes: ``python -X importtime -m symderiv check FILE 2> imports.txt``.

    python bench/bench_check.py [--repeat 5] [FILE]
"""

from __future__ import annotations

import argparse
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


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


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
        times_check, times_base, times_start = [], [], []
        for _ in range(args.repeat):  # interleaved, so noise hits all alike
            times_base.append(_time(base))
            times_start.append(_time(start))
            times_check.append(_time(check))
    med_c, med_b = statistics.median(times_check), statistics.median(times_base)
    med_s = statistics.median(times_start)
    print(f"file: {args.file}")
    print(f"import sympy (baseline): median {med_b:.3f} s over {args.repeat} runs")
    print(f"start-up (no step):      median {med_s:.3f} s  ({med_s / med_b:.2f}x import sympy)")
    print(f"symderiv check:          median {med_c:.3f} s  (min {min(times_check):.3f}, max {max(times_check):.3f})")
    print(f"ratio check / import sympy: {med_c / med_b:.1f}x")
    print(f"target check < {TARGET_S:.1f} s: {'met' if med_c < TARGET_S else 'NOT met'}; "
          f"start-up < {TARGET_START_S:.1f} s: {'met' if med_s < TARGET_START_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
