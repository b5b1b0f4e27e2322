"""Canonical symbols shared by readers, builders and checkers.

SymPy symbols are equal only when their names *and* assumptions agree, so every module makes
its symbols here: an index ``i`` read from a document is the same object as the ``i`` a
builder uses.
"""

from __future__ import annotations

import sympy

# NOTE: the number of classes is a positive integer; index symbols are positive integers
# whose range 1..n the checker applies as a rewrite (SymPy cannot attach a range).
n = sympy.Symbol("n", integer=True, positive=True)

INDEX_LETTERS = ("i", "j", "k", "l", "m", "c", "t")


def index(name: str) -> sympy.Symbol:
    """An index symbol ranging over 1..n (positive integer)."""
    return sympy.Symbol(name, integer=True, positive=True)


def vector(name: str) -> sympy.IndexedBase:
    """A real vector/matrix whose entries are written ``name_i`` / ``name_{ij}``."""
    return sympy.IndexedBase(name, real=True)


def scalar(name: str) -> sympy.Symbol:
    """A real scalar such as ``L``."""
    return sympy.Symbol(name, real=True)


i, j, k = index("i"), index("j"), index("k")
x, y, p, z = vector("x"), vector("y"), vector("p"), vector("z")
L = scalar("L")


def distribution(name: str) -> sympy.IndexedBase:
    """A probability vector (``P(x)``, ``Q(x)``): entries positive, so ``log P(x)`` is defined."""
    return sympy.IndexedBase(name, positive=True)


def count(name: str) -> sympy.Symbol:
    """A class-count symbol written as a sum bound (``n``, ``C``, ``K``): a positive integer."""
    return sympy.Symbol(name, integer=True, positive=True)
