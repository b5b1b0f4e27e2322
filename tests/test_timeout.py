"""The time limits of a computation (wall clock, CPU time), in the main thread and in others."""

from __future__ import annotations

import threading
import time

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
