"""`qcdc check` end to end: the seeds, exit codes, configuration, the four output formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from qcdc_cli.app.check import FileReport
from qcdc_cli.cli import app
from qcdc_cli.cli._console import run_app
from qcdc_cli.cli.check import default_lang
from qcdc_cli.lint.lint import Diagnostic
from qcdc_cli.render.diagnostics import artifact_uri, render_github, render_text, to_sarif

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SCHEMA = json.loads((ROOT / "tests/fixtures/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def qcdc(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process through its real entry (run_app): exit code, stdout, stderr."""
    try:
        run_app(app, list(args))
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No configuration file above the test, no locale or registry from the machine."""
    monkeypatch.chdir(tmp_path)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "QCDC_REGISTRY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


DRAFT = """ĐẢNG BỘ TỈNH LAI CHÂU
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
*
Số 21-KH/ĐUK
ĐẢNG CỘNG SẢN VIỆT NAM
Lai Châu, ngày 15 tháng 5 năm 2016

KẾ HOẠCH
thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị

Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu, Ban Thường vụ Đảng ủy Khối xây dựng \
kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Quán triệt Nghị định số 04/2015/NĐ-CP ngày 09/01/2015 của Chính phủ và Nghị định số 157-NĐ/2007/NĐ-CP \
ngày 27/10/2007 của Chính phủ.
Tiếp tục thực hiện Chỉ thị số 30-CT/TW của Bộ Chính trị về xây dựng và thực hiện quy chế dân chủ ở cơ sở.
"""


# ---- the seeds -------------------------------------------------------------------------------


def findings(out: str) -> list[tuple[str, str, str]]:
    """(file, code, number or "") of each finding in the JSON output."""
    data = json.loads(out)
    return [(Path(d["path"]).name, d["code"], d["number"] or "") for d in data["diagnostics"]]


def test_seeds_errors_and_warnings(capsys):
    code, out, _ = qcdc(capsys, "check", str(SAMPLES), "--format", "json", "--ignore", "QC016")
    assert code == 1
    assert sorted(findings(out)) == sorted(SEED_FINDINGS)


SEED_FINDINGS = [
    ("hatinh_02-NQ-TU_2017.txt", "QC001", "157/2007/NĐ-CP"),
    ("hatinh_02-NQ-TU_2017.txt", "QC001", "34/2007/PL-UBTVQH11"),
    ("laichau_13-KH-DUK_2016.txt", "QC001", "34-PL/UBTVQH11"),
    ("tayninh_19-KH-BCD_2023.txt", "QC011", ""),
    ("tayninh_19-KH-BCD_2023.txt", "QC014", ""),
    ("tuyenquang_ubnd_dan-van_2013.txt", "QC006", "25-NQ/TU"),
    ("tuyenquang_ubnd_dan-van_2013.txt", "QC006", "25-NQ/TU"),
    ("tuyenquang_ubnd_dan-van_2013.txt", "QC010", ""),
    ("tuyenquang_ubnd_dan-van_2013.txt", "QC011", ""),
]


def test_seed_with_no_error_passes_at_the_default_threshold(capsys):
    code, out, err = qcdc(capsys, "check", str(SAMPLES / "hue_62-KH-TU_2010.txt"), "--lang", "en")
    assert code == 0, out
    assert "QC001" not in out and "Found" in err


# ---- exit codes ------------------------------------------------------------------------------


def test_exit_codes_follow_fail_on(capsys, tmp_path):
    draft = write(tmp_path / "ke-hoach.txt", DRAFT)
    assert qcdc(capsys, "check", str(draft))[0] == 1  # QC001 is an error
    assert qcdc(capsys, "check", str(draft), "--fail-on", "never")[0] == 0
    assert qcdc(capsys, "check", str(draft), "--ignore", "QC001", "--fail-on", "error")[0] == 0
    assert qcdc(capsys, "check", str(draft), "--ignore", "QC001", "--fail-on", "info")[0] == 1


def test_unreadable_draft_is_reported_and_the_others_checked(capsys, tmp_path):
    good = write(tmp_path / "a.txt", DRAFT)
    code, out, err = qcdc(capsys, "check", str(tmp_path / "missing.txt"), str(good), "--lang", "en")
    assert code == 2
    assert "missing.txt: no such file" in err
    assert "a.txt:14:85: QC001" in out  # the readable draft was still checked


def test_a_folder_without_drafts_is_an_error(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = qcdc(capsys, "check", str(tmp_path / "empty"))
    assert code == 2 and "no drafts" in err


def test_unknown_rule_is_a_usage_error(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT)
    code, _, err = qcdc(capsys, "check", str(draft), "--select", "QC999")
    assert code == 2 and "QC999" in err


def test_bad_option_value_is_a_usage_error(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT)
    assert qcdc(capsys, "check", str(draft), "--format", "xml")[0] == 2


# ---- language --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
        ({"LC_ALL": "C.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_default_language_from_the_locale(env, lang):
    assert default_lang(env) == lang


def test_messages_in_vietnamese(capsys, tmp_path, monkeypatch):
    draft = write(tmp_path / "a.txt", DRAFT)
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    _, out, err = qcdc(capsys, "check", str(draft), "--select", "QC001")
    assert "số, ký hiệu viết sai quy cách: “157-NĐ/2007/NĐ-CP”" in out
    assert "gợi ý: sửa thành 157/2007/NĐ-CP" in out
    assert err.startswith("Tìm thấy 1 vấn đề (1 lỗi)")


# ---- configuration ---------------------------------------------------------------------------


def test_pyproject_configuration(capsys, tmp_path):
    draft = write(tmp_path / "drafts/a.txt", DRAFT)
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.qcdc.check]\nignore = ["QC016"]\nlang = "en"\n'
        'fail-on = "warning"\n\n[tool.qcdc.check.severity]\nmalformed-number = "warning"\n',
    )
    code, out, _ = qcdc(capsys, "check", str(draft), "--format", "json")
    data = json.loads(out)
    assert code == 1  # a warning fails at fail-on = warning
    assert [d["code"] for d in data["diagnostics"]] == ["QC001"]
    assert data["diagnostics"][0]["severity"] == "warning" and data["lang"] == "en"
    # the command line wins over the file
    code, out, _ = qcdc(capsys, "check", str(draft), "--format", "json", "--fail-on", "error", "--lang", "vi")
    assert code == 0 and json.loads(out)["lang"] == "vi"


def test_qcdc_toml_wins_and_adds_a_registry(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT.replace("157-NĐ/2007/NĐ-CP", "157/2007/NĐ-CP"))
    write(tmp_path / "pyproject.toml", '[tool.qcdc.check]\nselect = ["QC001"]\n')
    write(
        tmp_path / "local.yaml",
        "issuers:\n  - {code: BCĐQCDC, system: party, scope: local, level: province, name: Ban Chỉ đạo QCDC}\n",
    )
    write(tmp_path / ".qcdc.toml", 'registry = ["local.yaml"]\n[check]\nselect = ["QC003"]\n')
    text = draft.read_text(encoding="utf-8") + "Theo Hướng dẫn số 03-HD/BCĐQCDC ngày 10/3/2016.\n"
    draft.write_text(text, encoding="utf-8")
    code, out, _ = qcdc(capsys, "check", str(draft), "--format", "json")
    assert json.loads(out)["diagnostics"] == [] and code == 0
    # without the registry file the code is unknown
    (tmp_path / ".qcdc.toml").write_text('[check]\nselect = ["QC003"]\n', encoding="utf-8")
    code, out, _ = qcdc(capsys, "check", str(draft), "--format", "json")
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["QC003"] and code == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[check]\nignor = ['QC016']\n", "check.ignor: unknown key"),
        ("[check]\nfail-on = 'sometimes'\n", "check.fail-on: must be one of"),
        ("[check.severity]\nQC001 = 'fatal'\n", "check.severity.QC001"),
        ("[check]\nignore = ['QC999']\n", "QC999"),
        ("[check\n", "not valid TOML"),
    ],
)
def test_bad_configuration_names_the_file_and_key(capsys, tmp_path, content, problem):
    draft = write(tmp_path / "a.txt", DRAFT)
    write(tmp_path / ".qcdc.toml", content)
    code, _, err = qcdc(capsys, "check", str(draft))
    assert code == 2
    assert ".qcdc.toml" in err and problem in err


# ---- output formats --------------------------------------------------------------------------


def test_json_shape(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT)
    _, out, _ = qcdc(capsys, "check", str(draft), "--format", "json", "--select", "QC001", "--lang", "en")
    data = json.loads(out)
    assert data["schema_version"] == 1 and data["tool"]["name"] == "qcdc"
    assert data["summary"] == {"files": 1, "unreadable": 0, "error": 1, "warning": 0, "info": 0}
    [d] = data["diagnostics"]
    assert d == {
        "path": str(draft),
        "line": 14,
        "column": 85,
        "end_line": 14,
        "end_column": 102,
        "code": "QC001",
        "rule": "malformed-number",
        "severity": "error",
        "message": "malformed document number “157-NĐ/2007/NĐ-CP”",
        "fix": "write it as 157/2007/NĐ-CP",
        "text": "157-NĐ/2007/NĐ-CP",
        "number": "157/2007/NĐ-CP",
    }
    line = DRAFT.splitlines()[d["line"] - 1]
    assert line[d["column"] - 1 : d["end_column"] - 1] == d["text"]


def test_sarif_validates_against_the_oasis_schema(capsys, tmp_path):
    write(tmp_path / "drafts/kế-hoạch.txt", DRAFT)
    code, out, _ = qcdc(capsys, "check", "drafts", "--format", "sarif", str(SAMPLES), "--lang", "vi")
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    run = log["runs"][0]
    results = run["results"]
    assert code == 1 and len(results) > 10
    assert {r["ruleId"] for r in results} >= {"QC001", "QC006", "QC010", "QC011", "QC014"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "drafts/k%E1%BA%BF-ho%E1%BA%A1ch.txt" in uris  # repository-relative, escaped
    for r in results:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    fingerprints = [r["partialFingerprints"]["qcdcFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    fix = next(r for r in results if r["ruleId"] == "QC001" and "fixes" in r)["fixes"][0]
    assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "157/2007/NĐ-CP"


def test_sarif_with_an_unreadable_file_validates_and_says_so(capsys, tmp_path):
    code, out, _ = qcdc(capsys, "check", str(tmp_path / "missing.txt"), "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    invocation = log["runs"][0]["invocations"][0]
    assert code == 2 and invocation["executionSuccessful"] is False
    assert "no such file" in invocation["toolExecutionNotifications"][0]["message"]["text"]


@pytest.mark.parametrize(
    "breakage",
    [
        lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startColumn=0),
        lambda log: log["runs"][0]["results"][0].update(level="fatal"),
        lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
        lambda log: log["runs"][0]["results"][0].update(severity="error"),
    ],
)
def test_the_schema_rejects_broken_logs(breakage):
    """The validation above can fail: each of these edits makes a real log invalid."""
    log = to_sarif([FileReport("a.txt", [_finding()], DRAFT)], "en")
    jsonschema.validate(log, SCHEMA)
    breakage(log)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, SCHEMA)


def _finding(text: str = "157-NĐ/2007/NĐ-CP") -> Diagnostic:
    return Diagnostic(
        "QC001", "error", 14, 85, 14, 85 + len(text), text, {"text": text, "suggestion": "157/2007/NĐ-CP"}, "x"
    )


def test_github_annotations_are_escaped():
    report = FileReport("drafts/kế hoạch, bản 2.txt", [_finding()], DRAFT)
    out = render_github([report], "vi")
    assert out == (
        "::error file=drafts/kế hoạch%2C bản 2.txt,line=14,col=85,endLine=14,endColumn=102,"
        "title=qcdc QC001 (malformed-number)::drafts/kế hoạch, bản 2.txt:14:85: QC001 "
        "số, ký hiệu viết sai quy cách: “157-NĐ/2007/NĐ-CP”%0Agợi ý: sửa thành 157/2007/NĐ-CP\n"
    )


def test_github_format_from_the_cli(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT)
    code, out, err = qcdc(capsys, "check", str(draft), "-f", "github", "--lang", "en")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(line.startswith("::notice ") and "QC016" in line for line in lines)


# ---- terminal safety and the underline ---------------------------------------------------------


def test_text_on_a_terminal_underlines_the_offending_text():
    report = FileReport("a.txt", [_finding()], DRAFT)
    out = render_text([report], "en", color=True)
    plain = _strip_ansi(out)
    lines = plain.splitlines()
    assert lines[0] == "a.txt:14:85: QC001 malformed document number “157-NĐ/2007/NĐ-CP”"
    source, carets = lines[1], lines[2]
    start = source.index("157-NĐ/2007/NĐ-CP")
    assert carets.index("^") == start and carets.count("^") == len("157-NĐ/2007/NĐ-CP")
    assert "\x1b[4m" in out  # underlined
    assert render_text([report], "en", color=False).count("\n") == 2  # no snippet when piped
    assert carets.endswith("^ error")


def test_document_text_cannot_drive_the_terminal():
    evil = "157-NĐ/2007/NĐ-CP\x1b]8;;https://evil.example\x07"
    text = DRAFT.replace("157-NĐ/2007/NĐ-CP", evil)
    report = FileReport("a\x1b[2J.txt", [_finding(evil)], text)
    for out in (render_text([report], "en", color=True), render_github([report], "en")):
        assert "\x1b]" not in out and "\x07" not in out and "\x1b[2J" not in out
        assert "\\x1b" in out
    log = json.dumps(to_sarif([report], "en"))  # JSON escapes control characters itself
    assert "\\u001b" in log and "\x1b" not in log


def _strip_ansi(s: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", s)


def test_artifact_uri(tmp_path):
    assert artifact_uri("drafts/kế hoạch.txt") == "drafts/k%E1%BA%BF%20ho%E1%BA%A1ch.txt"
    inside = tmp_path / "x" / "a.txt"
    assert artifact_uri(str(inside), cwd=tmp_path) == "x/a.txt"
    assert artifact_uri("/elsewhere/a.txt", cwd=tmp_path) == "file:///elsewhere/a.txt"


# ---- start-up: check imports only what checking needs -------------------------------------------


def test_check_does_not_import_networkx(tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT)
    code = (
        "import sys\n"
        "from qcdc_cli.cli._console import run_app\n"
        "from qcdc_cli.cli import app\n"
        "try:\n"
        f"    run_app(app, ['check', {str(draft)!r}, '--fail-on', 'never'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('networkx', 'rich', 'sqlite3') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "QC001" in result.stdout  # it did check the draft
    assert result.stderr.rsplit("HEAVY=", 1)[1] == ""


# ---- the bundled registry ---------------------------------------------------------------------

PLAN_2024 = """ỦY BAN NHÂN DÂN
XÃ TÂN HÒA
Số: 45/KH-UBND
Tân Hòa, ngày 10 tháng 5 năm 2024

