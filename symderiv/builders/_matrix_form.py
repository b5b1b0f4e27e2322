"""The matrix form of an index result: ``δ_ij v_i`` as ``diag(v)``, ``u_i v_j`` as ``u v^T``.

:func:`matrix_form` writes ``∂p_i/∂x_j = p_i (δ_ij − p_j)`` as the definition ``J_{ij} :=
∂p_i/∂x_j`` and the matrix step ``\\mathbf{J} = \\operatorname{diag}(\\mathbf{p}) -
\\mathbf{p}\\mathbf{p}^\\top``; :func:`index_form` reads a matrix form back as the checker does.
"""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from symderiv import symbols
from symderiv.builders.strategy import Context, define, tex
from symderiv.indices import free_symbols as _free
from symderiv.model import Step

__all__ = ["bold", "index_form", "matrix_form"]



def bold(name: str) -> str:
    """The vector or matrix called ``name`` as LaTeX writes it in matrix form: ``\\mathbf{p}``."""
    return f"\\mathbf{{{name}}}"


def _unbold(name: str) -> str:
    return name[len("\\mathbf{") : -1] if name.startswith("\\mathbf{") else name


def index_form(
    expr: sympy.Basic, free: tuple[sympy.Symbol, ...]
) -> sympy.Expr:
    """The entry ``(i, j)`` (or ``i``) of a matrix expression, in the document's indexed names.

    ``(\\operatorname{diag}(\\mathbf{p}) - \\mathbf{p}\\mathbf{p}^\\top)_{ij}`` is
    ``δ_ij p_i − p_i p_j``: the reading of the matrix form that the checker judges.
    """
    entry = expr[free[0], free[1]] if len(free) == 2 else expr[free[0], 0]

    def indexed(e: sympy.Basic) -> sympy.Expr:
        base = symbols.vector(_unbold(str(e.parent.name)))
        return base[e.i] if e.parent.shape[1] == 1 else base[e.i, e.j]

    return entry.replace(lambda e: isinstance(e, MatrixElement), indexed)


def _to_matrix(result: sympy.Expr, free: tuple[sympy.Symbol, ...], n: sympy.Symbol) -> sympy.Basic:
    """``δ_ij v_i`` as ``diag(v)``, ``u_i v_j`` as ``u v^T``, ``v_i`` as ``v`` (term by term)."""

    def vec(base: sympy.IndexedBase) -> sympy.MatrixSymbol:
        return sympy.MatrixSymbol(bold(str(base.name)), n, 1)

    out: list[sympy.Basic] = []
    for term in sympy.Add.make_args(sympy.expand(result)):
        const, rest = term.as_independent(*free, as_Add=False)
        factors = sympy.Mul.make_args(rest)
        entries = [f for f in factors if isinstance(f, sympy.Indexed) and len(f.indices) == 1]
        deltas = [f for f in factors if isinstance(f, sympy.KroneckerDelta)]
        if len(entries) + len(deltas) != len(factors) or const.has(*free):
            raise ValueError(f"no matrix form of the term {term}")
        if len(free) == 1 and len(entries) == 1 and not deltas:
            out.append(const * vec(entries[0].base))
        elif len(free) == 2 and len(entries) == 1 and len(deltas) == 1:
            out.append(const * DiagMatrix(vec(entries[0].base)))
        elif len(free) == 2 and len(entries) == 2 and not deltas:
            row = next(e for e in entries if e.indices[0] == free[0])
            col = next(e for e in entries if e.indices[0] == free[1])
            out.append(const * vec(row.base) * vec(col.base).T)
        else:
            raise ValueError(f"no matrix form of the term {term}")
    return sympy.Add(*out)


def matrix_form(
    quantity: sympy.Derivative, result: sympy.Expr, ctx: Context, *, name: str, what: str
) -> tuple[Step, Step]:
    """``quantity = result`` in matrix form: a definition of its entries, then the matrix step.

    For ``∂p_i/∂x_j = p_i (δ_ij − p_j)``: ``J_{ij} := ∂p_i/∂x_j`` and
    ``\\mathbf{J} = \\operatorname{diag}(\\mathbf{p}) - \\mathbf{p}\\mathbf{p}^\\top``; for
    ``∂L/∂x_i = p_i − y_i``: ``g_i := ∂L/∂x_i`` and ``\\mathbf{g} = \\mathbf{p} - \\mathbf{y}``.

    Raises:
        ValueError: ``result`` has a term with no matrix form (``p_i Σ_j y_j``), or the matrix
            form read back in index form is not ``result`` (a builder error, never shown).
    """
    nm = ctx.names
    free = tuple(s for s in (nm.i, nm.j) if s in _free(quantity))
    base = symbols.vector(name)
    entry = base[free] if len(free) == 2 else base[free[0]]
    cols = nm.n if len(free) == 2 else sympy.Integer(1)
    rhs = _to_matrix(result, free, nm.n)
    # NOTE: the matrix form is computed from the index result, and read back here as the
    # checker reads it: a translation error stops the build instead of reaching a document.
    if sympy.expand(index_form(rhs, free) - result) != 0:
        raise ValueError(f"the matrix form {rhs} does not read back as {result}")
    sub = "".join(str(s) for s in free)
    return (
        define(entry, quantity, what),
        Step(
            sympy.MatrixSymbol(bold(name), nm.n, cols),
            rhs,
            justification=f"matrix form of ${name}_{{{sub}}} = {tex(result)}$",
        ),
    )
