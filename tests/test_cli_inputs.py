"""What ``symderiv check`` reads: directories, standard input, encodings, notebooks, ``\\input``,
and a missing file among others; every case through ``main([...])``."""

from __future__ import annotations

import codecs
import io
import json
import sys
from pathlib import Path

import pytest

from symderiv.cli import main

PROVED = "$$(x+1)^2 = x^2 + 2x + 1$$\n"
FALSE = "$$(x+1)^2 = x^2 + 1$$\n"


def _write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    code = main(["check", "--json", *argv])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _verdicts(entry: dict) -> list[str]:
    return [s["verdict"] for s in entry["steps"]]


# -- directories ---------------------------------------------------------------------------


def test_a_directory_is_its_documents_recursively_in_sorted_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "docs/b.md", PROVED)
    _write(tmp_path, "docs/a.markdown", PROVED)
    _write(tmp_path, "docs/sub/c.tex", "\\[ (x+1)^2 = x^2 + 1 \\]\n")
    _write(tmp_path, "docs/sub/A.md", PROVED)
    _write(tmp_path, "docs/notes.txt", FALSE)  # not a document suffix: left out of a directory
    _write(tmp_path, "docs/.hidden/h.md", FALSE)  # hidden: left out
    _write(tmp_path, "docs/.h.md", FALSE)
    code, data, err = _run_json(["docs"], capsys)
    assert [f["file"] for f in data["files"]] == [
        "docs/a.markdown",
        "docs/b.md",
        "docs/sub/A.md",
        "docs/sub/c.tex",
    ]
    assert [_verdicts(f) for f in data["files"]] == [["proved"], ["proved"], ["proved"], ["false"]]
    assert (code, err) == (1, "")


def test_a_symbolic_link_loop_in_a_directory_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "d/a.md", PROVED)
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d", target_is_directory=True)
    code, data, _ = _run_json(["d"], capsys)
    assert [f["file"] for f in data["files"]] == ["d/a.md"] and code == 0


def test_a_file_named_twice_or_inside_a_named_directory_is_checked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "d/a.md", PROVED)
    code, data, _ = _run_json(["d/a.md", "d", "./d/a.md"], capsys)
    assert [f["file"] for f in data["files"]] == ["d/a.md"]
    assert code == 0


def test_a_file_named_explicitly_is_read_whatever_its_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "notes.txt", FALSE)
    code, data, _ = _run_json(["notes.txt"], capsys)
    assert _verdicts(data["files"][0]) == ["false"] and code == 1


def test_a_directory_without_documents_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    code, data, err = _run_json(["empty"], capsys)
    message = "cannot read empty: no .md, .markdown, .tex, .ipynb files under it"
    assert code == 2
    assert err == f"symderiv: error: {message}\n"
    assert data["files"] == [
        {
            "file": "empty",
            "error": message,
            "steps": [],
            "summary": dict.fromkeys(data["summary"], 0),
            "warnings": [],
            "seed": None,
        }
    ]


# -- a missing file among three --------------------------------------------------------------


def test_a_missing_file_among_three_is_reported_and_the_others_are_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "one.md", PROVED)
    _write(tmp_path, "three.md", FALSE)
    code, data, err = _run_json(["one.md", "two.md", "three.md"], capsys)
    assert code == 2  # the run could not do all it was asked: 2 wins over 1
    assert err == "symderiv: error: cannot read two.md: No such file or directory\n"
    one, two, three = data["files"]
    assert (one["file"], _verdicts(one)) == ("one.md", ["proved"])
    assert (two["file"], two["error"], two["steps"]) == (
        "two.md",
        "cannot read two.md: No such file or directory",
        [],
    )
    assert (three["file"], _verdicts(three)) == ("three.md", ["false"])
    assert data["summary"]["proved"] == 1 and data["summary"]["false"] == 1


