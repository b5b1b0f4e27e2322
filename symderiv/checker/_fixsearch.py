"""A fast oracle for the one-edit fix search: candidates compared with the step's left side at points.

The fix search of a false step tries a few dozen edits of one side.  Judging each with the full
engine (definitions substituted symbolically, a proof attempted, conditions re-checked) costs
about 0.1 s per candidate.  Here the left side is prepared once, by the engine, and evaluated at
a fixed set of points; a candidate is written out at the same class counts and index values,
and the document's definitions enter it as *numbers* (``p_2`` is the value of its definition at
the point), so a candidate costs a few substitutions and no algebra.

The answer is ``True`` (equal at every point), ``False`` (a point where they differ) or ``None``
(a name without a value at the points, a derivative written in the candidate: the caller asks
the full engine).  It only orders suggestions: no verdict rests on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import sympy

from symderiv import symbols
from symderiv.checker import _concrete as C
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import DEFAULT_CONFIG, timed
from symderiv.checker._lazy import numpy as np
from symderiv.checker._prepare import Prepared, apply_log_base, prepare
from symderiv.checker._setting import NO_NAMES, Names, Setting, concrete_facts, read_assumptions
from symderiv.config import CheckConfig
from symderiv.errors import SymPyRefusal, sympy_refusals
from symderiv.model import Assumption

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]
Oracle = Callable[[sympy.Expr, sympy.Expr], "bool | None"]

#: Class counts, index assignments per count and random points per assignment.
COUNTS = (3,)
ASSIGNMENTS = 4
POINTS = 2
#: Agreement within this relative tolerance counts as equal (the values are 30-digit).
RTOL = 1e-12


class _Grid:
    """The points: per (count, index values, point), the base values and the defined values."""

    def __init__(self) -> None:
        self.cells: list[tuple[int, dict[sympy.Symbol, int], dict[sympy.Basic, sympy.Float]]] = []
        self.target: list[complex] = []


def left_side_oracle(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    *,
    definitions: Definitions = (),
    assumptions: Sequence[Assumption] = (),
    conditions: Sequence[Assumption] = (),
    n: sympy.Expr = symbols.n,
    unknowns: Names = NO_NAMES,
    cfg: CheckConfig = DEFAULT_CONFIG,
) -> Oracle | None:
    """An oracle ``(a, b) -> bool | None`` for candidates ``b`` against this step's ``lhs``.

    Returns None when the left side cannot be evaluated at the points (then only the full
    engine can judge candidates).  Asked about another left side, the oracle answers None.
    """
    setting = read_assumptions(assumptions, conditions, n)
    prepared, _ = timed(
        cfg.step_timeout_s, prepare, lhs, rhs, tuple(definitions), n, setting.log_base, unknowns
    )
    if prepared is None:
        return None
    grid = _grid(prepared, setting, definitions, cfg)
    if grid is None:
        return None
    lowered: dict[tuple[sympy.Basic, int, tuple[tuple[sympy.Symbol, int], ...]], sympy.Basic] = {}

    def value(e: sympy.Basic, k: int) -> complex | None:
        count, index, env = grid.cells[k]
        key = (e, count, tuple(sorted(index.items(), key=lambda kv: kv[0].name)))
        if key not in lowered:
            try:
                lowered[key] = C.lower(e, counts=prepared.counts, n=count, index_values=index)
            except ValueError:
                # NOTE: a candidate that binds a letter the step leaves free (a sum over j in
                # a step free in j) has no value at the cell: the full engine judges it.
                return None
        out = lowered[key].xreplace(env)
        if not out.is_number:
            return None
        try:
            with sympy_refusals():
                c = C.as_complex(out.evalf(30))
        except (SymPyRefusal, ValueError, ZeroDivisionError, OverflowError):
            return None
        if c is None:
            return None
        return None if math.isnan(c.real) or math.isnan(c.imag) else c

    def oracle(a: sympy.Expr, b: sympy.Expr) -> bool | None:
        if a != lhs or b.has(sympy.Derivative, sympy.Integral):
            # NOTE: an integral's variable is bound: the grid's values are not put in for it
            # (the full engine judges such a candidate).
            return None
        b = apply_log_base(b, setting.log_base)
        for k, want in enumerate(grid.target):
            got = value(b, k)
            if got is None:
                return None
            if not C.close(got, want, RTOL, cfg.atol):
                return False
        return True

    return oracle


def _grid(
    p: Prepared, setting: Setting, definitions: Definitions, cfg: CheckConfig
) -> _Grid | None:
    rng = np.random.default_rng(cfg.seed + 7)
    facts = setting.facts
    grid = _Grid()
    for count in COUNTS:
        assigns = C.assignments(p.free, count, facts.equal, facts.unequal, limit=64)
        if len(assigns) > ASSIGNMENTS:
            picks = rng.choice(len(assigns), size=ASSIGNMENTS, replace=False)
            assigns = [assigns[int(k)] for k in sorted(picks)]
        subs = dict(concrete_facts(facts, count, p.counts))
        lefts = []
        for index in assigns:
            L = C.lower(p.lhs, counts=p.counts, n=count, index_values=index)
            lefts.append(L.xreplace(subs) if subs else L)
        R = C.lower(p.rhs, counts=p.counts, n=count, index_values=assigns[0] if assigns else {})
        vs = C.variables([*lefts, R], set(p.logit_names), set(p.target_names))
        if any(v.unknown for v in vs):
            return None
        vs = [v for v in vs if v.atom not in subs]
        points = C.points(
            vs,
            count,
            rng,
            random_count=POINTS,
            sum_one=frozenset(S.name_of(b) for b in setting.sum_one),
            one_hot=frozenset(S.name_of(b) for b in setting.one_hot),
            extra_logits=p.logit_names,
        )
        # NOTE: the random points only (the simple ones, logits 0, make many forms agree).
        lowered_defs = _lowered_definitions(definitions, p, count, setting)
        for pt in list(points)[-POINTS:]:
            values = {a: sympy.Float(v, 30) for a, v in pt.values.items()}
            for atom, expr in subs.items():
                given = _number(expr, dict(values))
                if given is not None and given.is_real:
                    values[atom] = sympy.Float(given, 30)
            env = _defined_values(lowered_defs, count, values)
            for index, L in zip(assigns, lefts):
                target = C.evaluate(L, pt.values)
                if target is None:
                    return None
                grid.cells.append((count, index, env))
                grid.target.append(target)
    return grid if grid.cells else None


def _lowered_definitions(
    definitions: Definitions, p: Prepared, count: int, setting: Setting
) -> list[tuple[sympy.Basic, sympy.Symbol | None, sympy.Basic]]:
    """``(target, its index or None, value with the sums written out)`` at this class count."""
    out = []
    for target, value in definitions:
        value = C.lower(
            apply_log_base(value, setting.log_base), counts=p.counts, n=count, index_values={}
        )
        if isinstance(target, sympy.Indexed) and len(target.indices) == 1:
            idx = target.indices[0]
            if isinstance(idx, sympy.Symbol):
                out.append((target, idx, value))
        elif isinstance(target, sympy.Symbol):
            out.append((target, None, value))
    return out


def _defined_values(
    lowered: list[tuple[sympy.Basic, sympy.Symbol | None, sympy.Basic]],
    count: int,
    values: dict[sympy.Basic, sympy.Float],
) -> dict[sympy.Basic, sympy.Basic]:
    """The base values, and each defined name's value there (``p_1 … p_n``, ``L``)."""
    env: dict[sympy.Basic, sympy.Basic] = dict(values)
    for target, idx, value in lowered:
        if idx is None:
            v = _number(value, env)
            if v is not None:
                env[target] = v
            continue
        assert isinstance(target, sympy.Indexed)
        for m in range(1, count + 1):
            v = _number(value.xreplace({idx: sympy.Integer(m)}), env)
            if v is not None:
                env[target.base[m]] = v
    return env


def _number(e: sympy.Basic, env: dict[sympy.Basic, sympy.Basic]) -> sympy.Basic | None:
    out = e.xreplace(env)
    if not out.is_number or out.has(sympy.Derivative):
        return None
    try:
        with sympy_refusals():
            v = out.evalf(30)
    except (SymPyRefusal, ValueError, ZeroDivisionError, OverflowError):
        return None
    return v if v.is_finite else None
