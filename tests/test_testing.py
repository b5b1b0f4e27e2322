"""``symderiv.testing.assert_derivation`` and the pytest plugin (``pytest --symderiv DIR``)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from symderiv.testing import DerivationFailure, assert_derivation

pytest_plugins = ["pytester"]

FALSE = "# A slip\n\n$$(x+1)^2 = x^2 + 1$$\n"
GOOD = "$$(x+1)^2 = x^2 + 2x + 1$$\n"
CONDITIONAL = "$$p_i \\sum_j y_j - y_i = p_i - y_i$$\n"
SOFTMAX_SLIP = r"""$$p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}$$

$$\frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} + p_j)$$
"""


def test_the_failure_lists_each_false_step_with_position_counterexample_and_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("softmax.md").write_text(SOFTMAX_SLIP, encoding="utf-8")
    with pytest.raises(DerivationFailure) as info:
        assert_derivation("softmax.md")
    message = str(info.value)
    lines = message.splitlines()
    assert lines[0] == "softmax.md: 1 step false"
    assert (
        lines[1]
        == "softmax.md:3:39: false  \\frac{\\partial p_i}{\\partial x_j} = p_i(\\delta_{ij} + p_j)"
    )
    assert lines[2].startswith("    counterexample: n = ")
    assert lines[3].startswith("    hint: ")
    assert "StepReport(" not in message and "Counterexample(" not in message
    assert isinstance(info.value, AssertionError)
    assert info.value.report.has_false


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        pytest.param("text", lambda p: FALSE, id="text"),
        pytest.param("str-path", lambda p: str(p), id="str-path"),
        pytest.param("Path", lambda p: p, id="pathlib"),
    ],
)
def test_a_path_or_the_text(kind: str, make: object, tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text(FALSE, encoding="utf-8")
    arg = make(path)  # type: ignore[operator]
    name = "<text>" if kind == "text" else str(path)
    with pytest.raises(DerivationFailure, match=rf"^{re.escape(name)}: 1 step false\n"):
        assert_derivation(arg)


def test_a_passing_document_returns_its_report(tmp_path: Path) -> None:
    report = assert_derivation(GOOD)
    assert report.summary["proved"] == 1


def test_a_missing_file_is_an_error_not_an_empty_document(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        assert_derivation(str(tmp_path / "typo.md"))


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        pytest.param(CONDITIONAL, {}, None, id="conditional-passes"),
        pytest.param(
            CONDITIONAL,
            {"strict": True},
            "<text>: 1 step conditional\n<text>:1:26: conditional  p_i \\sum_j y_j - y_i = p_i - y_i",
            id="conditional-strict",
        ),
        pytest.param(CONDITIONAL, {"strict": True, "assume": ["sum(y) = 1"]}, None, id="assumed"),
        pytest.param(
            "prose only\n", {"strict": True}, "<text>: no display-math step to check", id="no-step"
        ),
        pytest.param(
            "\\[ (x+1)^2 = x^2 + 1 \\]\n",
            {"fmt": "tex"},
            "<text>: 1 step false\n<text>:1:14: false  (x+1)^2 = x^2 + 1",
            id="tex",
        ),
    ],
)
def test_options(text: str, kwargs: dict[str, object], message: str | None) -> None:
    if message is None:
        assert_derivation(text, **kwargs)  # type: ignore[arg-type]
        return
    with pytest.raises(DerivationFailure) as info:
        assert_derivation(text, **kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


# -- the plugin -------------------------------------------------------------------------------


def test_the_plugin_is_declared_as_a_pytest11_entry_point() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    repo = Path(__file__).resolve().parents[1]
    data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["entry-points"]["pytest11"] == {"symderiv": "symderiv.pytest_plugin"}


@pytest.fixture
def docs(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".md", **{"docs/good": GOOD, "docs/slip": FALSE})
    pytester.makefile(".tex", **{"docs/sub/paper": "\\[ (x+1)^2 = x^2 + 2x + 1 \\]\n"})
    pytester.makefile(".md", **{"docs/cond": CONDITIONAL})
    pytester.makefile(".md", **{"docs/.hidden/h": FALSE})
    pytester.makefile(".txt", **{"docs/notes": FALSE})
    return pytester


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    if "symderiv.pytest_plugin" in sys.modules and not os.environ.get(
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
    ):
        return pytester.runpytest(*args)
    return pytester.runpytest("-p", "symderiv.pytest_plugin", *args)


def test_pytest_symderiv_collects_one_item_per_document(docs: pytest.Pytester) -> None:
    result = _run(docs, "--symderiv", "docs", "-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "docs/cond.md::derivation PASSED*",
            "docs/good.md::derivation PASSED*",
            "docs/slip.md::derivation FAILED*",
            "docs/sub/paper.tex::derivation PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*docs/slip.md: 1 step false",
            "*docs/slip.md:3:13: false  (x+1)^2 = x^2 + 1",
            "*counterexample: x = *",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert result.ret == 1


def test_pytest_symderiv_strict_and_assume(docs: pytest.Pytester) -> None:
    strict = _run(docs, "--symderiv", "--symderiv-strict", "docs")
    strict.assert_outcomes(passed=2, failed=2)
    strict.stdout.fnmatch_lines(["*docs/cond.md: 1 step conditional"])
    assumed = _run(
        docs, "--symderiv", "--symderiv-strict", "--symderiv-assume", "sum(y) = 1", "docs"
    )
    assumed.assert_outcomes(passed=3, failed=1)


def test_without_the_option_documents_are_not_collected(docs: pytest.Pytester) -> None:
    result = _run(docs, "docs")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
