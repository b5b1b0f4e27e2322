"""Round trips: what the writer prints, the reader reads back, and the checker accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv import api, catalogue
from symderiv import symbols as s
from symderiv.cli import main
from symderiv.config import Notation
from symderiv.reader import parse_formula, read_latex, read_markdown
from symderiv.results import DerivationReport, StepReport, StepResult, Verdict
from symderiv.writer.document import render_derivation
from symderiv.writer.latex import to_latex

# Every notation option a document author has: names of logits / probabilities / targets /
# loss, the index letters, the class-count symbol, and \ln for the natural log.
NOTATIONS = [
    pytest.param(Notation(), False, id="x-p-y-n"),
    pytest.param(Notation(logits="z", probs="S", targets="t", classes="C"), True, id="z-S-t-C-ln"),
    pytest.param(
        Notation(
            logits="a", probs=r"\hat y", targets="t", loss="J", indices=("r", "s", "u"), classes="K"
        ),
        False,
        id="a-haty-t-K-rsu",
    ),
    pytest.param(
        Notation(logits="o", probs=r"\hat{y}", targets="y", indices=("a", "b", "c")),
        True,
        id="o-haty-y-abc-ln",
    ),
]


_CHECKED: dict[tuple[str, int | None, Notation], DerivationReport] = {}


def _built(name: str, n: int | None, notation: Notation) -> DerivationReport:
    key = (name, n, notation)
    if key not in _CHECKED:
        _CHECKED[key] = api.build_and_check(name, n, notation=notation)
    return _CHECKED[key]


@pytest.mark.parametrize("n", [pytest.param(None, id="symbolic-n"), pytest.param(3, id="n3")])
@pytest.mark.parametrize(("notation", "ln"), NOTATIONS)
@pytest.mark.parametrize("name", catalogue.names())
def test_markdown_reads_back_with_no_false_and_no_unparsed(
    name: str, notation: Notation, ln: bool, n: int | None
) -> None:
    built = _built(name, n, notation)
    md = render_derivation(built, fmt="markdown", ln=ln)
    back = api.check_text(md, fmt="md", source=f"{name}.md")
    bad = [
        f"{r.step.lhs_latex} = {r.step.rhs_latex}: {r.result.verdict.value} {r.result.detail}"
        for r in back.steps
        if r.result.verdict in (Verdict.FALSE, Verdict.UNPARSED)
    ]
    assert not bad, "\n".join(bad)
    # NOTE: for concrete n the entry definitions p_1..p_n are written as one vector definition,
    # so only the equality steps are counted one for one.
    def equalities(rep: DerivationReport) -> int:
        return sum(not r.step.is_definition for r in rep.steps)

    assert equalities(back) == equalities(built)
    assert any(r.step.is_definition for r in back.steps)


def _plain_report(name: str, n: int | None, notation: Notation) -> DerivationReport:
    """The catalogued derivation with every step called proved: reading needs no checker."""
    d = catalogue.build(name, n, notation=notation)
    rows = tuple(StepReport(st, StepResult(Verdict.PROVED, "test")) for st in d.steps)
    return DerivationReport(d, rows)


@pytest.mark.parametrize(
    ("fmt", "standalone", "n"),
    [
        pytest.param("markdown", False, None, id="markdown-symbolic-n"),
        pytest.param("markdown", False, 3, id="markdown-n3"),
        pytest.param("latex", False, None, id="latex-symbolic-n"),
        pytest.param("latex", False, 3, id="latex-n3"),
        pytest.param("latex", True, None, id="standalone-symbolic-n"),
    ],
)
@pytest.mark.parametrize(("notation", "ln"), NOTATIONS)
def test_reader_reads_every_written_step(
    notation: Notation, ln: bool, fmt: str, standalone: bool, n: int | None
) -> None:
    rep = _plain_report("softmax-ce", n, notation)
    text = render_derivation(rep, fmt=fmt, standalone=standalone, ln=ln)
    read = read_markdown(text) if fmt == "markdown" else read_latex(text)
    problems = [f"{st.lhs_latex} = {st.rhs_latex}: {st.problem}" for st in read.steps if st.problem]
    assert not problems, "\n".join(problems)
    written_defs = sum(1 for r in rep.steps if r.step.is_definition)
    read_defs = sum(1 for st in read.steps if st.is_definition)
    assert read_defs == (written_defs if n is None else 2)  # p_1..p_n are one vector p
    stated = [to_latex(a.expr) for a in read.assumptions if a.kind == "relation"]
    assert stated == [to_latex(a.expr) for a in rep.derivation.assumptions if a.kind == "relation"]


# Random expressions of the kinds the writer emits: entries, deltas, exp/log of entries,
# sums over k, derivatives of entries, products, quotients, small powers.
_IDX = st.sampled_from([s.i, s.j])
_M = s.index("m")
_ENTRY = st.builds(lambda v, ix: v[ix], st.sampled_from([s.p, s.y, s.x]), _IDX)
_LEAF = st.one_of(
    _ENTRY,
    st.integers(1, 4).map(sympy.Integer),
    st.sampled_from([sympy.Rational(1, 2), sympy.Rational(-3, 4)]),
    st.just(sympy.KroneckerDelta(s.i, s.j)),
    _ENTRY.map(sympy.exp),
    st.builds(lambda v, ix: sympy.log(v[ix]), st.sampled_from([s.p]), _IDX),
    st.builds(lambda ix, jx: sympy.Derivative(s.p[ix], s.x[jx]), _IDX, _IDX),
    st.sampled_from([s.p, s.y]).map(lambda v: sympy.Sum(v[s.k], (s.k, 1, s.n))),
    st.just(sympy.Sum(sympy.exp(s.x[s.k]), (s.k, 1, s.n))),
)


def _combine(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.builds(lambda a, b: a + b, children, children),
        st.builds(lambda a, b: a - b, children, children),
        st.builds(lambda a, b: a * b, children, children),
        st.builds(lambda a, b: a / b, children, _LEAF.filter(lambda e: e != 0)),
        st.builds(lambda a: -a, children),
        st.builds(lambda a: a**2, children),
        st.builds(sympy.exp, children),
        st.builds(sympy.log, children),
        st.builds(lambda a: sympy.Sum(a * s.y[_M], (_M, 1, s.n)), children),
    )


def _emitted(e: sympy.Expr) -> bool:
    """Real expressions with integer powers: what derivations in this field contain."""
    if e.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo):
        return False
    return all(pw.exp.is_Integer for pw in e.atoms(sympy.Pow))


EXPRS = st.recursive(_LEAF, _combine, max_leaves=6).filter(_emitted)


# NOTE: derandomized: a rare draw (nested exp, log and sums) makes sympy.expand run for many
# minutes, which stalled a CI run; the same 60 examples every run keep CI bounded.
@settings(max_examples=60, deadline=None, derandomize=True)
@given(expr=EXPRS, ln=st.booleans(), exp_style=st.sampled_from(["exp", "e"]))
def test_printed_expressions_read_back_equal(expr: sympy.Expr, ln: bool, exp_style: str) -> None:
    tex = to_latex(expr, ln=ln, exp_style=exp_style)
    back = parse_formula(tex)
    assert back == expr or sympy.expand(back - expr) == 0, tex


@pytest.mark.parametrize(
    "flags",
    [
        pytest.param([], id="default"),
        pytest.param(["--n", "3", "--probs", r"\hat y", "--indices", "abc"], id="n3-haty-abc"),
    ],
)
def test_cli_derive_markdown_then_check_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    out = tmp_path / "softmax_ce.md"
    assert main(["derive", "softmax-ce", "--format", "markdown", "-o", str(out), *flags]) == 0
    code = main(["check", "--strict", "--json", str(out)])
    summary = json.loads(capsys.readouterr().out)["files"][0]["summary"]
    assert (code, summary["false"], summary["unparsed"]) == (0, 0, 0), summary