def test_a_missing_file_in_the_text_report_is_counted_in_the_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    _write(tmp_path, "one.md", PROVED)
    _write(tmp_path, "three.md", PROVED)
    assert main(["check", "one.md", "two.md", "three.md"]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "total: 2 files, 2 steps: 2 proved; 1 input not read"
    assert captured.err == "symderiv: error: cannot read two.md: No such file or directory\n"


def test_an_unreadable_file_is_reported_like_a_missing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "ok.md", PROVED)
    locked = _write(tmp_path, "locked.md", PROVED)
    locked.chmod(0)
    try:
        readable = locked.open("rb")  # root reads anything: then there is nothing to test
    except PermissionError:
        readable = None
    if readable is not None:
        readable.close()
        pytest.skip("this user can read a file without read permission")
    code, data, err = _run_json(["locked.md", "ok.md"], capsys)
    assert code == 2
    assert err == "symderiv: error: cannot read locked.md: Permission denied\n"
    assert _verdicts(data["files"][1]) == ["proved"]


# -- standard input ------------------------------------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize(
    ("argv", "text", "name", "verdicts"),
    [
        pytest.param(["-"], FALSE, "<stdin>", ["false"], id="markdown-by-default"),
        pytest.param(
            ["--format", "tex", "-"],
            "\\begin{equation} (x+1)^2 = x^2 + 2x + 1 \\end{equation}\n",
            "<stdin>",
            ["proved"],
            id="format-tex",
        ),
        pytest.param(
            # In Markdown an equation environment outside $$ is read too; a LaTeX comment is
            # not a comment there, so the formats are told apart by a % line.
            ["--format", "md", "-"],
            "% $$(x+1)^2 = x^2 + 1$$\n",
            "<stdin>",
            ["false"],
            id="format-md",
        ),
        pytest.param(
            ["--format", "ipynb", "-"],
            '{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "$$(x+1)^2 = x^2 + 1$$"}]}',
            "<stdin>",
            ["false"],
            id="format-ipynb",
        ),
        pytest.param(
            ["--stdin-filename", "chapter.tex", "-"],
            "% $$(x+1)^2 = x^2 + 1$$\n" + "\\[ (x+1)^2 = x^2 + 2x + 1 \\]\n",
            "chapter.tex",
            ["proved"],
            id="stdin-filename-gives-name-and-format",
        ),
    ],
)
def test_standard_input(
    argv: list[str],
    text: str,
    name: str,
    verdicts: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _stdin(monkeypatch, text.encode("utf-8"))
    code, data, err = _run_json(argv, capsys)
    (entry,) = data["files"]
    assert (entry["file"], _verdicts(entry), err) == (name, verdicts, "")
    assert code == (1 if "false" in verdicts else 0)


def test_standard_input_among_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.md", PROVED)
    _stdin(monkeypatch, FALSE.encode("utf-8"))
    code, data, _ = _run_json(["a.md", "-"], capsys)
    assert [(f["file"], _verdicts(f)) for f in data["files"]] == [
        ("a.md", ["proved"]),
        ("<stdin>", ["false"]),
    ]
    assert code == 1


# -- encodings -------------------------------------------------------------------------------

DOC = "# Café\n\n" + FALSE


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(DOC.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + DOC.encode("utf-8"), id="utf-8-bom"),
        pytest.param(DOC.replace("\n", "\r\n").encode("utf-8"), id="utf-8-crlf"),
        pytest.param(codecs.BOM_UTF16_LE + DOC.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + DOC.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(
            codecs.BOM_UTF16_LE + DOC.replace("\n", "\r\n").encode("utf-16-le"), id="utf-16-crlf"
        ),
        pytest.param(codecs.BOM_UTF32_LE + DOC.encode("utf-32-le"), id="utf-32-le-bom"),
    ],
)
def test_known_encodings_read_the_same_document(
    raw: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "notes.md", raw)
    code, data, err = _run_json([str(path)], capsys)
    (entry,) = data["files"]
    (step,) = entry["steps"]
    assert (step["verdict"], step["line"], step["column"], step["lhs"]) == (
        "false",
        3,
        13,
        "(x+1)^2",
    )
    assert (code, err) == (1, "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(
            "# Café\n$$x = 1$$\n".encode("latin-1"),
            "not UTF-8 text (byte 0xe9 at line 1, column 6); save it as UTF-8, "
            "or as UTF-16 with a byte-order mark",
            id="latin-1",
        ),
        pytest.param(
            "$$x = 1$$\n".encode("utf-16-le"),
            "contains NUL bytes: not a text document, or UTF-16 without a byte-order mark; "
            "save it as UTF-8",
            id="utf-16-without-bom",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + b"$\x00\x00\xd8",  # a lone high surrogate
            "starts with a UTF-16 byte-order mark but is not UTF-16 text (at byte 4)",
            id="broken-utf-16",
        ),
    ],
)
def test_other_bytes_are_refused_with_a_clear_message(
    raw: bytes, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "notes.md", raw)
    code, data, err = _run_json([str(path)], capsys)
    assert code == 2
    assert err == f"symderiv: error: cannot read {path}: {reason}\n"
    assert "\ufffd" not in json.dumps(data, ensure_ascii=False)


