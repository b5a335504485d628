"""Startup cost: what `qcdc` loads before it does any work.

Measured in ../shared/research/ecosystem-perf.md §1: networkx costs ~270 ms to import,
pydantic ~90-160 ms, rich ~80 ms, yaml ~40 ms; a lazy CLI answers `--help` in ~125 ms.
Each case runs in a fresh interpreter (this test process has everything loaded already).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_FILES

DRAFT = REPO / "samples" / "hatinh_02-NQ-TU_2017.txt"

HEAVY = ("networkx", "pydantic", "yaml", "rich", "regex", "sqlite3", "jsonschema")
# the document-format libraries (README "Formats"): only a file of that format loads them
FORMATS = ("docx", "lxml", "pypdfium2", "viparse", "pdfplumber", "html.parser")

# Runs the Typer app in-process with the given arguments, then reports which heavy
# modules ended up in sys.modules (on stderr: stdout carries the command's output).
_PROBE = """
import json, sys
from qcdc_cli.cli import app
if sys.argv[1:]:
    try:
        app(sys.argv[1:])
    except SystemExit:
        pass
heavy = {heavy!r} + {formats!r}
print(json.dumps({{name: name in sys.modules for name in heavy}}), file=sys.stderr)
"""


def loaded_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    probe = _PROBE.format(heavy=HEAVY, formats=FORMATS)
    result = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode in (0, 1), result.stderr  # check exits 1 on findings
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return {name for name, present in report.items() if present}


@pytest.mark.parametrize("args", [(), ("--help",), ("extract", "--help")], ids=["import", "help", "extract-help"])
def test_import_and_help_load_nothing_heavy(args: tuple[str, ...]) -> None:
    loaded = loaded_after(*args)
    assert "networkx" not in loaded
    # Everything else heavy stays out too: only typer is imported at start.
    assert loaded == set(), f"loaded at start: {sorted(loaded)}"


@pytest.mark.parametrize("output", ["json", "text"])
def test_extract_does_not_load_the_graph_or_the_store(output: str, tmp_path: Path) -> None:
    cold = {"QCDC_CACHE_DIR": str(tmp_path / "cache")}
    loaded = loaded_after("extract", "-f", output, str(SAMPLE_FILES[0]), env=cold)
    assert "networkx" not in loaded
    assert "sqlite3" not in loaded
    # Without a cache the registry is read and validated: yaml and pydantic; extraction
    # needs regex; rich only for tables.
    assert {"pydantic", "yaml", "regex"} <= loaded
    assert ("rich" in loaded) == (output == "text")


@pytest.mark.parametrize(
    "args",
    [("extract", "-f", "json", str(SAMPLE_FILES[0])), ("check", "-f", "json", str(DRAFT))],
    ids=["extract", "check"],
)
def test_a_warm_registry_cache_keeps_yaml_and_pydantic_out(args: tuple[str, ...], tmp_path: Path) -> None:
    env = {"QCDC_CACHE_DIR": str(tmp_path / "cache"), "QCDC_REGISTRY": ""}
    first = loaded_after(*args, env=env)
    assert {"pydantic", "yaml"} <= first  # the first run compiles the registry ...
    assert list((tmp_path / "cache").glob("registry-*.json"))
    again = loaded_after(*args, env=env)
    assert again & {"pydantic", "yaml", "networkx", "sqlite3", "rich"} == set()  # ... the next reads it
    assert "regex" in again


@pytest.mark.parametrize("args", [(), ("--help",), ("extract", "--help"), ("ingest", "--help")])
def test_help_loads_no_format_library(args: tuple[str, ...]) -> None:
    assert loaded_after(*args) & set(FORMATS) == set()


@pytest.mark.parametrize(
    "args",
    [("extract", "-f", "json", str(SAMPLE_FILES[0])), ("check", "-f", "json", str(DRAFT))],
    ids=["extract", "check"],
)
def test_plain_text_runs_load_no_format_library(args: tuple[str, ...], tmp_path: Path) -> None:
    loaded = loaded_after(*args, env={"QCDC_CACHE_DIR": str(tmp_path / "cache")})
    assert loaded & set(FORMATS) == set()


def test_a_word_file_loads_python_docx_only(tmp_path: Path) -> None:
    from formats_factory import make_docx

    path = make_docx(tmp_path / "nd.docx")
    loaded = loaded_after("extract", "-f", "json", str(path), env={"QCDC_CACHE_DIR": str(tmp_path / "cache")})
    assert {"docx", "lxml"} <= loaded
    assert loaded & {"pypdfium2", "pdfplumber", "viparse"} == set()


_PATTERNS_PROBE = """
import json, sys
from qcdc_cli.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
from qcdc_cli.knowledge import patterns
print(json.dumps({"used": len(patterns._compiled), "compiled": patterns._new}), file=sys.stderr)
"""


def test_a_second_run_compiles_no_pattern(tmp_path: Path) -> None:
    """The extractor's ~100 patterns are compiled on the first run only; later runs read
    their programs from the cache folder (knowledge.patterns)."""
    env = {**os.environ, "QCDC_CACHE_DIR": str(tmp_path / "cache"), "QCDC_REGISTRY": ""}
    reports = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _PATTERNS_PROBE, "check", "-f", "json", str(DRAFT)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr  # the probe catches the exit of a check with findings
        reports.append(json.loads(done.stderr.strip().splitlines()[-1]))
    assert reports[0]["used"] > 50 and reports[0]["compiled"] is True
    assert list((tmp_path / "cache").glob("patterns-*.marshal"))
    assert reports[1] == {"used": reports[0]["used"], "compiled": False}
