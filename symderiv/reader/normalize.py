"""Informal-notation rules: standard ML objects expanded to canonical SymPy, as a tuple of values.

Each rule names one undefined function the parser leaves for it (``H``, ``D_KL``, ``softmax``,
``sigma``) and rewrites its applications, unless the document defines that name itself.
Users extend the reading by passing a longer tuple to :func:`normalize`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from symderiv import indices, symbols


@dataclass(frozen=True)
class Rule:
    """Rewrite applications of the undefined function ``name`` with ``arity`` arguments."""

    name: str
    arity: int
    description: str
    rewrite: Callable[..., sympy.Expr]
    #: How many leading arguments must be vectors (IndexedBase): H(P) yes, H(p_1) no.
    vector_args: int = 0

    @property
    def key(self) -> str:
        """The definition key a document uses when it defines this object itself."""
        return definition_key(self.name, self.arity)


def definition_key(name: str, arity: int) -> str:
    """``"H/1"``: how a function-like name is recorded among a document's definitions."""
    return f"{name}/{arity}"


def _outcome() -> sympy.Symbol:
    return symbols.index("x")


def _fresh_index(*taken: sympy.Basic) -> sympy.Symbol:
    """The bound variable of a standard object's sum: the first of ``k j l m c t`` not free in
    ``taken``, by :func:`symderiv.indices.fresh_index`."""
    return indices.fresh_index((s for t in taken for s in t.free_symbols), letters="kjlmct")


def _softmax(x: sympy.IndexedBase, i: sympy.Expr) -> sympy.Expr:
    k = _fresh_index(i)
    return sympy.exp(x[i]) / sympy.Sum(sympy.exp(x[k]), (k, 1, symbols.n))


def _sigmoid(a: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-a))


def _entropy(p: sympy.IndexedBase) -> sympy.Expr:
    x = _outcome()
    return -sympy.Sum(p[x] * sympy.log(p[x]), (x, 1, symbols.n))


def _cross_entropy(p: sympy.IndexedBase, q: sympy.IndexedBase) -> sympy.Expr:
    x = _outcome()
    return -sympy.Sum(p[x] * sympy.log(q[x]), (x, 1, symbols.n))


def _kl(p: sympy.IndexedBase, q: sympy.IndexedBase) -> sympy.Expr:
    x = _outcome()
    return sympy.Sum(p[x] * (sympy.log(p[x]) - sympy.log(q[x])), (x, 1, symbols.n))


softmax_rule = Rule("softmax", 2, "softmax(x)_i = exp(x_i) / sum_k exp(x_k)", _softmax, 1)
sigmoid_rule = Rule("sigma", 1, "sigma(a) = 1 / (1 + exp(-a))", _sigmoid)
entropy_rule = Rule("H", 1, "H(P) = -sum_x P(x) log P(x)", _entropy, 1)
cross_entropy_rule = Rule("H", 2, "H(P, Q) = -sum_x P(x) log Q(x)", _cross_entropy, 2)
kl_rule = Rule("D_KL", 2, "D_KL(P || Q) = sum_x P(x) (log P(x) - log Q(x))", _kl, 2)

DEFAULT_RULES: tuple[Rule, ...] = (
    softmax_rule,
    sigmoid_rule,
    entropy_rule,
    cross_entropy_rule,
    kl_rule,
)


def standard_form(expr: sympy.Basic, rules: tuple[Rule, ...] = DEFAULT_RULES) -> sympy.Expr | None:
    """The standard meaning of ``expr`` when it is one application a rule knows, else None.

    >>> standard_form(sympy.Function("sigma")(symbols.scalar("a")))
    1/(1 + exp(-a))
    """
    for rule in rules:
        if _matches(expr, rule):
            return rule.rewrite(*expr.args)
    return None


def _matches(e: sympy.Basic, rule: Rule) -> bool:
    return (
        isinstance(e, sympy.core.function.AppliedUndef)
        and e.func.__name__ == rule.name
        and len(e.args) == rule.arity
        and all(isinstance(a, sympy.IndexedBase) for a in e.args[: rule.vector_args])
    )


def normalize(
    expr: sympy.Basic,
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    *,
    defined: frozenset[str] = frozenset(),
) -> sympy.Basic:
    """Expand every standard object of ``rules`` whose key is not in ``defined``.

    Args:
        expr: a formula as the parser read it.
        rules: the ordered rules; earlier rules rewrite first.
        defined: keys (:func:`definition_key`) of names the document defines itself.

    >>> P, Q = symbols.distribution("P"), symbols.distribution("Q")
    >>> normalize(sympy.Function("H")(P, Q))
    -Sum(log(Q[x])*P[x], (x, 1, n))
    >>> normalize(sympy.Function("H")(P), defined=frozenset({"H/1"}))
    H(P)
    """
    if not expr.atoms(sympy.core.function.AppliedUndef):
        return expr
    for rule in rules:
        if rule.key in defined:
            continue
        expr = expr.replace(
            lambda e, r=rule: _matches(e, r),
            lambda e, r=rule: r.rewrite(*e.args),
        )
    return expr
