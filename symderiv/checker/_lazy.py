"""NumPy and SymEngine, imported when first used: most checks need neither.

A document whose steps are all proved symbolically never samples a point (NumPy) nor builds a
concrete-n matrix (SymEngine); importing them costs every run about a fifth of a second of
start-up. ``from symderiv.checker._lazy import numpy as np`` gives a stand-in that imports the
module on its first attribute access (type checkers see the module itself).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["numpy", "symengine"]


class OnFirstUse:
    """A module imported when one of its attributes is first asked for."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


if TYPE_CHECKING:
    import numpy
    import symengine  # type: ignore[import-untyped]
else:
    numpy = OnFirstUse("numpy")
    symengine = OnFirstUse("symengine")
