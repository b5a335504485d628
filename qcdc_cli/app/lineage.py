"""What `trace` and `show` share: pick the document the user means, read the lineage around it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcdc_cli.errors import InputError
    from qcdc_cli.index.derived import Scope
    from qcdc_cli.index.store import Store
    from qcdc_cli.lineage.graph import LineageGraph
    from qcdc_cli.resolve.resolve import Catalog, Known


def index_path(db: Path | None, corpus_given: bool) -> Path | None:
    """The index to read: --db, else $QCDC_DB, else the default one when it exists and
    no --corpus was given (so a corpus alone gives the same answer in any folder)."""
    import os

    from qcdc_cli.index.dburl import as_target
    from qcdc_cli.index.store import DB_ENV, DEFAULT_DB

    if db is not None:
        return as_target(db)
    if os.environ.get(DB_ENV):
        return as_target(Path(os.environ[DB_ENV]))
    if not corpus_given and DEFAULT_DB.is_file():
        return DEFAULT_DB
    return None


@dataclass
class Lineage:
    """What `trace` and `show` print from: the document picked, the catalog that named
    it and the graph around it; `errors` are files given with --corpus that could not
    be read (the answer stands, the exit code says so); `notes` are warnings about the
    index (resolved under another registry, an ingest stopped before resolving)."""

    catalog: Catalog
    known: Known
    graph: LineageGraph
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def lineage(
    document: str,
    *,
    province: str | None,
    year: int | None,
    scope: Scope,
    depth: int | None = None,
    corpus: Sequence[Path] | None = None,
    registry: Sequence[Path] | None = None,
    db: Path | None = None,
    as_of: str | None = None,
    shown: Callable[[LineageGraph, str], Iterable[str]] | None = None,
    lean: bool = False,
    evidence: bool = True,
) -> Lineage:
    """The lineage around `document` (with `as_of`, an ISO day: as it stood that day).
    From an index alone, only the documents the typed number can mean and the part of
    the graph `scope` reaches are read (a trace of one plan in a 100,000-document index
    stays well under a second). With --corpus, texts join the index and everything is
    resolved together. `shown`: for a trace of limited depth, what it shows of a graph
    from the document picked (index.derived.index_graph reads the rest thinly). `lean`:
    the answer is for a text view, which prints a link's first pieces of evidence and
    counts the rest (index_graph(lean=True) reads only those). Not `evidence`: an
    answer that prints none (`coverage`), so an index is read without it."""
    paths = list(corpus or ())
    db_path = index_path(db, bool(paths))
    notes: list[str] = []
    if db_path is not None and not paths:
        from qcdc_cli.index.backend import open_reader
        from qcdc_cli.index.derived import index_catalog, index_graph

        with open_reader(db_path) as store:  # one read transaction for the whole answer
            stored, where = _stored_resolution_usable(db_path, registry or (), notes, store)
            if stored:
                catalog = index_catalog(store, document, registry or ())
                known = pick(catalog, document, province, year, where=where, as_of=as_of)
                # as_of filters the whole graph: it is read whole then
                graph = index_graph(
                    store, known.id, scope, depth, shown=shown if as_of is None else None, lean=lean, evidence=evidence
                )
                found = Lineage(catalog, known, graph, notes=notes)
                return _as_of(found, as_of)
    catalog, graph, errors = load(paths, registry, db_path)
    searched = _describe_index(db_path) if db_path is not None and not catalog.units else None
    known = pick(catalog, document, province, year, where=searched, as_of=as_of)
    return _as_of(Lineage(catalog, known, graph, errors, notes), as_of)


def _as_of(found: Lineage, day: str | None) -> Lineage:
    """The lineage as it stood on `day`: documents issued later left out, the document's
    registry status as it was then."""
    if day is None:
        return found
    from dataclasses import replace

    found.graph = found.graph.as_of(day, keep=found.known.id)
    found.known = replace(found.known, status=found.known.status_on(day))
    return found


# An index resolved under another registry or qcdc version is resolved again in memory up
# to this size (seconds); above it, that would take minutes (386 s at 100,000 documents),
# so the stored resolution answers, with a warning saying how to refresh it.
RESOLVE_AGAIN_UP_TO = 5_000


def _stored_resolution_usable(
    db_path: Path, registry: Sequence[Path], notes: list[str], store: Store | None = None
) -> tuple[bool, str]:
    """(whether the index's resolved tables can answer, what to call the index in
    messages). They were made for one registry and one qcdc: for another, a small index
    is resolved again; a large one answers as resolved, and `notes` says so. An ingest
    stopped before resolving leaves the previous resolution: used, with a note."""
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.derived import derive_key, document_count
    from qcdc_cli.knowledge.registry import load_registry

    if store is None:
        with open_reader(db_path) as own:
            return _stored_resolution_usable(db_path, registry, notes, own)
    stale, key = store.derived_state()
    documents = document_count(store.con)
    where = _describe_index(db_path, documents)
    if key is None:  # never resolved: only an ingest killed before its first resolution
        return False, where
    if key != derive_key(load_registry(registry)):
        if documents <= RESOLVE_AGAIN_UP_TO:
            return False, where
        notes.append(
            f"{db_path}: resolved with another registry or qcdc version; answering as resolved then "
            "(run `qcdc ingest` again, with the same --registry, to resolve it with this one)"
        )
    elif stale and store.ingest_running():
        notes.append(f"{db_path}: an ingest is updating it; answering from the previous resolution")
    elif stale:
        notes.append(f"{db_path}: the last ingest stopped before resolving; answering from the previous resolution")
    return True, where


def _describe_index(db_path: Path, documents: int | None = None) -> str:
    if documents is None:
        from qcdc_cli.index.backend import open_reader
        from qcdc_cli.index.derived import document_count

        with open_reader(db_path) as store:
            documents = document_count(store.con)
    return f"the registry and the index {db_path} ({documents:,} document(s))"


def load(
    corpus: Sequence[Path] | None, registry: Sequence[Path] | None, db: Path | None = None
) -> tuple[Catalog, LineageGraph, list[InputError]]:
    """The registry, the index `db` and the texts given with --corpus, all resolved
    together, with the files that could not be read (NothingReadable when none could)."""
    from qcdc_cli.app.pipeline import build_lineage
    from qcdc_cli.errors import InputError, NothingReadable

    paths = list(corpus or ())
    for path in paths:
        if not path.exists():
            raise InputError(str(path), "no such file or folder")
    catalog, graph, errors = build_lineage(paths, list(registry or ()), db)
    if paths and errors and not catalog.units:
        raise NothingReadable(errors)
    return catalog, graph, errors


def pick(
    catalog: Catalog,
    text: str,
    province: str | None,
    year: int | None,
    *,
    where: str | None = None,
    as_of: str | None = None,
) -> Known:
    """The one document `text` means, or a clear error: unknown (with close numbers) or
    ambiguous (with the candidates and how to choose). `where` says what was searched
    when the catalog holds no texts read (an index read a piece at a time)."""
    from qcdc_cli.errors import AmbiguousDocument, UnknownDocument

    res = catalog.find(text, province=province, year=year, as_of=as_of)
    if res.document is not None:
        return res.document
    if where is None:
        where = (
            f"the registry and {len(catalog.units)} document(s) read"
            if catalog.units
            else "the registry (give texts with --corpus or an index with --db)"
        )
    if res.status == "ambiguous":
        lines = [
            f"{text} matches {len(res.candidates)} documents in {where}; pick one with its id, --province or --year:"
        ]
        lines += [f"  {k.describe()}" for k in res.candidates]
        raise AmbiguousDocument("\n".join(lines))
    message = f"{text}: {res.reason}" if res.reason else f"no document {text} is known in {where}"
    if res.candidates and not res.reason:
        message += "; close numbers: " + ", ".join(dict.fromkeys(k.id for k in res.candidates))
    raise UnknownDocument(message)
