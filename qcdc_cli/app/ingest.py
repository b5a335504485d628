"""The ingest use case: folders of texts into the index, incrementally, in parallel.

Stages, and why each is where it is:

1. Walk (parent; read.walk, the walker every command shares): list document files, stat
   each. A file whose size and mtime match the index is not opened at all, which is what
   makes re-ingesting an unchanged tree of 10,000 files take a fraction of a second.
2. Read + hash + decode + extract (worker processes, `imap_unordered`, chunks of >= 16:
   ../shared/research/ecosystem-perf.md §2.4 measured chunksize 1 slower than one
   process). A file whose bytes hash to what the index holds is not extracted again.
3. Write (parent, the single writer): files in groups of up to WRITE_GROUP, one savepoint
   and a few statements per group (store.replace_files, index/bulk.py: per file it was a
   dozen, and the writer is on the critical path), so a run killed at any moment leaves
   whole files only, and the next run picks up the rest;
   Ctrl-C or SIGTERM rolls back the open batch and the CLI says how many files stayed.

Nothing here prints: `ingest()` yields events and the CLI decides what to show.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcdc_cli.codehash import stat_digest
from qcdc_cli.index.derived import derive, derive_key
from qcdc_cli.index.incremental import ChangeLog, unresolved_count
from qcdc_cli.read.files import DEFAULT_MAX_BYTES
from qcdc_cli.read.walk import Candidate, Walk, is_gone, walk

if TYPE_CHECKING:
    from qcdc_cli.index.corpus import FileRows
    from qcdc_cli.index.rows import KnownFile
    from qcdc_cli.index.store import Batch, Store
    from qcdc_cli.index.walkdigest import Digests
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.models import Extraction

MIN_CHUNKSIZE = 16
MAX_CHUNKSIZE = 64  # the last chunks end together: no core idles long at the end
WRITE_GROUP = 64  # files written together (Store.replace_files) ...
WRITE_SECONDS = 0.2  # ... or what arrived in this long, so progress keeps moving

Extractor = Callable[[str, "Vocabulary"], "Extraction"]


# ---------------------------------------------------------------------------------------
# events


@dataclass(frozen=True, slots=True)
class Planned:
    """The walk is done: this many files will be opened (the rest are unchanged)."""

    to_read: int
    to_read_bytes: int
    unchanged: int
    skipped_other: int


@dataclass(frozen=True, slots=True)
class FileDone:
    """One file has been written to the index."""

    path: str
    outcome: str  # "read" | "same" (content unchanged, only its mtime moved) | "failed"
    size: int
    error: str | None = None
    committed: int = 0  # files of this run made durable so far (an interrupted run keeps them)


@dataclass(frozen=True, slots=True)
class Deriving:
    """Every file is written; resolution over the whole index starts."""

    documents: int
    committed: int = 0  # files of this run, all durable now


@dataclass(slots=True)
class Summary:
    """What one run did, and what the index holds afterwards."""

    read: int = 0  # files opened and extracted
    unchanged: int = 0  # same size and mtime: not opened
    same_content: int = 0  # opened, same hash: not extracted again
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    skipped_other: Counter[str] = field(default_factory=Counter)  # suffix -> count
    pruned: int = 0
    missing: int = 0  # indexed under these folders but gone, not pruned (no --prune)
    bytes_read: int = 0
    encodings: dict[str, list[str]] = field(default_factory=dict)  # not UTF-8: enc -> paths
    derive_seconds: float | None = None  # None: nothing changed, resolution not re-run
    index: dict[str, int] = field(default_factory=dict)  # store.totals() + unresolved
    derived_incrementally: bool = False  # the derived rows were patched, not rebuilt

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `qcdc ingest --format json`."""
        return {
            "read": self.read,
            "unchanged": self.unchanged,
            "same_content": self.same_content,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "skipped_other": dict(sorted(self.skipped_other.items())),
            "pruned": self.pruned,
            "missing": self.missing,
            "bytes_read": self.bytes_read,
            "encodings": {k: sorted(v) for k, v in sorted(self.encodings.items())},
            "derive_seconds": self.derive_seconds,
            "index": self.index,
        }


@dataclass(frozen=True, slots=True)
class Finished:
    summary: Summary


