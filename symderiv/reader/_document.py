"""A whole document read into a Derivation: blocks → chains → steps, with context and cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import cast

import sympy
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.config import ReadConfig
from symderiv.errors import (
    ParseError,
    SymPyRefusal,
    UnclosedBracketError,
    UnstatedLayoutError,
    UnsupportedNotationError,
    sympy_refusals,
)
from symderiv.indices import free_symbols
from symderiv.model import Assumption, Derivation, Fact, Relation, SourceSpan, Step
from symderiv.reader import _shapes, _vectors, cases, latex2sympy_adapter
from symderiv.reader import context as ctxmod
from symderiv.reader._densities import density_facts, drawn_facts, related_facts
from symderiv.reader._distributions import EXPECTATION_VALUE, stated_draws
from symderiv.reader._source import SourceText
from symderiv.reader._tokens import tokenize
from symderiv.reader.blocks import MAX_BLOCKS, Block, Scan, scan_latex, scan_markdown
from symderiv.reader.chains import CaseRow, Work, cases_rows, split_rows
from symderiv.reader.directives import directive_facts, is_case_directive, parse_assumption
from symderiv.reader.normalize import DEFAULT_RULES, Rule, definition_key, normalize, standard_form
from symderiv.reader.parser import (
    STANDARD_FUNCS,
    ParseContext,
    Parsed,
    free_indices,
    is_index,
    parse_math,
)
from symderiv.reader.prose_facts import prose_facts

_LOGITS = re.compile(r"exp\s*\\?(?:left)?\s*[({]\s*(?:\\mathbf\s*\{\s*)?([a-z])\s*\}?\s*_")


#: A display block longer than this is one unparsed step (no formula is that long).
MAX_BLOCK_CHARS = 100_000
#: Reading stops after this many steps: a document is not a data file.
MAX_STEPS = 10_000


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


class _Reader:
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

    # -- the document ----------------------------------------------------------------------
    def read(self) -> Derivation:
        for name in sorted(self.ctx.distributions & ctxmod.entry_names(self.text)):
            self.warnings.append(
                f"{name} is written both as {name}(x) and as {name}_i; read as one distribution "
                f"{name} (positive entries) everywhere"
            )
        scan: Scan = scan_markdown(self.text) if self.markdown else scan_latex(self.text)
        math = [self.text[b.body_start : b.body_end] for b in scan.blocks]
        math += [self.text[m.body_start : m.body_end] for m in scan.inlines]
        self.ctx = replace(self.ctx, letters=ctxmod.lone_letters(math))
        # NOTE: shapes are learned from the math alone (a "K^T" in prose or code says nothing).
        clean = [m for m in math if not _shapes.BINARY.search(m)]
        joined = "\n".join(clean)
        mats, cols = _shapes.defined_shapes(
            clean,
            self.ctx.matrices | _shapes.matrix_names(joined),
            _shapes.column_names(joined),
            self.shape_of,
        )
        self.ctx = replace(self.ctx, matrices=mats, columns=cols)
        case_directives = self.directives(scan)
        # NOTE: a vector a directive already states a fact about keeps the directive's facts.
        stated = {
            str(t.label)
            for a in self.assumptions
            if isinstance(a.expr, sympy.Basic)
            for t in a.expr.atoms(sympy.IndexedBase)
        } | {str(a.expr) for a in self.assumptions if isinstance(a.expr, sympy.IndexedBase)}
        self.assumptions.extend(
            f
            for f in prose_facts(self.src, scan)
            if not ({str(t.label) for t in f.expr.atoms(sympy.IndexedBase)} | {str(f.expr)}) & stated
        )
        for inline in scan.inlines:
            self.context.extend(
                ctxmod.inline_values(self.src, inline.body_start, inline.body_end, self.ctx)
            )
            self.inline_definitions(inline.body_start, inline.body_end)
        prev_end = 0
        tail: _Expr | None = None
        for k, block in enumerate(scan.blocks):
            if len(self.steps) >= MAX_STEPS:
                self.block_problem(block, f"more than {MAX_STEPS} steps: reading stopped here")
                break
            between = self.text[prev_end : block.start]
            conds = self.block_conditions(block, between, prev_end, case_directives)
            # NOTE: a relation of variables holds from where it is stated, and for the block
            # just before it (``... , where z = g(epsilon, x)``).
            upto = scan.blocks[k + 1].start if k + 1 < len(scan.blocks) else len(self.text)
            conds += [a for at, a in self.relations if at < upto]
            tail = self.block(block, between, tail, conds)
            prev_end = block.end
        if scan.truncated:
            last = scan.blocks[-1]
            self.steps.append(
                Step(
                    None,
                    None,
                    block=last.index + 1,
                    index=0,
                    problem=f"more than {MAX_BLOCKS} display blocks: reading stopped here",
                    problem_span=self.src.span(last.end, last.end + 1),
                )
            )
        name = self.src.file or "document"
        return Derivation(
            name=name,
            steps=tuple(self.steps),
            assumptions=(*self.assumptions, *self.densities, *drawn_facts(self.ctx.draws)),
            n=symbols.n,
            source=self.src.file,
            context=tuple(self.context),
            warnings=tuple(self.warnings),
        )

    def directives(self, scan: Scan) -> list[tuple[int, list[Assumption]]]:
        found: list[tuple[int, list[Assumption]]] = []
        for d in scan.directives:
            span = self.src.span(d.start, d.end)
            if is_case_directive(d.body):
                body = d.body.strip()[len("case") :]
                rels = cases.case_relations(body)
                conds = [
                    self.condition(a, op, b, span, f"directive before line {span.line}")
                    for a, op, b in rels
                ]
                found.append((d.start, [c for c in conds if c is not None]))
                continue
            for fact in directive_facts(d.body):
                try:
                    self.assumptions.append(parse_assumption(fact, source="document", span=span))
                except ParseError as e:
                    self.warnings.append(f"line {span.line}: directive not read: {e.message}")
        return found

    def condition(
        self, a: str, op: str, b: str, span: SourceSpan | None, where: str
    ) -> Assumption | None:
        if b == cases.OTHERS:
            if a not in self.index_letters:
                return None
            # NOTE: "another index, called $z$": z unlike the step's other free indices,
            # which each step of the block resolves (see other_index_cases).
            return Assumption(
                expr=symbols.index(a), text=where, source="case", kind=Fact.OTHER_INDEX, span=span
            )
        shown = f"{a} = {b}" if op == "=" else f"{a} \\neq {b}"
        if a not in self.index_letters or b not in self.index_letters:
            return None  # "y = p" in prose relates quantities, not indices: not a case
        if a == b:
            what = "states nothing" if op == "=" else "is impossible"
            self.warnings.append(f"the case '{shown}' ({where}) {what}; not used")
            return None
        return cases.condition_assumption(a, op, b, shown, span)

    def block_conditions(
        self,
        block: Block,
        between: str,
        prev_end: int,
        case_directives: list[tuple[int, list[Assumption]]],
    ) -> list[Assumption]:
        out: list[Assumption] = []
        for at, conds in case_directives:
            if prev_end <= at < block.start:
                out.extend(conds)
        prose = re.sub(r"<!--.*?-->", "", between, flags=re.DOTALL)
        if not self.markdown:
            prose = re.sub(r"(?<!\\)%[^\n]*", "", prose)  # LaTeX comments are not prose
        rels, sentence = cases.prose_case(prose)
        if rels:
            off = between.rfind(sentence.strip()) if sentence.strip() else -1
            span = (
                self.src.span(prev_end + off, prev_end + off + len(sentence.strip()))
                if off >= 0
                else None
            )
            for a, op, b in rels:
                c = self.condition(a, op, b, span, f"before block {block.index}")
                if c is not None:
                    out.append(c)
        return out

    # -- one block -------------------------------------------------------------------------
    def block_problem(self, block: Block, message: str) -> None:
        """A whole display block that is not read: one unparsed step at its start, saying why."""
        self.steps.append(
            Step(
                None,
                None,
                block=block.index,
                index=0,
                problem=message,
                problem_span=self.src.span(block.start, block.start + 2),
            )
        )

    def block(
        self, block: Block, between: str, tail: _Expr | None, block_conds: list[Assumption]
    ) -> _Expr | None:
        if block.problem is not None:
            self.block_problem(block, block.problem)
            return None
        if block.body_end - block.body_start > MAX_BLOCK_CHARS:
            self.block_problem(block, f"display block longer than {MAX_BLOCK_CHARS} characters")
            return None
        base = block.body_start
        # NOTE: "and for $y \in \{0, 1\}$:" before a block states the domain its formulas
        # are written for: a function stated again there is defined anew, not compared.
        self.domains = frozenset(m.group(1) for m in _PROSE_DOMAIN.finditer(between))
        work = Work(self.text[block.body_start : block.body_end])
        rows = split_rows(work, 0, len(work.text))
        only_blank = between.strip() == ""
        chains: list[_Chain] = []
        cur: _Chain | None = None
        row_infos: list[_RowInfo] = []
        for r_i, row in enumerate(rows):
            row_infos.append(self.row_info(work, row.annotation, base))
            sides = [(a + base, b + base) for a, b in row.sides]
            if all(a == b for a, b in sides):
                continue

            def mk(ab: tuple[int, int], r: int = r_i) -> _Expr:
                return _Expr(ab[0], ab[1], block.index, r, work.value[ab[0] - base : ab[1] - base])

            if len(sides) > 1 and sides[0][0] == sides[0][1]:
                rels = list(row.relations)
                new = [mk(s) for s in sides[1:]]
                if cur is None:
                    if only_blank and tail is not None and not chains:
                        cur = _Chain([tail], [rels[0]], continued=True)
                        chains.append(cur)
                        cur.exprs.extend(new)
                        cur.rels.extend(rels[1:])
                    else:
                        cur = _Chain(new, rels[1:])
                        chains.append(cur)
                else:
                    if cur.pending:
                        cur.exprs.pop()
                        cur.rels.pop()
                        cur.pending = False
                    cur.exprs.extend(new)
                    cur.rels.extend(rels)
            elif len(sides) == 1:
                if cur is not None and cur.pending:
                    cur.exprs[-1] = mk(sides[0])
                    cur.pending = False
                elif cur is not None and cur.exprs:
                    last = cur.exprs[-1]
                    last.b = sides[0][1]
                    last.text = work.value[last.a - base : last.b - base]
                    last.row = r_i
                else:
                    cur = _Chain([mk(sides[0])], [])
                    chains.append(cur)
            else:
                cur = _Chain([mk(s) for s in sides], list(row.relations))
                chains.append(cur)
            if cur is not None and sides[-1][0] == sides[-1][1] and len(sides) > 1:
                cur.pending = True
        for chain in chains:
            if chain.pending and len(chain.exprs) > 1 and chain.exprs[-1].a == chain.exprs[-1].b:
                chain.exprs.pop()
                chain.rels.pop()
        index = 0
        new_tail: _Expr | None = None
        for chain in chains:
            index = self.chain(chain, block, work, base, row_infos, block_conds, index)
            if chain.exprs:
                new_tail = chain.exprs[-1]
        return new_tail

    def row_info(self, work: Work, annotation: tuple[int, int] | None, base: int) -> _RowInfo:
        if annotation is None:
            return _RowInfo([], None, [])
        a, b = annotation
        raw = self.text[base + a : base + b]
        rels, just = cases.case_from_annotation(raw)
        if re.match(r"\s*\\mathsf", raw):
            # NOTE: \mathsf{...} after a formula is an OCR remnant of prose, not a reason.
            return _RowInfo([], None, [f"dropped trailing prose '{raw.strip()}'"])
        span = self.src.span(base + a, base + b)
        conds = [
            c
            for c in (self.condition(x, op, y, span, f"line {span.line}") for x, op, y in rels)
            if c is not None
        ]
        warnings = [f"dropped prose '{raw.strip()}'"] if not rels and just is None else []
        return _RowInfo(conds, just, warnings)

    # -- one chain -------------------------------------------------------------------------
    def chain(
        self,
        chain: _Chain,
        block: Block,
        work: Work,
        base: int,
        row_infos: list[_RowInfo],
        block_conds: list[Assumption],
        index: int,
    ) -> int:
        if not chain.exprs:
            return index
        if len(chain.exprs) == 1:
            e = chain.exprs[0]
            if e.a == e.b:
                return index
            self.parse(e, frozenset())
            if e.error is not None:
                self.steps.append(self.unparsed_single(e, block, index))
                return index + 1
            return index
        # NOTE: y = e^x \iff dy/dx = e^x: a member holding an arrow ends one equation and
        # starts the next; the step on its left sees the part before the arrow, the step on
        # its right the part after it.
        halves = [_arrow_halves(e) for e in chain.exprs]
        head = halves[0][1]
        self.parse(head, frozenset())
        hint = free_indices(head.parsed.expr) if head.parsed is not None else frozenset()
        self.entry_shorthands([e for pair in halves for e in pair], hint)
        if head.parsed is not None:
            block_conds = self.other_index_cases(block_conds, head.parsed.expr)
        for k in range(min(len(chain.exprs) - 1, MAX_STEPS)):
            lhs, rhs = halves[k][1], halves[k + 1][0]
            rel = chain.rels[k] if k < len(chain.rels) else "="
            self.parse(lhs, hint)
            rows = cases_rows(work, rhs.a - base, rhs.b - base)
            info = row_infos[rhs.row] if rhs.row < len(row_infos) else _RowInfo([], None, [])
            first = k == 0 and not chain.continued
            if rows is not None:
                for row_c in rows:
                    value_ab, cond_text, cond_ab = (
                        row_c.value,
                        row_c.condition,
                        row_c.condition_span,
                    )
                    sub = _Expr(
                        value_ab[0] + base,
                        value_ab[1] + base,
                        rhs.block,
                        rhs.row,
                        work.value[value_ab[0] : value_ab[1]],
                    )
                    self.parse(sub, hint)
                    conds = list(block_conds) + list(info.conditions)
                    span = self.src.span(cond_ab[0] + base, max(cond_ab[1], cond_ab[0] + 1) + base)
                    conds.extend(self.case_row_conditions(cond_text, rows, span))
                    self.steps.append(self.step(lhs, sub, rel, first, block, index, conds, info))
                    index += 1
                continue
            self.parse(rhs, hint)
            conds = list(block_conds) + list(info.conditions)
            # NOTE: "y = e^x \iff y' = e^x" states a rule for its own y: a name at the start
            # of such a line is (re)defined there, never a claim about an earlier y.
            stated = first and halves[k + 1][0] is not chain.exprs[k + 1]
            self.steps.append(
                self.step(lhs, rhs, rel, first, block, index, conds, info, restate=stated)
            )
            index += 1
        return index

    def case_row_conditions(
        self,
        cond_text: str,
        rows: list[CaseRow],
        span: SourceSpan,
    ) -> list[Assumption]:
        rels = cases.case_relations(cond_text)
        if rels:
            out = [
                self.condition(a, op, b, span, f"cases row, line {span.line}") for a, op, b in rels
            ]
            return [c for c in out if c is not None]
        # NOTE: a case on the data (y = 1, "otherwise" beside it) is not dropped: the row holds
        # only there, so it is marked for the checker, which never uses it unconditionally.
        data_rows = [
            r.condition
            for r in rows
            if _DATA_CASE.search(r.condition) and not cases.case_relations(r.condition)
        ]
        if _DATA_CASE.search(cond_text) or (
            data_rows and ("otherwise" in cond_text or "else" in cond_text)
        ):
            shown = re.sub(r"\\text\s*\{\s*(if|for|when)?\s*\}|\\text|[{}]", " ", cond_text)
            return [
                Assumption(
                    expr=sympy.true,
                    text=" ".join(shown.split()) or "otherwise",
                    source="case",
                    kind="data_case",
                    span=span,
                )
            ]
        if "otherwise" in cond_text or "else" in cond_text:
            others = [r for row in rows for r in cases.case_relations(row.condition)]
            if len(others) == 1:
                a, op, b = others[0]
                neg = "!=" if op == "=" else "="
                c = self.condition(a, neg, b, span, "otherwise")
                return [c] if c is not None else []
            self.warnings.append(f"line {span.line}: 'otherwise' with several cases is not read")
        return []

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
            if err.message.startswith("unknown command"):
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

    # -- steps -------------------------------------------------------------------------------
    def unparsed_single(self, e: _Expr, block: Block, index: int) -> Step:
        assert e.error is not None
        return Step(
            None,
            None,
            lhs_latex=self.src.text[e.a : e.b],
            rhs_latex=None,
            span=self.src.span(e.a, e.b),
            block=block.index,
            index=index,
            problem=e.error.message,
            problem_span=e.error.span,
        )

    def step(
        self,
        lhs: _Expr,
        rhs: _Expr,
        rel: str,
        first: bool,
        block: Block,
        index: int,
        conds: list[Assumption],
        info: _RowInfo,
        *,
        restate: bool = False,
    ) -> Step:
        warnings: list[str] = list(info.warnings)
        for side, other in ((lhs, rhs), (rhs, lhs)):
            if self.symmetric_layout(side, other):
                warnings.append(
                    "the Jacobian's layout is not stated; the other side is symmetric, so both "
                    "layouts give the same step"
                )
        rows = self.row_reading(lhs, rhs)
        if rows is not None:
            lhs, rhs = rows
            warnings.append("read the bold vectors as rows: as columns the shapes do not fit")
        if rel == "~=":
            warnings.append("'\\approx' read as '='")
        lhs_e = lhs.parsed.expr if lhs.parsed is not None else None
        rhs_e = rhs.parsed.expr if rhs.parsed is not None else None
        for p in (lhs.parsed, rhs.parsed):
            if p is not None:
                warnings.extend(w for w in p.warnings if w not in warnings)
        relation = Relation.EQUAL
        # NOTE: an expectation read as its value (E_{x ~ N(mu, s^2)}[x] is mu) names nothing:
        # a step that starts with one is a claim, whatever its value looks like.
        if lhs.parsed is not None and any(w.startswith(EXPECTATION_VALUE) for w in lhs.parsed.warnings):
            first = False
        if lhs_e is not None and rhs_e is not None:
            if (
                isinstance(rhs_e, sympy.MatrixBase)
                and isinstance(lhs_e, sympy.Symbol)
                and not isinstance(lhs_e, sympy.Dummy)
                and len(lhs_e.name) == 1
            ):
                lhs_e = (
                    symbols.distribution(lhs_e.name)
                    if lhs_e.name.isupper()
                    else symbols.vector(lhs_e.name)
                )
            if (
                isinstance(rhs_e, sympy.MatrixBase)
                and isinstance(lhs_e, sympy.Indexed)
                and not re.search(r"[_(]", lhs.text)
            ):
                lhs_e = lhs_e.base  # \mathbf{x} = [2, 1, 0]: the whole vector, not x_i
            # NOTE: "B^T G = \\zeta_1" with \\zeta_1 written here for the first time names the
            # value: a definition of \\zeta_1, never a claim about a name nothing has defined.
            introduced = rel == "=" and _shapes.introduced_name(rhs.text, self.text, rhs.a)
            if introduced:
                lhs_e, rhs_e = rhs_e, lhs_e
            if (
                first
                and rel in ("=", ":=")
                and isinstance(lhs_e, sympy.Pow)
                and lhs_e.exp == 2
                and isinstance(lhs_e.base, sympy.Symbol)
                and not isinstance(lhs_e.base, sympy.Dummy)
                and lhs_e.base.name not in self.defined
                and not _numeric(rhs_e)
                and not isinstance(rhs_e, sympy.MatrixBase)
            ):
                # NOTE: \sigma^2_B = \frac{1}{m} \sum_i (x_i - \mu_B)^2 names a variance: a
                # definition, never a claim about an undefined \sigma_B.  It is not substituted
                # (the steps after it differentiate by \sigma^2_B as a variable of its own).
                warnings.append(f"names {lhs_e}; {lhs_e.base} stays a variable of the steps")
                restate = True
                self.defined.add(lhs_e.base.name)  # a later \sigma = ... is a claim
            named = _named_entries(rhs_e)
            if (
                rel == "="
                and named is not None
                and isinstance(lhs_e, sympy.MatrixBase)
                and lhs_e.shape == rhs_e.shape
                and not {f"{named}[]", str(named)} & self.defined  # \hat{y} := [...] too
                and not any(u.base == named for u in lhs_e.atoms(sympy.Indexed))
            ):
                # NOTE: (e^{z_1}/Σ, e^{z_2}/Σ) = (a_1, a_2): a vector of formulas equal to the
                # entries of a name the document has not defined names them, read right to
                # left; the report says so.
                lhs_e, rhs_e = named, lhs_e
                warnings.append(f"read right to left: the step names the entries of {named}")
                restate = True
            named_by = self.derivative_naming(lhs_e, rhs_e) if first and rel == "=" else None
            if named_by is not None:
                lhs_e, rhs_e = named_by
                warnings.append(
                    f"names {sympy.sstr(lhs_e)} = {sympy.sstr(rhs_e)}: the step differentiates "
                    "it, and the document defines it nowhere else"
                )
                restate = True
            key = _definition_key(lhs_e, self.ctx.functions) or (
                None if _numeric(rhs_e) else self.entry_key(lhs_e)
            )
            if (
                first
                and key is not None
                and key in self.defined
                and isinstance(lhs_e, AppliedUndef)
                and {str(a) for a in lhs_e.args} & self.domains
            ):
                warnings.append(
                    f"stated for another domain of {', '.join(sorted(self.domains))}: "
                    "a new definition"
                )
                restate = True
            if (
                first
                and rel == "="
                and key is not None
                and key in self.valued
                and _numeric(rhs_e)
                and not isinstance(rhs_e, (sympy.Number, sympy.MatrixBase))
            ):
                # NOTE: H = -(½ log ½ + ½ log ½) for one coin, then H = -(0.9 log 0.9 + ...)
                # for another: a name a worked example gives a value, computed again for a
                # new example, is named anew (H = 2 about the first H stays a claim).
                warnings.append(f"{lhs.text.strip()} is given a new value: a new example")
                restate = True
            # NOTE: "H(P) = H(x)" read as H(P) = H(P) defines nothing: it stays a plain step.
            claim = standard_form(lhs_e, self.rules) is not None and _numeric(rhs_e)
            if (
                key is not None
                and lhs_e != rhs_e
                and not claim  # H(P) = 0.7 (-log 0.7) + ...: a numeric claim, not a definition
                and ((first and key not in self.defined) or rel == ":=" or restate or introduced)
            ):
                relation = Relation.DEFINE
                self.defined.add(key)
                if _numeric(rhs_e) and not isinstance(rhs_e, sympy.MatrixBase):
                    self.valued.add(key)
                if any(c.kind == "data_case" for c in conds):
                    self.case_defined.add(key)  # p_t = p "if y = 1": holds in that case only
                if (
                    isinstance(lhs_e, sympy.Symbol)
                    and not restate  # y = e^x \iff ...: a rule's own y, local to the rule
                    and rhs.parsed is not None
                    and rhs.parsed.shape is None
                    and not isinstance(rhs_e, sympy.MatrixBase)
                    and not rhs_e.atoms(sympy.Indexed, sympy.IndexedBase)
                ):
                    self.scalars.add(key)
                std = standard_form(lhs_e, self.rules)
                if std is not None:
                    self.context.append(
                        Assumption(
                            expr=sympy.Eq(lhs_e, std, evaluate=False),
                            text=f"standard definition of {lhs.text.strip()}",
                            source="reader",
                            kind="standard",
                            span=self.src.span(rhs.a, rhs.b),
                        )
                    )
                if isinstance(rhs_e, sympy.MatrixBase) and all(v.is_number for v in rhs_e):
                    self.context.append(
                        Assumption(
                            expr=sympy.Tuple(lhs_e, sympy.ImmutableMatrix(list(rhs_e))),
                            text=self.src.text[lhs.a : rhs.b],
                            source="document",
                            kind="values",
                            span=self.src.span(lhs.a, rhs.b),
                        )
                    )
                if self.ctx.logits is None:
                    self.learn_logits(rhs_e)
            # NOTE: a function the document defines entry by entry (\sigma(A_i) := ...) is its
            # own for a whole vector too: \sigma(A) is not the standard sigmoid then.
            defined = (
                frozenset(self.defined)
                | self.predefined
                | {definition_key(f, 1) for f in self.ctx.entry_functions}
            )
            lhs_e = self.standard(lhs, lhs_e, defined)
            rhs_e = self.standard(rhs, rhs_e, defined)
            if relation is Relation.DEFINE and lhs.error is None and rhs.error is None:
                self.learn_function(lhs_e, rhs_e)
                self.vector_of_function(lhs_e, rhs_e, lhs, rhs)
        problem = problem_span = None
        if lhs.error is not None:
            problem, problem_span = f"left side: {lhs.error.message}", lhs.error.span
        elif rhs.error is not None:
            problem, problem_span = rhs.error.message, rhs.error.span
        elif _matrix_against_scalar(lhs, rhs):
            # NOTE: y s^T (an outer product, read as its entry (i, j)) equated to a number: the
            # shapes differ, so the entry the reader chose is not what the author compared.
            problem = (
                "a matrix on one side and a scalar or vector on the other: the step is not read"
            )
            problem_span = self.src.span(lhs.a, max(rhs.b, lhs.a + 1))
        return Step(
            lhs=lhs_e if lhs.error is None else None,
            rhs=rhs_e if rhs.error is None else None,
            relation=relation,
            justification=info.justification,
            conditions=tuple(conds),
            lhs_latex=self.src.text[lhs.a : lhs.b],
            rhs_latex=self.src.text[rhs.a : rhs.b],
            span=self.src.span(rhs.a, rhs.b),
            block=rhs.block,
            index=index,
            problem=problem,
            problem_span=problem_span,
            warnings=tuple(warnings),
        )

    def other_index_cases(self, conds: list[Assumption], head: sympy.Basic) -> list[Assumption]:
        """"Another index, called $z$" before a block: z differs from each other free index of
        the chain's head (none: the words state no case here, and the report says so)."""
        free = {s for s in free_symbols(head) if is_index(s) and s != symbols.n}
        out: list[Assumption] = []
        for c in conds:
            if c.kind != Fact.OTHER_INDEX:
                out.append(c)
                continue
            letter = str(c.expr)
            others = sorted(str(v) for v in free if str(v) != letter)
            if letter not in {str(v) for v in free} or not others:
                self.warnings.append(
                    f"'{letter}' is called another index ({c.text}), but the formula after it "
                    "has no other index: no case is read"
                )
                continue
            out.extend(
                cases.condition_assumption(
                    letter, "!=", o, f"{letter} \\neq {o} (another index, {c.text})", c.span
                )
                for o in others
            )
        return out

    def entry_shorthands(self, exprs: list[_Expr], hint: frozenset[sympy.Symbol]) -> None:
        """``\\sigma_i`` for ``\\sigma(\\mathbf a)_i``: a function the document defines entry by
        entry (``\\sigma(\\mathbf z)_i := ...``), written with its index alone, is read at the
        one vector its chain is about.

        NOTE: a chain about two vectors (``\\sigma_i - y_i``: of z, or of y?) is not read so: the
        shorthand stays a name the document does not define.
        """
        shorthand = {
            name: params[0]
            for (name, arity), (params, _) in self.functions.items()
            if arity == 2
            and isinstance(params[0], sympy.IndexedBase)
            and isinstance(params[1], sympy.Symbol)
            and f"{name}[]" not in self.defined
        }
        if not shorthand:
            return
        for e in exprs:
            self.parse(e, hint)
        read = [(e, e.parsed) for e in exprs if e.parsed is not None]

        def written(ex: sympy.Basic) -> set[sympy.Indexed]:
            return {
                u
                for u in ex.atoms(sympy.Indexed)
                if str(u.base) in shorthand and len(u.indices) == 1
            }

        if not any(written(p.expr) for _, p in read):
            return
        vectors: set[sympy.Basic] = set()
        for _, p in read:
            vectors |= {u.base for u in p.expr.atoms(sympy.Indexed) if str(u.base) not in shorthand}
            vectors |= {
                a
                for f in p.expr.atoms(AppliedUndef)
                for a in f.args
                if isinstance(a, sympy.IndexedBase)
            }
        if len(vectors) != 1:
            for e, p in read:
                loose = sorted(
                    str(u.base) for u in written(p.expr) if shorthand[str(u.base)] not in vectors
                )
                if loose and vectors:
                    # NOTE: the function's own vector is not in the chain, and several are:
                    # which one the shorthand is of would be a guess.
                    e.error = ParseError(
                        f"{loose[0]}_i without its vector, in a formula about "
                        f"{', '.join(sorted(map(str, vectors)))}: which one is meant is not said",
                        self.src.span(e.a, max(e.b, e.a + 1)),
                    )
            return
        (vector,) = vectors
        for e, p in read:
            rule = {u: sympy.Function(str(u.base))(vector, u.indices[0]) for u in written(p.expr)}
            if rule:
                shown = ", ".join(sorted({f"{u.base}_i as {u.base}({vector})_i" for u in rule}))
                e.parsed = replace(
                    p,
                    expr=p.expr.xreplace(rule),
                    warnings=(*p.warnings, f"read {shown}: the one vector of the chain"),
                )

    def derivative_naming(
        self, lhs: sympy.Basic, rhs: sympy.Basic
    ) -> tuple[sympy.Basic, sympy.Basic] | None:
        """``∂y_0/∂a_0 = ∂/∂a_0 (e^{a_0}/u)``, ``s'(x) = d/dx (1/(1 + e^{-x}))`` with ``y_0``, ``s``
        defined nowhere in the document: the step says what the name is, ``(name, formula)``.

        NOTE: decided on the second pass, which knows every definition of the document: a name
        defined anywhere (before or after) keeps that definition, and the step is a claim.
        """
        if not (
            isinstance(lhs, sympy.Derivative)
            and isinstance(rhs, sympy.Derivative)
            and lhs.variable_count == rhs.variable_count
        ):
            return None
        name, body = lhs.expr, rhs.expr
        if isinstance(name, AppliedUndef):
            if not all(isinstance(a, sympy.Symbol) for a in name.args):
                return None
        elif not isinstance(name, (sympy.Symbol, sympy.Indexed)):
            return None
        key = _definition_key(name, self.ctx.functions) or self.entry_key(name)
        if (
            key is None
            or standard_form(name, self.rules) is not None
            or body.has(name)
            or (isinstance(name, sympy.Indexed) and body.has(name.base))
            or {str(a.expr) for a in self.densities} & {str(name).split("(")[0]}
        ):
            return None
        self.differentiated.add(key)
        if key in self.named_by_derivative and key not in self.defined:
            return name, body
        return None

    def shape_of(
        self, value: str, matrices: frozenset[str], columns: frozenset[str]
    ) -> str | None:
        """The shape of a formula read with the given matrix and column names (``None``: a
        number, or not read)."""
        try:
            ctx = replace(self.ctx, matrices=matrices, columns=columns)
            return parse_math(value, ctx=ctx).shape
        except ParseError:
            return None

    def vector_of_function(self, lhs: sympy.Basic, rhs: sympy.Basic, a: _Expr, b: _Expr) -> None:
        """``s(\\mathbf x)_i := ...`` also gives the vector ``\\mathbf s`` (``s_i``) its entries:
        one letter names the function and its value, ``\\mathbf s = \\mathbf s(\\mathbf x)``.

        NOTE: only where the document gives the vector no definition of its own.
        """
        if not (
            isinstance(lhs, AppliedUndef)
            and len(lhs.args) == 2
            and isinstance(lhs.args[0], sympy.IndexedBase)
            and isinstance(lhs.args[1], sympy.Symbol)
            and lhs.args[1].is_integer
        ):
            return
        name = lhs.func.__name__
        if len(name) != 1 or f"{name}[]" in self.defined or (
            self.general is not None and f"{name}[]" in self.general
        ):
            return
        self.context.append(
            Assumption(
                expr=sympy.Tuple(symbols.vector(name)[lhs.args[1]], rhs),
                text=self.src.text[a.a : b.b],
                source="document",
                kind="definition",
                span=self.src.span(a.a, b.b),
            )
        )

    def row_reading(self, lhs: _Expr, rhs: _Expr) -> tuple[_Expr, _Expr] | None:
        """Both sides read with the document's bold vectors as rows, when as columns their shapes
        do not fit (``\\mathbf y \\log \\mathbf s^\\top`` equated to a sum) and as rows they do.

        NOTE: a reading whose shapes do not fit is not a plausible one; the column reading stays
        the default, so a step that fits either way is read as written in column convention.
        """
        if self.ctx.rows or not _BOLD.search(lhs.text + rhs.text) or not _shape_misfit(lhs, rhs):
            return None
        ctx = replace(self.ctx, rows=True)
        out = []
        for e in (lhs, rhs):
            alt = _Expr(e.a, e.b, e.block, e.row, e.text)
            try:
                alt.parsed = parse_math(e.text, base=e.a, src=self.src, ctx=ctx)
            except ParseError:
                return None
            out.append(alt)
        if _shape_misfit(out[0], out[1]):
            return None
        return out[0], out[1]

    def inline_definitions(self, start: int, end: int) -> None:
        """``$S_i = \\mathrm{softmax}(z)_i$`` in the prose: a definition the checker may use."""
        for target, value, span in ctxmod.inline_definitions(self.src, start, end, self.ctx):
            defined = frozenset(self.defined) | self.predefined
            value = self.apply_functions(normalize(value, self.rules, defined=defined))
            # NOTE: $\zeta(x) = \log(1 + e^x)$ in the prose defines the function: \zeta(-x)
            # in a later formula is its body at -x.
            self.learn_function(target, value)
            self.context.append(
                Assumption(
                    expr=sympy.Tuple(target, value),
                    text=self.src.text[start:end].strip(),
                    source="document",
                    kind="definition",
                    span=span,
                )
            )

    def standard(self, side: _Expr, e: sympy.Basic, defined: frozenset[str]) -> sympy.Basic:
        """``e`` with standard meanings expanded; where one does not apply to what was written
        (sigma of a matrix, ...) the side becomes unparsed and the document is still read."""
        try:
            with sympy_refusals():
                return self.apply_functions(normalize(e, self.rules, defined=defined))
        except (SymPyRefusal, ValueError, sympy.SympifyError) as err:
            side.error = side.error or ParseError(
                f"the standard meaning does not apply here: {err}",
                self.src.span(side.a, max(side.b, side.a + 1)),
            )
            return e

    def entry_key(self, e: sympy.Basic) -> str | None:
        """``C_2``, ``a_0``: a numbered entry of a vector the document never defines as such.

        NOTE: an entry of a vector defined in general (a_k := ...) is a claim to check, never
        a definition; decided on the second pass, which knows every definition.
        """
        if not (
            isinstance(e, sympy.Indexed) and all(i.is_Integer for i in e.indices)
        ):
            return None
        general = f"{e.base}[]"
        if general in self.defined or (self.general is not None and general in self.general):
            return None
        return f"{e.base}[{','.join(str(i) for i in e.indices)}]"

    def learn_function(self, lhs: sympy.Basic, rhs: sympy.Basic) -> None:
        """Remember ``f(a) := body`` with symbol arguments, to read ``f(0)`` later."""
        # NOTE: \sigma(A_i) := ... is a function of the vector A and the entry index i.
        # NOTE: a density is named by its argument (p(x) and p(z) are two densities): its
        # definition at one variable says nothing of it at another.
        if isinstance(lhs, AppliedUndef) and lhs.func.__name__.split("|")[0] in {
            str(a.expr) for a in self.densities
        }:
            return
        if isinstance(lhs, AppliedUndef) and all(
            isinstance(a, (sympy.Symbol, sympy.IndexedBase)) for a in lhs.args
        ):
            self.functions[lhs.func.__name__, len(lhs.args)] = (lhs.args, rhs)

    def apply_functions(self, e: sympy.Basic) -> sympy.Basic:
        """``f(arg)`` with other arguments than the definition's: the body, substituted.

        The definition's own application ``f(a)`` is kept for the checker to substitute.
        """
        if not self.functions or not e.atoms(AppliedUndef):
            return e

        def other_call(f: sympy.Basic) -> bool:
            if not isinstance(f, AppliedUndef):
                return False
            known = self.functions.get((f.func.__name__, len(f.args)))
            return known is not None and tuple(f.args) != tuple(known[0])

        taken = {str(u) for u in e.atoms(sympy.Symbol)}  # derivatives hide their variables

        def body(f: sympy.Basic) -> sympy.Basic:
            params, value = self.functions[f.func.__name__, len(f.args)]
            # NOTE: the body's summation variable is its own: \sum_j inside it never captures
            # a j of the step (\partial \sigma(\mathbf a)_i / \partial a_j).
            renames = {}
            for total in value.atoms(sympy.Sum):
                for lim in total.limits:
                    if str(lim[0]) in taken:
                        fresh = next(
                            f"{c}{k}" if k else c
                            for k in range(100)
                            for c in "kjmlrsuv"
                            if (f"{c}{k}" if k else c) not in taken
                        )
                        taken.add(fresh)
                        renames[lim[0]] = sympy.Symbol(fresh, **lim[0].assumptions0)
            return value.xreplace(renames).xreplace(dict(zip(params, f.args, strict=True)))

        return e.replace(other_call, body)

    def learn_logits(self, e: sympy.Basic) -> None:
        for f in e.atoms(sympy.exp):
            arg = f.args[0]
            if isinstance(arg, sympy.Indexed):
                self.ctx = replace(self.ctx, logits=str(arg.base))
                return


