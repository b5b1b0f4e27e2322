"""A Derivation in, a DerivationReport out; the equality engine lives here.

Interface:
    check(d: Derivation, cfg: CheckConfig = CheckConfig()) -> DerivationReport
    check_equal(lhs, rhs, *, context=..., cfg=...) -> StepResult
"""

from __future__ import annotations
