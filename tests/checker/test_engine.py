"""The equality engine as a table: true and false identities for symbolic n and concrete n."""

from __future__ import annotations

import re

import pytest
import sympy

from symderiv import symbols
from symderiv.builders.derivations import softmax_ce
from symderiv.builders.gradients import softmax_jacobian_matrix
from symderiv.builders.softmax import concrete_symbols, softmax_vector
from symderiv.checker import _fast, check, check_equal, equal
from symderiv.model import Assumption, Derivation, Relation, Step
from symderiv.results import Verdict
from tests.support.notation import DEFS, FAST, SUM_Y, L, S, i, j, k, n, p, x, y

J = sympy.Derivative(p[i], x[j])
G = sympy.Derivative(L, x[i])
EQ = Assumption(sympy.Eq(i, j), "i = j", source="case")
NE = Assumption(sympy.Ne(i, j), "i \\neq j", source="case")
d = sympy.KroneckerDelta


@pytest.mark.parametrize(
    ("lhs", "rhs", "assumptions", "conditions", "verdict"),
    [
        pytest.param(
            J,
            (sympy.exp(x[i]) * d(i, j) * S - sympy.exp(x[i]) * sympy.exp(x[j])) / S**2,
            (),
            (),
            "proved",
            id="quotient-rule",
        ),
        pytest.param(J, p[i] * (d(i, j) - p[j]), (), (), "proved", id="delta-form"),
        pytest.param(J, p[j] * (d(i, j) - p[i]), (), (), "proved", id="delta-form-symmetric"),
        pytest.param(J, p[i] * (1 - p[i]), (), (EQ,), "proved", id="case-i-eq-j"),
        pytest.param(J, -p[i] * p[j], (), (NE,), "proved", id="case-i-ne-j"),
        pytest.param(
            G,
            -sympy.Sum(y[j] / p[j] * sympy.Derivative(p[j], x[i]), (j, 1, n)),
            (),
            (),
            "proved",
            id="chain-rule",
        ),
        pytest.param(
            G, p[i] * sympy.Sum(y[k], (k, 1, n)) - y[i], (), (), "proved", id="gradient-any-y"
        ),
        pytest.param(G, p[i] - y[i], (SUM_Y,), (), "proved", id="gradient-sum-one"),
        pytest.param(
            sympy.Sum(p[j], (j, 1, n)), 1, (), (), "proved", id="probabilities-sum-to-one"
        ),
        pytest.param(
            sympy.Derivative(sympy.log(S), x[i]), p[i], (), (), "proved", id="log-sum-exp"
        ),
        pytest.param(sympy.Sum(y[j] * d(i, j), (j, 1, n)), y[i], (), (), "proved", id="delta-sum"),
        pytest.param(
            sympy.Sum(y[j] * (d(i, j) - p[i]), (j, 1, n)),
            y[i] * (1 - p[i]) + sympy.Sum(-y[j] * p[i], (j, 1, n)) + y[i] * p[i],
            (),
            (),
            "proved",
            id="split-at-j-eq-i",
        ),
        pytest.param(J, p[i] * (1 + p[i]), (), (), "false", id="wrong-sign-diagonal"),
        pytest.param(J, p[i] * (d(i, j) - p[i]), (), (), "false", id="p_i-where-p_j-belongs"),
        pytest.param(J, -p[i] * p[j], (), (EQ,), "false", id="off-diagonal-under-stated-i-eq-j"),
        pytest.param(G, p[i] + y[i], (), (), "false", id="gradient-wrong-sign"),
        pytest.param(G, p[i] + y[i], (SUM_Y,), (), "false", id="gradient-wrong-sign-sum-one"),
        pytest.param(
            sympy.Sum(y[j], (j, 1, n)), 2, (), (), "undetermined", id="sum-of-undefined-y-is-2"
        ),
        pytest.param(G, p[i] - y[i], (), (), "conditional", id="gradient-needs-sum-one"),
        pytest.param(J, p[i] * (1 - p[i]), (), (), "false", id="diagonal-needs-i-eq-j"),
        pytest.param(J, -p[i] * p[j], (), (), "false", id="off-diagonal-needs-i-ne-j"),
    ],
)
def test_symbolic_n_table(lhs, rhs, assumptions, conditions, verdict):
    r = check_equal(
        lhs, rhs, definitions=DEFS, assumptions=assumptions, conditions=conditions, cfg=FAST
    )
    assert r.verdict.value == verdict, r.detail
    if verdict == "false":
        assert r.counterexample is not None and r.counterexample.text.startswith("n = ")
        assert r.counterexample.lhs_value != r.counterexample.rhs_value


