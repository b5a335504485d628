"""The resolution rules: which known document a written number means in a context.

Rules, in order: national codes resolve nationally, local ones within the citing
document's province (or the province the citation names); a written date or term picks
the term or year; a cited document is not newer than the citing one. Ambiguity is
reported, never guessed; a citation that fits another number better says so.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from qcdc_cli.knowledge.terms import term_of
from qcdc_cli.models import (
    Reference,
)

if TYPE_CHECKING:
    pass

from qcdc_cli.resolve.catalog import KnownDocuments, entry_order
from qcdc_cli.resolve.known import (
    Context,
    Discrepancy,
    Known,
    Resolution,
    fold,
    mention_issuers,
    parts_of,
    written,
    year_in,
)

# The central Party bodies that share the code TW (66-QĐ/TW: "TW" covers the Central
# Committee, the Politburo and the Secretariat). Two citations that name different
# bodies for one TW document disagree, e.g. 65-KL/TW "của Ban Bí thư" vs "Bộ Chính trị".
_TW_BODIES = (
    ("BỘ CHÍNH TRỊ", "Bộ Chính trị"),
    ("BAN BÍ THƯ", "Ban Bí thư"),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Ban Chấp hành Trung ương"),
    ("HỘI NGHỊ TRUNG ƯƠNG", "Ban Chấp hành Trung ương"),
    ("HỘI NGHỊ LẦN THỨ", "Ban Chấp hành Trung ương"),
)


@lru_cache(maxsize=4096)
def _tw_body(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    key = fold(text)
    hits = [(key.find(k), k, name) for k, name in _TW_BODIES if k in key]
    if not hits:
        return None
    _, k, name = min(hits)
    return k, name


def resolution_key(reference: Reference, context: Context) -> tuple:
    """Everything `resolve` reads of a reference and its context (keep in step with it)."""
    r = reference
    return (
        r.number,
        r.system,
        r.type,
        r.issuer_code,
        r.year,
        *written(r),
        mention_issuers(r),
        context.province,
        context.district,
        context.date,
    )


# ------------------------------------------------------------------------- resolution


def resolve(reference: Reference, context: Context, catalog: KnownDocuments) -> Resolution:
    """Which known document `reference` means when `context` cites it.

    Rules, in order: national codes resolve nationally, local ones within the citing
    document's province (or the province the citation names); a written date or term
    picks the term or year; a cited document is not newer than the citing one. One
    candidate left is resolved (with any field it contradicts as a discrepancy), several
    are ambiguous, none is unknown (with the document the citation probably means).
    """
    number = reference.number
    date, _term, _word, issuer = written(reference)
    pool, national, place = in_scope(reference, context, catalog)
    if not pool:
        likely = likely_reading(reference, context, catalog, date, issuer)
        if likely is not None:
            issues = _discrepancies(reference, likely, catalog, number_differs=True)
            return Resolution(
                "unknown",
                number,
                likely=likely,
                discrepancies=issues,
                reason=f"no {number} is known here; the citation fits {likely.number}",
            )
        return Resolution(
            "unknown",
            number,
            discrepancies=_discrepancies(reference, None, catalog),
            reason="no known document has this number in this scope",
        )
    if not national and place is None:
        return Resolution(
            "ambiguous",
            number,
            candidates=tuple(sorted(pool, key=lambda k: k.id)),
            reason="a local number and the citing document names no province",
        )
    if len(pool) > 1:
        return Resolution(
            "ambiguous",
            number,
            candidates=tuple(sorted(pool, key=entry_order)),
            reason="several documents fit; give a date, a term or a province",
        )
    found = pool[0]
    if found.origin == "cited":
        # known only from citations: the citation may still fit another number better
        likely = likely_reading(reference, context, catalog, date, issuer)
        if likely is not None:
            issues = _discrepancies(reference, likely, catalog, number_differs=True)
            return Resolution("resolved", number, document=found, likely=likely, discrepancies=issues)
    return Resolution("resolved", number, document=found, discrepancies=_discrepancies(reference, found, catalog))


def in_scope(reference: Reference, context: Context, catalog: KnownDocuments) -> tuple[list[Known], bool, str | None]:
    """The documents `reference` can mean in `context` (none: it is unknown there), whether
    its issuer code is national, and the province that scoped it. The first half of
    `resolve`, apart because the catalog's build asks only whether any is left."""
    date, term, _word, issuer = written(reference)
    national = catalog.is_national(reference.issuer_code)
    pool = catalog.candidates(reference.number)

    place = None
    if not national:
        place, decided, district = catalog.citation_scope(
            issuer, reference.issuer_code, context, mention_issuers(reference)
        )
        if place is not None:
            here = catalog._of_province(reference.number, place, pool)
            pool = here or [k for k in pool if catalog.in_place(k, place)]
            if decided:  # the body named: its district (none: the province's own)
                pool = [k for k in pool if k.district == district]
            elif district:  # a district body's code: the citing document's district first
                pool = [k for k in pool if k.district == district] or [k for k in pool if k.district is None]
            else:
                pool = [k for k in pool if k.district is None] or pool
    if term:
        pool = [k for k in pool if k.term is None or fold(k.term) == fold(term)]
    if context.date:
        pool = [k for k in pool if k.date is None or k.date <= context.date]
    if date:
        pool = _by_written_date(pool, date, reference, catalog, national)
    return pool, national, place


