"""The catalogue's derivations as plans for one strategy (:mod:`symderiv.builders.strategy`).

Each entry states its definitions and, per chain, the quantity and the ordered rules; SymPy
does the differentiating and rewriting (nothing typed in). Identities encoded:

* ``softmax-temperature``: ``p_i = exp(x_i/T) / Σ_k exp(x_k/T)``,
  ``∂p_i/∂x_j = p_i (δ_ij − p_j) / T``; with ``L = −Σ_j y_j log p_j``,
  ``∂L/∂x_i = (p_i − y_i) / T`` given ``Σ_j y_j = 1``.
* ``log-softmax``: ``∂ log p_i/∂x_j = δ_ij − p_j``; ``∂/∂x_i log Σ_k exp(x_k) = p_i``; the
  max-shift identities ``log Σ_k exp(x_k) = μ + log Σ_k exp(x_k − μ)`` and
  ``p_i = exp(x_i − μ) / Σ_k exp(x_k − μ)`` for any ``μ`` (``μ = max_k x_k`` in practice).
* ``label-smoothing-ce``: ``q_j = (1 − ε) y_j + ε/n``, ``L = −Σ_j q_j log p_j``,
  ``∂L/∂x_i = p_i − q_i = p_i − (1 − ε) y_i − ε/n`` given ``Σ_j y_j = 1``.
* ``kl-softmax``: ``L = Σ_j y_j log(y_j / p_j) = −Σ_j y_j log p_j + Σ_j y_j log y_j``
  (cross-entropy minus entropy), ``∂L/∂x_i = p_i − y_i`` given ``Σ_j y_j = 1``.
* ``focal-loss`` (binary): ``p_i = σ(x_i)``, ``q_j = y_j p_j + (1 − y_j)(1 − p_j)`` (``p_t``),
  ``L = −Σ_j α_t (1 − q_j)^γ log q_j`` with ``α_t = α y_j + (1 − α)(1 − y_j)``;
  ``∂q_i/∂x_j = δ_ij (2y_i − 1) p_i (1 − p_i)``, and for ``y_i = 1``
  ``∂L/∂x_i = α (1 − p_i)^γ (γ p_i log p_i + p_i − 1)``, for ``y_i = 0``
  ``∂L/∂x_i = (1 − α) p_i^γ (p_i − γ (1 − p_i) log(1 − p_i))``.
* ``sigmoid-bce``: ``p_i = σ(x_i) = 1 / (1 + exp(−x_i))`` (n independent binary outputs),
  ``∂p_i/∂x_j = δ_ij p_i (1 − p_i)``, and for
  ``L = −Σ_j (y_j log p_j + (1 − y_j) log(1 − p_j))``, ``∂L/∂x_i = p_i − y_i`` for any ``y``.

The plans of the softmax family stand here; those of independent binary outputs
(``focal-loss``, ``sigmoid-bce``) in :mod:`._binary`; what they share in :mod:`._plan`.
"""

from __future__ import annotations

import dataclasses

import sympy

from symderiv import symbols
from symderiv.builders._binary import focal_loss, sigmoid_bce
from symderiv.builders._matrix_form import matrix_form
from symderiv.builders._plan import (
    EPSILON,
    MU,
    T,
    build,
    cross_entropy,
    gradient,
    jacobian,
    plain_vectors,
    softmax_value,
    start,
)
from symderiv.builders.strategy import (
    CHAIN_RULE,
    COLLECT,
    DIFFERENTIATE,
    SPLIT_AT_INDEX,
    SUBSTITUTE,
    SUM_DELTAS,
    Context,
    chain,
    define,
    recognise,
    rewrite,
    split_cases,
    use_sum_one,
    write_out_in_sums,
)
from symderiv.config import Notation
from symderiv.model import Derivation, Step

__all__ = [
    "focal_loss",
    "kl_softmax",
    "label_smoothing_ce",
    "log_softmax",
    "sigmoid_bce",
    "softmax_ce",
    "softmax_temperature",
]


