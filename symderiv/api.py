"""The pipelines: read → check → render, composed from the independent passes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from symderiv import catalogue
from symderiv.config import CheckConfig, Notation, ReadConfig

if TYPE_CHECKING:
    from symderiv.model import Derivation
    from symderiv.results import DerivationReport

# NOTE: the passes are imported inside the functions that use them, so that each subcommand
# pays only for what it runs (``spot`` needs neither the reader nor the checker).


def read_text(
    text: str,
    *,
    fmt: str = "md",
    source: str | None = None,
    read_cfg: ReadConfig = ReadConfig(),
) -> Derivation:
    """Read a Markdown (``fmt="md"``) or LaTeX (``fmt="tex"``) document into a Derivation."""
    from symderiv.reader import read_latex, read_markdown

    if fmt == "tex":
        return read_latex(text, source=source, cfg=read_cfg)
    if fmt == "md":
        return read_markdown(text, source=source, cfg=read_cfg)
    raise ValueError(f"unknown format {fmt!r}; expected 'md' or 'tex'")


def check_text(
    text: str,
    *,
    fmt: str = "md",
    source: str | None = None,
    check_cfg: CheckConfig = CheckConfig(),
    read_cfg: ReadConfig = ReadConfig(),
) -> DerivationReport:
    """Check every step of a document's derivations.

    ``check_cfg.assumptions`` (as written on the command line, e.g. ``"sum(y) = 1"``) are
    added to the document's own.
    """
    from symderiv.checker import check
    from symderiv.reader import parse_assumption

    d = read_text(text, fmt=fmt, source=source, read_cfg=read_cfg)
    extra = tuple(parse_assumption(a, source="cli") for a in check_cfg.assumptions)
    if extra:
        d = replace(d, assumptions=d.assumptions + extra)
    return check(d, check_cfg)


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """``"tex"`` for ``.tex`` files, else ``"md"``; an explicit ``fmt`` wins."""
    if fmt is not None:
        return fmt
    return "tex" if str(path).lower().endswith(".tex") else "md"


def check_file(
    path: str | Path,
    *,
    check_cfg: CheckConfig = CheckConfig(),
    read_cfg: ReadConfig = ReadConfig(),
) -> DerivationReport:
    """Check a file on disk.

    Raises:
        OSError: the file cannot be read.
        ValueError: the file is larger than ``read_cfg.max_bytes``.
    """
    p = Path(path)
    size = p.stat().st_size
    if size > read_cfg.max_bytes:
        raise ValueError(f"{p}: {size} bytes is more than the limit of {read_cfg.max_bytes}")
    raw = p.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    return check_text(
        text,
        fmt=format_for(p, read_cfg.fmt),
        source=str(path),
        check_cfg=check_cfg,
        read_cfg=read_cfg,
    )


def build_and_check(
    name: str,
    n: int | None = None,
    *,
    notation: Notation = Notation(),
    check_cfg: CheckConfig = CheckConfig(),
) -> DerivationReport:
    """Build a catalogued derivation and check every one of its steps."""
    from symderiv.checker import check

    return check(catalogue.build(name, n, notation=notation), check_cfg)


def render_check(reports: list[DerivationReport], *, as_json: bool, verbose: bool = False) -> str:
    """The text ``symderiv check`` prints: the terminal report or the contract's JSON."""
    import json

    from symderiv.writer import report

    if as_json:
        return json.dumps(report.reports_to_json(reports), ensure_ascii=False, indent=2)
    return report.render_reports(reports, verbose=verbose)


def derive(
    name: str,
    n: int | None = None,
    *,
    notation: Notation = Notation(),
    fmt: str = "latex",
    standalone: bool = False,
    ln: bool = False,
) -> tuple[str, DerivationReport]:
    """Build, check and render a catalogued derivation; returns the text and the report."""
    from symderiv.writer import document

    rep = build_and_check(name, n, notation=notation)
    text = document.render_derivation(rep, fmt=fmt, standalone=standalone, ln=ln)
    return text, rep


def spot(name: str, *, n: int, samples: int, seed: int, dtype: str, as_json: bool) -> tuple[str, bool]:
    """Run the numeric spot checks of a catalogued derivation; returns the text and ``ok``."""
    import json

    from symderiv import spot as _spot

    catalogue.get(name)
    result = _spot.run(name, n=n, samples=samples, seed=seed, dtype=dtype)
    text = json.dumps(_spot.to_json(result), indent=2) if as_json else _spot.render(result)
    return text, bool(result.ok)


def list_catalogue() -> tuple[tuple[str, str], ...]:
    """``(name, one-line summary)`` for every catalogued derivation."""
    return tuple((name, catalogue.get(name).summary) for name in catalogue.names())
