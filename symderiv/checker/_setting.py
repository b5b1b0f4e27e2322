"""What a document says that the methods use: its undefined names, and the assumptions read once.

``read_assumptions`` turns the derivation's assumptions and the step's conditions into
:class:`Setting`: the facts of the symbolic rewriting (known sums, index relations, linear
eliminations), which vectors sum to one or are one-hot, and the logarithm's base.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy

from symderiv import indices
from symderiv.checker import _concrete as C
from symderiv.checker import _symbolic as S
from symderiv.checker._sums import Facts, canonical
from symderiv.model import Assumption

if TYPE_CHECKING:
    from symderiv.checker._prepare import Prepared

__all__ = [
    "NO_NAMES",
    "Names",
    "Setting",
    "concrete_facts",
    "linear_elimination",
    "over_own_count",
    "read_assumptions",
    "used_here",
]


@dataclass(frozen=True)
class Names:
    """What the whole document says of its undefined names (read in a first pass).

    ``functions``: names it differentiates (``∂E/∂o_j``, ``∂y_0/∂a_0``) but never defines,
    functions of unknown form.  ``variables``: names it uses as variables (on both sides of a
    step, or as what a derivative or a limit is taken by): written on one side of a step only,
    such a name is still a variable of the identity, not a quantity the author is naming.
    ``unread``: names whose definition the reader could not read (``z = <not read>``): among
    the functions, and nothing is concluded from their derivatives vanishing or not.
    """

    functions: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()
    unread: frozenset[str] = frozenset()


NO_NAMES = Names()


@dataclass(frozen=True)
class Setting:
    """Everything the methods need, read once from the assumptions and conditions."""

    facts: Facts
    sum_one: frozenset[sympy.Basic]  # bases with sum = 1
    one_hot: frozenset[sympy.Basic]
    log_base: sympy.Expr | None
    used: tuple[str, ...]
    stated_relations: bool


def read_assumptions(
    assumptions: Sequence[Assumption], conditions: Sequence[Assumption], n: sympy.Expr
) -> Setting:
    known: list[tuple[sympy.Basic, sympy.Expr]] = []
    equal: list[tuple[sympy.Symbol, sympy.Symbol]] = []
    unequal: list[tuple[sympy.Symbol, sympy.Symbol]] = []
    subs: list[tuple[sympy.Basic, sympy.Expr]] = []
    sum_one: set[sympy.Basic] = set()
    one_hot: set[sympy.Basic] = set()
    log_base = None
    used: list[str] = []
    stated = False
    for a in tuple(assumptions) + tuple(conditions):
        e = a.expr
        if a.kind == "log_base":
            if isinstance(e, int) and not isinstance(e, bool):
                e = sympy.Integer(e)
            if not isinstance(e, sympy.Expr):
                raise TypeError(f"a log_base assumption needs a SymPy number, got {e!r}")
            log_base = e
            used.append(a.text)
            continue
        if a.kind == "one_hot":
            base = e
            one_hot.add(base)
            sum_one.add(base)
            d = S.fresh("j")
            b = base if isinstance(base, sympy.IndexedBase) else sympy.IndexedBase(base)
            known.append((canonical(sympy.Sum(b[d], (d, 1, n))), sympy.Integer(1)))
            used.append(a.text)
            continue
        if a.kind != "relation":
            continue
        if isinstance(e, sympy.Eq):
            lhs, rhs = e.args
            if _is_index(lhs) and _is_index(rhs):
                equal.append((lhs, rhs))
                stated = True
            elif isinstance(lhs, sympy.Sum) and len(lhs.limits) == 1:
                known.append((canonical(lhs), rhs))
                if isinstance(lhs.function, sympy.Indexed):
                    sum_one.add(lhs.function.base)
            elif isinstance(rhs, sympy.Sum) and len(rhs.limits) == 1:
                known.append((canonical(rhs), lhs))
            else:
                sub = linear_elimination(lhs - rhs)
                if sub is not None:
                    subs.append(sub)
                    bases = {t.base for t in (lhs - rhs).atoms(sympy.Indexed)}
                    sum_one |= bases
                    sum_one |= {
                        _group_of(s)
                        for s in (lhs - rhs).free_symbols
                        if isinstance(s, sympy.Symbol)
                    }
        elif isinstance(e, sympy.Ne):
            lhs, rhs = e.args
            if _is_index(lhs) and _is_index(rhs):
                unequal.append((lhs, rhs))
                stated = True
        used.append(a.text)
    facts = Facts(
        n=n,
        known_sums=tuple(known),
        equal=tuple(equal),
        unequal=tuple(unequal),
        substitutions=tuple(subs),
    )
    return Setting(facts, frozenset(sum_one), frozenset(one_hot), log_base, tuple(used), stated)


def _group_of(s: sympy.Symbol) -> sympy.Basic:
    entry = indices.split_entry(s.name)
    return sympy.Symbol(entry[0]) if entry else s


def _is_index(e: sympy.Basic) -> bool:
    return isinstance(e, sympy.Symbol) and bool(e.is_integer)


def linear_elimination(e: sympy.Expr) -> tuple[sympy.Basic, sympy.Expr] | None:
    """``y_1 + y_2 + y_3 - 1 = 0`` → ``(y_3, 1 - y_1 - y_2)``: eliminate the last atom."""
    atoms = sorted(
        (
            a
            for a in e.atoms(sympy.Symbol, sympy.Indexed)
            if not (isinstance(a, sympy.Symbol) and a.is_integer)
        ),
        key=sympy.default_sort_key,
    )
    atoms = [
        a
        for a in atoms
        if not any(a in t.atoms(sympy.Symbol) for t in e.atoms(sympy.Indexed))
        or isinstance(a, sympy.Indexed)
    ]
    for a in reversed(atoms):
        poly = sympy.expand(e)
        coeff = poly.coeff(a)
        if (
            coeff in (1, -1)
            and a not in (poly - coeff * a).free_symbols
            and not (poly - coeff * a).has(a)
        ):
            return a, sympy.expand(-(poly - coeff * a) / coeff)
    return None


def over_own_count(p: Prepared, setting: Setting) -> Setting:
    """The setting with the step's own class count, when its sums run to one count (K)."""
    if len(p.counts) == 1 and p.counts[0] != setting.facts.n:
        # NOTE: the document's sums run to K: its free indices range over 1..K.
        # The assumptions' sums (a directive's \sum_j y_j = 1 over n) are about the same count.
        count = p.counts[0]
        old_n = setting.facts.n
        known = tuple((k.xreplace({old_n: count}), v) for k, v in setting.facts.known_sums)
        setting = dataclasses.replace(
            setting, facts=dataclasses.replace(setting.facts, n=count, known_sums=known)
        )
    return setting


