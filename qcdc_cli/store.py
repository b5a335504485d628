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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcdc_cli.errors import StoreError
from qcdc_cli.models import Extraction, relation_rank

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

# _MIGRATIONS[i] upgrades a database at user_version i to i + 1.
_MIGRATIONS: tuple[str, ...] = (_V1,)
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

    @property
    def reference_count(self) -> int:
        return sum(len(d.refs) for d in self.documents)


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
    from qcdc_cli.resolve import split_units

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
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (also KeyboardInterrupt)."""
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

    def unresolved_count(self) -> int:
        """Distinct cited numbers that no document in the index carries (exact match)."""
        return self.con.execute(
            "SELECT count(DISTINCT r.number) FROM refs r"
            " WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.number = r.number)"
        ).fetchone()[0]

    def stats(self) -> dict[str, Any]:
        """Counts across the corpus: documents by type, level, province and year; references
        by how their number matches the corpus (exact canonical number: one document,
        several, none); files by status and encoding."""
        q = self.con.execute

        def grouped(sql: str) -> list[tuple[str | None, int]]:
            return [(k, n) for k, n in q(sql).fetchall()]

        by = "SELECT {0}, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"
        matches = dict(
            q(
                "WITH n AS (SELECT number, count(*) AS c FROM documents"
                " WHERE number IS NOT NULL GROUP BY number)"
                " SELECT CASE WHEN n.c IS NULL THEN 'unknown' WHEN n.c = 1 THEN 'resolved'"
                " ELSE 'ambiguous' END, count(*) FROM refs r LEFT JOIN n ON n.number = r.number"
                " GROUP BY 1"
            ).fetchall()
        )
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
                "by_relation": grouped("SELECT relation, count(*) FROM refs GROUP BY 1 ORDER BY 2 DESC, 1"),
            },
            "files": {
                "by_status": grouped("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 1"),
                "by_encoding": grouped(
                    "SELECT encoding, count(*) FROM files WHERE status = 'ok' GROUP BY 1 ORDER BY 2 DESC, 1"
                ),
            },
        }

    def unresolved(self, limit: int | None = None, citers: int | None = None) -> list[dict[str, Any]]:
        """Numbers cited but carried by no document in the corpus, most cited first.

        `citers` caps the citing documents listed per number (None: all of them); the
        count is always complete. This is the list of what to collect next.
        """
        rows = self.con.execute(
            "SELECT r.number, count(*) AS n FROM refs r"
            " WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.number = r.number)"
            " GROUP BY r.number ORDER BY n DESC, r.number LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        out = []
        for number, count in rows:
            cited_by = self.con.execute(
                "SELECT d.number, d.province, d.date, r.relation, f.path, d.segment"
                " FROM refs r JOIN documents d ON d.id = r.document_id"
                " JOIN files f ON f.id = d.file_id WHERE r.number = ?"
                " ORDER BY d.date IS NULL, d.date, f.path, d.segment LIMIT ?",
                (number, -1 if citers is None else citers),
            ).fetchall()
            relations = dict(
                self.con.execute(
                    "SELECT relation, count(*) FROM refs WHERE number = ? GROUP BY 1 ORDER BY 2 DESC, 1",
                    (number,),
                ).fetchall()
            )
            out.append(
                {
                    "number": number,
                    "cited_by_count": count,
                    "relations": relations,
                    "cited_by": [
                        {
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

    def failed_files(self) -> list[tuple[str, str]]:
        return self.con.execute("SELECT path, error FROM files WHERE status = 'failed' ORDER BY path").fetchall()

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
        }


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
