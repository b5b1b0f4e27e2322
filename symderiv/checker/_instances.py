"""Counterexamples to claims about an arbitrary density: one normal density where they fail.

A step about densities the document declares (it conditions them, ``q(z | x)``, or draws from
them) but never states (no family in the prose, no formula for them) claims an identity for
every density: ``log p(x) = D_KL(q(z|x) || p(z|x)) + ...`` is meant for every ``p`` and ``q``.
One density for which the two sides differ is then a counterexample, as one value of a free
variable is.  The densities used are normal: a family named by its arguments
(``p(x | z)``, ``p(z)``, ``p(x, z)``) is one jointly normal ``(x, z)`` with its marginals and
conditionals, a name used alone (``p_g(x)``) a normal of its own.

NOTE: this only ever refutes.  That the sides agree for some normal densities proves nothing
(a step true of normals only is not true of every density), so agreement leaves the step as
it was.  It applies only where nothing else is in the step: every function in it a free
density, every variable an argument of one, every integral over the whole line against one.
A density the document states (:attr:`Fact.STATED_DENSITY`), or applied to a variable the
document draws from a named family (:attr:`Fact.DRAWN`), is not free, and a step with one is
left alone; so is a step with two variables the document relates (:attr:`Fact.RELATED`,
``z = g(epsilon, x)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker import _densities
from symderiv.checker._budget import timed
from symderiv.checker._lazy import numpy as np
from symderiv.checker._trial import Trial
from symderiv.model import Assumption, Fact
from symderiv.results import Counterexample, StepResult, Verdict

#: The most variables of one jointly normal family; more is left alone.
_MAX_VARIABLES = 2
#: Integration grids: half-width and points (a second grid confirms the first).
_GRIDS = ((30.0, 1201), (34.0, 1801))
_TRIALS = 4
_RTOL = 1e-6


#: The most integrals inside one another (each is a grid axis: memory grows as its power).
_MAX_NESTING = 2


def _depth(e: sympy.Basic) -> int:
    """How many integrals stand inside one another in ``e``."""
    inner = max((_depth(a) for a in e.args), default=0)
    return inner + 1 if isinstance(e, sympy.Integral) else inner


class _Unreliable(ValueError):
    """The value cannot be computed reliably (a divergent integral, a log of a non-positive)."""


@dataclass(frozen=True)
class _Normal:
    """A normal over ``len(mean)`` variables."""

    mean: np.ndarray
    cov: np.ndarray

    def pdf(self, values: Sequence[Any], keep: Sequence[int]) -> Any:
        """The marginal density over the variables ``keep`` at ``values``."""
        idx = list(keep)
        mu, cov = self.mean[idx], self.cov[np.ix_(idx, idx)]
        prec = np.linalg.inv(cov).astype(np.longdouble)
        d = [np.asarray(v, dtype=np.longdouble) - np.longdouble(m) for v, m in zip(values, mu)]
        quad = sum(d[i] * prec[i, j] * d[j] for i in range(len(d)) for j in range(len(d)))
        norm = np.longdouble(np.sqrt((2 * np.pi) ** len(d) * np.linalg.det(cov)))
        return np.exp(-quad / 2) / norm

    def describe(self, names: Sequence[str]) -> str:
        sd = np.sqrt(np.diag(self.cov))
        means = ", ".join(f"{m:.3g}" for m in self.mean)
        sds = ", ".join(f"{s:.3g}" for s in sd)
        if len(names) == 1:
            return f"N({means}, {sds}^2)"
        corr = self.cov[0, 1] / (sd[0] * sd[1])
        return f"({', '.join(names)}) normal, means ({means}), sds ({sds}), correlation {corr:.3g}"


def _random_normal(k: int, rng: np.random.Generator) -> _Normal:
    """Parameters away from the edges: sds in [0.8, 1.2] and a correlation of 0.6 to 0.85,
    so that a conditional is narrow enough in both of its variables for the grid."""
    mean = rng.uniform(-1.0, 1.0, size=k)
    sd = rng.uniform(0.8, 1.2, size=k)
    cov = np.diag(sd**2)
    if k == 2:
        rho = rng.uniform(0.6, 0.85) * rng.choice([-1.0, 1.0])
        cov[0, 1] = cov[1, 0] = rho * sd[0] * sd[1]
    return _Normal(mean, cov)


@dataclass(frozen=True)
class _Step:
    """A step's two sides with the densities in it: per family, its variables."""

    lhs: sympy.Expr
    rhs: sympy.Expr
    families: dict[str, tuple[sympy.Symbol, ...]]
    singles: dict[tuple[str, int], None]
    variables: tuple[sympy.Symbol, ...]


