"""What the whole document says of its undefined names, read in a first pass: the functions
it differentiates, the variables it uses, and the names whose definition is not read.
"""

from __future__ import annotations

import re

import sympy
from sympy.core.function import AppliedUndef

from symderiv.checker import _symbolic
from symderiv.checker._records import Record, bare_names, head, indexed_names
from symderiv.checker.engine import Names
from symderiv.model import Derivation, Fact

__all__ = ["document_unknowns"]


def document_unknowns(d: Derivation) -> Names:
    r"""The document's undefined names: the functions it differentiates, the variables it uses.

    NOTE: a name is a function of what the document differentiates it by, wherever that is
    written; inside another step's derivative (``∂/∂a_0 (-t_0 \log y_0)``) it is then no
    constant, and its derivative stays an unknown.  A name on both sides of some step, or one
    that a derivative or a limit is taken by, is a variable of the document's identities.
    """
    sides = [(s.lhs, s.rhs) for s in d.steps if s.is_parsed and s.lhs is not None]
    own = [
        s
        for s in d.steps
        if s.is_definition and s.lhs is not None and _symbolic.defines_every_entry(s.lhs)
    ]
    # NOTE: G(q) := ... and G(y, p) := ... define G of arguments; the bare G of ∂G/∂z means
    # one of them only where bare_names says which, and is otherwise an unknown function,
    # never a constant whose derivative is 0.
    calls = [
        Record(float(pos), s.lhs, s.rhs)
        for pos, s in enumerate(own)
        if isinstance(s.lhs, AppliedUndef) and s.rhs is not None
    ]
    # NOTE: G[q] := ... (a capital applied to a letter reads as an entry) defines the entries
    # of G, not the scalar G of ∂G/∂z: the two are told apart by their kind.
    defined_kinds = {
        _symbolic.kind_of(head(s.lhs)) for s in own if not isinstance(s.lhs, AppliedUndef)
    } | {str(r.target) for r in bare_names(calls, indexed_names(d))}
    defined = {k.removesuffix("[]") for k in defined_kinds}
    everything = [e for pair in sides for e in pair if e is not None]

    # NOTE: a chain writes each side twice (the right side of a step is the left of the next):
    # each distinct side is walked once (an unhashable one, a mutable matrix, by its identity).
    def _key(e: sympy.Basic) -> object:
        return id(e) if type(e).__hash__ is None else e

    distinct = list({_key(e): e for e in everything}.values())
    functions = {
        _symbolic.name_of(h)
        for h in _symbolic.dependent_heads(distinct)
        if _symbolic.kind_of(h) not in defined_kinds
    }
    # NOTE: z = <a formula not read>: the document defines z, the reader could not say how.
    # Its derivatives are unknown, never 0 (z held constant would be a guess).
    unread = {
        _symbolic.name_of(s.lhs)
        for s in d.steps
        if s.rhs is None
        and isinstance(s.lhs, (sympy.Symbol, sympy.Indexed))
        and _symbolic.kind_of(head(s.lhs)) not in defined_kinds
        and _names_another(s.rhs_latex, _symbolic.name_of(s.lhs))
    } | {
        _symbolic.name_of(a.expr)
        for a in d.context
        if a.kind == Fact.UNREAD
        and _symbolic.kind_of(head(a.expr)) not in defined_kinds
        and _names_another(a.text, _symbolic.name_of(a.expr))
    }
    complete = [(lhs, rhs) for lhs, rhs in sides if lhs is not None and rhs is not None]
    walked = {_key(e): e for pair in complete for e in pair}
    names = {k: _symbolic.names_in(e) for k, e in walked.items()}
    variables: set[str] = set()
    for lhs, rhs in complete:
        variables |= names[_key(lhs)] & names[_key(rhs)]
    for e in walked.values():
        for der in e.atoms(sympy.Derivative):
            variables |= {_symbolic.name_of(v) for v in der.variables}
        for lim in e.atoms(sympy.Limit):
            variables |= {_symbolic.name_of(lim.args[1])}
    # NOTE: the parameters of a stated distribution (X ~ N(mu, sigma^2)) are given variables.
    for a in d.assumptions:
        if a.kind == Fact.DRAWN and isinstance(a.expr, sympy.Tuple):
            for param in a.expr.args[2:]:
                variables |= _symbolic.names_in(param)
    return Names(
        functions=frozenset(functions | unread),
        variables=frozenset(variables - defined),
        unread=frozenset(unread),
    )


_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{[^{}]*\}")
_SUBSCRIPT = re.compile(r"_\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+)")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_LETTER = re.compile(r"[A-Za-z]")


def _names_another(latex: str | None, name: str) -> bool:
    r"""Whether a formula the reader could not read names something besides ``name``'s own
    entries: ``x_1 \ x_2 \ ... \ x_n`` lists the entries of x (no dependence), ``w^T + b``
    names w and b.  Unknown text (``None``) names anything."""
    if latex is None:
        return True
    text = _COMMAND.sub(" ", _SUBSCRIPT.sub(" ", _ENVIRONMENT.sub(" ", latex)))
    return bool(set(_LETTER.findall(text)) - {name[:1]})
