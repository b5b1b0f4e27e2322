"""What ``symderiv spot NAME`` checks: for each catalogue name, its formulas and definitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy

from symderiv import symbols
from symderiv.builders import gradients
from symderiv.builders.cross_entropy import cross_entropy
from symderiv.builders.derivations import softmax_ce
from symderiv.builders.softmax import softmax_entry
from symderiv.errors import UnknownDerivationError
from symderiv.model import Step
from symderiv.spot._formula import Case, Claims, Definition, Formula, Targets

# NOTE: one bound variable for every substituted softmax keeps in_logits deterministic (equal
# inputs give equal outputs); each Sum binds it on its own, and the lowering renames it anyway.
_K = sympy.Dummy("k", integer=True, positive=True)


def in_logits(
    expr: sympy.Expr, *, p: sympy.IndexedBase = symbols.p, x: sympy.IndexedBase = symbols.x
) -> sympy.Expr:
    """``expr`` with every ``p[e]`` replaced by the softmax of the logits (fresh bound index).

    Same result as ``builders.gradients.softmax_in_logits``, by one ``xreplace`` (faster).

    >>> in_logits(symbols.p[symbols.i])
    exp(x[i])/Sum(exp(x[_k]), (_k, 1, n))
    """
    total = sympy.Sum(sympy.exp(x[_K]), (_K, 1, symbols.n))
    mapping = {
        e: sympy.exp(x[e.indices[0]]) / total
        for e in expr.atoms(sympy.Indexed)
        if e.base == p
    }
    return expr.xreplace(mapping)


def _softmax_ce() -> Case:
    i, j, k, x = symbols.i, symbols.j, symbols.k, symbols.x
    p_def = softmax_entry(i)
    loss = in_logits(cross_entropy(p=symbols.p, k=k))
    (diag, _), (off, _) = gradients.softmax_jacobian_cases(i, j)
    soft = "softmax p_i = exp(x_i) / Σ_k exp(x_k)"
    ce = "cross-entropy L = −Σ_k y_k log p_k"
    formulas = (
        Formula("∂p_i/∂x_j = p_i (δ_ij − p_j)", "softmax",
                in_logits(gradients.softmax_jacobian_entry(i, j)), (i, j)),
        Formula("∂p_i/∂x_j = {p_i (1 − p_i) if i = j; −p_i p_j otherwise}", "softmax",
                in_logits(gradients.softmax_jacobian_entry(i, j, form="cases")), (i, j)),
        Formula("∂p_i/∂x_i = p_i (1 − p_i)  (i = j)", "softmax", in_logits(diag), (i,),
                claims=Claims.DIAGONAL),
        Formula("∂p_i/∂x_j = −p_i p_j  (i ≠ j)", "softmax", in_logits(off), (i, j),
                claims=Claims.OFF_DIAGONAL),
        Formula("∂p_i/∂x_j by the quotient rule (SymPy diff, unsimplified)", "softmax",
                sympy.diff(p_def, x[j]), (i, j)),
        Formula("∂L/∂x_i = p_i Σ_j y_j − y_i  (any y)", "loss",
                in_logits(gradients.ce_gradient_entry(i, sum_y_is_one=False)), (i,),
                targets=Targets.FREE),
        Formula("∂L/∂x_i = p_i − y_i  (Σ_j y_j = 1)", "loss",
                in_logits(gradients.ce_gradient_entry(i)), (i,), targets=Targets.NORMALISED),
        Formula("∂L/∂x_i = p_i Σ_j y_j − y_i  (on Σ_j y_j = 1)", "loss",
                in_logits(gradients.ce_gradient_entry(i, sum_y_is_one=False)), (i,),
                targets=Targets.NORMALISED),
        Formula("∂L/∂x_i by the chain rule (SymPy diff, unsimplified)", "loss",
                sympy.diff(loss, x[i]), (i,), targets=Targets.FREE),
    )
    named, steps = _merge(formulas, derivation_formulas())
    return Case(
        "softmax-ce",
        (Definition("softmax", soft, p_def, (i,)), Definition("loss", ce, loss, ())),
        named + steps,
    )


def _merge(
    table: tuple[Formula, ...], steps: tuple[Formula, ...]
) -> tuple[tuple[Formula, ...], tuple[Formula, ...]]:
    """Name the derivation step a table formula is, and keep only the steps not in the table."""
    named = list(table)
    rest = []
    for st in steps:
        same = [
            pos for pos, f in enumerate(named)
            if (f.expr, f.claims, f.targets) == (st.expr, st.claims, st.targets)
        ]
        if not same:
            rest.append(st)
            continue
        number = st.text.split(":")[0].removeprefix("derivation ")
        for pos in same:
            named[pos] = replace(named[pos], text=f"{named[pos].text}  [{number}]")
    return tuple(named), tuple(rest)


def _short(expr: sympy.Expr, width: int = 56) -> str:
    text: str = sympy.sstr(expr)
    return text if len(text) <= width else text[: width - 1] + "…"


def _claimed(step: Step, expr: sympy.Expr) -> tuple[Claims, sympy.Expr]:
    """What ``expr``, a step's right side, claims: the diagonal under ``i = j`` (read there with
    ``j`` as ``i``), the entries off it under ``i ≠ j``, else every entry."""
    i, j = symbols.i, symbols.j
    claims = Claims.ALL
    for cond in step.conditions:
        if cond.expr == sympy.Eq(i, j):
            claims, expr = Claims.DIAGONAL, expr.xreplace({j: i})
        elif cond.expr == sympy.Ne(i, j):
            claims = Claims.OFF_DIAGONAL
    return claims, expr


def derivation_formulas() -> tuple[Formula, ...]:
    """Every result of the built derivation's chains that holds no derivative any more.

    A chain starts at ``∂p_i/∂x_j`` or ``∂L/∂x_i``; each step's right-hand side is a formula
    for that quantity, claimed on the diagonal or off it when the step states ``i = j`` or
    ``i ≠ j``, and for targets summing to 1 when the step uses that assumption.

    >>> [f.claims for f in derivation_formulas()][:4]
    ['all', 'all', 'diagonal', 'off-diagonal']
    """
    i, j, L, x, p = symbols.i, symbols.j, symbols.L, symbols.x, symbols.p
    chains = {sympy.Derivative(p[i], x[j]): "softmax", sympy.Derivative(L, x[i]): "loss"}
    out: list[Formula] = []
    current: str | None = None
    previous: sympy.Expr | None = None
    for number, step in enumerate(softmax_ce(None).steps, start=1):
        if step.is_definition or step.lhs is None or step.rhs is None:
            continue
        if step.lhs in chains:
            current = chains[step.lhs]
        elif step.lhs != previous:
            current = None
        previous = step.rhs
        if current is None or step.rhs.has(sympy.Derivative):
            continue
        claims, expr = _claimed(step, step.rhs)
        indices = (i, j) if current == "softmax" and claims != Claims.DIAGONAL else (i,)
        normalised = any("y" in text and "= 1" in text for text in step.assumptions_used)
        targets = (
            Targets.NONE if current == "softmax"
            else (Targets.NORMALISED if normalised else Targets.FREE)
        )
        when = [c.text for c in step.conditions] + (["Σ_j y_j = 1"] if normalised else [])
        note = f"  ({', '.join(when)})" if when else ""
        out.append(Formula(
            f"derivation step {number}: {_short(expr)}{note}", current, in_logits(expr),
            indices, claims=claims, targets=targets,
        ))
    return tuple(out)


# --- the entries built by the derivation strategy --------------------------------------------

#: Parameter values of the spot checks. NOTE: the temperature is large enough that the naive
#: exp(x/T) stays finite in float32 at the extreme logits (|x| = 1000, n = 1000): the stable-form
#: rules know exp(x_k) / Σ exp(x_k) only, and a smaller T would test float32 overflow, not the
#: formulas.
T_VALUE = sympy.Integer(32)
EPSILON_VALUE = sympy.Rational(1, 10)
#: The focal loss's weight and focusing exponent, the values of its paper (Lin et al. 2017).
ALPHA_VALUE = sympy.Rational(1, 4)
GAMMA_VALUE = sympy.Integer(2)


def _log_sigmoid(a: sympy.Expr) -> sympy.Expr:
    """``log σ(a) = −log(1 + exp(−a))``, finite at ``a = ±1000`` in float32 and float64.

    NOTE: the branch is chosen by the real part, and the chosen branch is analytic, so the
    complex-step reference differentiates it correctly.
    """
    return -sympy.Piecewise(
        (sympy.log(1 + sympy.exp(a)) - a, a < 0), (sympy.log(1 + sympy.exp(-a)), True)
    )


def _sigmoid(e: sympy.Expr) -> sympy.Expr:
    # NOTE: σ(a) = (1 + tanh(a/2)) / 2 stays finite at a = ±1000 in real and complex arithmetic
    # (1 / (1 + exp(-a)) gives inf/inf in the complex-step reference).
    return (1 + sympy.tanh(symbols.x[e] / 2)) / 2


def _values(name: str) -> tuple[dict[sympy.Basic, sympy.Expr], Callable[[sympy.Expr], sympy.Expr]]:
    """Parameter values and the map of ``p_e`` (and ``q_e``) to functions of the logits."""
    from symderiv.builders._plan import ALPHA, EPSILON, GAMMA, T

    params: dict[sympy.Basic, sympy.Expr] = {
        T: T_VALUE, EPSILON: EPSILON_VALUE, ALPHA: ALPHA_VALUE, GAMMA: GAMMA_VALUE,
    }
    q = symbols.vector("q")
    total = sympy.Sum(sympy.exp(symbols.x[_K] / T_VALUE), (_K, 1, symbols.n))

    def entries(expr: sympy.Expr) -> sympy.Expr:
        expr = expr.xreplace(params)
        out: dict[sympy.Basic, sympy.Expr] = {}
        if name in ("sigmoid-bce", "focal-loss"):
            stable = {}
            for lg in expr.atoms(sympy.log):
                arg = lg.args[0]
                if isinstance(arg, sympy.Indexed) and arg.base == symbols.p:
                    stable[lg] = _log_sigmoid(symbols.x[arg.indices[0]])
                elif (1 - arg).is_Indexed and (1 - arg).base == symbols.p:
                    stable[lg] = _log_sigmoid(-symbols.x[(1 - arg).indices[0]])
            expr = expr.xreplace(stable)
        for e in expr.atoms(sympy.Indexed):
            (ix,) = e.indices
            if e.base == symbols.p and name in ("sigmoid-bce", "focal-loss"):
                out[e] = _sigmoid(ix)
            elif e.base == symbols.p and name == "softmax-temperature":
                out[e] = sympy.exp(symbols.x[ix] / T_VALUE) / total
            elif e.base == q and name == "focal-loss":
                out[e] = symbols.y[ix] * _sigmoid(ix) + (1 - symbols.y[ix]) * (1 - _sigmoid(ix))
            elif e.base == q:
                out[e] = (1 - EPSILON_VALUE) * symbols.y[ix] + EPSILON_VALUE / symbols.n
        expr = expr.xreplace(out)
        sigmoid = ("sigmoid-bce", "softmax-temperature", "focal-loss")
        return in_logits(expr) if name not in sigmoid else expr

    return params, entries


def _chain_formulas(
    name: str, chains: dict[sympy.Expr, str], *, skip: tuple[str, ...] = ()
) -> tuple[Formula, ...]:
    """Every result of the built derivation's chains that holds no derivative any more.

    ``chains`` maps a chain's first left side to the short name of its definition; steps whose
    justification starts with one of ``skip`` are left out (with the reason where they are
    named). A step under ``i = j`` claims the diagonal, under ``i ≠ j`` the rest; a step that
    uses ``Σ_j y_j = 1`` (or follows one that did) holds for normalised targets only.
    """
    from symderiv.builders import entries as built

    i, j = symbols.i, symbols.j
    _params, entries = _values(name)
    sum_text = "\\sum_j y_j = 1"
    out: list[Formula] = []
    current: str | None = None
    previous: sympy.Expr | None = None
    normalised = False
    for number, step in enumerate(getattr(built, name.replace("-", "_"))().steps, start=1):
        if step.is_definition or step.lhs is None or step.rhs is None:
            continue
        if step.lhs in chains:
            current, normalised = chains[step.lhs], False
        elif step.lhs != previous:
            current = None
        previous = step.rhs
        normalised = normalised or sum_text in step.assumptions_used
        if current is None or step.rhs.has(sympy.Derivative):
            continue
        if step.justification and step.justification.startswith(skip):
            continue
        if step.rhs.is_number:
            continue  # a constant (∂σ(x_i)/∂x_j = 0 off the diagonal) has no input to lower
        claims, expr = _claimed(step, step.rhs)
        loss = current == "loss"
        indices = (i,) if loss or claims == Claims.DIAGONAL else (i, j)
        if loss:
            targets = Targets.NORMALISED if normalised else Targets.FREE
        else:
            targets = Targets.FREE if expr.has(symbols.y) else Targets.NONE
        when = [c.text for c in step.conditions] + (["Σ_j y_j = 1"] if normalised else [])
        note = f"  ({', '.join(when)})" if when else ""
        out.append(Formula(
            f"step {number}: {_short(expr)}{note}", current, entries(expr), indices,
            claims=claims, targets=targets,
        ))
    return tuple(out)


def _softmax_temperature() -> Case:
    i, j, x, p, L = symbols.i, symbols.j, symbols.x, symbols.p, symbols.L
    _params, entries = _values("softmax-temperature")
    soft = f"softmax at temperature T = {T_VALUE}: p_i = exp(x_i/T) / Σ_k exp(x_k/T)"
    ce = "cross-entropy L = −Σ_k y_k log p_k"
    loss = entries(cross_entropy(p=p, k=symbols.k))
    chains = {sympy.Derivative(p[i], x[j]): "softmax", sympy.Derivative(L, x[i]): "loss"}
    return Case(
        "softmax-temperature",
        (Definition("softmax", soft, entries(p[i]), (i,)), Definition("loss", ce, loss, ())),
        _chain_formulas("softmax-temperature", chains),
    )


def _log_softmax() -> Case:
    i, j, k, x, p = symbols.i, symbols.j, symbols.k, symbols.x, symbols.p
    lse = sympy.log(sympy.Sum(sympy.exp(x[k]), (k, 1, symbols.n)))
    chains = {
        sympy.Derivative(sympy.log(p[i]), x[j]): "log-softmax",
        sympy.Derivative(lse, x[i]): "loss",
    }
    return Case(
        "log-softmax",
        (
            Definition("log-softmax", "log p_i = log softmax(x)_i", sympy.log(softmax_entry(i)), (i,)),
            Definition("loss", "log-sum-exp log Σ_k exp(x_k)", lse, ()),
        ),
        _chain_formulas("log-softmax", chains),
    )


def _label_smoothing_ce() -> Case:
    i, j, x, p, L = symbols.i, symbols.j, symbols.x, symbols.p, symbols.L
    _params, entries = _values("label-smoothing-ce")
    q = symbols.vector("q")
    loss = entries(-sympy.Sum(q[symbols.k] * sympy.log(p[symbols.k]), (symbols.k, 1, symbols.n)))
    text = f"cross-entropy with smoothed targets L = −Σ_k ((1 − ε) y_k + ε/n) log p_k, ε = {EPSILON_VALUE}"
    chains = {sympy.Derivative(p[i], x[j]): "softmax", sympy.Derivative(L, x[i]): "loss"}
    return Case(
        "label-smoothing-ce",
        (
            Definition("softmax", "softmax p_i = exp(x_i) / Σ_k exp(x_k)", softmax_entry(i), (i,)),
            Definition("loss", text, loss, ()),
        ),
        _chain_formulas("label-smoothing-ce", chains),
    )


def _kl_softmax() -> Case:
    i, j, k, x, p, y, L = (
        symbols.i, symbols.j, symbols.k, symbols.x, symbols.p, symbols.y, symbols.L,
    )
    # NOTE: y_k log y_k is written log(y_k^{y_k}), which is 0 at y_k = 0 (0^0 = 1 in NumPy)
    # where y_k log y_k gives 0 · (−inf) = nan for one-hot targets.
    entropy = sympy.Sum(sympy.log(y[k] ** y[k]), (k, 1, symbols.n))
    loss = in_logits(cross_entropy(p=p, k=k)) + entropy
    chains = {sympy.Derivative(p[i], x[j]): "softmax", sympy.Derivative(L, x[i]): "loss"}
    return Case(
        "kl-softmax",
        (
            Definition("softmax", "softmax p_i = exp(x_i) / Σ_k exp(x_k)", softmax_entry(i), (i,)),
            Definition("loss", "D_KL(y‖p) = Σ_k y_k log(y_k / p_k)", loss, ()),
        ),
        _chain_formulas("kl-softmax", chains),
    )


def _sigmoid_bce() -> Case:
    i, j, k, x, p, y, L = (
        symbols.i, symbols.j, symbols.k, symbols.x, symbols.p, symbols.y, symbols.L,
    )
    loss = -sympy.Sum(
        y[k] * _log_sigmoid(x[k]) + (1 - y[k]) * _log_sigmoid(-x[k]), (k, 1, symbols.n)
    )
    chains = {sympy.Derivative(p[i], x[j]): "sigmoid", sympy.Derivative(L, x[i]): "loss"}
    return Case(
        "sigmoid-bce",
        (
            Definition("sigmoid", "sigmoid p_i = σ(x_i) = (1 + tanh(x_i/2)) / 2", _sigmoid(i), (i,)),
            Definition(
                "loss",
                "binary cross-entropy L = −Σ_k (y_k log σ(x_k) + (1 − y_k) log(1 − σ(x_k)))",
                loss,
                (),
            ),
        ),
        _chain_formulas("sigmoid-bce", chains, skip=("quotient rule",)),
    )


def _focal_loss() -> Case:
    i, j, k, x, p = symbols.i, symbols.j, symbols.k, symbols.x, symbols.p
    _params, entries = _values("focal-loss")
    q = symbols.vector("q")
    # NOTE: one loss per case: the spot targets include soft ones, where the binary cases do
    # not hold, so the y_i = 1 case is checked as the loss of an all-positive target vector.
    positive = entries(-ALPHA_VALUE * sympy.Sum((1 - p[k]) ** GAMMA_VALUE * sympy.log(p[k]),
                                               (k, 1, symbols.n)))
    chains = {sympy.Derivative(p[i], x[j]): "sigmoid", sympy.Derivative(q[i], x[j]): "p_t"}
    formulas = _chain_formulas("focal-loss", chains, skip=("quotient rule",))
    from symderiv.builders import entries as built

    steps = built.focal_loss().steps
    # NOTE: the y_i = 1 case: the step that states it, followed to the end of the steps that
    # go on from it (from its right side, or from the name it defines). The last form is the
    # result; the first keeps (1 - p_i) in a denominator, nan at a saturated p_i = 1.
    at = next(
        (pos for pos, st in enumerate(steps) if "y_{i} = 1" in (st.justification or "")), None
    )
    if at is None:
        raise ValueError("the focal-loss derivation has no step for the case y_i = 1")
    case_one = [steps[at].rhs]
    for st in steps[at + 1 :]:
        if st.is_definition or st.lhs not in (steps[at].lhs, case_one[-1]):
            break
        case_one.append(st.rhs)
    formulas += (
        Formula(f"y_i = 1: {_short(case_one[-1])}", "loss", entries(case_one[-1]), (i,)),
    )
    return Case(
        "focal-loss",
        (
            Definition("sigmoid", "sigmoid p_i = σ(x_i) = (1 + tanh(x_i/2)) / 2", _sigmoid(i), (i,)),
            Definition("p_t", "p_t: q_i = y_i p_i + (1 − y_i)(1 − p_i)", entries(q[i]), (i,)),
            Definition(
                "loss",
                f"focal loss with every y_k = 1: −α Σ_k (1 − p_k)^γ log p_k, α = {ALPHA_VALUE}, "
                f"γ = {GAMMA_VALUE}",
                positive,
                (),
            ),
        ),
        formulas,
    )


CASES: dict[str, Callable[[], Case]] = {
    "focal-loss": _focal_loss,
    "softmax-ce": _softmax_ce,
    "softmax-temperature": _softmax_temperature,
    "log-softmax": _log_softmax,
    "label-smoothing-ce": _label_smoothing_ce,
    "kl-softmax": _kl_softmax,
    "sigmoid-bce": _sigmoid_bce,
}


def get(name: str) -> Case:
    """The case for a catalogue name; raises :class:`UnknownDerivationError`.

    >>> len(get("softmax-ce").formulas) > 5
    True
    """
    try:
        build = CASES[name]
    except KeyError:
        raise UnknownDerivationError(
            f"no spot checks for {name!r}; known: {', '.join(sorted(CASES))}"
        ) from None
    return build()
