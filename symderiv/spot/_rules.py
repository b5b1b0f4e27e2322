"""Stable-form rewrite rules (SymPy → SymPy) applied before an expression is lowered to NumPy.

A softmax written as ``exp(x_i) / Sum(exp(x_k), (k, 1, n))`` overflows in floating point as soon
as one logit passes ~709 (float64) or ~88 (float32): ``exp(1000)`` is ``inf`` and ``inf/inf`` is
``nan``, although the true value is finite. The rules below recognise those shapes and replace
them with two opaque functions, :class:`SoftmaxEntry` and :class:`LogSumExp`, that the lowering
evaluates in the max-shifted form ``exp(x_i - m) / sum_k exp(x_k - m)``, ``m = max_k x_k``.

Rules are values (a :class:`Rule` has a name, what it does, and a function); the default tuple
is :data:`DEFAULT_RULES` and users pass a longer or shorter tuple to ``lambdify_indexed``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import sympy


class SoftmaxEntry(sympy.Function):  # type: ignore[misc]
    """``SoftmaxEntry(x, a, hi)`` is ``exp(x_a) / Sum(exp(x_k), (k, 1, hi))``, kept opaque.

    >>> from symderiv import symbols as S
    >>> SoftmaxEntry(S.x, S.i, S.n)
    SoftmaxEntry(x, i, n)
    """

    nargs = 3
    is_real = True
    is_positive = True


class LogSumExp(sympy.Function):  # type: ignore[misc]
    """``LogSumExp(x, hi)`` is ``log(Sum(exp(x_k), (k, 1, hi)))``, kept opaque.

    >>> from symderiv import symbols as S
    >>> LogSumExp(S.x, S.n)
    LogSumExp(x, n)
    """

    nargs = 2
    is_real = True


@dataclass(frozen=True)
class Rule:
    """One rewrite: ``apply`` maps a whole expression to an equal one."""

    name: str
    doc: str
    apply: Callable[[sympy.Expr], sympy.Expr]


def rewrite(expr: sympy.Expr, rules: tuple[Rule, ...]) -> sympy.Expr:
    """Apply ``rules`` in order, each to the whole expression.

    >>> from symderiv import symbols as S
    >>> rewrite(sympy.exp(S.x[S.i]) / sympy.Sum(sympy.exp(S.x[S.k]), (S.k, 1, S.n)), DEFAULT_RULES)
    SoftmaxEntry(x, i, n)
    """
    for rule in rules:
        expr = rule.apply(expr)
    return expr


def _bottom_up(expr: sympy.Basic, fn: Callable[[sympy.Basic], sympy.Basic]) -> sympy.Basic:
    """Rebuild ``expr`` from its rewritten children, then rewrite the node itself."""
    if expr.is_Atom or isinstance(expr, (sympy.Indexed, sympy.IndexedBase)):
        return fn(expr)
    args = tuple(_bottom_up(a, fn) for a in expr.args)
    node = expr.func(*args) if args != expr.args else expr
    return fn(node)


def partition_sum(expr: sympy.Basic) -> tuple[sympy.IndexedBase, sympy.Expr] | None:
    """``(x, hi)`` when ``expr`` is ``Sum(exp(x_k), (k, 1, hi))``, else ``None``.

    >>> from symderiv import symbols as S
    >>> partition_sum(sympy.Sum(sympy.exp(S.x[S.k]), (S.k, 1, S.n)))
    (x, n)
    """
    if not isinstance(expr, sympy.Sum) or len(expr.limits) != 1:
        return None
    k, lo, hi = expr.limits[0]
    f = expr.function
    if lo != 1 or not isinstance(f, sympy.exp):
        return None
    arg = f.args[0]
    if isinstance(arg, sympy.Indexed) and arg.indices == (k,):
        return arg.base, hi
    return None


def _exp_terms(arg: sympy.Expr) -> list[tuple[sympy.IndexedBase, sympy.Expr, int]] | None:
    """``exp(arg)`` as a product of ``exp(x_a)**c`` with integer ``c``, or ``None``."""
    out = []
    for term in sympy.Add.make_args(arg):
        coeff, rest = term.as_coeff_Mul()
        if not (isinstance(rest, sympy.Indexed) and len(rest.indices) == 1):
            return None
        if not (coeff.is_Integer and coeff != 0):
            return None
        out.append((rest.base, rest.indices[0], int(coeff)))
    return out


def _pair_softmax(node: sympy.Basic) -> sympy.Basic:
    """In a product, pair ``exp(x_a)**c`` with ``Sum(exp(x_k))**-c`` into ``SoftmaxEntry**c``.

    A ``Sum(g * exp(x_m), (m, 1, hi))`` factor pairs with one power of the partition sum too:
    ``Sum(g exp(x_m)) / S = Sum(g SoftmaxEntry(x, m, hi))``.
    """
    if not isinstance(node, sympy.Mul):
        return node
    # key (base, hi) -> net power of the partition sum in this product
    power: dict[tuple[sympy.Basic, sympy.Basic], int] = defaultdict(int)
    originals: dict[tuple[sympy.Basic, sympy.Basic], sympy.Expr] = {}
    rest: list[sympy.Expr] = []
    exps: list[tuple[sympy.IndexedBase, sympy.Expr, int]] = []
    sums: list[sympy.Sum] = []
    for f in node.args:
        base, e = f.as_base_exp()
        ps = partition_sum(base)
        if ps is not None and e.is_Integer:
            power[ps] += int(e)
            originals.setdefault(ps, base)
            continue
        if isinstance(f, sympy.exp):
            terms = _exp_terms(f.args[0])
            if terms is not None:
                exps.extend(terms)
                continue
        if isinstance(f, sympy.Sum) and len(f.limits) == 1 and f.limits[0][1] == 1:
            sums.append(f)
            continue
        rest.append(f)
    if not power:
        return node
    new: list[sympy.Expr] = []
    for xb, a, c in exps:
        keys = [key for key in power if key[0] == xb and power[key] * c < 0]
        if keys:
            key = keys[0]
            t = min(abs(c), abs(power[key])) * (1 if c > 0 else -1)
            new.append(SoftmaxEntry(xb, a, key[1]) ** t)
            power[key] += t
            c -= t
        if c:
            new.append(sympy.exp(c * xb[a]))
    for s in sums:
        m, _lo, hi = s.limits[0]
        xb = _find_exp_base(s.function, m)
        key = (xb, hi)
        if xb is not None and power.get(key, 0) < 0:
            g = s.function / sympy.exp(xb[m])
            new.append(sympy.Sum(g * SoftmaxEntry(xb, m, hi), s.limits[0]))
            power[key] += 1
        else:
            new.append(s)
    for key, e in power.items():
        if e:
            new.append(originals[key] ** e)
    return sympy.Mul(*rest, *new)


def _find_exp_base(g: sympy.Expr, m: sympy.Symbol) -> sympy.Basic | None:
    """The base ``x`` when ``g`` is a product with a factor ``exp(x_m)``."""
    for f in sympy.Mul.make_args(g):
        if isinstance(f, sympy.exp):
            arg = f.args[0]
            if isinstance(arg, sympy.Indexed) and arg.indices == (m,):
                return arg.base
    return None


def _log_forms(node: sympy.Basic) -> sympy.Basic:
    """``log(S) → LogSumExp``; ``log(SoftmaxEntry(x, a)**t) → t (x_a − LogSumExp)``."""
    if not isinstance(node, sympy.log):
        return node
    arg = node.args[0]
    base, e = arg.as_base_exp()
    ps = partition_sum(base)
    if ps is not None:
        return e * LogSumExp(*ps)
    if isinstance(base, SoftmaxEntry):
        xb, a, hi = base.args
        return e * (xb[a] - LogSumExp(xb, hi))
    return node


def _expand(expr: sympy.Expr) -> sympy.Expr:
    # NOTE: expanding lets SymPy cancel exp(x_k)*exp(-x_k) and S/S exactly, before any float
    # sees them: the unsimplified CE gradient has exactly such 0*inf pairs.
    return sympy.expand(expr, log=True, power_exp=True, mul=True, multinomial=False)


EXPAND = Rule("expand", "distribute products and split exp(a+b), so exact cancellations happen", _expand)
SOFTMAX = Rule(
    "softmax",
    "exp(x_a)/Sum(exp(x_k)) -> SoftmaxEntry (max-shifted when lowered)",
    lambda e: _bottom_up(e, _pair_softmax),
)
LOG_SUM_EXP = Rule(
    "log-sum-exp",
    "log(Sum(exp(x_k))) -> LogSumExp; log(SoftmaxEntry(x, a)) -> x_a - LogSumExp",
    lambda e: _bottom_up(e, _log_forms),
)

DEFAULT_RULES: tuple[Rule, ...] = (EXPAND, SOFTMAX, LOG_SUM_EXP)
