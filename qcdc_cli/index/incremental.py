"""Incremental derivation: patch the derived tables after an ingest that changed only
what resolution does not read.

A full `derived.derive` resolves the whole corpus again: at 100,000 files that is
~30 s for one edited file. Most edits (a typo, a paragraph, a signature line) leave
every number, date, issuer, relation and segment of a file as they were, so the catalog
(resolve.Catalog) and every reference's resolution stay the same; only the evidence the
file lends to links and issues (lines and quoted text) and the row ids of its documents
move. `ChangeLog` records, before each write (or prune), what the file said that
resolution reads (its `signature`); `patch` compares it with what the file says now and,
when all changed files kept theirs, rewrites just those rows, in one transaction. When
files were added, removed or failed, or a number, date or issuer changed, index.reresolve
resolves again what those documents can change. Where neither can follow (too many
files, another backend, reresolve.Unsafe) `patch` returns False and the caller derives in
full. The result is the full derivation's, row for row (tests/test_incremental.py
compares them on random edits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from qcdc_cli.index.corpus import Quotes
    from qcdc_cli.index.rows import KnownFile
    from qcdc_cli.index.store import Store
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.lineage.trace import Issue
    from qcdc_cli.models import Extraction, Link
    from qcdc_cli.resolve.resolve import CitingUnit

MAX_FILES = 256  # beyond this, a full derivation is as cheap as the bookkeeping


@dataclass(slots=True)
class _Before:
    file_id: int
    doc_ids: list[int]  # by segment
    signature: tuple[Any, ...]
    extraction: Extraction | None  # as stored: replayed to find the links it lent evidence to
    quotes: Quotes


@dataclass(slots=True)
class ChangeLog:
    """What an ingest run changed, for `patch`. `usable` drops to False at the first
    change `patch` cannot follow (the caller then derives in full)."""

    usable: bool
    key: str | None  # of the derived tables as the run began
    before: dict[str, _Before] = field(default_factory=dict)  # path -> what it said
    added: set[str] = field(default_factory=set)  # paths that had no documents before
    gone: set[str] = field(default_factory=set)  # paths written failed or removed
    patched: bool = False  # set by `patch`
    how: str = ""  # "patched" (text only), "re-resolved" (index.reresolve), or why in full

    @classmethod
    def start(cls, store: Store) -> ChangeLog:
        """A log for a run over `store`, before its first write: only derived tables that
        followed the files then can be patched."""
        from qcdc_cli.index.store import on_sqlite

        stale, old_key = store.derived_state()
        # the patch speaks SQLite; another backend (index.api) derives in full
        return cls(usable=not stale and on_sqlite(store), key=old_key)

    def _room(self) -> bool:
        if len(self.before) + len(self.added) + len(self.gone) >= MAX_FILES:
            self.usable = False
        return self.usable

    def before_write(self, store: Store, path: str, kind: str, known: KnownFile | None) -> None:
        """Call before the writer replaces `path` (kind as ingest's outcome)."""
        if not self.usable or kind == "same":
            return
        if known is None or known.status != "ok":
            if kind == "read" and self._room():
                self.added.add(path)  # documents appear
            return  # failed before (or new), failed again: it had no documents and has none
        if path in self.before or not self._room():
            return
        if kind != "read":
            self.gone.add(path)
        self._remember(store, path, known)

    def _remember(self, store: Store, path: str, known: KnownFile) -> None:
        extraction, doc_ids, quotes = _load_file(store.con, known.id)
        self.before[path] = _Before(known.id, doc_ids, signature(extraction), extraction, quotes)

    def removed(
        self, paths: Iterable[str], store: Store | None = None, known: dict[str, KnownFile] | None = None
    ) -> None:
        """Call before the writer forgets `paths` (--prune)."""
        for path in paths:
            k = (known or {}).get(path)
            if store is None or k is None:
                self.usable = False
            if not self.usable or store is None:
                return
            if k is not None and k.status == "ok" and path not in self.before and self._room():
                self.gone.add(path)
                self._remember(store, path, k)


def signature(extraction: Extraction | None) -> tuple[Any, ...]:
    """Everything of a stored file that the catalog and the resolution of its references
    read (lineage.build reads the rest, evidence only): segments, each document's own
    description, its references without their mentions' places, its reported relations'
    numbers. Two files with the same signature resolve alike."""
    from qcdc_cli.resolve.known import written
    from qcdc_cli.resolve.resolve import split_units

    if extraction is None:
        return ()
    out: list[Any] = []
    for unit in split_units("", extraction):
        refs = tuple(
            (
                r.number,
                r.system,
                r.type,
                r.issuer_code,
                r.year,
                r.relation,
                r.date,
                r.issuer,
                r.malformed,
                r.suggestion,
                written(r),
            )
            for r in unit.references
        )
        reported = tuple((x.source, x.relation, x.target) for x in unit.reported)
        out.append((unit.segment, repr(unit.info), refs, reported))
    return tuple(out)


def _load_file(con: sqlite3.Connection, file_id: int) -> tuple[Extraction | None, list[int], Quotes]:
    from qcdc_cli.index.corpus import load_corpus

    corpus, quotes = load_corpus(con, [file_id])
    if not corpus:
        return None, [], quotes
    _, extraction, doc_ids = corpus[0]
    return extraction, doc_ids, quotes


class _Sink:
    """Collects what lineage.build.unit_links makes, unmerged and in order."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self.issues: list[Issue] = []
        self.speakers: list[tuple[str, int, str]] = []

    def add_link(self, link: Link) -> None:
        if link.source != link.target:
            self.links.append(link)

    def add_issue(self, issue: Issue) -> None:
        self.issues.append(issue)

    def add_speaker(self, path: str, first_line: int, ident: str) -> None:
        self.speakers.append((path, first_line, ident))


class _Unpatchable(Exception):
    """The stored rows do not say what a patch needs: derive in full."""


class _Renumbered(_Unpatchable):
    """A changed file's numbers, dates or segments moved: re-resolve what they touch."""


def _reresolve(con: sqlite3.Connection, vocab: Vocabulary, registry: Registry, log: ChangeLog) -> None:
    from qcdc_cli.index.reresolve import reresolve
    from qcdc_cli.index.reresolve_base import Old
    from qcdc_cli.index.rows import path_label

    olds = [Old(path_label(p), b.extraction, b.doc_ids, b.quotes) for p, b in log.before.items()]
    changed = {path_label(p): p for p in (*log.before, *log.added, *log.gone)}
    reresolve(con, vocab, registry, olds, changed)


def patch(store: Store, vocab: Vocabulary, registry: Registry, key: str, log: ChangeLog) -> bool:
    """Bring the derived tables up to date after the changes `log` recorded, in one
    transaction; False (nothing written) when only a full derivation can."""
    import os
    import sqlite3
    import sys

    if not log.usable or log.key != key:
        log.how = "in full: the change log cannot follow this run"
        if os.environ.get("QCDC_DEBUG_DERIVE"):
            print(f"qcdc: derived {log.how}", file=sys.stderr)
        return False

    from qcdc_cli.index.reresolve_base import Unsafe

    try:
        with store.transaction() as con:
            try:
                if log.added or log.gone:
                    raise _Renumbered
                _patch(con, vocab, registry, log)
                log.how = "patched"
            except _Renumbered:
                _watch_unresolved(con)
                try:
                    _reresolve(con, vocab, registry, log)
                except (Unsafe, sqlite3.Error):
                    raise
                except Exception as e:  # a fault of the partial way: the whole one still answers
                    raise Unsafe(f"unexpected {type(e).__name__}: {e}") from e
                _recount_unresolved(con, log.key, key)
                log.how = "re-resolved"
            for k, v in (("derived_key", key), ("derived_stale", "0")):
                con.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (k, v),
                )
    except (_Unpatchable, Unsafe, sqlite3.IntegrityError) as e:
        log.how = f"in full: {type(e).__name__}: {e}"
        return False
    finally:
        if os.environ.get("QCDC_DEBUG_DERIVE"):
            print(f"qcdc: derived {log.how or 'in full'}", file=sys.stderr)
    log.patched = True
    return True


