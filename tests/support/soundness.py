"""A brute-force numeric judge of steps, and a corpus of true identities, for the mutation test.

Independent of the equality engine on purpose: a step is evaluated by expanding every sum for a
concrete n, substituting definitions, differentiating, and comparing both sides at random points
for every assignment of the free indices.  Slow and simple, so it can referee the engine.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.builders.derivations import softmax_ce
from symderiv.checker._exprtools import free_indices, index_symbols, substitute_free
from symderiv.checker.mutate import mutants
from symderiv.errors import CheckTimeout
from symderiv.model import Assumption, Relation, Step
from symderiv.results import StepResult

__all__ = [
    "CORPUS",
    "MEANING",
    "Case",
    "Counts",
    "Outcome",
    "case_from_step",
    "cases_with_mutants",
    "evaluate",
    "really_false",
    "tally",
]

Definitions = tuple[tuple[sympy.Expr, sympy.Expr], ...]

SUM_Y_IS_1 = Assumption(
    sympy.Eq(sympy.Sum(symbols.y[symbols.j], (symbols.j, 1, symbols.n)), 1), "\\sum_j y_j = 1"
)


@dataclass(frozen=True)
class Case:
    """A true step with what it needs: definitions, assumptions, and the author's conditions."""

    name: str
    lhs: sympy.Expr
    rhs: sympy.Expr
    definitions: Definitions = ()
    assumptions: tuple[Assumption, ...] = ()
    conditions: tuple[Assumption, ...] = ()


def case_from_step(
    name: str, step: Step, definitions: Definitions, assumptions: tuple[Assumption, ...]
) -> Case:
    """A :class:`Case` for one EQUAL step of a derivation (the catalogue's, for instance)."""
    if step.lhs is None or step.rhs is None:
        raise ValueError(f"step {name} has an unread side")
    used = tuple(a for a in assumptions if a.text in step.assumptions_used and a.kind == "relation")
    return Case(name, step.lhs, step.rhs, definitions, used, step.conditions)


# ---------------------------------------------------------------------------------------------
# Evaluation at a concrete n


def _expand_sums(e: sympy.Basic) -> sympy.Basic:
    """Every ``Sum`` with integer limits written out term by term (no ``doit``: derivatives wait).

    NOTE: not :func:`symderiv.indices.expand_sums`, on purpose: the referee shares no code with
    what it judges. It also differs: bounds that are not concrete raise, and the bound variable
    is substituted without capture.
    """
    if not e.args:
        return e
    if isinstance(e, ExprWithLimits) and isinstance(e, sympy.Sum):
        body = _expand_sums(e.function)
        for var, lo, hi in reversed(e.limits):
            lo, hi = _expand_sums(lo), _expand_sums(hi)
            if not (lo.is_Integer and hi.is_Integer):
                raise ValueError(f"sum bounds {lo}..{hi} are not concrete")
            body = sympy.Add(
                *[
                    substitute_free(body, {var: sympy.Integer(m)})
                    for m in range(int(lo), int(hi) + 1)
                ]
            )
        return body
    return e.func(*[_expand_sums(a) for a in e.args])


def _apply_definitions(e: sympy.Basic, definitions: Definitions) -> sympy.Basic:
    """Replace defined names by their values, renaming the target's index to the concrete one."""
    for _ in range(8):
        before = e
        for target, value in definitions:
            if isinstance(target, sympy.Indexed):
                base, params = target.base, target.indices

                def repl(
                    node: sympy.Basic,
                    base: sympy.Basic = base,
                    params: tuple[sympy.Basic, ...] = params,
                    value: sympy.Expr = value,
                ) -> sympy.Basic:
                    if (
                        isinstance(node, sympy.Indexed)
                        and node.base == base
                        and len(node.indices) == len(params)
                    ):
                        return _expand_sums(substitute_free(value, dict(zip(params, node.indices))))
                    return node

                e = e.replace(
                    lambda node, base=base: isinstance(node, sympy.Indexed) and node.base == base,
                    repl,
                )
            else:
                e = e.xreplace({target: _expand_sums(value)})
        if e == before:
            return e
    return e


