"""The equality engine: are two expressions equal under assumptions? A verdict with evidence.

Order of the methods (strongest first): a symbolic proof for every n (rewrite rules, then a
rational-function zero test) → a search for a counterexample at small concrete n (simple
logits 0 and ln 2, one-hot targets, then seeded random points) → a symbolic check for each
concrete n of ``cfg.concrete_n`` → agreement at sampled points.  A false step that holds
under an index relation or ``sum_j y_j = 1`` that was not stated is ``conditional``.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from symderiv import indices, symbols
from symderiv._timeout import time_limit
from symderiv.checker import _concrete as C
from symderiv.checker import _densities, _fast, _integrals, _matrixexpr
from symderiv.checker import _symbolic as S
from symderiv.checker._lazy import numpy as np
from symderiv.config import CheckConfig
from symderiv.errors import CheckTimeout
from symderiv.model import Assumption, Fact
from symderiv.results import Counterexample, StepResult, Verdict

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]

DEFAULT_CONFIG = CheckConfig()
# NOTE: the oracle is called many times by the reviewer's tools: fewer samples, shorter budget.
ORACLE_CONFIG = CheckConfig(samples=12, step_timeout_s=2.0)


@dataclass(frozen=True)
class Names:
    """What the whole document says of its undefined names (read in a first pass).

    ``functions``: names it differentiates (``∂E/∂o_j``, ``∂y_0/∂a_0``) but never defines,
    functions of unknown form.  ``variables``: names it uses as variables (on both sides of a
    step, or as what a derivative or a limit is taken by): written on one side of a step only,
    such a name is still a variable of the identity, not a quantity the author is naming.
    """

    functions: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()


NO_NAMES = Names()


@dataclass(frozen=True)
class _Setting:
    """Everything the methods need, read once from the assumptions and conditions."""

    facts: S.Facts
    sum_one: frozenset[sympy.Basic]  # bases with sum = 1
    one_hot: frozenset[sympy.Basic]
    log_base: sympy.Expr | None
    used: tuple[str, ...]
    stated_relations: bool


def _read_assumptions(
    assumptions: Sequence[Assumption], conditions: Sequence[Assumption], n: sympy.Expr
) -> _Setting:
    known: list[tuple[sympy.Basic, sympy.Expr]] = []
    equal: list[tuple[sympy.Symbol, sympy.Symbol]] = []
    unequal: list[tuple[sympy.Symbol, sympy.Symbol]] = []
    subs: list[tuple[sympy.Basic, sympy.Expr]] = []
    sum_one: set[sympy.Basic] = set()
    one_hot: set[sympy.Basic] = set()
    log_base = None
    used: list[str] = []
    stated = False
    for a in tuple(assumptions) + tuple(conditions):
        e = a.expr
        if a.kind == "log_base":
            if isinstance(e, int) and not isinstance(e, bool):
                e = sympy.Integer(e)
            if not isinstance(e, sympy.Expr):
                raise TypeError(f"a log_base assumption needs a SymPy number, got {e!r}")
            log_base = e
            used.append(a.text)
            continue
        if a.kind == "one_hot":
            base = e
            one_hot.add(base)
            sum_one.add(base)
            d = S.fresh("j")
            b = base if isinstance(base, sympy.IndexedBase) else sympy.IndexedBase(base)
            known.append((S._canonical(sympy.Sum(b[d], (d, 1, n))), sympy.Integer(1)))
            used.append(a.text)
            continue
        if a.kind != "relation":
            continue
        if isinstance(e, sympy.Eq):
            lhs, rhs = e.args
            if _is_index(lhs) and _is_index(rhs):
                equal.append((lhs, rhs))
                stated = True
            elif isinstance(lhs, sympy.Sum) and len(lhs.limits) == 1:
                known.append((S._canonical(lhs), rhs))
                if isinstance(lhs.function, sympy.Indexed):
                    sum_one.add(lhs.function.base)
            elif isinstance(rhs, sympy.Sum) and len(rhs.limits) == 1:
                known.append((S._canonical(rhs), lhs))
            else:
                sub = _linear_elimination(lhs - rhs)
                if sub is not None:
                    subs.append(sub)
                    bases = {t.base for t in (lhs - rhs).atoms(sympy.Indexed)}
                    sum_one |= bases
                    sum_one |= {
                        _group_of(s)
                        for s in (lhs - rhs).free_symbols
                        if isinstance(s, sympy.Symbol)
                    }
        elif isinstance(e, sympy.Ne):
            lhs, rhs = e.args
            if _is_index(lhs) and _is_index(rhs):
                unequal.append((lhs, rhs))
                stated = True
        used.append(a.text)
    facts = S.Facts(
        n=n,
        known_sums=tuple(known),
        equal=tuple(equal),
        unequal=tuple(unequal),
        substitutions=tuple(subs),
    )
    return _Setting(facts, frozenset(sum_one), frozenset(one_hot), log_base, tuple(used), stated)


def _group_of(s: sympy.Symbol) -> sympy.Basic:
    entry = indices.split_entry(s.name)
    return sympy.Symbol(entry[0]) if entry else s


def _is_index(e: sympy.Basic) -> bool:
    return isinstance(e, sympy.Symbol) and bool(e.is_integer)


def _linear_elimination(e: sympy.Expr) -> tuple[sympy.Basic, sympy.Expr] | None:
    """``y_1 + y_2 + y_3 - 1 = 0`` → ``(y_3, 1 - y_1 - y_2)``: eliminate the last atom."""
    atoms = sorted(
        (
            a
            for a in e.atoms(sympy.Symbol, sympy.Indexed)
            if not (isinstance(a, sympy.Symbol) and a.is_integer)
        ),
        key=sympy.default_sort_key,
    )
    atoms = [
        a
        for a in atoms
        if not any(a in t.atoms(sympy.Symbol) for t in e.atoms(sympy.Indexed))
        or isinstance(a, sympy.Indexed)
    ]
    for a in reversed(atoms):
        poly = sympy.expand(e)
        coeff = poly.coeff(a)
        if (
            coeff in (1, -1)
            and a not in (poly - coeff * a).free_symbols
            and not (poly - coeff * a).has(a)
        ):
            return a, sympy.expand(-(poly - coeff * a) / coeff)
    return None


# --------------------------------------------------------------------------- preparation


def _apply_log_base(e: sympy.Basic, base: sympy.Expr | None) -> sympy.Basic:
    if base is None:
        return e
    return e.replace(
        lambda t: isinstance(t, sympy.log), lambda t: sympy.log(t.args[0]) / sympy.log(base)
    )


@dataclass(frozen=True)
class Prepared:
    """Both sides after definitions and derivatives, with what they depend on."""

    lhs: sympy.Basic
    rhs: sympy.Basic
    free: tuple[sympy.Symbol, ...]
    counts: tuple[sympy.Symbol, ...]
    dependent: frozenset[str]
    logit_names: frozenset[str]
    target_names: frozenset[str]
    # undefined names written on one side only, outside any derivative (y_0 in
    # "exp(a_0)/u (1 - exp(a_0)/u) = y_0 (1 - y_0)"): quantities the author names, not variables
    one_sided: frozenset[str] = frozenset()


def _prepared_once(fn: Callable[..., Prepared]) -> Callable[..., Prepared]:
    """Within ``judged_once()``, a step is prepared once (the fix search prepares it again)."""

    @functools.wraps(fn)
    def run(*args: Any) -> Prepared:
        memo = _MEMO.get()
        if memo is None:
            return fn(*args)
        key = ("prepare", *args)
        try:
            found = memo.get(key)
        except TypeError:
            return fn(*args)
        if found is None:
            found = memo[key] = fn(*args)
        assert isinstance(found, Prepared)
        return found

    return run


@_prepared_once
def prepare(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    definitions: Definitions,
    n: sympy.Expr,
    log_base: sympy.Expr | None,
    unknowns: Names = NO_NAMES,
) -> Prepared:
    """Substitute definitions, take derivatives, and note free indices and class counts.

    ``unknowns`` are the names the document differentiates but never defines (anywhere, not
    only in this step): functions of unknown form, whose derivatives stay written.
    """
    defs = tuple((t, _apply_log_base(v, log_base)) for t, v in definitions)
    lhs, rhs = _apply_log_base(lhs, log_base), _apply_log_base(rhs, log_base)
    lhs, rhs = _with_parameters(lhs, rhs, defs)
    heads = {S.kind_of(t) for t, _ in defs if S.defines_every_entry(t)}
    dependent = frozenset(
        S.undefined_kinds(S.dependent_names([lhs, rhs]) | unknowns.functions, (lhs, rhs), heads)
    )
    logit_names = {
        str(
            S._heads(v).label if isinstance(v, sympy.Indexed) else indices.entry_base(str(v))
        )
        for e in (lhs, rhs)
        for d in e.atoms(sympy.Derivative)
        for v in d.variables
    }
    L = S.substitute_definitions(lhs, defs, dependent=frozenset(dependent))
    R = S.substitute_definitions(rhs, defs, dependent=frozenset(dependent))
    L0, R0 = L, R
    for e in (L, R):
        for t in e.atoms(sympy.exp):
            for idx in t.atoms(sympy.Indexed):
                logit_names.add(str(idx.base.label))
            for s in t.free_symbols:
                if isinstance(s, sympy.Symbol) and not s.is_integer:
                    logit_names.add(indices.entry_base(s.name))
    L = S.evaluate_limits(S.fresh_bound(S.evaluate_derivatives(S.fresh_bound(L), dependent)))
    R = S.evaluate_limits(S.fresh_bound(S.evaluate_derivatives(S.fresh_bound(R), dependent)))
    free = tuple(
        sorted(
            S.free_indices(L) | S.free_indices(R) | S.free_indices(lhs) | S.free_indices(rhs),
            key=lambda s: s.name,
        )
    )
    counts = {
        u
        for e in (L, R)
        for s in e.atoms(sympy.Sum)
        for _, _, hi in s.limits
        for u in hi.free_symbols
    }
    if isinstance(n, sympy.Symbol) and not counts:
        counts.add(n)
    free = tuple(f for f in free if f not in counts)
    # NOTE: the m of 1/m is the m of sum_{i=1}^m, whatever assumptions the reader gave each.
    same = {
        s: c
        for c in counts
        for e in (L, R)
        for s in e.free_symbols
        if isinstance(s, sympy.Symbol) and s.name == c.name and s != c
    }
    if same:
        L, R = L.xreplace(same), R.xreplace(same)
    names = {str(t.base.label) for e in (L, R) for t in e.atoms(sympy.Indexed)}
    names |= {
        indices.entry_base(s.name)
        for e in (L, R)
        for s in S.free_symbols(e)
        if isinstance(s, sympy.Symbol) and not s.is_integer
    }
    one_sided = {
        name
        for side, other in ((L0, R0), (R0, L0))
        for name in _outer_names(side) - _all_names(other)
        if name not in unknowns.variables or name in dependent
    }
    return Prepared(
        L,
        R,
        free,
        tuple(sorted(counts, key=lambda s: s.name)),
        frozenset(dependent),
        frozenset(logit_names),
        frozenset(names - logit_names),
        frozenset(one_sided),
    )


def _with_parameters(
    lhs: sympy.Basic, rhs: sympy.Basic, defs: Definitions
) -> tuple[sympy.Basic, sympy.Basic]:
    """``h_θ(x)`` is a function of θ as well as of x: θ becomes one of its arguments.

    NOTE: a name is a function of what it is written with; a derivative by the parameter of
    an undefined ``h_θ`` is then an unknown, never 0.
    """
    wrt = {
        v.name: v
        for e in (lhs, rhs)
        for d in e.atoms(sympy.Derivative)
        for v in d.variables
        if isinstance(v, sympy.Symbol)
    }
    if not wrt:
        return lhs, rhs
    defined = {S.name_of(t) for t, _ in defs} | {
        t.func.__name__ for t, _ in defs if isinstance(t, AppliedUndef)
    }

    def widen(f: sympy.Basic) -> sympy.Basic:
        assert isinstance(f, AppliedUndef)
        name = f.func.__name__
        sub = name.split("_", 1)[1].strip("{}").lstrip("\\") if "_" in name else ""
        param = wrt.get(sub)
        if param is None or name in defined or param in f.args:
            return f
        return sympy.Function(name)(*f.args, param)

    def apply(e: sympy.Basic) -> sympy.Basic:
        return e.replace(lambda t: isinstance(t, AppliedUndef), widen)

    return apply(lhs), apply(rhs)


def _all_names(e: sympy.Basic) -> set[str]:
    """The names of an expression, inside derivatives too."""
    out = {S.name_of(t) for t in e.atoms(sympy.Indexed)}
    labels = {t.base.label for t in e.atoms(sympy.Indexed)}
    out |= {
        s.name
        for s in e.free_symbols
        if isinstance(s, sympy.Symbol) and not s.is_integer and s not in labels
    }
    return out


def _outer_names(e: sympy.Basic) -> set[str]:
    """The names of an expression outside its derivatives (indexed bases, real symbols)."""
    if isinstance(e, sympy.Derivative):
        return set()
    if isinstance(e, sympy.Indexed):
        return {S.name_of(e)}
    if isinstance(e, sympy.Symbol):
        return set() if e.is_integer else {e.name}
    if isinstance(e, sympy.Sum):
        return _outer_names(e.function)
    out: set[str] = set()
    for a in e.args:
        out |= _outer_names(a)
    return out


# --------------------------------------------------------------------------- methods


def prove(p: Prepared, facts: S.Facts) -> tuple[bool, str]:
    """A symbolic proof for every n: rewrite, split on free deltas, rational zero test."""
    e = S.normalize(p.lhs - p.rhs, facts)
    described = []
    for renaming, unequal in S.cases(e, facts):
        c = S.apply_case(e, renaming, unequal)
        c = S.normalize(c, facts)
        if not S.rational_zero(c):
            return False, ""
        described.append(_case_text(renaming, unequal))
    split = [d for d in described if d]
    return True, ("cases " + "; ".join(split)) if split else "rewriting"


def _case_text(
    renaming: dict[sympy.Symbol, sympy.Symbol],
    unequal: tuple[tuple[sympy.Symbol, sympy.Symbol], ...],
) -> str:
    parts = [f"{a} = {b}" for a, b in renaming.items()] + [f"{a} ≠ {b}" for a, b in unequal]
    return ", ".join(parts)


def _lowered(
    p: Prepared, n: int, values: dict[sympy.Symbol, int]
) -> tuple[sympy.Basic, sympy.Basic]:
    L = C.lower(p.lhs, counts=p.counts, n=n, index_values=values)
    R = C.lower(p.rhs, counts=p.counts, n=n, index_values=values)
    L = S.evaluate_derivatives(L, p.dependent)
    R = S.evaluate_derivatives(R, p.dependent)
    return L, R


def _concrete_facts(
    facts: S.Facts, n: int, counts: Sequence[sympy.Symbol]
) -> list[tuple[sympy.Basic, sympy.Expr]]:
    subs = list(facts.substitutions)
    for key, value in facts.known_sums:
        written = C.expand_sums(key.xreplace({c: sympy.Integer(n) for c in counts}))
        if isinstance(written, sympy.Sum):
            continue
        sub = _linear_elimination(written - value)
        if sub is not None:
            subs.append(sub)
    return subs


def verify_concrete(p: Prepared, facts: S.Facts, n: int) -> bool:
    """Symbolically equal at this concrete n, for every index assignment."""
    subs = dict(_concrete_facts(facts, n, p.counts))
    for values in C.assignments(p.free, n, facts.equal, facts.unequal, limit=10_000):
        L, R = _lowered(p, n, values)
        d = S.expand_logs(L - R)
        if subs:
            d = d.xreplace(subs)
        if not S.rational_zero(d):
            return False
    return True


@dataclass(frozen=True)
class _Search:
    counterexample: Counterexample | None
    agreed: int
    undefined: int
    # the unknowns a disagreement depended on: no counterexample, the step is undetermined
    unknowns: tuple[str, ...] = ()


def _unknowns_that_matter(
    L: sympy.Basic,
    R: sympy.Basic,
    values: dict[sympy.Basic, float],
    unknown: Sequence[sympy.Basic],
    gap: complex,
    rng: np.random.Generator,
    cfg: CheckConfig,
) -> list[sympy.Basic] | None:
    """The unknowns whose values change ``L - R`` at this point; None if it cannot be told.

    NOTE: a disagreement that stays the same for other values of the unknowns holds for every
    meaning of them (they cancel): a sure counterexample.  One that moves may vanish for some
    meaning, so by itself it proves nothing.
    """
    out = []
    for u in unknown:
        for _ in range(2):
            moved = dict(values)
            moved[u] = values[u] + float(np.round(rng.uniform(0.5, 2.0), 3))
            a, b = C.evaluate(L, moved), C.evaluate(R, moved)
            if a is None or b is None:
                return None
            if not C.close(a - b, gap, cfg.rtol, cfg.atol):
                out.append(u)
                break
    return out


def _only_where_zero(
    L: sympy.Basic,
    R: sympy.Basic,
    values: dict[sympy.Basic, float],
    u: sympy.Basic,
    cfg: CheckConfig,
) -> bool:
    """Whether the sides agree only where the one unknown ``u`` that matters is 0.

    NOTE: ``∂ log p_j/∂x_i = 2 (∂p_j/∂x_i)/p_j`` holds only where p_j does not depend on x_i: a
    derivative step that needs its own derivative to vanish is a slip, not an open question.
    With two or more unknowns that matter (a chain rule through an undefined loss) the sides
    may agree through a relation between them, so no such conclusion is drawn.
    """
    rng = np.random.default_rng(cfg.seed + 1)
    for trial in range(4):
        at_zero = dict(values)
        if trial:
            # NOTE: elsewhere too, not only at a point where both sides happen to vanish.
            at_zero.update(
                {k: v + float(np.round(rng.normal(0.0, 0.5), 3)) for k, v in values.items()}
            )
        at_zero[u] = 0.0
        a, b = C.evaluate(L, at_zero), C.evaluate(R, at_zero)
        if a is None or b is None or not C.close(a, b, cfg.rtol, cfg.atol):
            return False
    return True


def search(p: Prepared, setting: _Setting, cfg: CheckConfig, ns: Sequence[int]) -> _Search:
    """Evaluate both sides at simple then random points, smallest n first."""
    rng = np.random.default_rng(cfg.seed)
    agreed = undefined = 0
    facts = setting.facts
    for n in ns:
        assigns = C.assignments(p.free, n, facts.equal, facts.unequal, limit=36)
        per = max(1, cfg.samples // max(1, len(ns) * len(assigns)))
        subs = dict(_concrete_facts(facts, n, p.counts))
        for values in assigns:
            L, R = _lowered(p, n, values)
            vs = C.variables([L, R], set(p.logit_names), set(p.target_names))
            if subs:
                # NOTE: an eliminated variable (y_n = 1 - ...) is given by the others.
                vs = [v for v in vs if v.atom not in subs]
                L, R = L.xreplace(subs), R.xreplace(subs)
            for pt in C.points(
                vs,
                n,
                rng,
                random_count=per,
                sum_one=frozenset(S.name_of(b) for b in setting.sum_one),
                one_hot=frozenset(S.name_of(b) for b in setting.one_hot),
                extra_logits=p.logit_names,
            ):
                a, b = C.evaluate(L, pt.values), C.evaluate(R, pt.values)
                if a is None or b is None:
                    # NOTE: a side that cannot be evaluated (an unknown name) is no counterexample.
                    undefined += 1
                    continue
                if C.close(a, b, cfg.rtol, cfg.atol):
                    agreed += 1
                    continue
                unknown = [v.atom for v in vs if v.unknown or v.group in p.one_sided]
                matter = (
                    _unknowns_that_matter(L, R, pt.values, unknown, a - b, rng, cfg)
                    if unknown
                    else []
                )
                if matter is None or len(matter) > 1 or (
                    len(matter) == 1
                    and not (
                        isinstance(matter[0], sympy.Derivative)
                        and _only_where_zero(L, R, pt.values, matter[0], cfg)
                    )
                ):
                    names = sorted({_unknown_name(u) for u in (matter or unknown)})
                    return _Search(None, agreed, undefined, tuple(names))
                if (
                    matter
                    and n == 1
                    and n != ns[-1]
                    and p.counts
                    and (C.close(a, 0, cfg.rtol, cfg.atol) or C.close(b, 0, cfg.rtol, cfg.atol))
                ):
                    # NOTE: one class is degenerate (a softmax is 1, its derivatives 0): a
                    # derivative needed to vanish there says nothing of the general claim.
                    break
                count = p.counts[0].name if len(p.counts) == 1 else "n"
                cex = _counterexample(n, values, pt, a, b, count)
                if matter:
                    where = f"holds only where {_unknown_name(matter[0])} = 0"
                    cex = dataclasses.replace(cex, text=f"{cex.text} ({where})")
                return _Search(cex, agreed, undefined)
    return _Search(None, agreed, undefined)


def _unknown_name(u: sympy.Basic) -> str:
    """How a reader names an unknown: ``∂E/∂o`` for a derivative, ``f`` for ``f(x)``."""
    if isinstance(u, sympy.Derivative):
        head = u.expr.func if isinstance(u.expr, AppliedUndef) else S.name_of(u.expr)
        wrt = ", ".join(sorted({S.name_of(v) for v in u.variables}))
        return f"∂{head}/∂{wrt}"
    return str(u.func) if isinstance(u, AppliedUndef) else S.name_of(u)


def _counterexample(
    n: int,
    values: dict[sympy.Symbol, int],
    pt: C.Point,
    a: complex | None,
    b: complex | None,
    count: str = "n",
) -> Counterexample:
    """The values shown in the document's own names, its class count (K, C, m) included."""
    idx = ", ".join(f"{s} = {v}" for s, v in values.items())
    head = ", ".join(t for t in (f"{count} = {n}" if n > 0 else "", pt.text, idx) if t)
    text = f"{head}: left {C.fmt_value(a)}, right {C.fmt_value(b)}"
    shown = (
        (((count, n),) if n > 0 else ())
        + pt.shown
        + tuple((str(s), v) for s, v in values.items())
    )
    return Counterexample(values=shown, lhs_value=a, rhs_value=b, text=text)


