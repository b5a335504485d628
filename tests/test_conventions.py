"""Command-line conventions users expect from any tool (issue 15): one test per defect
found by trying qcdc as a newcomer (../shared/research/findings/newcomer-findings.md P4, P8,
P11, P12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import CLI_ENV, REPO, SAMPLES
from typer.testing import CliRunner

from qcdc_cli import __version__
from qcdc_cli.cli._options import as_of_date

DRAFT = SAMPLES / "hatinh_02-NQ-TU_2017.txt"


def run(args: list[str], stdin: str | None = None) -> object:
    from qcdc_cli.cli import app

    return CliRunner().invoke(app, args, input=stdin, env=CLI_ENV, catch_exceptions=False)


def test_version() -> None:
    for flag in ("--version", "-V"):
        result = run([flag])
        assert result.exit_code == 0
        assert result.stdout == f"qcdc {__version__}\n"


@pytest.mark.parametrize("args", [["-h"], ["trace", "-h"], ["registry", "-h"], ["registry", "list", "-h"]])
def test_short_help_is_help(args: list[str]) -> None:
    short = run(args)
    long = run([*args[:-1], "--help"])
    assert short.exit_code == 0
    assert short.stdout == long.stdout
    assert "Usage: qcdc" in short.stdout


def test_shell_completion_is_offered() -> None:
    result = run(["--help"])
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout
    # bash asks the program itself for completions through an environment variable
    done = subprocess.run(
        [str(Path(sys.executable).parent / "qcdc")],
        env={**os.environ, "_QCDC_COMPLETE": "complete_bash", "COMP_WORDS": "qcdc tra", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.stdout.split() == ["trace"], done.stderr


def test_check_reads_standard_input() -> None:
    text = DRAFT.read_text(encoding="utf-8")
    piped = run(["check", "-f", "json", "-"], stdin=text)
    named = run(["check", "-f", "json", str(DRAFT)])
    assert piped.exit_code == named.exit_code == 1  # the seed has findings
    assert piped.stdout.replace('"-"', "PATH") == named.stdout.replace(f'"{DRAFT}"', "PATH")


def test_extract_reads_standard_input() -> None:
    import json

    text = DRAFT.read_text(encoding="utf-8")
    piped = run(["extract", "-f", "json", "-"], stdin=text)
    assert piped.exit_code == 0, piped.stderr
    [entry] = json.loads(piped.stdout)
    assert entry["path"] == "-"
    assert entry["self"]["number"] == "02-NQ/TU"


def test_ingest_of_a_missing_folder_is_a_usage_error_and_creates_no_index(tmp_path: Path) -> None:
    db = tmp_path / "index" / "x.sqlite"
    result = run(["ingest", str(tmp_path / "nothere"), "--db", str(db)])
    assert result.exit_code == 2
    assert "nothere" in result.stderr
    assert not db.exists()
    assert not db.parent.exists()


@pytest.mark.parametrize(
    "command", [["trace", "30-CT/TW", "--down", "--corpus", str(SAMPLES)], ["coverage", "30-CT/TW"]]
)
def test_a_misspelt_relation_is_a_usage_error_naming_the_valid_ones(command: list[str]) -> None:
    result = run([*command, "--relation", "implemnts"])
    assert result.exit_code == 2
    assert "'implemnts'" in result.stderr
    assert "did you mean implements?" in result.stderr
    assert "continues" in result.stderr and "cites" in result.stderr  # the valid ones


def test_relations_may_be_given_as_a_list() -> None:
    result = run(["trace", "30-CT/TW", "--down", "--corpus", str(SAMPLES), "-r", "implements,continues"])
    assert result.exit_code == 0, result.stderr
    assert "implemented by" in result.stdout


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2023-08-01", "2023-08-01"),
        ("01/08/2023", "2023-08-01"),
        ("1/8/2023", "2023-08-01"),
        ("1.8.2023", "2023-08-01"),
    ],
)
def test_as_of_takes_the_dates_people_write(written: str, iso: str) -> None:
    assert as_of_date(written) == iso


@pytest.mark.parametrize("bad", ["2023-13-01", "31/02/2024", "tomorrow", "08/2023"])
def test_as_of_rejects_what_is_not_a_date(bad: str) -> None:
    with pytest.raises(typer.BadParameter, match="01/08/2023"):
        as_of_date(bad)


def test_coverage_as_of_accepts_day_first(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    assert run(["ingest", str(SAMPLES), "--db", str(db), "-q"]).exit_code == 0
    iso = run(["coverage", "120-KL/TW", "--db", str(db), "--as-of", "2023-08-01", "-f", "json"])
    vn = run(["coverage", "120-KL/TW", "--db", str(db), "--as-of", "1/8/2023", "-f", "json"])
    assert iso.exit_code == vn.exit_code == 0, vn.stderr
    assert iso.stdout == vn.stdout
    assert '"as_of": "2023-08-01"' in vn.stdout
    assert '"gazetteer": 63' in vn.stdout  # the 63 provinces before the 2025 merger
    bad = run(["coverage", "120-KL/TW", "--db", str(db), "--as-of", "31/31/2023"])
    assert bad.exit_code == 2


def test_ascii_d_in_a_type_code_is_a_spelling_to_fix(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "Số 45-KH/HU\nNam Đàn, ngày 15 tháng 3 năm 2024\n\n"
        "Căn cứ Nghị định số 149/2018/ND-CP ngày 07/11/2018 của Chính phủ;\n",
        encoding="utf-8",
    )
    result = run(["check", "--lang", "en", str(draft)])
    assert "QC002" not in result.stdout
    assert "QC001 malformed document number “149/2018/ND-CP”" in result.stdout
    assert "write it as 149/2018/NĐ-CP" in result.stdout


BAD_REGISTRY = """\
documents:
  - id: "TU:KH:26@2016#Lai Chau"
    number: 26-KH/TU
    type: KH
    issuer_code: TU
    issuer: Tỉnh ủy Lai Châu
    system: party
    province: Lai Chau
    date: "2016-03-01"
    title: Kế hoạch thực hiện
    status: in_force
    confidence: unconfirmed
    relations:
      - {type: implements, target: "TW:KL:999@XII"}
  - id: broken
    number: 1
    nonsense: 3
"""


def test_registry_validate_reports_schema_and_other_problems_in_one_round(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_REGISTRY, encoding="utf-8")
    result = run(["registry", "validate", str(path)])
    assert result.exit_code == 2
    assert "documents.1.nonsense: Extra inputs are not permitted" in result.stderr  # schema
    assert "documents.0.relations.0.target: 'TW:KL:999@XII' names no document" in result.stderr  # cross-check
    # a misspelt province gets the right name, not a request to copy the typo into the id
    assert "'Lai Chau' is not in the gazetteer; did you mean 'Lai Châu'?" in result.stderr
    assert "documents.0.id" not in result.stderr


@pytest.mark.parametrize("args", [("--version",), ("-h",), ("trace", "-h")], ids=["version", "h", "trace-h"])
def test_version_and_short_help_load_nothing_heavy(args: tuple[str, ...]) -> None:
    from test_startup import loaded_after

    assert loaded_after(*args) == set()
