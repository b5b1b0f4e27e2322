"""How ``symderiv check`` runs: inputs over processes, a budget per document, progress, Ctrl-C.

The reading and checking passes are untouched; this module only decides *which process judges
which step, and until when*:

* every input is read and checked by one process; an input of at least :data:`SHARE_CHARS`
  characters is read by every process, and its steps are dealt out one at a time (a shared
  ticket counter), so that a long document keeps every core busy;
* a document has a wall-clock budget (from the moment its reading starts): a step met after it
  is spent is not judged, and says so (verdict ``undetermined``, method ``"not-judged"``), and
  the report counts them in a note: nothing is dropped;
* each judged step is handed to the collector as soon as it is judged, so Ctrl-C leaves a
  report of everything judged so far (the rest ``not judged: interrupted``).

The output does not depend on the number of processes: every report is assembled from
per-step results by the same :class:`_Collector`.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import queue
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from symderiv.config import DEFAULT_BUDGET_S, CheckConfig
from symderiv.results import DerivationReport, StepReport, StepResult, Verdict

if TYPE_CHECKING:
    from symderiv.inputs import Document
    from symderiv.model import Derivation, Step
    from symderiv.writer.report import FileReport, Position

def _clock() -> float:
    """The clock of the budgets (CLOCK_MONOTONIC: one clock for every process of the machine)."""
    return time.monotonic()


#: The method of a step that was not judged (its verdict is ``undetermined``).
NOT_JUDGED = "not-judged"
#: An input at least this long has its steps spread over the processes (about 100 steps).
SHARE_CHARS = 16_384
#: Progress is shown once a run has taken this long (and standard error is a terminal).
PROGRESS_AFTER_S = 2.0

Reader = Callable[["Document"], "Derivation"]


def not_judged(reason: str) -> StepResult:
    """The result of a step that was read but not judged, and why.

    NOTE: ``undetermined`` is the contract's verdict for a step whose time ran out; a new
    verdict would break the consumers that know the eight of CONTRACT.md.  ``--strict`` fails
    on it, as on every undetermined step; the method ``"not-judged"`` tells it apart.

    >>> not_judged("interrupted").detail
    'not judged: interrupted'
    """
    return StepResult(Verdict.UNDETERMINED, NOT_JUDGED, detail=f"not judged: {reason}")


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


class _Board(Protocol):
    """What the processes share: who owns each input, its next step ticket, its start time."""

    def own(self, f: int, worker: int) -> bool: ...
    def ticket(self, f: int) -> int: ...
    def start(self, f: int) -> float: ...


class _LocalBoard:
    """The board of a run in one process."""

    def __init__(self, count: int) -> None:
        self.owner = [-1] * count
        self.next = [0] * count
        self.started = [0.0] * count

    def own(self, f: int, worker: int) -> bool:
        if self.owner[f] < 0:
            self.owner[f] = worker
        return self.owner[f] == worker

    def ticket(self, f: int) -> int:
        t = self.next[f]
        self.next[f] = t + 1
        return t

    def start(self, f: int) -> float:
        if not self.started[f]:
            self.started[f] = _clock()
        return self.started[f]


class _SharedBoard:
    """The board in shared memory, for worker processes (one lock for all of it)."""

    def __init__(self, ctx: Any, count: int) -> None:
        self.lock = ctx.Lock()
        self.owner = ctx.RawArray("i", [-1] * count)
        self.next = ctx.RawArray("q", [0] * count)
        self.started = ctx.RawArray("d", [0.0] * count)

    def own(self, f: int, worker: int) -> bool:
        with self.lock:
            if self.owner[f] < 0:
                self.owner[f] = worker
            return bool(self.owner[f] == worker)

    def ticket(self, f: int) -> int:
        with self.lock:
            t = int(self.next[f])
            self.next[f] = t + 1
            return t

    def start(self, f: int) -> float:
        # NOTE: CLOCK_MONOTONIC is one clock for every process of the machine.
        with self.lock:
            if not self.started[f]:
                self.started[f] = _clock()
            return float(self.started[f])


#: Stands for a step another process judges; never reaches a report.
_ELSEWHERE = StepResult(Verdict.UNDETERMINED, "elsewhere", detail="judged by another process")


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs besides the board and where to send its events."""

    docs: tuple[Document | None, ...]
    shared: tuple[bool, ...]
    read: Reader
    cfg: CheckConfig
    budget_s: float | None
    #: the reports need not carry the SymPy forms of the steps (see :func:`_without_sympy`)
    light: bool = False


