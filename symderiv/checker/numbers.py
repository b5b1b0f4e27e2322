"""Numeric claims (``= 0.155``, ``[0.154, 0.7, 1]``) judged against the digits shown, and log bases.

Tolerance policy.  A claim is read from its digits: written with ``k`` decimals (``"0.155"``
has k = 3, ``"0.7"`` k = 1, ``"1.50"`` k = 2, ``"1.5e-3"`` k = 4), it matches a value

* **exactly** when they agree to a relative ``1e-9`` (floating-point noise);
* when it **rounds** to it: ``|value - claim| <= 0.5 * 10**-k`` (half up or down, ties allowed);
* when it is the value **truncated** to k decimals: ``|claim| <= |value| < |claim| + 10**-k``
  with the same sign (the digits after the k-th dropped).

A claim written without decimals (``"1"``, ``"10"``, k <= 0) is an integer written exactly: it
matches only exactly.  Rounding is preferred to truncation when both hold (``0.74`` written
``0.7`` is reported as rounding; ``0.76`` written ``0.7`` is a truncation).

Log bases.  ``\\log`` means the natural log.  When a claim fails with it, the expression is
re-evaluated with every ``log(a)`` read as ``log(a)/log(10)`` and ``log(a)/log(2)``; a base
that makes the claim hold is reported.  A document whose numbers hold only in base 10 while its
calculus (``d log p / dp = 1/p``) needs the natural log mixes log bases.
"""

from __future__ import annotations

import decimal
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sympy

from symderiv.errors import ParseError

__all__ = [
    "BaseReading",
    "ClaimMatch",
    "LogBaseUse",
    "NumericClaim",
    "claimed_texts",
    "evaluate_constant",
    "judge_claim",
    "judge_numeric_claim",
    "log_base_alternatives",
    "mixed_log_bases",
    "needs_natural_log",
    "parse_claim",
    "substituting",
    "with_log_base",
]

EXACT_RTOL = 1e-9
"""Relative agreement that counts as exact (floating-point noise only)."""

Value = float | complex | Sequence[float | complex]
Evaluate = Callable[[sympy.Expr], Value]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_claim(text: str) -> tuple[Decimal, int]:
    """The number a claim writes and how many decimals it shows.

    Accepts ``-0.155``, ``.5``, ``1.5e-3``; a Unicode minus sign, surrounding braces and
    spaces are tolerated.  Anything else (``1{,}5``, ``\\frac{1}{2}``) is not a claim's digits.

    Raises:
        ParseError: the text is not a plain decimal number.

    >>> parse_claim("0.155")
    (Decimal('0.155'), 3)
    >>> parse_claim("1")
    (Decimal('1'), 0)
    """
    cleaned = text.strip().replace("\u2212", "-").strip("{}").replace(" ", "")
    if not _NUMBER.match(cleaned):
        raise ParseError(f"not a decimal number: {text!r}")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as err:  # pragma: no cover - the regex admits only valid decimals
        raise ParseError(f"not a decimal number: {text!r}") from err
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite by the regex
    return number, max(-exponent, 0)


_TOKEN = re.compile(r"(?<![\w.])[+\-\u2212]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])")


_LAYOUT_COMMANDS = re.compile(
    r"\\(?:begin|end)\s*\{[^{}]*\}|\\(?:d|t)?frac|\\left|\\right|\\cdot|\\times|\\approx"
    r"|\\[,;:! ]|\\quad|\\qquad|\\text\s*\{[^{}]*\}|\\mathrm\s*\{[^{}]*\}|\\\\"
)


def _names_a_quantity(latex: str) -> bool:
    """Whether a side's source names something (a letter outside layout commands)."""
    return re.search(r"[A-Za-z]", _LAYOUT_COMMANDS.sub(" ", latex)) is not None


