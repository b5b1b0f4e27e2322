"""Scoring of check reports against the corpus's expectation table (used by the tests and the bench)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "tests" / "corpus" / "expected.json"

ACCEPTING = ("proved", "verified", "numeric")
VERDICTS = ACCEPTING + ("definition", "conditional", "false", "undetermined", "unparsed")


@dataclass(frozen=True)
class Expected:
    """One row of the table: the verdict a correct checker gives a step."""

    block: int
    index: int
    verdict: str
    what: str = ""
    also: tuple[str, ...] = ()
    planted: bool = False
    condition: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Found:
    """What the tool said about one step (plain data, so scoring needs no symderiv import)."""

    block: int
    index: int
    verdict: str
    condition: str | None = None
    has_counterexample: bool = False
    text: str = ""


@dataclass(frozen=True)
class Score:
    """The numbers of one file (or of the whole corpus, summed)."""

    steps: int = 0
    covered: int = 0
    agreeing: int = 0
    planted: int = 0
    detected: int = 0
    expected_holding: int = 0
    false_alarms: int = 0
    mismatches: tuple[str, ...] = field(default=())
    alarms: tuple[str, ...] = field(default=())
    missed: tuple[str, ...] = field(default=())
    unread: tuple[str, ...] = field(default=())

    def __add__(self, other: Score) -> Score:
        return Score(
            self.steps + other.steps,
            self.covered + other.covered,
            self.agreeing + other.agreeing,
            self.planted + other.planted,
            self.detected + other.detected,
            self.expected_holding + other.expected_holding,
            self.false_alarms + other.false_alarms,
            self.mismatches + other.mismatches,
            self.alarms + other.alarms,
            self.missed + other.missed,
            self.unread + other.unread,
        )

    @property
    def coverage(self) -> float:
        """Share of the table's steps that the tool read (reported, and not ``unparsed``)."""
        return self.covered / self.steps if self.steps else 1.0

    @property
    def detection(self) -> float:
        """Share of planted errors that the tool found ``false``."""
        return self.detected / self.planted if self.planted else 1.0

    @property
    def agreement(self) -> float:
        """Share of steps whose verdict matches the table."""
        return self.agreeing / self.steps if self.steps else 1.0


def load_table(path: Path = TABLE) -> dict[str, tuple[Expected, ...]]:
    """The table: repo-relative file path -> its expected steps in document order.

    >>> table = load_table()
    >>> table["derivations/softmax_ce.md"][0].verdict
    'definition'
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[Expected, ...]] = {}
    for name, entry in raw["files"].items():
        out[name] = tuple(
            Expected(
                block=int(s["block"]),
                index=int(s["index"]),
                verdict=str(s["verdict"]),
                what=str(s.get("what", "")),
                also=tuple(s.get("also", ())),
                planted=bool(s.get("planted", False)),
                condition=s.get("condition"),
                hint=s.get("hint"),
            )
            for s in entry["steps"]
        )
    return out


def load_issues(path: Path = TABLE) -> dict[str, str]:
    """Which issue each file belongs to: ``"checking"`` (the first corpus) or ``"reviewer"`` (its growth).

    >>> load_issues()["tests/corpus/silent_sum_y.md"]
    'reviewer'
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: str(entry.get("issue", "checking")) for name, entry in raw["files"].items()}


def hint_matches(keyword: str, said: str) -> bool:
    r"""Does a false step's explanation name the log base of the table's ``hint`` (``"base 10"``)?

    >>> hint_matches("base 10", "holds with log base 10 (rounds to 3 decimals)")
    True
    >>> hint_matches("base 2", "holds with \\log_{2}")
    True
    >>> hint_matches("base 2", "holds with log base 10")
    False
    """
    text = "".join(c for c in said.lower() if c not in " _{}\\")
    base = keyword.split()[-1]
    return any(
        f"{w}{base}" in text and not text.split(f"{w}{base}")[1][:1].isdigit()
        for w in ("base", "log")
    )


def verdict_matches(expected: str, found: str, also: Iterable[str] = ()) -> bool:
    """Does a found verdict satisfy an expected one (``"true"`` = any accepting verdict)?

    >>> verdict_matches("true", "verified"), verdict_matches("proved", "numeric")
    (True, False)
    """
    wanted = (expected, *also)
    return any(found == w or (w == "true" and found in ACCEPTING) for w in wanted)


def holds(expected: Expected) -> bool:
    """True when the table says the step holds as written (accepting or a definition).

    >>> holds(Expected(1, 0, "definition")), holds(Expected(1, 0, "conditional"))
    (True, False)
    """
    return expected.verdict == "true" or expected.verdict in ACCEPTING + ("definition",)


