"""One derivation strategy: differentiate, apply rules, collect, split cases; rules are values.

A catalogued derivation is a few *chains*. A chain starts at a quantity such as
``Derivative(p[i], x[j])`` or ``Derivative(L, x[i])`` and passes it through an ordered tuple of
:class:`Rule` values; each rule that changes the expression gives one step with the rule's
justification and the assumptions it used, and a chain may end by splitting a Kronecker delta
into the ``i = j`` and ``i \\neq j`` cases. The rules read the definitions the chain lives under
from a :class:`Context` (the document's names, its definitions and the derivatives found by
earlier chains), so the same rules serve every entry:

* :data:`DIFFERENTIATE` — the quotient / product rule on a name defined directly in the logits;
* :data:`CHAIN_RULE` — ``∂/∂x_i`` of a name defined through other names (``log p_j``);
* :func:`recognise` — a definition read backwards (``exp(x_j) / Σ_k exp(x_k) = p_j``);
* :data:`SUBSTITUTE` — the derivatives found by earlier chains;
* :data:`SUM_DELTAS` — ``Σ_j f(j) δ_ij = f(i)`` with the sums split and constants pulled out;
* :func:`use_sum_one` — ``Σ_j y_j = 1``;
* :func:`split_cases` — the two cases of a result with ``δ_ij``.

For concrete n, :func:`symderiv.builders._lowering.lower` instantiates every step of the
symbolic-n derivation; :mod:`symderiv.builders._matrix_form` writes index results as matrices.

Long because the rules are the strategy: each is a few lines of SymPy with its justification,
read and changed together with :func:`chain` and the :class:`Context` they share; the lowering
to concrete n and the matrix form, which use a chain's results only, live apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy

from symderiv import symbols
from symderiv.builders._calculus import (
    fresh_bound,
    pull_constants,
    restore_bound,
    sum_deltas,
)
from symderiv.config import Notation
from symderiv.indices import free_symbols as _free
from symderiv.model import Assumption, Relation, Step

__all__ = [
    "CHAIN_RULE",
    "COLLECT",
    "DIFFERENTIATE",
    "FACTOR_SUMMANDS",
    "SIMPLIFY_SUMMANDS",
    "SPLIT_AT_INDEX",
    "SUBSTITUTE",
    "SUM_DELTAS",
    "Context",
    "Names",
    "Rule",
    "chain",
    "names_for",
    "recognise",
    "split_cases",
    "split_values",
    "tex",
    "use_sum_one",
    "write_out_in_sums",
]


@dataclass(frozen=True)
class Names:
    """The document's names: logits ``x``, probabilities ``p``, targets ``y``, loss ``L``,
    index letters ``i, j, k`` and the class count ``n`` (all from a :class:`Notation`)."""

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
        j = self.notation.indices[1]
        return f"\\sum_{j} {self.notation.targets}_{j} = 1"

    def entry(self, base: sympy.IndexedBase, index: sympy.Symbol) -> str:
        """``p_{i}`` as LaTeX for a justification, in the document's own names."""
        return f"{base.name}_{{{index}}}"

    @property
    def readable(self) -> tuple[sympy.Symbol, ...]:
        """Index letters for bound variables, in order of preference."""
        return (self.k, self.j, self.i, symbols.index("l"), symbols.index("m"))


