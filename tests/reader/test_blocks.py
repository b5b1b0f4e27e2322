"""Display math found in Markdown and LaTeX, chains split into steps, numbered as in CONTRACT.md."""

from __future__ import annotations

import pytest
import sympy

from symderiv import symbols
from symderiv.model import Relation
from symderiv.reader import read_latex, read_markdown
from symderiv.reader.blocks import scan_latex, scan_markdown

i, j, n = symbols.i, symbols.j, symbols.n
p, x, y = symbols.p, symbols.x, symbols.y


def numbering(d):
    return [(s.block, s.index, s.lhs_latex, s.rhs_latex) for s in d.steps]


@pytest.mark.parametrize(
    ("doc", "kinds"),
    [
        pytest.param("a $x$ b\n$$y = 1$$\n", ["$$"], id="dollars-not-inline"),
        pytest.param("\\[ a = b \\]\n", ["\\["], id="brackets"),
        pytest.param("$$\\begin{split} a &= b \\end{split}$$", ["$$"], id="env-inside-dollars"),
        pytest.param("\\begin{align*} a &= b \\end{align*}", ["align*"], id="bare-align"),
        pytest.param("```\n$$a = b$$\n```\n$$c = d$$", ["$$"], id="code-fence-skipped"),
        pytest.param("`$$a=b$$` and $$c = d$$", ["$$"], id="inline-code-skipped"),
        pytest.param("price \\$5 and $$c = d$$", ["$$"], id="escaped-dollar"),
        pytest.param("<!-- $$a = b$$ -->\n$$c = d$$", ["$$"], id="html-comment-skipped"),
    ],
)
def test_markdown_blocks(doc: str, kinds: list[str]) -> None:
    assert [b.kind for b in scan_markdown(doc).blocks] == kinds


@pytest.mark.parametrize(
    "env",
    [
        "equation",
        "equation*",
        "align",
        "align*",
        "gather",
        "gather*",
        "multline",
        "multline*",
        "eqnarray",
        "eqnarray*",
    ],
)
def test_latex_display_environments(env: str) -> None:
    doc = f"Text % a comment $$not math$$\n\\begin{{{env}}} a = b \\end{{{env}}}\n"
    assert [b.kind for b in scan_latex(doc).blocks] == [env]


def test_latex_inline_math_is_prose() -> None:
    s = scan_latex(r"Let $i \neq j$ and \(x_i\). \[ a = b \]")
    assert len(s.inlines) == 2
    assert [b.kind for b in s.blocks] == ["\\["]


def test_chain_splits_at_top_level_equals_only() -> None:
    d = read_markdown(r"$$L = -\sum_{j=1}^{n} y_j \log p_j = -\log p_c$$")
    assert numbering(d) == [
        (1, 0, "L", r"-\sum_{j=1}^{n} y_j \log p_j"),
        (1, 1, r"-\sum_{j=1}^{n} y_j \log p_j", r"-\log p_c"),
    ]


def test_align_rows_continue_the_chain() -> None:
    doc = "\\begin{align}\n  a &= b \\\\\n    &= c \\label{eq:1} \\\\\n    &= d.\n\\end{align}\n"
    d = read_latex(doc)
    assert numbering(d) == [(1, 0, "a", "b"), (1, 1, "b", "c"), (1, 2, "c", "d")]
    assert [(s.span.line, s.span.column) for s in d.steps] == [(2, 8), (3, 8), (4, 8)]


def test_multiline_expression_without_equals_joins_the_previous_side() -> None:
    doc = "$$\\begin{aligned} L &= a \\\\ &\\quad + b \\end{aligned}$$"
    d = read_markdown(doc)
    assert len(d.steps) == 1
    assert d.steps[0].rhs == symbols.scalar("a") + symbols.scalar("b")


def test_two_chains_in_one_block() -> None:
    d = read_latex("\\begin{gather} a = b \\\\ c = d \\end{gather}")
    assert [(s.block, s.index, s.relation) for s in d.steps] == [
        (1, 0, Relation.DEFINE),
        (1, 1, Relation.DEFINE),
    ]


