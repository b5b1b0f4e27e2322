"""How ``symderiv check`` runs: inputs over processes, a budget per document, progress, Ctrl-C.

The reading and checking passes are untouched; this module only decides *which process judges
which step, and until when*:

* every input is read and checked by one process; an input of at least :data:`SHARE_CHARS`
  characters is read by every process, and its steps are dealt out one at a time (a shared
  ticket counter), so that a long document keeps every core busy;
* a document has a budget of CPU time (the time each process spends on it, its reading
  included, so not the machine's load): a step met after it is spent, and the step being
  judged when it runs out, are not judged, and say so (verdict ``undetermined``, method
  ``"not-judged"``), and the report counts them in a note: nothing is dropped;
* each judged step is handed to the collector as soon as it is judged, so Ctrl-C leaves a
  report of everything judged so far (the rest ``not judged: interrupted``).

The output does not depend on the number of processes: every report is assembled from
per-step results by the same :class:`Collector`.

The jobs live apart: ``_judge`` (one input read and judged by one process), ``_processes``
(the worker processes, and Ctrl-C while they run), ``_collector`` (the reports assembled),
``_progress`` (the line on the terminal); this module schedules them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from symderiv.config import DEFAULT_BUDGET_S, CheckConfig
from symderiv.run._collector import Collector
from symderiv.run._judge import NOT_JUDGED, Job, LocalBoard, Reader, judge_input, not_judged
from symderiv.run._processes import in_processes
from symderiv.run._progress import PROGRESS_AFTER_S, Progress

if TYPE_CHECKING:
    from symderiv.inputs import Document
    from symderiv.writer.report import FileReport

__all__ = [
    "NOT_JUDGED",
    "PROGRESS_AFTER_S",
    "SHARE_CHARS",
    "Progress",
    "RunResult",
    "check_documents",
    "default_jobs",
    "not_judged",
]

#: An input at least this long has its steps spread over the processes (about 100 steps).
SHARE_CHARS = 16_384


@dataclass(frozen=True)
class RunResult:
    """What a run produced: one report per input, in order, and whether Ctrl-C stopped it."""

    reports: tuple[FileReport, ...]
    interrupted: bool = False

    @property
    def not_judged(self) -> int:
        """How many steps were not judged (budget spent, or interrupted)."""
        return sum(
            1
            for f in self.reports
            if f.report is not None
            for s in f.report.steps
            if s.result.method == NOT_JUDGED
        )


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_documents(
    docs: Sequence[Document | None],
    names: Sequence[str],
    errors: Sequence[str | None],
    *,
    read: Reader,
    cfg: CheckConfig = CheckConfig(),
    jobs: int = 1,
    budget_s: float | None = DEFAULT_BUDGET_S,
    progress: Progress | None = None,
    sympy_forms: bool = True,
) -> RunResult:
    """Judge every step of the loaded documents; ``None`` stands for an input not loaded.

    Args:
        docs: the loaded documents (``None`` where ``errors`` says why not).
        names: each input's name, as reported.
        errors: why an input was not loaded, else ``None``.
        read: reads a document into a Derivation (the CLI's assumptions included).
        cfg: the checker's options.
        jobs: processes; 1 judges in this process.
        budget_s: CPU seconds per document and process (reading included); ``None`` or 0: no
            budget.
        progress: where progress is shown, if anywhere.
        sympy_forms: whether the reports' steps keep their SymPy forms (``lhs``, ``rhs``,
            ``conditions``); without them a report is as complete for rendering, and much
            cheaper to pass from a worker process.

    Returns:
        The reports, in the order of ``docs``, and whether Ctrl-C stopped the run (the steps
        not judged then say so).

    Raises:
        ValueError: ``jobs`` is less than 1, or ``budget_s`` negative.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if budget_s is not None and budget_s < 0:
        raise ValueError(f"the budget must be at least 0 seconds, got {budget_s:g}")
    live = [k for k, doc in enumerate(docs) if doc is not None]
    shared = tuple(doc is not None and jobs > 1 and len(doc.text) >= SHARE_CHARS for doc in docs)
    jobs = min(jobs, max(1, len(live) + sum(shared) * (jobs - 1)))
    job = Job(tuple(docs), shared, read, cfg, budget_s or None, light=not sympy_forms)
    collector = Collector(names, errors, cfg.seed)
    interrupted = False
    try:
        if jobs == 1:
            board = LocalBoard(len(docs))

            def send(event: tuple[Any, ...]) -> None:
                collector.handle(event)
                if progress is not None:
                    progress.update(collector)

            try:
                for f in live:
                    judge_input(job, f, 0, board, send)
            except KeyboardInterrupt:
                interrupted = True
        else:
            interrupted = in_processes(job, jobs, collector, progress)
    finally:
        if progress is not None:
            progress.close()
    missing = "interrupted (Ctrl-C)" if interrupted else "a worker process stopped"
    return RunResult(collector.reports(missing=missing), interrupted)
