"""A whole document read into a Derivation: blocks → chains → steps, with context and cases.

The document pass: the shapes, directives, prose facts and inline definitions of the whole text
are learned before the blocks are read, and a second pass reads the document again when the
first found names it defines further down (``read_document``)."""

from __future__ import annotations

import re
from dataclasses import replace

import sympy

from symderiv import symbols
from symderiv.config import ReadConfig
from symderiv.model import Derivation, Step
from symderiv.reader import _origins, _shapes
from symderiv.reader import context as ctxmod
from symderiv.reader._block_reading import MAX_STEPS, _BlockReader
from symderiv.reader._densities import drawn_facts
from symderiv.reader._expressions import _Expr
from symderiv.reader.blocks import MAX_BLOCKS, Scan, scan_latex, scan_markdown
from symderiv.reader.normalize import DEFAULT_RULES, Rule
from symderiv.reader.prose_facts import prose_facts


class _Reader(_BlockReader):
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
        self.ctx = replace(
            self.ctx,
            matrices=mats,
            columns=cols,
            distributions=self.ctx.distributions - ctxmod.functions_of_vectors(joined, cols),
        )
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


_ENTRY_KEY = re.compile(r".+\[[0-9,]+\]")


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


def _letter(key: str) -> str:
    """The name a definition key is about: ``E`` of ``E_{n}/2``, ``y`` of ``y[0]``."""
    return re.split(r"[\[/_^(]", key, maxsplit=1)[0]


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
    # NOTE: softmax(z)_i sums over the range the document sums z over (0..n), read again.
    ranged = _origins.ranged_rules(rules, _origins.vector_ranges(d))
    if not later and not first.functions and not entries and not scalars and not named_by_derivative:
        if ranged is rules:
            return d
        return _Reader(text, markdown=markdown, source=source, cfg=cfg, rules=ranged).read()
    # NOTE: a name means what the document makes it mean, wherever the definition stands:
    # a standard name (sigma) that the document defines further down is not read with its
    # standard meaning before that, and a function defined anywhere is applied everywhere.
    second = _Reader(text, markdown=markdown, source=source, cfg=cfg, rules=ranged)
    second.predefined = later
    second.functions = dict(first.functions)
    # NOTE: C_2 = ... names the entry C_2 only where the document never defines C itself.
    second.general = frozenset(k for k in first.defined if k.endswith("[]"))
    second.ctx = replace(second.ctx, scalars=scalars)
    second.named_by_derivative = named_by_derivative
    return second.read()
