"""How ``check`` runs: -j N gives the -j 1 report, the document budget, Ctrl-C, progress."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from symderiv import api, run
from symderiv.checker import document
from symderiv.cli import main
from symderiv.config import CheckConfig
from symderiv.results import StepResult, Verdict

NOTE = r"""# A short note

<!-- symderiv: assume sum(y) = 1 -->

$$p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}$$

$$\frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} - p_j)$$

$$\frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} + p_j)$$

$$(a + b)^2 = a^2 + 2ab + b^2 = a^2 + b^2$$

$$\sum_{j=1}^{n} 2 p_j = 2$$
"""


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_two_processes_give_the_report_of_one(
    write_doc: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # NOTE: every input is spread step by step over the processes, however short it is.
    monkeypatch.setattr(run, "SHARE_CHARS", 0)
    a = write_doc(NOTE, "a.md")
    b = write_doc(NOTE.replace("2 p_j = 2", "3 p_j = 3"), "b.md")
    # NOTE: a generous --timeout, so that no step's result depends on the machine's load.
    one = _json(["check", "--json", "--timeout", "100", "-j", "1", str(a), str(b)], capsys)
    two = _json(["check", "--json", "--timeout", "100", "-j", "2", str(a), str(b)], capsys)
    assert one == two
    assert one[0] == 1
    verdicts = [s["verdict"] for s in one[1]["files"][0]["steps"]]
    assert verdicts == ["definition", "proved", "false", "proved", "false", "proved"]


def test_steps_after_the_budget_are_not_judged_and_counted(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc(NOTE)
    code, out = _json(["check", "--json", "--budget", "1e-9", str(path)], capsys)
    steps = out["files"][0]["steps"]
    assert [s["verdict"] for s in steps] == ["definition"] + ["undetermined"] * 5
    assert {s["method"] for s in steps[1:]} == {"not-judged"}
    assert steps[1]["detail"] == (
        "not judged: the document budget of 1e-09 s was spent (--budget)"
    )
    assert out["files"][0]["warnings"] == [
        "5 of 6 steps not judged: the document budget of 1e-09 s was spent (--budget)"
    ]
    assert code == 0  # nothing judged false
    assert main(["check", "--strict", "--budget", "1e-9", str(path)]) == 1


def test_budget_zero_means_no_budget(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc(NOTE)
    _, out = _json(["check", "--json", "--budget", "0", str(path)], capsys)
    assert all(s["method"] != "not-judged" for s in out["files"][0]["steps"])
    assert out["files"][0]["warnings"] == []


def test_the_text_report_counts_the_steps_not_judged(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc(NOTE)
    assert main(["check", "--budget", "1e-9", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: note: 5 of 6 steps not judged: the document budget of 1e-09 s" in out


def test_ctrl_c_reports_what_was_judged_and_exits_130(
    write_doc: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged = document.check_equal

    def interrupted_at_the_binomial(lhs: Any, *args: Any, **kwargs: Any) -> Any:
        if "a" in {str(s) for s in lhs.free_symbols}:
            raise KeyboardInterrupt  # Ctrl-C while (a + b)^2 = ... is judged
        return judged(lhs, *args, **kwargs)

    monkeypatch.setattr(document, "check_equal", interrupted_at_the_binomial)
    path = write_doc(NOTE)
    code = main(["check", "--json", "-j", "1", str(path)])
    captured = capsys.readouterr()
    assert code == 130
    steps = json.loads(captured.out)["files"][0]["steps"]
    assert [s["verdict"] for s in steps[:3]] == ["definition", "proved", "false"]
    assert steps[3]["detail"] == "not judged: interrupted (Ctrl-C)"
    assert all(s["method"] == "not-judged" for s in steps[3:])
    assert "interrupted" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["-j", "0"], "positive integer", id="jobs-zero"),
        pytest.param(["--budget", "-1"], "seconds >= 0", id="budget-negative"),
        pytest.param(["--budget", "soon"], "number of seconds", id="budget-word"),
    ],
)
def test_bad_run_options_exit_2(
    argv: list[str],
    message: str,
    write_doc: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", *argv, str(write_doc(NOTE))]) == 2
    assert message in capsys.readouterr().err


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_progress_only_on_a_terminal(write_doc: Callable[..., Path], tty: bool) -> None:
    path = write_doc(NOTE)
    stream = _Terminal(tty)
    docs, names, errors = _loaded(path)
    progress = run.Progress(stream, after_s=0.0)
    run.check_documents(docs, names, errors, read=_read, jobs=1, budget_s=None, progress=progress)
    shown = stream.getvalue()
    if tty:
        assert re.match(r"^\r\x1b\[Ksymderiv: [0-6]/6 steps judged, [01]/1 input, \d+ s", shown)
        assert shown.endswith("\r\x1b[K")  # the line is cleared at the end
    else:
        assert shown == ""


def _loaded(path: Path) -> tuple[list[Any], list[str], list[str | None]]:
    from symderiv import inputs

    target = inputs.discover([str(path)])[0]
    assert isinstance(target, inputs.Target)
    return [inputs.load(target, max_bytes=1 << 20)], [target.name], [None]


def _read(doc: Any) -> Any:
    return api.read_text(doc.text, fmt=doc.fmt, source=doc.name)


def test_not_judged_is_undetermined_with_its_reason() -> None:
    res = run.not_judged("interrupted")
    assert (res.verdict.value, res.method, res.detail) == (
        "undetermined",
        "not-judged",
        "not judged: interrupted",
    )


def test_reports_without_sympy_forms_render_the_same(write_doc: Callable[..., Path]) -> None:
    path = write_doc(NOTE)
    cfg = CheckConfig(step_timeout_s=100.0)  # no result that depends on the machine's load
    full = api.check_run([str(path)], check_cfg=cfg, sympy_forms=True).reports
    light = api.check_run([str(path)], check_cfg=cfg, sympy_forms=False).reports
    assert full[0].report is not None and light[0].report is not None
    assert full[0].report.steps[1].step.lhs is not None
    assert all(s.step.lhs is None for s in light[0].report.steps)
    for fmt in ("text", "json", "github"):
        assert api.render(list(full), output_format=fmt) == api.render(
            list(light), output_format=fmt
        )


def test_the_budget_spent_between_steps_leaves_the_rest_not_judged(
    write_doc: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # NOTE: a clock that moves 6 s with every step judged, so the 10 s budget runs out after
    # the second step, whatever the machine's speed.
    now = [0.0]
    judged = document.check_equal

    def slow_step(*args: Any, **kwargs: Any) -> Any:
        res = judged(*args, **kwargs)
        now[0] += 6.0
        return res

    monkeypatch.setattr(run._judge, "clock", lambda: now[0])
    monkeypatch.setattr(document, "check_equal", slow_step)
    path = write_doc(NOTE)
    code, out = _json(["check", "--json", "-j", "1", "--budget", "10", str(path)], capsys)
    steps = out["files"][0]["steps"]
    assert [s["verdict"] for s in steps] == ["definition", "proved", "false"] + [
        "undetermined"
    ] * 3
    assert {s["detail"] for s in steps[3:]} == {
        "not judged: the document budget of 10 s was spent (--budget)"
    }
    assert out["files"][0]["warnings"] == [
        "3 of 6 steps not judged: the document budget of 10 s was spent (--budget)"
    ]
    assert code == 1  # a step judged false still fails the run


def test_the_budget_counts_cpu_time_not_waiting() -> None:
    # NOTE: a process that waits (for a busy machine's cores) does not spend its budget.
    before = run._judge.clock()
    time.sleep(0.3)
    assert run._judge.clock() - before < 0.15


def test_the_step_being_judged_when_the_budget_runs_out_is_stopped_and_not_judged(
    write_doc: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def runaway(*args: Any, **kwargs: Any) -> Any:
        # NOTE: spins past any budget; returns after 30 s so that a missing limit fails the test
        end = time.monotonic() + 30
        while time.monotonic() < end:
            pass
        return StepResult(Verdict.PROVED, "runaway")

    monkeypatch.setattr(document, "check_equal", runaway)
    path = write_doc(NOTE)
    code, out = _json(["check", "--json", "-j", "1", "--budget", "1", str(path)], capsys)
    steps = out["files"][0]["steps"]
    assert [s["verdict"] for s in steps] == ["definition"] + ["undetermined"] * 5
    assert {s["detail"] for s in steps[1:]} == {
        "not judged: the document budget of 1 s was spent (--budget)"
    }
    assert code == 0


def test_a_failure_that_escapes_the_checker_costs_its_input_only(
    write_doc: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from symderiv.errors import SymderivError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise SymderivError("the checker broke")

    bad = write_doc(NOTE, "bad.md")
    good = write_doc("$$(a + b)^2 = a^2 + 2ab + b^2$$\n", "good.md")
    real = document.check_equal

    def broken_for_bad(lhs: Any, *args: Any, **kwargs: Any) -> Any:
        if "a" in {str(s) for s in lhs.free_symbols}:
            return real(lhs, *args, **kwargs)
        return broken()

    monkeypatch.setattr(document, "check_equal", broken_for_bad)
    code = main(["check", "-j", "1", str(bad), str(good)])
    captured = capsys.readouterr()
    assert code == 2
    assert f"symderiv: error: cannot check {bad}: the checker broke" in captured.err
    assert "total: 1 file, 1 step: 1 proved; 1 input not read" in captured.out
