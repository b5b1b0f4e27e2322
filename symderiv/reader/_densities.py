"""Names a document uses as probability densities (and variables it draws from a named
distribution), as typed facts for the checker.

A name is a density when the document conditions it (``p(x | z)``, ``q_\\phi(z \\lvert x)``)
or draws a variable from it (``E_{x \\sim p(x)}``, ``z \\backsim q_\\phi(z|x)``).  Nothing
else makes a name a density: a function the document only applies (``f(x)``, ``D(x)``) is
an unknown function, and no fact about densities is ever used for it.
"""

from __future__ import annotations

import functools
import re

import sympy
from sympy.core.function import AppliedUndef

from symderiv.errors import ParseError
from symderiv.model import Assumption, Fact
from symderiv.reader._distributions import averaged_density
from symderiv.reader.parser import ParseContext, parse_math

_HEAD = r"(?<![A-Za-z\\])([A-Za-z](?:_\{[^{}]*\}|_\\[A-Za-z]+|_[A-Za-z0-9])?)"
_CONDITIONAL = re.compile(_HEAD + r"\s*\(\s*[^()|$]*?(?:\||\\lvert|\\mid)")
_DRAWN = re.compile(r"\\(?:back|thick)?sim(?![A-Za-z])\s*" + _HEAD + r"\s*\(")
#: Letters that name an operator of the field, never a density.
_NOT_DENSITY = frozenset({"E", "H", "N", "D"})


@functools.lru_cache(maxsize=8)
def _conditional_heads(text: str) -> frozenset[str]:
    """The heads written before a conditioning bar (one pass over a document, remembered)."""
    if "|" not in text and "\\lvert" not in text and "\\mid" not in text:
        return frozenset()
    return frozenset(m.group(1) for m in _CONDITIONAL.finditer(text))


@functools.lru_cache(maxsize=1024)
def _function_name(head: str) -> str | None:
    """The name the parser gives ``head(t)``; None when it is not read as one function."""
    try:
        e = parse_math(f"\\int {head}(t) dt", ctx=ParseContext(distributions=frozenset())).expr
    except ParseError:
        return None
    if isinstance(e, sympy.Integral) and isinstance(e.function, AppliedUndef):
        return str(e.function.func.__name__).split("|")[0]
    return None


def density_names(text: str) -> frozenset[str]:
    """The function names the document uses as densities.

    >>> sorted(density_names(r"$$\\int q_\\phi(z \\lvert x) dz$$ and $E_{x \\sim p_g(x)}[f(x)]$"))
    ['p_{g}', 'q_phi']
    >>> sorted(density_names(r"$$f(x) + D(x, y)$$"))
    []
    """
    heads = _conditional_heads(text) | {m.group(1) for m in _DRAWN.finditer(text)}
    # NOTE: "expectations under $p$": the prose takes p as the density expectations are under.
    heads |= {name for _, name in averaged_density(text)}
    # NOTE: a few names at most are called Gaussian in a note; a flood of them is no note.
    heads |= set(sorted(_named_in_words(text))[:_MAX_NAMED])
    names = set()
    for head in sorted(heads):
        if head[0] in _NOT_DENSITY and len(head) == 1:
            continue
        name = _function_name(head)
        if name is not None:
            names.add(name)
    return frozenset(names)


def family_names(text: str) -> frozenset[str]:
    """The density names the document writes with a conditioning bar (``p(x | z)``): the
    conditionals, marginals and joint of one distribution, named by their arguments.

    >>> sorted(family_names(r"$$\\int p(x|z) p(z) dz$$ and $E_{x \\sim r(x)}[x]$"))
    ['p']
    """
    out = set()
    for head in sorted(_conditional_heads(text)):
        name = _function_name(head)
        if name is not None and not (len(head) == 1 and head in _NOT_DENSITY):
            out.add(name)
    return frozenset(out)


