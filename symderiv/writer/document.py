"""Whole documents of a checked derivation: plain text, LaTeX, Markdown and JSON."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import sympy

from symderiv import indices
from symderiv.model import Assumption, Derivation, Step
from symderiv.results import DerivationReport, StepReport
from symderiv.writer.latex import (
    justification_text,
    latex_text,
    shrunk,
    to_latex,
    to_latex_chains,
    to_latex_rows,
)
from symderiv.writer.text import tex_to_text, to_text

__all__ = ["FORMATS", "assumption_directive", "render_derivation"]

FORMATS = ("text", "latex", "markdown", "json")

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2.5cm]{geometry}
\usepackage{amsmath}
\usepackage{graphicx}
\allowdisplaybreaks
"""


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
        return json.dumps(_as_json(report, settings), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        return _as_text(report, settings, entries if large else None)
    if fmt == "markdown":
        return _as_markdown(report, settings)
    return _as_latex(report, settings, standalone=standalone, entries=entries if large else None)


# --- pieces shared by the formats -----------------------------------------------------------


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


def assumption_directive(a: Assumption, **settings: Any) -> str:
    r"""The text of an ``assume`` directive stating ``a``, as ``symderiv check`` reads it.

    >>> from symderiv import symbols as s
    >>> a = Assumption(sympy.Eq(sympy.Sum(s.y[s.j], (s.j, 1, s.n)), 1), "sum(y) = 1")
    >>> assumption_directive(a)
    '\\sum_{j=1}^{n} y_j = 1'
    """
    if a.kind == "log_base":
        return "log = ln" if a.expr == sympy.E else f"log base {to_latex(a.expr, **settings)}"
    if a.kind == "one_hot":
        return f"{to_latex(a.expr, **settings)} one-hot"
    if a.kind == "index_range" and isinstance(a.expr, (sympy.And, sympy.Rel)):
        rels = a.expr.args if isinstance(a.expr, sympy.And) else (a.expr,)
        if all(isinstance(r, sympy.LessThan) for r in rels) and len({r.rhs for r in rels}) == 1:
            names = ", ".join(to_latex(r.lhs, **settings) for r in rels)
            return f"1 \\le {names} \\le {to_latex(rels[0].rhs, **settings)}"
    return to_latex(a.expr, **settings)


def _stated(d: Derivation) -> list[Assumption]:
    """The assumptions a document states as directives.

    Index ranges (``1 <= i, j, k <= n``) are not stated: the reader gives every index that
    range by itself.
    """
    return [a for a in d.assumptions if a.kind in ("relation", "log_base", "one_hot")]


def _steps_in_order(report: DerivationReport) -> list[StepReport]:
    """Definitions first (a step may only use what is defined before it), then the rest."""
    defs = [r for r in report.steps if r.step.is_definition]
    rest = [r for r in report.steps if not r.step.is_definition]
    return defs + rest


def _entry_of(step: Step) -> tuple[str, int] | None:
    """``("p", 2)`` for a definition of the concrete entry ``p_2``, else None."""
    if not step.is_definition or not isinstance(step.lhs, sympy.Symbol):
        return None
    return indices.split_entry(step.lhs.name)


def _vector_definitions(rows: list[StepReport]) -> list[StepReport]:
    """Definitions of ``p_1 .. p_n`` one after another become one definition of the vector p.

    A reader takes ``p_1 = ...`` for a claim about an entry, but ``p = [...]`` for the
    definition of a name; the vector form also reads as people write it for a given n.
    """
    out: list[StepReport] = []
    pos = 0
    while pos < len(rows):
        first = _entry_of(rows[pos].step)
        end = pos
        if first is not None and first[1] == 1:
            while end + 1 < len(rows) and _entry_of(rows[end + 1].step) == (
                first[0],
                end + 2 - pos,
            ):
                end += 1
        if end > pos:
            run = rows[pos : end + 1]
            base = run[0].step
            vector = Step(
                sympy.Symbol(first[0]),  # type: ignore[index]
                sympy.ImmutableMatrix([r.step.rhs for r in run]),
                base.relation,
                justification=base.justification,
            )
            out.append(StepReport(vector, run[0].result))
            pos = end + 1
        else:
            out.append(rows[pos])
            pos += 1
    return out


#: From this many classes on, the LaTeX and text pages show entry formulas and corners.
CORNER_FROM = 10
#: The rows and columns of a matrix's corner on such a page.
CORNER = 3
_SHORT = {"corner": CORNER, "max_terms": 3}


def _entry_steps(rows: list[StepReport], entries: Derivation, n: sympy.Expr) -> list[Step | None]:
    """For each concrete row, the symbolic step it instantiates, with n put in (or None).

    Rows and steps are matched in order by justification and kind (a definition of the
    vector ``p`` is the instance of the definition of the entry ``p_i``); a symbolic step
    with no concrete row is passed over.
    """
    out: list[Step | None] = []
    pos = 0
    put = {entries.n: n}
    for r in rows:
        key = (r.step.justification, r.step.is_definition)
        found = next(
            (
                q
                for q in range(pos, len(entries.steps))
                if (entries.steps[q].justification, entries.steps[q].is_definition) == key
            ),
            None,
        )
        if found is None or entries.steps[found].lhs is None or entries.steps[found].rhs is None:
            out.append(None)
            continue
        st = entries.steps[found]
        out.append(
            dataclasses.replace(
                st,
                lhs=st.lhs.xreplace(put),  # type: ignore[union-attr]
                rhs=st.rhs.xreplace(put),  # type: ignore[union-attr]
                conditions=tuple(
                    dataclasses.replace(c, expr=c.expr.xreplace(put)) for c in st.conditions
                ),
            )
        )
        pos = found + 1
    return out


def _sides(step: Step, settings: dict[str, Any]) -> tuple[str, str]:
    lhs = to_latex(step.lhs, **settings) if step.lhs is not None else (step.lhs_latex or "")
    rhs = to_latex(step.rhs, **settings) if step.rhs is not None else (step.rhs_latex or "")
    return lhs, rhs


# --- JSON -----------------------------------------------------------------------------------


def _as_json(report: DerivationReport, settings: dict[str, Any]) -> dict[str, Any]:
    d = report.derivation
    steps = []
    for r in report.steps:
        lhs, rhs = _sides(r.step, settings)
        steps.append(
            {
                "lhs": lhs,
                "rhs": rhs,
                "verdict": r.result.verdict.value,
                "justification": (
                    justification_text(r.step.justification, ln=settings["ln"])
                    if r.step.justification
                    else r.step.justification
                ),
                "assumptions_used": list(r.step.assumptions_used),
                "conditions": [to_latex(c.expr, **settings) for c in r.step.conditions],
                "definition": r.step.is_definition,
            }
        )
    return {
        "name": d.name,
        "n": int(d.n) if d.n.is_Integer else None,
        "assumptions": [assumption_directive(a, **settings) for a in d.assumptions],
        "steps": steps,
        "summary": report.summary,
    }


# --- plain text -----------------------------------------------------------------------------


def _assumption_text(a: Assumption, ln: bool, short: bool = False) -> str:
    """An assumption in plain text: its relation printed, never the LaTeX it was written in."""
    if a.kind == "log_base":
        return "log = ln" if a.expr == sympy.E else f"log base {to_text(a.expr)}"
    if a.kind == "one_hot":
        return f"{to_text(a.expr)} one-hot"
    if isinstance(a.expr, sympy.Basic) and (a.expr.is_Relational or isinstance(a.expr, sympy.And)):
        if a.kind == "index_range" and isinstance(a.expr, sympy.And):
            rels = a.expr.args
            if all(isinstance(r, sympy.LessThan) for r in rels) and len({r.rhs for r in rels}) == 1:
                names = ", ".join(sorted(to_text(r.lhs) for r in rels))
                return f"1 ≤ {names} ≤ {to_text(rels[0].rhs)}"
        return to_text(a.expr, ln=ln, **(_SHORT if short else {}))
    return tex_to_text(a.text, ln=ln)


def _as_text(
    report: DerivationReport, settings: dict[str, Any], entries: Derivation | None = None
) -> str:
    d = report.derivation
    ln = bool(settings["ln"])
    rows = list(report.steps)
    shown: list[Step | None] = [None] * len(rows)
    if entries is not None:
        rows = _vector_definitions(rows)
        shown = _entry_steps(rows, entries, d.n)
    n = f"n = {int(d.n)}" if d.n.is_Integer else f"symbolic {to_text(d.n)}"
    lines = [f"{d.name} ({n})"]
    for a in d.assumptions:
        lines.append(f"  assuming {_assumption_text(a, ln, entries is not None)}")
    width = max((len(r.result.verdict.value) for r in report.steps), default=0)
    short = _SHORT if entries is not None else {}
    for num, (r, entry) in enumerate(zip(rows, shown), start=1):
        step = r.step if entry is None else entry
        lhs = to_text(step.lhs, ln=ln, **short) if step.lhs is not None else (step.lhs_latex or "?")
        rhs = to_text(step.rhs, ln=ln, **short) if step.rhs is not None else (step.rhs_latex or "?")
        lines.append(f"{num:>3}. {r.result.verdict.value:<{width}}  {lhs} = {rhs}")
        if entry is not None and r.step.lhs is not None and r.step.rhs is not None:
            corner = f"{to_text(r.step.lhs, ln=ln, **short)} = {to_text(r.step.rhs, ln=ln, **short)}"
            if corner != f"{lhs} = {rhs}":
                lines.append(" " * (width + 7) + f"n = {int(d.n)}: {corner}")
        notes = []
        if step.conditions:
            notes.append("for " + ", ".join(_assumption_text(c, ln) for c in step.conditions))
        if step.justification:
            notes.append(tex_to_text(justification_text(step.justification), ln=ln))
        if step.assumptions_used:
            notes.append("using " + ", ".join(tex_to_text(f"${u}$") for u in step.assumptions_used))
        if notes:
            lines.append(" " * (width + 7) + "(" + "; ".join(notes) + ")")
    summary = ", ".join(f"{v} {k}" for k, v in report.summary.items() if v)
    lines.append(f"summary: {summary}" if summary else "summary: no steps")
    return "\n".join(lines) + "\n"


# --- LaTeX ----------------------------------------------------------------------------------


def _corner_body(
    rows: list[StepReport], entries: Derivation, n: sympy.Expr, settings: dict[str, Any]
) -> str:
    """An ``align*`` body: each step's entry formula, then the corner of its matrices."""
    matched = _entry_steps(rows, entries, n)
    shown = Derivation(entries.name, tuple(m or r.step for m, r in zip(matched, rows)))
    short = {**settings, **_SHORT, "fit_width": None}
    body = []
    for line, r, m in zip(to_latex_rows(shown, **short), rows, matched):
        body.append(line)
        if m is None:
            continue
        lhs, rhs = _sides(r.step, short)
        if (lhs, rhs) == _sides(m, short):
            continue
        if settings.get("fit_width"):
            # NOTE: a corner of wide entries still gets shrunk to the line, never enlarged.
            lhs, rhs = (
                shrunk(t, 0.42) if t.startswith(r"\begin{bmatrix}") else t for t in (lhs, rhs)
            )
        continues = line.startswith("&=")
        body.append(rf"&\qquad = {rhs}" if continues else rf"&\qquad {lhs} = {rhs}")
    return " \\\\\n".join(body)


def _as_latex(
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
    rows = _vector_definitions(list(report.steps))
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
        f"% symderiv: assume {assumption_directive(a, **settings)}\n" for a in _stated(d)
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
    widest = max(
        (s.cols for st in d.steps for s in (st.lhs, st.rhs) if isinstance(s, sympy.MatrixBase)),
        default=0,
    ) if entries is None else 0
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


def _top_level(maths: str, sep: str) -> list[str]:
    """``maths`` split at ``sep`` outside braces, brackets and parentheses."""
    parts: list[str] = []
    depth, start = 0, 0
    for pos, ch in enumerate(maths):
        depth += 1 if ch in "{([" else -1 if ch in "})]" else 0
        if ch == sep and depth == 0:
            parts.append(maths[start:pos])
            start = pos + 1
    return [*parts, maths[start:]]


_NAME_TEX = re.compile(r"^\s*(\\?[A-Za-z]+|\\[a-z]+\{[A-Za-z]\})(?:_\{?[A-Za-z0-9]+\}?)?\s*$")


def _said_of(maths: str, defined: frozenset[str]) -> str:
    r"""Inline maths that gives a defined name a value as prose: ``$q_i$ is $1 - p_i$``.

    NOTE: a reader takes ``$q_i = 1 - p_i$`` in prose for a definition of ``q`` for the whole
    document; in a justification (the case ``y_i = 0``) it is a value in one case only.

    >>> _said_of(r"q_{i} = 1 - p_{i}, w_{i} = \alpha", frozenset({"q", "w"}))
    '$q_{i}$ is $1 - p_{i}$, $w_{i}$ is $\\alpha$'
    >>> _said_of(r"\delta_{ij} = 1", frozenset({"q"}))
    '$\\delta_{ij} = 1$'
    """
    pieces = _top_level(maths, ",")
    said: list[str | None] = []
    for piece in pieces:
        sides = _top_level(piece, "=")
        name = _NAME_TEX.match(sides[0]) if len(sides) == 2 else None
        if name is None or name.group(1) not in defined:
            said.append(None)
        else:
            said.append(f"${sides[0].strip()}$ is ${sides[1].strip()}$")
    if all(x is None for x in said):
        return f"${maths}$"
    return ", ".join(x if x is not None else f"${p.strip()}$" for x, p in zip(said, pieces))


def _prose(text: str, *, ln: bool, defined: frozenset[str] = frozenset()) -> str:
    r"""One line of prose, its maths kept inside ``$`` delimiters (no backticks, no breaks).

    >>> print(_prose("case $i = j$:  $\\log p_i$", ln=True))
    Case $i = j$: $\ln p_i$
    """
    line = justification_text(text, ln=ln).replace("`", "")
    if line.count("$") % 2:
        # NOTE: an unmatched ``$`` would open maths that the reader never sees closed.
        line = line.replace("$", "")
    parts = line.split("$")
    line = "".join(_said_of(p, defined) if k % 2 else p for k, p in enumerate(parts))
    line = " ".join(line.split())
    return line[:1].upper() + line[1:]


def _defined_names(d: Derivation, settings: dict[str, Any]) -> frozenset[str]:
    """The LaTeX of the names ``d`` defines (``p`` for ``p_i``, ``L``)."""
    names = set()
    for st in d.steps:
        if st.is_definition and st.lhs is not None:
            target = st.lhs.base if isinstance(st.lhs, sympy.Indexed) else st.lhs
            names.add(to_latex(target, **settings))
    return frozenset(names)


def _as_markdown(report: DerivationReport, settings: dict[str, Any]) -> str:
    d = report.derivation
    out = [f"# Derivation `{d.name}`", ""]
    classes = (
        f"{int(d.n)} classes"
        if d.n.is_Integer
        else f"any number of classes ${to_latex(d.n, **settings)}$"
    )
    out.append(
        f"Derived symbolically by symderiv for {classes}; every display below is one checked step."
    )
    out.append("")
    stated = _stated(d)
    for a in stated:
        out.append(f"<!-- symderiv: assume {assumption_directive(a, **settings)} -->")
    if stated:
        out.append("")
    number = 0
    defined = _defined_names(d, settings)
    for r in _vector_definitions(_steps_in_order(report)):
        step = r.step
        if step.is_definition:
            head = "**Definition.**"
        else:
            number += 1
            head = f"**Step {number}.**"
        if step.justification:
            head += " " + _prose(step.justification, ln=settings["ln"], defined=defined) + "."
        # NOTE: the reader takes a case (``i = j``) from the prose line just before a block;
        # a justification such as "split the sum at j = i" must not become one, so the line
        # next to the block only gives the verdict.
        verdict = f"Checked: {r.result.verdict.value}."
        lhs, rhs = _sides(step, settings)
        cond = ""
        if step.conditions:
            conds = ", ".join(to_latex(c.expr, **settings) for c in step.conditions)
            cond = r" \quad \text{for } " + conds
        out += [head, verdict, "", "$$", f"{lhs} = {rhs}{cond}", "$$", ""]
    return "\n".join(out).rstrip("\n") + "\n"