# --------------------------------------------------------------------------- policy


# NOTE: one budget for the whole step (every method, the conditional re-checks included), so
# that a step that is hard for every method costs its budget once, not once per method.
_STEP_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "step_deadline", default=None
)
#: The whole step may take this many times ``step_timeout_s``.
STEP_BUDGET_FACTOR = 2.0


def _timed(seconds: float, fn, *args):  # type: ignore[no-untyped-def]
    deadline = _STEP_DEADLINE.get()
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, "gave up: the step's time ran out"
        seconds = min(seconds, left)
    try:
        with time_limit(seconds):
            return fn(*args), None
    except CheckTimeout as e:
        return None, str(e)
    except RecursionError:
        return None, "too deeply nested"
    except (ValueError, NotImplementedError, ZeroDivisionError) as e:
        # NOTE: SymPy gave up on this form (its own errors); the caller falls back to a weaker
        # method.  A TypeError or AttributeError is a bug, and is not hidden here.
        return None, f"SymPy could not handle it ({type(e).__name__}: {e})"


def _within_step_budget(fn: Callable[..., StepResult]) -> Callable[..., StepResult]:
    """Run a check under one budget for the whole step (the outermost call sets it)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> StepResult:
        if _STEP_DEADLINE.get() is not None:
            return fn(*args, **kwargs)
        cfg: CheckConfig = kwargs.get("cfg", DEFAULT_CONFIG)
        token = _STEP_DEADLINE.set(time.monotonic() + STEP_BUDGET_FACTOR * cfg.step_timeout_s)
        try:
            return fn(*args, **kwargs)
        finally:
            _STEP_DEADLINE.reset(token)

    return run


# NOTE: a document often asks the same equality twice (a step copied, the same fix tried for
# two false steps): within ``judged_once()`` the answer is computed once.  Only outermost
# calls are remembered: a nested call runs under its caller's budget.
_MEMO: contextvars.ContextVar[dict[tuple[object, ...], Any] | None] = contextvars.ContextVar(
    "equal_memo", default=None
)


@contextlib.contextmanager
def judged_once() -> Iterator[None]:
    """Within the block, ``check_equal`` judges each question once (same sides, definitions,
    assumptions, conditions, n, options and names) and repeats its answer after that; each
    defined name's value is substituted once (``_symbolic.values_remembered``)."""
    token = _MEMO.set({})
    try:
        with S.values_remembered():
            yield
    finally:
        _MEMO.reset(token)