def density_facts(text: str) -> tuple[Assumption, ...]:
    """One :attr:`Fact.DENSITY` per density name: ``expr`` is the name as a Symbol; a name
    written with a conditioning bar also gets ``Symbol(name + "|")`` (a family of densities
    named by their arguments); one :attr:`Fact.STATED_DENSITY` per density name the document
    states a distribution for (:func:`stated_names`)."""
    facts = [
        Assumption(
            expr=sympy.Symbol(name),
            text=f"{name} is a probability density",
            source="reader",
            kind=Fact.DENSITY,
        )
        for name in sorted(density_names(text))
    ]
    facts += [
        Assumption(
            expr=sympy.Symbol(f"{name}|"),
            text=f"{name}(a | b), {name}(a), {name}(a, b) are one distribution's",
            source="reader",
            kind=Fact.DENSITY,
        )
        for name in sorted(family_names(text))
    ]
    normals = stated_normals(text)
    facts += [
        Assumption(
            expr=sympy.Symbol(name),
            text=f"{name} is a distribution the document states",
            source="reader",
            kind=Fact.STATED_DENSITY,
        )
        for name in sorted(stated_names(text) & density_names(text) | {n for n, _, _ in normals})
    ]
    facts += [
        Assumption(
            expr=sympy.Tuple(sympy.Symbol(name), mean, var),
            text=f"{name} is the normal N({sympy.sstr(mean)}, {sympy.sstr(var)})",
            source="document",
            kind=Fact.NORMAL,
        )
        for name, mean, var in normals
    ]
    if _SPEAKS_OF_NORMALS.search(text):
        # NOTE: ``Tuple(*)``: the document is about normal densities (a word or N(...)); the
        # checker may then name the normals for which a step about unstated densities holds.
        facts.append(
            Assumption(
                expr=sympy.Tuple(sympy.Symbol("*")),
                text="the document speaks of normal densities",
                source="reader",
                kind=Fact.NORMAL,
            )
        )
    return tuple(facts)


_SPEAKS_OF_NORMALS = re.compile(
    r"(?i:\b(?:normals?|gaussians?)\b)|\\mathcal\s*\{?\s*N\s*\}?\s*\("
)


#: An inline formula that is a density's name alone, or applied (``$p$``, ``$q(x)$``).
_MENTION = re.compile(r"^\s*" + _HEAD + r"\s*(?:\([^()]*\))?\s*$")
#: ``p = N(m, v)``, ``p(x) = \mathcal{N}(x; m, v)``: the name and the parameters as written.
_EQUALS_NORMAL = re.compile(
    r"^\s*" + _HEAD + r"\s*(?:\([^()]*\))?\s*=\s*(?:\\mathcal\s*\{?\s*N\s*\}?|N)\s*"
    r"(?:\\left)?\(([^()]*)(?:\\right)?\)\s*$"
)
_NORMAL_WORD = re.compile(r"(?i:\b(?:normal|gaussian)\b)|\\mathcal\s*\{?\s*N\b")
_PARAMETER = re.compile(
    r"(?i:\b(mean|variance|standard\s+deviation)\s+(?:of\s+)?(?:is\s+|equal\s+to\s+)?)\$([^$]+)\$"
)


def _normal_parameters(params: str) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``m, v`` or ``x; m, v`` (``x | m, v``) read as a mean and a variance; None when the
    second parameter is not a square or a positive number (a bare ``s`` may be a standard
    deviation: a guess)."""
    parts = re.split(r";|\\mid|\|", params)
    values = parts[-1].split(",")
    if len(parts) > 2 or len(values) != 2:
        return None
    try:
        mean, var = (parse_math(v).expr for v in values)
    except ParseError:
        return None
    if not isinstance(mean, sympy.Expr) or not isinstance(var, sympy.Expr):
        return None
    if not ((var.is_number and var.is_positive) or (isinstance(var, sympy.Pow) and var.exp == 2)):
        return None
    return mean, var


def _parameters_in_words(segment: str) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``with mean $m$ and variance $v$`` (or ``standard deviation $s$``) in ``segment``."""
    found: dict[str, sympy.Expr] = {}
    for m in _PARAMETER.finditer(segment):
        word = m.group(1).lower().split()[0]
        try:
            value = parse_math(m.group(2)).expr
        except ParseError:
            return None
        if word in found or not isinstance(value, sympy.Expr):
            return None
        found[word] = value
    if "mean" not in found or ("variance" in found) == ("standard" in found):
        return None
    var = found["variance"] if "variance" in found else found["standard"] ** 2
    return found["mean"], var


