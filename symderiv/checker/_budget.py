"""One time budget per step, and one answer per question within a document (``judged_once``).

Every method of the engine runs under ``timed``: a limit of its own, never past the step's
deadline, and SymPy giving up on a form (its own errors) is a weaker verdict, not a crash.
Within ``judged_once()`` an outermost ``check_equal`` question asked twice is judged once, and
a step is prepared once.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from symderiv._timeout import time_limit
from symderiv.checker._definitions import values_remembered
from symderiv.config import CheckConfig
from symderiv.errors import CheckTimeout
from symderiv.results import StepResult

__all__ = [
    "DEFAULT_CONFIG",
    "STEP_BUDGET_FACTOR",
    "judged_once",
    "prepared_once",
    "remembered",
    "timed",
    "within_step_budget",
]

DEFAULT_CONFIG = CheckConfig()

T = TypeVar("T")

# NOTE: one budget for the whole step (every method, the conditional re-checks included), so
# that a step that is hard for every method costs its budget once, not once per method.
_STEP_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "step_deadline", default=None
)
#: The whole step may take this many times ``step_timeout_s``.
STEP_BUDGET_FACTOR = 2.0


def timed(seconds: float, fn: Callable[..., T], *args: Any) -> tuple[T | None, str | None]:
    """``(fn(*args), None)``, or ``(None, why)`` when it ran out of time or SymPy gave up."""
    deadline = _STEP_DEADLINE.get()
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, "gave up: the step's time ran out"
        seconds = min(seconds, left)
    try:
        with time_limit(seconds):
            return fn(*args), None
    except CheckTimeout as e:
        return None, str(e)
    except RecursionError:
        return None, "too deeply nested"
    except (ValueError, NotImplementedError, ZeroDivisionError) as e:
        # NOTE: SymPy gave up on this form (its own errors); the caller falls back to a weaker
        # method.  A TypeError or AttributeError is a bug, and is not hidden here.
        return None, f"SymPy could not handle it ({type(e).__name__}: {e})"


def within_step_budget(fn: Callable[..., StepResult]) -> Callable[..., StepResult]:
    """Run a check under one budget for the whole step (the outermost call sets it)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> StepResult:
        if _STEP_DEADLINE.get() is not None:
            return fn(*args, **kwargs)
        cfg: CheckConfig = kwargs.get("cfg", DEFAULT_CONFIG)
        token = _STEP_DEADLINE.set(time.monotonic() + STEP_BUDGET_FACTOR * cfg.step_timeout_s)
        try:
            return fn(*args, **kwargs)
        finally:
            _STEP_DEADLINE.reset(token)

    return run


# NOTE: a document often asks the same equality twice (a step copied, the same fix tried for
# two false steps): within ``judged_once()`` the answer is computed once.  Only outermost
# calls are remembered: a nested call runs under its caller's budget.
_MEMO: contextvars.ContextVar[dict[tuple[object, ...], Any] | None] = contextvars.ContextVar(
    "equal_memo", default=None
)


@contextlib.contextmanager
def judged_once() -> Iterator[None]:
    """Within the block, ``check_equal`` judges each question once (same sides, definitions,
    assumptions, conditions, n, options and names) and repeats its answer after that; each
    defined name's value is substituted once (``_definitions.values_remembered``)."""
    token = _MEMO.set({})
    try:
        with values_remembered():
            yield
    finally:
        _MEMO.reset(token)


def _frozen(v: object) -> object:
    return tuple(v) if isinstance(v, (list, tuple)) else v


def remembered(fn: Callable[..., StepResult]) -> Callable[..., StepResult]:
    """Within ``judged_once()``, an outermost question is judged once."""

    @functools.wraps(fn)
    def run(lhs: Any, rhs: Any, **kwargs: Any) -> StepResult:
        memo = _MEMO.get()
        if memo is None or _STEP_DEADLINE.get() is not None:
            return fn(lhs, rhs, **kwargs)
        key = (lhs, rhs, *sorted((k, _frozen(v)) for k, v in kwargs.items()))
        try:
            found = memo.get(key)
        except TypeError:  # a mutable matrix: not remembered
            return fn(lhs, rhs, **kwargs)
        if found is None:
            found = memo[key] = fn(lhs, rhs, **kwargs)
        assert isinstance(found, StepResult)
        return found

    return run


def prepared_once(fn: Callable[..., T]) -> Callable[..., T]:
    """Within ``judged_once()``, a step is prepared once (the fix search prepares it again)."""

    @functools.wraps(fn)
    def run(*args: Any) -> T:
        memo = _MEMO.get()
        if memo is None:
            return fn(*args)
        key = ("prepare", *args)
        try:
            found = memo.get(key)
        except TypeError:
            return fn(*args)
        if found is None:
            found = memo[key] = fn(*args)
        return found

    return run
