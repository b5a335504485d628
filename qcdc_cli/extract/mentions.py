"""Mentions: each document number in a text, with what is written around it.

Read within a bounded window around each number: the type word before it ("Kết luận
số"), the date after it ("ngày 07/01/2016"), the issuer ("của Bộ Chính trị"), the term
("(khóa VIII)"); and shared parts expanded ("số 18, 19-NQ/TW" is two numbers). The cue
phrases compiled here are used by relations.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from qcdc_cli.extract.dates import DATE_PATTERN, date_from_match, group_numbers, iso_date
from qcdc_cli.knowledge.numbers import NumberMatch
from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.models import DocNumber

LOOKBACK = 80  # characters searched before a number for its type word
LOOKAHEAD = 200  # characters searched after a number for its date and issuer

_ORG_HEAD = (
    r"Hội nghị|Ban|Bộ|Chính phủ|Thủ tướng|Quốc hội|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Tỉnh ủy|Tỉnh uỷ"
    r"|Thành ủy|Thành uỷ|Huyện ủy|Huyện uỷ|Đảng ủy|Đảng uỷ|Văn phòng|Sở|Thường trực|Trung ương|BCH|BTV"
)
# "ban hành" (issues) is a verb, not the body word "Ban" (the patterns ignore case)
_NOT_BAN_HANH = r"(?!ban[ \t]+hành(?!\p{L}))"
# "và" ends the body unless another body follows: "của Chính phủ và Ủy ban Trung ương Mặt
# trận Tổ quốc Việt Nam" is one (joint) issuer, "của Bộ Chính trị và Kế hoạch ..." is not.
_ORG_STOP = (
    r"(?=[ \t]*(?:[(,;:.“”\"\n]|$)|[ \t]+(?:về|ngày|thực hiện|triển khai|ban hành|đã|là"
    rf"|và(?![ \t]+{_NOT_BAN_HANH}(?:{_ORG_HEAD})(?!\p{{L}}))|để|nhằm|quy định"
    r"|hướng dẫn|sửa đổi|bổ sung|phê duyệt|bãi bỏ|thay thế|theo|tại|trong|đối với|cho|với|trên|ở|sau|trước|năm|số)"
    r"(?!\p{L}))"
)
# A hard-wrapped line may put "ngày" on the next line ("Kế hoạch số 59/KH-UBND\nngày 25/4/2022").
_AFTER_DATE = compile_regex(
    r"[ \t]*,?[ \t]*(?:\r?\n[ \t]*(?=ngày))?(?:\((?:khóa|khoá)[^()\n]{0,20}\)[ \t]*,?[ \t]*)?(?:(?:ban hành|ký)[ \t]+)?"
    r"\(?[ \t]*(?:ngày|ngay)?[ \t:]*\s{0,2}" + DATE_PATTERN,
    regex.IGNORECASE,
)
_AFTER_ORG_DATE = compile_regex(
    r"[ \t]*,?[ \t]*(?:của)[ \t]+(?P<org>[^\n,;:()“”\"0-9]{2,100}?)[ \t]*,?[ \t]*"
    r"(?:\((?:khóa|khoá)[^()\n]{0,20}\)[ \t]*,?[ \t]*)?(?:ngày)[ \t]*" + DATE_PATTERN,
    regex.IGNORECASE,
)
_AFTER_ORG = compile_regex(
    rf"[ \t]*\)?[ \t]*,?[ \t]*(?:(?:của)[ \t]+(?P<org>\p{{Lu}}[^\n,;:()“”\"0-9]{{0,100}}?)"
    rf"|(?P<org2>{_NOT_BAN_HANH}(?:{_ORG_HEAD})[^\n,;:()“”\"0-9]{{0,100}}?)){_ORG_STOP}",
    regex.IGNORECASE,
)
# `_AFTER_ORG` with the same matches in fewer steps (tests/test_after_org_fast.py): the
# spaces, ")" and "," before the body taken whole (a body starts with a letter, so giving
# them back never helps), and the body's letters other than " ", "\t" and "." taken a run
# at a time (the stop can only match before one of those or at the end). The run has no
# 100-character bound: a longer body is matched again with `_AFTER_ORG` (`_after_org`).
_ORG_RUN = r"(?>[^\n,;:()“”\"0-9 \t.]++|[^\n,;:()“”\"0-9])*?"
_AFTER_ORG_FAST = compile_regex(
    rf"[ \t]*+\)?+[ \t]*+,?+[ \t]*+(?:(?:của)[ \t]++(?P<org>\p{{Lu}}{_ORG_RUN})"
    rf"|(?P<org2>{_NOT_BAN_HANH}(?:{_ORG_HEAD}){_ORG_RUN})){_ORG_STOP}",
    regex.IGNORECASE,
)


def _after_org(text: str, pos: int, end: int) -> regex.Match[str] | None:
    """`_AFTER_ORG.match(text, pos, end)`, through `_AFTER_ORG_FAST` where the body it
    finds is within the 100 characters `_AFTER_ORG` allows."""
    om = _AFTER_ORG_FAST.match(text, pos, end)
    if om is not None and len(_org_of(om)) > 100:
        return _AFTER_ORG.match(text, pos, end)
    return om


_ORG_GROUPS: dict[regex.Pattern[str], tuple[int, ...]] = {}


def _org_of(om: regex.Match[str]) -> str:
    """`om["org"] or om["org2"]` of an `_AFTER_ORG` or `_AFTER_ORG_FAST` match (by number:
    see dates.group_numbers)."""
    org, org2 = group_numbers(om.re, ("org", "org2"), _ORG_GROUPS)
    return om[org] or om[org2]


_TERM = compile_regex(r"[ \t]*,?[ \t]*\(?[ \t]*(?:khóa|khoá)[ \t]+(?P<term>[IVXL]+)\b[ \t]*\)?", regex.IGNORECASE)
_TERM_IN_ORG = compile_regex(r"[ \t]*\(?(?:khóa|khoá)[ \t]+(?P<term>[IVXL]+)\)?$", regex.IGNORECASE)

_SPACES = compile_regex(r"\s+")
_VE = compile_regex(r"(?<!\p{L})về(?!\p{L})", regex.IGNORECASE)
_SERIALS = compile_regex(r"[0-9]{1,5}[a-z]?")
_SHARED_SEPARATOR = r"[ \t]*(?:,|và|;)[ \t]*"
_NGAY = compile_regex(r"ngày", regex.IGNORECASE)


@dataclass(frozen=True)
class Patterns:
    """Regexes compiled from one vocabulary (type words and cue phrases are data)."""

    type_word_before: regex.Pattern[str]
    shared_before: regex.Pattern[str]
    cues: regex.Pattern[str]
    cue_relation: dict[str, str]
    words_alt: str
    name_before: regex.Pattern[str]
    type_word_after: regex.Pattern[str]
    longest_cue: int
    cue_parts: tuple[tuple[str, str], ...]  # (casefolded first word, alternative) of each cue
    cue_first_words: tuple[str, ...]  # casefolded; every cue match starts with one of them
    cues_by_first: dict[tuple[str, ...], regex.Pattern[str]]  # `cues` cut to the cues of those words
    cue_relation_written: dict[str, str | None]  # cache of _cue_relation
    first_words_scan: re.Pattern[str] | None  # see _first_words_scan
    cue_of_word: dict[str, regex.Pattern[str]]  # cues_starting(pats, (word,)), kept by word


# Lower-case letters whose every casefold preimage is a letter (\p{L}): checked over all
# of Unicode by tests/test_extract_speed_paths.py.
SAFE_FOLDED = frozenset("abcdefghijklmnopqrstuvwxyzàáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def _first_words_scan(words: tuple[str, ...]) -> re.Pattern[str] | None:
    r"""One scan for the cue first words in a casefolded window, instead of a str.find
    loop per word (relations._cue_matches). It finds the same places but those inside
    another word found before (non-overlapping): where no word is a prefix of another and
    every letter of the words is in SAFE_FOLDED, a place it skips follows a letter of the
    text, where no cue can start (the cues start with (?<!\p{L})), and each place holds
    one word. None (the find loop) for words outside that."""
    if not words or any(c not in SAFE_FOLDED for w in words for c in w):
        return None
    if any(a != b and b.startswith(a) for a in words for b in words):
        return None
    return re.compile("|".join(re.escape(w) for w in words))


@cache
def patterns(vocab: Vocabulary) -> Patterns:
    words = sorted(vocab.type_words, key=len, reverse=True)  # dict order: the same pattern text every run (cached)
    words_alt = "|".join(regex.escape(w) for w in words)
    # Anchored at the end of a window before the number: REVERSE makes the regex module
    # start there instead of trying every position of the window (3x faster here).
    type_word_before = compile_regex(
        rf"(?<!\p{{L}})(?P<tw>{words_alt})(?:[ \t]+(?:số|so))?[\s:]*$", regex.IGNORECASE | regex.REVERSE
    )
    assert type_word_before.groupindex == {"tw": 1}, "find_mentions reads the type word as group 1"
    shared_before = compile_regex(
        rf"(?:(?<!\p{{L}})(?P<tw>{words_alt})[ \t]+(?:số[ \t]*:?[ \t]*)?|(?<!\p{{L}})số[ \t]*:?[ \t]*)"
        rf"(?P<list>(?:[0-9]{{1,5}}[a-z]?{_SHARED_SEPARATOR})+)$",
        regex.IGNORECASE | regex.REVERSE,
    )
    cue_parts = tuple((c.split(" ")[0].casefold(), regex.escape(c).replace(r"\ ", r"\s+")) for c, _ in vocab.cues)
    cue_alt = "|".join(alt for _, alt in cue_parts)
    cues = compile_regex(rf"(?<!\p{{L}})(?:{cue_alt})(?!\p{{L}})", regex.IGNORECASE)
    cue_relation = {fold(_SPACES.sub(" ", c)): r for c, r in vocab.cues}
    name_before = compile_regex(rf"(?<!\p{{L}})(?:{words_alt})[ \t]+$", regex.IGNORECASE | regex.REVERSE)
    type_word_after = compile_regex(rf"\s+(?:(?:các|có hiệu quả|tốt)\s+)?(?:{words_alt})(?!\p{{L}})", regex.IGNORECASE)
    longest = max((len(c) for c, _ in vocab.cues), default=0) + 10
    first_words = tuple(sorted({first for first, _ in cue_parts}))
    return Patterns(
        type_word_before,
        shared_before,
        cues,
        cue_relation,
        words_alt,
        name_before,
        type_word_after,
        longest,
        cue_parts,
        first_words,
        {},
        {},
        _first_words_scan(first_words),
        {},
    )


def cues_starting(pats: Patterns, words: tuple[str, ...]) -> regex.Pattern[str]:
    """`pats.cues` with only the cues whose first word is one of `words`, in the same order:
    where a text has one of those words, no other cue can match, and the first alternative
    that matches is the same."""
    pattern = pats.cues_by_first.get(words)
    if pattern is None:
        alt = "|".join(alt for first, alt in pats.cue_parts if first in words)
        pattern = pats.cues_by_first[words] = compile_regex(rf"(?<!\p{{L}})(?:{alt})(?!\p{{L}})", regex.IGNORECASE)
    return pattern


@dataclass(slots=True)
class RawMention:
    """A mention in clean-text coordinates, before relations are assigned."""

    start: int
    end: int
    doc: DocNumber
    found: NumberMatch
    type_word: str | None = None
    date: str | None = None
    issuer: str | None = None
    term: str | None = None
    meta_end: int = 0  # end of the date/issuer/term that follow the number
    relation: str = "cites"
    cue: str | None = None
    segment: int = 0
    shared_with: RawMention | None = None  # the mention whose codes this one shares


def _first_after(text: str, pos: int, end: int, skip: str) -> str:
    """The first character in text[pos:end] that is not in `skip` ("" if none)."""
    while pos < end and text[pos] in skip:
        pos += 1
    return text[pos] if pos < end else ""


# What the patterns after a number can start with, once spaces, tabs and the commas and
# parentheses they allow are skipped: a cheap exact pre-check that saves most regex calls
# (a call costs ~1 us even when it fails at once). Case-insensitive letters are compared
# casefolded ("K", the Kelvin sign, folds to "k", as the regex module matches it).
_DATE_FIRST = frozenset("bkn")  # "ban hành", "ký", "ngày"; also "(", ":", spaces, digits
_ORG_FIRST = frozenset("chbtqủuđvs")  # "của" and the first letters of _ORG_HEAD
_TERM_FIRST = frozenset("k")  # "khóa"
_ORG_DATE_FIRST = frozenset("cC")  # "của", the only start of _AFTER_ORG_DATE after " \t,"


def _may_start_date(c: str) -> bool:
    return c != "" and (c in "(:" or c.casefold() in _DATE_FIRST or c.isdigit() or c.isspace())


def _read_after(text: str, m: RawMention) -> None:
    """Date, issuer and term written right after a number."""
    window_end = min(len(text), m.end + LOOKAHEAD)
    pos = m.end
    first = _first_after(text, pos, window_end, " \t,")
    dm = _AFTER_DATE.match(text, pos, window_end) if _may_start_date(first) else None
    if dm:
        m.date = date_from_match(dm)
        pos = dm.end()
    elif first in _ORG_DATE_FIRST and _NGAY.search(text, pos, window_end):  # "của <org> ngày <date>"
        om = _AFTER_ORG_DATE.match(text, pos, window_end)
        if om and not _VE.search(om["org"]):
            m.date = date_from_match(om)
            m.issuer = _clean_org(om["org"], m)
            pos = om.end()
    if m.date is None and _first_after(text, pos, window_end, " \t,").casefold() in "do":
        em = _ENGLISH_DATE.match(text, pos, window_end)  # an English page: "dated March 3, 2016"
        if em:
            m.date = english_date(em)
            pos = em.end()
    if m.issuer is None and _first_after(text, pos, window_end, " \t),").casefold() in _ORG_FIRST:
        om = _after_org(text, pos, window_end)
        if om:
            org = _org_of(om)
            m.issuer = _clean_org(org, m)
            pos = om.end()
    tm = (
        _TERM.match(text, pos, window_end)
        if _first_after(text, pos, window_end, " \t,(").casefold() in _TERM_FIRST
        else None
    )
    if tm:
        m.term = m.term or tm["term"].upper()
        pos = tm.end()
    m.meta_end = pos


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_MONTH_NAMES = "|".join(_MONTHS) + "|" + "|".join(m[:3] + r"\.?" for m in _MONTHS)
_ENGLISH_DATE = compile_regex(
    r"[ \t]*,?[ \t]*(?:dated|of|on)[ \t]+(?:"
    rf"(?P<em>{_MONTH_NAMES})[ \t]+(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<ey>\d{{4}})"
    rf"|(?P<ed2>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?P<em2>{_MONTH_NAMES}),?[ \t]+(?P<ey2>\d{{4}}))(?!\d)",
    regex.IGNORECASE,
)


def english_date(m: regex.Match[str]) -> str | None:
    """ISO date of an _ENGLISH_DATE match ("March 3, 2016", "3rd March 2016")."""
    month = (m["em"] or m["em2"]).casefold().rstrip(".")[:3]
    index = next(i for i, name in enumerate(_MONTHS) if name.startswith(month)) + 1
    return iso_date(int(m["ey"] or m["ey2"]), index, int(m["ed"] or m["ed2"]))


def _clean_org(org: str, m: RawMention) -> str | None:
    org = org.strip(" \t\r,").replace("Ð", "Đ").replace("ð", "đ")
    tm = _TERM_IN_ORG.search(org)
    if tm:
        m.term = tm["term"].upper()
        org = org[: tm.start()].strip(" \t,")
    return org or None


def find_mentions(text: str, numbers: list[NumberMatch], pats: Patterns) -> list[RawMention]:
    out: list[RawMention] = []
    for found in numbers:
        main = RawMention(found.start, found.end, found.doc, found)
        before = text[max(0, found.start - LOOKBACK) : found.start]
        shared = _shared_list(before, pats) if _may_end_list(before) else None
        # anchored at the end: "$" elsewhere only before a final newline, and [\s:]* takes that
        tw = pats.type_word_before.match(before)
        if tw:
            main.type_word = _tidy_word(tw[1])  # the pattern's one group, "tw"
        _read_after(text, main)
        if main.issuer and _PROVINCIAL_COMMITTEE.match(main.issuer) and is_written_tu(text, found):
            main.doc = as_provincial(found.doc)  # "13-NQ/TƯ của Tỉnh ủy": the province's own committee
        if shared:
            # "Nghị quyết số 18, 19-NQ/TW": 18 shares the codes written after 19.
            base = found.start - len(before)
            list_start = base + shared.start("list")
            for sm in _SERIALS.finditer(shared["list"]):
                serial = sm.group()
                doc = _with_serial(found.doc, serial)
                s = list_start + sm.start()
                extra = RawMention(s, s + len(serial), doc, found)
                extra.type_word = _tidy_word(shared["tw"]) if shared["tw"] else main.type_word
                extra.shared_with = main
                extra.meta_end = extra.end
                out.append(extra)
        out.append(main)
    return out


def _shared_list(before: str, pats: Patterns) -> regex.Match[str] | None:
    """`pats.shared_before.search(before)`: a match anchored at the end (a REVERSE pattern's
    `match`) is the same match, unless `$` matched before a final newline."""
    if before.endswith("\n"):
        return pats.shared_before.search(before)
    return pats.shared_before.match(before)


def _may_end_list(before: str) -> bool:
    """Whether `before` can end a shared list ("số 18, "): a separator (",", ";", "và") then
    spaces, at the end or before a final newline (where the pattern's "$" also matches)."""
    for end in (len(before), len(before) - 1) if before.endswith("\n") else (len(before),):
        tail = before[:end].rstrip(" \t")
        if tail.endswith((",", ";")) or tail[-2:].casefold() == "và":
            return True
    return False


# "TƯ" (Trung ương) is how texts write TW; a provincial committee that writes it of its own
# documents ("Nghị quyết 13-NQ/TƯ của Tỉnh ủy", "Số 445-KL/TƯ" under "TỈNH ỦY ...") means TU.
_PROVINCIAL_COMMITTEE = compile_regex(
    r"(?:(?:Ban Thường vụ|Ban Chấp hành|BTV|BCH)[ \t]+)?(?:Tỉnh|Thành)[ \t]+[uủ][yỷ](?!\p{L})"
    r"|(?:Ban Chấp hành|BCH|Ban Thường vụ|BTV)[ \t]+Đảng bộ[ \t]+(?:tỉnh|thành phố)(?!\p{L})",
    regex.IGNORECASE,
)
_WRITTEN_TU = compile_regex(r"/[ \t]*T\.?Ư\.?$", regex.IGNORECASE)


def is_written_tu(text: str, found: NumberMatch) -> bool:
    """Whether a Party number's issuer is written "TƯ" or "T.Ư" (not "TW")."""
    return (
        found.doc.system == "party"
        and found.doc.issuer_code == "TW"
        and bool(_WRITTEN_TU.search(text, found.start, found.end))
    )


def as_provincial(doc: DocNumber) -> DocNumber:
    """The same number issued by the provincial committee (TU)."""
    return DocNumber(f"{doc.serial}-{doc.type}/TU", doc.system, doc.serial, doc.type, "TU", doc.year)


@lru_cache(maxsize=1024)  # a text writes a few type words many times
def _tidy_word(word: str) -> str:
    word = _SPACES.sub(" ", word)
    return word[0].upper() + word[1:].lower() if word.isupper() else word


def _with_serial(doc: DocNumber, serial: str) -> DocNumber:
    number = serial + doc.number[len(doc.serial) :]
    return DocNumber(number, doc.system, serial, doc.type, doc.issuer_code, doc.year)
