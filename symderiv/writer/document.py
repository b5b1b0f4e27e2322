"""Whole documents of a checked derivation: plain text, LaTeX, Markdown and JSON.

One module per format (``_textpage``, ``_latexpage``, ``_markdown``, ``_json``); what they
share is ``_pages``.
"""

from __future__ import annotations

import json
from typing import Any

from symderiv.model import Derivation
from symderiv.results import DerivationReport
from symderiv.writer._json import as_json
from symderiv.writer._latexpage import as_latex
from symderiv.writer._markdown import as_markdown
from symderiv.writer._pages import CORNER, CORNER_FROM, assumption_directive
from symderiv.writer._textpage import as_text

__all__ = ["CORNER", "CORNER_FROM", "FORMATS", "assumption_directive", "render_derivation"]

FORMATS = ("text", "latex", "markdown", "json")


def render_derivation(
    report: DerivationReport,
    *,
    fmt: str = "latex",
    standalone: bool = False,
    ln: bool = False,
    entries: Derivation | None = None,
    **settings: Any,
) -> str:
    r"""A checked derivation as a document in one of :data:`FORMATS`.

    Args:
        report: the derivation with the checker's verdict on each step.
        fmt: ``"text"`` (a plain listing: each step, its verdict and justification),
            ``"latex"`` (an ``align*`` environment, preceded by the assumptions as
            ``% symderiv:`` directives), ``"markdown"`` (``$$`` blocks with one line of prose
            between them, written so that ``symderiv check`` reads it back step by step) or
            ``"json"`` (the shape of the CLI contract).
        standalone: with ``fmt="latex"``, a complete document that compiles with pdflatex
            (``amsmath`` and ``geometry`` only).
        ln: write natural log as ``\ln`` instead of ``\log``.
        entries: the same derivation for symbolic n. From :data:`CORNER_FROM` classes on, the
            ``latex`` and ``text`` pages show each step by its entry formula (taken from
            ``entries``, at the report's n) followed by the top-left :data:`CORNER` ×
            :data:`CORNER` corner of its matrices, long sums of like terms shortened with
            ``\cdots``; Markdown and JSON always hold every entry (they are read back).
        **settings: further printer settings (see ``SymderivLatexPrinter``).

    Returns:
        The document, ending with a newline.

    Raises:
        ValueError: an unknown ``fmt``, or ``standalone`` with a format other than LaTeX.

    >>> from symderiv import symbols as s
    >>> from symderiv.model import Step
    >>> from symderiv.results import StepResult, StepReport, Verdict
    >>> step = Step(s.L, -s.y[s.i], justification="by hand")
    >>> d = Derivation("demo", (step,))
    >>> rep = DerivationReport(d, (StepReport(step, StepResult(Verdict.PROVED, "symbolic")),))
    >>> print(render_derivation(rep, fmt="latex"), end="")
    \begin{align*}
    L &= -y_i && \text{by hand}
    \end{align*}
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if standalone and fmt != "latex":
        raise ValueError(f"--standalone goes with --format latex, not {fmt!r}")
    settings = {"ln": ln, **settings}
    d = report.derivation
    large = entries is not None and d.n.is_Integer and int(d.n) >= CORNER_FROM
    if fmt == "json":
        return json.dumps(as_json(report, settings), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        return as_text(report, settings, entries if large else None)
    if fmt == "markdown":
        return as_markdown(report, settings)
    return as_latex(report, settings, standalone=standalone, entries=entries if large else None)
