"""The keys that say which code produced a cached result cover all of that code.

An index row made by an older extractor, or a registry cache made by older checks,
must never be taken as current: every module the producing code can import (lazily
too) is hashed into the key, and any edit to one of them changes it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_imports import NAMES, imports_of, within
from test_imports import PACKAGE as SOURCE

from qcdc_cli.app.ingest import EXTRACTOR_CODE
from qcdc_cli.codehash import PACKAGE_DIR, digest_files, source_files
from qcdc_cli.index.derived import DERIVE_CODE
from qcdc_cli.knowledge.registry import _CACHED_CODE

# What runs to make each cached result: its entry modules.
PRODUCERS = {
    "extractor key": (
        EXTRACTOR_CODE,
        ("qcdc_cli.read.files", "qcdc_cli.extract", "qcdc_cli.knowledge.registry", "qcdc_cli.index.store"),
    ),
    "derive key": (DERIVE_CODE, ("qcdc_cli.resolve", "qcdc_cli.lineage", "qcdc_cli.index.derived")),
    "registry cache key": (_CACHED_CODE, ("qcdc_cli.knowledge.registry",)),
}


# Where a cache lives, how its key is computed and its file written, and how an error
# names a file on the terminal (errors -> terminal); they never shape the cached result.
KEYING = {"qcdc_cli", "qcdc_cli.codehash", "qcdc_cli.config", "qcdc_cli.cachefile", "qcdc_cli.terminal"}


def closure(roots: tuple[str, ...]) -> set[str]:
    """Every qcdc module the roots can import, through imports anywhere in a module
    (function bodies included), with the packages they live in."""
    seen: set[str] = set()
    todo = [n for n in NAMES if within(n, roots)]
    while todo:
        name = todo.pop()
        if name in seen or name not in NAMES:
            continue
        seen.add(name)
        todo.extend(i for i in imports_of(NAMES[name]) if i in NAMES and i != "qcdc_cli")
    return seen


@pytest.mark.parametrize("key", sorted(PRODUCERS))
def test_a_key_hashes_every_module_its_code_can_import(key: str) -> None:
    units, roots = PRODUCERS[key]
    # the tests read the source tree; the keys hash the installed package: compare places inside each
    hashed = {p.relative_to(PACKAGE_DIR) for p in source_files(*units)}
    missing = sorted(n for n in closure(roots) - KEYING if NAMES[n].relative_to(SOURCE) not in hashed)
    assert not missing, f"{key} does not hash {missing}"


def test_editing_any_extraction_file_changes_the_extractor_key(tmp_path: Path) -> None:
    copy = tmp_path / "qcdc_cli"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    files = source_files(*EXTRACTOR_CODE, root=copy)
    assert any(p.parent.name == "extract" for p in files) and any(p.name == "header.py" for p in files)
    before = digest_files(copy, files)
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        assert digest_files(copy, files) != before, path.relative_to(copy)
        path.write_bytes(original)
    new_module = copy / "extract" / "added.py"
    new_module.write_text("X = 1\n")
    assert digest_files(copy, source_files(*EXTRACTOR_CODE, root=copy)) != before, "a new module is not hashed"
