"""symderiv: check derivations step by step; derive and spot-check softmax calculus."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
