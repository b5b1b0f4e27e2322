"""Every catalogued entry's standalone LaTeX compiles with pdflatex, for symbolic n and n = 3."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symderiv import api, catalogue

pytestmark = [
    pytest.mark.latex,
    pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not on PATH"),
]

_PROBLEMS = re.compile(
    r"^(! .*|.*Undefined control sequence.*|LaTeX Warning: .*undefined.*|Missing character.*)$",
    re.MULTILINE,
)


def _compile(tex: str, folder: Path) -> tuple[int, str]:
    (folder / "doc.tex").write_text(tex, encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=folder, capture_output=True, timeout=120, check=False,
    )
    log = (folder / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert (folder / "doc.pdf").stat().st_size > 1000
    return run.returncode, log


@pytest.mark.parametrize("n", [pytest.param(None, id="symbolic-n"), pytest.param(3, id="n3")])
@pytest.mark.parametrize("name", [m for m in catalogue.names() if m != "softmax-ce"])
def test_standalone_compiles(tmp_path: Path, name: str, n: int | None) -> None:
    tex, report = api.derive(name, n, standalone=True)
    assert not report.has_false
    status, log = _compile(tex, tmp_path)
    problems = _PROBLEMS.findall(log)
    assert status == 0 and not problems, "\n".join(problems) or log[-3000:]
    if n is None:
        # NOTE: for n = 3 a written-out scalar side (six log terms of the binary cross-entropy,
        # the shifted log-sum-exp) can run past the margin: the writer does not break lines.
        # align* reserves the widest left side plus the widest right side, which may stand in
        # different rows (focal-loss: its two cases' left sides); up to 36pt goes into the margin.
        over = [float(m) for m in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
        assert all(v <= 36.0 for v in over), over