def _base(f: AppliedUndef) -> str:
    return str(f.func.__name__).split("|")[0]


_PLAIN = (sympy.Add, sympy.Mul, sympy.Pow, sympy.log, sympy.exp, sympy.Symbol, sympy.Integral)


def _readable(
    lhs: sympy.Expr,
    rhs: sympy.Expr,
    names: frozenset[str],
    stated: frozenset[str],
    drawn: frozenset[str],
) -> _Step | None:
    """The step as :class:`_Step` when everything in it is free densities and their
    variables; None otherwise."""
    # NOTE: an integral against a density written without bounds is over the whole line
    # (as in :func:`._densities.atomize`); only such integrals are evaluated (checked below).
    sides = tuple(
        _densities.expand_kl(side, names).replace(
            lambda i: isinstance(i, sympy.Integral) and all(len(lim) == 1 for lim in i.limits),
            lambda i: sympy.Integral(
                i.function, *((lim[0], -sympy.oo, sympy.oo) for lim in i.limits)
            ),
        )
        for side in (lhs, rhs)
    )
    families: dict[str, set[sympy.Symbol]] = {}
    singles: dict[tuple[str, int], None] = {}
    arguments: set[sympy.Basic] = set()
    for side in sides:
        for node in sympy.preorder_traversal(side):
            if isinstance(node, AppliedUndef):
                if not _densities.is_density(node, names) or _base(node) in stated:
                    return None
                args = node.args
                if not all(isinstance(a, sympy.Symbol) for a in args) or len(set(args)) < len(args):
                    return None
                if any(str(a) in drawn for a in args):
                    return None
                arguments |= set(args)
                if f"{_base(node)}|" in names:
                    families.setdefault(_base(node), set()).update(args)
                elif "|" in str(node.func.__name__):
                    return None
                else:
                    singles[(_base(node), len(args))] = None
            elif isinstance(node, sympy.Integral):
                if len(node.limits) != 1 or tuple(node.limits[0][1:]) != (-sympy.oo, sympy.oo):
                    return None
                var = node.limits[0][0]
                if not any(
                    isinstance(f, AppliedUndef) and var in f.args
                    for f in node.function.atoms(AppliedUndef)
                ):
                    return None
            elif not (
                isinstance(node, (*_PLAIN, sympy.Tuple))  # a Tuple: an Integral's limits
                or node.is_Number
                or node in (sympy.pi, sympy.E)
            ):
                return None
    if max(_depth(side) for side in sides) > _MAX_NESTING:
        return None
    free = (sides[0] - sides[1]).free_symbols
    if not free <= arguments or not free and not (families or singles):
        return None
    if any(len(v) > _MAX_VARIABLES for v in families.values()):
        return None
    # NOTE: a name written without a bar with more than one argument (p(x; theta), r(x, z))
    # is a joint, or a density of x with a parameter; which one is a guess: left alone.
    if any(k > 1 for _, k in singles):
        return None
    return _Step(
        sides[0],
        sides[1],
        {b: tuple(sorted(families[b], key=str)) for b in sorted(families)},
        dict.fromkeys(sorted(singles)),
        tuple(sorted(free, key=str)),
    )