_ARROWS = re.compile(
    r"\\(?:leftrightharpoons|rightleftharpoons|Leftrightarrow|iff|Rightarrow|implies"
    r"|Longrightarrow|Longleftrightarrow|rightarrow|longrightarrow|mapsto|longmapsto|to)"
    r"(?![A-Za-z])"
)


def _arrow_halves(e: _Expr) -> tuple[_Expr, _Expr]:
    """The member before and after its one top-level arrow (itself twice without one)."""
    found = []
    depth = 0
    for m, c in enumerate(e.text):
        if c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
        elif c == "\\" and depth == 0:
            hit = _ARROWS.match(e.text, m)
            if hit:
                found.append(hit)
    if len(found) != 1:
        return e, e
    hit = found[0]
    before = e.text[: hit.start()].rstrip().rstrip("&").rstrip()
    after_at = hit.end() + len(e.text[hit.end() :]) - len(e.text[hit.end() :].lstrip())
    left = _Expr(e.a, e.a + len(before), e.block, e.row, before)
    right = _Expr(e.a + after_at, e.b, e.block, e.row, e.text[after_at:])
    return left, right


def _matrix_against_scalar(lhs: _Expr, rhs: _Expr) -> bool:
    shapes = [
        e.parsed.shape if e.parsed is not None else None for e in (lhs, rhs)
    ]
    exprs = [e.parsed.expr if e.parsed is not None else None for e in (lhs, rhs)]
    if any(isinstance(x, sympy.MatrixBase) for x in exprs):
        return False
    return "mat" in shapes and shapes[0] != shapes[1] and all(x is not None for x in exprs)


