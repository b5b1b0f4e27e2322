"""One step of a chain: two read members become a ``Step`` (or a definition, or a problem)."""

from __future__ import annotations

import re

import sympy
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.model import Assumption, Relation, Step
from symderiv.reader import _shapes
from symderiv.reader._distributions import EXPECTATION_VALUE
from symderiv.reader._expressions import _Expr, _RowInfo
from symderiv.reader._names import _definition_key, _named_entries, _NameReader, _numeric
from symderiv.reader.blocks import Block
from symderiv.reader.normalize import defined_form, definition_key, standard_form


class _StepReader(_NameReader):
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
            warnings.append("'\\approx': judged exactly or by the digits shown")
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
            key = _definition_key(lhs_e, self.ctx.functions, self.rules) or (
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
                            expr=sympy.Eq(defined_form(lhs_e, self.rules), std, evaluate=False),
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
        if rel == "~=" and relation is Relation.EQUAL:
            relation = Relation.APPROX
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


def _matrix_against_scalar(lhs: _Expr, rhs: _Expr) -> bool:
    shapes = [
        e.parsed.shape if e.parsed is not None else None for e in (lhs, rhs)
    ]
    exprs = [e.parsed.expr if e.parsed is not None else None for e in (lhs, rhs)]
    if any(isinstance(x, sympy.MatrixBase) for x in exprs):
        return False
    return "mat" in shapes and shapes[0] != shapes[1] and all(x is not None for x in exprs)
