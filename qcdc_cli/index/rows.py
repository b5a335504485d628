"""Named row codecs: one NamedTuple per table, in the column order of its INSERT.

The column list of a table is written once, as the fields of its row type: the SQL
column lists (`columns`, `insert_sql`) are built from the fields, writers build rows by
name, and readers decode them by name (`known_from_row`, `self_info`, `reference` ...),
so moving a column cannot silently misalign a reader. `tests/test_store.py` checks each
row type against the table the migrations create. Pure: no SQL is run here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qcdc_cli.models import Mention, Reference, ReportedRelation, SelfInfo
    from qcdc_cli.resolve.resolve import Known


def columns(row_type: type[tuple[Any, ...]], alias: str | None = None) -> str:
    """ "a, b, c" (or "x.a, x.b, x.c"): the SELECT list of a row type."""
    names: tuple[str, ...] = row_type._fields  # type: ignore[attr-defined]
    return ", ".join(f"{alias}.{n}" if alias else n for n in names)


def insert_sql(table: str, row_type: type[tuple[Any, ...]], before: Sequence[str] = ()) -> str:
    """INSERT INTO table(before..., fields...) VALUES (?, ...): `before` are the keys the
    writer adds in front (file_id, document_id) when it knows them."""
    names = (*before, *row_type._fields)  # type: ignore[attr-defined]
    return f"INSERT INTO {table}({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


# ---------------------------------------------------------------------------------------
# paths: any name the file system gives, carried exactly


def path_param(path: str) -> str | bytes:
    """A path as bound to SQLite: the text, or its raw bytes when the name is not valid
    UTF-8 (os.fsdecode's surrogate escapes cannot be stored as text; a BLOB keeps the
    exact name, so the next run finds the same file unchanged)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def path_of(value: str | bytes) -> str:
    """A stored path back as the str os functions take (surrogate-escaped if not UTF-8)."""
    return os.fsdecode(value) if isinstance(value, bytes) else value


