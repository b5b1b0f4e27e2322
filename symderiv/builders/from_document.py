"""Derive from a document's own definitions: ``∂(of)/∂(wrt)`` by the catalogue's strategy.

The reader gives the definitions (``p_i = ...``, ``L = ...``) in the document's names; this
module plans the chains the catalogue's entries use (:mod:`symderiv.builders.strategy`):

1. for every defined vector entry that depends on the logits directly, its Jacobian
   (``DIFFERENTIATE``, the definition read backwards, the ``i = j`` / ``i \\neq j`` cases);
2. for every defined entry that depends on the logits through other names, the chain rule and
   the Jacobians found before;
3. for the quantity ``of``: the chain rule, the Jacobians, the Kronecker deltas summed, collected,
   and ``Σ_j y_j = 1`` where a sum of the targets is left (named as the assumption it is).

What cannot be simplified further is said in the derivation's warnings, not dropped.
"""

from __future__ import annotations

import sympy

from symderiv import symbols
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
    index_range,
    recognise,
    split_cases,
    sum_one,
    use_sum_one,
)
from symderiv.config import Notation
from symderiv.model import Derivation, Step

__all__ = ["derive_from"]


def derive_from(
    d: Derivation, *, wrt: sympy.Indexed, of: sympy.Symbol | None = None
) -> Derivation:
    r"""``∂(of)/∂(wrt)`` step by step from the definitions of the document ``d``.

    Args:
        d: a document as the reader gives it; its definition steps are used, the rest ignored.
        wrt: the entry to differentiate by, e.g. ``x[i]`` (written ``x_i``).
        of: the defined scalar to differentiate (``L``); by default the last defined scalar.

    Returns:
        A derivation: the document's definitions, then the chains; ``warnings`` say what could
        not be simplified further.

    Raises:
        ValueError: ``wrt`` is not an entry with one index, ``of`` is not defined, or the
            document defines no scalar.

    >>> from symderiv import symbols as s
    >>> from symderiv.model import Relation
    >>> p_def = sympy.exp(s.x[s.i]) / sympy.Sum(sympy.exp(s.x[s.k]), (s.k, 1, s.n))
    >>> l_def = -sympy.Sum(s.y[s.j] * sympy.log(s.p[s.j]), (s.j, 1, s.n))
    >>> doc = Derivation("notes", (Step(s.p[s.i], p_def, Relation.DEFINE),
    ...                            Step(s.L, l_def, Relation.DEFINE)))
    >>> derive_from(doc, wrt=s.x[s.i]).steps[-1].rhs
    p[i] - y[i]
    """
    if not isinstance(wrt, sympy.Indexed) or len(wrt.indices) != 1:
        raise ValueError(f"--wrt takes one entry such as x_i, got {wrt}")
    definitions = {
        st.lhs: st.rhs
        for st in d.steps
        if st.is_definition
        and st.is_parsed
        and isinstance(st.lhs, (sympy.Indexed, sympy.Symbol))
        and not isinstance(st.rhs, sympy.MatrixBase)
    }
    scalars = [k for k in definitions if isinstance(k, sympy.Symbol)]
    if of is None:
        if not scalars:
            raise ValueError("the document defines no scalar to differentiate (use --of)")
        of = scalars[-1]
    if of not in definitions:
        known = ", ".join(str(k) for k in scalars) or "none"
        raise ValueError(f"{of} is not defined in the document; defined scalars: {known}")
    nm = _names(definitions, wrt, of)
    # NOTE: a definition's bound index may be the letter the chains use free (p_i with
    # \sum_j e^{x_j}); bound indices get letters the chains do not use.
    spare = tuple(
        symbols.index(c) for c in "klmabcdefgh" if c not in {nm.i.name, nm.j.name, nm.n.name}
    )
    definitions = {
        k: _rebind(v, {nm.i, nm.j} if isinstance(k, sympy.Indexed) else {nm.i}, (nm.k, *spare))
        for k, v in definitions.items()
    }
    ctx = Context(nm, definitions)
    x = nm.x
    steps: list[Step] = [
        Step(st.lhs, definitions[st.lhs], st.relation, justification=st.justification)
        for st in d.steps
        if st.is_definition and st.lhs in definitions
    ]
    warnings: list[str] = []
    vectors = [k for k in definitions if isinstance(k, sympy.Indexed) and ctx.dependent(k)]
    # entries defined in the logits first, then those defined through them
    vectors.sort(key=lambda k: bool(ctx.dependent(definitions[k])))
    for v in vectors:
        jac = sympy.Derivative(v.base[nm.i], x[nm.j])
        if ctx.dependent(definitions[v]):
            rules: tuple[Rule, ...] = (CHAIN_RULE, COLLECT, SUBSTITUTE, COLLECT)
        else:
            rules = (DIFFERENTIATE, recognise(v.base))
        found, result = chain(jac, rules, ctx)
        steps.extend(found)
        steps.extend(split_cases(jac, result, ctx))
        ctx = ctx.with_derivative(jac, result)
    dl = sympy.Derivative(of, x[nm.i])
    found, result = chain(dl, (CHAIN_RULE, FACTOR_SUMMANDS, SUBSTITUTE, SUM_DELTAS, COLLECT), ctx)
    steps.extend(found)
    assumptions = [index_range(nm), *d.assumptions]
    rule = use_sum_one(ctx)
    after = rule.apply(result, ctx)
    if after != result:
        # NOTE: the assumption is named in the step and stated for the derivation, whether or
        # not the document states it: "holds given Σ_j y_j = 1" is the reader's to judge.
        steps.append(
            Step(result, after, justification=rule.say(ctx, result, after),
                 assumptions_used=rule.uses(ctx))
        )
        result = after
        if not any(a.expr.has(nm.y) and a.expr.has(sympy.Sum) for a in d.assumptions):
            assumptions.append(sum_one(nm))
    if result.has(sympy.Derivative):
        left = ", ".join(sorted(str(a) for a in result.atoms(sympy.Derivative)))
        warnings.append(f"cannot be simplified further: {left} is not known from the definitions")
    elif result.has(sympy.Sum):
        warnings.append(f"cannot be simplified further: the sums in {sympy.sstr(result)} stay")
    return Derivation(
        name=f"d{of}/d{x.name}_{nm.i}",
        steps=tuple(steps),
        assumptions=tuple(assumptions),
        n=nm.n,
        source=d.source,
        warnings=tuple(warnings),
    )