def stated_normals(text: str) -> tuple[tuple[str, sympy.Expr, sympy.Expr], ...]:
    r"""``(name, mean, variance)`` for each density the prose states is a normal: in inline
    math (``$p(x) = \mathcal{N}(x; \mu, \sigma^2)$``, ``$q = N(0, 1)$``), or in words, a
    density named in a sentence that says normal or Gaussian, followed (before the next name)
    by its mean and its variance or standard deviation.  A name stated twice differently is
    left out.

    >>> [(n, str(m), str(v)) for n, m, v in stated_normals(
    ...     r"Here $p$ is Gaussian with mean $\mu_1$ and variance $\sigma_1^2$, "
    ...     r"and $q(x)$ is Gaussian with mean $0$ and standard deviation $s$.")]
    [('p', 'mu[1]', 'sigma[1]**2'), ('q', '0', 's**2')]
    """
    found: dict[str, set[tuple[sympy.Expr, sympy.Expr]]] = {}
    names = _Names(limit=64)
    try:
        for sentence in _sentences(text)[1]:
            if not _NORMAL_WORD.search(sentence):
                continue
            pieces = list(re.finditer(r"\$([^$]+)\$", sentence))
            for m in pieces:
                eq = _EQUALS_NORMAL.match(m.group(1))
                if eq is not None:
                    name, params = names(eq.group(1)), _normal_parameters(eq.group(2))
                    if name is not None and params is not None:
                        found.setdefault(name, set()).add(params)
            values = {v.start(2) for v in _PARAMETER.finditer(sentence)}
            mentions = [
                (m, names(mm.group(1)))
                for m in pieces
                if (mm := _MENTION.match(m.group(1))) is not None and m.start(1) not in values
            ]
            for k, (m, name) in enumerate(mentions):
                if name is None:
                    continue
                end = mentions[k + 1][0].start() if k + 1 < len(mentions) else len(sentence)
                params = _parameters_in_words(sentence[m.end() : end])
                if params is not None:
                    found.setdefault(name, set()).add(params)
    except _TooMany:
        return ()
    return tuple((n, *next(iter(v))) for n, v in sorted(found.items()) if len(v) == 1)


_DISPLAY = re.compile(
    r"\$\$.*?\$\$|\\\[.*?\\\]"
    r"|\\begin\{(equation|align|gather|multline|eqnarray)\*?\}.*?\\end\{\1\*?\}",
    re.S,
)
#: A distribution family named in words or by its symbol.
_FAMILY = re.compile(
    r"(?i:(?<!\\)\b(?:normal|gaussian|bernoulli|uniform|poisson|exponential|laplace|beta|gamma"
    r"|dirichlet|categorical|multinomial|binomial|cauchy|student|logistic|geometric"
    r"|empirical|dirac|mixture|isotropic|truncated|degenerate|standard)\b)"
    r"|\\mathcal\s*\{?\s*[NU]\b|(?<![A-Za-z\\])N\s*\("
)
#: ``head(...) =`` standing as the whole left side of a display row.
_STATED_AS = re.compile(
    r"(?:^|\$\$|&|\\\\|\\\[)\s*(?:\\log\s*)?"
    + _HEAD
    + r"\s*\([^()]*\)\s*&?=([^=]*?)(?=&?=|\\\\|\$\$|\\end|\\\]|$)",
    re.M,
)
#: A normal with its parameters after the variable (``N(z; mu, s^2)``) or alone.
_NORMAL_ARGS = re.compile(r"^\s*(?:\\log\s*)?(?:\\mathcal\s*\{?\s*N\s*\}?|N)\s*\(([^()]*)\)\s*$")
_NUMERIC = re.compile(
    r"^\s*[-+]?(?:\d+(?:\.\d*)?)?\s*(?:I|\\mathbf\s*\{?\s*I\s*\}?|\\mathbb\s*\{?\s*I\s*\}?)?\s*$"
)


class _TooMany(Exception):
    """More distinct names than a note has: reading them all would cost too much time."""