def _counts(expr: sympy.Basic) -> set[sympy.Basic]:
    """Symbols used as sum bounds (``n``, ``C``): replaced by the concrete n."""
    found = {symbols.n}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, ExprWithLimits):
            for lim in node.limits:
                found |= {s for b in lim[1:] for s in b.free_symbols}
    return found


_CONCRETE: dict[tuple[object, ...], sympy.Expr] = {}


def concrete(
    expr: sympy.Expr, *, n: int, index_values: dict[sympy.Symbol, int], definitions: Definitions
) -> sympy.Expr:
    """``expr`` for concrete n and index values: sums written out, definitions applied, derivatives taken.

    >>> from symderiv.symbols import i, k, n, x
    >>> concrete(sympy.Sum(x[k], (k, 1, n)) * x[i], n=2, index_values={i: 1}, definitions=())
    (x[1] + x[2])*x[1]
    """
    key = (expr, n, tuple(sorted(index_values.items(), key=str)), definitions)
    cached = _CONCRETE.get(key)
    if cached is not None:
        return cached
    if len(_CONCRETE) > 4096:
        _CONCRETE.clear()
    every = _counts(expr) | {t for t, _ in definitions if isinstance(t, sympy.Symbol)}
    for _, v in definitions:
        every |= _counts(v)
    counts = {
        s: sympy.Integer(n)
        for s in every
        if isinstance(s, sympy.Symbol) and s.is_integer and s not in index_values
    }
    e = substitute_free(expr, {**counts, **{k: sympy.Integer(v) for k, v in index_values.items()}})
    defs = tuple((t, substitute_free(v, counts)) for t, v in definitions)
    e = _expand_sums(e)
    e = _apply_definitions(e, defs)
    _CONCRETE[key] = result = e.doit()
    return result


def _sample(base: sympy.Basic, rng: np.random.Generator, size: int, sum_to_one: bool) -> np.ndarray:
    label = base.label if isinstance(base, sympy.IndexedBase) else base
    if sum_to_one:
        v = rng.uniform(0.05, 1.0, size)
        return np.asarray(v / v.sum())
    if label.is_positive:
        return rng.uniform(0.05, 1.0, size)
    return rng.normal(0.0, 1.5, size)


def evaluate(
    sides: Sequence[sympy.Expr],
    *,
    n: int,
    index_values: dict[sympy.Symbol, int],
    definitions: Definitions = (),
    sum_y_is_1: bool = False,
    rng: np.random.Generator,
    points: int = 3,
) -> list[tuple[complex, ...]]:
    """Both (all) sides at ``points`` random points, as tuples of complex values.

    Entries of positive vectors (probabilities, distributions) are drawn in (0.05, 1), other
    reals from N(0, 1.5²); ``y`` sums to one when ``sum_y_is_1``.

    >>> from symderiv.symbols import i, p
    >>> rng = np.random.default_rng(0)
    >>> [abs(a - b) < 1e-12 for a, b in evaluate((p[i] ** 2, p[i] * p[i]), n=2, index_values={i: 1}, rng=rng)]
    [True, True, True]
    """
    forms = [concrete(s, n=n, index_values=index_values, definitions=definitions) for s in sides]
    atoms: set[sympy.Basic] = set()
    for f in forms:
        # NOTE: an unknown (a derivative of an undefined function, the function applied) gets
        # values of its own, independent of everything: a mutant that differs for independent
        # values differs for some meaning of the unknown, so no checker may accept it.
        unknown = set(f.atoms(sympy.Derivative))
        outside = f.xreplace({d: sympy.Dummy() for d in unknown})
        unknown |= set(outside.atoms(AppliedUndef))
        atoms |= unknown
        f = f.xreplace({a: sympy.Dummy() for a in unknown})
        entries = f.atoms(sympy.Indexed)
        atoms |= entries
        atoms |= (
            f.free_symbols
            - entries
            - {e.base.label for e in entries}
            - set().union(*(e.free_symbols for e in entries))
        )
        atoms = {a for a in atoms if not isinstance(a, sympy.Dummy)}
    by_base: dict[sympy.Basic, list[sympy.Basic]] = {}
    for a in sorted(atoms, key=sympy.default_sort_key):
        by_base.setdefault(a.base if isinstance(a, sympy.Indexed) else a, []).append(a)
    values: dict[sympy.Basic, np.ndarray] = {}
    for base, entries in by_base.items():
        if isinstance(base, sympy.IndexedBase) and str(base.label) == "y" and sum_y_is_1:
            drawn = np.array([_sample(base, rng, n, True) for _ in range(points)])
            for a in entries:
                values[a] = drawn[:, int(a.indices[0]) - 1].astype(complex)
        else:
            drawn = np.array([_sample(base, rng, len(entries), False) for _ in range(points)])
            for q, a in enumerate(entries):
                values[a] = drawn[:, q].astype(complex)
    with np.errstate(all="ignore"):
        columns = [np.broadcast_to(_numeric(f, values), (points,)) for f in forms]
    return [tuple(complex(c[q]) for c in columns) for q in range(points)]


