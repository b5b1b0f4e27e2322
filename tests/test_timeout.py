"""The time limits of a computation (wall clock, CPU time), in the main thread and in others."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from symderiv._timeout import cpu_limit, time_limit
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


def _swallow_then_spin() -> None:
    # NOTE: the first raise lands where it is swallowed (as in a garbage-collector callback)
    try:
        _spin()
    except CheckTimeout:
        pass
    end = time.monotonic() + 10
    while time.monotonic() < end:
        pass


def test_a_swallowed_limit_is_raised_again_in_the_main_thread() -> None:
    with pytest.raises(CheckTimeout), time_limit(0.2):
        _swallow_then_spin()


def test_a_swallowed_limit_is_raised_again_in_another_thread() -> None:
    def limited() -> None:
        with time_limit(0.2):
            _swallow_then_spin()

    assert _in_a_thread(limited) == {"timeout": "gave up after 0.2 s"}


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


def test_a_cpu_limit_stops_a_loop_in_the_main_thread() -> None:
    with (
        pytest.raises(CheckTimeout, match=r"^gave up after 0.2 s of CPU time$"),
        cpu_limit(0.2) as spent,
    ):
        _spin()
    assert spent.fired


def test_a_cpu_limit_stops_a_loop_in_another_thread() -> None:
    def limited() -> None:
        with cpu_limit(0.2):
            _spin()

    assert _in_a_thread(limited) == {"timeout": "gave up after 0.2 s"}


def _sleep_under_a_cpu_limit() -> None:
    # NOTE: waiting uses no CPU time: six times the limit passes on the wall clock, unlimited.
    with cpu_limit(0.05) as spent:
        time.sleep(0.3)
    assert not spent.fired


def test_waiting_does_not_spend_a_cpu_limit_in_the_main_thread() -> None:
    _sleep_under_a_cpu_limit()


def test_waiting_does_not_spend_a_cpu_limit_in_another_thread() -> None:
    assert _in_a_thread(_sleep_under_a_cpu_limit) == {"returned": True}


def test_a_swallowed_cpu_limit_is_raised_again() -> None:
    def limited() -> None:
        with cpu_limit(0.2):
            _swallow_then_spin()

    assert _in_a_thread(limited) == {"timeout": "gave up after 0.2 s"}
    with pytest.raises(CheckTimeout), cpu_limit(0.2):
        _swallow_then_spin()


_LATE_AT_THE_EXIT = """
import contextlib, signal, sys, time
from symderiv._timeout import cpu_limit, time_limit
from symderiv.errors import CheckTimeout

limit, signum = {"wall": (time_limit, signal.SIGALRM), "cpu": (cpu_limit, signal.SIGPROF)}[sys.argv[1]]
exit_code = contextlib._GeneratorContextManager.__exit__.__code__
landed, kept = [], []

def repeat_lands(frame, event, arg):
    # the signal's handler run at the entry of the block's exit
    if event == "call" and frame.f_code is exit_code and not landed:
        landed.append(True)
        signal.getsignal(signum)(signum, frame)

sys.setprofile(repeat_lands)
try:
    try:
        with limit(0.05):
            while True:
                pass
    except CheckTimeout as e:
        kept.append(e)  # the traceback keeps the limit's generator alive
    finally:
        sys.setprofile(None)
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        pass
    print("left cleanly" if landed else "the exit was not reached")
except CheckTimeout:
    print("the limit raised after its block")
"""


@pytest.mark.parametrize("kind", ["wall", "cpu"])
def test_a_repeat_that_lands_as_the_block_is_left_does_not_escape(kind: str) -> None:
    # NOTE: a limit that fired, and a repeat that lands as its block is left (as when the
    # process was not scheduled just then): it must not skip the limit's clean-up, else the
    # timer raises in whatever runs next.  In a fresh interpreter: no other limit, no profiler.
    done = subprocess.run(
        [sys.executable, "-c", _LATE_AT_THE_EXIT, kind],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip() == "left cleanly", done.stderr[-2000:]


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