class _Names:
    """``head -> name`` for at most ``limit`` distinct heads (each costs a parse)."""

    def __init__(self, limit: int = 256) -> None:
        self.seen: dict[str, str | None] = {}
        self.limit = limit

    def __call__(self, head: str) -> str | None:
        if head not in self.seen:
            if len(self.seen) >= self.limit:
                raise _TooMany(head)
            self.seen[head] = _function_name(head)
        return self.seen[head]

    def within(self, text: str) -> set[str]:
        """The function names of the heads written in ``text`` as ``head(`` or ``$head$``."""
        heads = {m.group(1) for m in re.finditer(_HEAD + r"(?=\s*[($])", text)}
        return {n for n in map(self, sorted(heads)) if n is not None}


def _free_normal(rhs: str) -> bool:
    """``N(mu, s^2)`` or ``N(z; mu, s^2)`` whose parameters are all symbols: a normal of
    unknown mean and variance (any normal is one of it)."""
    m = _NORMAL_ARGS.match(rhs)
    if m is None:
        return False
    params = m.group(1).split(";")[-1].split(",")
    return all(not _NUMERIC.match(p) for p in params)


def _sentences(text: str) -> tuple[list[str], list[str]]:
    """The display formulas and the sentences of prose (with their inline math)."""
    displays = [m.group(0) for m in _DISPLAY.finditer(text)]
    prose = _DISPLAY.sub("\n\n", text)
    return displays, re.split(r"(?<=[.!?])\s+|\n\s*\n", prose)


_MAX_NAMED = 32
#: Words that make a sentence about probability (a Gaussian kernel or a normal vector is not).
_PROBABILITY = re.compile(
    r"(?i:\b(?:densit(?:y|ies)|distributions?|distributed|priors?|posteriors?|likelihoods?"
    r"|pdfs?|probability)\b)"
)


def _named_in_words(text: str) -> set[str]:
    """Heads written applied (``$q(z)$``) in a sentence that names a distribution family and
    speaks of probability: ``the prior $q(z)$ is Gaussian`` makes ``q`` a density as a draw
    ``z \\sim q(z)`` does (``the Gaussian kernel $k(x, y)$`` does not)."""
    if not _FAMILY.search(text):
        return set()
    out = set()
    for sentence in _sentences(text)[1]:
        if _FAMILY.search(sentence) and _PROBABILITY.search(sentence):
            for inline in re.findall(r"\$([^$]+)\$", sentence):
                out |= {m.group(1) for m in re.finditer(_HEAD + r"\s*\(", inline)}
    return out


#: Words that fix a normal's parameters (``standard``, ``zero mean``, ``unit variance``).
_FIXING = re.compile(
    r"(?i:\b(?:standard|unit|zero|isotropic|identity|fixed|known|cent(?:er|re)d|same|equal)\b)"
)
_NORMAL_WORDS = re.compile(r"(?i:^(?:normal|gaussian)$)|^\\mathcal|^N")


def _any_normal(sentence: str) -> bool:
    """A sentence that calls a density normal and nothing more: every family it names is the
    normal, and no number or word fixes a parameter (``$q(z|x)$ is Gaussian``).  Every normal
    is one of it, so the normal counterexamples hold for it."""
    found = [m.group(0).strip() for m in _FAMILY.finditer(sentence)]
    return (
        bool(found)
        and all(_NORMAL_WORDS.search(f) for f in found)
        and not re.search(r"\d", sentence)
        and not _FIXING.search(sentence)
    )


def stated_names(text: str) -> frozenset[str]:
    """The names the document states a distribution for, so that they are not arbitrary:
    every name in a sentence of prose that names a family (``$p$ is a standard normal``; not
    a normal of unknown parameters, ``$q(z|x)$ is Gaussian``, of which a normal is one),
    and every ``head(v) = ...`` row whose right side is a formula without another density
    or another density alone (``p(x) = N(x; 0, 1)``, ``p(x) = e^{-x}``, ``q(z) = p(z | x)``),
    except a normal with symbols for parameters; every name in inline math with ``=``
    (``$q(z) = r(z)$``).

    >>> sorted(stated_names(r"Let $q(z)$ be a standard normal. $$p(x) = e^{-x}$$ $$r(z) = N(z; m, s^2)$$"))
    ['p', 'q']
    """
    dens = density_names(text)
    try:
        return frozenset(_stated(text, dens, _Names()))
    except _TooMany:
        # NOTE: too many names to read them all: every density counts as stated (none is
        # then refuted as an arbitrary one).
        return dens


