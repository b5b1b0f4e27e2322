"""Seeded test points: random logits at several scales, ties, extreme logits, and targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Standard deviations of the random logits, cycled over the samples.
SCALES = (0.1, 1.0, 10.0, 100.0)


@dataclass(frozen=True)
class Points:
    """A batch of logits with three kinds of targets, and what each point is.

    ``y_hot`` are one-hot rows, ``y_soft`` rows of a Dirichlet(1) draw rounded to multiples of
    2**-20 so that they sum to 1 exactly in float32 and float64 (``p − y`` holds only then),
    ``y_free`` rows of Uniform(0, 2) that do not sum to 1.
    """

    x: np.ndarray
    y_hot: np.ndarray
    y_soft: np.ndarray
    y_free: np.ndarray
    kinds: tuple[str, ...]

    @property
    def y_normalised(self) -> np.ndarray:
        """One-hot targets on even points, soft targets on odd ones: every row sums to 1."""
        out = self.y_soft.copy()
        out[::2] = self.y_hot[::2]
        return out


def extreme_logits(n: int) -> tuple[tuple[str, np.ndarray], ...]:
    """The fixed hard cases: a ±1000 ramp, all equal (0 and 1000), one huge, one tiny.

    >>> dict(extreme_logits(3))["ramp ±1000"]
    array([ 1000.,     0., -1000.])
    """
    ramp = np.linspace(1000.0, -1000.0, n) if n > 1 else np.array([1000.0])
    one_huge = np.zeros(n)
    one_huge[0] = 1000.0
    one_tiny = np.zeros(n)
    one_tiny[-1] = -1000.0
    return (
        ("ramp ±1000", ramp),
        ("all equal 0", np.zeros(n)),
        ("all equal 1000", np.full(n, 1000.0)),
        ("one huge", one_huge),
        ("one tiny", one_tiny),
    )


def make_points(n: int, samples: int, seed: int, dtype: np.dtype) -> Points:
    """``samples`` random points plus the extreme ones, all drawn from ``default_rng(seed)``.

    Every fifth random point has ties (logits rounded to a few values).

    >>> pts = make_points(3, 4, 0, np.dtype("float64"))
    >>> pts.x.shape, pts.kinds[-1]
    ((9, 3), 'one tiny')
    """
    rng = np.random.default_rng(seed)
    rows, kinds = [], []
    for s in range(samples):
        scale = SCALES[s % len(SCALES)]
        row = rng.normal(0.0, scale, n)
        if s % 5 == 4:
            row = np.round(row / scale) * scale
            kinds.append(f"ties σ={scale:g}")
        else:
            kinds.append(f"random σ={scale:g}")
        rows.append(row)
    for name, row in extreme_logits(n):
        rows.append(row)
        kinds.append(name)
    x = np.asarray(rows, dtype=dtype)
    b = x.shape[0]
    y_hot = np.zeros((b, n), dtype)
    y_hot[np.arange(b), rng.integers(0, n, b)] = 1
    y_soft = _dyadic(rng.dirichlet(np.ones(n), b)).astype(dtype)
    y_free = rng.uniform(0.0, 2.0, (b, n)).astype(dtype)
    return Points(x, y_hot, y_soft, y_free, tuple(kinds))


def _dyadic(rows: np.ndarray, bits: int = 20) -> np.ndarray:
    """Rows rounded to multiples of ``2**-bits`` that sum to exactly 1 (the remainder goes to
    each row's largest entry).

    >>> float(_dyadic(np.array([[0.1, 0.2, 0.7]])).sum(dtype=np.float32))
    1.0
    """
    scale = 2**bits
    counts = np.floor(rows * scale)
    top = np.argmax(counts, axis=1)
    counts[np.arange(len(rows)), top] += scale - counts.sum(axis=1)
    out: np.ndarray = counts / scale
    return out