def _judge_input(
    job: _Job, f: int, worker: int, board: _Board, send: Callable[[tuple[Any, ...]], None]
) -> None:
    """Read input ``f`` and judge its steps (all, or the tickets this worker draws)."""
    from symderiv.checker import check
    from symderiv.checker.engine import judged_once
    from symderiv.errors import SymderivError

    doc = job.docs[f]
    assert doc is not None
    shared = job.shared[f]
    owner = board.own(f, worker)
    if not (shared or owner):
        return
    started = board.start(f)
    try:
        d = job.read(doc)
    except SymderivError as e:
        if owner:
            send(("error", f, f"cannot check {doc.name}: {e}"))
        return
    if owner:
        shown = _without_sympy(d) if job.light else d
        send(("read", f, shown, _positions(doc, d), doc.warnings))
    deadline = started + job.budget_s if job.budget_s else math.inf
    spent = f"the document budget of {job.budget_s or 0:g} s was spent (--budget)"
    if _clock() >= deadline:
        # NOTE: spent by the reading: only the definitions and the unread steps are reported
        # (no step is judged, so the document-wide first pass of the checker is skipped too);
        # the others stay not judged, unless another process judges them.
        if owner:
            _report_unjudged(job, f, d, spent, send)
        return
    ordinal = 0
    ticket: int | None = None

    def around(pos: int, step: Step, judge: Callable[[], StepResult]) -> StepResult:
        nonlocal ordinal, ticket
        if step.is_definition or not step.is_parsed:
            # NOTE: every process that reads the input records its definitions (they are the
            # context of the other steps); the owner reports them, and the steps that could not
            # be read (the reader's reason costs nothing to report).
            res = judge()
            if owner:
                send(("step", f, pos, res))
            return res
        k, ordinal = ordinal, ordinal + 1
        if shared:
            if ticket is None:
                ticket = board.ticket(f)
            if k != ticket:
                return _ELSEWHERE
            ticket = None
        res = judge() if _clock() < deadline else not_judged(spent)
        send(("step", f, pos, res))
        return res

    try:
        with judged_once():
            rep = check(d, job.cfg, around=around)
    except SymderivError as e:
        # NOTE: the checker turns what goes wrong in one step into that step's verdict; what
        # still escapes costs this input only, and is reported as its error.
        if owner:
            send(("error", f, f"cannot check {doc.name}: {e}"))
        return
    if owner:
        final = {
            pos: r.result
            for pos, r in enumerate(rep.steps)
            if r.step.is_definition or not r.step.is_parsed
        }
        send(("final", f, final, rep.warnings))


def _report_unjudged(
    job: _Job, f: int, d: Derivation, reason: str, send: Callable[[tuple[Any, ...]], None]
) -> None:
    """The definitions and unread steps of ``d`` checked alone; every other step not judged."""
    from symderiv.checker import check

    keep = [pos for pos, s in enumerate(d.steps) if s.is_definition or not s.is_parsed]
    rep = check(dataclasses.replace(d, steps=tuple(d.steps[pos] for pos in keep)), job.cfg)
    final = {pos: r.result for pos, r in zip(keep, rep.steps)}
    send(("final", f, final, rep.warnings, reason))


def _without_sympy(d: Derivation) -> Derivation:
    """The derivation as a report shows it: source text, positions, no SymPy forms.

    NOTE: a worker process sends the derivation it read to the parent; SymPy expressions cost
    far more to unpickle than to pickle (6 s for a 5000-step note), and the report's text,
    JSON and annotations use only the steps' source text, spans and warnings.
    """
    steps = tuple(
        dataclasses.replace(s, lhs=None, rhs=None, conditions=()) for s in d.steps
    )
    return dataclasses.replace(d, steps=steps, assumptions=(), context=())


def _positions(doc: Document, d: Derivation) -> tuple[Position, ...]:
    """Where each step stands in the files the user has: file, cell, line and column."""
    from symderiv.writer.report import Position

    out = []
    for step in d.steps:
        span = step.span or step.problem_span
        if span is None:
            out.append(Position(doc.name))
            continue
        file, line, column, cell = doc.locate(span.line, span.column)
        out.append(Position(file, line, column, cell))
    return tuple(out)


@dataclass
class _Input:
    name: str
    error: str | None = None
    derivation: Derivation | None = None
    positions: tuple[Position, ...] = ()
    warnings: tuple[str, ...] = ()
    results: dict[int, StepResult] = field(default_factory=dict)
    final: bool = False
    #: why the steps with no result were not judged, if the owner knows
    unjudged: str | None = None


