"""LaTeX in the field's notation: expressions, steps and derivations (``to_latex``).

Expressions are printed by :class:`SymderivLatexPrinter` (:mod:`._latexprinter`); this module
lays out steps and ``align*`` chains, their conditions and justifications, and shrinks a
matrix that would run past the line.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import sympy
from sympy.core.function import Derivative

from symderiv.model import Derivation, Step
from symderiv.results import DerivationReport, StepReport
from symderiv.writer._latexprinter import SymderivLatexPrinter
from symderiv.writer._terms import is_atom, split_fraction

__all__ = [
    "SymderivLatexPrinter",
    "estimated_width",
    "justification_tex",
    "justification_text",
    "latex_text",
    "repr_latex",
    "shrunk",
    "to_latex",
    "to_latex_chains",
    "to_latex_rows",
]

# Characters of plain text that LaTeX treats as commands, and the few non-ASCII signs that
# justifications use (pdflatex has no glyph for them in text mode).
_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "≠": r"\(\neq\)",
    "≤": r"\(\leq\)",
    "≥": r"\(\geq\)",
    "∂": r"\(\partial\)",
    "δ": r"\(\delta\)",
    "Σ": r"\(\Sigma\)",
    "∑": r"\(\sum\)",
    "→": r"\(\to\)",
    "·": r"\(\cdot\)",
    "×": r"\(\times\)",
    "−": "-",
    "–": "--",
    "—": "---",
}


# The same signs inside maths.
_MATH_ESCAPES = {
    "≠": r"\neq ",
    "≤": r"\leq ",
    "≥": r"\geq ",
    "∂": r"\partial ",
    "δ": r"\delta ",
    "Σ": r"\Sigma ",
    "∑": r"\sum ",
    "→": r"\to ",
    "·": r"\cdot ",
    "×": r"\times ",
    "−": "-",
}


def latex_text(text: str) -> str:
    """Escape plain text for ``\\text{...}``: LaTeX specials and a few maths signs.

    >>> latex_text("split at j = i, 100% & done")
    'split at j = i, 100\\\\% \\\\& done'
    """
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


# --- objects of the model ----------------------------------------------------------------


def _printer(settings: dict[str, Any]) -> SymderivLatexPrinter:
    return SymderivLatexPrinter(settings)


def _condition_tex(step: Step, printer: SymderivLatexPrinter) -> str:
    conds = [printer.doprint(c.expr) for c in step.conditions]
    return (r" \quad \text{for } " + r", ".join(conds)) if conds else ""


def _step_sides(step: Step, printer: SymderivLatexPrinter) -> tuple[str, str]:
    lhs = printer.doprint(step.lhs) if step.lhs is not None else (step.lhs_latex or "?")
    rhs = printer.doprint(step.rhs) if step.rhs is not None else (step.rhs_latex or "?")
    return lhs, rhs


def _delimit_maths(text: str) -> str:
    """``$``-delimit the maths of a justification that has LaTeX commands but no ``$``."""
    if "$" not in text and "\\" in text:
        cut = text.index("\\")
        return text[:cut] + "$" + text[cut:] + "$"
    return text


# One LaTeX token: a control word, a control symbol, or one character.
_TEX_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.DOTALL)
# Control words a setting renames inside a justification's maths.
_LN_WORDS = {r"\log": r"\ln"}


def _renamed(maths: str, words: dict[str, str]) -> str:
    r"""``maths`` with the control words of ``words`` renamed, token by token.

    >>> _renamed(r"\log u + \logit", {r"\log": r"\ln"})
    '\\ln u + \\logit'
    """
    return "".join(words.get(t, t) for t in _TEX_TOKEN.findall(maths))


def justification_text(text: str, *, ln: bool = False) -> str:
    r"""A justification with its maths ``$``-delimited and, with ``ln``, ``\log`` as ``\ln``.

    The prose is left as written; only the maths between ``$`` signs changes (a justification
    without ``$`` has its maths delimited first, as :func:`justification_tex` reads it).

    >>> justification_text(r"chain rule: $\frac{\partial \log p_j}{\partial x_i}$", ln=True)
    'chain rule: $\\frac{\\partial \\ln p_j}{\\partial x_i}$'
    >>> justification_text(r"use \sum_j y_j = 1")
    'use $\\sum_j y_j = 1$'
    """
    parts = _delimit_maths(text).split("$")
    if ln:
        parts = [_renamed(p, _LN_WORDS) if pos % 2 else p for pos, p in enumerate(parts)]
    return "$".join(parts)


def justification_tex(text: str, *, text_mode: bool = False, ln: bool = False) -> str:
    r"""A justification as LaTeX: prose in ``\text{...}``, its maths as maths.

    Maths is what stands between ``$`` signs; in a justification without ``$``, everything
    from the first LaTeX command on (``use \sum_j y_j = 1``) is taken as maths.  With
    ``text_mode`` the result is for a text-mode argument such as ``\tag*{...}``; with ``ln``
    its maths writes natural log as ``\ln``, as the printer does.

    >>> justification_tex(r"use \sum_j y_j = 1")
    '\\text{use } \\sum_j y_j = 1'
    >>> justification_tex("case $i = j$: 100%", text_mode=True)
    'case \\(i = j\\): 100\\%'
    """
    text = justification_text(text, ln=ln)
    out = []
    for pos, part in enumerate(text.split("$")):
        if pos % 2:
            maths = "".join(_MATH_ESCAPES.get(ch, ch) for ch in part).strip()
            out.append(rf"\({maths}\)" if text_mode else maths)
        elif part:
            out.append(latex_text(part) if text_mode else r"\text{" + latex_text(part) + "}")
    return ("" if text_mode else " ").join(out)


def _step_line(step: Step, printer: SymderivLatexPrinter) -> str:
    lhs, rhs = _step_sides(step, printer)
    tex = f"{lhs} = {rhs}{_condition_tex(step, printer)}"
    if step.justification and printer._settings["justification"] != "none":
        tex += r" \qquad " + justification_tex(step.justification, ln=printer._settings["ln"])
    return tex


def estimated_width(expr: object) -> float:
    """A rough width of the typeset expression, in characters (fractions stack).

    >>> from symderiv import symbols as s
    >>> estimated_width(s.p[s.i] / s.y[s.j]) < estimated_width(s.p[s.i] * s.y[s.j])
    True
    """
    if isinstance(expr, sympy.MatrixBase):
        cols = [max(estimated_width(e) for e in expr.col(c)) for c in range(expr.cols)]
        return sum(cols) + 2.0 * len(cols) + 2
    if not isinstance(expr, sympy.Basic):
        return float(len(str(expr)))
    if is_atom(expr):
        return 1.5 if not expr.is_Number else float(len(str(expr)))
    if isinstance(expr, sympy.Pow) and not (expr.exp.is_Number and expr.exp.is_negative):
        return estimated_width(expr.base) + 2
    if isinstance(expr, (sympy.Mul, sympy.Pow)):
        num, den = split_fraction(expr)
        top = sum(estimated_width(f) + 0.5 for f in num if f != expr)
        if den:
            return max(top, sum(estimated_width(f) + 0.5 for f in den)) + 1
        return top
    if isinstance(expr, sympy.Add):
        return sum(estimated_width(t) + 2 for t in expr.args)
    if isinstance(expr, Derivative):
        return max(estimated_width(expr.expr), 3.0 * len(expr.variables)) + 2
    if isinstance(expr, sympy.Sum):
        return 3 + estimated_width(expr.function)
    return 4 + sum(estimated_width(a) for a in expr.args)


#: The smallest and the largest share of the line a shrunk matrix gets.
_SHARE_RANGE = (0.2, 0.95)


def _share(share: float) -> float:
    return max(_SHARE_RANGE[0], min(_SHARE_RANGE[1], share))


def shrunk(tex: str, share: float) -> str:
    """``tex`` in a box no wider than ``share`` of the line (shrink only, never enlarge)."""
    room = rf"{_share(share):.2f}\linewidth"
    # NOTE: ``\width`` is the natural width of the box being resized.
    return (
        rf"\resizebox{{\ifdim\width>{room} {room}\else\width\fi}}{{!}}"
        rf"{{$\displaystyle {tex}$}}"
    )


def _fitted(
    lhs_tex: str, rhs_tex: str, step: Step, printer: SymderivLatexPrinter
) -> tuple[str, str]:
    """The two sides, matrices shrunk to their share of the line when the row is too wide."""
    limit = printer._settings["fit_width"]
    sides = (step.lhs, step.rhs)
    if limit is None or not any(isinstance(s, sympy.MatrixBase) for s in sides):
        return lhs_tex, rhs_tex
    left, right = (estimated_width(s) if s is not None else 0.0 for s in sides)
    if left + right <= limit:
        return lhs_tex, rhs_tex
    total = left + right
    both = isinstance(step.lhs, sympy.MatrixBase) and isinstance(step.rhs, sympy.MatrixBase)
    lhs_share = _SHARE_RANGE[0]
    if isinstance(step.lhs, sympy.MatrixBase):
        lhs_share = _share(0.9 * left / total)
        lhs_tex = shrunk(lhs_tex, lhs_share)
    if isinstance(step.rhs, sympy.MatrixBase):
        # NOTE: the two shares add up to 0.9 of the line even when the left one was raised
        # to its minimum (a small left matrix beside a wide right one).
        rhs_tex = shrunk(rhs_tex, 0.9 - lhs_share if both else (limit - left) / limit)
    return lhs_tex, rhs_tex


def _continues(step: Step, prev: Step | None) -> bool:
    """True when ``step`` goes on from ``prev``'s right-hand side (``&= ...``)."""
    return (
        prev is not None
        and not step.is_definition
        and not prev.is_definition
        and step.lhs is not None
        and step.lhs == prev.rhs
        and step.conditions == prev.conditions
    )