@dataclass(frozen=True)
class _Instance:
    families: dict[str, tuple[tuple[sympy.Symbol, ...], _Normal]]
    singles: dict[tuple[str, int], _Normal]

    def density(self, f: AppliedUndef, values: list[Any]) -> Any:
        base, _, bar = str(f.func.__name__).partition("|")
        if base in self.families:
            order, normal = self.families[base]

            def joint(args: Sequence[sympy.Basic], vals: Sequence[Any]) -> Any:
                return normal.pdf(vals, [order.index(a) for a in args])

            if not _:
                return joint(f.args, values)
            k = int(bar) if bar else 1
            return joint(f.args, values) / joint(f.args[k:], values[k:])
        return self.singles[(base, len(f.args))].pdf(values, range(len(f.args)))

    def describe(self) -> str:
        parts = [n.describe([str(v) for v in order]) for order, n in self.families.values()]
        parts = [f"{b}: {p}" for b, p in zip(self.families, parts)]
        parts += [
            f"{b}: {n.describe([f'argument {i + 1}' for i in range(k)])}"
            for (b, k), n in self.singles.items()
        ]
        return "; ".join(parts)


def _value(
    e: sympy.Basic,
    env: dict[sympy.Basic, Any],
    depth: int,
    inst: _Instance,
    grid: tuple[float, int],
) -> Any:
    """``e`` at the values ``env`` (arrays that broadcast: an integral's variable runs along
    a new leading axis), in extended precision so that far tails do not underflow."""
    if e.is_Number or e in (sympy.pi, sympy.E):
        return np.longdouble(float(e))
    if isinstance(e, sympy.Symbol):
        if e not in env:
            raise _Unreliable(f"no value for {e}")
        return env[e]
    if isinstance(e, sympy.Add):
        return sum((_value(a, env, depth, inst, grid) for a in e.args), np.longdouble(0))
    if isinstance(e, sympy.Mul):
        out = np.longdouble(1)
        for a in e.args:
            out = out * _value(a, env, depth, inst, grid)
        return out
    if isinstance(e, sympy.Pow):
        return _value(e.base, env, depth, inst, grid) ** _value(e.exp, env, depth, inst, grid)
    if isinstance(e, sympy.log):
        arg = _value(e.args[0], env, depth, inst, grid)
        if np.any(np.asarray(arg) <= 0):
            raise _Unreliable("the log of a non-positive value")
        return np.log(arg)
    if isinstance(e, sympy.exp):
        return np.exp(_value(e.args[0], env, depth, inst, grid))
    if isinstance(e, AppliedUndef):
        return inst.density(e, [_value(a, env, depth, inst, grid) for a in e.args])
    if isinstance(e, sympy.Integral):
        var = e.limits[0][0]
        half, points = grid
        t = np.linspace(-half, half, points, dtype=np.longdouble)
        body = np.asarray(
            _value(
                e.function, {**env, var: t.reshape((points,) + (1,) * depth)}, depth + 1, inst, grid
            )
        )
        if body.ndim < depth + 1:
            body = body.reshape((1,) * (depth + 1 - body.ndim) + body.shape)
        body = np.broadcast_to(body, (points,) + body.shape[1:])
        if not np.all(np.isfinite(body)):
            raise _Unreliable("an integrand that is not finite")
        scale = max(1.0, float(np.max(np.abs(body))))
        if (
            float(np.max(np.abs(body[0]))) > 1e-12 * scale
            or float(np.max(np.abs(body[-1]))) > 1e-12 * scale
        ):
            raise _Unreliable("an integral that does not converge on the grid")
        h = np.longdouble(2 * half / (points - 1))
        return (body.sum(axis=0) - (body[0] + body[-1]) / 2) * h
    raise _Unreliable(f"cannot evaluate {type(e).__name__}")


