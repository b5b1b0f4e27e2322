"""Grammar-based fuzzing of the reader: formulas and documents built from the notation of real notes.

Inputs are generated from a small grammar of that notation (primes, applications, sample
indices, sums, limits, indicators, environments inside ``$$``, ``\\eqalign``, tags, labels,
prose after a formula), then optionally damaged by one edit.  The properties:

* reading a document never raises, every step is either read or carries a problem with a span;
* ``parse_formula`` raises nothing but :class:`ParseError`;
* each input is read within a time bound.

CI runs a small sample; ``SYMDERIV_FUZZ_EXAMPLES=100000`` runs a long one offline.
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from symderiv.errors import ParseError
from symderiv.reader import parse_formula, read_latex, read_markdown

EXAMPLES = int(os.environ.get("SYMDERIV_FUZZ_EXAMPLES", "25"))
#: CPU seconds one input may take to read: the reader's own work, which a shared machine's
#: load does not stretch (wall time under a load of 15 did, with nothing wrong in the reader).
TIME_BOUND_S = 10.0

LETTERS = st.sampled_from(list("abcfghpqstuwxyzLJE"))
INDEX = st.sampled_from(list("ijkn") + ["1", "2"])
GREEK = st.sampled_from(
    ["\\alpha", "\\sigma", "\\theta", "\\phi", "\\mu_B", "\\epsilon", "\\Sigma"]
)
FUNC = st.sampled_from(
    [
        "\\exp",
        "\\log",
        "\\ln",
        "\\tanh",
        "exp",
        "log",
        "ln",
        "tanh",
        "sinh",
        "cosh",
        "sqrt",
        "\\text{exp}",
        "\\operatorname{softmax}",
        "\\text{diag}",
        "Softmax",
        "\\sigma",
        "f",
        "g",
        "L",
        "KL",
        "h_\\theta",
        "g_\\phi",
        "loss",
        "\\max",
    ]
)
SPACE = st.sampled_from(["", " ", "\\,", "\\!", "\\;", "\\ ", "\\quad ", "\\space "])


def _atoms() -> st.SearchStrategy[str]:
    return st.one_of(
        LETTERS,
        GREEK,
        st.integers(0, 99).map(str),
        st.sampled_from(["0.5", "\\infty", "\\pi", "e"]),
        st.builds(lambda a, i: f"{a}_{i}", LETTERS, INDEX),
        st.builds(lambda a, i, j: f"{a}_{{{i}{j}}}", LETTERS, INDEX, INDEX),
        st.builds(lambda a, i: f"{a}^{{({i})}}", LETTERS, INDEX),
        st.builds(lambda a, i: f"\\hat {a}^{{({i})}}", LETTERS, INDEX),
        st.builds(lambda a: f"\\mathbf {a}", LETTERS),
        st.builds(lambda a: f"\\hat{{{a}}}", LETTERS),
        st.builds(
            lambda f, p, x: f"{f}{p}({x})", FUNC, st.sampled_from(["'", "’", "''", "^{'}"]), LETTERS
        ),
        st.builds(lambda i, j: f"\\delta_{{{i}{j}}}", INDEX, INDEX),
        st.builds(lambda i, j: f"\\delta{{{i}{j}}}", INDEX, INDEX),
        st.builds(
            lambda one, i, r, j: f"{one}{i} {r} {j}]",
            st.sampled_from(["\\mathbb{1}[", "1["]),
            INDEX,
            st.sampled_from(["=", "\\neq", "!="]),
            INDEX,
        ),
        st.builds(lambda i, j: f"1_{{{i}={j}}}", INDEX, INDEX),
        st.sampled_from(["\\cdots", "...", "\\vdots", "\\dots"]),
    )


def _compound(inner_: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # NOTE: one short name for the inner strategy: its repr, repeated in every alternative,
    # otherwise grows with each level (hundreds of MB at the third).
    inner = st.deferred(lambda: inner_)
    return st.one_of(
        st.builds(
            lambda a, op, s, b: f"{a}{s}{op}{s}{b}",
            inner,
            st.sampled_from(["+", "-", "\\cdot", "*", ".", "\\times", "\\odot", "/", ""]),
            SPACE,
            inner,
        ),
        st.builds(lambda a, b: f"\\frac{{{a}}}{{{b}}}", inner, inner),
        st.builds(lambda a, b: f"{{{a} \\over {b}}}", inner, inner),
        st.builds(lambda a, b: f"{a}^{{{b}}}", inner, inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a: f"\\left[{a}\\right]", inner),
        st.builds(lambda a: f"[{a}]", inner),
        st.builds(lambda a: f"\\bigg({a}\\bigg)", inner),
        st.builds(lambda f, a: f"{f}({a})", FUNC, inner),
        st.builds(lambda f, a, b: f"{f}({a}, {b})", FUNC, inner, inner),
        st.builds(lambda f, a, b: f"{f}({a} | {b})", FUNC, inner, inner),
        st.builds(
            lambda f, k, a: f"{f}^{k}({a})", FUNC, st.sampled_from(["2", "{2}", "{-1}"]), inner
        ),
        st.builds(
            lambda s, i, lo, hi, a: f"{s}_{{{i}{lo}}}{hi} {a}",
            st.sampled_from(["\\sum", "\\sum\\limits", "\\Sigma", "\\prod"]),
            INDEX,
            st.sampled_from(["", "=1", "=0", " \\neq j", "!=i", " \\in X", " \\neq 1"]),
            st.sampled_from(["", "^n", "^{ }", "^{m}", "^K"]),
            inner,
        ),
        st.builds(lambda hi, a: f"\\Sigma^{hi}_{{i=1}} {a}", st.sampled_from(["m", "n"]), inner),
        st.builds(lambda a: f"\\sum {a}", inner),
        st.builds(
            lambda v, pt, a: f"\\lim_{{{v} \\to {pt}}} {a}",
            LETTERS,
            st.sampled_from(["0", "\\infty", "a"]),
            inner,
        ),
        st.builds(lambda a, v: f"\\frac{{\\partial {a}}}{{\\partial {v}}}", inner, LETTERS),
        st.builds(lambda a, v: f"\\frac{{d}}{{d{v}}} {a}", inner, LETTERS),
        st.builds(
            lambda a, v: f"\\frac{{\\mathrm{{d}}}}{{\\mathrm{{d}} {v}}}({a})", inner, LETTERS
        ),
        st.builds(lambda a: f"\\boxed{{{a}}}", inner),
        st.builds(lambda c, a: f"\\color{{{c}}}{{{a}}}", st.sampled_from(["red", "blue"]), inner),
        st.builds(lambda a: f"\\text{{diag}}\\left({a}\\right)", inner),
        st.builds(lambda a, b: f"\\begin{{bmatrix}} {a} \\\\ {b} \\end{{bmatrix}}", inner, inner),
        # expectations over densities, arguments and terms left out, arrows between equations
        st.builds(
            lambda e, v, d, a: f"{e}_{{{v} \\sim {d}}}[{a}]",
            st.sampled_from(["E", "\\mathbb{E}"]),
            LETTERS,
            st.sampled_from(["p(x)", "q_\\phi(z|x)", "p_g", "P", "p_{data}(x)"]),
            inner,
        ),
        st.builds(lambda f, a: f"{f}(a_1, \\ldots, {a})", FUNC, inner),
        st.builds(
            lambda a, d, b: f"{a}_1 + {a}_2 {d} {b}",
            LETTERS,
            st.sampled_from(["+ \\cdots +", "- ... -", "+ \\ldots"]),
            inner,
        ),
        st.builds(
            lambda a, r, b: f"{a} {r} {b}",
            inner,
            st.sampled_from(["\\Rightarrow", "\\iff", "\\leftrightharpoons"]),
            inner,
        ),
        st.builds(lambda a, b: f"H({a}, {b})", inner, inner),
        st.builds(lambda a, v: f"\\frac{{\\partial {a}}}{{\\partial \\sigma^2_{v}}}", inner, LETTERS),
    )


FORMULA = st.recursive(_atoms(), _compound, max_leaves=12)
TAIL = st.sampled_from(
    [
        "",
        ",",
        ".",
        " \\quad \\text{for } i \\neq j",
        " \\text{ where } a = 1",
        " \\tag{3}",
        " \\label{eq:x}",
        " =",
        " \\qquad (i = j)",
        "\\mbox{(chain rule)}",
    ]
)


@st.composite
def chains(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["", "\\mbox{Loss: }", "\\text{Rate : }\\space "]))
    sides = draw(st.lists(FORMULA, min_size=1, max_size=4))
    rows = [head + " = ".join(sides) + draw(TAIL)]
    for _ in range(draw(st.integers(0, 3))):
        more = draw(st.lists(FORMULA, min_size=1, max_size=2))
        rows.append(
            draw(st.sampled_from(["&= ", "= ", "\\indent = ", ""])) + " = ".join(more) + draw(TAIL)
        )
    sep = draw(st.sampled_from(["\\\\", "\\\\[1em]", "\\\\ \\\\", "\\cr", "\\newline", "\\\\\\\\"]))
    return f" {sep}\n".join(rows)


@st.composite
def blocks(draw: st.DrawFn) -> str:
    body = draw(chains())
    wrap = draw(
        st.sampled_from(
            [
                "$${}$$",
                "$$\\begin{{align}}{}\\end{{align}}$$",
                "$$\\begin{{align*}}{}\\end{{align*}}$$",
                "$$\\begin{{equation}}{}\\end{{equation}}\\label{{e}}$$",
                "$$\\begin{{gather}}{}\\end{{gather}}$$",
                "$$\\eqalign{{{}}}$$",
                "\\[{}\\]",
                "\\begin{{align*}}{}\\end{{align*}}",
                "$$\\begin{{aligned}}{}\\end{{aligned}}$$",
                "$$\\begin{{alignat}}{{2}}{}\\end{{alignat}}$$",
            ]
        )
    )
    return wrap.format(body)


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(
            draw(
                st.sampled_from(
                    ["", "For $i \\neq j$:", "Let $f(x) = x^2$.", "Then", "with $u = a + b$"]
                )
            )
        )
        parts.append(draw(blocks()))
    return _damage(draw, "\n\n".join(parts))


def _damage(draw: st.DrawFn, text: str) -> str:
    """The text, or the text with one character deleted, doubled or replaced."""
    edit = draw(st.sampled_from(["none", "delete", "double", "replace"]))
    if not text or edit == "none":
        return text
    i = draw(st.integers(0, len(text) - 1))
    if edit == "delete":
        return text[:i] + text[i + 1 :]
    if edit == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + draw(st.sampled_from(list("{}()[]$\\&=_^'|,."))) + text[i + 1 :]


@st.composite
def damaged_formulas(draw: st.DrawFn) -> str:
    return _damage(draw, draw(FORMULA))


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


@FUZZ
@given(documents())
def test_documents_read_without_a_traceback(doc: str) -> None:
    for reader in (read_markdown, read_latex):
        start = time.process_time()
        d = reader(doc)
        assert time.process_time() - start < TIME_BOUND_S
        for s in d.steps:
            assert s.is_parsed or (s.problem and s.problem_span is not None), s


@FUZZ
@example("\\frac{a}{\\begin{bmatrix} a \\\\ a \\end{bmatrix}}")  # a number over a matrix
@example("\\sum_{i \\neq 1} a^{\\sum_{i} a}")  # an inner sum over the excluded index
@example(
    "\\exp(\\frac{\\begin{bmatrix} a \\\\ a \\end{bmatrix}}{\\frac{0}{a}}, 1)"
)  # matrix algebra
@example("\\begin{bmatrix} a \\\\ \\exp(a, a) \\end{bmatrix}")  # a matrix inside a matrix
@given(damaged_formulas())
def test_formulas_read_or_raise_a_parse_error(latex: str) -> None:
    start = time.process_time()
    try:
        parse_formula(latex)
    except ParseError:
        pass
    assert time.process_time() - start < TIME_BOUND_S