@pytest.mark.parametrize(
    ("rhs", "condition"),
    [
        pytest.param(p[i] - y[i], "holds given \\sum_j y_j = 1", id="sum-one"),
    ],
)
def test_conditional_reports_the_condition(rhs, condition):
    r = check_equal(G, rhs, definitions=DEFS, cfg=FAST)
    assert r.condition == condition


def test_condition_i_eq_j_is_named():
    r = check_equal(J, p[i] * (1 - p[i]), definitions=DEFS, cfg=FAST)
    assert r.condition == "holds only when i = j"


def test_counterexample_is_reproducible_by_seed():
    a = check_equal(G, p[i] + 2 * y[i], definitions=DEFS, cfg=FAST)
    b = check_equal(G, p[i] + 2 * y[i], definitions=DEFS, cfg=FAST)
    assert a.counterexample == b.counterexample


def test_counterexample_shows_the_logits_and_both_values():
    r = check_equal(J, p[i] * (1 + p[i]), definitions=DEFS, cfg=FAST)
    text = r.counterexample.text
    assert "x = (" in text and "left" in text and "right" in text


@pytest.mark.parametrize("size", range(1, 9))
def test_concrete_jacobian_table(size):
    xs, ps = concrete_symbols("x", size), concrete_symbols("p", size)
    defs = tuple(zip(ps, softmax_vector(xs)))
    lhs = sympy.ImmutableMatrix(size, size, lambda a, b: sympy.Derivative(ps[a], xs[b]))
    good = softmax_jacobian_matrix(size, probs=ps)
    assert check_equal(lhs, good, definitions=defs, cfg=FAST).verdict is Verdict.PROVED
    bad = good + sympy.diag(*[q**2 for q in ps])
    r = check_equal(lhs, bad, definitions=defs, cfg=FAST)
    assert r.verdict is Verdict.FALSE
    assert r.counterexample is not None


@pytest.mark.parametrize("size", [1, 2, 3])
def test_concrete_gradient_table(size):
    xs, ps, ys = (concrete_symbols(c, size) for c in "xpy")
    loss = -sympy.Add(*[t * sympy.log(q) for t, q in zip(ys, ps)])
    defs = tuple(zip(ps, softmax_vector(xs))) + ((L, loss),)
    lhs = sympy.ImmutableMatrix([sympy.Derivative(L, v) for v in xs])
    any_y = sympy.ImmutableMatrix([q * sympy.Add(*ys) - t for q, t in zip(ps, ys)])
    assert check_equal(lhs, any_y, definitions=defs, cfg=FAST).verdict is Verdict.PROVED
    simple = sympy.ImmutableMatrix([q - t for q, t in zip(ps, ys)])
    one = Assumption(sympy.Eq(sympy.Add(*ys), 1), "sum(y) = 1")
    assert check_equal(lhs, simple, definitions=defs, assumptions=(one,), cfg=FAST).verdict.accepts
    assert check_equal(lhs, simple, definitions=defs, cfg=FAST).verdict is Verdict.FALSE


@pytest.mark.parametrize(
    ("rhs", "verdict"),
    [
        pytest.param(lambda ps, ys: ps[0] - ys[0], Verdict.PROVED, id="p-minus-y"),
        pytest.param(lambda ps, ys: ps[0] - 2 * ys[0], Verdict.FALSE, id="twice-y"),
        pytest.param(lambda ps, ys: ps[0] + ys[-1] - ys[0], Verdict.FALSE, id="the-solved-y"),
    ],
)
def test_a_stated_sum_of_targets_is_put_in_for_concrete_entries(rhs, verdict):
    # NOTE: the concrete fast path solves y_1 + ... + y_n = 1 for one y after differentiating.
    size = 4
    xs, ps, ys = (concrete_symbols(c, size) for c in "xpy")
    loss = -sympy.Add(*[t * sympy.log(q) for t, q in zip(ys, ps)])
    defs = tuple(zip(ps, softmax_vector(xs))) + ((L, loss),)
    one = Assumption(sympy.Eq(sympy.Add(*ys), 1), "sum(y) = 1")
    lhs = sympy.ImmutableMatrix([sympy.Derivative(L, xs[0]), sympy.Derivative(L, xs[1])])
    other = ps[1] - ys[1]
    r = check_equal(
        lhs, sympy.ImmutableMatrix([rhs(ps, ys), other]), definitions=defs, assumptions=(one,),
        cfg=FAST,
    )
    assert r.verdict is verdict, r.detail
    if verdict is Verdict.PROVED:
        assert "some under the stated sum(y) = 1" in r.detail


