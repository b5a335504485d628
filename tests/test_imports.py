"""Imports flow one way, down the data flow (../shared/research/aesthetics-anchors.md §4.2).

Every import statement counts, also those inside functions: a lazy import of the CLI
from the core is still a dependency in the wrong direction, and a lazy cycle is still a
cycle. Imports under `if TYPE_CHECKING:` are annotations only; they count for the
direction rules but not for cycles (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qcdc_cli"

# Shared modules: values and helpers every stage may use; they import only each other.
SHARED = (
    "qcdc_cli.errors",
    "qcdc_cli.models",
    "qcdc_cli.terminal",
    "qcdc_cli.codehash",
    "qcdc_cli.config",
    "qcdc_cli.cachefile",
)
# Each package, in data-flow order, with what it may import besides SHARED and itself.
ALLOWED: dict[str, tuple[str, ...]] = {
    "qcdc_cli.knowledge": (),
    "qcdc_cli.read": (),
    "qcdc_cli.extract": ("qcdc_cli.knowledge", "qcdc_cli.read"),
    "qcdc_cli.resolve": ("qcdc_cli.knowledge",),
    "qcdc_cli.lineage": ("qcdc_cli.knowledge", "qcdc_cli.resolve"),
    "qcdc_cli.lint": ("qcdc_cli.knowledge", "qcdc_cli.read", "qcdc_cli.extract", "qcdc_cli.resolve"),
    "qcdc_cli.index": ("qcdc_cli.knowledge", "qcdc_cli.read", "qcdc_cli.resolve", "qcdc_cli.lineage"),
    "qcdc_cli.app": (
        "qcdc_cli.knowledge",
        "qcdc_cli.read",
        "qcdc_cli.extract",
        "qcdc_cli.resolve",
        "qcdc_cli.lineage",
        "qcdc_cli.lint",
        "qcdc_cli.index",
    ),
    # renderers draw the results of any stage, never run one
    "qcdc_cli.render": ("qcdc_cli.knowledge", "qcdc_cli.resolve", "qcdc_cli.lineage", "qcdc_cli.lint", "qcdc_cli.app"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _names(node: ast.Import | ast.ImportFrom, package: str) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = node.module or ""
    if node.level:
        base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
    return {base} | {f"{base}.{alias.name}" for alias in node.names}  # from qcdc_cli import cli


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """Import nodes inside `if TYPE_CHECKING:` blocks."""
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                found.update(n for n in ast.walk(child) if isinstance(n, ast.Import | ast.ImportFrom))
    return found


def imports_of(path: Path, *, runtime_only: bool = False) -> set[str]:
    """Absolute names of every module `path` imports (relative imports resolved)."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree) if runtime_only else set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and node not in skip:
            found |= _names(node, package)
    return found


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


ALL_MODULES = sorted(PACKAGE.rglob("*.py"))
NAMES = {module_name(p): p for p in ALL_MODULES}


def test_every_module_has_a_place() -> None:
    """A new package must be given its place in the data flow here."""
    top = {n for n in NAMES if n.count(".") >= 1}
    placed = ("qcdc_cli.cli", "qcdc_cli.api", "qcdc_cli.__main__", *SHARED, *ALLOWED)
    assert {n for n in top if not within(n, placed)} == set()


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_comes_before_it(package: str) -> None:
    allowed = (package, *SHARED, *ALLOWED[package], "qcdc_cli.__version__")
    bad = {}
    for name, path in NAMES.items():
        if within(name, (package,)):
            wrong = {i for i in imports_of(path) if within(i, ("qcdc_cli",)) and i != "qcdc_cli"}
            wrong = {i for i in wrong if not within(i, allowed)}
            if wrong:
                bad[name] = sorted(wrong)
    assert not bad


@pytest.mark.parametrize("name", SHARED)
def test_shared_modules_import_only_shared_modules(name: str) -> None:
    mine = {i for i in imports_of(NAMES[name]) if within(i, ("qcdc_cli",)) and i != "qcdc_cli"}
    bad = {i for i in mine if not within(i, SHARED)}
    assert not bad, f"{name} imports {sorted(bad)}"


def test_models_import_no_qcdc_module() -> None:
    bad = {i for i in imports_of(PACKAGE / "models.py") if within(i, ("qcdc_cli",))}
    assert not bad, f"qcdc_cli.models imports {sorted(bad)}"


@pytest.mark.parametrize("path", ALL_MODULES, ids=module_name)
def test_only_the_entry_points_import_the_cli(path: Path) -> None:
    name = module_name(path)
    if name == "qcdc_cli.__main__" or within(name, ("qcdc_cli.cli",)):
        return
    bad = {i for i in imports_of(path) if within(i, ("qcdc_cli.cli",))}
    assert not bad, f"{name} imports {sorted(bad)}"


def _module_graph() -> dict[str, set[str]]:
    """Module -> the qcdc modules it imports at run time (a `from pkg import name` edge
    goes to pkg.name when that is a module, else to pkg)."""
    graph: dict[str, set[str]] = {}
    for name, path in NAMES.items():
        targets = set()
        for i in imports_of(path, runtime_only=True):
            if i in NAMES and i != name:
                targets.add(i)
        # `from qcdc_cli.x import y` adds both qcdc_cli.x and qcdc_cli.x.y: keep the module
        graph[name] = {t for t in targets if not any(o.startswith(t + ".") and o in targets for o in targets)}
    return graph


def test_no_import_cycle() -> None:
    """No module can reach itself through imports, lazy ones included. The package
    `qcdc_cli` itself (the library API, which imports lazily on attribute access) is
    left out: every module imports it for `__version__`."""
    graph = {k: v - {"qcdc_cli"} for k, v in _module_graph().items() if k != "qcdc_cli"}
    cycles = find_cycles(graph)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles a depth-first walk meets (each as the path that closes it)."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return cycles


def test_the_cycle_check_sees_lazy_imports_and_cycles() -> None:
    """A lazy import inside a function is an edge; a two-module loop is found."""
    tree = ast.parse("def f():\n    from qcdc_cli import b\n")
    lazy = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert "qcdc_cli.b" in _names(lazy, "qcdc_cli")
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("name", sorted(n for n in NAMES if n.count(".") == 1 and NAMES[n].name == "__init__.py"))
def test_every_package_says_its_role(name: str) -> None:
    doc = ast.get_docstring(ast.parse(NAMES[name].read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 8, f"{name}/__init__.py has no docstring saying what the package does"


@pytest.mark.parametrize("path", ALL_MODULES, ids=module_name)
def test_no_module_over_600_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600
