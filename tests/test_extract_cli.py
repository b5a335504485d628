"""`qcdc extract` end to end: output shapes, input order, bad files, folders, terminal safety.

In-process through typer's CliRunner for the outputs, and through the installed `qcdc`
script in a subprocess for exit codes (what CI sees, including the console-script entry
point and its error handler).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import CLI_ENV, SAMPLE_FILES, Cli

from qcdc_cli.read.files import read_document

_STR_OR_NULL = {"type": ["string", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_RELATION = {"enum": ["implements", "guides", "amends", "replaces", "repeals", "based_on", "cites"]}
_DATE = {"oneOf": [{"type": "null"}, {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


# The output contract of issue 2 ("at least" these keys; more are allowed).
MENTION = _object(
    {
        "as_written": {"type": "string", "minLength": 1},
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 1},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "relation": _RELATION,
        "cue": _STR_OR_NULL,
    }
)
REFERENCE = _object(
    {
        "number": {"type": "string", "minLength": 3},
        "system": {"enum": ["party", "state"]},
        "type": _STR_OR_NULL,
        "issuer_code": {"type": "string"},
        "date": _DATE,
        "issuer": _STR_OR_NULL,
        "relation": _RELATION,
        "malformed": {"type": "boolean"},
        "suggestion": _STR_OR_NULL,
        "mentions": {"type": "array", "minItems": 1, "items": MENTION},
    }
)
SELF = {
    "oneOf": [
        {"type": "null"},
        _object(
            {
                "number": _STR_OR_NULL,
                "type": _STR_OR_NULL,
                "issuer_code": _STR_OR_NULL,
                "date": _DATE,
                "place": _STR_OR_NULL,
                "issuer": _STR_OR_NULL,
                "province": _STR_OR_NULL,
                "title": _STR_OR_NULL,
            }
        ),
    ]
}
RESULT = _object(
    {
        "path": {"type": "string"},
        "self": SELF,
        "references": {"type": "array", "items": REFERENCE},
        "reported_relations": {
            "type": "array",
            "items": _object(
                {
                    "source": {"type": "string"},
                    "relation": _RELATION,
                    "target": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                }
            ),
        },
        "problems": {
            "type": "array",
            "items": _object({"code": {"type": "string"}, "message": {"type": "string"}, "line": _INT_OR_NULL}),
        },
    }
)
OUTPUT = {"type": "array", "items": RESULT}

PLAN = """TỈNH ỦY THỪA THIÊN HUẾ
Số 62-KH/TU
Thành phố Huế, ngày 30 tháng 7 năm 2010

KẾ HOẠCH
về tiếp tục thực hiện Chỉ thị 30-CT/TW của Bộ Chính trị (khóa VIII)

