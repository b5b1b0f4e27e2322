"""A LaTeX math tokenizer that keeps every token's exact offset in the document."""

from __future__ import annotations

from dataclasses import dataclass

from symderiv.errors import ParseError
from symderiv.reader._source import SourceText

#: Commands that only change spacing or size: dropped.
SPACING = frozenset(
    {
        ",",
        ";",
        ":",
        "!",
        " ",
        "quad",
        "qquad",
        "displaystyle",
        "textstyle",
        "limits",
        "nolimits",
        "nonumber",
        "notag",
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
        "bigm",
        "Bigm",
        "middle",
        "hfill",
        "allowbreak",
        "mathstrut",
        "strut",
        "thinspace",
        "medspace",
        "thickspace",
        "negthinspace",
        "space",
        "rm",
        "it",
        "cal",
        "sf",
        "indent",
        "noindent",
        "enspace",
    }
)
#: Font/wrapper commands whose one argument is read as if the wrapper were not there.
TRANSPARENT = frozenset(
    {
        "mathbf",
        "bf",
        "bold",
        "boldsymbol",
        "bm",
        "mathit",
        "mathrm",
        "mathsf",
        "mathnormal",
        "textbf",
        "textit",
        "operatorname",
        "boxed",
        "mathbb",
        "mathcal",
        "pmb",
        "textrm",
        "text",
        "mbox",
        "vec",
    }
)
#: Commands dropped together with their (first) braced argument.
DROP_WITH_ARG = frozenset({"label", "tag", "color", "textcolor", "hspace", "vspace", "mathrm*"})

