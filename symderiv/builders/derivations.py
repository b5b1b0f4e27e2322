"""The seed derivation, built by SymPy: softmax Jacobian and the cross-entropy gradient.

From the definitions ``p_i = exp(x_i) / sum_k exp(x_k)`` and ``L = -sum_j y_j log p_j`` the
steps are obtained by differentiating and rewriting with SymPy (nothing typed in):

1. the quotient rule form of ``∂p_i/∂x_j``;
2. ``∂p_i/∂x_j = p_i (δ_ij − p_j)``; 3. ``p_i (1 − p_i)`` for ``i = j``; 4. ``−p_i p_j`` for ``i ≠ j``;
5. the chain rule ``∂L/∂x_i = −sum_j y_j (1/p_j) ∂p_j/∂x_i``; 6. the Jacobian substituted;
7. the split of the sum at ``j = i``; 8. ``p_i sum_j y_j − y_i`` (no assumption on y);
9. ``p_i − y_i`` given ``sum_j y_j = 1``.

For concrete n every step is the same step instantiated: a Matrix equality over the free
indices (``n × n`` for ``i, j``, a column for ``i``).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import sympy

from symderiv import symbols
from symderiv.builders._calculus import (
    entry_matrices,
    fresh_bound,
    instantiate,
    lowering_table,
    pull_constants,
    restore_bound,
    sum_deltas,
)
from symderiv.builders.gradients import softmax_jacobian_entry
from symderiv.builders.softmax import _check_n, concrete_symbols
from symderiv.config import Notation
from symderiv.model import Assumption, Derivation, Relation, Step

DEFAULT_NOTATION = Notation()
INDEX_RANGE = "1 ≤ i, j, k ≤ n"
SUM_Y_ONE = "\\sum_j y_j = 1"


@dataclasses.dataclass(frozen=True)
class _Names:
    x: sympy.IndexedBase
    p: sympy.IndexedBase
    y: sympy.IndexedBase
    L: sympy.Symbol
    i: sympy.Symbol
    j: sympy.Symbol
    k: sympy.Symbol
    n: sympy.Symbol
    notation: Notation

    @property
    def range_text(self) -> str:
        i, j, k = self.notation.indices
        return f"1 ≤ {i}, {j}, {k} ≤ {self.notation.classes}"

    @property
    def sum_text(self) -> str:
        return f"\\sum_{self.notation.indices[1]} {self.notation.targets}_{self.notation.indices[1]} = 1"


def _names(notation: Notation) -> _Names:
    if len(set(notation.indices)) != 3:
        raise ValueError(f"the three index letters must differ, got {notation.indices!r}")
    names = (notation.logits, notation.probs, notation.targets, notation.loss)
    if len(set(names)) != 4:
        raise ValueError(
            f"logits, probs, targets and loss need four different names, got {names!r}"
        )
    i, j, k = (symbols.index(c) for c in notation.indices)
    return _Names(
        x=symbols.vector(notation.logits),
        p=symbols.vector(notation.probs),
        y=symbols.vector(notation.targets),
        L=symbols.scalar(notation.loss),
        i=i,
        j=j,
        k=k,
        n=symbols.count(notation.classes),
        notation=notation,
    )


def softmax_ce(n: int | None = None, *, notation: Notation = DEFAULT_NOTATION) -> Derivation:
    """The seed derivation: softmax Jacobian and ``∂L/∂x_i = p_i − y_i``.

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
    if n is not None:
        _check_n(n)
    nm = _names(notation)
    d = _symbolic(nm)
    return d if n is None else _concrete(d, nm, n)


def _entry(base: sympy.IndexedBase, index: sympy.Symbol) -> str:
    """``p_{i}`` as LaTeX for a justification, in the document's own names."""
    return f"{base.name}_{{{index}}}"