def _names(
    definitions: dict[sympy.Basic, sympy.Expr], wrt: sympy.Indexed, of: sympy.Symbol
) -> Names:
    """The document's letters: logits from ``wrt``, probabilities, targets, indices, count."""
    x = wrt.base
    (i,) = wrt.indices
    everything = sympy.Tuple(*definitions.values())
    bases = sorted(
        {a.base for a in everything.atoms(sympy.Indexed)}, key=lambda b: str(b.label)
    )
    defined = {k.base for k in definitions if isinstance(k, sympy.Indexed)}
    direct = [
        k.base
        for k, v in definitions.items()
        if isinstance(k, sympy.Indexed) and v.has(x)
    ]
    p = direct[0] if direct else symbols.vector("p")
    # NOTE: the targets are an undefined vector of the quantity's own definition, not one the
    # probabilities use (a bias b in exp(x_i + b_i)); y, t, s first when several remain.
    in_of = {a.base for a in definitions[of].atoms(sympy.Indexed)}
    in_direct: set[sympy.Basic] = set()
    for k, v in definitions.items():
        if isinstance(k, sympy.Indexed) and v.has(x):
            in_direct |= {a.base for a in v.atoms(sympy.Indexed)}
    undefined = [b for b in bases if b != x and b not in defined]
    ranked = sorted(
        undefined,
        key=lambda b: (b not in in_of, b in in_direct, str(b.label) not in ("y", "t", "s")),
    )
    y = ranked[0] if ranked else symbols.vector("y")
    counts = [hi for s in everything.atoms(sympy.Sum) for (_v, _lo, hi) in s.limits]
    outer = [s.limits[0][0] for s in definitions[of].atoms(sympy.Sum)]
    n = next((c for c in counts if isinstance(c, sympy.Symbol)), symbols.n)
    taken = {i.name, n.name, of.name, *(str(b.label) for b in bases)}
    taken |= {str(k) for k in definitions if isinstance(k, sympy.Symbol)}
    # NOTE: j is the loss's own summation letter where it has one (its chain then reads
    # Σ_j ... ∂p_j/∂x_i, as the author wrote it), else the first letter free after i.
    own = [v.name for v in outer if v.name not in taken]
    free = [c for c in (*own, *"jklmabcdefgh") if c not in taken]
    j = symbols.index(free[0])
    k = symbols.index(next(c for c in "klmabcdefghj" if c not in taken and c != j.name))
    notation = Notation(
        logits=str(x.label),
        probs=str(p.label),
        targets=str(y.label),
        loss=of.name,
        indices=(i.name, j.name, k.name),
        classes=n.name,
    )
    return Names(
        x=x, p=p, y=y, L=of, i=i, j=j, k=k, n=n, notation=notation
    )



def _rebind(
    value: sympy.Expr, avoid: set[sympy.Symbol], letters: tuple[sympy.Symbol, ...]
) -> sympy.Expr:
    """Bound indices that are letters in ``avoid`` renamed to the first of ``letters`` free."""

    def rename(s: sympy.Sum) -> sympy.Expr:
        ((var, lo, hi),) = s.limits
        if var not in avoid:
            return s
        used = s.free_symbols
        new = next(c for c in letters if c not in used and c not in avoid)
        return sympy.Sum(s.function.xreplace({var: new}), (new, lo, hi))

    return value.replace(lambda e: isinstance(e, sympy.Sum) and len(e.limits) == 1, rename)
