"""Documents of a checked derivation: text, LaTeX, Markdown that reads back, JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
import sympy

from symderiv.builders.derivations import softmax_ce
from symderiv.model import Derivation, Relation, Step
from symderiv.results import DerivationReport
from symderiv.writer.document import render_derivation
from symderiv.writer.latex import to_latex

# --- the formats, on a derivation built by hand ---------------------------------------------


def test_text_lists_every_step_with_verdict_and_justification(
    hand_report: DerivationReport,
) -> None:
    text = render_derivation(hand_report, fmt="text")
    lines = text.splitlines()
    assert lines[0] == "hand-softmax-ce (symbolic n)"
    assert lines[1] == "  assuming Σ_{j=1..n} y_j = 1"
    assert lines[2] == "  1. definition  p_i = exp(x_i)/(Σ_{k=1..n} exp(x_k))"
    assert lines[3] == " " * 17 + "(softmax)"
    assert "  8. proved      p_i Σ_{j=1..n} y_j - y_i = p_i - y_i" in lines
    assert "  3. proved      ∂p_i/∂x_j = p_i (δ_ij - p_j)" in lines
    assert "(for i ≠ j; case i ≠ j)" in text
    assert "(use Σ_j y_j = 1)" in text
    assert lines[-1] == "summary: 6 proved, 2 definition"


def test_json_has_the_contract_shape(hand_report: DerivationReport) -> None:
    doc = json.loads(render_derivation(hand_report, fmt="json"))
    assert set(doc) >= {"name", "n", "assumptions", "steps"}
    assert doc["name"] == "hand-softmax-ce"
    assert doc["n"] is None
    assert doc["assumptions"] == [r"\sum_{j=1}^{n} y_j = 1"]
    assert len(doc["steps"]) == 8
    for row in doc["steps"]:
        assert set(row) >= {"lhs", "rhs", "verdict", "justification", "assumptions_used"}
    assert doc["steps"][0] == {
        "lhs": "p_i",
        "rhs": r"\frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}",
        "verdict": "definition",
        "justification": "softmax",
        "assumptions_used": [],
        "conditions": [],
        "definition": True,
    }
    assert doc["steps"][4]["conditions"] == [r"i \neq j"]
    assert doc["steps"][-1]["rhs"] == "p_i - y_i"


def test_json_of_concrete_n_and_ln(make_report: Callable[..., DerivationReport]) -> None:
    doc = json.loads(render_derivation(make_report(softmax_ce(3)), fmt="json", ln=True))
    assert doc["n"] == 3
    assert doc["assumptions"] == ["y_1 + y_2 + y_3 = 1"]
    assert any(r"\ln p_1" in row["rhs"] for row in doc["steps"])
    assert not any(r"\log" in row["rhs"] for row in doc["steps"])


def test_latex_is_an_align_environment_with_directives(hand_report: DerivationReport) -> None:
    tex = render_derivation(hand_report, fmt="latex")
    assert tex.startswith("% symderiv: assume \\sum_{j=1}^{n} y_j = 1\n\\begin{align*}\n")
    assert tex.endswith("\n\\end{align*}\n")
    assert to_latex(hand_report.derivation) in tex


def test_standalone_uses_standard_packages_only(hand_report: DerivationReport) -> None:
    tex = render_derivation(hand_report, fmt="latex", standalone=True)
    assert tex.startswith("\\documentclass[11pt]{article}\n")
    packages = re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", tex)
    assert packages == ["geometry", "amsmath", "graphicx"]
    assert "\\begin{document}" in tex and tex.endswith("\\end{document}\n")
    assert r"for symbolic $n$" in tex


def test_markdown_has_one_display_per_step_definitions_first(
    hand_report: DerivationReport,
) -> None:
    md = render_derivation(hand_report, fmt="markdown")
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == len(hand_report.steps)
    assert blocks[0] == r"p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}"
    assert blocks[1] == r"L = -\sum_{j=1}^{n} y_j \log p_j"
    assert blocks[4] == r"\frac{\partial p_i}{\partial x_j} = -p_i p_j \quad \text{for } i \neq j"
    assert "<!-- symderiv: assume \\sum_{j=1}^{n} y_j = 1 -->" in md
    prose = [ln for ln in md.splitlines() if ln and not ln.startswith(("$$", "<!--"))]
    prose = [ln for ln in prose if ln not in blocks]
    # maths in the prose stays inside $...$: no LaTeX command outside it
    assert all(ln.count("$") % 2 == 0 for ln in prose)
    assert all("\\" not in part for ln in prose for part in ln.split("$")[::2])
    # the line right before each display names only the verdict, never a case like "j = i"
    before = [md.splitlines()[i - 2] for i, ln in enumerate(md.splitlines()) if ln == "$$"][::2]
    assert all(re.fullmatch(r"Checked: \w+\.", ln) for ln in before)


def test_markdown_moves_definitions_first(make_report: Callable[..., DerivationReport]) -> None:
    d = softmax_ce()
    late = Derivation("late", d.steps[2:] + d.steps[:2], d.assumptions)
    md = render_derivation(make_report(late), fmt="markdown")
    first, second = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.MULTILINE | re.DOTALL)[:2]
    assert first.startswith("p_i = ") and second.startswith("L = ")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"fmt": "html"},
            r"^unknown format 'html'; expected one of text, latex, markdown, json$",
            id="format",
        ),
        pytest.param(
            {"fmt": "markdown", "standalone": True},
            r"^--standalone goes with --format latex, not 'markdown'$",
            id="standalone-markdown",
        ),
    ],
)
def test_bad_arguments(
    hand_report: DerivationReport, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render_derivation(hand_report, **kwargs)  # type: ignore[arg-type]


def test_markdown_defines_concrete_entries_as_one_vector(
    make_report: Callable[..., DerivationReport],
) -> None:
    md = render_derivation(make_report(softmax_ce(2)), fmt="markdown")
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.MULTILINE | re.DOTALL)
    assert blocks[0] == (
        r"p = \begin{bmatrix}\frac{\exp(x_1)}{\exp(x_1) + \exp(x_2)}\\"
        r"\frac{\exp(x_2)}{\exp(x_1) + \exp(x_2)}\end{bmatrix}"
    )
    assert blocks[1] == r"L = -y_1 \log p_1 - y_2 \log p_2"
    assert "<!-- symderiv: assume y_1 + y_2 = 1 -->" in md


def test_text_of_concrete_n_is_one_line_per_step(
    make_report: Callable[..., DerivationReport],
) -> None:
    text = render_derivation(make_report(softmax_ce(2)), fmt="text")
    assert (
        "[[∂p_1/∂x_1, 0], [0, ∂p_2/∂x_2]] = [[p_1 (1 - p_1), 0], [0, p_2 (1 - p_2)]]"
    ) in {line.split("  ", 2)[-1].strip() for line in text.splitlines()}
    assert "**" not in text and "*" not in text and "\\" not in text


def test_standalone_of_concrete_n_aligns_each_chain_on_its_own(
    make_report: Callable[..., DerivationReport],
) -> None:
    tex = render_derivation(make_report(softmax_ce(3)), fmt="latex", standalone=True)
    # the definitions of p and L, the Jacobian's chain (quotient rule, the definition read
    # back), its two cases, and the chain of dL/dx
    assert tex.count("\\begin{align*}") == 6
    assert "\\resizebox{" in tex
    assert "MaxMatrixCols" not in tex


def test_standalone_allows_matrices_wider_than_ten_columns(
    make_report: Callable[..., DerivationReport],
) -> None:
    row = sympy.ImmutableMatrix([list(sympy.symbols("p_1:12", real=True))])
    d = Derivation("wide", (Step(sympy.Symbol("q", real=True), row, Relation.DEFINE),))
    tex = render_derivation(make_report(d), fmt="latex", standalone=True)
    assert "\\setcounter{MaxMatrixCols}{11}\n" in tex
