"""`qcdc stats` and `qcdc unresolved`: questions across the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ingest_fakes import SEGMENT_MARK, fake_extract, plan_text

from qcdc_cli.cli import app
from qcdc_cli.cli._console import run_app
from qcdc_cli.ingest import Finished, Options, ingest
from qcdc_cli.registry import load_registry
from qcdc_cli.store import Store
from qcdc_cli.vocab import load_vocabulary


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five files, six documents, resolved against a registry without documents:

    - Hà Tĩnh 62-KH/TU and Huế 62-KH/TU (same number, two provinces),
    - Lai Châu 13-KH/ĐUK carrying the text of 120-KL/TW as its second document,
    - Tây Ninh 19-KH/TU citing 62-KH/TU and 13-KH/ĐUK: in Tây Ninh, those are Tây Ninh's
      own documents, which the corpus does not hold,
    - a text with no number or province of its own (2013) citing 30-CT/TW and 62-KH/TU:
      a local number from nowhere in particular is ambiguous between the two.
    """
    root = tmp_path_factory.mktemp("corpus")
    files = {
        "ht.txt": plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"),
        "hue.txt": plan_text("62-KH/TU", "Thừa Thiên Huế", "120-KL/TW", ("101-QĐ/TW",)),
        "lc.txt": plan_text("13-KH/ĐUK", "Lai Châu", "120-KL/TW")
        + f"{SEGMENT_MARK}\nSố 120-KL/TW\nThực hiện Chỉ thị số 30-CT/TW\n",
        "tn.txt": plan_text("19-KH/TU", "Tây Ninh", "120-KL/TW", ("62-KH/TU", "13-KH/ĐUK", "101-QĐ/TW")),
        "tq.txt": "ỦY BAN NHÂN DÂN\nTuyên Quang, ngày 5 tháng 4 năm 2013\n"
        "Căn cứ Chỉ thị số 30-CT/TW của Bộ Chính trị và Kế hoạch số 62-KH/TU\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    db = root / "index.sqlite"
    with Store.open_writer(db) as store:
        registry = load_registry().model_copy(update={"documents": []})
        events = list(
            ingest([root], store, load_vocabulary(), Options(jobs=1), extractor=fake_extract, registry=registry)
        )
    assert isinstance(events[-1], Finished) and events[-1].summary.read == 5
    return db


def test_stats_counts_documents_and_how_references_match(index: Path) -> None:
    with Store.open_reader(index) as s:
        data = s.stats()
    docs = data["documents"]
    assert dict(docs["by_type"]) == {"KH": 4, "KL": 1, None: 1}
    assert dict(docs["by_level"]) == {"province": 4, "central": 1, None: 1}  # ĐUK: khối, provincial
    assert dict(docs["by_province"]) == {
        "Hà Tĩnh": 1,
        "Thừa Thiên Huế": 1,
        "Lai Châu": 1,
        "Tây Ninh": 1,
        None: 2,
    }
    assert dict(docs["by_year"]) == {"2013": 1, "2016": 4, None: 1}
    assert docs["without_number"] == 1
    refs = data["references"]
    # 15 references: 120-KL/TW from the four plans resolves to the pasted Kết luận; the
    # 2013 text's 62-KH/TU could be Hà Tĩnh's or Huế's; the other 10 are known only as cited
    assert (refs["resolved"], refs["ambiguous"], refs["unknown"], refs["not_resolved_yet"]) == (4, 1, 10, 0)
    assert data["stale"] is False


def test_unresolved_lists_scoped_documents_most_cited_first(index: Path) -> None:
    with Store.open_reader(index) as s:
        rows = s.unresolved(citers=2)
        assert s.unresolved_count() == 4
    assert [(r["id"], r["cited_by_count"]) for r in rows] == [
        ("30-CT/TW", 6),
        ("101-QĐ/TW", 2),
        ("13-KH/ĐUK@Tây Ninh", 1),
        ("62-KH/TU@Tây Ninh", 1),
    ]
    assert len(rows[0]["cited_by"]) == 2  # capped; the count stays complete
    assert rows[0]["relations"] == {"implements": 5, "cites": 1}  # the fake knows no "Căn cứ"
    assert {c["id"] for c in rows[1]["cited_by"]} == {"62-KH/TU@Thừa Thiên Huế", "19-KH/TU@Tây Ninh"}
    assert rows[3]["province"] == "Tây Ninh"


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        run_app(app, args)
    out = capsys.readouterr()
    return int(e.value.code or 0), out.out, out.err


def test_stats_command_text_and_json(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(["stats", "--db", str(index)], capsys)
    assert code == 0
    assert out.startswith("6 documents in 5 files (0 failed), 15 references")
    assert "Thừa Thiên Huế" in out and "1 document carries no number of its own" in out
    assert "ambiguous           1   6.7%" in out
    code, out, _ = cli(["stats", "--db", str(index), "-f", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert {"key": None, "count": 2} in data["documents"]["by_province"]
    assert data["references"]["ambiguous"] == 1


def test_unresolved_command(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(["unresolved", "--db", str(index), "--citers", "1"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "30-CT/TW            cited by 6 documents (implements 5, cites 1)"
    assert lines[2] == "    ... and 5 more"
    code, out, _ = cli(["unresolved", "--db", str(index), "-f", "json", "-n", "1"], capsys)
    data = json.loads(out)
    assert data["total"] == 4 and [r["id"] for r in data["unresolved"]] == ["30-CT/TW"]


def test_questions_without_an_index_say_how_to_make_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["stats", "--db", str(tmp_path / "none.sqlite")], capsys)
    assert (code, out) == (2, "")
    assert "no index here; run `qcdc ingest FOLDER` first" in err
