"""Integrals against a normal density, taken in closed form.

A normal density is written three ways in a note: ``\\mathcal{N}(x; \\mu, \\sigma^2)`` (read as
the function ``N(x, mu, sigma**2)``), the formula ``\\frac{1}{\\sqrt{2\\pi\\sigma^2}}
e^{-(x-\\mu)^2/2\\sigma^2}`` itself, or a density name the document states is the normal
``N(m, v)`` (:attr:`Fact.NORMAL`, ``$p$ is Gaussian with mean $\\mu_1$ and variance
$\\sigma_1^2$``).  Over the whole line (an integral against a density written without bounds is
over the whole line, as in :mod:`._densities`):

    ∫ K exp(a x^2 + b x + c) g(x) dx = K sqrt(pi / -a) exp(c - b^2 / 4a) E[g(X)],
    X ~ N(-b / 2a, -1 / 2a),

for a polynomial ``g`` (its moments: ``m_k = mu m_{k-1} + (k-1) v m_{k-2}``), after the logs
of such formulas in ``g`` are split (``log(K e^A) = log K + A``).  Each such integral is
replaced by its value and the step judged again; an integral of anything else is left alone.

NOTE: the value is exact, so the verdict on the rewritten step is the step's verdict (a
counterexample to it is one to the step).  ``N(x; mu, s)`` with a bare second parameter is
not read (variance or standard deviation? a guess), as in the reader's expectations.
"""

from __future__ import annotations

import cmath
import dataclasses
import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker._trial import Trial
from symderiv.errors import SymPyRefusal, sympy_refusals
from symderiv.model import Assumption, Fact
from symderiv.results import StepResult, Verdict

__all__ = ["GUESSED_NORMALS", "NORMALS", "GuessedNormals", "Normals", "closed_form", "normal_pdf"]

#: The names a normal density function is read as (``\\mathcal{N}(x; ...)``, ``N(x | ...)``).
_FAMILY = frozenset({"N", "N|", "Normal", "Gaussian"})
#: The highest moment taken (a polynomial of higher degree is left alone).
_MAX_DEGREE = 8


def normal_pdf(x: sympy.Expr, mean: sympy.Expr, variance: sympy.Expr) -> sympy.Expr:
    """The normal density at ``x``.

    >>> x = sympy.Symbol("x", real=True)
    >>> normal_pdf(x, 0, 1)
    sqrt(2)*exp(-x**2/2)/(2*sqrt(pi))
    """
    return sympy.exp(-((x - mean) ** 2) / (2 * variance)) / sympy.sqrt(2 * sympy.pi * variance)


def _is_variance(v: sympy.Expr) -> bool:
    """A square, or a positive number: what a second parameter must be to be the variance."""
    return bool((v.is_number and v.is_positive) or (isinstance(v, sympy.Pow) and v.exp == 2))


def stated_normals(facts: tuple[Assumption, ...]) -> dict[str, tuple[sympy.Expr, sympy.Expr]]:
    """``name -> (mean, variance)`` for every density the document states is a normal."""
    out = {}
    for a in facts:
        if a.kind == Fact.NORMAL and isinstance(a.expr, sympy.Tuple) and len(a.expr) == 3:
            name, mean, var = a.expr
            out[str(name)] = (mean, var)
    return out


def _as_formulas(e: sympy.Basic, stated: dict[str, tuple[sympy.Expr, sympy.Expr]]) -> sympy.Basic:
    """``N(x, m, v)`` and a stated normal ``p(x)`` written as the formula of the density."""

    def normal_call(f: sympy.Basic) -> bool:
        if not isinstance(f, AppliedUndef):
            return False
        name = str(f.func.__name__)
        if name in stated:
            return len(f.args) == 1
        return (
            name in _FAMILY
            and len(f.args) == 3
            and isinstance(f.args[0], sympy.Symbol)
            and _is_variance(f.args[2])
        )

    def formula(f: sympy.Basic) -> sympy.Expr:
        name = str(f.func.__name__)
        if name in stated:
            return normal_pdf(f.args[0], *stated[name])
        return normal_pdf(*f.args)

    return e.replace(normal_call, formula)


