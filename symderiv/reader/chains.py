"""Splitting a display block into rows, chains and sides: ``&=``, ``\\\\``, annotations, cases.

All positions are offsets in the document.  Prose and layout (``&``, ``\\\\``, ``\\label``,
``\\text{...}`` annotations, trailing punctuation) are replaced by spaces in a working copy of
the text, so that every side is still read at its exact source position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Environments that only lay a display out: their ``\\begin``/``\\end`` are blanked, the rows
#: inside are read.  The display environments themselves are here too, because MathJax
#: users write them inside ``$$`` (``$$\\begin{align}...\\end{align}$$`` is one block).
_LAYOUT_ENVS = (
    r"(?:split|aligned|gathered|alignedat|array|equation|align|gather|multline|eqnarray"
    r"|flalign|alignat|displaymath)\*?"
)
_WRAPPERS = re.compile(
    r"\\begin\s*\{(?:alignat|alignedat|array)\*?\}\s*\{[^{}]*\}"
    rf"|\\(?:begin|end)\s*\{{{_LAYOUT_ENVS}\}}"
    r"|\\(?:label|tag\*?|hspace\*?|vspace\*?)\s*\{[^{}]*\}"
    r"|\\(?:nonumber|notag|displaystyle|indent|noindent|space)(?![A-Za-z])"
)
#: Wrappers whose braced argument holds the rows: ``\\eqalign{a &= b \\cr &= c}``.
_BRACED_LAYOUT = re.compile(r"\\(?:eqalign|eqalignno|displaylines|boxed)\s*\{")
#: Commands that end a row like ``\\\\``.
_ROW_BREAKS = frozenset({"\\\\", "\\cr", "\\newline"})
_CONTROL_SPACES = frozenset({"\\ ", "\\,", "\\;", "\\:", "\\!", "\\>"})
_TOKEN = re.compile(r"\\begin\{[^{}]*\}|\\end\{[^{}]*\}|\\[A-Za-z]+|\\.|[{}()\[\]=&]|:=")
_ANNOTATION_CMDS = frozenset(
    {"text", "mbox", "textrm", "textbf", "mathsf", "quad", "qquad", "hspace", "textit"}
)
_TRAILING = re.compile(r"(?:\s|\\[ ,;:!]|~|[.,;])+$")
_RELATION_CMDS = {"coloneqq": ":=", "approx": "~=", "simeq": "~=", "equiv": "="}


@dataclass
class Row:
    """One line of a display block (between ``\\\\``)."""

    start: int
    end: int
    sides: list[tuple[int, int]] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    annotation: tuple[int, int] | None = None


@dataclass(frozen=True)
class CaseRow:
    """One row of a ``cases`` environment: the value's span and the condition's text."""

    value: tuple[int, int]
    condition: str
    condition_span: tuple[int, int]


class Work:
    """A working copy of the document text in which layout is blanked out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._chars = list(text)
        self._dirty = False
        self._cache = text

    def blank(self, a: int, b: int) -> None:
        for m in range(a, b):
            if self._chars[m] != "\n":
                self._chars[m] = " "
        self._dirty = True

    @property
    def value(self) -> str:
        if self._dirty:
            self._cache = "".join(self._chars)
            self._dirty = False
        return self._cache

    def trimmed(self, a: int, b: int) -> tuple[int, int]:
        s = self.value
        while a < b and s[a].isspace():
            a += 1
        while b > a and s[b - 1].isspace():
            b -= 1
        return a, b


def _matching_brace(s: str, open_at: int, end: int) -> int:
    depth = 0
    m = open_at
    while m < end:
        c = s[m]
        if c == "\\":
            m += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return m
        m += 1
    return -1


def _tokens(s: str, a: int, b: int) -> list[tuple[str, int, int, int]]:
    """(token, start, end, brace/env depth before it) for the structural tokens of s[a:b]."""
    out = []
    depth = 0
    for m in _TOKEN.finditer(s, a, b):
        t = m.group(0)
        if t == "}" or t.startswith("\\end{"):
            depth = max(0, depth - 1)
            out.append((t, m.start(), m.end(), depth))
            continue
        out.append((t, m.start(), m.end(), depth))
        if t == "{" or t.startswith("\\begin{"):
            depth += 1
    return out


