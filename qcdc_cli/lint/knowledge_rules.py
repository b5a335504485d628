"""Rules that ask the registry or the index (through resolve's `Catalog`): dates and
issuers that contradict the known document, superseded or future references, a parent
plan not found, two documents under one number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from qcdc_cli.lint.draft import _at, _Draft, _first_mention, _is_own, vn_date
from qcdc_cli.lint.rules import RULES_BY_CODE, Diagnostic, Words
from qcdc_cli.models import Mention, Reference

if TYPE_CHECKING:
    from qcdc_cli.resolve.resolve import Catalog, Context, Known, Resolution


# ---- rules that need the registry or the index -------------------------------------------


def _source(known: Known) -> Words:
    return Words(("registry",) if known.registry_id else ("index",))


def _trusted(known: Known) -> bool:
    """Registry facts marked unconfirmed do not make errors; index facts are what was read."""
    return known.registry_id is None or known.confidence != "unconfirmed"


def _resolutions(d: _Draft) -> Iterator[tuple[bool, Context, Reference, Resolution]]:
    """(main document?, context, reference, resolution) for each reference of each
    document in the file; the draft's own number is not a reference."""
    from qcdc_cli.resolve.resolve import Context, resolve, split_units

    assert d.knowledge is not None
    for unit in split_units(d.path or "<draft>", d.x):
        ctx = Context.of(unit.info, d.path)
        for ref in unit.references:
            if ref.malformed or (unit.segment == 0 and _is_own(ref, d.x)):
                continue
            yield unit.segment == 0, ctx, ref, resolve(ref, ctx, d.knowledge.catalog)


def _against_catalog(d: _Draft) -> Iterator[Diagnostic]:
    """Each citation checked against the document it denotes: date, body, validity."""
    if d.knowledge is None:
        return
    for main, ctx, ref, res in _resolutions(d):
        first = min(ref.mentions, key=lambda m: m.start) if ref.mentions else None
        if first is None:
            continue
        if res.status == "unknown" and res.likely is not None and res.likely.number:
            yield _likely(d, ref, res.likely)
        if res.status != "resolved" or res.document is None:
            if main and res.status == "unknown" and res.likely is None:
                yield from _future(d, ctx, ref, first)
            continue
        known = res.document
        if _trusted(known):
            yield from _contradictions(d, ref, known, res)
        if main:
            yield from _superseded(d, ctx, ref, known, first)


def _likely(d: _Draft, ref: Reference, likely: Known) -> Diagnostic:
    first = min(ref.mentions, key=lambda m: m.start)
    g = _at("QC006", first, d.lines, ref.number, suggestion=likely.number or "")
    g.variant = "likely"
    return g


def _contradictions(d: _Draft, ref: Reference, known: Known, res: Resolution) -> Iterator[Diagnostic]:
    for m in ref.mentions:
        if m.date and known.date and m.date != known.date:
            yield _at(
                "QC005", m, d.lines, ref.number,
                number=m.as_written, written=vn_date(m.date), known=vn_date(known.date),
                source=_source(known),
            )  # fmt: skip
    for issue in res.discrepancies:
        if issue.field != "issuer":
            continue
        where = next((m for m in ref.mentions if m.issuer == issue.written), None)
        if where is None:
            continue
        g = _at("QC006", where, d.lines, ref.number, body=issue.written, known=issue.known, source=_source(known))
        g.variant = "known"
        yield g


def _superseded(d: _Draft, ctx: Context, ref: Reference, known: Known, first: Mention) -> Iterator[Diagnostic]:
    """Replaced or repealed on or before the draft's date (Pháp lệnh 34/2007 in 2024)."""
    if not ctx.date or d.knowledge is None:
        return
    successor = d.knowledge.successors.get(known.registry_id or "")
    status = successor.status if successor else known.status
    ended_on = successor.date if successor and successor.date else _day_after(known.valid_until)
    if status not in ("replaced", "repealed", "expired") or not ended_on or ended_on > ctx.date:
        return
    yield _at(
        "QC007", first, d.lines, ref.number,
        number=first.as_written, status=Words((status,)), date=vn_date(ended_on),
        draft_date=vn_date(ctx.date), successor=successor.cite if successor else "?",
    )  # fmt: skip


def _day_after(iso: str | None) -> str | None:
    """The first day a document no longer applies, from its last valid day."""
    if not iso:
        return None
    import datetime

    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=1)).isoformat()


