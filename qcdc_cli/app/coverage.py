"""The `coverage` use case: which provinces have acted on a document, as of a day."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcdc_cli.app.lineage import Lineage


def coverage_report(
    document: str,
    db: Path | None,
    registry: Sequence[Path] = (),
    *,
    as_of: str,
    province: str | None = None,
    year: int | None = None,
    relations: Sequence[str] | None = None,
) -> tuple[dict[str, Any], Lineage]:
    """The coverage of `document` over the provinces in force on `as_of` (ISO date), and
    the lineage it was read from (its notes and unreadable files are the caller's to show)."""
    from qcdc_cli.app.lineage import lineage
    from qcdc_cli.app.pipeline import COVERAGE_RELATIONS, coverage_of

    found = lineage(  # coverage_of reads documents and relations, no evidence
        document, province=province, year=year, scope="down", registry=registry, db=db, as_of=as_of, evidence=False
    )
    known, graph = found.known, found.graph
    provinces = found.catalog.vocab.provinces
    units = [
        p.name
        for p in provinces
        if (p.valid_from is None or p.valid_from <= as_of) and (p.valid_until is None or as_of <= p.valid_until)
    ]
    successors = {p.name: p.successor for p in provinces if p.successor and p.successor != p.name}
    result = coverage_of(
        graph, known.id, units, successors, tuple(relations or COVERAGE_RELATIONS), found.catalog.is_national
    )
    result["as_of"] = as_of
    result["document"] = {"id": known.id, "issuer": known.issuer, "date": known.date, "title": known.title}
    return result, found
