"""A checked derivation as Markdown that ``symderiv check`` reads back step by step.

``$$`` blocks with one line of prose between them; the assumptions as ``<!-- symderiv: -->``
directives.
"""

from __future__ import annotations

import re
from typing import Any

import sympy

from symderiv.model import Derivation
from symderiv.results import DerivationReport
from symderiv.writer._pages import (
    assumption_directive,
    sides,
    stated,
    steps_in_order,
    vector_definitions,
)
from symderiv.writer.latex import justification_text, to_latex

__all__ = ["as_markdown"]


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


def as_markdown(report: DerivationReport, settings: dict[str, Any]) -> str:
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
    directives = stated(d)
    for a in directives:
        out.append(f"<!-- symderiv: assume {assumption_directive(a, **settings)} -->")
    if directives:
        out.append("")
    number = 0
    defined = _defined_names(d, settings)
    for r in vector_definitions(steps_in_order(report)):
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
        lhs, rhs = sides(step, settings)
        cond = ""
        if step.conditions:
            conds = ", ".join(to_latex(c.expr, **settings) for c in step.conditions)
            cond = r" \quad \text{for } " + conds
        out += [head, verdict, "", "$$", f"{lhs} = {rhs}{cond}", "$$", ""]
    return "\n".join(out).rstrip("\n") + "\n"