UNICODE = {
    "×": "times",
    "·": "cdot",
    "⋅": "cdot",
    "≠": "neq",
    "≤": "leq",
    "≥": "geq",
    "∑": "sum",
    "∂": "partial",
    "≈": "approx",
    "∞": "infty",
    "∼": "sim",
    "∈": "in",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "π": "pi",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ω": "omega",
}
#: Commands that are another command's spelling.
CMD_ALIASES = {"backsim": "sim", "thicksim": "sim", "dots": "ldots", "ne": "neq"}
#: Commands that are a plain symbol: ``\lvert`` is ``|``.
CMD_SYMBOLS = {"lvert": "|", "rvert": "|", "vert": "|", "ast": "*"}
UNICODE_SYMBOLS = {"−": "-", "–": "-", "＝": "=", "（": "(", "）": ")", "’": "'", "′": "'"}
SYMBOLS = frozenset("+-*/^_{}()[]|=,<>!&':;.~")


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is cmd, word, num, sym, begin, end or text; offsets are absolute."""

    kind: str
    text: str
    start: int
    end: int
    bold: bool = False


def tokenize(
    text: str, base: int = 0, *, src: SourceText | None = None, max_depth: int = 200
) -> list[Token]:
    """Tokens of ``text`` (standing at offset ``base`` of its document), wrappers removed.

    Spacing and sizing commands are dropped, font wrappers such as ``\\mathbf{...}`` are
    replaced by their content, and braces/brackets are checked for balance and depth.

    Raises:
        ParseError: unbalanced braces, nesting deeper than ``max_depth``, a lone backslash.

    >>> [t.text for t in tokenize(r"\\mathbf{x_i} \\, + 2.5")]
    ['x', '_', 'i', '+', '2.5']
    """
    raw = _scan(text, base, src)
    toks = _unwrap(raw, src)
    _check_nesting(toks, src, max_depth)
    return toks


def _err(msg: str, start: int, end: int, src: SourceText | None) -> ParseError:
    return ParseError(msg, src.span(start, end) if src is not None else None)


def _scan(text: str, base: int, src: SourceText | None) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "\\":
            if i + 1 >= n:
                raise _err("a lone backslash ends the formula", base + i, base + i + 1, src)
            j = i + 1
            if text[j].isascii() and text[j].isalpha():
                while j < n and text[j].isascii() and text[j].isalpha():
                    j += 1
                name = text[i + 1 : j]
                if j < n and text[j] == "*" and name in ("operatorname",):
                    j += 1
                if name in ("begin", "end"):
                    k = j
                    while k < n and text[k] == " ":
                        k += 1
                    close = text.find("}", k, k + 40)
                    if k < n and text[k] == "{" and close != -1 and close - k < 30:
                        env = text[k + 1 : close].strip()
                        out.append(Token(name, env, base + i, base + close + 1))
                        i = close + 1
                        continue
                    raise _err(f"\\{name} without an environment name", base + i, base + j, src)
                if name == "not":
                    k = j
                    while k < n and text[k] == " ":
                        k += 1
                    if k < n and text[k] == "=":
                        out.append(Token("cmd", "neq", base + i, base + k + 1))  # \not=
                        i = k + 1
                        continue
                if name in CMD_SYMBOLS:
                    out.append(Token("sym", CMD_SYMBOLS[name], base + i, base + j))
                else:
                    out.append(Token("cmd", CMD_ALIASES.get(name, name), base + i, base + j))
                i = j
            else:
                out.append(Token("cmd", text[j], base + i, base + j + 1))
                i = j + 1
            continue
        if c.isascii() and c.isalpha():
            j = i
            while j < n and text[j].isascii() and text[j].isalpha():
                j += 1
            out.append(Token("word", text[i:j], base + i, base + j))
            i = j
            continue
        if c.isdigit() and c.isascii():
            j = i
            while j < n and text[j].isdigit():
                j += 1
            if j + 1 < n and text[j] == "." and text[j + 1].isdigit():
                j += 1
                while j < n and text[j].isdigit():
                    j += 1
            out.append(Token("num", text[i:j], base + i, base + j))
            i = j
            continue
        if c == "." and i + 1 < n and text[i + 1].isdigit():
            j = i + 1
            while j < n and text[j].isdigit():
                j += 1
            out.append(Token("num", "0" + text[i:j], base + i, base + j))
            i = j
            continue
        if c in SYMBOLS:
            out.append(Token("sym", c, base + i, base + i + 1))
        elif c in UNICODE_SYMBOLS:
            out.append(Token("sym", UNICODE_SYMBOLS[c], base + i, base + i + 1))
        elif c in UNICODE:
            out.append(Token("cmd", UNICODE[c], base + i, base + i + 1))
        elif c.isalpha():
            j = i
            while j < n and text[j].isalpha() and not text[j].isascii():
                j += 1
            out.append(Token("text", text[i:j], base + i, base + j))
            i = j
            continue
        else:
            out.append(Token("bad", c, base + i, base + i + 1))
        i += 1
    return out


def _matching(toks: list[Token], open_at: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_at``, or -1."""
    depth = 0
    for m in range(open_at, len(toks)):
        t = toks[m]
        if t.kind == "sym" and t.text == "{":
            depth += 1
        elif t.kind == "sym" and t.text == "}":
            depth -= 1
            if depth == 0:
                return m
    return -1


def _is_sym(t: Token | None, s: str) -> bool:
    return t is not None and t.kind == "sym" and t.text == s