@dataclass(slots=True)
class Durable:
    """The files of a run committed so far (`ingest(durable=...)`): read after stopping
    a run, it counts a commit that landed as Ctrl-C came, which no FileDone reported."""

    files: int = 0


Event = Planned | FileDone | Deriving | Finished


# ---------------------------------------------------------------------------------------
# the worker: read, hash, decode, extract, flatten into rows. Pure apart from reading.


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    known_sha256: str | None  # skip extraction when the bytes hash to this
    size: int = 0  # as walked


@dataclass(slots=True)
class _Outcome:
    path: str
    kind: str  # "read" | "same" | "failed"
    size: int = 0
    mtime_ns: int | None = None
    sha256: str | None = None
    encoding: str | None = None
    error: str | None = None
    rows: FileRows | None = None


_worker: dict[str, Any] = {}


def _init_worker(vocab: Vocabulary, extractor: Extractor, max_bytes: int) -> None:
    _worker.update(vocab=vocab, extractor=extractor, max_bytes=max_bytes)


def _init_pool_worker(vocab: Vocabulary, extractor: Extractor, max_bytes: int, parent: int) -> None:
    """A worker process stops quietly: Ctrl-C (sent to the whole process group) is the
    parent's to handle, SIGTERM (the pool ending) kills it without a traceback, and on
    Linux it dies with the parent, so a killed ingest leaves no orphan writing tracebacks
    into a closed pipe."""
    import signal

    from qcdc_cli.index.store import close_inherited_locks

    close_inherited_locks()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
    _init_worker(vocab, extractor, max_bytes)


def _level_of(code: str | None) -> str | None:
    if not code:
        return None
    info = _worker["vocab"].issuer(code)
    return info.level if info else None


def _process(task: _Task) -> _Outcome:
    """One file, start to finish, in a worker. Never raises: failures are outcomes."""
    from qcdc_cli.errors import InputError
    from qcdc_cli.index.corpus import file_rows
    from qcdc_cli.read.formats import read_bytes
    from qcdc_cli.read.fs import read_limited

    path = task.path
    try:
        data, st = read_limited(path, _worker["max_bytes"])
    except InputError as e:  # refused unread: no bytes read, none counted
        return _Outcome(path, "failed", error=e.problem)
    sha = hashlib.sha256(data).hexdigest()
    base = _Outcome(path, "read", size=len(data), mtime_ns=st.st_mtime_ns, sha256=sha)
    if sha == task.known_sha256:
        base.kind = "same"
        return base
    try:
        decoded = read_bytes(data, path)
    except InputError as e:
        base.kind, base.error = "failed", e.problem
        return base
    base.encoding = decoded.encoding
    try:
        extraction = decoded.finish(_worker["extractor"](decoded.logical, _worker["vocab"]))
        base.rows = file_rows(extraction, decoded.logical, _level_of)
    except Exception as e:  # a bug in extraction must not stop a 10,000-file ingest
        base.kind, base.error = "failed", f"internal error in extraction: {type(e).__name__}: {e}"
    return base


def default_extractor(text: str, vocab: Vocabulary) -> Extraction:
    from qcdc_cli.extract.text import extract_text

    return extract_text(text, vocab)


# ---------------------------------------------------------------------------------------
# the use case


@dataclass(frozen=True, slots=True)
class Options:
    jobs: int | None = None  # None: all cores
    prune: bool = False
    force: bool = False  # re-read every file even if unchanged
    max_bytes: int = DEFAULT_MAX_BYTES


# The code whose output an index stores, as packages: every module below them is hashed
# (tests/test_code_keys.py checks they cover all that the stages import).
EXTRACTOR_CODE = (
    "qcdc_cli.models",
    "qcdc_cli.errors",
    "qcdc_cli.read",
    "qcdc_cli.knowledge",
    "qcdc_cli.extract",
    "qcdc_cli.resolve",  # the rows of a file name its documents (resolve.split_units)
    "qcdc_cli.index",
)


def extractor_key(vocab: Vocabulary) -> str:
    """What produced an index's rows: qcdc's version, the extraction code, the vocabulary.

    Stored per file; when it differs from the running qcdc's, files are extracted again
    even if unchanged, so an upgrade or a registry edit never leaves stale rows behind.
    """
    from qcdc_cli import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(stat_digest(*EXTRACTOR_CODE).encode())  # code_digest, kept under the files' stats
    h.update(repr(vocab).encode())
    return f"{__version__}+{h.hexdigest()[:16]}"


