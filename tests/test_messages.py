"""The message catalog (render/messages.py): complete in both languages, used by every
command, chosen by --lang, [tool.qcdc] lang or the locale."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from conftest import CLI_ENV, REPO, SAMPLES
from typer.testing import CliRunner

from qcdc_cli.render.messages import CATALOG, LANGS, msg, relation_name, translate_error

PACKAGE = REPO / "qcdc_cli"
VI = {**CLI_ENV, "LANG": "vi_VN.UTF-8"}
C = {**CLI_ENV, "LANG": "C", "LC_ALL": "", "LC_MESSAGES": ""}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_exists_in_both_languages_with_the_same_fields(key: str) -> None:
    texts = CATALOG[key]
    assert len(texts) == len(LANGS)
    en, vi = texts
    assert en.strip() and vi.strip()
    assert fields(en) == fields(vi), key


def test_every_key_the_code_asks_for_is_in_the_catalog() -> None:
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""\bmsg\(\s*f?["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    literal = {k for k in used if not k.endswith(".")}
    assert literal, "no msg() call found: the scan is broken"
    assert literal <= set(CATALOG), sorted(literal - set(CATALOG))


def test_the_eight_relations_have_their_vietnamese_names() -> None:
    expected = {
        "implements": "thực hiện",
        "based_on": "căn cứ",
        "guides": "hướng dẫn",
        "continues": "tiếp tục",
        "replaces": "thay thế",
        "amends": "sửa đổi",
        "repeals": "bãi bỏ",
        "cites": "trích dẫn",
    }
    for relation, name in expected.items():
        assert relation_name(relation, "vi") == name
        assert relation_name(relation, "en") == relation
    assert relation_name("implements", "en", passive=True) == "implemented by"


def test_core_errors_are_said_in_vietnamese() -> None:
    english = "no document 9-KL/TW is known in the registry and 6 document(s) read; close numbers: 120-KL/TW"
    assert translate_error(english, "en") == english
    assert translate_error(english, "vi") == (
        "không biết văn bản 9-KL/TW trong danh mục và 6 văn bản đã đọc; số gần giống: 120-KL/TW"
    )
    assert translate_error("x.txt: no such file", "vi") == "x.txt: không có tệp này"
    assert translate_error("something new", "vi") == "something new"  # unknown: as it was


def invoke(args: list[str], env: dict[str, str]) -> object:
    from qcdc_cli.cli import app

    return CliRunner().invoke(app, args, env=env)


@pytest.mark.parametrize(
    ("args", "english", "vietnamese"),
    [
        (["trace", "62-KH/TU", "--corpus", str(SAMPLES)], "implements 65-KL/TW", "thực hiện 65-KL/TW"),
        (["trace", "30-CT/TW", "--down", "--corpus", str(SAMPLES)], "implemented by", "được thực hiện bởi"),
        (["show", "120-KL/TW", "--corpus", str(SAMPLES)], "Cited by (", "Được trích dẫn bởi ("),
    ],
)
def test_lineage_commands_follow_lang_and_locale(args: list[str], english: str, vietnamese: str) -> None:
    en = invoke(args, C)
    vi = invoke([*args, "--lang", "vi"], C)
    by_locale = invoke(args, VI)
    forced_en = invoke([*args, "--lang", "en"], VI)
    assert english in en.stdout and vietnamese not in en.stdout
    assert vietnamese in vi.stdout
    assert by_locale.stdout == vi.stdout
    assert forced_en.stdout == en.stdout


def test_index_commands_and_ingest_follow_lang(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    ingested = invoke(["ingest", str(SAMPLES), "--db", db, "--lang", "vi"], C)
    assert ingested.exit_code == 0
    assert "đã đọc" in ingested.stdout and "chỉ mục" in ingested.stdout
    stats = invoke(["stats", "--db", db], VI)
    assert "văn bản theo tỉnh, thành" in stats.stdout and "trung ương" in stats.stdout
    unresolved = invoke(["unresolved", "--db", db, "--lang", "vi"], C)
    assert "được 1 văn bản trích dẫn" in unresolved.stdout
    coverage = invoke(["coverage", "120-KL/TW", "--db", db, "--lang", "vi"], C)
    assert "chưa có văn bản từ" in coverage.stdout


def test_errors_follow_lang(capsys: pytest.CaptureFixture[str]) -> None:
    from qcdc_cli.cli import app
    from qcdc_cli.cli._console import run_app

    with pytest.raises(SystemExit) as stop:
        run_app(app, ["show", "999-KL/TW", "--corpus", str(SAMPLES), "--lang", "vi"])
    assert stop.value.code == 1
    assert "qcdc: không biết văn bản 999-KL/TW trong danh mục" in capsys.readouterr().err


def test_project_configuration_sets_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.qcdc]\nlang = "vi"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke(["trace", "62-KH/TU", "--corpus", str(SAMPLES)], C)
    assert "thực hiện 65-KL/TW" in result.stdout
    draft = SAMPLES / "hatinh_02-NQ-TU_2017.txt"
    checked = invoke(["check", str(draft)], C)
    assert "Tìm thấy" in checked.stderr  # check follows the top-level lang too
    assert msg("rel.implements", "vi") == "thực hiện"
