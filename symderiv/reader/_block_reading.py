"""One display block read: its conditions (directives, prose, cases), its chains, its steps."""

from __future__ import annotations

import re

import sympy

from symderiv import symbols
from symderiv.errors import (
    ParseError,
)
from symderiv.indices import free_symbols
from symderiv.model import Assumption, Fact, SourceSpan, Step
from symderiv.reader import cases
from symderiv.reader._expressions import _Chain, _Expr, _RowInfo
from symderiv.reader._steps import _StepReader
from symderiv.reader.blocks import Block, Scan
from symderiv.reader.chains import CaseRow, Work, cases_rows, split_rows
from symderiv.reader.directives import directive_facts, is_case_directive, parse_assumption
from symderiv.reader.parser import (
    free_indices,
    is_index,
    parse_math,
)

#: A display block longer than this is one unparsed step (no formula is that long).
MAX_BLOCK_CHARS = 100_000
#: Reading stops after this many steps: a document is not a data file.
MAX_STEPS = 10_000


#: ``$\\mu_2 = 0$``, ``$T = \\frac{1}{2}$``: a name and a value alone in inline math (several
#: in one formula when separated by commas are read by the comma split below).
_INLINE_VALUE = re.compile(
    r"(?<![\\$])\$?\s*((?:\\[A-Za-z]+|[A-Za-z])(?:_\{?[A-Za-z0-9]+\}?)?)\s*=\s*"
    r"(-?\s*(?:\\frac\{\d+\}\{\d+\}|\d+(?:\.\d+)?))\s*(?=[$,])"
)


class _BlockReader(_StepReader):
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
        out.extend(self.stated_values(prose, sentence, prev_end))
        return out

    def stated_values(self, prose: str, sentence: str, at: int) -> list[Assumption]:
        """Values the sentence just before a block gives its quantities: "for a standard
        normal ($\\mu_2 = 0$, $\\sigma_2 = 1$):" — the block is judged at them, as a stated
        case.  A name and a number alone in inline math, never a letter the document writes as
        an index; all the sentence's values or none (a setting in part is no setting)."""
        out: list[Assumption] = []
        if not sentence.strip():
            return out
        off = prose.rfind(sentence.strip())
        for m in _INLINE_VALUE.finditer(sentence):
            name, value = m.group(1).strip(), m.group(2).strip()
            if name in self.subscript_letters:
                return []
            try:
                number = parse_math(value, ctx=self.ctx).expr
                fact = parse_assumption(f"{name} = {value}", source="document")
            except ParseError:
                return []
            if not (isinstance(number, sympy.Expr) and number.is_number and number.is_real):
                return []
            rel = fact.expr
            if not isinstance(rel, sympy.Eq) or not isinstance(
                rel.lhs, sympy.Symbol | sympy.Indexed
            ):
                return []
            start = at + off + m.start() if off >= 0 else None
            span = self.src.span(start, start + len(m.group(0))) if start is not None else None
            out.append(Assumption(rel, f"{name} = {value}", "case", "relation", span))
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


_PROSE_DOMAIN = re.compile(r"\$\s*([A-Za-z])\s*\\in\s*(?:\\\{|\\mathbb|\\left\\\{|\[)")
_DATA_CASE = re.compile(r"=|<|>|\\neq|\\ne\b|\\le|\\ge|\\in\b")