def _frozen(v: object) -> object:
    return tuple(v) if isinstance(v, (list, tuple)) else v


def _remembered(fn: Callable[..., StepResult]) -> Callable[..., StepResult]:
    @functools.wraps(fn)
    def run(lhs: sympy.Basic, rhs: sympy.Basic, **kwargs: Any) -> StepResult:
        memo = _MEMO.get()
        if memo is None or _STEP_DEADLINE.get() is not None:
            return fn(lhs, rhs, **kwargs)
        key = (lhs, rhs, *sorted((k, _frozen(v)) for k, v in kwargs.items()))
        try:
            found = memo.get(key)
        except TypeError:  # a mutable matrix: not remembered
            return fn(lhs, rhs, **kwargs)
        if found is None:
            found = memo[key] = fn(lhs, rhs, **kwargs)
        return found

    return run


@_remembered
@_within_step_budget
def check_equal(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    *,
    definitions: Definitions = (),
    assumptions: Sequence[Assumption] = (),
    conditions: Sequence[Assumption] = (),
    n: sympy.Expr = symbols.n,
    cfg: CheckConfig = DEFAULT_CONFIG,
    unknowns: Names = NO_NAMES,
    _conditional: bool = True,
) -> StepResult:
    """Decide whether ``lhs = rhs`` under the assumptions and the step's conditions.

    Args:
        lhs, rhs: SymPy expressions (or matrices of the same shape).
        definitions: ``(target, value)`` pairs, e.g. ``(p[i], exp(x[i]) / Sum(...))``.
        assumptions: the derivation's assumptions (``Eq(Sum(y[j], (j, 1, n)), 1)``...).
        conditions: the step's stated case conditions (``Eq(i, j)``, ``Ne(i, j)``).
        n: the class count free indices range over (``1..n``).
        cfg: concrete n to try, samples, seed, tolerances, time budget.

    Returns:
        A StepResult: proved / verified (``n_tried``) / numeric / conditional / false
        (with a counterexample).

    >>> from symderiv.symbols import x, i
    >>> check_equal(sympy.exp(x[i]) ** 2, sympy.exp(2 * x[i])).verdict.value
    'proved'
    >>> check_equal(x[i] + 1, x[i]).verdict.value
    'false'
    """

    lhs, rhs = _as_sympy(lhs, "lhs"), _as_sympy(rhs, "rhs")
    if not (n.is_Symbol or (n.is_Integer and n > 0)) if isinstance(n, sympy.Basic) else True:
        raise ValueError(f"n must be a class-count symbol or a positive integer, got {n!r}")
    if _matrixexpr.is_matrix_expr(lhs) or _matrixexpr.is_matrix_expr(rhs):
        try:
            lhs, rhs = _matrixexpr.entries(lhs, rhs, n)
        except ValueError as e:
            return StepResult(Verdict.FALSE, "shape", detail=str(e))
        except _matrixexpr.NoEntries as e:
            return StepResult(Verdict.UNDETERMINED, "shape", detail=str(e))
    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        return _check_matrix(lhs, rhs, definitions, assumptions, conditions, n, cfg, unknowns)
    if _conditional:
        S.reset_names()
    setting = _read_assumptions(assumptions, conditions, n)
    prepared, err = _timed(
        cfg.step_timeout_s, prepare, lhs, rhs, tuple(definitions), n, setting.log_base, unknowns
    )
    if prepared is None:
        return StepResult(
            Verdict.UNDETERMINED, "undecided", detail=f"could not prepare the step: {err}"
        )
    setting = _over_own_count(prepared, setting)
    densities = _densities.density_names(assumptions)
    if prepared.lhs.has(sympy.Integral) or prepared.rhs.has(sympy.Integral) or densities:
        by_integrands = _by_integrands(prepared, n, cfg, unknowns, densities)
        if by_integrands is not None:
            return by_integrands
    read = f"read as {sympy.sstr(prepared.lhs)} = {sympy.sstr(prepared.rhs)}"
    if prepared.free:
        read += f"; free indices {', '.join(map(str, prepared.free))} in 1..{n}"
    used = _used_here(assumptions, conditions, prepared)
    if used:
        read += f"; using {'; '.join(used)}"
    notes = [read]

    symbolic_n = _symbolic_n(prepared)
    ok, err = _timed(cfg.step_timeout_s, prove, prepared, setting.facts)
    if ok is not None and ok[0]:
        how = ok[1]
        return StepResult(
            Verdict.PROVED,
            "symbolic",
            detail=f"{read}; proved symbolically ({how})",
        )
    if err:
        notes.append(f"symbolic proof: {err}")

    found, err = _timed(cfg.step_timeout_s, search, prepared, setting, cfg, _sample_ns(prepared, cfg))
    if err:
        notes.append(f"sampling: {err}")
    if found is not None and found.unknowns:
        return _undetermined(found.unknowns, notes)
    if found is not None and found.counterexample is not None:
        result = StepResult(
            Verdict.FALSE, "sampling", detail="; ".join(notes), counterexample=found.counterexample
        )
        if _conditional:
            return _maybe_conditional(
                result, lhs, rhs, definitions, assumptions, conditions, n, cfg, prepared, setting,
                unknowns,
            )
        return result

    tried: list[int] = []
    for m in cfg.concrete_n if symbolic_n else [0]:
        ok2, err = _timed(cfg.step_timeout_s, verify_concrete, prepared, setting.facts, m)
        if ok2 is True:
            tried.append(m)
            continue
        if err:
            notes.append(f"concrete n = {m}: {err}")
        break
    else:
        if tried:
            if not symbolic_n:
                return StepResult(Verdict.PROVED, "symbolic", detail=f"{read}; proved symbolically")
            return StepResult(
                Verdict.VERIFIED,
                "concrete-n",
                detail=f"{read}; symbolically equal for n = {', '.join(map(str, tried))}",
                n_tried=tuple(tried),
            )
    if found is not None and found.agreed > 0 and found.agreed >= found.undefined:
        # NOTE: agreement counts only where most points could be evaluated: points where
        # both sides vanish (y_i = 0) are no evidence when the others cannot be evaluated.
        return StepResult(
            Verdict.NUMERIC,
            "sampling",
            detail="; ".join(notes + [f"equal at {found.agreed} sampled points (seed {cfg.seed})"]),
        )
    return StepResult(
        Verdict.UNDETERMINED,
        "undecided",
        detail="; ".join(notes + ["could not evaluate either side"]),
    )


