"""The only door to latex2sympy2: a fallback for constructs the own grammar does not read.

latex2sympy2 reads ``\\log`` as base 10 and ``x_i`` as a flat symbol; both are rewritten here
(``\\log`` → natural log unless a base is written; ``x_i`` → ``symbols.vector("x")[i]``).  Its
one ``parse_expr`` call (for ``\\variable{...}`` values) is never reached: no variable values
are passed and ``\\variable`` is refused before the library sees the text.
"""

from __future__ import annotations

import re

import sympy

from symderiv import symbols
from symderiv.errors import ParseError

MAX_CHARS = 400
# NOTE: relations are refused too: latex2sympy2 reads "a = b" as an assignment and returns b.
_REFUSED = re.compile(
    r"\\variable|\\char|\\input|\\include|\\def|\\catcode|[^\x20-\x7e\n\t]"
    r"|[=<>]|\\neq?\b|\\[lg]eq?\b|\\approx"
)
#: A flat name latex2sympy2 makes of a subscripted letter (``x_{1}``, ``p_{ij}``): read back as
#: an entry. Unlike :data:`symderiv.indices.ENTRY_NAME` (a concrete entry, digits only), the
#: base is letters and the subscript one or two index letters or digits.
_FLAT = re.compile(r"^([A-Za-z]+)_\{?([a-z0-9]{1,2})\}?$")


def parse_expr(latex: str) -> sympy.Expr:
    """Read ``latex`` with latex2sympy2 and bring the result to the project's conventions.

    Raises:
        ParseError: the library cannot read it, or the text is refused (too long, ``\\variable``).

    >>> parse_expr(r"\\sqrt{x_i} + \\log(y)")
    log(y) + sqrt(x[i])
    """
    if len(latex) > MAX_CHARS:
        raise ParseError(f"the fallback reader takes at most {MAX_CHARS} characters")
    if _REFUSED.search(latex):
        raise ParseError("the fallback reader refuses this text")
    text = re.sub(r"\\log(?!\s*_)", r"\\ln", latex)
    try:
        from latex2sympy2 import latex2sympy

        raw = latex2sympy(text)
    except Exception as e:  # noqa: BLE001 - the library raises anything; it becomes a ParseError
        raise ParseError(f"latex2sympy2 cannot read it: {type(e).__name__}") from None
    if not isinstance(raw, sympy.Basic) or isinstance(raw, sympy.core.relational.Relational):
        raise ParseError("latex2sympy2 returned something that is not one expression")
    return _conventions(raw)


def _conventions(e: sympy.Basic) -> sympy.Expr:
    mapping: dict[sympy.Basic, sympy.Basic] = {}
    for s in e.free_symbols:
        if not isinstance(s, sympy.Symbol):
            continue
        m = _FLAT.match(s.name)
        if m:
            idx = [sympy.Integer(int(c)) if c.isdigit() else symbols.index(c) for c in m.group(2)]
            if m.group(2).isdigit():
                idx = [sympy.Integer(int(m.group(2)))]
            mapping[s] = symbols.vector(m.group(1))[tuple(idx)]
        elif s.name == "n":
            mapping[s] = symbols.n
        else:
            mapping[s] = symbols.scalar(s.name)
    return e.xreplace(mapping)
