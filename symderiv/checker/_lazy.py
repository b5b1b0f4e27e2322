"""NumPy and SymEngine, imported when first used: most checks need neither.

A document whose steps are all proved symbolically never samples a point (NumPy) nor builds a
concrete-n matrix (SymEngine); importing them costs every run about a fifth of a second of
start-up. ``from symderiv.checker._lazy import numpy as np`` gives a stand-in that imports the
module on its first attribute access (type checkers see the module itself).
"""

from __future__ import annotations

import importlib
import signal
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["OnFirstUse", "load", "numpy", "symengine"]


class OnFirstUse:
    """A module imported when one of its attributes is first asked for."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = load(self._name)
        return getattr(self._module, attr)


def load(name: str) -> ModuleType:
    """Import ``name`` with a step's time limit paused until the module has loaded.

    NOTE: the first use often falls inside a step's time limit (``SIGALRM`` in the main
    thread). Stopped half-way, a module such as NumPy cannot be imported again in the same
    process; and the import is the run's cost, not the step's. So the alarm is blocked and
    its timer stopped while the module loads, then the timer goes on with the time it had
    left (an alarm that had already come fires right after).
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        return importlib.import_module(name)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    left, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        return importlib.import_module(name)
    finally:
        if left:
            signal.setitimer(signal.ITIMER_REAL, left, interval)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


if TYPE_CHECKING:
    import numpy
    import symengine  # type: ignore[import-untyped]
else:
    numpy = OnFirstUse("numpy")
    symengine = OnFirstUse("symengine")
