"""index.reresolve's catalogs and replay: the entries of the affected classes built as
`Catalog.build` builds them, the stored entries read back with their ids, and the
citations touching those classes replayed by lineage.build.unit_links itself,
with the place each issue is raised at (so a patch can number issues as a full
derivation does)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qcdc_cli.index.reresolve_base import Unsafe, _Unit, number_class, ref_classes, reported_classes

if TYPE_CHECKING:
    from qcdc_cli.index.corpus import Quotes
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.lineage.trace import Issue
    from qcdc_cli.models import Evidence
    from qcdc_cli.resolve.resolve import Catalog, CitingUnit, Known


# ---------------------------------------------------------------------------------------
# the two catalogs


def _context(k: Known) -> tuple[Any, ...]:
    return (k.province, k.district, k.date, k.issuer_code)


def _doc_classes(doc: Any) -> set[str]:
    return {c for n in (doc.number, *doc.aliases) if n for c in (number_class(n), number_class(n, doc.system))}


def _pre_known(cat: Catalog, row: Any, units: list[CitingUnit], registry: Registry) -> Known:
    """A stored node as it stood before citations were merged into it (what
    `_add_cited` reads as the context of its documents): its registry document, then its
    corpus documents in order, as `Catalog.build` merged them. A citation merges only
    into a document of its own province and district when the code is local, and fills
    only what is missing: so a local node keeps its stored place and code, and only its
    date is worked out again (no gazetteer lookups)."""
    from qcdc_cli.resolve.resolve import Known

    doc = None
    if row.registry_id:
        doc = next((d for d in registry.documents if d.id == row.registry_id), None)
        if doc is None:
            raise Unsafe("a registry node the registry does not hold")
    if row.number and not cat.is_national(row.issuer_code):
        date = doc.date if doc is not None else None
        for unit in units:
            date = date or unit.info.date
        return Known(row.number, issuer_code=row.issuer_code, province=row.province, district=row.district, date=date)
    known = cat.from_registry(doc) if doc is not None else None
    for unit in units:
        own = cat.from_self(unit)
        known = own if known is None else cat._merge(known, own)
    if known is None:
        raise Unsafe("a cited-only node as a citing document")
    return known


def _filtered_for_cited(unit: CitingUnit, classes: set[str]) -> CitingUnit:
    """The unit as `Catalog._add_cited` reads it, keeping only numbers of `classes`: its
    references, then the reported numbers it does not cite, as bare references."""
    from qcdc_cli.resolve.resolve import CitingUnit, reference_for

    refs = []
    for r in unit.references:
        cs = ref_classes(r)
        if cs & classes:
            if not cs <= classes:
                raise Unsafe("a repaired number in another class")
            refs.append(r)
    numbers = {r.number for r in unit.references}
    for rel in unit.reported:
        for n in (rel.source, rel.target):
            if n not in numbers:
                numbers.add(n)
                if number_class(n) in classes:
                    refs.append(reference_for(n, ()))
    return CitingUnit(unit.path, unit.segment, unit.info, tuple(refs), ())


def _build_new(
    vocab: Vocabulary,
    registry: Registry,
    classes: set[str],
    own: list[_Unit],
    citing: list[_Unit],
    pre: dict[tuple[str, int], Known],
) -> tuple[Catalog, dict[tuple[str, int], tuple[Any, ...]]]:
    """The entries of `classes` as `Catalog.build` makes them, and each own document's
    context before citations merged (what `_add_cited` read)."""
    from qcdc_cli.resolve.resolve import Catalog

    cat = Catalog(vocab, registry.terms)
    for doc in registry.documents:
        if _doc_classes(doc) & classes:
            cat.add(cat.from_registry(doc))
    for u in own:
        known = cat.add(cat.from_self(u.unit), merge=bool(u.unit.info.number))
        cat._unit_docs[(u.unit.path, u.unit.segment)] = known
    contexts = {key: _context(k) for key, k in cat._unit_docs.items()}
    for key, k in pre.items():
        cat._unit_docs.setdefault(key, k)
    cat._add_cited([_filtered_for_cited(u.unit, classes) for u in citing])
    return cat, contexts


def _pre_contexts(
    vocab: Vocabulary, registry: Registry, classes: set[str], own: list[_Unit]
) -> dict[tuple[str, int], tuple[Any, ...]]:
    from qcdc_cli.resolve.resolve import Catalog

    cat = Catalog(vocab, registry.terms)
    for doc in registry.documents:
        if _doc_classes(doc) & classes:
            cat.add(cat.from_registry(doc))
    out = {}
    for u in own:
        out[(u.unit.path, u.unit.segment)] = cat.add(cat.from_self(u.unit), merge=bool(u.unit.info.number))
    return {key: _context(k) for key, k in out.items()}


def _cited_producing(
    vocab: Vocabulary,
    registry: Registry,
    cited: set[str],
    entries: list[Known],
    checks: list[tuple[CitingUnit, tuple[Any, ...] | None]],
) -> set[str]:
    """The classes of `cited` some of these citations (each with its document's context
    before citations merged) would add an entry to, or merge one into: those where
    `Catalog._add_cited` does not find the number in scope nor a likely reading."""
    from qcdc_cli.resolve.resolve import Catalog, Context, written
    from qcdc_cli.resolve.rules import in_scope, likely_reading

    if not cited:
        return set()
    cat = Catalog(vocab, registry.terms)
    for k in entries:  # the registry's and the corpus's, as `_add_cited` finds them
        cat.add(k, merge=False)
    out: set[str] = set()
    for unit, ctx in checks:
        if ctx is None:
            context = Context.of(unit.info, unit.path)
        else:
            context = Context(ctx[0], ctx[1], ctx[2], ctx[3], unit.path)
        for written_ref in _filtered_for_cited(unit, cited).references:
            ref = cat.readable(written_ref)
            if ref is None or in_scope(ref, context, cat)[0]:
                continue
            date, _term, _word, issuer = written(ref)
            if likely_reading(ref, context, cat, date, issuer) is None:
                out |= ref_classes(written_ref)
    return out


def _stored_catalog(vocab: Vocabulary, registry: Registry, rows: Iterable[Any]) -> Catalog:
    """A catalog of stored nodes (whole classes), with the ids the index gave them."""
    from qcdc_cli.index.rows import known_from_row
    from qcdc_cli.resolve.resolve import Catalog

    cat = Catalog(vocab, registry.terms)
    seen: set[str] = set()
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            cat.add(known_from_row(row), merge=False)
    cat.finish()
    if {k.id for k in cat.entries} != seen:
        raise Unsafe("stored ids that the stored nodes do not give back")
    return cat


# ---------------------------------------------------------------------------------------
# replaying citations


@dataclass(slots=True)
class _Contribution:
    relation: str
    evidence: list[Evidence] = field(default_factory=list)


class _Sink:
    """What replayed citations make: links unmerged by evidence, issues with the place
    (path, segment, slot, order) they were raised at."""

    def __init__(self) -> None:
        self.links: dict[tuple[str, str], _Contribution] = {}
        self.issues: list[tuple[tuple[Any, ...], Issue]] = []
        self.pos: tuple[Any, ...] = ()
        self.sub = 0

    def add_link(self, link: Any) -> None:
        from qcdc_cli.models import relation_rank

        if link.source == link.target:
            return
        found = self.links.get((link.source, link.target))
        if found is None:
            self.links[(link.source, link.target)] = _Contribution(link.relation, list(link.evidence))
            return
        if relation_rank(link.relation) < relation_rank(found.relation):
            found.relation = link.relation
        found.evidence.extend(link.evidence)

    def add_issue(self, issue: Issue) -> None:
        self.issues.append(((*self.pos, self.sub), issue))
        self.sub += 1

    def add_speaker(self, path: str, first_line: int, ident: str) -> None:
        pass

    def at(self, pos: tuple[Any, ...]) -> None:
        self.pos, self.sub = pos, 0


def _replay(sink: _Sink, cat: Catalog, unit: CitingUnit, quotes: Quotes, classes: set[str] | None) -> list[int]:
    """lineage.build.unit_links for the citations of `unit` touching `classes` (all with
    None); returns the indexes of the references replayed."""
    from qcdc_cli.lineage.build import unit_links

    n = len(unit.references)
    done: list[int] = []

    def keep(i: int) -> bool:
        if classes is not None:
            if i < n:
                cs = ref_classes(unit.references[i])
                if not cs & classes:
                    return False
                if not cs <= classes:
                    raise Unsafe("a repaired number in another class")
            else:
                rel = unit.reported[i - n]
                ends = [reported_classes(number, unit) for number in (rel.source, rel.target)]
                if not any(cs & classes for cs in ends):
                    return False
                if any(cs & classes and not cs <= classes for cs in ends):
                    raise Unsafe("a reported number that reads in two classes")
        if i < n:
            done.append(i)
        return True

    def at(i: int, end: int) -> None:
        sink.at((unit.path, unit.segment, i, end))

    unit_links(sink, cat, unit, None, quotes, keep, at)
    return done


def _registry_links(sink: _Sink, cat: Catalog, registry: Registry, classes: set[str]) -> None:
    """graph.build_graph's registry links with an end in `classes`."""
    from qcdc_cli.lineage.build import registry_links

    def keep(source: Known, target: Known) -> bool:
        return bool({number_class(k.number, k.system) for k in (source, target) if k.number} & classes)

    registry_links(sink, cat, registry, keep)


def _registry_ends(registry: Registry, classes: set[str]) -> set[str]:
    """Classes at the other end of a registry relation with an end in `classes`."""
    from qcdc_cli.resolve.resolve import FILE_PREFIX

    by_id = {d.id: d for d in registry.documents}
    out: set[str] = set()
    for doc in registry.documents:
        for rel in doc.relations:
            target = by_id.get(rel.target)
            if target is not None:
                ends = _doc_classes(target)
            elif rel.target.startswith(FILE_PREFIX):
                raise Unsafe("a registry relation to a corpus file")
            else:
                ends = {number_class(re.split(r"[@#]", rel.target, maxsplit=1)[0])}
            mine = _doc_classes(doc)
            if (mine | ends) & classes:
                out |= mine | ends
    return out
