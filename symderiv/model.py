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
    #: ``\approx``: an approximation; judged exactly or by the digits shown, never refuted by
    #: a counterexample (how close the sides must be is not stated)
    APPROX = "~="


class ValueEnum(str, enum.Enum):
    """A ``str`` enum that is its value everywhere: equal to it, hashed, printed and shown as it.

    NOTE: so that the strings written before a type existed (``kind == "log_base"``,
    ``claims="diagonal"``) keep working, also as dictionary keys, and reprs read as before.
    """

    def __repr__(self) -> str:
        return repr(str(self.value))

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    def __hash__(self) -> int:
        return hash(str(self.value))


class Fact(ValueEnum):
    """What an assumption states, and so what its ``expr`` holds.

    NOTE: a ``str`` enum, equal to (and hashed as) its value, so that ``kind == "log_base"``
    and the strings written before the type existed keep working; printed and shown (repr) as
    its value too, so that reports and reprs of assumptions read as before.

    >>> Fact("log_base") is Fact.LOG_BASE, Fact.LOG_BASE == "log_base", f"{Fact.VALUES}"
    (True, True, 'values')
    >>> Fact.LOG_BASE
    'log_base'
    >>> Fact("log base")
    Traceback (most recent call last):
    ...
    ValueError: 'log base' is not a valid Fact
    """

    #: A SymPy relational or boolean (``Eq(Sum(y_j), 1)``, ``Ne(i, j)``).
    RELATION = "relation"
    #: The base that ``\log`` means (a SymPy integer).
    LOG_BASE = "log_base"
    #: The vector (an ``IndexedBase``) that is one-hot.
    ONE_HOT = "one_hot"
    #: The range of an index (a relational such as ``1 <= i <= n``).
    INDEX_RANGE = "index_range"
    #: ``Tuple(target, value)``: a definition stated in the prose's inline math.
    DEFINITION = "definition"
    #: ``Eq(name, value)``: the standard definition of an object the document names.
    STANDARD = "standard"
    #: ``Tuple(target, values)``: the values of a vector given in the prose.
    VALUES = "values"
    #: A condition on the data (``y = 1``) that a step is stated for.
    DATA_CASE = "data_case"
    #: ``Symbol(name)``: the function ``name`` is a probability density (the document
    #: conditions it, ``p(x | z)``, or draws from it, ``x \sim p(x)``).
    DENSITY = "density"
    #: ``Tuple(X, family, *parameters)``: the document draws ``X`` from a named distribution
    #: (``X \sim \mathcal{N}(\mu, \sigma^2)``); its parameters are the document's variables.
    DRAWN = "drawn"
    #: ``Symbol(name)``: the document states which distribution the density ``name`` is (a
    #: family in the prose, or a formula with numbers as parameters): not an arbitrary density.
    STATED_DENSITY = "stated_density"
    #: ``Tuple(name, mean, variance)``: the document states that the density ``name`` is the
    #: normal ``N(mean, variance)`` (``$p$ is Gaussian with mean $\mu$ and variance $s^2$``).
    NORMAL = "normal"
    #: ``Tuple(v, w, ...)``: the document writes the variable ``v`` as an expression of the
    #: variables ``w, ...`` (``$z = g(\epsilon, x)$``): ``v`` is not free next to them.
    RELATED = "related"
    #: ``Symbol(index)``: the prose calls this index another one ("another index, called
    #: $z$"); the reader turns it into ``Ne`` cases against each step's other free indices.
    OTHER_INDEX = "other_index"
    #: ``Symbol(name)`` or an entry: the prose defines it by a formula the reader could not
    #: read (``text`` holds the formula); a function of unknown form, never a constant.
    UNREAD = "unread"


@dataclass(frozen=True)
class Assumption:
    """A fact the checker may use, e.g. ``Eq(Sum(y[j], (j, 1, n)), 1)`` or ``Ne(i, j)``.

    ``expr`` is a SymPy relational/boolean; ``text`` is how a human wrote or reads it;
    ``source`` says where it came from: ``"document"``, ``"cli"``, ``"builder"`` or ``"case"``.
    ``kind`` says what it states (a :class:`Fact`; its string value is accepted and converted,
    anything else raises ``ValueError``): ``Fact.LOG_BASE`` with ``expr`` the base,
    ``Fact.ONE_HOT`` with ``expr`` the vector base, and so on.
    """

    expr: sympy.Basic
    text: str
    source: str = "document"
    # NOTE: a string is accepted (and converted) while the readers still pass strings.
    kind: Fact | str = Fact.RELATION
    span: SourceSpan | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Fact(self.kind))


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
