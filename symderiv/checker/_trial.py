"""One judgement in progress: the question, the step prepared, and what the methods say.

The engine (``engine.check_equal``) asks its methods in turn, strongest first; each is an
object with a ``name`` that reads the :class:`Trial` and returns a verdict, or None to leave
the step to the next method (after adding to the notes, or to what the search found).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import sympy

from symderiv.checker._prepare import Prepared
from symderiv.checker._setting import Names, Setting
from symderiv.config import CheckConfig
from symderiv.model import Assumption
from symderiv.results import StepResult

if TYPE_CHECKING:
    from symderiv.checker._search import Found

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

#: ``check_equal`` itself, for the methods that judge parts of a step (integrands) or the step
#: again under one more assumption (an unstated condition).
Judge = Callable[..., StepResult]

__all__ = ["Definitions", "Judge", "Method", "Question", "Trial"]


@dataclass(frozen=True)
class Question:
    """Is ``lhs = rhs`` under these definitions, assumptions and conditions?"""

    lhs: sympy.Basic
    rhs: sympy.Basic
    definitions: Definitions
    assumptions: Sequence[Assumption]
    conditions: Sequence[Assumption]
    n: sympy.Expr
    cfg: CheckConfig
    unknowns: Names

    def keywords(self) -> dict[str, Any]:
        """Everything but the sides, as ``check_equal`` takes it."""
        return {
            "definitions": self.definitions,
            "assumptions": self.assumptions,
            "conditions": self.conditions,
            "n": self.n,
            "cfg": self.cfg,
            "unknowns": self.unknowns,
        }


@dataclass
class Trial:
    """What every method reads, and what a method leaves for the next ones.

    ``read`` (how the step was read) starts every detail; ``notes`` gather what the methods
    that did not decide said (a proof that ran out of time); ``found`` is what the search of a
    counterexample found, agreement counted at the points included.
    """

    question: Question
    prepared: Prepared
    setting: Setting
    read: str
    judge: Judge
    notes: list[str] = field(default_factory=list)
    found: Found | None = None


class Method(Protocol):
    """One way of judging an equality: a verdict, or None for the next method to try."""

    @property
    def name(self) -> str: ...

    def __call__(self, t: Trial) -> StepResult | None: ...