def condition_matches(keyword: str, reported: str | None) -> bool:
    r"""Does the reported condition name the expected relation (either order) or side condition?

    >>> condition_matches("i = j", "holds only when j = i")
    True
    >>> condition_matches("sum", "holds only when i = j")
    False
    >>> condition_matches("i != j", "holds only when i \\neq j"), condition_matches("i = j", "i ≠ j")
    (True, False)
    """
    if not reported:
        return False
    text = "".join(reported.split())
    for neq in ("\\neq", "\\ne", "≠"):
        text = text.replace(neq, "!=")
    text = text.replace("\\", "")
    if keyword == "sum":
        return "sum" in text or "Σ" in text or "∑" in text
    key = "".join(keyword.split())
    op = "!=" if "!=" in key else "="
    left, _, right = key.partition(op)
    hits = [i for w in (f"{left}{op}{right}", f"{right}{op}{left}") for i in _find_all(text, w)]
    # "i=j" must not be read inside "i!=j"
    return any(op == "!=" or i == 0 or text[i - 1] != "!" for i in hits)


def _find_all(text: str, word: str) -> list[int]:
    out, start = [], text.find(word)
    while start != -1:
        out.append(start)
        start = text.find(word, start + 1)
    return out


def found_steps(report: Any) -> tuple[Found, ...]:
    """A ``DerivationReport``'s numbered steps as plain ``Found`` rows (duck-typed, no import).

    >>> found_steps(type("R", (), {"steps": ()})())
    ()
    """
    rows = []
    for r in report.steps:
        if r.step.block is None or r.step.index is None:
            continue
        res = r.result
        text = res.counterexample.text if res.counterexample is not None else res.detail
        rows.append(
            Found(
                block=r.step.block,
                index=r.step.index,
                verdict=res.verdict.value,
                condition=res.condition,
                has_counterexample=res.counterexample is not None,
                text=" ".join(text.split())[:160],
            )
        )
    return tuple(rows)


def score_file(name: str, expected: Sequence[Expected], found: Sequence[Found]) -> Score:
    """Compare one file's found steps with its expected steps.

    A step of the table that the tool does not report at the same ``(block, index)`` counts as
    not covered and not agreeing; a planted error counts as detected only when found ``false``.

    >>> e = (Expected(1, 0, "definition"), Expected(2, 0, "true", planted=False))
    >>> s = score_file("f.md", e, (Found(1, 0, "definition"), Found(2, 0, "false")))
    >>> (s.covered, s.agreeing, s.false_alarms)
    (2, 1, 1)
    """
    by_key: Mapping[tuple[int, int], Found] = {(f.block, f.index): f for f in found}
    covered = agreeing = planted = detected = expected_holding = false_alarms = 0
    mismatches: list[str] = []
    alarms: list[str] = []
    missed: list[str] = []
    unread: list[str] = []
    for e in expected:
        f = by_key.get((e.block, e.index))
        verdict = f.verdict if f is not None else "missing"
        where = f"{name} block {e.block} step {e.index}"
        if f is not None and verdict != "unparsed":
            covered += 1
        else:
            unread.append(where)
        ok = f is not None and verdict_matches(e.verdict, verdict, e.also)
        if ok and e.verdict in ("conditional", "false") and e.condition is not None:
            ok = condition_matches(e.condition, f.condition if f else None)
        if ok and e.verdict == "false":
            ok = f is not None and f.has_counterexample
        if ok:
            agreeing += 1
        else:
            got = verdict if f is None or f.condition is None else f"{verdict} ({f.condition})"
            if e.verdict == "false" and verdict == "false":
                got = "false without a counterexample"
            want = e.verdict + (f" ({e.condition})" if e.condition else "")
            extra = f" — {f.text}" if f is not None and f.text else ""
            mismatches.append(f"{where} [{e.what}]: expected {want}, got {got}{extra}")
        if e.planted:
            planted += 1
            detected += verdict == "false"
            if verdict != "false":
                missed.append(f"{where}: {verdict}")
        if holds(e):
            expected_holding += 1
            false_alarms += verdict == "false"
            if verdict == "false":
                alarms.append(where)
    return Score(
        steps=len(expected),
        covered=covered,
        agreeing=agreeing,
        planted=planted,
        detected=detected,
        expected_holding=expected_holding,
        false_alarms=false_alarms,
        mismatches=tuple(mismatches),
        alarms=tuple(alarms),
        missed=tuple(missed),
        unread=tuple(unread),
    )