def _symbolic(nm: _Names) -> Derivation:
    x, p, y, L, i, j, k, n = nm.x, nm.p, nm.y, nm.L, nm.i, nm.j, nm.k, nm.n
    rng, sum_one = nm.range_text, nm.sum_text
    readable = (k, j, i, symbols.index("l"), symbols.index("m"))

    denominator = sympy.Sum(sympy.exp(x[k]), (k, 1, n))
    p_def = sympy.exp(x[i]) / denominator
    L_def = -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n))
    define_p = Step(p[i], p_def, Relation.DEFINE, justification="softmax")
    define_L = Step(L, L_def, Relation.DEFINE, justification="cross-entropy")

    # 1. quotient rule: differentiate numerator and denominator separately.
    numerator = sympy.exp(x[i])
    d_num = sympy.diff(numerator, x[j])
    d_den = restore_bound(sum_deltas(sympy.diff(fresh_bound(denominator), x[j])), readable)
    quotient = (d_num * denominator - numerator * d_den) / denominator**2
    jac = sympy.Derivative(p[i], x[j])
    s1 = Step(jac, quotient, justification="quotient rule", assumptions_used=(rng,))

    # 2. divide through and recognise p_i, p_j.
    back = {sympy.exp(x[i]): p[i] * denominator, sympy.exp(x[j]): p[j] * denominator}
    delta_form = sympy.factor_terms(sympy.expand(quotient).xreplace(back))
    s2 = Step(
        jac,
        delta_form,
        justification=(
            f"divide by $\\left(\\sum_{{{k}=1}}^{{{n}}} \\exp({_entry(x, k)})\\right)^2$"
            f" and use the definition of ${_entry(p, i)}$"
        ),
    )

    # 3./4. the two cases.
    eq = Assumption(sympy.Eq(i, j), f"{i} = {j}", source="case")
    ne = Assumption(sympy.Ne(i, j), f"{i} \\neq {j}", source="case")
    diag = delta_form.subs(j, i)
    off = delta_form.subs(sympy.KroneckerDelta(i, j), 0)
    s3 = Step(
        jac,
        diag,
        justification=f"case ${i} = {j}$: $\\delta_{{{i}{j}}} = 1$",
        conditions=(eq,),
        assumptions_used=(eq.text,),
    )
    s4 = Step(
        jac,
        off,
        justification=f"case ${i} \\neq {j}$: $\\delta_{{{i}{j}}} = 0$",
        conditions=(ne,),
        assumptions_used=(ne.text,),
    )

    # 5. chain rule: d/dx_i of log p_j with p_j a function of x.
    t = sympy.Dummy("t")
    f = sympy.Function("f")
    body = L_def.args[1].function if L_def.is_Mul else L_def.function
    d_body = sympy.diff(body.xreplace({p[j]: f(t)}), t)
    d_body = d_body.xreplace({sympy.Derivative(f(t), t): sympy.Derivative(p[j], x[i])}).xreplace(
        {f(t): p[j]}
    )
    chain = -sympy.Sum(d_body, (j, 1, n))
    dL = sympy.Derivative(L, x[i])
    pj, pi, xi = _entry(p, j), _entry(p, i), _entry(x, i)
    s5 = Step(
        dL,
        chain,
        justification=(
            f"chain rule: $\\frac{{\\partial \\log {pj}}}{{\\partial {xi}}}"
            f" = \\frac{{1}}{{{pj}}} \\frac{{\\partial {pj}}}{{\\partial {xi}}}$"
        ),
    )

    # 6. substitute the Jacobian (with i and j swapped).
    jac_ji = softmax_jacobian_entry(j, i, p=p)
    substituted = chain.xreplace({sympy.Derivative(p[j], x[i]): jac_ji})
    s6 = Step(
        chain,
        substituted,
        justification=(
            f"the Jacobian with ${i}$ and ${j}$ exchanged: $\\frac{{\\partial {pj}}}{{\\partial {xi}}}"
            f" = {pj} (\\delta_{{{i}{j}}} - {pi})$"
        ),
    )

    # 7. split the sum at j = i: the i = j term plus the i ≠ j terms.
    inner = substituted.args[1].function if substituted.is_Mul else substituted.function
    sign = -1 if substituted.is_Mul else 1
    term_i = inner.subs(j, i)
    rest = inner.subs(sympy.KroneckerDelta(i, j), 0)
    # NOTE: the j != i terms are kept as one sum with the factor (1 - δ_ij), which the writer
    # prints as \sum_{j \neq i}; the same sum as "all j minus the j = i term" is what SymPy
    # collects in the next step.
    off_diagonal = sympy.Sum(sign * rest * (1 - sympy.KroneckerDelta(i, j)), (j, 1, n))
    split = sign * term_i + off_diagonal
    split_out = sign * (term_i + sympy.Sum(rest, (j, 1, n)) - rest.subs(j, i))
    s7 = Step(
        substituted,
        split,
        justification=f"split the sum at ${j} = {i}$",
        assumptions_used=(rng,),
    )

    # 8. collect: no assumption on y.
    collected = sympy.expand(pull_constants(split_out))
    s8 = Step(split, collected, justification=f"collect terms; no assumption on ${y.name}$")

    # 9. apply sum_j y_j = 1.
    total = sympy.Sum(y[j], (j, 1, n))
    final = collected.xreplace({total: sympy.Integer(1)})
    s9 = Step(collected, final, justification=f"use ${sum_one}$", assumptions_used=(sum_one,))

    i_, j_, k_ = (symbols.index(c) for c in nm.notation.indices)
    assumptions = (
        Assumption(
            sympy.And(
                *(sympy.Le(1, s) for s in (i_, j_, k_)), *(sympy.Le(s, n) for s in (i_, j_, k_))
            ),
            rng,
            source="builder",
            kind="index_range",
        ),
        Assumption(sympy.Eq(total, 1), sum_one, source="builder"),
    )
    return Derivation(
        name="softmax-ce",
        steps=(define_p, define_L, s1, s2, s3, s4, s5, s6, s7, s8, s9),
        assumptions=assumptions,
        n=n,
        source="symderiv.builders.derivations.softmax_ce",
    )


