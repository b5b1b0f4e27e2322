"""The standalone LaTeX compiles with pdflatex, for symbolic n and n = 3, in every notation."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symderiv.builders.derivations import softmax_ce
from symderiv.config import Notation
from symderiv.model import Derivation
from symderiv.results import DerivationReport, StepReport, StepResult, Verdict
from symderiv.writer.document import render_derivation

pytestmark = [
    pytest.mark.latex,
    pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not on PATH"),
]

# One document per notation option set; each holds the derivation for symbolic n and n = 3.
NOTATIONS = {
    "x-p-y-n": (Notation(), False),
    "z-S-t-C-ln": (Notation(logits="z", probs="S", targets="t", classes="C"), True),
    "a-haty-t-K-rsu": (
        Notation(
            logits="a", probs=r"\hat y", targets="t", loss="J", indices=("r", "s", "u"), classes="K"
        ),
        False,
    ),
    "o-haty-y-abc-ln": (
        Notation(logits="o", probs=r"\hat{y}", targets="y", indices=("a", "b", "c")),
        True,
    ),
}

# What pdflatex prints for a problem that still lets it finish.
_PROBLEMS = re.compile(
    r"^(! .*|.*Undefined control sequence.*|LaTeX Warning: .*undefined.*|Missing character.*)$",
    re.MULTILINE,
)


def _report(d: Derivation) -> DerivationReport:
    rows = tuple(StepReport(st, StepResult(Verdict.PROVED, "test")) for st in d.steps)
    return DerivationReport(d, rows)


def _document(notation: Notation, ln: bool) -> str:
    """Both derivations in one document: the second one's body after the first's."""
    symbolic = render_derivation(
        _report(softmax_ce(None, notation=notation)), fmt="latex", standalone=True, ln=ln
    )
    concrete = render_derivation(
        _report(softmax_ce(3, notation=notation)), fmt="latex", standalone=True, ln=ln
    )
    head, _, _ = symbolic.partition("\\end{document}")
    _, _, body = concrete.partition("\\begin{document}\n")
    return head + "\\clearpage\n" + body


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, Path]]:
    """pdflatex once per notation set: ``{key: (exit status, log, pdf path)}``."""
    out: dict[str, tuple[int, str, Path]] = {}
    for key, (notation, ln) in NOTATIONS.items():
        folder = tmp_path_factory.mktemp(key)
        (folder / "doc.tex").write_text(_document(notation, ln), encoding="utf-8")
        run = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=folder,
            capture_output=True,
            timeout=120,
            check=False,
        )
        log = (folder / "doc.log").read_text(encoding="utf-8", errors="replace")
        out[key] = (run.returncode, log, folder / "doc.pdf")
    return out


@pytest.mark.parametrize("key", list(NOTATIONS))
def test_standalone_compiles_without_errors(
    compiled: dict[str, tuple[int, str, Path]], key: str
) -> None:
    status, log, pdf = compiled[key]
    problems = _PROBLEMS.findall(log)
    assert status == 0 and not problems, "\n".join(problems) or log[-3000:]
    assert pdf.stat().st_size > 1000


@pytest.mark.parametrize("key", list(NOTATIONS))
def test_standalone_stays_on_the_page(compiled: dict[str, tuple[int, str, Path]], key: str) -> None:
    _, log, _ = compiled[key]
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*", log)
