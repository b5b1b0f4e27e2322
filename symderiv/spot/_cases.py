"""What ``symderiv spot NAME`` checks: for each catalogue name, its formulas and definitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import sympy

from symderiv import symbols
from symderiv.builders import gradients
from symderiv.builders.cross_entropy import cross_entropy
from symderiv.builders.derivations import softmax_ce
from symderiv.builders.softmax import softmax_entry
from symderiv.errors import UnknownDerivationError

#: Which entries of the Jacobian a formula claims: all, the diagonal only, off the diagonal.
CLAIMS = ("all", "diagonal", "off-diagonal")
#: Target sets of :class:`~symderiv.spot._inputs.Points`.
TARGETS = ("none", "normalised", "free")


@dataclass(frozen=True)
class Definition:
    """A function whose derivative the formulas claim to be: ``of`` is its short name."""

    of: str
    text: str
    expr: sympy.Expr
    indices: tuple[sympy.Symbol, ...]


@dataclass(frozen=True)
class Formula:
    """One symbolic result to check, written in the logits (``p`` already substituted).

    ``expr`` has free ``indices``: ``(i, j)`` for ``∂p_i/∂x_j``, ``(i,)`` for ``∂L/∂x_i`` and
    for the diagonal case of the Jacobian. ``targets`` names the target set it holds for.
    """

    text: str
    of: str
    expr: sympy.Expr
    indices: tuple[sympy.Symbol, ...]
    claims: str = "all"
    targets: str = "none"

    def __post_init__(self) -> None:
        if self.claims not in CLAIMS:
            raise ValueError(f"claims must be one of {CLAIMS}, got {self.claims!r}")
        if self.targets not in TARGETS:
            raise ValueError(f"targets must be one of {TARGETS}, got {self.targets!r}")


@dataclass(frozen=True)
class Case:
    """A catalogue name's definitions and formulas."""

    name: str
    definitions: tuple[Definition, ...]
    formulas: tuple[Formula, ...]


# NOTE: one bound variable for every substituted softmax keeps in_logits deterministic (equal
# inputs give equal outputs); each Sum binds it on its own, and the lowering renames it anyway.
_K = sympy.Dummy("k", integer=True, positive=True)


def in_logits(
    expr: sympy.Expr, *, p: sympy.IndexedBase = symbols.p, x: sympy.IndexedBase = symbols.x
) -> sympy.Expr:
    """``expr`` with every ``p[e]`` replaced by the softmax of the logits (fresh bound index).

    Same result as ``builders.gradients.softmax_in_logits``, by one ``xreplace`` (faster).

    >>> in_logits(symbols.p[symbols.i])
    exp(x[i])/Sum(exp(x[_k]), (_k, 1, n))
    """
    total = sympy.Sum(sympy.exp(x[_K]), (_K, 1, symbols.n))
    mapping = {
        e: sympy.exp(x[e.indices[0]]) / total
        for e in expr.atoms(sympy.Indexed)
        if e.base == p
    }
    return expr.xreplace(mapping)


def _softmax_ce() -> Case:
    i, j, k, x = symbols.i, symbols.j, symbols.k, symbols.x
    p_def = softmax_entry(i)
    loss = in_logits(cross_entropy(p=symbols.p, k=k))
    (diag, _), (off, _) = gradients.softmax_jacobian_cases(i, j)
    soft = "softmax p_i = exp(x_i) / Σ_k exp(x_k)"
    ce = "cross-entropy L = −Σ_k y_k log p_k"
    formulas = (
        Formula("∂p_i/∂x_j = p_i (δ_ij − p_j)", "softmax",
                in_logits(gradients.softmax_jacobian_entry(i, j)), (i, j)),
        Formula("∂p_i/∂x_j = {p_i (1 − p_i) if i = j; −p_i p_j otherwise}", "softmax",
                in_logits(gradients.softmax_jacobian_entry(i, j, form="cases")), (i, j)),
        Formula("∂p_i/∂x_i = p_i (1 − p_i)  (i = j)", "softmax", in_logits(diag), (i,),
                claims="diagonal"),
        Formula("∂p_i/∂x_j = −p_i p_j  (i ≠ j)", "softmax", in_logits(off), (i, j),
                claims="off-diagonal"),
        Formula("∂p_i/∂x_j by the quotient rule (SymPy diff, unsimplified)", "softmax",
                sympy.diff(p_def, x[j]), (i, j)),
        Formula("∂L/∂x_i = p_i Σ_j y_j − y_i  (any y)", "loss",
                in_logits(gradients.ce_gradient_entry(i, sum_y_is_one=False)), (i,),
                targets="free"),
        Formula("∂L/∂x_i = p_i − y_i  (Σ_j y_j = 1)", "loss",
                in_logits(gradients.ce_gradient_entry(i)), (i,), targets="normalised"),
        Formula("∂L/∂x_i = p_i Σ_j y_j − y_i  (on Σ_j y_j = 1)", "loss",
                in_logits(gradients.ce_gradient_entry(i, sum_y_is_one=False)), (i,),
                targets="normalised"),
        Formula("∂L/∂x_i by the chain rule (SymPy diff, unsimplified)", "loss",
                sympy.diff(loss, x[i]), (i,), targets="free"),
    )
    named, steps = _merge(formulas, derivation_formulas())
    return Case(
        "softmax-ce",
        (Definition("softmax", soft, p_def, (i,)), Definition("loss", ce, loss, ())),
        named + steps,
    )


