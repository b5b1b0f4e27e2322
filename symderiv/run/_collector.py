"""Per-step results in, reports out: the same assembly for a run in one process and in many."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from symderiv.results import DerivationReport, StepReport, StepResult
from symderiv.run._judge import NOT_JUDGED, not_judged

if TYPE_CHECKING:
    from symderiv.model import Derivation
    from symderiv.writer.report import FileReport, Position

__all__ = ["Collector"]


@dataclass
class Input:
    """What has come in of one input: its derivation, results, and whether it is settled."""

    name: str
    error: str | None = None
    derivation: Derivation | None = None
    positions: tuple[Position, ...] = ()
    warnings: tuple[str, ...] = ()
    results: dict[int, StepResult] = field(default_factory=dict)
    final: bool = False
    #: why the steps with no result were not judged, if the owner knows
    unjudged: str | None = None


class Collector:
    """Per-step results in, reports out; the same assembly for one process and for many."""

    def __init__(self, names: Sequence[str], errors: Sequence[str | None], seed: int) -> None:
        self.inputs = [Input(n, e, final=e is not None) for n, e in zip(names, errors)]
        self.seed = seed
        self.judged = 0
        self.total = 0

    def handle(self, event: tuple[Any, ...]) -> None:
        kind, f = event[0], event[1]
        it = self.inputs[f]
        if kind == "error":
            it.error = event[2]
            it.final = True
        elif kind == "read":
            it.derivation, it.positions, it.warnings = event[2], event[3], event[4]
            self.total += len(it.derivation.steps)
        elif kind == "step":
            if event[2] not in it.results:
                self.judged += 1
            it.results[event[2]] = event[3]
        elif kind == "final":
            it.results.update(event[2])
            it.warnings = it.warnings + tuple(event[3])
            it.final = True
            if len(event) > 4:
                it.unjudged = event[4]

    def complete(self) -> bool:
        """Whether every input is settled: reported whole, or its owner said the rest is not
        judged (a process still reading it has nothing left to add)."""
        return all(
            it.final
            and (
                it.derivation is None
                or it.unjudged is not None
                or len(it.results) == len(it.derivation.steps)
            )
            for it in self.inputs
        )

    @property
    def inputs_done(self) -> int:
        return sum(1 for it in self.inputs if it.final)

    def reports(self, *, missing: str) -> tuple[FileReport, ...]:
        from symderiv.writer.report import FileReport

        out = []
        for it in self.inputs:
            if it.error is not None or it.derivation is None:
                out.append(FileReport(it.name, error=it.error or f"not checked: {missing}"))
                continue
            d = it.derivation
            steps = tuple(
                StepReport(step, it.results.get(pos) or not_judged(it.unjudged or missing))
                for pos, step in enumerate(d.steps)
            )
            skipped = [s.result.detail for s in steps if s.result.method == NOT_JUDGED]
            notes = it.warnings
            if skipped:
                reasons = ", ".join(dict.fromkeys(r.removeprefix("not judged: ") for r in skipped))
                notes += (f"{len(skipped)} of {len(steps)} steps not judged: {reasons}",)
            rep = DerivationReport(derivation=d, steps=steps, seed=self.seed, warnings=notes)
            out.append(FileReport(it.name, rep, positions=it.positions))
        return tuple(out)