# -- notebooks -------------------------------------------------------------------------------


def _notebook(cells: list[tuple[str, str | list[str]]]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source}
                | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                for kind, source in cells
            ],
        },
        indent=1,
    )


NOTEBOOK = _notebook(
    [
        ("markdown", ["# Expanding squares\n", "\n", "$$(x+1)^2 = x^2 + 2x + 1$$"]),
        ("code", "print('$$1 = 2$$')  # code cells are not read"),
        ("raw", "$$1 = 2$$"),
        ("markdown", ["A slip:\n", "\n", "$$(x+1)^2 = x^2 + 1$$\n"]),
    ]
)


def test_a_notebook_is_its_markdown_cells_with_cells_in_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    _write(tmp_path, "nb.ipynb", NOTEBOOK)
    code, data, _ = _run_json(["nb.ipynb"], capsys)
    (entry,) = data["files"]
    got = [(s["verdict"], s["cell"], s["line"], s["column"], s["source"]) for s in entry["steps"]]
    assert got == [("proved", 1, 3, 13, "nb.ipynb"), ("false", 4, 3, 13, "nb.ipynb")]
    assert code == 1
    assert main(["check", "-q", "nb.ipynb"]) == 1
    assert (
        capsys.readouterr().out.splitlines()[0] == "nb.ipynb:cell 4:3:13: false  (x+1)^2 = x^2 + 1"
    )


def test_a_notebook_annotation_names_the_cell_not_a_line_of_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "nb.ipynb", NOTEBOOK)
    assert main(["check", "--output-format", "github", "nb.ipynb"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(
        "::error file=nb.ipynb,title=symderiv%3A false step 2.0::"
        "nb.ipynb:cell 4:3:13: (x+1)^2 = x^2 + 1%0Acounterexample: "
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(
            "{not json",
            "not a Jupyter notebook: Expecting property name enclosed in "
            "double quotes at line 1, column 2",
            id="not-json",
        ),
        pytest.param(
            '{"nbformat": 3, "worksheets": []}',
            "not a Jupyter notebook of nbformat 4 (no 'nbformat': 4 with a 'cells' list)",
            id="nbformat-3",
        ),
        pytest.param(
            "[" * 100_000 + "]" * 100_000, "not a Jupyter notebook: nested too deeply", id="deep"
        ),
        pytest.param(
            '{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": 3}]}',
            "cell 1: 'source' is not text",
            id="bad-source",
        ),
    ],
)
def test_a_broken_notebook_is_refused_with_a_message(
    content: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "nb.ipynb", content)
    code, data, err = _run_json([str(path)], capsys)
    assert code == 2
    assert err == f"symderiv: error: cannot read {path}: {reason}\n"


# -- LaTeX \input ----------------------------------------------------------------------------


def test_input_and_include_are_followed_with_positions_in_the_included_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        "paper/main.tex",
        "\\documentclass{article}\n"
        "\\begin{document}\n"
        "\\[ (x+1)^2 = x^2 + 2x + 1 \\]\n"
        "See \\input{parts/slip} and more.\n"
        "% \\input{parts/commented}\n"
        "\\includegraphics{figure} \\inputencoding{utf8} \\includeonly{x}\n"  # not inputs
        "\\include{parts/third}\n"
        "\\end{document}\n",
    )
    _write(tmp_path, "paper/parts/slip.tex", "A slip:\n\\[ (x+1)^2 = x^2 + 1 \\]\n")
    _write(tmp_path, "paper/parts/commented.tex", "\\[ 1 = 2 \\]\n")
    _write(tmp_path, "paper/parts/third.tex", "\\input{deeper}\n")
    _write(tmp_path, "paper/parts/deeper.tex", "\\[ a = a + 0 \\]\n")
    code, data, err = _run_json(["paper/main.tex"], capsys)
    (entry,) = data["files"]
    got = [(s["verdict"], s["source"], s["line"], s["column"]) for s in entry["steps"]]
    assert got == [
        ("proved", "paper/main.tex", 3, 14),
        ("false", "paper/parts/slip.tex", 2, 14),
        ("proved", "paper/parts/deeper.tex", 1, 8),
    ]
    assert entry["warnings"] == []
    assert (code, err) == (1, "")


