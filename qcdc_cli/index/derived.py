"""The derived tables, both ways: `derive` resolves the whole stored corpus and writes
nodes, links, evidence, issues, speakers and resolutions; `index_catalog` and
`index_graph` read back the piece a `trace` or `show` needs. `derive_key` says which
registry and code produced them, so readers can tell when they are out of date.

A trace over 100,000 indexed documents must not rebuild the whole catalog and graph:
`index_catalog` loads only the documents the typed number can mean (enough for
resolve.Catalog.find, and so for app.lineage.pick), `index_graph` only the documents a
recursive query over the links table reaches from the one picked. Both take an open
Store (one read transaction for the whole question) or a path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from qcdc_cli.codehash import sha256, stat_digest
from qcdc_cli.index.gc import small_sqlite_cache, without_cyclic_gc
from qcdc_cli.index.rows import (
    Derived,
    EvidenceRow,
    IssueRow,
    LinkRow,
    NodeKeyRow,
    SpeakerRow,
    known_from_row,
    known_row,
)
from qcdc_cli.models import Evidence

if TYPE_CHECKING:
    import sqlite3

    from qcdc_cli.index.incremental import ChangeLog
    from qcdc_cli.index.rows import Subgraph
    from qcdc_cli.index.store import Store
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.lineage.graph import Issue, LineageGraph
    from qcdc_cli.models import DocNode, Link
    from qcdc_cli.resolve.resolve import Catalog, CitingUnit

# The code the derived tables depend on besides the files, as packages: every module
# below them is hashed.
DERIVE_CODE = (
    "qcdc_cli.models",
    "qcdc_cli.errors",
    "qcdc_cli.read",
    "qcdc_cli.knowledge",
    "qcdc_cli.extract",
    "qcdc_cli.index",
    "qcdc_cli.resolve",
    "qcdc_cli.lineage",
)

Scope = str  # "up", "down", "both" (what `trace` shows), "near" (one link either way: `show`) or "all"


def derive_key(registry: Registry) -> str:
    """What derived tables depend on besides the files: the registry and the resolver.
    The registry is hashed as its `model_dump_json()` (`_registry_json`: the same text);
    the code's digest is kept across runs under its files' size and mtime (stat_digest:
    reading and hashing 600 KB of source was a tenth of a commune plan's trace)."""
    h = sha256(_registry_json(registry).encode())  # codehash's: no OpenSSL to load (~3 ms)
    h.update(stat_digest(*DERIVE_CODE).encode())
    return h.hexdigest()[:16]


def _registry_json(registry: Registry) -> str:
    """`registry.model_dump_json()`, built with each record type's field names looked up
    once (every trace asks for the key: knowledge.schema's generic walk took 5 ms of it).
    tests/test_trace_lean.py compares both."""
    import json

    return json.dumps(_plain(registry), ensure_ascii=False, separators=(",", ":"))


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _plain(value: object) -> object:
    """knowledge.schema._plain(value, exclude_defaults=False)."""
    kind = type(value)
    try:
        names = _FIELD_NAMES[kind]
    except KeyError:
        import dataclasses

        names = _FIELD_NAMES[kind] = (
            tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        )
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------
# writing


def derive(store: Store, vocab: Vocabulary, registry: Registry, key: str, changes: ChangeLog | None = None) -> float:
    """Resolve every stored reference against a catalog of the whole corpus and the
    registry, build the lineage graph (lineage.graph.build_graph), and store nodes, links,
    evidence, issues and resolutions in one transaction. Returns the seconds it took.

    Whole-corpus, because one new document can change what others' citations mean (a
    second 62-KH/TU makes a citation ambiguous); but with `changes` (what this ingest
    wrote), index.incremental patches the rows those files can change instead (their
    evidence, or what index.reresolve resolves again), with the same result.
    """
    import time

    started = time.perf_counter()
    if changes is not None:
        from qcdc_cli.index.incremental import patch

        if patch(store, vocab, registry, key, changes):
            return time.perf_counter() - started
    with without_cyclic_gc():
        with small_sqlite_cache(getattr(store, "con", None)):
            rows = derived_rows(store, vocab, registry)
        store.replace_derived(rows, key)
    return time.perf_counter() - started


def derived_rows(store: Store, vocab: Vocabulary, registry: Registry) -> Derived:
    """The rows of the derived tables for what `store` holds now."""
    from qcdc_cli.index.reresolve_base import resolution_row
    from qcdc_cli.lineage.graph import build_graph
    from qcdc_cli.resolve.resolve import Catalog, Known, loose

    # Each stage drops what the next ones no longer read (cyclic gc is off: `del` and
    # reference counting free it), so the rows are made in the memory the corpus held:
    # peak memory is what a 100,000-file ingest is bounded by.
    corpus, quotes = store.load_corpus()
    ids = {(path, i): doc_id for path, _, doc_ids in corpus for i, doc_id in enumerate(doc_ids)}
    catalog = Catalog.build(registry, vocab, [(path, ex) for path, ex, _ in corpus])
    del corpus  # the catalog's units hold what is still read of it
    out = Derived()
    document_of: dict[str, int] = {}

    def resolutions(
        unit: CitingUnit,
        ids: dict[tuple[str, int], int] = ids,
        document_of: dict[str, int] = document_of,
        catalog: Catalog = catalog,
    ) -> None:
        doc_id = ids.pop((unit.path, unit.segment))  # each unit once: the dict empties
        document_of.setdefault(catalog.document_of(unit).id, doc_id)
        context = catalog.context_of(unit)
        out.resolutions.extend(resolution_row(catalog, ref, context, doc_id) for ref in unit.references)

    # each unit's resolutions made beside its links, and the unit let go after them:
    # the corpus is freed as the graph grows
    graph = build_graph(catalog, registry, None, quotes, each=resolutions, drain=True)
    del quotes, ids, resolutions
    catalog.drop_corpus()  # every reference is resolved: the answers go
    known_ids = set()
    for k in catalog.entries:
        known_ids.add(k.id)
        out.nodes.append(known_row(k, document_of.get(k.id)))
        for spelling in dict.fromkeys(loose(n) for n in (k.number, *k.aliases) if n):
            out.node_keys.append(NodeKeyRow(spelling, k.id))
    for node in graph.nodes():  # ends of links the catalog does not know (registry targets)
        if node.id not in known_ids:
            bare = Known(node.number, type=node.type, issuer_code=node.issuer_code, id=node.id)
            out.nodes.append(known_row(bare, None))
            if node.number:
                out.node_keys.append(NodeKeyRow(loose(node.number), node.id))
    del catalog, known_ids, document_of
    for link in graph.links():
        out.links.append(LinkRow(link.source, link.target, link.relation))
        for seq, ev in enumerate(link.evidence):
            out.evidence.append(EvidenceRow(link.source, link.target, seq, ev.path, ev.line, ev.text, ev.registry))
    for issue in graph.issues:
        said = issue.evidence
        out.issues.append(
            IssueRow(
                kind=issue.kind,
                source=issue.source,
                number=issue.number,
                message=issue.message,
                target=issue.target,
                candidates="\n".join(issue.candidates),
                path=said.path if said else None,
                line=said.line if said else None,
                text=said.text if said else None,
                registry=said.registry if said else None,
            )
        )
    for path, spans in graph.speakers.items():
        out.speakers.extend(SpeakerRow(path, first_line, ident) for first_line, ident in spans)
    del graph
    # in primary-key order: SQLite then appends to each table's B-tree instead of
    # inserting all over it (issues keep their order: it numbers them)
    out.nodes.sort(key=lambda row: row[:2])
    out.node_keys.sort(key=lambda row: row[:2])
    out.speakers.sort(key=lambda row: row[:2])
    out.resolutions.sort(key=lambda row: row[:2])
    return out


# ---------------------------------------------------------------------------------------
# reading, a piece at a time


def document_count(con: sqlite3.Connection) -> int:
    """How many documents the index holds: what `trace` and `show` say of an index, without
    the other totals (counting the failed files scans every file row: 40 ms at 100,000);
    here, not in index.queries, which a trace does not import."""
    return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])


