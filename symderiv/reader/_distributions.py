"""Expectations under a distribution the document names: ``E_{x \\sim N(\\mu, \\sigma^2)}[f(x)]``.

A distribution written out by its family and parameters is known entirely, so the expectation
has one value:

- Normal/Gaussian ``N(mu, s^2)`` (``N(x; mu, s^2)`` too): the second parameter is the variance.
  A polynomial body gets its value from the moments (``E[x] = mu``, ``E[x^2] = mu^2 + s^2``,
  ``m_k = mu m_{k-1} + (k-1) s^2 m_{k-2}``); any other body is the integral against the density
  over the whole line.
- Bernoulli ``Bernoulli(p)``: ``p f(1) + (1 - p) f(0)``.

NOTE: ``N(mu, sigma)`` (a bare second parameter) is written both for the variance and for the
standard deviation; that reading would be a guess, so only a square (``sigma^2``) or ``1`` is
taken as the variance.
"""

from __future__ import annotations

import re

import sympy

#: How a reading warns that an expectation was replaced by its value.
EXPECTATION_VALUE = "read the expectation under"

#: Names of the families, as the tokenizer gives them (``\\mathcal{N}`` is ``N``).
NORMAL = frozenset({"N", "Normal", "Gaussian"})
BERNOULLI = frozenset({"Bernoulli", "Bern"})


class NotKnown(ValueError):
    """The distribution is named but its parameters cannot be read without a guess."""


def _variance(v: sympy.Expr) -> sympy.Expr:
    if v == 1 or (isinstance(v, sympy.Pow) and v.exp == 2):
        return v
    raise NotKnown("N(mu, s): is s the variance or the standard deviation? write s^2")


def _moments(mu: sympy.Expr, var: sympy.Expr, k: int) -> list[sympy.Expr]:
    m = [sympy.S.One, mu]
    for j in range(2, k + 1):
        m.append(sympy.expand(mu * m[j - 1] + (j - 1) * var * m[j - 2]))
    return m[: k + 1]


def normal(args: list[sympy.Expr], x: sympy.Symbol, body: sympy.Expr) -> sympy.Expr:
    """``E_{x ~ N(mu, s^2)}[body]``.

    >>> x, mu, s = sympy.symbols("x mu s", real=True)
    >>> normal([mu, s**2], x, x**2)
    mu**2 + s**2
    >>> normal([0, 1], x, x**4 - 1)
    2
    """
    args = [sympy.sympify(a) for a in args]
    if len(args) == 3 and args[0] == x:
        args = args[1:]
    if len(args) != 2 or x in args[0].free_symbols or x in args[1].free_symbols:
        raise NotKnown("N(...) with other than a mean and a variance")
    mu, var = args[0], _variance(args[1])
    try:
        poly = sympy.Poly(sympy.expand(body), x)
    except sympy.PolynomialError:
        poly = None
    if poly is not None and not any(x in c.free_symbols for c in poly.coeffs()):
        m = _moments(mu, var, poly.degree())
        return sympy.expand(sum(c * m[k[0]] for k, c in zip(poly.monoms(), poly.coeffs())))
    density = sympy.exp(-((x - mu) ** 2) / (2 * var)) / sympy.sqrt(2 * sympy.pi * var)
    return sympy.Integral(density * body, (x, -sympy.oo, sympy.oo))


def bernoulli(args: list[sympy.Expr], x: sympy.Symbol, body: sympy.Expr) -> sympy.Expr:
    """``E_{y ~ Bernoulli(p)}[body] = p body(1) + (1 - p) body(0)``.

    >>> y, p = sympy.symbols("y p", real=True)
    >>> bernoulli([p], y, 2 * y + 1)
    2*p + 1
    """
    args = [sympy.sympify(a) for a in args]
    if len(args) != 1 or x in args[0].free_symbols:
        raise NotKnown("Bernoulli(...) with other than one probability")
    p = args[0]
    return sympy.expand(p * body.xreplace({x: 1}) + (1 - p) * body.xreplace({x: 0}))


def expectation(
    family: str, args: list[sympy.Expr], x: sympy.Symbol, body: sympy.Expr
) -> sympy.Expr:
    """The expectation of ``body`` over ``x`` drawn from ``family(args)``."""
    if family in NORMAL:
        return normal(args, x, body)
    if family in BERNOULLI:
        return bernoulli(args, x, body)
    raise NotKnown(f"the distribution {family} is not known")


_DRAWN = re.compile(
    r"(?<![A-Za-z\\])([A-Za-z])\s*\\(?:back)?sim\s*"
    r"(?:\\mathcal\s*\{\s*N\s*\}|\\mathcal\s+N|N|\\text\s*\{\s*(?:Bernoulli|Bern)\s*\}"
    r"|\\mathrm\s*\{\s*(?:Bernoulli|Bern)\s*\})"
    r"\s*\(([^()$]*)\)"
)


def stated_draws(text: str) -> tuple[tuple[str, str, str], ...]:
    """``X \\sim \\mathcal{N}(\\mu, \\sigma^2)`` anywhere in the document: ``(X, family,
    parameters as written)``; a letter drawn from two distributions is left out.

    >>> stated_draws(r"Let $X \\sim \\mathcal{N}(\\mu, \\sigma^2)$ and $Y \\sim N(0, 1)$.")
    (('X', 'N', '\\\\mu, \\\\sigma^2'), ('Y', 'N', '0, 1'))
    """
    found: dict[str, set[tuple[str, str]]] = {}
    for m in _DRAWN.finditer(text):
        family = "N" if "N" in m.group(0).split("sim", 1)[1].split("(")[0] else "Bernoulli"
        found.setdefault(m.group(1), set()).add((family, m.group(2).strip()))
    return tuple((v, *next(iter(d))) for v, d in sorted(found.items()) if len(d) == 1)


#: "expectations under $p$", "the expectation with respect to $q$", "average over $p$"
_AVERAGED = re.compile(
    r"(?i:expectations?|expected\s+values?|averages?)\s+(?:(?:are|is)\s+)?(?:taken\s+)?"
    r"(?i:under|over|with\s+respect\s+to|w\.\s*r\.\s*t\.?)\s+(?:the\s+density\s+)?"
    r"\$\s*([A-Za-z])\s*\$"
)
#: ``p(x)`` or ``p(x \mid z)`` in the math: the variable the density ``p`` is a density of
_APPLIED = r"(?<![A-Za-z\\]){name}\s*\(\s*([A-Za-z])\s*(?:\)|\||\\mid|\\lvert|\\vert|;)"


def averaged_density(text: str) -> tuple[tuple[str, str], ...]:
    """``((x, p),)`` when the prose says expectations are taken under ``$p$`` and the math
    writes ``p`` as a density of the one variable ``x`` (``p(x)``): then ``\\langle f \\rangle``
    and ``E[f]`` are ``∫ p(x) f dx``.  Empty when the prose names no density, names two, or
    ``p`` is applied to several variables (the expectation's variable would be a guess).

    >>> averaged_density(r"The moments, written with expectations under $p$: $p(x)$ and $q(x)$.")
    (('x', 'p'),)
    >>> averaged_density(r"Expectations under $p$ and averages over $q$, $p(x)$, $q(x)$.")
    ()
    >>> averaged_density(r"The expectation under $p$, with $p(x)$ and $p(y)$.")
    ()
    """
    names = {m.group(1) for m in _AVERAGED.finditer(text)}
    if len(names) != 1:
        return ()
    (name,) = names
    variables = set(re.findall(_APPLIED.format(name=name), text))
    if len(variables) != 1:
        return ()
    return ((variables.pop(), name),)
