"""Approximations: a step written with ``\\approx`` is judged exactly or by the digits shown.

``\\ln 2 \\approx 0.69`` is a claim about digits: it holds when the value rounds to them and is
``false`` when it does not.  ``\\log(1 + t) \\approx t`` or ``\\frac1n \\sum x_i \\approx \\mu``
is an approximation whose error the document does not bound: it is ``proved`` when the sides
are equal exactly, and a counterexample to the equality refutes nothing, so such a step is
never ``false`` (it is ``undetermined``, saying the sides differ).
"""

from __future__ import annotations

import sympy

from symderiv.results import StepResult, Verdict

__all__ = ["approximated"]


def _digits(e: sympy.Basic) -> bool:
    """A number written as digits (``0.69``, ``3``), or a vector of them."""
    if isinstance(e, sympy.MatrixBase):
        return all(_digits(v) for v in e)
    if isinstance(e, sympy.Mul) and len(e.args) == 2 and e.args[0] == -1:
        return _digits(e.args[1])
    return isinstance(e, (sympy.Float, sympy.Integer))


def approximated(rhs: sympy.Basic, exact: StepResult) -> StepResult:
    """The verdict on ``lhs \\approx rhs`` from the verdict ``exact`` on ``lhs = rhs``.

    >>> from symderiv.results import StepResult, Verdict
    >>> wrong = StepResult(Verdict.FALSE, "sampling", detail="t = 0.7: left 0.53, right 0.7")
    >>> approximated(sympy.Symbol("t"), wrong).verdict.value
    'undetermined'
    >>> approximated(sympy.Float("0.75"), wrong).verdict.value
    'false'
    """
    if exact.verdict is not Verdict.FALSE or _digits(rhs):
        return exact
    shown = exact.counterexample.text if exact.counterexample is not None else exact.detail
    return StepResult(
        Verdict.UNDETERMINED,
        "approximation",
        detail=(
            "an approximation (\\approx) whose error the document does not bound: the sides "
            f"are not equal ({shown}), which does not refute it"
        ),
        warnings=exact.warnings,
    )
