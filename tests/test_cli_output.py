"""What ``symderiv check`` prints: the text report, GitHub annotations, JSON, exit codes."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from symderiv.cli import main

SMALL = """# Small

$$(x+1)^2 = x^2 + 2x + 1$$

$$(x+1)^2 = x^2 + 1$$
"""

MIXED = """# Mixed

$$(x+1)^2 = x^2 + 1$$

$$a = \\frac{b$$

$$(x+1)^2 = x^2 + 2x + 1$$
"""


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder with a wide terminal and no NO_COLOR."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- text --------------------------------------------------------------------------------------


def test_text_report_is_a_position_line_per_step_with_reasons_and_a_total(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "notes.md", SMALL)
    assert main(["check", "notes.md"]) == 1
    assert capsys.readouterr().out == (
        "notes.md:3:13: proved  (x+1)^2 = x^2 + 2x + 1\n"
        "notes.md:5:13: false  (x+1)^2 = x^2 + 1\n"
        "    counterexample: x = 0.7: left 2.89, right 1.49\n"
        "notes.md: 1 proved, 1 false\n"
        "total: 1 file, 2 steps: 1 proved, 1 false\n"
    )


def test_quiet_prints_only_false_undetermined_and_unparsed_and_the_total(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "a.md", SMALL)
    _write(in_tmp, "b.md", MIXED)
    _write(in_tmp, "c.md", "$$p_i \\sum_j y_j - y_i = p_i - y_i$$\n")  # conditional
    assert main(["check", "-q", "a.md", "b.md", "c.md"]) == 1
    out = capsys.readouterr().out.splitlines()
    heads = [line for line in out if not line.startswith("    ")]
    assert heads == [
        "a.md:5:13: false  (x+1)^2 = x^2 + 1",
        "b.md:3:13: false  (x+1)^2 = x^2 + 1",
        "b.md:5:7: unparsed  a = \\frac{b",
        "total: 3 files, 6 steps: 2 proved, 1 conditional, 2 false, 1 unparsed",
    ]
    assert "    unbalanced braces: '{' is never closed at b.md:5:12" in out


LONG_L = " + ".join("1" * 8)  # 29 characters: "1 + 1 + ... + 1", 8 ≠ 16
LONG_R = " + ".join("2" * 8)


@pytest.mark.parametrize(
    ("columns", "sides"),
    [
        pytest.param("200", f"{LONG_L} = {LONG_R}", id="fits"),
        # 60 columns: 18 for "n.md:1:35: false  ", 3 for " = ", 39 for the two sides.
        pytest.param("60", f"{LONG_L[:18]}… = {LONG_R[:19]}…", id="both-cut"),
        # Never less than 16 characters for the two sides, however narrow the terminal.
        pytest.param("20", f"{LONG_L[:7]}… = {LONG_R[:7]}…", id="narrow"),
    ],
)
def test_formulas_are_shortened_to_the_terminal_width(
    columns: str,
    sides: str,
    in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    _write(in_tmp, "n.md", f"$${LONG_L} = {LONG_R}$$\n")
    main(["check", "n.md"])
    assert capsys.readouterr().out.splitlines()[0] == f"n.md:1:35: false  {sides}"


def _pretend_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)


@pytest.mark.parametrize(
    ("argv", "tty", "no_color", "coloured"),
    [
        pytest.param([], False, None, False, id="pipe"),
        pytest.param([], True, None, True, id="tty"),
        pytest.param([], True, "1", False, id="tty-NO_COLOR"),
        pytest.param([], True, "", True, id="tty-empty-NO_COLOR"),
        pytest.param(["--color", "always"], False, None, True, id="always"),
        pytest.param(["--color", "always"], False, "1", False, id="always-NO_COLOR"),
        pytest.param(["--color", "never"], True, None, False, id="never"),
    ],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(
    argv: list[str],
    tty: bool,
    no_color: str | None,
    coloured: bool,
    in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _write(in_tmp, "notes.md", SMALL)
    if tty:
        _pretend_tty(monkeypatch)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    main(["check", *argv, "notes.md"])
    out = capsys.readouterr().out
    assert ("\x1b[" in out) is coloured
    if coloured:
        assert "\x1b[1mnotes.md:5:13:\x1b[0m \x1b[1;31mfalse\x1b[0m  (x+1)^2 = x^2 + 1" in out


def test_json_and_github_are_never_coloured(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "notes.md", SMALL)
    _pretend_tty(monkeypatch)
    main(["check", "--json", "--color", "always", "notes.md"])
    main(["check", "--output-format", "github", "--color", "always", "notes.md"])
    assert "\x1b[" not in capsys.readouterr().out


def test_json_short_form_and_output_format_json_print_the_same(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "notes.md", SMALL)
    main(["check", "--json", "notes.md"])
    short = json.loads(capsys.readouterr().out)
    main(["check", "--output-format", "json", "notes.md"])
    assert json.loads(capsys.readouterr().out) == short
    (step,) = [s for s in short["files"][0]["steps"] if s["verdict"] == "false"]
    assert (step["line"], step["column"], step["cell"], step["source"]) == (5, 13, None, "notes.md")
    assert short["summary"]["false"] == 1 and short["summary"]["proved"] == 1


def test_json_contradicting_output_format_is_bad_usage(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "notes.md", SMALL)
    assert main(["check", "--json", "--output-format", "github", "notes.md"]) == 2
    assert capsys.readouterr().err == "symderiv: error: --json contradicts --output-format github\n"


def test_format_still_means_the_input_format(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "notes.md", SMALL)
    assert main(["check", "--format", "github", "notes.md"]) == 2
    assert "invalid choice: 'github'" in capsys.readouterr().err


# -- exit codes under --strict -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plain", "strict"),
    [
        pytest.param("$$(x+1)^2 = x^2 + 2x + 1$$\n", 0, 0, id="proved"),
        pytest.param("$$q_i = 2 x_i$$\n", 0, 0, id="definition"),
        pytest.param("$$(x+1)^2 = x^2 + 1$$\n", 1, 1, id="false"),
        pytest.param("$$p_i \\sum_j y_j - y_i = p_i - y_i$$\n", 0, 1, id="conditional"),
        pytest.param(
            "$$\\frac{\\partial E}{\\partial o_j} = o_j - t_j$$\n", 0, 1, id="undetermined"
        ),
        pytest.param("$$a = \\frac{b$$\n", 0, 1, id="unparsed"),
        pytest.param("No display math, $a = b$ inline only.\n", 0, 1, id="no-step"),
    ],
)
def test_exit_status_with_and_without_strict(
    text: str, plain: int, strict: int, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "n.md", text)
    assert main(["check", "n.md"]) == plain
    assert main(["check", "--strict", "n.md"]) == strict


# -- GitHub annotations ----------------------------------------------------------------------

#: The workflow-command grammar: ``::name key=value,key=value::message``; a property value has
#: ``%``, CR, LF, ``:`` and ``,`` escaped, a message ``%``, CR and LF.
COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>[^\r\n]*)$")
PROPERTY = re.compile(r"^(?P<key>[A-Za-z]+)=(?P<value>[^,:\r\n]*)$")
ESCAPE = re.compile(r"%(25|0D|0A|3A|2C)")
UNESCAPE = {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}


def _unescape(text: str, *, allowed: set[str]) -> str:
    for m in re.finditer(r"%(.{0,2})", text):
        assert m.group(1) in allowed, f"unknown escape {m.group(0)!r} in {text!r}"
    return ESCAPE.sub(lambda m: UNESCAPE[m.group(1)], text)


def parse_workflow_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Parse annotations as the GitHub runner does; fails on anything the grammar refuses."""
    parsed = []
    for line in output.splitlines():
        m = COMMAND.match(line)
        assert m, f"not a workflow command: {line!r}"
        props: dict[str, str] = {}
        for item in (m.group("props") or "").split(","):
            if not item:
                continue
            pm = PROPERTY.match(item)
            assert pm, f"not a property: {item!r} in {line!r}"
            props[pm.group("key")] = _unescape(pm.group("value"), allowed=set(UNESCAPE))
        message = _unescape(m.group("message"), allowed={"25", "0D", "0A"})
        parsed.append((m.group("name"), props, message))
    return parsed


GOLDEN_GITHUB = (
    "::error file=notes.md,line=3,col=13,title=symderiv%3A false step 1.0::"
    "(x+1)^2 = x^2 + 1%0Acounterexample: x = 0.7: left 2.89, right 1.49\n"
    "::warning file=notes.md,line=5,col=7,title=symderiv%3A unparsed step 2.0::"
    "a = \\frac{b%0Aunbalanced braces: '{' is never closed at notes.md:5:12\n"
)


def test_github_output_golden(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(in_tmp, "notes.md", MIXED)
    assert main(["check", "--output-format", "github", "notes.md"]) == 1
    assert capsys.readouterr().out == GOLDEN_GITHUB


def test_github_output_parses_with_the_workflow_command_grammar(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file name with the property separators in it, and a formula with a percent sign.
    odd = "a,b: 100%.md"
    _write(in_tmp, odd, "$$(x+1)^2 = x^2 + 1$$\n\n$$y = 50\\% \\frac{b$$\n")
    _write(in_tmp, "notes.md", MIXED)
    _write(in_tmp, "c.md", "$$p_i \\sum_j y_j - y_i = p_i - y_i$$\n")
    assert main(["check", "--output-format", "github", odd, "notes.md", "gone.md", "c.md"]) == 2
    out = capsys.readouterr().out
    assert "::error file=a%2Cb%3A 100%25.md,line=1,col=13," in out
    parsed = parse_workflow_commands(out)
    summary = [
        (name, props.get("file"), props.get("line"), props["title"]) for name, props, _ in parsed
    ]
    assert summary == [
        ("error", odd, "1", "symderiv: false step 1.0"),
        ("warning", odd, "3", "symderiv: unparsed step 2.0"),
        ("error", "notes.md", "3", "symderiv: false step 1.0"),
        ("warning", "notes.md", "5", "symderiv: unparsed step 2.0"),
        ("error", "gone.md", None, "symderiv: not read"),
        ("warning", "c.md", "1", "symderiv: conditional step 1.0"),
    ]
    messages = [message for _, _, message in parsed]
    assert messages[0].startswith("(x+1)^2 = x^2 + 1\ncounterexample: ")
    assert messages[1].startswith("y = 50\\% \\frac{b\n")
    assert messages[4] == "cannot read gone.md: No such file or directory"


def test_the_grammar_check_itself_refuses_unescaped_text() -> None:
    with pytest.raises(AssertionError, match="not a property"):
        parse_workflow_commands("::error file=a,b.md,line=1::m")
    with pytest.raises(AssertionError, match="unknown escape"):
        parse_workflow_commands("::error file=a.md::50%")
    with pytest.raises(AssertionError, match="not a workflow command"):
        parse_workflow_commands("error: a.md")