def _unwrap(toks: list[Token], src: SourceText | None) -> list[Token]:
    """Drop spacing, unwrap font commands, drop labels and colours (one pass, left to right)."""
    out: list[Token] = []
    skip_close: set[int] = set()
    bold_close: list[int] = []
    m = 0
    while m < len(toks):
        while bold_close and m > bold_close[-1]:
            bold_close.pop()
        t = toks[m]
        if bold_close and not t.bold:
            t = Token(t.kind, t.text, t.start, t.end, bold=True)
        nxt = toks[m + 1] if m + 1 < len(toks) else None
        if t.kind == "sym" and t.text == "~":
            m += 1
            continue
        if m in skip_close:
            m += 1
            continue
        if t.kind == "cmd" and t.text in SPACING:
            if t.text in ("left", "right", "middle") and _is_sym(nxt, "."):
                m += 2
                continue
            m += 1
            continue
        if t.kind == "cmd" and t.text in DROP_WITH_ARG:
            if _is_sym(nxt, "{"):
                close = _matching(toks, m + 1)
                if close == -1:
                    raise _err(f"\\{t.text}{{ is never closed", t.start, t.end, src)
                m = close + 1
                if t.text == "textcolor" and m < len(toks) and _is_sym(toks[m], "{"):
                    close2 = _matching(toks, m)
                    if close2 != -1:
                        skip_close.add(close2)
                        m += 1
                continue
            if t.text == "color" and nxt is not None and nxt.kind == "word":
                m += 2
                continue
            m += 1
            continue
        if t.kind == "cmd" and t.text in TRANSPARENT:
            if _is_sym(nxt, "{"):
                close = _matching(toks, m + 1)
                if close == -1:
                    raise _err(f"\\{t.text}{{ is never closed", t.start, t.end, src)
                if t.text in ("text", "mbox", "textrm", "mathrm", "operatorname"):
                    # NOTE: the words of \text{...} / \operatorname{...} stay one name
                    # (softmax, KL, ...), so prose such as "if" is never read as i*f.
                    inner = toks[m + 2 : close]
                    if inner and all(x.kind in ("word", "text") for x in inner):
                        joined = " ".join(x.text for x in inner)
                        out.append(Token("name", joined, inner[0].start, inner[-1].end))
                        m = close + 1
                        continue
                    if not inner:
                        m = close + 1
                        continue
                    if t.text in ("text", "mbox", "textrm"):
                        raise _err(
                            f"prose inside the math: \\{t.text}{{...}}",
                            t.start,
                            toks[close].end,
                            src,
                        )
                skip_close.add(close)
                if t.text in ("mathbf", "bold", "boldsymbol", "bm", "pmb"):
                    bold_close.append(close)
                m += 2
                continue
            if nxt is not None and t.text in (
                "mathbf",
                "bf",
                "bold",
                "boldsymbol",
                "bm",
                "mathrm",
                "mathit",
            ):
                m += 1  # \mathbf x: the next token is the argument
                if t.text in ("mathbf", "bf", "bold", "boldsymbol", "bm") and nxt.kind == "word":
                    # only its first letter: \mathbf xy is a bold x times y
                    head = Token(nxt.kind, nxt.text[:1], nxt.start, nxt.start + 1, bold=True)
                    out.append(head)
                    if len(nxt.text) > 1:
                        toks[m] = Token(nxt.kind, nxt.text[1:], nxt.start + 1, nxt.end)
                    else:
                        m += 1
                continue
            m += 1
            continue
        out.append(t)
        m += 1
    return out


_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {"}": "{", ")": "(", "]": "["}


def _check_nesting(toks: list[Token], src: SourceText | None, max_depth: int) -> None:
    """Braces and environments must balance; parentheses only may not nest too deep."""
    stack: list[Token] = []
    depth = 0
    for t in toks:
        if (t.kind == "sym" and t.text in ("{", "(", "[")) or t.kind == "begin":
            depth += 1
            if depth > max_depth:
                raise _err(f"nested deeper than {max_depth} levels", t.start, t.end, src)
            if t.kind == "begin" or t.text == "{":
                stack.append(t)
        elif (t.kind == "sym" and t.text in (")", "]")) or t.kind == "end":
            depth = max(0, depth - 1)
            if t.kind == "end":
                if not stack or stack[-1].kind != "begin" or stack[-1].text != t.text:
                    raise _err(
                        f"\\end{{{t.text}}} does not close an open environment", t.start, t.end, src
                    )
                stack.pop()
        elif t.kind == "sym" and t.text == "}":
            depth = max(0, depth - 1)
            if not stack or stack[-1].kind != "sym":
                raise _err("unbalanced braces: '}' closes nothing", t.start, t.end, src)
            stack.pop()
    if stack:
        t = stack[-1]
        what = "'{'" if t.kind == "sym" else f"\\begin{{{t.text}}}"
        raise _err(f"unbalanced braces: {what} is never closed", t.start, t.end, src)
