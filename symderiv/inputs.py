"""Inputs of ``symderiv check``: files, directories and standard input, as text with positions.

This pass turns what the user named into documents the reader can take: directories become the
documents under them (in a stable order), bytes become text (UTF-8 with or without a byte-order
mark, UTF-16/32 with one, anything else refused with a clear message instead of replacement
characters), a notebook becomes its Markdown cells, and LaTeX ``\\input``/``\\include`` are
followed.  Every line of the text the reader sees keeps the file, cell and column it came from.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from symderiv.errors import SymderivError

#: The suffixes a directory is searched for, and the format each is read in.
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".tex": "tex", ".ipynb": "ipynb"}
FORMATS = ("md", "tex", "ipynb")
#: How deep ``\input`` may nest (LaTeX itself stops at 15 open files).
MAX_INCLUDE_DEPTH = 8
STDIN = "-"


class DocumentError(SymderivError):
    """A document that cannot be read as text: its encoding, its size, a broken notebook."""


@dataclass(frozen=True)
class Target:
    """One document to check: the name it is shown under, where it is and its format."""

    name: str
    path: Path | None  # None: standard input
    fmt: str


@dataclass(frozen=True)
class Missing:
    """A name on the command line that gives no document, with the reason."""

    name: str
    reason: str


@dataclass(frozen=True)
class Origin:
    """Where one line of a document's text comes from.

    ``file`` is the file shown in positions (an ``\\input`` file for its lines), ``line`` the
    1-based line there, ``column_offset`` what to add to a column of this text line (non-zero
    for the rest of a line after an ``\\input``), ``cell`` the 1-based notebook cell or None.
    """

    file: str
    line: int
    column_offset: int = 0
    cell: int | None = None


@dataclass(frozen=True)
class Document:
    """A document as the reader takes it: text in ``md`` or ``tex`` and each line's origin."""

    name: str
    fmt: str
    text: str
    origins: tuple[Origin, ...]
    warnings: tuple[str, ...] = ()

    def locate(self, line: int, column: int | None) -> tuple[str, int, int | None, int | None]:
        """``(file, line, column, cell)`` of a 1-based line and column of :attr:`text`.

        >>> doc = load_text("$$a = b$$\\n", name="n.md", fmt="md")
        >>> doc.locate(1, 6)
        ('n.md', 1, 6, None)
        """
        if not 1 <= line <= len(self.origins):
            return self.name, line, column, None
        o = self.origins[line - 1]
        return o.file, o.line, None if column is None else column + o.column_offset, o.cell