_FUNCS: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tanh: np.tanh,
    sympy.Abs: np.abs,
}


def _numeric(e: sympy.Basic, values: dict[sympy.Basic, np.ndarray]) -> np.ndarray | complex:
    """Evaluate a concrete expression over arrays of sample values (complex, so logs of negatives live)."""
    if e in values:
        return values[e]
    if e in (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return complex("nan")
    if e.is_Number or e.is_NumberSymbol or e is sympy.I:
        return complex(e)
    if isinstance(e, sympy.Add):
        total: np.ndarray | complex = 0j
        for a in e.args:
            total = total + _numeric(a, values)
        return total
    if isinstance(e, sympy.Mul):
        prod: np.ndarray | complex = 1 + 0j
        for a in e.args:
            prod = prod * _numeric(a, values)
        return prod
    if isinstance(e, sympy.Pow):
        return np.power(_numeric(e.args[0], values), _numeric(e.args[1], values))
    func = _FUNCS.get(type(e))
    if func is not None:
        return func(np.asarray(_numeric(e.args[0], values)))
    raise ValueError(f"cannot evaluate {type(e).__name__} numerically: {e}")


def _assignments(
    free: Sequence[sympy.Symbol], n: int, conditions: tuple[Assumption, ...]
) -> Iterator[dict[sympy.Symbol, int]]:
    for combo in itertools.product(range(1, n + 1), repeat=len(free)):
        values = dict(zip(free, combo))
        ok = True
        for c in conditions:
            rel = c.expr.xreplace({k: sympy.Integer(v) for k, v in values.items()})
            if rel is sympy.false:
                ok = False
        if ok:
            yield values


def _differ(a: complex, b: complex) -> bool | None:
    finite_a, finite_b = bool(np.isfinite(a)), bool(np.isfinite(b))
    if not (finite_a or finite_b):
        return None
    if finite_a != finite_b:
        # NOTE: one side defined and the other not (``p_i / \delta_{ij}`` at i != j) is a difference.
        return True
    return abs(a - b) > 1e-7 * (1.0 + abs(a) + abs(b))


def really_false(
    case: Case,
    *,
    n_values: Sequence[int] = (3, 2, 4, 5),
    points: int = 3,
    seed: int = 0,
    max_assignments: int = 30,
) -> bool | None:
    """Is the case's step false for some n in ``n_values``, index values and random point?

    ``True``: a point where the sides differ beyond ``1e-7`` relative; ``False``: equal at every
    point tried; ``None``: no point could be evaluated (a side was never finite).

    >>> from symderiv.symbols import i, j, p
    >>> really_false(Case("swap", p[i] * p[j], p[j] * p[i]))
    False
    >>> really_false(Case("sign", p[i] * p[j], -p[j] * p[i]))
    True
    """
    rng = np.random.default_rng(seed)
    every = index_symbols(case.lhs) | index_symbols(case.rhs)
    for _, v in case.definitions:
        every |= index_symbols(v)
    cond_syms = {s for c in case.conditions for s in c.expr.free_symbols}
    free = sorted(
        free_indices(case.lhs, every) | free_indices(case.rhs, every) | cond_syms, key=str
    )
    sum_y = any(a.expr == SUM_Y_IS_1.expr for a in case.assumptions)
    evaluated = False
    for n in n_values:
        for q, values in enumerate(_assignments(free, n, case.conditions)):
            if q >= max_assignments:
                break
            try:
                pairs = evaluate(
                    (case.lhs, case.rhs),
                    n=n,
                    index_values=values,
                    definitions=case.definitions,
                    sum_y_is_1=sum_y,
                    rng=rng,
                    points=points,
                )
            except ValueError:
                # NOTE: an expression the referee cannot evaluate leaves the point undecided.
                continue
            for lv, rv in pairs:
                d = _differ(lv, rv)
                if d is None:
                    continue
                evaluated = True
                if d:
                    return True
    return False if evaluated else None


# ---------------------------------------------------------------------------------------------
# The corpus of true identities

i, j, k = symbols.i, symbols.j, symbols.k
n = symbols.n
x, y, p = symbols.x, symbols.y, symbols.p
P, Q = symbols.distribution("P"), symbols.distribution("Q")
t = sympy.Symbol("t", real=True)
u = sympy.Symbol("u", real=True)
L = symbols.L
delta = sympy.KroneckerDelta


def _Z(var: sympy.Symbol = k) -> sympy.Expr:
    return sympy.Sum(sympy.exp(x[var]), (var, 1, n))


def _sm(idx: sympy.Symbol) -> sympy.Expr:
    return sympy.exp(x[idx]) / _Z()


SOFTMAX: Definitions = ((p[i], _sm(i)),)
CE: Definitions = (*SOFTMAX, (L, -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n))))
I_EQ_J = (Assumption(sympy.Eq(i, j), "i = j", source="case"),)
I_NE_J = (Assumption(sympy.Ne(i, j), "i \\neq j", source="case"),)
_sigma = 1 / (1 + sympy.exp(-t))

