"""The index on a PostgreSQL server: one index shared by a team, several ingests at once.

`PgStore` is the SQLite `Store` with another connection under it: the same methods, the
same SQL (index.postgres_sql translates it), so both backends give the same answers.
It overrides only what a server does differently:

- Opening: `--db postgresql://user@host/dbname` (or $QCDC_DB). The schema version lives
  in `qcdc_schema`; migrations are index.schema's, translated, then the server's own
  (schema.PG_MIGRATIONS, counted in `qcdc_schema.pg_revision`), run under an advisory
  lock in one transaction. Credentials come from the URL, PGPASSFILE or PGPASSWORD (libpq);
  messages show the URL without its password.
- Readers read in ONE read-only, repeatable-read transaction (one snapshot, as SQLite's);
  MVCC means they never block an ingest, and an ingest never blocks them.
- Concurrent ingests are allowed (no ingest lock). Each file is its own transaction,
  under an advisory lock on its path, so two ingests of one file write one after the
  other and the rows are the last writer's, never a mix or a double. Committing per
  file (not in batches) keeps two ingests walking files in different orders from
  deadlocking.
- The derived tables: one ingest at a time rebuilds them (`derive_lock`, an advisory
  lock; the others wait, then skip when the rebuild they waited for already saw their
  files). Every file write bumps meta 'changes'; a rebuild marks itself current only if
  'changes' did not move since its snapshot, so a concurrent or killed ingest leaves
  the index marked stale rather than wrongly current.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, cast

from qcdc_cli.errors import StoreError
from qcdc_cli.index import postgres_sql as sql
from qcdc_cli.index import schema
from qcdc_cli.index.dburl import UrlPath, redact
from qcdc_cli.index.rows import DERIVED_TABLES, FILE_COLUMNS, columns, path_label, path_of, path_param
from qcdc_cli.index.store import (
    _INSERT_DOCUMENT,
    _INSERT_MENTION,
    _INSERT_PROBLEM,
    _INSERT_REF,
    _INSERT_REPORTED,
    Batch,
    Store,
)

if TYPE_CHECKING:
    import psycopg

    from qcdc_cli.index.corpus import FileRows, Quotes, StoredCorpus
    from qcdc_cli.index.rows import Derived, FileRecord, KnownFile

# advisory lock keys: (namespace, what); one database holds one index, so no more is needed
_NS = 0x71CDC
_DERIVE = 1
_MIGRATE = 2
_INGEST = 3

_SET_META = "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
_SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS qcdc_schema(version INTEGER NOT NULL)"
_REVISION_COLUMN = "ALTER TABLE qcdc_schema ADD COLUMN IF NOT EXISTS pg_revision INTEGER NOT NULL DEFAULT 0"
# a reader's one snapshot, in which nothing can be written (temporary tables aside)
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
# the id selections of Store._select, made before a read-only transaction (which cannot
# create them) and kept for the session; every table name a caller passes to _select
# (index.derived's thin trace uses "sela" and "selS", which PostgreSQL folds to "sels")
_TEMP_TABLES = ("sel", "selp", "sela", "sels", "selo")


def _param(value: Any) -> Any:
    # a file name that is not UTF-8 reaches SQLite as bytes (rows.path_param); the text
    # column files.path on PostgreSQL holds its \xNN label (the bytes: files.path_bytes,
    # bound as a memoryview, which passes here unchanged)
    if isinstance(value, bytes):
        return path_label(value.decode("utf-8", "surrogateescape"))
    return value


def _raw_name(path: str) -> memoryview | None:
    """files.path_bytes of `path`: its exact bytes when the name is not UTF-8, else None."""
    value = path_param(path)
    return memoryview(value) if isinstance(value, bytes) else None


_FILE_ID = "(SELECT id FROM files WHERE path = ?)"
_DOCUMENT_ID = f"(SELECT id FROM documents WHERE file_id = {_FILE_ID} AND segment = ?)"
_UPSERT_FILE = (
    f"INSERT INTO files({FILE_COLUMNS}, path_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(path) DO UPDATE SET path_bytes = excluded.path_bytes,"
    " size = excluded.size, mtime_ns = excluded.mtime_ns,"
    " sha256 = excluded.sha256, encoding = excluded.encoding, status = excluded.status,"
    " error = excluded.error, extractor = excluded.extractor, ingested_at = excluded.ingested_at"
)


def _by_file(insert: str) -> str:
    """An INSERT whose first value, file_id, is looked up from the path bound instead."""
    return insert.replace("VALUES (?", f"VALUES ({_FILE_ID}", 1)


def _by_document(insert: str) -> str:
    """An INSERT whose first value, document_id, is looked up from (path, segment)."""
    return insert.replace("VALUES (?", f"VALUES ({_DOCUMENT_ID}", 1)


class _EachCommitted(Batch):
    """PgStore's batch: nothing pending, every unit already committed."""

    def maybe_commit(self, mark: int = 0) -> bool:
        self.mark = mark
        return True