def _scalar(
    e: sympy.Expr, env: dict[sympy.Basic, Any], inst: _Instance, grid: tuple[float, int]
) -> float:
    with np.errstate(all="ignore"):
        v = np.asarray(_value(e, env, 0, inst, grid))
    if v.size != 1 or not np.isfinite(v).all():
        raise _Unreliable("a side that is not one finite number")
    return float(v.reshape(()))


def refute(
    lhs: sympy.Expr, rhs: sympy.Expr, assumptions: Iterable[Assumption], seed: int = 0
) -> Counterexample | None:
    """A counterexample with normal densities, when the step is about free densities only.

    >>> x, z = sympy.symbols("x z", real=True)
    >>> p = sympy.Function("p")
    >>> facts = [Assumption(sympy.Symbol("p"), "p is a density", kind=Fact.DENSITY)]
    >>> refute(sympy.Integral(p(z) * sympy.log(p(z)), z), sympy.S(0), facts) is not None
    True
    >>> refute(sympy.Integral(2 * p(z), z), sympy.S(2), facts) is None
    True
    """
    facts = list(assumptions)
    names = _densities.density_names(facts)
    stated = frozenset(str(a.expr) for a in facts if a.kind == Fact.STATED_DENSITY)
    drawn = frozenset(
        str(a.expr[0]) for a in facts if a.kind == Fact.DRAWN and isinstance(a.expr, sympy.Tuple)
    )
    if not names:
        return None
    step = _readable(lhs, rhs, names, stated, drawn)
    if step is None:
        return None
    # NOTE: z = g(epsilon, x) in the document: z and x are not free next to each other.
    variables = {str(v) for v in step.variables}
    for fact in facts:
        if fact.kind == Fact.RELATED and isinstance(fact.expr, sympy.Tuple):
            v, *others = (str(e) for e in fact.expr)
            if v == "*" or (v in variables and variables & set(others)):
                return None
    rng = np.random.default_rng(seed)
    for _ in range(_TRIALS):
        inst = _Instance(
            {b: (v, _random_normal(len(v), rng)) for b, v in step.families.items()},
            {k: _random_normal(k[1], rng) for k in step.singles},
        )
        point = {v: np.longdouble(round(float(rng.uniform(-1.0, 1.0)), 2)) for v in step.variables}
        try:
            found = [
                (_scalar(step.lhs, point, inst, g), _scalar(step.rhs, point, inst, g))
                for g in _GRIDS
            ]
        except (_Unreliable, np.linalg.LinAlgError, OverflowError, ZeroDivisionError):
            continue
        (a, b), (a2, b2) = found
        if abs(a - a2) > 1e-9 * max(1.0, abs(a)) or abs(b - b2) > 1e-9 * max(1.0, abs(b)):
            continue
        if abs(a - b) <= _RTOL * max(1.0, abs(a), abs(b)):
            continue
        values = tuple((str(v), float(point[v])) for v in step.variables)
        at = ", ".join(f"{k} = {val:g}" for k, val in values)
        text = f"with the normal densities {inst.describe()}"
        text += f"{'; ' + at if at else ''}: left {a:.4g}, right {b:.4g}"
        return Counterexample(values=values, lhs_value=a, rhs_value=b, text=text)
    return None


@dataclass(frozen=True)
class ByInstance:
    """False when the step is about free densities only and fails for normal ones; None
    otherwise (never an acceptance)."""

    name: str = "density instance"

    def __call__(self, t: Trial) -> StepResult | None:
        q, p = t.question, t.prepared
        facts = (*q.assumptions, *q.conditions)
        if not any(a.kind == Fact.DENSITY for a in facts):
            return None
        found, _ = timed(q.cfg.step_timeout_s, refute, p.lhs, p.rhs, facts, q.cfg.seed)
        if found is None:
            return None
        return StepResult(
            Verdict.FALSE,
            "density instance",
            detail="; ".join(
                [*t.notes, "a claim about every density that fails for normal densities"]
            ),
            counterexample=found,
        )


INSTANCES = ByInstance()

