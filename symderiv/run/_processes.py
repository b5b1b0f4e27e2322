"""Worker processes: each judges the inputs it owns and the tickets it draws; Ctrl-C stops them.

A worker ignores Ctrl-C: the parent handles it, stops the workers and keeps what came in.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import sys
import traceback
from typing import Any

from symderiv.run._collector import Collector
from symderiv.run._judge import Job, judge_input
from symderiv.run._progress import Progress

__all__ = ["in_processes"]


class SharedBoard:
    """The board in shared memory, for worker processes (one lock for all of it)."""

    def __init__(self, ctx: Any, count: int) -> None:
        self.lock = ctx.Lock()
        self.owner = ctx.RawArray("i", [-1] * count)
        self.next = ctx.RawArray("q", [0] * count)

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


def _worker(job: Job, worker: int, board: SharedBoard, events: Any) -> None:
    # NOTE: Ctrl-C is the parent's to handle: it stops the workers and reports what came in.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for f, doc in enumerate(job.docs):
            if doc is not None:
                judge_input(job, f, worker, board, events.put)
    except BaseException:  # noqa: BLE001 - reported to the parent, which reports the input
        events.put(("crash", worker, traceback.format_exc()))
    finally:
        events.put(("done", worker))


def in_processes(job: Job, jobs: int, collector: Collector, progress: Progress | None) -> bool:
    """Run ``jobs`` worker processes; returns whether Ctrl-C stopped them."""
    methods = multiprocessing.get_all_start_methods()
    ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if ctx.get_start_method() == "fork":
        # NOTE: imported once here, the checker is shared by the forked workers (copy on
        # write) instead of imported by each.
        import symderiv.checker  # noqa: F401
        import symderiv.reader  # noqa: F401
    board = SharedBoard(ctx, len(job.docs))
    events = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(job, w, board, events), daemon=True) for w in range(jobs)
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
