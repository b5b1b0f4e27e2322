"""Time limits for SymPy computations that may run away, in any thread.

:func:`time_limit` counts wall-clock seconds; :func:`cpu_limit` counts the CPU seconds the
computation uses (the process's in the main thread, the thread's own in another), so that
what it allows does not depend on the machine's load.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from symderiv.errors import CheckTimeout

_local = threading.local()
#: Seconds between further raises once a limit has fired: an exception raised where Python
#: swallows it (a weak reference's callback, a ``__del__``) is raised again shortly after.
#: Inside a garbage-collector callback or the unraisable hook nothing is raised (it would
#: leave the callback's own state half-updated): the next raise comes after it returns.
_AGAIN = 0.05
#: The limit that fired, per thread id: the message of the exception raised there.
_fired: dict[int, float] = {}


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CheckTimeout` inside the block once ``seconds`` have passed.

    In the main thread the limit is ``SIGALRM``; in any other thread (a worker of a thread
    pool, a notebook kernel's) a timer thread raises the exception asynchronously in the
    limited thread.  Nested limits keep the earlier deadline.  Once the limit has fired the
    exception is raised again every ``_AGAIN`` seconds until the block ends: one raised inside
    a garbage-collector callback is swallowed there.  C code that never returns to
    the interpreter (a huge integer power) is not interrupted: readers bound such input first.

    >>> with time_limit(1.0):
    ...     1 + 1
    2
    """
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
        return
    with _thread_limit(seconds):
        yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    with _signal_limit(
        seconds, signal.ITIMER_REAL, signal.SIGALRM, f"gave up after {seconds:g} s", None
    ):
        yield


@contextmanager
def _signal_limit(
    seconds: float, timer: int, signum: int, message: str, spent: Spent | None
) -> Iterator[None]:
    """The limit by a timer signal of the main thread: ``SIGALRM`` counts the wall clock,
    ``SIGPROF`` the process's CPU time."""
    outer_remaining, outer_again = signal.getitimer(timer)
    if outer_remaining and outer_remaining < seconds:
        yield
        return

    armed = [True]

    def _raise(signum: int, frame: FrameType | None) -> None:
        # NOTE: a repeat that lands as the block ends raises nothing
        if armed[0] and not _leaving(frame) and not _in_callback(frame):
            if spent is not None:
                spent.fired = True
            raise CheckTimeout(message)

    previous = signal.signal(signum, _raise)
    signal.setitimer(timer, seconds, _AGAIN)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(timer, 0)
        signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        if outer_remaining:
            signal.setitimer(timer, max(outer_remaining - seconds, 1e-3), outer_again)


def _leaving(frame: FrameType | None) -> bool:
    """Whether ``frame`` is a limit's block being left (its exit, or the limit's clean-up).

    NOTE: a repeat raised there would skip the clean-up that stops the timer, and the timer
    would then raise in whatever runs next (pytest itself, a garbage-collector callback); the
    block is being left anyway, so the repeat is not needed.
    """
    while frame is not None:
        code = frame.f_code
        if code in _CLEANUP:
            return True
        if code is _EXIT:
            manager = frame.f_locals.get("self")
            gen = getattr(manager, "gen", None)
            if getattr(gen, "gi_code", None) in _CLEANUP:
                return True
        frame = frame.f_back
    return False


