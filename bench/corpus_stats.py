"""Coverage, detection and false alarms of ``symderiv check`` on the corpus, per file and in total.

Run from the repository root::

    python bench/corpus_stats.py            # every file of tests/corpus/expected.json
    python bench/corpus_stats.py --mismatches   # also list each step whose verdict differs
    python bench/corpus_stats.py --json     # one JSON object

coverage  = share of the table's steps that were read (reported, and not ``unparsed``);
detection = share of planted errors found ``false``;
false alarms = steps that hold as written (accepting or a definition) but were found ``false``;
agreement = share of steps whose verdict matches the table exactly.
The numbers are printed for the whole corpus and for the first corpus alone (the files whose
``issue`` is ``"checking"``), i.e. before and after its growth in cases, side conditions,
numbers and compensating slips.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def run(files: Sequence[str] | None = None) -> dict[str, Any]:
    """Check each file of the table and score it; returns per-file rows and the total."""
    # NOTE: first on the path, so that ``tests`` is this repository's (latex2sympy2 installs one).
    if sys.path[0] != str(REPO):
        sys.path.insert(0, str(REPO))
    from symderiv.api import check_file
    from tests.support import scoring

    table = scoring.load_table()
    names = sorted(table) if not files else [f for f in sorted(table) if any(s in f for s in files)]
    rows: list[dict[str, Any]] = []
    total = scoring.Score()
    started = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        error = None
        try:
            found = list(scoring.found_steps(check_file(REPO / name)))
        except Exception as exc:  # noqa: BLE001 - a crash is reported as a row, never hidden
            error = f"{type(exc).__name__}: {exc}"
            found = []
        seconds = time.perf_counter() - t0
        s = scoring.score_file(name, table[name], found)
        total = total + s
        rows.append({"file": name, "seconds": seconds, "error": error, "score": s})
    elapsed = time.perf_counter() - started
    issues = scoring.load_issues()
    first = scoring.Score()
    for r in rows:
        if issues.get(r["file"]) == "checking":
            first = first + r["score"]
    return {"rows": rows, "total": total, "first": first, "seconds": elapsed}


def _fmt(s: Any) -> str:
    return (
        f"{s.steps:5d} {s.coverage:7.1%} {s.agreement:7.1%} "
        f"{s.detected:3d}/{s.planted:<3d} {s.false_alarms:4d}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="substrings selecting files of the table")
    parser.add_argument("--mismatches", action="store_true", help="list every differing step")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.files)
    total = result["total"]
    if args.json:
        out = {
            "files": [
                {
                    "file": r["file"],
                    "seconds": round(r["seconds"], 3),
                    "error": r["error"],
                    "steps": r["score"].steps,
                    "coverage": r["score"].coverage,
                    "agreement": r["score"].agreement,
                    "planted": r["score"].planted,
                    "detected": r["score"].detected,
                    "false_alarms": r["score"].false_alarms,
                    "mismatches": list(r["score"].mismatches),
                }
                for r in result["rows"]
            ],
            "total": {
                "steps": total.steps,
                "coverage": total.coverage,
                "agreement": total.agreement,
                "detection": total.detection,
                "planted": total.planted,
                "detected": total.detected,
                "false_alarms": total.false_alarms,
                "expected_holding": total.expected_holding,
                "seconds": round(result["seconds"], 3),
            },
            "first_corpus": {
                "steps": result["first"].steps,
                "coverage": result["first"].coverage,
                "agreement": result["first"].agreement,
                "detection": result["first"].detection,
                "false_alarms": result["first"].false_alarms,
            },
        }
        print(json.dumps(out, indent=1))
        return 0
    print(
        f"{'file':48s} {'steps':>5s} {'cover':>7s} {'agree':>7s} {'found':>7s} {'FA':>4s} {'sec':>6s}"
    )
    for r in result["rows"]:
        name = r["file"].removeprefix("tests/corpus/")
        line = f"{name:48s} {_fmt(r['score'])} {r['seconds']:6.2f}"
        if r["error"]:
            line += f"  CRASH {r['error'][:80]}"
        print(line)
    print("-" * 86)
    print(f"{'total':48s} {_fmt(total)} {result['seconds']:6.2f}")
    print(
        f"\ncoverage {total.coverage:.1%} ({total.covered}/{total.steps} steps read), "
        f"detection {total.detection:.1%} ({total.detected}/{total.planted} planted errors found false), "
        f"false alarms {total.false_alarms} (of {total.expected_holding} steps that hold), "
        f"agreement {total.agreement:.1%}; {result['seconds']:.1f} s"
    )
    first = result["first"]
    print(
        f"first corpus only (before the cases/side-conditions/numbers growth): "
        f"coverage {first.coverage:.1%}, detection {first.detection:.1%} "
        f"({first.detected}/{first.planted}), false alarms {first.false_alarms}, "
        f"agreement {first.agreement:.1%}"
    )
    if args.mismatches:
        print()
        for r in result["rows"]:
            for m in r["score"].mismatches:
                print(m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
