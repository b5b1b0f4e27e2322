"""Display math, inline math and directive comments found in Markdown or LaTeX, with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Display environments that are blocks of their own.
DISPLAY_ENVS = frozenset(
    f"{name}{star}"
    for name in (
        "equation",
        "align",
        "gather",
        "multline",
        "eqnarray",
        "flalign",
        "alignat",
        "displaymath",
    )
    for star in ("", "*")
)
MAX_BLOCKS = 5000


@dataclass(frozen=True)
class Block:
    """One display block: ``start``/``end`` cover its delimiters, ``body_*`` its content.

    ``index`` is 1-based in file order; ``kind`` is ``"$$"``, ``"\\["`` or the environment
    name; ``problem`` is set when the block is never closed.
    """

    index: int
    start: int
    end: int
    body_start: int
    body_end: int
    kind: str
    problem: str | None = None


@dataclass(frozen=True)
class Inline:
    """Inline math ``$...$`` / ``\\(...\\)`` in prose."""

    start: int
    end: int
    body_start: int
    body_end: int


@dataclass(frozen=True)
class Comment:
    """A directive comment: ``body`` is the text after ``symderiv:``."""

    start: int
    end: int
    body: str


@dataclass(frozen=True)
class Scan:
    """Everything a document's reading starts from."""

    blocks: tuple[Block, ...]
    inlines: tuple[Inline, ...]
    directives: tuple[Comment, ...]
    truncated: bool = False


_MD = re.compile(r"(?m)^[ \t]*(?:```|~~~)|<!--|\$\$|\\\[|\\begin\{([A-Za-z]+\*?)\}|\\\(|\\\$|\$|`")
_TEX = re.compile(r"\\%|%|\$\$|\\\[|\\begin\{([A-Za-z]+\*?)\}|\\\(|\\\$|\$")
_DIRECTIVE = re.compile(r"\s*symderiv\s*:\s*(.*?)\s*$", re.DOTALL)


def _close(text: str, opener: str, start: int) -> int:
    """Offset of the closing delimiter of ``opener`` searched from ``start``, or -1."""
    if opener == "$$":
        return text.find("$$", start)
    if opener == "\\[":
        return text.find("\\]", start)
    return text.find(f"\\end{{{opener}}}", start)


def _closing_len(opener: str) -> int:
    return 2 if opener in ("$$", "\\[") else len(f"\\end{{{opener}}}")


def scan_markdown(text: str) -> Scan:
    """Find display blocks, inline math and ``<!-- symderiv: ... -->`` comments in Markdown.

    Code fences and inline code are skipped.

    >>> s = scan_markdown("a $x$ b\\n$$y = 1$$\\n")
    >>> [(b.index, b.kind, s_ := None) for b in s.blocks], len(s.inlines)
    ([(1, '$$', None)], 1)
    """
    return _scan(text, markdown=True)


def scan_latex(text: str) -> Scan:
    """Find display blocks, inline math and ``% symderiv: ...`` comments in LaTeX.

    >>> [b.kind for b in scan_latex(r"\\begin{align*} a &= b \\end{align*} % x").blocks]
    ['align*']
    """
    return _scan(text, markdown=False)


def _scan(text: str, *, markdown: bool) -> Scan:
    pattern = _MD if markdown else _TEX
    blocks: list[Block] = []
    inlines: list[Inline] = []
    directives: list[Comment] = []
    pos = 0
    n = len(text)
    truncated = False
    while pos < n:
        m = pattern.search(text, pos)
        if m is None:
            break
        tok = m.group(0)
        s = m.start()
        if tok.lstrip(" \t") in ("```", "~~~"):
            fence = tok.lstrip(" \t")
            eol = text.find("\n", m.end())
            if eol == -1:
                break
            close = re.compile(rf"(?m)^[ \t]*{re.escape(fence)}").search(text, eol + 1)
            pos = n if close is None else close.end()
            continue
        if tok == "`":
            close_i = text.find("`", m.end())
            nl = text.find("\n\n", m.end())
            pos = m.end() if close_i == -1 or (nl != -1 and nl < close_i) else close_i + 1
            continue
        if tok in ("\\$", "\\%"):
            pos = m.end()
            continue
        if tok == "<!--":
            close_i = text.find("-->", m.end())
            end = n if close_i == -1 else close_i + 3
            d = _DIRECTIVE.match(text, m.end(), end - 3 if close_i != -1 else n)
            if d:
                directives.append(Comment(s, end, d.group(1)))
            pos = end
            continue
        if tok == "%":
            eol = text.find("\n", m.end())
            end = n if eol == -1 else eol
            d = _DIRECTIVE.match(text, m.end(), end)
            if d:
                directives.append(Comment(s, end, d.group(1)))
            pos = end
            continue
        if tok == "\\(":
            close_i = text.find("\\)", m.end())
            if close_i == -1:
                pos = m.end()
                continue
            inlines.append(Inline(s, close_i + 2, m.end(), close_i))
            pos = close_i + 2
            continue
        if tok == "$":
            close_i = _inline_close(text, m.end())
            if close_i == -1:
                pos = m.end()
                continue
            inlines.append(Inline(s, close_i + 1, m.end(), close_i))
            pos = close_i + 1
            continue
        opener = tok if tok in ("$$", "\\[") else (m.group(1) or "")
        if tok.startswith("\\begin") and opener not in DISPLAY_ENVS:
            pos = m.end()
            continue
        if len(blocks) >= MAX_BLOCKS:
            truncated = True
            break
        close_i = _close(text, opener, m.end())
        if close_i == -1:
            blocks.append(
                Block(
                    len(blocks) + 1,
                    s,
                    n,
                    m.end(),
                    n,
                    opener,
                    problem=f"display math opened with {tok} is never closed",
                )
            )
            break
        end = close_i + _closing_len(opener)
        blocks.append(Block(len(blocks) + 1, s, end, m.end(), close_i, opener))
        pos = end
    return Scan(tuple(blocks), tuple(inlines), tuple(directives), truncated)


def _inline_close(text: str, start: int) -> int:
    """The closing ``$`` of inline math in the same paragraph, or -1."""
    i = start
    limit = min(len(text), start + 2000)
    while i < limit:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "$":
            return i if i > start else -1
        if c == "\n" and text.startswith("\n", i + 1):
            return -1
        i += 1
    return -1
