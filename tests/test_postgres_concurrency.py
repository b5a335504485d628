"""Several ingests at once into one PostgreSQL index: nothing lost, nothing doubled,
the derived tables current at the end; readers never wait for writers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from index_dump import dump
from ingest_fakes import fake_extract, plan_text, write_corpus
from test_postgres import ingest_into

from qcdc_cli.index.backend import open_reader, open_writer
from qcdc_cli.index.corpus import file_rows
from qcdc_cli.index.dburl import UrlPath
from qcdc_cli.index.rows import FileRecord

pytestmark = pytest.mark.postgres


def level_of(code: str | None) -> str | None:
    return "province" if code == "TU" else None


def test_four_ingests_at_once_two_folders_each_twice(pg_url: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_corpus(a, 150, prefix="a")
    write_corpus(b, 150, prefix="b")
    env = {**os.environ, "COLUMNS": "200"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "qcdc_cli", "ingest", str(folder), "--db", pg_url, "-j", "1", "-q"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (a, b, a, b)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    # the same index, built by one ingest at a time into SQLite
    sqlite_db = tmp_path / "index.sqlite"
    ingest_into(sqlite_db, a)
    ingest_into(sqlite_db, b)
    with open_reader(UrlPath(pg_url)) as shared, open_reader(sqlite_db) as alone:
        assert shared.totals() == alone.totals()
        assert shared.totals().files == 300 and shared.totals().documents == 300
        assert dump(shared) == dump(alone)  # no row lost, none doubled, derived tables included
        assert shared.derived_state()[0] is False  # the last rebuild saw every file


def test_one_file_written_two_ways_at_once_ends_whole(pg_url: str) -> None:
    """Two users ingest the same path holding different texts: the writes take turns
    (advisory lock per path) and the index holds one version whole, the last one."""
    texts = [plan_text(f"{n}-KH/TU", "Lai Châu", "120-KL/TW", (f"{n}-QĐ/TW",)) for n in (61, 62)]
    with open_writer(UrlPath(pg_url)):
        pass  # schema first
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            with open_writer(UrlPath(pg_url)) as store:
                for _ in range(20):
                    rows = file_rows(fake_extract(text), text, level_of)
                    store.replace_file(FileRecord("/shared/kh.txt", len(text), 1, str(hash(text)), "utf-8"), rows)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with open_reader(UrlPath(pg_url)) as store:
        docs = store.con.execute("SELECT number FROM documents").fetchall()
        refs = sorted(r[0] for r in store.con.execute("SELECT number FROM refs").fetchall())
        sha = store.con.execute("SELECT sha256 FROM files").fetchall()
    assert len(docs) == 1 and len(sha) == 1
    n = docs[0][0].split("-")[0]
    assert sha[0][0] == str(hash(texts[0 if n == "61" else 1]))  # the file row and its rows agree
    assert refs == sorted([f"{n}-QĐ/TW", "120-KL/TW", "30-CT/TW"])


def test_readers_never_wait_for_an_ingest(pg_url: str, tmp_path: Path) -> None:
    write_corpus(tmp_path / "one", 20, prefix="one")
    write_corpus(tmp_path / "two", 60, prefix="two")
    ingest_into(pg_url, tmp_path / "one")
    with open_reader(UrlPath(pg_url)) as reader, open_writer(UrlPath(pg_url)) as other:
        assert not reader.ingest_running()
        with other.ingest_lock():
            assert reader.ingest_running()
        before = reader.totals()
        assert reader.stats().totals.documents == 20
        started = time.monotonic()
        ingest_into(pg_url, tmp_path / "two")  # writes and derives while the reader is open
        assert time.monotonic() - started < 60
        assert reader.totals() == before  # one snapshot for the reader's life
        reader.refresh()
        assert reader.totals().documents == 80
