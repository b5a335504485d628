"""From a catalog to links: what each corpus document says and reports, with evidence.

Each citation is resolved in the context of the document that makes it; what a reader
must be told (a discrepancy, an ambiguity) becomes an issue. The links go into any
`Sink` (the lineage graph), so this module does not depend on the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

from qcdc_cli.models import Evidence, Link
from qcdc_cli.resolve.resolve import (
    Catalog,
    CitingUnit,
    Context,
    Known,
    reference_for,
)

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.models import Mention, Reference

from qcdc_cli.lineage.trace import Issue


class Sink(Protocol):
    """Where links, issues and speakers go (a `LineageGraph`)."""

    def add_link(self, link: Link) -> None: ...
    def add_issue(self, issue: Issue) -> None: ...
    def add_speaker(self, path: str, first_line: int, ident: str) -> None: ...


def corpus_links(
    graph: Sink,
    catalog: Catalog,
    registry: Registry | None = None,
    texts: Mapping[str, str] | None = None,
    quotes: Mapping[tuple[str, int], str] | None = None,
    each: Callable[[CitingUnit], None] | None = None,
    drain: bool = False,
) -> None:
    """The links of every corpus document the catalog read, then the registry's own
    (lineage.graph.build_graph). `each(unit)` is called before a unit's links. With
    `drain`, the catalog's units (and, with `quotes` a dict, their mentions' lines) are
    let go one by one as they are linked: a whole-index derivation then frees the corpus
    while the graph grows instead of holding both at its peak."""
    stream: Iterator[CitingUnit] = iter(catalog.units)
    if drain:
        units, catalog.units = catalog.units, []
        units.reverse()
        stream = (units.pop() for _ in range(len(units)))
    pop = quotes.pop if drain and isinstance(quotes, dict) else None
    for unit in stream:
        if each is not None:
            each(unit)
        unit_links(graph, catalog, unit, (texts or {}).get(unit.path), quotes or {})
        if pop is not None:  # a mention stands in one unit: its line is read once
            for ref in unit.references:
                for m in ref.mentions:
                    pop((unit.path, m.start), None)
    if registry is not None:
        registry_links(graph, catalog, registry)


def registry_links(
    graph: Sink, catalog: Catalog, registry: Registry, keep: Callable[[Known, Known], bool] | None = None
) -> None:
    """The registry's own links between documents the catalog knows; with `keep`, only
    those whose (source, target) it keeps (index.reresolve replays a few classes)."""
    for doc in registry.documents:
        source = catalog.by_registry_id(doc.id)
        for rel in doc.relations:
            target = catalog.by_registry_id(rel.target) or catalog.get(rel.target)
            if source is None or target is None:
                continue
            if keep is not None and not keep(source, target):
                continue
            graph.add_link(Link(source.id, target.id, rel.type, [Evidence(registry=doc.id)]))


def unit_links(
    graph: Sink,
    catalog: Catalog,
    unit: CitingUnit,
    text: str | None,
    quotes: Mapping[tuple[str, int], str],
    keep: Callable[[int], bool] | None = None,
    at: Callable[[int, int], None] | None = None,
) -> None:
    """The links and issues of one unit's citations. A citation's slot is its index
    among the unit's references, then len(references) + its index among the reported
    relations. For index.reresolve, which replays only some citations and numbers
    issues by where they were raised: `keep(slot)` says whether to replay a citation
    (it may raise), `at(slot, end)` is called before each resolution (end 1: a reported
    relation's target)."""
    me = catalog.document_of(unit)
    graph.add_speaker(unit.path, 1 if unit.segment == 0 else (unit.info.line or 1), me.id)
    ctx = catalog.context_of(unit)
    for i, written_ref in enumerate(unit.references):
        if keep is not None and not keep(i):
            continue
        if at is not None:
            at(i, 0)
        ref = catalog.readable(written_ref)  # a malformed number, as repaired
        if ref is None:
            continue
        strongest = [m for m in ref.mentions if m.relation == ref.relation] or ref.mentions
        evidence = [_mention_evidence(unit.path, m, text, quotes) for m in strongest]
        target = _target(graph, catalog, me, ref, ctx, evidence[0] if evidence else None)
        if target is not None:
            graph.add_link(Link(me.id, target.id, ref.relation, evidence))
    for i, rel in enumerate(unit.reported, len(unit.references)):
        if keep is not None and not keep(i):
            continue
        said = Evidence(path=unit.path, line=rel.line, text=_squeeze(rel.text))
        if at is not None:
            at(i, 0)
        source = _target(graph, catalog, me, reference_for(rel.source, unit.references), ctx, said)
        if at is not None:
            at(i, 1)
        target = _target(graph, catalog, me, reference_for(rel.target, unit.references), ctx, said)
        if source is not None and target is not None:
            graph.add_link(Link(source.id, target.id, rel.relation, [said]))


def _target(
    graph: Sink,
    catalog: Catalog,
    me: Known,
    ref: Reference,
    ctx: Context,
    evidence: Evidence | None,
) -> Known | None:
    """The document a reference means, recording what the reader must be told."""
    res = catalog.resolve(ref, ctx)
    for d in res.discrepancies:
        concerned = res.document or d.document
        graph.add_issue(
            Issue(
                "discrepancy",
                me.id,
                ref.number,
                d.message,
                concerned.id if concerned else None,
                (d.document.id,) if d.document else (),
                evidence,
            )
        )
    if res.status == "ambiguous":
        ids = tuple(k.id for k in res.candidates)
        why = f"{ref.number} could be {', '.join(ids)}: {res.reason}"
        graph.add_issue(Issue("ambiguous", me.id, ref.number, why, None, ids, evidence))
    # a miswritten number ("88-KH/ĐU" for the Tỉnh ủy's 88-KH/TU of the same day and
    # body) links to the document it fits, with the discrepancy above as its evidence
    return res.document or res.likely


def _mention_evidence(path: str, mention: Mention, text: str | None, quotes: Mapping[tuple[str, int], str]) -> Evidence:
    if text:
        quoted = quote(text, mention.start, mention.end)
    else:
        quoted = _squeeze(quotes.get((path, mention.start)) or mention.as_written)
    return Evidence(path=path, line=mention.line, text=quoted)


def quote(text: str, start: int, end: int, limit: int = 220) -> str:
    """The sentence around text[start:end], on one line, at most about `limit` chars."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(text.rfind(". ", line_start, start), text.rfind("; ", line_start, start))
    left = line_start if left < 0 else left + 2
    right_dot = [i for i in (text.find(". ", end, line_end), text.find("; ", end, line_end)) if i >= 0]
    right = min(right_dot) + 1 if right_dot else line_end
    if right - left > limit:
        half = limit // 2
        left = max(left, start - half)
        right = min(right, end + half)
        return _squeeze(("…" if left > line_start else "") + text[left:right] + "…")
    return _squeeze(text[left:right])


def _squeeze(s: str) -> str:
    # `s` itself when already on one line: evidence then shares the index's one string
    # per line instead of a copy per mention (a fifth of a 100,000-file graph's memory)
    squeezed = " ".join(s.split())
    return s if squeezed == s else squeezed
