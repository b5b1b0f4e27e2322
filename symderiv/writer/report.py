"""Check reports as terminal text, GitHub workflow annotations, JSON and HTML.

Every step is shown at a :class:`Position` (``file:line:col``, with the notebook cell where
there is one), as compilers and linters show theirs, so that editors and CI can jump to it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from symderiv.model import Relation
from symderiv.results import DerivationReport, StepReport, Verdict

#: The verdicts ``-q`` keeps, and the ones ``--strict`` fails on besides ``false``.
ATTENTION = (Verdict.FALSE, Verdict.UNDETERMINED, Verdict.UNPARSED)
UNSETTLED = (Verdict.CONDITIONAL, Verdict.UNDETERMINED, Verdict.UNPARSED)
OUTPUT_FORMATS = ("text", "json", "github")

_COLOURS = {
    Verdict.PROVED: "32",
    Verdict.VERIFIED: "32",
    Verdict.NUMERIC: "32",
    Verdict.DEFINITION: "34",
    Verdict.CONDITIONAL: "33",
    Verdict.FALSE: "1;31",
    Verdict.UNDETERMINED: "33",
    Verdict.UNPARSED: "35",
}


@dataclass(frozen=True)
class Position:
    """Where a step stands: ``file``, 1-based ``line`` and ``column``, the notebook ``cell``.

    >>> str(Position("notes.md", 5, 39)), str(Position("nb.ipynb", 2, 1, cell=3))
    ('notes.md:5:39', 'nb.ipynb:cell 3:2:1')
    """

    file: str
    line: int | None = None
    column: int | None = None
    cell: int | None = None

    def __str__(self) -> str:
        out = self.file if self.cell is None else f"{self.file}:cell {self.cell}"
        if self.line is not None:
            out += f":{self.line}:{self.column if self.column is not None else 1}"
        return out


@dataclass(frozen=True)
class FileReport:
    """One named input's outcome: its report and where each step stands, or why it was not read.

    ``positions`` has one entry per step of ``report`` (empty: the steps' own spans are used).
    """

    file: str
    report: DerivationReport | None = None
    error: str | None = None
    positions: tuple[Position, ...] = ()

    @classmethod
    def of(cls, report: DerivationReport) -> FileReport:
        """A report with the positions its steps' spans give."""
        name = report.derivation.source or report.derivation.name
        return cls(name, report, positions=tuple(_span_position(r, name) for r in report.steps))

    def located(self) -> tuple[tuple[Position, StepReport], ...]:
        if self.report is None:
            return ()
        positions = self.positions or tuple(_span_position(r, self.file) for r in self.report.steps)
        return tuple(zip(positions, self.report.steps))

    def counts(self) -> dict[str, int]:
        if self.report is None:
            return {v.value: 0 for v in Verdict}
        return self.report.summary

    def fails(self, *, strict: bool) -> bool:
        """Whether this input makes the run exit 1 (``false``, or under ``strict`` unsettled)."""
        r = self.report
        if r is None:
            return False
        if r.has_false:
            return True
        return strict and (not r.steps or any(s.result.verdict in UNSETTLED for s in r.steps))


def _as_file_reports(reports: Sequence[FileReport | DerivationReport]) -> list[FileReport]:
    return [r if isinstance(r, FileReport) else FileReport.of(r) for r in reports]


def _span_position(rep: StepReport, file: str) -> Position:
    span = rep.step.span or rep.step.problem_span
    if span is None:
        return Position(file)
    return Position(span.file or file, span.line, span.column)


def _line(rep: StepReport) -> int | None:
    s = rep.step
    if s.span is not None:
        return s.span.line
    return s.problem_span.line if s.problem_span is not None else None


def _clip(text: str | None, width: int) -> str:
    one_line = " ".join((text or "").split())
    if len(one_line) <= width:
        return one_line
    return one_line[: max(width - 1, 0)] + "…"


def _sides(rep: StepReport, room: int | None) -> str:
    """``lhs = rhs`` (``:=`` for a definition), each side shortened so the two fit in ``room``."""
    op = {Relation.DEFINE: " := ", Relation.APPROX: " \\approx "}.get(rep.step.relation, " = ")
    lhs = " ".join((rep.step.lhs_latex or "?").split())
    rhs = " ".join((rep.step.rhs_latex or "?").split())
    if room is None or len(lhs) + len(op) + len(rhs) <= room:
        return lhs + op + rhs
    room = max(room - len(op), 16)
    half = room // 2
    if len(lhs) <= half:
        rhs = _clip(rhs, room - len(lhs))
    elif len(rhs) <= half:
        lhs = _clip(lhs, room - len(rhs))
    else:
        lhs, rhs = _clip(lhs, half), _clip(rhs, room - half)
    return lhs + op + rhs


def reasons(rep: StepReport, *, verbose: bool = False) -> list[str]:
    """The evidence for a verdict, one item a line: condition, counterexample, hints, detail."""
    res = rep.result
    out: list[str] = []
    if res.condition:
        out.append(res.condition)
    if res.counterexample is not None:
        out.append(f"counterexample: {res.counterexample.text}")
    out.extend(f"hint: {hint}" for hint in res.hints)
    if res.n_tried and res.verdict is Verdict.VERIFIED:
        out.append(f"verified for n = {', '.join(map(str, res.n_tried))}")
    # NOTE: a counterexample or a hint says why a step is false better than how it was read;
    # the reading is shown for the other verdicts that need a look, and for all under -v.
    evidence = res.counterexample is not None or bool(res.hints)
    if verbose or res.verdict in UNSETTLED or (res.verdict is Verdict.FALSE and not evidence):
        out.extend(line for line in res.detail.splitlines() if line.strip())
    out.extend(f"warning: {w}" for w in _warnings(rep))
    return out


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def render_step(
    rep: StepReport,
    position: Position | str,
    *,
    verbose: bool = False,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """One step: ``file:line:col: verdict  lhs = rhs``, then its reasons indented below.

    >>> from symderiv.model import Step
    >>> from symderiv.results import StepResult
    >>> import sympy
    >>> s = Step(sympy.Integer(1), sympy.Integer(2), lhs_latex="1", rhs_latex="2", block=1, index=0)
    >>> r = StepResult(Verdict.FALSE, "symbolic", detail="1 - 2 = -1")
    >>> print(render_step(StepReport(s, r), Position("n.md", 3, 5)))
    n.md:3:5: false  1 = 2
        1 - 2 = -1
    """
    verdict = rep.result.verdict
    head = f"{position}: {verdict.value}  "
    room = None if width is None else width - len(head)
    line = _paint(f"{position}:", "1", colour) + " "
    line += _paint(verdict.value, _COLOURS[verdict], colour) + "  " + _sides(rep, room)
    out = [line]
    # NOTE: only the formulas are shortened: a reason cut at the margin could lose the very
    # name or value it is about, so a long one wraps instead.
    out.extend("    " + reason for reason in reasons(rep, verbose=verbose))
    return "\n".join(out)


def summary_line(report: DerivationReport) -> str:
    """``"4 proved, 0 verified, ..."`` in the order of the verdicts."""
    return ", ".join(f"{count} {name}" for name, count in report.summary.items())


def _counts_text(counts: dict[str, int]) -> str:
    shown = [f"{n} {name}" for name, n in counts.items() if n]
    return ", ".join(shown) if shown else "no steps"


def render_text(
    reports: Sequence[FileReport | DerivationReport],
    *,
    verbose: bool = False,
    quiet: bool = False,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """The terminal report: a line per step (``-q``: only false, undetermined, unparsed),
    each file's notes and counts, and a total line across files.

    Unreadable inputs are not shown here (they are errors, printed to standard error) but
    are counted in the total.
    """
    files = _as_file_reports(reports)
    out: list[str] = []
    total = {v.value: 0 for v in Verdict}
    for f in files:
        if f.report is None:
            continue
        for position, rep in f.located():
            if quiet and rep.result.verdict not in ATTENTION:
                continue
            out.append(render_step(rep, position, verbose=verbose, width=width, colour=colour))
        if not quiet:
            for note in (*f.report.derivation.warnings, *f.report.warnings):
                out.append(f"{f.file}: note: {note}")
            out.append(f"{f.file}: {_counts_text(f.counts())}")
        for name, n in f.counts().items():
            total[name] += n
    read = sum(1 for f in files if f.report is not None)
    steps = sum(total.values())
    line = f"total: {read} file{'s' * (read != 1)}, {steps} step{'s' * (steps != 1)}"
    if steps:
        line += f": {_counts_text(total)}"
    errors = len(files) - read
    if errors:
        line += f"; {errors} input{'s' * (errors != 1)} not read"
    out.append(line)
    return "\n".join(out)


def render_failures(report: DerivationReport, *, strict: bool = False) -> str:
    """The steps that make a report fail, for a test failure: a heading with their count, then
    each as the text report shows it (position, sides, counterexample, hints).  Under
    ``strict`` conditional, undetermined and unparsed steps fail too, and so does a report with
    no step.  Empty when nothing fails.
    """
    failing = (Verdict.FALSE, *UNSETTLED) if strict else (Verdict.FALSE,)
    located = [(p, r) for p, r in FileReport.of(report).located() if r.result.verdict in failing]
    name = report.derivation.source or report.derivation.name
    if not located:
        return f"{name}: no display-math step to check" if strict and not report.steps else ""
    kinds = " or ".join(v.value for v in failing if any(r.result.verdict is v for _, r in located))
    head = f"{name}: {len(located)} step{'s' * (len(located) != 1)} {kinds}"
    return "\n".join([head, *(render_step(r, p) for p, r in located)])


# -- GitHub workflow commands -------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped.

    >>> escape_data("50% off\\nnext")
    '50%25 off%0Anext'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as a message, and ``:`` and ``,`` too.

    >>> escape_property("a:b,c")
    'a%3Ab%2Cc'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str | int | None) -> str:
    """``::command key=value,...::message`` with the escaping GitHub Actions reads back."""
    props = ",".join(
        f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None
    )
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def render_github(reports: Sequence[FileReport | DerivationReport]) -> str:
    """Annotations for GitHub Actions: ``::error`` for a false step or an unreadable input,
    ``::warning`` for a conditional, undetermined or unparsed one; nothing for the rest.

    A notebook's annotation names the cell in its message and no line (the line of a cell is
    not a line of the ``.ipynb`` file).
    """
    out: list[str] = []
    for f in _as_file_reports(reports):
        if f.report is None:
            out.append(
                workflow_command(
                    "error", f.error or "not read", file=f.file, title="symderiv: not read"
                )
            )
            continue
        for position, rep in f.located():
            verdict = rep.result.verdict
            if verdict is Verdict.FALSE:
                command = "error"
            elif verdict in UNSETTLED:
                command = "warning"
            else:
                continue
            message = "\n".join([_sides(rep, None), *reasons(rep)])
            in_cell = position.cell is not None
            if in_cell:
                message = f"{position}: {message}"
            out.append(
                workflow_command(
                    command,
                    message,
                    file=position.file,
                    line=None if in_cell else position.line,
                    col=None if in_cell else position.column,
                    title=f"symderiv: {verdict.value} step {_label(rep)}",
                )
            )
    return "\n".join(out)


def _label(rep: StepReport) -> str:
    s = rep.step
    return f"{'?' if s.block is None else s.block}.{'?' if s.index is None else s.index}"


# -- JSON ---------------------------------------------------------------------------------


def step_to_json(rep: StepReport, position: Position | None = None) -> dict[str, object]:
    """One step in the CONTRACT.md shape, plus ``method``, ``condition``, ``hints``, ``warnings``
    and where it stands: ``column``, ``cell`` (notebooks) and ``source`` (the file it is in,
    an ``\\input`` file for its steps)."""
    res = rep.result
    out: dict[str, object] = {
        "block": rep.step.block,
        "index": rep.step.index,
        "line": _line(rep) if position is None else position.line,
        "lhs": rep.step.lhs_latex,
        "rhs": rep.step.rhs_latex,
        "verdict": res.verdict.value,
        "detail": res.detail,
        "counterexample": res.counterexample.as_dict() if res.counterexample else None,
        "method": res.method,
        "condition": res.condition,
        "n_tried": list(res.n_tried),
        "hints": list(res.hints),
        "warnings": _warnings(rep),
    }
    if position is not None:
        out["column"] = position.column
        out["cell"] = position.cell
        out["source"] = position.file
    return out


def report_to_json(report: DerivationReport | FileReport) -> dict[str, object]:
    """One input's entry of the ``files`` list; an unreadable one has ``error`` and no steps."""
    f = report if isinstance(report, FileReport) else FileReport.of(report)
    if f.report is None:
        return {
            "file": f.file,
            "error": f.error,
            "steps": [],
            "summary": f.counts(),
            "warnings": [],
            "seed": None,
        }
    return {
        "file": f.file,
        "steps": [step_to_json(r, p) for p, r in f.located()],
        "summary": f.counts(),
        "warnings": [*f.report.derivation.warnings, *f.report.warnings],
        "seed": f.report.seed,
    }


def reports_to_json(reports: Sequence[DerivationReport | FileReport]) -> dict[str, object]:
    """The one JSON object ``symderiv check --json`` prints, with the ``summary`` of all files."""
    files = _as_file_reports(reports)
    total = {v.value: 0 for v in Verdict}
    for f in files:
        for name, n in f.counts().items():
            total[name] += n
    return {"files": [report_to_json(f) for f in files], "summary": total}


# -- HTML (Jupyter) -----------------------------------------------------------------------


def report_html(report: DerivationReport) -> str:
    """A report as an HTML table for Jupyter: every step with its verdict, and for a step that
    is not accepted its evidence (counterexample, hint, condition, reason).

    >>> from symderiv.model import Derivation, Step
    >>> from symderiv.results import Counterexample, StepResult
    >>> import sympy
    >>> s = Step(sympy.Integer(1), sympy.Integer(2), lhs_latex="1", rhs_latex="2", block=1, index=0)
    >>> cx = Counterexample((), 1.0, 2.0, "left 1, right 2")
    >>> r = StepResult(Verdict.FALSE, "symbolic", counterexample=cx, hints=("swap <i, j>",))
    >>> html_text = report_html(DerivationReport(Derivation("d", (s,)), (StepReport(s, r),)))
    >>> "counterexample: left 1, right 2" in html_text, "swap &lt;i, j&gt;" in html_text
    (True, True)
    """
    rows = []
    for position, rep in FileReport.of(report).located():
        verdict = rep.result.verdict
        evidence = "<br>".join(html.escape(r) for r in reasons(rep))
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(position))}</td>"
            f"<td><code>{html.escape(_sides(rep, None))}</code></td>"
            f'<td class="symderiv-{verdict.value}"><b>{verdict.value}</b></td>'
            f"<td>{evidence}</td>"
            "</tr>"
        )
    title = html.escape(report.derivation.source or report.derivation.name)
    counts = html.escape(_counts_text(report.summary))
    return (
        f"<div><p><b>{title}</b>: {counts}</p>"
        "<table><tr><th>where</th><th>step</th><th>verdict</th><th>evidence</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )


def _warnings(rep: StepReport) -> list[str]:
    """The reader's and the checker's warnings of a step, each said once, in order."""
    return list(dict.fromkeys((*rep.step.warnings, *rep.result.warnings)))
