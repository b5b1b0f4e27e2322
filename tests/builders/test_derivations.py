"""The seed derivation is built by SymPy, step by step, in symbolic and concrete n."""

from __future__ import annotations

import itertools

import pytest
import sympy

from symderiv import catalogue, symbols
from symderiv.builders.derivations import softmax_ce
from symderiv.config import Notation
from symderiv.errors import UnknownDerivationError
from symderiv.model import Relation

i, j, p, x, y = symbols.i, symbols.j, symbols.p, symbols.x, symbols.y


def test_symbolic_steps_in_order():
    d = softmax_ce()
    defs = [s for s in d.steps if s.relation is Relation.DEFINE]
    assert [str(s.lhs) for s in defs] == ["p[i]", "L"]
    steps = [s for s in d.steps if s.relation is Relation.EQUAL]
    assert steps[0].justification == "quotient rule"
    assert steps[1].justification.startswith(r"the definition of $p_{i}$ in both terms")
    assert steps[1].rhs == p[i] * (sympy.KroneckerDelta(i, j) - p[j])
    assert sympy.expand(steps[2].rhs - p[i] * (1 - p[i])) == 0
    assert steps[3].rhs == -p[i] * p[j]
    assert steps[-2].rhs == p[i] * sympy.Sum(y[j], (j, 1, symbols.n)) - y[i]
    assert steps[-1].rhs == p[i] - y[i]


@pytest.mark.parametrize(
    ("position", "used"),
    [
        pytest.param(2, ("1 ≤ i, j, k ≤ n",), id="quotient-rule-uses-index-range"),
        pytest.param(4, ("i = j",), id="diagonal-case"),
        pytest.param(5, ("i \\neq j",), id="off-diagonal-case"),
        pytest.param(9, (), id="collect-uses-nothing-on-y"),
        pytest.param(10, ("\\sum_j y_j = 1",), id="last-step-uses-sum-one"),
    ],
)
def test_each_step_names_its_assumptions(position, used):
    assert softmax_ce().steps[position].assumptions_used == used


def test_the_chain_is_a_chain():
    steps = softmax_ce().steps[6:]
    for a, b in itertools.pairwise(steps):
        assert a.rhs == b.lhs


def test_notation_is_honoured():
    nota = Notation(
        logits="z", probs="S", targets="t", loss="J", indices=("a", "b", "c"), classes="C"
    )
    d = softmax_ce(notation=nota)
    names = {str(s) for st in d.steps for e in (st.lhs, st.rhs) for s in e.free_symbols}
    assert {"z", "S", "t", "J", "a", "C"} <= names
    assert not names & {"x", "p", "y", "L", "n"}
    assert (
        d.steps[-1].rhs
        == symbols.vector("S")[symbols.index("a")] - symbols.vector("t")[symbols.index("a")]
    )


@pytest.mark.parametrize("size", [1, 2, 3])
def test_concrete_steps_are_the_symbolic_ones_instantiated(size):
    d = softmax_ce(size)
    eq = [s for s in d.steps if s.relation is Relation.EQUAL]
    assert eq[0].lhs.shape == (size, size)
    assert eq[-1].lhs.shape == (size, 1)
    ps, ys = (sympy.symbols(f"{c}_1:{size + 1}", real=True) for c in "py")
    assert list(eq[-1].rhs) == [q - t for q, t in zip(ps, ys)]
    assert len([s for s in d.steps if s.relation is Relation.DEFINE]) == size + 1


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        pytest.param(0, ValueError, id="zero"),
        pytest.param(-1, ValueError, id="negative"),
        pytest.param(2.0, TypeError, id="float"),
        pytest.param("3", TypeError, id="string"),
    ],
)
def test_bad_n_is_a_clear_error(bad, error):
    with pytest.raises(error, match=r"^n must be a positive integer, got "):
        softmax_ce(bad)


def test_clashing_notation_is_a_clear_error():
    with pytest.raises(ValueError, match=r"^the three index letters must differ"):
        softmax_ce(notation=Notation(indices=("i", "i", "k")))


def test_unknown_name_in_the_catalogue():
    with pytest.raises(
        UnknownDerivationError,
        match=r"^unknown derivation 'softmax'; known: focal-loss, kl-softmax, label-smoothing-ce, log-softmax, "
        r"sigmoid-bce, softmax-ce, softmax-temperature$",
    ):
        catalogue.build("softmax")
