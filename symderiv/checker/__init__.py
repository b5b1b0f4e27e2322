"""A Derivation in, a DerivationReport out; the equality engine lives in ``engine``.

Interface:
    check(d: Derivation, cfg: CheckConfig = CheckConfig()) -> DerivationReport
    check_equal(lhs, rhs, *, definitions=(), assumptions=(), conditions=(), n=symbols.n, cfg=...) -> StepResult
    equal(lhs, rhs, ...) -> bool | None   (the plain oracle for the reviewer's tools)

The jobs live in their own modules: ``document`` (the step loop, definitions, standard
objects), ``_claims`` (numeric claims and values given in prose, with ``numbers``),
``_hints`` (the fix search of ``explain`` for a false step) and ``engine`` (one equality).
"""

from __future__ import annotations

from symderiv.checker.document import check as check
from symderiv.checker.engine import check_equal as check_equal
from symderiv.checker.engine import equal as equal

__all__ = ["check", "check_equal", "equal"]