def test_a_target_differentiated_by_is_not_solved_for():
    a, b, c = sympy.symbols("a b c")
    lhs = sympy.ImmutableMatrix([sympy.Derivative(a * c, c)])
    assert _fast.eliminations([sympy.Eq(a + b + c, 1)], lhs, lhs, ()) == ((b, 1 - a - c),)
    assert _fast.eliminations([sympy.Eq(a * b, 1)], lhs, lhs, ()) == ()


def test_the_seed_derivation_is_proved_step_by_step():
    report = check(softmax_ce(), FAST)
    assert report.summary["definition"] == 2
    assert report.summary["proved"] == 9


def test_the_concrete_seed_derivation_has_no_false_step():
    report = check(softmax_ce(3), FAST)
    assert not report.has_false
    assert not report.has_unparsed


@pytest.mark.parametrize(
    ("rhs", "condition"),
    [
        pytest.param(p[i] * (1 - p[i]), "holds only when i = j", id="diagonal"),
        pytest.param(-p[i] * p[j], "holds only when i ≠ j", id="off-diagonal"),
    ],
)
def test_an_unstated_index_case_is_false_with_the_case_as_condition(rhs, condition):
    r = check_equal(J, rhs, definitions=DEFS, cfg=FAST)
    assert (r.verdict, r.condition) == (Verdict.FALSE, condition)
    assert r.counterexample is not None


def test_equal_oracle():
    assert equal(p[i] * p[j], p[j] * p[i]) is True
    assert equal(x[i], x[i] + 1) is False
    # an index case is the author's to state: holding only when i = j is a counterexample
    assert equal(x[i], x[j]) is False


def test_shape_mismatch_is_false():
    r = check_equal(sympy.ImmutableMatrix([1, 2]), sympy.ImmutableMatrix([1, 2, 3]))
    assert r.verdict is Verdict.FALSE


def test_a_row_and_a_column_are_compared_entry_by_entry():
    # notes rarely keep the orientation of a vector: the entries are the claim
    column, row = sympy.ImmutableMatrix([1, 2]), sympy.ImmutableMatrix([[1, 2]])
    assert check_equal(column, row).verdict is Verdict.PROVED
    assert check_equal(column, sympy.ImmutableMatrix([[2, 1]])).verdict is Verdict.FALSE


t_, u_ = sympy.Symbol("t", real=True), sympy.Symbol("u", real=True)
SIG = 1 / (1 + sympy.exp(-t_))


@pytest.mark.parametrize(
    ("lhs", "rhs", "verdict"),
    [
        pytest.param(sympy.Derivative(SIG, t_), SIG * (1 - SIG), "proved", id="sigmoid-derivative"),
        pytest.param(
            sympy.Derivative(SIG, t_),
            SIG.subs(t_, t_**2) * (1 - SIG.subs(t_, t_**2)),
            "false",
            id="t-squared-agrees-at-0",
        ),
        pytest.param(
            sympy.Derivative(-(u_ * sympy.log(SIG) + (1 - u_) * sympy.log(1 - SIG)), t_),
            SIG - u_,
            "proved",
            id="binary-ce",
        ),
        pytest.param(
            sympy.Derivative(-(u_ * sympy.log(SIG) + (1 - u_) * sympy.log(1 - SIG)), t_),
            SIG + u_,
            "false",
            id="binary-ce-sign",
        ),
        pytest.param(
            sympy.tanh(t_),
            (sympy.exp(t_) - sympy.exp(-t_)) / (sympy.exp(t_) + sympy.exp(-t_)),
            "proved",
            id="tanh-by-exponentials",
        ),
        pytest.param(
            sympy.Derivative(sympy.tanh(t_), t_),
            1 - sympy.tanh(t_) ** 2,
            "proved",
            id="tanh-derivative",
        ),
        pytest.param(
            sympy.Derivative(sympy.tanh(t_), t_),
            1 + sympy.tanh(t_) ** 2,
            "false",
            id="tanh-derivative-sign",
        ),
        pytest.param(
            sympy.cosh(t_) ** 2 - sympy.sinh(t_) ** 2, sympy.Integer(1), "proved", id="cosh-sinh"
        ),
        pytest.param(t_ * u_, u_ * u_, "undetermined", id="two-scalars-never-share-a-value"),
        pytest.param(t_ * u_ + u_, u_ * u_ + t_, "false", id="two-scalars-on-both-sides"),
    ],
)
def test_scalar_table(lhs, rhs, verdict):
    r = check_equal(lhs, rhs, cfg=FAST)
    assert r.verdict.value == verdict, r.detail
    if verdict == "false":
        assert not r.counterexample.text.startswith("n = ")