def unresolved_count(store: Store) -> int:
    """`store.unresolved_count()`, remembered in meta under the derived tables' key on
    SQLite: counting takes a tenth of a second at 100,000 documents, each ingest's
    summary says it, and most ingests leave the resolutions as they were. What rewrites
    them forgets the number in the same transaction (Store.replace_derived) or moves it
    (`_recount_unresolved`); another version's derivation has another key."""
    from qcdc_cli.index.rows import UNRESOLVED_KEY
    from qcdc_cli.index.store import on_sqlite

    if not on_sqlite(store):
        return store.unresolved_count()
    stale, key = store.derived_state()
    said = store.get_meta(UNRESOLVED_KEY)
    if not stale and key and said and said.startswith(key + ":"):
        return int(said[len(key) + 1 :])
    count = store.unresolved_count()
    if not stale and key and store.writable:
        store.set_meta(UNRESOLVED_KEY, f"{key}:{count}")
    return count


_DELTA = "qcdc_unresolved_delta"


def _watch_unresolved(con: sqlite3.Connection) -> None:
    """Temporary triggers noting each unknown resolution the re-resolution removes or
    adds (created and dropped inside its transaction): what `_recount_unresolved` needs to
    bring the count the index remembers (Store.cached_unresolved_count) up to date without
    counting the whole table again."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_DELTA}(target TEXT, number TEXT, d INTEGER)")
    con.execute(f"DELETE FROM temp.{_DELTA}")
    for event, row, d in (("insert", "new", 1), ("delete", "old", -1)):
        con.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS {_DELTA}_{event} AFTER {event.upper()} ON main.resolutions"
            f" WHEN {row}.status = 'unknown'"
            f" BEGIN INSERT INTO {_DELTA} VALUES ({row}.target, {row}.number, {d}); END"
        )
    con.execute(
        f"CREATE TEMP TRIGGER IF NOT EXISTS {_DELTA}_update AFTER UPDATE ON main.resolutions BEGIN"
        f" INSERT INTO {_DELTA} SELECT old.target, old.number, -1 WHERE old.status = 'unknown';"
        f" INSERT INTO {_DELTA} SELECT new.target, new.number, 1 WHERE new.status = 'unknown'; END"
    )


def _recount_unresolved(con: sqlite3.Connection, old_key: str | None, key: str) -> None:
    """The remembered count of unresolved documents (distinct `coalesce(target, '#' ||
    number)` of the unknown resolutions) moved by what `_watch_unresolved` noted: only
    the targets whose rows changed are counted again (through their index). Forgotten
    instead when it was not remembered for these tables, or when a changed row has no
    target (no index reaches those)."""
    from qcdc_cli.index.rows import UNRESOLVED_KEY

    said = con.execute("SELECT value FROM meta WHERE key = ?", (UNRESOLVED_KEY,)).fetchone()
    moved: dict[str, int] = {}
    for target, _number, d in con.execute(f"SELECT target, number, d FROM temp.{_DELTA}"):
        if target is None or target.startswith("#"):
            said = None
            break
        moved[target] = moved.get(target, 0) + d
    for name in ("insert", "delete", "update"):
        con.execute(f"DROP TRIGGER temp.{_DELTA}_{name}")
    con.execute(f"DROP TABLE temp.{_DELTA}")
    if said is None or old_key is None or not said[0].startswith(old_key + ":"):
        con.execute("DELETE FROM meta WHERE key = ?", (UNRESOLVED_KEY,))
        return
    count = int(said[0][len(old_key) + 1 :])
    for target, d in moved.items():
        if d:
            (now,) = con.execute(
                "SELECT count(*) FROM resolutions WHERE target = ? AND status = 'unknown'", (target,)
            ).fetchone()
            count += (now > 0) - (now - d > 0)
    con.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (UNRESOLVED_KEY, f"{key}:{count}"),
    )


def _patch(con: sqlite3.Connection, vocab: Vocabulary, registry: Registry, log: ChangeLog) -> None:
    from qcdc_cli.index.corpus import load_corpus
    from qcdc_cli.index.rows import path_label
    from qcdc_cli.lineage.build import unit_links
    from qcdc_cli.resolve.resolve import split_units

    changed: dict[str, tuple[Extraction, list[int]]] = {}  # label -> new extraction, doc ids
    remap: list[tuple[int, int]] = []
    for path, before in log.before.items():
        extraction, doc_ids, _ = _load_file(con, before.file_id)
        if extraction is None or signature(extraction) != before.signature or len(doc_ids) != len(before.doc_ids):
            raise _Renumbered
        changed[path_label(path)] = (extraction, doc_ids)
        remap.extend(zip(before.doc_ids, doc_ids, strict=True))
    if not changed:
        return

    # who each changed document is: speakers rows say (path, first line, id)
    speakers: dict[str, dict[int, str]] = {}
    labels = list(changed)
    for p, first_line, ident in _in(con, "SELECT path, first_line, id FROM speakers WHERE path IN ({})", labels):
        by_line = speakers.setdefault(p, {})
        if by_line.setdefault(first_line, ident) != ident:
            raise _Unpatchable  # two documents of a file begin on one line
    me: set[str] = set()
    for label, (extraction, _) in changed.items():
        for unit in split_units(label, extraction):
            ident = speakers.get(label, {}).get(_first_line(unit))
            if ident is None:
                raise _Unpatchable
            me.add(ident)

    # every file a document of those nodes was read from: issues are kept once per
    # (kind, source, number, message), with the evidence of the first file saying it
    node_rows = _in(con, "SELECT id, paths FROM nodes WHERE id IN ({})", sorted(me))
    paths = {p for _, ps in node_rows for p in (ps.split("\n") if ps else [])}
    others = sorted(paths - set(changed))
    file_ids = [
        fid for (fid,) in _in(con, "SELECT id FROM files WHERE path IN ({})", others)
    ]  # labels equal paths for UTF-8 names; others are not found and fail below
    corpus, quotes = load_corpus(con, [b.file_id for b in log.before.values()] + file_ids)
    units = sorted((u for p, ex, _ in corpus for u in split_units(p, ex)), key=lambda u: (u.path, u.segment))
    if {u.path for u in units} != paths | set(changed):
        raise _Unpatchable

    catalog = _catalog(con, vocab, registry, units, speakers)
    sinks: dict[str, _Sink] = {}
    for unit in units:
        sink = sinks.setdefault(unit.path, _Sink())
        unit_links(sink, catalog, unit, None, quotes)

    # what the changed files said before, under the same catalog: the links whose
    # evidence they held (found without scanning the evidence table)
    old: dict[str, _Sink] = {}
    for path, before in log.before.items():
        sink = old[path_label(path)] = _Sink()
        if before.extraction is not None:
            for unit in split_units(path_label(path), before.extraction):
                unit_links(sink, catalog, unit, None, before.quotes)

    _patch_issues(con, me, units, sinks)
    _patch_evidence(con, changed, sinks, old)
    # the documents' row ids: through negatives, as old and new ids may overlap
    for table in ("nodes", "resolutions"):
        con.executemany(f"UPDATE {table} SET document_id = ? WHERE document_id = ?", ((-n, o) for o, n in remap))
        con.execute(f"UPDATE {table} SET document_id = -document_id WHERE document_id < 0")


def _first_line(unit: CitingUnit) -> int:
    return 1 if unit.segment == 0 else (unit.info.line or 1)


def _in(con: sqlite3.Connection, sql: str, values: list[Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        out.extend(con.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
    return out


def _catalog(
    con: sqlite3.Connection,
    vocab: Vocabulary,
    registry: Registry,
    units: list[CitingUnit],
    speakers: dict[str, dict[int, str]],
) -> Any:
    """A catalog of the stored nodes the replayed documents can reach: every node under
    a number they carry or cite, and every node sharing a serial with one (what
    rules._likely compares). Ids must come out as stored: the groups are whole."""
    from qcdc_cli.index.rows import NODE_COLUMNS, known_from_row
    from qcdc_cli.resolve.resolve import Catalog, loose, parts_of

    numbers: set[str] = set()
    for unit in units:
        if unit.info.number:
            numbers.add(unit.info.number)
        numbers.update(r.number for r in unit.references)
        for x in unit.reported:
            numbers.update((x.source, x.target))
    keys = {loose(n) for n in numbers}
    prefixes: set[str] = set()
    for n in numbers:
        serial = parts_of(n)[3]
        if serial:
            prefixes.update(loose(serial) + sep for sep in ("-", "/"))
    for prefix in prefixes:
        keys.update(
            k
            for (k,) in con.execute(
                "SELECT DISTINCT key FROM node_keys WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")
            )
        )
    # each replayed document is the node its speakers row names
    by_path: dict[str, dict[int, str]] = {p: dict(v) for p, v in speakers.items()}
    for p, first_line, ident in _in(
        con, "SELECT path, first_line, id FROM speakers WHERE path IN ({})", sorted({u.path for u in units})
    ):
        by_path.setdefault(p, {}).setdefault(first_line, ident)
    ids = {i for (i,) in _in(con, "SELECT id FROM node_keys WHERE key IN ({})", sorted(keys))}
    ids.update(i for by_line in by_path.values() for i in by_line.values())
    rows = _in(con, f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN ({{}})", sorted(ids))
    catalog = Catalog(vocab, registry.terms)
    for row in rows:
        catalog.add(known_from_row(row), merge=False)
    stored = {row[0] for row in rows}
    catalog.finish()
    if {k.id for k in catalog.entries} != stored:
        raise _Unpatchable
    for unit in units:
        known = catalog.get(by_path.get(unit.path, {}).get(_first_line(unit), ""))
        if known is None:
            raise _Unpatchable
        catalog._unit_docs[(unit.path, unit.segment)] = known
    return catalog


def _patch_issues(con: sqlite3.Connection, me: set[str], units: list[CitingUnit], sinks: dict[str, _Sink]) -> None:
    """Each issue raised by the changed documents' nodes keeps the evidence of its first
    saying, as LineageGraph.add_issue does; the issues themselves are the same."""
    first: dict[tuple[str, str, str, str], Issue] = {}
    order: list[tuple[str, str, str, str]] = []
    for path in sorted({u.path for u in units}):
        for issue in sinks[path].issues:
            k: tuple[str, str, str, str] = (issue.kind, issue.source, issue.number, issue.message)
            if issue.source in me and k not in first:
                first[k] = issue
                order.append(k)
    stored = _in(con, "SELECT seq, kind, source, number, message FROM issues WHERE source IN ({})", sorted(me))
    stored.sort()
    if [tuple(row[1:]) for row in stored] != order:
        raise _Unpatchable
    rows = []
    for (seq, *_), k in zip(stored, order, strict=True):
        said = first[k].evidence
        rows.append(
            (
                said.path if said else None,
                said.line if said else None,
                said.text if said else None,
                said.registry if said else None,
                seq,
            )
        )
    con.executemany("UPDATE issues SET path = ?, line = ?, text = ?, registry = ? WHERE seq = ?", rows)


def _patch_evidence(
    con: sqlite3.Connection, changed: dict[str, Any], sinks: dict[str, _Sink], old: dict[str, _Sink]
) -> None:
    """Links keep their ends and relation; their evidence from the changed files is
    replaced, in the order and uniqueness LineageGraph.add_link gives it."""
    from qcdc_cli.lineage.graph import _evidence_key, _evidence_order
    from qcdc_cli.models import Evidence

    fresh: dict[tuple[str, str], list[Evidence]] = {}
    for label in sorted(changed):
        for link in sinks[label].links:
            fresh.setdefault((link.source, link.target), []).extend(link.evidence)
    before: dict[tuple[str, str], set[tuple[Any, ...]]] = {}
    for sink in old.values():
        for link in sink.links:
            before.setdefault((link.source, link.target), set()).update(_evidence_key(ev) for ev in link.evidence)
    for s, t in sorted(set(fresh) | set(before)):
        if con.execute("SELECT 1 FROM links WHERE source = ? AND target = ?", (s, t)).fetchone() is None:
            raise _Unpatchable
        stored = [
            Evidence(p, line, text, registry)
            for p, line, text, registry in con.execute(
                "SELECT path, line, text, registry FROM evidence WHERE source = ? AND target = ? ORDER BY seq",
                (s, t),
            )
        ]
        if {_evidence_key(ev) for ev in stored if ev.path in changed} != before.get((s, t), set()):
            raise _Unpatchable  # the replay of the old text does not find what it lent
        kept = [ev for ev in stored if ev.path not in changed]
        seen: set[tuple[Any, ...]] = set()
        merged = []
        for ev in kept + fresh.get((s, t), []):
            k = _evidence_key(ev)
            if k not in seen:
                seen.add(k)
                merged.append(ev)
        if not merged:
            raise _Unpatchable
        merged.sort(key=_evidence_order)
        con.execute("DELETE FROM evidence WHERE source = ? AND target = ?", (s, t))
        con.executemany(
            "INSERT INTO evidence(source, target, seq, path, line, text, registry) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((s, t, seq, ev.path, ev.line, ev.text, ev.registry) for seq, ev in enumerate(merged)),
        )