def format_of(name: str, fmt: str | None = None) -> str:
    """``tex`` for ``.tex``, ``ipynb`` for ``.ipynb``, else ``md``; an explicit ``fmt`` wins.

    >>> format_of("a/b.TEX"), format_of("nb.ipynb"), format_of("notes.txt"), format_of("x.md", "tex")
    ('tex', 'ipynb', 'md', 'tex')
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        return fmt
    return SUFFIX_FORMATS.get(Path(name).suffix.lower(), "md")


def discover(
    names: Sequence[str], *, fmt: str | None = None, stdin_name: str = "<stdin>"
) -> list[Target | Missing]:
    """The documents named on the command line, in order, each once.

    A directory stands for its ``.md``, ``.markdown``, ``.tex`` and ``.ipynb`` files, searched
    recursively in sorted order, hidden files and directories left out; a file is taken as
    named, whatever its suffix; ``-`` is standard input.  A name that does not exist, or a
    directory with no document, is a :class:`Missing` entry in its place.
    """
    found: list[Target | Missing] = []
    seen: set[str] = set()

    def add(target: Target) -> None:
        key = STDIN if target.path is None else os.path.realpath(target.path)
        if key not in seen:
            seen.add(key)
            found.append(target)

    for name in names:
        if name == STDIN:
            add(Target(stdin_name, None, format_of(stdin_name, fmt)))
            continue
        path = Path(name)
        if path.is_dir():
            docs = list(_walk(path))
            if not docs:
                suffixes = ", ".join(SUFFIX_FORMATS)
                found.append(Missing(name, f"no {suffixes} files under it"))
            for doc in docs:
                add(Target(str(doc), doc, format_of(doc.name, fmt)))
        elif path.exists():
            add(Target(name, path, format_of(name, fmt)))
        else:
            found.append(Missing(name, "No such file or directory"))
    return found


def _walk(root: Path) -> Iterator[Path]:
    # NOTE: os.walk does not follow symbolic links to directories, so a link loop cannot
    # make the walk endless; names are sorted so that every run reports in the same order.
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith(".") and Path(f).suffix.lower() in SUFFIX_FORMATS:
                yield Path(top) / f


def decode(raw: bytes, name: str) -> str:
    """Bytes as text: UTF-8 (a byte-order mark is dropped), or UTF-16/UTF-32 with a byte-order mark.

    Line ends are made ``\\n``.  Anything else is refused: no character is silently replaced.

    Raises:
        DocumentError: the bytes are not text in one of those encodings.

    >>> decode(codecs.BOM_UTF16_LE + "$$a = b$$\\r\\n".encode("utf-16-le"), "n.md")
    '$$a = b$$\\n'
    >>> decode(b"caf\\xe9", "n.md")
    Traceback (most recent call last):
    ...
    symderiv.inputs.DocumentError: n.md: not UTF-8 text (byte 0xe9 at line 1, column 4); save it as UTF-8, or as UTF-16 with a byte-order mark
    """
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if raw.startswith(bom)), None)
    if encoding is None and b"\x00" in raw:
        raise DocumentError(
            f"{name}: contains NUL bytes: not a text document, or UTF-16 without a byte-order "
            "mark; save it as UTF-8"
        )
    try:
        text = raw.decode(encoding or "utf-8")
    except UnicodeDecodeError as e:
        if encoding is not None:
            raise DocumentError(
                f"{name}: starts with a {encoding.upper().removesuffix('-SIG')} byte-order mark "
                f"but is not {encoding.upper().removesuffix('-SIG')} text (at byte {e.start})"
            ) from None
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise DocumentError(
            f"{name}: not UTF-8 text (byte 0x{raw[e.start]:02x} at line {line}, column {column}); "
            "save it as UTF-8, or as UTF-16 with a byte-order mark"
        ) from None
    return text.replace("\r\n", "\n")


def read_bytes(target: Target, *, max_bytes: int, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a target, at most ``max_bytes`` of them.

    Raises:
        OSError: the file cannot be read.
        DocumentError: it is larger than ``max_bytes``.
    """
    if target.path is None:
        if stdin is None:
            raise DocumentError(f"{target.name}: no standard input to read")
        raw = stdin.read(max_bytes + 1)
    else:
        size = target.path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"{target.name}: {size} bytes is more than the limit of {max_bytes}"
            )
        with target.path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DocumentError(f"{target.name}: more than the limit of {max_bytes} bytes")
    return raw


def load(target: Target, *, max_bytes: int, stdin: BinaryIO | None = None) -> Document:
    """Read a target into a :class:`Document`.

    Raises:
        OSError: the file cannot be read.
        DocumentError: it is not text in a known encoding, too large, or a broken notebook.
    """
    text = decode(read_bytes(target, max_bytes=max_bytes, stdin=stdin), target.name)
    if target.fmt == "ipynb":
        return notebook(text, name=target.name)
    if target.fmt == "tex" and target.path is not None:
        return expand_includes(text, path=target.path, name=target.name, max_bytes=max_bytes)
    return load_text(text, name=target.name, fmt=target.fmt)


def load_text(text: str, *, name: str, fmt: str) -> Document:
    """A document whose text is read as it stands (no notebook, no ``\\input``)."""
    lines = text.count("\n") + 1
    return Document(name, fmt, text, tuple(Origin(name, k) for k in range(1, lines + 1)))