def _over_own_count(p: Prepared, setting: _Setting) -> _Setting:
    """The setting with the step's own class count, when its sums run to one count (K)."""
    if len(p.counts) == 1 and p.counts[0] != setting.facts.n:
        # NOTE: the document's sums run to K: its free indices range over 1..K.
        # The assumptions' sums (a directive's \sum_j y_j = 1 over n) are about the same count.
        count = p.counts[0]
        old_n = setting.facts.n
        known = tuple((k.xreplace({old_n: count}), v) for k, v in setting.facts.known_sums)
        setting = dataclasses.replace(
            setting, facts=dataclasses.replace(setting.facts, n=count, known_sums=known)
        )
    return setting


def _symbolic_n(p: Prepared) -> bool:
    """Whether the step is about every n (free indices, or sums to a count it uses)."""
    return bool(p.free) or bool(
        p.counts and any(p.lhs.has(c) or p.rhs.has(c) for c in p.counts)
    )


def _sample_ns(p: Prepared, cfg: CheckConfig) -> list[int]:
    """The class counts sampled: 1 up to the largest concrete n, or none (0) for a scalar."""
    if not _symbolic_n(p):
        return [0]
    return sorted(set(range(1, max(cfg.concrete_n, default=3) + 1)) | set(cfg.concrete_n))