Thực hiện Kết luận số 65-KL/TW ngày 04/3/2010 của Ban Bí thư, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch.
"""


def qcdc_script() -> Path:
    """The console script installed next to this interpreter (what users run)."""
    script = Path(sys.executable).with_name("qcdc")
    if not script.exists():
        found = shutil.which("qcdc")
        if found is None:
            pytest.skip("the qcdc console script is not installed")
        script = Path(found)
    return script


def run_qcdc(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **CLI_ENV}
    return subprocess.run(
        [str(qcdc_script()), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "binary": tmp_path / "scan.txt",
        "empty": tmp_path / "empty.txt",
        "missing": tmp_path / "missing.txt",
    }
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    files["empty"].write_bytes(b"")
    return files


# ---- json and jsonl ----


def test_json_is_an_array_in_input_order_with_the_contract_keys(cli: Cli) -> None:
    paths = [*reversed(SAMPLE_FILES)]  # not sorted: the output follows the arguments
    result = cli(["extract", "--format", "json", *paths])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, OUTPUT)
    assert [item["path"] for item in data] == [str(p) for p in paths]
    for item, path in zip(data, paths, strict=True):
        text = read_document(path).text
        for ref in item["references"]:
            for m in ref["mentions"]:
                assert text[m["start"] : m["end"]] == m["as_written"]
                assert m["line"] == text.count("\n", 0, m["start"]) + 1
    by_name = {Path(item["path"]).name: item for item in data}
    hue = by_name["hue_62-KH-TU_2010.txt"]
    assert hue["self"]["number"] == "62-KH/TU"
    assert hue["self"]["date"] == "2010-07-30"
    assert {r["number"]: r["relation"] for r in hue["references"]}["65-KL/TW"] == "implements"
    assert by_name["tuyenquang_ubnd_dan-van_2013.txt"]["self"]["number"] is None


def test_jsonl_is_one_object_per_line_matching_json(cli: Cli) -> None:
    as_json = json.loads(cli(["extract", "-f", "json", *SAMPLE_FILES]).stdout)
    result = cli(["extract", "-f", "jsonl", *SAMPLE_FILES])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(SAMPLE_FILES)
    objects = [json.loads(line) for line in lines]
    jsonschema.validate(objects, OUTPUT)
    assert objects == as_json


@pytest.mark.parametrize("output_format", ["json", "jsonl"])
@pytest.mark.parametrize(
    "unsafe",
    ["\x1b[31m", "\u202e", "\x9b31m", "\u2066"],
    ids=["escape-sequence", "bidi-override", "c1-csi", "bidi-isolate"],
)
def test_json_keeps_document_text_byte_true(cli: Cli, tmp_path: Path, output_format: str, unsafe: str) -> None:
    """The title comes out exactly as written once decoded, but the raw output carries no
    character a terminal would act on (JSON escapes C0 itself; C1 and bidi controls too)."""
    title = f"về [bold]x[/] {unsafe}đỏ"
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.replace("về tiếp tục thực hiện", title), encoding="utf-8")
    result = cli(["extract", "-f", output_format, path])
    assert unsafe[0] not in result.stdout
    assert "đỏ" in result.stdout  # Vietnamese stays readable, not \\u-escaped
    decoded = json.loads(result.stdout)
    assert (decoded[0] if output_format == "json" else decoded)["self"]["title"].startswith(title)


# ---- bad files: one line each on stderr, the others still processed ----


@pytest.mark.parametrize("bad", ["binary", "empty", "missing"])
def test_a_bad_file_is_reported_and_the_others_are_processed(cli: Cli, bad_files: dict[str, Path], bad: str) -> None:
    good = SAMPLE_FILES[:2]
    result = cli(["extract", "-f", "json", good[0], bad_files[bad], good[1]])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [item["path"] for item in data if item.get("self") is not None] == [str(p) for p in good]
    errors = result.stderr.splitlines()
    assert len(errors) == 1
    assert str(bad_files[bad]) in errors[0]


def test_only_bad_files_exit_2(cli: Cli, bad_files: dict[str, Path]) -> None:
    result = cli(["extract", "-f", "json", *bad_files.values()])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert len(errors) == len(bad_files)
    for path, line in zip(bad_files.values(), errors, strict=True):
        assert str(path) in line


def test_subprocess_exit_codes(tmp_path: Path, bad_files: dict[str, Path]) -> None:
    ok = run_qcdc("extract", "-f", "json", SAMPLE_FILES[0])
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    assert len(json.loads(ok.stdout)) == 1

    some_bad = run_qcdc("extract", "-f", "jsonl", SAMPLE_FILES[0], bad_files["binary"], SAMPLE_FILES[1])
    assert some_bad.returncode == 1
    assert len(some_bad.stdout.splitlines()) == 2
    assert some_bad.stderr.count("\n") == 1
    assert str(bad_files["binary"]) in some_bad.stderr
    assert "binary" in some_bad.stderr

    all_bad = run_qcdc("extract", bad_files["binary"], bad_files["missing"])
    assert all_bad.returncode == 2
    assert [str(bad_files["binary"]) in all_bad.stderr, str(bad_files["missing"]) in all_bad.stderr] == [True, True]
    assert "Traceback" not in all_bad.stderr

    usage = run_qcdc("extract", "--format", "xml", SAMPLE_FILES[0])
    assert usage.returncode == 2
    assert usage.stdout == ""


def test_subprocess_text_output(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    result = run_qcdc("extract", path)
    assert result.returncode == 0, result.stderr
    assert "62-KH/TU" in result.stdout
    assert "65-KL/TW" in result.stdout
    assert "implements" in result.stdout


# ---- folders ----


def test_folder_expands_to_its_text_and_markdown_files(cli: Cli, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    for name in ("b.txt", "a.md", "sub/c.TXT", "sub/d.txt"):
        (corpus / name).write_text(PLAN, encoding="utf-8")
    (corpus / "scan.png").write_bytes(b"%PDF-1.7\x00\x01")
    (corpus / "notes.xlsx").write_bytes(b"PK\x03\x04\x00")
    (corpus / "README").write_text(PLAN, encoding="utf-8")
    result = cli(["extract", "-f", "json", corpus])
    assert result.exit_code == 0, result.stderr
    got = [Path(item["path"]).relative_to(corpus).as_posix() for item in json.loads(result.stdout)]
    assert sorted(got) == ["a.md", "b.txt", "sub/c.TXT", "sub/d.txt"]
    assert all(item["self"]["number"] == "62-KH/TU" for item in json.loads(result.stdout))


def test_folder_and_files_keep_argument_order(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "x.txt").write_text(PLAN, encoding="utf-8")
    result = cli(["extract", "-f", "json", SAMPLE_FILES[1], folder, SAMPLE_FILES[0]])
    paths = [item["path"] for item in json.loads(result.stdout)]
    assert paths == [str(SAMPLE_FILES[1]), str(folder / "x.txt"), str(SAMPLE_FILES[0])]


# ---- terminal safety: document text is shown literally ----

HOSTILE_TITLE = (
    "về [bold red]GIẢ MẠO[/] và [link=http://evil.example]bấm vào[/link] "
    "\x1b[31mđỏ\x1b[0m \x1b]8;;http://evil.example\x1b\\liên kết\x1b]8;;\x1b\\ "
    "Điều 3 [/] khoản 2 :white_check_mark: \u202eđảo ngược"
)


@pytest.fixture
def hostile_plan(tmp_path: Path) -> Path:
    path = tmp_path / "[red]plan\x1b[2J.txt"  # file names are untrusted too
    path.write_text(PLAN.replace("về tiếp tục thực hiện", HOSTILE_TITLE), encoding="utf-8")
    return path


def test_text_output_shows_markup_and_escapes_literally(cli: Cli, hostile_plan: Path) -> None:
    result = cli(["extract", hostile_plan])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out  # no escape sequence reaches the terminal ...
    assert "\u202e" not in out
    for literal in (
        "[bold red]GIẢ MẠO[/]",  # ... markup is not interpreted ...
        "[link=http://evil.example]bấm vào[/link]",
        "Điều 3 [/] khoản 2",
        ":white_check_mark:",
        "\\x1b[31mđỏ",  # ... and escape characters are shown, not sent
        "\\x1b]8;;http://evil.example\\x1b\\liên kết",
        "\\u202eđảo ngược",
        "[red]plan\\x1b[2J.txt",
    ):
        assert literal in out, literal


def test_forced_colour_output_carries_no_document_escapes(tmp_path: Path, hostile_plan: Path) -> None:
    """On a colour terminal rich adds its own styles, but nothing from the document:
    no red (the document's \\x1b[31m), no hyperlink (OSC 8), no screen clear."""
    env = {**os.environ, "COLUMNS": "200", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    result = subprocess.run(
        [str(qcdc_script()), "extract", str(hostile_plan)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b[" in result.stdout  # colour is on, so the check below means something
    assert "\x1b]" not in result.stdout
    assert "\x1b[31m" not in result.stdout
    assert "\x1b[2J" not in result.stdout
    assert "[bold red]GIẢ MẠO[/]" in result.stdout


def test_error_lines_are_sanitized(tmp_path: Path) -> None:
    missing = tmp_path / "thiếu\x1b[2J.txt"
    result = run_qcdc("extract", missing)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    assert "thiếu\\x1b[2J.txt" in result.stderr
