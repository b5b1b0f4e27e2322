"""Mutation counts: how many single-edit mutants of true steps there are, and what the checker says.

Every true step (the catalogue's seed derivation and the identity table of
``tests/support/soundness.py``) is mutated; a numeric referee (sums written out for
n = 2..5, every index value, random points) decides which mutants are really false; the
checker's ``check_equal`` judges those.  Accepted-as-true (proved / verified / numeric) must be 0.

Run: ``/work/venv/bin/python bench/mutation_counts.py [--stride K] [--limit N] [--no-engine]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symderiv.checker import check_equal
from tests.support.soundness import CORPUS, MEANING, catalogue_cases, tally
from tests.support.soundness import engine_judge as _engine_judge


def engine_judge():
    times: list[float] = []
    judge = _engine_judge(check_equal, times)
    judge.times = times  # type: ignore[attr-defined]
    return judge


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stride", type=int, default=1, help="referee every K-th mutant")
    parser.add_argument(
        "--limit", type=int, default=None, help="judge at most N really-false mutants"
    )
    parser.add_argument("--no-engine", action="store_true", help="count mutants and referee only")
    parser.add_argument("--quick", action="store_true", help="referee at n = 3, 2 only")
    args = parser.parse_args(argv)

    cases = CORPUS + MEANING + catalogue_cases()
    judge = None if args.no_engine else engine_judge()
    n_values = (3, 2) if args.quick else (3, 2, 4, 5)
    start = time.perf_counter()
    counts = tally(cases, judge, stride=args.stride, limit=args.limit, n_values=n_values)
    elapsed = time.perf_counter() - start

    print(
        f"true steps: {len(cases)} ({len(CORPUS)} identities + {len(MEANING)} about meaning"
        f" + {len(cases) - len(CORPUS) - len(MEANING)} catalogue steps)"
    )
    print(f"referee: n in {n_values}, every index value (up to 30 per n), 3 random points each")
    width = max(len(label) for label, _ in counts.as_rows())
    for label, number in counts.as_rows():
        print(f"  {label:<{width}}  {number}")
    for name in counts.accepted:
        print(f"  ACCEPTED (soundness bug): {name}")
    times = getattr(judge, "times", [])
    if times:
        times = sorted(times)
        print(
            f"check_equal per mutant: median {times[len(times) // 2]:.3f} s, max {times[-1]:.3f} s"
        )
    print(f"wall time: {elapsed:.1f} s")
    return 1 if counts.accepted else 0


if __name__ == "__main__":
    raise SystemExit(main())