def _derivation_chains(d: Derivation, printer: SymderivLatexPrinter) -> list[list[str]]:
    """The ``align*`` lines of a derivation, grouped into chains (a new one at each new lhs)."""
    chains: list[list[str]] = []
    prev: Step | None = None
    mode, ln = printer._settings["justification"], printer._settings["ln"]
    for step in d.steps:
        lhs, rhs = _fitted(*_step_sides(step, printer), step, printer)
        continues = _continues(step, prev)
        line = ("" if continues else lhs + " ") + f"&= {rhs}{_condition_tex(step, printer)}"
        if step.justification and mode == "text":
            line += " && " + justification_tex(step.justification, ln=ln)
        elif step.justification and mode == "tag":
            line += r" \tag*{" + justification_tex(step.justification, text_mode=True, ln=ln) + "}"
        if continues and chains:
            chains[-1].append(line)
        else:
            chains.append([line])
        prev = step
    return chains


def _derivation_body(d: Derivation, printer: SymderivLatexPrinter) -> str:
    return " \\\\\n".join(line for chain in _derivation_chains(d, printer) for line in chain)


def to_latex_rows(d: Derivation, **settings: Any) -> list[str]:
    r"""The ``align*`` row of each step of ``d``, in order (``&= ...`` where a chain goes on).

    >>> from symderiv import symbols as s
    >>> to_latex_rows(Derivation("d", (Step(s.L, s.y[s.i]), Step(s.y[s.i], s.p[s.i]))))
    ['L &= y_i', '&= p_i']
    """
    return [line for chain in _derivation_chains(d, _printer(settings)) for line in chain]


