"""Plain text in the field's notation: a SymPy ``StrPrinter`` subclass and ``to_text``.

The text counterpart of :mod:`symderiv.writer.latex`: one printer for one output target, a
``_print_<Class>`` method per kind of node, SymPy's printer for the rest.  Powers are ``^``,
products are written side by side, Greek names are Greek letters, sums are ``Σ_{k=1..n}``;
nothing of SymPy's own syntax (``**``, ``*``, ``KroneckerDelta``, ``Sum(...)``) reaches the page.
Justifications are LaTeX written by hand; :func:`tex_to_text` reads their maths as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

import sympy
from sympy.core.function import Derivative
from sympy.printing.str import StrPrinter

from symderiv.writer._terms import (
    factor_rank,
    natural_key,
    shown_terms,
    signed_terms,
    split_fraction,
)

__all__ = ["PlainTextPrinter", "tex_to_text", "to_text"]

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
# Accents as combining characters: ``\hat y`` is ``ŷ``.
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7", "dot": "\u0307"}
# Further control words of justifications, as text.
WORDS = {
    "partial": "∂", "sum": "Σ", "prod": "Π", "neq": "≠", "ne": "≠", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "to": "→", "leftrightarrow": "↔", "cdot": "·", "times": "×",
    "nabla": "∇", "infty": "∞", "in": "∈", "approx": "≈", "|": "‖", "quad": " ", "qquad": " ",
    ",": " ", ";": " ", "!": "", "left": "", "right": "", "{": "{", "}": "}",
}
_ACCENT_NAME = re.compile(r"^\\(hat|bar|tilde|vec|dot)\s*\{?\s*(\\?\w+)\s*\}?$")
# A name with one subscript, as the concrete-n builders make them (``x_1``, ``\hat{y}_{10}``).
# Wider than an entry name (:data:`symderiv.indices.ENTRY_NAME`, digits only), as the LaTeX
# printer's; braces are read here, where the LaTeX printer leaves ``x_{10}`` as it is written.
_SUBSCRIPT = re.compile(r"^(.+)_\{?([A-Za-z0-9]+)\}?$")


def _greek(name: str) -> str:
    bare = name[1:] if name.startswith("\\") else name
    return GREEK.get(bare, name)


def _operand(e: sympy.Basic) -> bool:
    """True for what needs no brackets after ``/``: ``n``, ``p_j``, ``n^2``, ``exp(x)``."""
    if e.is_Pow:
        return True
    if e.is_Number:
        return bool(e.is_Integer and not e.is_negative)
    return bool(e.is_Atom or isinstance(e, (sympy.Indexed, sympy.Function)))


class PlainTextPrinter(StrPrinter):  # type: ignore[misc]
    """SymPy's string printer, speaking the notation of ML notes in plain (Unicode) text.

    Settings (besides SymPy's): ``ln`` writes natural log as ``ln``; ``corner`` and
    ``max_terms`` shorten large matrices and long sums as the LaTeX printer's settings do.

    >>> from symderiv import symbols as s
    >>> PlainTextPrinter().doprint(s.p[s.i] * (sympy.KroneckerDelta(s.i, s.j) - s.p[s.j]))
    'p_i (δ_ij - p_j)'
    """

    printmethod = "_symderiv_plain"  # NOTE: not ``_sympystr``, which Indexed defines itself
    _default_settings: ClassVar[dict[str, Any]] = {
        **StrPrinter._default_settings,
        "ln": False,
        "corner": None,
        "max_terms": None,
    }

    # --- names -------------------------------------------------------------------------

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        name = str(expr.name)
        sub = _SUBSCRIPT.match(name)
        if sub:
            return self._print_Symbol(sympy.Symbol(sub.group(1))) + "_" + _greek(sub.group(2))
        accent = _ACCENT_NAME.match(name)
        if accent:
            return unicodedata.normalize("NFC", _greek(accent.group(2)) + ACCENTS[accent.group(1)])
        return _greek(name)

    _print_Dummy = _print_Symbol

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        return str(self._print(expr.label))

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        parts = [self._print(ix) for ix in expr.indices]
        sub = "".join(parts) if all(len(p) == 1 for p in parts) else "{" + ",".join(parts) + "}"
        return f"{self._print(expr.base)}_{sub}"

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta) -> str:
        a, b = (self._print(x) for x in expr.args[:2])
        return f"δ_{a}{b}" if len(a) == len(b) == 1 else f"δ_{{{a},{b}}}"

    # --- functions, derivatives, sums ------------------------------------------------------

    def _print_log(self, expr: sympy.log) -> str:
        name = "ln" if self._settings["ln"] else "log"
        return f"{name}({self._print(expr.args[0])})"

    def _print_Function(self, expr: sympy.Function) -> str:
        name = _greek(type(expr).__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Derivative(self, expr: Derivative) -> str:
        f = expr.expr
        top = self._print(f)
        if not (f.is_Atom or isinstance(f, (sympy.Indexed, sympy.Function))):
            top = f"({top})"
        den = "".join(
            f"∂{self._print(v)}" + (f"^{c}" if c != 1 else "") for v, c in expr.variable_count
        )
        return f"∂{top}/{den}"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        limits = " ".join(
            f"Σ_{{{self._print(k)}={self._print(lo)}..{self._print(hi)}}}"
            for k, lo, hi in expr.limits
        )
        body = self._print(expr.function)
        if expr.function.is_Add:
            body = f"({body})"
        return f"{limits} {body}"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        rows = []
        for value, cond in expr.args:
            when = "otherwise" if cond is sympy.true else f"if {self._print(cond)}"
            rows.append(f"{self._print(value)} {when}")
        return "{" + "; ".join(rows) + "}"

    # --- arithmetic ----------------------------------------------------------------------

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        terms = list(self._as_ordered_terms(expr, order=order))
        out = ""
        for sign, term in signed_terms(shown_terms(terms, self._settings["max_terms"])):
            if term is None:
                out += sign + "⋯"
                continue
            text = self._print(term)
            if term.is_Add or (sign and isinstance(term, sympy.Piecewise)):
                text = f"({text})"
            out += sign + text
        return out

    def _factor(self, f: sympy.Basic, *, last: bool) -> str:
        text = str(self._print(f))
        if f.is_Add or f.is_Relational or (f.is_Number and f.is_negative):
            return f"({text})"
        if isinstance(f, sympy.Sum) and not last:
            return f"({text})"
        if isinstance(f, sympy.Rational) and not f.is_Integer:
            return f"({text})"
        return text

    def _product(self, factors: list[sympy.Basic]) -> str:
        # NOTE: the factor order of the LaTeX page (numbers, entries, deltas, ..., sums last).
        factors = sorted(factors, key=lambda f: (factor_rank(f), natural_key(f)))
        out = ""
        for pos, f in enumerate(factors):
            text = self._factor(f, last=pos == len(factors) - 1)
            if out:
                out += "·" if out[-1].isdigit() and text[0].isdigit() else " "
            out += text
        return out

    def _print_Mul(self, expr: sympy.Basic) -> str:
        sign = ""
        if expr.could_extract_minus_sign():
            expr = -expr
            sign = "-"
        num, den = split_fraction(expr)
        if not den:
            if len(num) == 1:
                text = str(self._print(num[0]))
                return sign + (f"({text})" if sign and num[0].is_Add else text)
            return sign + self._product(num)
        trailing = [f for f in num if isinstance(f, Derivative)]
        inside = [f for f in num if not isinstance(f, Derivative)]
        top = self._product(inside) if inside else "1"
        if len(inside) == 1 and isinstance(inside[0], sympy.Sum):
            top = f"({top})"
        bottom = self._product(den)
        if len(den) > 1 or not (_operand(den[0]) or den[0].is_Add):
            bottom = f"({bottom})"
        frac = f"{top}/{bottom}"
        if trailing:
            return sign + f"({frac}) " + self._product(trailing)
        return sign + frac

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp.is_Number and exp.is_negative:
            return self._print_Mul(expr)
        if exp == sympy.Rational(1, 2):
            return f"√({self._print(base)})"
        b = str(self._print(base))
        if not (base.is_Atom and not (base.is_Number and base.is_negative)) and not isinstance(
            base, (sympy.Indexed, sympy.Function)
        ):
            b = f"({b})"
        e = str(self._print(exp))
        if not (exp.is_Atom and not (exp.is_Number and exp.is_negative)):
            e = f"({e})"
        return f"{b}^{e}"

    def _print_exp(self, expr: sympy.Basic) -> str:
        return f"exp({self._print(expr.args[0])})"

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"{expr.p}/{expr.q}"

    # --- relations and logic -------------------------------------------------------------

    _RELATIONS: ClassVar[dict[str, str]] = {
        "==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">",
    }

    def _print_Relational(self, expr: sympy.Rel) -> str:
        op = self._RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr: sympy.And) -> str:
        return ", ".join(self._print(a) for a in expr.args)

    # --- matrices ------------------------------------------------------------------------

    def _print_MatrixSymbol(self, expr: sympy.MatrixSymbol) -> str:
        name = str(expr.name)
        bold = re.fullmatch(r"\\(?:mathbf|boldsymbol)\{(.+)\}", name)
        return self._print_Symbol(sympy.Symbol(bold.group(1) if bold else name))

    def _print_DiagMatrix(self, expr: sympy.Basic) -> str:
        return f"diag({self._print(expr.args[0])})"

    _print_DiagonalizeVector = _print_DiagMatrix

    def _print_Transpose(self, expr: sympy.Basic) -> str:
        arg = expr.arg
        text = str(self._print(arg))
        return f"{text}^T" if isinstance(arg, sympy.MatrixSymbol) else f"({text})^T"

    def _print_MatMul(self, expr: sympy.Basic) -> str:
        sign, args = "", list(expr.args)
        if args and args[0] == -1:
            sign, args = "-", args[1:]
        parts = [
            f"({self._print(a)})" if isinstance(a, (sympy.MatAdd, sympy.Add)) else self._print(a)
            for a in args
        ]
        return sign + " ".join(parts)

    def _print_MatAdd(self, expr: sympy.Basic) -> str:
        out = ""
        for pos, term in enumerate(expr.args):
            text = str(self._print(term))
            if pos and text.startswith("-"):
                out += " - " + text[1:]
            else:
                out += (" + " if pos else "") + text
        return out

    def _print_MatrixBase(self, expr: sympy.MatrixBase) -> str:
        k = self._settings["corner"]
        rows_shown = expr.rows if k is None else min(k, expr.rows)
        cols_shown = expr.cols if k is None else min(k, expr.cols)
        rows = []
        for r in range(rows_shown):
            cells = [self._print(expr[r, c]) for c in range(cols_shown)]
            rows.append("[" + ", ".join(cells + (["⋯"] if cols_shown < expr.cols else [])) + "]")
        if rows_shown < expr.rows:
            cells = ["⋮"] * cols_shown + (["⋱"] if cols_shown < expr.cols else [])
            rows.append("[" + ", ".join(cells) + "]")
        return "[" + ", ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase


def to_text(expr: object, **settings: Any) -> str:
    """The plain text of a SymPy expression (see :class:`PlainTextPrinter`).

    >>> from symderiv import symbols as s
    >>> to_text(-sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n)) / s.n**2, ln=True)
    '-(Σ_{j=1..n} y_j ln(p_j))/n^2'
    """
    return str(PlainTextPrinter(settings).doprint(expr))


# --- justifications: their LaTeX maths as text ------------------------------------------

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)


def _group(tokens: list[str], pos: int) -> tuple[list[str], int]:
    """The tokens of the argument at ``pos`` (a ``{...}`` group or one token) and the next pos."""
    while pos < len(tokens) and tokens[pos].isspace():
        pos += 1
    if pos >= len(tokens):
        return [], pos
    if tokens[pos] != "{":
        return [tokens[pos]], pos + 1
    depth, end = 0, pos
    for end in range(pos, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[end], 0)
        if depth == 0:
            break
    return tokens[pos + 1 : end], end + 1


def _simple(text: str) -> bool:
    """True when ``text`` needs no brackets as an operand: a name, an entry, a number, ``∂u``."""
    if text.startswith("∂"):
        return re.search(r"[-+=,/]", text) is None
    return re.fullmatch(r"[\w.‖\u0300-\u036f\u20d7]+", text) is not None


def _wrap(text: str) -> str:
    return text if _simple(text) else f"({text})"


def _convert(tokens: list[str], ln: bool) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(tokens):
        t = tokens[pos]
        pos += 1
        if t.startswith("\\") and len(t) > 1:
            word = t[1:]
            if word == "frac":
                top, pos = _group(tokens, pos)
                bottom, pos = _group(tokens, pos)
                out.append(f"{_wrap(_convert(top, ln))}/{_wrap(_convert(bottom, ln))}")
            elif word in ACCENTS:
                arg, pos = _group(tokens, pos)
                out.append(unicodedata.normalize("NFC", _convert(arg, ln) + ACCENTS[word]))
            elif word in ("mathbf", "mathrm", "boldsymbol", "text", "operatorname"):
                arg, pos = _group(tokens, pos)
                out.append(_convert(arg, ln))
            elif word == "log":
                out.append("ln" if ln else "log")
            elif word in GREEK:
                out.append(GREEK[word])
            elif word in WORDS:
                out.append(WORDS[word])
                while word == "partial" and pos < len(tokens) and tokens[pos].isspace():
                    pos += 1  # NOTE: the space only ends the control word: ∂x, not ∂ x
            else:
                out.append(word)
        elif t == "_" and out and out[-1] in ("Σ", "Π"):
            # NOTE: \sum_{k=1}^{n} reads Σ_{k=1..n}, as the printer writes a sum.
            low, pos = _group(tokens, pos)
            if pos < len(tokens) and tokens[pos] == "^":
                high, pos = _group(tokens, pos + 1)
                out.append(f"_{{{_convert(low, ln)}..{_convert(high, ln)}}}")
            else:
                text = _convert(low, ln)
                out.append("_" + (text if _simple(text) else f"{{{text}}}"))
        elif t in ("_", "^"):
            arg, pos = _group(tokens, pos)
            text = _convert(arg, ln)
            bare = len(arg) <= 1 or re.fullmatch(r"\([^()]*\)", text) is not None
            bare = bare or (_simple(text) and (t == "_" or "_" not in text))
            out.append(t + (text if bare else f"({text})"))
        elif t in ("{", "}"):
            continue
        elif t.isspace():
            out.append(" ")
        else:
            out.append(t)
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def tex_to_text(text: str, *, ln: bool = False) -> str:
    r"""A justification as plain text: the maths between ``$`` signs read as text.

    >>> tex_to_text(r"chain rule: $\frac{\partial \log p_{j}}{\partial x_{i}} = \frac{1}{p_{j}}$")
    'chain rule: ∂log p_j/∂x_i = 1/p_j'
    >>> tex_to_text(r"case $i \neq j$: $\delta_{ij} = 0$; $e^{-x_{i}}$", ln=True)
    'case i ≠ j: δ_ij = 0; e^(-x_i)'
    """
    parts = text.split("$")
    if len(parts) % 2 == 0:
        return text
    return "".join(
        _convert(_TOKEN.findall(p), ln) if pos % 2 else p for pos, p in enumerate(parts)
    )

