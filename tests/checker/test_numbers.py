"""Numeric claims against the digits shown, log-base alternatives, and mixed log bases."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symderiv.checker.numbers import (
    LogBaseUse,
    claimed_texts,
    evaluate_constant,
    judge_claim,
    judge_numeric_claim,
    log_base_alternatives,
    mixed_log_bases,
    needs_natural_log,
    parse_claim,
    substituting,
    with_log_base,
)
from symderiv.errors import ParseError
from symderiv.symbols import distribution, i, j, p, x

R = sympy.Rational
log = sympy.log

# The seed's numbers: P(x) = [0.7, 0.2, 0.1]; its I(x), H(P,Q) and H(P) are computed with log base 10.
SEED_P = (R(7, 10), R(2, 10), R(1, 10))


@pytest.mark.parametrize(
    ("value", "text", "holds", "how"),
    [
        pytest.param(
            -math.log10(0.7), "0.155", True, "rounds to 3 decimals", id="seed-0.155-rounds"
        ),
        pytest.param(
            -math.log10(0.7), "0.154", True, "truncated to 3 decimals", id="seed-0.154-truncated"
        ),
        pytest.param(-math.log10(0.2), "0.7", True, "rounds to 1 decimal", id="seed-0.7-rounds"),
        pytest.param(-math.log10(0.1), "1", True, "exact", id="seed-1-exact"),
        pytest.param(0.34822, "0.3482", True, "rounds to 4 decimals", id="seed-entropy-base-10"),
        pytest.param(-math.log(0.7), "0.155", False, "differs", id="seed-0.155-natural-log"),
        pytest.param(-math.log(0.2), "0.7", False, "differs", id="seed-0.7-natural-log"),
        pytest.param(0.80182, "0.3482", False, "differs", id="seed-entropy-natural-log"),
        pytest.param(1.0 + 1e-12, "1", True, "exact", id="integer-up-to-float-noise"),
        pytest.param(0.999, "1", False, "differs", id="integer-is-written-exactly"),
        pytest.param(
            0.74, "0.7", True, "rounds to 1 decimal", id="rounding-preferred-to-truncation"
        ),
        pytest.param(0.76, "0.7", True, "truncated to 1 decimal", id="truncation-only"),
        pytest.param(0.86, "0.7", False, "differs", id="neither"),
        pytest.param(0.699, "0.70", True, "rounds to 2 decimals", id="trailing-zero-counts"),
        pytest.param(0.699, "0.700", False, "differs", id="three-decimals-are-stricter"),
        pytest.param(-0.1549, "-0.155", True, "rounds to 3 decimals", id="negative-rounds"),
        pytest.param(
            -0.1549, "-0.154", True, "truncated to 3 decimals", id="negative-truncated-toward-zero"
        ),
        pytest.param(0.1549, "-0.154", False, "differs", id="wrong-sign"),
        pytest.param(-1.9, "-1.8", False, "differs", id="the-next-value-is-no-truncation"),
        pytest.param(1.9, "1.8", False, "differs", id="the-next-value-is-no-truncation-either"),
        pytest.param(0.00149, "1.5e-3", True, "rounds to 4 decimals", id="exponent-notation"),
        pytest.param(0.25, "0.25", True, "exact", id="exact-decimal"),
        pytest.param(float("nan"), "0.5", False, "differs", id="nan-never-matches"),
        pytest.param(0.5 + 0.1j, "0.5", False, "differs", id="complex-never-matches"),
    ],
)
def test_a_claim_matches_the_digits_it_shows(value, text, holds, how):
    match = judge_claim(value, text)
    assert (match.holds, match.how) == (holds, how)


@pytest.mark.parametrize(
    ("text", "number", "decimals"),
    [
        pytest.param("0.155", "0.155", 3, id="decimals"),
        pytest.param(" 1 ", "1", 0, id="integer"),
        pytest.param("\u22120.5", "-0.5", 1, id="unicode-minus"),
        pytest.param("{0.25}", "0.25", 2, id="braced"),
        pytest.param("1.5e-3", "0.0015", 4, id="exponent"),
        pytest.param("12e2", "1200", 0, id="exponent-integer"),
    ],
)
def test_the_digits_of_a_claim_are_read(text, number, decimals):
    assert parse_claim(text) == (Decimal(number), decimals)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1{,}5", id="latex-comma"),
        pytest.param("\\frac{1}{2}", id="fraction"),
        pytest.param("", id="empty"),
    ],
)
def test_text_that_is_not_digits_is_a_parse_error(text):
    with pytest.raises(ParseError, match=r"^not a decimal number: "):
        parse_claim(text)


def test_a_vector_claim_holds_entry_by_entry():
    values = tuple(-math.log10(float(v)) for v in SEED_P)
    match = judge_claim(values, ("0.154", "0.7", "1"))
    assert match.holds
    assert match.how == "0.154 truncated to 3 decimals; 0.7 rounds to 1 decimal; 1 exact"
    assert match.phrase == "0.154 by truncation, 0.7 by rounding, 1 exactly"
    natural = judge_claim(tuple(-math.log(float(v)) for v in SEED_P), ("0.154", "0.7", "1"))
    assert not natural.holds


@pytest.mark.parametrize(
    "values",
    [
        pytest.param((0.1549, 0.699), id="tuple"),
        pytest.param(sympy.Matrix([0.1549, 0.699]), id="sympy-matrix"),
        pytest.param(np.array([0.1549, 0.699]), id="numpy-array"),
    ],
)
def test_a_vector_value_may_be_a_tuple_a_matrix_or_an_array(values):
    assert judge_claim(values, ("0.155", "0.7")).holds
    assert not judge_claim(values, ("0.155", "0.8")).holds


@pytest.mark.parametrize(
    ("value", "text", "error", "message"),
    [
        pytest.param(
            (0.1, 0.2), ("0.1",), ValueError, "2 values against 1 claimed entries", id="lengths"
        ),
        pytest.param(
            (0.1, 0.2),
            "0.1",
            TypeError,
            "a vector value of 2 entries against one number",
            id="vector-vs-scalar",
        ),
        pytest.param(
            0.1,
            ("0.1", "0.2"),
            TypeError,
            "one value against a vector of 2 claims",
            id="scalar-vs-vector",
        ),
    ],
)
def test_mismatched_shapes_are_errors(value, text, error, message):
    with pytest.raises(error, match=rf"^{message}$"):
        judge_claim(value, text)


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=1, max_value=6)
)
def test_a_value_matches_its_own_rounding_and_truncation(value, k):
    rounded = f"{value:.{k}f}"
    assert judge_claim(value, rounded).holds
    truncated = math.trunc(value * 10**k) / 10**k
    assert judge_claim(value, f"{truncated:.{k}f}").holds


@given(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), st.integers(min_value=1, max_value=5)
)
def test_a_value_off_by_more_than_one_unit_never_matches(value, k):
    off = f"{value + 1.5 * 10**-k:.{k}f}"
    assert not judge_claim(value, off).holds


def _seed_vector_evaluate(expr):
    """The engine's evaluator for the seed's I(x) = -log P(x): one value per entry of P."""
    P = distribution("P")
    return tuple(evaluate_constant(expr.subs(P[x[1]], v)) for v in SEED_P)


@pytest.mark.parametrize(
    ("expr", "claimed", "base", "phrase"),
    [
        pytest.param(
            -(1 * log(R(7, 10)) + 0 * log(R(2, 10)) + 0 * log(R(1, 10))),
            "0.155",
            10,
            "0.155 by rounding",
            id="seed-H(P,Q)-0.155",
        ),
        pytest.param(
            -(0 * log(R(7, 10)) + 1 * log(R(2, 10)) + 0 * log(R(1, 10))),
            "0.7",
            10,
            "0.7 by rounding",
            id="seed-H(P,Q)-0.7",
        ),
        pytest.param(
            -sympy.Add(*[v * log(v) for v in SEED_P]),
            "0.3482",
            10,
            "0.3482 by rounding",
            id="seed-H(P)-0.3482",
        ),
        pytest.param(
            -log(sympy.Float("0.7"), evaluate=False),
            "0.155",
            10,
            "0.155 by rounding",
            id="unevaluated-log-of-a-float",
        ),
        pytest.param(-log(R(1, 2)), "1", 2, "1 exactly", id="one-bit"),
    ],
)
def test_a_claim_that_fails_with_the_natural_log_is_tried_in_base_10_and_2(
    expr, claimed, base, phrase
):
    claim = judge_numeric_claim(evaluate_constant, expr, claimed)
    assert not claim.holds
    assert claim.base == base
    assert claim.alternatives[0].match.phrase == phrase


def test_the_seed_information_vector_holds_in_base_10():
    P = distribution("P")
    expr = -log(P[x[1]])
    claim = judge_numeric_claim(_seed_vector_evaluate, expr, ("0.154", "0.7", "1"))
    assert claim.base == 10
    assert claim.text == (
        "the claim holds with log base 10 (0.154 by truncation, 0.7 by rounding, 1 exactly), "
        "not with the natural log (natural log gives (0.356675, 1.60944, 2.30259))"
    )


@pytest.mark.parametrize(
    ("expr", "claimed", "base", "alternatives"),
    [
        pytest.param(-log(R(7, 10)), "0.357", "e", (), id="natural-log-holds"),
        pytest.param(-log(R(7, 10)), "0.9", None, (), id="no-base-holds"),
    ],
)
def test_no_alternative_is_reported_when_none_is_needed_or_none_works(
    expr, claimed, base, alternatives
):
    claim = judge_numeric_claim(evaluate_constant, expr, claimed)
    assert (claim.base, claim.alternatives) == (base, alternatives)
    assert log_base_alternatives(evaluate_constant, -log(R(7, 10)), "0.9") == ()


def test_reading_logs_in_another_base_leaves_explicit_bases_alone():
    a = sympy.Symbol("a", positive=True)
    assert sympy.simplify(with_log_base(log(a) / log(10), 10) - log(a) / log(10)) == 0
    nested = with_log_base(log(log(a)), 2)
    assert nested == log(log(a) / log(2)) / log(2)


@pytest.mark.parametrize(
    ("lhs", "rhs", "needs"),
    [
        pytest.param(
            sympy.Derivative(log(p[j]), x[i]),
            sympy.Derivative(p[j], x[i]) / p[j],
            True,
            id="d-log-p",
        ),
        pytest.param(-log(p[j]), log(1 / p[j]), False, id="no-derivative"),
        pytest.param(
            sympy.Derivative(p[j], x[i]),
            p[j] * (sympy.KroneckerDelta(i, j) - p[i]),
            False,
            id="no-log",
        ),
    ],
)
def test_calculus_that_needs_the_natural_log_is_recognised(lhs, rhs, needs):
    assert needs_natural_log(lhs, rhs) is needs


def test_with_an_oracle_the_step_must_fail_in_base_10():
    t = sympy.Symbol("t", positive=True)
    d_log = sympy.Derivative(log(t), t)

    def oracle(a, b):
        return sympy.simplify(a.doit() - b.doit()) == 0

    assert needs_natural_log(d_log, 1 / t, equal=oracle) is True
    # d/dt (log t - log t) = 0 holds in any base: not tied to the natural log
    assert (
        needs_natural_log(sympy.Derivative(log(t) - log(t), t), sympy.Integer(0), equal=oracle)
        is False
    )


def test_the_seed_mixes_log_bases():
    uses = [
        LogBaseUse("numbers", 10, "block 4"),
        LogBaseUse("numbers", 10, "block 13"),
        LogBaseUse("calculus", "e", "block 22"),
    ]
    assert mixed_log_bases(uses) == (
        "the document mixes log bases: its numbers use log base 10 (block 4, block 13) "
        "while its calculus uses the natural log (block 22)"
    )


@pytest.mark.parametrize(
    "uses",
    [
        pytest.param(
            [LogBaseUse("numbers", "e", "block 4"), LogBaseUse("calculus", "e", "block 9")],
            id="all-natural",
        ),
        pytest.param([LogBaseUse("numbers", 10, "block 4")], id="numbers-only"),
        pytest.param([LogBaseUse("calculus", "e", "block 9")], id="calculus-only"),
        pytest.param([], id="nothing"),
    ],
)
def test_a_consistent_document_does_not_mix_log_bases(uses):
    assert mixed_log_bases(uses) is None


def test_an_unknown_kind_of_use_is_a_value_error():
    with pytest.raises(ValueError, match=r"^unknown kind of log-base use: 'prose'$"):
        mixed_log_bases([LogBaseUse("prose", 10, "block 1")])


@pytest.mark.parametrize(
    ("rhs", "latex", "texts"),
    [
        pytest.param(
            sympy.Matrix([sympy.Float("0.154"), sympy.Float("0.7"), sympy.Integer(1)]),
            "\\begin{bmatrix} 0.154\\\\0.7\\\\1 \\end{bmatrix}",
            ("0.154", "0.7", "1"),
            id="seed-vector",
        ),
        pytest.param(sympy.Float("0.7"), "0.70", "0.70", id="trailing-zero-from-source"),
        pytest.param(sympy.Float("0.155"), None, "0.155", id="no-source"),
        pytest.param(sympy.Float("0.155"), r"1 \cdot 0.155", "0.155", id="source-with-other-numbers"),
        pytest.param(sympy.Integer(0), r"-2 \left[ \mu_B - \mu_B \right]", None, id="names-cancel"),
        pytest.param(sympy.Integer(1), "1", "1", id="integer"),
        pytest.param(p[i], "p_i", None, id="not-a-claim"),
        pytest.param(sympy.Matrix([p[i], 1]), None, None, id="matrix-with-a-symbol"),
    ],
)
def test_the_digits_of_a_claim_come_from_its_source(rhs, latex, texts):
    assert claimed_texts(rhs, latex) == texts


def test_the_seed_numbers_hold_in_base_10_and_the_seed_mixes_log_bases():
    """The seed's blocks as the reader gives them, judged as the engine does."""
    P = distribution("P")
    information = -log(P[x[1]])  # I(x) := -log P(x), P(x) = [0.7, 0.2, 0.1]
    seven = -log(sympy.Float("0.7"), evaluate=False)  # -(1 log 0.7 + 0 log 0.2 + 0 log 0.1)
    two = -log(sympy.Float("0.2"), evaluate=False)
    claims = [
        ("block 3", _seed_vector_evaluate, information, ("0.154", "0.7", "1")),
        ("block 14", evaluate_constant, seven, "0.155"),
        ("block 17", evaluate_constant, two, "0.7"),
    ]
    uses = []
    for where, evaluate, expr, claimed in claims:
        claim = judge_numeric_claim(evaluate, expr, claimed)
        assert not claim.holds and claim.base == 10, where
        uses.append(LogBaseUse("numbers", claim.base, where))
    assert [
        judge_numeric_claim(e, x_, c).alternatives[0].match.phrase for _, e, x_, c in claims
    ] == [
        "0.154 by truncation, 0.7 by rounding, 1 exactly",
        "0.155 by rounding",
        "0.7 by rounding",
    ]
    # block 27: -sum_j y_j dlog p_j/dx_i = -sum_j y_j (1/p_j) dp_j/dx_i, proved with natural log
    lhs = sympy.Derivative(log(p[j]), x[i])
    assert needs_natural_log(lhs, sympy.Derivative(p[j], x[i]) / p[j])
    uses.append(LogBaseUse("calculus", "e", "block 27"))
    assert mixed_log_bases(uses) == (
        "the document mixes log bases: its numbers use log base 10 (block 3, block 14, block 17) "
        "while its calculus uses the natural log (block 27)"
    )


def test_values_are_put_in_after_the_logs_are_re_read():
    P = distribution("P")
    entry = -log(P[1])
    for value, text, how in (
        (0.7, "0.154", "truncated"),
        (0.2, "0.7", "rounds"),
        (0.1, "1", "exact"),
    ):
        claim = judge_numeric_claim(substituting({P[1]: value}), entry, text)
        assert claim.base == 10 and claim.alternatives[0].match.how.startswith(how)
    # put in too early, the log is already a number and no base can be re-read
    early = entry.xreplace({P[1]: sympy.Float("0.7")})
    assert not early.has(sympy.log)
    assert judge_numeric_claim(evaluate_constant, early, "0.155").alternatives == ()
