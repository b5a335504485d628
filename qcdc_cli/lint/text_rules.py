"""Rules that read the draft alone (and the code tables): malformed numbers, unknown
codes, type words, issuers, dates after the draft, the header lines, citations that name
no number or lack their date and body."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.lint.draft import _at, _document_level, _Draft, _first_mention, _is_own, _issuer_base, _mentions, vn_date
from qcdc_cli.lint.rules import RULES_BY_CODE, Diagnostic, Words
from qcdc_cli.models import Mention, Reference

if TYPE_CHECKING:
    pass


def _malformed(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if not m.malformed:
            continue
        suggestion = m.suggestion or ref.suggestion or _alias_of(d, m.as_written) or ref.number
        args: dict[str, str | Words] = {}
        if suggestion and suggestion != m.as_written:
            args["suggestion"] = suggestion
        yield _at("QC001", m, d.lines, ref.number, **args)


def _alias_of(d: _Draft, written: str) -> str | None:
    """The one known document a malformed spelling is an alias of ("34-PL/UBTVQH11")."""
    if d.knowledge is None:
        return None
    catalog = d.knowledge.catalog
    numbers = {k.number for k in catalog.candidates(written) if k.number}
    if not numbers:
        numbers = {k.number for k in catalog.entries if k.number and _same_parts(d.vocab, written, k.number)}
    return numbers.pop() if len(numbers) == 1 else None


def _same_parts(vocab: Vocabulary, written: str, number: str) -> bool:
    """Same serial, type and issuing body: "34-PL/UBTVQH11" and 34/2007/PL-UBTVQH11."""
    from qcdc_cli.resolve.resolve import parts_of as parse_number

    a, b = parse_number(written), parse_number(number)
    if not (a[1] and a[3] and a[1] == b[1] and fold(a[3]) == fold(b[3] or "")):
        return False
    body_a, body_b = vocab.issuer(_issuer_base(a[2])), vocab.issuer(_issuer_base(b[2]))
    return body_a is not None and body_a == body_b


def _unknown_codes(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if m.malformed:
            continue  # QC001 says what is wrong with it
        if ref.type is not None:
            table = d.vocab.party_types if ref.system == "party" else d.vocab.state_types
            if fold(ref.type) not in table:
                meant = _with_d_bar(table, ref.type)
                if meant is not None:  # ASCII "ND-CP" for "NĐ-CP": a spelling to fix, not a new code
                    yield _at("QC001", m, d.lines, ref.number, suggestion=_retype(ref.number, ref.type, meant))
                else:
                    yield _at("QC002", m, d.lines, ref.number, type=ref.type)
        if ref.issuer_code and d.vocab.issuer(_issuer_base(ref.issuer_code)) is None:
            yield _at("QC003", m, d.lines, ref.number, issuer=ref.issuer_code)


def _with_d_bar(table: dict[str, str], code: str) -> str | None:
    """The one known type code that `code` is an ASCII spelling of (ND -> NĐ, QD -> QĐ)."""
    ascii_code = fold(code)
    if "D" not in ascii_code:
        return None
    meant = {real for spelled, real in table.items() if spelled.replace("Đ", "D") == ascii_code}
    return meant.pop() if len(meant) == 1 else None


def _retype(number: str, written: str, meant: str) -> str:
    """149/2018/ND-CP -> 149/2018/NĐ-CP: the type code replaced where it stands."""
    for before, after in (("/", "-"), ("-", "/")):
        spot = f"{before}{written}{after}"
        if spot in number:
            return number.replace(spot, f"{before}{meant}{after}", 1)
    return number


def _type_word(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if not m.type_word or ref.type is None:
            continue
        candidates = d.vocab.type_words.get(fold(m.type_word))
        if not candidates:
            continue  # a word the tables do not know says nothing either way
        family = d.vocab.type_families.get((ref.system, ref.type), ref.type)
        if any(d.vocab.type_families.get(c, c[1]) == family for c in candidates if c[0] == ref.system):
            continue
        if any(c[1] == ref.type for c in candidates):
            continue  # same code in the other system (a State-style slash on a Party number)
        type_name = d.vocab.type_names.get((ref.system, ref.type))
        if type_name is None:
            continue  # unknown code: QC002's business
        yield _at(
            "QC004",
            m,
            d.lines,
            ref.number,
            word=m.type_word,
            type=ref.type,
            type_name=type_name,
            number=ref.number,
        )


# "Hội nghị lần thứ bảy Ban Chấp hành Trung ương": the plenum names no body of its own.
_PLENUM = re.compile(r"^(?:CỦA\s+)?(?:HỘI NGHỊ\s+(?:LẦN\s+THỨ\s+\S+\s+)?)?(?:CỦA\s+)?", re.UNICODE)


def _body_code(vocab: Vocabulary, issuer: str) -> tuple[str, str] | None:
    """(issuer code, body as written) when `issuer` starts with a body the tables name."""
    folded = _PLENUM.sub("", " ".join(fold(issuer).split()))
    best: tuple[str, str] | None = None
    for body, code in vocab.bodies.items():
        if not folded.startswith(body):
            continue
        whole_word = len(folded) == len(body) or not folded[len(body)].isalnum()
        if whole_word and (best is None or len(body) > len(best[1])):
            best = (code, body)
    return best


def _issuer_of(ref: Reference, vocab: Vocabulary) -> str | None:
    info = vocab.issuer(_issuer_base(ref.issuer_code))
    return info.code if info else None


def _renumber(ref: Reference, issuer_code: str) -> str | None:
    """The reference's number with another issuer: 25-NQ/TU -> 25-NQ/TW."""
    if ref.system == "party" and ref.type:
        return f"{ref.number.split('-', 1)[0]}-{ref.type}/{issuer_code}"
    return None