KẾ HOẠCH
thực hiện dân chủ ở cơ sở năm 2024

Căn cứ Pháp lệnh số 34/2007/PL-UBTVQH11 ngày 20/4/2007 của Ủy ban Thường vụ Quốc hội về thực hiện dân chủ \
ở xã, phường, thị trấn; Ủy ban nhân dân xã ban hành Kế hoạch như sau:
"""


def test_repealed_ordinance_in_a_2024_draft_points_to_the_law(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", PLAN_2024)
    code, out, _ = qcdc(capsys, "check", str(draft), "--select", "QC007", "--lang", "en", "--fail-on", "warning")
    assert code == 1
    assert "34/2007/PL-UBTVQH11 was replaced on 01/07/2023 by Luật 10/2022/QH15" in out
    assert "fix: cite Luật 10/2022/QH15 instead" in out
    earlier = write(tmp_path / "b.txt", PLAN_2024.replace("năm 2024", "năm 2019"))
    assert qcdc(capsys, "check", str(earlier), "--select", "QC007", "--fail-on", "warning")[0] == 0


PLAN_2016 = """ĐẢNG BỘ TỈNH LAI CHÂU
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
Số 13-KH/ĐUK
Lai Châu, ngày 11 tháng 4 năm 2016

KẾ HOẠCH
Triển khai thực hiện {word} số 120-KL/TW, ngày {date} của Bộ Chính trị về tiếp tục đẩy mạnh, nâng cao chất \
lượng, hiệu quả việc xây dựng và thực hiện quy chế dân chủ ở cơ sở
"""


@pytest.mark.parametrize(
    ("word", "date", "expected"),
    [
        ("Chỉ thị", "07/01/2016", "QC004"),
        ("Kết luận", "07/01/2015", "QC005"),
        ("Kết luận", "07/01/2016", None),
    ],
)
def test_type_word_and_date_against_the_registry(capsys, tmp_path, word, date, expected):
    draft = write(tmp_path / "a.txt", PLAN_2016.format(word=word, date=date))
    code, out, _ = qcdc(capsys, "check", str(draft), "--format", "json", "--select", "QC004,QC005", "--lang", "en")
    found = [(d["code"], d["message"]) for d in json.loads(out)["diagnostics"]]
    if expected is None:
        assert found == [] and code == 0
    else:
        assert [c for c, _ in found] == [expected] and code == 1
    if expected == "QC005":
        assert found[0][1] == "120-KL/TW is dated 07/01/2015 here, but 07/01/2016 in the registry"


# ---- the index (--db) ----------------------------------------------------------------------------


@pytest.fixture
def index(capsys, tmp_path) -> Path:
    """An index of two provincial plans: Lai Châu's 26-KH/TU and a 13-KH/ĐUK already issued."""
    corpus = tmp_path / "corpus"
    write(
        corpus / "laichau/26-KH-TU.txt",
        "TỈNH ỦY LAI CHÂU\n*\nSố 26-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nLai Châu, ngày 01 tháng 3 năm 2016\n\n"
        "KẾ HOẠCH\ntriển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị\n",
    )
    write(
        corpus / "laichau/13-KH-DUK.txt",
        "ĐẢNG BỘ TỈNH LAI CHÂU\nĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH\n*\nSố 13-KH/ĐUK\n"
        "Lai Châu, ngày 20 tháng 02 năm 2016\n\nKẾ HOẠCH\ncông tác kiểm tra, giám sát năm 2016\n",
    )
    db = tmp_path / "index.sqlite"
    code, _, err = qcdc(capsys, "ingest", str(corpus), "--db", str(db), "--quiet", "--jobs", "1")
    assert code == 0, err
    return db


