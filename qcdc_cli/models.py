"""The vocabulary every stage shares: what extraction returns and what later stages read.

Plain dataclasses on purpose: extraction runs on every file of an ingest and on every
`qcdc check`, so its results must be cheap to build and must not pull in pydantic.
Pydantic models live at the boundaries (registry files, configuration, JSON schemas).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

System = Literal["party", "state"]

# Relations of one document to another, strongest first: one order for the extractor
# (the strongest over all mentions of a document is the reference's relation) and for
# the graph (the strongest over all evidence is the link's relation).
LINK_RELATIONS: tuple[str, ...] = (
    "implements",  # "Thực hiện Kết luận số 120-KL/TW ..." in the title or opening
    "continues",  # registry only: a Kết luận that continues a Chỉ thị
    "guides",  # "hướng dẫn thi hành", "quy định chi tiết"
    "amends",  # "sửa đổi, bổ sung"
    "replaces",  # "thay thế"
    "repeals",  # "bãi bỏ"
    "based_on",  # "Căn cứ ..."
    "related",  # registry only: the weakest claim a registry entry makes
    "cites",  # any other mention
)
# What texts say of themselves (the extractor's relations): the rest come from the registry.
RELATIONS: tuple[str, ...] = tuple(r for r in LINK_RELATIONS if r not in ("continues", "related"))
LINEAGE_RELATIONS = frozenset({"implements", "guides", "based_on"})
_RANK = {relation: rank for rank, relation in enumerate(LINK_RELATIONS)}


def relation_rank(relation: str) -> int:
    """Lower is stronger; unknown relations rank below `cites`."""
    return _RANK.get(relation, len(LINK_RELATIONS))


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A document number in canonical form, split into its parts.

    `number` is the one string form used everywhere (graph keys, JSON, the store):
    Party `62-KH/TU`, State `04/2015/NĐ-CP`, `10/2022/QH15`, `30c/NQ-CP`.
    """

    number: str
    system: System
    serial: str  # "62", "30c": digits as written
    type: str | None  # "KH", "NĐ"; None for laws (10/2022/QH15) and công văn (45/UBND-VP)
    issuer_code: str  # "TU", "CP", "QH15", "BNN-TCLN"
    year: int | None = None  # the year written inside a State number


@dataclass(slots=True)
class Mention:
    """One place in the text where a document number is written."""

    as_written: str  # text[start:end] of the original (decoded) text
    start: int  # character offsets into the original text
    end: int
    line: int  # 1-based
    column: int  # 1-based, in characters
    relation: str = "cites"
    cue: str | None = None  # the cue phrase as written ("Thực hiện", "Căn cứ")
    date: str | None = None  # ISO date written with this mention
    type_word: str | None = None  # "Kết luận", "Chỉ thị" written before the number
    issuer: str | None = None  # "Bộ Chính trị" from "của Bộ Chính trị"
    term: str | None = None  # "VIII" from "(khóa VIII)"
    segment: int = 0  # index of the document inside the file (0 = the main one)
    malformed: bool = False
    suggestion: str | None = None


@dataclass(slots=True)
class Reference:
    """One cited document: every mention of one canonical number in a text."""

    number: str
    system: System
    type: str | None
    issuer_code: str
    date: str | None = None
    issuer: str | None = None
    relation: str = "cites"
    malformed: bool = False
    suggestion: str | None = None
    year: int | None = None
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class SelfInfo:
    """What a document says about itself in its header."""

    number: str | None = None
    type: str | None = None  # "KH" from "Số 62-KH/TU" or from the heading "KẾ HOẠCH"
    issuer_code: str | None = None
    date: str | None = None
    place: str | None = None  # "Thành phố Huế" from the date line
    issuer: str | None = None  # "TỈNH ỦY THỪA THIÊN HUẾ"
    province: str | None = None  # gazetteer name, "Thừa Thiên Huế"
    title: str | None = None
    type_name: str | None = None  # "Kế hoạch"
    system: System | None = None
    line: int | None = None  # line of the own number, when there is one
    # Where the identity was read: "header" (the "Số ..." line), "title" (a title line
    # "Quy định số 105-QĐ/TW, ngày ..."), "announcement" (a news page: "... vừa ban hành Kế
    # hoạch số 45-KH/HU ..."); None when the text has no number of its own.
    source: str | None = None
    year: int | None = None  # the year of its date, also of a draft's "ngày    tháng    năm 2026"
    number_placeholder: str | None = None  # "/QĐ-UBND": an unnumbered draft's "Số:    /QĐ-UBND"


@dataclass(slots=True)
class ReportedRelation:
    """A relation the text states between two other documents.

    "Kế hoạch số 26-KH/TU ... về triển khai thực hiện Kết luận số 120-KL/TW" gives
    source=26-KH/TU, relation=implements, target=120-KL/TW.
    """

    source: str
    relation: str
    target: str
    line: int
    cue: str | None = None
    text: str = ""  # the quoted sentence, the evidence


@dataclass(slots=True)
class NamedReference:
    """A document named without its number: "Luật Thực hiện dân chủ ở cơ sở năm 2022",
    "Hiến pháp năm 2013". `number` is set when the registry knows the name."""

    name: str  # "Luật Thực hiện dân chủ ở cơ sở"
    line: int
    year: int | None = None  # "năm 2022", or the year of the date written after the name
    date: str | None = None  # "ngày 19 tháng 6 năm 2015" written after the name
    relation: str = "cites"
    cue: str | None = None
    number: str | None = None  # the registry's number for this name


@dataclass(slots=True)
class Problem:
    """Something in the text a reader should know about (not a crash)."""

    code: str
    message: str
    line: int | None = None


@dataclass(slots=True)
class Segment:
    """A document inside a file; a file can carry a second one pasted after the first."""

    start: int  # character offsets into the original text
    end: int
    start_line: int
    number: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Extraction:
    """Everything extraction reads from one text."""

    self: SelfInfo
    references: list[Reference] = field(default_factory=list)
    reported_relations: list[ReportedRelation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    named_references: list[NamedReference] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `qcdc extract` (without the path)."""
        return asdict(self)

    def fields(self) -> dict[str, Any]:
        """The same shape one level deep, the values still dataclasses: what the JSON
        writer takes without the cost of copying every mention into a dict."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# ---- the lineage graph's vocabulary (resolution builds these; the store keeps them) ----


@dataclass(slots=True)
class Evidence:
    """Where a link comes from: a line of a file, or a registry entry."""

    path: str | None = None
    line: int | None = None
    text: str | None = None  # the quoted sentence
    registry: str | None = None  # id of the registry document that states the link
    page: int | None = None  # the page of `line` when the file is a PDF (read with --corpus)


@dataclass(slots=True)
class DocNode:
    """A document in the lineage graph: read from the corpus, known from the registry,
    or known only because something cites it (`in_corpus` False)."""

    id: str  # scoped identity, see qcdc_cli/resolve.py: "62-KH/TU@Thừa Thiên Huế"
    number: str | None  # None for a document with no number of its own
    type: str | None = None
    issuer_code: str | None = None
    issuer: str | None = None
    province: str | None = None
    date: str | None = None
    title: str | None = None
    in_corpus: bool = False
    in_registry: bool = False
    path: str | None = None  # the file it was read from


@dataclass(slots=True)
class Link:
    """A typed edge, citing document -> cited document, with all its evidence."""

    source: str  # DocNode.id
    target: str
    relation: str
    evidence: list[Evidence] = field(default_factory=list)
