"""The PostgreSQL index gives the same answers as the SQLite one, byte for byte.

One corpus, ingested into both; every question (stats, unresolved, coverage, export,
trace, show, check --db) asked of both through the command line; the outputs must be
equal, the index's address aside. Then: migrations, and the copy between backends.
Tests needing a server are marked `postgres` (tests/postgres_fixtures.py finds one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from index_dump import dump

from qcdc_cli.app.ingest import Finished, Options, ingest
from qcdc_cli.cli import app
from qcdc_cli.cli._console import run_app
from qcdc_cli.errors import StoreError
from qcdc_cli.index.backend import open_reader, open_writer
from qcdc_cli.index.dburl import UrlPath
from qcdc_cli.knowledge.registry import load_vocabulary

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
GENERATED_FILES = int(os.environ.get("QCDC_TEST_PG_CORPUS", "400"))  # 10000: the size (~9 min)

pytestmark = pytest.mark.postgres


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        run_app(app, args)
    out = capsys.readouterr()
    return int(e.value.code or 0), out.out, out.err


def ingest_into(db: Path | str, folder: Path, jobs: int = 1) -> Finished:
    with open_writer(Path(db)) as store:
        events = list(ingest([folder], store, load_vocabulary(), Options(jobs=jobs)))
    last = events[-1]
    assert isinstance(last, Finished)
    return last


def questions(sqlite_db: Path, corpus: Path) -> list[list[str]]:
    """Every command the comparison asks, about the most cited documents of the corpus."""
    with open_reader(sqlite_db) as store:
        hubs = [
            r[0]
            for r in store.con.execute(
                "SELECT target FROM links GROUP BY target ORDER BY count(*) DESC, target LIMIT 3"
            ).fetchall()
        ]
        plans = [
            r[0]
            for r in store.con.execute(
                "SELECT source FROM links GROUP BY source ORDER BY count(*) DESC, source LIMIT 2"
            ).fetchall()
        ]
    files = sorted(p for p in corpus.iterdir() if p.is_file())[:3]
    asked: list[list[str]] = [
        ["stats"],
        ["stats", "-f", "json"],
        ["unresolved"],
        ["unresolved", "-f", "json", "--citers", "3"],
        ["export", "-f", "graphml"],
        ["export", "-f", "json"],
        ["export", "-f", "dot"],
    ]
    for ident in hubs + plans:
        asked += [
            ["trace", ident, "--up", "-f", "json"],
            ["trace", ident, "--down"],
            ["trace", ident, "--both", "-d", "2", "-f", "dot"],
            ["show", ident],
            ["coverage", ident, "-f", "json"],
            ["export", "-f", "mermaid", "--root", ident],
        ]
    asked += [["check", str(f), "-f", "json"] for f in files]
    return asked


def answers(db: str, asked: list[list[str]], capsys: pytest.CaptureFixture[str]) -> list[tuple[int, str, str]]:
    out = []
    for args in asked:
        code, stdout, stderr = cli([*args, "--db", db], capsys)
        out.append((code, stdout.replace(db, "<db>"), stderr.replace(db, "<db>")))
    return out


def compare(sqlite_db: Path, url: str, corpus: Path, capsys: pytest.CaptureFixture[str]) -> int:
    with open_reader(sqlite_db) as a, open_reader(UrlPath(url)) as b:
        assert dump(b) == dump(a)
    asked = questions(sqlite_db, corpus)
    theirs = answers(url, asked, capsys)
    ours = answers(str(sqlite_db), asked, capsys)
    for args, x, y in zip(asked, ours, theirs, strict=True):
        assert y == x, f"qcdc {' '.join(args)}: PostgreSQL answers differently"
    assert any(code == 0 and len(out) > 200 for code, out, _ in ours)  # real answers, not errors
    return len(asked)


def test_samples_same_answers_on_both_backends(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite_db = tmp_path / "index.sqlite"
    a, b = ingest_into(sqlite_db, SAMPLES), ingest_into(pg_url, SAMPLES)
    assert a.summary.index == b.summary.index and a.summary.read == 5
    assert compare(sqlite_db, pg_url, SAMPLES, capsys) == 40
    # a second ingest changes nothing on either
    assert ingest_into(pg_url, SAMPLES).summary.unchanged == 5


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gen_corpus.py"), str(out), "--files", str(GENERATED_FILES)],
        check=True,
        capture_output=True,
    )
    return out


def test_generated_corpus_same_answers_on_both_backends(
    pg_url: str, generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_db = tmp_path / "index.sqlite"
    ingest_into(sqlite_db, generated, jobs=2)
    ingest_into(pg_url, generated, jobs=2)
    compare(sqlite_db, pg_url, generated, capsys)


# ---- schema versions


def test_migrates_an_older_index_and_refuses_a_newer_one(pg_url: str) -> None:
    import psycopg

    from qcdc_cli.index import postgres_sql
    from qcdc_cli.index.schema import MIGRATIONS, SCHEMA_VERSION

    with psycopg.connect(pg_url, autocommit=True) as con:  # an index left at version 1
        con.execute("CREATE TABLE qcdc_schema(version INTEGER NOT NULL)")
        con.execute("INSERT INTO qcdc_schema VALUES (1)")
        for statement in postgres_sql.statements(MIGRATIONS[0]):
            con.execute(postgres_sql.ddl(statement).encode())
    with pytest.raises(StoreError, match="older than"):
        open_reader(UrlPath(pg_url))
    ingest_into(pg_url, SAMPLES)
    with psycopg.connect(pg_url, autocommit=True) as con:
        assert con.execute("SELECT version FROM qcdc_schema").fetchone() == (SCHEMA_VERSION,)
        con.execute("UPDATE qcdc_schema SET version = %s", (SCHEMA_VERSION + 1,))
    for opener in (open_reader, open_writer):
        with pytest.raises(StoreError, match="newer than this qcdc knows"):
            opener(UrlPath(pg_url))


def test_reader_of_an_empty_database_says_how_to_fill_it(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["stats", "--db", pg_url], capsys)
    assert (code, out) == (2, "") and "no index here; run `qcdc ingest FOLDER --db" in err


# ---- copying an index between backends


def test_index_copy_sqlite_to_postgres_and_back(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_db = tmp_path / "index.sqlite"
    ingest_into(sqlite_db, SAMPLES)
    code, out, err = cli(["index", "copy", str(sqlite_db), pg_url], capsys)
    assert code == 0, err
    assert "6 documents" in out
    back = tmp_path / "back.sqlite"
    code, _, err = cli(["index", "copy", pg_url, str(back)], capsys)
    assert code == 0, err
    with open_reader(sqlite_db) as a, open_reader(UrlPath(pg_url)) as b, open_reader(back) as c:
        assert dump(b) == dump(a) == dump(c)
        assert b.derived_state() == a.derived_state()
    # the copy is a working index: an ingest after it finds every file unchanged
    assert ingest_into(pg_url, SAMPLES).summary.unchanged == 5
    code, _, err = cli(["index", "copy", str(sqlite_db), pg_url], capsys)
    assert code == 2 and "not empty" in err
    code, out, _ = cli(["stats", "--db", pg_url, "-f", "json"], capsys)
    assert json.loads(out)["totals"]["documents"] == 6


def test_library_api_on_a_server(pg_url: str, tmp_path: Path) -> None:
    import qcdc_cli

    index, local = qcdc_cli.Index(pg_url), qcdc_cli.Index(tmp_path / "index.sqlite")
    assert index.ingest([SAMPLES], jobs=1).read == 5 == local.ingest([SAMPLES], jobs=1).read
    assert index.stats().totals.documents == 6
    assert index.unresolved() == local.unresolved() and index.unresolved(2) == local.unresolved(2)
    assert "cret" not in repr(qcdc_cli.Index(pg_url.replace("qcdc@", "qcdc:secret@")).path)


# ---- file names that are not UTF-8


def test_a_name_that_is_not_utf8_keeps_its_bytes_through_copies(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite -> server -> SQLite: the exact name each time, so each copy's next ingest
    reads nothing again (the server keeps the bytes in files.path_bytes)."""
    folder = tmp_path / "c"
    folder.mkdir()
    raw = os.fsencode(folder)
    for name, number in ((b"caf\xe9.txt", "1-KH/TU"), (b"ok.txt", "2-KH/TU")):
        with open(raw + b"/" + name, "w", encoding="utf-8") as f:
            f.write(f"TỈNH ỦY LAI CHÂU\nSố {number}\nThực hiện Kết luận số 120-KL/TW\n")
    sqlite_db, back = tmp_path / "index.sqlite", tmp_path / "back.sqlite"
    assert ingest_into(sqlite_db, folder).summary.read == 2
    assert cli(["index", "copy", str(sqlite_db), pg_url], capsys)[0] == 0
    assert ingest_into(pg_url, folder).summary.unchanged == 2
    assert cli(["index", "copy", pg_url, str(back)], capsys)[0] == 0
    assert ingest_into(back, folder).summary.unchanged == 2
    with open_reader(sqlite_db) as a, open_reader(UrlPath(pg_url)) as b, open_reader(back) as c:
        names = [sorted(s.known_files()) for s in (a, b, c)]
        assert names[0] == names[1] == names[2] and os.fsdecode(raw + b"/caf\xe9.txt") in names[0]
        files = "SELECT path, size, mtime_ns, sha256 FROM files ORDER BY id"
        assert c.con.execute(files).fetchall() == a.con.execute(files).fetchall()  # the name as bytes again
        assert b.con.execute("SELECT path FROM files WHERE path_bytes IS NOT NULL").fetchall() == [
            (str(folder) + "/caf\\xe9.txt",)
        ]


