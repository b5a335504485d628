"""The index's schema: DDL, and the migrations that take an older index to this version.

`PRAGMA user_version` holds the schema version; `MIGRATIONS[i]` takes a database from
version i to i + 1, so opening an older index for writing upgrades it in one
transaction, and an index written by a newer qcdc is refused before anything is written
(its journal mode too: `check_version` runs before `PRAGMA journal_mode = WAL`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from qcdc_cli.errors import StoreError

BUSY_TIMEOUT_MS = 5000

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

# MIGRATIONS[i] upgrades a database at user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)

# PostgreSQL only (index.postgres), run after MIGRATIONS: PG_MIGRATIONS[i] takes an index
# on a server from revision i to i + 1 (qcdc_schema.pg_revision), for what a server needs
# and an SQLite file does not. The SQLite schema version does not move.
_PG_R1 = """
-- the exact bytes of a file name that is not valid UTF-8 (NULL for every other name):
-- SQLite keeps them in files.path itself (a BLOB in a TEXT column); a server's text
-- column cannot, so files.path holds the name's \\xNN label and this the name
ALTER TABLE files ADD COLUMN path_bytes BYTEA;
CREATE INDEX files_path_bytes ON files(path) WHERE path_bytes IS NOT NULL;
"""
PG_MIGRATIONS: tuple[str, ...] = (_PG_R1,)
PG_REVISION = len(PG_MIGRATIONS)


# Indexes that only speed up a lookup: index.reresolve finding the citations of a number
# among repaired readings and reported relations (without them, a scan of every reference
# and every reported relation, ~65 ms at 100,000 files; the last two cover what it reads:
# a hub's serial is in ~10,000 relations). No query needs them, so they are not a schema
# version: an index without them is read and written as before (by older qcdc too); a
# writer adds the missing ones when it opens the index (`add_lookup_indexes`). SQLite
# only: on PostgreSQL re-resolution is not incremental.
LOOKUP_INDEXES = {
    "refs_suggestion": "CREATE INDEX refs_suggestion ON refs(suggestion) WHERE suggestion IS NOT NULL",
    "reported_source": "CREATE INDEX reported_source ON reported_relations(source, target, document_id)",
    "reported_target": "CREATE INDEX reported_target ON reported_relations(target, source, document_id)",
}


def add_lookup_indexes(con: sqlite3.Connection) -> None:
    """Create the LOOKUP_INDEXES an index lacks (an index written before them), in one
    write transaction; nothing is written when it has them all."""
    have = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    if have.issuperset(LOOKUP_INDEXES):
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        have = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        for name, sql in LOOKUP_INDEXES.items():
            if name not in have:
                con.execute(sql)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def configure(con: sqlite3.Connection) -> None:
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")


def check_version(con: sqlite3.Connection, path: Path, *, writing: bool) -> int:
    """The index's schema version, or a StoreError when this qcdc cannot use it: newer
    (refused before anything is written), or older when only reading."""
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: index schema version {version} is newer than this qcdc knows "
            f"({SCHEMA_VERSION}); upgrade qcdc" + (" or use another --db" if writing else "")
        )
    if version < SCHEMA_VERSION and not writing:
        raise StoreError(
            f"{path}: index schema version {version} is older than {SCHEMA_VERSION}; "
            "run `qcdc ingest` once to upgrade it"
        )
    return version


def migrate(con: sqlite3.Connection, path: Path) -> None:
    """Bring the index to SCHEMA_VERSION in one write transaction."""
    if check_version(con, path, writing=True) == SCHEMA_VERSION:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        # re-read inside the write lock: another process may have migrated meanwhile
        version = con.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in statements(MIGRATIONS[step]):
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {step + 1}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def statements(script: str) -> Iterator[str]:
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


def explain(e: sqlite3.Error) -> str:
    """An SQLite failure said so the user knows what happened and what to do next."""
    message = str(e)
    if "locked" in message or "busy" in message:
        return f"{message} (another process is writing to the index; try again when it is done)"
    if "not a database" in message:
        return "not a qcdc index (not an SQLite database)"
    if "disk is full" in message or "disk I/O error" in message:
        return f"{message}: the index is whole up to the last commit; free some space, then run `qcdc ingest` again"
    if "malformed" in message or "corrupt" in message:
        return (
            f"{message}: the index file is damaged; delete it and run `qcdc ingest` again"
            " (or restore a copy; `sqlite3 FILE .recover` may save its rows)"
        )
    if "no such table" in message or "no such column" in message:
        return f"{message}: the index's schema is damaged; delete it and run `qcdc ingest` again"
    if "readonly" in message or "read-only" in message:
        return f"{message}: the index cannot be written here; use --db to put it somewhere writable"
    return message
