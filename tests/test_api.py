"""The library API: the README example runs as written, and each call answers as the
command of the same name does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import qcdc_cli
from qcdc_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_the_readme_example_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _readme_example()], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("13-KH/ĐUK 2016-04-11\n120-KL/TW 2016-01-07 implements\n")
    assert "└── implements 120-KL/TW" in done.stdout


def test_import_qcdc_cli_loads_no_stage() -> None:
    code = "import sys, qcdc_cli; print(sorted(m for m in sys.modules if m.startswith('qcdc_cli')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['qcdc_cli']"


def test_unknown_attributes_are_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        qcdc_cli.no_such_thing  # noqa: B018


def test_trace_answers_as_the_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    db = tmp_path / "i.sqlite"
    summary = qcdc_cli.Index(db).ingest([ROOT / "samples"])
    assert summary.read == 5 and not summary.failed
    trace = qcdc_cli.Index(db).trace("13-KH/ĐUK", direction="up")
    result = CliRunner().invoke(app, ["trace", "13-KH/ĐUK", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert sorted(n.id for n in trace.nodes) == sorted(n["id"] for n in shown["nodes"])
    assert {(lk.source, lk.target, lk.relation) for lk in trace.links} == {
        (lk["source"], lk["target"], lk["relation"]) for lk in shown["edges"]
    }


def test_check_text_finds_what_check_finds(tmp_path: Path) -> None:
    draft = tmp_path / "du-thao.txt"
    draft.write_text(
        "ĐẢNG BỘ TỈNH HÀ TĨNH\nSố 17-KH/TU\n\nHà Tĩnh, ngày 02 tháng 4 năm 2026\n\nKẾ HOẠCH\n"
        "Thực hiện Chỉ thị số 30-CT/TW ngày 18/02/1999 của Bộ Chính trị về xây dựng quy chế dân chủ ở cơ sở.\n",
        encoding="utf-8",
    )
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["check", str(draft), "-f", "json", "--fail-on", "never"])
    from_cli = sorted((d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"])
    from_api = sorted((d.code, d.line) for d in qcdc_cli.check_text(draft.read_text(encoding="utf-8")))
    assert from_api == from_cli and from_api, from_cli