def _future(d: _Draft, ctx: Context, ref: Reference, first: Mention) -> Iterator[Diagnostic]:
    """Unknown at the draft's date, but the only document with that number is newer."""
    from dataclasses import replace

    from qcdc_cli.resolve.resolve import resolve

    if not ctx.date or d.knowledge is None:
        return
    later = resolve(ref, replace(ctx, date=None), d.knowledge.catalog)
    known = later.document
    if later.status == "resolved" and known is not None and known.date and known.date > ctx.date:
        yield _at(
            "QC008", first, d.lines, ref.number,
            number=ref.number, date=vn_date(known.date), draft_date=vn_date(ctx.date),
            source=_source(known),
        )  # fmt: skip


def _parent_not_found(d: _Draft) -> Iterator[Diagnostic]:
    """A document the draft implements that neither the registry nor the index knows.

    The bundled registry lists central documents; a provincial parent (26-KH/TU) can
    only be looked for in an index, so without --db it gets no verdict.
    """
    if d.knowledge is None:
        return
    for main, _ctx, ref, res in _resolutions(d):
        if not main or ref.relation != "implements" or res.status != "unknown" or res.likely:
            continue
        if not d.knowledge.has_index and not d.knowledge.catalog.is_national(ref.issuer_code):
            continue
        first = _first_mention(ref, d.x)
        if first is not None:
            where = "registry nor index" if d.knowledge.has_index else "registry alone"
            yield _at("QC015", first, d.lines, ref.number, number=first.as_written, where=Words((where,)))


def _collision(d: _Draft) -> Iterator[Diagnostic]:
    """Another document in the index with the draft's number, in its scope and term."""
    own = d.x.self
    number = own.number
    if d.knowledge is None or not d.knowledge.has_index or not number:
        return
    catalog = d.knowledge.catalog
    others = [
        k
        for k in catalog.candidates(number)
        if k.in_corpus and not (d.path and d.path in k.paths) and _same_scope(catalog, own.province, own.date, k)
    ]
    if others:
        line = own.line or 1
        other = ", ".join(sorted(k.paths[0] if k.paths else k.id for k in others))
        # local Party numbers were matched on an estimated provincial term: say so
        estimated = any(_by_local_term(catalog, own.date, k) for k in others)
        yield Diagnostic(
            "QC013", RULES_BY_CODE["QC013"].severity, line, 1, line, 1, number,
            {"number": number, "other": other}, number,
            variant="estimated_term" if estimated else "",
        )  # fmt: skip


def _same_scope(catalog: Catalog, province: str | None, date: str | None, k: Known) -> bool:
    """Could `k` hold the same number as a draft of `province` and `date`?

    National Party numbers: the same term of the Central Committee, whichever central
    body issued them (BTGTW, UBKTTW, ... number per TW term: `Vocabulary.numbering_body`).
    Local numbers: the same province, and the same provincial term, estimated
    (`_local_term`). State numbers: the same year (it is often in the number).
    """
    from qcdc_cli.knowledge.terms import term_of

    if not catalog.is_national(k.issuer_code) and not (province and catalog.in_place(k, province)):
        return False
    if not date or not k.date:
        return True
    if k.system == "state":
        return date[:4] == k.date[:4]
    if catalog.is_national(k.issuer_code):
        mine = term_of(date, catalog.vocab.numbering_body(k.issuer_code or "TW"), catalog.terms)
        return mine is None or k.term is None or mine == k.term
    return _local_term(date) == _local_term(k.date)


def _by_local_term(catalog: Catalog, date: str | None, k: Known) -> bool:
    """Did `_same_scope` match `k` by the estimated provincial term?"""
    return bool(date and k.date) and k.system != "state" and not catalog.is_national(k.issuer_code)


def _local_term(date: str) -> int:
    """An ESTIMATE of the provincial Party term a date falls in: 0 for 2015-2020, 1 for 2020-2025.

    Provincial congresses meet in the months before the national one, on dates that
    differ by province and are not in the registry; 1 October of 2015, 2020 and 2025
    stands in for all of them, so a document from the weeks around a congress can be
    put in the wrong term (QC013's message says the scope is estimated). Only the span
    was found in press reports, no per-province table: 2015 from 15 September to
    2 November (tinkinhte.com/_t16/cac-bi-thu-cua-63-tinh); 2020 all 63 by 28 October
    (baovephapluat.vn, baotintuc.vn 30/10/2020); 2025 e.g. Cần Thơ 27 September,
    Vĩnh Long 2 October (doanhnghiephoinhap.vn).
    """
    year = int(date[:4]) - (1 if date[5:] < "10-01" else 0)
    return (year - 2015) // 5
