"""parse_assumption: facts as written in directives and on the command line."""

from __future__ import annotations

import pytest
import sympy
from sympy import Eq, Gt, Integer, Ne, Sum

from symderiv import symbols
from symderiv.errors import ParseError
from symderiv.reader import parse_assumption
from symderiv.reader.directives import directive_facts

i, j, n = symbols.i, symbols.j, symbols.n
p, y = symbols.p, symbols.y


@pytest.mark.parametrize(
    ("text", "kind", "expr"),
    [
        pytest.param("sum(y) = 1", "relation", Eq(Sum(y[j], (j, 1, n)), 1), id="sum-of"),
        pytest.param(r"\sum_j y_j = 1", "relation", Eq(Sum(y[j], (j, 1, n)), 1), id="sum-latex"),
        pytest.param("assume sum(y) = 1", "relation", Eq(Sum(y[j], (j, 1, n)), 1), id="verb"),
        pytest.param("log = ln", "log_base", sympy.E, id="log-ln"),
        pytest.param("log = log10", "log_base", Integer(10), id="log-10"),
        pytest.param("log = log_2", "log_base", Integer(2), id="log-2"),
        pytest.param("log base 2", "log_base", Integer(2), id="log-base-2"),
        pytest.param(r"\log = \ln", "log_base", sympy.E, id="latex-log-ln"),
        pytest.param("y one-hot", "one_hot", y, id="one-hot"),
        pytest.param("y is one hot", "one_hot", y, id="one-hot-words"),
        pytest.param("i != j", "relation", Ne(i, j), id="ne"),
        pytest.param("i ≠ j", "relation", Ne(i, j), id="ne-unicode"),
        pytest.param(r"i \neq j", "relation", Ne(i, j), id="ne-latex"),
        pytest.param("i = j", "relation", Eq(i, j), id="eq"),
        pytest.param("p_j > 0", "relation", Gt(p[j], 0), id="positive-entry"),
    ],
)
def test_assumption_forms(text: str, kind: str, expr: sympy.Basic) -> None:
    a = parse_assumption(text)
    assert (a.kind, a.expr, a.source) == (kind, expr, "cli")
    assert a.text == text


def test_source_is_recorded() -> None:
    assert parse_assumption("i != j", source="document").source == "document"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "an empty assumption", id="empty"),
        pytest.param(
            "p_j +",
            "cannot read the assumption 'p_j +': the formula ends where a term was expected",
            id="broken",
        ),
        pytest.param("p_j", "the assumption 'p_j' is not a relation", id="not-a-relation"),
    ],
)
def test_unreadable_assumptions(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_assumption(text)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("body", "facts"),
    [
        pytest.param("assume sum(y) = 1; log = ln", ["sum(y) = 1", "log = ln"], id="two"),
        pytest.param("assume: i != j", ["i != j"], id="colon"),
        pytest.param("log = log10 ;", ["log = log10"], id="trailing-semicolon"),
    ],
)
def test_directive_facts(body: str, facts: list[str]) -> None:
    assert directive_facts(body) == facts