def _stated(text: str, dens: frozenset[str], names: _Names) -> set[str]:
    out: set[str] = set()
    displays, sentences = _sentences(text)
    for sentence in sentences:
        inlines = re.findall(r"\$([^$]+)\$", sentence)
        if _FAMILY.search(sentence) and not _any_normal(sentence):
            for inline in inlines:
                out |= names.within(f"{inline}$")
        for inline in inlines:
            # NOTE: $q(z) = p(z | x)$: a density equated to something in the prose is that.
            if "=" in inline:
                out |= {n for n in names.within(inline) if re.search(r"\(", inline)}
    for display in displays:
        for m in _STATED_AS.finditer(display):
            name = names(m.group(1))
            rhs = m.group(2)
            # NOTE: a formula without densities, or another density alone (q(z) = p(z | x)),
            # states it; p(x) = \int p(x | z) p(z) dz or log p(x) = D_KL(q || p) + L are
            # identities between densities (claims to check), not statements of one.
            if name is None or _free_normal(rhs):
                continue
            alone = re.fullmatch(r"\s*" + _HEAD + r"\s*\([^()]*\)[\s,.]*", rhs)
            if not names.within(rhs) & dens or (alone and names(alone.group(1)) != name):
                out.add(name)
    return out


def drawn_facts(draws: tuple[tuple[str, str, str], ...]) -> tuple[Assumption, ...]:
    """One :attr:`Fact.DRAWN` per stated draw whose parameters read."""
    out = []
    for var, family, params in draws:
        try:
            value = parse_math(f"({params})").expr
        except ParseError:
            continue
        values = list(value) if isinstance(value, sympy.MatrixBase) else [value]
        out.append(
            Assumption(
                expr=sympy.Tuple(sympy.Symbol(var), sympy.Symbol(family), *values),
                text=f"{var} ~ {family}({params})",
                source="document",
                kind=Fact.DRAWN,
            )
        )
    return tuple(out)


#: ``v = ...`` opening a formula (inline math, or a display row), ``v`` one letter or a Greek
#: letter.
_RELATION = re.compile(
    r"(?:^|\$|&|\\\\)\s*((?:\\[A-Za-z]+|[A-Za-z])(?:\s*\^\s*\{[^{}]*\}|\s*_\s*\{[^{}]*\}|_[A-Za-z0-9])*)"
    r"\s*&?=(?!=)([^=$&]*?)(?=&?=|\\\\|\$|\\end|\\quad|$)",
    re.M,
)


_MAX_RELATIONS = 128


def related_facts(text: str) -> tuple[tuple[int, Assumption], ...]:
    r"""One :attr:`Fact.RELATED` per ``v = expression`` the document writes in its prose or as
    a display row, with the variables of the expression, and where it stands in ``text``.

    >>> [(at, str(a.expr)) for at, a in related_facts(r"Given $z = g_\phi(\epsilon, x)$.")]
    [(7, '(z, epsilon, x)')]
    """
    out = []
    for k, m in enumerate(_RELATION.finditer(text)):
        lhs, rhs = m.group(1).strip(), m.group(2).strip()
        if k >= _MAX_RELATIONS:
            # NOTE: more equations than can be read in time: from here on, every variable
            # counts as related to every other (``*``), so no step is refuted as free.
            everything = Assumption(
                expr=sympy.Tuple(sympy.Symbol("*")), text="(too many)", kind=Fact.RELATED
            )
            out.append((m.start(1), everything))
            break
        if not rhs:
            continue
        try:
            v = parse_math(lhs).expr
            value = parse_math(rhs).expr
        except ParseError:
            continue
        if not isinstance(v, sympy.Symbol) or not isinstance(value, sympy.Basic):
            continue
        others = sorted(value.free_symbols - {v}, key=str)
        if others:
            fact = Assumption(
                expr=sympy.Tuple(v, *others),
                text=f"{lhs} = {rhs}",
                source="document",
                kind=Fact.RELATED,
            )
            out.append((m.start(1), fact))
    return tuple(out)

