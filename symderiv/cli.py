"""The command line: ``symderiv check | derive | spot | list``; no logic lives here."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence

from symderiv import __version__, api
from symderiv.config import CheckConfig, Notation, ReadConfig
from symderiv.errors import SymderivError

EXIT_OK, EXIT_FALSE, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="symderiv",
        description="Check derivations step by step; derive and spot-check softmax calculus.",
    )
    ap.add_argument("--version", action="version", version=f"symderiv {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "check",
        help="check every step of the derivations in files",
        description="Check every step of the display math in documents. FILE may be a "
        "Markdown (.md, .markdown), LaTeX (.tex) or notebook (.ipynb) file, a directory (its "
        "documents, recursively) or - for standard input.",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument(
        "--output-format",
        choices=("text", "json", "github"),
        default=None,
        help="the report: text (default), json, or github (workflow annotations)",
    )
    c.add_argument("--json", action="store_true", help="short for --output-format json")
    c.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on conditional, undetermined and unparsed steps too, and on a file with no step",
    )
    c.add_argument(
        "--format",
        choices=("md", "tex", "ipynb"),
        default=None,
        dest="fmt",
        help="the input format (default: by suffix; Markdown for standard input)",
    )
    c.add_argument(
        "--stdin-filename",
        default="<stdin>",
        metavar="NAME",
        help="the name standard input is reported under (its suffix gives the format)",
    )
    c.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="FACT",
        help="an assumption, e.g. 'sum(y) = 1', 'log = ln', 'i != j' (repeatable)",
    )
    c.add_argument("--seed", type=int, default=0, help="seed of the numeric sampling (default 0)")
    c.add_argument("--timeout", type=float, default=5.0, help="seconds per step (default 5)")
    c.add_argument(
        "--budget",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="CPU seconds per document, its reading included (default 40; 0: no budget): the "
        "steps met after it are reported undetermined, 'not judged', and counted in a note",
    )
    c.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes: inputs, and the steps of long ones, are spread over them "
        "(default: the cores available); the report is the same for every N",
    )
    c.add_argument("--verbose", "-v", action="store_true", help="show how every step was read")
    c.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only the steps that are false, undetermined or unparsed, and the total",
    )
    c.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report: auto (on a terminal, unless NO_COLOR is set)",
    )

    d = sub.add_parser("derive", help="build a catalogued derivation and print it")
    d.add_argument("name", help="a name from `symderiv list`")
    d.add_argument("--n", type=_positive_int, default=None, help="concrete number of classes")
    d.add_argument(
        "--format",
        choices=("text", "latex", "markdown", "json"),
        default="latex",
        dest="fmt",
        help="latex (an align* body, default), markdown ($$ blocks that check reads back), "
        "json, or text",
    )
    d.add_argument("--standalone", action="store_true", help="a complete LaTeX document")
    d.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="write to FILE, not standard output"
    )
    d.add_argument("--logits", default="x", help="name of the logits (x, z, a, o)")
    d.add_argument("--probs", default="p", help="name of the probabilities (p, S, \\hat{y})")
    d.add_argument("--targets", default="y", help="name of the targets (y, t)")
    d.add_argument("--loss", default="L", help="name of the loss")
    d.add_argument("--indices", default="ijk", help="three index letters (default ijk)")
    d.add_argument("--classes", default="n", help="symbol for the number of classes (n, C, K)")
    d.add_argument("--ln", action="store_true", help="write natural log as \\ln")
    d.add_argument(
        "--wrt",
        default=None,
        metavar="ENTRY",
        help="NAME is a document: differentiate by ENTRY (e.g. x_i) from its own definitions",
    )
    d.add_argument(
        "--of", default=None, metavar="NAME", help="with --wrt: the defined scalar (default: the last)"
    )

    s = sub.add_parser(
        "spot",
        help="numeric spot checks of a catalogued derivation",
        description="Compare every symbolic result of a catalogued derivation, lambdified, with "
        "numeric references (complex step, finite differences, the Taylor test) at random and "
        "extreme points. Exit 0 when every check agrees within its tolerance, 1 when one does not.",
    )
    s.add_argument("name", help="a name from `symderiv list`")
    s.add_argument("--n", type=_positive_int, default=10, help="number of classes (default 10)")
    s.add_argument(
        "--samples",
        type=_positive_int,
        default=64,
        help="random points, besides the extreme ones (default 64)",
    )
    s.add_argument("--seed", type=int, default=0, help="seed of the random points (default 0)")
    s.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default="float64",
        help="floating-point type of the computation (default float64)",
    )
    s.add_argument("--json", action="store_true", help="print one JSON object")

    sub.add_parser("list", help="the catalogue")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status of the contract (0, 1 or 2)."""
    ap = _parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on bad usage, 0 on --help/--version
        return int(e.code or 0)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "derive":
            return _derive(args)
        if args.command == "spot":
            return _spot(args)
        return _list()
    except (SymderivError, ValueError, OSError) as e:
        print(f"symderiv: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print("symderiv: error: out of memory: try a smaller --n", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _check(args: argparse.Namespace) -> int:
    if args.json and args.output_format not in (None, "json"):
        print(
            "symderiv: error: --json contradicts --output-format",
            args.output_format,
            file=sys.stderr,
        )
        return EXIT_USAGE
    output_format = "json" if args.json else (args.output_format or "text")
    check_cfg = CheckConfig(
        seed=args.seed, step_timeout_s=args.timeout, assumptions=tuple(args.assume)
    )
    read_cfg = ReadConfig(fmt=args.fmt)
    run = api.check_run(
        args.files,
        check_cfg=check_cfg,
        read_cfg=read_cfg,
        stdin=sys.stdin.buffer if "-" in args.files else None,
        stdin_name=args.stdin_filename,
        jobs=args.jobs or api.default_jobs(),
        budget_s=api.DEFAULT_BUDGET_S if args.budget is None else args.budget,
        progress=sys.stderr,
        sympy_forms=False,  # the CLI only renders the reports
    )
    results = run.reports
    for r in results:
        if r.error is not None:
            print(f"symderiv: error: {r.error}", file=sys.stderr)
    text = api.render(
        results,
        output_format=output_format,
        verbose=args.verbose,
        quiet=args.quiet,
        width=shutil.get_terminal_size((100, 24)).columns,
        colour=_colour(args.color),
    )
    if text:
        print(text)
    if run.interrupted:
        print("symderiv: interrupted: the steps not judged are marked so", file=sys.stderr)
        return EXIT_INTERRUPTED
    if any(r.error is not None for r in results):
        return EXIT_USAGE
    return EXIT_FALSE if any(r.fails(strict=args.strict) for r in results) else EXIT_OK


def _colour(choice: str) -> bool:
    # NOTE: https://no-color.org: a set, non-empty NO_COLOR turns colour off, even "always".
    if os.environ.get("NO_COLOR"):
        return False
    return choice == "always" or (choice == "auto" and sys.stdout.isatty())


def _notation(args: argparse.Namespace) -> Notation:
    letters = tuple(args.indices)
    if len(letters) != 3 or len(set(letters)) != 3 or not all(c.isalpha() for c in letters):
        raise ValueError(f"--indices takes three different letters, got {args.indices!r}")
    return Notation(
        logits=args.logits,
        probs=args.probs,
        targets=args.targets,
        loss=args.loss,
        indices=(letters[0], letters[1], letters[2]),
        classes=args.classes,
    )


def _derive(args: argparse.Namespace) -> int:
    if args.wrt is not None:
        text, rep = api.derive_file(
            args.name, wrt=args.wrt, of=args.of, fmt=args.fmt, standalone=args.standalone,
            ln=args.ln,
        )
        for note in rep.derivation.warnings:
            print(f"symderiv: note: {note}", file=sys.stderr)
    elif args.of is not None:
        raise ValueError("--of goes with --wrt (derive FILE --wrt x_i --of L)")
    else:
        text, rep = api.derive(
            args.name,
            args.n,
            notation=_notation(args),
            fmt=args.fmt,
            standalone=args.standalone,
            ln=args.ln,
        )
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_FALSE if rep.has_false else EXIT_OK


def _spot(args: argparse.Namespace) -> int:
    text, ok = api.spot(
        args.name,
        n=args.n,
        samples=args.samples,
        seed=args.seed,
        dtype=args.dtype,
        as_json=args.json,
    )
    print(text)
    return EXIT_OK if ok else EXIT_FALSE


def _list() -> int:
    for name, summary in api.list_catalogue():
        print(f"{name:<16} {summary}")
    return EXIT_OK
