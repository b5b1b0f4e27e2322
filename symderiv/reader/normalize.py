"""Informal-notation rules: standard ML objects expanded to canonical SymPy, as a tuple of values.

Each rule names one undefined function the parser leaves for it (``H``, ``D_KL``, ``softmax``,
``sigma``, ``sigmoid``) and rewrites its applications, unless the document defines that name
itself.  An alias (``sigmoid`` for ``sigma``) rewrites to the name it stands for, so a document's
own definition of that name still applies.  The softmax of a written-out vector is a rule too; the
parser applies it as it reads (:func:`standard_form`), since a vector's value has its shape there.
Users extend the reading by passing a longer tuple to :func:`normalize`.
"""

from __future__ import annotations

import functools
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
    rewrite: Callable[..., sympy.Basic]
    #: The types the leading arguments must have: ``(IndexedBase,)`` for a vector name (H(P)
    #: yes, H(p_1) no), ``(MatrixBase,)`` for a vector written out entry by entry.
    kinds: tuple[type, ...] = ()
    #: An alias's rule: the name it stands for (``sigmoid`` for ``sigma``).  A document's
    #: definition of the alias defines that name (:func:`defined_name`), so the alias is never
    #: skipped: it always rewrites to the name, whose own rule the document's definition decides.
    stands_for: str | None = None

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


def _softmax_of_entries(v: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    """``softmax((a, b))``: each entry's exponential over their sum (a number stays exact unless
    written with a decimal point)."""
    exps = [sympy.exp(e, evaluate=not e.has(sympy.Float)) for e in v]
    total = sympy.Add(*exps)
    return sympy.ImmutableMatrix(v.shape[0], v.shape[1], [e / total for e in exps])


def _sigmoid(a: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-a))


def _applied(name: str, *args: sympy.Expr) -> sympy.Expr:
    return sympy.Function(name)(*args)


def alias(name: str, stands_for: str, arity: int = 1) -> Rule:
    """The rule of ``name``, another name for ``stands_for``: ``alias("sigmoid", "sigma")``."""
    rewrite = functools.partial(_applied, stands_for)
    return Rule(name, arity, f"{name} = {stands_for}", rewrite, stands_for=stands_for)


def _entropy(p: sympy.IndexedBase) -> sympy.Expr:
    x = _outcome()
    return -sympy.Sum(p[x] * sympy.log(p[x]), (x, 1, symbols.n))


def _cross_entropy(p: sympy.IndexedBase, q: sympy.IndexedBase) -> sympy.Expr:
    x = _outcome()
    return -sympy.Sum(p[x] * sympy.log(q[x]), (x, 1, symbols.n))


def _kl(p: sympy.IndexedBase, q: sympy.IndexedBase) -> sympy.Expr:
    x = _outcome()
    return sympy.Sum(p[x] * (sympy.log(p[x]) - sympy.log(q[x])), (x, 1, symbols.n))


_VECTOR = (sympy.IndexedBase,)
softmax_rule = Rule("softmax", 2, "softmax(x)_i = exp(x_i) / sum_k exp(x_k)", _softmax, _VECTOR)
softmax_of_entries_rule = Rule(
    "softmax",
    1,
    "softmax((a_1, ..., a_m)) = (exp(a_r) / (exp(a_1) + ... + exp(a_m)))_r",
    _softmax_of_entries,
    (sympy.MatrixBase,),
)
sigmoid_alias_rule = alias("sigmoid", "sigma")
sigmoid_rule = Rule("sigma", 1, "sigma(a) = 1 / (1 + exp(-a))", _sigmoid)
entropy_rule = Rule("H", 1, "H(P) = -sum_x P(x) log P(x)", _entropy, _VECTOR)
cross_entropy_rule = Rule("H", 2, "H(P, Q) = -sum_x P(x) log Q(x)", _cross_entropy, _VECTOR * 2)
kl_rule = Rule("D_KL", 2, "D_KL(P || Q) = sum_x P(x) (log P(x) - log Q(x))", _kl, _VECTOR * 2)

#: NOTE: an alias comes before the rule of the name it stands for (normalize applies the rules
#: in order).
DEFAULT_RULES: tuple[Rule, ...] = (
    softmax_rule,
    softmax_of_entries_rule,
    sigmoid_alias_rule,
    sigmoid_rule,
    entropy_rule,
    cross_entropy_rule,
    kl_rule,
)


def defined_name(name: str, arity: int, rules: tuple[Rule, ...] = DEFAULT_RULES) -> str:
    """The name a document's definition of ``name`` (with ``arity`` arguments) defines: the
    name an alias stands for, else ``name`` itself.

    >>> defined_name("sigmoid", 1), defined_name("sigma", 1), defined_name("f", 1)
    ('sigma', 'sigma', 'f')
    """
    for rule in rules:
        if rule.stands_for is not None and (rule.name, rule.arity) == (name, arity):
            return rule.stands_for
    return name


def defined_form(expr: sympy.Basic, rules: tuple[Rule, ...] = DEFAULT_RULES) -> sympy.Basic:
    """``expr`` under the name its definition defines: ``sigma(a)`` for ``sigmoid(a)``.

    >>> defined_form(sympy.Function("sigmoid")(symbols.scalar("a")))
    sigma(a)
    """
    if not isinstance(expr, sympy.core.function.AppliedUndef):
        return expr
    name = defined_name(expr.func.__name__, len(expr.args), rules)
    return expr if name == expr.func.__name__ else sympy.Function(name)(*expr.args)


def standard_names(rules: tuple[Rule, ...] = DEFAULT_RULES) -> tuple[str, ...]:
    """The names the rules give a standard meaning, in order, each once.

    >>> standard_names()
    ('softmax', 'sigmoid', 'sigma', 'H', 'D_KL')
    """
    return tuple(dict.fromkeys(r.name for r in rules))


def standard_form(expr: sympy.Basic, rules: tuple[Rule, ...] = DEFAULT_RULES) -> sympy.Basic | None:
    """The standard meaning of ``expr`` when it is one application a rule knows, else None
    (an alias's is that of the name it stands for).

    >>> a = symbols.scalar("a")
    >>> standard_form(sympy.Function("sigmoid")(a))
    1/(1 + exp(-a))
    >>> standard_form(sympy.Function("softmax")(sympy.ImmutableMatrix([0, a]))).T
    Matrix([[1/(exp(a) + 1), exp(a)/(exp(a) + 1)]])
    """
    for rule in rules:
        if _matches(expr, rule):
            out = rule.rewrite(*expr.args)
            further = standard_form(out, rules) if out != expr else None
            return out if further is None else further
    return None


def _matches(e: sympy.Basic, rule: Rule) -> bool:
    return (
        isinstance(e, sympy.core.function.AppliedUndef)
        and e.func.__name__ == rule.name
        and len(e.args) == rule.arity
        and all(isinstance(a, k) for a, k in zip(e.args, rule.kinds, strict=False))
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
