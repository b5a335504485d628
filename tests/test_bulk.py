"""Store.replace_files (index/bulk.py, the ingest writer's fast path) against the plain
path, Store.replace_file one file at a time: random runs of new, changed, failed and
removed files must leave the same index."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from index_dump import dump
from ingest_fakes import SEGMENT_MARK, fake_extract, plan_text

from qcdc_cli.index.corpus import FileRows, file_rows
from qcdc_cli.index.rows import FileRecord
from qcdc_cli.index.store import Store

PROVINCES = ("Hà Tĩnh", "Lai Châu", "Tây Ninh", "Tuyên Quang")


def _text(rng: random.Random) -> str:
    cites = tuple(f"{rng.randint(1, 9)}-QĐ/TW" for _ in range(rng.randint(0, 3)))
    text = plan_text(f"{rng.randint(1, 40)}-KH/TU", rng.choice(PROVINCES), f"{rng.randint(100, 103)}-KL/TW", cites)
    if rng.random() < 0.3:  # a second document in the file
        text += f"{SEGMENT_MARK}\nSố {rng.randint(1, 9)}-CT/TW\nThực hiện Chỉ thị số 30-CT/TW\n"
    return text


def _outcome(rng: random.Random, path: str) -> tuple[FileRecord, FileRows | None]:
    if rng.random() < 0.15:
        return FileRecord(path, None, None, status="failed", error="empty file"), None
    text = _text(rng)
    rows = file_rows(fake_extract(text), text, lambda code: "province" if code == "TU" else None)
    return FileRecord(path, len(text), rng.randint(1, 10**9), f"h{rng.random()}", "utf-8", extractor="k"), rows


def _mention_order(con: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Mentions in rowid order (what load_corpus reads them in), named by file and segment."""
    return con.execute(
        "SELECT f.path, d.segment, m.number, m.start FROM mentions m JOIN documents d ON d.id = m.document_id"
        " JOIN files f ON f.id = d.file_id ORDER BY m.rowid"
    ).fetchall()


