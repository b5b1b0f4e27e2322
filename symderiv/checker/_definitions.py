"""Definitions substituted symbolically: every defined name or entry replaced by its value.

``(p[i], v)`` means "for every i": ``p[j]`` becomes ``v`` with ``i → j``, bound variables made
fresh so a ``Sum`` never captures a free index.  Within ``values_remembered()`` the value of
each defined name is substituted once per document.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker._symbolic import (
    evaluate_derivatives,
    free_indices,
    fresh_bound,
    name_of,
    private_names,
)

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

__all__ = ["substitute_definitions", "values_remembered"]


# NOTE: a defined name or entry (p_j, L) is written in many steps of a document.  Within
# ``values_remembered()`` its value, with every definition substituted in it, is computed once
# per document and the same SymPy objects are inserted in every step (SymPy keeps what it
# learnt about an object's assumptions on the object itself).  The value is computed the same
# way with or without the memo (its bound variables are Dummies, the step's own numbering is
# left untouched), so results do not depend on which steps were judged before.
_VALUES: contextvars.ContextVar[dict[tuple[object, ...], sympy.Basic] | None] = (
    contextvars.ContextVar("defined_values", default=None)
)


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
    with private_names():
        once = value()
        # NOTE: an entry no definition covers (p_0 where only p_1 is defined) stays itself.
        out = (
            once
            if once == key[-1]
            else substitute_definitions(once, definitions, depth=depth - 1, dependent=dependent)
        )
    if memo is not None:
        memo[full] = out
    return out


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
        return _defined_value(("entry", e), lambda: indexed_value(e), definitions, dependent, depth)

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
        # NOTE: only an entry that holds a defined name (the p of p_t) is masked: xreplace
        # leaves any other untouched, and masking rebuilds the whole expression twice.
        targets = set(by_symbol)
        entries = {
            e: sympy.Dummy("entry")
            for e in out.atoms(sympy.Indexed)
            if any(node in targets for node in sympy.preorder_traversal(e))
        }
        masked = out.xreplace(entries) if entries else out
        # NOTE: only the names that occur: renaming bound variables of every definition is costly.
        masked = masked.xreplace(
            {
                t: (
                    fresh_bound(v)
                    if depth <= 1
                    else _defined_value(
                        ("name", t),
                        functools.partial(fresh_bound, v),
                        definitions,
                        dependent,
                        depth,
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
