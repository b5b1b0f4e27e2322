"""What a spot case is: the functions it differentiates and the formulas it checks."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from symderiv.model import ValueEnum


class Claims(ValueEnum):
    """Which entries of the Jacobian a formula claims.

    NOTE: a :class:`~symderiv.model.ValueEnum`, so that ``claims="diagonal"`` still builds a
    :class:`Formula` (which turns it into the member).

    >>> Claims("diagonal") is Claims.DIAGONAL, Claims.OFF_DIAGONAL == "off-diagonal"
    (True, True)
    """

    #: Every entry.
    ALL = "all"
    #: The diagonal only (``i = j``); the formula has one index.
    DIAGONAL = "diagonal"
    #: Every entry off the diagonal (``i ≠ j``).
    OFF_DIAGONAL = "off-diagonal"


class Targets(ValueEnum):
    """The target set of :class:`~symderiv.spot._inputs.Points` a formula holds for.

    >>> Targets("normalised") is Targets.NORMALISED
    True
    """

    #: The formula reads no targets.
    NONE = "none"
    #: Targets that sum to 1 (one-hot on even points, soft on odd ones).
    NORMALISED = "normalised"
    #: Targets that need not sum to 1.
    FREE = "free"


@dataclass(frozen=True)
class Definition:
    """A function whose derivative the formulas claim to be: ``of`` is its short name."""

    of: str
    text: str
    expr: sympy.Expr
    indices: tuple[sympy.Symbol, ...]


@dataclass(frozen=True)
class Formula:
    """One symbolic result to check, written in the logits (``p`` already substituted).

    ``expr`` has free ``indices``: ``(i, j)`` for ``∂p_i/∂x_j``, ``(i,)`` for ``∂L/∂x_i`` and
    for the diagonal case of the Jacobian. ``targets`` names the target set it holds for.
    """

    text: str
    of: str
    expr: sympy.Expr
    indices: tuple[sympy.Symbol, ...]
    claims: Claims = Claims.ALL
    targets: Targets = Targets.NONE

    def __post_init__(self) -> None:
        for name, kind in (("claims", Claims), ("targets", Targets)):
            value = getattr(self, name)
            try:
                # NOTE: the dataclass is frozen; the string form is turned into its member once.
                object.__setattr__(self, name, kind(value))
            except ValueError:
                known = tuple(m.value for m in kind)
                raise ValueError(f"{name} must be one of {known}, got {value!r}") from None


@dataclass(frozen=True)
class Case:
    """A catalogue name's definitions and formulas."""

    name: str
    definitions: tuple[Definition, ...]
    formulas: tuple[Formula, ...]