LAI_CHAU_PLAN = """ĐẢNG BỘ TỈNH LAI CHÂU
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
*
Số 13-KH/ĐUK
Lai Châu, ngày 11 tháng 4 năm 2016

KẾ HOẠCH
Triển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị

Thực hiện Kế hoạch số {parent}, ngày 01/3/2016 của Tỉnh ủy Lai Châu về triển khai thực hiện Kết luận số \
120-KL/TW, Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh xây dựng kế hoạch như sau:
"""


def test_index_finds_the_collision_and_the_parent(capsys, tmp_path, index):
    draft = write(tmp_path / "du-thao.txt", LAI_CHAU_PLAN.format(parent="26-KH/TU"))
    args = ("check", str(draft), "--format", "json", "--select", "QC013,QC015", "--lang", "en")
    code, out, _ = qcdc(capsys, *args, "--db", str(index))
    found = json.loads(out)["diagnostics"]
    assert [d["code"] for d in found] == ["QC013"] and code == 1
    assert "laichau/13-KH-DUK.txt" in found[0]["message"]
    # without the index there is no verdict on either
    code, out, _ = qcdc(capsys, *args)
    assert json.loads(out)["diagnostics"] == [] and code == 0


def test_index_reports_a_parent_it_does_not_hold(capsys, tmp_path, index):
    draft = write(tmp_path / "du-thao.txt", LAI_CHAU_PLAN.format(parent="27-KH/TU"))
    code, out, _ = qcdc(
        capsys, "check", str(draft), "--format", "json", "--select", "QC015", "--lang", "en", "--db", str(index)
    )
    [d] = json.loads(out)["diagnostics"]
    assert code == 0  # a warning: fails only with --fail-on warning
    assert d["code"] == "QC015" and d["number"] == "27-KH/TU"
    assert d["message"] == "27-KH/TU, which the draft implements, is in neither the registry nor the index"


