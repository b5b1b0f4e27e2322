"""Concrete n: lower a symbolic-n expression, evaluate it at points, find counterexamples."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from symderiv import indices
from symderiv.checker._lazy import numpy as np
from symderiv.indices import free_symbols

_LN2 = math.log(2.0)


#: The most terms a sum is written out into (``hi − lo ≤ 4096``); a longer one stays a ``Sum``.
MAX_TERMS = 4097


def expand_sums(expr: sympy.Basic) -> sympy.Basic:
    """Write out every ``Sum`` whose limits are integers, term by term (innermost first), up to
    :data:`MAX_TERMS` terms each (see :func:`symderiv.indices.expand_sums`)."""
    return indices.expand_sums(expr, max_terms=MAX_TERMS)


def lower(
    expr: sympy.Basic,
    *,
    counts: Sequence[sympy.Symbol],
    n: int,
    index_values: dict[sympy.Symbol, int],
) -> sympy.Basic:
    """``expr`` with every class count ``= n``, free indices set, sums written out (up to
    :data:`MAX_TERMS` terms each; see :func:`symderiv.indices.at_n`)."""
    return indices.at_n(expr, counts=counts, n=n, values=index_values, max_terms=MAX_TERMS)


def assignments(
    free: Sequence[sympy.Symbol],
    n: int,
    equal: Sequence[tuple[sympy.Symbol, sympy.Symbol]] = (),
    unequal: Sequence[tuple[sympy.Symbol, sympy.Symbol]] = (),
    limit: int = 64,
) -> list[dict[sympy.Symbol, int]]:
    """Index values in ``1..n`` for the free indices, respecting ``=``/``≠`` relations."""
    out = []
    for combo in itertools.product(range(1, n + 1), repeat=len(free)):
        v = dict(zip(free, combo))
        if any(a in v and b in v and v[a] != v[b] for a, b in equal):
            continue
        if any(a in v and b in v and v[a] == v[b] for a, b in unequal):
            continue
        out.append(v)
        if len(out) >= limit:
            break
    return out


# --------------------------------------------------------------------------- variables


@dataclass(frozen=True)
class Variable:
    """One scalar the sides depend on: an entry ``x[2]`` / ``x_2`` or a scalar ``L``.

    An unknown (a derivative of a name the document never defines, an undefined function
    ``f(x)``) is sampled too, independently of everything: an identity that holds for
    independent values holds for every meaning, but a disagreement proves nothing.
    """

    atom: sympy.Basic
    group: str  # readable vector name, e.g. "x"
    position: int | None  # 1-based entry, None for a scalar
    role: str  # "logit", "target", "positive", "scalar"
    #: an entry whose logarithm is taken (log q_x, log(p_x / q_x)): drawn positive
    in_log: bool = False

    @property
    def unknown(self) -> bool:
        return is_unknown(self.atom)


def is_unknown(atom: sympy.Basic) -> bool:
    """A derivative left written, or an undefined function applied: no value of its own."""
    return isinstance(atom, (sympy.Derivative, AppliedUndef))


def variables(
    exprs: Sequence[sympy.Basic], logit_names: set[str], target_names: set[str]
) -> list[Variable]:
    """The atoms to give values to, with a role each (logits get simple values like ln 2)."""
    atoms: set[sympy.Basic] = set()
    for e in exprs:
        atoms |= {t for t in e.atoms(sympy.Indexed)}
        atoms |= {s for s in free_symbols(e) if isinstance(s, sympy.Symbol) and not s.is_integer}
        atoms |= set(e.atoms(sympy.Derivative))
        # an undefined function applied outside its derivatives (σ(A_1) in σ'(A_1)/σ(A_1))
        outside = e.xreplace({d: sympy.Dummy() for d in e.atoms(sympy.Derivative)})
        atoms |= set(outside.atoms(AppliedUndef))
    bases = {t.base.label for t in atoms if isinstance(t, sympy.Indexed)}
    # NOTE: an undefined function whose logarithm is taken (log p(x)) is positive where the
    # formula means anything: its values are drawn there.
    under_log = {
        f for e in exprs for g in e.atoms(sympy.log) for f in g.args[0].atoms(AppliedUndef)
    }
    # NOTE: an entry or a scalar inside a logarithm, outside any exp (log(p_x / q_x), log p;
    # not log Σ e^{z_k}): its random values are drawn in (0.1, 1), where the formula means
    # something.
    logged = {
        t
        for e in exprs
        for g in e.atoms(sympy.log)
        for t in g.args[0]
        .xreplace({x: sympy.Dummy() for x in g.args[0].atoms(sympy.exp)})
        .atoms(sympy.Indexed, sympy.Symbol)
    }
    out = []
    for a in sorted(atoms, key=sympy.default_sort_key):
        if isinstance(a, sympy.Symbol) and a in bases:
            continue
        if isinstance(a, sympy.Indexed):
            name = str(a.base.label)
            pos = int(a.indices[0]) if len(a.indices) == 1 and a.indices[0].is_Integer else None
            positive = bool(a.is_positive)
        elif isinstance(a, sympy.Symbol):
            entry = indices.split_entry(a.name)
            name, pos = entry if entry else (a.name, None)
            positive = bool(a.is_positive)
        else:
            name, pos, positive = sympy.sstr(a), None, a in under_log
        if positive:
            role = "positive"
        elif name in logit_names:
            role = "logit"
        elif name in target_names:
            role = "target"
        else:
            role = "scalar" if pos is None else "target"
        out.append(Variable(a, name, pos, role, in_log=a in logged))
    return out


@dataclass(frozen=True)
class Point:
    """Values for the variables, and how to show them."""

    values: dict[sympy.Basic, float]
    shown: tuple[tuple[str, object], ...]
    text: str


def _fmt(v: float) -> str:
    if abs(v - _LN2) < 1e-15:
        return "ln 2"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.4g}"


def points(
    vs: list[Variable],
    n: int,
    rng: np.random.Generator,
    *,
    random_count: int,
    sum_one: frozenset[str] = frozenset(),
    one_hot: frozenset[str] = frozenset(),
    extra_logits: frozenset[str] = frozenset(),
) -> Iterator[Point]:
    """Simple points first (logits 0 and ln 2, one-hot targets), then seeded random ones."""
    # NOTE: entries may be numbered beyond n (a sum written to 2 in an n-free step): give
    # every entry a value of its own.
    n = max([n] + [v.position for v in vs if v.position is not None])
    # NOTE: a scalar (no entry number) gets its own values, even if it sits in an exp: two
    # scalars must never share a value, or a mutation swapping them would go unseen.
    logits = [v for v in vs if v.role == "logit" and v.position is not None]
    targets = [v for v in vs if v.role == "target" and v.position is not None]
    tgroups = sorted({v.group for v in targets})
    # NOTE: a name the step differentiates by that is a scalar here (b in ∂E/∂b) is shown
    # once, with its value, never also as a vector of logits.
    scalars = {v.group for v in vs if v.position is None}
    lgroups = sorted({v.group for v in logits} | (set(extra_logits) - scalars if n > 0 else set()))
    others = [v for v in vs if v.role in ("positive", "scalar") or v.position is None]

    def logit_patterns() -> list[dict[int, float]]:
        pats = [{m: 0.0 for m in range(1, n + 1)}]
        for hot in range(1, min(n, 3) + 1):
            pats.append({m: (_LN2 if m == hot else 0.0) for m in range(1, n + 1)})
        return pats

    # NOTE: a fact about one vector constrains that vector alone (typed facts, per group):
    # with sum(y) = 1 stated, another vector q is still sampled freely.
    constrained = {g for g in tgroups if g in sum_one or g in one_hot}
    # NOTE: a vector whose entries the step takes logarithms of (log q_x) is positive where
    # the step means anything: its free values are drawn in (0.1, 1).
    logged = {v.group for v in targets if v.in_log} - constrained

    def target_patterns() -> list[tuple[dict[int, float], str]]:
        pats = [
            ({m: float(m == hot) for m in range(1, n + 1)}, f"e_{hot}") for hot in range(1, n + 1)
        ]
        if set(tgroups) - constrained:
            if n >= 2:
                pats.append(({m: float(m <= 2) for m in range(1, n + 1)}, None))  # type: ignore[arg-type]
            pats.append(({m: 2.0 * (m == 1) for m in range(1, n + 1)}, None))  # type: ignore[arg-type]
        return pats

    def per_group(tv: dict[int, float], shift: int) -> dict[int, float]:
        # NOTE: every target vector gets values of its own (rotated): two vectors sharing a
        # pattern would make p_i = y_i look true at every point.
        return {m: tv.get((m - 1 + shift) % n + 1 if n else m, 0.0) for m in tv}

    def own_logits(lv: dict[int, float], gi: int) -> dict[int, float]:
        # NOTE: every logit vector gets values of its own: z and v sharing values would make
        # softmax(z) = softmax(v) at every point, and a claim about their difference look true.
        if gi == 0 or not lv:
            return lv
        hot = (gi - 1) % n + 1 if n else 1
        rolled = {m: lv.get((m - 1 + gi) % n + 1 if n else m, 0.0) for m in lv}
        return {m: rolled[m] + (0.9 * gi if m == hot else 0.0) for m in rolled}

    def build(
        lv: dict[int, float],
        tvs: dict[str, dict[int, float]],
        ov: dict[sympy.Basic, float],
        tname: str | None,
    ) -> Point:
        values: dict[sympy.Basic, float] = {}
        lvs = {g: own_logits(lv, gi) for gi, g in enumerate(lgroups)}
        for v in logits:
            values[v.atom] = lvs.get(v.group, lv).get(v.position or 1, 0.0)
        used = {g: dict(tvs.get(g, {})) for g in tgroups}
        moved: set[str] = set()
        for v in targets:
            values[v.atom] = used[v.group].get(v.position or 1, 0.0)
            if v.group in logged and values[v.atom] <= 0:
                values[v.atom] = 0.3 + 0.1 * (v.position or 1)
                # NOTE: the point shows the values used, not the pattern they replace
                used[v.group][v.position or 1] = values[v.atom]
                moved.add(v.group)
        values.update(ov)
        shown: list[tuple[str, object]] = []
        parts = []
        for g in lgroups:
            vec = tuple(lvs[g].get(m, 0.0) for m in range(1, n + 1))
            shown.append((g, vec))
            parts.append(f"{g} = ({', '.join(_fmt(c) for c in vec)})")
        for gi, g in enumerate(tgroups):
            vec = tuple(used[g].get(m, 0.0) for m in range(1, n + 1))
            shown.append((g, vec))
            named = tname if gi == 0 and g not in moved else None
            label = named if named is not None else f"({', '.join(_fmt(c) for c in vec)})"
            parts.append(f"{g} = {label}")
        for v in others:
            shown.append((sympy.sstr(v.atom), values[v.atom]))
            parts.append(f"{sympy.sstr(v.atom)} = {_fmt(values[v.atom])}")
        return Point(values, tuple(shown), ", ".join(parts))

    # distinct simple values, so that no two scalars agree by accident
    simple_others = {
        v.atom: (0.5 if v.role == "positive" else 0.7) + 0.25 * pos for pos, v in enumerate(others)
    }
    tpats = target_patterns() if targets else [({}, None)]  # type: ignore[list-item]
    for lv in logit_patterns() if logits else [{}]:
        for tv, tname in tpats:
            valid = tname is not None  # the one-hot patterns are named e_k
            tvs = {
                g: per_group(tv if valid or g not in constrained else tpats[0][0], gi)
                for gi, g in enumerate(tgroups)
            }
            yield build(lv, tvs, simple_others, tname)

    def random_targets(g: str) -> dict[int, float]:
        if g in one_hot:
            hot = int(rng.integers(1, n + 1))
            return {m: float(m == hot) for m in range(1, n + 1)}
        if g in sum_one:
            w = rng.dirichlet(np.ones(n))
            return {m: float(w[m - 1]) for m in range(1, n + 1)}
        if g in logged:
            return {m: float(np.round(rng.uniform(0.1, 1.0), 3)) for m in range(1, n + 1)}
        return {m: float(np.round(rng.uniform(-1.0, 1.5), 3)) for m in range(1, n + 1)}

    for _ in range(random_count):
        lv = {m: float(np.round(rng.normal(0.0, 1.5), 3)) for m in range(1, n + 1)}
        tvs = {g: random_targets(g) for g in tgroups}
        ov = {
            v.atom: float(np.round(rng.uniform(0.1, 1.0), 3))
            if v.role == "positive" or v.in_log
            else float(np.round(rng.normal(), 3))
            for v in others
        }
        yield build(lv, tvs, ov, None)


def evaluate(expr: sympy.Basic, values: dict[sympy.Basic, float]) -> complex | None:
    """The value of ``expr`` at ``values`` (30 digits), or None when something is left over."""
    # NOTE: the unknowns first (a derivative, an undefined function): their arguments are
    # entries that get values of their own, which must not be put inside them.
    first = {a: sympy.Float(v, 30) for a, v in values.items() if is_unknown(a)}
    sub = {a: sympy.Float(v, 30) for a, v in values.items() if not is_unknown(a)}
    if expr.has(sympy.Limit) and (
        _rebuilds_a_limit_direction(expr, first)
        or _rebuilds_a_limit_direction(expr.xreplace(first), sub)
    ):
        # NOTE: a limit keeps its direction as a symbol ('+'); a point that gives it a value is
        # no point (SymPy cannot build the limit again: it raises TypeError).
        return None
    try:
        out = expr.xreplace(first).xreplace(sub) if first else expr.xreplace(sub)
        if not out.is_number:
            out = out.doit()
        if not out.is_number:
            return None
        c = as_complex(sympy.N(out, 30))
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    if c is None or math.isnan(c.real) or math.isnan(c.imag):
        return None
    return c


def _rebuilds_a_limit_direction(e: sympy.Basic, rule: dict[sympy.Basic, sympy.Float]) -> bool:
    """Whether ``e.xreplace(rule)`` builds a ``Limit`` whose direction is a number.

    SymPy raises ``TypeError`` there.  This follows ``xreplace`` (a key of ``rule`` is replaced
    whole, not entered) and ``Limit``: a limit towards an infinity sets its own direction.

    >>> x, h = sympy.symbols("x h")
    >>> lim = sympy.Limit(sympy.sin(h * x) / h, h, 0)
    >>> plus = lim.args[3]
    >>> _rebuilds_a_limit_direction(lim, {plus: sympy.Float(1)})
    True
    >>> _rebuilds_a_limit_direction(lim, {lim: sympy.Float(1), plus: sympy.Float(1)})
    False
    >>> _rebuilds_a_limit_direction(sympy.Limit(1 / h, h, sympy.oo), {plus: sympy.Float(1)})
    False
    """
    if not rule or e in rule:
        return False
    if any(_rebuilds_a_limit_direction(a, rule) for a in e.args if isinstance(a, sympy.Basic)):
        return True
    if not isinstance(e, sympy.Limit) or e.args[3] not in rule:
        return False
    z, z0 = (a.xreplace(rule) for a in e.args[1:3])
    return z0 not in _INFINITIES and not z0.has(z)


_INFINITIES = (sympy.oo, sympy.I * sympy.oo, -sympy.oo, sympy.I * -sympy.oo)


def as_complex(value: sympy.Basic) -> complex | None:
    """``complex(value)``, or None where that raises (a value that is no single number).

    NOTE: the steps of SymPy's ``Expr.__complex__``, with its ``TypeError`` for a part that
    does not evaluate to a number (an ``AccumBounds``, ...) turned into None.

    >>> as_complex(sympy.sqrt(2) * sympy.I), as_complex(sympy.AccumBounds(-1, 1))
    (1.4142135623730951j, None)
    """
    re_part, im_part = (part.evalf() for part in value.evalf().as_real_imag())
    if not (re_part.is_Number and im_part.is_Number):
        return None
    return complex(float(re_part), float(im_part))


def close(a: complex, b: complex, rtol: float, atol: float) -> bool:
    """``|a - b| <= atol + rtol * max(|a|, |b|)``; infinities equal only to themselves."""
    if any(math.isinf(t) for t in (a.real, a.imag, b.real, b.imag)):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def fmt_value(c: complex | None) -> str:
    """A value as a reader would write it (4 significant digits)."""
    if c is None:
        return "undefined"
    if abs(c.imag) < 1e-12:
        return f"{c.real:.4g}"
    return f"{c.real:.4g}{c.imag:+.4g}i"
