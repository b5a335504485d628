"""What the files say, both ways: an Extraction flattened into rows (`file_rows`, run in
the ingest workers: pure, no SQL, so the single writer only inserts), and the rows
rebuilt into Extractions (`load_corpus`: what resolution and `trace --corpus` need,
without reading a file again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qcdc_cli.index.rows import (
    DocumentRow,
    MentionRow,
    ProblemRow,
    RefRow,
    ReportedRow,
    columns,
    document_row,
    mention,
    mention_row,
    path_label,
    path_of,
    ref_row,
    reference,
    reported,
    reported_row,
    self_info,
)
from qcdc_cli.models import Extraction, relation_rank

if TYPE_CHECKING:
    import sqlite3

    from qcdc_cli.models import Reference

EVIDENCE_CHARS = 300  # longest line of text kept as a mention's evidence

# (path, Extraction, documents row id by segment) for every readable file
StoredCorpus = list[tuple[str, Extraction, list[int]]]
Quotes = dict[tuple[str, int], str]  # (path, start) -> the line a mention stands in


@dataclass(slots=True)
class DocumentRows:
    segment: int
    document: DocumentRow
    refs: list[RefRow] = field(default_factory=list)
    mentions: list[MentionRow] = field(default_factory=list)
    reported: list[ReportedRow] = field(default_factory=list)


@dataclass(slots=True)
class FileRows:
    documents: list[DocumentRows]
    problems: list[ProblemRow]


def _evidence(text: str, start: int) -> str:
    """The line holding offset `start`, trimmed, at most EVIDENCE_CHARS around it."""
    if not 0 <= start <= len(text):
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    if line_end - line_start > EVIDENCE_CHARS:
        half = EVIDENCE_CHARS // 2
        line_start = max(line_start, start - half)
        line_end = min(line_end, line_start + EVIDENCE_CHARS)
    return text[line_start:line_end].strip()


def file_rows(extraction: Extraction, text: str, level_of: Callable[[str | None], str | None]) -> FileRows:
    """Flatten one file's extraction into rows: one document per document the file holds.

    The split into documents is resolve.split_units (a pasted 120-KL/TW after a plan's
    signature is a document of its own, with its own citations), so the index and an
    in-memory catalog agree on what a document is. `level_of(issuer_code)` gives the tier
    of the issuing body from the registry.
    """
    from qcdc_cli.resolve.resolve import split_units

    segments = extraction.segments
    docs: list[DocumentRows] = []
    for unit in split_units("", extraction):
        me = unit.info
        start_line = segments[unit.segment].start_line if unit.segment < len(segments) else 1
        row = DocumentRows(unit.segment, document_row(me, level_of(me.issuer_code), start_line))
        refs: dict[str, RefRow] = {}
        for ref in unit.references:
            earlier = refs.get(ref.number)
            # one row per (document, number), even if extraction ever repeats a number
            if earlier is None or relation_rank(ref.relation) < relation_rank(earlier.relation):
                refs[ref.number] = ref_row(ref)
            row.mentions.extend(mention_row(ref.number, m, _evidence(text, m.start)) for m in ref.mentions)
        row.refs = list(refs.values())
        row.reported = [reported_row(r) for r in unit.reported]
        docs.append(row)
    problems = [ProblemRow(p.code, p.message, p.line) for p in extraction.problems]
    return FileRows(documents=docs, problems=problems)


def load_corpus(con: sqlite3.Connection, file_ids: Sequence[int] | None = None) -> tuple[StoredCorpus, Quotes]:
    """Every readable file as (path, Extraction, document ids by segment), rebuilt from
    the rows, and the line each mention stands in ((path, start) -> text); with
    `file_ids`, those files only (what an incremental derivation replays).

    Each stored document becomes a segment, and its references carry their mentions
    with that segment, so resolve.split_units gives back the same documents. Run it in
    one read transaction (Store readers are): the four SELECTs must see one state."""
    from qcdc_cli.models import Segment

    q = con.execute
    only = where = ""
    if file_ids is not None:
        # documents has no index on file_id: one scan for their ids, then primary keys
        wanted = ",".join(str(int(i)) for i in file_ids) or "NULL"
        docs = ",".join(str(i) for (i,) in q(f"SELECT id FROM documents WHERE file_id IN ({wanted})")) or "NULL"
        only, where = f" WHERE document_id IN ({docs})", f" WHERE d.id IN ({docs})"
    files: dict[int, tuple[str, Extraction, list[int]]] = {}
    doc_of: dict[int, tuple[Extraction, int, str]] = {}
    quotes: Quotes = {}
    # one string object per distinct text (a cited number, an issuer, a cue, the line
    # several mentions stand in): a 100,000-file corpus repeats them hundreds of thousands
    # of times
    shared: dict[Any, Any] = {}
    share = shared.setdefault

    def row(kind: Any, fields: list[Any]) -> Any:
        return kind(*(share(v, v) if type(v) is str else v for v in fields))

    if file_ids is not None:  # a few hundred files (an incremental derivation): not worth it

        def row(kind: Any, fields: list[Any]) -> Any:
            return tuple.__new__(kind, fields)

    rows = q(
        f"SELECT d.id, d.file_id, f.path, {columns(DocumentRow, 'd')}"
        " FROM documents d JOIN files f ON f.id = d.file_id" + where + " ORDER BY f.path, d.segment"
    )
    for doc_id, file_id, stored_path, *fields in rows:
        doc = row(DocumentRow, fields)
        entry = files.get(file_id)
        if entry is None:
            path = path_label(path_of(stored_path))
            entry = files[file_id] = (path, Extraction(self=self_info(doc)), [])
        path, extraction, ids = entry
        index = len(extraction.segments)
        extraction.segments.append(Segment(0, 0, doc.start_line or 1, doc.number, doc.title))
        ids.append(doc_id)
        doc_of[doc_id] = (extraction, index, path)
    by_key: dict[tuple[int, str], Reference] = {}
    merged: dict[tuple[int, str], Reference] = {}  # one Reference per (file, number)
    for doc_id, *fields in q(f"SELECT document_id, {columns(RefRow)} FROM refs{only} ORDER BY document_id, number"):
        extraction = doc_of[doc_id][0]
        ref = reference(row(RefRow, fields))
        by_key[(doc_id, ref.number)] = ref
        key = (id(extraction), ref.number)
        first = merged.get(key)
        if first is None:
            merged[key] = ref
            extraction.references.append(ref)
        else:  # the same number cited from two documents of one file
            if relation_rank(ref.relation) < relation_rank(first.relation):
                first.relation = ref.relation
            by_key[(doc_id, ref.number)] = first
    for doc_id, *fields in q(f"SELECT document_id, {columns(MentionRow)} FROM mentions{only} ORDER BY rowid"):
        _, index, path = doc_of[doc_id]
        m = row(MentionRow, fields)
        by_key[(doc_id, m.number)].mentions.append(mention(m, index))
        if m.evidence:
            quotes[(path, m.start)] = m.evidence
    for doc_id, *fields in q(
        f"SELECT document_id, {columns(ReportedRow)} FROM reported_relations{only} ORDER BY rowid"
    ):
        doc_of[doc_id][0].reported_relations.append(reported(row(ReportedRow, fields)))
    return list(files.values()), quotes
