"""Assumptions as written in directives (``<!-- symderiv: assume ... -->``) and ``--assume``."""

from __future__ import annotations

import re

import sympy

from symderiv import symbols
from symderiv.errors import ParseError
from symderiv.model import Assumption, SourceSpan
from symderiv.reader.parser import ParseContext, parse_math

_SUM_OF = re.compile(r"^\s*sum\s*\(\s*([A-Za-z])\s*\)\s*=\s*(.+?)\s*$")
_LOG = re.compile(
    r"^\s*(?:log\s*=\s*(ln|log_?\{?(\d+)\}?|log(\d+))|log\s+base\s+(e|\d+)|\\log\s*=\s*\\ln)\s*$"
)
_ONE_HOT = re.compile(r"^\s*\\?(?:mathbf\{)?([A-Za-z])\}?\s+(?:is\s+)?one[- ]hot\s*$")
_REL = re.compile(r"^\s*([a-z])\s*(!=|=|≠|\\neq|\\ne)\s*([a-z])\s*$")


def parse_assumption(
    text: str, *, source: str = "cli", span: SourceSpan | None = None
) -> Assumption:
    """Read one fact: ``sum(y) = 1``, ``\\sum_j y_j = 1``, ``log = ln`` / ``log = log10`` /
    ``log base 2``, ``y one-hot``, ``i != j`` / ``i = j``, ``p_j > 0``.

    Raises:
        ParseError: the fact is not one of these forms and not a readable relation.

    >>> parse_assumption("sum(y) = 1").expr
    Eq(Sum(y[j], (j, 1, n)), 1)
    >>> a = parse_assumption("log = log10"); (a.kind, a.expr)
    ('log_base', 10)
    >>> parse_assumption("i != j").expr
    Ne(i, j)
    """
    fact = text.strip()
    if fact.startswith("assume "):
        fact = fact[len("assume ") :].strip()
    if not fact:
        raise ParseError("an empty assumption", span)
    m = _SUM_OF.match(fact)
    if m:
        j = symbols.index("j")
        rhs = parse_math(m.group(2)).expr
        total = sympy.Sum(symbols.vector(m.group(1))[j], (j, 1, symbols.n))
        return Assumption(sympy.Eq(total, rhs), text.strip(), source, "relation", span)
    m = _LOG.match(fact)
    if m:
        if m.group(1) == "ln" or m.group(4) == "e" or fact.replace(" ", "") == "\\log=\\ln":
            base: sympy.Expr = sympy.E
        else:
            base = sympy.Integer(int(m.group(2) or m.group(3) or m.group(4)))
        return Assumption(base, text.strip(), source, "log_base", span)
    m = _ONE_HOT.match(fact)
    if m:
        return Assumption(symbols.vector(m.group(1)), text.strip(), source, "one_hot", span)
    m = _REL.match(fact)
    if m:
        a, b = symbols.index(m.group(1)), symbols.index(m.group(3))
        rel = sympy.Eq(a, b) if m.group(2) == "=" else sympy.Ne(a, b)
        return Assumption(rel, text.strip(), source, "relation", span)
    try:
        rel = parse_math(fact, ctx=ParseContext(), relation=True).expr
    except ParseError as e:
        raise ParseError(
            f"cannot read the assumption {text.strip()!r}: {e.message}", span
        ) from None
    if not isinstance(rel, sympy.core.relational.Relational | sympy.logic.boolalg.Boolean):
        raise ParseError(f"the assumption {text.strip()!r} is not a relation", span)
    return Assumption(rel, text.strip(), source, "relation", span)


def directive_facts(body: str) -> list[str]:
    """The ``;``-separated facts of a directive body (``assume`` and ``case`` verbs).

    >>> directive_facts("assume sum(y) = 1; log = ln")
    ['sum(y) = 1', 'log = ln']
    """
    body = body.strip()
    for verb in ("assume", "assumes", "assumption"):
        if body.startswith((verb + " ", verb + ":")):
            body = body[len(verb) + 1 :]
            break
    return [f.strip() for f in body.split(";") if f.strip()]


def is_case_directive(body: str) -> bool:
    """``case i != j``: a condition for the next block rather than a global assumption."""
    return body.strip().startswith("case")
