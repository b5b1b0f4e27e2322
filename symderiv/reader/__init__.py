"""Text in, Derivation out: display math of Markdown/LaTeX read with indexed semantics.

``read_markdown`` / ``read_latex`` read whole documents (blocks, chains, cases, directives,
values in prose); ``parse_formula`` reads one formula; ``parse_assumption`` one fact as written
in a directive or on the command line.  No text ever reaches ``eval``: formulas are read by an
own tokenizer and recursive-descent parser that builds SymPy objects directly, with
latex2sympy2 only as a fallback behind :mod:`symderiv.reader.latex2sympy_adapter`.
"""

from __future__ import annotations

import sympy

from symderiv.config import ReadConfig
from symderiv.errors import ParseError
from symderiv.model import Derivation
from symderiv.reader import context as _context
from symderiv.reader._document import read_document
from symderiv.reader.directives import parse_assumption
from symderiv.reader.normalize import DEFAULT_RULES, Rule, normalize
from symderiv.reader.parser import ParseContext, parse_math

__all__ = [
    "DEFAULT_RULES",
    "Rule",
    "normalize",
    "parse_assumption",
    "parse_formula",
    "read_latex",
    "read_markdown",
]


def read_markdown(
    text: str, *, source: str | None = None, cfg: ReadConfig = ReadConfig()
) -> Derivation:
    """Read the display math of a Markdown document (``$$...$$``, ``\\[...\\]``, environments).

    >>> d = read_markdown("$$L = -\\\\sum_j y_j \\\\log p_j$$")
    >>> d.steps[0].relation.name, d.steps[0].lhs_latex, d.steps[0].span.column
    ('DEFINE', 'L', 7)
    """
    return read_document(text, markdown=True, source=source, cfg=cfg)


def read_latex(
    text: str, *, source: str | None = None, cfg: ReadConfig = ReadConfig()
) -> Derivation:
    """Read the display math of a LaTeX document (``equation``, ``align``, ``\\[...\\]``, ...).

    >>> d = read_latex("\\\\begin{align*} q_i &= e^{x_i} \\\\\\\\ &= 1 \\\\cdot e^{x_i} \\\\end{align*}")
    >>> [(s.block, s.index, s.relation.name) for s in d.steps]
    [(1, 0, 'DEFINE'), (1, 1, 'EQUAL')]
    """
    return read_document(text, markdown=False, source=source, cfg=cfg)


def parse_formula(latex: str) -> sympy.Expr:
    """Read one formula; standard objects (softmax, entropy, ...) get their standard meaning.

    Raises:
        ParseError: with the span (line 1, columns in ``latex``) of the offending token.

    >>> parse_formula(r"\\frac{\\partial L}{\\partial x_i}")
    Derivative(L, x[i])
    """
    ctx = ParseContext(
        distributions=_context.distribution_names(latex),
        rv=_context.random_variables(latex),
        vectors=_context.vector_names(latex),
        paired=_context.paired_names(latex),
        functions=_context.function_names(latex) - _context.distribution_names(latex),
        letters=_context.lone_letters([latex]),
        entry_functions=_context.entry_functions(latex),
    )
    from symderiv.reader._source import SourceText

    parsed = parse_math(latex, src=SourceText(latex), ctx=ctx)
    try:
        return normalize(parsed.expr)
    except (TypeError, ValueError, sympy.SympifyError) as err:
        # a standard meaning that does not apply to what was written (sigma of a matrix)
        raise ParseError(f"the standard meaning does not apply here: {err}", None) from None
