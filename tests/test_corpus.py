"""The corpus as a specification: every step of real-style derivations gets the verdict of the table."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from tests.support import scoring

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpus"
DERIVATIONS = REPO / "derivations"


TABLE = scoring.load_table()
FILES = sorted(TABLE)
CORPUS_FILES = [f for f in FILES if f.startswith("tests/corpus/")]
FILE_PARAMS = [pytest.param(f, id=f.removeprefix("tests/corpus/")) for f in FILES]


# Detection and false-alarm thresholds of the issue; coverage is the share of steps read.
MIN_DETECTION = 0.9
MAX_FALSE_ALARMS = 0
MIN_COVERAGE = 0.9


@functools.cache
def report(rel: str) -> Any:
    """The check report (a ``DerivationReport``) of a repo-relative file, computed once per session."""
    # NOTE: imported here so that the table's own tests run even while the pipeline cannot import.
    from symderiv.api import check_file

    return check_file(REPO / rel)


def found(rel: str) -> tuple[Any, ...]:
    """The report's steps as plain ``Found`` rows."""
    return scoring.found_steps(report(rel))


def file_score(rel: str) -> Any:
    return scoring.score_file(rel, TABLE[rel], found(rel))


def total_score() -> Any:
    total = scoring.Score()
    for rel in FILES:
        total = total + file_score(rel)
    return total


# --- the table itself ---------------------------------------------------------------------


def test_every_corpus_document_is_in_the_table_and_has_a_wrong_sibling() -> None:
    on_disk = {
        p.relative_to(REPO).as_posix() for p in CORPUS.iterdir() if p.suffix in (".md", ".tex")
    }
    assert on_disk == set(CORPUS_FILES)
    right = [f for f in on_disk if ".wrong." not in f]
    assert len(right) >= 12
    for f in right:
        stem, ext = f.rsplit(".", 1)
        assert f"{stem}.wrong.{ext}" in on_disk, f"{f} has no .wrong sibling"


@pytest.mark.parametrize("rel", FILE_PARAMS)
def test_table_rows_are_well_formed(rel: str) -> None:
    rows = TABLE[rel]
    blocks: dict[int, list[int]] = {}
    for e in rows:
        assert e.verdict in scoring.VERDICTS + ("true",), e
        assert all(a in scoring.VERDICTS + ("true",) for a in e.also), e
        # a condition belongs to a conditional step, or to a false one whose index case the
        # author did not state (the condition says when it holds)
        assert (e.verdict == "conditional") <= (e.condition is not None), e
        assert e.condition is None or e.verdict in ("conditional", "false"), e
        assert not e.planted or e.verdict == "false", e
        blocks.setdefault(e.block, []).append(e.index)
    assert list(blocks) == sorted(blocks), "blocks out of document order"
    for block, indices in blocks.items():
        assert indices == list(range(len(indices))), f"block {block}: indices {indices}"
    planted = sum(e.planted for e in rows)
    if ".wrong." in rel:
        assert planted >= 1, "a .wrong document must plant an error"
    else:
        # a document as written holds, except where it leaves an index case unstated
        assert planted == 0 and all(e.verdict != "false" or e.condition for e in rows)


@pytest.mark.parametrize(
    ("expected", "found", "also", "ok"),
    [
        pytest.param("true", "proved", (), True, id="true-accepts-proved"),
        pytest.param("true", "numeric", (), True, id="true-accepts-numeric"),
        pytest.param("true", "definition", (), False, id="true-rejects-definition"),
        pytest.param("true", "conditional", (), False, id="true-rejects-conditional"),
        pytest.param("proved", "verified", (), False, id="proved-is-strict"),
        pytest.param("definition", "proved", ("true",), True, id="also-accepts"),
        pytest.param("false", "unparsed", (), False, id="false-rejects-unparsed"),
    ],
)
def test_verdict_matching_rules(expected: str, found: str, also: tuple[str, ...], ok: bool) -> None:
    assert scoring.verdict_matches(expected, found, also) is ok


