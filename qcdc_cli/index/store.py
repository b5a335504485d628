"""The index: an embedded SQLite database of every file ingested and what it says.

The only module that speaks SQL. Why SQLite, and why these settings, is measured in
../shared/research/ecosystem-perf.md §7:

- WAL + synchronous=NORMAL: per-file transactions cost about as much as one big
  transaction, a process killed with SIGKILL never leaves a half-written file (the next
  connection rolls the WAL back to the last commit), and readers never block the writer.
- One writer at a time: `qcdc ingest` takes an exclusive lock file beside the database
  (released by the kernel if the process dies), so a second ingest fails at once with a
  message instead of interleaving; other writers wait up to `busy_timeout`.
- Readers open the file read-only (`mode=ro`), so `qcdc stats` can run during an ingest.

Location: `--db FILE`, else `$QCDC_DB`, else `./.qcdc/index.sqlite`.

Schema: `PRAGMA user_version` holds the schema version; `_MIGRATIONS[i]` takes a
database from version i to i + 1, so opening an older index for writing upgrades it in
one transaction, and an index written by a newer qcdc is refused rather than damaged.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcdc_cli.errors import StoreError
from qcdc_cli.models import Extraction, relation_rank

if TYPE_CHECKING:
    from qcdc_cli.resolve.resolve import Known

DB_ENV = "QCDC_DB"
DEFAULT_DB = Path(".qcdc") / "index.sqlite"
BUSY_TIMEOUT_MS = 5000
EVIDENCE_CHARS = 300  # longest line of text kept as a mention's evidence


def resolve_db_path(explicit: Path | None = None) -> Path:
    """Where the index lives: --db, else $QCDC_DB, else ./.qcdc/index.sqlite."""
    if explicit is not None:
        return explicit
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return DEFAULT_DB


# ---------------------------------------------------------------------------------------
# schema

_V1 = """
CREATE TABLE meta(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per file seen under an ingested folder, readable or not.
CREATE TABLE files(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,      -- absolute path as walked (symlinks not resolved)
    size INTEGER,
    mtime_ns INTEGER,
    sha256 TEXT,                    -- of the bytes read; NULL when they could not be read
    encoding TEXT,                  -- "utf-8", "utf-16", "cp1258" ...
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error TEXT,                     -- why it failed: "empty file", "permission denied" ...
    extractor TEXT,                 -- qcdc version + vocabulary that produced the rows
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One row per document inside a file (segment 0 is the main one).
CREATE TABLE documents(
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    segment INTEGER NOT NULL,
    number TEXT,                    -- canonical own number; NULL when it has none
    system TEXT,
    type TEXT,
    type_name TEXT,
    issuer_code TEXT,
    issuer TEXT,
    level TEXT,                     -- central / province / district / commune (registry)
    province TEXT,
    date TEXT,                      -- ISO
    place TEXT,
    title TEXT,
    line INTEGER,                   -- line of the own number
    start_line INTEGER,
    UNIQUE (file_id, segment)
);
CREATE INDEX documents_number ON documents(number);

-- One row per (citing document, cited canonical number).
CREATE TABLE refs(
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    system TEXT,
    type TEXT,
    issuer_code TEXT,
    year INTEGER,
    relation TEXT NOT NULL,         -- strongest over the mentions
    date TEXT,
    issuer TEXT,
    malformed INTEGER NOT NULL DEFAULT 0,
    suggestion TEXT,
    PRIMARY KEY (document_id, number)
) WITHOUT ROWID;
CREATE INDEX refs_number ON refs(number);

-- Every place a number is written, with the line it sits on as evidence.
CREATE TABLE mentions(
    document_id INTEGER NOT NULL,
    number TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    as_written TEXT NOT NULL,
    relation TEXT NOT NULL,
    cue TEXT,
    date TEXT,
    type_word TEXT,
    issuer TEXT,
    term TEXT,
    malformed INTEGER NOT NULL DEFAULT 0,
    suggestion TEXT,
    evidence TEXT,
    FOREIGN KEY (document_id, number) REFERENCES refs(document_id, number) ON DELETE CASCADE
);
CREATE INDEX mentions_ref ON mentions(document_id, number);

-- "Kế hoạch 26-KH/TU ... thực hiện Kết luận 120-KL/TW": relations between two others.
CREATE TABLE reported_relations(
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    relation TEXT NOT NULL,
    target TEXT NOT NULL,
    line INTEGER NOT NULL,
    cue TEXT,
    text TEXT NOT NULL
);
CREATE INDEX reported_relations_document ON reported_relations(document_id);

CREATE TABLE problems(
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    line INTEGER
);
CREATE INDEX problems_file ON problems(file_id);
"""

# v2: what resolution derives from the whole corpus. Rewritten as a whole, in one
# transaction, after an ingest changed anything (meta 'derived_stale' says when a killed
# ingest left them behind the files).
_V2 = """
-- Every document the registry and the corpus know, and those known only because cited:
-- resolve.Known, whole, so `show` and `trace` rebuild what they need without the corpus.
CREATE TABLE nodes(
    id TEXT PRIMARY KEY,            -- scoped identity, see resolve.py: "62-KH/TU@Huế"
    number TEXT,
    system TEXT,
    type TEXT,
    issuer_code TEXT,
    issuer TEXT,
    province TEXT,
    district TEXT,
    date TEXT,
    term TEXT,
    title TEXT,
    type_name TEXT,
    origin TEXT NOT NULL,           -- registry / corpus / cited
    registry_id TEXT,
    status TEXT,
    valid_from TEXT,
    valid_until TEXT,
    confidence TEXT,
    paths TEXT NOT NULL,            -- the files it was read from, one per line
    line INTEGER,
    segment INTEGER NOT NULL,
    aliases TEXT NOT NULL,          -- other spellings of its number (registry), one per line
    document_id INTEGER             -- its documents row, when read from the corpus
) WITHOUT ROWID;
CREATE INDEX nodes_document ON nodes(document_id);
CREATE INDEX nodes_province ON nodes(province);

-- Lookup keys (resolve.loose of the number and of each alias) -> node: what a user types.
CREATE TABLE node_keys(
    key TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (key, id)
) WITHOUT ROWID;

-- The lineage graph (graph.build_graph): citing -> cited, strongest relation.
CREATE TABLE links(
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    relation TEXT NOT NULL,
    PRIMARY KEY (source, target)
) WITHOUT ROWID;
CREATE INDEX links_target ON links(target, source);

CREATE TABLE evidence(
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    seq INTEGER NOT NULL,
    path TEXT,
    line INTEGER,
    text TEXT,
    registry TEXT,
    PRIMARY KEY (source, target, seq)
) WITHOUT ROWID;

-- graph.Issue: discrepancies and ambiguities in how documents are cited.
CREATE TABLE issues(
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    number TEXT NOT NULL,
    message TEXT NOT NULL,
    target TEXT,
    candidates TEXT NOT NULL,       -- one id per line
    path TEXT,
    line INTEGER,
    text TEXT,
    registry TEXT
);
CREATE INDEX issues_source ON issues(source);
CREATE INDEX issues_target ON issues(target);

-- Which document of a file says what, from which line (a file can hold two).
CREATE TABLE speakers(
    path TEXT NOT NULL,
    first_line INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (path, first_line, id)
) WITHOUT ROWID;

-- What each stored reference resolves to, in the context of the document citing it.
CREATE TABLE resolutions(
    document_id INTEGER NOT NULL,   -- the citing document
    number TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'unknown')),
    target TEXT,                    -- nodes.id; for 'unknown', the node known only as cited
    candidates TEXT,                -- 'ambiguous': the node ids it could be, one per line
    PRIMARY KEY (document_id, number)
) WITHOUT ROWID;
CREATE INDEX resolutions_target ON resolutions(target);
"""

# _MIGRATIONS[i] upgrades a database at user_version i to i + 1.
_MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(_MIGRATIONS)


def _configure(con: sqlite3.Connection) -> None:
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")


def _migrate(con: sqlite3.Connection, path: Path) -> None:
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: index schema version {version} is newer than this qcdc knows "
            f"({SCHEMA_VERSION}); upgrade qcdc or use another --db"
        )
    if version == SCHEMA_VERSION:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        # re-read inside the write lock: another process may have migrated meanwhile
        version = con.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(_MIGRATIONS[step]):
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {step + 1}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """Split a migration script; executescript() would COMMIT our transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise AssertionError(f"incomplete SQL in a migration: {buffer!r}")


