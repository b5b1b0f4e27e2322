"""The Python side of the inputs: ``check_inputs``, ``check_file`` on notebooks and LaTeX with
``\\input``, size limits, and ``render``'s errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symderiv import api
from symderiv.config import ReadConfig

FALSE = "$$(x+1)^2 = x^2 + 1$$\n"


def test_check_inputs_gives_an_entry_per_input_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(FALSE, encoding="utf-8")
    big = tmp_path / "big.md"
    big.write_text(FALSE + "x" * 200, encoding="utf-8")
    results = api.check_inputs(
        [str(tmp_path / "a.md"), str(tmp_path / "nope.md"), str(big)],
        read_cfg=ReadConfig(max_bytes=100),
    )
    assert [(r.file, r.error) for r in results] == [
        (str(tmp_path / "a.md"), None),
        (
            str(tmp_path / "nope.md"),
            f"cannot read {tmp_path / 'nope.md'}: No such file or directory",
        ),
        (str(big), f"cannot read {big}: 222 bytes is more than the limit of 100"),
    ]
    assert results[0].report is not None and results[0].report.has_false


def test_included_files_count_towards_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "main.tex").write_text(
        "\\input{big}\n\\[ (x+1)^2 = x^2 + 1 \\]\n", encoding="utf-8"
    )
    (tmp_path / "big.tex").write_text("%" * 500 + "\n", encoding="utf-8")
    (result,) = api.check_inputs([str(tmp_path / "main.tex")], read_cfg=ReadConfig(max_bytes=200))
    assert result.report is not None
    assert result.report.warnings[0] == (
        f"{tmp_path / 'main.tex'}:1: \\input{{big}} is left out: "
        f"{tmp_path / 'big.tex'}: the inputs pass the size limit"
    )
    assert [s.result.verdict.value for s in result.report.steps] == ["false"]


def test_check_file_reads_a_notebook_and_read_text_takes_ipynb(tmp_path: Path) -> None:
    nb = {"nbformat": 4, "cells": [{"cell_type": "markdown", "source": FALSE}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert api.check_file(path).has_false
    d = api.read_text(json.dumps(nb), fmt="ipynb")
    assert [s.rhs_latex for s in d.steps] == ["x^2 + 1"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: api.render([], output_format="sarif"),
            r"^unknown output format 'sarif'; expected text, json or github$",
            id="render",
        ),
        pytest.param(
            lambda: api.read_text("", fmt="rst"),
            r"^unknown format 'rst'; expected 'md', 'tex' or 'ipynb'$",
            id="read_text",
        ),
        pytest.param(
            lambda: api.format_for("a.md", "rst"),
            r"^unknown format 'rst'; expected one of md, tex, ipynb$",
            id="format_for",
        ),
    ],
)
def test_misuse_is_a_value_error_with_an_exact_message(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_render_takes_one_report_or_several() -> None:
    rep = api.check_text(FALSE, source="n.md")
    assert api.render(rep) == api.render([rep])
    assert api.render(rep, output_format="github").startswith("::error file=n.md,line=1,col=13,")
    assert json.loads(api.render(rep, output_format="json"))["summary"]["false"] == 1
