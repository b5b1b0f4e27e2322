"""Whole documents: definitions, cases from context, directives, values in prose, the seed."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy
from sympy import Eq, Float, ImmutableMatrix, Ne, Sum, Tuple, exp, log

from symderiv import symbols
from symderiv.model import Relation
from symderiv.reader import read_latex, read_markdown

i, j, k, n = symbols.i, symbols.j, symbols.k, symbols.n
p, x, y = symbols.p, symbols.x, symbols.y
X = symbols.index("x")
P, Q = symbols.distribution("P"), symbols.distribution("Q")
L = symbols.scalar("L")
SEED = Path(__file__).resolve().parents[2] / "examples" / "seed_softmax_ce_ko.md"


# -- definitions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "relations"),
    [
        pytest.param("$$L = -\\sum_j y_j \\log p_j$$", ["DEFINE"], id="scalar"),
        pytest.param("$$p_i = \\frac{e^{x_i}}{\\sum_k e^{x_k}}$$", ["DEFINE"], id="entry"),
        pytest.param("$$I(x) = -\\log P(x)$$", ["DEFINE"], id="function-of-outcome"),
        pytest.param("$$x_1 = 2$$", ["EQUAL"], id="concrete-entry-is-a-claim"),
        pytest.param("$$L = a = b$$", ["DEFINE", "EQUAL"], id="only-the-first-step"),
        pytest.param("$$L = a$$\n\n$$L = b$$", ["DEFINE", "EQUAL"], id="defined-once"),
        pytest.param(
            "$$\\frac{\\partial L}{\\partial x_i} = p_i - y_i$$", ["EQUAL"], id="derivative-lhs"
        ),
        pytest.param("$$a := b$$\n\n$$a := c$$", ["DEFINE", "DEFINE"], id="colon-equals"),
    ],
)
def test_definitions(doc: str, relations: list[str]) -> None:
    assert [s.relation.name for s in read_markdown(doc).steps] == relations


def test_standard_object_defined_by_the_document_is_kept_and_its_standard_form_given() -> None:
    doc = "$$H(P) = -\\sum_x P(x) \\log_2 P(x)$$\n\n$$H(P) = 1.5$$\n"
    d = read_markdown(doc)
    first, second = d.steps
    H = sympy.Function("H")
    assert first.relation is Relation.DEFINE and first.lhs == H(P)
    assert second.lhs == H(P)
    (std,) = [c for c in d.context if c.kind == "standard"]
    assert std.expr == Eq(H(P), -Sum(P[X] * log(P[X]), (X, 1, n)), evaluate=False)


def test_standard_object_not_defined_is_expanded() -> None:
    (s,) = read_markdown("$$H(P,Q) = H(P) + D_{KL}(P||Q)$$").steps
    assert s.relation is Relation.DEFINE
    assert s.rhs == -Sum(P[X] * log(P[X]), (X, 1, n)) + Sum(
        P[X] * (log(P[X]) - log(Q[X])), (X, 1, n)
    )


def test_logits_name_learned_from_the_definition_reads_partial_j() -> None:
    z = symbols.vector("z")
    S = symbols.vector("S")
    doc = "$$S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n\n$$\\partial_j S_i = S_i(\\delta_{ij} - S_j)$$"
    d = read_markdown(doc)
    assert d.steps[1].lhs == sympy.Derivative(S[i], z[j])


# -- cases ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param("For $i \\neq j$:\n\n$$a = b$$", [Ne(i, j)], id="inline-math-before"),
        pytest.param("Case $i = k$.\n$$a = b$$", [Eq(i, k)], id="inline-math-eq"),
        pytest.param("i ≠ j인 경우)\n\n$$a = b$$", [Ne(i, j)], id="plain-text-unicode"),
        pytest.param("when i = j:\n$$a = b$$", [Eq(i, j)], id="plain-text-eq"),
        pytest.param(
            "i=j인 경우와 i ≠ j인 경우가 있다.\n\n$$a = b$$", [], id="both-cases-is-discussion"
        ),
        pytest.param("For $i \\neq j$:\n\nMore prose.\n\n$$a = b$$", [], id="not-the-last-line"),
        pytest.param("$$a = b \\quad (i \\neq j)$$", [Ne(i, j)], id="quad-parenthesis"),
        pytest.param("$$a = b \\quad \\text{if } i = j$$", [Eq(i, j)], id="text-if"),
        pytest.param("$$a = b, \\quad \\text{for } i \\neq j$$", [Ne(i, j)], id="text-for"),
        pytest.param(
            "<!-- symderiv: case i != j -->\n$$a = b$$\n\n$$c = d$$", [Ne(i, j)], id="directive"
        ),
    ],
)
def test_case_of_the_first_block(doc: str, expected: list[sympy.Basic]) -> None:
    d = read_markdown(doc)
    assert [c.expr for c in d.steps[0].conditions] == expected
    assert all(c.source == "case" for c in d.steps[0].conditions)


def test_case_directive_applies_to_the_next_block_only() -> None:
    d = read_markdown("<!-- symderiv: case i != j -->\n$$a = b$$\n\n$$c = d$$")
    assert d.steps[1].conditions == ()


@pytest.mark.parametrize(
    ("prose", "warning"),
    [
        pytest.param(
            "i ≠ i인 경우)", "the case 'i \\neq i' (before block 1) is impossible; not used"
        ),
        pytest.param("i = i인 경우)", "the case 'i = i' (before block 1) states nothing; not used"),
    ],
)
def test_impossible_or_empty_case_is_reported_not_used(prose: str, warning: str) -> None:
    d = read_markdown(f"{prose}\n\n$$a = b$$")
    assert d.steps[0].conditions == ()
    assert d.warnings == (warning,)


# -- directives ----------------------------------------------------------------------------
def test_markdown_directive_holds_semicolon_separated_facts() -> None:
    d = read_markdown("<!-- symderiv: assume sum(y) = 1; log = log10 -->\n$$a = b$$")
    assert [(a.kind, a.expr, a.source) for a in d.assumptions] == [
        ("relation", Eq(Sum(y[j], (j, 1, n)), 1), "document"),
        ("log_base", sympy.Integer(10), "document"),
    ]


def test_latex_directive() -> None:
    d = read_latex("% symderiv: assume y one-hot\n\\[ a = b \\]")
    assert [(a.kind, a.expr) for a in d.assumptions] == [("one_hot", y)]


def test_unreadable_directive_is_a_warning() -> None:
    d = read_markdown("<!-- symderiv: assume \\foo -->\n")
    assert len(d.warnings) == 1 and d.warnings[0].startswith("line 1: directive not read: ")


# -- values in prose -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prose", "targets", "values"),
    [
        pytest.param("$P(x) = [0.7, 0.2, 0.1]$", [P], [0.7, 0.2, 0.1], id="list"),
        pytest.param("$x = (2, 1, 0)^T$", [x], [2, 1, 0], id="tuple-transposed"),
        pytest.param(
            "$\\mathbf{P}(\\mathbf{x}) = \\begin{bmatrix}0.7\\\\0.2\\\\0.1\\end{bmatrix}$",
            [P],
            [0.7, 0.2, 0.1],
            id="bold-bmatrix",
        ),
        pytest.param(
            "$y = P(x) = \\begin{bmatrix} 1 \\\\ 0 \\\\ 0 \\end{bmatrix}$",
            [y, P],
            [1, 0, 0],
            id="chain",
        ),
        pytest.param("$i \\neq j$", [], [], id="not-a-value"),
        pytest.param("$x = a$", [], [], id="symbolic-is-not-a-value"),
    ],
)
def test_values_in_prose(prose: str, targets: list, values: list) -> None:
    d = read_markdown(f"Example: {prose} here.\n")
    vals = [c for c in d.context if c.kind == "values"]
    assert [c.expr[0] for c in vals] == targets
    for c in vals:
        assert c.expr[1] == ImmutableMatrix(values)
        assert isinstance(c.expr, Tuple) and c.span.line == 1


def test_later_values_are_recorded_with_their_spans() -> None:
    doc = "$y = [1, 0, 0]$\n\n$$a = b$$\n\n$y = [0, 1, 0]$\n\n$$c = d$$\n"
    d = read_markdown(doc)
    lines = [c.span.line for c in d.context if c.kind == "values"]
    assert lines == [1, 5]
    latest = [c for c in d.context if c.kind == "values" and c.span.line < d.steps[1].span.line][-1]
    assert latest.expr[1] == ImmutableMatrix([0, 1, 0])


# -- the seed ------------------------------------------------------------------------------
def test_seed_every_display_step_is_read() -> None:
    d = read_markdown(SEED.read_text(encoding="utf-8"), source=str(SEED))
    assert len(d.steps) == 42
    assert [s for s in d.steps if s.problem] == []
    assert max(s.block for s in d.steps) == 34


def test_seed_key_steps() -> None:
    d = read_markdown(SEED.read_text(encoding="utf-8"))
    by = {(s.block, s.index): s for s in d.steps}
    assert by[(1, 0)].relation is Relation.DEFINE
    assert by[(1, 0)].rhs == exp(x[i]) / Sum(exp(x[j]), (j, 1, n))
    assert by[(2, 0)].lhs_latex == "I(x)" and by[(2, 0)].relation is Relation.DEFINE
    # L = -\sum_{i} y_j \log p_j is read as written: the sum runs over i
    assert by[(19, 0)].rhs == -Sum(y[j] * log(p[j]), (i, 1, n))
    # \sum_{i \neq j} next to a free i runs over j
    assert by[(28, 0)].rhs == -y[i] * (1 - p[i]) - (Sum(-p[i] * y[j], (j, 1, n)) - (-p[i] * y[i]))
    assert by[(34, 0)].rhs == p[i] - y[i]
    # a vector claim about I(x) keeps its entry; \mathbf{x} = [2, 1, 0] names the whole vector
    assert by[(3, 0)].lhs == symbols.distribution("I")[X]
    assert by[(11, 0)].lhs == x and by[(11, 0)].relation is Relation.DEFINE
    assert by[(14, 0)].rhs == Float("0.155")
    assert by[(13, 0)].rhs == -log(Float("0.7"), evaluate=False)
    assert by[(4, 0)].warnings == ("read H(x) as H(P): x ~ P",)


def test_function_defined_by_the_document_is_applied_to_other_arguments() -> None:
    doc = "$$\\sigma(z) = \\frac{1}{1 + e^{-z}}$$\n\n$$\\sigma(0) = \\frac{1}{2}$$\n\n$$a = \\sigma(z)$$"
    d = read_markdown(doc)
    sz = sympy.Function("sigma")(symbols.scalar("z"))
    assert d.steps[0].lhs == sz and d.steps[0].relation is Relation.DEFINE
    assert d.steps[1].lhs == sympy.Rational(1, 2)
    assert d.steps[2].rhs == sz  # the definition's own application is left to the checker


@pytest.mark.parametrize(
    ("doc", "warnings"),
    [
        pytest.param(
            "$$H = -\\sum_x P(x) \\log P(x)$$\n\n$$P_1 = 0.5$$",
            (
                (
                    "P is written both as P(x) and as P_i; read as one distribution P "
                    "(positive entries) everywhere"
                ),
            ),
            id="ambiguous",
        ),
        pytest.param("$$H = -\\sum_x P(x) \\log P(x)$$", (), id="one-reading"),
    ],
)
def test_one_reading_per_distribution_name(doc: str, warnings: tuple[str, ...]) -> None:
    d = read_markdown(doc)
    assert d.warnings == warnings
    entries = [e for s in d.steps for e in (s.lhs, s.rhs) if isinstance(e, sympy.Indexed)]
    assert all(e.base == P for e in entries)


def test_latex_prose_case_before_an_environment() -> None:
    doc = "For $i \\neq j$ we get\n% a comment saying i = j\n\\begin{align*} a &= b \\end{align*}\n"
    (s,) = read_latex(doc).steps
    assert [c.expr for c in s.conditions] == [Ne(i, j)]


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        pytest.param("Here y = p by definition.", [], id="quantities-are-not-a-case"),
        pytest.param("For a = b:", [Eq(symbols.index("a"), symbols.index("b"))], id="doc-indices"),
    ],
)
def test_only_index_letters_state_a_case(prose: str, expected: list) -> None:
    d = read_markdown(f"$$\\delta_{{ab}} = x_a$$\n\n{prose}\n\n$$u = v$$")
    assert [c.expr for c in d.steps[1].conditions] == expected


@pytest.mark.parametrize(
    ("doc", "relations"),
    [
        pytest.param("$$H(P) = 0.5 \\log 2$$", ["EQUAL"], id="standard-object-numeric-claim"),
        pytest.param(
            "$$H(P) = H(x)$$\n\n$$I(x) = -\\log P(x)$$",
            ["EQUAL", "DEFINE"],
            id="trivial-reading-defines-nothing",
        ),
        pytest.param("$$H(P) = -\\sum_x P(x) \\log P(x)$$", ["DEFINE"], id="standard-defined"),
    ],
)
def test_definitions_of_standard_objects(doc: str, relations: list[str]) -> None:
    assert [s.relation.name for s in read_markdown(doc).steps] == relations
