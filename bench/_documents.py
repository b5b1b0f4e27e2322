"""Synthetic documents for the speed benchmarks: softmax, cross-entropy and sigmoid steps.

Every step is its own display block, and steps differ from one another by a coefficient
``c`` so that a document of N steps holds N different steps (a checker that judges a repeated
step once gains nothing here).  ``false_every=4`` makes every fourth step false (a sign flipped).
"""

from __future__ import annotations

PREAMBLE = r"""# Softmax, cross-entropy and sigmoid: a long note

<!-- symderiv: assume sum(y) = 1 -->

$$p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}$$

$$L = -\sum_{j=1}^{n} y_j \log p_j$$

$$s = \frac{1}{1 + \exp(-u)}$$

"""

#: (true form, false form) of each kind of step, with ``C`` the coefficient.
TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        r"\frac{\partial}{\partial x_j} \left( C p_i \right) = C p_i (\delta_{ij} - p_j)",
        r"\frac{\partial}{\partial x_j} \left( C p_i \right) = C p_i (\delta_{ij} + p_j)",
    ),
    (
        r"C \frac{\partial L}{\partial x_i} = C (p_i - y_i)",
        r"C \frac{\partial L}{\partial x_i} = C (p_i + y_i)",
    ),
    (
        r"\frac{d}{du} \left( C s \right) = C s (1 - s)",
        r"\frac{d}{du} \left( C s \right) = C s (1 + s)",
    ),
    (
        r"C \log p_i = C x_i - C \log \sum_{k=1}^{n} \exp(x_k)",
        r"C \log p_i = C x_i + C \log \sum_{k=1}^{n} \exp(x_k)",
    ),
    (
        r"\sum_{j=1}^{n} C p_j = C",
        r"\sum_{j=1}^{n} C p_j = -C",
    ),
    (
        r"C s (1 - s) = \frac{C \exp(-u)}{(1 + \exp(-u))^2}",
        r"C s (1 - s) = \frac{C \exp(u)}{(1 + \exp(-u))^2}",
    ),
)


def step(k: int, *, false: bool = False) -> str:
    """The ``k``-th step (0-based) as LaTeX: template ``k mod 6``, coefficient from ``k // 6``."""
    true_form, false_form = TEMPLATES[k % len(TEMPLATES)]
    return (false_form if false else true_form).replace("C", str(k // len(TEMPLATES) + 2))


def document(steps: int, *, false_every: int = 0) -> str:
    """A Markdown note: three definitions, then ``steps`` display blocks of one step each."""
    blocks = []
    for k in range(steps):
        wrong = bool(false_every) and k % false_every == false_every - 1
        blocks.append(f"Step {k + 1}:\n\n$${step(k, false=wrong)}$$\n")
    return PREAMBLE + "\n".join(blocks)


def large_document(size_bytes: int) -> str:
    """A document of valid blocks at least ``size_bytes`` long (the same steps, repeated)."""
    unit = document(600)
    body = unit[len(PREAMBLE):]
    out = [PREAMBLE]
    total = len(PREAMBLE)
    while total < size_bytes:
        out.append(body)
        total += len(body)
    return "".join(out)