@pytest.mark.parametrize("seed", range(12))
def test_replace_files_leaves_what_replace_file_leaves(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    paths = [f"/c/{p}/kh_{i}.txt" for i in range(30) for p in ("a", "b")[: 1 + i % 2]]
    with Store.open_writer(tmp_path / "one.sqlite") as one, Store.open_writer(tmp_path / "bulk.sqlite") as bulk:
        for _ in range(4):  # runs: some files new, some written again, some removed
            chosen = rng.sample(paths, rng.randint(1, len(paths)))
            items = [_outcome(rng, p) for p in chosen]
            with one.batch() as b1, bulk.batch() as b2:
                for record, rows in items:
                    one.replace_file(record, rows)
                    b1.maybe_commit()
                i = 0
                while i < len(items):
                    size = rng.randint(1, 9)
                    bulk.replace_files(items[i : i + size])
                    b2.maybe_commit()
                    i += size
            gone = rng.sample(paths, 3)
            one.remove_files(gone)
            bulk.remove_files(gone)
            assert dump(bulk) == dump(one)
            assert sorted(_mention_order(bulk.con)) == sorted(_mention_order(one.con))
            for path in chosen:  # and within each document, mentions in the order written
                mine = [r for r in _mention_order(bulk.con) if r[0] == path]
                assert mine == [r for r in _mention_order(one.con) if r[0] == path]


def test_replace_files_into_a_new_index_gives_the_same_row_ids(tmp_path: Path) -> None:
    """A cold ingest: every row, ids included, as the one-by-one writer numbers them."""
    rng = random.Random(7)
    items = [_outcome(rng, f"/c/kh_{i}.txt") for i in range(80)]
    with Store.open_writer(tmp_path / "one.sqlite") as one, Store.open_writer(tmp_path / "bulk.sqlite") as bulk:
        for record, rows in items:
            one.replace_file(record, rows)
        bulk.replace_files(items[:50])
        bulk.replace_files(items[50:])
        for table in ("documents", "refs", "mentions", "reported_relations", "problems"):
            sql = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert bulk.con.execute(sql).fetchall() == one.con.execute(sql).fetchall(), table
        sql = "SELECT id, path, size, mtime_ns, sha256, status FROM files ORDER BY id"
        assert bulk.con.execute(sql).fetchall() == one.con.execute(sql).fetchall()


def test_replace_files_with_a_path_twice_keeps_the_last(tmp_path: Path) -> None:
    rng = random.Random(3)
    first, second = _outcome(rng, "/c/a.txt"), _outcome(rng, "/c/a.txt")
    with Store.open_writer(tmp_path / "one.sqlite") as one, Store.open_writer(tmp_path / "bulk.sqlite") as bulk:
        one.replace_file(*second)
        bulk.replace_files([first, second])
        assert dump(bulk) == dump(one)


def test_replace_files_is_one_unit_that_rolls_back_whole(tmp_path: Path) -> None:
    rng = random.Random(5)
    good = [_outcome(rng, f"/c/kh_{i}.txt") for i in range(3)]
    with Store.open_writer(tmp_path / "bulk.sqlite") as bulk:
        with bulk.batch():
            bulk.replace_files(good[:1])
            bad = (FileRecord("/c/bad.txt", 1, 1, status="nonsense"), None)  # violates a CHECK
            with pytest.raises(sqlite3.IntegrityError):
                bulk.replace_files([*good[1:], bad])
        assert [r[0] for r in bulk.con.execute("SELECT path FROM files")] == ["/c/kh_0.txt"]


def test_replace_derived_keeps_every_index_of_the_derived_tables(tmp_path: Path) -> None:
    """write_derived drops the secondary indexes for the insert and builds them again."""
    from qcdc_cli.index.rows import Derived, LinkRow

    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    with Store.open_writer(tmp_path / "x.sqlite") as store:
        before = store.con.execute(schema).fetchall()
        store.replace_derived(Derived(links=[LinkRow("a", "b", "cites"), LinkRow("c", "b", "cites")]), "k")
        assert store.con.execute(schema).fetchall() == before
        plan = store.con.execute("EXPLAIN QUERY PLAN SELECT source FROM links WHERE target = 'b'").fetchall()
        assert "links_target" in str(plan)
        assert store.con.execute("SELECT source FROM links WHERE target = 'b' ORDER BY 1").fetchall() == [
            ("a",),
            ("c",),
        ]


def _ingest_events(root: Path, db: Path, group: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    from qcdc_cli.app import ingest as ingest_module
    from qcdc_cli.app.ingest import Options, ingest
    from qcdc_cli.knowledge.registry import load_vocabulary

    monkeypatch.setattr(ingest_module, "WRITE_GROUP", group)
    with Store.open_writer(db) as store:
        return list(ingest([root], store, load_vocabulary(), Options(jobs=1), extractor=fake_extract))


def test_ingest_in_groups_gives_the_index_and_events_of_one_file_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grouped writes (WRITE_GROUP files per Store.replace_files) against groups of one:
    the same index, one FileDone per file, and `committed` never ahead of what is written."""
    from ingest_fakes import write_corpus

    from qcdc_cli.app.ingest import FileDone

    root = tmp_path / "c"
    paths = write_corpus(root, 150)
    (root / "empty.txt").write_text("")  # a failed file inside a group
    paths[3].write_text(paths[3].read_text(encoding="utf-8") + "\nSố 77-KH/TU\n", encoding="utf-8")
    dumps, done = [], []
    for group, db in ((1, tmp_path / "one.sqlite"), (64, tmp_path / "grouped.sqlite")):
        events = _ingest_events(root, db, group, monkeypatch)
        files = [e for e in events if isinstance(e, FileDone)]
        committed = [e.committed for e in files]
        assert committed == sorted(committed) and committed[-1] <= len(files)
        done.append(sorted((e.path, e.outcome, e.size, e.error) for e in files))
        with Store.open_reader(db) as store:
            dumps.append(dump(store))
    assert done[0] == done[1] and len(done[0]) == 151
    assert dumps[0] == dumps[1]