CORPUS: tuple[Case, ...] = (
    Case(
        "softmax-jacobian-explicit", sympy.Derivative(_sm(i), x[j]), _sm(i) * (delta(i, j) - _sm(j))
    ),
    Case(
        "softmax-jacobian-delta", sympy.Derivative(p[i], x[j]), p[i] * (delta(i, j) - p[j]), SOFTMAX
    ),
    Case(
        "softmax-jacobian-expanded",
        sympy.Derivative(p[i], x[j]),
        delta(i, j) * p[i] - p[i] * p[j],
        SOFTMAX,
    ),
    Case(
        "softmax-jacobian-quotient",
        sympy.Derivative(p[i], x[j]),
        (sympy.exp(x[i]) * delta(i, j) * _Z() - sympy.exp(x[i]) * sympy.exp(x[j])) / _Z() ** 2,
        SOFTMAX,
    ),
    Case(
        "softmax-jacobian-diagonal",
        sympy.Derivative(p[i], x[j]),
        p[i] * (1 - p[i]),
        SOFTMAX,
        (),
        I_EQ_J,
    ),
    Case(
        "softmax-jacobian-off-diagonal",
        sympy.Derivative(p[i], x[j]),
        -p[i] * p[j],
        SOFTMAX,
        (),
        I_NE_J,
    ),
    Case("softmax-sums-to-one", sympy.Sum(p[k], (k, 1, n)), sympy.Integer(1), SOFTMAX),
    Case("log-softmax", sympy.log(p[i]), x[i] - sympy.log(_Z()), SOFTMAX),
    Case(
        "log-softmax-gradient", sympy.Derivative(sympy.log(p[i]), x[j]), delta(i, j) - p[j], SOFTMAX
    ),
    Case("log-sum-exp-gradient", sympy.Derivative(sympy.log(_Z()), x[i]), p[i], SOFTMAX),
    Case(
        "ce-chain-rule",
        sympy.Derivative(L, x[i]),
        -sympy.Sum(y[j] / p[j] * sympy.Derivative(p[j], x[i]), (j, 1, n)),
        CE,
    ),
    Case(
        "ce-gradient-general-y",
        sympy.Derivative(L, x[i]),
        p[i] * sympy.Sum(y[j], (j, 1, n)) - y[i],
        CE,
    ),
    Case("ce-gradient", sympy.Derivative(L, x[i]), p[i] - y[i], CE, (SUM_Y_IS_1,)),
    Case(
        "ce-gradient-delta-sum",
        -sympy.Sum(y[j] * (delta(i, j) - p[i]), (j, 1, n)),
        p[i] * sympy.Sum(y[j], (j, 1, n)) - y[i],
    ),
    Case(
        "ce-split-at-i",
        -y[i] / p[i] * p[i] * (1 - p[i])
        - (sympy.Sum(y[k] / p[k] * (-p[i] * p[k]), (k, 1, n)) - y[i] / p[i] * (-p[i] * p[i])),
        -y[i] + y[i] * p[i] + (sympy.Sum(y[k] * p[i], (k, 1, n)) - y[i] * p[i]),
    ),
    Case(
        "ce-gradient-in-p",
        sympy.Derivative(-sympy.Sum(y[k] * sympy.log(p[k]), (k, 1, n)), p[i]),
        -y[i] / p[i],
    ),
    Case("sigmoid-derivative", sympy.Derivative(_sigma, t), _sigma * (1 - _sigma)),
    Case(
        "entropy-as-expectation",
        -sympy.Sum(P[k] * sympy.log(P[k]), (k, 1, n)),
        sympy.Sum(P[k] * sympy.log(1 / P[k]), (k, 1, n)),
    ),
    Case(
        "kl-as-difference",
        sympy.Sum(P[k] * sympy.log(P[k] / Q[k]), (k, 1, n)),
        sympy.Sum(P[k] * sympy.log(P[k]), (k, 1, n)) - sympy.Sum(P[k] * sympy.log(Q[k]), (k, 1, n)),
    ),
    Case(
        "cross-entropy-is-entropy-plus-kl",
        -sympy.Sum(P[k] * sympy.log(Q[k]), (k, 1, n)),
        -sympy.Sum(P[k] * sympy.log(P[k]), (k, 1, n))
        + sympy.Sum(P[k] * sympy.log(P[k] / Q[k]), (k, 1, n)),
    ),
    Case(
        "kl-flipped-ratio",
        sympy.Sum(P[k] * sympy.log(P[k] / Q[k]), (k, 1, n)),
        -sympy.Sum(P[k] * sympy.log(Q[k] / P[k]), (k, 1, n)),
    ),
    Case("partition-gradient", sympy.Derivative(_Z(), x[i]), sympy.exp(x[i])),
    Case(
        "log-sum-exp-gradient-explicit",
        sympy.Derivative(sympy.log(_Z()), x[j]),
        sympy.exp(x[j]) / _Z(),
    ),
    Case(
        "log-sum-exp-hessian",
        sympy.Derivative(sympy.log(_Z()), x[i], x[j]),
        p[i] * (delta(i, j) - p[j]),
        SOFTMAX,
    ),
    Case("softmax-as-shifted-exp", p[i], sympy.exp(x[i] - sympy.log(_Z())), SOFTMAX),
    Case(
        "ce-chain-rule-log",
        sympy.Derivative(L, x[i]),
        -sympy.Sum(y[j] * sympy.Derivative(sympy.log(p[j]), x[i]), (j, 1, n)),
        CE,
    ),
    Case(
        "vector-jacobian-product",
        sympy.Sum(y[j] * sympy.Derivative(p[j], x[i]), (j, 1, n)),
        p[i] * (y[i] - sympy.Sum(y[j] * p[j], (j, 1, n))),
        SOFTMAX,
    ),
    Case("delta-sum", sympy.Sum(delta(i, j) * y[j], (j, 1, n)), y[i]),
    Case(
        "constant-out-of-sum", sympy.Sum(p[i] * y[j], (j, 1, n)), p[i] * sympy.Sum(y[j], (j, 1, n))
    ),
    Case("sigmoid-symmetry", 1 / (1 + sympy.exp(t)), 1 - _sigma),
    Case("log-sigmoid-derivative", sympy.Derivative(sympy.log(_sigma), t), 1 - _sigma),
    Case(
        "binary-ce-gradient",
        sympy.Derivative(-(u * sympy.log(_sigma) + (1 - u) * sympy.log(1 - _sigma)), t),
        _sigma - u,
    ),
)
"""True identities in the agreed conventions: softmax Jacobian forms, CE gradient, log-sum-exp,
sigmoid derivative, entropy / KL identities."""

