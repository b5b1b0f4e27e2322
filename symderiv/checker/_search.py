"""The second method: a search for a counterexample, both sides evaluated at points.

Smallest class count first, simple points (logits 0 and ln 2, one-hot targets) then seeded
random ones.  A disagreement is a counterexample only if it does not hang on a name the
document leaves undefined; otherwise the step is undetermined.  The points where the sides
agree are counted for the last method (``_sample``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker import _concrete as C
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import timed
from symderiv.checker._lazy import numpy as np
from symderiv.checker._prepare import Prepared, lowered, sample_ns
from symderiv.checker._setting import Setting, concrete_facts, over_own_count, read_assumptions
from symderiv.checker._trial import Trial
from symderiv.config import CheckConfig
from symderiv.model import Assumption
from symderiv.results import Counterexample, StepResult, Verdict

__all__ = ["SEARCH", "Found", "Search", "refuted_at_points", "search"]


@dataclass(frozen=True)
class Search:
    """False with a counterexample, undetermined when a disagreement hangs on an unknown name,
    or None (what was found is kept for the sampled agreement)."""

    name: str = "search"

    def __call__(self, t: Trial) -> StepResult | None:
        ns = sample_ns(t.prepared, t.question.cfg)
        found, err = timed(
            t.question.cfg.step_timeout_s, search, t.prepared, t.setting, t.question.cfg, ns
        )
        if err:
            t.notes.append(f"sampling: {err}")
        t.found = found
        if found is not None and found.unknowns:
            unread = sorted(
                u
                for u in t.prepared.unread
                if any(k == u or k.startswith(f"∂{u}/") for k in found.unknowns)
            )
            notes = list(t.notes)
            if unread:
                # NOTE: say why a name the document does define is still an unknown.
                notes.append(
                    f"the definition of {', '.join(unread)} is written but not read: "
                    "its derivatives are unknowns"
                )
            return _undetermined(found.unknowns, notes)
        if found is not None and found.counterexample is not None:
            return StepResult(
                Verdict.FALSE,
                "sampling",
                detail="; ".join(t.notes),
                counterexample=found.counterexample,
            )
        return None


SEARCH = Search()


@dataclass(frozen=True)
class Found:
    """What the search found: a counterexample or none, and the points agreed or not evaluated."""

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


def search(p: Prepared, setting: Setting, cfg: CheckConfig, ns: Sequence[int]) -> Found:
    """Evaluate both sides at simple then random points, smallest n first."""
    rng = np.random.default_rng(cfg.seed)
    agreed = undefined = 0
    facts = setting.facts
    for n in ns:
        assigns = C.assignments(p.free, n, facts.equal, facts.unequal, limit=36)
        per = max(1, cfg.samples // max(1, len(ns) * len(assigns)))
        subs = dict(concrete_facts(facts, n, p.counts))
        for values in assigns:
            L, R = lowered(p, n, values)
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
                if not (_real(a) and _real(b)):
                    # NOTE: a point where a side leaves the reals (a log of a negative number)
                    # is outside what the formula means: log(1 - p) - log(p) = log((1 - p)/p)
                    # fails at p < 0 only on the complex branch.
                    undefined += 1
                    continue
                unknown = [v.atom for v in vs if v.unknown or v.group in p.one_sided]
                matter = (
                    _unknowns_that_matter(L, R, pt.values, unknown, a - b, rng, cfg)
                    if unknown
                    else []
                )
                gradient = matter is not None and len(matter) > 1 and _one_gradient(matter, unknown)
                if (
                    matter is None
                    or (len(matter) > 1 and not gradient)
                    or (
                        len(matter) == 1
                        and not (
                            isinstance(matter[0], sympy.Derivative)
                            and S.name_of(matter[0].expr) not in p.unread
                            and _only_where_zero(L, R, pt.values, matter[0], cfg)
                        )
                    )
                ):
                    names = sorted({_unknown_name(u) for u in (matter or unknown)})
                    return Found(None, agreed, undefined, tuple(names))
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
                count = tuple(c.name for c in p.counts) or ("n",)
                cex = _counterexample(n, values, pt, a, b, count)
                if gradient:
                    assert matter is not None
                    where = f"for an {_unknown_name(matter[0])} with these values"
                    cex = dataclasses.replace(cex, text=f"{cex.text} ({where})")
                elif matter:
                    where = f"holds only where {_unknown_name(matter[0])} = 0"
                    cex = dataclasses.replace(cex, text=f"{cex.text} ({where})")
                return Found(cex, agreed, undefined)
    return Found(None, agreed, undefined)


def _one_gradient(matter: Sequence[sympy.Basic], unknown: Sequence[sympy.Basic]) -> bool:
    """The unknowns that matter are entries of one gradient: first derivatives of one undefined
    name by distinct entries of one family (``∂f/∂y_1``, ``∂f/∂y_2``), and no other derivative
    of that name is in the step.

    NOTE: the partial derivatives of an arbitrary function of independent entries take any
    values at a point (a linear f has every gradient), so a disagreement at some values of
    them is a sure counterexample.  Derivatives by entries of two families, or by a quantity
    defined in terms of another, may be related: no conclusion then.
    """
    heads = set()
    for u in unknown:
        if not isinstance(u, sympy.Derivative):
            continue
        if len(u.variable_count) != 1 or u.variable_count[0][1] != 1:
            return False
        (v,) = u.variables
        if not isinstance(v, sympy.Indexed) or not all(i.is_Integer for i in v.indices):
            return False
        heads.add((u.expr, v.base))
    if len(heads) != 1:
        return False
    return all(isinstance(u, sympy.Derivative) for u in matter)


def _real(v: complex) -> bool:
    return abs(v.imag) <= 1e-9 * (1.0 + abs(v.real))


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
    count: tuple[str, ...] = ("n",),
) -> Counterexample:
    """The values shown in the document's own names, its class counts (K, C, m) included:
    every count the step sums to takes the value ``n``."""
    idx = ", ".join(f"{s} = {v}" for s, v in values.items())
    sizes = tuple((c, n) for c in count) if n > 0 else ()
    head = ", ".join(t for t in (*(f"{c} = {v}" for c, v in sizes), pt.text, idx) if t)
    text = f"{head + ': ' if head else ''}left {C.fmt_value(a)}, right {C.fmt_value(b)}"
    shown = sizes + pt.shown + tuple((str(s), v) for s, v in values.items())
    return Counterexample(values=shown, lhs_value=a, rhs_value=b, text=text)


def refuted_at_points(
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
    setting = over_own_count(p, read_assumptions(assumptions, conditions, n))
    # NOTE: the two smallest counts only: a slip shows there, and a case that holds costs
    # little before the full engine proves it.
    found, _ = timed(cfg.step_timeout_s, search, p, setting, cfg, sample_ns(p, cfg)[:2])
    return found is not None and found.counterexample is not None and not found.unknowns


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
