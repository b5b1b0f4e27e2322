"""What the prose around the math says: values, definitions, names and their kinds (the cases
it states are read by :mod:`symderiv.reader.cases`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from symderiv import symbols
from symderiv.errors import ParseError
from symderiv.model import Assumption, SourceSpan
from symderiv.reader import _shapes
from symderiv.reader._source import SourceText
from symderiv.reader.parser import STANDARD_FUNCS, ParseContext, parse_math

_APPLIED = re.compile(r"(?<![A-Za-z\\])([A-Z])\s*\(\s*(?:\\mathbf\s*\{\s*)?([a-z])\s*\}?\s*\)")
_INFO_ARGS = re.compile(
    r"(?:H|D_\{?\s*(?:\\[a-z]+\{)?KL\}?\}?)\s*\(\s*([A-Z])(?:[^A-Za-z)]{1,6}([A-Z]))?\s*\)"
)
#: Capitals that name operators of the field, never a distribution applied to an outcome.
_NOT_APPLIED = frozenset({"H", "E"})
_SIM = re.compile(r"\\sim\s*([A-Z])")
MAX_INLINE_CHARS = 500



def distribution_names(text: str) -> frozenset[str]:
    """Capital letters that the document applies to an outcome (``P(x)``) or uses as a
    distribution (``H(P)``, ``D_{KL}(P||Q)``, ``X \\sim P``).

    >>> sorted(distribution_names(r"$$I(x) = -\\log P(x)$$ and H(Q)"))
    ['I', 'P', 'Q']
    """
    names = {"P", "Q"}
    names.update(m.group(1) for m in _APPLIED.finditer(text) if m.group(1) not in _NOT_APPLIED)
    for m in _INFO_ARGS.finditer(text):
        names.update(g for g in m.groups() if g)
    names.update(m.group(1) for m in _SIM.finditer(text))
    return frozenset(names)


def functions_of_vectors(text: str, columns: frozenset[str]) -> frozenset[str]:
    """Capitals the document applies only to its vectors (``L(w)`` with ``w^T x`` elsewhere):
    functions of a whole vector, never distributions read at an outcome.

    >>> sorted(functions_of_vectors(r"$$L(w) = w^T w$$ $$P(x) = 1$$ $$J(w) + J(v)$$", frozenset("w")))
    ['L']
    """
    args: dict[str, set[str]] = {}
    for m in _APPLIED.finditer(text):
        args.setdefault(m.group(1), set()).add(m.group(2))
    used = {g for m in _INFO_ARGS.finditer(text) for g in m.groups() if g}
    used |= {m.group(1) for m in _SIM.finditer(text)}
    return frozenset(k for k, v in args.items() if v <= columns and k not in used | {"P", "Q"})


_ENTRY = re.compile(r"(?<![A-Za-z\\])([a-z])_(?:\{\s*)?[a-z0-9]")


_CAPITAL_ENTRY = re.compile(r"(?<![A-Za-z\\])([A-Z])_(?:\{\s*)?[a-z0-9]\s*\}?(?![A-Za-z])")


def entry_names(text: str) -> frozenset[str]:
    """Capitals written with one index (``S_i``), as opposed to applied (``S(x)``).

    >>> sorted(entry_names(r"$$S_i = P_{j}$$ and $$D_{KL}$$"))
    ['P', 'S']
    """
    return frozenset(m.group(1) for m in _CAPITAL_ENTRY.finditer(text))


_SUBSCRIPT_LETTERS = re.compile(r"_\{?\s*(?:\\mathbf\{)?([a-z]{1,2})\b")


def index_letters(text: str) -> frozenset[str]:
    r"""Letters that can state a case: the usual index letters and every letter the document
    uses as a subscript (``x_a``, ``\delta_{ab}``).

    >>> sorted(index_letters(r"$$\delta_{ab} = o_a$$") - set(symbols.INDEX_LETTERS))
    ['a', 'b']
    """
    return frozenset(symbols.INDEX_LETTERS) | subscript_letters(text)


def subscript_letters(text: str) -> frozenset[str]:
    r"""Letters the document writes as a subscript (``x_a``, ``\delta_{ab}``): its indices.

    >>> sorted(subscript_letters(r"$$\delta_{ab} = o_a + t$$"))
    ['a', 'b']
    """
    return frozenset(c for m in _SUBSCRIPT_LETTERS.finditer(text) for c in m.group(1))


def vector_names(text: str) -> frozenset[str]:
    """Lowercase letters the document writes with an index, ``p_i`` or ``y_{k}``.

    >>> sorted(vector_names(r"$$H(p) = -\\sum_i p_i \\log_2 p_i$$"))
    ['p']
    """
    return frozenset(m.group(1) for m in _ENTRY.finditer(text))


_ARG = (
    r"(?:\\(?:mathbf|boldsymbol|bm|hat|bar|tilde|vec)\s*\{?\s*)?\\?[A-Za-z]+\s*\}?"
    r"(?:\s*_\s*\{?\s*\\?[A-Za-z0-9]+\s*\}?)?(?:\s*\^\s*\{?\s*\(\s*[a-z0-9]\s*\)\s*\}?"
    r"|\s*\^\s*\{?\s*2\s*\}?)?"
)
_FUNCTION_HEAD = re.compile(
    r"(?:^|[$&\n]|\\\\|\\\[|\\begin\{[^{}]*\}|\\cr\b|\\newline\b)\s*"
    r"(?:\\(?:mathrm|operatorname|text|mathcal|mathit)\s*\{\s*)?"
    r"(?P<name>\\?[A-Za-z]+)\s*\}?"
    r"(?:\s*_\s*(?P<sub>\{\s*\\?[A-Za-z0-9]+\s*\}|\\[A-Za-z]+|[A-Za-z0-9]))?"
    r"\s*(?:\\left\s*)?\(\s*" + _ARG + r"(?:\s*(?:,|;|\||\\mid|\\lvert)\s*" + _ARG + r")*\s*"
    r"(?:\\right\s*)?\)\s*(?:_\s*\{?\s*[a-z]\s*\}?)?\s*&?\s*(?:=|:=|\\coloneqq)(?!=)"
)
_PRIMED = re.compile(
    r"(?<![A-Za-z])(?P<name>\\?[A-Za-z]+)\s*(?:'|’|\^\s*\{\s*'\s*\}|\^\s*\\prime)+\s*(?:\\left\s*)?\("
)
#: Names that are never a document's own function (the parser reads them itself).
_NOT_FUNCTIONS = frozenset(
    {
        "exp",
        "log",
        "ln",
        "lg",
        "sin",
        "cos",
        "tan",
        "tanh",
        "sinh",
        "cosh",
        "sech",
        "csch",
        "coth",
        "sec",
        "csc",
        "cot",
        "softmax",
        "sigmoid",
        "H",
        "E",
        "D",
        "frac",
        "dfrac",
        "tfrac",
        "cfrac",
        "sqrt",
        "left",
        "right",
        "partial",
        "nabla",
        "sum",
        "prod",
        "int",
        "lim",
        "max",
        "min",
        "mathbb",
        "Pr",
        "d",
        "e",
    }
)


def _function_name(name: str, sub: str | None) -> str | None:
    from symderiv.reader.parser import GREEK

    if name.startswith("\\"):
        name = name[1:]
        if name not in GREEK:
            return None
    if name in _NOT_FUNCTIONS:
        return None
    if sub:
        sub = sub.strip("{} ").lstrip("\\")
        return f"{name}_{sub}"
    return name


_ENTRY_HEAD = re.compile(
    r"(?:^|[$&\n]|\\\\|\\\[|\\begin\{[^{}]*\}|\\cr\b)\s*(?P<name>\\?[A-Za-z]+)\s*"
    r"(?:\\left\s*)?\(\s*(?P<vec>[A-Za-z])\s*_\s*\{?\s*(?P<idx>[a-z])\s*\}?\s*(?:\\right\s*)?\)"
    r"\s*&?\s*(?:=|:=)(?P<body>[^$\n]*)"
)


def entry_functions(text: str) -> frozenset[str]:
    r"""Names the document defines as an entry of a function of a whole vector.

    ``\sigma(A_i) = \frac{e^{A_i}}{\sum_j e^{A_j}}``: the right side uses other entries of
    ``A`` than ``A_i`` (or sums over them), so ``\sigma(A_k)`` is entry ``k`` of a function
    of the vector ``A`` (as ``softmax(z)_k``), never a function of the number ``A_k``.

    >>> sorted(entry_functions(r"$$\sigma(A_i) = \frac{e^{A_i}}{\sum_j e^{A_j}}$$ $$g(x_i) = x_i^2$$"))
    ['sigma']
    """
    out: set[str] = set()
    for m in _ENTRY_HEAD.finditer(text):
        vec, idx, body = m.group("vec"), m.group("idx"), m.group("body")
        body = re.split(r"\\\\|\$\$", body)[0]
        others = re.findall(rf"(?<![A-Za-z\\]){vec}\s*_\s*\{{?\s*([a-z0-9])", body)
        if any(o != idx for o in others):
            key = _function_name(m.group("name"), None)
            if key is not None:
                out.add(key)
    return frozenset(out)


_LONE_LETTER = re.compile(r"(?<![A-Za-z\\])([A-Za-z])(?![A-Za-z])")


def lone_letters(math: list[str]) -> frozenset[str]:
    r"""Letters that stand alone as names somewhere in the given formulas (``x`` in ``2x_i``).

    >>> sorted(lone_letters([r"loss = \frac{1}{n} \sum_i l_i"]))
    ['i', 'l', 'n']
    """
    return frozenset(c for body in math for c in _LONE_LETTER.findall(body))


def function_names(text: str) -> frozenset[str]:
    r"""Names the document defines or differentiates as functions.

    A name applied to variables at the head of a chain (``f(x) = x^2``, ``J(w, b) = ...``,
    ``s(\mathbf x)_i = ...``) or written with a prime before parentheses (``g'(x)``).  Keys are
    as the parser spells names: ``f``, ``F_0``, ``h_theta``, ``FL``.

    >>> sorted(function_names(r"$$f(x) = x^2$$ and $$g'(t) = 1$$ but $$a(1 - a) = b$$"))
    ['f', 'g']
    """
    out: set[str] = set()
    for m in _FUNCTION_HEAD.finditer(text):
        key = _function_name(m.group("name"), m.group("sub"))
        if key is not None:
            out.add(key)
    for m in _PRIMED.finditer(text):
        key = _function_name(m.group("name"), None)
        if key is not None:
            out.add(key)
    return frozenset(out)


_MATRIX_ENTRY = re.compile(r"(?<![A-Za-z\\])([A-Z])_\{\s*[a-z]\s*,?\s*[a-z]\s*\}")


_TWO_INDEX = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_\{\s*[a-z]\s*,?\s*[a-z]\s*\}")
_ONE_INDEX = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_(?:\{\s*[a-z]\s*\}|[a-z](?![a-z]))")


def paired_names(text: str) -> frozenset[str]:
    """Letters the document writes with two indices (``v_{kj}``) and never with one.

    Their two-digit subscripts are two indices: ``v_{00}`` is entry (0, 0), not entry 0.

    >>> sorted(paired_names(r"$$a_k = \\sum_j v_{kj} z_j$$ $$a_0 = v_{00} z_0$$"))
    ['v']
    """
    return frozenset(m.group(1) for m in _TWO_INDEX.finditer(text)) - frozenset(
        m.group(1) for m in _ONE_INDEX.finditer(text)
    )


def matrix_names(text: str) -> frozenset[str]:
    """Capitals the document writes with two indices (``J_{ij}``): matrices when bare.

    >>> sorted(matrix_names(r"$$J_{ij} = \\delta_{ij}$$ so $$J = I$$"))
    ['J']
    """
    return frozenset(m.group(1) for m in _MATRIX_ENTRY.finditer(text))


_APPLIED_LOWER = re.compile(r"(?<![A-Za-z\\_^])([a-z])\s*\(\s*([a-z])\s*\)")


def outcome_functions(text: str) -> frozenset[str]:
    """Lowercase letters applied to one outcome letter (``p(w)``, ``m(x)``).

    >>> sorted(outcome_functions(r"$$\\sum_w p(w) \\log m(w) + a_i(x) + e^{f(x)}$$"))
    ['f', 'm', 'p']
    """
    return frozenset(m.group(1) for m in _APPLIED_LOWER.finditer(text) if m.group(1) != m.group(2))


def random_variables(text: str) -> tuple[tuple[str, str], ...]:
    """Outcome letter → the distribution first applied to it, preferring ``P``.

    >>> random_variables(r"I(x) = -\\log P(x)")
    (('x', 'P'),)
    """
    seen: dict[str, list[str]] = {}
    for m in _APPLIED.finditer(text):
        if m.group(1) in _NOT_APPLIED:
            continue
        seen.setdefault(m.group(2), [])
        if m.group(1) not in seen[m.group(2)]:
            seen[m.group(2)].append(m.group(1))
    out = []
    for var, names in seen.items():
        pick = "P" if "P" in names else names[0]
        out.append((var, pick))
    return tuple(out)


def inline_values(src: SourceText, start: int, end: int, ctx: ParseContext) -> list[Assumption]:
    """Values stated in inline math: ``y = P(x) = [1, 0, 0]`` gives values of ``y`` and ``P``.

    The value is the last member of the chain when it is a vector of numbers; every other
    member that names a vector (``x``, ``\\mathbf{x}``, ``P(x)``) receives it.
    """
    body = src.text[start:end]
    if len(body) > MAX_INLINE_CHARS or "=" not in body:
        return []
    parts = _split_top_level_eq(body)
    if len(parts) < 2:
        return []
    try:
        value = parse_math(
            body[parts[-1][0] : parts[-1][1]], base=start + parts[-1][0], src=src, ctx=ctx
        ).expr
    except ParseError:
        return []
    if not isinstance(value, sympy.MatrixBase) or not all(v.is_number for v in value):
        return []
    column = sympy.ImmutableMatrix(list(value))
    out = []
    for a, b in parts[:-1]:
        try:
            target = parse_math(body[a:b], base=start + a, src=src, ctx=ctx).expr
        except ParseError:
            continue
        base = _target(target)
        if base is None:
            continue
        out.append(
            Assumption(
                expr=sympy.Tuple(base, column),
                text=body.strip(),
                source="document",
                kind="values",
                span=src.span(start, end),
            )
        )
    return out


@dataclass(frozen=True)
class InlineDefinitions:
    """What the inline math of one span defines: ``read`` as ``(target, value, span)`` before
    normalisation, and ``unread`` as ``(name, the formula as written, span)`` where the name is
    clear and its formula is not (``$z = \\mathop{f}(x)$``): the name is defined, how is not
    known, and the checker takes it as a function of unknown form, never as a constant."""

    read: list[tuple[sympy.Basic, sympy.Basic, SourceSpan]]
    unread: list[tuple[sympy.Basic, str, SourceSpan]]


def inline_definitions(src: SourceText, start: int, end: int, ctx: ParseContext) -> InlineDefinitions:
    """Definitions stated in inline math: ``$u = \\exp(a_0) + \\exp(a_1)$``, ``$S_i = ...$``.

    Each comma-separated part whose first member is a bare name (``u``, ``S_i``, ``f(x)``) and
    whose last member is a formula (not a number: values are :func:`inline_values`) defines
    that name.
    """
    out = InlineDefinitions([], [])
    body = src.text[start:end]
    if len(body) > MAX_INLINE_CHARS or "=" not in body:
        return out
    for a0, b0 in _split_top_level(body, ","):
        piece = body[a0:b0]
        parts = _split_top_level_eq(piece)
        if len(parts) < 2:
            continue
        try:
            read = [parse_math(piece[a:b], base=start + a0 + a, src=src, ctx=ctx) for a, b in parts]
        except ParseError:
            if len(parts) == 2:
                unread = _unread(src, start + a0, piece, parts, ctx)
                if unread is not None:
                    out.unread.append(unread)
            continue
        if len({p.shape for p in read}) > 1:
            # NOTE: $Y_1 = W X_1$ with Y_1 read as a number and W X_1 a matrix: not read, and
            # so Y_1 is not taken for a quantity of its own either.
            if len(parts) == 2:
                unread = _unread(src, start + a0, piece, parts, ctx)
                if unread is not None:
                    out.unread.append(unread)
            continue
        members = [p.expr for p in read]
        # NOTE: in "h_i = \\sum_k e^{a_k} = \\Sigma" the formula is the value; the bare names
        # around it (h_i, \\Sigma) are both names for it.
        # NOTE: B_3 \\mathbf{1}^T reads as the entry B_3[i] of an outer product: a formula,
        # though its entry is a bare name (a vector or matrix member is a name only as written).
        bare = [
            _bare_name(m, target=k == 0)
            and (read[k].shape is None or _shapes.is_bare_name(piece[a:b]))
            for k, (m, (a, b)) in enumerate(zip(members, parts, strict=True))
        ]
        formulas = [m for m, b in zip(members, bare, strict=True) if not b]
        names = [m for m, b in zip(members, bare, strict=True) if b]
        if len(formulas) != 1 or not names or names[0] != members[0]:
            continue
        value = formulas[0]
        # NOTE: $p_i = \frac{1}{6}$ gives every entry one value: a definition of the vector
        # (a number for a plain name, $T = 1$, is a value: see inline_values).
        every_entry = isinstance(names[0], sympy.Indexed) and all(
            isinstance(i, sympy.Symbol) for i in names[0].indices
        )
        if isinstance(value, sympy.MatrixBase) or (value.is_number and not every_entry):
            continue
        span = src.span(start + a0, start + b0)
        out.read.extend((t, value, span) for t in names if not value.has(t))
    return out


def _unread(
    src: SourceText, at: int, piece: str, parts: list[tuple[int, int]], ctx: ParseContext
) -> tuple[sympy.Basic, str, SourceSpan] | None:
    """``name = <a formula not read>``: the name, the formula as written and the span; None
    when the name itself is not read or is no bare name (a function's head is its own)."""
    (a, b), (c, d) = parts
    try:
        head = parse_math(piece[a:b], base=at + a, src=src, ctx=ctx).expr
    except ParseError:
        return None
    if not _bare_name(head) or isinstance(head, sympy.core.function.AppliedUndef):
        return None
    return head, piece[c:d], src.span(at, at + len(piece))


def _bare_name(e: sympy.Basic, *, target: bool = True) -> bool:
    """A name a formula can define: ``u``, ``S_i``, ``x_{ij}``, ``f(x)`` (not an index).

    Past the first member of a chain, a standard object (``softmax(z)_i``) is a formula.
    """
    if (
        not target
        and isinstance(e, sympy.core.function.AppliedUndef)
        and e.func.__name__ in STANDARD_FUNCS
    ):
        return False
    if isinstance(e, sympy.Symbol):
        return not e.is_integer and not isinstance(e, sympy.Dummy)
    if isinstance(e, sympy.Indexed):
        return all(isinstance(i, sympy.Symbol) for i in e.indices)
    if isinstance(e, sympy.core.function.AppliedUndef):
        return bool(e.args) and all(
            isinstance(a, (sympy.Symbol, sympy.IndexedBase)) for a in e.args
        )
    return False


def _split_top_level(body: str, sep: str) -> list[tuple[int, int]]:
    parts = []
    depth = 0
    pos = 0
    for m, c in enumerate(body):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth = max(0, depth - 1)
        elif c == sep and depth == 0:
            parts.append((pos, m))
            pos = m + 1
    parts.append((pos, len(body)))
    return parts


def _target(e: sympy.Basic) -> sympy.Basic | None:
    if isinstance(e, sympy.Symbol) and len(e.name) == 1:
        if e.name.isupper():
            return symbols.distribution(e.name)
        return symbols.vector(e.name)
    if isinstance(e, sympy.Indexed) and all(isinstance(i, sympy.Symbol) for i in e.indices):
        return e.base
    if isinstance(e, sympy.IndexedBase):
        return e
    return None


def _split_top_level_eq(body: str) -> list[tuple[int, int]]:
    return _split_top_level(body, "=")
