"""Layout of real notes: environments inside ``$$``, ``\\eqalign``, ``\\cr``, spacing commands.

Each row gives a document and the numbering ``(block, index, lhs, rhs)`` the corpus README asks for.
"""

from __future__ import annotations

import pytest

from symderiv.reader import read_latex, read_markdown


def numbering(d):
    return [(s.block, s.index, s.lhs_latex, s.rhs_latex) for s in d.steps]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            "$$\\begin{align} u &= v + 0 \\\\ &= v \\end{align}$$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="align-inside-dollars",
        ),
        pytest.param(
            "$$\\begin{align*} u &= v + 0 \\\\ &= v \\end{align*}$$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="align-star-inside-dollars",
        ),
        pytest.param(
            "$$\\begin{equation}\n u = 2 v - v\n\\end{equation}$$",
            [(1, 0, "u", "2 v - v")],
            id="equation-inside-dollars",
        ),
        pytest.param(
            "$$\\begin{equation} u = 2 v - v \\end{equation}\\label{eq:u}$$",
            [(1, 0, "u", "2 v - v")],
            id="label-after-environment",
        ),
        pytest.param(
            "$$\\begin{gather} u = v + 0 \\\\ w = 3 \\end{gather}$$",
            [(1, 0, "u", "v + 0"), (1, 1, "w", "3")],
            id="gather-rows-are-chains",
        ),
        pytest.param(
            "\\[\\begin{equation}\\begin{split} u &= v + 0 \\\\ &= v \\end{split}\\end{equation}\\]",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="split-in-equation-in-brackets",
        ),
        pytest.param(
            "$$\\eqalign{ u &= v + 0 \\cr &= v }$$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="eqalign-cr",
        ),
        pytest.param(
            "$$ u = v + 0 \\\\ \\\\ = v $$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="empty-row-is-layout",
        ),
        pytest.param(
            "$$\\begin{aligned} u &= v + 0 \\\\[1em] &= v \\end{aligned}$$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="row-spacing",
        ),
        pytest.param(
            "$$ u = v + 0 \\newline \\indent = v $$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="newline-indent",
        ),
        pytest.param(
            "$$\\begin{alignat}{2} u &= v + 0 \\\\ &= v \\end{alignat}$$",
            [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")],
            id="alignat-argument",
        ),
        pytest.param(
            "$$ u = v + 0 = $$\n\n$$ = v $$",
            [(1, 0, "u", "v + 0"), (2, 0, "v + 0", "v")],
            id="trailing-equals",
        ),
        pytest.param(
            "$$ u = v + 0 \\\\ \\text{where} \\ a \\sim p \\quad \\text{and} \\quad w = g(a, v) $$",
            [(1, 0, "u", "v + 0"), (1, 1, "w", "g(a, v)")],
            id="equation-after-opening-prose-is-a-step",
        ),
        pytest.param(
            "$$ \\text{For } a \\text{ fixed, the best } b \\text{ is } b^*(x) = x + a $$",
            [(1, 0, "b^*(x)", "x + a")],
            id="equation-after-a-sentence-is-a-step",
        ),
        pytest.param(
            "$$ u = v + 0 \\\\ \\text{for } k = 1, 2 $$",
            [(1, 0, "u", "v + 0")],
            id="opening-prose-with-a-range-stays-prose",
        ),
        pytest.param(
            "$$ u = v + 0 \\\\ \\text{for } i = j $$",
            [(1, 0, "u", "v + 0")],
            id="opening-prose-with-a-case-stays-prose",
        ),
        pytest.param(
            "$$ u = v + 0, \\qquad w = 2 u \\quad \\text{for } i \\neq j $$",
            [(1, 0, "u", "v + 0"), (1, 1, "w", "2 u")],
            id="equations-side-by-side-are-rows",
        ),
        pytest.param(
            "$$ u_{ij} = v \\quad i = j $$",
            [(1, 0, "u_{ij}", "v")],
            id="a-case-after-quad-is-no-equation",
        ),
    ],
)
def test_layout_numbering(doc: str, expected: list[tuple[int, int, str, str]]) -> None:
    d = read_markdown(doc)
    assert numbering(d) == expected
    assert all(s.problem is None for s in d.steps)


def test_environment_in_latex_display() -> None:
    d = read_latex("\\[ \\begin{align*} u &= v + 0 \\\\ &= v \\end{align*} \\]")
    assert numbering(d) == [(1, 0, "u", "v + 0"), (1, 1, "v + 0", "v")]


@pytest.mark.parametrize(
    "spacing",
    [
        pytest.param("\\space", id="space"),
        pytest.param("\\,", id="thin"),
        pytest.param("\\!", id="negative-thin"),
        pytest.param("\\;", id="thick"),
        pytest.param("\\indent", id="indent"),
    ],
)
def test_spacing_inside_a_side(spacing: str) -> None:
    d = read_markdown(f"$$ u = v {spacing} w $$")
    assert d.steps[0].problem is None
    assert str(d.steps[0].rhs) == "v*w"


def test_a_case_that_opens_a_row_holds_for_the_equation_after_it() -> None:
    d = read_markdown("$$\\text{for } i \\neq j: \\quad u_{ij} = 0$$")
    assert numbering(d) == [(1, 0, "u_{ij}", "0")]
    assert [str(c.expr) for c in d.steps[0].conditions] == ["Ne(i, j)"]
