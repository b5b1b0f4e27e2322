"""One input read and judged by one process: all its steps, or the tickets the process draws.

A document's budget is CPU time: the seconds the process judging it spends on it, its
reading included, so that what a run judges does not depend on the machine's load.  A step met
after the budget is spent is not judged (:func:`not_judged`), nor is the step being judged when
it runs out (:func:`symderiv._timeout.cpu_limit` stops it); each judged step is sent on as soon
as it is judged, as an event the collector assembles.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from symderiv._timeout import Spent, cpu_limit
from symderiv.config import CheckConfig
from symderiv.errors import CheckTimeout
from symderiv.results import StepResult, Verdict

if TYPE_CHECKING:
    from symderiv.inputs import Document
    from symderiv.model import Derivation, Step
    from symderiv.writer.report import Position

__all__ = [
    "ELSEWHERE",
    "NOT_JUDGED",
    "Board",
    "Job",
    "LocalBoard",
    "Reader",
    "clock",
    "judge_input",
    "not_judged",
]


def clock() -> float:
    """The clock of the budgets: the CPU time of this process (every thread of it)."""
    return time.process_time()


#: The method of a step that was not judged (its verdict is ``undetermined``).
NOT_JUDGED = "not-judged"

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


class Board(Protocol):
    """What the processes share: who owns each input and its next step ticket."""

    def own(self, f: int, worker: int) -> bool: ...
    def ticket(self, f: int) -> int: ...


class LocalBoard:
    """The board of a run in one process."""

    def __init__(self, count: int) -> None:
        self.owner = [-1] * count
        self.next = [0] * count

    def own(self, f: int, worker: int) -> bool:
        if self.owner[f] < 0:
            self.owner[f] = worker
        return self.owner[f] == worker

    def ticket(self, f: int) -> int:
        t = self.next[f]
        self.next[f] = t + 1
        return t


#: Stands for a step another process judges; never reaches a report.
ELSEWHERE = StepResult(Verdict.UNDETERMINED, "elsewhere", detail="judged by another process")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs besides the board and where to send its events."""

    docs: tuple[Document | None, ...]
    shared: tuple[bool, ...]
    read: Reader
    cfg: CheckConfig
    budget_s: float | None
    #: the reports need not carry the SymPy forms of the steps (see :func:`_without_sympy`)
    light: bool = False


def judge_input(
    job: Job, f: int, worker: int, board: Board, send: Callable[[tuple[Any, ...]], None]
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
    # NOTE: each process counts its own CPU time on the input (the processes that share a
    # long input each have the budget, so its wall time stays about the budget).
    started = clock()
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
    if clock() >= deadline:
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
                return ELSEWHERE
            ticket = None
        res = _judge_within(judge, deadline, spent) if clock() < deadline else not_judged(spent)
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


def _judge_within(judge: Callable[[], StepResult], deadline: float, why: str) -> StepResult:
    """``judge()``, stopped and not judged if the document's CPU time runs out meanwhile."""
    if deadline == math.inf:
        return judge()
    limit = Spent()
    try:
        with cpu_limit(deadline - clock()) as limit:
            res = judge()
    except CheckTimeout:
        if not limit.fired:
            raise
    # NOTE: a step whose methods the limit stopped is not judged, whatever they left.
    return not_judged(why) if limit.fired else res


def _report_unjudged(
    job: Job, f: int, d: Derivation, reason: str, send: Callable[[tuple[Any, ...]], None]
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
    steps = tuple(dataclasses.replace(s, lhs=None, rhs=None, conditions=()) for s in d.steps)
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