def concrete_facts(
    facts: Facts, n: int, counts: Sequence[sympy.Symbol]
) -> list[tuple[sympy.Basic, sympy.Expr]]:
    subs = list(facts.substitutions)
    for key, value in facts.known_sums:
        written = C.expand_sums(key.xreplace({c: sympy.Integer(n) for c in counts}))
        if isinstance(written, sympy.Sum):
            continue
        sub = linear_elimination(written - value)
        if sub is not None:
            subs.append(sub)
    return subs


def used_here(
    assumptions: Sequence[Assumption], conditions: Sequence[Assumption], p: Prepared
) -> list[str]:
    """The facts that name something of this step: a fact about y is not used without y."""
    names = {S.name_of(t.base) for e in (p.lhs, p.rhs) for t in e.atoms(sympy.Indexed)}
    names |= {
        s.name
        for e in (p.lhs, p.rhs)
        for s in indices.free_symbols(e)
        if isinstance(s, sympy.Symbol) and not s.is_integer
    }
    has_log = any(e.has(sympy.log) for e in (p.lhs, p.rhs))
    out = []
    for a in tuple(assumptions) + tuple(conditions):
        if a.kind == "log_base":
            if has_log:
                out.append(a.text)
            continue
        if a.kind not in ("relation", "one_hot"):
            continue
        e = a.expr
        if not isinstance(e, sympy.Basic):
            continue
        mentioned = {S.name_of(t.base) for t in e.atoms(sympy.Indexed)}
        mentioned |= {S.name_of(b) for b in e.atoms(sympy.IndexedBase)}
        mentioned |= {
            s.name for s in e.free_symbols if isinstance(s, sympy.Symbol) and not s.is_integer
        }
        if mentioned & names or not mentioned:
            out.append(a.text)
    return out
