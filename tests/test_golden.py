"""What the commands print on the bundled samples, byte for byte.

The files in tests/fixtures/golden/ were first written by the qcdc that preceded the
stage packages, so the restructure is proven to change no output. When a change is
meant to alter an output, write the files again and read the diff before committing:

    QCDC_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
SAMPLES = "samples"

# name -> argv after `qcdc`; {db} is an index of the samples built once per session.
COMMANDS: dict[str, list[str]] = {
    "extract-json": ["extract", SAMPLES, "-f", "json"],
    "extract-jsonl": ["extract", SAMPLES, "-f", "jsonl"],
    "extract-text": ["extract", SAMPLES],
    "trace-up-text": ["trace", "13-KH/ĐUK", "--corpus", SAMPLES],
    "trace-down-json": ["trace", "30-CT/TW", "--down", "--corpus", SAMPLES, "-f", "json"],
    "trace-both-mermaid": ["trace", "26-KH/TU", "--both", "--corpus", SAMPLES, "-f", "mermaid"],
    "trace-dot": ["trace", "62-KH/TU", "--both", "--corpus", SAMPLES, "-f", "dot"],
    "show-json": ["show", "120-KL/TW", "--corpus", SAMPLES, "-f", "json"],
    "show-text": ["show", "13-KH/ĐUK", "--corpus", SAMPLES],
    "check-text": ["check", SAMPLES, "--fail-on", "never"],
    "check-json": ["check", SAMPLES, "-f", "json", "--fail-on", "never"],
    "check-sarif": ["check", SAMPLES, "-f", "sarif", "--fail-on", "never"],
    "check-github": ["check", SAMPLES, "-f", "github", "--fail-on", "never"],
    "stats-json": ["stats", "--db", "{db}", "-f", "json"],
    "unresolved-json": ["unresolved", "--db", "{db}", "-f", "json"],
    "coverage-json": ["coverage", "30-CT/TW", "--db", "{db}", "-f", "json", "--as-of", "2024-01-01"],
    "export-graphml": ["export", "--db", "{db}", "-f", "graphml"],
}


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("golden") / "samples.sqlite"
    done = _qcdc(["ingest", SAMPLES, "--db", str(db), "-q"])
    assert done.returncode == 0, done.stderr
    return str(db)


def _qcdc(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.pop("QCDC_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "qcdc_cli", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300
    )


def _stable(text: str, db: str) -> str:
    """The parts that differ from run to run: the index path, timings, the version."""
    text = text.replace(db, "{db}").replace(str(ROOT) + "/", "")
    return re.sub(r'"derive_seconds": [0-9.e-]+', '"derive_seconds": 0', text)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_is_unchanged(name: str, samples_db: str) -> None:
    args = [a.replace("{db}", samples_db) for a in COMMANDS[name]]
    done = _qcdc(args)
    assert done.returncode in (0, 1), done.stderr
    got = _stable(done.stdout, samples_db)
    path = GOLDEN / f"{name}.out"
    if os.environ.get("QCDC_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
