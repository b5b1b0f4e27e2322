"""Concrete-n matrices fast: rational form with atoms, differentiated by a derivative table.

``exp(u)`` becomes a positive atom ``E`` with ``dE = E du``; a long sum shared by the
definitions (``exp(x_1) + ... + exp(x_n)``) becomes an atom ``S`` with ``dS`` from its terms.
Derivatives are total derivatives over these atoms, and equality is the zero test of the
numerator of a rational function in symengine.  Treating an atom as independent is sound:
a rational identity in independent atoms stays true when they are specialised.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from symderiv.checker._lazy import symengine as se

Definitions = tuple[tuple[sympy.Basic, sympy.Basic], ...]


class _Atoms:
    """Atoms (``E``, ``S``) with their values, and memoised total derivatives."""

    def __init__(self) -> None:
        self.value: dict[se.Basic, se.Basic] = {}  # atom → its expression in vars/earlier atoms
        self.by_expr: dict[sympy.Basic, sympy.Symbol] = {}
        self.memo: dict[tuple[se.Basic, se.Basic], se.Basic] = {}
        self.order: list[se.Basic] = []
        self.kind: dict[se.Basic, str] = {}
        self.deps: dict[se.Basic, frozenset[se.Basic]] = {}
        # NOTE: entries share their parts (exp(x_1), Z^-2): each part is atomized once.
        self.walked: dict[tuple[sympy.Basic, bool], sympy.Basic] = {}

    def atomize(self, e: sympy.Basic, *, new_sums: bool = False) -> sympy.Basic:
        """exp(u) → E atoms, long Adds → S atoms (in SymPy, before conversion).

        New S atoms are made only for definitions (``new_sums``): a sum the definitions share
        is worth naming; a sum that only a side writes (``y_1 + ... + y_n``) must stay written
        out, or its relation to its terms would be lost.
        """

        def walk(t: sympy.Basic) -> sympy.Basic:
            if not t.args:
                return t
            key = (t, new_sums)
            if key not in self.walked:
                self.walked[key] = once(t)
            return self.walked[key]

        def once(t: sympy.Basic) -> sympy.Basic:
            args = [walk(a) for a in t.args]
            new = t.func(*args) if args != list(t.args) else t
            if isinstance(new, sympy.exp):
                # exp(2 x + y) = E_x^2 E_y: one atom per exponent term, integer powers shared
                out = sympy.Integer(1)
                for term in sympy.Add.make_args(sympy.expand(new.args[0])):
                    coeff, rest = term.as_coeff_Mul()
                    if coeff.is_Rational and rest != 1:
                        out *= self._atom(sympy.exp(rest), "E") ** coeff
                    else:
                        out *= self._atom(sympy.exp(term), "E")
                return out
            if (
                isinstance(new, sympy.Add)
                and len(new.args) >= 3
                and (new_sums or new in self.by_expr)
            ):
                return self._atom(new, "S")
            return new

        return walk(e)

    def _atom(self, e: sympy.Basic, kind: str) -> sympy.Symbol:
        if e not in self.by_expr:
            sym = sympy.Symbol(f"_{kind}{len(self.by_expr)}", positive=(kind == "E"))
            self.by_expr[e] = sym
            s = se.sympify(sym)
            # an E atom stores its exponent u (dE = E du); an S atom its terms
            self.value[s] = se.sympify(e.args[0] if kind == "E" else e)
            self.kind[s] = kind
            deps: set[se.Basic] = set()
            for t in self.value[s].free_symbols:
                deps |= self.deps.get(t, {t})
            self.deps[s] = frozenset(deps)
            self.order.append(s)
        return self.by_expr[e]

    def d(self, f: se.Basic, v: se.Basic) -> se.Basic:
        """Total derivative of ``f`` (in variables and atoms) by the variable ``v``."""
        out = se.diff(f, v)
        for a in f.free_symbols:
            if a in self.value and v in self.deps[a]:
                part = se.diff(f, a)
                if part != 0:
                    out += part * self.d_atom(a, v)
        return out

    def d_atom(self, a: se.Basic, v: se.Basic) -> se.Basic:
        key = (a, v)
        if key not in self.memo:
            val = self.value[a]
            if self.kind[a] == "E":
                self.memo[key] = a * self.d(val, v)
            else:
                self.memo[key] = self.d(val, v)
        return self.memo[key]


def applicable(lhs: sympy.MatrixBase, rhs: sympy.MatrixBase, definitions: Definitions) -> bool:
    """Concrete entries only: no sums, no indexed names, definitions of plain symbols."""
    if any(isinstance(t, sympy.Indexed) for t, _ in definitions):
        return False
    for m in (lhs, rhs):
        for e in m:
            if e.has(sympy.Sum, sympy.Indexed, sympy.KroneckerDelta):
                return False
    return True


def eliminations(
    equalities: Sequence[sympy.Basic], lhs: sympy.MatrixBase, rhs: sympy.MatrixBase,
    definitions: Definitions,
) -> Definitions:
    """``(v, value)`` pairs that solve stated linear equalities of plain symbols for one symbol.

    ``y_1 + y_2 + y_3 = 1`` gives ``(y_3, 1 - y_1 - y_2)``. A symbol is eliminated only when
    nothing is differentiated by it and nothing defines it: the equality then holds at every
    point the step speaks of, and a zero found after putting the value in is a zero there.

    >>> a, b, c = sympy.symbols("a b c")
    >>> eliminations([sympy.Eq(a + b + c, 1)], sympy.Matrix([a]), sympy.Matrix([b]), ())
    ((c, -a - b + 1),)
    """
    by: set[sympy.Basic] = {t for t, _ in definitions}
    for m in (lhs, rhs):
        for e in m:
            for der in e.atoms(sympy.Derivative):
                by |= set(der.variables)
    out: list[tuple[sympy.Basic, sympy.Basic]] = []
    used: set[sympy.Basic] = set()
    for eq in equalities:
        if not isinstance(eq, sympy.Equality):
            continue
        expr = eq.lhs - eq.rhs
        names = expr.free_symbols
        if not names or not all(type(s) is sympy.Symbol for s in names) or names & used:
            continue
        poly = sympy.Poly(expr, *sorted(names, key=sympy.default_sort_key))
        if poly.total_degree() != 1 or not all(c.is_Rational for c in poly.coeffs()):
            continue
        free = [s for s in sorted(names, key=sympy.default_sort_key) if s not in by]
        if not free:
            continue
        v = free[-1]
        coeff = expr.coeff(v)
        out.append((v, sympy.expand(v - expr / coeff)))
        used |= names
    return tuple(out)


def zero_entries(
    lhs: sympy.MatrixBase,
    rhs: sympy.MatrixBase,
    definitions: Definitions,
    stated: Sequence[sympy.Basic] = (),
) -> tuple[list[bool], Definitions]:
    """For each entry: True when ``lhs - rhs`` is proved 0 (False: not proved, maybe false).

    An entry not zero as it stands is tried again with the ``stated`` equalities solved for
    one symbol each (:func:`eliminations`) put in. Returns the flags and the solved equalities
    some entry needed (none if no entry did).
    """
    atoms = _Atoms()
    # NOTE: definitions are applied in SymPy with xreplace (a hash lookup per node); symengine's
    # subs converts its dict on every call, which costs O(n) per entry.
    defs: dict[sympy.Basic, sympy.Basic] = {}
    for target, value in definitions:
        defs[target] = atoms.atomize(value.xreplace(defs) if defs else value, new_sums=True)
    memo: dict[sympy.Basic, se.Basic] = {}

    def value_se(e: sympy.Basic) -> se.Basic:
        if e not in memo:
            memo[e] = se.sympify(atoms.atomize(e).xreplace(defs))
        return memo[e]

    defs_se = {se.sympify(t): se.sympify(v) for t, v in defs.items()}

    var_se: dict[sympy.Basic, se.Basic] = {}

    def to_se(e: sympy.Basic) -> se.Basic:
        if (
            isinstance(e, sympy.Derivative)
            and e.expr in defs
            and all(c == 1 for _, c in e.variable_count)
        ):
            # NOTE: the common entry ∂p_a/∂x_b takes the derivative table directly.
            f = value_se(e.expr)
            for v in e.variables:
                if v not in var_se:
                    var_se[v] = se.sympify(v)
                f = atoms.d(f, var_se[v])
            return f
        if not e.has(sympy.Derivative, sympy.exp):
            plain = se.sympify(e)
            local = {s: defs_se[s] for s in plain.free_symbols if s in defs_se}
            return plain.subs(local) if local else plain
        ders = {d: sympy.Dummy("D") for d in e.atoms(sympy.Derivative)}
        plain = se.sympify(atoms.atomize(e.xreplace(ders) if ders else e))
        local = {s: defs_se[s] for s in plain.free_symbols if s in defs_se}
        vals = {}
        if ders:
            for d, holder in ders.items():
                f = value_se(d.expr)
                for v, count in d.variable_count:
                    for _ in range(int(count)):
                        f = atoms.d(f, se.sympify(v))
                vals[se.sympify(holder)] = f
        local.update(vals)
        return plain.subs(local) if local else plain

    converted: dict[sympy.Basic, se.Basic] = {}

    def side(e: sympy.Basic) -> se.Basic:
        # NOTE: entries repeat (J is symmetric: -p_a p_b twice), so conversions are memoised.
        if e not in converted:
            converted[e] = to_se(e)
        return converted[e]

    out, numerators = [], []
    for a, b in zip(lhs.flat(), rhs.flat()):
        num, _ = (side(a) - side(b)).as_numer_denom()
        out.append(se.expand(num) == 0)
        numerators.append(num)
    if all(out) or not stated:
        return out, ()
    # NOTE: put in after differentiating: a derivative by another symbol is a partial one,
    # with every symbol free; the stated equality only says where the sides are compared.
    given = eliminations(stated, lhs, rhs, definitions)
    put = {se.sympify(v): se.sympify(value) for v, value in given}
    needed = False
    for k, num in enumerate(numerators):
        if not out[k] and put:
            out[k] = se.expand(num.subs(put)) == 0
            needed |= out[k]
    return out, given if needed else ()


def first_failures(flags: Sequence[bool], cols: int, limit: int = 3) -> list[tuple[int, int]]:
    """Positions (row, col) of the first entries that were not proved."""
    return [(k // cols, k % cols) for k, ok in enumerate(flags) if not ok][:limit]
