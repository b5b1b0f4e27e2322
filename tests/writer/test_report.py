"""The report writer on hand-made reports: positions, shortening, escaping, JSON, HTML."""

from __future__ import annotations

import pytest
import sympy

from symderiv.model import Derivation, SourceSpan, Step
from symderiv.results import Counterexample, DerivationReport, StepReport, StepResult, Verdict
from symderiv.writer.report import (
    FileReport,
    Position,
    escape_data,
    escape_property,
    render_failures,
    render_github,
    render_step,
    render_text,
    report_html,
    reports_to_json,
    workflow_command,
)


def _step(line: int, column: int, lhs: str = "a", rhs: str = "b", block: int = 1) -> Step:
    x = sympy.Symbol("x")
    return Step(
        x, x, lhs_latex=lhs, rhs_latex=rhs, block=block, index=0, span=SourceSpan(line, column)
    )


CX = Counterexample((("x", 0.5),), 1.0, 2.0, "x = 0.5: left 1, right 2")
FALSE = StepResult(
    Verdict.FALSE,
    "sampling",
    detail="read as x",
    counterexample=CX,
    hints=("holds with the sign flipped",),
)
PROVED = StepResult(Verdict.PROVED, "symbolic", detail="read as x = x")
UNPARSED = StepResult(Verdict.UNPARSED, "reader", detail="unbalanced braces\nsecond line")


def _report(*pairs: tuple[Step, StepResult], source: str = "n.md") -> DerivationReport:
    d = Derivation("d", tuple(s for s, _ in pairs), source=source)
    return DerivationReport(d, tuple(StepReport(s, r) for s, r in pairs))


@pytest.mark.parametrize(
    ("position", "text"),
    [
        pytest.param(Position("n.md", 5, 39), "n.md:5:39", id="file-line-col"),
        pytest.param(Position("n.md", 5, None), "n.md:5:1", id="no-column"),
        pytest.param(Position("n.md"), "n.md", id="no-line"),
        pytest.param(Position("nb.ipynb", 2, 7, cell=3), "nb.ipynb:cell 3:2:7", id="cell"),
    ],
)
def test_position_text(position: Position, text: str) -> None:
    assert str(position) == text


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        pytest.param("plain", "plain", "plain", id="plain"),
        pytest.param("100%", "100%25", "100%25", id="percent"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="crlf"),
        pytest.param("f:1,2", "f:1,2", "f%3A1%2C2", id="colon-comma"),
        pytest.param("%0A", "%250A", "%250A", id="an-escape-written-literally"),
    ],
)
def test_workflow_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_workflow_command_leaves_out_empty_properties() -> None:
    assert workflow_command("warning", "m\n2", file="a,b.md", line=None, col=3) == (
        "::warning file=a%2Cb.md,col=3::m%0A2"
    )
    assert workflow_command("error", "m") == "::error::m"


def test_step_line_and_its_reasons() -> None:
    text = render_step(StepReport(_step(5, 9), FALSE), Position("n.md", 5, 9))
    assert text == (
        "n.md:5:9: false  a = b\n"
        "    counterexample: x = 0.5: left 1, right 2\n"
        "    hint: holds with the sign flipped"
    )
    verbose = render_step(StepReport(_step(5, 9), FALSE), Position("n.md", 5, 9), verbose=True)
    assert verbose.endswith("    hint: holds with the sign flipped\n    read as x")


def test_a_step_without_evidence_shows_how_it_was_read() -> None:
    text = render_step(StepReport(_step(2, 3), UNPARSED), "n.md:2:3")
    assert text == "n.md:2:3: unparsed  a = b\n    unbalanced braces\n    second line"


@pytest.mark.parametrize(
    ("lhs", "rhs", "width", "sides"),
    [
        pytest.param("a", "b", 30, "a = b", id="fits"),
        # 40 columns: 18 for "n.md:1:1: proved  ", 3 for " = ", 19 for the two sides.
        pytest.param("short", "r" * 40, 40, "short = " + "r" * 13 + "…", id="right-cut"),
        pytest.param("l" * 40, "short", 40, "l" * 13 + "… = short", id="left-cut"),
        pytest.param("l" * 40, "r" * 40, 40, "l" * 8 + "… = " + "r" * 9 + "…", id="both-cut"),
        pytest.param("a   b\n c", "d", 30, "a b c = d", id="whitespace-folded"),
    ],
)
def test_formulas_shortened_to_the_width(lhs: str, rhs: str, width: int, sides: str) -> None:
    head = "n.md:1:1: proved  "
    line = render_step(StepReport(_step(1, 1, lhs, rhs), PROVED), "n.md:1:1", width=width)
    assert line == head + sides
    if len(head) + len(sides) > width:
        assert len(line) == width