@contextmanager
def _reading(source: Path | Store) -> Iterator[Store]:
    """The store to read: `source` itself, or a reader opened on the path for this call."""
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.store import Store

    if isinstance(source, Store):
        yield source
        return
    with open_reader(source) as store:
        yield store


def index_catalog(source: Path | Store, text: str, registry_paths: Sequence[Path] = ()) -> Catalog:
    """A catalog of the indexed documents `text` (a number, an id, "file:PATH") can
    mean, with the ids the full index gave them; its `find` answers as the full one."""
    import re

    from qcdc_cli.errors import StoreError
    from qcdc_cli.knowledge.registry import load_registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.resolve.resolve import FILE_PREFIX, Catalog, loose

    registry = load_registry(registry_paths)
    catalog = Catalog(Vocabulary.from_registry(registry), registry.terms)
    text = text.strip()
    with _reading(source) as store:
        if text.startswith(FILE_PREFIX):
            rows = store.numberless_nodes()
        else:
            number = re.split(r"[@#]", text, maxsplit=1)[0].strip()
            # a registry id ("TW:KL:120@XI", shown as evidence): the documents of its number
            number = next((d.number for d in registry.documents if d.id == text), number)
            rows = store.nodes_for_keys([loose(number)]) + store.nodes_by_id([text])
            if not rows:  # nothing by that number: its neighbours, for "did you mean"
                serial = re.match(r"[^-/]*[-/]", loose(number))
                keys = store.keys_with_prefix(serial.group()) if serial else []
                rows = store.nodes_for_keys(keys)
            # every document with the number of one found (through an alias too): ids are
            # qualified within such groups, so only whole groups get the index's ids back
            rows += store.nodes_for_keys(loose(row.number) for row in rows if row.number)
        where = store.path
    seen: set[str] = set()
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            catalog.add(known_from_row(row), merge=False)
    stored = {k.id for k in catalog.entries}
    catalog.finish()  # the same groups as in the full index, so the same ids
    if {k.id for k in catalog.entries} != stored:  # resolved under rules that scope them otherwise
        raise StoreError(
            f"{where}: its documents numbered {text} were named under another registry or qcdc version; "
            "run `qcdc ingest` again to resolve the index with this one"
        )
    return catalog


