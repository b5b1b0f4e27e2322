"""Symbolic-n machinery: the step's fresh names, the names an expression uses, derivatives.

The rules are general (nothing here knows about softmax):

* bound variables get fresh names of the step (:func:`fresh`), so a ``Sum`` never captures
  a free index when a definition is substituted (:mod:`._definitions`);
* the names an expression uses or depends on, scalars and vectors apart;
* derivatives are taken by SymPy after bound variables were made fresh; one of an unknown
  function goes through the chain rule; limits of known expressions are taken;
* ``log`` of a product of positive factors is split.

The sum rules are :mod:`._sums`, the cases of free Kronecker deltas :mod:`._cases`, and the
final comparison as a rational function of atoms :mod:`._rational`.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
from collections.abc import Iterable, Iterator

import sympy
from sympy.core.function import AppliedUndef
from sympy.tensor.indexed import IndexException

from symderiv import indices

_counter = itertools.count()


def reset_names() -> None:
    """Restart bound-variable numbering (once per checked step).

    NOTE: names are unique within one step, which is all capture-avoidance needs; reusing
    them across steps lets SymPy's cache recognise the same sums (and their assumptions).
    """
    global _counter
    _counter = itertools.count()


def fresh(name: str = "k") -> sympy.Symbol:
    """A bound summation variable not used before in this step (integer, positive).

    Within ``private_names()`` (a defined value being substituted for the whole document) it
    is a ``Dummy``: equal to no other symbol, so the value can be inserted in any step.
    """
    if _PRIVATE.get():
        return sympy.Dummy(name, integer=True, positive=True)
    return sympy.Symbol(f"_{name}{next(_counter)}", integer=True, positive=True)


_PRIVATE: contextvars.ContextVar[bool] = contextvars.ContextVar("private_names", default=False)


@contextlib.contextmanager
def private_names() -> Iterator[None]:
    """Within the block, :func:`fresh` gives Dummies and leaves the step's numbering alone."""
    token = _PRIVATE.set(True)
    try:
        yield
    finally:
        _PRIVATE.reset(token)


# --------------------------------------------------------------------------- utilities


def free_indices(e: sympy.Basic) -> set[sympy.Symbol]:
    """Free integer symbols used as indices (in ``Indexed``, deltas, derivative variables).

    Free as :func:`symderiv.indices.free_symbols` reads it (a sum, an integral binds its
    variable). Differs from ``checker._exprtools.free_indices``: a symbol that bounds a sum
    (``n`` of ``Σ_{k=1}^n``) is never an index here, even where it also indexes an entry.
    """
    free = indices.free_symbols(e)
    out: set[sympy.Symbol] = set()
    uppers: set[sympy.Basic] = set()
    # NOTE: one walk for the four kinds of node (this runs several times per step).
    for t in e.atoms(sympy.Indexed, sympy.KroneckerDelta, sympy.Derivative, sympy.Sum):
        if isinstance(t, sympy.Sum):
            uppers |= {u for _, _, hi in t.limits for u in hi.free_symbols}
            continue
        if isinstance(t, sympy.Derivative):
            args = t.variables
        else:
            args = t.indices if isinstance(t, sympy.Indexed) else t.args
        for a in args:
            out |= {s for s in a.free_symbols if s.is_integer and s in free}
    return out - uppers


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
    for s in indices.free_symbols(e):
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
        n
        for n in _names_in(d.expr)
        if n not in {str(t.base.label) for t in d.expr.atoms(sympy.Indexed)}
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
    ((v, _),) = d.variable_count
    unknowns = [
        a
        for a in d.expr.atoms(sympy.Indexed, sympy.Symbol)
        if not (isinstance(a, sympy.Symbol) and a.is_integer) and name_of(a) in dependent and a != v
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
