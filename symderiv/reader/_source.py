"""Offsets in a document's text turned into 1-based line/column source spans."""

from __future__ import annotations

import bisect

from symderiv.model import SourceSpan


class SourceText:
    """A document's text with a line index, so any character offset maps to a ``SourceSpan``.

    >>> SourceText("ab\\ncd").span(3, 5)
    SourceSpan(line=2, column=1, end_line=2, end_column=2, file=None)
    """

    def __init__(self, text: str, file: str | None = None) -> None:
        self.text = text
        self.file = file
        self._starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of the character at ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def span(self, start: int, end: int) -> SourceSpan:
        """The span of ``text[start:end]`` (the end column is that of its last character)."""
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(max(start, end - 1))
        return SourceSpan(line, col, end_line, end_col, self.file)

    def line_of(self, offset: int) -> int:
        """1-based line number of ``offset``."""
        return self.line_col(offset)[0]
