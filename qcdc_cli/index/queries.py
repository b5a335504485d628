"""Questions across the whole index (`qcdc stats`, `qcdc unresolved`, the ingest summary),
answered as typed results: the CLI renders them, it does not edit them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from qcdc_cli.index.rows import path_label, path_of

if TYPE_CHECKING:
    import sqlite3

Grouped = list[tuple[str | None, int]]  # (value, count), most frequent first


@dataclass(frozen=True, slots=True)
class Totals:
    files: int
    failed: int
    documents: int
    references: int
    mentions: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DocumentCounts:
    by_type: Grouped
    by_level: Grouped
    by_province: Grouped
    by_year: Grouped
    without_number: int


@dataclass(frozen=True, slots=True)
class ReferenceCounts:
    """What resolution made of each stored reference."""

    resolved: int
    ambiguous: int
    unknown: int
    not_resolved_yet: int
    by_relation: Grouped


@dataclass(frozen=True, slots=True)
class FileCounts:
    by_status: Grouped
    by_encoding: Grouped


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts across the corpus; `stale`: the last ingest stopped before resolving."""

    totals: Totals
    documents: DocumentCounts
    references: ReferenceCounts
    files: FileCounts
    stale: bool

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `qcdc stats` (grouped counts still as pairs)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Citer:
    """A document citing an unresolved one."""

    id: str | None
    number: str | None
    province: str | None
    date: str | None
    relation: str
    path: str
    segment: int


@dataclass(frozen=True, slots=True)
class UnresolvedDocument:
    """A document cited but neither in the corpus nor in the registry (one scoped id)."""

    id: str | None
    number: str
    province: str | None
    date: str | None
    issuer: str | None
    cited_by_count: int
    relations: dict[str, int]
    cited_by: list[Citer]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def totals(con: sqlite3.Connection) -> Totals:
    """Counts for the ingest summary and `qcdc stats`."""
    q = con.execute
    return Totals(
        files=q("SELECT count(*) FROM files").fetchone()[0],
        failed=q("SELECT count(*) FROM files WHERE status = 'failed'").fetchone()[0],
        documents=q("SELECT count(*) FROM documents").fetchone()[0],
        references=q("SELECT count(*) FROM refs").fetchone()[0],
        mentions=q("SELECT count(*) FROM mentions").fetchone()[0],
    )


def unresolved_count(con: sqlite3.Connection) -> int:
    """Documents cited but neither in the corpus nor in the registry (scoped ids)."""
    return int(
        con.execute(
            "SELECT count(DISTINCT coalesce(target, '#' || number)) FROM resolutions WHERE status = 'unknown'"
        ).fetchone()[0]
    )


def stats(con: sqlite3.Connection, stale: bool) -> Stats:
    """Counts across the corpus: documents by type, level, province and year; references
    by what resolution made of them; files by status and encoding."""
    q = con.execute

    def grouped(sql: str) -> Grouped:
        return [(k, n) for k, n in q(sql).fetchall()]

    by = "SELECT {0}, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"
    matches = dict(
        q(
            "SELECT coalesce(x.status, 'unresolved'), count(*) FROM refs r"
            " LEFT JOIN resolutions x ON x.document_id = r.document_id AND x.number = r.number GROUP BY 1"
        ).fetchall()
    )
    return Stats(
        totals=totals(con),
        documents=DocumentCounts(
            by_type=grouped(by.format("type")),
            by_level=grouped(by.format("level")),
            by_province=grouped(by.format("province")),
            by_year=grouped("SELECT substr(date, 1, 4), count(*) FROM documents GROUP BY 1 ORDER BY 1"),
            without_number=q("SELECT count(*) FROM documents WHERE number IS NULL").fetchone()[0],
        ),
        references=ReferenceCounts(
            resolved=matches.get("resolved", 0),
            ambiguous=matches.get("ambiguous", 0),
            unknown=matches.get("unknown", 0),
            not_resolved_yet=matches.get("unresolved", 0),
            by_relation=grouped("SELECT relation, count(*) FROM refs GROUP BY 1 ORDER BY 2 DESC, 1"),
        ),
        files=FileCounts(
            by_status=grouped("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 1"),
            by_encoding=grouped(
                "SELECT encoding, count(*) FROM files WHERE status = 'ok' GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
        ),
        stale=stale,
    )


def unresolved(
    con: sqlite3.Connection, limit: int | None = None, citers: int | None = None
) -> list[UnresolvedDocument]:
    """Documents cited but neither in the corpus nor in the registry, most cited first.

    One entry per scoped identity ("62-KH/TU@Hà Tĩnh", not every 62-KH/TU), with the
    documents citing it; `citers` caps how many are listed (None: all), the count is
    always complete. This is the list of what to collect next.
    """
    rows = con.execute(
        "SELECT coalesce(x.target, '#' || x.number) AS k, min(x.target), min(x.number), count(*) AS n"
        " FROM resolutions x WHERE x.status = 'unknown' GROUP BY k ORDER BY n DESC, k LIMIT ?",
        (-1 if limit is None else limit,),
    ).fetchall()
    out = []
    for _key, target, number, count in rows:
        where, arg = ("x.target = ?", target) if target else ("x.target IS NULL AND x.number = ?", number)
        cited_by = con.execute(
            "SELECT d.number, d.province, d.date, r.relation, f.path, d.segment, n.id"
            " FROM resolutions x JOIN refs r ON r.document_id = x.document_id AND r.number = x.number"
            " JOIN documents d ON d.id = x.document_id JOIN files f ON f.id = d.file_id"
            " LEFT JOIN nodes n ON n.document_id = d.id"
            f" WHERE x.status = 'unknown' AND {where}"
            " ORDER BY d.date IS NULL, d.date, f.path, d.segment LIMIT ?",
            (arg, -1 if citers is None else citers),
        ).fetchall()
        relations = dict(
            con.execute(
                "SELECT r.relation, count(*) FROM resolutions x"
                " JOIN refs r ON r.document_id = x.document_id AND r.number = x.number"
                f" WHERE x.status = 'unknown' AND {where} GROUP BY 1 ORDER BY 2 DESC, 1",
                (arg,),
            ).fetchall()
        )
        node = con.execute("SELECT province, date, issuer FROM nodes WHERE id = ?", (target,)).fetchone()
        province, date, issuer = node or (None, None, None)
        out.append(
            UnresolvedDocument(
                id=target,
                number=number,
                province=province,
                date=date,
                issuer=issuer,
                cited_by_count=count,
                relations=relations,
                cited_by=[
                    Citer(
                        id=c[6],
                        number=c[0],
                        province=c[1],
                        date=c[2],
                        relation=c[3],
                        path=path_label(path_of(c[4])),
                        segment=c[5],
                    )
                    for c in cited_by
                ],
            )
        )
    return out
