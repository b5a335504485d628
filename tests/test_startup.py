"""Startup cost: what `qcdc` loads before it does any work.

Measured in ../shared/research/ecosystem-perf.md §1: networkx costs ~270 ms to import,
pydantic ~90-160 ms, rich ~80 ms, yaml ~40 ms; a lazy CLI answers `--help` in ~125 ms.
Each case runs in a fresh interpreter (this test process has everything loaded already).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, SAMPLE_FILES

HEAVY = ("networkx", "pydantic", "yaml", "rich", "regex", "sqlite3", "jsonschema")

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
heavy = {heavy!r}
print(json.dumps({{name: name in sys.modules for name in heavy}}), file=sys.stderr)
"""


def loaded_after(*args: str) -> set[str]:
    probe = _PROBE.format(heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return {name for name, present in report.items() if present}


@pytest.mark.parametrize("args", [(), ("--help",), ("extract", "--help")], ids=["import", "help", "extract-help"])
def test_import_and_help_load_nothing_heavy(args: tuple[str, ...]) -> None:
    loaded = loaded_after(*args)
    assert "networkx" not in loaded
    # Everything else heavy stays out too: only typer is imported at start.
    assert loaded == set(), f"loaded at start: {sorted(loaded)}"


@pytest.mark.parametrize("output", ["json", "text"])
def test_extract_does_not_load_the_graph_or_the_store(output: str) -> None:
    loaded = loaded_after("extract", "-f", output, str(SAMPLE_FILES[0]))
    assert "networkx" not in loaded
    assert "sqlite3" not in loaded
    # The registry needs pydantic and yaml, extraction needs regex; rich only for tables.
    assert {"pydantic", "yaml", "regex"} <= loaded
    assert ("rich" in loaded) == (output == "text")