def _refuted_at_points(
    p: Prepared,
    assumptions: Sequence[Assumption],
    conditions: Sequence[Assumption],
    n: sympy.Expr,
    cfg: CheckConfig,
) -> bool:
    """Whether sampling alone finds a sure counterexample under these assumptions.

    NOTE: the numeric oracle before the full engine.  A re-check (under i = j, i ≠ j or
    Σy = 1) that fails at a point where its assumption holds would fail in the full engine
    too, after the symbolic attempt: that attempt is skipped.  Only a refutation skips it; an
    agreement still goes to the full engine, so nothing is accepted on points alone.
    """
    setting = _over_own_count(p, _read_assumptions(assumptions, conditions, n))
    # NOTE: the two smallest counts only: a slip shows there, and a case that holds costs
    # little before the full engine proves it.
    found, _ = _timed(cfg.step_timeout_s, search, p, setting, cfg, _sample_ns(p, cfg)[:2])
    return found is not None and found.counterexample is not None and not found.unknowns


def _by_integrands(
    p: Prepared,
    n: sympy.Expr,
    cfg: CheckConfig,
    unknowns: Names,
    densities: frozenset[str] = frozenset(),
) -> StepResult | None:
    """Proved when, integral by integral over each range, the integrands cancel everywhere.

    With densities declared, their facts (unit mass, positive values, D_KL as an integral)
    are used on the way (:mod:`._densities`).

    NOTE: a sufficient reason only; None (judge otherwise) when any part is not shown to vanish.
    """
    difference = p.lhs - p.rhs
    if densities:
        difference = _densities.as_family(_densities.expand_kl(difference, densities), densities)
        difference = _densities.atomize(difference, densities, {})
    read = f"read as {sympy.sstr(p.lhs)} = {sympy.sstr(p.rhs)}"
    if difference == 0 and densities:
        return StepResult(
            Verdict.PROVED, "integrands", detail=f"{read}; the same integrals against densities"
        )
    if not difference.has(sympy.Integral):
        return None
    parts = _integrals.split(difference)
    if parts is None or not parts.integrands:
        return None
    parts = _integrals.merge_variables(parts)
    if densities:
        parts = _densities.with_unit_mass(parts, densities)
    verdicts = []
    for body in [*parts.integrands.values(), parts.rest]:
        if densities:
            body = sympy.expand_log(_densities.positive_values(body, densities), force=False)
        if body == 0:
            verdicts.append(Verdict.PROVED)
            continue
        r = check_equal(body, sympy.S.Zero, n=n, cfg=cfg, unknowns=unknowns, _conditional=False)
        if r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.NUMERIC):
            return None
        verdicts.append(r.verdict)
    for weaker in (Verdict.NUMERIC, Verdict.VERIFIED):
        if weaker in verdicts:
            return StepResult(
                weaker, "integrands", detail=f"{read}; the integrands agree ({weaker.value})"
            )
    return StepResult(
        Verdict.PROVED, "integrands", detail=f"{read}; the integrands agree at every point"
    )


