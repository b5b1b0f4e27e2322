"""An undefined loss differentiated along a chain of defined quantities (backpropagation notes):
``\\partial L / \\partial X_1 = W^T \\partial L / \\partial Y_1`` with ``Y_1 = W X_1`` defined.

``L`` is read as a function of the most downstream quantity ``Z`` the step differentiates it by,
``L = \\sum_{ab} G_{ab} Z_{ab}`` with ``G`` (its gradient) an unknown of its own.  A first-order
identity in the derivatives of ``L`` holds for every such ``L`` exactly when it holds for every
``G``: at a point, the gradient of any ``L`` of ``Z`` is some ``G``, and a linear ``L`` has every
gradient.  So the model decides the step both ways, for every ``L`` that reaches the variables
only through ``Z`` (what a backpropagation step written with ``\\partial L / \\partial Z`` means).
"""

from __future__ import annotations

import sympy

from symderiv import symbols
from symderiv.checker import _definitions, _symbolic

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]


def loss_definition(
    lhs: sympy.Basic, rhs: sympy.Basic, definitions: Definitions
) -> tuple[sympy.Basic, sympy.Basic, str] | None:
    """``(L, value, note)``: the undefined loss of the step as a linear function of the one
    quantity all others it is differentiated by lead to; ``None`` when there is no such loss
    or no such quantity."""
    by = {
        i
        for e in (lhs, rhs)
        for d in e.atoms(sympy.Derivative)
        for v in d.variables
        for i in _symbolic.free_indices(v)
    }
    if not _symbolic.free_indices(lhs) | _symbolic.free_indices(rhs) <= by:
        # NOTE: ∂L/∂Q_{ij} = ... / \sqrt{d_k}: k is free and indexes no variable of the step;
        # the model, a function of the variables' entries, is not the reading it lacks.
        return None
    defined = {_symbolic.name_of(_head(t)) for t, _ in definitions}
    # NOTE: the undefined names differentiated as such stay unknown functions while the
    # definitions are substituted (∂L/∂Y_1 is not 0 because L is not written in Y_1).
    dependent = _symbolic.dependent_names([lhs, rhs, *(v for _, v in definitions)])
    dependent = frozenset(dependent - defined)
    sides = [
        _definitions.substitute_definitions(e, definitions, dependent=dependent) for e in (lhs, rhs)
    ]
    derivatives = [d for e in sides for d in e.atoms(sympy.Derivative)]
    losses = {
        d.expr
        for d in derivatives
        if isinstance(d.expr, sympy.Symbol) and not d.expr.is_integer and d.expr.name not in defined
    }
    if len(losses) != 1:
        return None
    (loss,) = losses
    # NOTE: the model's sum runs over 1..n, the range of the document's matrices; a step whose
    # sums run over another range (a batch of m) is not read with it.
    if any(
        hi != symbols.n or lo != 1
        for e in sides
        for sm in e.atoms(sympy.Sum)
        for _, lo, hi in sm.limits
    ):
        return None
    # NOTE: a side without a derivative of L (∂L/∂X = 2X) holds for some L and not for others:
    # only a step that relates derivatives of L to each other is decided by the model.
    if not all(any(d.expr == loss for d in e.atoms(sympy.Derivative)) for e in sides):
        return None
    mine = [d for d in derivatives if d.expr == loss]
    if any(len(d.variable_count) != 1 or d.variable_count[0][1] != 1 for d in mine):
        return None  # a second derivative of L is not decided by its gradient
    if any(e.has(loss) for e in _without(sides, mine)):
        return None  # L itself (not only its derivatives) in the step
    wrt: dict[tuple[str, str], sympy.Basic] = {}
    for d in mine:
        v = d.variables[0]
        if not isinstance(v, (sympy.Symbol, sympy.Indexed)):
            return None
        wrt.setdefault(_key(v), v)
    sinks = [
        z for z in wrt if all(o == z or _upstream(wrt[o], wrt[z], definitions) for o in wrt)
    ]
    if len(sinks) != 1 or not any(_key(t) == sinks[0] for t, _ in definitions):
        return None
    example = wrt[sinks[0]]
    z = _symbolic.name_of(example)
    grad = symbols.vector(f"dL_d{z}")
    if isinstance(example, sympy.Indexed):
        base = example.base
        bound = [_symbolic.fresh(f"z{k}") for k in range(len(example.indices))]
        term = grad[tuple(bound)] * base[tuple(bound)]
        value: sympy.Basic = sympy.Sum(term, *[(b, 1, symbols.n) for b in bound])
    else:
        value = grad[1] * example
    note = (
        f"read {loss} as a function of {z} alone (its gradient {grad.label} an unknown): "
        f"the step holds for every such {loss} exactly when it holds for every gradient"
    )
    return loss, value, note