def notebook(text: str, *, name: str) -> Document:
    """The Markdown cells of a Jupyter notebook (nbformat 4), in order, as one Markdown document.

    Cells are separated by a blank line; each line knows its cell (numbered from 1 among all
    cells, as the notebook shows them) and its line in that cell.

    Raises:
        DocumentError: the text is not a notebook of nbformat 4.

    >>> nb = '{"nbformat": 4, "cells": [{"cell_type": "code", "source": "1"},'
    >>> nb += ' {"cell_type": "markdown", "source": ["# T\\\\n", "$$a = b$$"]}]}'
    >>> doc = notebook(nb, name="n.ipynb")
    >>> doc.text, doc.locate(2, 7)
    ('# T\\n$$a = b$$\\n', ('n.ipynb', 2, 7, 2))
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:  # JSONDecodeError is a ValueError
        raise DocumentError(f"{name}: not a Jupyter notebook: {_json_reason(e)}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(cells, list):
        raise DocumentError(
            f"{name}: not a Jupyter notebook of nbformat 4 (no 'nbformat': 4 with a 'cells' list)"
        )
    parts: list[str] = []
    origins: list[Origin] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise DocumentError(f"{name}: cell {number}: 'source' is not text")
        body = source.replace("\r\n", "\n").rstrip("\n")
        if parts:
            parts.append("")  # the blank line between two cells
            origins.append(origins[-1])
        cell_lines = body.split("\n")
        parts.extend(cell_lines)
        origins.extend(Origin(name, k, 0, number) for k in range(1, len(cell_lines) + 1))
    text_out = "\n".join(parts) + "\n" if parts else ""
    origins.append(origins[-1] if origins else Origin(name, 1))
    return Document(name, "md", text_out, tuple(origins))


def _json_reason(e: ValueError | RecursionError) -> str:
    if isinstance(e, RecursionError):
        return "nested too deeply"
    if isinstance(e, json.JSONDecodeError):
        return f"{e.msg} at line {e.lineno}, column {e.colno}"
    return str(e)


_INPUT = re.compile(r"\\(input|include)(?![A-Za-z@])\s*(?:\{([^{}\n]*)\}|([^\s{}%\\]+))")


def _comment_start(line: str) -> int:
    """The index of the ``%`` that starts a LaTeX comment on ``line``, or ``len(line)``."""
    k = 0
    while k < len(line):
        if line[k] == "\\":
            k += 2
            continue
        if line[k] == "%":
            return k
        k += 1
    return len(line)


def expand_includes(
    text: str, *, path: Path, name: str, max_bytes: int, max_depth: int = MAX_INCLUDE_DEPTH
) -> Document:
    """A LaTeX document with its ``\\input{f}`` and ``\\include{f}`` files put in their place.

    ``f`` is found relative to the directory of the file that names it (``f.tex`` first, as
    LaTeX does); a file outside the directory tree of the top document, a missing one, one
    deeper than ``max_depth`` or one that includes itself is left out, with a warning.  The
    lines of an included file are shown under that file's own name and line numbers.
    """
    root = path.resolve().parent
    lines: list[str] = []
    origins: list[Origin] = []
    warnings: list[str] = []
    budget = [max_bytes - len(text)]  # the top file and everything it includes, together

    def emit(chunk: str, origin: Origin) -> None:
        lines.append(chunk)
        origins.append(origin)

    def expand(body: str, file: Path, shown: str, depth: int, stack: tuple[Path, ...]) -> None:
        for number, line in enumerate(body.split("\n"), start=1):
            cut = _comment_start(line)
            start = 0
            for m in _INPUT.finditer(line, 0, cut):
                included = _resolve(m, file, root, depth, max_depth, stack, shown, number, warnings)
                if included is None:
                    continue
                child_shown = _shown_name(included, path.parent, shown_root=Path(name).parent)
                try:
                    if included.stat().st_size > budget[0]:
                        raise DocumentError(f"{child_shown}: the inputs pass the size limit")
                    with included.open("rb") as fh:
                        raw = fh.read(budget[0] + 1)
                    if len(raw) > budget[0]:
                        raise DocumentError(f"{child_shown}: the inputs pass the size limit")
                    budget[0] -= len(raw)
                    child = decode(raw, child_shown)
                except (OSError, DocumentError) as e:
                    warnings.append(f"{shown}:{number}: {m.group(0)} is left out: {_reason(e)}")
                    continue
                emit(line[start : m.start()], Origin(shown, number, start))
                expand(child, included, child_shown, depth + 1, (*stack, included))
                start = m.end()
            emit(line[start:], Origin(shown, number, start))

    expand(text, path.resolve(), name, 1, (path.resolve(),))
    return Document(name, "tex", "\n".join(lines), tuple(origins), tuple(warnings))


def _resolve(
    m: re.Match[str],
    file: Path,
    root: Path,
    depth: int,
    max_depth: int,
    stack: tuple[Path, ...],
    shown: str,
    number: int,
    warnings: list[str],
) -> Path | None:
    written = (m.group(2) if m.group(2) is not None else m.group(3)).strip()
    where = f"{shown}:{number}: {m.group(0)}"
    if not written:
        return None
    if depth > max_depth:
        warnings.append(f"{where} is left out: inputs nest deeper than {max_depth}")
        return None
    names = [written] if m.group(1) == "input" and written.endswith(".tex") else [written + ".tex"]
    if m.group(1) == "input" and not written.endswith(".tex"):
        names.append(written)
    for candidate in names:
        p = (file.parent / candidate).resolve()
        if not p.is_relative_to(root):
            warnings.append(f"{where} is left out: it is outside {root}")
            return None
        if p.is_file():
            if p in stack:
                warnings.append(f"{where} is left out: it includes itself")
                return None
            return p
    warnings.append(f"{where} is left out: no file {names[0]}")
    return None


def _shown_name(included: Path, top_dir: Path, *, shown_root: Path) -> str:
    """An included file's name as positions show it: beside the top document's name."""
    rel = included.relative_to(top_dir.resolve())
    return str(shown_root / rel)


def _reason(e: OSError | DocumentError) -> str:
    if isinstance(e, OSError):
        return e.strerror or str(e)
    return str(e)
