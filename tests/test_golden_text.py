"""Golden text outputs of the samples at 200 columns (tests/test_golden.py has 120 and the
machine formats): the default output (no --lang, a C locale) must not change when messages
move into the catalog or layouts change for narrow terminals.

Regenerate on purpose only: QCDC_REGEN_GOLDEN=1 pytest tests/test_golden_text.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CLI_ENV, REPO
from typer.testing import CliRunner

GOLDEN = Path(__file__).parent / "fixtures" / "golden-text"
ENV = {**CLI_ENV, "LANG": "C", "LC_ALL": "", "LC_MESSAGES": ""}

# name -> arguments; {db} is an index of the samples built once per module
COMMANDS: dict[str, list[str]] = {
    "trace-both": ["trace", "62-KH/TU", "--both", "--corpus", "samples"],
    "trace-down": ["trace", "30-CT/TW", "--down", "--corpus", "samples"],
    "show": ["show", "120-KL/TW", "--corpus", "samples"],
    "extract": ["extract", "samples/hatinh_02-NQ-TU_2017.txt"],
    "check": ["check", "samples/hatinh_02-NQ-TU_2017.txt"],
    "stats": ["stats", "--db", "{db}"],
    "unresolved": ["unresolved", "--db", "{db}"],
    "coverage": ["coverage", "120-KL/TW", "--db", "{db}", "--as-of", "2026-01-01"],
    "unknown": ["show", "999-KL/TW", "--corpus", "samples"],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qcdc_cli.cli import app

    path = tmp_path_factory.mktemp("golden") / "index.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(REPO / "samples"), "--db", str(path), "-q"], env=ENV)
    assert result.exit_code == 0, result.stderr
    return path


def run(name: str, db: Path, extra: list[str] | None = None, env: dict[str, str] | None = None) -> str:
    """stdout then stderr of one command run from the repository, with machine paths removed."""
    from qcdc_cli.cli import app

    args = [a.replace("{db}", str(db)) for a in COMMANDS[name]] + (extra or [])
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(app, args, env=env or ENV)
    finally:
        os.chdir(cwd)
    out = f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        out += f"--- {type(result.exception).__name__}\n{result.exception}\n"  # run_app prints it
    out = out.replace(str(db), "INDEX").replace(str(REPO) + "/", "")
    return re.sub(r"as of \d{4}-\d\d-\d\d", "as of TODAY", out)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_default_output_is_unchanged(name: str, db: Path) -> None:
    path = GOLDEN / f"{name}.txt"
    got = run(name, db)
    if os.environ.get("QCDC_REGEN_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