def _concrete(d: Derivation, nm: _Names, n: int) -> Derivation:
    xs = concrete_symbols(nm.notation.logits, n)
    ps = concrete_symbols(nm.notation.probs, n)
    ys = concrete_symbols(nm.notation.targets, n)
    table = lowering_table({nm.x: xs, nm.p: ps, nm.y: ys})

    bases = {nm.x: xs, nm.p: ps, nm.y: ys}

    def lowerer(
        side: sympy.Expr, free: list[sympy.Symbol]
    ) -> Callable[[dict[sympy.Symbol, int]], sympy.Expr]:
        # NOTE: sums are written out once per step and x[i] becomes a placeholder, so each
        # entry is one cheap xreplace (creating Indexed objects per entry is slow).
        pre = instantiate(side, n_symbol=nm.n, n=n, values={}, table=table)
        holders = {(b, s): sympy.Dummy(f"{b.name}_{s.name}") for b in bases for s in free}
        pre = pre.xreplace({b[s]: d for (b, s), d in holders.items()})

        def at(values: dict[sympy.Symbol, int]) -> sympy.Expr:
            sub: dict[sympy.Basic, sympy.Basic] = {s: sympy.Integer(v) for s, v in values.items()}
            sub.update({d: bases[b][values[s] - 1] for (b, s), d in holders.items()})
            return pre.xreplace(sub)

        return at

    def lift(step: Step) -> tuple[Step, ...]:
        seen = _free(step.lhs) | _free(step.rhs)
        free = [s for s in (nm.i, nm.j) if s in seen]
        if step.is_definition:
            at = lowerer(step.rhs, free)
            if not free:
                return (dataclasses.replace(step, rhs=at({})),)
            (idx,) = free
            return tuple(
                dataclasses.replace(step, lhs=ps[m - 1], rhs=at({idx: m})) for m in range(1, n + 1)
            )
        conds = [c.expr for c in step.conditions]
        lhs_at, rhs_at = lowerer(step.lhs, free), lowerer(step.rhs, free)

        lhs, rhs = entry_matrices(lhs_at, rhs_at, free, conds, n)
        return (dataclasses.replace(step, lhs=lhs, rhs=rhs, conditions=()),)

    steps = tuple(itertools.chain.from_iterable(lift(s) for s in d.steps))
    total = sympy.Add(*ys)
    sum_one = nm.sum_text
    assumptions = (Assumption(sympy.Eq(total, 1), sum_one, source="builder"),)
    return dataclasses.replace(d, steps=steps, assumptions=assumptions, n=sympy.Integer(n))


def _free(e: sympy.Basic) -> set[sympy.Basic]:
    """Free symbols, counting those in a derivative's variables (``∂/∂x_j`` uses ``j``)."""
    out = set(e.free_symbols)
    for der in e.atoms(sympy.Derivative):
        for v in der.variables:
            out |= v.free_symbols
    return out