def _merge(
    table: tuple[Formula, ...], steps: tuple[Formula, ...]
) -> tuple[tuple[Formula, ...], tuple[Formula, ...]]:
    """Name the derivation step a table formula is, and keep only the steps not in the table."""
    named = list(table)
    rest = []
    for st in steps:
        same = [
            pos for pos, f in enumerate(named)
            if (f.expr, f.claims, f.targets) == (st.expr, st.claims, st.targets)
        ]
        if not same:
            rest.append(st)
            continue
        number = st.text.split(":")[0].removeprefix("derivation ")
        for pos in same:
            named[pos] = replace(named[pos], text=f"{named[pos].text}  [{number}]")
    return tuple(named), tuple(rest)


def _short(expr: sympy.Expr, width: int = 56) -> str:
    text: str = sympy.sstr(expr)
    return text if len(text) <= width else text[: width - 1] + "…"


def derivation_formulas() -> tuple[Formula, ...]:
    """Every result of the built derivation's chains that holds no derivative any more.

    A chain starts at ``∂p_i/∂x_j`` or ``∂L/∂x_i``; each step's right-hand side is a formula
    for that quantity, claimed on the diagonal or off it when the step states ``i = j`` or
    ``i ≠ j``, and for targets summing to 1 when the step uses that assumption.

    >>> [f.claims for f in derivation_formulas()][:4]
    ['all', 'all', 'diagonal', 'off-diagonal']
    """
    i, j, L, x, p = symbols.i, symbols.j, symbols.L, symbols.x, symbols.p
    chains = {sympy.Derivative(p[i], x[j]): "softmax", sympy.Derivative(L, x[i]): "loss"}
    out: list[Formula] = []
    current: str | None = None
    previous: sympy.Expr | None = None
    for number, step in enumerate(softmax_ce(None).steps, start=1):
        if step.is_definition or step.lhs is None or step.rhs is None:
            continue
        if step.lhs in chains:
            current = chains[step.lhs]
        elif step.lhs != previous:
            current = None
        previous = step.rhs
        if current is None or step.rhs.has(sympy.Derivative):
            continue
        claims, expr = "all", step.rhs
        for cond in step.conditions:
            if cond.expr == sympy.Eq(i, j):
                claims, expr = "diagonal", expr.xreplace({j: i})
            elif cond.expr == sympy.Ne(i, j):
                claims = "off-diagonal"
        indices = (i, j) if current == "softmax" and claims != "diagonal" else (i,)
        normalised = any("y" in text and "= 1" in text for text in step.assumptions_used)
        targets = "none" if current == "softmax" else ("normalised" if normalised else "free")
        when = [c.text for c in step.conditions] + (["Σ_j y_j = 1"] if normalised else [])
        note = f"  ({', '.join(when)})" if when else ""
        out.append(Formula(
            f"derivation step {number}: {_short(expr)}{note}", current, in_logits(expr),
            indices, claims=claims, targets=targets,
        ))
    return tuple(out)


CASES: dict[str, Callable[[], Case]] = {"softmax-ce": _softmax_ce}


def get(name: str) -> Case:
    """The case for a catalogue name; raises :class:`UnknownDerivationError`.

    >>> len(get("softmax-ce").formulas) > 5
    True
    """
    try:
        build = CASES[name]
    except KeyError:
        raise UnknownDerivationError(
            f"no spot checks for {name!r}; known: {', '.join(sorted(CASES))}"
        ) from None
    return build()