def _in_callback(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside a callback whose exceptions Python swallows and whose state
    an exception would leave half-updated: a garbage-collector callback (``gc.callbacks``) or
    ``sys.unraisablehook``."""
    codes = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    codes.add(getattr(sys.unraisablehook, "__code__", None))
    codes.discard(None)
    if not codes:
        return False
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


class _ThreadTimeout(CheckTimeout):
    """What a timer thread raises in the limited thread (built with no arguments)."""

    def __init__(self, *args: object) -> None:
        seconds = _fired.pop(threading.get_ident(), None)
        super().__init__(*(args or (f"gave up after {seconds:g} s" if seconds else "gave up",)))


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
# NOTE: c_void_p, so that None passes NULL (which withdraws a pending exception).
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.c_void_p)


@contextmanager
def _thread_limit(seconds: float) -> Iterator[None]:
    deadlines: list[float] = getattr(_local, "deadlines", [])
    _local.deadlines = deadlines
    deadline = time.monotonic() + seconds
    if deadlines and deadlines[-1] <= deadline:
        yield  # NOTE: the earlier, outer deadline stands
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    timers: list[threading.Timer] = []

    def fire() -> None:
        with lock:
            if state["done"]:
                return
            if not _in_callback(sys._current_frames().get(target)):
                state["fired"] = True
                _fired[target] = seconds
                _set_async_exc(target, id(_ThreadTimeout))
            again = threading.Timer(_AGAIN, fire)
            again.daemon = True
            timers.append(again)
            again.start()

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timers.append(timer)
    deadlines.append(deadline)
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:
                # NOTE: fired as the block ended: an exception not yet raised is withdrawn.
                _set_async_exc(target, None)
                _fired.pop(target, None)
            for t in timers:
                t.cancel()
        deadlines.pop()


@dataclass
class Spent:
    """Whether a :func:`cpu_limit` fired (its exception may have been caught inside the block)."""

    fired: bool = False


@contextmanager
def cpu_limit(seconds: float) -> Iterator[Spent]:
    """Raise :class:`CheckTimeout` inside the block once it has used ``seconds`` of CPU time.

    In the main thread the limit is ``SIGPROF`` (``ITIMER_PROF`` counts the process's CPU
    time); in any other thread a timer thread wakes when the wall clock says the time could be
    spent, reads the limited thread's own CPU clock, and raises the exception there if it is
    spent, else sleeps again for what is left (CPU time never runs ahead of the wall clock).
    As with :func:`time_limit`, a limit that fired is raised again every ``_AGAIN`` seconds
    until the block ends, and nested limits keep the earlier deadline.  The value of the
    ``with`` says whether the limit fired.

    >>> with cpu_limit(5.0) as spent:
    ...     _ = sum(range(10))
    >>> spent.fired
    False
    """
    spent = Spent()
    if seconds <= 0:
        yield spent
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _profile_alarm(seconds, spent):
            yield spent
        return
    clock = _thread_cpu_clock()
    if clock is None:
        # NOTE: no per-thread CPU clock here: the wall clock bounds the CPU time from above.
        with time_limit(seconds):
            try:
                yield spent
            except CheckTimeout:
                spent.fired = True
                raise
        return
    with _thread_cpu_limit(seconds, clock, spent):
        yield spent


@contextmanager
def _profile_alarm(seconds: float, spent: Spent) -> Iterator[None]:
    message = f"gave up after {seconds:g} s of CPU time"
    with _signal_limit(seconds, signal.ITIMER_PROF, signal.SIGPROF, message, spent):
        yield


def _thread_cpu_clock() -> int | None:
    """The CPU clock of the calling thread, where the platform has one."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


@contextmanager
def _thread_cpu_limit(seconds: float, clock: int, spent: Spent) -> Iterator[None]:
    target = threading.get_ident()
    deadline = time.clock_gettime(clock) + seconds
    lock = threading.Lock()
    done = [False]
    timers: list[threading.Timer] = []

    def wake(after: float) -> None:
        t = threading.Timer(after, check)
        t.daemon = True
        timers.append(t)
        t.start()

    def check() -> None:
        with lock:
            if done[0]:
                return
            left = deadline - time.clock_gettime(clock)
            if left > 0:
                wake(left)
                return
            if not _in_callback(sys._current_frames().get(target)):
                spent.fired = True
                _fired[target] = seconds
                _set_async_exc(target, id(_ThreadTimeout))
            wake(_AGAIN)

    wake(seconds)
    try:
        yield
    finally:
        with lock:
            done[0] = True
            if spent.fired:
                # NOTE: fired as the block ended: an exception not yet raised is withdrawn.
                _set_async_exc(target, None)
                _fired.pop(target, None)
            for t in timers:
                t.cancel()


#: The code of the limits that raise by signal and of those that wrap them (a generator running
#: it is entering or leaving its block, since during the block it is suspended), and of the
#: exit of a ``contextmanager``.
_CLEANUP = frozenset(
    f.__wrapped__.__code__  # type: ignore[union-attr]
    for f in (time_limit, cpu_limit, _alarm, _profile_alarm, _signal_limit)
)
_EXIT = contextlib._GeneratorContextManager.__exit__.__code__
