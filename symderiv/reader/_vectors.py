"""Vector notation (``\\mathbf{p}\\mathbf{p}^\\top``, ``\\operatorname{diag}``, ``\\nabla``) read in
index form: a vector is its entry ``v_i``, a matrix its entry ``M_{ij}``, products are sums.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NoReturn, cast

import sympy

from symderiv import symbols
from symderiv.errors import (
    ParseError,
    SymderivError,
    UnstatedLayoutError,
    UnsupportedNotationError,
)

ROW, COL = symbols.i, symbols.j
#: Contraction indices, one per nesting level of products.
_BOUND = ("k", "l", "m", "q", "s", "u", "v", "w")

Entry = Callable[..., sympy.Expr]


class NotAScalar(SymderivError):
    """A vector or matrix value met by arithmetic that wants a number (``x \\odot \\mathbf v``
    with ``x`` a scalar, ``1 / \\mathbf v``).

    NOTE: not a ``ParseError``: the parser's own alternatives (which catch those) are not
    tried again; ``parser.parse_math`` reports the formula as vector notation it does not read.
    """


@dataclass(frozen=True)
class Shaped:
    """``kind`` is ``"col"`` (a vector), ``"row"`` (a transposed vector) or ``"mat"``.

    ``fn`` gives the entry at symbolic indices; ``name`` is set for a bare vector name.
    """

    kind: str
    fn: Entry
    name: str | None = None
    depth: int = 0
    #: a constant vector (\\mathbf{1}): a row or a column as its partner needs
    const: bool = False
    #: the matrix name this is the transpose of (``X^\\top``), for a derivative by it
    transposed: str | None = None

    def entry(self) -> sympy.Expr:
        """The entry at ``i`` (vectors) or ``(i, j)`` (matrices)."""
        return self.fn(ROW, COL) if self.kind == "mat" else self.fn(ROW)

    def _not_a_scalar(self, *_other: object) -> NoReturn:
        """Python's arithmetic on a vector value (SymPy's operators hand it over when they
        cannot convert it): the vector rules of this module are the only arithmetic on it."""
        raise NotAScalar(f"a {_shape(self)} where a number is wanted")

    __add__ = __radd__ = __sub__ = __rsub__ = _not_a_scalar
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _not_a_scalar
    __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _not_a_scalar
    __neg__ = __pos__ = __abs__ = _not_a_scalar


def is_shaped(e: object) -> bool:
    return isinstance(e, Shaped)


def is_entry(e: object) -> bool:
    """An entry of a named vector or matrix at indices (``b_j``, ``W_{ij}``, ``a_1``): a variable
    a function can be differentiated by, like a plain name."""
    return (
        isinstance(e, sympy.Indexed)
        and isinstance(e.base.label, sympy.Symbol)
        and all(isinstance(i, (sympy.Symbol, sympy.Integer)) for i in e.indices)
    )


def _bound(depth: int) -> sympy.Symbol:
    return symbols.index(_BOUND[min(depth, len(_BOUND) - 1)])


def bound_index(s: Shaped) -> sympy.Symbol:
    """A summation index for a sum over the entries of ``s`` (past the ones it uses)."""
    return _bound(s.depth)


def _past(e: object, s: Shaped) -> Shaped:
    """``s`` with a depth past the contraction names ``e`` uses freely: ``\\frac{1}{d_k} A
    \\mathbf 1`` contracts over another letter than ``k``, which stays free."""
    if not isinstance(e, sympy.Basic):
        return s
    used = [_BOUND.index(x.name) for x in e.free_symbols if getattr(x, "name", None) in _BOUND]
    if not used or max(used) < s.depth:
        return s
    return replace(s, depth=max(used) + 1)


def vector(name: str, *, row: bool = False) -> Shaped:
    """The vector ``name``; ``row``: the document's vectors are rows (``\\mathbf{y}\\log\\mathbf{s}^\\top``
    a number)."""
    base = symbols.vector(name)
    return Shaped("row" if row else "col", lambda r: base[r], name)


def constant(value: int) -> Shaped:
    v = sympy.Integer(value)
    return Shaped("col", lambda r: v, const=True)


def _fit(a: Shaped, b: Shaped) -> tuple[Shaped, Shaped]:
    """A constant vector beside a row is a row (``\\frac{\\mathbf 1}{\\mathbf s}``)."""
    if a.kind != b.kind and "mat" not in (a.kind, b.kind):
        if a.const:
            a = transpose(a)
        elif b.const:
            b = transpose(b)
    return a, b


def matrix(name: str) -> Shaped:
    base = symbols.vector(name)
    return Shaped("mat", lambda r, c: base[r, c], name)


def diag(v: Shaped) -> Shaped:
    if v.kind == "mat":
        raise ParseError("diag of something that is not a vector")
    return Shaped("mat", lambda r, c: v.fn(r) * sympy.KroneckerDelta(r, c), depth=v.depth)


def gradient(var: Shaped, f: object, *, layout_stated: bool = False) -> Shaped:
    """``\\nabla_{\\mathbf x} f``: the gradient of a number, shaped as ``x`` (a row for a row
    vector); of a vector, the Jacobian when it is diagonal (an element-wise function of ``x``,
    where both layouts agree), or when ``layout_stated`` (the rows are the outputs).

    Raises:
        ParseError: ``x`` is not a vector name.
        UnsupportedNotationError: the Jacobian of a vector that is not element-wise in ``x``
            (``\\partial f_i/\\partial x_j`` or its transpose: the document does not say which).
    """
    if var.name is None or (var.kind == "mat" and isinstance(f, Shaped)):
        raise ParseError("\\nabla with respect to something that is not a vector name")
    base = symbols.vector(var.name)
    if var.kind == "mat":
        assert isinstance(f, sympy.Basic)
        return _past(f, Shaped("mat", lambda r, c: sympy.Derivative(f, base[r, c])))
    if isinstance(f, Shaped):
        if f.kind == "mat":
            raise UnsupportedNotationError("\\nabla of a matrix is not read")
        if not layout_stated and not _elementwise_in(f, base):
            raise UnstatedLayoutError(
                "\\nabla of a vector: the layout (d f_i / d x_j or its transpose) is not stated"
            )
        return jacobian(var, f)
    assert isinstance(f, sympy.Basic)
    return _past(f, Shaped(var.kind, lambda r: sympy.Derivative(f, base[r])))


def jacobian(var: Shaped, f: object) -> Shaped:
    """``J_{\\mathbf x}(\\mathbf f)``: the matrix of ``\\partial f_i / \\partial x_j`` (a row per
    output); of a number, the row of its partial derivatives."""
    if var.kind == "mat" or var.name is None:
        raise ParseError("a Jacobian with respect to something that is not a vector name")
    base = symbols.vector(var.name)
    if isinstance(f, Shaped):
        if f.kind == "mat":
            raise UnsupportedNotationError("the Jacobian of a matrix is not read")
        return Shaped("mat", lambda r, c: sympy.Derivative(f.fn(r), base[c]), depth=f.depth)
    assert isinstance(f, sympy.Basic)
    return _past(f, Shaped("row", lambda r: sympy.Derivative(f, base[r])))


def _elementwise_in(f: Shaped, base: sympy.IndexedBase) -> bool:
    """Entry ``r`` of ``f`` depends on ``x`` through ``x_r`` alone (no sum, no other entry)."""
    e = f.fn(ROW)
    uses = [t for t in e.atoms(sympy.Indexed) if t.base == base]
    if not uses or any(t.indices != (ROW,) for t in uses):
        return False
    if any(s.has(base) for s in e.atoms(sympy.Sum)):
        return False
    # NOTE: f(\\mathbf x)_r, a function of the whole vector, is not element-wise.
    rest = e.xreplace({t: sympy.Dummy() for t in uses})
    return not rest.has(base) and not rest.has(base.label)


def transpose(a: Shaped) -> Shaped:
    if a.kind == "mat":
        return Shaped("mat", lambda r, c: a.fn(c, r), depth=a.depth, transposed=a.name)
    return Shaped("row" if a.kind == "col" else "col", a.fn, a.name, a.depth, a.const)


def transpose_of(e: object) -> sympy.Expr:
    """``e`` transposed; ``e`` must be a vector or a matrix.

    Raises:
        ParseError: ``e`` is a number.
    """
    if not isinstance(e, Shaped):
        raise ParseError("a transpose of something that is not a vector or a matrix")
    return cast(sympy.Expr, transpose(e))


def elementwise(a: Shaped, f: Callable[[sympy.Expr], sympy.Expr]) -> Shaped:
    if a.kind == "mat":
        return Shaped("mat", lambda r, c: f(a.fn(r, c)), depth=a.depth)
    return Shaped(a.kind, lambda r: f(a.fn(r)), depth=a.depth)


def row_softmax(a: Shaped) -> Shaped:
    """``softmax(W)`` of a matrix: taken along each row (entry ``(r, c)`` is
    ``e^{W_{rc}} / \\sum_k e^{W_{rk}}``), as attention and array code (the last axis) mean it.

    >>> W = matrix("W")
    >>> sympy.sstr(row_softmax(W).entry())
    'exp(W[i, j])/Sum(exp(W[i, k]), (k, 1, n))'
    """
    if a.kind != "mat":
        raise ParseError(f"a row-wise softmax of a {_shape(a)}")
    k = _bound(a.depth)

    def entry(r: sympy.Expr, c: sympy.Expr) -> sympy.Expr:
        return sympy.exp(a.fn(r, c)) / sympy.Sum(sympy.exp(a.fn(r, k)), (k, 1, symbols.n))

    return Shaped("mat", entry, depth=a.depth + 1)


def neg(a: object) -> object:
    if isinstance(a, Shaped):
        return elementwise(a, lambda e: -e)
    return -a  # type: ignore[operator]


def add(a: object, b: object) -> object:
    if not isinstance(a, Shaped) and not isinstance(b, Shaped):
        return a + b  # type: ignore[operator]
    if not isinstance(a, Shaped):
        assert isinstance(b, Shaped)
        return b if a == 0 else _past(a, elementwise(_broadcast(a, b), lambda e: a + e))
    if not isinstance(b, Shaped):
        return a if b == 0 else _past(b, elementwise(_broadcast(b, a), lambda e: e + b))
    a, b = _fit(a, b)
    if a.kind != b.kind:
        raise ParseError(f"a {_shape(a)} added to a {_shape(b)}")
    depth = max(a.depth, b.depth)
    if a.kind == "mat":
        return Shaped("mat", lambda r, c: a.fn(r, c) + b.fn(r, c), depth=depth)
    return Shaped(a.kind, lambda r: a.fn(r) + b.fn(r), depth=depth)


def _broadcast(x: object, v: Shaped) -> Shaped:
    """``v``, to which the scalar ``x`` is added entry by entry (``1 + e^{-\\mathbf h}``,
    ``\\mathbf x + c``), as vector notation and array code mean it.

    NOTE: never to a matrix, and never a contraction of vectors: ``\\text{diag}(\\mathbf s) -
    \\mathbf s^\\top \\mathbf s`` with columns is a slip of layout (the rows reading fits), not
    a number taken from every entry.
    """
    if v.kind == "mat" or (isinstance(x, sympy.Basic) and x.has(sympy.Sum)):
        raise ParseError(f"a {_shape(v)} added to a scalar")
    return v


def mul(a: object, b: object) -> object:
    """Juxtaposition / ``\\cdot``: scalar scaling, matrix products, inner and outer products."""
    if not isinstance(a, Shaped) and not isinstance(b, Shaped):
        return a * b  # type: ignore[operator]
    if not isinstance(a, Shaped):
        assert isinstance(b, Shaped)
        _scalar_factor(a, b)
        return _past(a, elementwise(b, lambda e: a * e))
    if not isinstance(b, Shaped):
        _scalar_factor(b, a)
        return _past(b, elementwise(a, lambda e: e * b))
    depth = max(a.depth, b.depth) + 1
    k = _bound(max(a.depth, b.depth))
    n = symbols.n
    match (a.kind, b.kind):
        case ("row", "col"):
            return sympy.Sum(a.fn(k) * b.fn(k), (k, 1, n))
        case ("col", "row"):
            return Shaped("mat", lambda r, c: a.fn(r) * b.fn(c), depth=depth)
        case ("mat", "col"):
            return Shaped("col", lambda r: sympy.Sum(a.fn(r, k) * b.fn(k), (k, 1, n)), depth=depth)
        case ("row", "mat"):
            return Shaped("row", lambda c: sympy.Sum(a.fn(k) * b.fn(k, c), (k, 1, n)), depth=depth)
        case ("mat", "mat"):
            return Shaped(
                "mat", lambda r, c: sympy.Sum(a.fn(r, k) * b.fn(k, c), (k, 1, n)), depth=depth
            )
    raise ParseError(f"a product of a {_shape(a)} and a {_shape(b)}")


def _partner(x: object, m: object) -> object:
    """A capital name in an element-wise operation with a matrix (``\\mathbf Y \\odot \\mathbf S``,
    ``\\frac{\\mathbf Y}{\\mathbf S}``) has its partner's shape: the operation needs it."""
    if not isinstance(m, Shaped) or m.kind != "mat" or not isinstance(x, sympy.Expr):
        return x
    capitals = [
        c for c in x.free_symbols if isinstance(c, sympy.Symbol) and c.name[:1].isupper()
    ]
    if len(capitals) != 1:
        return x
    (c,) = capitals
    k, rest = x.as_independent(c, as_Add=False)
    if rest != c:
        return x
    named = matrix(c.name)
    return named if k == 1 else _past(k, elementwise(named, lambda e: k * e))