_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm)\b")


def _shape_misfit(lhs: _Expr, rhs: _Expr) -> bool:
    """The sides' shapes differ, or a side is not read (its shapes may not fit together)."""
    if any(e.error is not None for e in (lhs, rhs)):
        return True
    a, b = lhs.parsed, rhs.parsed
    if a is None or b is None:
        return False
    if isinstance(a.expr, sympy.MatrixBase) or isinstance(b.expr, sympy.MatrixBase):
        return False
    return a.shape != b.shape and "mat" in (a.shape, b.shape)


_PROSE_DOMAIN = re.compile(r"\$\s*([A-Za-z])\s*\\in\s*(?:\\\{|\\mathbb|\\left\\\{|\[)")
_ENTRY_KEY = re.compile(r".+\[[0-9,]+\]")
_DATA_CASE = re.compile(r"=|<|>|\\neq|\\ne\b|\\le|\\ge|\\in\b")


def _summed_names(d: Derivation) -> set[str]:
    """Names whose entries a sum runs over (``p`` of ``Σ_i y_i log p_i``)."""
    out: set[str] = set()
    for step in d.steps:
        for side in (step.lhs, step.rhs):
            if side is None:
                continue
            for total in side.atoms(sympy.Sum):
                bound = {lim[0] for lim in total.limits}
                out.update(
                    str(t.base.label)
                    for t in total.function.atoms(sympy.Indexed)
                    if bound & set(t.indices)
                )
    return out


