"""A symbolic-n derivation instantiated at n classes, step by step (``derive --n N``).

Every vector becomes explicit symbols ``x_1 .. x_n``; a step with free ``i, j`` becomes an
``n × n`` Matrix equality, one with free ``i`` a column, a definition of an entry ``p_i`` the
definitions of ``p_1 .. p_n``. Each side is instantiated once (its sums written out once), and
each entry from a small skeleton of it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import sympy

from symderiv import symbols
from symderiv.builders._calculus import entry_matrices, instantiate, lowering_table
from symderiv.builders.softmax import concrete_symbols
from symderiv.builders.strategy import Names, define, tex
from symderiv.indices import free_symbols as _free
from symderiv.model import Assumption, Derivation, Step

__all__ = ["NAME_SUMS_FROM", "lower"]

#: From this many classes on, a sum a definition shares (the softmax normaliser) is named once
#: at concrete n (``Z = exp(x_1) + … + exp(x_n)``) instead of being written into every entry.
NAME_SUMS_FROM = 10

Entry = Callable[[dict[sympy.Symbol, int]], sympy.Expr]


def lower(
    d: Derivation,
    nm: Names,
    n: int,
    *,
    vectors: tuple[sympy.IndexedBase, ...] = (),
) -> Derivation:
    """The symbolic-n derivation ``d`` instantiated at ``n`` classes, step by step.

    Every vector (``x, p, y`` and ``vectors``) becomes explicit symbols ``x_1 .. x_n``; a step
    with free ``i, j`` becomes an ``n × n`` Matrix equality, one with free ``i`` a column
    (entries outside a stated case are 0 on both sides), a definition of an entry ``p_i``
    becomes the definitions of ``p_1 .. p_n``.
    """
    bases = {b: concrete_symbols(b.name, n) for b in (nm.x, nm.p, nm.y, *vectors)}
    table = lowering_table(bases)
    if n >= NAME_SUMS_FROM:
        d = _name_shared_sums(d, nm)

    made: dict[tuple[sympy.Basic, tuple[sympy.Symbol, ...]], Entry] = {}

    def lowerer(side: sympy.Expr, free: list[sympy.Symbol]) -> Entry:
        # NOTE: a chain's steps share sides (each left side is the previous right side, the
        # cases share ∂p_i/∂x_j): each side is lowered once, and each of its entries made once.
        key = (side, tuple(free))
        if key not in made:
            pre = instantiate(side, n_symbol=nm.n, n=n, values={}, table=table)
            made[key] = _memo(_entries(pre, free, bases))
        return made[key]

    def lift(step: Step) -> tuple[Step, ...]:
        assert step.lhs is not None and step.rhs is not None
        seen = _free(step.lhs) | _free(step.rhs)
        free = [s for s in (nm.i, nm.j) if s in seen]
        if step.is_definition:
            at = lowerer(step.rhs, free)
            if not free:
                return (dataclasses.replace(step, rhs=at({})),)
            (idx,) = free
            base = step.lhs.base if isinstance(step.lhs, sympy.Indexed) else None
            if base is None:
                raise ValueError(f"a definition with a free index must define an entry: {step.lhs}")
            return tuple(
                dataclasses.replace(step, lhs=bases[base][m - 1], rhs=at({idx: m}))
                for m in range(1, n + 1)
            )
        if not free:
            return (
                dataclasses.replace(
                    step, lhs=lowerer(step.lhs, [])({}), rhs=lowerer(step.rhs, [])({})
                ),
            )
        lhs_at, rhs_at = lowerer(step.lhs, free), lowerer(step.rhs, free)
        for c in step.conditions:
            if c.expr.atoms(sympy.Indexed):
                raise ValueError(f"only index cases can be instantiated, not {c.text}")
        conds = [c.expr for c in step.conditions]

        lhs, rhs = entry_matrices(lhs_at, rhs_at, free, conds, n)
        return (dataclasses.replace(step, lhs=lhs, rhs=rhs, conditions=()),)

    steps = tuple(itertools.chain.from_iterable(lift(s) for s in d.steps))
    ys = bases[nm.y]
    assumptions = tuple(
        Assumption(sympy.Eq(sympy.Add(*ys), 1), a.text, source=a.source)
        for a in d.assumptions
        if a.text == nm.sum_text
    )
    return dataclasses.replace(d, steps=steps, assumptions=assumptions, n=sympy.Integer(n))


def _entries(
    pre: sympy.Expr,
    free: list[sympy.Symbol],
    bases: dict[sympy.IndexedBase, tuple[sympy.Symbol, ...]],
) -> Entry:
    """The entry of ``pre`` (sums written out, free indices left) at given index values.

    NOTE: substituting into the whole written-out side for each of the n² entries cost O(n³)
    (about 50 s at n = 64). Instead the side is cut once into a small skeleton: the parts free
    of the indices (a written-out sum of n terms) stand in it as placeholders, put back
    unchanged by the same simultaneous ``xreplace`` that puts in the index values, so each
    entry's tree is built once. (Making the parts of one index, ``exp(x_i)``, once per value
    saved nothing measurable: the time is in building each entry's own products.)
    """
    holders = {(b, s): sympy.Dummy(f"{b.name}_{s.name}") for b in bases for s in free}
    pre = pre.xreplace({b[s]: h for (b, s), h in holders.items()})
    skeleton, parts = _freeze(pre, set(holders.values()) | set(free))

    def at(values: dict[sympy.Symbol, int]) -> sympy.Expr:
        sub: dict[sympy.Basic, sympy.Basic] = dict(parts)
        sub.update({s: sympy.Integer(v) for s, v in values.items()})
        sub.update({h: bases[b][values[s] - 1] for (b, s), h in holders.items()})
        return skeleton.xreplace(sub)

    return at


def _memo(at: Entry) -> Entry:
    done: dict[tuple[tuple[sympy.Symbol, int], ...], sympy.Expr] = {}

    def cached(values: dict[sympy.Symbol, int]) -> sympy.Expr:
        # NOTE: every caller gives the indices in the order of the step's free indices.
        key = tuple(values.items())
        if key not in done:
            done[key] = at(values)
        return done[key]

    return cached


def _freeze(
    expr: sympy.Basic, varying: set[sympy.Basic]
) -> tuple[sympy.Basic, dict[sympy.Basic, sympy.Basic]]:
    """``expr`` with every largest subexpression free of ``varying`` replaced by a placeholder.

    Returns the skeleton and the map from placeholders back to the parts.
    """
    parts: dict[sympy.Basic, sympy.Basic] = {}

    def walk(e: sympy.Basic) -> tuple[sympy.Basic, bool]:
        if e in varying:
            return e, True
        if not e.args:
            return e, False
        done = [walk(a) for a in e.args]
        if not any(v for _, v in done):
            return e, False
        args = []
        for (new, v), old in zip(done, e.args):
            if not v and new.args and not isinstance(old, (sympy.Tuple, sympy.Integer)):
                holder = sympy.Dummy("part")
                parts[holder] = old
                new = holder
            args.append(new)
        if all(a is b for a, b in zip(args, e.args)):
            return e, True
        return e.func(*args), True

    skeleton, _ = walk(expr)
    return skeleton, parts


def _name_shared_sums(d: Derivation, nm: Names) -> Derivation:
    """Each sum free of the indices that a definition holds inside it (``Σ_k exp(x_k)`` in
    ``p_i``'s denominator) named once: a definition ``Z := Σ_k exp(x_k)`` before the first
    definition, and ``Z`` in every step."""
    taken = {nm.notation.logits, nm.notation.probs, nm.notation.targets, nm.notation.loss}
    letters = [c for c in ("Z", "N", "S", "U") if c not in taken]
    found: dict[tuple[sympy.Basic, ...], sympy.Symbol] = {}
    values: dict[sympy.Symbol, sympy.Sum] = {}
    for st in d.steps:
        if not st.is_definition or st.rhs is None:
            continue
        top = set(sympy.Add.make_args(st.rhs)) | {
            f for t in sympy.Add.make_args(st.rhs) for f in sympy.Mul.make_args(t)
        }
        for sm in sorted(st.rhs.atoms(sympy.Sum), key=sympy.default_sort_key):
            if sm in top or _free(sm) & {nm.i, nm.j} or _canon(sm) in found or not letters:
                continue
            name = symbols.scalar(letters.pop(0))
            found[_canon(sm)] = name
            values[name] = sm

    if not found:
        return d

    def named(e: sympy.Expr | None) -> sympy.Expr | None:
        if e is None:
            return None
        return e.replace(
            lambda t: isinstance(t, sympy.Sum) and _canon(t) in found,
            lambda t: found[_canon(t)],
        )

    steps = tuple(dataclasses.replace(st, lhs=named(st.lhs), rhs=named(st.rhs)) for st in d.steps)
    first = next(k for k, st in enumerate(steps) if st.is_definition)
    defs = tuple(
        define(name, value, f"the sum ${tex(value)}$, named once") for name, value in values.items()
    )
    return dataclasses.replace(d, steps=steps[:first] + defs + steps[first:])


def _canon(s: sympy.Sum) -> tuple[sympy.Basic, ...]:
    """A sum up to the name of its bound variable."""
    (var, lo, hi), *rest = s.limits
    if rest:
        return (s,)
    return (s.function.xreplace({var: _BOUND}), lo, hi)


_BOUND = sympy.Dummy("k", integer=True, positive=True)
