"""A checked derivation as LaTeX: an ``align*`` environment, or a document pdflatex compiles."""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy

from symderiv.model import Assumption, Derivation
from symderiv.results import DerivationReport, StepReport
from symderiv.writer._pages import (
    CORNER,
    SHORT,
    assumption_directive,
    entry_steps,
    sides,
    stated,
    vector_definitions,
)
from symderiv.writer.latex import latex_text, shrunk, to_latex, to_latex_chains, to_latex_rows

__all__ = ["as_latex"]

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2.5cm]{geometry}
\usepackage{amsmath}
\usepackage{graphicx}
\allowdisplaybreaks
"""


def _n_phrase(d: Derivation, settings: dict[str, Any]) -> str:
    """``for symbolic $n$`` or ``for $n = 3$`` (LaTeX prose)."""
    if d.n.is_Integer:
        return f"for $n = {int(d.n)}$"
    return f"for symbolic ${to_latex(d.n, **settings)}$"


def _index_range_tex(a: Assumption, d: Derivation, settings: dict[str, Any]) -> str:
    """``1 \\leq i, j, k \\leq n`` for an index-range assumption."""
    letters = sorted((s for s in a.expr.free_symbols if s != d.n), key=lambda s: s.name)
    names = ", ".join(to_latex(s, **settings) for s in letters)
    return rf"1 \leq {names} \leq {to_latex(d.n, **settings)}"


def _corner_body(
    rows: list[StepReport], entries: Derivation, n: sympy.Expr, settings: dict[str, Any]
) -> str:
    """An ``align*`` body: each step's entry formula, then the corner of its matrices."""
    matched = entry_steps(rows, entries, n)
    shown = Derivation(entries.name, tuple(m or r.step for m, r in zip(matched, rows)))
    short = {**settings, **SHORT, "fit_width": None}
    body = []
    for line, r, m in zip(to_latex_rows(shown, **short), rows, matched):
        body.append(line)
        if m is None:
            continue
        lhs, rhs = sides(r.step, short)
        if (lhs, rhs) == sides(m, short):
            continue
        if settings.get("fit_width"):
            # NOTE: a corner of wide entries still gets shrunk to the line, never enlarged.
            lhs, rhs = (
                shrunk(t, 0.42) if t.startswith(r"\begin{bmatrix}") else t for t in (lhs, rhs)
            )
        continues = line.startswith("&=")
        body.append(rf"&\qquad = {rhs}" if continues else rf"&\qquad {lhs} = {rhs}")
    return " \\\\\n".join(body)


def as_latex(
    report: DerivationReport,
    settings: dict[str, Any],
    *,
    standalone: bool,
    entries: Derivation | None = None,
) -> str:
    d = report.derivation
    if standalone:
        # NOTE: a tag moves below a row that fills the line, where a justification column
        # would push wide rows (matrices, long justifications) off the page.
        settings = {"justification": "tag", "fit_width": 70, **settings}
    rows = vector_definitions(list(report.steps))
    shown = dataclasses.replace(d, steps=tuple(r.step for r in rows))
    if entries is not None:
        bodies = [_corner_body(rows, entries, d.n, settings)]
    elif standalone and any(isinstance(s.rhs, sympy.MatrixBase) for s in d.steps):
        # NOTE: one alignment per chain, so that a wide matrix row does not push every
        # other row to the right.
        bodies = to_latex_chains(shown, **settings)
    else:
        bodies = [to_latex(shown, **settings)]
    align = "".join("\\begin{align*}\n" + b + "\n\\end{align*}\n" for b in bodies)
    directives = "".join(
        f"% symderiv: assume {assumption_directive(a, **settings)}\n" for a in stated(d)
    )
    if not standalone:
        return directives + align
    facts = []
    for a in d.assumptions:
        if a.kind == "index_range":
            facts.append(f"${_index_range_tex(a, d, settings)}$")
        elif a.kind == "relation":
            facts.append(f"${to_latex(a.expr, **settings)}$")
    intro = [
        rf"\section*{{Derivation \texttt{{{latex_text(d.name)}}}}}",
        "",
        rf"Derived and checked by symderiv {_n_phrase(d, settings)}.",
    ]
    if facts:
        intro.append("Assumptions: " + ", ".join(facts) + ".")
    if entries is not None:
        intro.append(
            f"Each step is shown by its entries, then by the top-left ${CORNER} \\times {CORNER}$ "
            f"corner of its ${int(d.n)} \\times {int(d.n)}$ matrices."
        )
    widest = (
        max(
            (s.cols for st in d.steps for s in (st.lhs, st.rhs) if isinstance(s, sympy.MatrixBase)),
            default=0,
        )
        if entries is None
        else 0
    )
    # NOTE: amsmath's matrices take 10 columns unless told otherwise.
    cols = f"\\setcounter{{MaxMatrixCols}}{{{widest}}}\n" if widest > 10 else ""
    return (
        _PREAMBLE
        + cols
        + directives
        + "\\begin{document}\n"
        + "\n".join(intro)
        + "\n"
        + align
        + "\\end{document}\n"
    )


# --- Markdown -------------------------------------------------------------------------------
