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
"""

from __future__ import annotations

import sympy

from symderiv import symbols
from symderiv.builders.softmax import _check_n
from symderiv.builders.strategy import (
    CHAIN_RULE,
    COLLECT,
    DIFFERENTIATE,
    FACTOR_SUMMANDS,
    SUBSTITUTE,
    SUM_DELTAS,
    Context,
    Names,
    Rule,
    chain,
    define,
    index_range,
    lower,
    names_for,
    recognise,
    rewrite,
    split_cases,
    split_values,
    sum_one,
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
    "softmax_temperature",
]

#: The temperature, the smoothing weight and the shift, as the reader reads ``T``,
#: ``\varepsilon`` and ``\mu``: real scalars.
T = symbols.scalar("T")
EPSILON = symbols.scalar("varepsilon")
MU = symbols.scalar("mu")
ALPHA = symbols.scalar("alpha")
GAMMA = symbols.scalar("gamma")


def _softmax(nm: Names, scale: sympy.Expr = sympy.S.One) -> sympy.Expr:
    return sympy.exp(nm.x[nm.i] / scale) / sympy.Sum(sympy.exp(nm.x[nm.k] / scale), (nm.k, 1, nm.n))


def _cross_entropy(nm: Names, targets: sympy.IndexedBase) -> sympy.Expr:
    return -sympy.Sum(targets[nm.j] * sympy.log(nm.p[nm.j]), (nm.j, 1, nm.n))


def _jacobian(nm: Names, ctx: Context, *, say: str | None = None) -> tuple[tuple[Step, ...], Context]:
    """``∂p_i/∂x_j``: differentiate, read the definition back, split the cases."""
    jac = sympy.Derivative(nm.p[nm.i], nm.x[nm.j])
    steps, result = chain(jac, (DIFFERENTIATE, recognise(nm.p, say=say)), ctx)
    return steps + split_cases(jac, result, ctx), ctx.with_derivative(jac, result)


def _gradient(
    nm: Names, ctx: Context, *, finish: tuple[Rule, ...] = ()
) -> tuple[Step, ...]:
    """``∂L/∂x_i`` for a loss of the probabilities: chain rule, Jacobian, deltas, collect."""
    dl = sympy.Derivative(nm.L, nm.x[nm.i])
    steps, _ = chain(dl, (CHAIN_RULE, SUBSTITUTE, SUM_DELTAS, *finish), ctx)
    return steps


def _build(
    name: str,
    nm: Names,
    steps: tuple[Step, ...],
    n: int | None,
    *,
    normalised: bool,
    vectors: tuple[sympy.IndexedBase, ...] = (),
) -> Derivation:
    assumptions = (index_range(nm),) + ((sum_one(nm),) if normalised else ())
    d = Derivation(
        name=name,
        steps=steps,
        assumptions=assumptions,
        n=nm.n,
        source=f"symderiv.builders.entries.{name.replace('-', '_')}",
    )
    return d if n is None else lower(d, nm, n, vectors=vectors)


def _start(n: int | None, notation: Notation, extra: tuple[str, ...] = ()) -> Names:
    if n is not None:
        _check_n(n)
    return names_for(notation, extra=extra)


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
    nm = _start(n, notation, ("T",))
    p_def = _softmax(nm, T)
    l_def = _cross_entropy(nm, nm.y)
    ctx = Context(nm, {nm.p[nm.i]: p_def, nm.L: l_def})
    jac_steps, ctx = _jacobian(nm, ctx)
    grad = _gradient(nm, ctx, finish=(COLLECT, use_sum_one(ctx)))
    steps = (
        define(nm.p[nm.i], p_def, "softmax at temperature $T$"),
        define(nm.L, l_def, "cross-entropy"),
        *jac_steps,
        *grad,
    )
    return _build("softmax-temperature", nm, steps, n, normalised=True)


def log_softmax(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Log-softmax: ``∂ log p_i/∂x_j = δ_ij − p_j``, the log-sum-exp gradient, the max shift.

    >>> log_softmax().steps[2].rhs
    KroneckerDelta(i, j) - p[j]
    """
    nm = _start(n, notation, ("mu",))
    x, p, i, j, k, n_ = nm.x, nm.p, nm.i, nm.j, nm.k, nm.n
    p_def = _softmax(nm)
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
    return _build("log-softmax", nm, steps, n, normalised=False)


