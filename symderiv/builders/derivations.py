"""The seed derivation under its first import path: the index-form chains of ``softmax-ce``.

Built by the one derivation strategy (:func:`symderiv.builders.entries.softmax_ce`) from
``p_i = exp(x_i) / Σ_k exp(x_k)`` and ``L = −Σ_j y_j log p_j``:

1. the quotient rule form of ``∂p_i/∂x_j``; 2. ``∂p_i/∂x_j = p_i (δ_ij − p_j)``;
3. ``p_i (1 − p_i)`` for ``i = j``; 4. ``−p_i p_j`` for ``i ≠ j``;
5. the chain rule ``∂L/∂x_i = −Σ_j (y_j/p_j) ∂p_j/∂x_i``; 6. the Jacobian substituted;
7. the split of the sum at ``j = i``; 8. ``p_i Σ_j y_j − y_i`` (no assumption on y);
9. ``p_i − y_i`` given ``Σ_j y_j = 1``.

The catalogue entry adds the matrix forms ``J = diag(p) − p pᵀ`` and ``∇_x L = p − y``; this
function leaves them out, so that the step numbering above stays what callers rely on.
"""

from __future__ import annotations

from symderiv.builders import entries
from symderiv.config import Notation
from symderiv.model import Derivation

DEFAULT_NOTATION = Notation()


def softmax_ce(n: int | None = None, *, notation: Notation = DEFAULT_NOTATION) -> Derivation:
    """The seed derivation in index form: softmax Jacobian and ``∂L/∂x_i = p_i − y_i``.

    Args:
        n: ``None`` for symbolic n (``IndexedBase``/``Sum``), or a positive number of classes
            (explicit symbols ``x_1 .. x_n``; steps become Matrix equalities).
        notation: names of logits, probabilities, targets, loss, index letters, class count.

    Returns:
        A Derivation whose steps carry ``justification`` and ``assumptions_used``.

    Raises:
        TypeError: ``n`` is not an int.
        ValueError: ``n < 1`` or clashing notation.

    >>> d = softmax_ce()
    >>> d.steps[-1].rhs
    p[i] - y[i]
    >>> softmax_ce(2).steps[-1].rhs.T
    Matrix([[p_1 - y_1, p_2 - y_2]])
    """
    return entries.softmax_ce(n, notation=notation, matrix=False)
