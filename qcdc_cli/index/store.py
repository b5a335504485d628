"""The SQLite index: a connection, its transactions, the ingest lock, and every read and
write the rest of qcdc asks of it (`Store`; the interface is `qcdc_cli.index.api`).

Why SQLite, and why these settings, is measured in ../shared/research/ecosystem-perf.md §7:

- WAL + synchronous=NORMAL: per-file transactions cost about as much as one big
  transaction, a process killed with SIGKILL never leaves a half-written file (the next
  connection rolls the WAL back to the last commit), and readers never block the writer.
- One writer at a time: `qcdc ingest` takes an exclusive lock on the database file itself
  (flock: the file, not how --db spells it), so a second ingest fails at once with a
  message instead of interleaving; other writers wait up to `busy_timeout`.
- Readers open the file read-only (`mode=ro`; `immutable` where nothing can write, a
  read-only mount) and read in ONE transaction, so `trace` sees one state of an index
  that an ingest is writing.

Location: `--db FILE`, else `$QCDC_DB`, else `./.qcdc/index.sqlite`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcdc_cli.errors import StoreError
from qcdc_cli.index.bulk import write_derived, write_files
from qcdc_cli.index.corpus import FileRows, Quotes, StoredCorpus, load_corpus
from qcdc_cli.index.dburl import as_target
from qcdc_cli.index.lean import Elided, read_subgraph
from qcdc_cli.index.rows import (
    FILE_COLUMNS,
    NODE_COLUMNS,
    UNRESOLVED_KEY,
    Derived,
    DocumentRow,
    FileRecord,
    KnownFile,
    MentionRow,
    NodeRow,
    ProblemRow,
    RefRow,
    ReportedRow,
    Subgraph,
    insert_sql,
    path_of,
    path_param,
)
from qcdc_cli.index.schema import BUSY_TIMEOUT_MS, add_lookup_indexes, check_version, configure, explain, migrate

DB_ENV = "QCDC_DB"
DEFAULT_DB = Path(".qcdc") / "index.sqlite"


def resolve_db_path(explicit: Path | None = None) -> Path:
    """Where the index lives: --db, else $QCDC_DB, else ./.qcdc/index.sqlite."""
    if explicit is not None:
        return as_target(explicit)
    env = os.environ.get(DB_ENV)
    if env:
        return as_target(Path(env))
    return DEFAULT_DB


_INSERT_DOCUMENT = insert_sql("documents", DocumentRow, ("file_id", "segment"))
_INSERT_REF = insert_sql("refs", RefRow, ("document_id",))
_INSERT_MENTION = insert_sql("mentions", MentionRow, ("document_id",))
_INSERT_REPORTED = insert_sql("reported_relations", ReportedRow, ("document_id",))
_INSERT_PROBLEM = insert_sql("problems", ProblemRow, ("file_id",))


@dataclass(slots=True)
class Batch:
    """An open batch of transactions (Store.batch)."""

    store: Store
    max_units: int
    max_seconds: float
    started: float
    pending: int = 0
    mark: int = 0  # the caller's count at the last commit that landed
    trying: int = 0  # the caller's count at the commit under way

    def maybe_commit(self, mark: int = 0) -> bool:
        """Commit and begin anew when the batch is full or old enough; whether it did.
        `mark` (the caller's count so far) becomes `self.mark` once the commit landed."""
        import time

        now = time.monotonic()
        if self.pending and (self.pending >= self.max_units or now - self.started >= self.max_seconds):
            self.trying = mark
            self.store.con.execute("COMMIT")
            self.mark = mark
            self.store.con.execute("BEGIN IMMEDIATE")
            self.pending = 0
            self.started = now
            return True
        return False


def on_sqlite(store: object) -> bool:
    """Whether `store` is the embedded SQLite index (not a PgStore): the paths that speak
    SQLite, or count on one writer per index while an ingest holds its lock, ask this."""
    return isinstance(getattr(store, "con", None), sqlite3.Connection)


class Store:
    """A connection to the index. Open with `Store.open_writer` or `Store.open_reader`;
    use as a context manager, which also turns database failures met inside the block
    (disk full, damaged pages, a missing table) into a StoreError saying what to do."""

    def __init__(self, con: sqlite3.Connection, path: Path, writable: bool) -> None:
        self.con = con
        self.path = path
        self.writable = writable
        self._batch: Batch | None = None

    # ---- opening

    @classmethod
    def open_writer(cls, path: Path) -> Store:
        """Open (creating and migrating as needed) the index for writing. An index from a
        newer qcdc is refused before anything, its journal mode included, is changed."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                configure(con)
                check_version(con, path, writing=True)
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise StoreError(f"{path}: cannot switch the index to WAL mode (got {mode})")
                con.execute("PRAGMA synchronous = NORMAL")
                con.execute("PRAGMA cache_size = -65536")  # 64 MB while ingesting (§7.1)
                migrate(con, path)
                add_lookup_indexes(con)
            except BaseException:
                con.close()
                raise
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open the index for writing: {explain(e)}") from None
        except OSError as e:
            raise StoreError(f"{path}: cannot create the index: {e.strerror or e}") from None
        return cls(con, path, writable=True)

    @classmethod
    def open_reader(cls, path: Path) -> Store:
        """Open an existing index read-only, inside one read transaction that lasts until
        `close`: every question asked sees the same committed state, whatever an ingest
        commits meanwhile (WAL keeps that snapshot for us)."""
        if not path.is_file():
            raise StoreError(f"{path}: no index here; run `qcdc ingest FOLDER` first (or pass --db)")
        uri = path.resolve().as_uri()
        try:
            try:
                con = _connect_reader(uri + "?mode=ro")
            except sqlite3.OperationalError as e:
                # a read-only place (mount, CD, another user's folder): WAL readers need to
                # create the -shm file beside it; where nobody can write, nothing changes
                # the file under us, so it can be read as immutable
                if not _cannot_write_beside(path, e):
                    raise
                con = _connect_reader(uri + "?immutable=1")
            try:
                check_version(con, path, writing=False)
            except BaseException:
                con.close()
                raise
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot read the index: {explain(e)}") from None
        return cls(con, path, writable=False)

    def close(self) -> None:
        if not self.writable:
            with suppress(sqlite3.Error):
                self.con.execute("ROLLBACK")  # end the read transaction
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        self.close()
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.IntegrityError):
            raise StoreError(f"{self.path}: {explain(error)}") from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (also KeyboardInterrupt).

        Inside a `batch`, a SAVEPOINT instead: the unit still rolls back alone, and is
        made durable with the rest of the batch."""
        if self._batch is not None:
            self.con.execute("SAVEPOINT unit")
            try:
                yield self.con
            except BaseException:
                with suppress(sqlite3.Error):
                    self.con.execute("ROLLBACK TO unit")
                    self.con.execute("RELEASE unit")
                raise
            self.con.execute("RELEASE unit")
            self._batch.pending += 1
            return
        try:
            self.con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: {explain(e)}") from None
        try:
            yield self.con
        except BaseException:
            with suppress(sqlite3.Error):
                self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    @contextmanager
    def batch(self, max_units: int = 64, max_seconds: float = 0.5) -> Iterator[Batch]:
        """Group the transactions inside into commits of up to `max_units` units or
        `max_seconds`: each file stays whole (its own savepoint), a crash loses at most
        the files of one uncommitted batch (the next run reads them again), and the
        writer spends less time committing, which the workers need on small machines.
        Call `Batch.maybe_commit()` between units."""
        import time

        batch = Batch(self, max_units, max_seconds, time.monotonic())
        self._batch = batch
        try:
            self.con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            self._batch = None
            raise StoreError(f"{self.path}: {explain(e)}") from None
        try:
            yield batch
        except BaseException:
            # Ctrl-C raised as a COMMIT returned (none open now): it landed, its mark holds
            if batch.trying != batch.mark and not self.con.in_transaction:
                batch.mark = batch.trying
            with suppress(sqlite3.Error):
                self.con.execute("ROLLBACK")
            self._batch = None
            raise
        self._batch = None
        self.con.execute("COMMIT")

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Hold the index's ingest lock: one ingest at a time, a second one fails at once.

        An flock on the database file itself, so every name of the index (a symbolic
        link, a hard link, a bind mount) meets the same lock, and the kernel drops it when
        the holder dies, even by SIGKILL. (SQLite's own lock is per transaction; two
        ingests would interleave file by file.) The descriptor is opened once per process
        and never closed: closing any descriptor of a file drops every POSIX lock the
        process holds on it, SQLite's included. Worker processes close their inherited
        copy (`close_inherited_locks`), so an orphaned worker cannot keep the next ingest
        out. The holder's pid is written beside the real path, for the message.
        """
        try:
            import fcntl
        except ImportError:  # Windows: SQLite's busy timeout still keeps the index whole
            yield
            return
        real = os.path.realpath(self.path)
        try:
            fd = _database_fd(real)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot lock the index: {e.strerror or e}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = "unknown"
            with suppress(OSError), open(real + ".lock") as f:
                holder = f.read().strip() or holder
            raise StoreError(
                f"{self.path}: another qcdc ingest is writing to this index (pid {holder}); "
                "wait for it to finish or use another --db"
            ) from None
        try:
            with suppress(OSError), open(real + ".lock", "w") as f:
                f.write(str(os.getpid()))
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    @contextmanager
    def derive_lock(self) -> Iterator[None]:
        """Held around the derive step: a no-op, one ingest at a time already (PgStore: not)."""
        yield

    def ingest_running(self) -> bool:
        """Whether an ingest holds this index's lock now: a stale resolution is then being
        redone, not abandoned. Probed through a descriptor of its own (flock on the one
        `ingest_lock` holds would convert that lock), also never closed."""
        try:
            import fcntl
        except ImportError:
            return False
        try:
            fd = _database_fd(os.path.realpath(self.path), probe=True)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False

    # ---- meta

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as con:
            con.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ---- files

    def known_files(self) -> dict[str, KnownFile]:
        """Every files row by path: what ingest compares a fresh walk against."""
        rows = self.con.execute("SELECT id, size, mtime_ns, sha256, status, extractor, path FROM files").fetchall()
        new = tuple.__new__  # KnownFile is a NamedTuple over the first six columns
        return {(r[6] if type(r[6]) is str else path_of(r[6])): new(KnownFile, r[:6]) for r in rows}

    def known_stats(self, extractor: str) -> tuple[set[tuple[Any, ...]], list[str]]:
        """What a re-ingest compares a walk against without a KnownFile per indexed file
        (building 100,000 of them was a third of an unchanged re-ingest): (path, size,
        mtime_ns) of each file read well by `extractor` (a walked Candidate equal to one
        is unchanged; any other row has None there, or a path not UTF-8, and equals none),
        and every indexed path. `known_files_at` gives the full rows of the others."""
        rows = self.con.execute(
            "SELECT path, size, CASE WHEN status = 'ok' AND extractor IS ? THEN mtime_ns END FROM files",
            (extractor,),
        ).fetchall()
        return set(rows), [r[0] if type(r[0]) is str else path_of(r[0]) for r in rows]

    def known_files_at(self, paths: Iterable[str]) -> dict[str, KnownFile]:
        """`known_files` restricted to `paths` (those indexed)."""
        params = [path_param(p) for p in dict.fromkeys(paths)]
        out: dict[str, KnownFile] = {}
        for i in range(0, len(params), 500):
            chunk = params[i : i + 500]
            for r in self.con.execute(
                "SELECT id, size, mtime_ns, sha256, status, extractor, path FROM files"
                f" WHERE path IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out[path_of(r[6])] = KnownFile(*r[:6])
        return out

    def replace_file(self, record: FileRecord, rows: FileRows | None) -> None:
        """Put one file's outcome in the index in ONE transaction.

        Its old documents, references, mentions and problems go, the new ones come in,
        and the files row (with the content hash) is written last: a crash at any point
        leaves either the old state or the new one, never a mixture.
        """
        with self.transaction() as con:
            file_id = self._upsert_file(con, record)
            con.execute("DELETE FROM documents WHERE file_id = ?", (file_id,))
            con.execute("DELETE FROM problems WHERE file_id = ?", (file_id,))
            if rows is None:
                return
            for doc in rows.documents:
                cur = con.execute(_INSERT_DOCUMENT, (file_id, doc.segment, *doc.document))
                doc_id = cur.lastrowid
                con.executemany(_INSERT_REF, ((doc_id, *r) for r in doc.refs))
                con.executemany(_INSERT_MENTION, ((doc_id, *m) for m in doc.mentions))
                con.executemany(_INSERT_REPORTED, ((doc_id, *r) for r in doc.reported))
            con.executemany(_INSERT_PROBLEM, ((file_id, *p) for p in rows.problems))

    def replace_files(self, items: Sequence[tuple[FileRecord, FileRows | None]]) -> None:
        """`replace_file` for each of several files, as ONE unit written with a few
        statements (index.bulk): what the single writer of a large ingest needs."""
        if len({record.path for record, _ in items}) < len(items):  # a path twice: in turn
            for record, rows in items:
                self.replace_file(record, rows)
            return
        with self.transaction() as con:
            write_files(con, items)

    def update_stat(self, path: str, size: int, mtime_ns: int) -> None:
        """Same content under a new mtime: remember the new stat, keep the extraction."""
        with self.transaction() as con:
            con.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path_param(path)))

    def remove_files(self, paths: Iterable[str]) -> int:
        """Forget files (and everything read from them); returns how many were known."""
        removed = 0
        with self.transaction() as con:
            for path in paths:
                removed += con.execute("DELETE FROM files WHERE path = ?", (path_param(path),)).rowcount
        return removed

    @staticmethod
    def _upsert_file(con: sqlite3.Connection, r: FileRecord) -> int:
        row = con.execute(
            f"INSERT INTO files({FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,"
            " sha256 = excluded.sha256, encoding = excluded.encoding, status = excluded.status,"
            " error = excluded.error, extractor = excluded.extractor,"
            " ingested_at = excluded.ingested_at"
            " RETURNING id",
            r.row(),
        ).fetchone()
        return int(row[0])

    def load_corpus(self) -> tuple[StoredCorpus, Quotes]:
        """Every readable file rebuilt as an Extraction (index.corpus.load_corpus)."""
        return load_corpus(self.con)

    # ---- whole-index questions (index.queries)

    def totals(self) -> queries.Totals:
        return _queries().totals(self.con)

    def unresolved_count(self) -> int:
        return _queries().unresolved_count(self.con)

    def stats(self) -> queries.Stats:
        return _queries().stats(self.con, stale=self.derived_state()[0])

    def unresolved(self, limit: int | None = None, citers: int | None = None) -> list[queries.UnresolvedDocument]:
        return _queries().unresolved(self.con, limit, citers)

    # ---- derived: what resolution makes of the whole corpus

    def mark_stale(self) -> None:
        """The files are about to change: nodes and resolutions no longer follow them."""
        self.set_meta("derived_stale", "1")

    def derived_state(self) -> tuple[bool, str | None]:
        """(stale, key of what derived them): whether `derive` must run again."""
        return self.get_meta("derived_stale") != "0", self.get_meta("derived_key")

    def replace_derived(self, derived: Derived, key: str) -> None:
        """Swap in a whole new derivation in one transaction: readers see the old one or
        the new one, never half of each."""
        with self.transaction() as con:
            write_derived(con, derived)
            con.execute("DELETE FROM meta WHERE key = ?", (UNRESOLVED_KEY,))
            for k, v in (("derived_key", key), ("derived_stale", "0")):
                con.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (k, v),
                )

    # ---- the lineage graph, a piece at a time

    def _nodes(self, where: str, args: Iterable[object] = ()) -> list[NodeRow]:
        return [NodeRow(*r) for r in self.con.execute(f"SELECT {NODE_COLUMNS} FROM nodes WHERE {where}", tuple(args))]

    def nodes_for_keys(self, keys: Iterable[str]) -> list[NodeRow]:
        """Nodes whose number or alias has one of these loose keys."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        return self._nodes(f"id IN (SELECT id FROM node_keys WHERE key IN ({marks})) ORDER BY id", keys)

    def nodes_by_id(self, ids: Iterable[str]) -> list[NodeRow]:
        self._select(ids)
        return self._nodes("id IN (SELECT id FROM temp.sel) ORDER BY id")

    def numberless_nodes(self) -> list[NodeRow]:
        """Documents with no number of their own ("file:PATH" ids)."""
        return self._nodes("number IS NULL ORDER BY id")

    def keys_with_prefix(self, prefix: str, limit: int = 200) -> list[str]:
        """Loose keys starting with `prefix` ("62-" -> "62-KH/TU", "62-NQ/TW"...): the
        neighbourhood "did you mean" searches when a typed number matches nothing."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT key FROM node_keys WHERE key >= ? AND key < ? ORDER BY key LIMIT ?",
                (prefix, prefix + "\uffff", limit),
            )
        ]

    def reach(self, start: str, direction: str, depth: int | None = None) -> set[str]:
        """Every node above (`up`: what it cites, transitively) or below (`down`: what
        cites it) `start`, itself included, at most `depth` links away: a recursive query
        over the links table, so only what is reached is read."""
        near, far = ("source", "target") if direction == "up" else ("target", "source")
        if depth is None:
            sql = (
                f"WITH RECURSIVE r(id) AS (VALUES (?) UNION SELECT l.{far} FROM links l JOIN r ON l.{near} = r.id)"
                " SELECT id FROM r"
            )
            return {row[0] for row in self.con.execute(sql, (start,))}
        sql = (
            f"WITH RECURSIVE r(id, d) AS (VALUES (?, 0) UNION SELECT l.{far}, r.d + 1 FROM links l"
            f" JOIN r ON l.{near} = r.id WHERE r.d < ?) SELECT DISTINCT id FROM r"
        )
        return {row[0] for row in self.con.execute(sql, (start, depth))}

    def all_node_ids(self) -> set[str]:
        return {row[0] for row in self.con.execute("SELECT id FROM nodes")}

    def neighbours(self, ident: str) -> set[str]:
        """`ident` and the documents one link away, either way."""
        rows = self.con.execute(
            "SELECT target FROM links WHERE source = ? UNION SELECT source FROM links WHERE target = ?",
            (ident, ident),
        )
        return {ident} | {row[0] for row in rows}

    def subgraph_rows(
        self,
        ids: Iterable[str],
        about: Iterable[str] = (),
        elided: Elided | None = None,
        evidence: bool = True,
        star: str | None = None,
    ) -> Subgraph:
        """The nodes `ids`, the links among them with their evidence, the issues their
        citations raise (and, for the documents `about`, the issues anyone raises about
        them: how `show` says a document is cited wrongly) and the speakers of the files
        their evidence quotes (index.lean.read_subgraph)."""
        return read_subgraph(self, ids, about, elided, evidence, star)

    def _select(self, ids: Iterable[str], table: str = "sel") -> None:
        """Fill a temporary table with ids: joins against it beat long IN (...) lists."""
        self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table}(id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.con.execute(f"DELETE FROM temp.{table}")
        self.con.executemany(f"INSERT OR IGNORE INTO temp.{table}(id) VALUES (?)", ((i,) for i in ids))


def _queries() -> Any:
    from qcdc_cli.index import queries  # imported only when asked: not by a trace

    return queries


# (device, inode, probe) -> a descriptor of that database, for the ingest lock; never closed
_DATABASE_FDS: dict[tuple[int, int, bool], int] = {}


def _database_fd(real: str, probe: bool = False) -> int:
    st = os.stat(real)
    key = (st.st_dev, st.st_ino, probe)
    return _DATABASE_FDS[key] if key in _DATABASE_FDS else _DATABASE_FDS.setdefault(key, os.open(real, os.O_RDONLY))


def close_inherited_locks() -> None:
    """In a forked worker: drop the parent's lock descriptors (the parent's lock stays)."""
    for fd in _DATABASE_FDS.values():
        with suppress(OSError):
            os.close(fd)
    _DATABASE_FDS.clear()


def _connect_reader(uri: str) -> sqlite3.Connection:
    con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        configure(con)
        # temporary tables (Store._select) and the queues of recursive queries (reach)
        # in memory: a hub's subtree is ~100,000 ids, and on disk they cost twice as much
        con.execute("PRAGMA temp_store = MEMORY")
        _begin_read(con)
    except BaseException:
        con.close()
        raise
    return con


def _begin_read(con: sqlite3.Connection) -> None:
    con.execute("BEGIN")
    con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here


def _cannot_write_beside(path: Path, e: sqlite3.OperationalError) -> bool:
    """Whether opening failed because nothing can be written beside the index."""
    message = str(e)
    if "unable to open" not in message and "readonly" not in message:
        return False
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK):
        return True
    with suppress(OSError):
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    return False


if TYPE_CHECKING:
    from qcdc_cli.index import queries
    from qcdc_cli.index.api import IndexWriter

    def _implements_the_interface(store: Store) -> IndexWriter:
        return store  # mypy checks Store against the interface of index.api