def claimed_texts(rhs: sympy.Basic, latex: str | None = None) -> str | tuple[str, ...] | None:
    """The digits a numeric claim shows: one text, a tuple for a vector, ``None`` if not a claim.

    A numeric claim is a right side that is a number or a matrix of numbers.  The digits are
    taken from the claim's source ``latex`` when it shows exactly as many numbers as the claim
    has entries (so ``0.70`` keeps its two decimals); otherwise from the shortest text that
    reads back as each value (``0.7``).

    >>> claimed_texts(sympy.Matrix([0.154, 0.7, 1]), r"\\begin{bmatrix} 0.154\\\\0.70\\\\1 \\end{bmatrix}")
    ('0.154', '0.70', '1')
    >>> claimed_texts(sympy.Float("0.155"))
    '0.155'
    >>> claimed_texts(sympy.Symbol("a")) is None
    True
    """
    if latex is not None and _names_a_quantity(latex):
        # NOTE: -2[mu_B - mu_B] is 0 by cancellation, not a claimed number.
        return None
    if isinstance(rhs, sympy.MatrixBase):
        entries = list(rhs)
        if not entries or not all(isinstance(e, sympy.Number) for e in entries):
            return None
    elif isinstance(rhs, sympy.Number):
        entries = [rhs]
    else:
        return None
    shown = [t.replace("\u2212", "-") for t in _TOKEN.findall(latex)] if latex else []
    if len(shown) == len(entries):
        texts = shown
    else:
        texts = [_shortest(e) for e in entries]
    return tuple(texts) if isinstance(rhs, sympy.MatrixBase) else texts[0]


def _shortest(number: sympy.Basic) -> str:
    if isinstance(number, sympy.Integer):
        return str(int(number))
    return repr(float(number))


@dataclass(frozen=True)
class ClaimMatch:
    """Whether a value matches the claimed digits, and how.

    ``how`` is ``"exact"``, ``"rounds to k decimals"``, ``"truncated to k decimals"`` or
    ``"differs"`` (k written out, ``"1 decimal"`` in the singular).  For a vector claim,
    ``entries`` holds each entry's match and ``how`` lists them (``"0.154 truncated to 3
    decimals; 0.7 rounds to 1 decimal; 1 exact"``) unless they all agree.
    """

    holds: bool
    how: str
    claimed: str
    value: float | complex | tuple[float | complex, ...]
    decimals: int | None = None
    entries: tuple[ClaimMatch, ...] = ()

    @property
    def phrase(self) -> str:
        """``"0.155 by rounding"``, ``"0.154 by truncation"``, ``"1 exactly"``, ``"0.3 differs"``."""
        if self.entries:
            return ", ".join(e.phrase for e in self.entries)
        word = {"exact": "exactly", "differs": "differs"}.get(self.how)
        if word is None:
            word = "by rounding" if self.how.startswith("rounds") else "by truncation"
        return f"{self.claimed} {word}"


def _decimals_word(k: int) -> str:
    return f"{k} decimal" if k == 1 else f"{k} decimals"


def _judge_scalar(value: complex, claimed_text: str) -> ClaimMatch:
    claim, k = parse_claim(claimed_text)
    shown = claimed_text.strip()
    if isinstance(value, complex):
        if value.imag != 0 and abs(value.imag) > EXACT_RTOL * max(1.0, abs(value.real)):
            return ClaimMatch(False, "differs", shown, value, k)
        value = value.real
    v = float(value)
    if not math.isfinite(v):
        return ClaimMatch(False, "differs", shown, v, k)
    c = float(claim)
    if abs(v - c) <= EXACT_RTOL * max(1.0, abs(c)):
        return ClaimMatch(True, "exact", shown, v, k)
    if k > 0:
        unit = 10.0**-k
        slack = EXACT_RTOL * max(1.0, abs(c))
        if abs(v - c) <= 0.5 * unit + slack:
            return ClaimMatch(True, f"rounds to {_decimals_word(k)}", shown, v, k)
        same_sign = c == 0 or (v > 0) == (c > 0)
        # NOTE: truncation of the value as its shortest decimal (1.9, not the float below it):
        # 1.9 written 1.8 is no truncation, 63487.99999999988 written 63487.9 is one
        places = decimal.Decimal(10) ** -k
        cut = abs(decimal.Decimal(repr(v))).quantize(places, rounding=decimal.ROUND_DOWN)
        if same_sign and cut == abs(decimal.Decimal(repr(c))).quantize(places):
            return ClaimMatch(True, f"truncated to {_decimals_word(k)}", shown, v, k)
    return ClaimMatch(False, "differs", shown, v, k)


