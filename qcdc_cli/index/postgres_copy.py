"""`qcdc index copy SRC DST`: an index moved between backends (SQLite file to a
PostgreSQL server, or back) without reading a document again.

Every table is copied with its ids, in one write transaction on DST (a failed copy
leaves DST empty), from one snapshot of SRC (an ingest may be writing to it). Rows read
back in insertion order (mentions, reported relations, issues) keep that order, so the
copy answers every question as SRC does. DST must be empty: a copy never merges. A file
name that is not UTF-8 keeps its exact bytes both ways (SQLite: files.path itself; a
server: files.path_bytes beside its \\xNN label), so an ingest after the copy finds it
unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from qcdc_cli.errors import StoreError
from qcdc_cli.index.backend import open_reader, open_writer
from qcdc_cli.index.queries import Totals
from qcdc_cli.index.rows import (
    DERIVED_TABLES,
    FILE_COLUMNS,
    DocumentRow,
    MentionRow,
    ProblemRow,
    RefRow,
    ReportedRow,
    columns,
)


def _names(before: str, row_type: type[tuple[Any, ...]]) -> str:
    return f"{before}, {columns(row_type)}"


# (table, columns, ORDER BY): base tables first, so foreign keys hold at every insert
TABLES: tuple[tuple[str, str, str], ...] = (
    ("files", f"id, {FILE_COLUMNS}, ingested_at", "id"),
    ("documents", _names("id, file_id, segment", DocumentRow), "id"),
    ("refs", _names("document_id", RefRow), "document_id, number"),
    ("mentions", _names("document_id", MentionRow), "rowid"),
    ("reported_relations", _names("document_id", ReportedRow), "rowid"),
    ("problems", _names("file_id", ProblemRow), "file_id, code, line, message"),
    *((t, columns(row), "seq" if t == "issues" else "1") for t, row in DERIVED_TABLES.items()),
)
# identity columns to move past the copied ids on PostgreSQL
_IDENTITIES = (("files", "id"), ("documents", "id"), ("issues", "seq"))


def _files_out(rows: Iterable[Sequence[Any]], from_server: bool) -> Iterator[list[Any]]:
    """files rows of SRC with each name as SQLite holds it: bytes when not UTF-8 (a
    server's rows end in path_bytes, dropped here)."""
    for row in rows:
        out = list(row)
        if from_server:
            raw = out.pop()
            if raw is not None:
                out[1] = bytes(raw)
        yield out


def _files_in(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    """files rows for a server: the name as its label, its bytes in path_bytes."""
    from qcdc_cli.index.postgres import _param

    for row in rows:
        name = row[1]
        yield [_param(v) for v in row] + [name if isinstance(name, bytes) else None]


def copy_index(source: Path, target: Path) -> Totals:
    """Copy the index at `source` into the empty index at `target` (created if needed)."""
    from qcdc_cli.index.postgres import PgStore, _param

    with open_reader(source) as src, open_writer(target) as dst:
        for table in ("files", "nodes"):
            if dst.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                raise StoreError(f"{dst.path}: not empty; copy into a new database or file")
        with dst.transaction():
            for table, names, order in TABLES:
                files = table == "files"
                extra = ", path_bytes" if files and isinstance(src, PgStore) else ""
                rows: Iterable[Sequence[Any]] = src.con.execute(f"SELECT {names}{extra} FROM {table} ORDER BY {order}")
                if files:
                    rows = _files_out(rows, from_server=bool(extra))
                if isinstance(dst, PgStore) and files:
                    dst.pg.copy(table, f"{names}, path_bytes", _files_in(rows))
                elif isinstance(dst, PgStore):
                    dst.pg.copy(table, re.sub(r"\bend\b", '"end"', names), ([_param(v) for v in r] for r in rows))
                else:
                    marks = ", ".join("?" * len(names.split(",")))
                    dst.con.executemany(f"INSERT INTO {table}({names}) VALUES ({marks})", rows)
            for key, value in src.con.execute("SELECT key, value FROM meta WHERE key <> 'changes'"):
                dst.con.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
            if isinstance(dst, PgStore):
                for table, column in _IDENTITIES:
                    dst.pg.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                        f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                    )
        if isinstance(dst, PgStore):  # planner statistics now, not when autovacuum comes by
            dst.pg.execute("ANALYZE")
        return dst.totals()