def test_missing_index_is_an_error(capsys, tmp_path):
    draft = write(tmp_path / "a.txt", DRAFT)
    code, _, err = qcdc(capsys, "check", str(draft), "--db", str(tmp_path / "none.sqlite"))
    assert code == 2 and "none.sqlite" in err


def test_snippet_lines_are_counted_like_extraction():
    """A form feed (Word exports) or U+2028 is not a line break for the line numbers."""
    text = DRAFT.replace("KẾ HOẠCH\n", "KẾ HOẠCH\x0c\u2028\n")
    report = FileReport("a.txt", [_finding()], text)
    plain = _strip_ansi(render_text([report], "en", color=True)).splitlines()
    assert "157-NĐ/2007/NĐ-CP" in plain[1] and plain[2].count("^") == len("157-NĐ/2007/NĐ-CP")


def test_a_draft_already_in_the_index_does_not_collide_with_itself(capsys, tmp_path):
    draft = write(tmp_path / "corpus/du-thao.txt", LAI_CHAU_PLAN.format(parent="26-KH/TU"))
    db = tmp_path / "self.sqlite"
    assert qcdc(capsys, "ingest", str(tmp_path / "corpus"), "--db", str(db), "--quiet", "--jobs", "1")[0] == 0
    code, out, _ = qcdc(capsys, "check", str(draft), "--format", "json", "--select", "QC013", "--db", str(db))
    assert json.loads(out)["diagnostics"] == [] and code == 0


def _check_process(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QCDC_CACHE_DIR": str(cache), "QCDC_REGISTRY": "", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "qcdc_cli", *args], capture_output=True, text=True, encoding="utf-8", env=env
    )


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_first_and_cached_runs_find_the_same(tmp_path, fmt):
    """The run that compiles the registry and the runs that read it report alike."""
    draft = write(tmp_path / "kh21.txt", DRAFT)
    registry = write(tmp_path / "laichau.yaml", "issuers:\n  - {code: ĐUKX, system: party, scope: local, "
                     "level: province, name: Đảng ủy Khối X}\n")  # fmt: skip
    args = ["check", "-f", fmt, str(draft), str(SAMPLES / "hatinh_02-NQ-TU_2017.txt"), "--registry", str(registry)]
    cache = tmp_path / "cache"
    cold = _check_process(args, cache)
    assert list(cache.glob("registry-*.json"))
    warm = _check_process(args, cache)
    assert cold.returncode == warm.returncode == 1
    assert cold.stdout == warm.stdout and cold.stdout.strip()
    assert cold.stderr == warm.stderr
