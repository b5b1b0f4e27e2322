"""Per-topic-group numbers of the real-world corpus, from a report of its scorer.

The scorer prints totals; the issues ask for the four topic groups too (softmax/CE 12-18,
sigmoid/BCE 21-27, information 33-37, backward passes 41-47).

Run:
    python3 ../shared/corpus/score.py --jobs 2 --report /tmp/steps.json
    python bench/corpus_groups.py /tmp/steps.json [more reports, e.g. a "before" one]
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence

GROUPS = {1: "softmax/CE 12-18", 2: "sigmoid/BCE 21-27", 3: "information 33-37", 4: "backward 41-47"}
NOT_COVERED = ("unparsed", "undetermined", "missing")


def group_of(path: str) -> str:
    m = re.search(r"/(\d\d)_", path)
    return GROUPS.get(int(m.group(1)) // 10, "other") if m else "other"


def tally(report: dict) -> dict[str, dict[str, list[int]]]:
    """``{group: {"recall": [found, of], "false alarms": [...], "coverage": [...]}}``."""
    out: dict[str, dict[str, list[int]]] = {}
    for s in report["steps"]:
        g = out.setdefault(
            group_of(s["file"]), {"recall": [0, 0], "false alarms": [0, 0], "coverage": [0, 0]}
        )
        counted = s.get("counted_in", [])
        if "recall" in counted:
            g["recall"][0] += s["verdict"] == "false"
            g["recall"][1] += 1
        if "false_alarm" in counted:
            g["false alarms"][0] += s["verdict"] == "false"
            g["false alarms"][1] += 1
        if "coverage" in counted:
            g["coverage"][0] += s["verdict"] not in NOT_COVERED
            g["coverage"][1] += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print(__doc__)
        return 2
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            groups = tally(json.load(fh))
        print(path)
        for name, v in sorted(groups.items()):
            cells = "  ".join(f"{k} {a}/{b}" for k, (a, b) in v.items())
            print(f"  {name:20} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