def split_rows(work: Work, a: int, b: int) -> list[Row]:
    """Rows of the block body ``[a, b)``, with layout blanked and sides located.

    >>> w = Work(r"a &= b \\\\ &= c \\quad \\text{(quotient rule)}.")
    >>> [(r.sides, r.relations) for r in split_rows(w, 0, len(w.text))]
    [([(0, 1), (5, 6)], ['=']), ([(11, 11), (13, 14)], ['='])]
    """
    s = work.value
    for m in _WRAPPERS.finditer(s, a, b):
        work.blank(m.start(), m.end())
    s = work.value
    for m in re.finditer(r"\\tag\*?\s*\{", s[a:b]):
        close = _matching_brace(s, a + m.end() - 1, b)
        if close != -1:
            work.blank(a + m.start(), close + 1)  # \tag*{...} may hold braces of its own
    s = work.value
    for m in _BRACED_LAYOUT.finditer(s[a:b]):
        open_at = a + m.end() - 1
        close = _matching_brace(s, open_at, b)
        if close != -1:
            work.blank(a + m.start(), open_at + 1)
            work.blank(close, close + 1)
    s = work.value
    for t, ts, te, _depth in _tokens(s, a, b):
        if t in _CONTROL_SPACES:
            work.blank(ts, te)  # "\ " left at a side's end would read as a lone backslash
    s = work.value
    rows: list[Row] = []
    row_start = a
    tokens = _tokens(s, a, b)
    for k, (t, ts, te, depth) in enumerate(tokens):
        if t in ("\\quad", "\\qquad") and depth == 0 and _separates(s, row_start, ts, te, b, tokens[k + 1 :]):
            # NOTE: z = wx + b, \qquad a = \sigma(z): two equations on one line, two rows
            comma = re.search(r",\s*$", s[row_start:ts])
            rows.append(Row(row_start, row_start + comma.start() if comma else ts))
            work.blank(row_start + comma.start() if comma else ts, te)
            row_start = te
        elif t in _ROW_BREAKS and depth == 0:
            rows.append(Row(row_start, ts))
            end = te
            sp = re.match(r"\s*(\*|\[[^\]]{0,12}\])?", s[te:b])
            if sp and sp.group(1):
                end = te + sp.end()
            work.blank(ts, end)
            row_start = end
    rows.append(Row(row_start, b))
    for row in rows:
        _annotate(work, row)
        _split_sides(work, row)
    return rows


def _separates(
    s: str, start: int, ts: int, te: int, b: int, after: list[tuple[str, int, int, int]]
) -> bool:
    """The ``\\quad`` at ``[ts, te)`` stands between two equations of their own."""
    if not _own_equation(s[start:ts]):
        return False
    end = next(
        (xs for x, xs, _xe, d in after if d == 0 and (x in _ROW_BREAKS or x in ("\\quad", "\\qquad"))),
        b,
    )
    return _own_equation(s[te:end])


#: A formula that is an index case and nothing else: ``i = j``, ``(k \neq i)``.
_INDEX_CASE = re.compile(r"[\s(]*[a-z]\s*(?:=|\\neq?|\\not=|!=|≠)\s*[a-z][\s)]*")

#: Words that open prose after a formula (``\text{for } i \neq j``), never a math name.
_PROSE_WORDS = frozenset(
    {
        "for",
        "if",
        "where",
        "when",
        "whenever",
        "since",
        "with",
        "and",
        "or",
        "otherwise",
        "by",
        "using",
        "as",
        "so",
        "then",
        "thus",
        "hence",
        "because",
        "else",
        "all",
        "each",
        "every",
        "is",
        "are",
        "note",
        "see",
        "from",
        "in",
        "on",
        "of",
        "to",
        "at",
        "but",
        "let",
        "given",
        "unless",
        "iff",
        "s.t",
        "st",
        "ie",
        "eg",
        "via",
    }
)
#: What follows a name inside a formula: an argument, an operand or an operator.
_MATH_AFTER = re.compile(
    r"\\(?:left|big|Big|bigg|Bigg|bigl|Bigl|biggl|Biggl|frac|mathbf)|[({\[a-zA-Z0-9]"
)