def test_block_beginning_with_equals_continues_after_blank_lines() -> None:
    doc = "$$L = a$$\n\n$$= b$$\n\n$$= c$$\n"
    d = read_markdown(doc)
    assert numbering(d) == [(1, 0, "L", "a"), (2, 0, "a", "b"), (3, 0, "b", "c")]
    assert [s.relation for s in d.steps] == [Relation.DEFINE, Relation.EQUAL, Relation.EQUAL]


def test_block_beginning_with_equals_after_prose_starts_its_own_chain() -> None:
    doc = "$$L = a$$\n\nInformation content\n$$=I(x) = -\\log P(x)$$\n"
    d = read_markdown(doc)
    assert numbering(d) == [(1, 0, "L", "a"), (2, 0, "I(x)", r"-\log P(x)")]
    assert d.steps[1].relation is Relation.DEFINE


def test_positions_are_file_lines_and_columns_of_the_rhs() -> None:
    doc = "# Title\n\nSome prose.\n\n$$\np_i = \\frac{e^{x_i}}{\\sum_k e^{x_k}}\n$$\n"
    (s,) = read_markdown(doc, source="notes.md").steps
    assert (s.span.line, s.span.column, s.span.end_line, s.span.file) == (6, 7, 6, "notes.md")
    assert s.rhs_latex == r"\frac{e^{x_i}}{\sum_k e^{x_k}}"


def test_unparsed_side_reports_the_token_position_in_the_file() -> None:
    doc = "prose\n\n$$a = b + \\foo{c}$$\n"
    (s,) = read_markdown(doc).steps
    assert s.rhs is None and s.lhs is not None
    assert s.problem == "unknown command '\\foo'"
    assert (s.problem_span.line, s.problem_span.column) == (3, 11)


def test_left_side_problem_is_named_as_such() -> None:
    (s,) = read_markdown("$$a + \\foo = b$$").steps
    assert s.problem == "left side: unknown command '\\foo'"
    assert s.lhs is None and s.rhs == symbols.scalar("b")


def test_annotations_are_dropped_and_reasons_kept() -> None:
    doc = (
        "\\begin{align*}\n"
        "f &= \\frac{u}{v} \\\\\n"
        "  &= \\frac{u' v - u v'}{v^2} \\quad \\text{(quotient rule)} \\\\\n"
        "  &= p_i - y_i \\ \\mathsf{OL}.\n"
        "\\end{align*}"
    )
    d = read_latex(doc)
    assert [s.rhs_latex for s in d.steps] == [
        r"\frac{u}{v}",
        r"\frac{u' v - u v'}{v^2}",
        "p_i - y_i",
    ]
    assert d.steps[1].justification == "quotient rule"
    assert d.steps[2].justification is None
    assert "dropped trailing prose '\\mathsf{OL}.'" in d.steps[2].warnings
    assert "read u' as a name of its own" in d.steps[2].warnings
    assert d.steps[2].rhs == p[i] - y[i]


def test_tag_and_label_are_not_math() -> None:
    (s,) = read_latex("\\begin{equation} a = b \\tag{3} \\label{x} \\end{equation}").steps
    assert s.rhs == symbols.scalar("b")


def test_unterminated_display_math_is_an_unparsed_step() -> None:
    d = read_markdown("$$a = b$$\n\n$$c = ")
    assert d.steps[-1].problem == "display math opened with $$ is never closed"
    assert d.steps[-1].block == 2


def test_cases_rows_are_steps_with_their_conditions() -> None:
    doc = (
        "$$\\frac{\\partial p_i}{\\partial x_j} = \\begin{cases} p_i (1 - p_i) & \\text{if } i = j "
        "\\\\ -p_i p_j & \\text{otherwise} \\end{cases}$$"
    )
    d = read_markdown(doc)
    assert [(s.block, s.index) for s in d.steps] == [(1, 0), (1, 1)]
    assert [tuple(c.expr for c in s.conditions) for s in d.steps] == [
        (sympy.Eq(i, j),),
        (sympy.Ne(i, j),),
    ]
    assert [s.rhs for s in d.steps] == [p[i] * (1 - p[i]), -p[i] * p[j]]


def test_tag_with_nested_braces_is_dropped() -> None:
    (s,) = read_latex(r"\begin{align} a &= b \tag*{divide by (\hat{y}); x} \end{align}").steps
    assert s.rhs == symbols.scalar("b") and s.problem is None