MAX_KNOWN_AT = 5_000  # files changed past this: every files row is read whole, in one query


def _digests(store: Store, walked: Walk, key: str, force: bool) -> Digests | None:
    """The walk's folder digests (index.walkdigest), on SQLite; the index's are forgotten
    now, before the run's first write, and remembered again at its successful end."""
    from qcdc_cli.index.store import on_sqlite
    from qcdc_cli.index.walkdigest import Digests, forget

    return Digests(walked, key, forget(store), force) if on_sqlite(store) else None


def _known(
    store: Store, walked: Walk, key: str, force: bool, digests: Digests | None = None
) -> tuple[dict[str, KnownFile], set[Any], list[str]]:
    """(files rows by path, the (path, size, mtime_ns) of the unchanged files, the gone
    ones: `_gone`). On SQLite the folders whose digest matches are unchanged without
    reading their rows (index.walkdigest); else (Store.known_stats) only the rows of
    files that are not unchanged are read whole: what changed or is new, what failed,
    what is gone; `plan` finds the rest in `same`."""
    from qcdc_cli.index.store import on_sqlite

    if force or not on_sqlite(store):
        known = store.known_files()
        return known, set(), _gone(walked, known.keys())
    if digests is not None and (answer := digests.known(store, walked)) is not None:
        return answer
    same, indexed = store.known_stats(key)
    want = [c.path for c in walked.candidates if c not in same]
    want += [p for p, _ in walked.failures]
    if len(want) > MAX_KNOWN_AT:
        return store.known_files(), set(), _gone(walked, indexed)
    known = store.known_files_at(want)
    # one root walks each path once: then every indexed path was walked when the rows
    # found equal (one per unchanged candidate) and those read back (the others walked)
    # are all of them, and nothing is gone without comparing 100,000 paths again
    equal = len(walked.candidates) - len(want) + len(walked.failures)
    if len(walked.roots) == 1 and equal + len(known) == len(indexed):
        return known, same, []
    gone = _gone(walked, indexed)
    known.update(store.known_files_at(gone))
    return known, same, gone


def plan(
    walked: Walk, known: dict[str, KnownFile], key: str, force: bool, same: Container[tuple[Any, ...]] = ()
) -> tuple[list[_Task], list[Candidate]]:
    """Which files to open, and which are unchanged (same size and mtime, same extractor:
    `same` holds those, as `_known` found them; `known` the rows of the others)."""
    tasks: list[_Task] = []
    unchanged: list[Candidate] = []
    for c in walked.candidates:
        if c in same:
            unchanged.append(c)
            continue
        k = known.get(c.path)
        if k is None or k.status != "ok" or force or k.extractor != key:
            tasks.append(_Task(c.path, None, c.size))
        elif k.size == c.size and k.mtime_ns == c.mtime_ns:
            unchanged.append(c)
        else:
            tasks.append(_Task(c.path, k.sha256, c.size))
    return tasks, unchanged