def _used_here(
    assumptions: Sequence[Assumption], conditions: Sequence[Assumption], p: Prepared
) -> list[str]:
    """The facts that name something of this step: a fact about y is not used without y."""
    names = {S.name_of(t.base) for e in (p.lhs, p.rhs) for t in e.atoms(sympy.Indexed)}
    names |= {
        s.name
        for e in (p.lhs, p.rhs)
        for s in S.free_symbols(e)
        if isinstance(s, sympy.Symbol) and not s.is_integer
    }
    has_log = any(e.has(sympy.log) for e in (p.lhs, p.rhs))
    out = []
    for a in tuple(assumptions) + tuple(conditions):
        if a.kind == "log_base":
            if has_log:
                out.append(a.text)
            continue
        if a.kind not in ("relation", "one_hot"):
            continue
        e = a.expr
        if not isinstance(e, sympy.Basic):
            continue
        mentioned = {S.name_of(t.base) for t in e.atoms(sympy.Indexed)}
        mentioned |= {S.name_of(b) for b in e.atoms(sympy.IndexedBase)}
        mentioned |= {
            s.name for s in e.free_symbols if isinstance(s, sympy.Symbol) and not s.is_integer
        }
        if mentioned & names or not mentioned:
            out.append(a.text)
    return out


def _undetermined(unknowns: Sequence[str], notes: Sequence[str]) -> StepResult:
    names = ", ".join(unknowns)
    return StepResult(
        Verdict.UNDETERMINED,
        "unknowns",
        detail="; ".join(
            list(notes)
            + [
                f"depends on {names}, which the document does not define: the sides differ "
                "for some meanings of it, and no reading without a guess decides the step"
            ]
        ),
    )