z = symbols.vector("z")


@pytest.mark.parametrize(
    ("rhs", "verdict"),
    [
        pytest.param(1 / (1 + sympy.exp(z[1] - z[2])), "proved", id="one-minus-softmax-is-sigmoid"),
        pytest.param(1 / (1 + sympy.exp(z[2] - z[1])), "false", id="sign-not-flipped"),
    ],
)
def test_entries_of_a_sum_written_to_2_get_their_own_values(rhs, verdict):
    # A sum with a concrete bound in an n-free step: z_1, z_2 must be sampled independently.
    lhs = 1 - sympy.exp(z[1]) / sympy.Sum(sympy.exp(z[k]), (k, 1, 2))
    assert check_equal(lhs, rhs, cfg=FAST).verdict.value == verdict


def test_definitions_of_concrete_entries_substitute_only_their_entry():
    total = sympy.exp(x[1]) + sympy.exp(x[2]) + sympy.exp(x[3])
    defs = tuple((p[m], sympy.exp(x[m]) / total) for m in (1, 2, 3))
    good = check_equal(sympy.Derivative(p[1], x[2]), -p[1] * p[2], definitions=defs, cfg=FAST)
    assert good.verdict is Verdict.PROVED
    # p_1 must not be read through p_3's definition (x_3 → x_1 would make this hold)
    bad = check_equal(
        p[1], sympy.exp(x[1]) / (2 * sympy.exp(x[1]) + sympy.exp(x[2])), definitions=defs, cfg=FAST
    )
    assert bad.verdict is Verdict.FALSE


def test_vector_definition_defines_each_entry():
    vec = sympy.ImmutableMatrix(
        [sympy.exp(x[m]) / (sympy.exp(x[1]) + sympy.exp(x[2])) for m in (1, 2)]
    )
    d = Derivation(
        "t", (Step(p, vec, Relation.DEFINE), Step(sympy.Derivative(p[1], x[1]), p[1] * (1 - p[1])))
    )
    assert check(d, FAST).steps[1].result.verdict is Verdict.PROVED


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        pytest.param(p[i], y[i], id="p-is-not-y"),
        pytest.param(p[i] - y[i], 0, id="p-minus-y-is-not-zero"),
        pytest.param(
            sympy.Sum(p[j], (j, 1, n)), sympy.Sum(y[j], (j, 1, n)), id="sums-of-two-vectors"
        ),
        pytest.param(
            p[i] - y[i] + sympy.Sum(y[j] - p[j], (j, 1, n)),
            sympy.Sum(y[j] - p[j], (j, 1, n)),
            id="a-dropped-term-between-two-vectors",
        ),
    ],
)
def test_two_undefined_vectors_are_never_sampled_alike(lhs, rhs):
    # Regression: every undefined vector once got the same sample values, so p_i = y_i was
    # accepted as numeric.
    # Undefined names written on one side only are unknowns, so the step may be undetermined;
    # it is never accepted, and a "false" always carries its counterexample.
    result = check_equal(lhs, rhs)
    assert result.verdict in (Verdict.FALSE, Verdict.CONDITIONAL, Verdict.UNDETERMINED)
    assert (result.counterexample is not None) is (result.verdict is not Verdict.UNDETERMINED)


def test_an_equality_asked_twice_within_judged_once_is_judged_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from symderiv.checker import _prove, engine

    calls: list[object] = []
    real = _prove.prove

    def counting(*args: object) -> object:
        calls.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_prove, "prove", counting)
    rhs = p[i] * (d(i, j) - p[j])
    with engine.judged_once():
        first = check_equal(J, rhs, definitions=DEFS)
        again = check_equal(J, rhs, definitions=DEFS)
        other = check_equal(J, rhs, definitions=DEFS, conditions=(NE,))
    assert again is first and first.verdict is Verdict.PROVED
    assert len(calls) == 2  # the step with a condition is another question
    outside = check_equal(J, rhs, definitions=DEFS)
    assert outside == first and outside is not first and len(calls) == 3
    assert other.verdict is Verdict.PROVED