def _scalar_factor(x: object, m: Shaped) -> None:
    """A capital beside a matrix (``W U``) may be a matrix the document never says is one:
    read as a number it would be a guess.

    Raises:
        UnsupportedNotationError: ``x`` holds a capital name of unknown shape.
    """
    if m.kind != "mat" or not isinstance(x, sympy.Basic):
        return
    capitals = sorted(
        s.name for s in x.free_symbols if isinstance(s, sympy.Symbol) and s.name[:1].isupper()
    ) + sorted(
        str(t)
        for t in x.atoms(sympy.Indexed)
        if str(t.base.label)[:1].isupper() and all(i.is_Integer for i in t.indices)
    )
    if capitals:
        raise UnsupportedNotationError(
            f"{capitals[0]} beside a matrix: a matrix or a number, the document does not say"
        )


def hadamard(a: object, b: object, *, divide: bool) -> object:
    """``\\odot`` / ``\\oslash``: entry by entry."""
    a, b = _partner(a, b), _partner(b, a)
    if not isinstance(a, Shaped) or not isinstance(b, Shaped):
        return a / b if divide else a * b  # type: ignore[operator]
    a, b = _fit(a, b)
    if a.kind != b.kind:
        raise ParseError(f"an element-wise operation on a {_shape(a)} and a {_shape(b)}")
    depth = max(a.depth, b.depth)

    def op(x: sympy.Expr, y: sympy.Expr) -> sympy.Expr:
        return x / y if divide else x * y

    if a.kind == "mat":
        return Shaped("mat", lambda r, c: op(a.fn(r, c), b.fn(r, c)), depth=depth)
    return Shaped(a.kind, lambda r: op(a.fn(r), b.fn(r)), depth=depth)


def div(a: object, b: object) -> object:
    """``a / b``; a vector over a vector (``\\frac{\\mathbf y}{\\mathbf s}``) and a number over a
    vector are element-wise, as vector notation means."""
    if isinstance(b, Shaped):
        a = _partner(a, b)
        if isinstance(a, Shaped):
            return hadamard(a, b, divide=True)
        _scalar_factor(a, b)
        return _past(a, elementwise(b, lambda e: a / e))
    if isinstance(a, Shaped):
        return _past(b, elementwise(a, lambda e: e / b))
    return a / b  # type: ignore[operator]


def finish(e: object) -> sympy.Basic:
    """A formula's value: vectors and matrices as their entry at ``i`` / ``(i, j)``."""
    if isinstance(e, Shaped):
        return e.entry()
    assert isinstance(e, sympy.Basic)
    return e


def _shape(a: Shaped) -> str:
    return {"col": "vector", "row": "transposed vector", "mat": "matrix"}[a.kind]