def _gaussian_factor(
    body: sympy.Expr, x: sympy.Symbol
) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """``body = K exp(a x^2 + b x + c) g``: ``(a, b, c, K g)``, or None when no factor of
    ``body`` is the exponential of a quadratic in ``x`` with a negative leading coefficient."""
    factors = sympy.Mul.make_args(sympy.powsimp(body))
    exps = [f for f in factors if isinstance(f, sympy.exp) and x in f.free_symbols]
    if not exps:
        return None
    try:
        poly = sympy.Poly(sympy.expand(sympy.Add(*(f.args[0] for f in exps))), x)
    except sympy.PolynomialError:
        return None
    if poly.degree() != 2 or any(x in c.free_symbols for c in poly.all_coeffs()):
        return None
    a, b, c = poly.all_coeffs()
    if not _negative(a):
        return None
    rest = sympy.Mul(*(f for f in factors if f not in exps))
    return a, b, c, rest


def _negative(a: sympy.Expr) -> bool:
    """``a < 0`` for every positive value of its symbols (variances and scales are positive)."""
    positive = {s: sympy.Dummy(s.name, positive=True) for s in a.free_symbols}
    return bool((-a.xreplace(positive)).is_positive)


def _split_logs(e: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    """``log(R exp(A))`` as ``log R + A`` for the exponentials of ``x`` in a logarithm.

    NOTE: ``|R e^A| = |R| e^A`` and the argument is ``R``'s for a real ``A``: the identity
    holds for the principal logarithm whatever ``R`` is (``R`` may hold ``x``).
    """

    def splits(f: sympy.Basic) -> bool:
        if not isinstance(f, sympy.log) or x not in f.free_symbols:
            return False
        parts = sympy.Mul.make_args(sympy.powsimp(f.args[0]))
        return any(isinstance(u, sympy.exp) and x in u.free_symbols for u in parts)

    def value(f: sympy.log) -> sympy.Expr:
        parts = sympy.Mul.make_args(sympy.powsimp(f.args[0]))
        exps = [u.args[0] for u in parts if isinstance(u, sympy.exp) and x in u.free_symbols]
        rest = sympy.Mul(
            *(u for u in parts if not (isinstance(u, sympy.exp) and x in u.free_symbols))
        )
        return sympy.Add(*exps) + (sympy.log(rest) if rest != 1 else 0)

    return e.replace(splits, value)


def _moments(mu: sympy.Expr, var: sympy.Expr, k: int) -> list[sympy.Expr]:
    m = [sympy.S.One, mu]
    for j in range(2, k + 1):
        m.append(sympy.expand(mu * m[j - 1] + (j - 1) * var * m[j - 2]))
    return m[: k + 1]


def _whole_line(limits: tuple[sympy.Basic, ...]) -> bool:
    return len(limits) == 1 or tuple(limits[1:]) == (-sympy.oo, sympy.oo)


def _term_value(term: sympy.Expr, x: sympy.Symbol, scales: set[sympy.Basic]) -> sympy.Expr | None:
    """``∫ term dx`` over the whole line, or None when it is not a Gaussian times a polynomial."""
    found = _gaussian_factor(term, x)
    if found is None:
        return None
    a, b, c, rest = found
    g = sympy.expand(_split_logs(rest, x))
    try:
        poly = sympy.Poly(g, x)
    except sympy.PolynomialError:
        return None
    if poly.degree() > _MAX_DEGREE or any(x in u.free_symbols for u in poly.coeffs()):
        return None
    mu, var = -b / (2 * a), -1 / (2 * a)
    scales |= {var.base if isinstance(var, sympy.Pow) and var.exp == 2 else var}
    m = _moments(mu, var, poly.degree())
    mean_g = sum(coeff * m[k[0]] for k, coeff in zip(poly.monoms(), poly.coeffs()))
    return sympy.sqrt(sympy.pi / -a) * sympy.exp(c - b**2 / (4 * a)) * mean_g


def closed_form(
    e: sympy.Basic,
    stated: dict[str, tuple[sympy.Expr, sympy.Expr]],
    scales: set[sympy.Basic] | None = None,
) -> sympy.Basic:
    """``e`` with every integral against a normal density over the whole line replaced by
    its value (term by term; an integral with a term of another kind is left whole).
    ``scales`` gathers the standard deviations (``s`` of a variance ``s^2``) and variances.

    >>> x, m = sympy.Symbol("x", real=True), sympy.Symbol("m", real=True)
    >>> N = sympy.Function("N")
    >>> closed_form(sympy.Integral(N(x, m, 4) * x**2, x), {})
    m**2 + 4
    >>> p = sympy.Function("p")
    >>> sympy.simplify(closed_form(sympy.Integral(p(x) * sympy.log(p(x)), x), {"p": (0, 1)}))
    -log(pi)/2 - 1/2 - log(2)/2
    """
    e = _as_formulas(e, stated)
    scales = set() if scales is None else scales

    def against_normal(i: sympy.Basic) -> bool:
        return (
            isinstance(i, sympy.Integral)
            and len(i.limits) == 1
            and _whole_line(tuple(i.limits[0]))
            and i.function.has(sympy.exp)
        )

    def value(i: sympy.Integral) -> sympy.Expr:
        x = i.limits[0][0]
        terms = sympy.Add.make_args(sympy.expand(i.function, log=False, power_exp=False))
        found: set[sympy.Basic] = set()
        values = [_term_value(t, x, found) for t in terms]
        if any(v is None for v in values):
            # NOTE: log(K e^A) = log K + A (A real): the logs of normal densities split even
            # where the integral is not taken (an unknown density against it).
            return sympy.Integral(_split_logs(i.function, x), *i.limits)
        scales.update(found | _scales_in(i.function, x))
        return sympy.Add(*values)

    return e.replace(against_normal, value)


@dataclass(frozen=True)
class Normals:
    """The step judged again with its integrals against normal densities in closed form;
    None when it has none."""

    name: str = "normal integrals"

    def __call__(self, t: Trial) -> StepResult | None:
        p, q = t.prepared, t.question
        if not (p.lhs.has(sympy.Integral) or p.rhs.has(sympy.Integral)):
            return None
        if isinstance(p.lhs, sympy.MatrixBase) or isinstance(p.rhs, sympy.MatrixBase):
            return None
        stated = stated_normals((*q.assumptions, *q.conditions))
        scales: set[sympy.Basic] = set()
        lhs, rhs = closed_form(p.lhs, stated, scales), closed_form(p.rhs, stated, scales)
        if (lhs, rhs) == (p.lhs, p.rhs):
            return None
        positive = _positive(scales)
        lhs, rhs = lhs.xreplace(positive), rhs.xreplace(positive)
        r = t.judge(lhs, rhs, **q.keywords())
        say = "the integrals against normal densities taken in closed form"
        return dataclasses.replace(r, detail=f"{say}; {r.detail}" if r.detail else say)


def _scales_in(body: sympy.Expr, x: sympy.Symbol) -> set[sympy.Basic]:
    """The scales of every ``exp`` of a quadratic in ``x`` in ``body``, and every ``|s|`` of a
    normalising constant ``1 / sqrt(2 pi s^2)`` (inside logs too, where the exponentials of
    two densities have become one)."""
    out: set[sympy.Basic] = {
        f.args[0]
        for f in body.atoms(sympy.Abs)
        if isinstance(f.args[0], (sympy.Symbol, sympy.Indexed))
    }
    for f in body.atoms(sympy.exp):
        found = _gaussian_factor(f, x)
        if found is not None:
            var = -1 / (2 * found[0])
            out.add(var.base if isinstance(var, sympy.Pow) and var.exp == 2 else var)
    return out


def _positive(scales: set[sympy.Basic]) -> dict[sympy.Basic, sympy.Basic]:
    """The scales of the normals as positive names (each entry of a vector of scales).

    NOTE: ``N(x; u, a^2)`` makes ``a`` a standard deviation: a positive number, as the
    formulas written with it (``log(b / a)``) take it.
    """
    out: dict[sympy.Basic, sympy.Basic] = {}
    for s in scales:
        if isinstance(s, sympy.Symbol):
            out[s] = sympy.Symbol(s.name, positive=True)
        elif isinstance(s, sympy.Indexed):
            out[s] = sympy.IndexedBase(s.base.label, positive=True)[s.indices]
    return out


NORMALS = Normals()

#: The most densities, and the most names, whose parameters are tried.
_MAX_DENSITIES = 2
_MAX_PARAMETERS = 6
#: The marker of a document that speaks of normal densities (:func:`speaks_of_normals`).
SPEAKS = sympy.Symbol("*")


def speaks_of_normals(facts: tuple[Assumption, ...]) -> bool:
    """Whether the document says normal or Gaussian (the reader's ``Tuple(*)`` fact)."""
    return any(a.kind == Fact.NORMAL and a.expr == sympy.Tuple(SPEAKS) for a in facts)


def _unstated(
    sides: tuple[sympy.Basic, ...], stated: Mapping[str, object], densities: frozenset[str]
) -> list[str] | None:
    """The densities of the step whose distribution the document does not state: functions of
    one variable that an integral over the whole line binds, declared densities or with their
    log taken under the integral; None when another function is in the step."""
    bound = {
        i.limits[0][0]
        for e in sides
        for i in e.atoms(sympy.Integral)
        if len(i.limits) == 1 and _whole_line(tuple(i.limits[0]))
    }
    logged = {
        str(f.func.__name__)
        for e in sides
        for i in e.atoms(sympy.Integral)
        for g in i.function.atoms(sympy.log)
        for f in g.args[0].atoms(AppliedUndef)
    }
    names: set[str] = set()
    for e in sides:
        for f in e.atoms(AppliedUndef):
            name = str(f.func.__name__)
            if name in stated or len(f.args) != 1 or f.args[0] not in bound:
                return None
            if name not in densities and name not in logged:
                # NOTE: a function integrated but never called a density, nor its log taken
                # under an integral (as an entropy takes a density's): a kernel, not a density.
                return None
            names.add(name)
    return sorted(names)


def _close(a: sympy.Expr, b: sympy.Expr, names: list[sympy.Basic], seed: int) -> bool:
    """``a = b`` at two points with every name in [0.5, 1.5] (a quick filter only)."""
    rng = random.Random(seed)
    for _ in range(2):
        point = {s: sympy.Float(rng.uniform(0.5, 1.5)) for s in names}
        x, y = a.xreplace(point).evalf(20), b.xreplace(point).evalf(20)
        if not (x.is_number and y.is_number):
            return False
        try:
            with sympy_refusals():
                u, v = complex(x), complex(y)
        except (SymPyRefusal, ValueError, ZeroDivisionError, OverflowError):
            return False
        if not all(map(cmath.isfinite, (u, v))) or abs(u - v) > 1e-9 * max(1.0, abs(u), abs(v)):
            return False
    return True


def _free_of(
    lhs0: sympy.Expr,
    rhs0: sympy.Expr,
    put: dict[sympy.Basic, sympy.Basic],
    positive: dict[sympy.Basic, sympy.Basic],
    mean: sympy.Basic,
    sd: sympy.Basic,
    names: list[sympy.Basic],
    seed: int,
) -> bool:
    """Whether the step still holds with other values for one density's parameters."""
    other = {**put, mean: sympy.Rational(3, 7), sd: sympy.Rational(13, 11)}
    lhs, rhs = lhs0.xreplace(other).xreplace(positive), rhs0.xreplace(other).xreplace(positive)
    return _close(lhs, rhs, names, seed + 1)


@dataclass(frozen=True)
class GuessedNormals:
    """In a document about normal densities, a step about densities whose parameters it
    never states (``\\int p(x) x^2 dx = \\sigma_1^2 + \\mu_1^2`` with nothing said of
    ``p``'s mean and variance) is ``conditional`` when it holds for normals whose means and
    standard deviations are names of the step: the condition says which normals.

    NOTE: after the proofs and the refutation for every density; before the search, which
    calls such a step undetermined (its densities unknown).  Holding for some normals is
    no proof (the condition is reported, never assumed); failing for every candidate is no
    counterexample (the densities are unknown), so it never makes a step false.
    """

    name: str = "normal parameters"

    def __call__(self, t: Trial) -> StepResult | None:
        p, q = t.prepared, t.question
        facts = (*q.assumptions, *q.conditions)
        if not speaks_of_normals(facts) or isinstance(p.lhs, sympy.MatrixBase):
            return None
        if not (p.lhs.has(sympy.Integral) or p.rhs.has(sympy.Integral)):
            return None
        stated = stated_normals(facts)
        declared = frozenset(str(a.expr) for a in facts if a.kind == Fact.DENSITY)
        densities = _unstated((p.lhs, p.rhs), stated, declared)
        if not densities or len(densities) > _MAX_DENSITIES:
            return None
        bound = {v for e in (p.lhs, p.rhs) for i in e.atoms(sympy.Integral) for v in i.variables}
        params = sorted(
            {
                a
                for e in (p.lhs, p.rhs)
                for a in e.atoms(sympy.Symbol, sympy.Indexed)
                if a not in bound
                and not (isinstance(a, sympy.Symbol) and a.is_integer)
                and not any(a in i.indices or a == i.base.label for i in e.atoms(sympy.Indexed))
            },
            key=sympy.default_sort_key,
        )
        if not params or len(params) > _MAX_PARAMETERS:
            return None
        any_mean = {d: sympy.Symbol(f"m_{d}", real=True) for d in densities}
        # NOTE: the integrals taken once with symbols for the parameters, then each candidate
        # put in for them.
        means = {d: sympy.Dummy(f"mean_{d}", real=True) for d in densities}
        sds = {d: sympy.Dummy(f"sd_{d}", positive=True) for d in densities}
        guess = {d: (means[d], sds[d] ** 2) for d in densities}
        scales: set[sympy.Basic] = set()
        lhs0, rhs0 = closed_form(p.lhs, guess, scales), closed_form(p.rhs, guess, scales)
        if any(e.has(sympy.Integral) or e.atoms(AppliedUndef) for e in (lhs0, rhs0)):
            return None
        scales -= set(sds.values())
        choices = [
            [(m, sd) for m in (any_mean[d], *params) for sd in params if sd != m] for d in densities
        ]
        for combo in itertools.product(*choices):
            positive = _positive(scales | {sd for _, sd in combo})
            put = {means[d]: m for d, (m, _) in zip(densities, combo)}
            put |= {sds[d]: sd for d, (_, sd) in zip(densities, combo)}
            lhs = lhs0.xreplace(put).xreplace(positive)
            rhs = rhs0.xreplace(put).xreplace(positive)
            atoms = lhs.atoms(sympy.Symbol, sympy.Indexed) | rhs.atoms(sympy.Symbol, sympy.Indexed)
            labels = {i.base.label for i in atoms if isinstance(i, sympy.Indexed)}
            names = sorted(atoms - labels, key=sympy.default_sort_key)
            if not _close(lhs, rhs, names, q.cfg.seed):
                continue
            r = t.judge(lhs, rhs, **q.keywords())
            if not r.verdict.accepts:
                continue
            # NOTE: a density whose parameters the step does not depend on is left out of the
            # condition (the step holds for any normal in its place).
            named = [
                (d, m, sd)
                for d, (m, sd) in zip(densities, combo)
                if not _free_of(lhs0, rhs0, put, positive, means[d], sds[d], names, q.cfg.seed)
            ]
            shown = "; ".join(
                f"{d} is a normal with variance {sympy.sstr(sd**2)} (any mean)"
                if m == any_mean[d]
                else f"{d} is the normal N({sympy.sstr(m)}, {sympy.sstr(sd**2)})"
                for d, m, sd in named
            )
            if not shown:
                return None
            return StepResult(
                Verdict.CONDITIONAL,
                self.name,
                detail=f"{t.read}; holds when {shown}: the document does not state the "
                "parameters of these densities",
            )
        return None


GUESSED_NORMALS = GuessedNormals()