def judge_claim(value: Value, claimed_text: str | Sequence[str]) -> ClaimMatch:
    """Does ``value`` match the digits of ``claimed_text`` (see the module's tolerance policy)?

    Args:
        value: the exact value of the claim's left side (a number, or a sequence, matrix or
            array of numbers for a vector).
        claimed_text: the digits the document shows, or a tuple of them for a vector.

    Returns:
        A :class:`ClaimMatch`; for vectors every entry must hold.

    Raises:
        ParseError: a claimed text is not a decimal number.
        ValueError: a vector claim and its value have different lengths.
        TypeError: one is a vector and the other is not.

    >>> judge_claim(-math.log10(0.7), "0.155").how
    'rounds to 3 decimals'
    >>> judge_claim(-math.log10(0.7), "0.154").how
    'truncated to 3 decimals'
    >>> judge_claim(-math.log(0.7), "0.155").holds
    False
    """
    # NOTE: an array is a NumPy one only if NumPy was imported; it is not imported to ask.
    numpy = sys.modules.get("numpy")
    if isinstance(value, sympy.MatrixBase) or (
        numpy is not None and isinstance(value, numpy.ndarray)
    ):
        value = tuple(complex(v) for v in value)
    if isinstance(claimed_text, str):
        if isinstance(value, Sequence):
            raise TypeError(f"a vector value of {len(value)} entries against one number")
        return _judge_scalar(value, claimed_text)
    if not isinstance(value, Sequence):
        raise TypeError(f"one value against a vector of {len(claimed_text)} claims")
    if len(value) != len(claimed_text):
        raise ValueError(f"{len(value)} values against {len(claimed_text)} claimed entries")
    entries = tuple(_judge_scalar(v, t) for v, t in zip(value, claimed_text))
    hows = {e.how for e in entries}
    how = hows.pop() if len(hows) == 1 else "; ".join(f"{e.claimed} {e.how}" for e in entries)
    values = tuple(e.value for e in entries)
    assert all(not isinstance(v, tuple) for v in values)
    return ClaimMatch(
        all(e.holds for e in entries),
        how,
        "(" + ", ".join(e.claimed for e in entries) + ")",
        values,  # type: ignore[arg-type]
        None,
        entries,
    )


def with_log_base(expr: sympy.Expr, base: int) -> sympy.Expr:
    """``expr`` with every ``log(a)`` read as ``log(a)/log(base)``.

    An explicit ``log(a)/log(10)`` is unchanged by ``with_log_base(., 10)`` up to
    simplification (the ratio of two base-b logs is the ratio of natural logs).

    >>> a = sympy.Symbol("a", positive=True)
    >>> with_log_base(-sympy.log(a), 10)
    -log(a)/log(10)
    """
    denominator = sympy.log(sympy.Integer(base))
    return expr.replace(
        lambda e: isinstance(e, sympy.log),
        lambda e: sympy.log(e.args[0]) / denominator,
    )


def evaluate_constant(expr: sympy.Expr) -> float | complex | tuple[float | complex, ...]:
    """The value of an expression without free symbols (a matrix gives a tuple of its entries).

    Raises:
        ValueError: ``expr`` has free symbols.

    >>> round(evaluate_constant(-sympy.log(sympy.Rational(7, 10)) / sympy.log(10)), 6)
    0.154902
    """
    if isinstance(expr, sympy.MatrixBase):
        return tuple(_constant(e) for e in expr)
    return _constant(expr)


