"""The catalogue's plans for independent binary outputs: ``sigmoid-bce`` and ``focal-loss``.

The identities are listed in :mod:`symderiv.builders.entries`.
"""

from __future__ import annotations

import sympy

from symderiv import symbols
from symderiv.builders._plan import ALPHA, GAMMA, build, gradient, start
from symderiv.builders.strategy import (
    CHAIN_RULE,
    COLLECT,
    DIFFERENTIATE,
    FACTOR_SUMMANDS,
    SIMPLIFY_SUMMANDS,
    SUBSTITUTE,
    SUM_DELTAS,
    Context,
    chain,
    define,
    names_for,
    recognise,
    rewrite,
    split_cases,
    split_values,
)
from symderiv.config import Notation
from symderiv.model import Derivation, Step

__all__ = ["focal_loss", "sigmoid_bce"]


def sigmoid_bce(n: int | None = None, *, notation: Notation = Notation()) -> Derivation:
    """Sigmoid outputs with binary cross-entropy: ``σ' = σ(1 − σ)``, ``∂L/∂x_i = p_i − y_i``.

    >>> [s.rhs for s in sigmoid_bce().steps if s.rhs == s.rhs.func(*s.rhs.args)][-1]
    Sum((s[i] - y[i])*X[i, j], (i, 1, m))/m
    >>> any(str(s.rhs) == "p[i] - y[i]" for s in sigmoid_bce().steps)
    True
    """
    nm = start(n, notation)
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
    grad = gradient(nm, ctx, finish=(COLLECT,))
    steps = (
        define(p[i], p_def, "sigmoid $\\sigma(" + nm.entry(x, i) + ")$"),
        define(nm.L, l_def, "binary cross-entropy"),
        *jac_steps,
        *split_cases(jac, result, ctx),
        *grad,
    )
    return build(
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
    pick = {
        c: next(a for a in alts if a not in taken)
        for c, alts in (("w", "wvu"), ("s", "sqr"), ("J", "JEC"), ("X", "XAB"), ("m", "mMN"))
    }
    mean = names_for(
        Notation(
            logits=pick["w"],
            probs=pick["s"],
            targets=notation.targets,
            loss=pick["J"],
            indices=notation.indices,
            classes=notation.classes,
        )
    )
    w, s_, y, i, j, k, d = mean.x, mean.p, mean.y, mean.i, mean.j, mean.k, mean.n
    big_x, m = symbols.vector(pick["X"]), symbols.count(pick["m"])
    s_def = 1 / (1 + sympy.exp(-sympy.Sum(w[k] * big_x[i, k], (k, 1, d))))
    j_def = -sympy.Sum(y[i] * sympy.log(s_[i]) + (1 - y[i]) * sympy.log(1 - s_[i]), (i, 1, m)) / m
    ctx = Context(mean, {s_[i]: s_def, mean.L: j_def})
    jac = sympy.Derivative(s_[i], w[j])
    si, xi = mean.entry(s_, i), f"{big_x.name}_{{{i}{j}}}"
    jac_steps, result = chain(
        jac,
        (DIFFERENTIATE, recognise(s_, say=f"the definition of ${si}$, read back")),
        ctx,
    )
    ctx = ctx.with_derivative(jac, result)
    grad, _ = chain(
        sympy.Derivative(mean.L, w[j]), (CHAIN_RULE, SUBSTITUTE, SIMPLIFY_SUMMANDS), ctx
    )
    row = f"\\mathbf{{{w.name}}} \\cdot \\mathbf{{x}}^{{({i})}}"
    return (
        define(
            s_[i],
            s_def,
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
    nm = start(n, notation, ("q", "w", "alpha", "gamma", *case_names))
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
        last,
        ctx,
        entry=y[i],
        values=(sympy.S.One, sympy.S.Zero),
        names=(q[i], w[i]),
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
    return build("focal-loss", nm, steps, n, normalised=False, vectors=(q, w, pos, neg))
