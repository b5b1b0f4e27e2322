"""The derivation model: frozen dataclasses over plain SymPy expressions.

A derivation is data.  Readers build it, builders build it, and the checker, the LaTeX
writer and the numeric spot checks each read it; none of them changes it in place
(use ``dataclasses.replace``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sympy

import symderiv
from symderiv import symbols


@dataclass(frozen=True)
class SourceSpan:
    """Where a piece of text stands in its file (1-based lines and columns)."""

    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}"
        return f"{self.file}:{where}" if self.file else where


class Relation(enum.Enum):
    """How the two sides of a step are related."""

    EQUAL = "="
    DEFINE = ":="


@dataclass(frozen=True)
class Assumption:
    """A fact the checker may use, e.g. ``Eq(Sum(y[j], (j, 1, n)), 1)`` or ``Ne(i, j)``.

    ``expr`` is a SymPy relational/boolean; ``text`` is how a human wrote or reads it;
    ``source`` says where it came from: ``"document"``, ``"cli"``, ``"builder"`` or ``"case"``.
    ``kind`` is an optional tag for assumptions that are not plain relations
    (``"log_base"`` with ``expr`` the base, ``"one_hot"`` with ``expr`` the vector base).
    """

    expr: sympy.Basic
    text: str
    source: str = "document"
    kind: str = "relation"
    span: SourceSpan | None = None


@dataclass(frozen=True)
class Step:
    """One adjacent pair ``(lhs, rhs)`` of a chain, or a definition ``lhs := rhs``.

    ``lhs``/``rhs`` are ``None`` when that side could not be read; ``problem`` then says why
    (and ``problem_span`` where).  ``conditions`` are the case conditions the author stated for
    this step (``i = j``, ``i \\neq j``); ``assumptions_used`` names assumptions a builder
    relied on.  ``block``/``index`` follow the step numbering of the CLI contract.
    """

    lhs: sympy.Expr | None
    rhs: sympy.Expr | None
    relation: Relation = Relation.EQUAL
    justification: str | None = None
    assumptions_used: tuple[str, ...] = ()
    conditions: tuple[Assumption, ...] = ()
    lhs_latex: str | None = None
    rhs_latex: str | None = None
    span: SourceSpan | None = None
    block: int | None = None
    index: int | None = None
    problem: str | None = None
    problem_span: SourceSpan | None = None
    warnings: tuple[str, ...] = ()

    @property
    def is_definition(self) -> bool:
        return self.relation is Relation.DEFINE

    @property
    def is_parsed(self) -> bool:
        return self.lhs is not None and self.rhs is not None and self.problem is None

    def _repr_latex_(self) -> str:
        """LaTeX for Jupyter, by the writer's renderer (see ``symderiv._display``)."""
        return symderiv._display("latex", self)


@dataclass(frozen=True)
class Derivation:
    """A named sequence of steps with the assumptions they live under.

    Definitions are steps with ``relation=Relation.DEFINE``, kept in document order so that a
    step may only use what was defined before it.  ``n`` is the number of classes: the
    symbolic ``symbols.n`` or a concrete ``sympy.Integer``.  ``context`` holds facts read from
    prose (inline values such as ``P(x) = [0.7, 0.2, 0.1]``) as assumptions too.
    """

    name: str
    steps: tuple[Step, ...]
    assumptions: tuple[Assumption, ...] = ()
    n: sympy.Expr = field(default=symbols.n)
    source: str | None = None
    context: tuple[Assumption, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def definitions(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.is_definition)

    def _repr_latex_(self) -> str:
        """LaTeX for Jupyter, by the writer's renderer (see ``symderiv._display``)."""
        return symderiv._display("latex", self)
