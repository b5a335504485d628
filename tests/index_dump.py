"""`dump`: an index's whole content, comparable across runs (test-only, so not in qcdc_cli)."""

from __future__ import annotations

import sqlite3
from typing import Any

from qcdc_cli.index.rows import NODE_COLUMNS
from qcdc_cli.index.store import Store


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's content without row ids or timestamps, sorted: two indexes with
    equal dumps say the same thing, whatever order their files were ingested in."""
    q = store.con.execute
    doc_key = "f.path, d.segment"
    return {
        "files": sorted(
            q("SELECT path, size, mtime_ns, sha256, encoding, status, error, extractor FROM files").fetchall()
        ),
        "documents": _sorted(
            q(
                f"SELECT {doc_key}, d.number, d.system, d.type, d.type_name, d.issuer_code,"
                " d.issuer, d.level, d.province, d.date, d.place, d.title, d.line, d.start_line"
                " FROM documents d JOIN files f ON f.id = d.file_id"
            )
        ),
        "refs": _sorted(
            q(
                f"SELECT {doc_key}, r.number, r.system, r.type, r.issuer_code, r.year,"
                " r.relation, r.date, r.issuer, r.malformed, r.suggestion FROM refs r"
                " JOIN documents d ON d.id = r.document_id JOIN files f ON f.id = d.file_id"
            )
        ),
        "mentions": _sorted(
            q(
                f"SELECT {doc_key}, m.number, m.line, m.col, m.start, m.end, m.as_written,"
                " m.relation, m.cue, m.date, m.type_word, m.issuer, m.term, m.malformed,"
                " m.suggestion, m.evidence FROM mentions m"
                " JOIN documents d ON d.id = m.document_id JOIN files f ON f.id = d.file_id"
            )
        ),
        "reported_relations": _sorted(
            q(
                f"SELECT {doc_key}, x.source, x.relation, x.target, x.line, x.cue, x.text"
                " FROM reported_relations x JOIN documents d ON d.id = x.document_id"
                " JOIN files f ON f.id = d.file_id"
            )
        ),
        "problems": _sorted(
            q("SELECT f.path, p.code, p.message, p.line FROM problems p JOIN files f ON f.id = p.file_id")
        ),
        "nodes": _sorted(
            q(
                f"SELECT {_qualified(NODE_COLUMNS, 'n').replace('n.document_id', doc_key)} FROM nodes n"
                " LEFT JOIN documents d ON d.id = n.document_id LEFT JOIN files f ON f.id = d.file_id"
            )
        ),
        "node_keys": _sorted(q("SELECT key, id FROM node_keys")),
        "links": _sorted(q("SELECT source, target, relation FROM links")),
        "evidence": _sorted(q("SELECT source, target, seq, path, line, text, registry FROM evidence")),
        "issues": _sorted(
            q("SELECT kind, source, number, message, target, candidates, path, line, text, registry FROM issues")
        ),
        "speakers": _sorted(q("SELECT path, first_line, id FROM speakers")),
        "resolutions": _sorted(
            q(
                f"SELECT {doc_key}, x.number, x.status, x.target, x.candidates FROM resolutions x"
                " JOIN documents d ON d.id = x.document_id JOIN files f ON f.id = d.file_id"
            )
        ),
    }


def _qualified(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _sorted(cursor: sqlite3.Cursor) -> list[tuple[Any, ...]]:
    return sorted(
        cursor.fetchall(),
        key=lambda row: tuple((v is None, v if v is not None else 0) for v in row),
    )