def label_smoothing_ce(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Cross-entropy with smoothed targets ``q_j = (1 − ε) y_j + ε/n``: ``∂L/∂x_i = p_i − q_i``.

    >>> label_smoothing_ce().steps[-1].rhs
    -(1 - varepsilon)*y[i] + p[i] - varepsilon/n
    """
    nm = _start(n, notation, ("q", "varepsilon"))
    q = symbols.vector("q")
    p_def = _softmax(nm)
    q_def = (1 - EPSILON) * nm.y[nm.j] + EPSILON / nm.n
    l_def = _cross_entropy(nm, q)
    ctx = Context(nm, {nm.p[nm.i]: p_def, q[nm.i]: q_def.xreplace({nm.j: nm.i}), nm.L: l_def})
    jac_steps, ctx = _jacobian(nm, ctx)
    grad = _gradient(
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
    return _build("label-smoothing-ce", nm, steps, n, normalised=True, vectors=(q,))


def kl_softmax(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """``D_KL(y‖p) = Σ_j y_j log(y_j/p_j)``: cross-entropy minus entropy; gradient ``p_i − y_i``.

    >>> kl_softmax().steps[-1].rhs
    p[i] - y[i]
    """
    nm = _start(n, notation)
    y, p, j, n_ = nm.y, nm.p, nm.j, nm.n
    p_def = _softmax(nm)
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
    jac_steps, ctx = _jacobian(nm, ctx)
    grad = _gradient(nm, ctx, finish=(COLLECT, use_sum_one(ctx)))
    steps = (
        define(p[nm.i], p_def, "softmax"),
        define(nm.L, l_def, "Kullback-Leibler divergence $D_{KL}(y \\| p)$"),
        relation,
        *jac_steps[:2],
        *grad,
    )
    return _build("kl-softmax", nm, steps, n, normalised=True)


def sigmoid_bce(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Sigmoid outputs with binary cross-entropy: ``σ' = σ(1 − σ)``, ``∂L/∂x_i = p_i − y_i``.

    >>> sigmoid_bce().steps[-1].rhs
    p[i] - y[i]
    """
    nm = _start(n, notation)
    x, y, p, i, j, n_ = nm.x, nm.y, nm.p, nm.i, nm.j, nm.n
    p_def = 1 / (1 + sympy.exp(-x[i]))
    l_def = -sympy.Sum(y[j] * sympy.log(p[j]) + (1 - y[j]) * sympy.log(1 - p[j]), (j, 1, n_))
    ctx = Context(nm, {p[i]: p_def, nm.L: l_def})
    jac = sympy.Derivative(p[i], x[j])
    jac_steps, result = chain(
        jac,
        (
            DIFFERENTIATE,
            recognise(
                p,
                say=f"$e^{{-{nm.entry(x, i)}}} = \\frac{{1}}{{{nm.entry(p, i)}}} - 1$ by the "
                f"definition of ${nm.entry(p, i)}$",
            ),
        ),
        ctx,
    )
    ctx = ctx.with_derivative(jac, result)
    grad = _gradient(nm, ctx, finish=(COLLECT,))
    steps = (
        define(p[i], p_def, "sigmoid $\\sigma(" + nm.entry(x, i) + ")$"),
        define(nm.L, l_def, "binary cross-entropy"),
        *jac_steps,
        *split_cases(jac, result, ctx),
        *grad,
    )
    return _build("sigmoid-bce", nm, steps, n, normalised=False)


def focal_loss(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Binary focal loss: its gradient in terms of ``p_t``, ``γ``, ``α``, for ``y_i = 1`` and ``0``.

    >>> focal_loss().steps[-2].rhs
    alpha*(1 - p[i])**gamma*(gamma*log(p[i])*p[i] + p[i] - 1)
    """
    nm = _start(n, notation, ("q", "w", "alpha", "gamma"))
    x, y, p, i, j, n_ = nm.x, nm.y, nm.p, nm.i, nm.j, nm.n
    q, w = symbols.vector("q"), symbols.vector("w")
    p_def = 1 / (1 + sympy.exp(-x[i]))
    q_def = y[j] * p[j] + (1 - y[j]) * (1 - p[j])
    w_def = ALPHA * y[j] + (1 - ALPHA) * (1 - y[j])
    l_def = -sympy.Sum(w[j] * (1 - q[j]) ** GAMMA * sympy.log(q[j]), (j, 1, n_))
    ctx = Context(
        nm,
        {p[i]: p_def, q[i]: q_def.xreplace({j: i}), w[i]: w_def.xreplace({j: i}), nm.L: l_def},
    )
    sigmoid = recognise(
        p,
        say=f"$e^{{-{nm.entry(x, i)}}} = \\frac{{1}}{{{nm.entry(p, i)}}} - 1$",
    )
    jac = sympy.Derivative(p[i], x[j])
    jac_steps, result = chain(jac, (DIFFERENTIATE, sigmoid), ctx)
    ctx = ctx.with_derivative(jac, result)
    dq = sympy.Derivative(q[i], x[j])
    dq_steps, dq_result = chain(dq, (CHAIN_RULE, COLLECT, SUBSTITUTE), ctx)
    ctx = ctx.with_derivative(dq, dq_result)
    dl = sympy.Derivative(nm.L, x[i])
    chain_factored = rewrite(
        "chain rule",
        lambda e, c: FACTOR_SUMMANDS.apply(CHAIN_RULE.apply(e, c), c),
        f"chain rule through $q_{{{j}}}$",
    )
    grad, last = chain(dl, (chain_factored, SUBSTITUTE, SUM_DELTAS), ctx)
    cases = split_values(
        last, ctx, entry=y[i], values=(sympy.S.One, sympy.S.Zero), names=(q[i], w[i])
    )
    steps = (
        define(p[i], p_def, "sigmoid"),
        define(q[j], q_def, "$p_t$"),
        define(w[j], w_def, "$\\alpha_t$"),
        define(nm.L, l_def, "focal loss"),
        *jac_steps,
        *dq_steps,
        *grad,
        *cases,
    )
    return _build("focal-loss", nm, steps, n, normalised=False, vectors=(q, w))