class PgConnection:
    """A psycopg connection that takes the SQLite statements index/ is written in."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, statement: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor()
        if params:
            cur.execute(cast(Any, sql.query(statement, True)), [_param(p) for p in params])
        else:
            cur.execute(cast(Any, sql.query(statement, False)))
        return cur

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor()
        batch = [[_param(p) for p in row] for row in rows]
        if batch:
            cur.executemany(cast(Any, sql.query(statement, True)), batch)
        return cur

    def copy(self, table: str, names: str, rows: Iterable[Sequence[Any]]) -> None:
        """COPY rows in: the bulk path (derived tables, id selections)."""
        with self.raw.cursor() as cur, cur.copy(cast(Any, f"COPY {table} ({names}) FROM STDIN")) as copy:
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        self.raw.close()


def _scrub(message: str, url: str) -> str:
    """A driver message without the password, whatever the driver chose to quote."""
    from urllib.parse import unquote, urlsplit

    password = urlsplit(url).password
    if password:
        message = message.replace(password, "***").replace(unquote(password), "***")
    return message.strip()


def connect(url: str) -> psycopg.Connection[Any]:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            f"{redact(url)}: a PostgreSQL index needs psycopg; install qcdc with the extra:"
            " pip install 'qcdc[postgres]'"
        ) from None
    try:
        return psycopg.connect(url, autocommit=True, application_name="qcdc", connect_timeout=10)
    except psycopg.Error as e:
        raise StoreError(f"{redact(url)}: cannot connect to the index: {_scrub(str(e), url)}") from None


def _version(con: PgConnection) -> tuple[int, int]:
    """(schema version, PostgreSQL revision) of the database: (0, 0) when it holds no index."""
    row = con.execute(
        "SELECT to_regclass('qcdc_schema') IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute"
        " WHERE attrelid = to_regclass('qcdc_schema') AND attname = 'pg_revision' AND NOT attisdropped)"
    ).fetchone()
    if not row or not row[0]:
        return 0, 0
    revision = "max(pg_revision)" if row[1] else "0"
    row = con.execute(f"SELECT max(version), {revision} FROM qcdc_schema").fetchone()
    return (int(row[0]), int(row[1])) if row and row[0] is not None else (0, 0)


def _check_version(found: tuple[int, int], label: str, writing: bool) -> None:
    version, revision = found
    if found > (schema.SCHEMA_VERSION, schema.PG_REVISION):
        said = f"{version}" if version > schema.SCHEMA_VERSION else f"{version} (PostgreSQL revision {revision})"
        known = f"{schema.SCHEMA_VERSION}" + ("" if version > schema.SCHEMA_VERSION else f", {schema.PG_REVISION}")
        raise StoreError(
            f"{label}: index schema version {said} is newer than this qcdc knows "
            f"({known}); upgrade qcdc" + (" or use another --db" if writing else "")
        )
    if version == 0 and not writing:
        raise StoreError(f"{label}: no index here; run `qcdc ingest FOLDER --db {label}` first")
    if found < (schema.SCHEMA_VERSION, schema.PG_REVISION) and not writing:
        said = f"{version}" if version < schema.SCHEMA_VERSION else f"{version} (PostgreSQL revision {revision})"
        raise StoreError(
            f"{label}: index schema version {said} is older than {schema.SCHEMA_VERSION}"
            + ("" if version < schema.SCHEMA_VERSION else f" (revision {schema.PG_REVISION})")
            + "; run `qcdc ingest` once to upgrade it"
        )


def _migrate(con: PgConnection, label: str) -> None:
    """Bring the database to schema.SCHEMA_VERSION, then schema.PG_REVISION, in one
    transaction, one migrator at a time."""
    _check_version(_version(con), label, writing=True)
    con.execute("BEGIN")
    try:
        con.execute("SELECT pg_advisory_xact_lock(?, ?)", (_NS, _MIGRATE))
        con.execute(_SCHEMA_TABLE)
        found = _version(con)  # again, under the lock: another qcdc may have migrated
        _check_version(found, label, writing=True)
        version, revision = found
        if found != (schema.SCHEMA_VERSION, schema.PG_REVISION):  # (no table lock when current)
            for step in range(version, schema.SCHEMA_VERSION):
                for statement in sql.statements(schema.MIGRATIONS[step]):
                    con.execute(statement)
            con.execute(_REVISION_COLUMN)
            for step in range(revision, schema.PG_REVISION):
                for statement in sql.statements(schema.PG_MIGRATIONS[step]):
                    con.execute(statement)
            con.execute("DELETE FROM qcdc_schema")
            con.execute(
                "INSERT INTO qcdc_schema(version, pg_revision) VALUES (?, ?)",
                (schema.SCHEMA_VERSION, schema.PG_REVISION),
            )
        con.execute("INSERT INTO meta(key, value) VALUES ('changes', '0') ON CONFLICT(key) DO NOTHING")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


class PgStore(Store):
    """The index on PostgreSQL (see the module docstring for what differs from SQLite)."""

    def __init__(self, con: PgConnection, url: str, writable: bool) -> None:
        super().__init__(cast(Any, con), UrlPath(url), writable)
        self.pg = con
        self.url = url
        self._snapshot_changes: int | None = None

    @classmethod
    def connect(cls, url: str, *, writable: bool) -> PgStore:
        import psycopg

        label = redact(url)
        raw = connect(url)
        con = PgConnection(raw)
        try:
            if writable:
                _migrate(con, label)
                # like SQLite's synchronous=NORMAL: a server crash may lose the last
                # commits (the next ingest reads those files again), never half of one
                con.execute("SET synchronous_commit = off")
            else:
                _check_version(_version(con), label, writing=False)
            for table in _TEMP_TABLES:
                con.execute(f'CREATE TEMP TABLE {table}(id TEXT COLLATE "C" PRIMARY KEY)')
            if not writable:
                con.execute(_BEGIN_READ)
        except psycopg.Error as e:
            raw.close()
            raise StoreError(f"{label}: cannot open the index: {_scrub(str(e), url)}") from None
        except BaseException:
            raw.close()
            raise
        return cls(con, url, writable)

    # ---- the connection's life

    def refresh(self) -> None:
        if not self.writable:
            self.pg.execute("ROLLBACK")
            self.pg.execute(_BEGIN_READ)

    def close(self) -> None:
        self.pg.close()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        self.close()
        import psycopg

        if isinstance(error, psycopg.Error) and not isinstance(error, psycopg.IntegrityError):
            raise StoreError(f"{self.path}: {_scrub(str(error), self.url)}") from None

    @contextmanager
    def batch(self, max_units: int = 64, max_seconds: float = 0.5) -> Iterator[Batch]:
        """Every file its own transaction (see the module docstring: no deadlock between
        ingests), so each is durable when written; the batch only counts them."""
        import time

        yield _EachCommitted(self, 1, max_seconds, time.monotonic())

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Not exclusive: ingests share a PostgreSQL index (per-file locks keep it whole).
        A shared advisory lock only says that one is running (`ingest_running`)."""
        self.pg.execute("SELECT pg_advisory_lock_shared(?, ?)", (_NS, _INGEST))
        try:
            yield
        finally:
            self.pg.execute("SELECT pg_advisory_unlock_shared(?, ?)", (_NS, _INGEST))

    def ingest_running(self) -> bool:
        """Whether some ingest (any machine) is writing to this index now."""
        row = self.pg.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = ? AND objid = ? AND objsubid = 2)",
            (_NS, _INGEST),
        ).fetchone()
        return bool(row and row[0])

    @contextmanager
    def derive_lock(self) -> Iterator[None]:
        """One derived-table rebuild at a time; the others wait here."""
        self.pg.execute("SELECT pg_advisory_lock(?, ?)", (_NS, _DERIVE))
        try:
            yield
        finally:
            self.pg.execute("SELECT pg_advisory_unlock(?, ?)", (_NS, _DERIVE))

    # ---- files

    def replace_file(self, record: FileRecord, rows: FileRows | None) -> None:
        """One transaction, sent as one pipeline: ids are found by subquery (path, segment)
        rather than read back, so the file costs one round trip to the server, not a dozen."""
        path = path_label(record.path)
        try:
            with self.pg.raw.pipeline():
                self.pg.execute("BEGIN")
                self._lock_path(record.path)
                self.pg.execute(_UPSERT_FILE, (*record.row(), _raw_name(record.path)))
                self.pg.execute(f"DELETE FROM documents WHERE file_id = {_FILE_ID}", (path,))
                self.pg.execute(f"DELETE FROM problems WHERE file_id = {_FILE_ID}", (path,))
                for doc in rows.documents if rows is not None else ():
                    self.pg.execute(_by_file(_INSERT_DOCUMENT), (path, doc.segment, *doc.document))
                    key = (path, doc.segment)
                    self.pg.executemany(_by_document(_INSERT_REF), ((*key, *r) for r in doc.refs))
                    self.pg.executemany(_by_document(_INSERT_MENTION), ((*key, *m) for m in doc.mentions))
                    self.pg.executemany(_by_document(_INSERT_REPORTED), ((*key, *r) for r in doc.reported))
                if rows is not None:
                    self.pg.executemany(_by_file(_INSERT_PROBLEM), ((path, *p) for p in rows.problems))
                self._changed()
                self.pg.execute("COMMIT")
        except BaseException:
            with suppress(Exception):
                self.pg.execute("ROLLBACK")
            raise

    def replace_files(self, items: Sequence[tuple[FileRecord, FileRows | None]]) -> None:
        """Each file its own transaction, as `replace_file` (see `batch`)."""
        for record, rows in items:
            self.replace_file(record, rows)

    def known_files(self) -> dict[str, KnownFile]:
        """Store.known_files, with a name that is not UTF-8 given back as the walk spells it
        (from its bytes, files.path_bytes), so the next ingest finds that file unchanged."""
        known = super().known_files()
        for label, raw in self.pg.execute("SELECT path, path_bytes FROM files WHERE path_bytes IS NOT NULL"):
            if label in known:
                known[path_of(bytes(raw))] = known.pop(label)
        return known

    def update_stat(self, path: str, size: int, mtime_ns: int) -> None:
        with self.transaction():
            self._lock_path(path)
            self.pg.execute(
                "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path_label(path))
            )

    def remove_files(self, paths: Iterable[str]) -> int:
        removed = 0
        with self.transaction():
            for path in paths:
                self._lock_path(path)
                removed += self.pg.execute("DELETE FROM files WHERE path = ?", (path_label(path),)).rowcount
            self._changed()
        return removed

    def _lock_path(self, path: str) -> None:
        """Writers of one file take turns (held until commit)."""
        self.pg.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (path_label(path),))

    def _changed(self) -> None:
        # last statement before the commit: the row lock on the counter is held briefly
        self.pg.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'changes'")

    # ---- derived

    def load_corpus(self) -> tuple[StoredCorpus, Quotes]:
        """The whole corpus from ONE snapshot, and the 'changes' count it holds."""
        if not self.writable:
            self._snapshot_changes = int(self.get_meta("changes") or 0)
            return super().load_corpus()
        self.pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            self._snapshot_changes = int(self.get_meta("changes") or 0)
            return super().load_corpus()
        finally:
            self.pg.execute("COMMIT")

    def replace_derived(self, derived: Derived, key: str) -> None:
        """Swap in a new derivation in one transaction (COPY, readers keep the old one until
        the commit); current (not stale) only if no file changed since its snapshot (rows
        made without `load_corpus`, as SQLite takes them: current, the caller's word)."""
        with self.transaction():
            for table, row_type in DERIVED_TABLES.items():
                self.pg.execute(f"DELETE FROM {table}")
                self.pg.copy(table, columns(row_type), getattr(derived, table))
            self.pg.execute(_SET_META, ("derived_key", key))
            # rows locked in the order a writer locks them (mark_stale's, then the counter):
            # the other order can deadlock with an ingest's first file
            self.pg.execute("SELECT value FROM meta WHERE key = 'derived_stale' FOR UPDATE")
            row = self.pg.execute("SELECT value FROM meta WHERE key = 'changes' FOR UPDATE").fetchone()
            current = self._snapshot_changes is None or (row is not None and self._snapshot_changes == int(row[0]))
            self.pg.execute(_SET_META, ("derived_stale", "0" if current else "1"))
        self._snapshot_changes = None

    # ---- the graph

    def reach(self, start: str, direction: str, depth: int | None = None) -> set[str]:
        """A recursive CTE over links (typed, so the text column's collation carries over)."""
        near, far = ("source", "target") if direction == "up" else ("target", "source")
        seed = 'CAST(? AS TEXT) COLLATE "C"'
        if depth is None:
            statement = (
                f"WITH RECURSIVE r(id) AS (SELECT {seed} UNION SELECT l.{far} FROM links l JOIN r ON l.{near} = r.id)"
                " SELECT id FROM r"
            )
            return {row[0] for row in self.pg.execute(statement, (start,))}
        statement = (
            f"WITH RECURSIVE r(id, d) AS (SELECT {seed}, 0 UNION SELECT l.{far}, r.d + 1 FROM links l"
            f" JOIN r ON l.{near} = r.id WHERE r.d < ?) SELECT DISTINCT id FROM r"
        )
        return {row[0] for row in self.pg.execute(statement, (start, depth))}

    def _select(self, ids: Iterable[str], table: str = "sel") -> None:
        """A temporary table of ids (made at connect: _TEMP_TABLES), filled by COPY and
        analysed every time (under a millisecond): autovacuum never sees temporary
        tables, and unanalysed the planner takes 10 ids for 1,360 and scans all of
        `nodes` instead of looking them up (70 ms at 255,000 nodes, 1 ms analysed)."""
        if table.lower() not in _TEMP_TABLES:
            raise ValueError(f"no temporary table {table!r} is made at connect (postgres._TEMP_TABLES)")
        self.pg.execute(f"DELETE FROM pg_temp.{table}")
        unique = sorted(set(ids))
        self.pg.copy(f"pg_temp.{table}", "id", ((i,) for i in unique))
        self.pg.execute(f"ANALYZE pg_temp.{table}")
