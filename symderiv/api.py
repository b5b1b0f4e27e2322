"""The pipelines: read → check → render, composed from the independent passes."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from symderiv import catalogue
from symderiv.config import DEFAULT_BUDGET_S as DEFAULT_BUDGET_S
from symderiv.config import CheckConfig, Notation, ReadConfig

if TYPE_CHECKING:
    from symderiv import inputs
    from symderiv.model import Derivation
    from symderiv.results import DerivationReport
    from symderiv.run import RunResult
    from symderiv.writer.report import FileReport

# NOTE: the passes are imported inside the functions that use them, so that each subcommand
# pays only for what it runs (``spot`` needs neither the reader nor the checker).


def read_text(
    text: str,
    *,
    fmt: str = "md",
    source: str | None = None,
    read_cfg: ReadConfig = ReadConfig(),
) -> Derivation:
    """Read a Markdown (``fmt="md"``), LaTeX (``fmt="tex"``) or notebook (``fmt="ipynb"``, its
    Markdown cells) document into a Derivation."""
    from symderiv.reader import read_latex, read_markdown

    if fmt == "ipynb":
        from symderiv import inputs

        text, fmt = inputs.notebook(text, name=source or "<notebook>").text, "md"
    if fmt == "tex":
        return read_latex(text, source=source, cfg=read_cfg)
    if fmt == "md":
        return read_markdown(text, source=source, cfg=read_cfg)
    raise ValueError(f"unknown format {fmt!r}; expected 'md', 'tex' or 'ipynb'")


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
    """``"tex"`` for ``.tex``, ``"ipynb"`` for ``.ipynb``, else ``"md"``; an explicit ``fmt`` wins."""
    from symderiv import inputs

    return inputs.format_of(str(path), fmt)


def check_file(
    path: str | Path,
    *,
    check_cfg: CheckConfig = CheckConfig(),
    read_cfg: ReadConfig = ReadConfig(),
) -> DerivationReport:
    """Check a file on disk (Markdown, LaTeX with its ``\\input`` files, or a notebook).

    Raises:
        OSError: the file cannot be read.
        SymderivError: it is not text in a known encoding, is larger than
            ``read_cfg.max_bytes``, or is a broken notebook.
    """
    from symderiv import inputs

    p = Path(path)
    target = inputs.Target(str(path), p, inputs.format_of(p.name, read_cfg.fmt))
    doc = inputs.load(target, max_bytes=read_cfg.max_bytes)
    return _check_document(doc, check_cfg=check_cfg, read_cfg=read_cfg)


def _check_document(
    doc: inputs.Document, *, check_cfg: CheckConfig, read_cfg: ReadConfig
) -> DerivationReport:
    rep = check_text(doc.text, fmt=doc.fmt, source=doc.name, check_cfg=check_cfg, read_cfg=read_cfg)
    if doc.warnings:
        rep = replace(rep, warnings=doc.warnings + rep.warnings)
    return rep


def check_inputs(
    names: Sequence[str],
    *,
    check_cfg: CheckConfig = CheckConfig(),
    read_cfg: ReadConfig = ReadConfig(),
    stdin: BinaryIO | None = None,
    stdin_name: str = "<stdin>",
) -> list[FileReport]:
    """Check what ``symderiv check`` was given: files, directories, ``-`` for ``stdin``.

    Every input gets an entry, in order: its report, or why it could not be read (a missing
    file, an unknown encoding, a broken notebook); one bad input never stops the others.
    """
    run = check_run(names, check_cfg=check_cfg, read_cfg=read_cfg, stdin=stdin, stdin_name=stdin_name)
    return list(run.reports)


def check_run(
    names: Sequence[str],
    *,
    check_cfg: CheckConfig = CheckConfig(),
    read_cfg: ReadConfig = ReadConfig(),
    stdin: BinaryIO | None = None,
    stdin_name: str = "<stdin>",
    jobs: int = 1,
    budget_s: float | None = None,
    progress: TextIO | None = None,
    sympy_forms: bool = True,
) -> RunResult:
    """:func:`check_inputs` over ``jobs`` processes, with a budget per document and progress.

    Args:
        names: files, directories, ``-`` for ``stdin``.
        jobs: processes: inputs, and the steps of long inputs, are spread over them; the
            reports are the same for every ``jobs``.
        budget_s: CPU seconds per document (each process's own), its reading included; the
            steps met after it is spent, and the one it stops, are ``undetermined`` with the
            method ``"not-judged"``, and the report's notes count them (``None``: no budget).
        progress: a stream (standard error) for a progress line, shown only on a terminal
            and once the run takes more than two seconds.
        sympy_forms: ``False``: the reports' steps keep their source text, positions and
            warnings but not their SymPy forms (all that rendering needs; much cheaper with
            ``jobs`` > 1).

    Returns:
        The reports in the order of the inputs, and whether Ctrl-C stopped the run (then the
        steps not judged say ``not judged: interrupted``).
    """
    from symderiv import inputs, run
    from symderiv.errors import SymderivError

    docs: list[inputs.Document | None] = []
    shown: list[str] = []
    errors: list[str | None] = []
    for target in inputs.discover(names, fmt=read_cfg.fmt, stdin_name=stdin_name):
        shown.append(target.name)
        if isinstance(target, inputs.Missing):
            docs.append(None)
            errors.append(f"cannot read {target.name}: {target.reason}")
            continue
        try:
            docs.append(inputs.load(target, max_bytes=read_cfg.max_bytes, stdin=stdin))
            errors.append(None)
        except OSError as e:
            docs.append(None)
            errors.append(f"cannot read {target.name}: {e.strerror or str(e)}")
        except SymderivError as e:
            docs.append(None)
            errors.append(f"cannot read {e}")
    return run.check_documents(
        docs,
        shown,
        errors,
        read=functools.partial(_read_document, check_cfg=check_cfg, read_cfg=read_cfg),
        cfg=check_cfg,
        jobs=jobs,
        budget_s=budget_s,
        progress=run.Progress(progress) if progress is not None else None,
        sympy_forms=sympy_forms,
    )


def default_jobs() -> int:
    """The cores this process may run on (the default of ``check -j``)."""
    from symderiv import run

    return run.default_jobs()


def _read_document(
    doc: inputs.Document, *, check_cfg: CheckConfig, read_cfg: ReadConfig
) -> Derivation:
    """A loaded document read, with the assumptions given on the command line added."""
    from symderiv.reader import parse_assumption

    d = read_text(doc.text, fmt=doc.fmt, source=doc.name, read_cfg=read_cfg)
    extra = tuple(parse_assumption(a, source="cli") for a in check_cfg.assumptions)
    return replace(d, assumptions=d.assumptions + extra) if extra else d


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


def render(
    reports: Sequence[DerivationReport | FileReport] | DerivationReport,
    *,
    output_format: str = "text",
    verbose: bool = False,
    quiet: bool = False,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """A check report as ``symderiv check`` prints it.

    Args:
        reports: one report, or several (from :func:`check_file` or :func:`check_inputs`).
        output_format: ``"text"`` (a ``file:line:col:`` line per step, its reasons below, a
            total line), ``"json"`` (the contract's object) or ``"github"`` (workflow
            annotations for GitHub Actions).
        verbose: text: the reading of every step, not only of those that are not accepted.
        quiet: text: only the steps that are false, undetermined or unparsed, and the total.
        width: text: shorten the formulas of a step's line to this many characters.
        colour: text: ANSI colours for the verdicts.

    Raises:
        ValueError: an unknown ``output_format``.

    >>> import symderiv
    >>> print(render(symderiv.check_text("$$(a+b)^2 = a^2 + 2ab + b^2$$", source="n.md")))
    n.md:1:13: proved  (a+b)^2 = a^2 + 2ab + b^2
    n.md: 1 proved
    total: 1 file, 1 step: 1 proved
    """
    import json

    from symderiv.results import DerivationReport
    from symderiv.writer import report

    many = [reports] if isinstance(reports, DerivationReport) else list(reports)
    if output_format == "json":
        return json.dumps(report.reports_to_json(many), ensure_ascii=False, indent=2)
    if output_format == "github":
        return report.render_github(many)
    if output_format == "text":
        return report.render_text(many, verbose=verbose, quiet=quiet, width=width, colour=colour)
    raise ValueError(f"unknown output format {output_format!r}; expected text, json or github")


def render_failures(report: DerivationReport, *, strict: bool = False) -> str:
    """The steps that make ``report`` fail (false; under ``strict`` also conditional,
    undetermined, unparsed, or no step at all), as a test failure shows them; empty if none."""
    from symderiv.writer import report as _report

    return _report.render_failures(report, strict=strict)


def derive(
    name: str,
    n: int | None = None,
    *,
    notation: Notation = Notation(),
    fmt: str = "latex",
    standalone: bool = False,
    ln: bool = False,
) -> tuple[str, DerivationReport]:
    """Build, check and render a catalogued derivation; returns the text and the report.

    Raises:
        UnknownDerivationError: ``name`` is not in the catalogue.
        ValueError: a name of ``notation`` that does not read back (see
            :func:`validate_notation`), or an unknown ``fmt``.
    """
    from symderiv.writer import document

    validate_notation(notation)

    rep = build_and_check(name, n, notation=notation)
    # NOTE: from CORNER_FROM classes on, a page shows entry formulas: the symbolic-n steps.
    large = n is not None and n >= document.CORNER_FROM and fmt in ("latex", "text")
    entries = catalogue.build(name, None, notation=notation) if large else None
    text = document.render_derivation(
        rep, fmt=fmt, standalone=standalone, ln=ln, entries=entries
    )
    return text, rep


def derive_file(
    path: str | Path,
    *,
    wrt: str,
    of: str | None = None,
    fmt: str = "latex",
    standalone: bool = False,
    ln: bool = False,
    read_cfg: ReadConfig = ReadConfig(),
) -> tuple[str, DerivationReport]:
    """Derive ``∂(of)/∂(wrt)`` step by step from the definitions of the document at ``path``.

    The document is read with its own notation; ill-formed definitions are read as the checker
    reads them (``L = -\\sum_i y_j \\log p_j`` as a sum over ``j``); the derivation is built by
    :func:`symderiv.builders.from_document.derive_from`, checked, and rendered like ``derive``.
    What cannot be simplified further is in the report's derivation's ``warnings``.

    Raises:
        OSError: the file cannot be read.
        ParseError: ``wrt`` or ``of`` is not a formula.
        ValueError: ``wrt`` is not an entry such as ``x_i``, ``of`` is not defined, or an
            unknown ``fmt``.
    """
    import sympy

    from symderiv.builders.from_document import derive_from
    from symderiv.checker import check
    from symderiv.checker.hygiene import repair_definition
    from symderiv.reader import parse_formula
    from symderiv.writer import document

    p = Path(path)
    d = read_text(
        p.read_text(encoding="utf-8"), fmt=format_for(p, read_cfg.fmt), source=str(p),
        read_cfg=read_cfg,
    )
    steps = []
    for st in d.steps:
        fixed = repair_definition(st.lhs, st.rhs) if st.is_definition and st.is_parsed else None
        steps.append(replace(st, rhs=fixed[0]) if fixed is not None else st)
    quantity = parse_formula(of) if of is not None else None
    if quantity is not None and not isinstance(quantity, sympy.Symbol):
        raise ValueError(f"--of takes the name of a defined scalar such as L, got {of!r}")
    built = derive_from(replace(d, steps=tuple(steps)), wrt=parse_formula(wrt), of=quantity)
    rep = check(built)
    text = document.render_derivation(rep, fmt=fmt, standalone=standalone, ln=ln)
    return text, rep


def spot(
    name: str, *, n: int, samples: int, seed: int, dtype: str, as_json: bool
) -> tuple[str, bool]:
    """Run the numeric spot checks of a catalogued derivation; returns the text and ``ok``.

    Raises:
        UnknownDerivationError: ``name`` is not in the catalogue.
        ValueError: bad ``n``, ``samples`` or ``dtype``, or an ``n`` whose n × n Jacobians
            would not fit in the memory available.
    """
    import json

    from symderiv import spot as _spot
    from symderiv.writer import spot as spot_writer

    catalogue.get(name)
    need, have = spot_memory(n, dtype), _available_memory()
    if have is not None and need > have:
        raise ValueError(
            f"spot --n {n} needs about {_gib(need)} of memory (n × n Jacobians); "
            f"{_gib(have)} is available: use a smaller --n"
        )
    result = _spot.run(name, n=n, samples=samples, seed=seed, dtype=dtype)
    if as_json:
        text = json.dumps(spot_writer.to_json(result), indent=2)
    else:
        text = spot_writer.render(result)
    return text, bool(result.ok)


#: Bytes per Jacobian entry that ``spot`` holds at once, per byte of the dtype: measured as the
#: peak resident size of ``symderiv spot softmax-ce --samples 8`` at n = 1000 and 3000 (139 MB
#: and 580 MB at float64, i.e. about 64 n² bytes).
_SPOT_ENTRIES_PER_N2 = 8


def spot_memory(n: int, dtype: str = "float64") -> int:
    """The memory ``spot`` needs at ``n`` classes, in bytes (about 8 n² numbers of the dtype).

    >>> spot_memory(1000) // 2**20, spot_memory(1000, "float32") // 2**20
    (61, 30)
    """
    itemsize = 4 if dtype == "float32" else 8
    return _SPOT_ENTRIES_PER_N2 * n * n * itemsize


def _available_memory() -> int | None:
    """``MemAvailable`` of ``/proc/meminfo`` in bytes; None where there is no such file."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _gib(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:.1f} GiB"


def validate_notation(notation: Notation) -> None:
    """Check that every name of ``notation`` reads back as the kind of name it is.

    The logits, probabilities and targets are vectors (``x_i`` must read as an entry), the loss
    and the class count plain names, and no two of them the same name.

    Raises:
        ValueError: with the offending role, the name and why.

    >>> validate_notation(Notation(probs="p}"))
    Traceback (most recent call last):
    ...
    ValueError: --probs 'p}' is not a name: unbalanced braces: '}' closes nothing at line 1, column 2
    """
    import sympy

    from symderiv.errors import SymderivError
    from symderiv.reader import parse_formula

    index = notation.indices[0]
    seen: dict[str, str] = {}
    roles = (
        ("logits", notation.logits, True),
        ("probs", notation.probs, True),
        ("targets", notation.targets, True),
        ("loss", notation.loss, False),
        ("classes", notation.classes, False),
    )
    for role, text, vector in roles:
        written = f"{text}_{index}" if vector else text
        try:
            expr = parse_formula(written)
        except SymderivError as e:
            raise ValueError(f"--{role} {text!r} is not a name: {e}") from None
        if vector:
            ok = isinstance(expr, sympy.Indexed) and [str(k) for k in expr.indices] == [index]
            name = str(expr.base) if ok else ""
        else:
            ok = isinstance(expr, sympy.Symbol)
            name = str(expr) if ok else ""
        if not ok:
            kind = "a vector name (like x, p, \\hat{y})" if vector else "a plain name (like L, n)"
            raise ValueError(f"--{role} {text!r} is not {kind}: it reads as {expr}")
        if name in seen:
            raise ValueError(f"--{role} {text!r} is the same name as --{seen[name]}")
        seen[name] = role


def list_catalogue() -> tuple[tuple[str, str], ...]:
    """``(name, one-line summary)`` for every catalogued derivation."""
    return tuple((name, catalogue.get(name).summary) for name in catalogue.names())
