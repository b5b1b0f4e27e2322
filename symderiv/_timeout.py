"""A wall-clock budget for SymPy computations that may run away, in any thread."""

from __future__ import annotations

import ctypes
import gc
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from symderiv.errors import CheckTimeout

_local = threading.local()
#: Seconds by which a limit that falls inside a callback Python runs on its own (a
#: garbage-collector callback, the hook for unraisable exceptions) is put off: an exception
#: raised there is swallowed, and the computation would run on past its limit.
_AGAIN = 0.01
#: The limit that fired, per thread id: the message of the exception raised there.
_fired: dict[int, float] = {}


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CheckTimeout` inside the block once ``seconds`` have passed.

    In the main thread the limit is ``SIGALRM``; in any other thread (a worker of a thread
    pool, a notebook kernel's) a timer thread raises the exception asynchronously in the
    limited thread.  Nested limits keep the earlier deadline.  A limit that falls inside a
    garbage-collector callback is raised as the callback returns (raised inside it, it would be
    swallowed).  C code that never returns to the interpreter (a huge integer power) is not
    interrupted: readers bound such input first.

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
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining < seconds:
        yield
        return

    armed = [True]

    def _raise(signum: int, frame: FrameType | None) -> None:
        if not armed[0]:
            return  # NOTE: a limit put off that lands as the block ends raises nothing
        if _in_callback(frame):
            signal.setitimer(signal.ITIMER_REAL, _AGAIN)
            return
        raise CheckTimeout(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    try:
        # NOTE: armed inside the try: a limit that fires at once still restores the handler
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:
            signal.setitimer(signal.ITIMER_REAL, max(outer_remaining - seconds, 1e-3))


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
            if _in_callback(sys._current_frames().get(target)):
                again = threading.Timer(_AGAIN, fire)
                again.daemon = True
                timers.append(again)
                again.start()
                return
            state["fired"] = True
            _fired[target] = seconds
            _set_async_exc(target, id(_ThreadTimeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timers.append(timer)
    deadlines.append(deadline)
    try:
        timer.start()
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


def _in_callback(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside a callback whose exceptions Python swallows: a
    garbage-collector callback (``gc.callbacks``) or ``sys.unraisablehook``."""
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
