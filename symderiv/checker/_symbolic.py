"""Symbolic-n machinery: definitions, derivatives and general rewrite rules for sums.

The rules are general (nothing here knows about softmax):

* definitions are substituted with index renaming (``p[j]`` → value with ``i → j``) and fresh
  bound variables, so a ``Sum`` never captures a free index;
* derivatives are taken by SymPy after bound variables were made fresh;
* ``log`` of a product of positive factors is split;
* sums are split over added terms, factors free of the summation index are moved out,
  a constant sums to ``(hi - lo + 1)`` times itself, ``Sum(f(k) δ_{k e}, (k, 1, n)) = f(e)``
  when ``e`` is known to lie in ``1..n`` (index-range refinement: a free index ranges over
  ``1..n``), and known sums (``Sum(y_j, (j, 1, n)) = 1``) are substituted;
* free Kronecker deltas are decided by splitting into the cases ``i = j`` / ``i ≠ j``;
* what remains is compared as a rational function of its atoms (sums, ``exp``, ``log``).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef
from sympy.tensor.indexed import IndexException

from symderiv import indices

_counter = itertools.count()

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]


def reset_names() -> None:
    """Restart bound-variable numbering (once per checked step).

    NOTE: names are unique within one step, which is all capture-avoidance needs; reusing
    them across steps lets SymPy's cache recognise the same sums (and their assumptions).
    """
    global _counter
    _counter = itertools.count()


def fresh(name: str = "k") -> sympy.Symbol:
    """A bound summation variable not used before in this step (integer, positive).

    While a defined value is being substituted for the document (``_defined_value``) it is a
    ``Dummy``: equal to no other symbol, so the value can be inserted in any step.
    """
    if _PRIVATE.get():
        return sympy.Dummy(name, integer=True, positive=True)
    return sympy.Symbol(f"_{name}{next(_counter)}", integer=True, positive=True)


# NOTE: a defined name or entry (p_j, L) is written in many steps of a document.  Within
# ``values_remembered()`` its value, with every definition substituted in it, is computed once
# per document and the same SymPy objects are inserted in every step (SymPy keeps what it
# learnt about an object's assumptions on the object itself).  The value is computed the same
# way with or without the memo (its bound variables are Dummies, the step's own numbering is
# left untouched), so results do not depend on which steps were judged before.
_VALUES: contextvars.ContextVar[dict[tuple[object, ...], sympy.Basic] | None] = (
    contextvars.ContextVar("defined_values", default=None)
)
_PRIVATE: contextvars.ContextVar[bool] = contextvars.ContextVar("private_names", default=False)


@contextlib.contextmanager
def values_remembered() -> Iterator[None]:
    """Within the block, the value of each defined name or entry is substituted once."""
    token = _VALUES.set({})
    try:
        yield
    finally:
        _VALUES.reset(token)


def _defined_value(
    key: tuple[object, ...],
    value: Callable[[], sympy.Basic],
    definitions: Definitions,
    dependent: frozenset[str],
    depth: int,
) -> sympy.Basic:
    """``value()`` with every definition substituted in it (``depth - 1`` levels deep)."""
    memo = _VALUES.get()
    full = (*key, definitions, dependent, depth)
    if memo is not None:
        found = memo.get(full)
        if found is not None:
            return found
    token = _PRIVATE.set(True)
    try:
        once = value()
        # NOTE: an entry no definition covers (p_0 where only p_1 is defined) stays itself.
        out = (
            once
            if once == key[-1]
            else substitute_definitions(once, definitions, depth=depth - 1, dependent=dependent)
        )
    finally:
        _PRIVATE.reset(token)
    if memo is not None:
        memo[full] = out
    return out


@dataclass(frozen=True)
class Facts:
    """What the rewrite rules may use.

    ``n`` is the range of free indices (``1..n``); ``known_sums`` maps canonical sums to their
    values; ``equal``/``unequal`` are index relations; ``substitutions`` eliminate one
    variable of a linear assumption (``y_3 → 1 - y_1 - y_2``) for concrete n.
    """

    n: sympy.Expr
    known_sums: tuple[tuple[sympy.Basic, sympy.Expr], ...] = ()
    equal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...] = ()
    unequal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...] = ()
    substitutions: tuple[tuple[sympy.Basic, sympy.Expr], ...] = ()
    ranges: dict[sympy.Symbol, tuple[sympy.Expr, sympy.Expr]] = field(default_factory=dict)


# --------------------------------------------------------------------------- utilities


def free_indices(e: sympy.Basic) -> set[sympy.Symbol]:
    """Free integer symbols used as indices (in ``Indexed``, deltas, derivative variables).

    Differs from ``checker._exprtools.free_indices``: a symbol that bounds a sum (``n`` of
    ``Σ_{k=1}^n``) is never an index here, even where it also indexes an entry.
    """
    free = _really_free(e)
    out: set[sympy.Symbol] = set()
    for t in e.atoms(sympy.Indexed, sympy.KroneckerDelta):
        args = t.indices if isinstance(t, sympy.Indexed) else t.args
        for a in args:
            out |= {s for s in a.free_symbols if s.is_integer and s in free}
    for d in e.atoms(sympy.Derivative):
        for v in d.variables:
            out |= {s for s in v.free_symbols if s.is_integer and s in free}
    uppers = {u for s in e.atoms(sympy.Sum) for _, _, hi in s.limits for u in hi.free_symbols}
    return out - uppers


def _really_free(e: sympy.Basic) -> set[sympy.Basic]:
    """Free symbols, where a derivative's variables count (``∂/∂x_i`` uses ``i``).

    Differs from :func:`symderiv.indices.free_symbols`: only a ``Sum`` binds here (an
    ``Integral``'s variable counts as free) and a derivative's counts are not read.
    """
    if isinstance(e, sympy.Symbol):
        return {e}
    if isinstance(e, sympy.Sum):
        out = _really_free(e.function)
        for var, lo, hi in e.limits:
            out.discard(var)
            out |= _really_free(lo) | _really_free(hi)
        return out
    if isinstance(e, sympy.Indexed):
        out = {e.base.label}
        for a in e.indices:
            out |= _really_free(a)
        return out
    if isinstance(e, sympy.IndexedBase):
        return {e.label}
    out = set()
    for a in e.args:
        if isinstance(a, sympy.Tuple) and isinstance(e, sympy.Derivative):
            out |= _really_free(a[0])
        else:
            out |= _really_free(a)
    return out


free_symbols = _really_free


def fresh_bound(expr: sympy.Basic) -> sympy.Basic:
    """Rename every bound ``Sum`` variable to a fresh name of this step (innermost first).

    Unlike the builders' ``fresh_bound`` (a ``Dummy`` per call), the names come from
    :func:`fresh`: unique within one step, the same again in the next one.
    """
    return indices.rename_bound(
        expr, lambda var: fresh(str(var).lstrip("_").rstrip("0123456789") or "k")
    )


def _heads(target: sympy.Basic) -> sympy.Basic:
    return target.base if isinstance(target, sympy.Indexed) else target


def name_of(e: sympy.Basic) -> str:
    """The name a reader means: ``p`` for ``p[i]``, ``p`` and ``L`` for themselves."""
    if isinstance(e, sympy.Indexed):
        return str(e.base.label)
    if isinstance(e, sympy.IndexedBase):
        return str(e.label)
    if isinstance(e, sympy.Symbol):
        return str(e.name)
    return str(sympy.sstr(e))


def defines_every_entry(target: sympy.Basic) -> bool:
    """``p_i := ...`` or ``L := ...`` defines the name; ``a_0 := ...`` only that entry."""
    if isinstance(target, sympy.Indexed):
        return all(isinstance(i, sympy.Symbol) for i in target.indices)
    return True


def substitute_definitions(
    expr: sympy.Basic,
    definitions: Definitions,
    *,
    depth: int = 8,
    dependent: frozenset[str] = frozenset(),
) -> sympy.Basic:
    """Replace every defined name by its value, renaming indices and freshening bound ones.

    ``(p[i], v)`` means "for every i": ``p[j]`` becomes ``v`` with ``i → j``.  A derivative
    with respect to a defined name (``∂L/∂p_j``) is taken before that name is replaced; an
    undefined name of ``dependent`` inside it (``L`` in ``∂L/∂y_bh``) stays an unknown
    function, so its derivative stays written, never 0.
    """
    if not definitions:
        return expr
    # NOTE: a value with a free index of its own (W_{ij} := ... / d_k, d_k read as an entry)
    # put under a sum over k would be captured: the sums it goes into are renamed first.
    open_values = any(_open(t, v) for t, v in definitions)
    for level in range(depth):
        if open_values:
            expr = fresh_bound(expr)
        new = _substitute_once(expr, definitions, dependent, depth - level)
        if new == expr:
            return new
        expr = new
    return expr


def _open(target: sympy.Basic, value: sympy.Basic) -> bool:
    own = set(target.indices) if isinstance(target, sympy.Indexed) else set()
    return bool(free_indices(value) - own)


def _substitute_once(
    expr: sympy.Basic,
    definitions: Definitions,
    dependent: frozenset[str] = frozenset(),
    depth: int = 1,
) -> sympy.Basic:
    by_symbol = {t: v for t, v in definitions if not isinstance(t, sympy.Indexed)}
    # NOTE: keyed by name: a reader may give the same vector different assumptions in two places.
    by_base: dict[str, list[tuple[sympy.Indexed, sympy.Basic]]] = {}
    for t, v in definitions:
        if isinstance(t, sympy.Indexed):
            by_base.setdefault(str(t.base.label), []).append((t, v))
    wrt_defined = [
        d
        for d in expr.atoms(sympy.Derivative)
        if any(v in by_symbol or name_of(v) in by_base for v in d.variables)
    ]
    if wrt_defined:
        # NOTE: differentiate by a defined name before replacing it (∂L/∂p_j stays in p).
        def take(d: sympy.Derivative) -> sympy.Basic:
            heads = {name_of(v) for v in d.variables}
            keep = tuple((t, v) for t, v in definitions if name_of(t) not in heads)
            inner = substitute_definitions(d.expr, keep, dependent=dependent)
            return evaluate_derivatives(sympy.Derivative(inner, *d.variable_count), dependent)

        expr = expr.xreplace({d: take(d) for d in wrt_defined})
    # NOTE: a derivative of an unknown by a defined name (∂L/∂y_bh) is an unknown of its own:
    # its variable names the quantity, it is not replaced by that quantity's value.
    kept = {
        d: sympy.Dummy("d")
        for d in expr.atoms(sympy.Derivative)
        if any(v in by_symbol or name_of(v) in by_base for v in d.variables)
    }
    if kept:
        out = _substitute_once(expr.xreplace(kept), definitions, dependent, depth)
        return out.xreplace({u: d for d, u in kept.items()})

    def indexed_value(e: sympy.Indexed) -> sympy.Basic:
        entries = by_base[str(e.base.label)]
        # an entry defined as such (p[2] := ...) first; else a pattern over index symbols
        exact = [v for t, v in entries if t.indices == e.indices]
        if exact:
            return fresh_bound(exact[-1])
        patterns = [
            (t, v)
            for t, v in entries
            if len(t.indices) == len(e.indices)
            and all(isinstance(a, sympy.Symbol) for a in t.indices)
            and len(set(t.indices)) == len(t.indices)
        ]
        if not patterns:
            return e
        target, value = patterns[-1]
        mapping = dict(zip(target.indices, e.indices))
        value = fresh_bound(value)
        if all(isinstance(s, sympy.Symbol) for s in mapping):
            # simultaneous renaming through placeholders (i → j while j → i)
            holders = {s: sympy.Dummy() for s in mapping}
            return value.xreplace(holders).xreplace({holders[s]: t for s, t in mapping.items()})
        return value.subs(mapping, simultaneous=True)

    def full_value(e: sympy.Indexed) -> sympy.Basic:
        if depth <= 1:
            return indexed_value(e)
        return _defined_value(
            ("entry", e), lambda: indexed_value(e), definitions, dependent, depth
        )

    out = expr.replace(
        lambda e: isinstance(e, sympy.Indexed) and str(e.base.label) in by_base, full_value
    )
    out = _entry_calls(out, definitions)
    if by_symbol:
        # NOTE: a scalar p is not the vector whose entry p_t is written with the same letter:
        # entries are kept out of reach of the scalar's definition.
        # A call of entries (H(w_1, ..., w_n) := ...) is replaced as written first.
        calls = {
            t: fresh_bound(v)
            for t, v in by_symbol.items()
            if isinstance(t, AppliedUndef) and t.has(sympy.Indexed) and out.has(t)
        }
        out = out.xreplace(calls) if calls else out
        entries = {e: sympy.Dummy("entry") for e in out.atoms(sympy.Indexed)}
        masked = out.xreplace(entries) if entries else out
        # NOTE: only the names that occur: renaming bound variables of every definition is costly.
        masked = masked.xreplace(
            {
                t: (
                    fresh_bound(v)
                    if depth <= 1
                    else _defined_value(
                        ("name", t), functools.partial(fresh_bound, v), definitions, dependent, depth
                    )
                )
                for t, v in by_symbol.items()
                if masked.has(t)
            }
        )
        out = masked.xreplace({u: e for e, u in entries.items()}) if entries else masked
    return out


def _entry_calls(expr: sympy.Basic, definitions: Definitions) -> sympy.Basic:
    """``\\sigma(A, k)`` where the document defines ``\\sigma(A, i)``: the value with i → k.

    NOTE: only the index arguments are renamed; a call of the same function on another vector
    or value is another claim (the reader substitutes those it can read as such).
    """
    patterns = {
        (t.func, len(t.args)): (t, v)
        for t, v in definitions
        if isinstance(t, AppliedUndef) and any(_is_index(a) for a in t.args)
    }
    if not patterns or not expr.has(AppliedUndef):
        return expr

    def matches(e: sympy.Basic) -> bool:
        if not isinstance(e, AppliedUndef) or (e.func, len(e.args)) not in patterns:
            return False
        target, _ = patterns[e.func, len(e.args)]
        return e != target and all(
            a == b or (_is_index(a) and _is_index(b))
            for a, b in zip(target.args, e.args, strict=True)
        )

    def value(e: sympy.Basic) -> sympy.Basic:
        target, v = patterns[e.func, len(e.args)]
        mapping = {a: b for a, b in zip(target.args, e.args, strict=True) if a != b}
        v = fresh_bound(v)
        holders = {s: sympy.Dummy() for s in mapping}
        return v.xreplace(holders).xreplace({holders[s]: t for s, t in mapping.items()})

    return expr.replace(matches, value)


def _is_index(a: sympy.Basic) -> bool:
    return isinstance(a, sympy.Symbol) and bool(a.is_integer)


def names_in(e: sympy.Basic) -> set[str]:
    """Names an expression uses: indexed bases and plain real symbols (inside derivatives too)."""
    return _names_in(e)


def kind_of(e: sympy.Basic) -> str:
    """``p[]`` for a vector (or its entry), ``p`` for the scalar: two names, never one."""
    if isinstance(e, (sympy.Indexed, sympy.IndexedBase)):
        return f"{name_of(e)}[]"
    return name_of(e)


def undefined_kinds(
    names: Iterable[str], exprs: Iterable[sympy.Basic], defined: set[str]
) -> set[str]:
    """The names whose use in ``exprs`` is of a kind (scalar, vector) that is not defined.

    NOTE: G[q] := ... defines the entries of G; the scalar G of ∂G/∂z stays undefined.  A
    name not written in ``exprs`` counts as defined when any kind of it is.
    """
    uses: dict[str, set[str]] = {}
    for e in exprs:
        for a in e.atoms(sympy.Indexed, sympy.Symbol):
            uses.setdefault(name_of(a), set()).add(kind_of(a))
    plain = {k.removesuffix("[]") for k in defined}
    out = set()
    for name in names:
        kinds = uses.get(name)
        if (kinds is None and name not in plain) or (kinds and not kinds <= defined):
            out.add(name)
    return out


def _names_in(e: sympy.Basic) -> set[str]:
    """Names an expression depends on: indexed bases and plain real symbols."""
    out = {str(t.base.label) for t in e.atoms(sympy.Indexed)}
    labels = {t.base.label for t in e.atoms(sympy.Indexed)}
    for s in _really_free(e):
        if isinstance(s, sympy.Symbol) and not s.is_integer and s not in labels:
            out.add(s.name)
    return out


def _differentiated_names(d: sympy.Derivative) -> set[str]:
    """Names in a derivative's function other than what it is taken by, kinds apart.

    NOTE: ``q_c`` by the scalar ``q`` is another name (an entry is not the scalar of its
    letter); ``x_i`` by ``x_j`` is the same vector.
    """
    wrt = {kind_of(v) for v in d.variables}
    kinds = {kind_of(t.base) for t in d.expr.atoms(sympy.Indexed)} | {
        n for n in _names_in(d.expr) if n not in {str(t.base.label) for t in d.expr.atoms(sympy.Indexed)}
    }
    return {k.removesuffix("[]") for k in kinds - wrt}


def _wrt_names(d: sympy.Derivative) -> set[str]:
    return {name_of(v) for v in d.variables}


def dependent_names(exprs: Iterable[sympy.Basic]) -> frozenset[str]:
    """Undefined names differentiated as such (``∂p_j/∂x_i`` with p undefined): functions of x.

    A name merely inside a differentiated expression (``y`` in ``∂/∂x_i Σ_j y_j log p_j``)
    is a constant, as usual in calculus.
    """
    return frozenset(name_of(head) for head in dependent_heads(exprs))


def dependent_heads(exprs: Iterable[sympy.Basic]) -> list[sympy.Basic]:
    """What is differentiated as a name (``z`` of ``∂z/∂w``, ``p[j]`` of ``∂p_j/∂x_i``)."""
    out: list[sympy.Basic] = []
    for e in exprs:
        for d in e.atoms(sympy.Derivative):
            head = d.expr
            # NOTE: ∂z/∂w makes z a function of w, even where z is itself a variable
            # (∂L/∂z); ∂x_i/∂x_j says nothing of the kind, but ∂q_c/∂q (an entry by the
            # scalar of the same letter) does.
            if isinstance(head, (sympy.Indexed, sympy.Symbol)) and kind_of(head) not in {
                kind_of(v) for v in d.variables
            }:
                out.append(head)
    return out


def evaluate_derivatives(expr: sympy.Basic, dependent: frozenset[str]) -> sympy.Basic:
    """Take every derivative whose function involves no dependent unknown name."""

    def take(d: sympy.Derivative) -> sympy.Basic:
        try:
            if _differentiated_names(d) & dependent:
                return _chain_rule(d, dependent)
            return sympy.diff(fresh_bound(d.expr), *d.variable_count)
        except IndexException:
            # NOTE: v_0 by v_{0i}: one name written with different numbers of indices; the
            # derivative stays written (an unknown), never 0 by a guess.
            return d

    return expr.replace(lambda e: isinstance(e, sympy.Derivative), take)


def evaluate_limits(expr: sympy.Basic) -> sympy.Basic:
    """Take every limit of a known expression (no unknown function, no derivative left).

    NOTE: only a limit SymPy finds finite replaces the written one; an infinite or undecided
    limit stays written (and the step is then undetermined, never false by a guess).
    """

    def take(lim: sympy.Limit) -> sympy.Basic:
        if lim.has(AppliedUndef, sympy.Derivative, sympy.Indexed, sympy.Sum):
            return lim
        try:
            value = lim.doit()
        except (NotImplementedError, ValueError, sympy.PoleError):
            return lim
        if value.has(sympy.Limit) or not value.is_finite:
            return lim
        return value

    if not expr.has(sympy.Limit):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Limit), take)


def _chain_rule(d: sympy.Derivative, dependent: frozenset[str]) -> sympy.Basic:
    """``∂f(u)/∂v = Σ_u ∂f/∂u · ∂u/∂v`` for the unknown entries u (``p_j``) a function depends on.

    Only a first derivative of a sum-free expression whose unknowns are its own atoms: inside
    a ``Sum`` an entry ``p_j`` with bound ``j`` is not one quantity, so that case stays as written.
    """
    if len(d.variable_count) != 1 or d.variable_count[0][1] != 1 or d.expr.has(sympy.Sum):
        return d
    if d.expr.has(sympy.Derivative):
        # NOTE: ∂/∂q (∂G/∂z) of an unknown G is a mixed partial of unknown value, never 0 for
        # want of a stated dependence on q
        return d
    (v, _), = d.variable_count
    unknowns = [
        a
        for a in d.expr.atoms(sympy.Indexed, sympy.Symbol)
        if not (isinstance(a, sympy.Symbol) and a.is_integer)
        and name_of(a) in dependent
        and a != v
    ]
    if not unknowns or (len(unknowns) == 1 and d.expr == unknowns[0]):
        return d
    holders = {a: sympy.Dummy(name_of(a)) for a in unknowns}
    f = d.expr.xreplace(holders)
    out = sympy.diff(f, v)
    for a, u in holders.items():
        out += sympy.diff(f, u) * sympy.Derivative(a, v)
    return out.xreplace({u: a for a, u in holders.items()})


# --------------------------------------------------------------------------- positivity / logs


def positive(e: sympy.Basic) -> bool:
    """Known positive: ``exp``, positive symbols, sums/products/powers of positive things."""
    if e.is_positive:
        return True
    if isinstance(e, sympy.exp):
        return bool(e.args[0].is_real)
    if isinstance(e, sympy.Sum):
        return positive(e.function)
    if isinstance(e, (sympy.Add, sympy.Mul)):
        return all(positive(a) for a in e.args)
    if isinstance(e, sympy.Pow):
        return positive(e.base) and bool(e.exp.is_real)
    return False


def expand_logs(expr: sympy.Basic) -> sympy.Basic:
    """``log(a b) = log a + log b`` and ``log(a^r) = r log a`` for positive a, b."""

    def rule(e: sympy.log) -> sympy.Basic:
        arg = e.args[0]
        if isinstance(arg, sympy.exp) and arg.args[0].is_real:
            return arg.args[0]
        if isinstance(arg, sympy.Mul):
            factors = arg.args
            if all(positive(f) or (f.is_number and f.is_positive) for f in factors):
                return sympy.Add(*(rule(sympy.log(f, evaluate=False)) for f in factors))
        if isinstance(arg, sympy.Pow) and positive(arg.base) and arg.exp.is_real:
            return arg.exp * rule(sympy.log(arg.base, evaluate=False))
        return sympy.log(arg)

    return expr.replace(lambda e: isinstance(e, sympy.log), rule)


# --------------------------------------------------------------------------- sum rules


def _canonical(s: sympy.Sum) -> sympy.Basic:
    """A sum with its bound variables renamed canonically (equal up to renaming → equal)."""
    body = s.function
    limits = []
    for depth, (var, lo, hi) in enumerate(s.limits):
        c = _CANON[depth] if depth < len(_CANON) else var
        body = body.xreplace({var: c})
        limits.append((c, lo, hi))
    return sympy.Sum(body, *limits)


_CANON = tuple(sympy.Symbol(f"_canon{d}", integer=True, positive=True) for d in range(6))


def canonical_sums(expr: sympy.Basic) -> sympy.Basic:
    """Rename every sum's bound variable by nesting depth (outermost gets depth 0)."""

    def walk(e: sympy.Basic, depth: int) -> sympy.Basic:
        if not e.args:
            return e
        if isinstance(e, sympy.Sum) and len(e.limits) > 1:
            return walk(_nested(e), depth)
        if isinstance(e, sympy.Sum) and len(e.limits) == 1:
            var, lo, hi = e.limits[0]
            c = sympy.Symbol(f"_canon{depth}", integer=True, positive=True)
            body = walk(e.function.xreplace({var: c}), depth + 1)
            return sympy.Sum(body, (c, lo, hi))
        return e.func(*(walk(a, depth) for a in e.args))

    return walk(expr, 0)


def ordered_limits(s: sympy.Sum) -> list[tuple[sympy.Basic, ...]]:
    """The limits of ``Σ_{b,h}``, innermost first, in an order its renaming does not change:
    the ranges sorted (``Σ_b^B Σ_h^H`` and ``Σ_h^H Σ_b^B`` are one sum).  As written when a
    range depends on another bound variable or two ranges are alike (no order without the
    body).
    """
    limits = [tuple(lim) for lim in s.limits]
    bound = {v for v, _, _ in limits}
    if any((lo.free_symbols | hi.free_symbols) & bound for _, lo, hi in limits):
        return limits
    keys = [(sympy.srepr(lo), sympy.srepr(hi)) for _, lo, hi in limits]
    if len(set(keys)) != len(keys):
        return limits
    return [lim for _, lim in sorted(zip(keys, limits, strict=True), key=lambda kl: kl[0])]


def _nested(s: sympy.Sum) -> sympy.Basic:
    """``Σ_{b,h}`` as one sum inside another, in the order of :func:`ordered_limits`."""
    out: sympy.Basic = s.function
    for limit in ordered_limits(s):
        out = sympy.Sum(out, limit)
    return out


def _in_range(e: sympy.Basic, lo: sympy.Basic, hi: sympy.Basic, facts: Facts) -> bool:
    if e.is_Integer and lo.is_Integer and hi.is_Integer:
        return bool(lo <= e <= hi)
    if isinstance(e, sympy.Symbol) and e.is_integer:
        if e in facts.ranges:
            elo, ehi = facts.ranges[e]
            return bool(elo == lo and ehi == hi)
        return bool(lo == 1 and hi == facts.n)
    if e.is_Integer and lo == 1 and e >= 1 and hi.is_integer and hi.is_positive:
        # NOTE: a concrete index 1 lies in 1..n for every n >= 1; larger ones do not in general.
        return bool(e == 1)
    return False


def _delta_factor(term: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``term = rest * δ(var, e)^m`` → ``(rest, e)``."""
    factors = sympy.Mul.make_args(term)
    for idx, f in enumerate(factors):
        base = f.base if isinstance(f, sympy.Pow) and f.exp.is_positive and f.exp.is_integer else f
        if isinstance(base, sympy.KroneckerDelta) and var in base.free_symbols:
            a, b = base.args
            other = b if a == var else a if b == var else None
            if other is None or var in other.free_symbols:
                continue
            rest = sympy.Mul(*(factors[:idx] + factors[idx + 1 :]))
            return rest, other
    return None


def reduce_sums(expr: sympy.Basic, facts: Facts) -> sympy.Basic:
    """Apply the sum rules bottom-up (one pass; :func:`normalize` repeats to a fixed point)."""

    def walk(
        e: sympy.Basic, ranges: dict[sympy.Symbol, tuple[sympy.Basic, sympy.Basic]]
    ) -> sympy.Basic:
        if not e.args or not e.has(sympy.Sum):
            return e
        if isinstance(e, sympy.Sum):
            # nest multiple limits: Sum(f, l1, l2) = Sum(Sum(f, l1), l2), in an order that
            # renaming does not change (Σ_b Σ_h and Σ_h Σ_b reduce alike)
            limits = ordered_limits(e)
            inner_ranges = dict(ranges)
            for var, lo, hi in limits:
                inner_ranges[var] = (lo, hi)
            body = walk(e.function, inner_ranges)
            for var, lo, hi in limits:
                body = _reduce_one(body, var, lo, hi, facts, ranges)
            return body
        if isinstance(e, (sympy.Derivative,)):
            return e
        return e.func(*(walk(a, ranges) for a in e.args))

    return walk(expr, dict(facts.ranges))


def _reduce_one(
    body: sympy.Basic,
    var: sympy.Symbol,
    lo: sympy.Basic,
    hi: sympy.Basic,
    facts: Facts,
    ranges: dict[sympy.Symbol, tuple[sympy.Basic, sympy.Basic]],
) -> sympy.Basic:
    # NOTE: a derivative by an entry (∂L/∂y_{bh}) depends on b: SymPy's free symbols and
    # ``as_independent`` miss it, and would pull it out of the sum over b.
    if var not in _really_free(body):
        return body * (hi - lo + 1)
    local = Facts(
        facts.n, facts.known_sums, facts.equal, facts.unequal, facts.substitutions, ranges
    )
    out = []
    for t in sympy.Add.make_args(sympy.expand(body)):
        const, dep = _independent(t, var)
        if dep == 1:
            out.append(const * (hi - lo + 1))
            continue
        hit = _delta_factor(dep, var)
        if hit is not None and _in_range(hit[1], lo, hi, local):
            rest, at = hit
            out.append(const * rest.xreplace({var: at}))
            continue
        s = sympy.Sum(dep, (var, lo, hi))
        key = _canonical(s)
        value = next((v for k, v in facts.known_sums if k == key), None)
        out.append(const * (value if value is not None else s))
    return sympy.Add(*out)


def _independent(term: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Basic, sympy.Basic]:
    """``(const, dep)``: the factors of ``term`` without ``var`` (a derivative's variables
    included) and the others.

    >>> b, i = sympy.symbols("b i", integer=True)
    >>> y, w = sympy.IndexedBase("y"), sympy.IndexedBase("w")
    >>> _independent(sympy.Derivative(sympy.Symbol("L"), y[b]) * w[i], b)
    (w[i], Derivative(L, y[b]))
    """
    const: list[sympy.Basic] = []
    dep: list[sympy.Basic] = []
    for f in sympy.Mul.make_args(term):
        (dep if var in _really_free(f) else const).append(f)
    return sympy.Mul(*const), sympy.Mul(*dep)


# --------------------------------------------------------------------------- normal form


def normalize(expr: sympy.Basic, facts: Facts, *, rounds: int = 6) -> sympy.Basic:
    """Logs split, sums reduced, substitutions applied, to a fixed point."""
    e = expr
    for _ in range(rounds):
        new = expand_logs(e) if e.has(sympy.log) else e
        if facts.substitutions:
            new = new.xreplace(dict(facts.substitutions))
        new = reduce_sums(new, facts)
        new = sympy.expand(new)
        if new == e:
            break
        e = new
    return e


def delta_pairs(expr: sympy.Basic, free: set[sympy.Symbol]) -> set[frozenset[sympy.Basic]]:
    """Pairs of free indices compared by a Kronecker delta somewhere in ``expr``."""
    out = set()
    for d in expr.atoms(sympy.KroneckerDelta):
        a, b = d.args
        if (a.free_symbols | b.free_symbols) <= free and a != b:
            out.add(frozenset((a, b)))
    return out


def partitions(items: list[sympy.Symbol]) -> Iterator[list[list[sympy.Symbol]]]:
    """Every set partition of ``items``."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        for idx in range(len(part)):
            yield part[:idx] + [[first] + part[idx]] + part[idx + 1 :]
        yield [[first]] + part


def cases(
    expr: sympy.Basic, facts: Facts
) -> Iterator[
    tuple[dict[sympy.Symbol, sympy.Symbol], tuple[tuple[sympy.Symbol, sympy.Symbol], ...]]
]:
    """Index identifications consistent with the facts: ``(renaming, unequal pairs)``."""
    free = free_indices(expr)
    involved: set[sympy.Symbol] = set()
    for pair in delta_pairs(expr, free):
        for s in pair:
            if isinstance(s, sympy.Symbol):
                involved.add(s)
    for a, b in facts.equal + facts.unequal:
        if a in free or b in free:
            involved |= {a, b}
    items = sorted(involved, key=lambda s: s.name)
    for part in partitions(items):
        rep = {s: block[0] for block in part for s in block}
        if any(rep.get(a, a) != rep.get(b, b) for a, b in facts.equal):
            continue
        if any(rep.get(a, a) == rep.get(b, b) for a, b in facts.unequal):
            continue
        reps = [block[0] for block in part]
        unequal = tuple(itertools.combinations(reps, 2))
        yield {s: r for s, r in rep.items() if s != r}, unequal


def apply_case(
    expr: sympy.Basic,
    renaming: dict[sympy.Symbol, sympy.Symbol],
    unequal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...],
) -> sympy.Basic:
    """Identify indices, then set deltas between distinct representatives to 0."""
    e = expr.xreplace(renaming) if renaming else expr
    if unequal:
        zero = {sympy.KroneckerDelta(a, b): sympy.Integer(0) for a, b in unequal}
        zero.update({sympy.KroneckerDelta(b, a): sympy.Integer(0) for a, b in unequal})
        e = e.xreplace(zero)
    return e


# --------------------------------------------------------------------------- zero test


def atomize(expr: sympy.Basic) -> sympy.Basic:
    """Replace sums, logs, exps, derivatives and entries by plain symbols (a rational function)."""
    table: dict[sympy.Basic, sympy.Symbol] = {}

    def atom(e: sympy.Basic, positive_atom: bool = False) -> sympy.Symbol:
        if e not in table:
            table[e] = (
                sympy.Dummy(f"a{len(table)}", positive=True)
                if positive_atom
                else sympy.Dummy(f"a{len(table)}")
            )
        return table[e]

    def walk(e: sympy.Basic) -> sympy.Basic:
        if isinstance(e, sympy.Sum):
            c = canonical_sums(e)
            return atom(c, positive(e))
        if isinstance(e, sympy.exp):
            arg = sympy.expand(walk(e.args[0]))
            out = sympy.Integer(1)
            for t in sympy.Add.make_args(arg):
                coeff, rest = t.as_coeff_Mul()
                if coeff.is_Rational and rest != 1:
                    out *= atom(sympy.exp(rest), True) ** coeff
                else:
                    out *= atom(sympy.exp(t), True)
            return out
        if isinstance(e, (sympy.log, sympy.Derivative, sympy.Indexed, sympy.KroneckerDelta)):
            if isinstance(e, sympy.log):
                return atom(sympy.log(walk(e.args[0])))
            return atom(e) if not isinstance(e, sympy.Indexed) else atom(e, bool(e.is_positive))
        if isinstance(e, sympy.Function) or (isinstance(e, sympy.Basic) and e.is_Function):
            return atom(e.func(*(walk(a) for a in e.args)))
        if not e.args:
            return e
        return e.func(*(walk(a) for a in e.args))

    return walk(expr)


def rational_zero(expr: sympy.Basic) -> bool:
    """True when ``expr``, read as a rational function of its atoms, is identically 0."""
    a = atomize(expr)
    if a == 0:
        return True
    num, _ = sympy.together(a).as_numer_denom()
    return bool(sympy.expand(num) == 0)
