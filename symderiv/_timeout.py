"""A wall-clock budget for SymPy computations that may run away."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from symderiv.errors import CheckTimeout


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CheckTimeout` inside the block once ``seconds`` have passed.

    Uses ``SIGALRM``, so it only limits code running in the main thread (elsewhere it is a
    no-op).  Nested limits keep the earlier deadline.  C code that never returns to the
    interpreter (a huge integer power) is not interrupted: readers bound such input first.

    >>> with time_limit(1.0):
    ...     1 + 1
    2
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining < seconds:
        yield
        return

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise CheckTimeout(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:
            signal.setitimer(signal.ITIMER_REAL, max(outer_remaining - seconds, 1e-3))
