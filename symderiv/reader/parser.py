"""A recursive-descent reader of informal ML LaTeX that builds SymPy objects directly (no eval).

Indexed semantics: ``x_i`` is ``symbols.vector("x")[i]``, ``\\sum_j`` binds ``j`` over 1..n,
``P(x)`` is ``symbols.distribution("P")[x]``.  Standard objects whose meaning a document may
define itself (``H(P)``, ``H(P,Q)``, ``D_{KL}(P||Q)``, ``softmax(x)_i``, ``\\sigma(a)``) are read
as undefined functions here and expanded by :mod:`symderiv.reader.normalize` when the document
does not define them.

Long because it is one grammar read by recursive descent: its rules call one another (a
fraction holds expressions, an expression holds fractions), so split by rule its modules would
import each other in a circle.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

import sympy
from sympy.core.function import AppliedUndef
from sympy.matrices.exceptions import MatrixError, ShapeError
from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError
from sympy.tensor.indexed import IndexException

from symderiv import indices, symbols
from symderiv.errors import (
    ParseError,
    UnclosedBracketError,
    UnknownCommandError,
    UnsupportedNotationError,
)
from symderiv.model import SourceSpan
from symderiv.reader import _distributions
from symderiv.reader import _vectors as _v
from symderiv.reader._source import SourceText
from symderiv.reader._tokens import Token, tokenize
from symderiv.reader.normalize import standard_form, standard_names

GREEK = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Phi",
        "Psi",
        "Omega",
        "ell",
    ]
)
#: Function names read from words (``exp(x)``) and commands (``\\exp``).
FUNCTIONS = (
    "softmax",
    "sigmoid",
    "tanh",
    "sinh",
    "cosh",
    "sech",
    "csch",
    "coth",
    "exp",
    "log",
    "sin",
    "cos",
    "tan",
    "ln",
    "sqrt",
)
#: Optimisers over a variable written below them (``\\argmax_\\theta``; ``\\arg\\max_\\theta``).
#: NOTE: not ``\\max_D``: a value defined as a maximum has no value to check against, and it
#: would take the place of the document's explicit definition of the same name.
_OPTIMA = frozenset({"argmax", "argmin", "max", "min"})
_CMD_FUNCS = frozenset(
    {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "coth", "sec", "csc", "cot", "lg"}
)
#: Elementary functions by name, for reading them applied (and primed: ``\\sinh'(x)``).
_ELEMENTARY = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "sech": sympy.sech,
    "csch": sympy.csch,
    "coth": sympy.coth,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
}
_MUL = frozenset({"times", "cdot", "ast"})
_RELATIONS = {
    "=": sympy.Eq,
    "neq": sympy.Ne,
    "ne": sympy.Ne,
    "<": sympy.Lt,
    ">": sympy.Gt,
    "leq": sympy.Le,
    "le": sympy.Le,
    "geq": sympy.Ge,
    "ge": sympy.Ge,
}
#: Standard objects kept as undefined functions until normalisation.
STANDARD_FUNCS = standard_names()
#: Control characters and the replacement character: binary data, never a formula.
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
MAX_NUMBER_DIGITS = 100
MAX_RESULT_DIGITS = 1000


@functools.lru_cache(maxsize=4096)
def _vector(name: str) -> sympy.IndexedBase:
    return symbols.vector(name)


@functools.lru_cache(maxsize=4096)
def _distribution(name: str) -> sympy.IndexedBase:
    return symbols.distribution(name)


#: The bars of a norm, opening and closing.
_NORM_OPEN = frozenset({"|", "Vert", "lVert"})
_NORM_CLOSE = frozenset({"|", "Vert", "rVert"})

#: A row of a matrix that is only dots (``\\vdots``): entries left out.
_ELIDED = sympy.Symbol("\\vdots")


def _pattern(
    head: list[sympy.Expr], last: sympy.Expr
) -> tuple[sympy.Expr, sympy.Dummy, int, sympy.Symbol] | None:
    """``T(1), T(2), ..., T(C)``: the pattern ``T(k)``, ``k``, where the shown terms start (0 or
    1) and the bound ``C`` that the last term is indexed by; None when the terms shown are not
    ``T`` at consecutive numbers from the start (never guessed)."""
    k = sympy.Dummy("k", integer=True)
    # the bound is what the last term is indexed by (a_n, Y_C), never another name
    bounds = [
        u
        for entry in last.atoms(sympy.Indexed)
        for u in entry.indices
        if isinstance(u, sympy.Symbol) and not isinstance(u, sympy.Dummy)
    ]
    for bound in sorted(bounds, key=lambda u: u.name):
        pattern = last.xreplace({bound: k})
        try:
            start = next(
                (m for m in (0, 1) if pattern.xreplace({k: sympy.Integer(m)}) == head[0]),
                None,
            )
            if start is None or any(
                pattern.xreplace({k: sympy.Integer(start + m)}) != u for m, u in enumerate(head)
            ):
                continue
        except ValueError:  # a number where SymPy wants a variable (d/d a_k)
            continue
        return pattern, k, start, bound
    return None


@functools.lru_cache(maxsize=4096)
def _index(name: str) -> sympy.Symbol:
    return symbols.index(name)


def _expectation_head(toks: list[Token]) -> bool:
    """``E_{x \\sim p}`` and nothing more: an expectation operator without its argument."""
    return (
        len(toks) >= 4
        and toks[0].kind == "word"
        and toks[0].text == "E"
        and toks[1].kind == "sym"
        and toks[1].text == "_"
        and toks[2].kind == "sym"
        and toks[2].text == "{"
        and _closing(toks, 2, _BRACES) == len(toks) - 1
        and any(u.kind == "cmd" and u.text == "sim" for u in toks)
    )


def _unbrace_arguments(toks: list[Token]) -> list[Token]:
    """``p_g{(x)}`` is ``p_g(x)``: braces around a parenthesised group right after a name
    (or after the subscript of a name) only group; elsewhere (``\\frac{a}{(b)}``,
    ``x^{(i)}``, ``a_{(i)}``) they stay.
    """
    drop: set[int] = set()
    for m in range(1, len(toks) - 3):
        if not (_is_sym(toks[m], ("{",)) and _is_sym(toks[m + 1], ("(",))):
            continue
        close = _closing(toks, m, _BRACES)
        if close is None or _closing(toks, m + 1, _PARENS) != close - 1:
            continue
        prev = toks[m - 1]
        after_name = prev.kind in ("word", "name") and not (m >= 2 and _is_sym(toks[m - 2], ("^",)))
        if _is_sym(prev, ("}",)):
            opening = _closing(toks, m - 1, _BRACES, backward=True)
            after_name = opening is not None and opening >= 2 and _is_sym(toks[opening - 1], ("_",))
        elif after_name and m >= 2 and _is_sym(toks[m - 2], ("_",)):
            after_name = m >= 3 and toks[m - 3].kind in ("word", "name", "cmd")
        if after_name:
            drop.update((m, close))
    if not drop:
        return toks
    return [u for k, u in enumerate(toks) if k not in drop]


def _parameters(toks: list[Token]) -> list[list[Token]] | None:
    """The parameters of ``N(mu, s^2)`` between top-level commas (or ``;``)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for u in toks:
        if _is_sym(u, ("(", "[", "{")):
            depth += 1
        elif _is_sym(u, (")", "]", "}")):
            depth -= 1
        if depth == 0 and _is_sym(u, (",", ";")):
            parts.append([])
        else:
            parts[-1].append(u)
    if depth != 0 or any(not part for part in parts):
        return None
    return parts


