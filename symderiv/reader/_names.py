"""What a step teaches the reader about names: definitions, functions, entries, shapes.

A step that defines a name (``f(x) = ...``, ``p = 1/(1 + e^{-z})``, ``C_2 = ...``), names a
vector by its entries or a derivative by its quotient, or states a shape, changes how later
steps are read; the methods here learn it and read a side with what was learned."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import cast

import sympy
from sympy.core.function import AppliedUndef

from symderiv import symbols
from symderiv.errors import (
    ParseError,
    SymPyRefusal,
    sympy_refusals,
)
from symderiv.model import Assumption
from symderiv.reader import context as ctxmod
from symderiv.reader._expressions import _Expr, _ExprReader
from symderiv.reader.normalize import (
    DEFAULT_RULES,
    Rule,
    defined_name,
    definition_key,
    normalize,
    standard_form,
)
from symderiv.reader.parser import (
    STANDARD_FUNCS,
    parse_math,
)


class _NameReader(_ExprReader):
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
            and bool(params[1].is_integer)  # s(\mathbf x)_i, not J(w, b)
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
        key = _definition_key(name, self.ctx.functions, self.rules) or self.entry_key(name)
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
        found = ctxmod.inline_definitions(self.src, start, end, self.ctx)
        for name, written, span in found.unread:
            self.context.append(
                Assumption(expr=name, text=written, source="document", kind="unread", span=span)
            )
        for target, value, span in found.read:
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
            value = value.xreplace(renames)
            plain = {}
            for param, arg in zip(params, f.args, strict=True):
                if isinstance(param, sympy.IndexedBase) and isinstance(arg, sympy.Indexed):
                    # NOTE: h(x) := g(\theta^T x) at the sample x^{(i)}: the entry x_k of the
                    # vector is the entry x_k^{(i)} of the sample, x^{(.)}[i, k].
                    value = _at_sample(value, param, arg)
                else:
                    plain[param] = arg
            return value.xreplace(plain)

        return e.replace(other_call, body)

    def learn_logits(self, e: sympy.Basic) -> None:
        for f in e.atoms(sympy.exp):
            arg = f.args[0]
            if isinstance(arg, sympy.Indexed):
                self.ctx = replace(self.ctx, logits=str(arg.base))
                return


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


def _definition_key(
    e: sympy.Basic,
    functions: frozenset[str] = frozenset(),
    rules: tuple[Rule, ...] = DEFAULT_RULES,
) -> str | None:
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
            # NOTE: sigmoid(x) := ... defines sigma, the name the alias stands for.
            return definition_key(defined_name(name, len(e.args), rules), len(e.args))
    return None


def _sequence_end(a: sympy.Basic) -> bool:
    """``w_1`` or ``w_n``: an end of a sequence written out with ``\\ldots`` between."""
    return isinstance(a, sympy.Indexed) and all(
        isinstance(i, (sympy.Symbol, sympy.Integer)) for i in a.indices
    )


def _bare_argument(a: sympy.Basic) -> bool:
    """``x``, ``\\mathbf{x}``, ``A_i``, ``\\sigma^2``: what a function can be defined of (not
    ``-z``, ``2x``)."""
    if isinstance(a, (sympy.Symbol, sympy.IndexedBase)):
        return True
    if isinstance(a, sympy.Pow) and isinstance(a.base, sympy.Symbol) and a.exp == 2:
        return True  # NOTE: l(\mu, \sigma^2): a function of the variance
    if isinstance(a, AppliedUndef):
        # H(Y, \sigma(A)): a function of a function of names
        return all(isinstance(b, (sympy.Symbol, sympy.IndexedBase)) for b in a.args)
    return isinstance(a, sympy.Indexed) and all(isinstance(i, sympy.Symbol) for i in a.indices)


def _at_sample(value: sympy.Basic, vector: sympy.IndexedBase, sample: sympy.Indexed) -> sympy.Basic:
    """``value`` with every entry ``vector[k]`` read as the entry ``sample.base[i, k]`` of the
    sample ``sample`` (``x^{(i)}``), where ``value`` uses ``vector`` by its entries alone.

    >>> x, X = sympy.IndexedBase("x"), sympy.IndexedBase(r"x^{(\\cdot)}")
    >>> i, k = sympy.symbols("i k")
    >>> _at_sample(2 * x[k], x, X[i])
    2*x^{(\\cdot)}[i, k]
    """
    entries = {
        e: sample.base[(*sample.indices, *e.indices)]
        for e in value.atoms(sympy.Indexed)
        if e.base == vector
    }
    out = value.xreplace(entries)
    if vector in out.atoms(sympy.IndexedBase):
        raise ValueError(f"{vector} is used whole, not by its entries, at a sample")
    return out
