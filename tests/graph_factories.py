"""Literal test inputs for resolution, the graph and its renderers.

Hand-built Extraction objects shaped like what `qcdc_cli.extract.text.extract_text` returns
for the seed texts, so these tests do not depend on the extractor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qcdc_cli.knowledge.registry import load_registry
from qcdc_cli.knowledge.schema import Registry, RegistryDocument, Term
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.lineage.graph import LineageGraph
from qcdc_cli.models import Extraction, Link, Mention, Reference, ReportedRelation, Segment, SelfInfo
from qcdc_cli.resolve.resolve import parts_of as parse_number

# Central Committee terms (numbering restarts at each; ../shared/research/domain-vn.md §1.5).
TW_TERMS = [
    Term(body="TW", term="VIII", ordinal=8, start="1996-07-01", end="2001-04-21"),
    Term(body="TW", term="IX", ordinal=9, start="2001-04-22", end="2006-04-24"),
    Term(body="TW", term="X", ordinal=10, start="2006-04-25", end="2011-01-18"),
    Term(body="TW", term="XI", ordinal=11, start="2011-01-19", end="2016-01-26"),
    Term(body="TW", term="XII", ordinal=12, start="2016-01-27", end="2021-01-30"),
    Term(body="TW", term="XIII", ordinal=13, start="2021-01-31", end="2026-01-22"),
    Term(body="TW", term="XIV", ordinal=14, start="2026-01-23"),
]


def doc(number: str, **fields: Any) -> RegistryDocument:
    """A registry document: Party ids "TW:CT:30@VIII", State ids the number."""
    system, type_, code, serial = parse_number(number)
    term = fields.get("term")
    ident = f"{code}:{type_}:{serial}@{term}" if system == "party" else number
    base = {
        "id": ident,
        "number": number,
        "system": system,
        "type": type_,
        "issuer_code": code,
        "issuer": "Bộ Chính trị",
    }
    return RegistryDocument(**{**base, **fields})


# The QCDC line as the seeds need it (dates from ../shared/research/directives-draft.yaml).
QCDC_DOCS = [
    doc(
        "30-CT/TW",
        term="VIII",
        date="1998-02-18",
        status="in_force",
        title="về xây dựng và thực hiện Quy chế dân chủ ở cơ sở",
        issuer="Bộ Chính trị (khóa VIII)",
    ),
    doc(
        "65-KL/TW",
        term="X",
        date="2010-03-04",
        issuer="Bộ Chính trị (khóa X)",
        title="về tiếp tục thực hiện Chỉ thị số 30-CT/TW",
        relations=[{"type": "continues", "target": "TW:CT:30@VIII"}],
    ),
    doc(
        "120-KL/TW",
        term="XI",
        date="2016-01-07",
        status="in_force",
        issuer="Bộ Chính trị (khóa XI)",
        title="về tiếp tục đẩy mạnh, nâng cao chất lượng, hiệu quả việc xây dựng và thực hiện quy chế dân chủ ở cơ sở",
        relations=[
            {"type": "continues", "target": "TW:CT:30@VIII"},
            {"type": "continues", "target": "TW:KL:65@X"},
        ],
    ),
    doc(
        "25-NQ/TW",
        term="XI",
        date="2013-06-03",
        issuer="Ban Chấp hành Trung ương (khóa XI)",
        type="NQ",
        title="về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận",
    ),
]


def registry(documents: Sequence[RegistryDocument] = (), terms: Sequence[Term] = TW_TERMS) -> Registry:
    """The bundled code tables and gazetteer with these documents and terms only."""
    base = load_registry()
    return base.model_copy(update={"documents": list(documents), "terms": list(terms)})


def vocab_of(reg: Registry) -> Vocabulary:
    return Vocabulary.from_registry(reg)


def ref(
    number: str,
    relation: str = "cites",
    *,
    date: str | None = None,
    issuer: str | None = None,
    term: str | None = None,
    type_word: str | None = None,
    line: int = 10,
    segment: int = 0,
    as_written: str | None = None,
) -> Reference:
    """A reference with one mention, as the extractor returns it."""
    system, type_, code, _ = parse_number(number)
    mention = Mention(
        as_written=as_written or number,
        start=0,
        end=len(number),
        line=line,
        column=1,
        relation=relation,
        date=date,
        type_word=type_word,
        issuer=issuer,
        term=term,
        segment=segment,
    )
    return Reference(
        number=number,
        system=system,
        type=type_,
        issuer_code=code,
        date=date,
        issuer=issuer,
        relation=relation,
        mentions=[mention],
    )  # type: ignore[arg-type]


def extraction(
    number: str | None,
    *,
    province: str | None,
    date: str | None = None,
    refs: Sequence[Reference] = (),
    reported: Sequence[ReportedRelation] = (),
    issuer: str | None = None,
    title: str | None = None,
    segments: Sequence[Segment] = (),
) -> Extraction:
    system, type_, code = (None, None, None)
    if number:
        system, type_, code, _ = parse_number(number)
    info = SelfInfo(
        number=number,
        type=type_,
        issuer_code=code,
        date=date,
        issuer=issuer,
        province=province,
        title=title,
        system=system,
        line=4 if number else None,
    )  # type: ignore[arg-type]
    return Extraction(self=info, references=list(refs), reported_relations=list(reported), segments=list(segments))


# ---- the folding rule, written plainly: the oracle the graph's incremental search must match

IMPLEMENTING = ("implements", "guides", "continues")


def path_avoiding(links: Sequence[Link], u: str, w: str, first: set | None) -> bool:
    """Is there a path u → v → ... → w of two or more implementing links that does not
    pass through `u` again (first link in `first`, if given)? A plain search."""
    succ: dict[str, list[str]] = {}
    for lk in links:
        if lk.relation in IMPLEMENTING:
            succ.setdefault(lk.source, []).append(lk.target)
    for v in succ.get(u, []):
        if v == w or (first is not None and (u, v) not in first):
            continue
        seen, stack = {u, v}, [v]
        while stack:
            for x in succ.get(stack.pop(), []):
                if x == w:
                    return True
                if x not in seen:
                    seen.add(x)
                    stack.append(x)
    return False


def shortcuts(graph: LineageGraph) -> set[tuple[str, str]]:
    """Links a longer implementing path implies; a link a text states only behind a path
    whose first step a text states too."""
    links = graph.links()
    stated = {(lk.source, lk.target) for lk in links if any(ev.registry is None for ev in lk.evidence)}
    return {
        (lk.source, lk.target)
        for lk in links
        if path_avoiding(links, lk.source, lk.target, stated if (lk.source, lk.target) in stated else None)
    }