def _math_name(inner: str) -> bool:
    """True for ``\text{diag}``-like content: one word, no spaces around it, not a prose word."""
    return bool(re.fullmatch(r"[A-Za-z]+", inner)) and inner.lower() not in _PROSE_WORDS


def _label(inner: str, after: str) -> bool:
    """A ``\text{...}`` opening a row is a label when its words are no prose that opens a
    condition (``\text{for } i = j``, ``\text{where } ...`` stay annotations) and a formula
    with its own left side follows (not ``= ...``, which would continue another chain)."""
    words = re.findall(r"[A-Za-z]+", inner)
    rest = re.sub(r"^(?:\\[ ,;:!]|\\(?:quad|qquad|space)(?![A-Za-z])|~|\s)+", "", after)
    return (
        bool(words)
        and words[0].lower() not in _PROSE_WORDS
        and bool(re.match(r"[A-Za-z\\]", rest))
        and "=" in rest
        and not rest.startswith("=")
    )


def _top_level_comma(text: str) -> bool:
    """A comma outside every bracket: a list (``k = 1, 2``), not one formula."""
    depth = 0
    for c in text:
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth = max(0, depth - 1)
        elif c == "," and depth == 0:
            return True
    return False


def _prose_before_formula(s: str, a: int, b: int) -> int:
    r"""Where the prose that opens the row ``s[a:b]`` ends, when an equation of its own follows
    (``\text{where } z = g(x)``, ``\text{and} \quad z^{(l)} = g(\epsilon^{(l)})``): the
    equation is a step of the row, not prose.  ``b`` (all prose) when none follows, or when the
    equation is an index case (``\text{for } i = j``) or a range (``k = 1, \dots, K``).  The
    prose keeps what it states (``\text{for } i \neq j: \quad ...`` is the row's case).

    >>> row = r"\text{where } \epsilon \sim p \quad \text{and} \quad z = g(\epsilon, x)"
    >>> row[_prose_before_formula(row, 0, len(row)):]
    ' z = g(\\epsilon, x)'
    >>> row = r"\text{for } i = j"
    >>> _prose_before_formula(row, 0, len(row)) == len(row)
    True
    """
    last = -1
    for t, _ts, te, depth in _tokens(s, a, b):
        if depth != 0 or not t.startswith("\\") or t[1:] not in _ANNOTATION_CMDS:
            continue
        close = te
        if t[1:] not in ("quad", "qquad"):
            brace = re.match(r"\s*\{", s[te:b])
            if brace is None:
                continue
            close = _matching_brace(s, te + brace.end() - 1, b) + 1
            if close == 0:
                return b
        last = close
    if last == -1:
        return b
    return last if _own_equation(s[last:b]) else b


def _own_equation(formula: str) -> bool:
    r"""``formula`` is an equation with a left side of its own (``z = g(x)``): not an index
    case (``i = j``), a range (``k = 1, \dots, K``), a list or prose.

    >>> [_own_equation(f) for f in (r"a = \sigma(z),", "i = j", "k = 1, 2", r"\text{if } a = b")]
    [True, False, False, False]
    """
    formula = re.sub(r",\s*$", "", formula)
    first = re.match(r"\s*(\\[A-Za-z]+|[A-Za-z])", formula)
    if first is None or first.group(1)[1:] in _ANNOTATION_CMDS:
        return False
    paren = 0
    equals = False
    for t, _ts, _te, depth in _tokens(formula, 0, len(formula)):
        if t in ("(", "["):
            paren += 1
        elif t in (")", "]"):
            paren = max(0, paren - 1)
        elif depth == 0 and paren == 0 and t == "=":
            equals = True
    if not equals or _top_level_comma(formula) or re.search(r"\\[lc]?dots", formula):
        return False
    return _INDEX_CASE.fullmatch(formula) is None


