"""Text in, Derivation out: display math of Markdown/LaTeX read with indexed semantics.

Interface (implemented by the modules of this package):
    read_markdown(text, *, source=None, cfg=ReadConfig()) -> Derivation
    read_latex(text, *, source=None, cfg=ReadConfig()) -> Derivation
    parse_formula(latex: str) -> sympy.Expr            # raises ParseError
    parse_assumption(text: str, *, source="cli") -> Assumption   # raises ParseError
"""

from __future__ import annotations