def _as_sympy(e: object, name: str) -> sympy.Basic:
    if isinstance(e, (sympy.Basic, sympy.MatrixBase)):
        return e
    if isinstance(e, (int, float)) and not isinstance(e, bool):
        return sympy.Integer(e) if isinstance(e, int) else sympy.Float(e)
    raise TypeError(f"{name} must be a SymPy expression or a number, got {type(e).__name__}")


def _maybe_conditional(
    result: StepResult,
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    definitions: Definitions,
    assumptions: Sequence[Assumption],
    conditions: Sequence[Assumption],
    n: sympy.Expr,
    cfg: CheckConfig,
    prepared: Prepared,
    setting: _Setting,
    unknowns: Names = NO_NAMES,
) -> StepResult:
    tries: list[tuple[Assumption, str]] = []
    free = [f for f in prepared.free]
    if not setting.stated_relations and len(free) >= 2:
        for a, b in [(free[x], free[y]) for x in range(len(free)) for y in range(x + 1, len(free))]:
            tries.append(
                (
                    Assumption(sympy.Eq(a, b), f"{a} = {b}", source="case"),
                    f"holds only when {a} = {b}",
                )
            )
            tries.append(
                (
                    Assumption(sympy.Ne(a, b), f"{a} \\neq {b}", source="case"),
                    f"holds only when {a} ≠ {b}",
                )
            )
    constrained = {S.name_of(b) for b in setting.sum_one}
    for base in sorted(prepared.target_names - constrained):
        entries = sorted(
            {
                t
                for e in (prepared.lhs, prepared.rhs)
                for t in e.atoms(sympy.Indexed)
                if str(t.base.label) == base
            },
            key=sympy.default_sort_key,
        )
        if len(entries) >= 2 and all(t.indices[0].is_Integer for t in entries):
            # NOTE: a step written with entries t_0, t_1, t_2 only: the condition is on them.
            total = sympy.Add(*entries)
            shown = " + ".join(f"{base}_{t.indices[0]}" for t in entries)
            tries.append(
                (
                    Assumption(sympy.Eq(total, 1), f"{shown} = 1"),
                    f"holds given {shown} = 1",
                )
            )
            continue
        for e in (prepared.lhs, prepared.rhs):
            hits = [t.base for t in e.atoms(sympy.Indexed) if str(t.base.label) == base]
            if hits:
                b = hits[0]
                j = symbols.index("j")
                tries.append(
                    (
                        Assumption(
                            sympy.Eq(sympy.Sum(b[j], (j, 1, n)), 1), f"\\sum_j {base}_j = 1"
                        ),
                        f"holds given \\sum_j {base}_j = 1",
                    )
                )
                break
    for extra, text in tries:
        if _refuted_at_points(prepared, (*assumptions, extra), conditions, n, cfg):
            continue
        sub = check_equal(
            lhs,
            rhs,
            definitions=definitions,
            assumptions=tuple(assumptions) + (extra,),
            conditions=conditions,
            n=n,
            cfg=cfg,
            unknowns=unknowns,
            _conditional=False,
        )
        if sub.verdict.accepts:
            if extra.source == "case":
                # NOTE: an index case is the author's to state (contract): a step that holds
                # only when i = j, with no case stated, is false, and the hint says when it holds.
                return dataclasses.replace(
                    result,
                    condition=text,
                    detail=f"{result.detail}; {text} ({sub.verdict.value})",
                )
            return dataclasses.replace(
                result,
                verdict=Verdict.CONDITIONAL,
                condition=text,
                detail=f"{result.detail}; {text} ({sub.verdict.value})",
            )
    return result