def ingest(
    paths: Sequence[Path],
    store: Store,
    vocab: Vocabulary,
    options: Options = Options(),
    extractor: Extractor | None = None,
    registry: Registry | None = None,
    durable: Durable | None = None,
) -> Iterator[Event]:
    """Ingest `paths` into `store`, yielding a Planned, one FileDone per file opened or
    failed, a Deriving when resolution runs again, and a Finished with the summary.
    Runs under the store's ingest lock. `registry` defaults to the bundled one.
    `durable` counts the files committed, also when the run is stopped between a commit
    and the events that would have said so."""
    from qcdc_cli.index.rows import FileRecord

    extractor = extractor or default_extractor
    key = extractor_key(vocab)
    with store.ingest_lock():
        walked = walk(os.path.abspath(p) for p in paths)
        digests = _digests(store, walked, key, options.force)
        known, same, gone = _known(store, walked, key, options.force, digests)
        tasks, unchanged = plan(walked, known, key, options.force, same)
        del same
        summary = Summary(unchanged=len(unchanged), skipped_other=walked.skipped_other)
        summary.failed.extend(walked.missing_args)
        changes = _Changes(store, known)
        log = ChangeLog.start(store)
        # files will change, so resolution will run: its modules are loaded meanwhile
        warm = bool(tasks or walked.failures or (gone and options.prune))
        batch: Batch | None = None
        try:
            with _executor(len(tasks), vocab, extractor, options, warm) as run, store.batch() as batch:
                # the pool forks before the caller starts a progress thread
                yield Planned(
                    to_read=len(tasks) + len(walked.failures),
                    to_read_bytes=sum(t.size for t in tasks),
                    unchanged=len(unchanged),
                    skipped_other=sum(walked.skipped_other.values()),
                )
                written = committed = 0
                for path, reason in walked.failures:
                    changes.before(path, "failed")
                    log.before_write(store, path, "failed", known.get(path))
                    store.replace_file(FileRecord(path, None, None, status="failed", error=reason), None)
                    summary.failed.append((path, reason))
                    written += 1
                    committed = written if batch.maybe_commit(written) else committed
                    yield FileDone(path, "failed", 0, reason, committed)
                group: list[_Outcome] = []
                since = time.monotonic()
                for out in itertools.chain(run(tasks), (None,)):  # None: the end, write what is left
                    if out is not None:
                        changes.before(out.path, out.kind)
                        log.before_write(store, out.path, out.kind, known.get(out.path))
                        group.append(out)
                        if len(group) < WRITE_GROUP and time.monotonic() - since < WRITE_SECONDS:
                            continue
                    if group:
                        _write(store, group, key, summary)
                        written += len(group)
                        committed = written if batch.maybe_commit(written) else committed
                        yield from (FileDone(o.path, o.kind, o.size, o.error, committed) for o in group)
                    group, since = [], time.monotonic()
        except BaseException:  # Ctrl-C, SIGTERM: what the index kept (Batch.mark), for the caller
            if durable is not None and batch is not None:
                durable.files = batch.mark
            raise
        if durable is not None:
            durable.files = written
        if options.prune:
            if gone:
                changes.before(gone[0], "pruned")
                log.removed(gone, store, known)
            summary.pruned = store.remove_files(gone)
        else:
            summary.missing = len(gone)
        # resolution is what bounds a large ingest's memory: the walk and the plan (a few
        # objects per file, 100,000 files) are done with, and their memory is reused
        del walked, known, tasks, unchanged, changes, gone
        if registry is None:
            from qcdc_cli.knowledge.registry import load_registry

            registry = load_registry(())
        dkey = derive_key(registry)
        totals = None
        with store.derive_lock():  # PostgreSQL: concurrent ingests derive one at a time
            stale, old_key = store.derived_state()
            if stale or old_key != dkey:
                totals = store.totals()
                yield Deriving(totals.documents, written)
                summary.derive_seconds = derive(store, vocab, registry, dkey, log)
                summary.derived_incrementally = log.patched
        unresolved = unresolved_count(store)  # remembered in the index (on SQLite)
        from qcdc_cli.index.store import on_sqlite

        if totals is None or not on_sqlite(store):  # PostgreSQL: ingests share the index
            totals = store.totals()  # counting refs and mentions: ~30 ms at 100,000 files
        summary.index = {**totals.to_dict(), "unresolved": unresolved}
        summary.failed.sort()
        if digests is not None:
            digests.remember(store)
    yield Finished(summary)


# Held while a thread imports: a worker forked then (the pool forks again when one dies)
# could inherit an import lock held by a thread it does not have, and hang on it.
_FORK_LOCK = threading.Lock()


def _warm_resolution() -> None:
    """Import the lineage graph's modules and read the gazetteer of places (a few tenths
    of a second) while the workers extract and this process mostly waits for them: after
    the last file, everything resolution does is the critical path. No worker is forked
    meanwhile (_FORK_LOCK)."""
    with _FORK_LOCK:
        from qcdc_cli.knowledge.places import gazetteer
        from qcdc_cli.lineage.graph import LineageGraph

        LineageGraph()
        gazetteer()