# ---------------------------------------------------------------------------------------
# rows: an Extraction flattened into tuples in the column order of the INSERTs below.
# Built in the worker processes (pure, no SQL), so the single writer only inserts.


@dataclass(slots=True)
class DocumentRows:
    segment: int
    document: tuple[Any, ...]  # the columns of _INSERT_DOCUMENT after file_id, segment
    refs: list[tuple[Any, ...]] = field(default_factory=list)  # _INSERT_REF after document_id
    mentions: list[tuple[Any, ...]] = field(default_factory=list)
    reported: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(slots=True)
class FileRows:
    documents: list[DocumentRows]
    problems: list[tuple[Any, ...]]  # (code, message, line)


NODE_COLUMNS = (
    "id, number, system, type, issuer_code, issuer, province, district, date, term, title, type_name, origin,"
    " registry_id, status, valid_from, valid_until, confidence, paths, line, segment, aliases, document_id"
)
_COLUMNS = {
    "nodes": NODE_COLUMNS,
    "node_keys": "key, id",
    "links": "source, target, relation",
    "evidence": "source, target, seq, path, line, text, registry",
    "issues": "kind, source, number, message, target, candidates, path, line, text, registry",
    "speakers": "path, first_line, id",
    "resolutions": "document_id, number, status, target, candidates",
}