def names_for(notation: Notation, *, extra: tuple[str, ...] = ()) -> Names:
    """The :class:`Names` of ``notation``; ``extra`` are further names an entry defines.

    Raises:
        ValueError: the index letters are not three different ones, or two names clash.

    >>> names_for(Notation(probs="S")).p
    S
    """
    if len(set(notation.indices)) != 3:
        raise ValueError(f"the three index letters must differ, got {notation.indices!r}")
    taken = (notation.logits, notation.probs, notation.targets, notation.loss, *extra)
    if len(set(taken)) != len(taken):
        raise ValueError(f"the names of an entry must all differ, got {taken!r}")
    i, j, k = (symbols.index(c) for c in notation.indices)
    return Names(
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


@dataclass(frozen=True)
class Context:
    """What the rules of a chain may use.

    ``definitions`` maps a defined entry (``p[i]``, written with a *free* index) or scalar
    (``L``) to its value; ``derivatives`` maps ``Derivative(p[i], x[j])`` (free ``i, j``) to the
    result of an earlier chain. ``logits`` are the bases nothing is defined for.
    """

    names: Names
    definitions: Mapping[sympy.Basic, sympy.Expr]
    derivatives: Mapping[sympy.Derivative, sympy.Expr] = field(default_factory=dict)

    def with_derivative(self, lhs: sympy.Derivative, rhs: sympy.Expr) -> Context:
        return dataclasses.replace(self, derivatives={**self.derivatives, lhs: rhs})

    def value(self, atom: sympy.Basic) -> sympy.Expr | None:
        """The definition of ``atom`` (``p[j]`` is matched against ``p[i]``'s definition)."""
        if atom in self.definitions:
            return self.definitions[atom]
        if isinstance(atom, sympy.Indexed) and len(atom.indices) == 1:
            for key, val in self.definitions.items():
                if isinstance(key, sympy.Indexed) and key.base == atom.base:
                    return fresh_bound(val).xreplace({key.indices[0]: atom.indices[0]})
        return None

    def dependent(self, expr: sympy.Basic) -> list[sympy.Basic]:
        """The defined names in ``expr`` that depend on the logits (``p[j]``, not ``q[j]``)."""
        found: list[sympy.Basic] = []
        for a in sorted(expr.atoms(sympy.Indexed, sympy.Symbol), key=sympy.default_sort_key):
            value = self.value(a)
            if value is not None and (value.has(self.names.x) or self.dependent(value)):
                found.append(a)
        return found


Say = Callable[[Context, sympy.Expr, sympy.Expr], str]
Uses = Callable[[Context], tuple[str, ...]]


def _nothing(ctx: Context) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Rule:
    """One rewrite of a chain: ``apply(expr, ctx)`` returns an equal expression (or ``expr``).

    ``say(ctx, before, after)`` is the step's justification (prose with ``$...$`` LaTeX in the
    document's names); ``uses(ctx)`` the assumptions the step relies on; ``condition`` a case
    condition (``i = j``) the step is stated under.
    """

    name: str
    apply: Callable[[sympy.Expr, Context], sympy.Expr]
    say: Say
    uses: Uses = _nothing


def chain(
    lhs: sympy.Expr, rules: tuple[Rule, ...], ctx: Context
) -> tuple[tuple[Step, ...], sympy.Expr]:
    """Pass ``lhs`` through ``rules``; one step per rule that changes the expression.

    Returns the steps and the last expression. The first step's left side is ``lhs``; every
    later step's left side is the previous right side, so the steps form one chain.

    >>> nm = names_for(Notation())
    >>> p_def = sympy.exp(nm.x[nm.i]) / sympy.Sum(sympy.exp(nm.x[nm.k]), (nm.k, 1, nm.n))
    >>> ctx = Context(nm, {nm.p[nm.i]: p_def})
    >>> steps, last = chain(sympy.Derivative(nm.p[nm.i], nm.x[nm.j]),
    ...                     (DIFFERENTIATE, recognise(nm.p)), ctx)
    >>> [s.justification for s in steps][0], last
    ('quotient rule', (KroneckerDelta(i, j) - p[j])*p[i])
    """
    steps: list[Step] = []
    current = lhs
    for rule in rules:
        new = rule.apply(current, ctx)
        if new == current:
            continue
        steps.append(
            Step(
                current,
                new,
                justification=rule.say(ctx, current, new),
                assumptions_used=rule.uses(ctx),
            )
        )
        current = new
    return tuple(steps), current


def split_cases(
    lhs: sympy.Expr, result: sympy.Expr, ctx: Context
) -> tuple[Step, ...]:
    """``lhs`` in the ``i = j`` and ``i \\neq j`` cases of a result holding ``δ_ij``.

    Returns no steps when ``result`` has no ``δ_ij``.
    """
    i, j = ctx.names.i, ctx.names.j
    delta = sympy.KroneckerDelta(i, j)
    if not result.has(delta):
        return ()
    eq = Assumption(sympy.Eq(i, j), f"{i} = {j}", source="case")
    ne = Assumption(sympy.Ne(i, j), f"{i} \\neq {j}", source="case")
    diag = sympy.factor_terms(result.xreplace({delta: sympy.Integer(1)}).subs(j, i))
    off = sympy.factor_terms(result.xreplace({delta: sympy.Integer(0)}))
    return (
        Step(
            lhs,
            diag,
            justification=f"case ${i} = {j}$: $\\delta_{{{i}{j}}} = 1$",
            conditions=(eq,),
            assumptions_used=(eq.text,),
        ),
        Step(
            lhs,
            off,
            justification=f"case ${i} \\neq {j}$: $\\delta_{{{i}{j}}} = 0$",
            conditions=(ne,),
            assumptions_used=(ne.text,),
        ),
    )


def split_values(
    result: sympy.Expr,
    ctx: Context,
    *,
    entry: sympy.Indexed,
    values: tuple[sympy.Expr, ...],
    names: tuple[sympy.Indexed, ...] = (),
    called: tuple[sympy.IndexedBase, ...] = (),
    quantity: str = "",
) -> tuple[Step, ...]:
    """The result at each of ``entry``'s ``values`` (binary targets ``y_i ∈ {0, 1}``), collected.

    Each case is one step from the result with the value put in (and the defined entries
    ``names``, such as ``q_i``, written out) to its collected form: an identity that holds for
    every value of the other names, so it needs no condition a reader would have to state.
    With ``called`` (one name per value), each case is first defined under its name
    (``g_i := …``, said to be ``quantity`` in that case), and the collected form is a step of
    that short name: two rows of moderate width, where one step would carry both long sides on
    one line.
    """
    if called and len(called) != len(values):
        raise ValueError(f"one name per value: {len(values)} values, {len(called)} names")
    out: list[Step] = []
    for v in values:
        sub: dict[sympy.Basic, sympy.Expr] = {}
        for name in names:
            value = ctx.value(name)
            if value is None:
                raise ValueError(f"no definition of {name} to write out")
            sub[name] = value
        at = result.xreplace(sub).xreplace({entry: v})
        shown = ", ".join(f"{tex(k)} = {tex(e.xreplace({entry: v}))}" for k, e in sub.items())
        said = f"the case ${tex(entry)} = {v}$" + (f": ${shown}$" if shown else "")
        if not called:
            out.append(Step(sympy.powsimp(at), _cancel(at), justification=said))
            continue
        name = called[len(out) // 2][entry.indices[0]]
        if quantity:
            said = f"{quantity} for ${tex(entry)} = {v}$" + (f" (${shown}$)" if shown else "")
        out.append(define(name, sympy.powsimp(at), said))
        out.append(Step(name, _cancel(at), justification="collect terms"))
    return tuple(out)


def _cancel(expr: sympy.Expr) -> sympy.Expr:
    """Collect a product: powers with a symbolic exponent kept as factors, the rest cancelled.

    ``-α (1 - p)^γ (-γ log p / (1 - p) + 1/p) p (1 - p)`` → ``α (1 - p)^γ (γ p log p + p - 1)``.
    """
    factors = sympy.Mul.make_args(sympy.factor_terms(expr))
    kept = [f for f in factors if isinstance(f, sympy.Pow) and not f.exp.is_number]
    rest = sympy.factor(sympy.cancel(sympy.expand(sympy.Mul(*[f for f in factors if f not in kept]))))
    entries = tuple(rest.atoms(sympy.Indexed))
    const, rest = rest.as_independent(*entries, as_Add=False) if entries else (rest, sympy.S.One)
    logs = sorted(rest.atoms(sympy.log), key=sympy.default_sort_key)
    if logs:
        collected = sympy.collect(sympy.expand(rest), logs, evaluate=False)
        rest = sympy.Add(*[sympy.factor_terms(c) * (1 if k == 1 else k) for k, c in collected.items()])
    return sympy.Mul(const, *kept) * rest


# --- the rules ------------------------------------------------------------------------------


def _differentiate(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    """``∂v/∂x_e`` for a name ``v`` defined directly in the logits: SymPy's ``diff``."""
    if not isinstance(expr, sympy.Derivative) or len(expr.variables) != 1:
        return expr
    f = expr.expr
    value = ctx.value(f)
    if isinstance(f, sympy.log) and ctx.value(f.args[0]) is not None:
        value = sympy.expand_log(sympy.log(ctx.value(f.args[0])), force=True)
    elif value is None and not isinstance(f, (sympy.Indexed, sympy.Symbol)):
        value = f  # an expression written out in the logits
    if value is None or ctx.dependent(value):
        return expr
    (wrt,) = expr.variables
    d = sympy.diff(fresh_bound(value), wrt)
    return restore_bound(sum_deltas(d), ctx.names.readable)


def _say_differentiate(ctx: Context, before: sympy.Expr, after: sympy.Expr) -> str:
    f = before.expr if isinstance(before, sympy.Derivative) else before
    if isinstance(f, sympy.log) and ctx.value(f.args[0]) is not None:
        return "log of a quotient: a difference of logs"
    if isinstance(f, sympy.log):
        (wrt,) = before.variables
        w = ctx.names.entry(wrt.base, wrt.indices[0])
        return (
            f"$\\frac{{\\partial}}{{\\partial {w}}} \\log u = \\frac{{1}}{{u}}"
            f" \\frac{{\\partial u}}{{\\partial {w}}}$"
        )
    value = ctx.value(f)
    if value is not None and any(
        isinstance(a, sympy.Pow) and a.exp.is_negative and a.base.has(ctx.names.x)
        for a in sympy.preorder_traversal(value)
    ):
        return "quotient rule"
    return "differentiate"


DIFFERENTIATE = Rule("differentiate", _differentiate, _say_differentiate)


def _chain_rule(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    """``∂L/∂x_i`` for ``L`` defined through entries ``p_j``: ``Σ_j ∂L/∂p_j · ∂p_j/∂x_i``."""
    if not isinstance(expr, sympy.Derivative) or len(expr.variables) != 1:
        return expr
    value = ctx.value(expr.expr)
    if value is None or not ctx.dependent(value):
        return expr
    (wrt,) = expr.variables

    def through(e: sympy.Expr) -> sympy.Expr:
        if isinstance(e, sympy.Sum):
            return sympy.Sum(through(e.function), *e.limits)
        if isinstance(e, sympy.Add):
            return sympy.Add(*[through(t) for t in e.args])
        const, rest = e.as_independent(sympy.Sum, as_Add=False)
        if rest != 1 and isinstance(rest, sympy.Sum) and not ctx.dependent(const):
            return const * through(rest)
        out = sympy.diff(e, wrt)
        for a in ctx.dependent(e):
            out += sympy.diff(e, a) * sympy.Derivative(a, wrt)
        return out

    return through(value)


def _say_chain(ctx: Context, before: sympy.Expr, after: sympy.Expr) -> str:
    nm = ctx.names
    ds = sorted(after.atoms(sympy.Derivative), key=sympy.default_sort_key)
    if not ds:
        return "chain rule"
    d = ds[0]
    inner, wrt = d.expr, d.variables[0]
    a = sympy.latex(inner) if not isinstance(inner, sympy.Indexed) else nm.entry(inner.base, inner.indices[0])
    w = nm.entry(wrt.base, wrt.indices[0]) if isinstance(wrt, sympy.Indexed) else sympy.latex(wrt)
    return f"chain rule through ${a}$: $\\frac{{\\partial \\log {a}}}{{\\partial {w}}} = \\frac{{1}}{{{a}}} \\frac{{\\partial {a}}}{{\\partial {w}}}$" if _has_log_of(before, ctx, inner) else f"chain rule through ${a}$"


def _has_log_of(before: sympy.Expr, ctx: Context, inner: sympy.Basic) -> bool:
    value = ctx.value(before.expr) if isinstance(before, sympy.Derivative) else None
    if value is None or not isinstance(inner, sympy.Indexed):
        return False
    return any(
        isinstance(lg, sympy.log) and lg.args[0].has(inner.base) for lg in value.atoms(sympy.log)
    )


CHAIN_RULE = Rule("chain rule", _chain_rule, _say_chain)


def _substitute(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    """Every ``∂p_e/∂x_f`` replaced by an earlier chain's result with its indices renamed."""

    def known(d: sympy.Derivative) -> sympy.Expr:
        for key, val in ctx.derivatives.items():
            if key.expr.base == getattr(d.expr, "base", None) and key.variables[0].base == getattr(
                d.variables[0], "base", None
            ):
                (a,), (b,) = key.expr.indices, key.variables[0].indices
                (e,), (f,) = d.expr.indices, d.variables[0].indices
                tmp = sympy.Dummy("t")
                return val.xreplace({a: tmp}).xreplace({b: f}).xreplace({tmp: e})
        return d

    return expr.replace(lambda e: isinstance(e, sympy.Derivative), known)


def _say_substitute(ctx: Context, before: sympy.Expr, after: sympy.Expr) -> str:
    nm = ctx.names
    d = sorted(before.atoms(sympy.Derivative), key=sympy.default_sort_key)[0]
    (e,), (f,) = d.expr.indices, d.variables[0].indices
    pe, xf = nm.entry(d.expr.base, e), nm.entry(d.variables[0].base, f)
    swapped = (e, f) == (nm.j, nm.i)
    val = _substitute(d, ctx)
    head = f"Jacobian, ${nm.i} \\leftrightarrow {nm.j}$" if swapped else "Jacobian"
    formula = tex(val)
    if len(formula) > 60:
        # NOTE: a long entry (it is the result of an earlier chain, shown above) would push the
        # step past the margin; the justification names it only.
        return f"{head} $\\frac{{\\partial {pe}}}{{\\partial {xf}}}$ from above"
    return f"{head}: $\\frac{{\\partial {pe}}}{{\\partial {xf}}} = {formula}$"


def tex(e: sympy.Expr) -> str:
    """``e`` as short LaTeX for a justification: ``p_{i}``, ``\\delta_{ij}``."""
    # NOTE: justifications are short LaTeX for a human; the steps themselves go through the
    # writer's printer. SymPy's printer with subscripted indices is close enough here.
    def sub(ix: sympy.Indexed) -> sympy.Symbol:
        return sympy.Symbol(f"{ix.base.name}_{{{''.join(str(s) for s in ix.indices)}}}")

    plain = e.replace(lambda a: isinstance(a, sympy.Indexed), sub)
    plain = plain.replace(
        lambda a: isinstance(a, sympy.KroneckerDelta),
        lambda a: sympy.Symbol(f"\\delta_{{{a.args[0]}{a.args[1]}}}"),
    )
    return str(sympy.latex(plain))


SUBSTITUTE = Rule("substitute", _substitute, _say_substitute)


def _sum_deltas(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    def common(s: sympy.Sum) -> sympy.Expr:
        # NOTE: Σ_j δ_ij g_j = g_i with g kept as written, so that the reader sees the terms
        # that cancel in the next step (expanding first would cancel them out of sight).
        (var, _lo, _hi), body = s.limits[0], sympy.factor_terms(s.function)
        deltas = [
            f
            for f in sympy.Mul.make_args(body)
            if isinstance(f, sympy.KroneckerDelta) and var in f.free_symbols
        ]
        if len(s.limits) != 1 or len(deltas) != 1:
            return s
        other = deltas[0].args[1] if deltas[0].args[0] == var else deltas[0].args[0]
        return (body / deltas[0]).xreplace({var: other})

    direct = expr.replace(lambda e: isinstance(e, sympy.Sum), common)
    if direct != expr:
        return direct
    split = pull_constants(expr)
    return sympy.expand(restore_bound(sum_deltas(split), ctx.names.readable))


def _say_sum_deltas(ctx: Context, before: sympy.Expr, after: sympy.Expr) -> str:
    nm = ctx.names
    return (
        f"split the sum; $\\sum_{{{nm.j}}} f_{{{nm.j}}} \\delta_{{{nm.i}{nm.j}}} = f_{{{nm.i}}}$"
    )


SUM_DELTAS = Rule("sum deltas", _sum_deltas, _say_sum_deltas, lambda ctx: (ctx.names.range_text,))


def _split_at_index(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    """``Σ_j f(j)`` with ``δ_ij`` in ``f`` as ``f(i) + Σ_j (1 − δ_ij) f(j)|_{δ_ij = 0}``.

    The factor ``(1 − δ_ij)`` is how the ``j ≠ i`` terms stay one sum (the writer prints it
    as ``\\sum_{j \\neq i}``); the term at ``j = i`` stands on its own.
    """
    i = ctx.names.i

    def split(s: sympy.Sum) -> sympy.Expr:
        if len(s.limits) != 1:
            return s
        var, lo, hi = s.limits[0]
        delta = sympy.KroneckerDelta(i, var)
        if not s.function.has(delta):
            return s
        at_i = s.function.xreplace({var: i})
        rest = s.function.xreplace({delta: sympy.Integer(0)})
        return at_i + sympy.Sum(rest * (1 - delta), (var, lo, hi))

    out = expr.replace(lambda e: isinstance(e, sympy.Sum), split)
    if out == expr:
        return expr
    # NOTE: a sign in front of the sum goes inside it (-Σ_j a_j = Σ_j -a_j), so the j ≠ i sum
    # reads as one term; the diagonal term is factored (-y_i (1 - p_i)).
    terms = []
    for t in sympy.Add.make_args(sympy.expand(out, deep=False)):
        const, rest = t.as_independent(sympy.Sum, as_Add=False)
        if isinstance(rest, sympy.Sum):
            terms.append(sympy.Sum(sympy.factor_terms(const * rest.function), *rest.limits))
        else:
            terms.append(t)
    sums = [t for t in terms if isinstance(t, sympy.Sum)]
    others = [t for t in terms if not isinstance(t, sympy.Sum)]
    return sympy.Add(*sums) + sympy.factor_terms(sympy.Add(*others))


def _say_split(ctx: Context, before: sympy.Expr, after: sympy.Expr) -> str:
    return f"split the sum at ${ctx.names.j} = {ctx.names.i}$"


#: The sums holding ``δ_ij`` split at the free index: the ``j = i`` term and the others.
SPLIT_AT_INDEX = Rule(
    "split at index", _split_at_index, _say_split, lambda ctx: (ctx.names.range_text,)
)


def _collect(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    # NOTE: expanding first cancels terms ((y_i - 1) + y_i); when it only multiplies a product
    # out ((a_i - y_i)(1 - a_i) a_i), the shorter form is kept.
    expanded = sympy.factor_terms(sympy.expand(expr))
    if sympy.count_ops(expanded) <= sympy.count_ops(expr):
        return expanded
    return sympy.factor_terms(expr)


COLLECT = Rule("collect", _collect, lambda ctx, b, a: "collect terms")


def _factor_sums(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    return expr.replace(
        lambda e: isinstance(e, sympy.Sum),
        lambda e: sympy.Sum(sympy.factor_terms(e.function), *e.limits),
    )


#: Common factors taken out of each summand; the sums are not split (for long summands).
FACTOR_SUMMANDS = Rule("factor summands", _factor_sums, lambda ctx, b, a: "common factors")


def _simplify_summands(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    """Each summand expanded and factored; a minus sign in front of a sum goes inside it."""

    def tidy(s: sympy.Sum) -> sympy.Expr:
        return sympy.Sum(sympy.factor(sympy.expand(s.function)), *s.limits)

    out = expr.replace(lambda e: isinstance(e, sympy.Sum), tidy)
    coeff, rest = out.as_coeff_Mul()
    const, total = rest.as_independent(sympy.Sum, as_Add=False)
    if coeff.is_negative and isinstance(total, sympy.Sum):
        inner = sympy.factor(sympy.expand(-total.function))
        return -coeff * const * sympy.Sum(inner, *total.limits)
    return out


#: Each summand simplified on its own (the sum is kept: ``(1/m) Σ_i (s_i − y_i) X_ij``).
SIMPLIFY_SUMMANDS = Rule(
    "simplify summands", _simplify_summands, lambda ctx, b, a: "simplify each term of the sum"
)


def recognise(*bases: sympy.IndexedBase | sympy.Symbol, say: str | None = None) -> Rule:
    """A rule reading the definitions of ``bases`` backwards, then collecting.

    For ``p_i = N(x_i) / D`` it rewrites ``N(x_e)`` as ``p_e D`` for every index ``e``; for
    ``p_i = 1 / (1 + exp(-x_i))`` (a sigmoid) it rewrites ``exp(-x_e)`` as ``1/p_e - 1``.
    """

    def apply(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
        out = expr
        for base in bases:
            out = _recognise_one(out, base, ctx)
        return sympy.factor_terms(sympy.expand(out))

    def said(ctx: Context, before: sympy.Expr, after: sympy.Expr) -> str:
        if say is not None:
            return say
        nm = ctx.names
        which = ", ".join(
            f"${nm.entry(b, nm.i) if isinstance(b, sympy.IndexedBase) else b}$" for b in bases
        )
        return f"the definition of {which}"

    return Rule("recognise", apply, said)


def _recognise_one(
    expr: sympy.Expr, base: sympy.IndexedBase | sympy.Symbol, ctx: Context
) -> sympy.Expr:
    key = next(
        (k for k in ctx.definitions if (k.base if isinstance(k, sympy.Indexed) else k) == base),
        None,
    )
    if key is None:
        raise ValueError(f"no definition of {base} to recognise")
    value = ctx.definitions[key]
    if not isinstance(key, sympy.Indexed):
        return expr.xreplace({value: key})
    (a,) = key.indices

    def canon(e: sympy.Expr) -> sympy.Expr:
        # NOTE: exp(x + b) as exp(x) exp(b) and every bound index renamed the same way, so the
        # definition's pieces match the differentiated expression's whatever the author wrote.
        return restore_bound(fresh_bound(sympy.expand_power_exp(e)), ctx.names.readable)

    value, expr = canon(value), canon(expr)
    # NOTE: only free indices: a bound k of a sum is left alone (Σ_k exp(x_k) stays as is).
    indices = {ix for ix in _free(expr) if ix.is_integer and ix != ctx.names.n}
    num, den = sympy.fraction(value)
    exps = [t for t in sympy.Add.make_args(den) if isinstance(t, sympy.exp)]
    if num == 1 and isinstance(den, sympy.Add) and len(exps) == 1:
        # a sigmoid 1/(1 + exp(-x)): exp(-x_e) = 1/p_e - 1
        return expr.xreplace({exps[0].xreplace({a: e}): 1 / base[e] - 1 for e in indices})
    out = sympy.expand(expr)
    for e in sorted(indices, key=str):
        # subs, not xreplace: exp(x_e) exp(b_e) is matched inside a longer product too
        out = out.subs(num.xreplace({a: e}), base[e] * den)
    return sympy.expand(out)


def use_sum_one(ctx: Context) -> Rule:
    """``Σ_j y_j = 1`` (targets that sum to one)."""
    nm = ctx.names

    def apply(expr: sympy.Expr, c: Context) -> sympy.Expr:
        sums = [
            s
            for s in expr.atoms(sympy.Sum)
            if isinstance(s.function, sympy.Indexed) and s.function.base == nm.y
        ]
        if not sums:
            return expr
        return sympy.factor_terms(sympy.expand(expr.xreplace({s: sympy.Integer(1) for s in sums})))

    text = f"use ${nm.sum_text}$"
    return Rule("sum one", apply, lambda c, b, a: text, lambda c: (nm.sum_text,))


def write_out_in_sums(name: sympy.IndexedBase, say: str) -> Rule:
    """Sums over a defined vector (``Σ_j q_j``) written with its definition, constants pulled out."""

    def apply(expr: sympy.Expr, c: Context) -> sympy.Expr:
        return expr.replace(
            lambda e: isinstance(e, sympy.Sum) and e.has(name),
            lambda e: pull_constants(_expand_name(e, name, c)),
        )

    return Rule("write out", apply, lambda c, b, a: say)


def _expand_name(s: sympy.Sum, name: sympy.Basic, ctx: Context) -> sympy.Expr:
    return s.replace(
        lambda e: isinstance(e, sympy.Indexed) and e.base == name,
        lambda e: ctx.value(e),
    )


def rewrite(
    name: str, fn: Callable[[sympy.Expr, Context], sympy.Expr], say: str | Say,
    uses: Uses = _nothing,
) -> Rule:
    """A rule from a plain function and a fixed justification (or a ``say`` callable)."""
    said: Say = (lambda c, b, a: say) if isinstance(say, str) else say
    return Rule(name, fn, said, uses)


# --- whole derivations ----------------------------------------------------------------------


def index_range(nm: Names) -> Assumption:
    """``1 ≤ i, j, k ≤ n`` as the builder's assumption."""
    idx = (nm.i, nm.j, nm.k)
    return Assumption(
        sympy.And(*(sympy.Le(1, s) for s in idx), *(sympy.Le(s, nm.n) for s in idx)),
        nm.range_text,
        source="builder",
        kind="index_range",
    )


def sum_one(nm: Names) -> Assumption:
    """``Σ_j y_j = 1`` as the builder's assumption."""
    return Assumption(
        sympy.Eq(sympy.Sum(nm.y[nm.j], (nm.j, 1, nm.n)), 1), nm.sum_text, source="builder"
    )


def define(lhs: sympy.Expr, rhs: sympy.Expr, what: str) -> Step:
    """A definition step with its name in words."""
    return Step(lhs, rhs, Relation.DEFINE, justification=what)
