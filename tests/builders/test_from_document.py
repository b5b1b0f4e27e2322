"""derive FILE --wrt: the catalogue's strategy on a document's own definitions and notation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy

from symderiv import api
from symderiv.builders.from_document import derive_from
from symderiv.cli import main
from symderiv.reader import parse_formula
from symderiv.results import Verdict

HERE = Path(__file__).resolve().parent / "documents"
SEED = Path(__file__).resolve().parents[2] / "examples" / "seed_softmax_ce_ko.md"

# (document, --wrt, the last right side, what is said to stay unsimplified): losses the
# catalogue does not have, each in its author's notation, and the seed note's definitions.
DOCUMENTS = [
    pytest.param(SEED, "x_i", r"p_i - y_i", None, id="seed-note"),
    pytest.param(HERE / "weighted_ce.md", "z_i", r"p_i \sum_{c=1}^{C} t_c w_c - t_i w_i",
                 "the sums in", id="weighted-ce"),
    pytest.param(HERE / "distillation.md", "x_i", r"T (q_i - s_i)", None, id="distillation"),
    pytest.param(HERE / "softmax_mse.md", "x_i",
                 r"p_i \left(p_i - y_i + \sum_{j=1}^{n} p_j y_j - \sum_{j=1}^{n} p_j^2\right)",
                 "the sums in", id="softmax-mse"),
    pytest.param(HERE / "sigmoid_mse.md", "o_i", r"a_i (1 - a_i)(a_i - y_i)", None,
                 id="sigmoid-mse"),
    pytest.param(HERE / "logit_adjusted.md", "x_i", r"p_i - y_i", None, id="logit-adjusted"),
]


@pytest.mark.parametrize(("path", "wrt", "last", "stays"), DOCUMENTS)
def test_derives_every_step_proved_and_the_markdown_reads_back(
    path: Path, wrt: str, last: str, stays: str | None
) -> None:
    md, rep = api.derive_file(path, wrt=wrt, fmt="markdown")
    verdicts = {r.result.verdict for r in rep.steps}
    assert verdicts <= {Verdict.PROVED, Verdict.DEFINITION}, [
        (r.step.justification, r.result.verdict.value) for r in rep.steps
    ]
    final = rep.steps[-1].step.rhs
    assert sympy.expand(final - parse_formula(last)) == 0, final
    warnings = rep.derivation.warnings
    assert (stays is None and not warnings) or (stays is not None and stays in warnings[0])
    back = api.check_text(md, fmt="md", source="derived.md")
    bad = [
        (r.step.rhs_latex, r.result.verdict.value, r.result.detail)
        for r in back.steps
        if r.result.verdict in (Verdict.FALSE, Verdict.UNPARSED)
    ]
    assert not bad
    assert sum(not r.step.is_definition for r in back.steps) == sum(
        not r.step.is_definition for r in rep.steps
    )


def test_the_seed_note_names_the_assumption_it_uses() -> None:
    _, rep = api.derive_file(SEED, wrt="x_i", fmt="text")
    last = rep.steps[-1].step
    assert last.assumptions_used == ("\\sum_j y_j = 1",)
    assert "\\sum_j y_j = 1" in [a.text for a in rep.derivation.assumptions]
    justifications = [r.step.justification for r in rep.steps if not r.step.is_definition]
    assert justifications[:4] == [
        "quotient rule", "the definition of $p_{i}$", "case $i = j$: $\\delta_{ij} = 1$",
        "case $i \\neq j$: $\\delta_{ij} = 0$",
    ]


@pytest.mark.parametrize(
    ("wrt", "of", "message"),
    [
        pytest.param("L", None, r"^--wrt takes one entry such as x_i, got L$", id="wrt-scalar"),
        pytest.param("x_i", "J", r"^J is not defined in the document; defined scalars: L$",
                     id="of-undefined"),
        pytest.param("x_i", "p_i", r"^--of takes the name of a defined scalar such as L, got 'p_i'$",
                     id="of-entry"),
    ],
)
def test_misuse_is_a_clear_error(wrt: str, of: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        api.derive_file(HERE / "logit_adjusted.md", wrt=wrt, of=of)


def test_a_document_without_a_scalar_is_a_clear_error() -> None:
    d = api.read_text("$$p_i = \\frac{e^{x_i}}{\\sum_{k=1}^{n} e^{x_k}}$$\n")
    with pytest.raises(ValueError, match=r"^the document defines no scalar to differentiate"):
        derive_from(d, wrt=parse_formula("x_i"))


def test_cli_derive_file_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["derive", str(HERE / "distillation.md"), "--wrt", "x_i", "--of", "L",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {s["verdict"] for s in out["steps"]} == {"definition", "proved"}
    assert out["steps"][-1]["assumptions_used"] == ["\\sum_j s_j = 1"]


def test_cli_says_what_stays_unsimplified(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", str(HERE / "weighted_ce.md"), "--wrt", "z_i"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("symderiv: note: cannot be simplified further: the sums in ")


def test_cli_of_without_wrt_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "softmax-ce", "--of", "L"]) == 2
    assert "--of goes with --wrt" in capsys.readouterr().err
