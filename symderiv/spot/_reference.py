"""Reference derivatives: complex step, Richardson-extrapolated central differences, Taylor test.

All three treat the function as a black box ``f(x, y) -> (B, m)`` and differentiate in ``x``:

- complex step ``Im f(x + i h e_c) / h`` is exact to rounding for analytic ``f`` (no
  subtraction, so ``h`` can be tiny);
- central differences with a *relative* step ``h_c = (eps * max(1, |x_c|))^(1/5)`` (the step
  that balances rounding against the ``h^4`` truncation after one Richardson extrapolation
  ``R = (4 D(h/2) - D(h)) / 3``);
- the eps-free Taylor test: ``r(h) = |f(x + h v) - f(x) - h J v|`` shrinks as ``O(h^2)`` when
  ``J`` is the derivative and only as ``O(h)`` when it is not; the fitted order is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Fn = Callable[[np.ndarray, np.ndarray | None], np.ndarray]

COMPLEX_STEP = 1e-20
TAYLOR_STEPS = tuple(2.0 ** -m for m in range(1, 15))


def _repeat(y: np.ndarray | None, times: int) -> np.ndarray | None:
    return None if y is None else np.repeat(y, times, axis=0)


def complex_step(f: Fn, x: np.ndarray, y: np.ndarray | None, cols: np.ndarray) -> np.ndarray:
    """``∂f_r/∂x_c`` for the columns ``cols``, shape ``(B, m, len(cols))``, in complex128.

    >>> f = lambda x, y: np.exp(x)
    >>> complex_step(f, np.array([[0.0, 1.0]]), None, np.array([1]))[0, :, 0]
    array([0.        , 2.71828183])
    """
    b, n = x.shape
    c = len(cols)
    xz = np.repeat(x.astype(np.complex128)[:, None, :], c, axis=1)
    xz[:, np.arange(c), cols] += 1j * COMPLEX_STEP
    out = f(xz.reshape(b * c, n), _repeat(None if y is None else y.astype(np.float64), c))
    out = np.asarray(out).reshape(b, c, -1)
    result: np.ndarray = np.moveaxis(out.imag / COMPLEX_STEP, 1, 2)
    return result


def relative_steps(x: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The step for each point and column: ``(eps max(1, |x_c|))^(1/5)``, exactly representable.

    >>> float(relative_steps(np.array([[0.0]]), np.array([0]))[0, 0]) > 0
    True
    """
    eps = np.finfo(x.dtype).eps
    h = (eps * np.maximum(1.0, np.abs(x[:, cols]))) ** 0.2
    xc = x[:, cols]
    step: np.ndarray = ((xc + h) - xc).astype(x.dtype)  # the step the arithmetic really takes
    return step