@pytest.mark.parametrize(
    ("candidate", "answer"),
    [
        pytest.param(p[i] * (d(i, j) - p[j]), True, id="the-fix"),
        pytest.param(p[j] * (d(i, j) - p[i]), True, id="an-equal-form"),
        pytest.param(p[i] * (d(i, j) + p[j]), False, id="the-slip"),
        pytest.param(-p[i] * p[j], False, id="only-off-the-diagonal"),
        pytest.param(p[i] * (d(i, j) - sympy.Symbol("q")), None, id="a-name-without-value"),
        pytest.param(sympy.Derivative(p[j], x[i]), None, id="a-derivative"),
    ],
)
def test_the_fix_search_oracle_compares_candidates_with_the_left_side_at_points(
    candidate: sympy.Expr, answer: bool | None
) -> None:
    from symderiv.checker._fixsearch import left_side_oracle

    oracle = left_side_oracle(J, p[i] * (d(i, j) + p[j]), definitions=DEFS)
    assert oracle is not None
    assert oracle(J, candidate) is answer
    assert oracle(sympy.Derivative(p[j], x[i]), candidate) is None  # another left side


def test_the_fix_search_oracle_keeps_the_facts_of_the_document() -> None:
    from symderiv.checker._fixsearch import left_side_oracle

    # the gradient is p_i - y_i only where the targets sum to one
    with_fact = left_side_oracle(G, p[i] + y[i], definitions=DEFS, assumptions=(SUM_Y,))
    without = left_side_oracle(G, p[i] + y[i], definitions=DEFS)
    assert with_fact is not None and without is not None
    assert with_fact(G, p[i] - y[i]) is True
    assert without(G, p[i] - y[i]) is False


def test_a_defined_value_is_substituted_once_per_document_and_reused() -> None:
    from symderiv.checker import _definitions

    with _definitions.values_remembered():
        first = _definitions.substitute_definitions(2 * L, DEFS)
        again = _definitions.substitute_definitions(3 * L + p[i], DEFS)
        third = _definitions.substitute_definitions(sympy.Derivative(L, x[i]), DEFS)
    # the same value (the same SymPy object) in both; its bound variables fit any step
    value = max(again.atoms(sympy.Sum), key=sympy.count_ops)  # Σ_j y_j log p_j, p written out
    assert any(t is value for t in sympy.preorder_traversal(third))
    assert not any(
        isinstance(s, sympy.Symbol) and not isinstance(s, sympy.Dummy) and s.name.startswith("_")
        for s in value.atoms(sympy.Symbol)
    )
    outside = _definitions.substitute_definitions(2 * L, DEFS)  # the same, but for bound names
    assert re.sub(r"(_[a-z]+)\d+", r"\1", str(outside)) == str(first)


@pytest.mark.parametrize(
    "rhs",
    [
        pytest.param(p[i] * (d(i, j) - p[j]), id="proved"),
        pytest.param(p[i] * (1 - p[j]), id="holds-only-when-i-equals-j"),
        pytest.param(p[i] * (d(i, j) + p[j]), id="false"),
        pytest.param(-p[i] * p[j], id="holds-only-when-i-differs-from-j"),
    ],
)
def test_a_document_judged_with_its_memos_gets_the_reports_it_gets_without(rhs) -> None:
    from symderiv.checker import engine

    steps = (
        Step(p[i], DEFS[0][1], Relation.DEFINE),
        Step(L, DEFS[1][1], Relation.DEFINE),
        Step(J, rhs),
        Step(sympy.Derivative(L, x[i]), p[i] - y[i]),
        Step(2 * sympy.Derivative(L, x[i]), 2 * (p[i] - y[i])),
    )
    d_ = Derivation("t", steps, assumptions=(SUM_Y,))
    plain = [(r.result.verdict, r.result.condition, r.result.hints) for r in check(d_, FAST).steps]
    with engine.judged_once():
        remembered = [
            (r.result.verdict, r.result.condition, r.result.hints) for r in check(d_, FAST).steps
        ]
    assert remembered == plain
