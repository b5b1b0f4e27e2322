"""The catalogue: derivation names, what they are, how to build them, and their documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from symderiv.config import Notation
from symderiv.errors import UnknownDerivationError

if TYPE_CHECKING:
    from symderiv.model import Derivation


@dataclass(frozen=True)
class Entry:
    """One catalogued derivation: a builder and the hand-written document that goes with it."""

    name: str
    summary: str
    build: Callable[..., Derivation]
    document: str | None = None


def _planned(name: str) -> Callable[..., Derivation]:
    """The builder of an entry planned in :mod:`symderiv.builders.entries` (imported lazily)."""

    def build(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
        from symderiv.builders import entries

        made: Derivation = getattr(entries, name.replace("-", "_"))(n, notation=notation)
        return made

    return build


CATALOGUE: dict[str, Entry] = {
    "softmax-ce": Entry(
        name="softmax-ce",
        summary="softmax Jacobian (i = j, i != j, delta form, diag(p) - p p^T) and dL/dx_i = p_i - y_i for cross-entropy",
        build=_planned("softmax-ce"),
        document="softmax_ce.md",
    ),
    "softmax-temperature": Entry(
        name="softmax-temperature",
        summary="softmax at temperature T: Jacobian p_i (delta_ij - p_j) / T; dL/dx_i = (p_i - y_i) / T",
        build=_planned("softmax-temperature"),
        document="softmax_temperature.md",
    ),
    "log-softmax": Entry(
        name="log-softmax",
        summary="d log p_i/dx_j = delta_ij - p_j; gradient of log-sum-exp = softmax; the max shift",
        build=_planned("log-softmax"),
        document="log_softmax.md",
    ),
    "label-smoothing-ce": Entry(
        name="label-smoothing-ce",
        summary="cross-entropy with targets (1 - eps) y + eps/n: dL/dx_i = p_i - (1 - eps) y_i - eps/n",
        build=_planned("label-smoothing-ce"),
        document="label_smoothing_ce.md",
    ),
    "kl-softmax": Entry(
        name="kl-softmax",
        summary="D_KL(y || softmax(x)) = cross-entropy - entropy; dD/dx_i = p_i - y_i given sum(y) = 1",
        build=_planned("kl-softmax"),
        document="kl_softmax.md",
    ),
    "focal-loss": Entry(
        name="focal-loss",
        summary="binary focal loss: dL/dx_i for y_i = 1 and y_i = 0 in terms of p_t, gamma, alpha",
        build=_planned("focal-loss"),
        document="focal_loss.md",
    ),
    "sigmoid-bce": Entry(
        name="sigmoid-bce",
        summary="sigmoid' = sigma (1 - sigma); binary cross-entropy dL/dx_i = sigma(x_i) - y_i",
        build=_planned("sigmoid-bce"),
        document="sigmoid_bce.md",
    ),
}


def names() -> tuple[str, ...]:
    """Every catalogued name, sorted."""
    return tuple(sorted(CATALOGUE))


def get(name: str) -> Entry:
    """The entry called ``name``; raises :class:`UnknownDerivationError` with the known names."""
    try:
        return CATALOGUE[name]
    except KeyError:
        known = ", ".join(names())
        raise UnknownDerivationError(
            f"unknown derivation {name!r}; known: {known}"
        ) from None


def documents_dir() -> Path:
    """Where the catalogue's documents are: inside the installed package, else the repo."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_catalogue", here.parent / "derivations"):
        if candidate.is_dir():
            return candidate
    raise UnknownDerivationError("the catalogue's documents are not installed")


def build(name: str, n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Build the catalogued derivation ``name`` for symbolic n (``None``) or concrete ``n``.

    Raises:
        UnknownDerivationError: no such name.
        ValueError: ``n`` is not a positive integer.
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return get(name).build(n, notation=notation)
