"""Frozen option records with defaults; vary them with ``dataclasses.replace``."""

from __future__ import annotations

from dataclasses import dataclass

#: The default ``check --budget``: CPU seconds per document and process, its reading included.
#: A 5 MB note (5000 blocks, the reader's limit) then ends within a minute on an idle core (the
#: step being judged when the budget runs out is stopped), the steps left over reported as not
#: judged.
DEFAULT_BUDGET_S = 40.0


@dataclass(frozen=True)
class CheckConfig:
    """How hard and how long the checker tries.

    ``concrete_n`` are the class counts tried when a symbolic-n proof is not found;
    ``samples`` the random points of the numeric comparison; every sample is drawn from a
    generator seeded with ``seed`` so each verdict can be reproduced.
    """

    concrete_n: tuple[int, ...] = (1, 2, 3, 4, 5)
    samples: int = 24
    seed: int = 0
    rtol: float = 1e-9
    atol: float = 1e-12
    step_timeout_s: float = 5.0
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadConfig:
    """How documents are read: ``fmt`` is ``"md"``, ``"tex"`` or ``None`` (by extension)."""

    fmt: str | None = None
    max_bytes: int = 8 * 1024 * 1024
    max_formula_chars: int = 20_000
    max_depth: int = 200


@dataclass(frozen=True)
class Notation:
    """The letters a document author wants: logits, probabilities, targets, indices, classes.

    >>> Notation(logits="z", probs="S", targets="t", classes="C").classes
    'C'
    """

    logits: str = "x"
    probs: str = "p"
    targets: str = "y"
    loss: str = "L"
    indices: tuple[str, str, str] = ("i", "j", "k")
    classes: str = "n"
