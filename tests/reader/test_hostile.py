"""Hostile input never crashes, never runs code, and ends in bounded time.

Each case runs under a generous wall-clock guard (``time_limit``): a hang fails the test
instead of blocking the suite.  Timings themselves live in ``bench/``.
"""

from __future__ import annotations

import random
import sys

import pytest

from symderiv._timeout import time_limit
from symderiv.errors import ParseError
from symderiv.reader import parse_formula, read_latex, read_markdown
from symderiv.reader.blocks import MAX_BLOCKS

GUARD_S = 60.0


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        pytest.param(r"\frac{a}{b", "unbalanced braces: '{' is never closed", id="unbalanced-open"),
        pytest.param(r"a}", "unbalanced braces: '}' closes nothing", id="unbalanced-close"),
        pytest.param(
            r"\begin{bmatrix} 1",
            r"unbalanced braces: \begin{bmatrix} is never closed",
            id="unclosed-environment",
        ),
        pytest.param(
            r"\undefinedmacro{x}", r"unknown command '\undefinedmacro'", id="unknown-macro"
        ),
        pytest.param(
            r"x^{10^{10^{10}}}",
            "number too large: the power has more than 1000 digits",
            id="power-tower",
        ),
        pytest.param("9" * 500, "number too long: more than 100 digits", id="long-number"),
        pytest.param("(" * 500 + "x" + ")" * 500, "nested deeper than 200 levels", id="500-parens"),
        pytest.param("{" * 500 + "x" + "}" * 500, "nested deeper than 200 levels", id="500-braces"),
        pytest.param(r"\frac{" * 500 + "x", "nested deeper than 200 levels", id="500-fracs"),
        pytest.param("__import__('os')", "unexpected '_'", id="import-as-name"),
        pytest.param(r"\operatorname{eval}(1)", None, id="eval-as-name"),
        pytest.param("\x00\x01\ufffd\ufffe", "unexpected character '\\x00'", id="binary"),
        pytest.param("\\", "a lone backslash ends the formula", id="lone-backslash"),
        pytest.param("x" * 30_000, "formula longer than 20000 characters", id="too-long"),
        pytest.param(
            r"a_1 z_k z_j z_m z_l z_r z_s z_u z_v + a_2 z_k z_j z_m z_l z_r z_s z_u z_v + \dots"
            r" + a_n z_k z_j z_m z_l z_r z_s z_u z_v",
            "terms left out with '...' leave no letter for the summation index",
            id="elision-with-every-bound-letter-in-use",
        ),
        pytest.param(
            r"\sum_{i \neq j} \exp(a, a)",
            r"a sum over i \neq j of a matrix is not read",
            id="sum-over-distinct-indices-of-a-row",
        ),
    ],
)
def test_hostile_formula_ends_in_a_parse_error(latex: str, message: str | None) -> None:
    with time_limit(GUARD_S):
        if message is None:
            # read as an undefined function named eval: data, never called
            e = parse_formula(latex)
            assert str(e.func) == "eval"
            return
        with pytest.raises(ParseError) as info:
            parse_formula(latex)
    assert info.value.message == message


def test_power_tower_is_refused_before_it_is_computed() -> None:
    with time_limit(GUARD_S), pytest.raises(ParseError):
        parse_formula(r"2^{2^{2^{2^{2^{2}}}}}")


def test_nothing_is_imported_or_run() -> None:
    before = set(sys.modules)
    d = read_markdown("$$__import__('os').system('echo pwned') = 1$$\n$$\\variable{x} = 1$$")
    assert all(s.problem for s in d.steps)
    assert not ({"subprocess"} & (set(sys.modules) - before))


def test_latex2sympy_fallback_never_sees_a_variable_command() -> None:
    (s,) = read_markdown(r"$$a = \variable{os} + \arctan y$$").steps
    assert s.problem == r"unknown command '\variable'"


def test_binary_garbage_document() -> None:
    rng = random.Random(0)
    garbage = bytes(rng.randrange(256) for _ in range(100_000)).decode("utf-8", errors="replace")
    with time_limit(GUARD_S):
        d = read_markdown(garbage + "$$a = \\frac{b$$" + garbage)
        read_latex(garbage)
    assert all(s.problem is not None for s in d.steps)


def test_five_megabyte_document_is_read_in_bounded_time() -> None:
    rng = random.Random(1)
    garbage = bytes(rng.randrange(256) for _ in range(1_000_000)).decode("utf-8", errors="replace")
    prose = "Some prose with $x_i$ and $i \\neq j$ and P(x).\n\n$$L = a_i + b$$\n\n" * 20
    filler = "word " * 200 + "\n"
    doc = garbage + prose + filler * ((4 * 1024 * 1024) // len(filler)) + prose
    assert len(doc.encode("utf-8")) > 5 * 1024 * 1024
    with time_limit(GUARD_S):
        d = read_markdown(doc)
    assert sum(1 for s in d.steps if s.problem is None) >= 40


def test_too_many_blocks_stop_with_an_unparsed_step() -> None:
    doc = "$$a$$\n" * (MAX_BLOCKS + 3)
    with time_limit(GUARD_S):
        d = read_markdown(doc)
    assert d.steps[-1].problem == f"more than {MAX_BLOCKS} display blocks: reading stopped here"


def test_huge_block_is_one_unparsed_step() -> None:
    doc = "$$a = " + "\\frac{1}{2} = " * 20_000 + "1$$"
    with time_limit(GUARD_S):
        (s,) = read_markdown(doc).steps
    assert s.problem == "display block longer than 100000 characters"


def test_deep_but_allowed_nesting_reads() -> None:
    e = parse_formula("(" * 190 + "x" + ")" * 190)
    assert str(e) == "x"


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"^text must be str, got bytes$"):
        read_markdown(b"$$a = b$$")  # type: ignore[arg-type]
