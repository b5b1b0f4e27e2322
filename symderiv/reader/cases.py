"""Cases the author states for a step: in the sentence before a block (``for $i \\neq j$``, "another
index, called $z$"), in an annotation beside a row (``\\quad (i = j)``) and in ``cases`` rows."""

from __future__ import annotations

import re

import sympy

from symderiv import symbols
from symderiv.model import Assumption, SourceSpan

_REL = r"(=|\\neq|\\ne|≠|!=|\\not=)"
_CASE = re.compile(rf"(?<![A-Za-z\\])([a-z])\s*{_REL}\s*([a-z])(?![A-Za-z_(])")

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


def case_relations(text: str) -> list[tuple[str, str, str]]:
    """Case statements between two index letters in ``text``: ``[(a, op, b), ...]``.

    ``op`` is ``"="`` or ``"!="``.

    >>> case_relations(r"위 식에서 i=j 일 경우와, $i\\neq j$인 경우")
    [('i', '=', 'j'), ('i', '!=', 'j')]
    """
    clean = re.sub(r"\\(?:text|mathrm|mathbf|mbox)\s*\{([^{}]*)\}", r" \1 ", text)
    out = []
    for m in _CASE.finditer(clean):
        op = "=" if m.group(2) == "=" else "!="
        out.append((m.group(1), op, m.group(3)))
    return out


#: A case said in words: "$j$ different from $i$", "$i$ and $j$ are distinct".
_WORD_PAIR = re.compile(
    r"\$\s*([a-z])\s*\$\s*(?:is\s+|being\s+)?(?:different\s+from|distinct\s+from|other\s+than|"
    r"not\s+equal\s+to|unequal\s+to)\s+\$\s*([a-z])\s*\$"
    r"|\$\s*([a-z])\s*\$\s+and\s+\$\s*([a-z])\s*\$\s+(?:are\s+)?(?:different|distinct|differ)\b",
    re.IGNORECASE,
)
#: "another index, called $z$", "for a different output $k$": an index unlike the others.
_WORD_OTHER = re.compile(
    r"\b(?:another|other|a\s+different|different|distinct)\s+(?:index|indices|output|outputs|class|"
    r"classes|entry|entries|component|components|unit|units|neuron|neurons)\b[^$.;]{0,30}"
    r"\$\s*([a-z])\s*\$",
    re.IGNORECASE,
)

#: The second letter of a case that says "unlike every other index of the step".
OTHERS = "*"


def word_cases(sentence: str) -> list[tuple[str, str, str]]:
    """Cases said in words: ``(a, "!=", b)``, or ``(a, "!=", OTHERS)`` for an index the
    sentence calls another one (resolved against each step's free indices).

    >>> word_cases("For an output with another index, called $z$:")
    [('z', '!=', '*')]
    >>> word_cases("when $i$ and $j$ are distinct")
    [('i', '!=', 'j')]
    >>> word_cases("for another value of $x$, say")
    []
    """
    out = []
    for m in _WORD_PAIR.finditer(sentence):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.append((a, "!=", b))
    if not out:
        out = [(m.group(1), "!=", OTHERS) for m in _WORD_OTHER.finditer(sentence)]
    return out


def relation_expr(a: str, op: str, b: str) -> sympy.Basic:
    """``Eq(i, j)`` / ``Ne(i, j)`` over index symbols (``True``/``False`` when a == b)."""
    ia, ib = symbols.index(a), symbols.index(b)
    return sympy.Eq(ia, ib) if op == "=" else sympy.Ne(ia, ib)


def case_from_annotation(text: str) -> tuple[list[tuple[str, str, str]], str | None]:
    """Conditions and a justification from an in-block annotation.

    >>> case_from_annotation(r"\\quad (i \\neq j)")
    ([('i', '!=', 'j')], None)
    >>> case_from_annotation(r"\\text{quotient rule}")
    ([], 'quotient rule')
    """
    rels = case_relations(text)
    if rels:
        return rels, None
    words = re.sub(r"\\[A-Za-z]+|[{}()$]|\\[ ,;!]", " ", text)
    words = " ".join(words.split()).strip(" .,;:")
    return [], (words or None)


def prose_case(prose: str) -> tuple[list[tuple[str, str, str]], str]:
    """The case stated in the sentence just before a block, and the sentence itself.

    Only the last non-blank line counts, and in it the last sentence; a sentence that names a
    case and its negation (``i = j`` ... ``i ≠ j``) is a discussion, not a case.

    >>> prose_case("그러므로 i=j인 경우는 a, i ≠ j인 경우는 b.\\n")[0]
    []
    >>> prose_case("위 식에서 i=j 일 경우와 ... 구해준다. i = i인 경우)")[0]
    [('i', '=', 'i')]
    """
    lines = [ln for ln in prose.splitlines() if ln.strip()]
    if not lines:
        return [], ""
    last = lines[-1].strip()
    sentences = [s for s in _SENTENCE_END.split(last) if s.strip()]
    sentence = sentences[-1] if sentences else last
    rels = case_relations(sentence) + word_cases(sentence)
    pairs = {(frozenset((a, b)), op) for a, op, b in rels}
    ops_by_pair: dict[frozenset[str], set[str]] = {}
    for pair, op in pairs:
        ops_by_pair.setdefault(pair, set()).add(op)
    if any(len(ops) > 1 for ops in ops_by_pair.values()):
        return [], sentence
    return rels, sentence



def condition_assumption(a: str, op: str, b: str, text: str, span: SourceSpan | None) -> Assumption:
    """A case condition as the ``Assumption`` the checker reads from ``Step.conditions``."""
    return Assumption(expr=relation_expr(a, op, b), text=text, source="case", span=span)
