"""A digest per walked folder, so a re-ingest need not read back every files row.

Comparing a walk of 100,000 files with the index row by row (Store.known_stats) is a
quarter of a second of an unchanged re-ingest. The index's meta table remembers, per
folder, a digest of the (name, size, mtime_ns) of the document files walked in it and
of the extractor key; a folder whose digest is unchanged holds only files that are
unchanged, and only their rows are not read back.

Why that can be trusted (tests/test_walkdigest.py breaks each point):
- `forget` deletes the digests at the start of every ingest on SQLite, before its first
  write, and `Digests.remember` writes them only at its successful end: a run killed or
  failed in between leaves none, and the next run compares row by row;
- a folder's digest is remembered only after its files rows were read back and found
  equal to what was walked (every file read well by this extractor, same size and mtime,
  and no other row in that folder), or when it matched at the start (none of its rows
  was written since);
- a digest is only used with one root walked, and when the count of files rows equals
  the files of the matching folders plus the rows read back: any row the digests do not
  account for (another root's, a file kept missing) makes the caller compare row by row.
Another extractor key changes every digest. PostgreSQL (PgStore) keeps no digests.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcdc_cli.index.rows import KnownFile
    from qcdc_cli.index.store import Store
    from qcdc_cli.read.walk import Candidate, Walk

META_KEY = "walk_digests"
MAX_READ_BACK = 5_000  # files of changed folders past this: the whole files table is read


# While digests are remembered, any write to the files rows by anything but an ingest
# of this code (an older qcdc, a hand-made UPDATE) forgets them: these triggers exist only
# between the end of one ingest and the start of the next, so no ingest pays for them.
_TRIGGERS = tuple(
    f"CREATE TRIGGER IF NOT EXISTS qcdc_walk_digests_{event} AFTER {event.upper()} ON files"
    f" BEGIN DELETE FROM meta WHERE key = '{META_KEY}'; END"
    for event in ("insert", "update", "delete")
)


def forget(store: Store) -> str | None:
    """Delete the remembered digests and their triggers, before the run's first write;
    return the digests."""
    said = store.get_meta(META_KEY)
    armed = store.con.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'qcdc_walk_digests_%'"
    ).fetchone()[0]
    if said is not None or armed:
        with store.transaction() as con:
            con.execute("DELETE FROM meta WHERE key = ?", (META_KEY,))
            for event in ("insert", "update", "delete"):
                con.execute(f"DROP TRIGGER IF EXISTS qcdc_walk_digests_{event}")
    return said


def _digest(files: list[Candidate], key: str) -> str:
    """Of the paths, sizes and mtimes, in walk order (a rename changes it too)."""
    paths, sizes, mtimes = zip(*files, strict=True)
    h = hashlib.blake2b(key.encode(), digest_size=16)
    h.update("\0".join(paths).encode("utf-8", "surrogateescape"))
    try:  # machine integers: 8 bytes each, no text made of them
        h.update(array("q", sizes))
        h.update(array("q", mtimes))
    except OverflowError:
        h.update(repr((sizes, mtimes)).encode())
    return h.hexdigest()


class Digests:
    """The walk's files by folder, with the digests the index remembered (`saved`)."""

    def __init__(self, walked: Walk, key: str, said: str | None, force: bool = False) -> None:
        self.key = key
        self.groups: dict[str, list[Candidate]] = {}
        groups = self.groups
        files = walked.candidates
        for start, end in zip(walked.runs, [*walked.runs[1:], len(files)], strict=False):  # no runs: no files
            if start < end:  # a run of one folder's files (read.walk.Walk.runs)
                d = files[start].path.rpartition(os.sep)[0]
                if (g := groups.get(d)) is None:
                    groups[d] = files[start:end]
                else:
                    g.extend(files[start:end])
        # a folder where something could not be looked at is always compared row by row
        self.unsure = {p.rpartition(os.sep)[0] for p, _ in walked.failures}
        saved: dict[str, str] = {}
        if said is not None:
            try:
                got = json.loads(said)
                if got.get("key") == key:
                    saved = dict(got["dirs"])
            except (ValueError, TypeError, KeyError, AttributeError):  # not ours: none
                saved = {}
        self.digests = {d: _digest(g, key) for d, g in groups.items()}
        # --force rewrites every row: then every folder is read back before it is remembered
        self.matched = set() if force else {d for d, h in self.digests.items() if saved.get(d) == h}
        self.matched -= self.unsure
        # one folder walked: every folder grouped is in it, and every files row the
        # digests stand for is under it
        self.one_folder = len(walked.roots) == 1 and os.path.isdir(walked.roots[0])

    def known(self, store: Store, walked: Walk) -> tuple[dict[str, KnownFile], set[Any], list[str]] | None:
        """`ingest._known`'s answer from the digests, or None: compare row by row."""
        from qcdc_cli.read.walk import is_gone

        if not self.one_folder or not self.matched:
            self.matched = set()
            return None
        changed = [d for d in self.groups if d not in self.matched] + sorted(self.unsure - self.groups.keys())
        want = [c.path for d in changed for c in self.groups.get(d, ())]
        want += [p for p, _ in walked.failures]
        if len(want) > MAX_READ_BACK:
            self.matched = set()
            return None
        known = store.known_files_at(want)
        walked_here = set(want)
        extra = [p for d in changed for (p,) in _in_folder(store, d, "SELECT path FROM files") if p not in walked_here]
        known.update(store.known_files_at(extra))
        same: set[Candidate] = set()
        for d in self.matched:
            same.update(self.groups[d])  # hashed in C, not one by one in a comprehension
        (total,) = store.con.execute("SELECT count(*) FROM files").fetchone()
        if len(same) + len(known) != total:  # rows the digests do not account for
            self.matched = set()  # (`remember` then reads every folder back)
            return None
        return known, same, sorted(p for p in extra if is_gone(p))

    def remember(self, store: Store) -> None:
        """At the successful end of a run: the digests of the folders whose rows are what
        was walked (read back now, except for the folders that matched at the start)."""
        if not self.one_folder:
            return
        check = [d for d in self.groups if d not in self.matched and d not in self.unsure]
        rows: dict[str, tuple[Any, ...]] = {}
        if sum(len(self.groups[d]) for d in check) > MAX_READ_BACK:
            rows = _stats(store.con.execute(_STATS, (self.key,)))
        else:
            for d in check:
                rows.update(_stats(_in_folder(store, d, _STATS, self.key)))
        in_folder: dict[str, int] = {}
        for p in rows:
            d = p.rpartition(os.sep)[0]
            in_folder[d] = in_folder.get(d, 0) + 1
        keep = {d: self.digests[d] for d in self.matched}
        for d in check:
            files = self.groups[d]
            if in_folder.get(d) == len(files) and all(rows.get(p) == (s, m, 1) for p, s, m in files):
                keep[d] = self.digests[d]
        if keep:
            with store.transaction() as con:
                con.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (META_KEY, json.dumps({"key": self.key, "dirs": keep}, sort_keys=True)),
                )
                for sql in _TRIGGERS:
                    con.execute(sql)


_STATS = "SELECT path, size, mtime_ns, status = 'ok' AND extractor IS ? FROM files"


def _stats(rows: Iterable[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    """(size, mtime_ns, 1 if read well by the key) by path, text paths only: a folder
    holding a name that is not UTF-8 never has a digest, and is compared row by row."""
    return {r[0]: r[1:] for r in rows if type(r[0]) is str}


def _in_folder(store: Store, folder: str, select: str, *params: Any) -> list[tuple[Any, ...]]:
    """The rows (of `select ... FROM files`) whose path is directly in `folder`: one
    range of the path index, the paths of its subfolders left out."""
    low, high = folder + os.sep, folder + chr(ord(os.sep) + 1)
    n = len(low)
    try:
        low.encode("utf-8")
    except UnicodeEncodeError:  # a folder name that is not UTF-8: its rows hold BLOB paths
        return []
    rows = store.con.execute(f"{select} WHERE path >= ? AND path < ?", (*params, low, high))
    return [r for r in rows if type(r[0]) is str and os.sep not in r[0][n:]]