def test_an_index_from_before_path_bytes_is_upgraded(pg_url: str, tmp_path: Path) -> None:
    """A server index at PostgreSQL revision 0 (no files.path_bytes, no pg_revision):
    readers ask for an ingest, which adds the column; the file stored under its label is
    read once more, then found unchanged."""
    import psycopg

    from qcdc_cli.index import schema

    folder = tmp_path / "c"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "w", encoding="utf-8") as f:
        f.write("TỈNH ỦY LAI CHÂU\nSố 1-KH/TU\nThực hiện Kết luận số 120-KL/TW\n")
    ingest_into(pg_url, folder)
    with psycopg.connect(pg_url, autocommit=True) as con:  # what an older qcdc left
        con.execute("ALTER TABLE files DROP COLUMN path_bytes")
        con.execute("ALTER TABLE qcdc_schema DROP COLUMN pg_revision")
    with pytest.raises(StoreError, match=r"\(PostgreSQL revision 0\) is older than"):
        open_reader(UrlPath(pg_url))
    assert ingest_into(pg_url, folder).summary.read == 1
    assert ingest_into(pg_url, folder).summary.unchanged == 1
    with psycopg.connect(pg_url, autocommit=True) as con:
        assert con.execute("SELECT version, pg_revision FROM qcdc_schema").fetchall() == [
            (schema.SCHEMA_VERSION, schema.PG_REVISION)
        ]
