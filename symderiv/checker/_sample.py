"""The last method: equal at the points the search sampled (``numeric``), seed recorded."""

from __future__ import annotations

from dataclasses import dataclass

from symderiv.checker._trial import Trial
from symderiv.results import StepResult, Verdict

__all__ = ["SAMPLE", "Sample"]


@dataclass(frozen=True)
class Sample:
    """Numeric when the sides agreed at the points the search could evaluate, else None."""

    name: str = "sample"

    def __call__(self, t: Trial) -> StepResult | None:
        found = t.found
        if found is not None and found.agreed > 0 and found.agreed >= found.undefined:
            # NOTE: agreement counts only where most points could be evaluated: points where
            # both sides vanish (y_i = 0) are no evidence when the others cannot be evaluated.
            return StepResult(
                Verdict.NUMERIC,
                "sampling",
                detail="; ".join(
                    [
                        *t.notes,
                        f"equal at {found.agreed} sampled points (seed {t.question.cfg.seed})",
                    ]
                ),
            )
        return None


SAMPLE = Sample()
