"""Every catalogued entry has a document that verifies and a wrong sibling that is refuted."""

from __future__ import annotations

import pytest

from symderiv import api, catalogue
from symderiv.config import CheckConfig
from symderiv.results import Verdict

FAST = CheckConfig(concrete_n=(1, 2, 3), samples=12, step_timeout_s=30.0)  # see test_entries

# (name, steps proved, definitions) of each hand-written document: a change in what the
# checker proves or reads shows up here.
DOCUMENTS = [
    pytest.param("softmax-temperature", 8, 2, id="softmax-temperature"),
    pytest.param("log-softmax", 9, 1, id="log-softmax"),
    pytest.param("label-smoothing-ce", 5, 3, id="label-smoothing-ce"),
    pytest.param("kl-softmax", 5, 2, id="kl-softmax"),
    pytest.param("sigmoid-bce", 7, 2, id="sigmoid-bce"),
    pytest.param("focal-loss", 8, 3, id="focal-loss"),
]

# (name, line of the planted error, the planted right side as the reader gives it back)
PLANTED = [
    pytest.param("softmax-temperature", 41, "p_i - y_i", id="softmax-temperature"),
    pytest.param("log-softmax", 17, "\\delta_{ij} + p_j", id="log-softmax"),
    pytest.param(
        "label-smoothing-ce", 33, "p_i - (1 - \\varepsilon) y_i + \\frac{\\varepsilon}{n}",
        id="label-smoothing-ce",
    ),
    pytest.param("kl-softmax", 33, "y_i - p_i", id="kl-softmax"),
    pytest.param("sigmoid-bce", 24, "p_i (1 + p_i)", id="sigmoid-bce"),
    pytest.param(
        "focal-loss", 37,
        "\\alpha (1 - p_i)^{\\gamma - 1} \\left( \\gamma p_i \\log p_i + p_i - 1 \\right)",
        id="focal-loss",
    ),
]


def _document(name: str, wrong: bool = False) -> str:
    doc = catalogue.get(name).document
    assert doc is not None, f"{name} has no document"
    path = catalogue.documents_dir() / (doc.replace(".md", ".wrong.md") if wrong else doc)
    return str(path)


def test_every_entry_has_a_document_and_a_wrong_sibling() -> None:
    for name in catalogue.names():
        doc = catalogue.get(name).document
        assert doc is not None, name
        assert (catalogue.documents_dir() / doc).is_file(), doc
        assert (catalogue.documents_dir() / doc.replace(".md", ".wrong.md")).is_file(), doc


@pytest.mark.parametrize(("name", "proved", "definitions"), DOCUMENTS)
def test_the_document_verifies(name: str, proved: int, definitions: int) -> None:
    report = api.check_file(_document(name), check_cfg=FAST)
    verdicts = [r.result.verdict for r in report.steps]
    assert verdicts.count(Verdict.PROVED) == proved, [
        (r.step.rhs_latex, r.result.verdict.value, r.result.detail) for r in report.steps
    ]
    assert verdicts.count(Verdict.DEFINITION) == definitions
    assert len(verdicts) == proved + definitions


@pytest.mark.parametrize(("name", "line", "rhs"), PLANTED)
def test_the_wrong_sibling_is_refuted_where_the_error_was_planted(
    name: str, line: int, rhs: str
) -> None:
    report = api.check_file(_document(name, wrong=True), check_cfg=FAST)
    false = [r for r in report.steps if r.result.verdict is Verdict.FALSE]
    assert [(r.step.span.line if r.step.span else None, r.step.rhs_latex) for r in false] == [
        (line, rhs)
    ]
    assert false[0].result.counterexample is not None
