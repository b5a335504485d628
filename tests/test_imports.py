"""Imports flow one way, down the data flow (../shared/research/aesthetics-anchors.md §4.2).

Every import statement counts, also those inside functions and under TYPE_CHECKING: a
lazy import of the CLI from the core is still a dependency in the wrong direction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qcdc_cli"
CORE = (
    "models",
    "read/normalize",
    "knowledge/numbers",
    "extract/dates",
    "extract/header",
    "knowledge/places",
    "extract/text",
    "knowledge/vocabulary",
)
EDGES = ("qcdc_cli.cli", "qcdc_cli.render", "qcdc_cli.index.store", "qcdc_cli.app.pipeline")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module `path` imports (relative imports resolved)."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # from qcdc_cli import cli
    return found


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


ALL_MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_is_where_the_test_looks() -> None:
    assert {"qcdc_cli." + m.replace("/", ".") for m in CORE} <= {module_name(p) for p in ALL_MODULES}


@pytest.mark.parametrize("name", CORE)
def test_core_does_not_import_the_edges(name: str) -> None:
    bad = {i for i in imports_of(PACKAGE / f"{name}.py") if within(i, EDGES)}
    assert not bad, f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=module_name(p), marks=[]) for p in ALL_MODULES],
)
def test_only_the_entry_points_import_the_cli(path: Path) -> None:
    name = module_name(path)
    if name == "qcdc_cli.__main__" or within(name, ("qcdc_cli.cli",)):
        return
    bad = {i for i in imports_of(path) if within(i, ("qcdc_cli.cli",))}
    assert not bad, f"{name} imports {sorted(bad)}"


def test_models_import_no_qcdc_module() -> None:
    bad = {i for i in imports_of(PACKAGE / "models.py") if within(i, ("qcdc_cli",))}
    assert not bad, f"qcdc_cli.models imports {sorted(bad)}"