def _guarded_pool(ctx: Any) -> Any:
    """multiprocessing's Pool whose workers, the first ones and any it starts again
    later, are forked only while no thread holds _FORK_LOCK."""
    from multiprocessing.pool import Pool

    class GuardedProcess(ctx.Process):  # the context's own kind (fork on Linux)
        def start(self) -> None:
            with _FORK_LOCK:
                super().start()

    class GuardedPool(Pool):
        @staticmethod
        def Process(ctx: Any, *args: Any, **kwds: Any) -> Any:  # Pool's own name
            return GuardedProcess(*args, **kwds)

    return GuardedPool


class _Changes:
    """Marks the derived tables stale before the first write that can change documents,
    so a run killed after it makes the next run derive again."""

    def __init__(self, store: Store, known: dict[str, KnownFile]) -> None:
        self.store = store
        self.known = known
        self.marked = False

    def before(self, path: str, kind: str) -> None:
        if self.marked or kind == "same":
            return
        if kind == "failed" and (k := self.known.get(path)) is not None and k.status == "failed":
            return  # failed before, failed again: it had no documents to lose
        self.store.mark_stale()
        self.marked = True


def _gone(walked: Walk, known: Collection[str]) -> list[str]:
    """Indexed paths (as the run began) under the walked roots that the walk did not find
    and that the file system says no longer exist: a file in a folder that could not be
    listed this time is not gone, and is neither counted missing nor pruned."""
    unseen = set(known) - {c.path for c in walked.candidates} - {p for p, _ in walked.failures}
    prefixes = tuple(r.rstrip(os.sep) + os.sep for r in walked.roots)
    roots = set(walked.roots)
    return sorted(p for p in unseen if (p in roots or p.startswith(prefixes)) and is_gone(p))


def _write(store: Store, outs: list[_Outcome], key: str, summary: Summary) -> None:
    """Write a group of outcomes: the files read or failed as one unit (Store.replace_files:
    a few statements for the group, not a dozen per file), a stat update for the others."""
    from qcdc_cli.index.rows import FileRecord

    items: list[tuple[FileRecord, FileRows | None]] = []
    for out in outs:
        if out.kind == "same":
            store.update_stat(out.path, out.size, out.mtime_ns or 0)
            summary.same_content += 1
        elif out.kind == "read":
            items.append(
                (FileRecord(out.path, out.size, out.mtime_ns, out.sha256, out.encoding, extractor=key), out.rows)
            )
            summary.read += 1
            if out.encoding and out.encoding not in ("utf-8", "utf-8-sig"):
                summary.encodings.setdefault(out.encoding, []).append(out.path)
        else:
            error = out.error or "unknown error"
            record = FileRecord(out.path, out.size or None, out.mtime_ns, out.sha256, status="failed", error=error)
            items.append((record, None))
            summary.failed.append((out.path, error))
        summary.bytes_read += out.size
    if items:
        store.replace_files(items)


@contextmanager
def _executor(
    n_tasks: int, vocab: Vocabulary, extractor: Extractor, options: Options, warm: bool = False
) -> Iterator[Callable[[list[_Task]], Iterator[_Outcome]]]:
    """A function from tasks to outcomes in completion order: in this process for one
    job (or a handful of files), else over a process pool created here and now; with
    `warm`, resolution's modules are loaded meanwhile, in a thread (_warm_resolution),
    once the pool has forked its workers."""
    jobs = options.jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, n_tasks // MIN_CHUNKSIZE or 1))
    if jobs == 1:
        if warm:
            threading.Thread(target=_warm_resolution, name="qcdc-warm", daemon=True).start()
        _init_worker(vocab, extractor, options.max_bytes)
        try:
            yield lambda tasks: map(_process, tasks)
        finally:
            _worker.clear()
        return
    import multiprocessing

    # fork on Linux: workers inherit the loaded vocabulary and modules instead of importing
    # pydantic and re-reading the registry each (spawn is the default elsewhere).
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    chunksize = max(MIN_CHUNKSIZE, min(MAX_CHUNKSIZE, n_tasks // (jobs * 8) or 1))
    initargs = (vocab, extractor, options.max_bytes, os.getpid())
    with _guarded_pool(ctx)(jobs, initializer=_init_pool_worker, initargs=initargs, context=ctx) as pool:
        if warm:
            threading.Thread(target=_warm_resolution, name="qcdc-warm", daemon=True).start()
        yield lambda tasks: pool.imap_unordered(_process, tasks, chunksize=chunksize)
