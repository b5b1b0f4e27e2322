"""Facts the prose states about the data: ``$\\mathbf y$ is one-hot``, ``$\\sum_k y_k = 1$``.

A fact names its vector: it is used for that vector alone, like the same fact written as a
directive (``<!-- symderiv: assume y one-hot -->``).
"""

from __future__ import annotations

import re

from symderiv.model import Assumption
from symderiv.reader._source import SourceText
from symderiv.reader.blocks import Scan
from symderiv.reader.directives import parse_assumption

_NAME = r"(?:\\(?:mathbf|boldsymbol|bm|vec)\s*\{\s*|\\(?:mathbf|bf|vec)\s+)?([A-Za-z])\s*\}?"
#: "$\mathbf y$ is one-hot", "($y$ one-hot)", "the one-hot answer $y$", "one-hot labels $y$".
_ONE_HOT = re.compile(
    rf"\$\s*{_NAME}\s*\$\s*,?\s*(?:(?:is|are|being|be)\s+)?(?:a\s+|the\s+)?one[- ]hot"
    rf"|\bone[- ]hot(?:[- ]encoded)?\s+(?:[A-Za-z]+\s+){{0,2}}\$\s*{_NAME}\s*\$",
    re.IGNORECASE,
)
#: ``\sum_k y_k = 1`` (its range written or not) as the whole of an inline formula.
_SUM_ONE = re.compile(
    rf"^\s*\\sum\s*(?:_\s*\{{?\s*([a-z])\s*(?:=\s*1\s*)?\}}?)?\s*(?:\^\s*\{{?\s*\w+\s*\}}?)?\s*"
    rf"{_NAME}\s*_\s*\{{?\s*([a-z])\s*\}}?\s*=\s*1\s*$"
)


def prose_facts(src: SourceText, scan: Scan) -> list[Assumption]:
    """The facts the prose and its inline formulas state about vectors of the document.

    >>> from symderiv.reader.blocks import scan_markdown
    >>> text = "Here $\\\\mathbf y$ is one-hot, $\\\\sum_k p_k = 1$, and the one-hot answer $t$.\\n"
    >>> [(a.kind, str(a.expr)) for a in prose_facts(SourceText(text, None), scan_markdown(text))]
    [('one_hot', 'y'), ('one_hot', 't'), ('relation', 'Eq(Sum(p[j], (j, 1, n)), 1)')]
    >>> text = "and let $\\\\mathbf q$ be one-hot.\\n"
    >>> [(a.kind, str(a.expr)) for a in prose_facts(SourceText(text, None), scan_markdown(text))]
    [('one_hot', 'q')]
    """
    text = src.text
    out: list[Assumption] = []
    seen: set[str] = set()
    prose = list(text)
    for b in scan.blocks:  # display math is not prose
        prose[b.start : b.end] = " " * (b.end - b.start)
    flat = "".join(prose)
    for m in _ONE_HOT.finditer(flat):
        name = m.group(1) or m.group(2)
        if f"{name} one-hot" in seen:
            continue
        seen.add(f"{name} one-hot")
        out.append(
            parse_assumption(
                f"{name} one-hot", source="document", span=src.span(m.start(), m.end())
            )
        )
    for inline in scan.inlines:
        body = text[inline.body_start : inline.body_end]
        total = _SUM_ONE.match(body)
        if total is None or total.group(1) not in (None, total.group(3)):
            continue
        fact = f"sum({total.group(2)}) = 1"
        if fact in seen:
            continue
        seen.add(fact)
        out.append(
            parse_assumption(
                fact, source="document", span=src.span(inline.body_start, inline.body_end)
            )
        )
    return out
