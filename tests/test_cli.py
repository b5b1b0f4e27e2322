"""The command line per CONTRACT.md: main(argv) -> exit status, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from symderiv.cli import main

GOOD = r"""# Softmax

$$p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}$$

$$\frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} - p_j)$$
"""

WRONG = r"""# Softmax, with a slip

$$p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}$$

$$\frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} + p_j)$$
"""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("symderiv ")


def test_list_names_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    assert "softmax-ce" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["check", "no/such/file.md"], "cannot read no/such/file.md", id="missing-file"
        ),
        pytest.param(["derive", "no-such"], "unknown derivation 'no-such'", id="unknown-name"),
        pytest.param(["spot", "no-such"], "unknown derivation 'no-such'", id="unknown-spot"),
        pytest.param(["derive", "softmax-ce", "--n", "0"], "positive integer", id="n-zero"),
        pytest.param(["derive", "softmax-ce", "--n", "-3"], "positive integer", id="n-negative"),
        pytest.param(["derive", "softmax-ce", "--n", "2.5"], "positive integer", id="n-fraction"),
        pytest.param(
            ["derive", "softmax-ce", "--indices", "ii"], "three different letters", id="indices"
        ),
        pytest.param(["frobnicate"], "invalid choice", id="unknown-command"),
        pytest.param(
            ["derive", "softmax-ce", "--probs", "p}"],
            "symderiv: error: --probs 'p}' is not a name: unbalanced braces: '}' closes nothing "
            "at line 1, column 2\n",
            id="probs-unbalanced",
        ),
        pytest.param(
            ["derive", "softmax-ce", "--probs", "x"],
            "symderiv: error: --probs 'x' is the same name as --logits\n",
            id="probs-is-logits",
        ),
        pytest.param(
            ["derive", "softmax-ce", "--targets", "pq"],
            "symderiv: error: --targets 'pq' is not a vector name (like x, p, \\hat{y}): it "
            "reads as p*q[i]\n",
            id="targets-product",
        ),
        pytest.param(
            ["derive", "softmax-ce", "--classes", "n+1"],
            "symderiv: error: --classes 'n+1' is not a plain name (like L, n): it reads as n + 1\n",
            id="classes-sum",
        ),
    ],
)
def test_bad_usage_exits_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_check_a_correct_document_exits_0(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc(GOOD)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "definition" in out and "proved" in out


def test_check_a_wrong_step_exits_1_and_reports_a_counterexample(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc(WRONG)
    assert main(["check", "--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    (entry,) = data["files"]
    assert entry["file"] == str(path)
    verdicts = [s["verdict"] for s in entry["steps"]]
    assert verdicts == ["definition", "false"]
    wrong = entry["steps"][1]
    assert (wrong["block"], wrong["index"], wrong["line"]) == (2, 0, 5)
    assert wrong["lhs"] == r"\frac{\partial p_i}{\partial x_j}"
    assert wrong["rhs"] == r"p_i(\delta_{ij} + p_j)"
    assert isinstance(wrong["counterexample"], dict)
    assert entry["summary"]["false"] == 1 and entry["summary"]["definition"] == 1


def test_strict_turns_unparsed_into_failure(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc("$$a = \\frac{b$$\n")
    assert main(["check", str(path)]) == 0
    assert main(["check", "--strict", str(path)]) == 1
    assert "unparsed" in capsys.readouterr().out


def test_assume_on_the_command_line_is_used(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = "$$p_i \\sum_j y_j - y_i = p_i - y_i$$\n"
    path = write_doc(text)
    main(["check", "--json", str(path)])
    without = json.loads(capsys.readouterr().out)["files"][0]["steps"][0]["verdict"]
    main(["check", "--json", "--assume", "sum(y) = 1", str(path)])
    with_it = json.loads(capsys.readouterr().out)["files"][0]["steps"][0]["verdict"]
    assert without == "conditional"
    assert with_it == "proved"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("$$x^{10^{10^{10}}} = 1$$", id="huge-exponent"),
        pytest.param("$$" + "(" * 500 + "x" + ")" * 500 + " = x$$", id="deep-nesting"),
        pytest.param("$$__import__('os').system('touch MARKER') = 1$$", id="hostile-name"),
        pytest.param("$$\\frac{a}{b = \\undefinedmacro{c}$$", id="unbalanced"),
    ],
)
def test_hostile_documents_end_in_a_verdict_not_a_crash(
    content: str | bytes,
    write_doc: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marker = tmp_path / "pwned"
    if isinstance(content, str):
        content = content.replace("MARKER", str(marker))
    path = write_doc(content)
    assert main(["check", "--json", "--timeout", "2", str(path)]) in (0, 1)
    captured = capsys.readouterr()
    assert not marker.exists(), "a document's text was run as code"
    assert "Traceback" not in captured.err
    json.loads(captured.out)


def test_a_binary_file_is_refused_with_a_message_not_read_as_garbage(
    write_doc: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_doc(b"\x00\xff\xfe$$\x00\x01 = \x02$$")
    assert main(["check", "--json", str(path)]) == 2
    captured = capsys.readouterr()
    message = (
        f"cannot read {path}: contains NUL bytes: not a text document, or UTF-16 without a "
        "byte-order mark; save it as UTF-8"
    )
    assert captured.err == f"symderiv: error: {message}\n"
    (entry,) = json.loads(captured.out)["files"]
    assert entry["error"] == message and entry["steps"] == []


def test_derive_json_has_the_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "softmax-ce", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "softmax-ce" and data["n"] is None
    assert data["steps"] and {"lhs", "rhs", "verdict", "justification", "assumptions_used"} <= set(
        data["steps"][0]
    )
    assert all(s["verdict"] != "false" for s in data["steps"])


def test_derive_writes_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.tex"
    assert main(["derive", "softmax-ce", "--n", "3", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert "\\frac" in out.read_text(encoding="utf-8")


def test_spot_passes_on_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spot", "softmax-ce", "--n", "5", "--samples", "8", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n"] == 5 and data["seed"] == 0
    assert data["checks"] and all(c["ok"] for c in data["checks"])


def test_derive_takes_names_that_read_back(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "derive",
        "softmax-ce",
        "--probs",
        "\\hat{y}",
        "--loss",
        "\\mathcal{L}",
        "--targets",
        "t",
    ]
    assert main(argv) == 0
    assert "\\hat{y}_i" in capsys.readouterr().out


def test_spot_refuses_a_size_that_cannot_fit_in_memory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from symderiv import api

    monkeypatch.setattr(api, "_available_memory", lambda: 2**30)
    assert main(["spot", "softmax-ce", "--n", "100000"]) == 2
    assert capsys.readouterr().err == (
        "symderiv: error: spot --n 100000 needs about 596.0 GiB of memory (n × n Jacobians); "
        "1.0 GiB is available: use a smaller --n\n"
    )
    assert main(["spot", "softmax-ce", "--n", "100", "--dtype", "float32", "--samples", "2"]) == 0


@pytest.mark.parametrize("command", ["check", "derive", "spot"])
def test_every_option_has_help(command: str) -> None:
    import argparse

    from symderiv.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = sub.choices[command]
    missing = [a.dest for a in parser._actions if not a.help and a.dest not in ("files",)]
    assert missing == []