def _named_entries(e: sympy.Basic) -> sympy.IndexedBase | None:
    """The vector whose consecutive entries a column or row lists: ``(a_1, a_2, a_3)``."""
    if not isinstance(e, sympy.MatrixBase) or min(e.shape) != 1 or len(e) < 2:
        return None
    items = list(e)
    if not all(
        isinstance(u, sympy.Indexed) and len(u.indices) == 1 and u.indices[0].is_Integer
        for u in items
    ):
        return None
    base = items[0].base
    start = int(items[0].indices[0])
    if any(u.base != base or int(u.indices[0]) != start + m for m, u in enumerate(items)):
        return None
    return cast(sympy.IndexedBase, base)


def _numeric(e: sympy.Basic) -> bool:
    if isinstance(e, sympy.MatrixBase):
        return all(v.is_number for v in e)
    return bool(e.is_number)


def _definition_key(e: sympy.Basic, functions: frozenset[str] = frozenset()) -> str | None:
    if isinstance(e, sympy.Pow) and e.exp == 2 and isinstance(e.base, sympy.Symbol):
        return f"{e.base.name}^2"  # \sigma^2 = ...: a variance named
    if isinstance(e, sympy.Symbol) and not isinstance(e, sympy.Dummy):
        if e.is_integer:
            return None
        return str(e.name)
    # NOTE: a vector p (p_i, \mathbf p) and a scalar p are different names: defining one
    # does not define the other.
    if isinstance(e, sympy.IndexedBase):
        return f"{e}[]"
    if isinstance(e, sympy.Indexed) and all(isinstance(i, sympy.Symbol) for i in e.indices):
        return f"{e.base}[]"
    if isinstance(e, sympy.core.function.AppliedUndef):
        name = e.func.__name__
        # NOTE: only a function of bare arguments is introduced (f(x), E(t, o)); sigma(-z) = ...
        # is a claim about sigma, a step to judge.
        # NOTE: p(w_1, \ldots, w_n): the sequence w_1..w_n is one bare argument.
        elided = any(isinstance(a, sympy.Symbol) and a.name == "\\ldots" for a in e.args)
        if not all(_bare_argument(a) or (elided and _sequence_end(a)) for a in e.args):
            return None
        if name in STANDARD_FUNCS or name[:1].isupper() or name in functions:
            return definition_key(name, len(e.args))
    return None


