"""Reader timings: the seed note, the corpus, and hostile documents (run by hand, not in CI).

python bench/reader_timing.py
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from symderiv.reader import parse_formula, read_latex, read_markdown

ROOT = Path(__file__).resolve().parents[1]


def _median(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    seed = (ROOT / "examples" / "seed_softmax_ce_ko.md").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    d = read_markdown(seed)
    first = time.perf_counter() - t0
    print(
        f"seed: {len(d.steps)} steps, first read {first * 1000:.0f} ms (imports warm), "
        f"median {_median(lambda: read_markdown(seed)) * 1000:.0f} ms"
    )
    for path in sorted((ROOT / "tests" / "corpus").glob("*")):
        if path.suffix not in (".md", ".tex"):
            continue
        text = path.read_text(encoding="utf-8")
        reader = read_latex if path.suffix == ".tex" else read_markdown
        print(f"{path.name}: median {_median(lambda r=reader, t=text: r(t)) * 1000:.0f} ms")
    rng = random.Random(0)
    garbage = bytes(rng.randrange(256) for _ in range(5 * 1024 * 1024)).decode(
        "utf-8", errors="replace"
    )
    print(f"5 MB of binary garbage: {_median(lambda: read_markdown(garbage), 1):.2f} s")
    blocks = "Prose with $x_i$.\n\n$$a = b + c_i \\times \\frac{1}{2}$$\n\n" * 100_000
    print(
        f"{len(blocks) / 2**20:.1f} MB of display blocks (stops at the block cap): "
        f"{_median(lambda: read_markdown(blocks), 1):.2f} s"
    )
    deep = "(" * 190 + "x" + ")" * 190
    print(f"190-deep parentheses: {_median(lambda: parse_formula(deep)) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