@pytest.mark.parametrize(
    ("keyword", "reported", "ok"),
    [
        pytest.param("i = j", "holds only when i = j", True, id="i=j"),
        pytest.param("i = j", "holds only when j=i", True, id="j=i"),
        pytest.param("i = j", "holds only when i \\neq j", False, id="neq"),
        pytest.param("i != j", "holds only when i \\neq j", True, id="neq-wanted"),
        pytest.param("i != j", "holds only when j ≠ i", True, id="neq-unicode"),
        pytest.param("i != j", "holds only when i = j", False, id="eq-not-neq"),
        pytest.param("sum", "holds given \\sum_j y_j = 1", True, id="sum"),
        pytest.param("sum", None, False, id="no-condition"),
    ],
)
def test_condition_matching_rules(keyword: str, reported: str | None, ok: bool) -> None:
    assert scoring.condition_matches(keyword, reported) is ok


# --- the tool against the table -------------------------------------------------------------


@pytest.mark.parametrize("rel", FILE_PARAMS)
def test_step_numbering_matches_the_table(rel: str) -> None:
    got = [(f.block, f.index) for f in found(rel)]
    want = [(e.block, e.index) for e in TABLE[rel]]
    assert got == want


@pytest.mark.parametrize("rel", FILE_PARAMS)
def test_every_step_gets_the_expected_verdict(rel: str) -> None:
    s = file_score(rel)
    assert not s.mismatches, "\n" + "\n".join(s.mismatches)


HINTED = [
    pytest.param(rel, e, id=f"{rel.rsplit('/', 1)[-1]}-b{e.block}s{e.index}")
    for rel in FILES
    for e in TABLE[rel]
    if e.hint is not None
]


@pytest.mark.parametrize(("rel", "expected"), HINTED)
def test_false_numeric_claims_say_which_log_base_holds(rel: str, expected: Any) -> None:
    for r in report(rel).steps:
        if (r.step.block, r.step.index) == (expected.block, expected.index):
            res = r.result
            assert res.verdict.value == "false"
            said = " ".join((res.detail, *(res.hints or ()), res.condition or ""))
            assert scoring.hint_matches(expected.hint, said), said
            return
    pytest.fail(f"no step block {expected.block} index {expected.index}")


# --- aggregate numbers (bench/corpus_stats.py prints them per file) ---------------------------


def test_detection_of_planted_errors() -> None:
    s = total_score()
    detection, missed = s.detection, "\n".join(s.missed)
    assert detection >= MIN_DETECTION, f"{s.detected}/{s.planted} found false; missed:\n{missed}"


def test_no_false_alarms() -> None:
    s = total_score()
    false_alarms, alarms = s.false_alarms, "\n".join(s.alarms)
    assert false_alarms <= MAX_FALSE_ALARMS, (
        f"{false_alarms} of {s.expected_holding} steps that hold were found false:\n{alarms}"
    )


def test_coverage() -> None:
    s = total_score()
    coverage, unread = s.coverage, "\n".join(s.unread)
    assert coverage >= MIN_COVERAGE, f"{s.covered}/{s.steps} steps read; not read:\n{unread}"


# --- the catalogue's documents ----------------------------------------------------------------

RIGHT_DOCS = sorted(p.name for p in DERIVATIONS.glob("*.md") if not p.name.endswith(".wrong.md"))
WRONG_DOCS = sorted(p.name for p in DERIVATIONS.glob("*.wrong.md"))


def test_catalogue_documents_exist() -> None:
    assert "softmax_ce.md" in RIGHT_DOCS and "softmax_ce.wrong.md" in WRONG_DOCS
    for name in WRONG_DOCS:
        assert name.replace(".wrong.md", ".md") in RIGHT_DOCS


@pytest.mark.parametrize("name", RIGHT_DOCS)
def test_catalogue_document_has_no_false_and_no_unparsed_step(name: str) -> None:
    rep = report(f"derivations/{name}")
    assert rep.steps, "no step read"
    bad = [
        f"block {r.step.block} step {r.step.index}: {r.result.verdict.value} {r.result.detail}"
        for r in rep.steps
        if r.result.verdict.value in ("false", "unparsed")
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", WRONG_DOCS)
def test_catalogue_wrong_document_is_refuted_with_a_counterexample(name: str) -> None:
    rep = report(f"derivations/{name}")
    refuted = [
        r for r in rep.steps if r.result.verdict.value == "false" and r.result.counterexample
    ]
    assert refuted, "no false step with a counterexample"