def softmax_ce(
    n: int | None = None, *, notation: Notation = Notation(), matrix: bool = True
) -> Derivation:
    """The seed derivation: ``∂p_i/∂x_j = p_i (δ_ij − p_j)`` and ``∂L/∂x_i = p_i − y_i``.

    ``p_i = exp(x_i) / Σ_k exp(x_k)``, ``L = −Σ_j y_j log p_j``. The Jacobian chain is the
    quotient rule, the definition of ``p`` read back, the ``i = j`` / ``i ≠ j`` cases; the
    gradient chain is the chain rule through ``p_j``, the Jacobian substituted, the sum split at
    ``j = i``, collected (``p_i Σ_j y_j − y_i`` for any ``y``), and ``Σ_j y_j = 1``. With
    ``matrix`` (symbolic n), both results follow in matrix form:
    ``J = diag(p) − p pᵀ`` and ``∇_x L = p − y``.

    Args:
        n: ``None`` for symbolic n, or a positive number of classes (steps become matrix
            equalities over the free indices).
        notation: the document's names.
        matrix: append the matrix forms (symbolic n only).

    Returns:
        The derivation; its steps carry justifications and the assumptions they used.

    Raises:
        TypeError: ``n`` is not an int.
        ValueError: ``n < 1`` or clashing notation.

    >>> softmax_ce(matrix=False).steps[-1].rhs
    p[i] - y[i]
    >>> print(*sorted(map(str, softmax_ce().steps[-3].rhs.args)))
    -\\mathbf{p}*\\mathbf{p}.T DiagMatrix(\\mathbf{p})
    """
    jac_name = "J" if notation.loss != "J" else "M"
    grad_name = "g" if "g" not in (notation.logits, notation.probs, notation.targets) else "G"
    nm = start(n, notation, (jac_name, grad_name))
    x, p, i, j, k, n_ = nm.x, nm.p, nm.i, nm.j, nm.k, nm.n
    p_def = softmax_value(nm)
    l_def = cross_entropy(nm, nm.y)
    ctx = Context(nm, {p[i]: p_def, nm.L: l_def})
    jac = sympy.Derivative(p[i], x[j])
    # NOTE: the quotient rule here differentiates Σ_k exp(x_k) by x_j and sums the delta: it
    # uses 1 ≤ j ≤ n, so this entry's rule names the index range (rules are values).
    quotient = dataclasses.replace(DIFFERENTIATE, uses=lambda c: (c.names.range_text,))
    divide = recognise(
        p,
        say=f"the definition of ${nm.entry(p, i)}$ in both terms:"
        f" $\\exp({nm.entry(x, i)}) = {nm.entry(p, i)} \\sum_{{{k}=1}}^{{{n_}}} \\exp({nm.entry(x, k)})$",
    )
    jac_steps, jac_result = chain(jac, (quotient, divide), ctx)
    ctx = ctx.with_derivative(jac, jac_result)
    collect = dataclasses.replace(
        SUM_DELTAS,
        say=lambda c, b, a: f"collect terms; no assumption on ${nm.y.name}$",
        uses=lambda c: (),
    )
    dl = sympy.Derivative(nm.L, x[i])
    grad, grad_result = chain(
        dl, (CHAIN_RULE, SUBSTITUTE, SPLIT_AT_INDEX, collect, use_sum_one(ctx)), ctx
    )
    steps = (
        define(p[i], p_def, "softmax"),
        define(nm.L, l_def, "cross-entropy"),
        *jac_steps,
        *split_cases(jac, jac_result, ctx),
        *grad,
    )
    matrix_steps = (
        matrix_form(jac, jac_result, ctx, name=jac_name, what=f"the Jacobian ${jac_name}$")
        + matrix_form(
            dl,
            grad_result,
            ctx,
            name=grad_name,
            what=f"the gradient $\\nabla_{{\\mathbf{{{x.name}}}}} {nm.L}$",
        )
        if matrix and plain_vectors(notation)
        else ()
    )
    return build("softmax-ce", nm, steps, n, normalised=True, symbolic_only=matrix_steps)


