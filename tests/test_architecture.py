"""Import direction: core ← {builders, reader, checker, writer} ← api, catalogue ← cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symderiv"
CORE = {"errors", "model", "results", "config", "symbols", "_timeout", "__init__"}
SIBLINGS = {"builders", "reader", "checker", "writer"}

# What each layer may import from symderiv (top-level names).
ALLOWED: dict[str, set[str]] = {
    "core": CORE,
    "builders": CORE | {"builders"},
    "reader": CORE | {"reader"},
    "checker": CORE | {"checker"},
    "writer": CORE | {"writer"},
    "spot": CORE | {"spot", "builders"},
    "catalogue": CORE | {"catalogue", "builders"},
    "inputs": CORE | {"inputs"},
    "run": CORE | {"run", "checker", "writer", "inputs"},
    "api": CORE | SIBLINGS | {"api", "catalogue", "spot", "inputs", "run"},
    "cli": CORE | {"api", "cli"},
    "testing": CORE | {"api", "testing"},
    "pytest_plugin": CORE | {"testing", "pytest_plugin"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    top = rel.parts[0].removesuffix(".py")
    if top == "__main__":
        return "cli"
    return "core" if top in CORE else top


def _imports(path: Path) -> list[tuple[str, int, str | None]]:
    """``(imported symderiv top-level name, line, enclosing function)`` for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, str | None]] = []

    def visit(node: ast.AST, func: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.extend(_top(alias.name, child.lineno, name))
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module == "symderiv":
                    for alias in child.names:
                        found.append((alias.name, child.lineno, name))
                else:
                    found.extend(_top(child.module, child.lineno, name))
            visit(child, name)

    visit(tree, None)
    return found


def _top(module: str, line: int, func: str | None) -> list[tuple[str, int, str | None]]:
    parts = module.split(".")
    if parts[0] == "symderiv" and len(parts) > 1:
        return [(parts[1], line, func)]
    if parts[0] in ("latex2sympy2", "antlr4"):
        return [("<" + parts[0] + ">", line, func)]
    return []


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    layer = _layer(path)
    allowed = ALLOWED[layer]
    bad = []
    for name, line, _func in _imports(path):
        if name.startswith("<"):
            if path.name != "latex2sympy_adapter.py":
                bad.append(f"line {line}: only reader/latex2sympy_adapter.py may import {name}")
            continue
        if name == "__version__":
            continue
        if name not in allowed:
            bad.append(f"line {line}: {layer} imports symderiv.{name}")
    assert not bad, "\n".join(bad)


def test_the_layer_table_knows_every_top_level_module() -> None:
    tops = {_layer(p) for p in MODULES}
    assert tops <= set(ALLOWED), tops - set(ALLOWED)


def test_no_module_calls_eval_or_exec() -> None:
    offenders = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"eval", "exec", "sympify", "parse_expr", "S"}
                and node.args
            ):
                first = node.args[0]
                if not isinstance(first, ast.Constant) or isinstance(first.value, str):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.func.id}")
    assert not offenders, offenders