def _annotate(work: Work, row: Row) -> None:
    """Find the row's trailing prose (``\\quad (i \\neq j)``, ``\\text{...}``) and blank it."""
    s = work.value
    for t, ts, te, depth in _tokens(s, row.start, row.end):
        if depth != 0 or not t.startswith("\\") or t[1:] not in _ANNOTATION_CMDS:
            continue
        if t[1:] not in ("quad", "qquad"):
            brace = re.match(r"\s*\{", s[te : row.end])
            if brace is None:
                continue
            close = _matching_brace(s, te + brace.end() - 1, row.end)
            after = s[close + 1 : row.end].lstrip() if close != -1 else ""
            if after[:1] in ("(", "_", "^"):
                continue  # \text{softmax}(x)_i is a name, not prose
            inner = s[te + brace.end() : close] if close != -1 else ""
            before = s[row.start : ts].replace("&", "").strip()
            if not before and re.search(r":\s*$", inner):
                work.blank(ts, close + 1)  # \mbox{Loss: } L = ...: a label before the formula
                continue
            if _math_name(inner) and _MATH_AFTER.match(after):
                continue  # \text{diag}\left(...\right): a name inside the formula, not prose
            if not before and _label(inner, after):
                work.blank(ts, close + 1)  # \text{lower bound} \ L = ...: a label, then a formula
                continue
        start = ts
        before = s[row.start : ts].rstrip()
        if t[1:] in ("quad", "qquad") and not before.replace("&", "").strip():
            work.blank(ts, te)  # indentation of a continued line, not an annotation
            continue
        if before.endswith("("):
            start = row.start + len(before) - 1
        end = row.end
        if not before.replace("&", "").strip():
            end = _prose_before_formula(s, ts, row.end)
        row.annotation = (start, end)
        work.blank(start, end)
        break
    s = work.value
    m = _TRAILING.search(s, row.start, row.end)
    if m and m.start() < row.end:
        work.blank(m.start(), row.end)


def _split_sides(work: Work, row: Row) -> None:
    s = work.value
    cuts: list[tuple[int, int, str]] = []
    paren = 0
    for t, ts, te, depth in _tokens(s, row.start, row.end):
        if t in ("(", "["):
            paren += 1
        elif t in (")", "]"):
            paren = max(0, paren - 1)
        elif depth == 0 and t == "&":
            work.blank(ts, te)
        elif depth == 0 and paren == 0 and t in ("=", ":="):
            if re.search(r"(?:\\not|!)\s*$", s[row.start : ts]):
                continue  # a \not= b, a != b: not an equality
            cuts.append((ts, te, t))
        elif depth == 0 and paren == 0 and t[1:] in _RELATION_CMDS:
            cuts.append((ts, te, _RELATION_CMDS[t[1:]]))
    pos = row.start
    for ts, te, rel in cuts:
        row.sides.append(work.trimmed(pos, ts))
        row.relations.append(rel)
        pos = te
    row.sides.append(work.trimmed(pos, row.end))


_CASES = re.compile(r"^\\begin\{cases\}(.*)\\end\{cases\}$", re.DOTALL)


def cases_rows(work: Work, a: int, b: int) -> list[CaseRow] | None:
    """The rows of a side that is one ``cases`` environment, else None.

    >>> w = Work(r"\\begin{cases} 1 & i = j \\\\ 0 & \\text{otherwise} \\end{cases}")
    >>> [(w.text[r.value[0]:r.value[1]], r.condition) for r in cases_rows(w, 0, len(w.text))]
    [('1', 'i = j'), ('0', '\\\\text{otherwise}')]
    """
    s = work.value
    m = _CASES.match(s[a:b])
    if m is None:
        return None
    body_a, body_b = a + m.start(1), a + m.end(1)
    out: list[CaseRow] = []
    row_start = body_a
    bounds: list[tuple[int, int]] = []
    for t, ts, te, depth in _tokens(s, body_a, body_b):
        if t == "\\\\" and depth == 0:
            bounds.append((row_start, ts))
            row_start = te
    bounds.append((row_start, body_b))
    for ra, rb in bounds:
        amp = next((ts for t, ts, _te, d in _tokens(s, ra, rb) if t == "&" and d == 0), None)
        if amp is None:
            va, vb = work.trimmed(ra, rb)
            if va == vb:
                continue
            out.append(CaseRow((va, vb), "", (vb, vb)))
            continue
        va, vb = work.trimmed(ra, amp)
        ca, cb = work.trimmed(amp + 1, rb)
        cond = s[ca:cb]
        m2 = _TRAILING.search(cond)
        if m2:
            cond = cond[: m2.start()]
        vv = s[va:vb]
        m3 = _TRAILING.search(vv)
        if m3:
            vb = va + m3.start()
        out.append(CaseRow((va, vb), cond.strip(), (ca, cb)))
    return out