@dataclass(slots=True)
class Derived:
    """Rows of the derived tables, in the column order of _COLUMNS."""

    nodes: list[tuple[Any, ...]] = field(default_factory=list)
    node_keys: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    evidence: list[tuple[Any, ...]] = field(default_factory=list)
    issues: list[tuple[Any, ...]] = field(default_factory=list)
    speakers: list[tuple[Any, ...]] = field(default_factory=list)
    resolutions: list[tuple[Any, ...]] = field(default_factory=list)


def known_row(k: Known, document_id: int | None) -> tuple[Any, ...]:
    """A resolve.Known as a nodes row (NODE_COLUMNS order)."""
    return (
        k.id,
        k.number,
        k.system,
        k.type,
        k.issuer_code,
        k.issuer,
        k.province,
        k.district,
        k.date,
        k.term,
        k.title,
        k.type_name,
        k.origin,
        k.registry_id,
        k.status,
        k.valid_from,
        k.valid_until,
        k.confidence,
        "\n".join(k.paths),
        k.line,
        k.segment,
        "\n".join(k.aliases),
        document_id,
    )


def known_from_row(row: Sequence[Any]) -> Known:
    """A nodes row back into the resolve.Known it was written from."""
    from qcdc_cli.resolve.resolve import Known

    return Known(
        number=row[1],
        system=row[2],
        type=row[3],
        issuer_code=row[4],
        issuer=row[5],
        province=row[6],
        district=row[7],
        date=row[8],
        term=row[9],
        title=row[10],
        type_name=row[11],
        origin=row[12],
        registry_id=row[13],
        status=row[14],
        valid_from=row[15],
        valid_until=row[16],
        confidence=row[17],
        paths=row[18].split("\n") if row[18] else [],
        line=row[19],
        segment=row[20],
        aliases=tuple(row[21].split("\n")) if row[21] else (),
        id=row[0],
    )


@dataclass(slots=True)
class FileRecord:
    """What the files table says about one path."""

    path: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None = None
    encoding: str | None = None
    status: str = "ok"  # "ok" | "failed"
    error: str | None = None
    extractor: str | None = None


def _evidence(text: str, start: int) -> str:
    """The line holding offset `start`, trimmed, at most EVIDENCE_CHARS around it."""
    if not 0 <= start <= len(text):
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    if line_end - line_start > EVIDENCE_CHARS:
        half = EVIDENCE_CHARS // 2
        line_start = max(line_start, start - half)
        line_end = min(line_end, line_start + EVIDENCE_CHARS)
    return text[line_start:line_end].strip()


def file_rows(extraction: Extraction, text: str, level_of: Callable[[str | None], str | None]) -> FileRows:
    """Flatten one file's extraction into rows: one document per document the file holds.

    The split into documents is resolve.split_units (a pasted 120-KL/TW after a plan's
    signature is a document of its own, with its own citations), so the index and an
    in-memory catalog agree on what a document is. `level_of(issuer_code)` gives the tier
    of the issuing body from the registry.
    """
    from qcdc_cli.resolve.resolve import split_units

    segments = extraction.segments
    docs: list[DocumentRows] = []
    for unit in split_units("", extraction):
        me = unit.info
        start_line = segments[unit.segment].start_line if unit.segment < len(segments) else 1
        row = DocumentRows(
            unit.segment,
            (
                me.number,
                me.system,
                me.type,
                me.type_name,
                me.issuer_code,
                me.issuer,
                level_of(me.issuer_code),
                me.province,
                me.date,
                me.place,
                me.title,
                me.line,
                start_line,
            ),
        )
        refs: dict[str, tuple[Any, ...]] = {}
        for ref in unit.references:
            earlier = refs.get(ref.number)
            # one row per (document, number), even if extraction ever repeats a number
            if earlier is None or relation_rank(ref.relation) < relation_rank(earlier[5]):
                refs[ref.number] = (
                    ref.number,
                    ref.system,
                    ref.type,
                    ref.issuer_code,
                    ref.year,
                    ref.relation,
                    ref.date,
                    ref.issuer,
                    int(ref.malformed),
                    ref.suggestion,
                )
            row.mentions.extend(
                (
                    ref.number,
                    m.line,
                    m.column,
                    m.start,
                    m.end,
                    m.as_written,
                    m.relation,
                    m.cue,
                    m.date,
                    m.type_word,
                    m.issuer,
                    m.term,
                    int(m.malformed),
                    m.suggestion,
                    _evidence(text, m.start),
                )
                for m in ref.mentions
            )
        row.refs = list(refs.values())
        row.reported = [(r.source, r.relation, r.target, r.line, r.cue, r.text) for r in unit.reported]
        docs.append(row)
    problems = [(p.code, p.message, p.line) for p in extraction.problems]
    return FileRows(documents=docs, problems=problems)