def _issuer(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if not m.issuer:
            continue
        found = _body_code(d.vocab, m.issuer)
        written_code = _issuer_of(ref, d.vocab)
        if found is None or written_code is None or found[0] == written_code:
            continue
        body_info = d.vocab.issuer(found[0])
        if body_info is None or body_info.system != ref.system:
            continue  # a Party body named for a State number is another kind of slip
        args: dict[str, str | Words] = {
            "body": m.issuer,
            "issuer": ref.issuer_code,
            "expected": found[0],
        }
        suggestion = _renumber(ref, found[0])
        if suggestion:
            args["suggestion"] = suggestion
        yield _at("QC006", m, d.lines, ref.number, **args)


_WRITTEN = Words(("written",))


def _after_draft(d: _Draft) -> Iterator[Diagnostic]:
    # an unsigned draft ("ngày    tháng    năm 2026") has its year only: a later year is after it
    draft_date = d.x.self.date or (str(d.x.self.year) if d.x.self.year else None)
    if not draft_date:
        return
    for ref, m in _mentions(d.x, main_only=True):
        if m.date and m.date[: len(draft_date)] > draft_date and not _is_own(ref, d.x):
            yield _at(
                "QC008", m, d.lines, ref.number,
                number=ref.number, date=vn_date(m.date), draft_date=vn_date(draft_date),
                source=_WRITTEN,
            )  # fmt: skip


def _self_citation(d: _Draft) -> Iterator[Diagnostic]:
    own = d.x.self.number
    if not own:
        return
    for ref in d.x.references:
        if ref.number != own:
            continue
        for m in ref.mentions:
            if m.segment != 0 or m.line == d.x.self.line:
                continue
            if m.date and d.x.self.date and m.date != d.x.self.date:
                continue  # same number, another date: an earlier term's document
            yield _at("QC009", m, d.lines, ref.number, number=ref.number)


def _header(d: _Draft) -> Iterator[Diagnostic]:
    s = d.x.self
    if not s.number and not s.number_placeholder:  # "Số:    /QĐ-UBND": a draft not numbered yet
        yield _document_level("QC010")
    if not s.date and not s.year:  # "ngày    tháng    năm 2026": a draft not signed yet
        yield _document_level("QC011", s.line or 1)
    elif not s.place:
        yield _document_level("QC012", s.line or 1)


def _ended_issuer(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        date = m.date or (d.x.self.date if _is_own(ref, d.x) else None)
        info = d.vocab.issuer(_issuer_base(ref.issuer_code))
        if date and info and info.until and date > info.until:
            yield _at(
                "QC017", m, d.lines, ref.number,
                issuer=ref.issuer_code, name=info.name,
                until=vn_date(info.until), date=vn_date(date),
            )  # fmt: skip
    s = d.x.self
    if s.number and s.issuer_code and s.date and not any(r.number == s.number for r in d.x.references):
        info = d.vocab.issuer(_issuer_base(s.issuer_code))
        if info and info.until and s.date > info.until:
            line = s.line or 1
            yield Diagnostic(
                "QC017", RULES_BY_CODE["QC017"].severity, line, 1, line, 1, s.number,
                {"text": s.number, "issuer": s.issuer_code, "name": info.name,
                 "until": vn_date(info.until), "date": vn_date(s.date)},
                s.number,
            )  # fmt: skip


_HEADING = re.compile(r"^\s*(?:[IVX]+|1|A)\s*[.\-–)/]\s", re.UNICODE)
_LEAD = re.compile(r"^[\s*_#>\-–•+]*(?:VỀ\s+|V/V\s+)?", re.UNICODE)


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of blank-line-separated paragraphs of text[start:end]."""
    pos = start
    for m in re.finditer(r"\n[ \t\r]*\n", text[start:end]):
        yield pos, start + m.start()
        pos = start + m.end()
    if pos < end:
        yield pos, end


def _opening_cue(vocab: Vocabulary) -> re.Pattern[str]:
    # longest first; then by text, so the pattern is the same in every run (kept compiled)
    cues = sorted({fold(c) for c, rel in vocab.cues if rel == "implements"}, key=lambda c: (-len(c), c))
    return re.compile("(?:" + "|".join(re.escape(c) for c in cues) + r")(?=\s)") if cues else re.compile(r"(?!)")


def _implements_unnumbered(d: _Draft) -> Iterator[Diagnostic]:
    """An opening "Thực hiện ..." (before the first section heading) that cites no number."""
    seg = d.x.segments[0] if d.x.segments else None
    start, end = (seg.start, seg.end) if seg else (0, len(d.text))
    cue = _opening_cue(d.vocab)
    mention_starts = sorted(m.start for r in d.x.references for m in r.mentions)
    for p_start, p_end in _paragraphs(d.text, start, end):
        para = d.text[p_start:p_end]
        if _HEADING.match(para):
            return  # the body has begun
        folded = fold(para)
        lead = _LEAD.match(folded)
        at = lead.end() if lead else 0
        found = cue.match(folded, at)
        if not found:
            continue
        sentence_end = _sentence_end(para, found.end())
        if any(p_start + at <= s < p_start + sentence_end for s in mention_starts):
            continue
        words = para[at:sentence_end].split()
        shown = " ".join(words[: len(found.group().split()) + 5])
        line, column = d.lines.line_col(p_start + at)
        end_line, end_column = d.lines.line_col(p_start + found.end())
        yield Diagnostic(
            "QC014", RULES_BY_CODE["QC014"].severity, line, column, end_line, end_column,
            para[at : found.end()], {"text": shown}, "",
        )  # fmt: skip


def _sentence_end(para: str, start: int) -> int:
    """Where the opening sentence ends: its full stop or the end of the paragraph."""
    m = re.search(r"[.:;](?:\s|$)", para[start:])
    return start + m.end() if m else len(para)


def _incomplete(d: _Draft) -> Iterator[Diagnostic]:
    """The first mention of each document should carry its type word, date and issuer.

    A list that shares its tail ("quyết định 217-QĐ/TW và quyết định 218-QĐ/TW, ngày
    12/12/2013 của Bộ Chính trị") gives the issuer to every number in it; the date only
    when the registry confirms it is that document's date too, since "Chỉ thị 30-CT/TW,
    Kết luận 120-KL/TW, ngày 07/01/2016" dates the second only.
    """
    listed = sorted(
        ((m, ref) for ref in d.x.references for m in ref.mentions if m.segment == 0), key=lambda p: p[0].start
    )
    for ref in d.x.references:
        if _is_own(ref, d.x):
            continue
        m = _first_mention(ref, d.x)
        if m is None or m.malformed:
            continue  # a malformed number has its own finding
        date, issuer = m.date, m.issuer
        if not (date and issuer):
            tail_date, tail_issuer = _shared_tail(d, m, listed)
            issuer = issuer or tail_issuer
            if not date and tail_date and _known_date(d, ref) == tail_date:
                date = tail_date
        missing = []
        if not m.type_word:
            missing.append("type word")
        if not date:
            missing.append("date")
        if not issuer:
            missing.append("issuing body")
        if missing:
            yield _at("QC016", m, d.lines, ref.number, number=m.as_written, missing=Words(missing))


_DATE_WORDS = re.compile(
    r"NGÀY\s*\d{1,2}\s*(?:[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|THÁNG\s*\d{1,2}\s*NĂM\s*\d{4})", re.UNICODE
)


def _shared_tail(d: _Draft, m: Mention, listed: list[tuple[Mention, Reference]]) -> tuple[str | None, str | None]:
    """(date, issuer) of the mentions that continue `m`'s list, nearest first."""
    date = issuer = None
    end = m.end
    for nxt, _ref in listed:
        if nxt.start < end:
            continue
        if not _connector(d, d.text[end : nxt.start]):
            break
        date, issuer = date or nxt.date, issuer or nxt.issuer
        if date and issuer:
            break
        end = nxt.end
    return date, issuer


def _connector(d: _Draft, gap: str) -> bool:
    """Only commas, "và", a date and type words between two numbers of one list."""
    if any(c in gap for c in ".;:\n"):
        return False
    rest = _DATE_WORDS.sub(" ", fold(gap))
    for word in sorted(d.vocab.type_words, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return not re.sub(r"[\s,]+|\bVÀ\b|\bSỐ\b", "", rest)


def _known_date(d: _Draft, ref: Reference) -> str | None:
    if d.knowledge is None:
        return None
    from qcdc_cli.resolve.resolve import Context, resolve

    res = resolve(ref, Context.of(d.x.self, d.path), d.knowledge.catalog)
    return res.document.date if res.status == "resolved" and res.document else None
