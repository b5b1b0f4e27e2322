"""LaTeX in the field's notation: a SymPy ``LatexPrinter`` subclass and ``to_latex``.

Every override below is a ``_print_<Class>`` method that builds the LaTeX of one kind of
node from the LaTeX of its children, falling back to SymPy's printer for everything else;
printed LaTeX is never edited afterwards.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar

import sympy
from sympy.core.function import Derivative
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from symderiv.model import Derivation, Step
from symderiv.results import DerivationReport, StepReport

__all__ = [
    "SymderivLatexPrinter",
    "elided",
    "estimated_width",
    "justification_tex",
    "justification_text",
    "latex_text",
    "repr_latex",
    "shown_terms",
    "split_fraction",
    "shrunk",
    "to_latex",
    "to_latex_chains",
    "to_latex_rows",
]

# A user's symbol name such as ``\hat y`` or ``\hat{y}``: an accent command and one letter.
_ACCENT_NAME = re.compile(
    r"^\\(hat|bar|tilde|vec|dot|mathbf|boldsymbol|mathrm)\s*\{?\s*(\\?\w+)\s*\}?$"
)
# A plain symbol name with one subscript, as the concrete-n builders make them (``x_1``).
#: A name with a subscript to print as one (``x_1``, ``p_ij``); wider than an entry name
#: (:data:`symderiv.indices.ENTRY_NAME`, digits only): letters subscript as printed too.
_SUBSCRIPTED_NAME = re.compile(r"^(.+)_([A-Za-z0-9]+)$")

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


def _natural_key(expr: sympy.Basic) -> tuple[object, ...]:
    """A sort key that puts ``y_2`` before ``y_10`` (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", sympy.sstr(expr))
    return tuple((0, int(s), "") if s.isdigit() else (1, 0, s) for s in parts)


def _numbered_in_order(terms: list[sympy.Basic]) -> list[sympy.Basic]:
    """Terms that differ only in their numbers (``y_1 + y_10 + y_2``) in numeric order.

    Only such terms trade places, so the order SymPy gives everything else is kept.
    """
    groups: dict[str, list[int]] = {}
    for pos, t in enumerate(terms):
        groups.setdefault(re.sub(r"\d+", "#", sympy.sstr(t)), []).append(pos)
    out = list(terms)
    for positions in groups.values():
        if len(positions) > 1:
            for pos, t in zip(positions, sorted((terms[q] for q in positions), key=_natural_key)):
                out[pos] = t
    return out


def _alike(terms: list[sympy.Basic]) -> bool:
    """True when the terms differ only in their numbers (``y_1 log p_1``, ``y_2 log p_2``, ...).

    >>> x1, x2, y = sympy.symbols("x_1 x_2 y")
    >>> _alike([sympy.exp(x1), sympy.exp(x2)]), _alike([x1, y])
    (True, False)
    """
    return len({re.sub(r"\d+", "#", sympy.sstr(t)) for t in terms}) == 1


def elided(terms: list[sympy.Basic], most: int | None) -> list[sympy.Basic | None]:
    r"""``terms`` with each run of more than ``most`` like terms cut to its first ``most - 1``
    terms, ``None`` (where ``\cdots`` goes) and its last term.

    >>> ys = sympy.symbols("y_1:6")
    >>> elided([*ys, sympy.Symbol("z")], 3)
    [y_1, y_2, None, y_5, z]
    """
    if most is None:
        return list(terms)
    out: list[sympy.Basic | None] = []
    start = 0
    while start < len(terms):
        end = start + 1
        while end < len(terms) and _alike([terms[start], terms[end]]):
            end += 1
        run = terms[start:end]
        out += [*run[: most - 1], None, run[-1]] if len(run) > max(most, 3) else run
        start = end
    return out


def shown_terms(terms: list[sympy.Basic], most: int | None) -> list[sympy.Basic | None]:
    """The terms of a sum as both printers show them: numbered ones in numeric order, a
    positive term first, runs of like terms cut short (:func:`elided`).

    NOTE: a chain reads better as "a - b" than "-b + a": a positive term leads.

    >>> x1, x2 = sympy.symbols("x_1 x_2")
    >>> shown_terms([-x2, x1], None)
    [x_1, -x_2]
    """
    terms = _numbered_in_order(terms)
    if terms[0].could_extract_minus_sign():
        lead = next((t for t in terms if not t.could_extract_minus_sign()), None)
        if lead is not None:
            terms.remove(lead)
            terms.insert(0, lead)
    return elided(terms, most)


def split_fraction(expr: sympy.Basic) -> tuple[list[sympy.Basic], list[sympy.Basic]]:
    """Numerator and denominator factors of a product, as written on paper (both printers).

    >>> x, y = sympy.symbols("x y")
    >>> split_fraction(3 * x / (2 * y**2))
    ([3, x], [2, y**2])
    """
    num: list[sympy.Basic] = []
    den: list[sympy.Basic] = []
    for f in sympy.Mul.make_args(expr):
        if f.is_Rational and not f.is_Integer:
            if f.p != 1:
                num.append(sympy.Integer(f.p))
            den.append(sympy.Integer(f.q))
        elif f.is_Pow and f.exp.is_Number and f.exp.is_negative:
            den.append(f.base if f.exp == -1 else sympy.Pow(f.base, -f.exp))
        else:
            num.append(f)
    return num, den


def _is_atom(expr: sympy.Basic) -> bool:
    """A node whose LaTeX needs no brackets anywhere: a symbol, an entry, a non-negative number."""
    if isinstance(expr, (sympy.Symbol, sympy.Indexed, sympy.IndexedBase, sympy.MatrixSymbol)):
        return True
    return bool(expr.is_Number and not expr.is_negative and (expr.is_Integer or expr.is_Float))


def _excluded_index(expr: sympy.Sum) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(i, f_j)`` when ``expr`` is ``Σ_j f_j (1 - δ_ij)`` over the full range, else None."""
    (var, _, _), = expr.limits
    factors = sympy.Mul.make_args(expr.function)
    for f in factors:
        deltas = [t for t in sympy.Add.make_args(f) if isinstance(t, sympy.KroneckerDelta)]
        neg = [t for t in sympy.Add.make_args(f) if isinstance(-t, sympy.KroneckerDelta)]
        if f.is_Add and len(f.args) == 2 and 1 in f.args and len(neg) == 1 and not deltas:
            delta = -neg[0]
            a, b = delta.args
            if var in (a, b) and a != b:
                other = b if a == var else a
                if not other.has(var):
                    rest = sympy.Mul(*[g for g in factors if g is not f])
                    return other, rest
    return None


class SymderivLatexPrinter(LatexPrinter):  # type: ignore[misc]
    r"""SymPy's LaTeX printer, speaking the notation of ML notes and papers.

    Settings (besides SymPy's): ``ln`` writes natural log as ``\ln`` (default ``\log``);
    ``exp_style`` is ``"exp"`` for ``\exp(x_i)`` or ``"e"`` for ``e^{x_i}``; ``justification``
    is ``"text"`` (a ``\text{...}`` column in ``align*``), ``"tag"`` (``\tag{...}``) or
    ``"none"``.  Matrices are ``bmatrix``.  ``fit_width`` (a number of characters, for
    documents that load ``graphicx``) shrinks a matrix that would run past the line.
    ``corner`` (a size k) prints a larger matrix as its top-left k × k entries followed by
    ``\cdots``, ``\vdots`` and ``\ddots``; ``max_terms`` prints a longer sum as its first
    terms, ``\cdots`` and its last term (both for pages of large n, never to be read back).

    >>> from symderiv import symbols as s
    >>> SymderivLatexPrinter().doprint(s.p[s.i] * (sympy.KroneckerDelta(s.i, s.j) - s.p[s.j]))
    'p_i \\left(\\delta_{ij} - p_j\\right)'
    """

    _default_settings: ClassVar[dict[str, Any]] = {
        **LatexPrinter._default_settings,
        "ln": False,
        "exp_style": "exp",
        "justification": "text",
        "fit_width": None,
        "corner": None,
        "max_terms": None,
        "mat_str": "bmatrix",
        "mat_delim": "",
        # NOTE: i is an index in this field; the imaginary unit must not look like one.
        "imaginary_unit": "ri",
    }

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        if self._settings["exp_style"] not in ("exp", "e"):
            raise ValueError(f"exp_style must be 'exp' or 'e', got {self._settings['exp_style']!r}")
        if self._settings["justification"] not in ("text", "tag", "none"):
            raise ValueError(
                "justification must be 'text', 'tag' or 'none', "
                f"got {self._settings['justification']!r}"
            )

    # --- names and entries -------------------------------------------------------------

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        name = str(expr.name)
        sub = _SUBSCRIPTED_NAME.match(name)
        if sub and style == "plain":
            base = self._print_Symbol(sympy.Symbol(sub.group(1)))
            if "_" in base or "^" in base:
                base = "{" + base + "}"
            return base + self._subscript(sub.group(2))
        accent = _ACCENT_NAME.match(name)
        if accent:
            return rf"\{accent.group(1)}{{{accent.group(2)}}}"
        if name.startswith("\\"):
            return name
        return str(super()._print_Symbol(expr, style=style))

    @staticmethod
    def _subscript(sub: str) -> str:
        return f"_{sub}" if len(sub) == 1 else f"_{{{sub}}}"

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        return str(self._print(expr.label))

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        base = str(self._print(expr.base))
        if "_" in base or "^" in base:
            base = "{" + base + "}"
        parts = [self._print(ix) for ix in expr.indices]
        sub = "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)
        return base + self._subscript(sub)

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta, exp: str | None = None) -> str:
        a, b = (self._print(arg) for arg in expr.args[:2])
        sub = a + b if len(a) == len(b) == 1 else f"{a},{b}"
        tex = rf"\delta_{{{sub}}}"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    # --- functions -----------------------------------------------------------------------

    def _print_log(self, expr: sympy.log, exp: str | None = None, *, parens: bool = False) -> str:
        name = r"\ln" if self._settings["ln"] else r"\log"
        arg = expr.args[0]
        arg_tex = self._print(arg)
        if _is_atom(arg):
            tex = f"{name}({arg_tex})" if parens or exp is not None else f"{name} {arg_tex}"
        else:
            tex = rf"{name}\left({arg_tex}\right)"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    def _print_exp(self, expr: sympy.exp, exp: str | None = None) -> str:
        arg = expr.args[0]
        if self._settings["exp_style"] == "e":
            tex = f"e^{{{self._print(arg)}}}"
            return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"
        arg_tex = self._print(arg)
        tex = rf"\exp({arg_tex})" if _is_atom(arg) else rf"\exp\left({arg_tex}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    # --- calculus ------------------------------------------------------------------------

    def _is_single_fraction(self, expr: sympy.Basic) -> bool:
        """True when ``expr`` prints as one ``\\frac{..}{..}`` and nothing else."""
        if not isinstance(expr, (sympy.Mul, sympy.Pow)) or expr.could_extract_minus_sign():
            return False
        num, den = split_fraction(expr)
        return bool(den) and not any(isinstance(f, Derivative) for f in num)

    def _print_Derivative(self, expr: Derivative) -> str:
        order = sum(int(c) for _, c in expr.variable_count)
        dens = []
        for var, count in expr.variable_count:
            var_tex = self._print(var)
            dens.append(
                rf"\partial {var_tex}" if count == 1 else rf"\partial {var_tex}^{{{count}}}"
            )
        den = " ".join(dens)
        d = r"\partial" if order == 1 else rf"\partial^{{{order}}}"
        f = expr.expr
        if _is_atom(f) or (isinstance(f, sympy.log) and _is_atom(f.args[0])):
            return rf"\frac{{{d} {self._print(f)}}}{{{den}}}"
        if self._is_single_fraction(f):
            return rf"\frac{{{d}}}{{{den}}} {self._print(f)}"
        return rf"\frac{{{d}}}{{{den}}} \left({self._print(f)}\right)"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        if len(expr.limits) != 1:
            return str(super()._print_Sum(expr))
        var, lo, hi = (self._print(x) for x in expr.limits[0])
        body = expr.function
        excluded = _excluded_index(expr)
        if excluded is not None:
            # NOTE: Σ_j f_j (1 - δ_ij) is the sum over j ≠ i, written as such on paper.
            other, rest = excluded
            rest_tex = self._print(rest)
            if rest.is_Add or rest.could_extract_minus_sign():
                rest_tex = rf"\left({rest_tex}\right)"
            return rf"\sum_{{{var} \neq {self._print(other)}}} {rest_tex}"
        body_tex = self._print(body)
        if body.is_Add or body.could_extract_minus_sign() or body.is_Relational:
            body_tex = rf"\left({body_tex}\right)"
        return rf"\sum_{{{var}={lo}}}^{{{hi}}} {body_tex}"

    # --- sums, products and fractions ---------------------------------------------------

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        # NOTE: many like terms (x_1 + ... + x_12) are cut short in the corner of a matrix.
        terms = list(self._as_ordered_terms(expr, order=order))
        shown = shown_terms(terms, self._settings["max_terms"])
        tex = ""
        for pos, term in enumerate(shown):
            if term is None:
                after = shown[pos + 1]
                minus = after is not None and after.could_extract_minus_sign()
                tex += (" - " if minus else " + ") + r"\cdots"
                continue
            if pos > 0:
                if term.could_extract_minus_sign():
                    tex += " - "
                    term = -term
                else:
                    tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            tex += term_tex
        return tex

    @staticmethod
    def _factor_rank(f: sympy.Basic) -> int:
        """Where a factor stands in a product: numbers, entries, functions, ..., sums last."""
        if f.is_Number:
            return 0
        if _is_atom(f) or (f.is_Pow and _is_atom(f.base)):
            return 1
        if isinstance(f, sympy.KroneckerDelta):
            return 2
        if isinstance(f, sympy.log):
            return 6
        if f.has(sympy.Sum) and not f.is_Pow:
            return 7
        if f.is_Add:
            return 4
        if isinstance(f, Derivative):
            return 5
        return 3

    def _juxtapose(self, factors: list[sympy.Basic]) -> str:
        """Print factors side by side, bracketing only what would otherwise run on."""
        ordered = sorted(factors, key=lambda f: (self._factor_rank(f), _natural_key(f)))
        out = ""
        name_before = False
        for pos, f in enumerate(ordered):
            last = pos == len(ordered) - 1
            if isinstance(f, sympy.log):
                tex = self._print_log(f, parens=not last)
            else:
                tex = self._print(f)
            if len(ordered) > 1 and (
                f.is_Add
                or f.is_Relational
                or isinstance(f, sympy.Piecewise)
                or (pos > 0 and f.could_extract_minus_sign())
                or (not last and not f.is_Pow and f.has(sympy.Sum))
            ):
                tex = rf"\left({tex}\right)"
            if out:
                two_numbers = out[-1].isdigit() and (tex[0].isdigit() or tex[0] == "-")
                # NOTE: a bare name before a bracket (``T \left(...\right)``) reads as a
                # function applied to it; the dot says it is a product.
                called = name_before and tex.startswith(r"\left(")
                out += r" \cdot " if two_numbers or called else " "
            out += tex
            name_before = isinstance(f, sympy.Symbol) and not any(c in tex for c in "_^")
        return out

    def _print_Mul(self, expr: sympy.Basic) -> str:
        if isinstance(expr, sympy.Mul):
            args = expr.args
            if args[0] is sympy.S.One or any(isinstance(a, sympy.Number) for a in args[1:]):
                return str(super()._print_Mul(expr))  # unevaluated: show every factor as given
        sign = ""
        if expr.could_extract_minus_sign():
            expr = -expr
            sign = "-"
            if not isinstance(expr, (sympy.Mul, sympy.Pow)):
                tex = str(self._print(expr))
                if precedence_traditional(expr) < PRECEDENCE["Mul"]:
                    tex = rf"\left({tex}\right)"
                return sign + tex
        num, den = split_fraction(expr)
        if not den:
            return sign + self._juxtapose(num)
        trailing = [f for f in num if isinstance(f, Derivative)]
        inside = [f for f in num if not isinstance(f, Derivative)]
        tex = rf"\frac{{{self._juxtapose(inside) or '1'}}}{{{self._juxtapose(den)}}}"
        if trailing:
            tex += " " + self._juxtapose(trailing)
        return sign + tex

    # --- cases and matrices --------------------------------------------------------------

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        rows = []
        pieces = list(expr.args)
        for pos, (value, cond) in enumerate(pieces):
            if cond is sympy.true:
                first = pieces[0].cond
                if len(pieces) == 2 and pos == 1 and isinstance(first, (sympy.Eq, sympy.Ne)):
                    cond_tex = r"\text{if } " + self._print(first.negated)
                else:
                    cond_tex = r"\text{otherwise}"
            else:
                cond_tex = r"\text{if } " + self._print(cond)
            rows.append(f"{self._print(value)} & {cond_tex}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_MatrixBase(self, expr: sympy.MatrixBase) -> str:
        k = self._settings["corner"]
        if k is None or (expr.rows <= k and expr.cols <= k):
            return str(super()._print_MatrixBase(expr))
        lines = []
        for r in range(min(k, expr.rows)):
            cells = [self._print(expr[r, c]) for c in range(min(k, expr.cols))]
            lines.append(" & ".join(cells + ([r"\cdots"] if expr.cols > k else [])))
        if expr.rows > k:
            cells = [r"\vdots"] * min(k, expr.cols)
            lines.append(" & ".join(cells + ([r"\ddots"] if expr.cols > k else [])))
        return r"\begin{bmatrix}" + r"\\".join(lines) + r"\end{bmatrix}"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase
    _print_ImmutableMatrix = _print_MatrixBase
    _print_Matrix = _print_MatrixBase

    def _print_DiagMatrix(self, expr: sympy.Basic) -> str:
        return rf"\operatorname{{diag}}({self._print(expr.args[0])})"

    def _print_DiagonalizeVector(self, expr: sympy.Basic) -> str:
        return self._print_DiagMatrix(expr)

    def _print_Transpose(self, expr: sympy.Basic) -> str:
        arg = expr.arg
        tex = self._print(arg)
        if not _is_atom(arg):
            tex = rf"\left({tex}\right)"
        return rf"{tex}^\top"


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
    if _is_atom(expr):
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
