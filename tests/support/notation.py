"""The names the checker's tests and benchmarks write their identities in.

``S`` is the softmax denominator, ``DEFS`` the softmax and cross-entropy definitions
(``p_i = e^{x_i} / S``, ``L = -Σ_j y_j log p_j``), ``FAST`` a check configuration small
enough for a table of cases.
"""

from __future__ import annotations

import sympy

from symderiv import symbols
from symderiv.config import CheckConfig
from symderiv.model import Assumption

x, y, p, L = symbols.x, symbols.y, symbols.p, symbols.L
i, j, k, n = symbols.i, symbols.j, symbols.k, symbols.n
S = sympy.Sum(sympy.exp(x[k]), (k, 1, n))
DEFS = ((p[i], sympy.exp(x[i]) / S), (L, -sympy.Sum(y[j] * sympy.log(p[j]), (j, 1, n))))
SUM_Y = Assumption(sympy.Eq(sympy.Sum(y[j], (j, 1, n)), 1), "\\sum_j y_j = 1")
FAST = CheckConfig(concrete_n=(1, 2, 3), samples=12)