q = sympy.IndexedBase("q", real=True)
W = sympy.IndexedBase("W", real=True)
_f, _g, _E = sympy.Function("f"), sympy.Function("g"), sympy.Function("E")

MEANING: tuple[Case, ...] = (
    # a fact about y constrains y alone: q beside it is free
    Case(
        "second-vector-beside-y",
        sympy.Sum(y[k] * (q[k] - q[i]), (k, 1, n)),
        sympy.Sum(y[k] * q[k], (k, 1, n)) - q[i],
        (),
        (SUM_Y_IS_1,),
    ),
    Case(
        "second-vector-weighted-gradient",
        sympy.Derivative(-sympy.Sum(q[j] * y[j] * sympy.log(p[j]), (j, 1, n)), x[i]),
        p[i] * sympy.Sum(q[j] * y[j], (j, 1, n)) - q[i] * y[i],
        SOFTMAX,
    ),
    # matrix entries
    Case(
        "matrix-vector-product-gradient",
        sympy.Derivative(sympy.Sum(W[i, k] * x[k], (k, 1, n)), x[j]),
        W[i, j],
    ),
    Case(
        "matrix-entry-gradient",
        sympy.Derivative(sympy.Sum(W[i, k] * x[k], (k, 1, n)), W[i, j]),
        x[j],
    ),
    # function notation: a function the document defines, applied
    Case("defined-function-derivative", sympy.Derivative(_f(t), t), 2 * t, ((_f(t), t**2),)),
    Case(
        "defined-function-chain",
        sympy.Derivative(sympy.log(_f(t)), t),
        2 / t,
        ((_f(t), t**2),),
    ),
    # derivatives of undefined functions: the chain rule through an unknown
    Case(
        "undefined-function-log-chain",
        sympy.Derivative(sympy.log(_g(t)), t),
        sympy.Derivative(_g(t), t) / _g(t),
    ),
    Case(
        "undefined-function-product-rule",
        sympy.Derivative(t * _g(t), t),
        _g(t) + t * sympy.Derivative(_g(t), t),
    ),
    Case(
        "undefined-loss-scaled",
        sympy.Derivative(u * _E(t) + t, t),
        u * sympy.Derivative(_E(t), t) + 1,
    ),
)
"""True steps about meaning: a second vector beside a constrained one, matrix entries, a
document's own function, and derivatives of functions the document never defines."""


