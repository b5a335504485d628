"""An unchanged citer's link moves when only the documents it may mean change.

The bloc plan below never changes; the provincial plans it cites are renumbered, added
with another date or the same one, and removed. After each re-ingest, the citation
must point where a full derivation points it, and it must have moved as the domain
says (the date in the citation picks between two plans of the same number). The random
rounds of test_incremental.py rarely move an unchanged citer's link; this one always does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_incremental import DERIVED, _derived, _full_copy, _ingest, _Ways

from qcdc_cli.knowledge.registry import load_registry, load_vocabulary

PROVINCE_PLAN = """\
TỈNH ỦY LAI CHÂU                         ĐẢNG CỘNG SẢN VIỆT NAM
         *
   Số {number}                           Lai Châu, ngày {day} tháng 3 năm 2025

KẾ HOẠCH
triển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2025
của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 30-CT/TW

Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2025 của Bộ Chính trị,
Ban Thường vụ Tỉnh ủy xây dựng kế hoạch triển khai thực hiện như sau:
I. MỤC ĐÍCH, YÊU CẦU
{aim}
"""

BLOC_PLAN = """\
ĐẢNG BỘ TỈNH LAI CHÂU                    ĐẢNG CỘNG SẢN VIỆT NAM
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
         *
   Số 13-KH/ĐUK                          Lai Châu, ngày 02 tháng 4 năm 2025

KẾ HOẠCH
thực hiện Kế hoạch số 26-KH/TU, ngày 10/3/2025 của Tỉnh ủy
về triển khai thực hiện Kết luận số 120-KL/TW của Bộ Chính trị

Thực hiện Kế hoạch số 26-KH/TU, ngày 10/3/2025 của Tỉnh ủy Lai Châu
về triển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2025 của Bộ
Chính trị, Ban Thường vụ Đảng ủy Khối xây dựng kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
Các chi bộ, đảng bộ cơ sở nghiêm túc triển khai.
"""

CITATION = """
SELECT r.status, (SELECT f2.path FROM nodes n JOIN documents d2 ON d2.id = n.document_id
                  JOIN files f2 ON f2.id = d2.file_id WHERE n.id = r.target)
FROM resolutions r JOIN documents d ON d.id = r.document_id JOIN files f ON f.id = d.file_id
WHERE f.path LIKE '%bloc.txt' AND r.number = '26-KH/TU'
"""


def _plan(path: Path, number: str, day: int, aim: str) -> None:
    path.write_text(PROVINCE_PLAN.format(number=number, day=day, aim=aim), encoding="utf-8")


def _citation(db: Path) -> tuple[str, str | None]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute(CITATION).fetchall()
    finally:
        con.close()
    assert len(rows) == 1, rows
    status, path = rows[0]
    return status, Path(path).name if path else None


def test_an_unchanged_citers_link_follows_the_documents_it_may_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ways = _Ways(monkeypatch)
    vocab = load_vocabulary()
    registry = load_registry(())
    root = tmp_path / "c"
    root.mkdir()
    (root / "bloc.txt").write_text(BLOC_PLAN, encoding="utf-8")
    _plan(root / "first.txt", "26-KH/TU", 10, "Quán triệt sâu sắc nội dung Kết luận.")
    db = tmp_path / "i.sqlite"
    _ingest(root, db, vocab, registry)
    assert _citation(db) == ("resolved", "first.txt")

    rounds = [
        # the plan cited is renumbered: the citation finds nothing in the corpus
        (lambda: _plan(root / "first.txt", "27-KH/TU", 10, "Quán triệt sâu sắc nội dung Kết luận."), ("unknown", None)),
        # a plan of that number, dated otherwise: the only candidate
        (lambda: _plan(root / "second.txt", "26-KH/TU", 12, "Tuyên truyền sâu rộng."), ("resolved", "second.txt")),
        # another of that number, of the date the citation gives: the date picks it
        (lambda: _plan(root / "third.txt", "26-KH/TU", 10, "Phổ biến đến chi bộ."), ("resolved", "third.txt")),
        # that one removed: back to the other
        (lambda: (root / "third.txt").unlink(), ("resolved", "second.txt")),
        # the first given its number back, with the cited date: it is picked again
        (
            lambda: _plan(root / "first.txt", "26-KH/TU", 10, "Quán triệt sâu sắc nội dung Kết luận."),
            ("resolved", "first.txt"),
        ),
    ]
    bloc_before = (root / "bloc.txt").read_bytes()
    for round_, (change, expected) in enumerate(rounds):
        done = ways.done
        change()
        _ingest(root, db, vocab, registry)
        assert ways.done == done + 1, round_  # re-resolved in part, not in full
        assert _citation(db) == expected, round_
        full = _full_copy(db, tmp_path / f"full{round_}.sqlite", vocab, registry)
        got, want = _derived(db), _derived(full)
        for table in DERIVED:
            assert got[table] == want[table], (round_, table)
    assert (root / "bloc.txt").read_bytes() == bloc_before  # the citer never changed
