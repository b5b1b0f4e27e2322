"""The time limit of a computation, in the main thread (SIGALRM) and in any other thread."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator

import pytest

from symderiv._timeout import time_limit
from symderiv.errors import CheckTimeout


def _spin() -> None:
    while True:
        pass


def _in_a_thread(fn: object) -> dict[str, object]:
    out: dict[str, object] = {}

    def run() -> None:
        try:
            fn()  # type: ignore[operator]
            out["returned"] = True
        except CheckTimeout as e:
            out["timeout"] = str(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(30)
    return out


def test_a_limit_stops_a_loop_in_the_main_thread() -> None:
    with pytest.raises(CheckTimeout, match=r"^gave up after 0.2 s$"), time_limit(0.2):
        _spin()


def test_a_limit_stops_a_loop_in_another_thread() -> None:
    def limited() -> None:
        with time_limit(0.2):
            _spin()

    assert _in_a_thread(limited) == {"timeout": "gave up after 0.2 s"}


def test_the_earlier_outer_deadline_stands_in_another_thread() -> None:
    def nested() -> None:
        with time_limit(0.2), time_limit(60):
            _spin()

    assert _in_a_thread(nested) == {"timeout": "gave up after 0.2 s"}


def test_a_limit_that_was_not_reached_leaves_the_thread_alone() -> None:
    def quick() -> None:
        with time_limit(0.05):
            pass
        # the timer is gone: nothing is raised later, while the thread works on
        total = 0
        for k in range(2_000_000):
            total += k

    assert _in_a_thread(quick) == {"returned": True}


def _slow_callback(phase: str, info: dict[str, int]) -> None:
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        pass


def _collect_then_spin() -> None:
    # NOTE: the limit falls inside the slow gc callback, where a raise would be swallowed
    gc.collect()
    end = time.monotonic() + 10
    while time.monotonic() < end:
        pass


@pytest.fixture
def slow_gc_callback() -> Iterator[None]:
    gc.collect()  # NOTE: garbage of earlier tests (its weak references' callbacks) goes first
    gc.callbacks.append(_slow_callback)
    try:
        yield
    finally:
        gc.callbacks.remove(_slow_callback)


@pytest.mark.usefixtures("slow_gc_callback")
def test_a_limit_that_falls_in_a_gc_callback_is_raised_after_it() -> None:
    start = time.monotonic()
    with pytest.raises(CheckTimeout), time_limit(0.1):
        _collect_then_spin()
    assert time.monotonic() - start < 5


@pytest.mark.usefixtures("slow_gc_callback")
def test_a_limit_that_falls_in_a_gc_callback_is_raised_after_it_in_another_thread() -> None:
    def limited() -> None:
        with time_limit(0.1):
            _collect_then_spin()

    start = time.monotonic()
    assert _in_a_thread(limited) == {"timeout": "gave up after 0.1 s"}
    assert time.monotonic() - start < 5


def test_a_limit_that_fired_is_not_raised_after_its_block() -> None:
    def caught() -> None:
        try:
            with time_limit(0.05):
                _spin()
        except CheckTimeout:
            pass
        total = 0
        for k in range(2_000_000):
            total += k

    assert _in_a_thread(caught) == {"returned": True}
    with pytest.raises(CheckTimeout), time_limit(0.05):
        _spin()
    total = 0
    for k in range(2_000_000):
        total += k


def test_a_limit_that_fires_at_once_leaves_no_handler_behind() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    for _ in range(200):
        try:
            with time_limit(1e-6):
                _spin()
        except CheckTimeout:
            pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