def index_graph(
    source: Path | Store,
    ident: str,
    scope: Scope = "up",
    depth: int | None = None,
    *,
    shown: Callable[[LineageGraph, str], Iterable[str]] | None = None,
    lean: bool = False,
    evidence: bool = True,
) -> LineageGraph:
    """The part of the indexed lineage graph around `ident`: everything above it (`up`),
    below it (`down`), both, or one link away (`near`), with evidence and the issues its
    documents' citations raise; the whole graph for `all` (`ident` is then ignored).

    With `depth`, one level more than a trace of that depth shows, so it can still say
    how many links lie beyond; shortcut folding then sees paths within those levels only.

    `shown` (with `depth`, for `up`, `down`, `both`): the documents a trace of the graph
    from `ident` shows (the ids of its `nodes`), given the graph and `ident`. The links
    are then read first, without the documents (`_skeleton`), `shown` is asked on that
    skeleton, and only what it names is read in full; the links of the others keep one
    piece of evidence (a text's when one states it: all that folding asks). The same
    trace returns the same answer from this graph; the graph itself is thinner (no
    `as_of` on it). 120-KL/TW --down --depth 1 over 100,000 documents: 711 documents
    and their links read in full, not 4,520.

    `lean`: for a text view (render.trace), which prints each link's first evidence
    (its source's own lines first) and how many more: of each link's evidence only what
    it can print is read (Store.subgraph_rows' `elided`), the rest counted in
    `LineageGraph.elided`. A commune plan's trace reads 3,523 rows of a hub link for two.
    With `near` (`show`), only the links to and from `ident` then: all `show` prints.
    Not `evidence`: links without evidence, no speakers (`coverage` counts documents).
    """
    # a hub's subtree is ~100,000 nodes and a million objects that all live to the end:
    # cyclic collections walking them again and again took a third of the time
    with without_cyclic_gc():
        with _reading(source) as store:
            if scope == "all":
                ids = store.all_node_ids()
            elif scope == "near":
                ids = store.neighbours(ident)
            else:
                ids = {ident}
                for way in ("up", "down"):
                    if scope in (way, "both"):
                        ids |= store.reach(ident, way, None if depth is None else depth + 1)
            elided: dict[tuple[str, str], int] | None = {} if lean else None
            if shown is not None and depth is not None and scope in ("up", "down", "both") and evidence:
                return _thin_graph(store, ids, ident, shown, elided)
            about = [ident] if scope != "all" else []
            star = ident if lean and scope == "near" else None  # `show` prints the document's own links
            rows = store.subgraph_rows(ids, about=about, elided=elided, evidence=evidence, star=star)
        graph = _graph(rows)
        graph.elided = elided or {}
        return graph


