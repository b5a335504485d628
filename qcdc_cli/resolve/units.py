"""The documents inside one corpus file, each with the references its own text makes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qcdc_cli.models import (
    Extraction,
    Mention,
    Reference,
    ReportedRelation,
    SelfInfo,
    relation_rank,
)

if TYPE_CHECKING:
    pass

from qcdc_cli.resolve.known import parts_of, year_in


@dataclass(frozen=True, slots=True)
class CitingUnit:
    """One document inside a corpus file, with the references its own text makes."""

    path: str
    segment: int
    info: SelfInfo
    references: tuple[Reference, ...]
    reported: tuple[ReportedRelation, ...]


def split_units(path: str, extraction: Extraction) -> list[CitingUnit]:
    """The documents inside one file, each with the references of its own text.

    A file can carry a second document after the first (seed 13-KH/ĐUK carries the text
    of 120-KL/TW): mentions in that part are citations made by that document. Segments
    without a number of their own stay with the document before them.
    """
    segments = extraction.segments
    owner: list[int] = []
    for i, seg in enumerate(segments):
        owner.append(i if i == 0 or seg.number else owner[i - 1])
    heads = sorted(set(owner)) or [0]
    if len(heads) == 1:
        return [
            CitingUnit(
                path,
                0,
                extraction.self,
                tuple(extraction.references),
                tuple(extraction.reported_relations),
            )
        ]

    def owner_of_line(line: int) -> int:
        head = 0
        for i, seg in enumerate(segments):
            if seg.start_line <= line:
                head = owner[i]
        return head

    units: list[CitingUnit] = []
    for head in heads:
        refs = []
        for ref in extraction.references:
            mentions = [m for m in ref.mentions if owner[m.segment] == head] if ref.mentions else []
            if mentions:
                refs.append(_narrow(ref, mentions))
            elif not ref.mentions and head == 0:
                refs.append(ref)
        reported = tuple(r for r in extraction.reported_relations if owner_of_line(r.line) == head)
        if head == 0:
            info = extraction.self
        else:
            seg = segments[head]
            system, type_, code, _ = parts_of(seg.number or "")
            info = SelfInfo(
                number=seg.number,
                type=type_,
                issuer_code=code,
                title=seg.title,
                system=system,  # type: ignore[arg-type]
                line=seg.start_line,
            )
        units.append(CitingUnit(path, head, info, tuple(refs), reported))
    return units


def _narrow(ref: Reference, mentions: list[Mention]) -> Reference:
    """The reference as seen from one segment: its mentions, strongest relation, date."""
    relation = min((m.relation for m in mentions), key=relation_rank)
    date = next((m.date for m in mentions if m.date), None)
    issuer = next((m.issuer for m in mentions if m.issuer), None)
    return replace(
        ref,
        mentions=mentions,
        relation=relation,
        date=date or ref.date,
        issuer=issuer or ref.issuer,
    )


def reference_for(number: str, unit_refs: Iterable[Reference]) -> Reference:
    """The Reference a text makes to `number`, or a bare one (reported relations)."""
    for ref in unit_refs:
        if ref.number == number:
            return ref
    system, type_, code, _ = parts_of(number)
    return Reference(number=number, system=system, type=type_, issuer_code=code, year=year_in(number))  # type: ignore[arg-type]


def readable(ref: Reference) -> Reference | None:
    """The reference to resolve: a malformed number read as the form it was repaired to
    ("34-PL/UBTVQH11" → 34/2007/PL-UBTVQH11), or None when there is none."""
    if not ref.malformed:
        return ref
    if not ref.suggestion:
        return None
    system, type_, code, _ = parts_of(ref.suggestion)
    return replace(
        ref,
        number=ref.suggestion,
        system=system,  # type: ignore[arg-type]
        type=type_,
        issuer_code=code,
        year=year_in(ref.suggestion),
        malformed=False,
    )
