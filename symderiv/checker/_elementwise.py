"""A function of a vector defined by a formula in the bare vector, read entry by entry:
``LS(z) = \\log(e^{z} / \\sum_k e^{z_k})`` defines ``LS(z)_i = \\log(e^{z_i} / \\sum_k e^{z_k})``.

NOTE: the formula writes the vector ``z`` bare where an entry-wise operation acts on it
(``e^{z}``, ``z - c``) and its entries ``z_k`` where it is reduced (a sum).  Entry ``i`` of
the result is the formula with the bare ``z`` read as ``z_i`` -- the one reading when every
operation on the bare vector acts entry-wise.  A product of two bare vectors, a power of one
(``z^2``: entry-wise or ``z^\\top z``) or the bare vector inside a sum is another shape of
formula: no entry definition is made, and a step that uses ``F(z)_i`` stays undetermined.
"""

from __future__ import annotations

import sympy
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.checker._symbolic import free_indices

__all__ = ["entry_definition"]


def entry_definition(
    target: sympy.Basic, value: sympy.Basic
) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(F(z, i), value at entry i)`` for a definition ``F(z) = value`` in which ``z`` is a
    vector (its entries ``z_k`` are written in the value) and stands bare only where an
    entry-wise operation acts on it; else ``None``.

    >>> z, c = sympy.Symbol("z"), sympy.Symbol("c")
    >>> k = sympy.Symbol("k", integer=True)
    >>> F = sympy.Function("F")
    >>> entry_definition(F(z), sympy.exp(z - c) / sympy.Sum(sympy.exp(symbols.vector("z")[k]), (k, 1, symbols.n)))
    (F(z, i), exp(-c + z[i])/Sum(exp(z[k]), (k, 1, n)))
    """
    if not isinstance(target, AppliedUndef) or len(target.args) != 1:
        return None
    (arg,) = target.args
    if not isinstance(arg, sympy.Symbol) or arg.is_integer:
        return None
    if not isinstance(value, sympy.Expr) or not value.has(arg):
        return None
    entries = [e for e in value.atoms(sympy.Indexed) if str(e.base.label) == arg.name]
    if not entries or any(len(e.indices) != 1 for e in entries):
        return None
    i = symbols.i
    # NOTE: the entries z_k hold the name z as their base's label: they are masked while the
    # bare z is looked for and replaced.
    holders = {e: sympy.Dummy("entry") for e in value.atoms(sympy.Indexed)}
    masked = value.xreplace(holders)
    if not masked.has(arg) or i in value.free_symbols or free_indices(value):
        return None
    if not _entrywise_in(masked, arg):
        return None
    vectors = {str(e.base.label) for e in holders}
    if any(
        s != arg and s.name in vectors for s in masked.free_symbols if isinstance(s, sympy.Symbol)
    ):
        return None  # another vector bare beside it: a product of the two has several readings
    base = entries[0].base
    back = {u: e for e, u in holders.items()}
    return target.func(arg, i), masked.xreplace({arg: base[i]}).xreplace(back)


def _entrywise_in(e: sympy.Basic, v: sympy.Symbol) -> bool:
    """Every operation on the bare ``v`` in ``e`` acts entry by entry."""
    if not e.has(v) or e == v:
        return True
    if isinstance(e, (sympy.Sum, sympy.Product, sympy.Integral, sympy.Derivative)):
        return False
    if isinstance(e, sympy.Mul) and sum(1 for a in e.args if a.has(v)) > 1:
        return False
    if isinstance(e, sympy.Pow) and e.base.has(v) and e.exp != -1:
        return False
    if isinstance(e, AppliedUndef) or not isinstance(
        e, (sympy.Add, sympy.Mul, sympy.Pow, sympy.Function)
    ):
        return False
    return all(_entrywise_in(a, v) for a in e.args)
