"""Lineage on realistic corpora: plans written the way provinces, districts and communes
write them, traced end to end (read, extract, resolve, graph) through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcdc_cli.cli import app
from qcdc_cli.cli._console import run_app


@pytest.fixture(autouse=True)
def _no_ambient_index(tmp_path, monkeypatch):
    monkeypatch.delenv("QCDC_DB", raising=False)
    monkeypatch.delenv("QCDC_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        run_app(app, list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def trace_json(capsys, *args: str) -> dict:
    code, out, err = run(capsys, "trace", *args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


NGHEAN_05 = """\
ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
*
Số 05-KH/TU
Vinh, ngày 05 tháng 02 năm 2005

KẾ HOẠCH
triển khai thực hiện Chỉ thị số 30-CT/TW của Bộ Chính trị

Căn cứ Chỉ thị số 10-CT/TW, ngày 28/3/2002 của Ban Bí thư về tiếp tục đẩy mạnh việc xây dựng và thực hiện quy chế dân chủ ở cơ sở;
Thực hiện Chỉ thị số 30-CT/TW, ngày 18/02/1998 của Bộ Chính trị về xây dựng và thực hiện quy chế dân chủ ở cơ sở, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
"""

NGHEAN_REPORT = """\
ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
*
Số 40-BC/TU
Vinh, ngày 10 tháng 12 năm 2005

BÁO CÁO
kết quả một năm thực hiện quy chế dân chủ ở cơ sở

Ban Thường vụ Tỉnh ủy đã ban hành Kế hoạch số 05-KH/TU, ngày 05/02/2005 về triển khai thực hiện Chỉ thị số 30-CT/TW của Bộ Chính trị.
"""


def test_a_plan_keeps_its_own_implements_parent_beside_a_based_on_chain(capsys, tmp_path):
    """ "Căn cứ 10-CT/TW" + 10-CT/TW continues 30-CT/TW does not imply the plan implements
    30-CT/TW: the link its title states is drawn, with its own line as first evidence."""
    corpus = tmp_path / "corpus"
    write(corpus, "nghean_05-KH-TU_2005.txt", NGHEAN_05)
    write(corpus, "baocao/nghean_40-BC-TU_2005.txt", NGHEAN_REPORT)  # sorts first
    data = trace_json(capsys, "05-KH/TU", "--corpus", str(corpus))
    edges = {(e["source"], e["target"]): e for e in data["edges"]}
    plan = "05-KH/TU@Nghệ An"
    implements = edges[(plan, "30-CT/TW")]
    assert implements["relation"] == "implements" and not implements["folded"]
    assert [Path(e["path"]).name for e in implements["evidence"]][:1] == ["nghean_05-KH-TU_2005.txt"]
    assert len(implements["evidence"]) >= 2  # the report, after the plan's own lines
    assert edges[(plan, "10-CT/TW")]["relation"] == "based_on"
    code, out, _ = run(capsys, "trace", "05-KH/TU", "--corpus", str(corpus))
    assert code == 0 and "Shortcut links folded" not in out
