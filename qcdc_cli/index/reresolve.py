"""Incremental re-resolution: after an ingest that added, removed or renumbered
documents, resolve again only what those documents can change, and patch the derived
rows in place with the result a full `derived.derive` would give.

What one document can change is bounded by its numbers' *class*: the loose serial of a
number ("62" for 62-KH/TU and 62/2019/NĐ-CP). The catalog never looks across classes:
filing and merging go by number, ids are qualified within a number's group, and the two
lookups that look further (`rules.likely_reading`, `KnownDocuments.readable`) stay within
one serial (registry aliases join their classes). So the entries of a class follow from
the registry, the corpus documents numbered in it, and the citations of it, read in the
context of the citing document.

Starting from the classes the changed files' documents (old and new) carry or cite, the
entries of those classes (`C`) are rebuilt as `Catalog.build` builds them, from the
documents numbered in them and every citation of them (found through the indexes on
`refs.number` and a scan of `reported_relations`); the other classes' entries are the
stored nodes. When a document of an unchanged file gets another id or context (a new
document merged with it), every class it cites joins `C` and the round starts again.
Then every citation touching `C` is replayed twice, under the stored entries (what it
gave) and under the new ones (what it gives now), and the difference is applied to
resolutions, links, evidence, issues, speakers, nodes and node_keys.

`Unsafe` is raised where the affected set or the patch cannot be computed safely; the
caller then resolves the whole index: a number whose serial is not plain digits, a
class set that grows past MAX_CLASSES, stored rows that disagree with a replay, a link
whose relation came from evidence that left and whose other evidence cannot be replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qcdc_cli.index.reresolve_base import (
    MAX_CLASSES,
    Old,
    Unsafe,
    _close,
    _first_line,
    _in,
    _linked,
    _own,
    _ranges,
    _Unit,
    _unit_cites,
    number_class,
    ref_classes,
    reported_classes,
    set_families,
)

if TYPE_CHECKING:
    import sqlite3

    from qcdc_cli.index.corpus import Quotes
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.models import Evidence
    from qcdc_cli.resolve.resolve import Catalog, Known


@dataclass(slots=True)
class _World:
    """What the stored rows say around the affected classes."""

    units: list[_Unit]  # unchanged files' documents, loaded whole by file
    quotes: Quotes
    speakers: dict[tuple[str, int], str]  # (path, first line) -> stored id
    paths: set[str]  # the files loaded


def _node_rows(con: sqlite3.Connection, classes: set[str]) -> list[tuple[Any, ...]]:
    """Stored nodes with a number or alias in these classes."""
    from qcdc_cli.index.rows import NODE_COLUMNS

    ids: set[str] = set()
    for lo, hi in _ranges(classes, written=False):
        ids.update(i for (i,) in con.execute("SELECT id FROM node_keys WHERE key >= ? AND key < ?", (lo, hi)))
    rows = _in(con, f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN ({{}})", sorted(ids))
    out = []
    for row in rows:
        numbers = [row[1], *(row[21].split("\n") if row[21] else [])]
        mine = {c for n in numbers if n for c in (number_class(n), number_class(n, row[2]))}
        if mine & classes:
            if not mine <= classes:
                raise Unsafe("a node whose number reads in two classes")
            out.append(row)
    return out


def _citing_docs(con: sqlite3.Connection, classes: set[str]) -> set[int]:
    """Documents whose references or reported relations write a number of `classes`
    (found by serial through the indexes, then kept by class)."""
    from qcdc_cli.models import Reference

    docs: set[int] = set()
    if not classes:  # a change with no number in it (no serial to look up): no SQL condition
        return docs
    # each serial's two ranges ("30-" to "30." and "30/" to "300") read as one, "30-" to
    # "300": half the comparisons in the scans below; the few numbers between ("30.x")
    # are dropped by class like any other
    two = _ranges(classes)  # per spelling: (s-, s.), (s/, s0)
    ranges = [(two[i][0], two[i + 1][1]) for i in range(0, len(two), 2)]
    cols = "document_id, number, system, type, malformed, suggestion"
    rows = []
    for lo, hi in ranges:
        rows += con.execute(f"SELECT {cols} FROM refs WHERE number >= ? AND number < ?", (lo, hi)).fetchall()
    where = " OR ".join("(x >= ? AND x < ?)" for _ in ranges)
    args = [v for r in ranges for v in r]
    rows += con.execute(
        f"SELECT {cols} FROM refs WHERE suggestion IS NOT NULL AND (" + where.replace("x", "suggestion") + ")", args
    ).fetchall()
    # a hub number is cited by thousands of documents in a few spellings: each spelling
    # is read once
    hit: dict[tuple[Any, ...], bool] = {}
    for row in rows:
        doc = row[0]
        if doc in docs:
            continue
        key = row[1:]
        found = hit.get(key)
        if found is None:
            number, system, type_, malformed, suggestion = key
            ref = Reference(number, system, type_, "", malformed=bool(malformed), suggestion=suggestion)
            found = hit[key] = bool(ref_classes(ref) & classes)
        if found:
            docs.add(doc)
    # (through schema.LOOKUP_INDEXES where the index has them); each number read once
    sql = "SELECT document_id, source, target FROM reported_relations WHERE " + where.replace("x", "source")
    sql += " OR " + where.replace("x", "target")
    mine: dict[str, bool] = {}
    for doc, source, target in con.execute(sql, args + args):
        if doc in docs:
            continue
        a = mine.get(source)
        if a is None:
            a = mine[source] = number_class(source) in classes
        if not a:
            a = mine.get(target)
            if a is None:
                a = mine[target] = number_class(target) in classes
        if a:
            docs.add(doc)
    return docs


def _load_world(
    con: sqlite3.Connection, paths: set[str], docs: set[int], changed: set[str], ids: Sequence[int] = ()
) -> _World:
    from qcdc_cli.index.corpus import load_corpus
    from qcdc_cli.resolve.resolve import split_units

    file_ids = {f for (f,) in _in(con, "SELECT DISTINCT file_id FROM documents WHERE id IN ({})", sorted(docs))}
    file_ids.update(ids)
    file_ids.update(f for (f,) in _in(con, "SELECT id FROM files WHERE path IN ({})", sorted(paths - changed)))
    corpus, quotes = load_corpus(con, sorted(file_ids))
    units: list[_Unit] = []
    loaded: set[str] = set()
    for path, extraction, doc_ids in corpus:
        if path in changed:
            continue
        loaded.add(path)
        units.extend(_Unit(u, doc_ids[u.segment], False) for u in split_units(path, extraction))
    if paths - changed - loaded:
        raise Unsafe("a node's file is not found by its label")
    speakers = {
        (p, line): ident
        for p, line, ident in _in(con, "SELECT path, first_line, id FROM speakers WHERE path IN ({})", sorted(loaded))
    }
    return _World(units, quotes, speakers, loaded)


class _Loader:
    """Loads files into one growing world, each file once (rounds ask again)."""

    def __init__(self, con: sqlite3.Connection, changed: set[str]) -> None:
        self.con = con
        self.changed = changed
        self.world = _World([], {}, {}, set())
        self.ids: set[int] = set()

    def load(self, paths: set[str], docs: set[int]) -> _World:
        con = self.con
        wanted = {f for (f,) in _in(con, "SELECT DISTINCT file_id FROM documents WHERE id IN ({})", sorted(docs))}
        wanted.update(
            f for (f,) in _in(con, "SELECT id FROM files WHERE path IN ({})", sorted(paths - self.world.paths))
        )
        more = wanted - self.ids
        if more:
            got = _load_world(con, set(), set(), self.changed, sorted(more))
            self.ids |= more
            w = self.world
            w.units.extend(got.units)
            w.quotes.update(got.quotes)
            w.speakers.update(got.speakers)
            w.paths |= got.paths
        if paths - self.changed - self.world.paths:
            raise Unsafe("a node's file is not found by its label")
        return self.world


# ---------------------------------------------------------------------------------------
# the whole step


def _pre_knowns(
    con: sqlite3.Connection,
    vocab: Vocabulary,
    registry: Registry,
    world: _World,
    touching: list[_Unit],
    stored_id: dict[tuple[str, int], str],
    rows: dict[str, Any],
    labels: set[str],
) -> dict[tuple[str, int], Known]:
    """The node of each citing document outside the affected classes as it stood before
    citations merged into it: its registry document, then its documents in order."""
    from qcdc_cli.index.reresolve_replay import _pre_known
    from qcdc_cli.resolve.resolve import Catalog

    by_node: dict[str, list[_Unit]] = {}
    for u in world.units:
        ident = world.speakers.get((u.unit.path, _first_line(u.unit)))
        if ident is not None:
            by_node.setdefault(ident, []).append(u)
    missing = {
        p
        for u in touching
        for p in rows[stored_id[_key(u)]].paths.split("\n")
        if p and p not in world.paths and p not in labels
    }
    if missing:
        more = _load_world(con, missing, set(), labels)
        for u in more.units:
            ident = more.speakers.get((u.unit.path, _first_line(u.unit)))
            if ident is not None:
                by_node.setdefault(ident, []).append(u)
    helper = Catalog(vocab, registry.terms)
    pre = {}
    for u in touching:
        ident = stored_id[_key(u)]
        mine = sorted(by_node.get(ident, []), key=_key)
        pre[_key(u)] = _pre_known(helper, rows[ident], [m.unit for m in mine], registry)
    return pre


def _cited_entries(
    con: sqlite3.Connection,
    vocab: Vocabulary,
    registry: Registry,
    cited: set[str],
    rows: list[Any],
    loader: _Loader,
) -> list[Known]:
    """The entries of the `cited` classes as they stood before citations merged into
    them (what `_add_cited` asks whether a citation is in scope of), from the stored
    nodes: a local one keeps its place, code and term and gets back the date of its
    first dated source (documents.date); a national one is rebuilt from its files."""
    from qcdc_cli.index.reresolve_replay import _pre_known
    from qcdc_cli.index.rows import known_from_row, path_label, path_of
    from qcdc_cli.resolve.resolve import Catalog, fold

    if not rows:
        return []
    helper = Catalog(vocab, registry.terms)
    dates: dict[str, list[tuple[str, int, str | None]]] = {}
    for lo, hi in _ranges(cited):
        for raw, segment, number, date in con.execute(
            "SELECT f.path, d.segment, d.number, d.date FROM documents d JOIN files f ON f.id = d.file_id"
            " WHERE d.number >= ? AND d.number < ?",
            (lo, hi),
        ):
            dates.setdefault(fold(number), []).append((path_label(path_of(raw)), segment, date))
    by_id = {d.id: d for d in registry.documents}
    out = []
    national = []
    for row in rows:
        if row.origin == "cited":
            continue
        if not row.number or helper.is_national(row.issuer_code):
            national.append(row)
            continue
        doc = by_id.get(row.registry_id) if row.registry_id else None
        if row.registry_id and doc is None:
            raise Unsafe("a registry node the registry does not hold")
        paths = set(row.paths.split("\n")) if row.paths else set()
        date = doc.date if doc is not None else None
        sources = [s for n in (row.number, *row.aliases.split("\n")) if n for s in dates.get(fold(n), [])]
        for path, _segment, written in sorted(sources):
            if path in paths:
                date = date or written
        k = known_from_row(row)
        k.date, k.term = date, doc.term if doc is not None else None
        out.append(k)
    if national:
        world = loader.load({p for r in national for p in (r.paths.split("\n") if r.paths else [])}, set())
        for row in national:
            mine = sorted(
                (u for u in world.units if world.speakers.get((u.unit.path, _first_line(u.unit))) == row.id), key=_key
            )
            k = _pre_known(helper, row, [u.unit for u in mine], registry)
            k.id = row.id
            out.append(k)
    return out


def _key(u: _Unit) -> tuple[str, int]:
    return (u.unit.path, u.unit.segment)


def reresolve(
    con: sqlite3.Connection,
    vocab: Vocabulary,
    registry: Registry,
    olds: list[Old],
    changed: dict[str, str],
) -> None:
    """Patch the derived tables after the files `changed` (label -> path) were written
    or removed; `olds` are the files among them that had documents before. Raises
    Unsafe (nothing written yet) when only a full derivation can."""
    from qcdc_cli.index.corpus import load_corpus
    from qcdc_cli.index.reresolve_replay import (
        _build_new,
        _cited_producing,
        _context,
        _pre_contexts,
        _registry_ends,
        _registry_links,
        _replay,
        _Sink,
        _stored_catalog,
    )
    from qcdc_cli.index.rows import NODE_COLUMNS, NodeRow, known_from_row, path_param
    from qcdc_cli.resolve.resolve import split_units

    new_ids = []
    for path in changed.values():
        row = con.execute("SELECT id, status FROM files WHERE path = ?", (path_param(path),)).fetchone()
        if row is not None and row[1] == "ok":
            new_ids.append(row[0])
    corpus, new_quotes = load_corpus(con, new_ids)
    new_units = [_Unit(u, ids[u.segment], True) for p, ex, ids in corpus for u in split_units(p, ex)]
    old_units = [
        _Unit(u, o.doc_ids[u.segment], True) for o in olds if o.extraction for u in split_units(o.label, o.extraction)
    ]
    old_quotes: Quotes = {}
    for o in olds:
        old_quotes.update(o.quotes)
    labels = set(changed)
    old_speakers = {
        (p, line): ident
        for p, line, ident in _in(con, "SELECT path, first_line, id FROM speakers WHERE path IN ({})", sorted(labels))
    }

    set_families(vocab)
    linked = _linked(registry)
    classes = _close({c for u in old_units + new_units if (c := _own(u.unit)) is not None}, linked)
    forced: set[tuple[str, int]] = set()  # unchanged documents replayed whole
    forced_units: list[_Unit] = []
    loader = _Loader(con, labels)
    for _round in range(8):
        # the classes whose entries may change (`classes`), and those only cited by what
        # is replayed whole (`cited`): kept as stored unless such a citation makes an entry
        cites: set[str] = set()
        for u in old_units + new_units + forced_units:
            cites |= _unit_cites(u.unit)
        cited = _close(cites, linked) - classes
        if len(classes) + len(cited) > MAX_CLASSES:
            raise Unsafe("too many classes")
        c_rows = [NodeRow(*r) for r in _node_rows(con, classes)]
        cited_rows = [NodeRow(*r) for r in _node_rows(con, cited)] if cited else []
        paths = {p for r in c_rows for p in (r.paths.split("\n") if r.paths else [])}
        world = loader.load(paths, set())
        cited_entries = _cited_entries(con, vocab, registry, cited, cited_rows, loader)
        own_now = [u for u in world.units if _own(u.unit) in classes]
        own_old = sorted(
            own_now + [u for u in old_units if _own(u.unit) in classes or not u.unit.info.number], key=_key
        )
        own_new = sorted(own_now + new_units, key=_key)
        own_keys = {_key(u) for u in own_new}
        pre_old = _pre_contexts(vocab, registry, classes, own_old)
        pre_new = _pre_contexts(vocab, registry, classes, own_new)
        # a citation replayed whole that makes (or made) an entry of a cited class
        # changes that class: it joins `classes`
        checks = [(u.unit, pre_old.get(_key(u))) for u in old_units]
        checks += [(u.unit, pre_new.get(_key(u))) for u in new_units]
        checks += [(u.unit, pre_old.get(_key(u))) for u in forced_units]
        checks += [(u.unit, pre_new.get(_key(u))) for u in forced_units]
        promote = _cited_producing(vocab, registry, cited, cited_entries, checks)
        if promote:
            classes = _close(classes | promote, linked)
            continue
        world = loader.load(set(), _citing_docs(con, classes))
        citing = sorted(world.units + new_units, key=_key)

        # what the citing documents outside `classes` are: their stored nodes, and the
        # same before citations merged into them (what `_add_cited` read)
        others = [u for u in world.units if _key(u) not in own_keys]
        stored_id = {}
        for u in others:
            ident = world.speakers.get((u.unit.path, _first_line(u.unit)))
            if ident is None:
                raise Unsafe("a document without a speakers row")
            stored_id[_key(u)] = ident
        rows = {
            r[0]: NodeRow(*r)
            for r in _in(con, f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN ({{}})", sorted(set(stored_id.values())))
        }
        touching = [u for u in others if _unit_cites(u.unit) & classes]
        pre = _pre_knowns(con, vocab, registry, world, touching, stored_id, rows, labels)

        new_cat, _ = _build_new(vocab, registry, classes, own_new, citing, pre)
        new_cat.finish()
        c_by_id = {r.id: r for r in c_rows}

        # documents whose node changed (id, context, or context before citations merged),
        # and every document of a node a changed file's document was or is: replayed whole
        rk_old = {old_speakers.get((u.unit.path, _first_line(u.unit)), "") for u in old_units}
        rk_new = {new_cat.document_of(u.unit).id for u in new_units}
        ids_of = {}
        for u in own_now:
            ident = world.speakers.get((u.unit.path, _first_line(u.unit)))
            row = c_by_id.get(ident or "")
            if row is None:
                raise Unsafe("an own document whose stored node is not of its class")
            k = new_cat.document_of(u.unit)
            ids_of[_key(u)] = (row.id, k.id)
            if (
                k.id != row.id
                or _context(k) != (row.province, row.district, row.date, row.issuer_code)
                or pre_old.get(_key(u)) != pre_new.get(_key(u))
            ):
                rk_old.add(row.id)
                rk_new.add(k.id)
        whole: set[tuple[str, int]] = set()
        grew = True
        while grew:
            grew = False
            for key, (was, now) in ids_of.items():
                if key not in whole and (was in rk_old or now in rk_new):
                    whole.add(key)
                    rk_old.add(was)
                    rk_new.add(now)
                    grew = True
        if whole <= forced:
            break
        forced |= whole
        forced_units = [u for u in own_now if _key(u) in forced]
    else:
        raise Unsafe("the affected classes keep growing")

    # the other ends of what is replayed: loaded whole, as stored
    ends: set[str] = _registry_ends(registry, classes) | cited
    for u in world.units + old_units + new_units:
        for rel in u.unit.reported:
            pair = reported_classes(rel.source, u.unit) | reported_classes(rel.target, u.unit)
            if pair & classes or u.changed or _key(u) in forced:
                ends |= pair
    extra = _close(ends, linked) - classes
    extra_rows = [NodeRow(*r) for r in _node_rows(con, extra)] if extra else []

    old_cat = _stored_catalog(vocab, registry, c_rows + extra_rows)
    from qcdc_cli.index.rows import known_from_row as _k

    extra_known = []
    for r in extra_rows:
        k = _k(r)
        new_cat.add(k, merge=False)
        extra_known.append((k, r.id))
    new_cat.finish()
    if any(k.id != ident for k, ident in extra_known):
        raise Unsafe("stored ids that the stored nodes do not give back")

    def standalone(ident: str, cat: Catalog) -> Known:
        found = cat.get(ident)
        if found is not None and found.id == ident:
            return found
        row = rows.get(ident)
        if row is None:
            got = con.execute(f"SELECT {NODE_COLUMNS} FROM nodes WHERE id = ?", (ident,)).fetchone()
            if got is None:
                raise Unsafe("a speakers row naming no node")
            row = rows[ident] = NodeRow(*got)
        return known_from_row(row)

    for u in others:
        new_cat._unit_docs[_key(u)] = standalone(stored_id[_key(u)], new_cat)
    for u in world.units:
        ident = world.speakers.get((u.unit.path, _first_line(u.unit)))
        if ident is None:
            raise Unsafe("a document without a speakers row")
        old_cat._unit_docs[_key(u)] = standalone(ident, old_cat)
    for u in old_units:
        ident = old_speakers.get((u.unit.path, _first_line(u.unit)))
        if ident is None:
            raise Unsafe("a changed document without a speakers row")
        old_cat._unit_docs[_key(u)] = standalone(ident, old_cat)

    old_sink, new_sink = _Sink(), _Sink()
    old_q = {**world.quotes, **old_quotes}
    new_q = {**world.quotes, **new_quotes}
    for u in sorted(world.units + old_units, key=_key):
        _replay(old_sink, old_cat, u.unit, old_q, None if u.changed or _key(u) in forced else classes)
    from qcdc_cli.index.reresolve_base import resolution_row
    from qcdc_cli.index.rows import ResolutionRow

    resolutions: list[ResolutionRow] = []

    for u in sorted(world.units + new_units, key=_key):
        done = _replay(new_sink, new_cat, u.unit, new_q, None if u.changed or _key(u) in forced else classes)
        ctx = new_cat.context_of(u.unit)
        resolutions.extend(resolution_row(new_cat, u.unit.references[i], ctx, u.doc_id) for i in done)
    _registry_links(old_sink, old_cat, registry, classes)
    _registry_links(new_sink, new_cat, registry, classes)

    from qcdc_cli.index.reresolve_write import Patch

    loaded = classes | extra

    def kept_best(pair: tuple[str, str], enough: int, kept: list[Evidence]) -> str | None:
        """The strongest relation rank the kept evidence of `pair` gives, replaying the
        files (and registry documents) it came from until one gives `enough`."""
        from qcdc_cli.models import relation_rank

        ends = [new_cat.get(i) for i in pair]
        wanted = {c for k in ends if k is not None and k.number for c in (number_class(k.number, k.system),)}
        if any(k is None or not k.number for k in ends) or not wanted <= loaded:
            raise Unsafe("a link whose ends are not loaded")
        best: str | None = None
        for path in dict.fromkeys(ev.path for ev in kept if ev.registry is None and ev.path):
            units = [u for u in world.units if u.unit.path == path]
            quotes = world.quotes
            if not units:
                more = _load_world(con, {path}, set(), labels)
                units, quotes = more.units, more.quotes
                world.speakers.update(more.speakers)
            sink = _Sink()
            for u in units:
                if _key(u) not in new_cat._unit_docs:
                    ident = world.speakers.get((u.unit.path, _first_line(u.unit)))
                    if ident is None:
                        raise Unsafe("a document without a speakers row")
                    new_cat._unit_docs[_key(u)] = standalone(ident, new_cat)
                _replay(sink, new_cat, u.unit, quotes, wanted)
            got = sink.links.get(pair)
            if got is not None and (best is None or relation_rank(got.relation) < relation_rank(best)):
                best = got.relation
                if relation_rank(best) <= enough:
                    return best
        if any(ev.registry is not None for ev in kept):
            registry_sink = _Sink()
            _registry_links(registry_sink, new_cat, registry, wanted)
            got = registry_sink.links.get(pair)
            if got is not None and (best is None or relation_rank(got.relation) < relation_rank(best)):
                best = got.relation
        return best

    Patch(con, classes, rk_old | rk_new, kept_best).write(
        old_cat=old_cat,
        new_cat=new_cat,
        own_new=own_new,
        world_units=world.units,
        new_units=new_units,
        old_units=old_units,
        old_speakers=old_speakers,
        labels=labels,
        resolutions=resolutions,
        old_sink=old_sink,
        new_sink=new_sink,
    )