def _graph(rows: Subgraph) -> LineageGraph:
    """A LineageGraph of subgraph rows."""
    from qcdc_cli.lineage.graph import LineageGraph

    return LineageGraph.from_links(*_objects(rows))


def _objects(rows: Subgraph) -> tuple[list[DocNode], list[Link], list[Issue], dict[str, list[tuple[int, str]]]]:
    """The nodes, links, issues and speakers subgraph rows describe."""
    from qcdc_cli.lineage.graph import Issue
    from qcdc_cli.models import Evidence, Link

    evidence: dict[tuple[str, str], list[Evidence]] = {}
    for source_id, target, path, line, text, registry in rows.evidence:
        evidence.setdefault((source_id, target), []).append(Evidence(path, line, text, registry))
    issues = [
        Issue(
            i.kind,  # type: ignore[arg-type]
            i.source,
            i.number,
            i.message,
            i.target,
            tuple(i.candidates.split("\n")) if i.candidates else (),
            Evidence(i.path, i.line, i.text, i.registry) if (i.path or i.registry) else None,
        )
        for i in rows.issues
    ]
    speakers: dict[str, list[tuple[int, str]]] = {}
    for s in rows.speakers:
        speakers.setdefault(s.path, []).append((s.first_line, s.id))
    nodes = [known_from_row(r).node() for r in rows.nodes]
    return nodes, [Link(s, t, rel, evidence.get((s, t), [])) for s, t, rel in rows.links], issues, speakers


def _skeleton(store: Store, ids: set[str]) -> list[tuple[str, str, str, int, int]]:
    """The links among `ids`, in `subgraph_rows` order, as (source, target, relation,
    whether it has evidence, whether a text states it): all a trace asks of a link it
    does not show (lineage.trace._stated)."""
    store._select(ids, table="sela")
    return store.con.execute(
        "SELECT x.source, x.target, x.relation, v.seq IS NOT NULL, v.registry IS NULL AND v.seq IS NOT NULL"
        " FROM temp.sela a CROSS JOIN links x ON x.source = a.id"
        # evidence is stored in add_link's order, a text's before the registry's: seq 0
        " LEFT JOIN evidence v ON v.source = x.source AND v.target = x.target AND v.seq = 0"
        " WHERE EXISTS (SELECT 1 FROM temp.sela b WHERE b.id = x.target)"
        " ORDER BY a.id, x.target"
    ).fetchall()


# the evidence of a skeleton's link (one piece, as `_stated` reads it): replaced by the
# link's rows when the trace shows it (`refine`); never printed
_SAID = Evidence()
_REGISTERED = Evidence(registry="(registry)")


def _thin_graph(
    store: Store,
    ids: set[str],
    ident: str,
    shown: Callable[[LineageGraph, str], Iterable[str]],
    elided: dict[tuple[str, str], int] | None = None,
) -> LineageGraph:
    """The graph of `ids` a trace needs (index_graph's `shown`): every link, with one piece
    of evidence; in full, only the documents the trace shows and the links among them;
    the issues `subgraph_rows` reads that the trace keeps (raised by a shown document,
    about one, or about `ident`), in their one order."""
    from qcdc_cli.index.rows import IssueRow, Subgraph, columns
    from qcdc_cli.lineage.graph import LineageGraph
    from qcdc_cli.models import Link

    graph = LineageGraph.from_unique_links(
        Link(s, t, rel, [_SAID if said else _REGISTERED] if evidence else [])
        for s, t, rel, evidence, said in _skeleton(store, ids)
    )
    inside = (set(shown(graph, ident)) & ids) | {ident} if ident in graph else {ident}  # no link: none to show
    rows = store.subgraph_rows(inside, about=[ident], elided=elided)
    store._select(inside, table="selS")  # temp.sela holds `ids` still (_skeleton)
    issues = [
        IssueRow(*r)
        for r in store.con.execute(
            f"SELECT {columns(IssueRow)} FROM issues"
            " WHERE source IN (SELECT id FROM temp.selS) OR target = ?"
            " OR (source IN (SELECT id FROM temp.sela) AND target IN (SELECT id FROM temp.selS))"
            " ORDER BY seq",
            (ident,),
        )
    ]
    graph.refine(*_objects(Subgraph(rows.nodes, rows.links, rows.evidence, issues, rows.speakers)))
    graph.elided = elided or {}
    return graph
