"""Import direction: core ← {builders, reader, checker, writer} ← api, catalogue ← cli."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symderiv"
CORE = {"errors", "model", "results", "config", "symbols", "indices", "_timeout", "__init__"}
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
    "run": CORE | {"run", "checker", "reader", "writer", "inputs"},
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
            name = (
                child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
            )
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


# --- size, reachability and catches -------------------------------------------------------

#: A module longer than this says why in its docstring, in a paragraph starting "Long because".
LONG = 500

#: Long modules still to split (or, if they must stay long, to say why in their docstring),
#: each with what should leave it; none left.
TO_SPLIT: dict[str, str] = {}


def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_a_long_module_says_why(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    why = any(p.startswith("Long because") for p in _docstring(path).split("\n\n"))
    assert lines <= LONG or why or _rel(path) in TO_SPLIT, (
        f"{_rel(path)} has {lines} lines: split it by job, or say why it stays long in a "
        "docstring paragraph starting 'Long because'"
    )


def test_the_modules_to_split_exist() -> None:
    assert {p for p in TO_SPLIT if not (PACKAGE / p).is_file()} == set()


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _references(path: Path) -> set[str]:
    """Every ``symderiv...`` name the module imports or names in a string (lazy imports)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"symderiv(\.\w+)+(:\w+)?", node.value)
        ):
            out.add(node.value.split(":")[0])
    return out


#: Where the package is entered: ``import symderiv``, ``python -m symderiv``, the console
#: script and the pytest plugin of pyproject.toml.
ENTRY_POINTS = ("symderiv", "symderiv.__main__", "symderiv.cli", "symderiv.pytest_plugin")


def test_every_package_module_is_used_by_the_package() -> None:
    """Nothing in the wheel is there only for the tests or the benchmarks (those are tests/support)."""
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"symderiv.cli:main"' in pyproject and '"symderiv.pytest_plugin"' in pyproject
    modules = {_dotted(p): p for p in MODULES}
    seen: set[str] = set()
    todo = list(ENTRY_POINTS)
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:k]) for k in range(1, len(parts))]
        todo += [r for r in _references(modules[name]) if r in modules]
    assert sorted(set(modules) - seen) == []


BROAD = {"TypeError", "AttributeError"}

#: Modules whose ``try`` blocks run whole SymPy pipelines although they do not import sympy.
PIPELINES = {"api.py", "cli.py"}

#: ``(module, enclosing function)`` of the catches allowed, with the reason. SymPy's own
#: ``TypeError``s (``Mix of Matrix and Scalar symbols``) are named as ``errors.SymPyRefusal``
#: through ``errors.sympy_refusals``, which lets the same errors raised in symderiv propagate.
BROAD_CATCHES_ALLOWED: dict[tuple[str, str], str] = {
    # A dictionary lookup, not a SymPy call: a key holding a mutable matrix is unhashable.
    ("checker/_budget.py", "remembered.run"): "the memo of check_equal skips unhashable keys",
    ("checker/_budget.py", "prepared_once.run"): "the memo of prepare skips unhashable keys",
}


def _broad_catches(path: Path) -> list[tuple[int, str]]:
    """``(line, qualified enclosing function)`` of each ``except`` naming TypeError or AttributeError."""
    found: list[tuple[int, str]] = []

    def names(t: ast.expr | None) -> set[str]:
        if t is None:
            return set()
        elts = t.elts if isinstance(t, ast.Tuple) else [t]
        return {e.id if isinstance(e, ast.Name) else ast.unparse(e) for e in elts}

    def visit(node: ast.AST, func: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = func
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = child.name if func == "<module>" else f"{func}.{child.name}"
            if isinstance(child, ast.ExceptHandler) and names(child.type) & BROAD:
                found.append((child.lineno, name))
            visit(child, name)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def _uses_sympy(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "sympy" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sympy":
            return True
    return path.name in PIPELINES and path.parent == PACKAGE


def test_no_catch_of_type_or_attribute_errors_around_sympy() -> None:
    """SymPy's own errors are caught by name; a TypeError or AttributeError is a bug, and shows."""
    bad = []
    for path in MODULES:
        if not _uses_sympy(path):
            continue
        for line, func in _broad_catches(path):
            key = (_rel(path), func)
            if key in BROAD_CATCHES_ALLOWED:
                continue
            bad.append(f"{_rel(path)}:{line} in {func}")
    assert not bad, bad


def test_the_printers_are_the_writers() -> None:
    """One SymPy printer per output target, all in the writer: the other layers hand it SymPy
    (the checker asks for the formulas of its hints through ``symderiv._display``)."""
    outside = []
    for path in MODULES:
        if _layer(path) == "writer":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                (b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")).endswith("Printer")
                for b in node.bases
            ):
                outside.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert outside == []
