"""The progress of a run, shown on a terminal once the run takes more than a moment."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from symderiv.run._collector import Collector

__all__ = ["PROGRESS_AFTER_S", "Progress"]

#: Progress is shown once a run has taken this long (and standard error is a terminal).
PROGRESS_AFTER_S = 2.0


class Progress:
    """A one-line progress report on a terminal, once a run takes more than a moment."""

    def __init__(self, stream: TextIO | None, *, after_s: float = PROGRESS_AFTER_S) -> None:
        self.stream = stream if stream is not None and stream.isatty() else None
        self.start = time.monotonic()
        self.after_s = after_s
        self.last = 0.0
        self.shown = False

    def update(self, c: Collector) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.start < self.after_s or now - self.last < 0.1:
            return
        self.last = now
        files = len(c.inputs)
        steps = f"{c.judged}/{c.total} steps" if c.total else "reading"
        line = (
            f"symderiv: {steps} judged, {c.inputs_done}/{files} input{'s' * (files != 1)}, "
            f"{now - self.start:.0f} s"
        )
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.stream is not None and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