def _constant(expr: sympy.Expr) -> float | complex:
    if expr.free_symbols:
        raise ValueError(
            f"cannot evaluate {expr} without values for {sorted(map(str, expr.free_symbols))}"
        )
    c = complex(sympy.N(expr, 17))
    return c.real if c.imag == 0 else c


def substituting(values: Mapping[sympy.Basic, sympy.Basic]) -> Evaluate:
    """An evaluator that puts ``values`` in (entries such as ``P[1] -> 0.7``) and then evaluates.

    Use it to keep a claim's logs visible for :func:`log_base_alternatives`: SymPy evaluates
    ``log(0.7)`` to a number the moment ``0.7`` is put in, after which no base can be changed.
    So pass the expression with its entries (``-log(P[1])``) and let the evaluator put the
    numbers in after the logs were re-read.

    >>> from symderiv.symbols import distribution
    >>> P = distribution("P")
    >>> [r.base for r in log_base_alternatives(substituting({P[1]: 0.7}), -sympy.log(P[1]), "0.155")]
    [10]
    """
    frozen = {k: sympy.sympify(v) for k, v in values.items()}

    def evaluate(expr: sympy.Expr) -> float | complex | tuple[float | complex, ...]:
        return evaluate_constant(expr.xreplace(frozen))

    return evaluate


@dataclass(frozen=True)
class BaseReading:
    """A claim re-read with ``log`` in another base, and what that gives."""

    base: int
    match: ClaimMatch

    @property
    def text(self) -> str:
        """E.g. ``"holds with log base 10 (0.155 by rounding)"``."""
        return f"holds with log base {self.base} ({self.match.phrase})"


def log_base_alternatives(
    evaluate: Evaluate, expr: sympy.Expr, claimed_text: str | Sequence[str]
) -> tuple[BaseReading, ...]:
    """The log bases (10, then 2) with which the claim ``expr = claimed_text`` holds.

    ``expr`` must show its logs (definitions applied, ``-log(P[x])`` rather than ``I[x]``);
    ``evaluate`` supplies every other value (the document's vectors, for instance) and returns a
    number or a sequence of numbers for a vector claim.

    Args:
        evaluate: computes the value of an expression.
        expr: the claim's left side, natural logs.
        claimed_text: the digits shown (a tuple for a vector).

    Returns:
        One :class:`BaseReading` per base that makes the claim hold; empty if none does.

    >>> seven = sympy.log(sympy.Rational(7, 10))
    >>> [r.text for r in log_base_alternatives(evaluate_constant, -seven, "0.155")]
    ['holds with log base 10 (0.155 by rounding)']
    """
    readings = []
    for base in (10, 2):
        match = judge_claim(evaluate(with_log_base(expr, base)), claimed_text)
        if match.holds:
            readings.append(BaseReading(base, match))
    return tuple(readings)


@dataclass(frozen=True)
class NumericClaim:
    """The judgement of one numeric claim: with the natural log, and with the other bases."""

    natural: ClaimMatch
    alternatives: tuple[BaseReading, ...]

    @property
    def holds(self) -> bool:
        """True when the claim holds with the natural log (the document's stated meaning)."""
        return self.natural.holds

    @property
    def base(self) -> int | str | None:
        """The base the numbers use: ``"e"``, the first alternative base, or ``None``."""
        if self.natural.holds:
            return "e"
        return self.alternatives[0].base if self.alternatives else None

    @property
    def text(self) -> str:
        """One reader-facing sentence."""
        if self.natural.holds:
            return f"the claim holds: {self.natural.phrase}"
        got = _show(self.natural.value)
        if self.alternatives:
            alt = self.alternatives[0]
            return f"the claim {alt.text}, not with the natural log (natural log gives {got})"
        return f"the claim differs: the value is {got}, not {self.natural.claimed}"


