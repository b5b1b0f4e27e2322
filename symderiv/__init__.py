"""symderiv: check derivations step by step; derive and spot-check softmax calculus.

The public names are loaded on first use, so ``import symderiv`` stays cheap and the core
modules can import ``symderiv.symbols`` without pulling in the whole package.

>>> import symderiv
>>> symderiv.Verdict.PROVED.value
'proved'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "check_file": "symderiv.api",
    "check_text": "symderiv.api",
    "read_text": "symderiv.api",
    "derive": "symderiv.api",
    "build_and_check": "symderiv.api",
    "render": "symderiv.api",
    "check": "symderiv.checker",
    "check_equal": "symderiv.checker",
    "read_markdown": "symderiv.reader",
    "read_latex": "symderiv.reader",
    "parse_formula": "symderiv.reader",
    "to_latex": "symderiv.writer.latex",
    "Derivation": "symderiv.model",
    "Step": "symderiv.model",
    "Assumption": "symderiv.model",
    "Relation": "symderiv.model",
    "SourceSpan": "symderiv.model",
    "Verdict": "symderiv.results",
    "StepResult": "symderiv.results",
    "Counterexample": "symderiv.results",
    "DerivationReport": "symderiv.results",
    "CheckConfig": "symderiv.config",
    "ReadConfig": "symderiv.config",
    "Notation": "symderiv.config",
    "SymderivError": "symderiv.errors",
    "ParseError": "symderiv.errors",
    "UnsupportedNotationError": "symderiv.errors",
    "CheckTimeout": "symderiv.errors",
    "UnknownDerivationError": "symderiv.errors",
}

__all__ = [
    "__version__",
    "Assumption",
    "CheckConfig",
    "CheckTimeout",
    "Counterexample",
    "Derivation",
    "DerivationReport",
    "Notation",
    "ParseError",
    "ReadConfig",
    "Relation",
    "SourceSpan",
    "Step",
    "StepResult",
    "SymderivError",
    "UnknownDerivationError",
    "UnsupportedNotationError",
    "Verdict",
    "build_and_check",
    "check",
    "check_equal",
    "check_file",
    "check_text",
    "derive",
    "parse_formula",
    "read_latex",
    "read_markdown",
    "read_text",
    "render",
    "to_latex",
]


#: How the model objects show themselves in Jupyter (their ``_repr_latex_``/``_repr_html_``),
#: and how the checker writes a formula into a hint or a warning (``margin``): the writer's
#: renderers, named here like the public names and loaded on first use.
#: NOTE: the core and the checker call ``_display`` and never import the writer; the writer
#: imports the core.
_DISPLAY = {
    "latex": ("symderiv.writer.latex", "repr_latex"),
    "html": ("symderiv.writer.report", "report_html"),
    "margin": ("symderiv.writer._latexprinter", "margin_latex"),
}


def _display(kind: str, obj: object) -> str:
    """``obj`` rendered by the writer as ``kind`` (``"latex"``, ``"html"`` or ``"margin"``)."""
    module, name = _DISPLAY[kind]
    text: str = getattr(importlib.import_module(module), name)(obj)
    return text


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'symderiv' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