def to_latex_chains(d: Derivation, **settings: Any) -> list[str]:
    r"""One ``align*`` body per chain of ``d`` (a chain starts at each new left-hand side).

    >>> from symderiv import symbols as s
    >>> d = Derivation("d", (Step(s.L, s.y[s.i]), Step(s.y[s.i], s.p[s.i]), Step(s.L, s.p[s.j])))
    >>> to_latex_chains(d, justification="none")
    ['L &= y_i \\\\\n&= p_i', 'L &= p_j']
    """
    return [" \\\\\n".join(chain) for chain in _derivation_chains(d, _printer(settings))]


def _with_verdict(r: StepReport) -> Step:
    """The step, its justification followed by the checker's verdict."""
    said = f"{_delimit_maths(r.step.justification)}; " if r.step.justification else ""
    return dataclasses.replace(r.step, justification=f"{said}{r.result.verdict.value}")


def to_latex(obj: object, **settings: Any) -> str:
    r"""The LaTeX of an expression, a step, or a derivation (an ``align*`` body).

    Args:
        obj: a SymPy expression; a :class:`Step` (``lhs = rhs``, its conditions and
            justification); a :class:`Derivation` (the lines of an ``align*`` environment,
            without ``\begin``/``\end``); a ``DerivationReport`` or ``StepReport`` (the
            same, each justification followed by the checker's verdict).
        **settings: printer settings, e.g. ``ln=True``, ``exp_style="e"``,
            ``justification="tag"``; see :class:`SymderivLatexPrinter`.

    Returns:
        The LaTeX string.

    Raises:
        TypeError: ``obj`` is none of these.
        ValueError: an unknown setting value.

    >>> from symderiv import symbols as s
    >>> to_latex(sympy.Derivative(s.L, s.x[s.i]))
    '\\frac{\\partial L}{\\partial x_i}'
    >>> to_latex(-sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n)), ln=True)
    '-\\sum_{j=1}^{n} y_j \\ln p_j'
    """
    printer = _printer(settings)
    if isinstance(obj, DerivationReport):
        obj = dataclasses.replace(obj.derivation, steps=tuple(_with_verdict(r) for r in obj.steps))
    if isinstance(obj, StepReport):
        obj = _with_verdict(obj)
    if isinstance(obj, Derivation):
        return _derivation_body(obj, printer)
    if isinstance(obj, Step):
        return _step_line(obj, printer)
    if isinstance(obj, (sympy.Basic, sympy.MatrixBase)):
        return str(printer.doprint(obj))
    raise TypeError(
        f"to_latex takes a SymPy expression, Step or Derivation, got {type(obj).__name__}"
    )


def repr_latex(obj: object) -> str:
    """The ``_repr_latex_`` of the model objects, for Jupyter (MathJax reads ``align*``).

    >>> from symderiv import symbols as s
    >>> repr_latex(Step(s.L, s.y[s.i]))
    '$\\\\displaystyle L = y_i$'
    """
    if isinstance(obj, (Derivation, DerivationReport)):
        return "\\begin{align*}\n" + to_latex(obj) + "\n\\end{align*}"
    return r"$\displaystyle " + to_latex(obj) + "$"