def _divergence_halves(toks: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """The tokens before and after one top-level ``||`` / ``\\|`` / ``\\Vert`` / ``\\parallel``."""
    for m, u in _top_level(toks):
        if m > 0:
            double = u.kind == "sym" and u.text == "|" and m + 1 < len(toks) and _is_sym(toks[m + 1], ("|",))
            if double or (u.kind == "cmd" and u.text in ("|", "Vert", "parallel")):
                after = toks[m + 2 :] if double else toks[m + 1 :]
                if after:
                    return toks[:m], after
                return None
    return None


def conditional_name(name: str, bar: int | None) -> str:
    """The name of ``p(x | z)``: another function than ``p(x, z)`` (a conditional density is
    not the joint one), so ``p(x|z)`` and ``p(x, z)`` are never read as one thing.

    >>> conditional_name("p", 1), conditional_name("p", 2), conditional_name("p", None)
    ('p|', 'p|2', 'p')
    """
    if bar is None:
        return name
    return f"{name}|" if bar == 1 else f"{name}|{bar}"


@dataclass(frozen=True)
class ParseContext:
    """What a formula's reading depends on in its document.

    ``distributions``: names read as probability vectors when applied, ``P(x)``.
    ``logits``: the variable name of ``\\partial_j`` (``None``: unknown).
    ``free_hint``: free indices of the chain's head (decides ``\\sum_{i \\neq j}``).
    ``index_mode``: bare lowercase letters are indices (case conditions such as ``i = j``).
    ``rv``: random-variable letter → its distribution name (``H(x)`` as ``H(P)``).
    ``vectors``: lowercase names the document writes with an index (``p_i``), so ``H(p)``
    is the entropy of the vector ``p``.
    """

    distributions: frozenset[str] = frozenset({"P", "Q"})
    logits: str | None = None
    free_hint: frozenset[sympy.Symbol] = frozenset()
    index_mode: bool = False
    rv: tuple[tuple[str, str], ...] = ()
    vectors: frozenset[str] = frozenset()
    matrices: frozenset[str] = frozenset()
    #: names declared as columns (``\\zeta_4 \\in \\mathbb{R}^{n \\times 1}``)
    columns: frozenset[str] = frozenset()
    #: the document's bold vectors are rows (``\\mathbf y \\log \\mathbf s^\\top`` a number)
    rows: bool = False
    #: Letters written with two indices and never one (``v_{kj}``): ``v_{00}`` is entry (0, 0).
    paired: frozenset[str] = frozenset()
    #: Letters the document defines as scalars (``p = 1/(1 + e^{-z})``): ``p_t`` is then a
    #: name of its own, never an entry of ``p``.
    scalars: frozenset[str] = frozenset()
    #: Names the document defines as functions (``f(x) = ...`` heading a chain, ``f'(x)``):
    #: written with parentheses they are applied, never multiplied.
    functions: frozenset[str] = frozenset()
    #: Names defined entry by entry of a function of a whole vector (``\\sigma(A_i) = e^{A_i} /
    #: \\sum_j e^{A_j}``): ``\\sigma(A_k)`` is entry ``k`` of ``\\sigma`` of the vector ``A``.
    entry_functions: frozenset[str] = frozenset()
    #: Letters the document's math uses as names of their own (``x`` in ``x_i`` or ``2x``);
    #: ``None``: unknown, every multi-letter word is read letter by letter.
    letters: frozenset[str] | None = None
    #: Single-letter names the document uses as densities (``p(x | z)``, ``z \\sim p(z)``).
    densities: frozenset[str] = frozenset()
    #: ``(X, family, parameters)``: the document draws X from a named distribution
    #: (``X \\sim \\mathcal{N}(\\mu, \\sigma^2)``), so ``E[X^2]`` has its value.
    draws: tuple[tuple[str, str, str], ...] = ()
    #: ``(x, p)``: the prose says expectations are under the density ``p`` of ``x``, so
    #: ``\\langle f \\rangle`` and ``E[f]`` are ``∫ p(x) f dx``.
    averaged: tuple[tuple[str, str], ...] = ()
    #: Lowercase letters the document applies to an outcome (``p(w)``, ``m(x)``): in
    #: ``H(p, m)`` they are the distributions whose entries ``p(w)`` are.
    outcome_functions: frozenset[str] = frozenset()
    #: ``\\partial \\mathbf s / \\partial \\mathbf z`` of a vector read with a row per output
    #: (set where the other side of the step is symmetric, so that the layout does not matter).
    jacobian_rows: bool = False
    max_depth: int = 200
    max_chars: int = 20_000


@dataclass(frozen=True)
class Parsed:
    """A formula read: the SymPy expression and what the reader wants the user to know."""

    expr: sympy.Basic
    warnings: tuple[str, ...] = field(default=())
    #: "col", "row" or "mat" when the formula was a vector or matrix (read as its entry)
    shape: str | None = None


class _Transpose:
    """The superscript ``T`` / ``\\top``."""


_TRANSPOSE = _Transpose()


def is_index(s: sympy.Basic) -> bool:
    """True for an index symbol: a positive-integer symbol with a one-letter name."""
    return (
        isinstance(s, sympy.Symbol)
        and len(s.name) == 1
        and s.is_integer is True
        and s.is_positive is True
    )


def free_indices(e: sympy.Basic) -> frozenset[sympy.Symbol]:
    """The free index symbols of ``e`` (summation variables are bound).

    Differs from :func:`symderiv.indices.free_symbols`: only the single-letter positive
    integer symbols the reader makes indices of (never ``n``), and by SymPy's
    ``free_symbols``, so a derivative's variable that its expression does not visibly depend
    on is not counted.

    >>> free_indices(sympy.Sum(symbols.y[symbols.j], (symbols.j, 1, symbols.n)) * symbols.p[symbols.i])
    frozenset({i})
    """
    return frozenset(s for s in e.free_symbols if is_index(s) and s != symbols.n)


def _evaluation_bar(toks: list[Token]) -> int | None:
    """``f'(x)\\big|_{x=0}``, ``\\left. ... \\right|_{x=0}``: the position of a bar that ends the
    formula with a subscript ``{x = a}``, the only bar at its top level (None: no such bar)."""
    if len(toks) < 7 or not _is_sym(toks[-1], ("}",)):
        return None
    at = len(toks) - 1
    depth = 0
    while at >= 0:  # back to the "{" that opens the subscript
        if _is_sym(toks[at], ("}",)):
            depth += 1
        elif _is_sym(toks[at], ("{",)):
            depth -= 1
            if depth == 0:
                break
        at -= 1
    if at < 3 or not (_is_sym(toks[at - 1], ("_",)) and _is_sym(toks[at - 2], ("|",))):
        return None
    inside = toks[at + 1 : -1]
    if len(inside) < 3 or inside[0].kind != "word" or not _is_sym(inside[1], ("=",)):
        return None
    bars = [u for u in toks[: at - 2] if _is_sym(u, ("|",))]
    return None if bars else at - 2


def _evaluated(
    text: str,
    base: int,
    src: SourceText | None,
    ctx: ParseContext,
    toks: list[Token],
    bar: int,
) -> Parsed:
    """The formula before the bar with its variable set to the value after ``=``."""
    cut = toks[bar].start - base
    body = parse_math(text[:cut], base=base, src=src, ctx=ctx)
    var_tok, eq = toks[bar + 3], toks[bar + 4]
    value = parse_math(text[eq.end - base : toks[-1].start - base], base=eq.end, src=src, ctx=ctx)
    if body.shape is not None or value.shape is not None:
        raise UnsupportedNotationError(
            "an evaluation bar on a vector or matrix is not read",
            src.span(toks[bar].start, toks[bar].end) if src else None,
        )
    var = parse_math(var_tok.text, base=var_tok.start, src=src, ctx=ctx).expr
    if not isinstance(var, sympy.Symbol):
        raise ParseError(
            "an evaluation bar at something that is not a variable",
            src.span(var_tok.start, var_tok.end) if src else None,
        )
    return Parsed(
        sympy.Subs(body.expr, var, value.expr),
        (*body.warnings, *value.warnings, f"read the bar as {var} = {sympy.sstr(value.expr)}"),
    )


@contextmanager
def _deep_recursion(limit: int) -> Iterator[None]:
    old = sys.getrecursionlimit()
    if old < limit:
        sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def parse_math(
    text: str,
    *,
    base: int = 0,
    src: SourceText | None = None,
    ctx: ParseContext = ParseContext(),
    relation: bool = False,
) -> Parsed:
    """Read one formula (``relation=True``: one relation such as ``i \\neq j``).

    ``base`` is the formula's offset in ``src``, so errors carry file positions.

    Raises:
        ParseError: with the span of the offending token.
        UnsupportedNotationError: a construct this grammar does not read.

    >>> y, p, j = symbols.y, symbols.p, symbols.j
    >>> parse_math(r"-\\sum_j y_j \\log p_j").expr == -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, symbols.n))
    True
    """
    if len(text) > ctx.max_chars:
        span = src.span(base, base + len(text)) if src else None
        raise ParseError(f"formula longer than {ctx.max_chars} characters", span)
    bad = _BINARY.search(text)
    if bad is not None:
        at = base + bad.start()
        span = src.span(at, at + 1) if src else None
        raise ParseError(f"unexpected character {bad.group(0)!r}", span)
    toks = _unbrace_arguments(tokenize(text, base, src=src, max_depth=ctx.max_depth))
    if not toks:
        span = src.span(base, base + max(1, len(text))) if src else None
        raise ParseError("empty formula", span)
    bar = None if relation else _evaluation_bar(toks)
    if bar is not None:
        return _evaluated(text, base, src, ctx, toks, bar)
    p = _Parser(toks, src, ctx, base + len(text))
    try:
        with _deep_recursion(max(sys.getrecursionlimit(), 12 * ctx.max_depth + 2000)):
            over = None if relation else _top_level_over(toks)
            if over is not None:
                e = p.sub_expr(toks, toks[over])
                p.pos = len(toks)
            else:
                e = p.relation() if relation else p.expr()
            if p.pos < len(p.toks) and all(_is_sym(u, (")",)) for u in p.toks[p.pos :]):
                # NOTE: an unmatched ')' closing a formula is a typo; what is before it is clear.
                p.warnings.append(f"ignored an unmatched ')' at the end of '{text.strip()}'")
                p.pos = len(p.toks)
            if p.shape_statement_follows():
                p.pos = len(p.toks)  # C = BV \in \mathbb{R}^{n \times h}: the shape, stated
            if p.pos < len(p.toks):
                t = p.toks[p.pos]
                raise p.error(f"unexpected {_show(t)}", t)
            shape = e.kind if isinstance(e, _v.Shaped) else None
            e = p.resolve(_v.finish(e))
    except RecursionError:
        raise ParseError("formula nested too deeply", p.span_of(toks[0])) from None
    except IndexException as err:
        raise ParseError(f"an entry that is not read: {err}", p.span_of(toks[0])) from None
    except ShapeError as err:
        raise ParseError(f"matrix sizes do not match: {err}", p.span_of(toks[0])) from None
    except (MatrixError, DMNonInvertibleMatrixError) as err:
        raise UnsupportedNotationError(
            f"matrix algebra in this place is not read: {err}", p.span_of(toks[0])
        ) from None
    except (sympy.SympifyError, _v.NotAScalar, NotImplementedError):
        # a vector where SymPy wants a scalar (Sum of a vector, a vector's derivative, ...):
        # SymPy cannot convert it, or a vector value refuses Python's arithmetic
        raise UnsupportedNotationError(
            "vector notation in this place is not read", p.span_of(toks[0])
        ) from None
    except ParseError as err:
        if err.span is None and src is not None:
            raise type(err)(err.message, src.span(base, base + len(text))) from None
        raise
    return Parsed(e, tuple(p.warnings), shape)


_BRACKETS = (("(", "["), (")", "]"))  # ( and [ nest alike
_BRACES = (("{",), ("}",))
_PARENS = (("(",), (")",))


def _closing(
    toks: list[Token],
    open_: int,
    pair: tuple[tuple[str, ...], tuple[str, ...]] = _BRACKETS,
    *,
    backward: bool = False,
) -> int | None:
    """Where the bracket at ``toks[open_]`` is matched: its closing one, or (``backward``)
    the opening one of a closing bracket."""
    opens, closes = pair[::-1] if backward else pair
    depth = 0
    for m in range(open_, -1, -1) if backward else range(open_, len(toks)):
        u = toks[m]
        if u.kind == "sym" and u.text in opens:
            depth += 1
        elif u.kind == "sym" and u.text in closes:
            depth -= 1
            if depth == 0:
                return m
    return None


def _show(t: Token) -> str:
    if t.kind == "cmd":
        return f"'\\{t.text}'"
    if t.kind in ("begin", "end"):
        return f"'\\{t.kind}{{{t.text}}}'"
    return f"'{t.text}'"


class _Parser:
    def __init__(self, toks: list[Token], src: SourceText | None, ctx: ParseContext, end: int):
        self.toks = toks
        self.pos = 0
        self.src = src
        self.ctx = ctx
        self.end = end
        self.bound: list[str] = []
        self.in_norm = 0  # inside \| ... \|, where a \| closes the norm
        self.count_mode = False
        self.index_mode = ctx.index_mode
        self.placeholders: dict[
            sympy.Dummy, tuple[sympy.Expr, sympy.Symbol, sympy.Symbol, sympy.Expr, sympy.Expr]
        ] = {}
        self.warnings: list[str] = []
        #: variables of the integrals being read: ``p(x)`` inside ``\\int ... dx`` is applied
        self.integration: list[str] = []
        #: ``\\sum e^{x_j}`` without a range: placeholder → (body, index, upper, token)
        self.bare_sums: dict[sympy.Dummy, tuple[sympy.Expr, sympy.Symbol, sympy.Expr, Token]] = {}

    # -- token helpers -------------------------------------------------------------------
    def span_of(self, t: Token) -> SourceSpan | None:
        return self.src.span(t.start, t.end) if self.src is not None else None

    def error(self, msg: str, t: Token | None, *, unsupported: bool = False) -> ParseError:
        span = (
            self.span_of(t)
            if t is not None
            else (self.src.span(self.end - 1, self.end) if self.src is not None else None)
        )
        if unsupported:
            return UnsupportedNotationError(msg, span)
        return ParseError(msg, span)

    def peek(self, k: int = 0) -> Token | None:
        m = self.pos + k
        return self.toks[m] if m < len(self.toks) else None

    def at(self, kind: str, text: str | None = None, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == kind and (text is None or t.text == text)

    def at_sym(self, s: str, k: int = 0) -> bool:
        return self.at("sym", s, k)

    def take(self) -> Token:
        t = self.peek()
        if t is None:
            raise self.error("the formula ends too early", None)
        self.pos += 1
        return t

    def expect_sym(self, s: str, what: str) -> Token:
        t = self.peek()
        if t is None or t.kind != "sym" or t.text != s:
            found = "the end of the formula" if t is None else _show(t)
            raise self.error(f"expected '{s}' {what}, found {found}", t)
        self.pos += 1
        return t

    def split_word(self, n: int) -> Token:
        """Take the first ``n`` letters of the current word; the rest stays a word."""
        t = self.toks[self.pos]
        if len(t.text) <= n:
            self.pos += 1
            return t
        head = Token(t.kind, t.text[:n], t.start, t.start + n)
        self.toks[self.pos] = Token(t.kind, t.text[n:], t.start + n, t.end)
        return head

    def group_tokens(self) -> tuple[list[Token], Token]:
        """A braced group's tokens, or the single next token (first letter/digit of it)."""
        t = self.peek()
        if t is None:
            raise self.error("a script ends the formula", None)
        if t.kind == "sym" and t.text == "{":
            depth, m = 0, self.pos
            while m < len(self.toks):
                u = self.toks[m]
                if u.kind == "sym" and u.text == "{":
                    depth += 1
                elif u.kind == "sym" and u.text == "}":
                    depth -= 1
                    if depth == 0:
                        inner = self.toks[self.pos + 1 : m]
                        self.pos = m + 1
                        return inner, t
                m += 1
            raise self.error("unbalanced braces: '{' is never closed", t)
        if t.kind in ("word", "num"):
            return [self.split_word(1)], t
        if t.kind == "cmd" and t.text in ("partial", "sum", "frac", "left", "right"):
            raise self.error(f"{_show(t)} cannot be a script without braces", t)
        self.pos += 1
        return [t], t

    def sub(self, toks: list[Token]) -> _Parser:
        q = _Parser(list(toks), self.src, self.ctx, toks[-1].end if toks else self.end)
        q.bound = list(self.bound)
        q.index_mode = self.index_mode
        q.placeholders = self.placeholders
        q.bare_sums = self.bare_sums
        q.integration = self.integration
        q.warnings = self.warnings
        return q

    def sub_expr(
        self, toks: list[Token], at: Token, *, count: bool = False, index: bool = False
    ) -> sympy.Expr:
        if not toks:
            raise self.error("an empty group", at)
        over = _top_level_over(toks)
        if over is not None:  # {a \over b}
            num, den = toks[:over], toks[over + 1 :]
            if _d_marker(num) and _d_marker(den):
                return self.derivative(num, den, toks[over])  # {\partial L \over \partial z}
            return _v.div(
                self.sub_expr(num, toks[over], count=count, index=index),
                self.sub_expr(den, toks[over], count=count, index=index),
            )
        q = self.sub(toks)
        q.count_mode = count
        q.index_mode = index or self.index_mode
        e = q.expr()
        if q.pos < len(q.toks) and all(_is_sym(u, (")",)) for u in q.toks[q.pos :]):
            # NOTE: {a + b)} — an unmatched ')' closing a braced group is a typo; what is
            # before it is clear, and the step says what was ignored.
            self.warnings.append("ignored an unmatched ')' at the end of a braced group")
            q.pos = len(q.toks)
        if q.pos < len(q.toks):
            raise self.error(f"unexpected {_show(q.toks[q.pos])}", q.toks[q.pos])
        return e

    # -- grammar ---------------------------------------------------------------------------
    def relation(self) -> sympy.Basic:
        lhs = self.expr()
        t = self.peek()
        if t is None:
            return lhs
        key = t.text if t.kind in ("sym", "cmd") else ""
        if key in _RELATIONS:
            self.pos += 1
            rhs = self.expr()
            return _RELATIONS[key](lhs, rhs)
        if t.kind == "sym" and t.text == "!" and self.at_sym("=", 1):
            self.pos += 2
            return sympy.Ne(lhs, self.expr())
        return lhs

    def expr(self) -> sympy.Expr:
        terms: list[sympy.Expr] = []
        sign = 1
        if self.at_sym("-") or self.at_sym("+"):
            sign = -1 if self.take().text == "-" else 1
        first = self.peek()
        t = self.term()
        terms.append(_v.neg(t) if sign < 0 else t)
        elided: int | None = None  # where "+ ... +" stood among the terms
        while self.at_sym("+") or self.at_sym("-") or self.at("cmd", "pm"):
            op = self.take()
            if op.text == "pm":
                raise self.error("'\\pm' is not read", op, unsupported=True)
            if elided is None and self.elision_follows():
                elided = len(terms)
                continue
            u = self.term()
            terms.append(_v.neg(u) if op.text == "-" else u)
        if elided is not None:
            terms = self.elided_sum(terms, elided, first)
        if not any(_v.is_shaped(t) for t in terms):
            return sympy.Add(*terms)
        total = terms[0]
        for t in terms[1:]:
            total = _v.add(total, t)
        return total

    def elision_follows(self) -> bool:
        """``...``, ``\\cdots``, ``\\ldots`` as a term, followed by + or -: taken when true."""
        if self.at("cmd", "ldots") or self.at("cmd", "cdots"):
            width = 1
        elif self.at_sym(".") and self.at_sym(".", 1) and self.at_sym(".", 2):
            width = 3
        else:
            return False
        nxt = self.peek(width)
        if nxt is None or not (nxt.kind == "sym" and nxt.text in ("+", "-")):
            return False
        self.pos += width
        return True

    def elided_sum(
        self, terms: list[sympy.Expr], at: int, t: Token | None
    ) -> list[sympy.Expr]:
        """``T(1) + T(2) + ... + T(C)`` as ``Σ_{k=1}^{C} T(k)``, when the terms shown agree.

        NOTE: the last term names the bound (a count such as C, n, K); every term before the
        dots must be T at consecutive numbers, or the formula is not read (never guessed).
        """
        head, tail = terms[:at], terms[at:]
        if not head or len(tail) != 1 or any(_v.is_shaped(u) for u in terms):
            raise self.error("terms left out with '...' in a pattern that is not read", t)
        last = self.at_count(tail[0])
        found = _pattern(head, last)
        if found is None:
            raise self.error("terms left out with '...' in a pattern that is not read", t)
        pattern, k, start, bound = found
        index = _index(self.fresh_index_name(terms, t))
        return [sympy.Sum(pattern.xreplace({k: index}), (index, start, bound))]

    def at_count(self, last: sympy.Expr) -> sympy.Expr:
        """The last term shown before a count: ``Y_C`` is the entry of ``Y`` at the count ``C``
        (the bound), and ``\\sigma(A_C)`` of an entry function is its entry call at ``C``."""

        def counted(label: str) -> tuple[str, sympy.Symbol] | None:
            m = re.fullmatch(r"(.+)_\{?([A-Za-z])\}?", label)
            if m is None:
                return None
            return m.group(1), symbols.n if m.group(2) == "n" else symbols.count(m.group(2))

        calls: dict[sympy.Basic, sympy.Basic] = {}
        for call in last.atoms(AppliedUndef):
            name = type(call).__name__
            if name in self.ctx.entry_functions and len(call.args) == 1:
                arg = call.args[0]
                label = arg.label.name if isinstance(arg, sympy.IndexedBase) else str(arg)
                if (hit := counted(label)) is not None:
                    calls[call] = sympy.Function(name)(self.vector_base(hit[0]), hit[1])
        last = last.xreplace(calls)
        return last.xreplace(
            {
                u: self.vector_base(hit[0])[hit[1]]
                for u in last.free_symbols
                if isinstance(u, sympy.Symbol) and (hit := counted(u.name)) is not None
            }
        )

    def fresh_index_name(self, terms: list[sympy.Expr], t: Token | None) -> str:
        """The bound index of terms left out with ``...``: the first of ``k j m l r s u v``
        neither free in ``terms`` nor bound around them, by :func:`symderiv.indices.first_unused`.

        Unlike :func:`symderiv.indices.fresh_index` there are no numbered names after the
        letters: the reader's indices are single letters (:func:`is_index`), so a step with all
        eight in use has no reading (a ``ParseError``).
        """
        used = {str(u) for e in terms for u in e.free_symbols} | set(self.bound)
        name = indices.first_unused("kjmlrsuv", used)
        if name is None:
            raise self.error("terms left out with '...' leave no letter for the summation index", t)
        return name

    def starts_primary(self, t: Token | None) -> bool:
        if t is None:
            return False
        if t.kind in ("word", "num", "name", "text", "bad"):
            return True
        if t.kind == "begin":
            return True
        if t.kind == "sym":
            return t.text in ("(", "[", "{")
        if t.kind == "cmd" and t.text in _NORM_OPEN | _NORM_CLOSE:
            # NOTE: \| opens a norm only outside one, and only with its closing \| ahead
            # (p \| q between two distributions is no norm).
            if self.in_norm or t.text == "rVert":
                return False
            ahead = self.toks[self.pos + 1 :]
            return any(u.kind == "cmd" and u.text in _NORM_CLOSE for u in ahead)
        if t.kind == "cmd":
            return (
                t.text not in _MUL
                and t.text not in _RELATIONS
                and t.text
                not in (
                    "\\",
                    "div",
                    "pm",
                    "approx",
                    "sim",
                    "in",
                    "|",
                    "}",
                    "right",
                    "coloneqq",
                    "equiv",
                    "to",
                    "mid",
                    "oslash",
                    "odot",
                )
            )
        return False

    def term(self) -> sympy.Expr:
        f = self.factor()
        while True:
            t = self.peek()
            if t is None:
                break
            if (t.kind == "cmd" and t.text in _MUL) or (t.kind == "sym" and t.text == "*"):
                self.pos += 1
                f = self.times(f, self.factor())
            elif (
                t.kind == "sym"
                and t.text == "."
                and not self.at_sym(".", 1)
                and not (self.pos > 0 and _is_sym(self.toks[self.pos - 1], (".",)))
                and self.starts_primary(self.peek(1))
            ):
                self.pos += 1  # p_j.p_i: a product written with a full stop
                f = self.times(f, self.factor())
            elif (t.kind == "sym" and t.text == "/") or (t.kind == "cmd" and t.text == "div"):
                self.pos += 1
                d = self.factor()
                f = _v.div(f, d)
            elif t.kind == "cmd" and t.text in ("oslash", "odot"):
                self.pos += 1
                f = _v.hadamard(f, self.factor(), divide=t.text == "oslash")
            elif self.starts_primary(t):
                f = self.times(f, self.factor())
            else:
                break
        return f

    def times(self, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        """``a b``; a written-out column before a square matrix of its length is read as a row.

        NOTE: ``[y_1/a_1; y_2/a_2] J`` (a gradient written as a column, then the Jacobian):
        as written the sizes do not fit, and the row is the only order-keeping product.
        """
        if (
            isinstance(a, sympy.MatrixBase)
            and isinstance(b, sympy.MatrixBase)
            and a.shape[1] == 1
            and a.shape[0] > 1
            and b.shape == (a.shape[0], a.shape[0])
        ):
            self.warnings.append(
                "read the column before the matrix as a row: as written the sizes do not fit"
            )
            return cast(sympy.Expr, sympy.ImmutableMatrix(a.T * b))
        return cast(sympy.Expr, _v.mul(a, b))

    def factor(self) -> sympy.Expr:
        if self.at_sym("-"):
            self.pos += 1
            return _v.neg(self.factor())
        if self.at_sym("+"):
            self.pos += 1
            return self.factor()
        p = self.primary()
        return self.powers(p)

    def powers(self, p: sympy.Expr) -> sympy.Expr:
        while self.at_sym("^"):
            tok = self.take()
            e = self.superscript()
            p = self.make_pow(p, e, tok)
        if self.at_sym("'"):
            raise self.error("primes (f') are not read", self.peek(), unsupported=True)
        if self.at_sym("!") and not self.at_sym("=", 1):
            raise self.error("factorials are not read", self.peek(), unsupported=True)
        if self.at_sym("_"):
            raise self.error("a subscript on an expression that is not a name", self.peek())
        return p

    def superscript(self) -> sympy.Expr | _Transpose:
        toks, at = self.group_tokens()
        if len(toks) == 1 and (
            (toks[0].kind == "word" and toks[0].text == "T")
            or (toks[0].kind == "cmd" and toks[0].text in ("top", "intercal", "T"))
        ):
            return _TRANSPOSE
        if len(toks) == 1 and toks[0].kind == "cmd" and toks[0].text == "prime":
            raise self.error("primes (f') are not read", toks[0], unsupported=True)
        return self.sub_expr(toks, at)

    def make_pow(self, b: sympy.Expr, e: sympy.Expr | _Transpose, tok: Token) -> sympy.Expr:
        if _v.is_shaped(b):
            if isinstance(e, _Transpose):
                return _v.transpose(b)
            if e == -1 and isinstance(b, _v.Shaped) and b.kind != "mat":
                # NOTE: a vector has no inverse: v^{-1} is its element-wise reciprocal
                # (a matrix's A^{-1} is its inverse, which is not read).
                return _v.elementwise(b, lambda x: 1 / x)
            raise self.error("a power of a vector", tok, unsupported=True)
        if isinstance(e, _Transpose):
            if isinstance(b, sympy.MatrixBase):
                return sympy.ImmutableMatrix(b.T)
            if isinstance(b, sympy.IndexedBase):
                return b
            raise self.error("a transpose of something that is not a vector", tok, unsupported=True)
        if (
            isinstance(b, sympy.Number)
            and isinstance(e, sympy.Number)
            and _digits(b) * float(abs(e)) > MAX_RESULT_DIGITS
        ):
            raise self.error(
                f"number too large: the power has more than {MAX_RESULT_DIGITS} digits", tok
            )
        if b == sympy.E:
            if isinstance(e, _v.Shaped):
                return _v.elementwise(e, sympy.exp)  # e^{-\mathbf h}: entry by entry
            return sympy.exp(e)
        return sympy.Pow(b, e)

    # -- primaries -------------------------------------------------------------------------
    def primary(self) -> sympy.Expr:
        t = self.peek()
        if t is None:
            raise self.error("the formula ends where a term was expected", None)
        if t.kind == "num":
            self.pos += 1
            return self.number(t)
        if t.kind == "word":
            return self.word()
        if t.kind == "name":
            return self.name_token()
        if t.kind == "text":
            raise self.error(f"prose '{t.text}' inside the math", t)
        if t.kind == "bad":
            raise self.error(f"unexpected character {t.text!r}", t)
        if t.kind == "begin":
            return self.environment()
        if t.kind == "end":
            raise self.error(f"unexpected {_show(t)}", t)
        if t.kind == "sym":
            if t.text in ("(", "[") and self.unwrap_call_entry():
                return self.primary()  # [\sigma(\mathbf a)]_i: the call's entry i
            if t.text in ("(", "["):
                return self.paren()
            if t.text == "{":
                inner = self.peek(1)
                if (
                    inner is not None
                    and self.at_sym("}", 2)
                    and (
                        (inner.kind == "word" and len(inner.text) == 1)
                        or (inner.kind == "cmd" and inner.text in GREEK)
                    )
                    and (self.at_sym("_", 3) or self.at_sym("^", 3))
                ):
                    self.pos += 3  # {x}_{i}, as sympy.latex prints entries
                    return self.letter(inner.text, inner)
                start = self.pos
                toks, at = self.group_tokens()
                if _expectation_head(toks) and (self.at_sym("[") or self.at_sym("(")):
                    # NOTE: {\mathbb{E}_{X \sim P}}[f(X)]: braces around the operator only
                    # (a spacing habit); its bracket after them is still its argument.
                    self.toks = [*self.toks[:start], *toks, *self.toks[self.pos :]]
                    self.pos = start
                    return self.primary()
                return self.sub_expr(toks, at)
            if t.text == "|":
                self.pos += 1
                inner = self.expr()
                self.expect_sym("|", "to close |...|")
                return sympy.Abs(inner)
            raise self.error(f"unexpected {_show(t)}", t)
        return self.command(t)

    def norm(self, t: Token) -> sympy.Expr:
        """``\\|\\mathbf w\\|`` (``\\lVert ... \\rVert``, ``_2``): the Euclidean norm of a vector,
        ``sqrt(Σ_k w_k^2)``; of anything that is not a vector, not read (never guessed)."""
        self.in_norm += 1
        try:
            inner = self.expr()
        finally:
            self.in_norm -= 1
        u = self.peek()
        if u is None or not (u.kind == "cmd" and u.text in _NORM_CLOSE):
            raise self.error("a norm \\| ... \\| that is never closed", t)
        self.pos += 1
        if self.at_sym("_"):
            self.pos += 1
            toks, at = self.group_tokens()
            if [(x.kind, x.text) for x in toks] != [("num", "2")]:
                raise self.error("a norm other than the Euclidean one", at, unsupported=True)
        if not _v.is_shaped(inner) or inner.kind == "mat":
            raise self.error("a norm of something that is not a vector", t, unsupported=True)
        k = _v.bound_index(inner)
        return sympy.sqrt(sympy.Sum(inner.fn(k) ** 2, (k, 1, symbols.n)))

    def number(self, t: Token) -> sympy.Expr:
        if t.text == "1":
            ind = self.indicator()
            if ind is not None:
                return ind
        if t.bold and t.text in ("0", "1"):
            if self.at_sym("_"):
                self.pos += 1
                self.group_tokens()  # \bold{1_n}: its length is the size its partner needs
            return _v.constant(int(t.text))  # \mathbf{1}, \mathbf{0}
        if len(t.text) > MAX_NUMBER_DIGITS:
            raise self.error(f"number too long: more than {MAX_NUMBER_DIGITS} digits", t)
        if "." in t.text:
            return sympy.Float(t.text)
        return sympy.Integer(int(t.text))

    def indicator(self) -> sympy.Expr | None:
        """``1[i = j]``, ``1_{i=j}``, ``\\mathbb{1}[i \\neq j]``: a Kronecker delta (or 1 minus one).

        Read only when the brackets hold one relation between two index letters: ``1[a + b]``
        stays a product.
        """
        if self.at_sym("["):
            close = "]"
        elif self.at_sym("_") and self.at_sym("{", 1):
            close = "}"
        else:
            return None
        start = self.pos + (1 if close == "]" else 2)
        toks = self.toks[start : start + 5]
        texts = [(u.kind, u.text) for u in toks]
        if len(texts) >= 4 and texts[1:3] == [("sym", "!"), ("sym", "=")]:
            rel, b_at = "neq", 3
        elif len(texts) >= 3 and (texts[1] == ("sym", "=") or texts[1][1] in ("neq", "ne")):
            rel, b_at = ("=" if texts[1] == ("sym", "=") else "neq"), 2
        else:
            return None
        if not (
            len(texts) > b_at + 1
            and texts[0][0] == "word"
            and len(texts[0][1]) == 1
            and texts[b_at][0] == "word"
            and len(texts[b_at][1]) == 1
            and texts[b_at + 1] == ("sym", close)
        ):
            return None
        self.pos = start + b_at + 2
        delta = sympy.KroneckerDelta(_index(texts[0][1]), _index(texts[b_at][1]))
        return delta if rel == "=" else 1 - delta

    def paren(self) -> sympy.Expr:
        open_ = self.take()
        close = ")" if open_.text == "(" else "]"
        items = [self.expr()]
        while self.at_sym(","):
            self.pos += 1
            items.append(self.expr())
        t = self.peek()
        if t is None:
            raise UnclosedBracketError(
                f"expected '{close}' to close '{open_.text}', found the end of the formula",
                self.error("", t).span,
                opened_at=open_.start,
            )
        if t.kind != "sym" or t.text not in (")", "]"):
            raise self.error(f"expected '{close}' to close '{open_.text}', found {_show(t)}", t)
        self.pos += 1
        if len(items) > 1:
            return sympy.ImmutableMatrix([items])
        return items[0]

    def fn_argument(self) -> sympy.Expr:
        """The argument of exp/log/...: parenthesised, braced, or the next factor."""
        if self.at_sym("(") or self.at_sym("["):
            return self.paren()
        if self.at_sym("{"):
            toks, at = self.group_tokens()
            e = self.sub_expr(toks, at)
            if self.at_sym("(") and isinstance(e, sympy.Number | sympy.Symbol) is False:
                return e
            return e
        first = self.peek()
        f = self.factor()
        if first is not None and first.kind == "num" and self.juxtaposed_factor_follows():
            # NOTE: \log 2\pi\sigma^2 is log(2 pi sigma^2): a number written right after the
            # function starts a product, as in \sin 2x; operators, big operators and other
            # functions end it.
            while self.juxtaposed_factor_follows():
                f = _v.mul(f, self.factor())
            self.warnings.append("read a function of a number times more factors as one argument")
        return f

    def juxtaposed_factor_follows(self) -> bool:
        t = self.peek()
        if not self.starts_primary(t) or t is None:
            return False
        if t.kind == "cmd" and t.text in (
            *_CMD_FUNCS,
            "int",
            "sum",
            "prod",
            "lim",
            "Sigma",
            "frac",
            "dfrac",
            "tfrac",
            "cfrac",
            "partial",
            "nabla",
        ):
            return False
        return not (t.kind == "word" and any(t.text.startswith(fn) for fn in FUNCTIONS))

    def apply_function(self, name: str, t: Token) -> sympy.Expr:
        base: sympy.Expr | None = None
        if name in ("log", "lg") and self.at_sym("_"):
            toks, at = self.group_tokens_after_sub()
            base = self.sub_expr(toks, at)
        primes = self.primes()
        if primes:
            if name not in _ELEMENTARY or not self.at_sym("("):
                raise self.error(f"a prime on {name} without its argument", t, unsupported=True)
            save = self.pos
            arg = self.fn_argument()
            self.pos = save
            return self.primed(self.apply_function(name, t), arg, primes, t)
        power: sympy.Expr | None = None
        if self.at_sym("^") and name != "softmax":
            tok = self.take()
            power = self.superscript_power(tok, name)
        value = self.apply_function_plain(name, t, base)
        return value if power is None else sympy.Pow(value, power)

    def superscript_power(self, tok: Token, name: str) -> sympy.Expr:
        """``\\tanh^2(x)``: a positive whole power of the function's value (never an inverse)."""
        e = self.superscript()
        if not (isinstance(e, sympy.Integer) and e > 0):
            raise self.error(
                f"a power written on \\{name} other than a positive whole number is not read",
                tok,
                unsupported=True,
            )
        if self.peek() is None:
            raise self.error(f"{name} without an argument", tok)
        return e

    def primes(self) -> int:
        """How many primes follow here: ``'``, ``''``, ``^{'}``, ``^\\prime`` (taken)."""
        count = 0
        while True:
            if self.at_sym("'"):
                self.pos += 1
                count += 1
                continue
            if self.at_sym("^"):
                nxt = self.peek(1)
                if nxt is not None and (
                    (nxt.kind == "sym" and nxt.text == "'")
                    or (nxt.kind == "cmd" and nxt.text == "prime")
                ):
                    self.pos += 2
                    count += 1
                    continue
                if nxt is not None and nxt.kind == "sym" and nxt.text == "{":
                    m = self.pos + 2
                    inner = 0
                    while m < len(self.toks) and (
                        (self.toks[m].kind == "sym" and self.toks[m].text == "'")
                        or (self.toks[m].kind == "cmd" and self.toks[m].text == "prime")
                    ):
                        inner += 1
                        m += 1
                    if inner and m < len(self.toks) and _is_close_brace(self.toks[m]):
                        self.pos = m + 1
                        count += inner
                        continue
            return count

    def primed(self, body: sympy.Expr, arg: sympy.Expr, order: int, t: Token) -> sympy.Expr:
        """The ``order``-th derivative of ``body``, a function applied to ``arg``.

        ``f'(x)`` with a variable ``x`` (or an entry ``x_j``) is ``Derivative(f(x), x)``;
        ``\\sigma'(0)``, a function of one argument at a number, is the derivative there; a prime
        on a function of another expression (``f'(2x)``) is not read.
        """
        if isinstance(body, AppliedUndef) and len(body.args) == 1 and arg.is_number:
            at = sympy.Dummy("t")
            return cast(sympy.Expr, sympy.Subs(sympy.Derivative(body.func(at), (at, order)), at, arg))
        if not (isinstance(arg, sympy.Symbol) and not is_index(arg)) and not _v.is_entry(arg):
            raise self.error(
                "a prime on a function of something that is not a variable", t, unsupported=True
            )
        return sympy.Derivative(body, (arg, order))

    def apply_function_plain(self, name: str, t: Token, base: sympy.Expr | None) -> sympy.Expr:
        if name == "softmax":
            return self.softmax(t)
        if self.peek() is None:
            raise self.error(f"{name} without an argument", t)
        a = self.fn_argument()
        if isinstance(a, sympy.MatrixBase):
            # NOTE: \exp of a written-out vector is taken entry by entry, as vector notation
            # means it (never the matrix exponential); a matrix of matrices is not read.
            if any(isinstance(v, sympy.MatrixBase) for v in a):
                raise self.error(f"{name} of a matrix of matrices", t, unsupported=True)
            return a.applyfunc(lambda v: self.apply_scalar(name, v, base))
        if isinstance(a, _v.Shaped) and (name in _ELEMENTARY or name == "sigmoid"):
            # element-wise, as vector notation means (\tanh(\mathbf z), \log \mathbf p)
            return _v.elementwise(a, lambda v: self.apply_scalar(name, v, base))
        return self.apply_scalar(name, a, base)

    def apply_scalar(self, name: str, a: sympy.Expr, base: sympy.Expr | None) -> sympy.Expr:
        """The function ``name`` of one number or scalar expression ``a``."""
        # NOTE: functions of numbers stay unevaluated (log(0.7), not -0.356...), so a numeric
        # claim can still be judged against another log base or the digits shown.
        ev = not (a.is_number and a.has(sympy.Float)) or (
            isinstance(a, sympy.Number) and float(a) in (0.0, 1.0)
        )
        if name == "exp":
            return sympy.exp(a, evaluate=ev)
        if name in ("log", "ln", "lg"):
            if base is not None:
                return sympy.log(a, evaluate=ev) / sympy.log(base, evaluate=ev)
            return sympy.log(a, evaluate=ev)
        if name == "sqrt":
            return sympy.sqrt(a)
        if name in STANDARD_FUNCS:
            return sympy.Function(name)(a)  # sigmoid(a): its meaning is a rule of normalize
        return _ELEMENTARY[name](a, evaluate=ev)

    def group_tokens_after_sub(self) -> tuple[list[Token], Token]:
        self.expect_sym("_", "")
        return self.group_tokens()

    def softmax(self, t: Token) -> sympy.Expr:
        if not self.at_sym("("):
            raise self.error("softmax without '(x)'", t)
        save = self.pos
        arg_toks = self.paren_tokens()
        of_matrix = self.matrix_softmax(save, arg_toks, t)
        if of_matrix is not None:
            return of_matrix
        if arg_toks and arg_toks[0].kind == "begin":
            self.pos = save
            vec = self.paren()
            if not isinstance(vec, sympy.MatrixBase):
                raise self.error("softmax of something that is not a vector", t, unsupported=True)
            return cast(sympy.Expr, standard_form(sympy.Function("softmax")(vec)))
        if (
            len(arg_toks) > 2
            and arg_toks[0].kind == "word"
            and len(arg_toks[0].text) == 1
            and arg_toks[1].kind == "sym"
            and arg_toks[1].text == "_"
            and not self.at_sym("_")
        ):
            # NOTE: softmax(z_j) is the j-th output of softmax over the vector z, as notes mean it.
            entry = self.sub_expr(arg_toks, t)
            if isinstance(entry, sympy.Indexed) and len(entry.indices) == 1:
                return sympy.Function("softmax")(entry.base, entry.indices[0])
            raise self.error("softmax of something that is not a vector entry", t, unsupported=True)
        if not (
            len(arg_toks) == 1
            and arg_toks[0].kind in ("word", "name")
            and len(arg_toks[0].text) == 1
        ):
            raise self.error("softmax of something that is not a vector name", t, unsupported=True)
        if not self.at_sym("_"):
            if arg_toks[0].bold or arg_toks[0].text in self.ctx.columns:
                # NOTE: \mathbf p = softmax(\mathbf z): the vector of the outputs, entry r
                # being softmax(z)_r (a plain letter stays unread: a vector or a number?)
                base = self.vector_base(arg_toks[0].text)
                return cast(
                    sympy.Expr,
                    _v.Shaped(
                        "row" if self.ctx.rows else "col",
                        lambda r: sympy.Function("softmax")(base, r),
                    ),
                )
            raise self.error("softmax(x) without an entry index such as softmax(x)_i", t)
        self.pos += 1
        toks, at = self.group_tokens()
        idx = self.index_expr(toks, at)
        return sympy.Function("softmax")(self.vector_base(arg_toks[0].text), idx)

    def matrix_softmax(self, save: int, arg_toks: list[Token], t: Token) -> sympy.Expr | None:
        """``softmax(W)``, ``softmax(\\frac{QK^T}{\\sqrt{d}})`` of a matrix the document uses as
        one: the softmax of each row; ``None`` (the cursor past the argument) when the argument
        names no such matrix or is not a matrix."""
        if not any(
            u.kind in ("word", "name") and u.text in self.ctx.matrices for u in arg_toks
        ) and not any(
            u.kind in ("word", "name") and f"{u.text}_{v.text}" in self.ctx.matrices
            for u, v in zip(arg_toks, arg_toks[2:])
        ):
            return None
        end, warned = self.pos, len(self.warnings)
        self.pos = save
        try:
            value = self.paren()
        except ParseError:
            value = None
        if not (_v.is_shaped(value) and cast(_v.Shaped, value).kind == "mat"):
            self.pos = end
            del self.warnings[warned:]
            return None
        self.warnings.append("read the softmax of a matrix row by row")
        return cast(sympy.Expr, _v.row_softmax(cast(_v.Shaped, value)))

    def paren_tokens(self) -> list[Token]:
        """The tokens inside the parentheses at the cursor."""
        open_ = self.pos
        m = _closing(self.toks, open_)
        if m is None:
            raise self.error("'(' is never closed", self.toks[open_])
        self.pos = m + 1
        return self.toks[open_ + 1 : m]

    def index_expr(self, toks: list[Token], at: Token) -> sympy.Expr:
        idx = self.indices(toks, at)
        if idx is None or len(idx) != 1:
            raise self.error("expected one index", at)
        return idx[0]

    def vector_base(self, name: str) -> sympy.IndexedBase:
        if name in self.ctx.distributions:
            return _distribution(name)
        return _vector(name)

    def word(self) -> sympy.Expr:
        t = self.peek()
        assert t is not None
        if len(t.text) > 1 and t.text in self.ctx.functions:
            self.pos += 1  # FL(p_t), KL(p, q): the document's own multi-letter function
            return self.letter(t.text, t)
        if t.text.lower() == "softmax" and t.text != "softmax":
            self.pos += 1  # Softmax(x_i), \mathcal{Softmax}
            return self.apply_function("softmax", t)
        if len(t.text) > 1 and self.at_sym("(", 1) and self.comma_list_follows_at(1):
            self.pos += 1  # loss(y, p): a multi-letter name applied to a list is one name
            return self.letter(t.text, t)
        if self.one_name(t.text):
            self.pos += 1
            self.warnings.append(
                f"read '{t.text}' as one name (its letters are not names elsewhere in the math)"
            )
            if self.at_sym("("):
                return self.undefined_call(t.text, t, None)  # a multi-letter name applied
            return self.letter(t.text, t)
        for fn in FUNCTIONS:
            if t.text.startswith(fn) and (len(t.text) == len(fn) or fn in ("exp", "log")):
                head = self.split_word(len(fn))
                return self.apply_function(fn, head)
        head = self.split_word(1)
        return self.letter(head.text, head)

    def one_name(self, word: str) -> bool:
        """A word of three or more letters is one name when some letter of it is not a name of
        its own anywhere in the document's math: ``loss`` is not ``l o s s``."""
        letters = self.ctx.letters
        if letters is None or len(word) < 3 or any(word.startswith(f) for f in FUNCTIONS):
            return False
        return any(c not in letters for c in word)

    def name_token(self) -> sympy.Expr:
        t = self.take()
        key = t.text.replace(" ", "")
        if key in FUNCTIONS:
            return self.apply_function(key, t)
        if key == "diag" and self.at_sym("("):
            arg = self.paren()
            if not _v.is_shaped(arg):
                raise self.error("diag of something that is not a vector", t, unsupported=True)
            return _v.diag(arg)
        if len(key) == 1 and key.isalpha():
            return self.letter(key, t)
        if self.at_sym("("):
            args, bar = self.call_args_given(t)
            self.warnings.append(f"read {key}(...) as an undefined function")
            return sympy.Function(conditional_name(key, bar))(*args)
        if key in self.ctx.functions:
            # NOTE: \partial \mathrm{LSE} / \partial x_k: the document's function named
            # without its arguments (it is defined, or applied, elsewhere).
            return self.bare(key)
        raise self.error(f"prose '{t.text}' inside the math", t)

    def call_args(self, at: Token) -> list[sympy.Expr]:
        return self.call_args_given(at)[0]

    def call_args_given(self, at: Token) -> tuple[list[sympy.Expr], int | None]:
        """A call's arguments and how many stand before a conditioning bar (None: no bar)."""
        toks = self.paren_tokens()
        if not toks:
            raise self.error("a call without arguments", at)
        halves = _divergence_halves(toks)
        if halves is not None:
            # NOTE: KL(p || q), JSD(p \| q): two arguments (the divergence of p from q).
            return [self.whole_vector(self.sub_expr(h, at), at) for h in halves], None
        q = self.sub(toks)
        args = [q.ellipsis() or q.expr()]
        bar: int | None = None
        # NOTE: q(z | x) and P(y | X, w) are functions of all their arguments: conditioning
        # is read as one more argument, never as an absolute value.
        while q.at_sym(",") or q.at_sym(";") or q.at_sym("|") or q.at("cmd", "mid"):
            if bar is None and (q.at_sym("|") or q.at("cmd", "mid")):
                bar = len(args)
            q.pos += 1
            args.append(q.ellipsis() or q.expr())
        if q.pos < len(q.toks):
            raise self.error(f"unexpected {_show(q.toks[q.pos])}", q.toks[q.pos])
        return [self.whole_vector(a, at) for a in args], bar

    def whole_vector(self, a: object, at: Token) -> sympy.Expr:
        """An argument as written; ``f(\\mathbf{x})`` is a function of the whole vector x."""
        if isinstance(a, _v.Shaped):
            if a.name is None or a.kind != "col":
                raise self.error("a function of a vector expression", at, unsupported=True)
            return _vector(a.name)
        return cast(sympy.Expr, a)

    def ellipsis(self) -> sympy.Expr | None:
        """``\\ldots`` as a whole argument (``p(w_1, \\ldots, w_n)``): the arguments left out."""
        if (self.at("cmd", "ldots") or self.at("cmd", "cdots")) and (
            self.pos + 1 == len(self.toks)
            or self.at_sym(",", 1)
            or self.at_sym(";", 1)
        ):
            self.pos += 1
            return symbols.scalar("\\ldots")
        return None

    def bold_command_between(self, a: Token, b: Token) -> bool:
        """Whether the source from ``a`` to ``b`` writes a bold command of its own."""
        if self.src is None:
            return False
        text = self.src.text[a.start : b.end]
        return any(c in text for c in ("\\mathbf", "\\bm", "\\boldsymbol", "\\bold"))

    def indices(self, toks: list[Token], at: Token) -> list[sympy.Expr] | None:
        """A subscript's indices, or None when the subscript is part of a name (D_{KL})."""
        if not toks:
            raise self.error("an empty subscript", at)
        if any(u.bold for u in toks if u.kind in ("word", "name")) and (
            any(u.text[:1].isupper() for u in toks if u.kind in ("word", "name"))
            or self.bold_command_between(at, toks[-1])
        ):
            # NOTE: J_{\mathbf x}, \nabla_{\mathbf z}: a bold letter below names a vector (what
            # the quantity is taken with respect to), never an entry index.
            return None
        if all(u.kind in ("word", "num") or (u.kind == "sym" and u.text == ",") for u in toks):
            out: list[sympy.Expr] = []
            for u in toks:
                if u.kind == "num":
                    if len(u.text) > 6 or "." in u.text:
                        raise self.error(f"index {u.text} is not a small integer", u)
                    out.append(sympy.Integer(int(u.text)))
                elif u.kind == "word":
                    if (
                        u.text.islower()
                        and len(u.text) <= 2
                        or (len(toks) > 1 and len(u.text) == 1)
                    ):
                        out.extend(_index(c) for c in u.text)
                    else:
                        return None
            if not out:
                raise self.error("a subscript without an index", at)
            return out
        if len(toks) == 1 and toks[0].kind in ("name", "cmd"):
            if toks[0].kind == "cmd" and toks[0].text not in GREEK:
                raise self.error(f"unexpected {_show(toks[0])} in a subscript", toks[0])
            return None
        return [self.sub_expr(toks, at, index=True)]

    def letter(self, name: str, t: Token) -> sympy.Expr:
        """A letter (or Greek name) with its scripts: an entry, a name, or an application."""
        sub_toks: list[Token] | None = None
        sub_at = t
        sup: list[tuple[Token, sympy.Expr | _Transpose]] = []
        primes = 0
        sample: sympy.Expr | None = None
        while self.at_sym("_") or self.at_sym("^") or self.at_sym("'"):
            k = self.primes()
            if k:
                primes += k
                continue
            op = self.take()
            if op.text == "_":
                if sub_toks is not None:
                    raise self.error("a double subscript", op)
                sub_toks, sub_at = self.group_tokens()
            elif sample is None and not sup and self.sample_index_follows():
                sample = self.sample_index()
            elif not sup and self.star_follows():
                name = f"{name}^*"  # D^*: the optimal D, a name of its own (as \\hat{D})
            else:
                if name == "e" and sub_toks is None:
                    e = self.superscript()
                    if isinstance(e, _Transpose):
                        raise self.error("e^T is not read", op)
                    return self.make_pow(sympy.E, e, op)
                sup.append((op, self.superscript()))
        if primes and not sup and not self.at_sym("(") and sample is None:
            # g'h - h'g: the derivative of g with respect to a variable the formula does not
            # name; one unknown of its own, never g itself
            self.warnings.append(f"read {name}{chr(39) * primes} as a name of its own")
            value = self.named(name + "'" * primes, t, sub_toks, sub_at)
            return value
        if primes:
            if sup or not self.at_sym("("):
                raise self.error("primes (f') are not read here", t, unsupported=True)
            value = self.named(name, t, sub_toks, sub_at, applied=True)
            if not isinstance(value, AppliedUndef) or len(value.args) != 1:
                raise self.error("a prime on something that is not a function", t, unsupported=True)
            return self.primed(value, value.args[0], primes, t)
        if sample is not None:
            value = self.sampled(name, t, sub_toks, sub_at, sample)
        else:
            value = self.named(name, t, sub_toks, sub_at, powered=bool(sup))
        for op, e in sup:
            value = self.make_pow(value, e, op)
        return value

    def named(
        self,
        name: str,
        t: Token,
        sub_toks: list[Token] | None,
        sub_at: Token,
        *,
        applied: bool = False,
        powered: bool = False,
    ) -> sympy.Expr:
        # NOTE: X^T (a - b): after a superscript, parentheses are a factor, never arguments.
        call = self.at_sym("(") and not powered
        idx: list[sympy.Expr] | None = None
        if (
            name == "E"
            and sub_toks is None
            and (self.ctx.draws or self.ctx.averaged)
            and self.at_sym("[")
        ):
            return self.drawn_expectation(t, "]")
        if name == "E" and sub_toks is None and self.at_sym("[") and not self.ctx.draws:
            # NOTE: E[X^2] is an expectation, never E times [X^2]: of a variable whose
            # distribution the document does not state, its value is not known.
            raise self.error(
                "an expectation E[...] under a distribution the document does not state",
                t,
                unsupported=True,
            )
        if sub_toks is not None:
            if name == "E" and any(u.kind == "cmd" and u.text == "sim" for u in sub_toks):
                return self.expectation(sub_toks, sub_at)
            if name == "E" and self.at_sym("[") and self.density_name(sub_toks):
                # E_q[log q(z|x)]: over the density as the body applies it (q(z|x)), its
                # first argument the variable; a body that never applies it says no variable.
                in_body = self.applied_in_brackets(sub_toks)
                if in_body is None:
                    raise self.error(
                        "E_p[...] whose body does not write the density's variable",
                        sub_at,
                        unsupported=True,
                    )
                return self.density_expectation(in_body[len(sub_toks) + 1].text, in_body, sub_at)
            if name == "E" and self.at_sym("[") and self.density_subscript(sub_toks):
                # E_{q(z|x)}[f(z)]: the expectation over the density's variable
                k = next(m for m, u in enumerate(sub_toks) if _is_sym(u, ("(",)))
                return self.density_expectation(sub_toks[k + 1].text, sub_toks, sub_at)
            if name == "delta":
                idx = self.indices(sub_toks, sub_at)
                if idx is not None and len(idx) == 2:
                    return sympy.KroneckerDelta(idx[0], idx[1])
            key = _matrix_key(name, sub_toks)
            if key in self.ctx.matrices and not call:
                return _v.matrix(key)  # B_1, declared or used as a matrix: a name of its own
            if key in self.ctx.columns and not call:
                return _v.vector(key)  # \\zeta_4 \\in \\mathbb{R}^{n \\times 1}: a column
            idx = self.indices(sub_toks, sub_at)
            if (
                idx is not None
                and name in self.ctx.paired
                and len(sub_toks) == 1
                and sub_toks[0].kind == "num"
                and len(sub_toks[0].text) == 2
            ):
                idx = [sympy.Integer(int(c)) for c in sub_toks[0].text]  # v_{00}: entry (0, 0)
            if idx is not None and name in self.ctx.scalars and not self.index_mode:
                suffix = "".join(
                    u.text for u in sub_toks if u.kind in ("word", "name", "cmd", "num")
                )
                return self.bare(f"{name}_{suffix}")  # p_t where p is a scalar: a name
            if idx is None:
                suffix = "".join(u.text for u in sub_toks if u.kind in ("word", "name", "cmd"))
                name = f"{name}_{suffix}"
        if name in ("H", "D_KL") and self.at_sym("("):
            return self.info_function(name, t)
        if idx is None and name in self.ctx.entry_functions and self.at_sym("("):
            return self.entry_call(name, t)
        if name == "sigma" and idx is None and self.at_sym("(") and self.entry_after_call():
            # NOTE: \sigma(\mathbf z)_i = ...: the document's own function of a vector, read
            # by its entry like s(\mathbf x)_i (never the sigmoid of a vector)
            return self.undefined_call(name, t, None)
        if name == "sigma" and idx is None and self.at_sym("(") and not self.comma_list_follows():
            a = self.paren()
            if isinstance(a, _v.Shaped):
                # NOTE: \sigma(\mathbf h) with no entry index anywhere: the sigmoid entry by
                # entry (a document defining \sigma(\mathbf z)_i reads it by entry above)
                return _v.elementwise(a, sympy.Function("sigma"))
            return sympy.Function("sigma")(a)
        if self.at_sym("(") and (
            applied
            or self.integration_variable_follows()
            or _function_key(name, idx) in self.ctx.functions
            or self.comma_list_follows()
            or (idx is None and sub_toks is not None and _parameter_subscript(sub_toks))
        ):
            return self.undefined_call(name, t, idx)
        if idx is not None:
            return self.vector_base(name)[tuple(idx)]
        if name in self.ctx.columns and not call:
            return _v.vector(name)
        if t.bold and _plain_letter(name).islower():
            return _v.vector(name, row=self.ctx.rows)  # \mathbf{p}: the vector p
        if name in self.ctx.matrices and not call:
            return _v.matrix(name)  # J, written J_{ij} elsewhere: the matrix J
        if name.startswith("J_") and sub_toks is not None and self.at_sym("("):
            jac = self.jacobian(sub_toks, sub_at)
            if jac is not None:
                return jac
        if self.at_sym("(") and name[0].isupper() and t.bold and "_" in name:
            # NOTE: \mathbf J_{\mathbf x}(\mathbf s): a bold capital is a matrix-valued
            # function of its argument, never a distribution's entry.
            return self.undefined_call(name, t, None)
        if self.at_sym("(") and name[0].isupper():
            return self.application(name, t)
        if idx is None and self.at_sym("(") and self.bound_variable_follows():
            # NOTE: p(x) inside \sum_{x \in X} (or an expectation over x): the entry of p at
            # the summation variable, never p times x.
            self.pos += 1
            var = self.take().text
            self.pos += 1
            return self.vector_base(name)[_index(var)]
        if (
            idx is None
            and self.at_sym("(")
            and self.one_variable_follows()
            and name not in self.bound
        ):
            # NOTE: s(x) is s times x unless the document defines s as a function; the step
            # says which reading was taken so that a surprising verdict can be traced.
            self.warnings.append(
                f"read {name}(...) as {name} times (...); write {name}(x) = ... to make "
                f"{name} a function"
            )
        return self.bare(name)

    def shape_statement_follows(self) -> bool:
        """``\\in \\mathbb{R}^{n \\times h}`` ending the formula: a statement of its shape."""
        rest = self.toks[self.pos :]
        if len(rest) < 2 or not (rest[0].kind == "cmd" and rest[0].text == "in"):
            return False
        if not (rest[1].kind == "word" and rest[1].text == "R"):
            return False
        power = rest[2:]
        return not power or (
            _is_sym(power[0], ("^",))
            and (len(power) == 2 or (_is_sym(power[1], ("{",)) and _is_sym(power[-1], ("}",))))
        )

    def jacobian(self, sub_toks: list[Token], sub_at: Token) -> sympy.Expr | None:
        """``J_{\\mathbf x}(\\mathbf f)``: the Jacobian of ``f`` with respect to the vector ``x``
        (``None``: the subscript is not a vector name, ``J_x(s)`` is a function of its own)."""
        var = self.sub_expr(sub_toks, sub_at)
        if not isinstance(var, _v.Shaped) or var.name is None or var.kind == "mat":
            return None
        return cast(sympy.Expr, _v.jacobian(var, self.paren()))

    def bound_variable_follows(self) -> bool:
        """``(x)`` at the cursor with ``x`` bound by an enclosing sum or expectation."""
        return (
            self.one_variable_follows()
            and self.toks[self.pos + 1].kind == "word"
            and self.toks[self.pos + 1].text in self.bound
        )

    def one_variable_follows(self) -> bool:
        """``(x)``, ``(\\mathbf z)``, ``(\\theta)`` at the cursor: one bare variable in parentheses."""
        toks = self.toks[self.pos : self.pos + 3]
        return (
            len(toks) == 3
            and _is_sym(toks[2], (")",))
            and (
                (toks[1].kind == "word" and len(toks[1].text) == 1)
                or (toks[1].kind == "cmd" and toks[1].text in GREEK)
            )
        )

    def entry_call(self, name: str, t: Token) -> sympy.Expr:
        """``\\sigma(A_k)`` where the document defines ``\\sigma(A_i)`` from all of ``A``."""
        args = self.call_args(t)
        if len(args) == 1 and isinstance(args[0], sympy.IndexedBase):
            return sympy.Function(name)(args[0])  # \sigma(A): the vector of its entries
        if len(args) == 1 and isinstance(args[0], sympy.Symbol) and not args[0].is_integer:
            return sympy.Function(name)(self.vector_base(args[0].name))
        if len(args) != 1 or not (isinstance(args[0], sympy.Indexed) and len(args[0].indices) == 1):
            raise self.error(
                f"{name} is defined entry by entry ({name}(A_i)); this argument is not an entry",
                t,
                unsupported=True,
            )
        return sympy.Function(name)(args[0].base, args[0].indices[0])

    def star_follows(self) -> bool:
        """``*``, ``{*}`` or ``\\star`` at the cursor (after a ``^``); taken when true."""
        if self.at_sym("*") or self.at("cmd", "star"):
            self.pos += 1
            return True
        if (
            self.at_sym("{")
            and (self.at_sym("*", 1) or self.at("cmd", "star", 1))
            and self.at_sym("}", 2)
        ):
            self.pos += 3
            return True
        return False

    def sample_index_follows(self) -> bool:
        """``{(i)}`` at the cursor (after a ``^``): a sample index, not a power."""
        toks = self.toks[self.pos : self.pos + 5]
        texts = [(u.kind, u.text) for u in toks]
        inner = texts[2:3] if texts[:2] == [("sym", "{"), ("sym", "(")] else []
        return (
            len(texts) >= 5
            and bool(inner)
            and (inner[0][0] == "num" or (inner[0][0] == "word" and len(inner[0][1]) == 1))
            and texts[3:5] == [("sym", ")"), ("sym", "}")]
        )

    def sample_index(self) -> sympy.Expr:
        """Take ``{(i)}`` and return the index ``i`` (or the number)."""
        self.pos += 2
        u = self.take()
        self.pos += 2
        if u.kind == "num":
            if len(u.text) > 6 or "." in u.text:
                raise self.error(f"sample index {u.text} is not a small integer", u)
            return sympy.Integer(int(u.text))
        return _index(u.text)

    def sampled(
        self,
        name: str,
        t: Token,
        sub_toks: list[Token] | None,
        sub_at: Token,
        sample: sympy.Expr,
    ) -> sympy.Expr:
        """``x^{(i)}``, ``x_j^{(i)}``: an entry of the per-sample quantity ``x^{(\\cdot)}``.

        NOTE: the sample index is a separate name, so ``x^{(i)}`` is never ``x_i`` nor ``x**i``.
        """
        idx: list[sympy.Expr] = []
        if sub_toks is not None:
            got = self.indices(sub_toks, sub_at)
            if got is None:
                suffix = "".join(u.text for u in sub_toks if u.kind in ("word", "name", "cmd"))
                name = f"{name}_{suffix}"
            else:
                idx = got
        if self.at_sym("(") and (name in self.ctx.functions or self.comma_list_follows()):
            raise self.error("a per-sample function is not read", t, unsupported=True)
        return _vector(f"{name}^{{(\\cdot)}}")[tuple([sample, *idx])]

    def comma_list_follows(self) -> bool:
        """True when the parentheses at the cursor hold a top-level comma: ``(y, \\hat y)``."""
        return self.comma_list_follows_at(0)

    def comma_list_follows_at(self, k: int) -> bool:
        depth = 0
        for m in range(self.pos + k, len(self.toks)):
            u = self.toks[m]
            if u.kind == "sym" and u.text in ("(", "[", "{"):
                depth += 1
            elif u.kind == "sym" and u.text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return False
            elif u.kind == "begin":
                depth += 1
            elif u.kind == "end":
                depth -= 1
            elif depth == 1 and (
                (u.kind == "sym" and u.text in (",", ";", "|"))
                or (u.kind == "cmd" and u.text in ("mid", "|", "Vert", "parallel"))
            ):
                return True
        return False

    def unwrap_call_entry(self) -> bool:
        """``[f(\\mathbf a)]_i`` at the cursor: the brackets around the call dropped when true."""
        open_ = self.pos
        head = self.toks[open_ + 1 : open_ + 3]
        if len(head) < 2 or head[0].kind not in ("word", "cmd") or not _is_sym(head[1], ("(",)):
            return False  # no call right inside: no scan for the closing bracket
        close = {"(": ")", "[": "]"}[self.toks[open_].text]
        m = _closing(self.toks, open_)
        if m is None:
            return False
        inner = self.toks[open_ + 1 : m]
        if (
            m >= len(self.toks) - 1
            or self.toks[m].text != close
            or not _is_sym(self.toks[m + 1], ("_",))
            or len(inner) < 4
            or inner[0].kind not in ("word", "cmd")
            or not _is_sym(inner[1], ("(",))
            or not _is_sym(inner[-1], (")",))
        ):
            return False
        if _closing(inner, 1) != len(inner) - 1:  # the call's own parenthesis closes last
            return False
        self.toks[open_ : m + 1] = inner
        return True

    def expectation_body(self, var: str, at: Token, what: str) -> sympy.Expr:
        """The bracketed body of an expectation over ``var``, read with ``var`` integrated."""
        if not (self.at_sym("[") or self.at_sym("(")):
            raise self.error(f"{what} without [ ... ]", self.peek() or at)
        saved = self.integration
        self.integration = [*saved, var]
        try:
            return self.paren()
        finally:
            self.integration = saved

    def entry_after_call(self) -> bool:
        """``(...)_i`` at the cursor: a call whose entry is written after it."""
        save = self.pos
        try:
            self.paren_tokens()
            return self.at_sym("_")
        except ParseError:
            return False
        finally:
            self.pos = save

    def undefined_call(self, name: str, t: Token, idx: list[sympy.Expr] | None) -> sympy.Expr:
        """``f(x)``, ``L(y, \\hat y)``, ``g_\\phi(x, \\epsilon)``: an undefined function applied.

        An entry written after the call (``s(\\mathbf x)_i``) becomes a last argument.
        """
        args, bar = self.call_args_given(t)
        fname = name if idx is None else f"{name}_{{{','.join(str(i) for i in idx)}}}"
        fname = conditional_name(fname, bar)
        if self.at_sym("_"):
            self.pos += 1
            toks, at = self.group_tokens()
            args.append(self.index_expr(toks, at))
        return sympy.Function(fname)(*args)

    def bare(self, name: str) -> sympy.Expr:
        if name in self.bound:
            return _index(name)
        if self.count_mode:
            return symbols.n if name == "n" else symbols.count(name)
        if self.index_mode and len(name) == 1 and name.islower():
            return _index(name)
        if name == "n":
            return symbols.n
        if name == "e":
            return sympy.E
        if name == "pi":
            return sympy.pi
        return symbols.scalar(name)

    def application(self, name: str, t: Token) -> sympy.Expr:
        """``P(x)``: an entry of a distribution; other arguments: an undefined function."""
        if name in self.ctx.matrices:
            # NOTE: W (x + y) with W a matrix of the document: a product, never a call.
            self.warnings.append(f"read {name}(...) as the matrix {name} times (...)")
            return cast(sympy.Expr, _v.matrix(name))
        save = self.pos
        toks = self.paren_tokens()
        if (
            len(toks) == 1
            and toks[0].kind in ("word", "name")
            and toks[0].text in self.ctx.columns
            and name not in self.ctx.distributions
        ):
            # NOTE: L(w) with w a vector of the document's (w^T x, w \in \mathbb{R}^d): a
            # function of the whole vector, never an entry of a distribution L.
            self.pos = save
            return self.undefined_call(name, t, None)
        if len(toks) == 1 and toks[0].kind in ("word", "name") and len(toks[0].text) == 1:
            letter = toks[0].text
            if letter.isupper():
                if name in self.ctx.densities and letter.lower() in self.integration:
                    # NOTE: P(X) under an integral over x, P a density of the document: the
                    # density at the value x of the random variable X.
                    self.warnings.append(f"read {name}({letter}) as the density {name} at x")
                    return sympy.Function(name)(symbols.scalar(letter.lower()))
                letter = letter.lower()
            return _distribution(name)[_index(letter)]
        if len(toks) == 1 and toks[0].kind == "num" and toks[0].text.isdigit():
            return _distribution(name)[sympy.Integer(int(toks[0].text))]
        # NOTE: a capital before parentheses that hold no outcome is read as a product,
        # the literal reading of L (a + b); the step says so.
        self.pos = save
        self.warnings.append(f"read {name}(...) as {name} times (...)")
        return self.bare(name)

    def info_function(self, name: str, t: Token) -> sympy.Expr:
        """``H(P)``, ``H(P, Q)``, ``D_{KL}(P || Q)``: undefined functions of distributions."""
        toks = self.paren_tokens()
        parts: list[list[Token]] = [[]]
        m = 0
        depth = 0
        while m < len(toks):
            u = toks[m]
            if u.kind == "sym" and u.text in ("(", "[", "{"):
                depth += 1
            elif u.kind == "sym" and u.text in (")", "]", "}"):
                depth -= 1
            if depth:
                parts[-1].append(u)
            elif (
                u.kind == "sym"
                and u.text == ","
                or u.kind == "cmd"
                and u.text in ("|", "Vert", "parallel", "mid")
            ):
                parts.append([])
            elif u.kind == "sym" and u.text == "|":
                parts.append([])
                if m + 1 < len(toks) and toks[m + 1].kind == "sym" and toks[m + 1].text == "|":
                    m += 1
            else:
                parts[-1].append(u)
            m += 1
        if any(
            len(part) != 1 or part[0].kind not in ("word", "name") or len(part[0].text) != 1
            for part in parts
        ):
            # NOTE: H(Y, \sigma(A)), H(w_1, \ldots, w_n), D_{KL}(q(z|x) \| p(z)): not the
            # standard object of named distributions but a function of what it is written
            # with, whose meaning is the document's (a definition, or unknown).
            return self.function_of_parts(name, parts, t)
        args: list[sympy.Basic] = []
        for part in parts:
            letter = part[0].text
            if letter.islower():
                dist = dict(self.ctx.rv).get(letter)
                if dist is not None:
                    self.warnings.append(
                        f"read {name}({letter}) as {name}({dist}): {letter} ~ {dist}"
                    )
                    letter = dist
                elif letter in self.ctx.vectors or letter in self.ctx.outcome_functions:
                    args.append(self.vector_base(letter))  # H(p) of a probability vector p
                    continue
                elif name == "H" and len(parts) == 1:
                    # NOTE: H(p) with p no distribution, vector or random variable of the
                    # document: a function of the number p, whose meaning is the document's
                    # (H(p) = -p \log p - ..., the binary entropy) or unknown.
                    return self.function_of_parts(name, parts, t)
                else:
                    raise self.error(
                        f"{name}({letter}): the distribution of {letter} is not stated",
                        part[0],
                        unsupported=True,
                    )
            args.append(_distribution(letter))
        if name == "H" and len(args) not in (1, 2) or name == "D_KL" and len(args) != 2:
            raise self.error(f"{name} with {len(args)} arguments", t)
        return sympy.Function(name)(*args)

    def function_of_parts(self, name: str, parts: list[list[Token]], t: Token) -> sympy.Expr:
        """``H(Y, \\sigma(A))``: an undefined function of the expressions between separators."""
        args: list[sympy.Expr] = []
        for part in parts:
            if not part:
                raise self.error(f"an empty argument of {name}(...)", t)
            args.append(self.argument(part, t))
        return sympy.Function(name)(*args)

    def argument(self, toks: list[Token], at: Token) -> sympy.Expr:
        """One argument of a call; ``\\ldots`` alone stands for the arguments left out."""
        if len(toks) == 1 and toks[0].kind == "cmd" and toks[0].text in ("ldots", "cdots"):
            return symbols.scalar("\\ldots")
        return self.whole_vector(self.sub_expr(toks, at), at)

    def expectation(self, sub_toks: list[Token], at: Token) -> sympy.Expr:
        """``E_{X \\sim P}[f(X)]`` → ``Sum(P[x] * f(x), (x, 1, n))``."""
        words = [u for u in sub_toks if u.kind in ("word", "name")]
        cut = next(
            (m for m, u in enumerate(sub_toks) if u.kind == "cmd" and u.text == "sim"), None
        )
        named_family = (
            len(sub_toks) > 3
            and sub_toks[2].kind in ("word", "name")
            and sub_toks[2].text in _distributions.NORMAL | _distributions.BERNOULLI
            and _is_sym(sub_toks[3], ("(",))
        )
        if (
            cut == 1
            and sub_toks[0].kind in ("word", "name")
            and len(sub_toks[0].text) == 1
            and len(sub_toks) > 2
            and (named_family or not (len(words) == 2 and len(words[1].text) == 1))
        ):
            return self.density_expectation(sub_toks[0].text, sub_toks[2:], at)
        if cut == 1 and len(sub_toks) > 2 and self.density_name(sub_toks[2:]):
            # E_{x \sim p}, p a density of the document (p(x | z), z \sim p(z)): ∫ p(x) f(x) dx
            return self.density_expectation(sub_toks[0].text, sub_toks[2:], at)
        if len(words) != 2 or len(words[0].text) != 1 or len(words[1].text) != 1:
            raise self.error("expected E_{X \\sim P}", at, unsupported=True)
        var = words[0].text.lower()
        # NOTE: the weights are what p(x) reads as in the body: E_{x~p}[log p(x)] is Σ_x p_x log p_x
        # with one p (a lowercase p is the document's vector p unless it names a distribution).
        name = words[1].text
        dist = _distribution(name) if name.isupper() else self.vector_base(name)
        if not (self.at_sym("[") or self.at_sym("(")):
            raise self.error("E_{X \\sim P} without [ ... ]", self.peek() or at)
        x = _index(var)
        self.bound.append(var)
        try:
            body = self.paren()
        finally:
            self.bound.pop()
        if _v.is_shaped(body):
            raise self.error("an expectation of a vector", at, unsupported=True)
        body = body.xreplace({symbols.scalar(words[0].text): x})
        return sympy.Sum(dist[x] * body, (x, 1, symbols.n))

    def known_expectation(self, var: str, dist: list[Token], at: Token) -> sympy.Expr | None:
        """``E_{x \\sim N(\\mu, \\sigma^2)}[f(x)]``: under a distribution named by its family
        and parameters (:mod:`._distributions`); None for any other distribution."""
        families = _distributions.NORMAL | _distributions.BERNOULLI
        if not (
            len(dist) >= 3
            and dist[0].kind in ("word", "name")
            and dist[0].text in families
            and _is_sym(dist[1], ("(",))
            and _is_sym(dist[-1], (")",))
        ):
            return None
        parts = _parameters(dist[2:-1])
        if parts is None:
            return None
        args = [cast(sympy.Expr, self.sub_expr(part, at)) for part in parts]
        body = self.expectation_body(var, at, "E_{x \\sim N(...)}")
        x = symbols.scalar(var)
        try:
            value = _distributions.expectation(dist[0].text, args, x, body)
        except _distributions.NotKnown as e:
            raise self.error(str(e), dist[0], unsupported=True) from None
        self.note_expectation(dist[0].text, args)
        return value

    def note_expectation(self, family: str, args: list[sympy.Expr]) -> None:
        shown = ", ".join(sympy.sstr(a) for a in args)
        self.warnings.append(f"{_distributions.EXPECTATION_VALUE} {family}({shown}) as its value")

    def drawn_expectation(self, at: Token, close: str) -> sympy.Expr:
        """``E[f(X)]`` or ``\\langle f(x) \\rangle`` of the one variable the document draws
        from a named distribution (``X \\sim \\mathcal{N}(\\mu, \\sigma^2)``)."""
        if close == "]":
            body = self.paren()
        else:
            end = next(
                (k for k in range(self.pos, len(self.toks)) if self.at("cmd", "rangle", k - self.pos)),
                None,
            )
            if end is None or end == self.pos:
                raise self.error("\\langle without \\rangle", self.peek() or at)
            body = cast(sympy.Expr, self.sub_expr(self.toks[self.pos : end], at))
            self.pos = end + 1
        drawn = [d for d in self.ctx.draws if symbols.scalar(d[0]) in body.free_symbols]
        averaged = [a for a in self.ctx.averaged if symbols.scalar(a[0]) in body.free_symbols]
        if not drawn and len(averaged) == 1:
            var, name = averaged[0]
            x = symbols.scalar(var)
            self.warnings.append(
                f"read the expectation as the integral against {name}({var}) (the prose takes "
                f"expectations under {name})"
            )
            return sympy.Integral(sympy.Function(name)(x) * body, x)
        if len(drawn) != 1:
            raise self.error(
                "an expectation whose distribution the document does not state", at, unsupported=True
            )
        var, family, params = drawn[0]
        toks = tokenize(params, 0, max_depth=self.ctx.max_depth)
        parts = _parameters(toks)
        if parts is None:
            raise self.error(f"the parameters of {family}({params}) are not read", at, unsupported=True)
        args = [cast(sympy.Expr, self.sub(part).expr()) for part in parts]
        try:
            value = _distributions.expectation(family, args, symbols.scalar(var), body)
        except _distributions.NotKnown as e:
            raise self.error(str(e), at, unsupported=True) from None
        self.note_expectation(family, args)
        return value

    def density_name(self, toks: list[Token]) -> bool:
        """``p``, ``q_\\phi``: the name of a density of the document, and nothing more."""
        if not self.ctx.densities or not toks or toks[0].kind not in ("word", "name"):
            return False
        try:
            q = self.sub(toks)
            e = q.expr()
        except ParseError:
            return False
        return q.pos == len(q.toks) and isinstance(e, sympy.Symbol) and e.name in self.ctx.densities

    def applied_in_brackets(self, head: list[Token]) -> list[Token] | None:
        """The first ``head(v ...)`` inside the brackets that open here, ``v`` one letter: the
        head with its parenthesised arguments, or None."""
        depth, m, end = 0, self.pos, None
        while m < len(self.toks):
            if _is_sym(self.toks[m], ("[",)):
                depth += 1
            elif _is_sym(self.toks[m], ("]",)):
                depth -= 1
                if depth == 0:
                    end = m
                    break
            m += 1
        if end is None:
            return None
        key = [(u.kind, u.text) for u in head]
        for m in range(self.pos + 1, end - len(head)):
            if [(u.kind, u.text) for u in self.toks[m : m + len(head)]] != key:
                continue
            k = m + len(head)
            if not (_is_sym(self.toks[k], ("(",)) and self.toks[k + 1].kind == "word"):
                continue
            if len(self.toks[k + 1].text) != 1:
                continue
            inner, close = 0, k
            while close < end:
                if _is_sym(self.toks[close], ("(",)):
                    inner += 1
                elif _is_sym(self.toks[close], (")",)):
                    inner -= 1
                    if inner == 0:
                        return [*head, *self.toks[k : close + 1]]
                close += 1
        return None

    def density_subscript(self, sub: list[Token]) -> bool:
        """``q_\\phi(z | x)``, ``p(x)``: a density of the document applied to one letter first."""
        k = next((m for m, u in enumerate(sub) if _is_sym(u, ("(",))), None)
        return (
            k is not None
            and k + 2 < len(sub)
            and sub[k + 1].kind == "word"
            and len(sub[k + 1].text) == 1
            and _is_sym(sub[-1], (")",))
            and self.density_name(sub[:k])
        )

    def density_expectation(self, var: str, dist: list[Token], at: Token) -> sympy.Expr:
        """``E_{x \\sim p(x)}[f(x)]``, ``E_{z \\sim q_\\phi(z|x)}[...]``: ``∫ p(x) f(x) dx``.

        NOTE: a density written as a function (or a name, p_g, applied to the variable); the
        expectation is its integral against the body over the whole line.  A capital random
        variable with its density written at the lower-case value (``E_{X \\sim P(x)}[X^2]``)
        is integrated over that value: ``∫ P(x) x^2 dx``.
        """
        rv: str | None = None
        if (
            len(var) == 1
            and var.isupper()
            and any(u.kind == "word" and u.text == var.lower() for u in dist)
            and not any(u.kind == "word" and u.text == var for u in dist)
        ):
            rv, var = var, var.lower()
        known = self.known_expectation(var, dist, at)
        if known is not None:
            return known
        q = self.sub(dist)
        q.integration = [*self.integration, var]
        d = q.expr()
        if q.pos < len(q.toks):
            raise self.error(f"unexpected {_show(q.toks[q.pos])}", q.toks[q.pos])
        x = symbols.scalar(var)
        if isinstance(d, sympy.Symbol) and not d.is_integer:
            d = sympy.Function(d.name)(x)  # E_{x \sim p_g}: the density p_g at x
        elif isinstance(d, sympy.Indexed) and all(isinstance(i, sympy.Symbol) for i in d.indices):
            label = f"{d.base.label}_{{{','.join(str(i) for i in d.indices)}}}"
            d = sympy.Function(label)(x)
        if not isinstance(d, AppliedUndef) or x not in d.args:
            raise self.error("an expectation over something that is not a density of its variable", at, unsupported=True)
        body = self.expectation_body(var, at, "E_{x \\sim p}")
        if rv is not None:
            body = body.xreplace({symbols.scalar(rv): x})
        return sympy.Integral(d * body, x)

    # -- commands ------------------------------------------------------------------------
    def command(self, t: Token) -> sympy.Expr:
        c = t.text
        if c in _NORM_OPEN:
            self.pos += 1
            return self.norm(t)
        read = COMMANDS.get(c)
        if read is not None:
            self.pos += 1
            return read(self, t)
        if c in _CMD_FUNCS:
            self.pos += 1
            return self.apply_function(c, t)
        if c == "langle" and (self.ctx.draws or self.ctx.averaged):
            self.pos += 1
            return self.drawn_expectation(t, "rangle")
        if c == "Pi" and self.sigma_sum_follows():
            self.pos += 1
            return self.sum_(Token("cmd", "prod", t.start, t.end))  # \Pi_{i=1}^n: a product
        if c in _OPTIMA or (c == "arg" and self.at("cmd", None, 1) and self.peek(1) is not None):
            optimum = self.optimum(t)
            if optimum is not None:
                return optimum
        if c == "Sigma" and self.sigma_sum_follows():
            self.pos += 1
            return self.sum_(Token("cmd", "sum", t.start, t.end))  # \Sigma^m_{i=1}: a sum
        if c == "delta" and self.at_sym("{", 1):
            pair = [u for u in self.toks[self.pos + 2 : self.pos + 6] if not _is_sym(u, (",",))]
            if (
                len(pair) >= 2
                and pair[0].kind == "word"
                and _is_sym(pair[1], ("}",))
                and len(pair[0].text) == 2
                and pair[0].text.islower()
            ):
                self.pos += 4  # \delta{ij}: the Kronecker delta with its indices in braces
                return sympy.KroneckerDelta(_index(pair[0].text[0]), _index(pair[0].text[1]))
        if c in GREEK:
            self.pos += 1
            return self.letter(c, t)
        if c in ("hat", "bar", "tilde", "dot", "widehat", "overline"):
            # NOTE: \hat{y} is another quantity than y: a name of its own, never dropped.
            self.pos += 1
            toks, _at = self.group_tokens()
            if len(toks) > 2 and _is_sym(toks[1], ("_",)):
                # NOTE: \hat{y_1} is \hat{y}_1: the accent is on the letter, the subscript
                # names the entry (a superscript inside stays unread: \hat{x^2} is ambiguous)
                self.toks[self.pos : self.pos] = toks[1:]
                toks = toks[:1]
            if len(toks) != 1 or not (
                (toks[0].kind == "word" and len(toks[0].text) == 1)
                or (toks[0].kind == "cmd" and toks[0].text in GREEK)
            ):
                raise self.error(
                    f"\\{c} over something that is not one letter", t, unsupported=True
                )
            inner = toks[0].text if toks[0].kind == "word" else "\\" + toks[0].text
            # NOTE: \hat{\mathbf y} (and \mathbf{\hat y}) is the bold vector \hat{y}
            bold = t.bold or toks[0].bold
            return self.letter(f"\\{c}{{{inner}}}", Token(t.kind, t.text, t.start, t.end, bold=bold))
        raise UnknownCommandError(f"unknown command {_show(t)}", self.span_of(t))

    def sqrt(self, t: Token) -> sympy.Expr:
        if self.at_sym("["):
            raise self.error("\\sqrt[k] is not read", t, unsupported=True)
        return sympy.sqrt(self.fn_argument())

    def nabla_operator(self, t: Token) -> sympy.Expr:
        if not self.at_sym("_"):
            raise self.error("\\nabla without a variable", t, unsupported=True)
        self.pos += 1
        toks, at = self.group_tokens()
        var = self.sub_expr(toks, at)
        if self.peek() is None:
            raise self.error("\\nabla without an operand", t)
        return self.nabla(var, t)

    def braced(self, t: Token) -> sympy.Expr:
        e = self.expr()
        if not self.at("cmd", "}"):
            raise self.error("'\\{' is never closed", t)
        self.pos += 1
        return e

    def nabla(self, var: sympy.Expr, t: Token) -> sympy.Expr:
        """``\\nabla_{\\mathbf s} f g``: the gradient of the next factor or of the whole product.

        NOTE: ``\\nabla_{\\mathbf s} \\mathbf y \\log \\mathbf s^\\top`` differentiates the product,
        ``\\nabla_{\\mathbf s} H \\, \\mathbf J`` only ``H``: the reading whose shapes fit is taken;
        when both fit and differ, the extent of the operator is not clear and not guessed.
        """
        start = self.pos
        first: tuple[object, int] | ParseError
        try:
            first = (_v.gradient(var, self.factor(), layout_stated=self.ctx.jacobian_rows), self.pos)
        except ParseError as err:
            first = err
        self.pos = start
        if not isinstance(first, ParseError):
            after = self.toks[first[1]] if first[1] < len(self.toks) else None
            if not self.starts_primary(after):
                self.pos = first[1]
                return cast(sympy.Expr, first[0])
        whole: tuple[object, int] | ParseError
        try:
            f = self.factor()
            while self.starts_primary(self.peek()):
                f = _v.mul(f, self.factor())
            whole = (_v.gradient(var, f, layout_stated=self.ctx.jacobian_rows), self.pos)
        except ParseError as err:
            whole = err
        if isinstance(first, ParseError) and isinstance(whole, ParseError):
            raise first
        if not isinstance(first, ParseError) and not isinstance(whole, ParseError):
            raise self.error(
                "\\nabla before a product: whether it acts on the first factor or on the whole "
                "product is not clear",
                t,
                unsupported=True,
            )
        chosen = first if isinstance(whole, ParseError) else whole
        assert not isinstance(chosen, ParseError)
        value, self.pos = chosen
        return cast(sympy.Expr, value)

    def sigma_sum_follows(self) -> bool:
        """``\\Sigma_{i=1}^m``, ``\\Sigma_{w \\in L}``: a capital sigma with a summation range."""
        m = self.pos + 1
        while m + 1 < len(self.toks) and _is_sym(self.toks[m], ("_", "^")):
            op = self.toks[m].text
            if not _is_sym(self.toks[m + 1], ("{",)):
                m += 2
                continue
            depth, k = 0, m + 1
            while k < len(self.toks):
                u = self.toks[k]
                if _is_sym(u, ("{",)):
                    depth += 1
                elif _is_sym(u, ("}",)):
                    depth -= 1
                    if depth == 0:
                        break
                elif (
                    op == "_"
                    and depth == 1
                    and (_is_sym(u, ("=",)) or (u.kind == "cmd" and u.text in ("in", "neq")))
                ):
                    return True
                k += 1
            m = k + 1
        return self.sigma_over_its_letter()

    def sigma_over_its_letter(self) -> bool:
        """``\\Sigma_{w} p(w) \\log m(w)``: a capital sigma subscripted by one letter that the
        terms after it are applied to (``(w)``) is a sum over that letter, not a matrix entry."""
        toks = self.toks[self.pos + 1 :]
        if len(toks) < 2 or not _is_sym(toks[0], ("_",)):
            return False
        if _is_sym(toks[1], ("{",)) and len(toks) > 3 and _is_sym(toks[3], ("}",)):
            letter, rest = toks[2], toks[4:]
        else:
            letter, rest = toks[1], toks[2:]
        if letter.kind != "word" or len(letter.text) != 1 or not letter.text.islower():
            return False
        if rest and _is_sym(rest[0], ("^",)):
            return False
        for m in range(len(rest) - 2):
            if _is_sym(rest[m], ("=",)):
                return False
            if (
                _is_sym(rest[m], ("(",))
                and rest[m + 1].kind == "word"
                and rest[m + 1].text == letter.text
                and _is_sym(rest[m + 2], (")",))
            ):
                return True
        return False

    def limit(self, t: Token) -> sympy.Expr:
        """``\\lim_{h \\to 0} f(h)``: a SymPy ``Limit`` (two-sided at a finite point)."""
        if not self.at_sym("_"):
            raise self.error("\\lim without its variable", t, unsupported=True)
        self.pos += 1
        toks, at = self.group_tokens()
        arrow = next(
            (
                m
                for m, u in enumerate(toks)
                if u.kind == "cmd" and u.text in ("to", "rightarrow", "longrightarrow")
            ),
            None,
        )
        if arrow is None or arrow == 0 or arrow == len(toks) - 1:
            raise self.error("\\lim_{h \\to a} expected", at, unsupported=True)
        var = self.sub_expr(toks[:arrow], at)
        point = self.sub_expr(toks[arrow + 1 :], toks[arrow])
        if not isinstance(var, sympy.Symbol) or (is_index(var) and var != symbols.n):
            raise self.error("\\lim of something that is not a variable", at, unsupported=True)
        if self.peek() is None:
            raise self.error("\\lim without a body", t)
        body = self.term()
        if _v.is_shaped(body):
            raise self.error("a limit of a vector", t, unsupported=True)
        # NOTE: the limit's variable is a real number of its own, even when it is written n
        # (which elsewhere is the class count): lim_{n -> oo} runs over the reals.
        v = symbols.scalar(var.name)
        body = body.xreplace({var: v})
        if point.has(sympy.oo, -sympy.oo):
            return sympy.Limit(body, v, point)
        return sympy.Limit(body, v, point, dir="+-")

    def integration_variable_follows(self) -> bool:
        """``(x)`` at the cursor inside ``\\int ... dx``: the name before it is applied to x."""
        if not self.integration or not self.at_sym("("):
            return False
        if self.one_variable_follows():
            return self.toks[self.pos + 1].text in self.integration
        # D(G(z)) inside \int ... dz: a function of an expression of the variable
        depth = 0
        for u in self.toks[self.pos :]:
            if u.kind == "sym" and u.text in ("(", "[", "{"):
                depth += 1
            elif u.kind == "sym" and u.text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return False
            elif u.kind == "word" and u.text in self.integration and depth == 2:
                return True
        return False

    def integral(self, t: Token) -> sympy.Expr:
        """``\\int_a^b f(x) \\, dx``: a SymPy ``Integral``; the differential must be written."""
        lower: list[Token] | None = None
        upper: list[Token] | None = None
        while self.at_sym("_") or self.at_sym("^"):
            op = self.take()
            toks, _at = self.group_tokens()
            if op.text == "_":
                lower = toks
            else:
                upper = toks
        depth, m = 0, self.pos
        found: tuple[int, int, str] | None = None  # (start, end, variable)
        while m < len(self.toks):
            u = self.toks[m]
            if u.kind == "sym" and u.text in ("(", "[", "{"):
                depth += 1
            elif u.kind == "sym" and u.text in (")", "]", "}"):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and u.kind == "sym" and u.text in ("=", ","):
                break
            elif depth == 0 and u.kind in ("word", "name") and u.text[0] == "d":
                nxt = self.toks[m + 1] if m + 1 < len(self.toks) else None
                if len(u.text) == 2 and u.text[1].isalpha():
                    found = (m, m + 1, u.text[1])
                    break
                if (
                    u.text == "d"
                    and nxt is not None
                    and nxt.kind == "word"
                    and len(nxt.text) == 1
                    and m > self.pos
                ):
                    found = (m, m + 2, nxt.text)
                    break
                if (
                    u.text == "d"
                    and nxt is not None
                    and nxt.kind == "cmd"
                    and nxt.text in GREEK
                    and m > self.pos
                ):
                    found = (m, m + 2, nxt.text)  # d\epsilon: a Greek variable
                    break
            m += 1
        if found is None:
            raise self.error("an integral without its differential (dx)", t, unsupported=True)
        start, end, var = found
        body_toks = self.toks[self.pos : start]
        self.pos = end
        if not body_toks:
            raise self.error("an integral without a body", t)
        v = symbols.scalar(var)
        q = self.sub(body_toks)
        q.integration = [*self.integration, var]
        body = q.expr()
        if q.pos < len(q.toks):
            raise self.error(f"unexpected {_show(q.toks[q.pos])}", q.toks[q.pos])
        if _v.is_shaped(body):
            raise self.error("an integral of a vector", t, unsupported=True)
        if lower is not None and [(u.kind, u.text) for u in lower] == [("word", var)]:
            lower = None  # \int_x f(x) dx: over the range of x
        if lower is None and upper is None:
            return sympy.Integral(body, v)
        if lower is None or upper is None:
            raise self.error("an integral with one bound", t, unsupported=True)
        a = self.sub_expr(lower, t)
        b = self.sub_expr(upper, t)
        return sympy.Integral(body, (v, a, b))

    def frac(self, t: Token) -> sympy.Expr:
        if not self.at_sym("{"):
            a_toks, a_at = self.group_tokens()
            b_toks, b_at = self.group_tokens()
            return _v.div(self.sub_expr(a_toks, a_at), self.sub_expr(b_toks, b_at))
        num, num_at = self.group_tokens()
        den, den_at = self.group_tokens() if self.peek() is not None else ([], t)
        if not den:
            raise self.error("\\frac needs two arguments", t)
        if _d_marker(num) and _d_marker(den):
            return self.derivative(num, den, t)
        return _v.div(self.sub_expr(num, num_at), self.sub_expr(den, den_at))

    def derivative(self, num: list[Token], den: list[Token], t: Token) -> sympy.Expr:
        num = _strip_d(num)
        order = 1
        if num and num[0].kind == "sym" and num[0].text == "^":
            if len(num) < 2 or num[1].kind != "num":
                raise self.error("a derivative order that is not a number", t)
            order = int(num[1].text)
            num = num[2:]
        variables: list[sympy.Expr] = []
        q = self.sub(den)
        while q.peek() is not None:
            u = q.peek()
            assert u is not None
            if not _d_marker(q.toks[q.pos :]):
                raise self.error(f"expected \\partial in the denominator, found {_show(u)}", u)
            q.toks[q.pos : q.pos + 1] = _strip_d(q.toks[q.pos : q.pos + 1])
            v = q.primary()
            k = 1
            if (
                isinstance(v, sympy.Pow)
                and isinstance(v.exp, sympy.Integer)
                and v.exp > 1
                and isinstance(v.base, sympy.Symbol | sympy.Indexed)
            ):
                v, k = v.base, int(v.exp)  # \partial z^2: the variable z, twice
            if q.at_sym("^"):
                q.pos += 1
                kt = q.take()
                if kt.kind != "num":
                    raise self.error("a derivative order that is not a number", kt)
                k = int(kt.text)
            if isinstance(v, _v.Shaped) and v.name is not None and k == 1 and order == 1:
                if q.peek() is not None:
                    raise self.error("a mixed derivative by a vector or matrix", u, unsupported=True)
                return self.by_shaped(num, v, t)
            if isinstance(v, _v.Shaped) and v.transposed is not None and k == 1 and order == 1:
                if q.peek() is not None:
                    raise self.error("a mixed derivative by a vector or matrix", u, unsupported=True)
                # NOTE: by X^T, entry (r, c) is the derivative by X_{cr}: the transpose of
                # the derivative by X.
                return _v.transpose_of(self.by_shaped(num, _v.matrix(v.transposed), t))
            if not isinstance(v, sympy.Symbol | sympy.Indexed | AppliedUndef):
                raise self.error("a derivative with respect to something that is not a variable", u)
            variables.extend([v] * k)
        if not variables:
            raise self.error("a derivative without a variable", t)
        power = None
        if order == 1 and len(variables) > 1 and len(set(variables)) == 1:
            # NOTE: \partial f / \partial \sigma^2 (first order): the variable is the
            # quantity sigma^2 itself, and d/d(s^k) = (1 / (k s^(k-1))) d/ds.
            power, variables = len(variables), variables[:1]
            self.warnings.append(
                f"read the derivative by {sympy.sstr(variables[0])}^{power} as one by that "
                "quantity (first order)"
            )
        if order != len(variables):
            raise self.error("the derivative's order does not match its variables", t)
        if num:
            f = self.sub_expr(num, t)
        else:
            if self.peek() is None:
                raise self.error("a derivative operator without an operand", t)
            f = self.term()
        if power is not None:
            v = variables[0]
            return sympy.Derivative(f, v) / (power * v ** (power - 1))
        if len(variables) == 1 and isinstance(variables[0], AppliedUndef):
            # NOTE: \partial \log \sigma(a) / \partial \sigma(a): by the quantity sigma(a),
            # everything else held fixed; taken here, before a standard meaning replaces it.
            held = sympy.Dummy("u")
            return sympy.diff(f.xreplace({variables[0]: held}), held).xreplace(
                {held: variables[0]}
            )
        return sympy.Derivative(f, *variables)

    def by_shaped(self, num: list[Token], var: _v.Shaped, t: Token) -> sympy.Expr:
        """``\\partial L / \\partial \\mathbf X``: the partial derivatives by the entries, shaped as
        ``X`` (the gradient of a number); of a vector, the diagonal Jacobian of an element-wise
        function (both layouts agree), else not read."""
        if num:
            f = self.sub_expr(num, t)
        else:
            if self.peek() is None:
                raise self.error("a derivative operator without an operand", t)
            f = self.term()
        if isinstance(f, _v.Shaped):
            return cast(sympy.Expr, _v.gradient(var, f, layout_stated=self.ctx.jacobian_rows))
        if any(all(i.is_Integer for i in e.indices) for e in f.atoms(sympy.Indexed)):
            # NOTE: \partial Y_1 / \partial W with Y_1 read as an entry of Y: Y_1 may well be a
            # matrix the document never says is one; its derivative by W is not read.
            raise self.error(
                "a derivative of a numbered name by a matrix or vector", t, unsupported=True
            )
        return cast(sympy.Expr, _v.gradient(var, f, layout_stated=self.ctx.jacobian_rows))

    def partial(self, t: Token) -> sympy.Expr:
        if self.at_sym("_"):
            self.pos += 1
            toks, at = self.group_tokens()
            if len(toks) == 1 and toks[0].kind == "word" and toks[0].text.islower():
                if self.ctx.logits is None:
                    raise self.error(
                        f"\\partial_{toks[0].text}: the variable is not named and the logits' "
                        "name is unknown",
                        t,
                        unsupported=True,
                    )
                var: sympy.Expr = _vector(self.ctx.logits)[_index(toks[0].text)]
            else:
                q = self.sub(toks)
                var = q.primary()
                if q.pos < len(q.toks) or not isinstance(var, sympy.Symbol | sympy.Indexed):
                    raise self.error("\\partial_{...} of something that is not a variable", at)
            if self.peek() is None:
                raise self.error("\\partial without an operand", t)
            return sympy.Derivative(self.factor(), var)
        f = self.factor()
        if not self.at_sym("/"):
            raise self.error("\\partial outside a derivative", t, unsupported=True)
        self.pos += 1
        if not self.at("cmd", "partial"):
            raise self.error("expected \\partial after '/'", self.peek() or t)
        self.pos += 1
        v = self.primary()
        if not isinstance(v, sympy.Symbol | sympy.Indexed):
            raise self.error("a derivative with respect to something that is not a variable", t)
        return sympy.Derivative(f, v)

    def optimum(self, t: Token) -> sympy.Expr | None:
        """``\\arg\\max_\\theta F``, ``\\argmin_w F``: ``argmax(F, theta)``, ``argmin(F, w)``
        (undefined functions of the body and the variable); None when no subscript follows.
        ``\\max_D F`` is not read (an error), never read as ``F``."""
        save = self.pos
        self.pos += 1
        name = t.text
        if name in ("max", "min") and self.at_sym("_"):
            # NOTE: \max_D F is read by no rule of its own yet; never as F (which the fallback
            # reader made of it): unread.
            raise self.error(f"\\{name} over a variable is not read", t, unsupported=True)
        if name == "arg":
            nxt = self.peek()
            if nxt is None or nxt.kind != "cmd" or nxt.text not in ("max", "min"):
                self.pos = save
                return None
            self.pos += 1
            name = f"arg{nxt.text}"
        if not self.at_sym("_"):
            self.pos = save
            return None
        self.pos += 1
        toks, at = self.group_tokens()
        var = self.sub_expr(toks, at)
        if not isinstance(var, sympy.Symbol):
            raise self.error(f"\\{name} over something other than one variable", at, unsupported=True)
        if self.peek() is None:
            raise self.error(f"\\{name} without a body", t)
        body = self.term()
        return sympy.Function(name)(body, var)

    def sum_(self, t: Token) -> sympy.Expr:
        sub: tuple[list[Token], Token] | None = None
        sup: tuple[list[Token], Token] | None = None
        while self.at_sym("_") or self.at_sym("^"):
            op = self.take()
            group = self.group_tokens()
            if not group[0]:
                continue  # \sum_{ k }^{ }: an empty script says nothing
            if op.text == "_":
                sub = group
            else:
                sup = group
        if sub is None:
            return self.bare_sum(t, sup)
        toks, at = sub
        upper: sympy.Expr = symbols.n
        if sup is not None:
            upper = self.sub_expr(sup[0], sup[1], count=True)
        lower: sympy.Expr = sympy.Integer(1)
        other: str | None = None
        if not toks or toks[0].kind not in ("word", "name") or len(toks[0].text) != 1:
            raise self.error(
                "the summation index must be one letter", toks[0] if toks else at, unsupported=True
            )
        var = toks[0].text
        rest = toks[1:]
        if len(rest) > 1 and rest[0].kind == "sym" and rest[0].text == "!" and rest[1].text == "=":
            rest = [Token("cmd", "neq", rest[0].start, rest[1].end), *rest[2:]]  # j != i
        except_value: sympy.Expr | None = None
        if rest:
            r0 = rest[0]
            if r0.kind == "sym" and r0.text == "=":
                lower = self.sub_expr(rest[1:], r0, count=True)
            elif (
                r0.kind == "cmd"
                and r0.text in ("neq", "ne")
                and len(rest) == 2
                and (rest[1].kind == "word" and len(rest[1].text) == 1)
            ):
                other = rest[1].text
            elif (
                r0.kind == "cmd"
                and r0.text in ("neq", "ne")
                and len(rest) == 2
                and rest[1].kind == "num"
                and rest[1].text.isdigit()
                and len(rest[1].text) <= 6
            ):
                except_value = sympy.Integer(int(rest[1].text))  # \sum_{k \neq 1}
            elif r0.kind == "cmd" and r0.text == "in":
                self.warnings.append(f"read \\sum_{{{var} \\in ...}} as a sum over {var} = 1..n")
            else:
                raise self.error("this summation range is not read", r0, unsupported=True)
        if t.text == "prod" and other is not None:
            raise self.error("\\prod_{k \\neq i} is not read", t, unsupported=True)
        vars_ = [var] + ([other] if other else [])
        self.bound.extend(vars_)
        try:
            if self.peek() is None:
                raise self.error(f"\\{t.text} without a body", t)
            body = self.term()
        finally:
            del self.bound[-len(vars_) :]
        if other is not None:
            d = sympy.Dummy("sum_ne")
            self.placeholders[d] = (body, _index(var), _index(other), lower, upper)
            return d
        k = _index(var)
        if except_value is not None:
            if t.text == "prod":
                raise self.error("\\prod_{k \\neq 1} is not read", t, unsupported=True)
            # NOTE: subs, not xreplace: an inner sum over the same letter keeps its own index
            return sympy.Sum(body, (k, lower, upper)) - body.subs(k, except_value)
        cls = sympy.Product if t.text == "prod" else sympy.Sum
        return cls(body, (k, lower, upper))

    def bare_sum(self, t: Token, sup: tuple[list[Token], Token] | None) -> sympy.Expr:
        """``\\sum e^{x_j}``: a sum over the one index of its body, when that is the only reading.

        The index is decided after the whole formula is read (:meth:`resolve`): it must be the
        body's only free index and must not occur outside the sum.
        """
        if t.text != "sum" or self.peek() is None:
            raise self.error(f"\\{t.text} without a summation index", t, unsupported=True)
        upper: sympy.Expr = symbols.n
        if sup is not None:
            upper = self.sub_expr(sup[0], sup[1], count=True)
        body = self.term()
        if _v.is_shaped(body):
            raise self.error("\\sum without a summation index", t, unsupported=True)
        free = free_indices(body) - {upper}
        if len(free) != 1:
            raise self.error(
                "\\sum without a summation index, and its body has no single index to sum over",
                t,
                unsupported=True,
            )
        d = sympy.Dummy("bare_sum")
        self.bare_sums[d] = (body, next(iter(free)), upper, t)
        return d

    def environment(self) -> sympy.Expr:
        t = self.take()
        if t.text not in ("bmatrix", "pmatrix", "matrix", "Bmatrix", "smallmatrix"):
            raise self.error(
                f"the environment {t.text} is not read inside a formula", t, unsupported=True
            )
        rows: list[list[sympy.Expr]] = [[]]
        while True:
            u = self.peek()
            if u is None:
                raise self.error(f"\\begin{{{t.text}}} is never closed", t)
            if u.kind == "end":
                self.pos += 1
                break
            if u.kind == "cmd" and u.text == "\\":
                self.pos += 1
                if self.peek() is not None and not self.at("end"):
                    rows.append([])
                continue
            if u.kind == "sym" and u.text == "&":
                self.pos += 1
                continue
            if u.kind == "cmd" and u.text in ("vdots", "cdots", "ldots", "dots") and not rows[-1]:
                self.pos += 1
                rows[-1].append(_ELIDED)
                continue
            rows[-1].append(self.expr())
        rows = [r for r in rows if r]
        if any(v is _ELIDED for r in rows for v in r):
            return self.elided_column(rows, t)
        if any(isinstance(v, sympy.MatrixBase) or _v.is_shaped(v) for r in rows for v in r):
            raise self.error("a matrix inside a matrix is not read", t, unsupported=True)
        if not rows or len({len(r) for r in rows}) != 1:
            raise self.error("a matrix with rows of different lengths", t)
        return sympy.ImmutableMatrix(rows)

    def elided_column(self, rows: list[list[sympy.Expr]], t: Token) -> sympy.Expr:
        """``[T(1); T(2); \\vdots; T(C)]``: the column whose entry ``i`` is ``T(i)``, when the
        entries shown are ``T`` at consecutive numbers and the last names the count ``C``.

        NOTE: the entries shown are checked against the pattern they claim; any other layout
        of dots (a row, a matrix with \\ddots) is not read.
        """
        cut = next(m for m, r in enumerate(rows) if r[0] is _ELIDED)
        head, tail = [r[0] for r in rows[:cut]], [r[0] for r in rows[cut + 1 :]]
        if (
            any(len(r) != 1 for r in rows)
            or not head
            or len(tail) != 1
            or any(v is _ELIDED or _v.is_shaped(v) for v in (*head, *tail))
        ):
            raise self.error("entries left out with dots in a layout that is not read", t)
        found = _pattern(head, self.at_count(tail[0]))
        if found is None:
            raise self.error("the entries shown around the dots follow no one pattern", t)
        pattern, k, start, _ = found
        self.warnings.append(
            "read the column with entries left out as entry i = "
            f"{sympy.sstr(pattern.xreplace({k: _v.ROW + start - 1}))}"
        )
        return _v.Shaped("col", lambda r: pattern.xreplace({k: r + start - 1}))

    # -- after the whole formula -----------------------------------------------------------
    def resolve(self, e: sympy.Basic) -> sympy.Basic:
        """Replace the ``\\sum_{a \\neq b}`` placeholders: the sum runs over the index not free;
        and the bare ``\\sum`` placeholders: a sum over the body's index, free nowhere else."""
        for d in list(self.bare_sums):
            if d not in e.free_symbols:
                continue
            body, k, upper, tok = self.bare_sums[d]
            rest = e.xreplace({d: sympy.Integer(0)})
            if k in free_indices(rest) or k in self.ctx.free_hint:
                raise self.error(
                    f"\\sum without a summation index: {k} also stands outside the sum",
                    tok,
                    unsupported=True,
                )
            self.warnings.append(f"read the bare \\sum as a sum over {k} = 1..{upper}")
            e = e.xreplace({d: sympy.Sum(body, (k, 1, upper))})
        for d in list(self.placeholders):
            if d not in e.free_symbols:
                continue
            body, a, b, lower, upper = self.placeholders[d]
            if not isinstance(body, sympy.Expr) or body.is_Matrix:
                raise self.error(
                    f"a sum over {a} \\neq {b} of a matrix is not read", None, unsupported=True
                )
            rest = free_indices(e.xreplace({d: sympy.Integer(0)}))
            var, other = a, b
            if a in rest and b not in rest:
                var, other = b, a
            elif b in rest and a not in rest:
                pass
            elif a in self.ctx.free_hint and b not in self.ctx.free_hint:
                var, other = b, a
            elif not (b in self.ctx.free_hint and a not in self.ctx.free_hint):
                self.warnings.append(
                    f"read \\sum_{{{a} \\neq {b}}} as a sum over {a} (neither index is free)"
                )
            value = sympy.Sum(body, (var, lower, upper)) - body.xreplace({var: other})
            e = e.xreplace({d: value})
        return e


#: A command read the same way wherever it stands: its name → the reading after it (the
#: parser stands past the command). Commands read only in some places (``\\Sigma``, ``\\Pi``
#: before a range, ``\\langle`` where the document states draws, ``\\delta{ij}``, an optimiser
#: with its variable below), the elementary functions, Greek letters and accents are decided
#: in :meth:`_Parser.command`.
COMMANDS: dict[str, Callable[[_Parser, Token], sympy.Expr]] = {
    "frac": _Parser.frac,
    "dfrac": _Parser.frac,
    "tfrac": _Parser.frac,
    "cfrac": _Parser.frac,
    "sum": _Parser.sum_,
    "prod": _Parser.sum_,
    "partial": _Parser.partial,
    "sqrt": _Parser.sqrt,
    "nabla": _Parser.nabla_operator,
    "infty": lambda p, t: sympy.oo,
    "pi": lambda p, t: sympy.pi,
    "lim": _Parser.limit,
    "int": _Parser.integral,
    "{": _Parser.braced,
}


def _d_marker(toks: list[Token]) -> bool:
    """True when the tokens start with ``\\partial`` or a differential ``d``."""
    if not toks:
        return False
    t = toks[0]
    if t.kind == "cmd" and t.text == "partial":
        return True
    if t.kind in ("word", "name") and t.text.startswith("d"):
        nxt = toks[1] if len(toks) > 1 else None
        if len(t.text) > 1:
            return True
        if nxt is not None and nxt.kind == "sym" and nxt.text == "^":
            order = toks[2] if len(toks) > 2 else None
            return order is not None and order.kind == "num"  # d^2 y: a second derivative
        return nxt is None or not (nxt.kind == "sym" and nxt.text == "_")
    return False


def _strip_d(toks: list[Token]) -> list[Token]:
    t = toks[0]
    if t.kind == "cmd":
        return toks[1:]
    if len(t.text) > 1:
        return [Token(t.kind, t.text[1:], t.start + 1, t.end)] + toks[1:]
    return toks[1:]


def _digits(x: sympy.Number) -> float:
    """Decimal digits of a number's magnitude (an estimate, safe for huge integers)."""
    if isinstance(x, sympy.Integer):
        v = abs(int(x))
        return max(1.0, v.bit_length() * 0.30103)
    if isinstance(x, sympy.Rational):
        return max(abs(int(x.p)).bit_length(), abs(int(x.q)).bit_length()) * 0.30103 + 1
    try:
        return max(1.0, abs(math.log10(abs(float(x))))) if x != 0 else 1.0
    except (OverflowError, ValueError):
        return float(MAX_RESULT_DIGITS + 1)


def _is_close_brace(t: Token) -> bool:
    return t.kind == "sym" and t.text == "}"


def _top_level_over(toks: list[Token]) -> int | None:
    """Position of a ``\\over`` outside every brace and parenthesis of ``toks``, or None."""
    return next((m for m, u in _top_level(toks) if u.kind == "cmd" and u.text == "over"), None)


def _top_level(toks: list[Token]) -> Iterator[tuple[int, Token]]:
    """The tokens outside every bracket, brace and environment of ``toks``, with positions
    (the brackets themselves are not yielded)."""
    depth = 0
    for m, u in enumerate(toks):
        if (u.kind == "sym" and u.text in ("{", "(", "[")) or u.kind == "begin":
            depth += 1
        elif (u.kind == "sym" and u.text in ("}", ")", "]")) or u.kind == "end":
            depth -= 1
        elif depth == 0:
            yield m, u


#: ``\\hat{y}``: an accented letter, named as the parser names it.
_ACCENTED = re.compile(r"\\(?:hat|bar|tilde|dot|widehat|overline)\{(\\?[A-Za-z]+)\}")


def _plain_letter(name: str) -> str:
    """The one letter a name is written with (``y`` for ``y`` and ``\\hat{y}``), or ``""``.

    >>> _plain_letter("y"), _plain_letter(r"\\hat{y}"), _plain_letter(r"\\hat{\\beta}"), _plain_letter("ab")
    ('y', 'y', '', '')
    """
    m = _ACCENTED.fullmatch(name)
    letter = m.group(1) if m else name
    return letter if len(letter) == 1 else ""


def _is_sym(t: Token, texts: tuple[str, ...]) -> bool:
    return t.kind == "sym" and t.text in texts


def _matrix_key(name: str, sub: list[Token]) -> str | None:
    """``B_1`` / ``B_{1}`` as the document pass keys a subscripted matrix name."""
    inner = [u for u in sub if not _is_sym(u, ("{", "}"))]
    if len(inner) == 1 and inner[0].kind in ("num", "word") and inner[0].text.isalnum():
        return f"{name}_{inner[0].text}"
    return None


def _function_key(name: str, idx: list[sympy.Expr] | None) -> str:
    """How a (subscripted) name is keyed in :attr:`ParseContext.functions`: ``f``, ``F_0``."""
    if idx is None:
        return name
    return f"{name}_{''.join(str(i) for i in idx)}"


def _parameter_subscript(toks: list[Token]) -> bool:
    """``h_\\theta``, ``g_{\\phi}``: a Greek parameter as the subscript of a function's name."""
    return len(toks) == 1 and toks[0].kind == "cmd" and toks[0].text in GREEK