def _by_written_date(
    pool: list[Known], date: str, ref: Reference, catalog: KnownDocuments, national: bool
) -> list[Known]:
    """Keep the candidates a written date allows: the same date if any has it, else the
    same term (Party, national), the same year (State numbers without a year), or any
    undated one. A date off by days within the term is a discrepancy, not another document."""
    exact = [k for k in pool if k.date == date]
    if exact:
        return exact
    if ref.system == "party" and national:
        written_term = term_of(date, "TW", catalog.terms)  # central Party bodies number per TW term
        if written_term:
            return [k for k in pool if k.term is None or k.term == written_term]
        return [k for k in pool if k.date is None]
    if ref.system == "state" and ref.year is None and not year_in(ref.number):
        return [k for k in pool if k.year is None or k.year == int(date[:4])]
    if ref.system == "state":
        return pool  # the year is in the number: the number alone is the identity
    # local Party: terms of provincial committees are not tabulated; dates must agree
    # within a term (≤ 5 years), else it is another document with the same number.
    return [k for k in pool if k.date is None or abs(int(k.date[:4]) - int(date[:4])) < 5]


def likely_reading(
    ref: Reference, ctx: Context, catalog: KnownDocuments, date: str | None, issuer: str | None
) -> Known | None:
    """A document with the same serial and type but another issuer code, that the
    written date or body points to: "25-NQ/TU ngày 03/6/2013 ... Ban Chấp hành Trung
    ương" is 25-NQ/TW. Only a single clear match counts."""
    _, type_, _, serial = parts_of(ref.number)
    if not (serial and (ref.type or type_)):
        return None
    family = catalog._family(ref.system, ref.type or type_ or "")
    written_code = _body_code(issuer, catalog)
    place = catalog.province_in(issuer) or ctx.province
    matches = []
    for k in catalog._same_serial(fold(serial), family, date, written_code):
        if k.number == ref.number:
            continue
        if not catalog.is_national(k.issuer_code) and not (place and catalog.in_place(k, place)):
            continue  # a local document of another province (or of none known)
        date_fits = bool(date and k.date == date)
        body_fits = bool(written_code and written_code == k.issuer_code)
        if (date_fits and (body_fits or written_code is None)) or (body_fits and date is None):
            matches.append(k)
    return matches[0] if len(matches) == 1 else None


def _body_code(issuer: str | None, catalog: KnownDocuments) -> str | None:
    """The issuer code a written body names: "Ban Chấp hành Trung ương Đảng" -> TW."""
    if not issuer:
        return None
    memo = catalog._body_memo
    if issuer in memo:
        return memo[issuer]
    key = fold(issuer)
    best = None
    for body, code in catalog.vocab.bodies.items():
        pos = key.find(body)
        if pos >= 0 and (best is None or (pos, -len(body)) < best[0]):
            best = ((pos, -len(body)), code)
    memo[issuer] = found = best[1] if best else None
    return found


def _discrepancies(
    ref: Reference, known: Known | None, catalog: KnownDocuments, *, number_differs: bool = False
) -> tuple[Discrepancy, ...]:
    """What the citation writes against what is known of `known` (and against itself)."""
    date, term, word, issuer = written(ref)
    label = (known.id or known.number or "?") if known else ref.number
    if known is not None and number_differs:
        why = f"written {ref.number}, but its date and issuing body are those of {label}"
        return (Discrepancy("number", ref.number, known.number or "", known, why),)
    out = list(_self_contradiction(ref, issuer, catalog, known))
    if known is None or known.origin == "cited":
        return tuple(out)  # what is known of it comes from citations: nothing to hold against
    if date and known.date and date != known.date:
        why = f"written {date}; {label} is dated {known.date}"
        out.append(Discrepancy("date", date, known.date, known, why))
    if term and known.term and fold(term) != fold(known.term):
        why = f"written khóa {term}; {label} is khóa {known.term}"
        out.append(Discrepancy("term", term, known.term, known, why))
    if issuer and known.issuer and known.issuer_code == "TW":
        a, b = _tw_body(issuer), _tw_body(known.issuer)
        if a and b and a[1] != b[1]:
            why = f"written {a[1]}; {label} is recorded as issued by {known.issuer}"
            out.append(Discrepancy("issuer", issuer, known.issuer, known, why))
    if word and known.type and known.system:
        families = catalog._families_of(word)
        if families and catalog._family(known.system, known.type) not in families:
            name = known.type_name or known.type
            why = f"written {word}; {label} is a {name}"
            out.append(Discrepancy("type", word, name, known, why))
    return tuple(out)


def _self_contradiction(
    ref: Reference, issuer: str | None, catalog: KnownDocuments, known: Known | None
) -> tuple[Discrepancy, ...]:
    """A citation whose body is a national one but whose code is another: "Nghị quyết
    số 25-NQ/TU ... Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng" (TU vs TW)."""
    body = _body_code(issuer, catalog)
    if not (issuer and body and catalog.is_national(body)):
        return ()
    # a joint document ("09/2008/NQLT-CP-UBTWMTTQVN ... của Chính phủ và Ủy ban Trung ương
    # Mặt trận Tổ quốc Việt Nam") may be named by any of its issuers
    codes = [ref.issuer_code, *ref.issuer_code.split("-")] if ref.issuer_code else []
    for code in codes:
        info = catalog.vocab.issuer(code)
        if info is not None and info.code == body:
            return ()
    why = f"written {ref.number}, but the citation names {issuer} ({body}), not {ref.issuer_code}"
    return (Discrepancy("issuer", ref.issuer_code or "", body, known, why),)
