"""Numeric spot-check reports (``symderiv spot``) as a terminal table and as JSON."""

from __future__ import annotations

import math
from typing import Any

from symderiv.results import SpotReport, rel_floor


def to_json(report: SpotReport) -> dict[str, Any]:
    """The CONTRACT.md shape, plus ``dtype``, ``ok`` and each check's formula/reference/message.

    >>> from symderiv.results import SpotCheck
    >>> bad = SpotCheck("finite: f", 7, math.inf, math.inf, False, "f", "finite", "not finite")
    >>> report = SpotReport("softmax-ce", 2, 0, "float64", 7, (bad,))
    >>> sorted(to_json(report))
    ['checks', 'dtype', 'n', 'name', 'ok', 'samples', 'seed']
    >>> to_json(report)["checks"][0]["max_rel_err"]
    'inf'
    """
    return {
        "name": report.name,
        "n": report.n,
        "seed": report.seed,
        "dtype": report.dtype,
        "samples": report.samples,
        "ok": report.ok,
        "checks": [
            {
                "check": c.check,
                "samples": c.samples,
                "max_abs_err": _num(c.max_abs_err),
                "max_rel_err": _num(c.max_rel_err),
                "ok": c.ok,
                "formula": c.formula,
                "reference": c.reference,
                "message": c.message,
                "tolerance": c.tolerance,
                "worst": None if c.worst is None else _num(c.worst),
                "order": c.order,
            }
            for c in report.checks
        ],
    }


def _num(v: float) -> float | str:
    return v if math.isfinite(v) else str(v)


def render(report: SpotReport) -> str:
    """A terminal table: one line per check, then the message of every failed check.

    >>> from symderiv.results import SpotCheck
    >>> bad = SpotCheck("finite: f", 7, math.inf, math.inf, False, "f", "finite", "not finite")
    >>> lines = render(SpotReport("softmax-ce", 2, 0, "float64", 7, (bad,))).splitlines()
    >>> print(lines[0])
    spot softmax-ce: n = 2, 7 points (seed 0), float64
    >>> print(lines[-1])
    0 of 1 checks ok, 1 FAILED
    """
    head = (
        f"spot {report.name}: n = {report.n}, {report.samples} points (seed {report.seed}), "
        f"{report.dtype}"
    )
    width = max(len(c.check) for c in report.checks) if report.checks else 10
    floor = rel_floor(report.dtype)
    lines = [
        head,
        f"an entry passes when |formula - reference| <= tolerance * (1 + |reference|) (central "
        f"differences: plus their rounding bound); err/tol is the largest share of that allowance "
        f"used (ok when <= 1); rel err divides by max(|reference|, {floor:.1e}) (sqrt(eps) of "
        f"{report.dtype}); taylor: ok when the remainder shrinks with order >= 1.5",
        f"{'check':<{width}}  {'max abs err':>11}  {'max rel err':>11}  {'tolerance':>9}  "
        f"{'err/tol':>7}  result",
    ]
    for c in report.checks:
        extra = f"  order {c.order:.2f}" if c.order is not None else ""
        tol = f"{c.tolerance:>9.2g}" if c.tolerance is not None else f"{'-':>9}"
        used = f"{c.worst:>7.2g}" if c.worst is not None else f"{'-':>7}"
        lines.append(
            f"{c.check:<{width}}  {c.max_abs_err:>11.3g}  {c.max_rel_err:>11.3g}  {tol}  "
            f"{used}  {'ok' if c.ok else 'FAIL'}{extra}"
        )
    failed = [c for c in report.checks if not c.ok]
    notes = [c for c in report.checks if c.ok and "overflows" in c.message]
    for c in failed:
        lines.append(f"FAIL {c.check}\n  {c.message}")
    if notes:
        lines.append(f"note: {notes[0].message}")
    total = len(report.checks)
    lines.append(
        f"{total - len(failed)} of {total} checks ok" + ("" if not failed else f", {len(failed)} FAILED")
    )
    return "\n".join(lines)

