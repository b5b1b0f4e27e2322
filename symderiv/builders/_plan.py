"""What the catalogue's plans share: the scalars they name, the softmax and cross-entropy
values, the Jacobian and gradient chains, and a derivation built from its steps.
"""

from __future__ import annotations

import sympy

from symderiv import symbols
from symderiv.builders._lowering import lower
from symderiv.builders.softmax import _check_n
from symderiv.builders.strategy import (
    CHAIN_RULE,
    DIFFERENTIATE,
    SUBSTITUTE,
    SUM_DELTAS,
    Context,
    Names,
    Rule,
    chain,
    index_range,
    names_for,
    recognise,
    split_cases,
    sum_one,
)
from symderiv.config import Notation
from symderiv.model import Derivation, Step

__all__ = [
    "ALPHA",
    "EPSILON",
    "GAMMA",
    "MU",
    "T",
    "build",
    "cross_entropy",
    "gradient",
    "jacobian",
    "plain_vectors",
    "softmax_value",
    "start",
]

#: The temperature, the smoothing weight and the shift, as the reader reads ``T``,
#: ``\varepsilon`` and ``\mu``: real scalars.
T = symbols.scalar("T")
EPSILON = symbols.scalar("varepsilon")
MU = symbols.scalar("mu")
ALPHA = symbols.scalar("alpha")
GAMMA = symbols.scalar("gamma")


def softmax_value(nm: Names, scale: sympy.Expr = sympy.S.One) -> sympy.Expr:
    return sympy.exp(nm.x[nm.i] / scale) / sympy.Sum(sympy.exp(nm.x[nm.k] / scale), (nm.k, 1, nm.n))


def cross_entropy(nm: Names, targets: sympy.IndexedBase) -> sympy.Expr:
    return -sympy.Sum(targets[nm.j] * sympy.log(nm.p[nm.j]), (nm.j, 1, nm.n))


def jacobian(
    nm: Names, ctx: Context, *, say: str | None = None
) -> tuple[tuple[Step, ...], Context]:
    """``∂p_i/∂x_j``: differentiate, read the definition back, split the cases."""
    jac = sympy.Derivative(nm.p[nm.i], nm.x[nm.j])
    steps, result = chain(jac, (DIFFERENTIATE, recognise(nm.p, say=say)), ctx)
    return steps + split_cases(jac, result, ctx), ctx.with_derivative(jac, result)


def gradient(nm: Names, ctx: Context, *, finish: tuple[Rule, ...] = ()) -> tuple[Step, ...]:
    """``∂L/∂x_i`` for a loss of the probabilities: chain rule, Jacobian, deltas, collect."""
    dl = sympy.Derivative(nm.L, nm.x[nm.i])
    steps, _ = chain(dl, (CHAIN_RULE, SUBSTITUTE, SUM_DELTAS, *finish), ctx)
    return steps


def build(
    name: str,
    nm: Names,
    steps: tuple[Step, ...],
    n: int | None,
    *,
    normalised: bool,
    vectors: tuple[sympy.IndexedBase, ...] = (),
    symbolic_only: tuple[Step, ...] = (),
) -> Derivation:
    # NOTE: ``symbolic_only`` steps (the matrix forms) are left out at concrete n: there every
    # step with free i, j already is a matrix equality, and the matrix form would repeat it.
    assumptions = (index_range(nm),) + ((sum_one(nm),) if normalised else ())
    if n is None:
        steps = steps + symbolic_only
    d = Derivation(
        name=name,
        steps=steps,
        assumptions=assumptions,
        n=nm.n,
        source=f"symderiv.builders.entries.{name.replace('-', '_')}",
    )
    return d if n is None else lower(d, nm, n, vectors=vectors)


def start(n: int | None, notation: Notation, extra: tuple[str, ...] = ()) -> Names:
    if n is not None:
        _check_n(n)
    return names_for(notation, extra=extra)


def plain_vectors(notation: Notation) -> bool:
    """True when the vectors are single lower-case letters.

    NOTE: the matrix form writes ``\\mathbf{p}``; the reader takes a bold lower-case letter for
    a vector and a bold capital for a matrix, and has no reading of ``\\mathbf{\\hat{y}}``.
    With other names the matrix forms are left out, so that the document reads back.
    """
    names = (notation.logits, notation.probs, notation.targets)
    return all(len(c) == 1 and "a" <= c <= "z" for c in names)
