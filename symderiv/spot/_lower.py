"""Lower an Indexed/Sum/KroneckerDelta SymPy expression to a vectorised NumPy function.

Every index gets an axis: the free indices first (in the order asked for), then one axis per
summation variable. A node evaluates to an array of shape ``(B, d_1, ..., d_A)`` where ``B`` is
the batch of points and ``d_a`` is ``n`` if the node depends on axis ``a`` and ``1`` otherwise,
so NumPy broadcasting does the index bookkeeping:

- ``x[k]``                      → the ``(B, n)`` input reshaped onto ``k``'s axis,
- ``Sum(f, (k, 1, n))``         → ``f.sum(axis=k)`` (a mask when the bounds are not ``1..n``),
- ``KroneckerDelta(i, j)``      → an identity on axes ``i, j``; in a sum or product it is never
  materialised: ``Sum(g(k) δ_jk, k) = g(j)`` and ``c δ_ij + R`` adds ``c`` to ``R``'s diagonal,
- ``exp``, ``log``, ...        → the NumPy function from a lookup table (sympy2jax style),
- ``SoftmaxEntry``/``LogSumExp`` (from the stable-form rules) → max-shifted NumPy code.

The expression stays SymPy data; the lowering happens once and the result is called on batches.
The front end, :func:`symderiv.spot._lambdify.lambdify_indexed`, wraps the lowered tree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from numpy.lib.stride_tricks import as_strided

from symderiv.errors import UnsupportedNotationError
from symderiv.spot._rules import LogSumExp, SoftmaxEntry

Array = Any  # an ndarray or a Python scalar (NumPy's weak scalars keep the dtype)

#: SymPy function class → NumPy function; extend with ``lambdify_indexed(..., funcs=...)``.
FUNCS: Mapping[type, Callable[..., Any]] = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.tanh: np.tanh,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.atan: np.arctan,
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
}

#: Elements one chunk of points may hold in its largest intermediate (4 MiB of float64: the
#: chunk stays in cache; measured best between 2**18 and 2**20 on this machine).
CHUNK_ELEMENTS = 1 << 19


class _Ctx:
    """What one evaluation (one chunk of points) sees."""

    def __init__(self, arrays: Mapping[str, np.ndarray], n: int, ndim: int, dtype: Any) -> None:
        self.arrays = arrays
        self.n = n
        self.ndim = ndim
        self.dtype = dtype
        self.batch = next(iter(arrays.values())).shape[0] if arrays else 1
        self.memo: dict[int, Array] = {}
        self.softmax: dict[str, np.ndarray] = {}
        self.lse: dict[str, np.ndarray] = {}

    def place(self, vec: np.ndarray, axis: int) -> np.ndarray:
        """A ``(B, n)`` or ``(n,)`` array as ``(B|1, 1, .., n at axis, .., 1)``."""
        shape = [1] * self.ndim
        shape[axis] = vec.shape[-1]
        if vec.ndim == 2:
            shape[0] = vec.shape[0]
        return vec.reshape(shape)

    def arange(self, axis: int) -> np.ndarray:
        return self.place(np.arange(1, self.n + 1), axis)


@dataclass(frozen=True)
class _Node:
    fn: Callable[[_Ctx, np.ndarray | None], Array]
    axes: frozenset[int]
    const: complex | float | None = None  # set when the node is a number


def _varies(value: Array, axis: int) -> bool:
    return bool(np.ndim(value) > axis and np.shape(value)[axis] != 1)


class _Lowering:
    """Compile a SymPy expression into a tree of :class:`_Node` closures."""

    def __init__(self, free: tuple[sympy.Symbol, ...], funcs: Mapping[type, Callable[..., Any]]):
        self.axes: dict[sympy.Symbol, int] = {s: a + 1 for a, s in enumerate(free)}
        self.scope: set[sympy.Symbol] = set(free)  # the indices that have a value here
        self.free = free
        self.funcs = funcs
        self.cache: dict[sympy.Basic, _Node] = {}
        self.bases: set[str] = set()
        self.max_axes = len(free)
        self.shared: set[sympy.Basic] = set()

    def count_shared(self, e: sympy.Basic) -> None:
        """Remember the subexpressions that occur more than once: only those are memoised."""
        seen: set[sympy.Basic] = set()
        for node in sympy.preorder_traversal(e):
            if node in seen:
                self.shared.add(node)
            seen.add(node)

    # -- dispatch ------------------------------------------------------------------------
    def lower(self, e: sympy.Basic) -> _Node:
        hit = self.cache.get(e)
        if hit is not None:
            return hit
        for cls in type(e).__mro__:
            method = getattr(self, "_lower_" + cls.__name__, None)
            if method is not None:
                node: _Node = method(e)
                break
        else:
            func = self.funcs.get(type(e))
            if func is None:
                raise UnsupportedNotationError(f"cannot lower {type(e).__name__} to NumPy: {e}")
            node = self._apply(func, e.args)
        self.max_axes = max(self.max_axes, len(node.axes))
        node = self._memoised(node) if node.axes and e in self.shared else node
        self.cache[e] = node
        return node

    @staticmethod
    def _memoised(node: _Node) -> _Node:
        key = id(node)

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            hit = ctx.memo.get(key)
            if hit is None:
                hit = ctx.memo[key] = node.fn(ctx, None)
            return hit

        return _Node(fn, node.axes, node.const)

    def _apply(self, func: Callable[..., Any], args: tuple[sympy.Basic, ...]) -> _Node:
        kids = [self.lower(a) for a in args]
        axes = frozenset().union(*(k.axes for k in kids))
        return _Node(lambda ctx, out: func(*(k.fn(ctx, None) for k in kids)), axes)

    # -- atoms ---------------------------------------------------------------------------
    def _lower_Number(self, e: sympy.Number) -> _Node:
        value = float(e)
        return _Node(lambda ctx, out: value, frozenset(), value)

    def _lower_NumberSymbol(self, e: sympy.NumberSymbol) -> _Node:
        return self._lower_Number(sympy.Float(e.evalf(20)))

    def _lower_ImaginaryUnit(self, e: sympy.Basic) -> _Node:
        return _Node(lambda ctx, out: 1j, frozenset(), 1j)

    def _lower_Symbol(self, e: sympy.Symbol) -> _Node:
        axis = self.axes.get(e)
        if axis is not None:
            return _Node(lambda ctx, out: ctx.arange(axis).astype(ctx.dtype), frozenset({axis}))
        if e.is_integer and e.is_positive:  # the class count, whatever its letter
            return _Node(lambda ctx, out: float(ctx.n), frozenset())
        raise UnsupportedNotationError(
            f"free symbol {e} has no value: pass it as an index or bind it to an input"
        )

    def _lower_Indexed(self, e: sympy.Indexed) -> _Node:
        name = str(e.base.label)
        self.bases.add(name)
        if len(e.indices) != 1:
            raise UnsupportedNotationError(f"only vectors are lowered yet, not {e}")
        (idx,) = e.indices
        axis = self.axes.get(idx)
        if axis is not None:
            return _Node(lambda ctx, out: ctx.place(ctx.arrays[name], axis), frozenset({axis}))
        if idx.is_Integer:
            pos = int(idx) - 1

            def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
                if not 0 <= pos < ctx.n:
                    raise ValueError(f"{e} is out of range for n = {ctx.n}")
                col = ctx.arrays[name][:, pos]
                return col.reshape((-1,) + (1,) * (ctx.ndim - 1))

            return _Node(fn, frozenset())
        raise UnsupportedNotationError(f"index {idx} of {e} is not a plain index", permanent=False)

    # -- arithmetic ----------------------------------------------------------------------
    def _lower_Add(self, e: sympy.Add) -> _Node:
        return self._sum_of_terms(e.args)

    def _lower_Mul(self, e: sympy.Mul) -> _Node:
        if any(self._delta_axes(f) for f in e.args):
            return self._sum_of_terms((e,))
        const = 1.0 + 0j
        kids: list[_Node] = []
        for f in e.args:
            node = self.lower(f)
            if node.const is not None:
                const *= node.const
            else:
                kids.append(node)
        c: complex | float = const.real if const.imag == 0 else const
        if not kids:
            return _Node(lambda ctx, out: c, frozenset(), c)
        kids.sort(key=lambda k: len(k.axes))  # scale the smallest factor
        axes = frozenset().union(*(k.axes for k in kids))

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            acc = kids[0].fn(ctx, None)
            if c != 1.0:
                acc = acc * c
            for pos, kid in enumerate(kids[1:], start=2):
                val = kid.fn(ctx, None)
                last = pos == len(kids)
                if last and out is not None and out.shape == np.broadcast_shapes(
                    np.shape(acc), np.shape(val)
                ):
                    return np.multiply(acc, val, out=out)
                acc = acc * val
            return acc

        return _Node(fn, axes)

    def _lower_Pow(self, e: sympy.Pow) -> _Node:
        base, ex = self.lower(e.base), e.exp
        if base.const is not None and ex.is_Number:
            v = base.const ** (float(ex) if ex.is_real else complex(ex))
            return _Node(lambda ctx, out: v, frozenset(), v)
        if ex == -1:
            return _Node(lambda ctx, out: 1.0 / base.fn(ctx, None), base.axes)
        if ex == 2:
            return _Node(lambda ctx, out: np.square(base.fn(ctx, None)), base.axes)
        if ex == sympy.Rational(1, 2):
            return _Node(lambda ctx, out: np.sqrt(base.fn(ctx, None)), base.axes)
        if ex.is_Integer:
            p = int(ex)
            return _Node(lambda ctx, out: np.power(base.fn(ctx, None), float(p)), base.axes)
        expo = self.lower(ex)
        return _Node(
            lambda ctx, out: np.power(base.fn(ctx, None), expo.fn(ctx, None)),
            base.axes | expo.axes,
        )

    # -- Kronecker delta -----------------------------------------------------------------
    def _delta_axes(self, f: sympy.Basic) -> tuple[int, int] | None:
        if isinstance(f, sympy.KroneckerDelta):
            a, b = (self.axes.get(s) for s in f.args)
            if a is not None and b is not None and a != b:
                return (a, b)
        return None

    def _lower_KroneckerDelta(self, e: sympy.KroneckerDelta) -> _Node:
        left, right = (self.lower(a) for a in e.args)
        return _Node(
            lambda ctx, out: np.equal(left.fn(ctx, None), right.fn(ctx, None)),
            left.axes | right.axes,
        )

    def _sum_of_terms(self, terms: tuple[sympy.Basic, ...]) -> _Node:
        """Add terms; ``c * δ(a, b)`` terms are added onto the diagonal, never materialised."""
        plain: list[_Node] = []
        diag: list[tuple[int, int, _Node]] = []
        const = 0.0 + 0j
        for t in terms:
            factors = sympy.Mul.make_args(t)
            hit = next((f for f in factors if self._delta_axes(f)), None)
            if hit is None:
                node = self.lower(t)
                if node.const is not None:
                    const += node.const
                else:
                    plain.append(node)
                continue
            a_sym, b_sym = hit.args
            a, b = self.axes[a_sym], self.axes[b_sym]
            if a > b:
                a, b, a_sym, b_sym = b, a, b_sym, a_sym
            rest = sympy.Mul(*[f for f in factors if f is not hit]).xreplace({b_sym: a_sym})
            diag.append((a, b, self.lower(rest)))
        c: complex | float = const.real if const.imag == 0 else const
        axes = frozenset().union(
            *(k.axes for k in plain), *(k.axes | {a, b} for a, b, k in diag)
        )
        if not plain and not diag:
            return _Node(lambda ctx, out: c, frozenset(), c)
        if not diag:
            return _Node(_adder(plain, c), axes)
        plain_fn = _adder(plain, c) if plain else None

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            coefs = [(a, b, k.fn(ctx, None)) for a, b, k in diag]
            shape = [1] * ctx.ndim
            shape[0] = ctx.batch
            for ax in axes:
                shape[ax] = ctx.n
            vals = [v for _a, _b, v in coefs]
            dtype = np.result_type(ctx.dtype, *[np.asarray(v).dtype for v in vals if np.ndim(v)])
            if out is not None and list(out.shape) == shape and out.dtype == dtype:
                buf = out
            else:
                buf = np.empty(shape, dtype)
            if plain_fn is None:
                buf.fill(c)
            else:
                res = plain_fn(ctx, buf)
                if res is not buf:
                    np.copyto(buf, res)
            for a, b, v in coefs:
                view = _diagonal(buf, a, b)
                v = np.asarray(v)
                if v.ndim:
                    v = v.reshape(v.shape[:b] + v.shape[b + 1 :])
                np.add(view, v, out=view)
            return buf

        return _Node(fn, axes)

    # -- sums ----------------------------------------------------------------------------
    def _lower_Sum(self, e: sympy.Sum) -> _Node:
        # NOTE: the first limit is the innermost; SymPy merges Sum(Sum(f, a), b) into
        # Sum(f, a, b), so the inner sums are rebuilt from the remaining limits.
        *inner_limits, (k, lo, hi) = e.limits
        inner = sympy.Sum(e.function, *inner_limits) if inner_limits else e.function
        return self._sum_one(inner, k, lo, hi)

    def _sum_one(self, inner: sympy.Expr, k: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr) -> _Node:
        if k in self.scope:
            # a bound index that shadows a free or enclosing one gets its own symbol (and axis)
            d = sympy.Dummy(str(k), integer=True, positive=True)
            inner, k = inner.xreplace({k: d}), d
        # NOTE: linearity first, so no term broadcasts over k more than it must:
        # Σ (a + b) = Σ a + Σ b, and Σ c(other) a(k) = c Σ a(k).
        if isinstance(inner, sympy.Add):
            return self.lower(sympy.Add(*[sympy.Sum(t, (k, lo, hi)) for t in inner.args]))
        factors = sympy.Mul.make_args(inner)
        outside = [f for f in factors if k not in f.free_symbols]
        if outside and len(outside) < len(factors):
            inside = [f for f in factors if k in f.free_symbols]
            return self.lower(sympy.Mul(*outside) * sympy.Sum(sympy.Mul(*inside), (k, lo, hi)))
        # NOTE: sibling sums over the same letter share its axis (each sums it away); the
        # expression cache stays valid because a letter always maps to one axis.
        axis = self.axes.setdefault(k, len(self.axes) + 1)
        full = lo == 1 and hi.is_Symbol and hi.is_integer and hi not in self.scope
        if full:
            # NOTE: every axis takes the values 1..n, so Σ_{k=1}^{n} g(k) δ(k, a) = g(a) exactly.
            for f in sympy.Mul.make_args(inner):
                if isinstance(f, sympy.KroneckerDelta) and k in f.args:
                    other = f.args[1] if f.args[0] == k else f.args[0]
                    if other in self.scope:
                        rest = sympy.Mul(*[g for g in sympy.Mul.make_args(inner) if g is not f])
                        return self.lower(rest.xreplace({k: other}))
        self.scope.add(k)
        try:
            body = self.lower(inner)
        finally:
            self.scope.discard(k)
        lo_n, hi_n = self.lower(lo), self.lower(hi)
        axes = body.axes - {axis}

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            val = body.fn(ctx, None)
            if full:
                if not hi_n.fn(ctx, None) == ctx.n:
                    raise UnsupportedNotationError(f"sum bound {hi} is not the vector length")
                if _varies(val, axis):
                    return np.sum(val, axis=axis, keepdims=True)
                return val * float(ctx.n)
            kv = ctx.arange(axis)
            mask = (kv >= lo_n.fn(ctx, None)) & (kv <= hi_n.fn(ctx, None))
            return np.sum(np.where(mask, val, 0.0), axis=axis, keepdims=True)

        return _Node(fn, axes | lo_n.axes | hi_n.axes)

    # -- stable forms --------------------------------------------------------------------
    def _lower_SoftmaxEntry(self, e: SoftmaxEntry) -> _Node:
        xb, idx, _hi = e.args
        name = str(xb.label)
        self.bases.add(name)
        axis = self.axes.get(idx)
        if axis is None:
            raise UnsupportedNotationError(f"softmax index {idx} is not a plain index")

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            s = ctx.softmax.get(name)
            if s is None:
                s = ctx.softmax[name] = stable_softmax(ctx.arrays[name])
            return ctx.place(s, axis)

        return _Node(fn, frozenset({axis}))

    def _lower_LogSumExp(self, e: LogSumExp) -> _Node:
        name = str(e.args[0].label)
        self.bases.add(name)

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            v = ctx.lse.get(name)
            if v is None:
                v = ctx.lse[name] = stable_logsumexp(ctx.arrays[name])
            return v.reshape((-1,) + (1,) * (ctx.ndim - 1))

        return _Node(fn, frozenset())

    # -- conditions ----------------------------------------------------------------------
    def _lower_Piecewise(self, e: sympy.Piecewise) -> _Node:
        pairs = [(self.lower(v), self.lower(c)) for v, c in e.args]
        axes = frozenset().union(*(v.axes | c.axes for v, c in pairs))

        def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
            result: Array = np.nan
            for v, c in reversed(pairs):
                result = np.where(c.fn(ctx, None), v.fn(ctx, None), result)
            return result

        return _Node(fn, axes)

    def _lower_BooleanTrue(self, e: sympy.Basic) -> _Node:
        return _Node(lambda ctx, out: True, frozenset())

    def _lower_BooleanFalse(self, e: sympy.Basic) -> _Node:
        return _Node(lambda ctx, out: False, frozenset())

    def _lower_Relational(self, e: sympy.Rel) -> _Node:
        ops = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
               ">": np.greater, ">=": np.greater_equal}
        return self._apply(ops[e.rel_op], e.args)

    def _lower_And(self, e: sympy.And) -> _Node:
        return self._apply(lambda *a: np.logical_and.reduce(np.broadcast_arrays(*a)), e.args)

    def _lower_Or(self, e: sympy.Or) -> _Node:
        return self._apply(lambda *a: np.logical_or.reduce(np.broadcast_arrays(*a)), e.args)

    def _lower_Not(self, e: sympy.Not) -> _Node:
        return self._apply(np.logical_not, e.args)


def _adder(nodes: list[_Node], c: complex) -> Callable[[_Ctx, np.ndarray | None], Array]:
    nodes = sorted(nodes, key=lambda k: len(k.axes))

    def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
        if len(nodes) == 1 and c == 0.0:
            return nodes[0].fn(ctx, out)
        acc = nodes[0].fn(ctx, None)
        if c != 0.0:
            acc = acc + c
        for pos, kid in enumerate(nodes[1:], start=2):
            val = kid.fn(ctx, None)
            if pos == len(nodes) and out is not None and out.shape == np.broadcast_shapes(
                np.shape(acc), np.shape(val)
            ):
                return np.add(acc, val, out=out)
            acc = acc + val
        return acc

    return fn


def _diagonal(buf: np.ndarray, a: int, b: int) -> np.ndarray:
    """A writeable view of the entries of ``buf`` with equal indices on axes ``a < b``."""
    shape = list(buf.shape)
    strides = list(buf.strides)
    strides[a] += strides[b]
    del shape[b], strides[b]
    return as_strided(buf, shape=shape, strides=strides, writeable=True)


def stable_softmax(x: np.ndarray) -> np.ndarray:
    """softmax along the last axis, shifted by the max (real part for complex input).

    >>> stable_softmax(np.array([1000.0, 0.0, -1000.0]))
    array([1., 0., 0.])
    """
    m = np.max(x.real, axis=-1, keepdims=True)
    e = np.exp(x - m)
    out: np.ndarray = e / np.sum(e, axis=-1, keepdims=True)
    return out


def stable_logsumexp(x: np.ndarray) -> np.ndarray:
    """``log(sum(exp(x)))`` along the last axis, computed as ``m + log(sum(exp(x - m)))``.

    >>> float(stable_logsumexp(np.array([1000.0, 1000.0])))
    1000.6931471805599
    """
    m = np.max(x.real, axis=-1)
    out: np.ndarray = m + np.log(np.sum(np.exp(x - m[..., None]), axis=-1))
    return out
