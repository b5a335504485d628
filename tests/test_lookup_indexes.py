"""schema.LOOKUP_INDEXES: an index written before them is read as it is and gets them
when a writer opens it; one that has them is not written to on opening."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qcdc_cli.index import schema
from qcdc_cli.index.store import Store


def _indexes(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()


def test_an_index_without_them_is_read_then_given_them_by_a_writer(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    Store.open_writer(db).close()
    assert set(schema.LOOKUP_INDEXES) <= _indexes(db)
    con = sqlite3.connect(db)
    for name in schema.LOOKUP_INDEXES:
        con.execute(f"DROP INDEX {name}")
    con.commit()
    con.close()
    with Store.open_reader(db) as s:  # what an older qcdc wrote: read as it is
        assert s.totals().files == 0
    assert not set(schema.LOOKUP_INDEXES) & _indexes(db)
    Store.open_writer(db).close()
    assert set(schema.LOOKUP_INDEXES) <= _indexes(db)


def test_opening_an_index_that_has_them_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    Store.open_writer(db).close()
    con = sqlite3.connect(db)
    before = con.execute("PRAGMA data_version").fetchone()[0], con.total_changes
    Store.open_writer(db).close()
    con.execute("SELECT 1").fetchone()
    assert con.execute("PRAGMA data_version").fetchone()[0] == before[0]  # no other connection committed
    con.close()
