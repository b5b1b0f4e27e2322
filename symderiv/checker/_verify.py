"""The third method: symbolically equal at each concrete class count of ``cfg.concrete_n``.

Each count's sums are written out and every assignment of the free indices is checked by a
rational zero test: ``verified`` for those n.  A step about no n at all (a scalar identity)
is checked once, and is then proved.
"""

from __future__ import annotations

from dataclasses import dataclass

from symderiv.checker import _concrete as C
from symderiv.checker import _symbolic as S
from symderiv.checker._budget import timed
from symderiv.checker._prepare import Prepared, lowered, symbolic_n
from symderiv.checker._rational import rational_zero
from symderiv.checker._setting import concrete_facts
from symderiv.checker._sums import Facts
from symderiv.checker._trial import Trial
from symderiv.results import StepResult, Verdict

__all__ = ["CONCRETE", "Concrete", "verify_concrete"]


@dataclass(frozen=True)
class Concrete:
    """Verified for every n tried (proved for a scalar identity), or None."""

    name: str = "concrete"

    def __call__(self, t: Trial) -> StepResult | None:
        cfg = t.question.cfg
        about_n = symbolic_n(t.prepared)
        tried: list[int] = []
        for m in cfg.concrete_n if about_n else [0]:
            ok, err = timed(cfg.step_timeout_s, verify_concrete, t.prepared, t.setting.facts, m)
            if ok is True:
                tried.append(m)
                continue
            if err:
                t.notes.append(f"concrete n = {m}: {err}")
            return None
        if not tried:
            return None
        if not about_n:
            return StepResult(Verdict.PROVED, "symbolic", detail=f"{t.read}; proved symbolically")
        return StepResult(
            Verdict.VERIFIED,
            "concrete-n",
            detail=f"{t.read}; symbolically equal for n = {', '.join(map(str, tried))}",
            n_tried=tuple(tried),
        )


CONCRETE = Concrete()


def verify_concrete(p: Prepared, facts: Facts, n: int) -> bool:
    """Symbolically equal at this concrete n, for every index assignment."""
    subs = dict(concrete_facts(facts, n, p.counts))
    for values in C.assignments(p.free, n, facts.equal, facts.unequal, limit=10_000):
        L, R = lowered(p, n, values)
        d = S.expand_logs(L - R)
        if subs:
            d = d.xreplace(subs)
        if not rational_zero(d):
            return False
    return True
