"""What the document formats share: the assumptions as directives, the steps in order,
vectors of entry definitions, and the entry formulas shown for large n.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy

from symderiv import indices
from symderiv.model import Assumption, Derivation, Step
from symderiv.results import DerivationReport, StepReport
from symderiv.writer.latex import to_latex

__all__ = [
    "CORNER",
    "CORNER_FROM",
    "SHORT",
    "assumption_directive",
    "entry_steps",
    "sides",
    "stated",
    "steps_in_order",
    "vector_definitions",
]


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


def stated(d: Derivation) -> list[Assumption]:
    """The assumptions a document states as directives.

    Index ranges (``1 <= i, j, k <= n``) are not stated: the reader gives every index that
    range by itself.
    """
    return [a for a in d.assumptions if a.kind in ("relation", "log_base", "one_hot")]


def steps_in_order(report: DerivationReport) -> list[StepReport]:
    """Definitions first (a step may only use what is defined before it), then the rest."""
    defs = [r for r in report.steps if r.step.is_definition]
    rest = [r for r in report.steps if not r.step.is_definition]
    return defs + rest


def _entry_of(step: Step) -> tuple[str, int] | None:
    """``("p", 2)`` for a definition of the concrete entry ``p_2``, else None."""
    if not step.is_definition or not isinstance(step.lhs, sympy.Symbol):
        return None
    return indices.split_entry(step.lhs.name)


def vector_definitions(rows: list[StepReport]) -> list[StepReport]:
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
SHORT = {"corner": CORNER, "max_terms": 3}


def entry_steps(rows: list[StepReport], entries: Derivation, n: sympy.Expr) -> list[Step | None]:
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


def sides(step: Step, settings: dict[str, Any]) -> tuple[str, str]:
    lhs = to_latex(step.lhs, **settings) if step.lhs is not None else (step.lhs_latex or "")
    rhs = to_latex(step.rhs, **settings) if step.rhs is not None else (step.rhs_latex or "")
    return lhs, rhs


# --- JSON -----------------------------------------------------------------------------------