def softmax_temperature(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Softmax at temperature ``T``: ``∂p_i/∂x_j = p_i(δ_ij − p_j)/T``, ``∂L/∂x_i = (p_i − y_i)/T``.

    Args:
        n: ``None`` for symbolic n, or a positive number of classes.
        notation: the document's names.

    Returns:
        The derivation; its steps carry justifications and the assumptions they used.

    Raises:
        TypeError: ``n`` is not an int.
        ValueError: ``n < 1`` or clashing notation.

    >>> softmax_temperature().steps[3].rhs
    (KroneckerDelta(i, j) - p[j])*p[i]/T
    """
    nm = start(n, notation, ("T",))
    p_def = softmax_value(nm, T)
    l_def = cross_entropy(nm, nm.y)
    ctx = Context(nm, {nm.p[nm.i]: p_def, nm.L: l_def})
    jac_steps, ctx = jacobian(nm, ctx)
    grad = gradient(nm, ctx, finish=(COLLECT, use_sum_one(ctx)))
    steps = (
        define(nm.p[nm.i], p_def, "softmax at temperature $T$"),
        define(nm.L, l_def, "cross-entropy"),
        *jac_steps,
        *grad,
    )
    return build("softmax-temperature", nm, steps, n, normalised=True)


def log_softmax(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Log-softmax: ``∂ log p_i/∂x_j = δ_ij − p_j``, the log-sum-exp gradient, the max shift.

    >>> log_softmax().steps[2].rhs
    KroneckerDelta(i, j) - p[j]
    """
    nm = start(n, notation, ("mu",))
    x, p, i, j, k, n_ = nm.x, nm.p, nm.i, nm.j, nm.k, nm.n
    p_def = softmax_value(nm)
    ctx = Context(nm, {p[i]: p_def})
    lsm = sympy.Derivative(sympy.log(p[i]), x[j])
    lsm_steps, result = chain(lsm, (DIFFERENTIATE, recognise(p)), ctx)
    lse = sympy.log(sympy.Sum(sympy.exp(x[k]), (k, 1, n_)))
    lse_steps, _ = chain(sympy.Derivative(lse, x[i]), (DIFFERENTIATE, recognise(p)), ctx)
    shifted_sum = sympy.Sum(sympy.exp(x[k] - MU), (k, 1, n_))
    xk = nm.entry(x, k)
    total = sympy.Sum(sympy.exp(x[k]), (k, 1, n_))
    factored = Step(
        total,
        sympy.exp(MU) * shifted_sum,
        justification=f"max shift, any $\\mu$ (e.g. $\\max_{{{k}}} {xk}$)",
    )
    shift_lse = Step(
        sympy.log(factored.rhs),
        MU + sympy.log(shifted_sum),
        justification="take logs: $\\log(e^{\\mu} u) = \\mu + \\log u$",
    )
    shift_p = Step(
        p[i],
        sympy.exp(x[i] - MU) / shifted_sum,
        justification="$e^{\\mu}$ cancels",
    )
    steps = (
        define(p[i], p_def, "softmax"),
        *lsm_steps,
        *split_cases(lsm, result, ctx),
        *lse_steps,
        factored,
        shift_lse,
        shift_p,
    )
    return build("log-softmax", nm, steps, n, normalised=False)


def label_smoothing_ce(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Cross-entropy with smoothed targets ``q_j = (1 − ε) y_j + ε/n``: ``∂L/∂x_i = p_i − q_i``.

    >>> label_smoothing_ce().steps[-1].rhs
    -(1 - varepsilon)*y[i] + p[i] - varepsilon/n
    """
    nm = start(n, notation, ("q", "varepsilon"))
    q = symbols.vector("q")
    p_def = softmax_value(nm)
    q_def = (1 - EPSILON) * nm.y[nm.j] + EPSILON / nm.n
    l_def = cross_entropy(nm, q)
    ctx = Context(nm, {nm.p[nm.i]: p_def, q[nm.i]: q_def.xreplace({nm.j: nm.i}), nm.L: l_def})
    jac_steps, ctx = jacobian(nm, ctx)
    grad = gradient(
        nm,
        ctx,
        finish=(
            COLLECT,
            write_out_in_sums(
                q,
                f"the definition of $q_{{{nm.j}}}$: $\\sum_{{{nm.j}}} q_{{{nm.j}}} = "
                f"(1 - \\varepsilon) \\sum_{{{nm.j}}} {nm.entry(nm.y, nm.j)} + \\varepsilon$",
            ),
            use_sum_one(ctx),
            rewrite(
                "definition of q",
                lambda e, c: e.xreplace({q[nm.i]: q_def.xreplace({nm.j: nm.i})}),
                f"the definition of $q_{{{nm.i}}}$",
            ),
        ),
    )
    steps = (
        define(nm.p[nm.i], p_def, "softmax"),
        define(q[nm.j], q_def, "smoothed targets"),
        define(nm.L, l_def, "cross-entropy with the smoothed targets"),
        *jac_steps[:2],
        *grad,
    )
    return build("label-smoothing-ce", nm, steps, n, normalised=True, vectors=(q,))


def kl_softmax(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """``D_KL(y‖p) = Σ_j y_j log(y_j/p_j)``: cross-entropy minus entropy; gradient ``p_i − y_i``.

    >>> kl_softmax().steps[-1].rhs
    p[i] - y[i]
    """
    nm = start(n, notation)
    y, p, j, n_ = nm.y, nm.p, nm.j, nm.n
    p_def = softmax_value(nm)
    l_def = sympy.Sum(y[j] * sympy.log(y[j] / p[j]), (j, 1, n_))
    ctx = Context(nm, {p[nm.i]: p_def, nm.L: l_def})
    split = -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n_)) + sympy.Sum(
        y[j] * sympy.log(y[j]), (j, 1, n_)
    )
    relation = Step(
        nm.L,
        split,
        justification=(
            f"$\\log \\frac{{{nm.entry(y, j)}}}{{{nm.entry(p, j)}}} = \\log {nm.entry(y, j)}"
            f" - \\log {nm.entry(p, j)}$: cross-entropy $H({y.name}, {p.name})$ minus entropy"
            f" $H({y.name})$"
        ),
    )
    jac_steps, ctx = jacobian(nm, ctx)
    grad = gradient(nm, ctx, finish=(COLLECT, use_sum_one(ctx)))
    steps = (
        define(p[nm.i], p_def, "softmax"),
        define(nm.L, l_def, "Kullback-Leibler divergence $D_{KL}(y \\| p)$"),
        relation,
        *jac_steps[:2],
        *grad,
    )
    return build("kl-softmax", nm, steps, n, normalised=True)