def test_the_rest_of_a_line_after_an_input_keeps_its_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "m.tex", "\\input{e} \\[ (x+1)^2 = x^2 + 1 \\]\n")
    _write(tmp_path, "e.tex", "% nothing\n")
    _, data, _ = _run_json(["m.tex"], capsys)
    (step,) = data["files"][0]["steps"]
    assert (step["source"], step["line"], step["column"]) == ("m.tex", 1, 24)


@pytest.mark.parametrize(
    ("files", "warning"),
    [
        pytest.param(
            {"main.tex": "\\input{../outside}\n", "../outside.tex": "\\[ 1 = 2 \\]\n"},
            "main.tex:1: \\input{../outside} is left out: it is outside {root}",
            id="escape-upwards",
        ),
        pytest.param(
            {"main.tex": "\\input{/etc/hostname}\n"},
            "main.tex:1: \\input{/etc/hostname} is left out: it is outside {root}",
            id="absolute-path",
        ),
        pytest.param(
            {"main.tex": "x\n\\input{main}\n"},
            "main.tex:2: \\input{main} is left out: it includes itself",
            id="self",
        ),
        pytest.param(
            {"main.tex": "\\input{gone}\n"},
            "main.tex:1: \\input{gone} is left out: no file gone.tex",
            id="missing",
        ),
        pytest.param(
            {
                "main.tex": "\\input{a1}\n",
                **{f"a{k}.tex": f"\\input{{a{k + 1}}}\n" for k in range(1, 12)},
            },
            "a8.tex:1: \\input{a9} is left out: inputs nest deeper than 8",
            id="depth",
        ),
        pytest.param(
            {"main.tex": "\\input{latin}\n", "latin.tex": "é".encode("latin-1")},
            "main.tex:1: \\input{latin} is left out: latin.tex: not UTF-8 text (byte 0xe9 at "
            "line 1, column 1); save it as UTF-8, or as UTF-16 with a byte-order mark",
            id="bad-encoding",
        ),
    ],
)
def test_an_input_that_cannot_be_followed_is_left_out_with_a_warning(
    files: dict[str, str | bytes],
    warning: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    for rel, content in files.items():
        _write(root, rel, content)
    code, data, err = _run_json(["main.tex"], capsys)
    (entry,) = data["files"]
    assert warning.replace("{root}", str(root)) in entry["warnings"]
    assert [s["verdict"] for s in entry["steps"]] == []
    assert (code, err) == (0, "")


def test_strict_fails_on_a_file_with_no_step(
    write_doc: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "prose.md", "# Only prose, $x$ inline.\n")
    assert main(["check", str(path)]) == 0
    assert main(["check", "--strict", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"{path}: no steps",
        "total: 1 file, 0 steps",
    ]