def _letter(key: str) -> str:
    """The name a definition key is about: ``E`` of ``E_{n}/2``, ``y`` of ``y[0]``."""
    return re.split(r"[\[/_^(]", key, maxsplit=1)[0]


def _sequence_end(a: sympy.Basic) -> bool:
    """``w_1`` or ``w_n``: an end of a sequence written out with ``\\ldots`` between."""
    return isinstance(a, sympy.Indexed) and all(
        isinstance(i, (sympy.Symbol, sympy.Integer)) for i in a.indices
    )


def _bare_argument(a: sympy.Basic) -> bool:
    """``x``, ``\\mathbf{x}``, ``A_i``: what a function can be defined of (not ``-z``, ``2x``)."""
    if isinstance(a, (sympy.Symbol, sympy.IndexedBase)):
        return True
    if isinstance(a, AppliedUndef):
        # H(Y, \sigma(A)): a function of a function of names
        return all(isinstance(b, (sympy.Symbol, sympy.IndexedBase)) for b in a.args)
    return isinstance(a, sympy.Indexed) and all(isinstance(i, sympy.Symbol) for i in a.indices)


def read_document(
    text: str,
    *,
    markdown: bool,
    source: str | None = None,
    cfg: ReadConfig = ReadConfig(),
    rules: tuple[Rule, ...] = DEFAULT_RULES,
) -> Derivation:
    """Read a Markdown (``markdown=True``) or LaTeX document into a Derivation."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    if len(text) > cfg.max_bytes:
        raise ValueError(
            f"the document has {len(text)} characters, more than the limit of {cfg.max_bytes}"
        )
    first = _Reader(text, markdown=markdown, source=source, cfg=cfg, rules=rules)
    d = first.read()
    standard_keys = {r.key for r in rules}
    later = frozenset(k for k in first.defined if k in standard_keys)
    entries = {k for k in first.defined if _ENTRY_KEY.fullmatch(k)}
    # NOTE: p = 1/(1 + e^{-z}) makes p a scalar: p_t is then a name of its own (where the
    # document defines no vector p), read so on the second pass.
    summed = _summed_names(d) if first.scalars else set()  # Σ_i y_i log p_i: p is a vector
    scalars = frozenset(
        k
        for k in first.scalars
        if k in first.ctx.vectors
        and f"{k}[]" not in first.defined - first.case_defined
        and k not in summed
    )
    # NOTE: only a name the document defines in no form (E_n(w, v) := ... defines E_n, and
    # a step about E_n stays a claim).
    letters = {_letter(k) for k in first.defined}
    named_by_derivative = frozenset(k for k in first.differentiated if _letter(k) not in letters)
    if not later and not first.functions and not entries and not scalars and not named_by_derivative:
        return d
    # NOTE: a name means what the document makes it mean, wherever the definition stands:
    # a standard name (sigma) that the document defines further down is not read with its
    # standard meaning before that, and a function defined anywhere is applied everywhere.
    second = _Reader(text, markdown=markdown, source=source, cfg=cfg, rules=rules)
    second.predefined = later
    second.functions = dict(first.functions)
    # NOTE: C_2 = ... names the entry C_2 only where the document never defines C itself.
    second.general = frozenset(k for k in first.defined if k.endswith("[]"))
    second.ctx = replace(second.ctx, scalars=scalars)
    second.named_by_derivative = named_by_derivative
    return second.read()
