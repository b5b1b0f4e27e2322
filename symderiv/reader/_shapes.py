"""Which names a document uses as matrices: declared (``W \\in \\mathbb{R}^{n \\times h}``) or
transposed (``K^T``, ``X_2^\\top``), so ``QK^T`` is a matrix product, never a scalar times a matrix.

Names are keyed as the parser spells them: ``B_1`` for ``B_1`` and ``B_{1}``, ``zeta_1`` for
``\\zeta_1``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_NAME = r"(?:\\(?:mathbf|bold|boldsymbol|bm)\s*\{\s*)?(\\[A-Za-z]+|[A-Za-z])\s*\}?"
_SUB = r"(?:\s*_\s*(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9])))?"
_BARE = re.compile(rf"^\s*&?\s*{_NAME}{_SUB}\s*&?\s*$")
#: One letter in a bold font and under an accent, in either order, braced or not.
_STYLE = r"\\(?:mathbf|bold|boldsymbol|bm|hat|bar|tilde|widehat|vec)\s*\{?\s*"
_BARE_WRITTEN = re.compile(rf"^\s*(?:{_STYLE}){{1,2}}(?:\\[A-Za-z]+|[A-Za-z])(?:\s*\}})*{_SUB}\s*$")
_IN = re.compile(r"\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{([^{}]*)\}")
_TRANSPOSED = re.compile(
    rf"(?<![a-z\\])(?:\\(?:mathbf|bold|boldsymbol|bm)\s*\{{\s*)?([A-Z])\s*\}}?{_SUB}"
    r"\s*\^\s*(?:\{\s*)?(?:T|\\top|\\intercal|\\mathsf\s*\{\s*T\s*\})(?![A-Za-z])"
)
_HADAMARD = re.compile(rf"(?<![A-Za-z\\]){_NAME}{_SUB}\s*\\odot\s*{_NAME}{_SUB}(?![A-Za-z_^])")
_GREEK = (
    r"alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|kappa|lambda|mu|nu|xi"
    r"|pi|rho|tau|upsilon|phi|varphi|chi|psi|omega"
)
_PLAIN_NAME = rf"(\\(?:{_GREEK})(?![A-Za-z])|[a-z])"
#: A plain (not bold) lowercase or Greek name, alone: ``w``, ``b_1``, ``\\theta``.
_PLAIN = re.compile(rf"^\s*{_PLAIN_NAME}{_SUB}\s*$")
#: ``\\in \\mathbb{R}^d``: one dimension, a vector.
_IN_ONE = re.compile(
    r"\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*(?:\{\s*[A-Za-z0-9]+\s*\}|[A-Za-z0-9])"
)
#: ``w^T x``: a plain name transposed, then a plain name (an inner product of two vectors).
_INNER = re.compile(
    rf"(?<![A-Za-z\\{{}}]){_PLAIN_NAME}{_SUB}\s*\^\s*(?:\{{\s*)?(?:T|\\top|\\intercal)"
    rf"(?:\s*\}})?\s*{_PLAIN_NAME}(?:\s*_\s*(?:\{{\s*([A-Za-z0-9]+)\s*\}}|([A-Za-z0-9])))?"
    r"(?![A-Za-z(])"
)
#: ``X w``, ``X^T w``: a capital, then a plain lowercase letter standing alone (and a plain
#: letter added to that product: ``X w - y``).
_AFTER_MATRIX = re.compile(
    rf"(?<![A-Za-z\\{{]){_NAME}{_SUB}(?:\s*\^\s*(?:\{{\s*)?(?:T|\\top)(?:\s*\}})?)?\s*"
    r"([a-z])(?![A-Za-z(_^{])(?:\s*[-+]\s*([a-z])(?![A-Za-z(_^{]))?"
)
#: ``d x`` closing an ordinary derivative, or the argument of a primed function (``\\sigma'(x)``).
_SCALAR_USE = re.compile(
    r"\}\s*\{\s*(?:\\mathrm\s*\{\s*d\s*\}|d)\s*([a-z])\s*\}"
    r"|(?<![A-Za-z])(?:\\[A-Za-z]+|[A-Za-z])\s*(?:'|\^\s*\{\s*'\s*\}|\^\s*\\prime)+\s*\(\s*([a-z])\s*\)"
)
#: Control characters and the replacement character: binary data, never a formula to learn from.
BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
_DIMS = re.compile(r"\\times|×|,")
_LINE_START = re.compile(r"\\\\|\n|\$|\\begin\{[a-z*]+\}|\\\[")


def is_bare_name(text: str) -> bool:
    """``B_4``, ``\\mathbf{x}``, ``\\mathbf x``, ``\\hat{\\mathbf y}``, ``\\zeta_{1}``: one name as
    written, nothing else.

    >>> is_bare_name(r"B_{4}"), is_bare_name(r"B_3 \\mathbf{1}^T")
    (True, False)
    >>> is_bare_name(r"\\mathbf z "), is_bare_name(r"\\hat{\\mathbf y}"), is_bare_name(r"\\mathbf{\\hat y}")
    (True, True, True)
    """
    return _BARE.match(text) is not None or _BARE_WRITTEN.match(text) is not None


def _key(name: str, sub: str | None) -> str:
    base = name.lstrip("\\")
    return f"{base}_{sub}" if sub else base


def declared_shapes(text: str) -> dict[str, tuple[str, str]]:
    """Names declared with a shape, to their two dimensions as written.

    >>> declared_shapes(r"$$C = BV \\in \\mathbb{R}^{n \\times h}$$ $$a = \\zeta_4 \\in \\mathbb{R}^{n \\times 1}$$")
    {'C': ('n', 'h'), 'a': ('n', '1'), 'zeta_4': ('n', '1')}
    """
    out: dict[str, tuple[str, str]] = {}
    for m in _IN.finditer(text):
        dims = [d.strip() for d in _DIMS.split(m.group(1))]
        if len(dims) != 2 or not all(dims):
            continue
        starts = [b.end() for b in _LINE_START.finditer(text, 0, m.start())]
        line = text[(starts[-1] if starts else 0) : m.start()]
        # NOTE: "C = BV \in R^{n x h}" states the shape of the value: of the names alone on
        # either end of the equation (C), never of the last factor (V).
        members = line.split("=")
        for member in dict.fromkeys((members[0], members[-1])):
            bare = _BARE.match(member)
            if bare:
                out[_key(bare.group(1), bare.group(2) or bare.group(3))] = (dims[0], dims[1])
    return out


def column_names(text: str) -> frozenset[str]:
    """Names declared as columns (``\\zeta_4 \\in \\mathbb{R}^{n \\times 1}``), and plain
    (not bold) names the document uses as vectors whatever their font: declared with one
    dimension (``w, x \\in \\mathbb{R}^d``) or transposed with a partner (``w^T x``,
    ``\\theta^T x^{(i)}``: an inner product; a number has no transpose).

    >>> sorted(column_names(r"$$g = \\zeta_4 \\in \\mathbb{R}^{n \\times 1}$$"))
    ['g', 'zeta_4']
    >>> sorted(column_names(r"$w, b_1 \\in \\mathbb{R}^d$ $z = \\theta^T x^{(i)} + c$"))
    ['b_1', 'theta', 'w', 'x']
    >>> sorted(column_names(r"$$\\nabla_w L = X^T (Xw - y)$$ $$N w$$"))
    ['w', 'y']
    """
    out = {k for k, (rows, cols) in declared_shapes(text).items() if cols == "1" and rows != "1"}
    for m in _IN_ONE.finditer(text):
        starts = [b.end() for b in _LINE_START.finditer(text, 0, m.start())]
        listed = text[(starts[-1] if starts else 0) : m.start()].split("=")[-1].split(",")
        bare = [_PLAIN.match(member) for member in listed]
        if all(bare):
            out |= {_key(b.group(1), b.group(2) or b.group(3)) for b in bare if b}
    scalars = scalar_names(text)
    for m in _INNER.finditer(text):
        partner = _key(m.group(4), m.group(5) or m.group(6))
        if partner not in scalars:
            out |= {_key(m.group(1), m.group(2) or m.group(3)), partner}
    if "^" in text or "\\in" in text:
        # NOTE: X w with X a matrix of the document's (declared or transposed): w is a vector.
        matrices = matrix_names(text)
        for m in _AFTER_MATRIX.finditer(text):
            if _key(m.group(1), m.group(2) or m.group(3)) in matrices:
                # X w - y: y is added to a vector, a vector too
                out |= {_key(g, None) for g in m.group(4, 5) if g}
    return frozenset(out)


def scalar_names(text: str) -> frozenset[str]:
    """Plain names the document uses as numbers: the variable of an ordinary derivative
    (``\\frac{d\\sigma}{dx}``) or of a primed function (``\\sigma'(x)``).

    NOTE: such a name beside a transposed vector (``w^T x`` in another section) is not made a
    vector: the document uses the letter both ways, and a vector reading would unread its
    scalar steps.

    >>> sorted(scalar_names(r"$\\sigma'(x) = 1$ $$\\frac{d f}{d t} = 1$$ $$J(w) = 0$$"))
    ['t', 'x']
    """
    return frozenset(m.group(1) or m.group(2) for m in _SCALAR_USE.finditer(text))


def matrix_names(text: str) -> frozenset[str]:
    """Names the document uses as matrices: declared with two dimensions other than 1, or
    capitals written transposed.

    >>> sorted(matrix_names(r"$$QK^T = KQ^T$$ $$W_2 \\in \\mathbb{R}^{n \\times m}$$ $\\mathbf x^T$"))
    ['K', 'Q', 'W_2']
    """
    out = {k for k, dims in declared_shapes(text).items() if "1" not in dims}
    out |= {
        _key(m.group(1), m.group(2) or m.group(3))
        for m in _near(text, "^", _TRANSPOSED, before=40, after=20)
    }
    return _partners(out, hadamard_pairs(text))


def hadamard_pairs(text: str) -> list[tuple[str, str]]:
    """The names on both sides of an element-wise product (``B_1 \\odot B_4``)."""
    return [
        (_key(m.group(1), m.group(2) or m.group(3)), _key(m.group(4), m.group(5) or m.group(6)))
        for m in _near(text, "\\odot", _HADAMARD, before=40, after=40)
    ]


def _near(
    text: str, anchor: str, pattern: re.Pattern[str], *, before: int, after: int
) -> list[re.Match[str]]:
    """The matches of ``pattern`` around each ``anchor`` (a long document's prose is skipped,
    not scanned by a pattern with look-behinds at every position)."""
    out: list[re.Match[str]] = []
    k = text.find(anchor)
    while k >= 0:
        lo = max(0, k - before)
        out.extend(
            m for m in pattern.finditer(text[lo : k + after]) if m.start() <= k - lo < m.end()
        )
        k = text.find(anchor, k + 1)
    return out


def _partners(names: set[str], pairs: list[tuple[str, str]]) -> frozenset[str]:
    """NOTE: the partner of a matrix in an element-wise product is a matrix."""
    out = set(names)
    for _ in range(len(pairs)):
        grown = {b for a, b in pairs if a in out} | {a for a, b in pairs if b in out}
        if grown <= out:
            break
        out |= grown
    return frozenset(out)


_STATED = re.compile(r"\s*\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*(?:\{[^{}]*\}|\S))?\s*$")


def introduced_name(member: str, text: str, at: int) -> bool:
    """``member`` (the right end of an equation, at offset ``at`` of ``text``) is a bare name
    with a shape statement, written there for the first time: ``B^T G = \\zeta_1 \\in \\mathbb{R}^{n \\times h}`` names
    the value ``\\zeta_1``; nothing earlier could have given it a meaning to compare with.

    >>> t = r"$$a = b^2$$ $$x + y = \\zeta_1 \\in \\mathbb{R}^{n}$$"
    >>> introduced_name(r"\\zeta_1 \\in \\mathbb{R}^{n}", t, t.index("zeta") - 1)
    True
    >>> introduced_name("b", t, t.index("b^2"))
    False
    """
    body = _STATED.sub("", member)
    if body == member:
        return False  # NOTE: only a name given its shape there (a bare "= b" stays a claim)
    bare = _BARE.match(body)
    if not bare:
        return False
    name, sub = bare.group(1), bare.group(2) or bare.group(3)
    head = re.escape(name) + (r"(?![A-Za-z])" if name.startswith("\\") else "")
    tail = (
        rf"\s*_\s*(?:\{{\s*{re.escape(sub)}\s*\}}|{re.escape(sub)})(?![0-9A-Za-z])"
        if sub
        else (r"(?!\s*_)")
    )
    pattern = re.compile(rf"(?<![A-Za-z\\]){head}\s*\}}?{tail}")
    first = pattern.search(text)
    return first is not None and first.start() >= at


_PIECE = re.compile(r"\\\\|,|\n|&")
_HEADED = re.compile(rf"^\s*{_NAME}{_SUB}\s*=(?!=)\s*(.+?)\s*$", re.DOTALL)


def defined_shapes(
    math: Iterable[str],
    matrices: frozenset[str],
    columns: frozenset[str],
    shape_of: Callable[[str, frozenset[str], frozenset[str]], str | None],
    *,
    rounds: int = 4,
) -> tuple[frozenset[str], frozenset[str]]:
    """``(matrices, columns)`` grown by the names defined as one: ``Y = W X`` with ``W`` a matrix
    makes ``Y`` a matrix, ``g = W \\mathbf{1}`` makes ``g`` a column (``shape_of(value, matrices,
    columns)`` reads a value with the given names).

    >>> shape = lambda v, m, c: "mat" if any(x in m for x in v.split()) else None
    >>> m, c = defined_shapes(["Y = W X", "Z = Y + 1", "s = x"], frozenset({"W"}), frozenset(), shape)
    >>> sorted(m), sorted(c)
    (['W', 'Y', 'Z'], [])
    """
    heads: list[tuple[str, str]] = []
    for body in math:
        for piece in _PIECE.split(body.replace("&=", "=")):
            m = _HEADED.match(piece)
            if m and "=" not in m.group(4):
                heads.append((_key(m.group(1), m.group(2) or m.group(3)), m.group(4)))
    pairs = [p for body in math for p in hadamard_pairs(body)]
    mats, cols = set(matrices), set(columns)
    for _ in range(rounds):
        shapes = {
            name: shape_of(value, frozenset(mats), frozenset(cols))
            for name, value in heads
            if name not in mats and name not in cols
        }
        grown = {name for name, shape in shapes.items() if shape == "mat"}
        new_cols = {name for name, shape in shapes.items() if shape == "col"}
        if not grown and not new_cols:
            break
        mats = set(_partners(mats | grown, pairs))
        cols |= new_cols - mats
    return frozenset(mats), frozenset(cols)
