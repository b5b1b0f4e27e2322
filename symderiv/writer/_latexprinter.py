"""The LaTeX printer: SymPy's ``LatexPrinter`` speaking the notation of ML notes and papers.

Every override below is a ``_print_<Class>`` method that builds the LaTeX of one kind of
node from the LaTeX of its children, falling back to SymPy's printer for everything else;
printed LaTeX is never edited afterwards.  Pages of steps and derivations are
:mod:`symderiv.writer.latex`'s.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import sympy
from sympy.core.function import Derivative
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from symderiv.writer._terms import (
    factor_rank,
    is_atom,
    natural_key,
    shown_terms,
    signed_terms,
    split_fraction,
)

__all__ = ["MarginLatexPrinter", "SymderivLatexPrinter", "margin_latex"]

# A user's symbol name such as ``\hat y`` or ``\hat{y}``: an accent command and one letter.
_ACCENT_NAME = re.compile(
    r"^\\(hat|bar|tilde|vec|dot|mathbf|boldsymbol|mathrm)\s*\{?\s*(\\?\w+)\s*\}?$"
)
# A plain symbol name with one subscript, as the concrete-n builders make them (``x_1``).
#: A name with a subscript to print as one (``x_1``, ``p_ij``); wider than an entry name
#: (:data:`symderiv.indices.ENTRY_NAME`, digits only): letters subscript as printed too.
_SUBSCRIPTED_NAME = re.compile(r"^(.+)_([A-Za-z0-9]+)$")


def _excluded_index(expr: sympy.Sum) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(i, f_j)`` when ``expr`` is ``Σ_j f_j (1 - δ_ij)`` over the full range, else None."""
    ((var, _, _),) = expr.limits
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
        if is_atom(arg):
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
        tex = rf"\exp({arg_tex})" if is_atom(arg) else rf"\exp\left({arg_tex}\right)"
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
        if is_atom(f) or (isinstance(f, sympy.log) and is_atom(f.args[0])):
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
        tex = ""
        for sign, term in signed_terms(shown_terms(terms, self._settings["max_terms"])):
            if term is None:
                tex += sign + r"\cdots"
                continue
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            tex += sign + term_tex
        return tex

    def _juxtapose(self, factors: list[sympy.Basic]) -> str:
        """Print factors side by side, bracketing only what would otherwise run on."""
        ordered = sorted(factors, key=lambda f: (factor_rank(f), natural_key(f)))
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
        if not is_atom(arg):
            tex = rf"\left({tex}\right)"
        return rf"{tex}^\top"


# --- formulas in hints and warnings --------------------------------------------------------


class MarginLatexPrinter(LatexPrinter):  # type: ignore[misc]
    """LaTeX the way a reviewer writes it in a margin: ``y_j \\log p_j``, ``\\sum_k e^{x_k}``.

    The printer of the formulas inside a hint or a warning (strings of the results, in the JSON
    and text reports alike); the checker asks for it by name (``symderiv._display("margin", e)``)
    and imports nothing of the writer.  SymPy's own LaTeX but for entries, the order of a
    product's factors, ``\\log`` and sums over ``1..n``; pages use :class:`SymderivLatexPrinter`.
    """

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        base = self._print(expr.base.label)
        idx = "".join(self._print(a) for a in expr.indices)
        return f"{base}_{idx}" if len(idx) == 1 else f"{base}_{{{idx}}}"

    def _print_Mul(self, expr: sympy.Mul) -> str:
        if not isinstance(expr, sympy.Mul):  # LatexPrinter prints 1/x through _print_Mul
            return str(super()._print_Mul(expr))

        def rank(f: sympy.Basic) -> int:
            b = f.as_base_exp()[0]
            if f.is_Number:
                return 0
            if isinstance(b, (sympy.Indexed, sympy.Symbol)):
                return 1
            if isinstance(b, sympy.KroneckerDelta):
                return 2
            return 3

        ordered = sorted(expr.args, key=rank)
        if ordered == list(expr.args):
            return str(super()._print_Mul(expr))
        return str(super()._print_Mul(sympy.Mul(*ordered, evaluate=False)))

    def _print_log(self, expr: sympy.log, exp: object = None) -> str:
        arg = expr.args[0]
        inner = self._print(arg)
        if isinstance(arg, (sympy.Indexed, sympy.Symbol, sympy.Number)):
            body = f"\\log {inner}"
        else:
            body = f"\\log\\left({inner}\\right)"
        return body if exp is None else f"\\left({body}\\right)^{{{exp}}}"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        if all(lim[1] == 1 and lim[2].is_Symbol for lim in expr.limits):
            subs = "".join(f"\\sum_{self._brace(lim[0])} " for lim in expr.limits)
            body = expr.function
            text = str(self._print(body))
            if isinstance(body, sympy.Add):
                text = f"\\left({text}\\right)"
            return subs + text
        return str(super()._print_Sum(expr))

    def _brace(self, s: sympy.Basic) -> str:
        t = self._print(s)
        return t if len(t) == 1 else f"{{{t}}}"


def margin_latex(expr: sympy.Basic) -> str:
    """Compact LaTeX for a hint or a warning: entries as ``p_i``, ``\\log p_j``, sums as ``\\sum_j``.

    >>> from symderiv.symbols import i, j, n, p, y
    >>> margin_latex(sympy.Sum(y[j] * sympy.log(p[j]), (i, 1, n)))
    '\\\\sum_i y_j \\\\log p_j'
    """
    return str(MarginLatexPrinter({"order": "none"}).doprint(expr))