def richardson(f: Fn, x: np.ndarray, y: np.ndarray | None, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences with relative steps and one Richardson extrapolation.

    Returns ``(derivative (B, m, C), rounding bound (B, m, C))``, where the bound is
    ``eps * max|f| / h``: the part of the error no step choice removes.

    >>> d, _ = richardson(lambda x, y: x**3, np.array([[2.0]]), None, np.array([0]))
    >>> bool(abs(d[0, 0, 0] - 12.0) < 1e-9)
    True
    """
    b, n = x.shape
    c = len(cols)
    h = relative_steps(x, cols)  # (B, C)
    eps = np.finfo(x.dtype).eps

    def central(step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        base = np.repeat(x[:, None, :], c, axis=1)
        plus, minus = base.copy(), base.copy()
        idx = np.arange(c)
        plus[:, idx, cols] += step
        minus[:, idx, cols] -= step
        yy = _repeat(y, c)
        fp = np.asarray(f(plus.reshape(b * c, n), yy)).reshape(b, c, -1)
        fm = np.asarray(f(minus.reshape(b * c, n), yy)).reshape(b, c, -1)
        real = (plus - minus)[:, idx, cols][..., None]  # the step the arithmetic really took
        # NOTE: rounding in f is eps (|f| + |x|_max sum|y|): the log-sum-exp subtracts numbers
        # of the size of the logits (weighted by the targets) before anything cancels.
        weight = 1.0 if y is None else np.sum(np.abs(y), axis=1)[:, None, None]
        xmax = np.max(np.abs(x), axis=1)[:, None, None]
        scale = np.maximum(np.abs(fp), np.abs(fm)) + xmax * weight
        return (fp - fm) / real, scale

    d1, s1 = central(h)
    d2, s2 = central(h / 2)
    deriv = (4.0 * d2 - d1) / 3.0
    bound = eps * np.maximum(s1, s2) / (h / 2)[..., None]
    return np.moveaxis(deriv, 1, 2), np.moveaxis(bound, 1, 2)


@dataclass(frozen=True)
class TaylorResult:
    """Per point: the fitted order of the remainder (``nan`` when flat) and the remainders."""

    order: np.ndarray
    flat: np.ndarray
    remainder: np.ndarray
    linear: np.ndarray


def taylor_test(
    f: Fn, x: np.ndarray, y: np.ndarray | None, v: np.ndarray, jv: np.ndarray
) -> TaylorResult:
    """Fit the order of ``r(h) = max_r |f(x + h v) − f(x) − h (J v)_r|`` over ``TAYLOR_STEPS``.

    A remainder under the rounding floor at every step is *flat* (the linear model is exact to
    rounding there, e.g. on saturated logits); otherwise the order is the log-log slope over the
    three smallest steps where the remainder stands clear of rounding.

    >>> x = np.array([[0.3, -0.2]]); v = np.array([[1.0, 0.5]])
    >>> good = taylor_test(lambda x, y: np.sin(x), x, None, v, np.cos(x) * v)
    >>> bool(good.order[0] > 1.8)
    True
    """
    return taylor_order(x, taylor_values(f, x, y, v), jv)


def taylor_values(
    f: Fn, x: np.ndarray, y: np.ndarray | None, v: np.ndarray
) -> tuple[np.ndarray, ...]:
    """``f(x)`` and ``f(x + h v)`` for every ``h`` of ``TAYLOR_STEPS``: shared by all formulas
    for the same function, so each formula costs only its remainders.

    >>> len(taylor_values(lambda x, y: x, np.zeros((1, 2)), None, np.ones((1, 2))))
    15
    """
    b = x.shape[0]
    values = [np.asarray(f(x, y)).reshape(b, -1)]
    for h in TAYLOR_STEPS:
        values.append(np.asarray(f((x + h * v).astype(x.dtype), y)).reshape(b, -1))
    return tuple(values)


def taylor_order(
    x: np.ndarray, values: tuple[np.ndarray, ...], jv: np.ndarray,
    jv_floor: np.ndarray | float = 0.0,
) -> TaylorResult:
    """The remainders and fitted orders of one formula's ``J v`` (see :func:`taylor_test`).

    ``jv_floor`` (per point) bounds the formula's own rounding in ``J v``: a formula
    evaluated in float32 and checked against a float64 function has a remainder floor of
    ``h jv_floor`` that is not a wrong derivative.

    >>> x = np.array([[1.0]]); v = np.array([[1.0]])
    >>> vals = taylor_values(lambda x, y: x**2, x, None, v)
    >>> bool(abs(taylor_order(x, vals, 2 * x * v).order[0] - 2) < 0.1)
    True
    """
    eps = np.finfo(x.dtype).eps
    n = x.shape[1]
    f0, fhs = values[0], values[1:]
    jv = jv.reshape(x.shape[0], -1)
    rem, lin, noise = [], [], []
    xscale = np.maximum(1.0, np.max(np.abs(x), axis=1))
    slope = np.max(np.abs(jv), axis=1) * xscale
    for h, fh in zip(TAYLOR_STEPS, fhs):
        rem.append(np.max(np.abs(fh - f0 - h * jv), axis=1))
        lin.append(np.max(np.abs(h * jv), axis=1))
        size = np.max(np.abs(f0) + np.abs(fh), axis=1)
        own = h * np.asarray(jv_floor)
        noise.append(16.0 * np.sqrt(n) * eps * (1.0 + size + slope) + own)
    r_arr, n_arr = np.array(rem).T, np.array(noise).T  # (B, steps)
    clear = r_arr > 10.0 * n_arr
    flat = ~clear.any(axis=1)
    # least-squares slope of log r against log h over the three smallest clear steps, all
    # points at once; fewer than three clear steps leave the order nan (inconclusive: two
    # large steps may still be pre-asymptotic)
    from_end = np.cumsum(clear[:, ::-1], axis=1)[:, ::-1]
    w = (clear & (from_end <= 3)).astype(np.float64)
    lh = np.log(np.array(TAYLOR_STEPS))[None, :]
    lr = np.log(np.where(clear, r_arr, 1.0))
    sw, sx, sy = w.sum(1), (w * lh).sum(1), (w * lr).sum(1)
    sxx, sxy = (w * lh * lh).sum(1), (w * lh * lr).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        order = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
    order = np.where(sw >= 3, order, np.nan)
    return TaylorResult(order, np.asarray(flat), r_arr[:, -1], np.array(lin).T[:, -1])
