"""The reader's state, and one member of a chain read into SymPy.

``_ExprReader`` holds what the document pass learns (names, definitions, shapes, the parse
context) and reads one expression with it: the parser, the latex2sympy2 fallback, a bracket left
open closed where every closing agrees, a Jacobian read with a row per output beside a
symmetric matrix. The layers above it (``_names`` → ``_steps`` → ``_block_reading`` →
``_document``) each add one job to the same reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sympy

from symderiv.config import ReadConfig
from symderiv.errors import (
    ParseError,
    UnclosedBracketError,
    UnknownCommandError,
    UnstatedLayoutError,
    UnsupportedNotationError,
)
from symderiv.model import Assumption, Fact, Step
from symderiv.reader import _vectors, latex2sympy_adapter
from symderiv.reader import context as ctxmod
from symderiv.reader._densities import density_facts, related_facts
from symderiv.reader._distributions import averaged_density, stated_draws
from symderiv.reader._source import SourceText
from symderiv.reader._tokens import tokenize
from symderiv.reader.normalize import Rule
from symderiv.reader.parser import (
    ParseContext,
    Parsed,
    parse_math,
)

_LOGITS = re.compile(r"exp\s*\\?(?:left)?\s*[({]\s*(?:\\mathbf\s*\{\s*)?([a-z])\s*\}?\s*_")


@dataclass
class _Expr:
    """One member of a chain: its span in the document and how it was read."""

    a: int
    b: int
    block: int
    row: int
    text: str = ""
    parsed: Parsed | None = None
    error: ParseError | None = None
    cases: list[tuple[int, int, str, tuple[int, int]]] | None = None


@dataclass
class _Chain:
    exprs: list[_Expr] = field(default_factory=list)
    rels: list[str] = field(default_factory=list)
    continued: bool = False
    pending: bool = False


@dataclass
class _RowInfo:
    conditions: list[Assumption]
    justification: str | None
    warnings: list[str]


#: A bracket left open is closed by trying every place after it: no more places than this.
MAX_CLOSINGS = 40
MAX_CLOSING_TOKENS = 200


class _ExprReader:
    def __init__(
        self,
        text: str,
        *,
        markdown: bool,
        source: str | None,
        cfg: ReadConfig,
        rules: tuple[Rule, ...],
    ) -> None:
        self.src = SourceText(text, source)
        self.text = text
        self.markdown = markdown
        self.cfg = cfg
        self.rules = rules
        #: keys of standard names the document defines somewhere (read in a first pass)
        self.predefined: frozenset[str] = frozenset()
        self.general: frozenset[str] | None = None  # vectors defined anywhere (second pass)
        self.defined: set[str] = set()
        self.scalars: set[str] = set()  # names defined as scalars (p = 1/(1 + e^{-z}))
        self.case_defined: set[str] = set()  # defined in a case of the data only
        self.valued: set[str] = set()  # defined as a number (a worked example's H = ...)
        #: names a step differentiates on both sides (∂y/∂a = ∂/∂a e^a/u), and those of them
        #: the document defines nowhere else (second pass): such a step names them
        self.differentiated: set[str] = set()
        self.named_by_derivative: frozenset[str] = frozenset()
        self.domains: frozenset[str] = frozenset()  # variables the prose before a block ranges
        self.steps: list[Step] = []
        self.context: list[Assumption] = []
        self.assumptions: list[Assumption] = []
        self.warnings: list[str] = []
        self.index_letters = ctxmod.index_letters(text)
        self.subscript_letters = ctxmod.subscript_letters(text)
        self.functions: dict[tuple[str, int], tuple[tuple[sympy.Basic, ...], sympy.Basic]] = {}
        #: names used as densities: p(x) and p(z) are two densities, never one function
        self.densities = density_facts(text)
        #: ``z = g(epsilon, x)`` with where it stands (a condition of the steps it can concern)
        self.relations = related_facts(text) if self.densities else ()
        logits = _LOGITS.search(text)
        self.ctx = ParseContext(
            distributions=ctxmod.distribution_names(text),
            logits=logits.group(1) if logits else None,
            rv=ctxmod.random_variables(text),
            vectors=ctxmod.vector_names(text),
            outcome_functions=ctxmod.outcome_functions(text),
            draws=stated_draws(text),
            averaged=averaged_density(text),
            densities=frozenset(
                str(a.expr)
                for a in self.densities
                if a.kind == Fact.DENSITY and not str(a.expr).endswith("|")
            ),
            matrices=ctxmod.matrix_names(text),
            paired=ctxmod.paired_names(text),
            # NOTE: a density (p(x | z), z \sim q(z)) is applied wherever it is written: p(x).
            functions=(
                ctxmod.function_names(text)
                | {str(a.expr) for a in self.densities if "|" not in str(a.expr)}
            )
            - ctxmod.distribution_names(text),
            entry_functions=ctxmod.entry_functions(text),
            max_depth=cfg.max_depth,
            max_chars=cfg.max_formula_chars,
        )

    def parse(self, e: _Expr, hint: frozenset[sympy.Symbol]) -> None:
        if e.parsed is not None or e.error is not None:
            return
        if e.a == e.b:
            e.error = ParseError("an empty side", self.src.span(e.a, e.a + 1))
            return
        ctx = replace(self.ctx, free_hint=hint)
        try:
            e.parsed = parse_math(e.text, base=e.a, src=self.src, ctx=ctx)
        except UnsupportedNotationError as err:
            e.error = err
            if isinstance(err, UnknownCommandError):
                try:
                    expr = latex2sympy_adapter.parse_expr(" ".join(e.text.split()))
                except ParseError:
                    return
                e.parsed = Parsed(expr, (f"read by the latex2sympy2 fallback ({err.message})",))
                e.error = None
        except UnclosedBracketError as err:
            e.error = err
            closed = self.closed_reading(e, err, ctx)
            if closed is not None:
                e.parsed, e.error = closed, None
        except ParseError as err:
            e.error = err

    def symmetric_layout(self, side: _Expr, other: _Expr) -> bool:
        """``\\partial \\mathbf s / \\partial \\mathbf z = \\operatorname{diag}(\\mathbf s) - \\mathbf s
        \\mathbf s^\\top``: a Jacobian whose layout the document does not state, beside a symmetric
        matrix, is read with a row per output (the transpose would give the same step)."""
        if not isinstance(side.error, UnstatedLayoutError) or other.parsed is None:
            return False
        listed = other.parsed.expr
        if isinstance(listed, sympy.MatrixBase):
            square = listed.shape[0] == listed.shape[1] > 1
            if not (square and sympy.simplify(listed - listed.T).is_zero_matrix):
                return False
            return self.read_with_rows(side)
        if other.parsed.shape != "mat":
            return False
        entry = other.parsed.expr
        row, col = _vectors.ROW, _vectors.COL
        swap = sympy.Dummy("swap")
        mirrored = entry.xreplace({row: swap}).xreplace({col: row}).xreplace({swap: col})
        # NOTE: on the diagonal the two entries are one; off it, δ_ij is 0.
        off = (mirrored - entry).replace(
            lambda t: isinstance(t, sympy.KroneckerDelta) and set(t.args) == {row, col},
            lambda t: sympy.Integer(0),
        )
        if sympy.simplify(off) != 0:
            return False
        return self.read_with_rows(side)

    def read_with_rows(self, side: _Expr) -> bool:
        try:
            parsed = parse_math(
                side.text, base=side.a, src=self.src, ctx=replace(self.ctx, jacobian_rows=True)
            )
        except ParseError:
            return False
        side.parsed, side.error = parsed, None
        return True

    def closed_reading(
        self, e: _Expr, err: UnclosedBracketError, ctx: ParseContext
    ) -> Parsed | None:
        """``(1 - y)(\\log(1 - \\hat y)`` with its ``)`` missing: read with the bracket closed, when
        every place it could close gives the same formula; the report says so."""
        at = err.opened_at - e.a
        if not 0 <= at < len(e.text):
            return None
        # NOTE: the ')' closes that bracket: only where the brackets opened after it are closed.
        ends, depth = set(), 0
        toks = tokenize(e.text, e.a)
        if len(toks) > MAX_CLOSING_TOKENS:
            return None
        for t in toks:
            if t.start <= err.opened_at:
                continue
            if t.kind == "sym" and t.text in "([":
                depth += 1
            elif t.kind == "sym" and t.text in ")]":
                depth -= 1
            if depth == 0:
                ends.add(t.end - e.a)
            elif depth < 0:
                break
        if not ends or len(ends) > MAX_CLOSINGS:
            return None
        readings: list[Parsed] = []
        for k in sorted(ends):
            try:
                readings.append(
                    parse_math(e.text[:k] + ")" + e.text[k:], base=e.a, src=None, ctx=ctx)
                )
            except ParseError:
                continue
        if not readings or any(r.expr != readings[0].expr for r in readings[1:]):
            return None
        where = self.src.span(err.opened_at, err.opened_at + 1)
        return replace(
            readings[0],
            warnings=(
                *readings[0].warnings,
                f"the '(' at line {where.line}, column {where.column} is never closed: read "
                "closed (every place it could close gives the same formula)",
            ),
        )