def catalogue_cases() -> tuple[Case, ...]:
    """The equality steps of the catalogue's seed derivation (softmax + cross-entropy) as cases."""
    deriv = softmax_ce()
    definitions = tuple((s.lhs, s.rhs) for s in deriv.steps if s.relation is Relation.DEFINE)
    return tuple(
        case_from_step(f"softmax-ce step {q}", s, definitions, deriv.assumptions)
        for q, s in enumerate(deriv.steps)
        if s.relation is Relation.EQUAL and s.is_parsed
    )


# ---------------------------------------------------------------------------------------------
# Mutants of true steps, and the tally of the checker's verdicts on them


def cases_with_mutants(cases: Iterable[Case]) -> Iterator[tuple[Case, str, Case]]:
    """``(original, description, mutant case)`` for every mutant of either side of every case."""
    for case in cases:
        every = tuple(sorted(index_symbols(case.lhs) | index_symbols(case.rhs), key=str))
        for desc, m in mutants(case.rhs, indices=every):
            yield (
                case,
                f"right side: {desc}",
                Case(
                    f"{case.name}: right side: {desc}",
                    case.lhs,
                    m,
                    case.definitions,
                    case.assumptions,
                    case.conditions,
                ),
            )
        for desc, m in mutants(case.lhs, indices=every):
            yield (
                case,
                f"left side: {desc}",
                Case(
                    f"{case.name}: left side: {desc}",
                    m,
                    case.rhs,
                    case.definitions,
                    case.assumptions,
                    case.conditions,
                ),
            )