# ---------------------------------------------------------------------------------------
# the store

_INSERT_DOCUMENT = (
    "INSERT INTO documents(file_id, segment, number, system, type, type_name, issuer_code,"
    " issuer, level, province, date, place, title, line, start_line)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_REF = (
    "INSERT INTO refs(document_id, number, system, type, issuer_code, year, relation, date,"
    " issuer, malformed, suggestion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_MENTION = (
    "INSERT INTO mentions(document_id, number, line, col, start, end, as_written, relation,"
    " cue, date, type_word, issuer, term, malformed, suggestion, evidence)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_REPORTED = (
    "INSERT INTO reported_relations(document_id, source, relation, target, line, cue, text)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_PROBLEM = "INSERT INTO problems(file_id, code, message, line) VALUES (?, ?, ?, ?)"


@dataclass(slots=True)
class Batch:
    """An open batch of transactions (Store.batch)."""

    store: Store
    max_units: int
    max_seconds: float
    started: float
    pending: int = 0

    def maybe_commit(self) -> None:
        """Commit and begin anew when the batch is full or old enough."""
        import time

        now = time.monotonic()
        if self.pending and (self.pending >= self.max_units or now - self.started >= self.max_seconds):
            self.store.con.execute("COMMIT")
            self.store.con.execute("BEGIN IMMEDIATE")
            self.pending = 0
            self.started = now


@dataclass(frozen=True, slots=True)
class KnownFile:
    """A files row, as ingest needs it to decide whether to read the file again."""

    id: int
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    extractor: str | None


class Store:
    """A connection to the index. Open with `Store.open_writer` or `Store.open_reader`."""

    def __init__(self, con: sqlite3.Connection, path: Path, writable: bool) -> None:
        self.con = con
        self.path = path
        self.writable = writable
        self._batch: Batch | None = None

    # ---- opening

    @classmethod
    def open_writer(cls, path: Path) -> Store:
        """Open (creating and migrating as needed) the index for writing."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            _configure(con)
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{path}: cannot switch the index to WAL mode (got {mode})")
            con.execute("PRAGMA synchronous = NORMAL")
            con.execute("PRAGMA cache_size = -65536")  # 64 MB while ingesting (§7.1)
            _migrate(con, path)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open the index for writing: {_explain(e)}") from None
        except OSError as e:
            raise StoreError(f"{path}: cannot create the index: {e.strerror or e}") from None
        return cls(con, path, writable=True)

    @classmethod
    def open_reader(cls, path: Path) -> Store:
        """Open an existing index read-only; works while an ingest is writing (WAL)."""
        if not path.is_file():
            raise StoreError(f"{path}: no index here; run `qcdc ingest FOLDER` first (or pass --db)")
        uri = path.resolve().as_uri() + "?mode=ro"
        try:
            con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            _configure(con)
            # temporary tables (Store._select) and the queues of recursive queries (reach)
            # in memory: a hub's subtree is ~100,000 ids, and on disk they cost twice as much
            con.execute("PRAGMA temp_store = MEMORY")
            version = con.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot read the index: {_explain(e)}") from None
        if version != SCHEMA_VERSION:
            con.close()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path}: index schema version {version} is newer than this qcdc knows "
                    f"({SCHEMA_VERSION}); upgrade qcdc"
                )
            raise StoreError(
                f"{path}: index schema version {version} is older than {SCHEMA_VERSION}; "
                "run `qcdc ingest` once to upgrade it"
            )
        return cls(con, path, writable=False)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            raise StoreError(f"{self.path}: {_explain(e)}") from None
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
            raise StoreError(f"{self.path}: {_explain(e)}") from None
        try:
            yield batch
        except BaseException:
            with suppress(sqlite3.Error):
                self.con.execute("ROLLBACK")
            self._batch = None
            raise
        self._batch = None
        self.con.execute("COMMIT")

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Hold the index's ingest lock: one ingest at a time, a second one fails at once.

        A lock file beside the database, locked with a POSIX record lock (lockf): the
        kernel drops it when the holder dies, even by SIGKILL, and unlike flock it is not
        shared with forked worker processes, so a worker orphaned by a killed ingest
        cannot keep the next ingest out. (SQLite's own lock is per transaction; two
        ingests would interleave file by file.)
        """
        try:
            import fcntl
        except ImportError:  # Windows: SQLite's busy timeout still keeps the index whole
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+") as lock:
            try:
                fcntl.lockf(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.seek(0)
                holder = lock.read().strip() or "unknown"
                raise StoreError(
                    f"{self.path}: another qcdc ingest is writing to this index (pid {holder}); "
                    "wait for it to finish or use another --db"
                ) from None
            try:
                lock.truncate(0)
                lock.write(str(os.getpid()))
                lock.flush()
                yield
            finally:
                fcntl.lockf(lock.fileno(), fcntl.LOCK_UN)

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
        rows = self.con.execute("SELECT path, id, size, mtime_ns, sha256, status, extractor FROM files")
        return {r[0]: KnownFile(*r[1:]) for r in rows}

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

    def update_stat(self, path: str, size: int, mtime_ns: int) -> None:
        """Same content under a new mtime: remember the new stat, keep the extraction."""
        with self.transaction() as con:
            con.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path))

    def remove_files(self, paths: Iterable[str]) -> int:
        """Forget files (and everything read from them); returns how many were known."""
        removed = 0
        with self.transaction() as con:
            for path in paths:
                removed += con.execute("DELETE FROM files WHERE path = ?", (path,)).rowcount
        return removed

    @staticmethod
    def _upsert_file(con: sqlite3.Connection, r: FileRecord) -> int:
        row = con.execute(
            "INSERT INTO files(path, size, mtime_ns, sha256, encoding, status, error, extractor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,"
            " sha256 = excluded.sha256, encoding = excluded.encoding, status = excluded.status,"
            " error = excluded.error, extractor = excluded.extractor,"
            " ingested_at = excluded.ingested_at"
            " RETURNING id",
            (r.path, r.size, r.mtime_ns, r.sha256, r.encoding, r.status, r.error, r.extractor),
        ).fetchone()
        return int(row[0])

    # ---- whole-index questions

    def totals(self) -> dict[str, int]:
        """Counts for the ingest summary and `qcdc stats`."""
        q = self.con.execute
        return {
            "files": q("SELECT count(*) FROM files").fetchone()[0],
            "failed": q("SELECT count(*) FROM files WHERE status = 'failed'").fetchone()[0],
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "references": q("SELECT count(*) FROM refs").fetchone()[0],
            "mentions": q("SELECT count(*) FROM mentions").fetchone()[0],
        }

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
        tables = (
            ("nodes", derived.nodes),
            ("node_keys", derived.node_keys),
            ("links", derived.links),
            ("evidence", derived.evidence),
            ("issues", derived.issues),
            ("speakers", derived.speakers),
            ("resolutions", derived.resolutions),
        )
        with self.transaction() as con:
            for table, rows in tables:
                con.execute(f"DELETE FROM {table}")
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    con.executemany(f"INSERT INTO {table}({_COLUMNS[table]}) VALUES ({marks})", rows)
            for k, v in (("derived_key", key), ("derived_stale", "0")):
                con.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (k, v),
                )

    # ---- the lineage graph, a piece at a time

    def nodes_for_keys(self, keys: Iterable[str]) -> list[tuple[Any, ...]]:
        """Node rows (NODE_COLUMNS) whose number or alias has one of these loose keys."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        return self.con.execute(
            f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN (SELECT id FROM node_keys WHERE key IN ({marks}))"
            " ORDER BY id",
            keys,
        ).fetchall()

    def nodes_by_id(self, ids: Iterable[str]) -> list[tuple[Any, ...]]:
        self._select(ids)
        return self.con.execute(
            f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN (SELECT id FROM temp.sel) ORDER BY id"
        ).fetchall()

    def numberless_nodes(self) -> list[tuple[Any, ...]]:
        """Documents with no number of their own ("file:PATH" ids)."""
        return self.con.execute(f"SELECT {NODE_COLUMNS} FROM nodes WHERE number IS NULL ORDER BY id").fetchall()

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

    def subgraph_rows(self, ids: Iterable[str], about: Iterable[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
        """The nodes `ids`, the links among them with their evidence, the issues their
        citations raise (and, for the documents `about`, the issues anyone raises about
        them: how `show` says a document is cited wrongly) and the speakers of the files
        their evidence quotes."""
        about = list(about)
        self._select(ids)
        q = self.con.execute
        # from each selected source along its primary key, then keep selected targets: with a
        # plain "source IN sel AND target IN sel" SQLite looks up every pair of ids (6 s for
        # 5,000 ids); EXISTS keeps the target test out of the index lookup (20 ms)
        inside = (
            "FROM temp.sel a CROSS JOIN {0} x ON x.source = a.id"
            " WHERE EXISTS (SELECT 1 FROM temp.sel b WHERE b.id = x.target)"
        )
        evidence = q(
            "SELECT x.source, x.target, x.path, x.line, x.text, x.registry "
            + inside.format("evidence")
            + " ORDER BY a.id, x.target, x.seq"  # a.id = x.source: the scan order, no sort
        ).fetchall()
        paths = sorted({row[2] for row in evidence if row[2]})
        # what the documents shown say; not every issue any document raises about a hub
        # like 30-CT/TW (thousands in a national corpus)
        issues = q(
            "SELECT kind, source, number, message, target, candidates, path, line, text, registry FROM issues"
            " WHERE source IN (SELECT id FROM temp.sel)"
            f" OR target IN ({', '.join('?' * len(about))}) ORDER BY seq",
            about,
        ).fetchall()
        paths += sorted({row[6] for row in issues if row[6]})
        self._select(paths, table="selp")
        return {
            "nodes": q(
                f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN (SELECT id FROM temp.sel) ORDER BY id"
            ).fetchall(),
            "links": q(
                "SELECT x.source, x.target, x.relation " + inside.format("links") + " ORDER BY a.id, x.target"
            ).fetchall(),
            "evidence": evidence,
            "issues": issues,
            "speakers": q(
                "SELECT path, first_line, id FROM speakers WHERE path IN (SELECT id FROM temp.selp)"
                " ORDER BY path, first_line"
            ).fetchall(),
        }

    def _select(self, ids: Iterable[str], table: str = "sel") -> None:
        """Fill a temporary table with ids: joins against it beat long IN (...) lists."""
        self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table}(id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.con.execute(f"DELETE FROM temp.{table}")
        self.con.executemany(f"INSERT OR IGNORE INTO temp.{table}(id) VALUES (?)", ((i,) for i in ids))

    def unresolved_count(self) -> int:
        """Documents cited but neither in the corpus nor in the registry (scoped ids)."""
        return self.con.execute(
            "SELECT count(DISTINCT coalesce(target, '#' || number)) FROM resolutions WHERE status = 'unknown'"
        ).fetchone()[0]

    def stats(self) -> dict[str, Any]:
        """Counts across the corpus: documents by type, level, province and year; references
        by what resolution made of them; files by status and encoding."""
        q = self.con.execute

        def grouped(sql: str) -> list[tuple[str | None, int]]:
            return [(k, n) for k, n in q(sql).fetchall()]

        by = "SELECT {0}, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"
        matches = dict(
            q(
                "SELECT coalesce(x.status, 'unresolved'), count(*) FROM refs r"
                " LEFT JOIN resolutions x ON x.document_id = r.document_id AND x.number = r.number GROUP BY 1"
            ).fetchall()
        )
        stale, _ = self.derived_state()
        return {
            "totals": self.totals(),
            "documents": {
                "by_type": grouped(by.format("type")),
                "by_level": grouped(by.format("level")),
                "by_province": grouped(by.format("province")),
                "by_year": grouped("SELECT substr(date, 1, 4), count(*) FROM documents GROUP BY 1 ORDER BY 1"),
                "without_number": q("SELECT count(*) FROM documents WHERE number IS NULL").fetchone()[0],
            },
            "references": {
                "resolved": matches.get("resolved", 0),
                "ambiguous": matches.get("ambiguous", 0),
                "unknown": matches.get("unknown", 0),
                "not_resolved_yet": matches.get("unresolved", 0),
                "by_relation": grouped("SELECT relation, count(*) FROM refs GROUP BY 1 ORDER BY 2 DESC, 1"),
            },
            "files": {
                "by_status": grouped("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 1"),
                "by_encoding": grouped(
                    "SELECT encoding, count(*) FROM files WHERE status = 'ok' GROUP BY 1 ORDER BY 2 DESC, 1"
                ),
            },
            "stale": stale,
        }

    def unresolved(self, limit: int | None = None, citers: int | None = None) -> list[dict[str, Any]]:
        """Documents cited but neither in the corpus nor in the registry, most cited first.

        One entry per scoped identity ("62-KH/TU@Hà Tĩnh", not every 62-KH/TU), with the
        documents citing it; `citers` caps how many are listed (None: all), the count is
        always complete. This is the list of what to collect next.
        """
        rows = self.con.execute(
            "SELECT coalesce(x.target, '#' || x.number) AS k, x.target, min(x.number), count(*) AS n"
            " FROM resolutions x WHERE x.status = 'unknown' GROUP BY k ORDER BY n DESC, k LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        out = []
        for _key, target, number, count in rows:
            where, arg = ("x.target = ?", target) if target else ("x.target IS NULL AND x.number = ?", number)
            cited_by = self.con.execute(
                "SELECT d.number, d.province, d.date, r.relation, f.path, d.segment, n.id"
                " FROM resolutions x JOIN refs r ON r.document_id = x.document_id AND r.number = x.number"
                " JOIN documents d ON d.id = x.document_id JOIN files f ON f.id = d.file_id"
                " LEFT JOIN nodes n ON n.document_id = d.id"
                f" WHERE x.status = 'unknown' AND {where}"
                " ORDER BY d.date IS NULL, d.date, f.path, d.segment LIMIT ?",
                (arg, -1 if citers is None else citers),
            ).fetchall()
            relations = dict(
                self.con.execute(
                    "SELECT r.relation, count(*) FROM resolutions x"
                    " JOIN refs r ON r.document_id = x.document_id AND r.number = x.number"
                    f" WHERE x.status = 'unknown' AND {where} GROUP BY 1 ORDER BY 2 DESC, 1",
                    (arg,),
                ).fetchall()
            )
            node = self.con.execute("SELECT province, date, issuer FROM nodes WHERE id = ?", (target,)).fetchone() or (
                None,
                None,
                None,
            )
            out.append(
                {
                    "id": target,
                    "number": number,
                    "province": node[0],
                    "date": node[1],
                    "issuer": node[2],
                    "cited_by_count": count,
                    "relations": relations,
                    "cited_by": [
                        {
                            "id": c[6],
                            "number": c[0],
                            "province": c[1],
                            "date": c[2],
                            "relation": c[3],
                            "path": c[4],
                            "segment": c[5],
                        }
                        for c in cited_by
                    ],
                }
            )
        return out

    def load_corpus(self) -> tuple[list[tuple[str, Extraction, list[int]]], dict[tuple[str, int], str]]:
        """Every readable file as (path, Extraction, document ids by segment), rebuilt from
        the rows, and the line each mention stands in ((path, start) -> text): what
        resolution and graph.build_graph need, without reading a file again.

        Each stored document becomes a segment, and its references carry their mentions
        with that segment, so resolve.split_units gives back the same documents."""
        from qcdc_cli.models import Mention, Reference, ReportedRelation, Segment, SelfInfo

        q = self.con.execute
        files: dict[int, tuple[str, Extraction, list[int]]] = {}
        doc_of: dict[int, tuple[Extraction, int, str]] = {}
        quotes: dict[tuple[str, int], str] = {}
        rows = q(
            "SELECT d.id, d.file_id, f.path, d.segment, d.number, d.system, d.type, d.type_name,"
            " d.issuer_code, d.issuer, d.province, d.date, d.place, d.title, d.line, d.start_line"
            " FROM documents d JOIN files f ON f.id = d.file_id ORDER BY f.path, d.segment"
        )
        for r in rows:
            (doc_id, file_id, path, _seg, number, system, type_, type_name, code, issuer) = r[:10]
            (province, date, place, title, line, start_line) = r[10:]
            entry = files.get(file_id)
            if entry is None:
                info = SelfInfo(number, type_, code, date, place, issuer, province, title, type_name, system, line)
                entry = files[file_id] = (path, Extraction(self=info), [])
            extraction, ids = entry[1], entry[2]
            index = len(extraction.segments)
            extraction.segments.append(Segment(0, 0, start_line or 1, number, title))
            ids.append(doc_id)
            doc_of[doc_id] = (extraction, index, path)
        by_key: dict[tuple[int, str], Reference] = {}
        merged: dict[tuple[int, str], Reference] = {}  # one Reference per (file, number)
        for r in q(
            "SELECT document_id, number, system, type, issuer_code, year, relation, date, issuer,"
            " malformed, suggestion FROM refs ORDER BY document_id, number"
        ):
            extraction, index, _ = doc_of[r[0]]
            ref = Reference(r[1], r[2], r[3], r[4], r[7], r[8], r[6], bool(r[9]), r[10], r[5])
            by_key[(r[0], r[1])] = ref
            key = (id(extraction), r[1])
            first = merged.get(key)
            if first is None:
                merged[key] = ref
                extraction.references.append(ref)
            else:  # the same number cited from two documents of one file
                if relation_rank(ref.relation) < relation_rank(first.relation):
                    first.relation = ref.relation
                by_key[(r[0], r[1])] = first
        for r in q(
            "SELECT document_id, number, line, col, start, end, as_written, relation, cue, date,"
            " type_word, issuer, term, malformed, suggestion, evidence FROM mentions ORDER BY rowid"
        ):
            _, index, path = doc_of[r[0]]
            by_key[(r[0], r[1])].mentions.append(
                Mention(r[6], r[4], r[5], r[2], r[3], r[7], r[8], r[9], r[10], r[11], r[12], index, bool(r[13]), r[14])
            )
            if r[15]:
                quotes[(path, r[4])] = r[15]
        for r in q(
            "SELECT document_id, source, relation, target, line, cue, text FROM reported_relations ORDER BY rowid"
        ):
            extraction = doc_of[r[0]][0]
            extraction.reported_relations.append(ReportedRelation(r[1], r[2], r[3], r[4], r[5], r[6]))
        return list(files.values()), quotes

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's content without row ids or timestamps, sorted: two indexes with
        equal dumps say the same thing, whatever order their files were ingested in."""
        q = self.con.execute
        doc_key = "f.path, d.segment"
        return {
            "files": sorted(
                q("SELECT path, size, mtime_ns, sha256, encoding, status, error, extractor FROM files").fetchall()
            ),
            "documents": _sorted(
                q(
                    f"SELECT {doc_key}, d.number, d.system, d.type, d.type_name, d.issuer_code,"
                    " d.issuer, d.level, d.province, d.date, d.place, d.title, d.line, d.start_line"
                    " FROM documents d JOIN files f ON f.id = d.file_id"
                )
            ),
            "refs": _sorted(
                q(
                    f"SELECT {doc_key}, r.number, r.system, r.type, r.issuer_code, r.year,"
                    " r.relation, r.date, r.issuer, r.malformed, r.suggestion FROM refs r"
                    " JOIN documents d ON d.id = r.document_id JOIN files f ON f.id = d.file_id"
                )
            ),
            "mentions": _sorted(
                q(
                    f"SELECT {doc_key}, m.number, m.line, m.col, m.start, m.end, m.as_written,"
                    " m.relation, m.cue, m.date, m.type_word, m.issuer, m.term, m.malformed,"
                    " m.suggestion, m.evidence FROM mentions m"
                    " JOIN documents d ON d.id = m.document_id JOIN files f ON f.id = d.file_id"
                )
            ),
            "reported_relations": _sorted(
                q(
                    f"SELECT {doc_key}, x.source, x.relation, x.target, x.line, x.cue, x.text"
                    " FROM reported_relations x JOIN documents d ON d.id = x.document_id"
                    " JOIN files f ON f.id = d.file_id"
                )
            ),
            "problems": _sorted(
                q("SELECT f.path, p.code, p.message, p.line FROM problems p JOIN files f ON f.id = p.file_id")
            ),
            "nodes": _sorted(
                q(
                    f"SELECT {_qualified(NODE_COLUMNS, 'n').replace('n.document_id', doc_key)} FROM nodes n"
                    " LEFT JOIN documents d ON d.id = n.document_id LEFT JOIN files f ON f.id = d.file_id"
                )
            ),
            "node_keys": _sorted(q("SELECT key, id FROM node_keys")),
            "links": _sorted(q("SELECT source, target, relation FROM links")),
            "evidence": _sorted(q("SELECT source, target, seq, path, line, text, registry FROM evidence")),
            "issues": _sorted(
                q("SELECT kind, source, number, message, target, candidates, path, line, text, registry FROM issues")
            ),
            "speakers": _sorted(q("SELECT path, first_line, id FROM speakers")),
            "resolutions": _sorted(
                q(
                    f"SELECT {doc_key}, x.number, x.status, x.target, x.candidates FROM resolutions x"
                    " JOIN documents d ON d.id = x.document_id JOIN files f ON f.id = d.file_id"
                )
            ),
        }


def _qualified(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _sorted(cursor: sqlite3.Cursor) -> list[tuple[Any, ...]]:
    return sorted(
        cursor.fetchall(),
        key=lambda row: tuple((v is None, v if v is not None else 0) for v in row),
    )


def _explain(e: sqlite3.Error) -> str:
    message = str(e)
    if "locked" in message or "busy" in message:
        return f"{message} (another process is writing to the index; try again when it is done)"
    if "not a database" in message:
        return "not a qcdc index (not an SQLite database)"
    return message