def path_label(path: str) -> str:
    """A path as valid UTF-8 text (undecodable bytes as \\xNN): what derived tables and
    reports store and show for a file whose name is not UTF-8."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


# ---------------------------------------------------------------------------------------
# the files table


@dataclass(slots=True)
class FileRecord:
    """What the files table says about one path."""

    path: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None = None
    encoding: str | None = None
    status: str = "ok"  # "ok" | "failed"
    error: str | None = None
    extractor: str | None = None

    def row(self) -> tuple[Any, ...]:
        return (
            path_param(self.path),
            self.size,
            self.mtime_ns,
            self.sha256,
            self.encoding,
            self.status,
            self.error,
            self.extractor,
        )


FILE_COLUMNS = "path, size, mtime_ns, sha256, encoding, status, error, extractor"


class KnownFile(NamedTuple):
    """A files row, as ingest needs it to decide whether to read the file again (a tuple:
    an unchanged re-ingest builds one per indexed file)."""

    id: int
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    extractor: str | None


# ---------------------------------------------------------------------------------------
# what one file says: documents, refs, mentions, reported_relations, problems


class DocumentRow(NamedTuple):
    """documents, after file_id and segment."""

    number: str | None
    system: str | None
    type: str | None
    type_name: str | None
    issuer_code: str | None
    issuer: str | None
    level: str | None
    province: str | None
    date: str | None
    place: str | None
    title: str | None
    line: int | None
    start_line: int


class RefRow(NamedTuple):
    """refs, after document_id."""

    number: str
    system: str | None
    type: str | None
    issuer_code: str | None
    year: int | None
    relation: str
    date: str | None
    issuer: str | None
    malformed: int
    suggestion: str | None


class MentionRow(NamedTuple):
    """mentions, after document_id."""

    number: str
    line: int
    col: int
    start: int
    end: int
    as_written: str
    relation: str
    cue: str | None
    date: str | None
    type_word: str | None
    issuer: str | None
    term: str | None
    malformed: int
    suggestion: str | None
    evidence: str


class ReportedRow(NamedTuple):
    """reported_relations, after document_id."""

    source: str
    relation: str
    target: str
    line: int
    cue: str | None
    text: str


class ProblemRow(NamedTuple):
    """problems, after file_id."""

    code: str
    message: str
    line: int | None


def document_row(me: SelfInfo, level: str | None, start_line: int) -> DocumentRow:
    return DocumentRow(
        number=me.number,
        system=me.system,
        type=me.type,
        type_name=me.type_name,
        issuer_code=me.issuer_code,
        issuer=me.issuer,
        level=level,
        province=me.province,
        date=me.date,
        place=me.place,
        title=me.title,
        line=me.line,
        start_line=start_line,
    )


def self_info(d: DocumentRow) -> SelfInfo:
    from qcdc_cli.models import SelfInfo

    return SelfInfo(
        number=d.number,
        type=d.type,
        issuer_code=d.issuer_code,
        date=d.date,
        place=d.place,
        issuer=d.issuer,
        province=d.province,
        title=d.title,
        type_name=d.type_name,
        system=d.system,  # type: ignore[arg-type]
        line=d.line,
    )


def ref_row(ref: Reference) -> RefRow:
    return RefRow(
        number=ref.number,
        system=ref.system,
        type=ref.type,
        issuer_code=ref.issuer_code,
        year=ref.year,
        relation=ref.relation,
        date=ref.date,
        issuer=ref.issuer,
        malformed=int(ref.malformed),
        suggestion=ref.suggestion,
    )


def reference(r: RefRow) -> Reference:
    from qcdc_cli.models import Reference

    return Reference(
        number=r.number,
        system=r.system,  # type: ignore[arg-type]
        type=r.type,
        issuer_code=r.issuer_code,  # type: ignore[arg-type]
        date=r.date,
        issuer=r.issuer,
        relation=r.relation,
        malformed=bool(r.malformed),
        suggestion=r.suggestion,
        year=r.year,
    )


def mention_row(number: str, m: Mention, evidence: str) -> MentionRow:
    return MentionRow(
        number=number,
        line=m.line,
        col=m.column,
        start=m.start,
        end=m.end,
        as_written=m.as_written,
        relation=m.relation,
        cue=m.cue,
        date=m.date,
        type_word=m.type_word,
        issuer=m.issuer,
        term=m.term,
        malformed=int(m.malformed),
        suggestion=m.suggestion,
        evidence=evidence,
    )


def mention(m: MentionRow, segment: int) -> Mention:
    from qcdc_cli.models import Mention

    return Mention(
        as_written=m.as_written,
        start=m.start,
        end=m.end,
        line=m.line,
        column=m.col,
        relation=m.relation,
        cue=m.cue,
        date=m.date,
        type_word=m.type_word,
        issuer=m.issuer,
        term=m.term,
        segment=segment,
        malformed=bool(m.malformed),
        suggestion=m.suggestion,
    )


def reported_row(r: ReportedRelation) -> ReportedRow:
    return ReportedRow(source=r.source, relation=r.relation, target=r.target, line=r.line, cue=r.cue, text=r.text)


def reported(r: ReportedRow) -> ReportedRelation:
    from qcdc_cli.models import ReportedRelation

    return ReportedRelation(r.source, r.relation, r.target, r.line, cue=r.cue, text=r.text)


# ---------------------------------------------------------------------------------------
# the derived tables: what resolution makes of the whole corpus


class NodeRow(NamedTuple):
    """nodes: a resolve.Known, whole."""

    id: str
    number: str | None
    system: str | None
    type: str | None
    issuer_code: str | None
    issuer: str | None
    province: str | None
    district: str | None
    date: str | None
    term: str | None
    title: str | None
    type_name: str | None
    origin: str
    registry_id: str | None
    status: str | None
    valid_from: str | None
    valid_until: str | None
    confidence: str | None
    paths: str  # one per line
    line: int | None
    segment: int
    aliases: str  # one per line
    document_id: int | None


class NodeKeyRow(NamedTuple):
    key: str
    id: str


class LinkRow(NamedTuple):
    source: str
    target: str
    relation: str


class EvidenceRow(NamedTuple):
    source: str
    target: str
    seq: int
    path: str | None
    line: int | None
    text: str | None
    registry: str | None


class IssueRow(NamedTuple):
    kind: str
    source: str
    number: str
    message: str
    target: str | None
    candidates: str  # one id per line
    path: str | None
    line: int | None
    text: str | None
    registry: str | None


class SpeakerRow(NamedTuple):
    path: str
    first_line: int
    id: str


class ResolutionRow(NamedTuple):
    document_id: int
    number: str
    status: str  # resolved / ambiguous / unknown
    target: str | None
    candidates: str | None


NODE_COLUMNS = columns(NodeRow)

# meta: "<derived key>:<count>", the count of unresolved documents for those derived
# tables (index.incremental.unresolved_count); forgotten wherever resolutions are rewritten
UNRESOLVED_KEY = "unresolved_count"

# every derived table with its row type, in the order Store.replace_derived writes them
DERIVED_TABLES: dict[str, type[tuple[Any, ...]]] = {
    "nodes": NodeRow,
    "node_keys": NodeKeyRow,
    "links": LinkRow,
    "evidence": EvidenceRow,
    "issues": IssueRow,
    "speakers": SpeakerRow,
    "resolutions": ResolutionRow,
}


@dataclass(slots=True)
class Derived:
    """Rows of the derived tables, one list per table of DERIVED_TABLES."""

    nodes: list[NodeRow] = field(default_factory=list)
    node_keys: list[NodeKeyRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    issues: list[IssueRow] = field(default_factory=list)
    speakers: list[SpeakerRow] = field(default_factory=list)
    resolutions: list[ResolutionRow] = field(default_factory=list)


def known_row(k: Known, document_id: int | None) -> NodeRow:
    """A resolve.Known as a nodes row."""
    return NodeRow(
        id=k.id,
        number=k.number,
        system=k.system,
        type=k.type,
        issuer_code=k.issuer_code,
        issuer=k.issuer,
        province=k.province,
        district=k.district,
        date=k.date,
        term=k.term,
        title=k.title,
        type_name=k.type_name,
        origin=k.origin,
        registry_id=k.registry_id,
        status=k.status,
        valid_from=k.valid_from,
        valid_until=k.valid_until,
        confidence=k.confidence,
        paths="\n".join(k.paths),
        line=k.line,
        segment=k.segment,
        aliases="\n".join(k.aliases),
        document_id=document_id,
    )


def known_from_row(row: Sequence[Any]) -> Known:
    """A nodes row (a NodeRow, or a plain tuple in its order) back into the resolve.Known
    it was written from."""
    from qcdc_cli.resolve.resolve import Known

    n = row if isinstance(row, NodeRow) else NodeRow(*row)
    return Known(
        number=n.number,
        system=n.system,
        type=n.type,
        issuer_code=n.issuer_code,
        issuer=n.issuer,
        province=n.province,
        district=n.district,
        date=n.date,
        term=n.term,
        title=n.title,
        type_name=n.type_name,
        origin=n.origin,  # type: ignore[arg-type]
        registry_id=n.registry_id,
        status=n.status,
        valid_from=n.valid_from,
        valid_until=n.valid_until,
        confidence=n.confidence,
        paths=n.paths.split("\n") if n.paths else [],
        line=n.line,
        segment=n.segment,
        aliases=tuple(n.aliases.split("\n")) if n.aliases else (),
        id=n.id,
    )


@dataclass(frozen=True, slots=True)
class Subgraph:
    """The rows `index_graph` builds a LineageGraph from (Store.subgraph_rows)."""

    nodes: list[NodeRow]
    links: list[LinkRow]
    evidence: list[tuple[str, str, str | None, int | None, str | None, str | None]]  # EvidenceRow but seq
    issues: list[IssueRow]
    speakers: list[SpeakerRow]