@dataclass
class Counts:
    """How many mutants there were, how many are really false, and what the checker said of those."""

    mutants: int = 0
    refereed: int = 0
    really_false: int = 0
    equivalent: int = 0
    undetermined: int = 0
    checked: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)
    with_counterexample: int = 0

    def as_rows(self) -> list[tuple[str, int]]:
        """The counts as ``(label, number)`` rows, in reading order."""
        return [
            ("mutants generated", self.mutants),
            ("mutants refereed numerically", self.refereed),
            ("really false", self.really_false),
            ("equivalent to the true step", self.equivalent),
            ("undetermined by the referee", self.undetermined),
            ("really false, judged by the checker", self.checked),
            ("accepted as proved/verified/numeric (must be 0)", len(self.accepted)),
            ("false with a counterexample", self.with_counterexample),
            *sorted((f"verdict {v}", c) for v, c in self.verdicts.items()),
        ]


@dataclass(frozen=True)
class Outcome:
    """What the checker said about one mutant: verdict value and whether it gave a counterexample."""

    verdict: str
    has_counterexample: bool


def engine_judge(
    check_equal: Callable[..., StepResult], times: list[float] | None = None
) -> Callable[[Case], Outcome]:
    """Judge a mutant with the engine's ``check_equal``; a timeout is an outcome, not a crash.

    ``times``, when given, collects the seconds each call took (for the benchmark).
    """

    def judge(case: Case) -> Outcome:
        start = time.perf_counter()
        try:
            result = check_equal(
                case.lhs,
                case.rhs,
                definitions=case.definitions,
                assumptions=case.assumptions,
                conditions=case.conditions,
            )
        except CheckTimeout:
            return Outcome("timeout", False)
        finally:
            if times is not None:
                times.append(time.perf_counter() - start)
        return Outcome(result.verdict.value, result.counterexample is not None)

    return judge


def tally(
    cases: Iterable[Case],
    judge: Callable[[Case], Outcome] | None,
    *,
    stride: int = 1,
    limit: int | None = None,
    n_values: Sequence[int] = (3, 2, 4, 5),
) -> Counts:
    """Generate the mutants of ``cases``, referee every ``stride``-th, and judge the really false ones.

    ``limit`` caps the number of mutants the ``judge`` (the checker) sees.  A judged mutant with
    verdict ``proved``, ``verified`` or ``numeric`` is recorded in ``accepted`` by name.

    >>> from symderiv.symbols import i, p
    >>> c = tally([Case("square", p[i] * p[i], p[i] ** 2)], None)
    >>> c.mutants == c.really_false + c.equivalent + c.undetermined, c.really_false > 0
    (True, True)
    """
    if stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride}")
    counts = Counts()
    for _, _, mutant in cases_with_mutants(cases):
        counts.mutants += 1
        if (counts.mutants - 1) % stride:
            continue
        counts.refereed += 1
        verdict = really_false(mutant, n_values=n_values)
        if verdict is None:
            counts.undetermined += 1
            continue
        if not verdict:
            counts.equivalent += 1
            continue
        counts.really_false += 1
        if judge is None or (limit is not None and counts.checked >= limit):
            continue
        outcome = judge(mutant)
        counts.checked += 1
        counts.verdicts[outcome.verdict] = counts.verdicts.get(outcome.verdict, 0) + 1
        if outcome.verdict in ("proved", "verified", "numeric"):
            counts.accepted.append(mutant.name)
        if outcome.verdict == "false" and outcome.has_counterexample:
            counts.with_counterexample += 1
    return counts