def _listed_against_entry(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    definitions: Definitions,
    assumptions: Sequence[Assumption],
    conditions: Sequence[Assumption],
    n: sympy.Expr,
    cfg: CheckConfig,
    unknowns: Names,
) -> StepResult:
    """A listed vector ``[y_1 - a_1, y_2 - a_2]`` against a vector read by its entry.

    NOTE: the entry side's one free index runs over the listed entries from 1 (or from 0);
    which start the author meant is a guess, so a reading that holds decides the step and
    none holding leaves it undetermined, never false.
    """
    listed, entry = (lhs, rhs) if isinstance(lhs, sympy.MatrixBase) else (rhs, lhs)
    free = sorted(S.free_indices(entry), key=str)
    if min(listed.shape) != 1 or len(free) != 1:
        return StepResult(
            Verdict.UNDETERMINED,
            "shape",
            detail="one side is a matrix and the other is not: the step is not compared",
        )
    results = []
    for start in (1, 0):
        column = sympy.ImmutableMatrix(
            [entry.xreplace({free[0]: sympy.Integer(start + m)}) for m in range(len(listed))]
        )
        pair = (listed.reshape(len(listed), 1), column)
        if listed is rhs:
            pair = pair[::-1]
        result = _check_matrix(*pair, definitions, assumptions, conditions, n, cfg, unknowns)
        result = dataclasses.replace(
            result,
            detail=f"{result.detail}; {free[0]} = {start}..{start + len(listed) - 1}, "
            "entry by entry",
        )
        if result.verdict.accepts:
            return result
        results.append(result)
    if all(r.verdict is Verdict.FALSE for r in results):
        return results[0]  # false whichever entry the listing starts at
    return StepResult(
        Verdict.UNDETERMINED,
        "shape",
        detail=f"a listed vector against entry {free[0]} of a vector: no reading of where "
        f"{free[0]} starts decides the step",
    )


def _check_matrix(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    definitions: Definitions,
    assumptions: Sequence[Assumption],
    conditions: Sequence[Assumption],
    n: sympy.Expr,
    cfg: CheckConfig,
    unknowns: Names = NO_NAMES,
) -> StepResult:
    if not (isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase)):
        return _listed_against_entry(
            lhs, rhs, definitions, assumptions, conditions, n, cfg, unknowns
        )
    if lhs.shape == rhs.shape[::-1] and min(lhs.shape) == 1:
        # NOTE: a row written for a column (or back): notes rarely keep the orientation,
        # and the entries are what the step claims; compared in the column's layout.
        lhs, rhs = lhs.reshape(len(lhs), 1), rhs.reshape(len(rhs), 1)
    if lhs.shape != rhs.shape:
        return StepResult(
            Verdict.FALSE, "shape", detail=f"shapes differ: {lhs.shape} and {rhs.shape}"
        )
    order = [
        Verdict.PROVED,
        Verdict.VERIFIED,
        Verdict.NUMERIC,
        Verdict.CONDITIONAL,
        Verdict.UNDETERMINED,
        Verdict.UNPARSED,
        Verdict.FALSE,
    ]
    positions = [(r, c) for r in range(lhs.rows) for c in range(lhs.cols)]
    # NOTE: proved without the assumptions is proved with them; the fast path ignores them.
    if _fast.applicable(lhs, rhs, tuple(definitions)):
        stated = [a.expr for a in assumptions if a.kind == Fact.RELATION]
        given = _fast.eliminations(stated, lhs, rhs, tuple(definitions))
        flags, _ = _timed(
            cfg.step_timeout_s * 4, _fast.zero_entries, lhs, rhs, tuple(definitions), given
        )
        if flags is not None and all(flags):
            put = {v for v, _ in given}
            used = [a.text for a in assumptions if a.kind == Fact.RELATION and a.expr.free_symbols & put]
            under = f"; where needed, under the stated {', '.join(used)}" if used else ""
            return StepResult(
                Verdict.PROVED,
                "symbolic",
                detail=f"{lhs.rows}×{lhs.cols} entries, each proved as a rational function of exp atoms and shared sums{under}",
            )
        if flags is not None:
            positions = [pos for pos, ok in zip(positions, flags) if not ok]
    worst: StepResult | None = None
    where = ""
    for r, c in positions:
        res = check_equal(
            lhs[r, c],
            rhs[r, c],
            definitions=definitions,
            assumptions=assumptions,
            conditions=conditions,
            n=n,
            cfg=cfg,
            unknowns=unknowns,
        )
        if worst is None or order.index(res.verdict) > order.index(worst.verdict):
            worst, where = res, f"entry ({r + 1}, {c + 1})"
        if worst.verdict is Verdict.FALSE:
            break
    assert worst is not None
    return dataclasses.replace(
        worst, detail=f"{lhs.rows}×{lhs.cols} entries; weakest at {where}: {worst.detail}"
    )


def equal(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    *,
    definitions: Definitions = (),
    assumptions: Sequence[Assumption] = (),
    conditions: Sequence[Assumption] = (),
    n: sympy.Expr = symbols.n,
    cfg: CheckConfig = ORACLE_CONFIG,
    unknowns: Names = NO_NAMES,
) -> bool | None:
    """A plain oracle: True (proved / verified / numeric), False (counterexample), else None.

    >>> from symderiv.symbols import x, i
    >>> equal(x[i] * 2, x[i] + x[i]), equal(x[i], -x[i])
    (True, False)
    """
    r = check_equal(
        lhs,
        rhs,
        definitions=definitions,
        assumptions=assumptions,
        conditions=conditions,
        n=n,
        cfg=cfg,
        unknowns=unknowns,
    )
    if r.verdict.accepts:
        return True
    if r.verdict is Verdict.FALSE and r.counterexample is not None:
        return False
    return None
