"""The index: rows built from extractions, atomic replacement, schema versions, readers.

The database tests run on both backends (the `db` fixture: an SQLite file, then a new
PostgreSQL database, marked `postgres`); what only SQLite does (WAL, its file, the flock
ingest lock, batched commits) is tested on SQLite alone, and says so (`sqlite_db`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_dump import dump
from ingest_fakes import SEGMENT_MARK, fake_extract, plan_text

from qcdc_cli.errors import StoreError
from qcdc_cli.index import schema as schema_module
from qcdc_cli.index.backend import open_reader, open_writer
from qcdc_cli.index.corpus import file_rows
from qcdc_cli.index.dburl import UrlPath, db_url
from qcdc_cli.index.rows import Derived, FileRecord, known_from_row, known_row
from qcdc_cli.index.store import Store, resolve_db_path
from qcdc_cli.models import Extraction, Mention, Reference, ReportedRelation, Segment, SelfInfo
from qcdc_cli.resolve.resolve import Known

LEVELS = {"TU": "province", "TW": "central", "CP": "central"}


def level_of(code: str | None) -> str | None:
    return LEVELS.get(code or "")


def mention(number: str, line: int, relation: str = "cites", segment: int = 0, **kw) -> Mention:
    return Mention(number, 0, len(number), line, 1, relation=relation, segment=segment, **kw)


def two_document_extraction() -> tuple[Extraction, str]:
    """Seed 001's shape: a plan implementing 120-KL/TW, then 120-KL/TW's own text."""
    text = (
        "TỈNH ỦY LAI CHÂU\nSố 13-KH/ĐUK\n"
        "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị\n"
        "Căn cứ Chỉ thị số 30-CT/TW\n"
        "BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 120-KL/TW\n"
        "tiếp tục thực hiện Chỉ thị số 30-CT/TW của Bộ Chính trị (khóa VIII)\n"
    )
    kl = Reference(
        "120-KL/TW",
        "party",
        "KL",
        "TW",
        date="2016-01-07",
        relation="implements",
        mentions=[mention("120-KL/TW", 3, "implements", date="2016-01-07")],
    )
    ct = Reference(
        "30-CT/TW",
        "party",
        "CT",
        "TW",
        relation="based_on",
        mentions=[
            mention("30-CT/TW", 4, "based_on", cue="Căn cứ"),
            mention("30-CT/TW", 7, "implements", segment=1, term="VIII"),
        ],
    )
    extraction = Extraction(
        self=SelfInfo(number="13-KH/ĐUK", type="KH", issuer_code="ĐUK", province="Lai Châu"),
        references=[kl, ct],
        reported_relations=[ReportedRelation("120-KL/TW", "implements", "30-CT/TW", 7, text="x")],
        segments=[Segment(0, 100, 1, "13-KH/ĐUK"), Segment(100, len(text), 5, "120-KL/TW")],
    )
    return extraction, text


# ---- rows: pure


def test_each_segment_becomes_a_document_with_its_own_references() -> None:
    extraction, text = two_document_extraction()
    rows = file_rows(extraction, text, level_of)
    assert [d.segment for d in rows.documents] == [0, 1]
    plan, kl = rows.documents
    assert plan.document[0] == "13-KH/ĐUK" and plan.document[7] == "Lai Châu"
    assert kl.document[:5] == ("120-KL/TW", "party", "KL", None, "TW")
    assert kl.document[6] == "central"  # level of TW from the registry lookup
    # 30-CT/TW is cited by both documents, with the relation each one states
    assert {(r[0], r[5]) for r in plan.refs} == {
        ("120-KL/TW", "implements"),
        ("30-CT/TW", "based_on"),
    }
    assert [(r[0], r[5]) for r in kl.refs] == [("30-CT/TW", "implements")]
    assert [m[1] for m in kl.mentions] == [7]
    assert [r[:3] for r in kl.reported] == [("120-KL/TW", "implements", "30-CT/TW")]
    assert plan.reported == []


def test_mention_evidence_is_the_line_it_sits_on() -> None:
    text = "KẾ HOẠCH\nThực hiện Kết luận số 120-KL/TW của Bộ Chính trị\nhết"
    start = text.index("120-KL/TW")
    ref = Reference("120-KL/TW", "party", "KL", "TW", mentions=[Mention("120-KL/TW", start, start + 9, 2, 23)])
    rows = file_rows(Extraction(self=SelfInfo(), references=[ref]), text, level_of)
    assert rows.documents[0].mentions[0][-1] == "Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị"


def test_a_number_repeated_by_extraction_keeps_one_row_with_the_strongest_relation() -> None:
    refs = [
        Reference("30-CT/TW", "party", "CT", "TW", relation="cites", mentions=[mention("30-CT/TW", 2)]),
        Reference(
            "30-CT/TW",
            "party",
            "CT",
            "TW",
            relation="implements",
            mentions=[mention("30-CT/TW", 3)],
        ),
    ]
    rows = file_rows(Extraction(self=SelfInfo(), references=refs), "a\nb\nc\n", level_of)
    assert [(r[0], r[5]) for r in rows.documents[0].refs] == [("30-CT/TW", "implements")]
    assert len(rows.documents[0].mentions) == 2


def test_a_mention_in_an_unknown_segment_falls_back_to_the_main_document() -> None:
    ref = Reference("30-CT/TW", "party", "CT", "TW", mentions=[mention("30-CT/TW", 2, segment=3)])
    rows = file_rows(Extraction(self=SelfInfo(), references=[ref]), "a\nb\n", level_of)
    assert len(rows.documents) == 1
    assert len(rows.documents[0].refs) == 1 and len(rows.documents[0].mentions) == 1


# ---- the database


@pytest.fixture
def db(new_index) -> Path:
    """A new index on each backend (conftest `new_index`)."""
    return new_index("idx/index.sqlite")


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    """An SQLite file: for what only the SQLite backend does."""
    return tmp_path / "idx" / "index.sqlite"


def integrity_error(db: Path) -> type[Exception]:
    """What a broken foreign key raises on the backend of `db`."""
    if db_url(db) is None:
        return sqlite3.IntegrityError
    import psycopg

    return psycopg.IntegrityError


def schema_version(store: Store) -> int:
    if db_url(store.path) is None:
        return int(store.con.execute("PRAGMA user_version").fetchone()[0])
    return int(store.con.execute("SELECT max(version) FROM qcdc_schema").fetchone()[0])


def set_schema_version(db: Path, version: int) -> None:
    """Write a schema version into the index at `db` as another qcdc would have."""
    url = db_url(db)
    if url is None:
        con = sqlite3.connect(db)
        con.execute(f"PRAGMA user_version = {version}")
        con.close()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("UPDATE qcdc_schema SET version = %s", (version,))


def table_columns(store: Store, table: str) -> list[str]:
    """A table's columns in order (PostgreSQL's own columns aside: `rowid`, see
    index.postgres_sql, and `files.path_bytes`, schema.PG_MIGRATIONS)."""
    if db_url(store.path) is None:
        return [r[1] for r in store.con.execute(f"PRAGMA table_info({table})")]
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [r[0] for r in rows if r[0] not in ("rowid", "path_bytes")]


def put(store: Store, path: str, text: str) -> None:
    rows = file_rows(fake_extract(text), text, level_of)
    store.replace_file(FileRecord(path, len(text), 1, "h" + str(hash(text)), "utf-8"), rows)


def test_new_sqlite_index_is_created_in_wal_mode(sqlite_db: Path) -> None:
    """SQLite only: its journal (a server has its own)."""
    with Store.open_writer(sqlite_db) as s:
        assert s.con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_new_index_is_created_empty_at_the_current_schema(db: Path) -> None:
    with open_writer(db) as s:
        assert schema_version(s) == schema_module.SCHEMA_VERSION
        assert s.totals().to_dict() == {
            "files": 0,
            "failed": 0,
            "documents": 0,
            "references": 0,
            "mentions": 0,
        }


def test_replacing_a_file_drops_its_old_rows(db: Path) -> None:
    with open_writer(db) as s:
        put(s, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW", ("101-QĐ/TW",)))
        put(s, "/c/b.txt", plan_text("7-KH/TU", "Lai Châu", "120-KL/TW"))
        put(s, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW", ("8-QĐ/TW",)))
        cited = {r[2] for r in dump(s)["refs"] if r[0] == "/c/a.txt"}
        assert cited == {"120-KL/TW", "30-CT/TW", "8-QĐ/TW"}
        assert s.totals().documents == 2
        assert s.con.execute("SELECT count(*) FROM mentions WHERE number = '101-QĐ/TW'").fetchone()[0] == 0


def test_a_failure_inside_the_transaction_leaves_the_old_file_intact(db: Path) -> None:
    with open_writer(db) as s:
        put(s, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"))
        before = dump(s)
        text = plan_text("62-KH/TU", "Hà Tĩnh", "121-KL/TW")
        rows = file_rows(fake_extract(text), text, level_of)
        # a mention of a number that has no reference row breaks the foreign key mid-way
        rows.documents[0].mentions.append(("999-KL/TW", 1, 1, 0, 1, "x", "cites", *[None] * 5, 0, None, ""))
        with pytest.raises(integrity_error(db)):
            s.replace_file(FileRecord("/c/a.txt", 1, 2, "new", "utf-8"), rows)
        assert dump(s) == before


def test_removing_a_file_removes_everything_read_from_it(db: Path) -> None:
    with open_writer(db) as s:
        put(
            s,
            "/c/a.txt",
            plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW") + SEGMENT_MARK + "\nSố 120-KL/TW\n",
        )
        assert s.totals().documents == 2
        assert s.remove_files(["/c/a.txt", "/c/never.txt"]) == 1
        assert all(not rows for rows in dump(s).values())


def test_derived_tables_are_swapped_whole_and_mark_freshness(db: Path) -> None:
    with open_writer(db) as s:
        put(s, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"))
        put(s, "/c/b.txt", plan_text("7-KH/HU", "Hà Tĩnh", "62-KH/TU"))
        assert s.derived_state() == (True, None)  # never derived
        a, b = (r[0] for r in s.con.execute("SELECT id FROM documents ORDER BY id"))
        kl = known_row(Known("120-KL/TW", "party", "KL", "TW", id="120-KL/TW"), None)
        s.replace_derived(
            Derived(
                nodes=[kl],
                resolutions=[
                    (a, "120-KL/TW", "unknown", "120-KL/TW", None),
                    (a, "30-CT/TW", "unknown", "30-CT/TW", None),
                    (b, "30-CT/TW", "unknown", "30-CT/TW", None),
                    (b, "62-KH/TU", "resolved", "62-KH/TU@Hà Tĩnh", None),
                ],
            ),
            "k1",
        )
        assert s.derived_state() == (False, "k1")
        assert s.unresolved_count() == 2  # 30-CT/TW (cited by both) and 120-KL/TW
        rows = s.unresolved(citers=1)
        assert [(r.id, r.cited_by_count, len(r.cited_by)) for r in rows] == [
            ("30-CT/TW", 2, 1),
            ("120-KL/TW", 1, 1),
        ]
        assert rows[0].relations == {"implements": 2}
        assert rows[1].issuer is None and rows[0].cited_by[0].path == "/c/a.txt"
        assert [known_from_row(r) for r in s.nodes_by_id(["120-KL/TW"])] == [
            Known("120-KL/TW", "party", "KL", "TW", id="120-KL/TW")
        ]
        stats = s.stats().references
        assert (stats.resolved, stats.unknown, stats.not_resolved_yet) == (1, 3, 0)
        s.mark_stale()
        assert s.derived_state() == (True, "k1")
        s.replace_derived(Derived(), "k2")
        assert s.unresolved_count() == 0 and s.con.execute("SELECT count(*) FROM nodes").fetchone()[0] == 0


def test_reader_sees_committed_state_while_a_write_is_in_progress(db: Path) -> None:
    with open_writer(db) as writer:
        put(writer, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"))
        reader = open_reader(db)
        writer.con.execute("BEGIN IMMEDIATE")
        writer.con.execute("DELETE FROM files")
        assert reader.totals().files == 1  # no "database is locked", the old snapshot
        writer.con.execute("COMMIT")
        assert reader.totals().files == 1  # committed, but after the reader's snapshot
        reader.close()  # a reader keeps one snapshot for its whole life; a new one sees the commit
        reader = open_reader(db)
        assert reader.totals().files == 0
        reader.close()


def test_reader_cannot_write(db: Path) -> None:
    open_writer(db).close()
    refused = (sqlite3.OperationalError, "readonly") if db_url(db) is None else (Exception, "read-only transaction")
    with open_reader(db) as r, pytest.raises(refused[0], match=refused[1]):
        r.con.execute("DELETE FROM files")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no index here"), (b"PK\x03\x04 not sqlite at all" * 100, "not a qcdc index")],
)
def test_reader_on_a_missing_or_foreign_file_says_so(sqlite_db: Path, content: bytes | None, message: str) -> None:
    """SQLite only: a file (an empty database on a server: tests/test_postgres.py)."""
    if content is not None:
        sqlite_db.parent.mkdir(parents=True)
        sqlite_db.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        Store.open_reader(sqlite_db)


def test_an_index_from_a_newer_qcdc_is_refused_not_touched(db: Path) -> None:
    with open_writer(db) as s:
        put(s, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"))
        before = dump(s)
    set_schema_version(db, 99)
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        open_writer(db)
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        open_reader(db)
    set_schema_version(db, schema_module.SCHEMA_VERSION)
    with open_reader(db) as s:
        assert dump(s) == before


def test_opening_an_older_index_for_writing_runs_the_migrations(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_writer(db) as s:
        put(s, "/c/a.txt", plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"))
    v2 = "ALTER TABLE files ADD COLUMN note TEXT;\nUPDATE files SET note = 'migrated';"
    migrations = (*schema_module.MIGRATIONS, v2)
    monkeypatch.setattr(schema_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", len(migrations))
    with pytest.raises(StoreError, match="older"):
        open_reader(db)
    with open_writer(db) as s:
        assert schema_version(s) == schema_module.SCHEMA_VERSION
        assert s.con.execute("SELECT path, note FROM files").fetchall() == [("/c/a.txt", "migrated")]
    open_reader(db).close()


HOLD_LOCK = """
import sys
from pathlib import Path
from qcdc_cli.index.store import Store
with Store.open_writer(Path(sys.argv[1])) as s, s.ingest_lock():
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_ingest_lock_fails_with_a_clear_message(sqlite_db: Path) -> None:
    """SQLite only: one ingest at a time (a server takes several: test_postgres_concurrency)."""
    db = sqlite_db
    Store.open_writer(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with Store.open_writer(db) as second:
            with (
                pytest.raises(StoreError, match=rf"another qcdc ingest is writing.*pid {holder.pid}"),
                second.ingest_lock(),
            ):
                pass
            holder.kill()  # SIGKILL: the kernel releases the lock with the process
            holder.wait()
            with second.ingest_lock():
                pass
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        (Path("x.sqlite"), "/env/i.sqlite", Path("x.sqlite")),
        (None, "/env/i.sqlite", Path("/env/i.sqlite")),
        (None, None, Path(".qcdc/index.sqlite")),
    ],
)
def test_db_location(explicit: Path | None, env: str | None, expected: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if env is None:
        monkeypatch.delenv("QCDC_DB", raising=False)
    else:
        monkeypatch.setenv("QCDC_DB", env)
    assert resolve_db_path(explicit) == expected


def test_a_batch_keeps_each_file_whole_and_commits_in_groups(sqlite_db: Path) -> None:
    """SQLite only: batched commits (a server commits each file: the next test)."""
    db = sqlite_db
    with Store.open_writer(db) as s:
        reader = Store.open_reader(db)
        with s.batch(max_units=2, max_seconds=3600) as batch:
            put(s, "/c/a.txt", plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"))
            batch.maybe_commit()
            assert reader.totals().files == 0  # one unit pending: not yet visible
            text = plan_text("2-KH/TU", "Hà Tĩnh", "120-KL/TW")
            rows = file_rows(fake_extract(text), text, level_of)
            rows.documents[0].mentions.append(("999-KL/TW", 1, 1, 0, 1, "x", "cites", *[None] * 5, 0, None, ""))
            with pytest.raises(sqlite3.IntegrityError):
                s.replace_file(FileRecord("/c/b.txt", 1, 1, "h", "utf-8"), rows)  # rolls back alone
            put(s, "/c/c.txt", plan_text("3-KH/TU", "Hà Tĩnh", "120-KL/TW"))
            batch.maybe_commit()
            reader.close()
            reader = Store.open_reader(db)
            assert reader.totals().to_dict() == {
                "files": 2,
                "failed": 0,
                "documents": 2,
                "references": 4,
                "mentions": 4,
            }
            put(s, "/c/d.txt", plan_text("4-KH/TU", "Hà Tĩnh", "120-KL/TW"))
        reader.close()
        reader = Store.open_reader(db)
        assert reader.totals().files == 3  # the rest is committed when the batch ends
        with pytest.raises(KeyboardInterrupt), s.batch():
            put(s, "/c/e.txt", plan_text("5-KH/TU", "Hà Tĩnh", "120-KL/TW"))
            raise KeyboardInterrupt  # a batch that ends in an exception is rolled back
        reader.close()
    with Store.open_reader(db) as r:
        assert [row[0] for row in dump(r)["files"]] == ["/c/a.txt", "/c/c.txt", "/c/d.txt"]


@pytest.mark.postgres
def test_a_batch_on_a_server_commits_each_file_whole_at_once(pg_url: str) -> None:
    """PostgreSQL only: every file is its own transaction (PgStore.batch: ingests walking
    files in different orders cannot deadlock), visible once written; a failing one
    rolls back alone."""
    db = UrlPath(pg_url)
    with open_writer(db) as s, open_reader(db) as reader:
        with s.batch(max_units=2, max_seconds=3600) as batch:
            put(s, "/c/a.txt", plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"))
            assert batch.maybe_commit()
            text = plan_text("2-KH/TU", "Hà Tĩnh", "120-KL/TW")
            rows = file_rows(fake_extract(text), text, level_of)
            rows.documents[0].mentions.append(("999-KL/TW", 1, 1, 0, 1, "x", "cites", *[None] * 5, 0, None, ""))
            with pytest.raises(integrity_error(db)):
                s.replace_file(FileRecord("/c/b.txt", 1, 1, "h", "utf-8"), rows)
            put(s, "/c/c.txt", plan_text("3-KH/TU", "Hà Tĩnh", "120-KL/TW"))
            reader.refresh()  # a new snapshot: both files are there already
            assert reader.totals().to_dict() == {
                "files": 2,
                "failed": 0,
                "documents": 2,
                "references": 4,
                "mentions": 4,
            }
        assert [row[0] for row in dump(s)["files"]] == ["/c/a.txt", "/c/c.txt"]


def test_subgraph_keeps_issues_about_the_documents_asked_about(db: Path) -> None:
    """`show` of 25-NQ/TW must list a plan that cites it as "25-NQ/TU" even when that
    plan is not linked to it; a trace keeps only what the shown documents say."""
    tw = known_row(Known("25-NQ/TW", "party", "NQ", "TW", id="25-NQ/TW"), None)
    issue = ("discrepancy", "file:/c/a.txt", "25-NQ/TU", "25-NQ/TU is really 25-NQ/TW", "25-NQ/TW", "", "/c/a.txt")
    with open_writer(db) as s:
        s.replace_derived(Derived(nodes=[tw], issues=[(*issue, 9, "Nghị quyết 25-NQ/TU", None)]), "k1")
        assert s.subgraph_rows(["25-NQ/TW"]).issues == []
        about = s.subgraph_rows(["25-NQ/TW"], about=["25-NQ/TW"]).issues
        assert [(row[0], row[1], row[4]) for row in about] == [("discrepancy", "file:/c/a.txt", "25-NQ/TW")]


def test_subgraph_links_and_evidence_come_in_key_order_within_the_selection(db: Path) -> None:
    """index_graph groups evidence by (source, target) in the order the rows come: they
    must come sorted by source, target, seq whatever order the ids are asked in, and
    links leaving the selection stay out."""
    plans = ["62-KH/TU@Huế", "13-KH/DUK@Lai Châu", "19-KH/BCĐ@Tây Ninh", "120-KL/TW"]
    links = sorted(
        [(p, "120-KL/TW", "implements") for p in plans[:3]]
        + [("13-KH/DUK@Lai Châu", "62-KH/TU@Huế", "cites"), ("62-KH/TU@Huế", "30-CT/TW", "cites")]
    )
    evidence = [
        (s, t, seq, f"/c/{s[:2]}.txt", 10 + seq, f"Thực hiện Kết luận số {t} (lần {seq})", None)
        for s, t, _ in links
        for seq in range(2)
    ]
    with open_writer(db) as s:
        s.replace_derived(Derived(links=links, evidence=evidence), "k1")
        rows = s.subgraph_rows(reversed(plans))
    inside = [row for row in links if row[1] != "30-CT/TW"]
    assert rows.links == inside
    assert [row[:2] for row in rows.evidence] == [row[:2] for row in inside for _ in range(2)]
    assert [row[3] for row in rows.evidence] == [10, 11] * len(inside)  # (source, target, path, line, ...)


@pytest.mark.parametrize("enabled", [True, False])
def test_index_graph_reads_the_subtree_and_leaves_the_garbage_collector_as_it_found_it(db: Path, enabled: bool) -> None:
    """index_graph switches cyclic collection off while it builds a hub's subtree."""
    import gc

    from qcdc_cli.index.derived import index_graph

    ids = ["120-KL/TW", "13-KH/DUK@Lai Châu", "62-KH/TU@Huế"]
    nodes = [known_row(Known(i.split("@")[0], id=i), None) for i in ids]
    links = [("13-KH/DUK@Lai Châu", "120-KL/TW", "implements"), ("62-KH/TU@Huế", "13-KH/DUK@Lai Châu", "cites")]
    with open_writer(db) as s:
        s.replace_derived(Derived(nodes=nodes, links=links), "k1")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        graph = index_graph(db, "120-KL/TW", "down")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert sorted(n.id for n in graph.nodes()) == sorted(ids)
    assert sorted((lk.source, lk.target) for lk in graph.links()) == sorted(lk[:2] for lk in links)


def plain_reach(links: list[tuple[str, str]], start: str, direction: str, depth: int | None) -> set[str]:
    """Breadth-first over the links in Python: what the recursive query must find."""
    step: dict[str, set[str]] = {}
    for source, target in links:
        near, far = (source, target) if direction == "up" else (target, source)
        step.setdefault(near, set()).add(far)
    seen, frontier, level = {start}, {start}, 0
    while frontier and (depth is None or level < depth):
        frontier = {n for f in frontier for n in step.get(f, ())} - seen
        seen |= frontier
        level += 1
    return seen


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    links=st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=40, unique=True),
    start=st.integers(0, 15),
    depth=st.one_of(st.none(), st.integers(0, 4)),
)
def test_recursive_reach_is_a_breadth_first_walk(db: Path, links, start: int, depth: int | None) -> None:
    """Store.reach, a recursive CTE on both backends (cycles, self-links and depth limits
    included), against a plain walk; and neighbours, one link either way."""
    name = "{}-KH/TU@Huế".format
    edges = [(name(a), name(b)) for a, b in links]
    with open_writer(db) as s:
        s.replace_derived(Derived(links=[(a, b, "cites") for a, b in edges]), "k")
    with open_reader(db) as r:
        for direction in ("up", "down"):
            assert r.reach(name(start), direction, depth) == plain_reach(edges, name(start), direction, depth)
        assert r.neighbours(name(start)) == plain_reach(edges, name(start), "up", 1) | plain_reach(
            edges, name(start), "down", 1
        )


def test_each_row_type_is_its_table_in_column_order(db: Path) -> None:
    """The column lists are written once, as row fields: they must match the migrations
    (the keys a writer adds in front, file_id and document_id, aside)."""
    from qcdc_cli.index import rows

    tables = {
        "documents": (rows.DocumentRow, ("id", "file_id", "segment")),
        "refs": (rows.RefRow, ("document_id",)),
        "mentions": (rows.MentionRow, ("document_id",)),
        "reported_relations": (rows.ReportedRow, ("document_id",)),
        "problems": (rows.ProblemRow, ("file_id",)),
        **{table: (row_type, ()) for table, row_type in rows.DERIVED_TABLES.items()},
    }
    with open_writer(db) as s:
        for table, (row_type, keys) in tables.items():
            names = table_columns(s, table)
            if table == "issues":
                keys = ("seq",)  # its row number, assigned on insert
            assert tuple(names) == (*keys, *row_type._fields), table
        files = table_columns(s, "files")
        assert files[1:-1] == [c.strip() for c in rows.FILE_COLUMNS.split(",")]