class _Collector:
    """Per-step results in, reports out; the same assembly for one process and for many."""

    def __init__(self, names: Sequence[str], errors: Sequence[str | None], seed: int) -> None:
        self.inputs = [_Input(n, e, final=e is not None) for n, e in zip(names, errors)]
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
                reasons = ", ".join(
                    dict.fromkeys(r.removeprefix("not judged: ") for r in skipped)
                )
                notes += (f"{len(skipped)} of {len(steps)} steps not judged: {reasons}",)
            rep = DerivationReport(derivation=d, steps=steps, seed=self.seed, warnings=notes)
            out.append(FileReport(it.name, rep, positions=it.positions))
        return tuple(out)


class Progress:
    """A one-line progress report on a terminal, once a run takes more than a moment."""

    def __init__(self, stream: TextIO | None, *, after_s: float = PROGRESS_AFTER_S) -> None:
        self.stream = stream if stream is not None and stream.isatty() else None
        self.start = time.monotonic()
        self.after_s = after_s
        self.last = 0.0
        self.shown = False

    def update(self, c: _Collector) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.start < self.after_s or now - self.last < 0.1:
            return
        self.last = now
        files = len(c.inputs)
        steps = f"{c.judged}/{c.total} steps" if c.total else "reading"
        line = (
            f"symderiv: {steps} judged, {c.inputs_done}/{files} input{'s' * (files != 1)}, "
            f"{now - self.start:.0f} s"
        )
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.stream is not None and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


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
        budget_s: seconds per document (reading included); ``None`` or 0: no budget.
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
    shared = tuple(
        doc is not None and jobs > 1 and len(doc.text) >= SHARE_CHARS for doc in docs
    )
    jobs = min(jobs, max(1, len(live) + sum(shared) * (jobs - 1)))
    job = _Job(tuple(docs), shared, read, cfg, budget_s or None, light=not sympy_forms)
    collector = _Collector(names, errors, cfg.seed)
    interrupted = False
    try:
        if jobs == 1:
            board = _LocalBoard(len(docs))

            def send(event: tuple[Any, ...]) -> None:
                collector.handle(event)
                if progress is not None:
                    progress.update(collector)

            try:
                for f in live:
                    _judge_input(job, f, 0, board, send)
            except KeyboardInterrupt:
                interrupted = True
        else:
            interrupted = _in_processes(job, jobs, collector, progress)
    finally:
        if progress is not None:
            progress.close()
    missing = "interrupted (Ctrl-C)" if interrupted else "a worker process stopped"
    return RunResult(collector.reports(missing=missing), interrupted)


def _worker(job: _Job, worker: int, board: _SharedBoard, events: Any) -> None:
    # NOTE: Ctrl-C is the parent's to handle: it stops the workers and reports what came in.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for f, doc in enumerate(job.docs):
            if doc is not None:
                _judge_input(job, f, worker, board, events.put)
    except BaseException:  # noqa: BLE001 - reported to the parent, which reports the input
        events.put(("crash", worker, traceback.format_exc()))
    finally:
        events.put(("done", worker))


def _in_processes(
    job: _Job, jobs: int, collector: _Collector, progress: Progress | None
) -> bool:
    """Run ``jobs`` worker processes; returns whether Ctrl-C stopped them."""
    methods = multiprocessing.get_all_start_methods()
    ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if ctx.get_start_method() == "fork":
        # NOTE: imported once here, the checker is shared by the forked workers (copy on
        # write) instead of imported by each.
        import symderiv.checker  # noqa: F401
        import symderiv.reader  # noqa: F401
    board = _SharedBoard(ctx, len(job.docs))
    events = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(job, w, board, events), daemon=True)
        for w in range(jobs)
    ]
    for p in procs:
        p.start()
    running = jobs
    try:
        while running:
            try:
                event = events.get(timeout=0.2)
            except queue.Empty:
                if not any(p.is_alive() for p in procs):
                    break
                if progress is not None:
                    progress.update(collector)
                continue
            if event[0] == "done":
                running -= 1
            elif event[0] == "crash":
                print(f"symderiv: a worker process failed:\n{event[2]}", file=sys.stderr)
            else:
                collector.handle(event)
                if collector.complete():
                    break  # NOTE: a worker still reading an input already reported is stopped
            if progress is not None:
                progress.update(collector)
        return False
    except KeyboardInterrupt:
        return True
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=5)
        events.close()
        events.cancel_join_thread()