def _show(v: object) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(_show(e) for e in v) + ")"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def judge_numeric_claim(
    evaluate: Evaluate, expr: sympy.Expr, claimed_text: str | Sequence[str]
) -> NumericClaim:
    """Judge ``expr = claimed_text`` with the natural log and, if that fails, with base 10 and 2.

    >>> c = judge_numeric_claim(evaluate_constant, -sympy.log(sympy.Rational(1, 5)), "0.7")
    >>> c.holds, c.base
    (False, 10)
    >>> c.text
    'the claim holds with log base 10 (0.7 by rounding), not with the natural log (natural log gives 1.60944)'
    """
    natural = judge_claim(evaluate(expr), claimed_text)
    alternatives = () if natural.holds else log_base_alternatives(evaluate, expr, claimed_text)
    return NumericClaim(natural, alternatives)


def needs_natural_log(
    lhs: sympy.Expr,
    rhs: sympy.Expr,
    *,
    equal: Callable[[sympy.Expr, sympy.Expr], bool | None] | None = None,
) -> bool:
    """Is this step's calculus tied to the natural log (a derivative of a log, ``d log p/dp = 1/p``)?

    Structurally: one side differentiates an expression containing ``log``.  With ``equal``
    given, also require that the step fails when ``log`` is read as base 10 (so it holds only
    with the natural log).

    >>> from symderiv.symbols import i, j, p, x
    >>> needs_natural_log(sympy.Derivative(sympy.log(p[j]), x[i]), sympy.Derivative(p[j], x[i]) / p[j])
    True
    >>> needs_natural_log(-sympy.log(p[j]), sympy.log(1 / p[j]))
    False
    """
    has = any(
        isinstance(node, sympy.Derivative) and node.expr.has(sympy.log)
        for side in (lhs, rhs)
        for node in sympy.preorder_traversal(side)
    )
    if not has or equal is None:
        return has
    return equal(with_log_base(lhs, 10), with_log_base(rhs, 10)) is False


@dataclass(frozen=True)
class LogBaseUse:
    """Evidence of the log base a step relies on.

    ``kind`` is ``"numbers"`` (a numeric claim that holds in ``base``) or ``"calculus"`` (a
    step whose derivative of a log holds in ``base``); ``base`` is ``"e"``, 10 or 2; ``where``
    locates the step for the reader (``"block 7"``).
    """

    kind: str
    base: int | str
    where: str


def mixed_log_bases(uses: Iterable[LogBaseUse]) -> str | None:
    """The document-level finding when numbers and calculus rely on different log bases.

    Returns ``None`` when every use agrees (or there is no calculus or no numbers).

    >>> mixed_log_bases([LogBaseUse("numbers", 10, "block 3"), LogBaseUse("calculus", "e", "block 9")])
    'the document mixes log bases: its numbers use log base 10 (block 3) while its calculus uses the natural log (block 9)'
    >>> mixed_log_bases([LogBaseUse("numbers", "e", "block 3"), LogBaseUse("calculus", "e", "block 9")])
    """
    uses = tuple(uses)
    for kind in (u.kind for u in uses):
        if kind not in ("numbers", "calculus"):
            raise ValueError(f"unknown kind of log-base use: {kind!r}")
    number_bases = _group(u for u in uses if u.kind == "numbers")
    calculus_bases = _group(u for u in uses if u.kind == "calculus")
    if not number_bases or not calculus_bases:
        return None
    if set(number_bases) == set(calculus_bases) and len(number_bases) == 1:
        return None
    return (
        "the document mixes log bases: its numbers use "
        + _describe(number_bases)
        + " while its calculus uses "
        + _describe(calculus_bases)
    )


def _group(uses: Iterable[LogBaseUse]) -> dict[int | str, list[str]]:
    grouped: dict[int | str, list[str]] = {}
    for u in uses:
        grouped.setdefault(u.base, []).append(u.where)
    return grouped


def _describe(grouped: dict[int | str, list[str]]) -> str:
    parts = []
    for base, places in grouped.items():
        name = "the natural log" if base == "e" else f"log base {base}"
        parts.append(f"{name} ({', '.join(places)})")
    return " and ".join(parts)
