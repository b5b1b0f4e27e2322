"""The front end of the indexed lowering: :func:`lambdify_indexed` and the function it returns.

:mod:`symderiv.spot._lower` turns each node into NumPy code over index axes; here the free
indices are checked, the stable-form rules applied, and the lowered tree wrapped as an
:class:`IndexedFunction` that evaluates batches of points in chunks.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from symderiv.indices import is_count
from symderiv.spot._lower import CHUNK_ELEMENTS, FUNCS, Array, _Ctx, _Lowering, _Node
from symderiv.spot._rules import DEFAULT_RULES, Rule, rewrite

__all__ = ["IndexedFunction", "lambdify_indexed"]


@dataclass(frozen=True)
class IndexedFunction:
    """A lowered expression; call it with one ``(B, n)`` array per vector, by name.

    The result has shape ``(B, n, ..., n)``, one ``n`` per free index, in ``indices`` order.
    """

    expr: sympy.Expr
    indices: tuple[sympy.Symbol, ...]
    inputs: tuple[str, ...]
    stable: bool
    _root: _Node = field(repr=False, compare=False)
    _ndim: int = field(repr=False, compare=False)
    _max_axes: int = field(repr=False, compare=False)

    def __call__(
        self,
        *,
        out: np.ndarray | None = None,
        chunk_elements: int = CHUNK_ELEMENTS,
        **arrays: Any,
    ) -> np.ndarray:
        missing = [name for name in self.inputs if name not in arrays]
        if missing:
            raise ValueError(f"missing input(s) {', '.join(missing)} for {self.expr}")
        vals = {name: np.asarray(arrays[name]) for name in self.inputs}
        single = bool(vals) and all(v.ndim == 1 for v in vals.values())
        if single:
            vals = {name: v[None, :] for name, v in vals.items()}
        shapes = {v.shape for v in vals.values()}
        if len(shapes) > 1 or any(len(s) != 2 for s in shapes):
            raise ValueError(f"inputs must all be (B, n) arrays, got shapes {sorted(shapes)}")
        if not shapes:
            raise ValueError(f"{self.expr} has no input array to take n from")
        batch, n = next(iter(shapes))
        dtype = np.result_type(*vals.values()) if vals else np.float64
        per_point = max(1, n**self._max_axes)
        step = max(1, chunk_elements // per_point)
        shape = (batch,) + (n,) * len(self.indices)
        if out is None:
            out = np.empty(shape, dtype)
        elif out.shape != shape or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous array of shape {shape}")
        view_shape = (batch,) + (n,) * len(self.indices) + (1,) * (self._ndim - 1 - len(self.indices))
        view = out.reshape(view_shape)
        for start in range(0, batch, step):
            stop = min(batch, start + step)
            ctx = _Ctx({k: v[start:stop] for k, v in vals.items()}, n, self._ndim, dtype)
            ctx.batch = stop - start
            target = view[start:stop]
            res = self._root.fn(ctx, target)
            if res is not target:
                np.copyto(target, res, casting="unsafe")
        return out[0] if single else out


def lambdify_indexed(
    expr: sympy.Expr,
    indices: tuple[sympy.Symbol, ...] = (),
    *,
    stable: bool = True,
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    funcs: Mapping[type, Callable[..., Any]] | None = None,
) -> IndexedFunction:
    """Lower a symbolic-n expression to a NumPy function vectorised over a batch of points.

    Args:
        expr: a SymPy expression in ``IndexedBase`` entries, ``Sum`` over ``1..n``,
            ``KroneckerDelta`` and elementary functions.
        indices: the free indices, in the order of the result's axes.
        stable: apply ``rules`` first (max-shifted softmax, log-sum-exp); ``False`` lowers
            the expression as written, the way a naive ``lambdify`` would.
        rules: the stable-form rewrite rules.
        funcs: extra ``{SymPy function class: NumPy function}`` entries.

    Returns:
        An :class:`IndexedFunction`; call it as ``f(x=X)`` with ``X`` of shape ``(B, n)``.

    Raises:
        UnsupportedNotationError: a node the lowering has no rule for.

    >>> from symderiv import symbols as S
    >>> p = sympy.exp(S.x[S.i]) / sympy.Sum(sympy.exp(S.x[S.k]), (S.k, 1, S.n))
    >>> lambdify_indexed(p, (S.i,))(x=np.array([1000.0, 0.0, -1000.0]))
    array([1., 0., 0.])
    >>> lambdify_indexed(p, (S.i,), stable=False)(x=np.array([1000.0, 0.0, -1000.0]))
    array([nan,  0.,  0.])
    """
    free = tuple(indices)
    extra = sorted(
        (s for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s.is_integer
         and s not in free and not is_count(s, expr)),
        key=str,
    )
    if extra:
        raise ValueError(
            f"free index {', '.join(map(str, extra))} of {expr} is not among indices {free}"
        )
    e = rewrite(expr, rules) if stable else expr
    low = _Lowering(free, ChainMap(dict(funcs or {}), dict(FUNCS)))
    low.count_shared(e)
    with np.errstate(all="ignore"):
        root = low.lower(e)
    ndim = 1 + len(low.axes)
    return IndexedFunction(
        expr=e, indices=free, inputs=tuple(sorted(low.bases)), stable=stable,
        _root=_quiet(root), _ndim=ndim, _max_axes=max(low.max_axes, 1),
    )


def _quiet(node: _Node) -> _Node:
    def fn(ctx: _Ctx, out: np.ndarray | None) -> Array:
        # NOTE: overflow and 0/0 are reported by the caller from the values (inf/nan), not
        # as floating-point warnings.
        with np.errstate(all="ignore"):
            return node.fn(ctx, out)

    return _Node(fn, node.axes, node.const)
