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

import dataclasses

import sympy

from symderiv import symbols
from symderiv.builders._lowering import lower
from symderiv.builders._matrix_form import matrix_form
from symderiv.builders.softmax import _check_n
from symderiv.builders.strategy import (
    CHAIN_RULE,
    COLLECT,
    DIFFERENTIATE,
    FACTOR_SUMMANDS,
    SIMPLIFY_SUMMANDS,
    SPLIT_AT_INDEX,
    SUBSTITUTE,
    SUM_DELTAS,
    Context,
    Names,
    Rule,
    chain,
    define,
    index_range,
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
    "softmax_ce",
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
    symbolic_only: tuple[Step, ...] = (),
) -> Derivation:
    # NOTE: ``symbolic_only`` steps (the matrix forms) are left out at concrete n: there every
    # step with free i, j already is a matrix equality, and the matrix form would repeat it.
    assumptions = (index_range(nm),) + ((sum_one(nm),) if normalised else ())
    if n is None:
        steps = steps + symbolic_only
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
    nm = _start(n, notation, (jac_name, grad_name))
    x, p, i, j, k, n_ = nm.x, nm.p, nm.i, nm.j, nm.k, nm.n
    p_def = _softmax(nm)
    l_def = _cross_entropy(nm, nm.y)
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
        SUM_DELTAS, say=lambda c, b, a: f"collect terms; no assumption on ${nm.y.name}$", uses=lambda c: ()
    )
    dl = sympy.Derivative(nm.L, x[i])
    grad, grad_result = chain(dl, (CHAIN_RULE, SUBSTITUTE, SPLIT_AT_INDEX, collect, use_sum_one(ctx)), ctx)
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
            dl, grad_result, ctx, name=grad_name,
            what=f"the gradient $\\nabla_{{\\mathbf{{{x.name}}}}} {nm.L}$",
        )
        if matrix and _plain_vectors(notation)
        else ()
    )
    return _build("softmax-ce", nm, steps, n, normalised=True, symbolic_only=matrix_steps)


def _plain_vectors(notation: Notation) -> bool:
    """True when the vectors are single lower-case letters.

    NOTE: the matrix form writes ``\\mathbf{p}``; the reader takes a bold lower-case letter for
    a vector and a bold capital for a matrix, and has no reading of ``\\mathbf{\\hat{y}}``.
    With other names the matrix forms are left out, so that the document reads back.
    """
    names = (notation.logits, notation.probs, notation.targets)
    return all(len(c) == 1 and "a" <= c <= "z" for c in names)


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

    >>> [s.rhs for s in sigmoid_bce().steps if s.rhs == s.rhs.func(*s.rhs.args)][-1]
    Sum((s[i] - y[i])*X[i, j], (i, 1, m))/m
    >>> any(str(s.rhs) == "p[i] - y[i]" for s in sigmoid_bce().steps)
    True
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
    return _build(
        "sigmoid-bce", nm, steps, n, normalised=False, symbolic_only=_sample_mean(notation)
    )


def _sample_mean(notation: Notation) -> tuple[Step, ...]:
    """Logistic regression over ``m`` samples: ``∂J/∂w_j = (1/m) Σ_i (s_i − y_i) X_ij``.

    ``s_i = σ(w · x⁽ⁱ⁾) = 1 / (1 + exp(−Σ_k w_k X_ik))`` (row ``i`` of ``X`` is the sample
    ``x⁽ⁱ⁾``, with ``n`` features), ``J = −(1/m) Σ_i (y_i log s_i + (1 − y_i) log(1 − s_i))``.
    The same rules as the per-output part: differentiate and read the sigmoid back, then the
    chain rule through ``s_i`` and the derivative substituted, each term simplified.

    NOTE: symbolic only: the sample count ``m`` is a second count, which a concrete-n
    derivation (one count instantiated) does not have. The features are counted by ``n``: the
    checker ranges free indices over one count.
    """
    taken = {notation.logits, notation.probs, notation.targets, notation.loss, notation.classes}
    pick = {c: next(a for a in alts if a not in taken) for c, alts in
            (("w", "wvu"), ("s", "sqr"), ("J", "JEC"), ("X", "XAB"), ("m", "mMN"))}
    mean = names_for(
        Notation(
            logits=pick["w"], probs=pick["s"], targets=notation.targets, loss=pick["J"],
            indices=notation.indices, classes=notation.classes,
        )
    )
    w, s_, y, i, j, k, d = mean.x, mean.p, mean.y, mean.i, mean.j, mean.k, mean.n
    big_x, m = symbols.vector(pick["X"]), symbols.count(pick["m"])
    s_def = 1 / (1 + sympy.exp(-sympy.Sum(w[k] * big_x[i, k], (k, 1, d))))
    j_def = -sympy.Sum(
        y[i] * sympy.log(s_[i]) + (1 - y[i]) * sympy.log(1 - s_[i]), (i, 1, m)
    ) / m
    ctx = Context(mean, {s_[i]: s_def, mean.L: j_def})
    jac = sympy.Derivative(s_[i], w[j])
    si, xi = mean.entry(s_, i), f"{big_x.name}_{{{i}{j}}}"
    jac_steps, result = chain(
        jac,
        (DIFFERENTIATE, recognise(s_, say=f"the definition of ${si}$, read back")),
        ctx,
    )
    ctx = ctx.with_derivative(jac, result)
    grad, _ = chain(sympy.Derivative(mean.L, w[j]), (CHAIN_RULE, SUBSTITUTE, SIMPLIFY_SUMMANDS), ctx)
    row = f"\\mathbf{{{w.name}}} \\cdot \\mathbf{{x}}^{{({i})}}"
    return (
        define(
            s_[i], s_def,
            f"logistic regression over ${m}$ samples: ${si} = \\sigma({row})$, ${xi}$ is feature"
            f" ${j}$ of $\\mathbf{{x}}^{{({i})}}$",
        ),
        define(mean.L, j_def, f"mean binary cross-entropy over the ${m}$ samples"),
        *jac_steps,
        *grad,
    )


def focal_loss(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Binary focal loss: its gradient in terms of ``p_t``, ``γ``, ``α``, for ``y_i = 1`` and ``0``.

    >>> focal_loss().steps[-3].rhs
    alpha*(1 - p[i])**gamma*(gamma*log(p[i])*p[i] + p[i] - 1)
    """
    taken = (notation.logits, notation.probs, notation.targets, notation.loss)
    case_names = tuple(c for c in "ghuv" if c not in taken)[:2]
    nm = _start(n, notation, ("q", "w", "alpha", "gamma", *case_names))
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
    # NOTE: each case is named (g_i for y_i = 1, h_i for y_i = 0): the result with the values
    # put in and its collected form are each as wide as a line, and one step holding both
    # ran 31pt past the margin of the compiled page.
    pos, neg = (symbols.vector(c) for c in case_names)
    cases = split_values(
        last, ctx, entry=y[i], values=(sympy.S.One, sympy.S.Zero), names=(q[i], w[i]),
        called=(pos, neg),
        quantity=f"$\\frac{{\\partial {nm.L}}}{{\\partial {nm.entry(x, i)}}}$",
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
    return _build("focal-loss", nm, steps, n, normalised=False, vectors=(q, w, pos, neg))