def closed_definitions(definitions: Definitions) -> Definitions:
    """The definitions whose value has no free index its target does not have.

    NOTE: ``W = Q K^T / d_k`` read with ``d_k`` an entry of ``d`` leaves ``k`` free in the value
    of ``W_{ij}``; substituted under a product's sum over ``k`` it would be captured.  Such a
    value is read with ``d_k`` the name it is written as (:func:`_as_names`); when that leaves
    an index free the definition is not used here: ``W`` stays an unknown matrix.
    """
    out = []
    for t, v in definitions:
        own = set(t.indices) if isinstance(t, sympy.Indexed) else set()
        stray = _symbolic.free_indices(v) - own
        if not stray:
            out.append((t, v))
            continue
        named = _as_names(v, stray)
        if named is not None:
            out.append((t, named))
    return tuple(out)


def closing_names(definitions: Definitions) -> frozenset[str]:
    """The names :func:`closed_definitions` reads entries as (``d_k``): parameters of the
    document's definitions, variables of its identities like the names beside them."""
    return frozenset(
        _symbolic.name_of(s)
        for t, v in closed_definitions(definitions)
        for s in v.free_symbols
        if isinstance(s, sympy.Symbol) and s.name.endswith(tuple(f"_{x}" for x in "ijklmnqt"))
    ) - {_symbolic.name_of(s) for _, v in definitions for s in v.free_symbols}


def _as_names(value: sympy.Basic, stray: set[sympy.Basic]) -> sympy.Basic | None:
    """``value`` with each entry at a stray index alone (``d_k`` in ``W = Q K^T / d_k``) read as
    the name it is written as (a number ``d_k``), when that leaves no stray index; else None.

    NOTE: an entry of a vector ``d`` at an index free in ``W_{ij}``'s value but not in ``W_{ij}``
    means nothing; the name ``d_k`` is the one reading left.

    >>> from symderiv.symbols import i, k, vector
    >>> W, d = vector("W"), vector("d")
    >>> _as_names(W[i, k] / d[k], {k}) is None
    True
    >>> _as_names(W[i, i] / d[k], {k})
    W[i, i]/d_k
    """
    entries = {
        e: symbols.scalar(f"{e.base.label}_{e.indices[0]}")
        for e in value.atoms(sympy.Indexed)
        if len(e.indices) == 1 and e.indices[0] in stray
    }
    named = value.xreplace(entries)
    return named if entries and not (_symbolic.free_indices(named) & stray) else None


def _head(t: sympy.Basic) -> sympy.Basic:
    return t.base if isinstance(t, sympy.Indexed) else t


def _without(sides: list[sympy.Basic], ders: list[sympy.Derivative]) -> list[sympy.Basic]:
    holders = {d: sympy.Dummy("dL") for d in ders}
    return [e.xreplace(holders) for e in sides]


def _key(e: sympy.Basic) -> tuple[str, str]:
    """A name with its kind: the vector ``x`` (``x_i``) and the number ``x`` are two names."""
    if isinstance(e, sympy.Indexed):
        return ("entries", str(e.base.label))
    return ("number", _symbolic.name_of(e))


def _mentioned(value: sympy.Basic) -> set[tuple[str, str]]:
    entries = value.atoms(sympy.Indexed)
    labels = {t.base.label for t in entries}
    out = {_key(t) for t in entries}
    out |= {
        _key(s)
        for s in value.free_symbols
        if isinstance(s, sympy.Symbol) and not s.is_integer and s not in labels
    }
    return out


def _upstream(name: sympy.Basic, of: sympy.Basic, definitions: Definitions) -> bool:
    """``name`` enters the definition of ``of`` (through other definitions), as the same kind
    of name (an entry of ``x`` is not the number ``x``)."""
    want, target = _key(name), _key(of)
    values = [v for t, v in definitions if _key(t) == target]
    if not values:
        return False
    seen: set[tuple[str, str]] = set()
    todo = [k for v in values for k in _mentioned(v)]
    while todo:
        k = todo.pop()
        if k == want:
            return True
        if k in seen:
            continue
        seen.add(k)
        todo.extend(m for t, v in definitions if _key(t) == k for m in _mentioned(v))
    return False