def test_text_report_totals_across_files_and_counts_unread_inputs() -> None:
    a = _report((_step(1, 4), PROVED), (_step(3, 4, block=2), FALSE), source="a.md")
    b = _report((_step(1, 4), UNPARSED), source="b.md")
    files = [FileReport.of(a), FileReport("gone.md", error="cannot read gone.md"), FileReport.of(b)]
    lines = render_text(files, width=None).splitlines()
    assert "a.md: 1 proved, 1 false" in lines
    assert lines[-1] == "total: 2 files, 3 steps: 1 proved, 1 false, 1 unparsed; 1 input not read"
    quiet = render_text(files, quiet=True).splitlines()
    assert [line for line in quiet if not line.startswith("    ")] == [
        "a.md:3:4: false  a = b",
        "b.md:1:4: unparsed  a = b",
        "total: 2 files, 3 steps: 1 proved, 1 false, 1 unparsed; 1 input not read",
    ]


def test_fails_under_strict() -> None:
    proved = FileReport.of(_report((_step(1, 1), PROVED)))
    unparsed = FileReport.of(_report((_step(1, 1), UNPARSED)))
    empty = FileReport.of(_report())
    assert [f.fails(strict=False) for f in (proved, unparsed, empty)] == [False, False, False]
    assert [f.fails(strict=True) for f in (proved, unparsed, empty)] == [False, True, True]
    assert FileReport("gone.md", error="x").fails(strict=True) is False  # an error is exit 2


def test_github_annotations_golden() -> None:
    rep = _report(
        (_step(1, 4), PROVED),
        (_step(3, 5, "50%", "c,d", block=2), FALSE),
        (_step(7, 2, block=3), UNPARSED),
        source="x:y.md",
    )
    assert render_github([rep, FileReport("gone.md", error="cannot read gone.md")]) == (
        "::error file=x%3Ay.md,line=3,col=5,title=symderiv%3A false step 2.0::"
        "50%25 = c,d%0Acounterexample: x = 0.5: left 1, right 2%0Ahint: holds with the sign flipped\n"
        "::warning file=x%3Ay.md,line=7,col=2,title=symderiv%3A unparsed step 3.0::"
        "a = b%0Aunbalanced braces%0Asecond line\n"
        "::error file=gone.md,title=symderiv%3A not read::cannot read gone.md"
    )


def test_json_entries_for_a_report_and_an_unread_input() -> None:
    rep = _report((_step(3, 5), FALSE))
    data = reports_to_json(
        [
            FileReport("n.md", rep, positions=(Position("inc.tex", 2, 6),)),
            FileReport("gone.md", error="cannot read gone.md"),
        ]
    )
    (step,) = data["files"][0]["steps"]  # type: ignore[index]
    assert (step["line"], step["column"], step["source"], step["cell"]) == (2, 6, "inc.tex", None)
    assert step["counterexample"]["text"] == "x = 0.5: left 1, right 2"
    assert data["files"][1] == {  # type: ignore[index]
        "file": "gone.md",
        "error": "cannot read gone.md",
        "steps": [],
        "summary": {v.value: 0 for v in Verdict},
        "warnings": [],
        "seed": None,
    }
    assert data["summary"] == {**{v.value: 0 for v in Verdict}, "false": 1}


def test_html_shows_the_counterexample_and_hint_of_a_false_step_escaped() -> None:
    rep = _report((_step(1, 4, "a<b", "c"), PROVED), (_step(3, 5, block=2), FALSE))
    html_text = report_html(rep)
    assert "<td>n.md:3:5</td>" in html_text
    assert (
        "counterexample: x = 0.5: left 1, right 2<br>hint: holds with the sign flipped" in html_text
    )
    assert "<code>a&lt;b = c</code>" in html_text
    assert '<td class="symderiv-false"><b>false</b></td>' in html_text
    assert "<b>n.md</b>: 1 proved, 1 false" in html_text


def test_failures_for_a_test_message() -> None:
    rep = _report((_step(1, 4), PROVED), (_step(3, 5, block=2), FALSE), (_step(7, 2), UNPARSED))
    assert render_failures(rep).splitlines()[0] == "n.md: 1 step false"
    assert render_failures(rep, strict=True).splitlines()[0] == "n.md: 2 steps false or unparsed"
    assert render_failures(_report((_step(1, 4), PROVED))) == ""
    assert render_failures(_report(), strict=True) == "n.md: no display-math step to check"
