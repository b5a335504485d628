"""Extraction: every document number in a text, with its date, issuer and relation.

Stages, all pure and linear in the text size:
1. normalize (NFC, entities) with an offset map back to the original text;
2. scan document numbers (numbers.py), expand shared parts ("số 18, 19-NQ/TW");
3. read around each number within a bounded window: the type word before it ("Kết luận
   số"), the date after it ("ngày 07/01/2016"), the issuer ("của Bộ Chính trị"), the
   term ("(khóa VIII)");
4. split the file into documents and read each header (header.py);
5. type each mention with the cue phrase that governs it: in the preamble a cue is the
   document's own relation ("Thực hiện Kết luận 65-KL/TW" → implements); a cue that
   follows another number describes that number ("Kế hoạch số 26-KH/TU ... về triển khai
   thực hiện Kết luận số 120-KL/TW" → 26-KH/TU implements 120-KL/TW, a reported relation);
6. group mentions into one reference per canonical number.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from qcdc_cli.extract.dates import DATE_PATTERN, DATE_RE, date_from_match
from qcdc_cli.extract.header import HeaderInfo, find_segments, read_header
from qcdc_cli.knowledge.numbers import NumberMatch, find_numbers
from qcdc_cli.knowledge.places import find_province
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.models import (
    DocNumber,
    Extraction,
    Mention,
    Problem,
    Reference,
    ReportedRelation,
    Segment,
    SelfInfo,
    relation_rank,
)
from qcdc_cli.read.normalize import LineIndex, NormalizedText, normalize_text

LOOKBACK = 80  # characters searched before a number for its type word
LOOKAHEAD = 200  # characters searched after a number for its date and issuer
CUE_GAP = 110  # a cue governs a number at most this far before it (type word and all)
SUBJECT_GAP = 260  # a reported relation's source number is at most this far before the cue

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
    r"|hướng dẫn|theo|tại|trong|đối với|cho|với|trên|ở|sau|trước|năm|số)(?!\p{L}))"
)
_AFTER_DATE = regex.compile(
    r"[ \t]*,?[ \t]*(?:\((?:khóa|khoá)[^()\n]{0,20}\)[ \t]*,?[ \t]*)?(?:(?:ban hành|ký)[ \t]+)?"
    r"\(?[ \t]*(?:ngày|ngay)?[ \t:]*\s{0,2}" + DATE_PATTERN,
    regex.IGNORECASE,
)
_AFTER_ORG_DATE = regex.compile(
    r"[ \t]*,?[ \t]*(?:của)[ \t]+(?P<org>[^\n,;:()“”\"0-9]{2,100}?)[ \t]*,?[ \t]*"
    r"(?:\((?:khóa|khoá)[^()\n]{0,20}\)[ \t]*,?[ \t]*)?(?:ngày)[ \t]*" + DATE_PATTERN,
    regex.IGNORECASE,
)
_AFTER_ORG = regex.compile(
    rf"[ \t]*\)?[ \t]*,?[ \t]*(?:(?:của)[ \t]+(?P<org>\p{{Lu}}[^\n,;:()“”\"0-9]{{0,100}}?)"
    rf"|(?P<org2>{_NOT_BAN_HANH}(?:{_ORG_HEAD})[^\n,;:()“”\"0-9]{{0,100}}?)){_ORG_STOP}",
    regex.IGNORECASE,
)
_TERM = regex.compile(r"[ \t]*,?[ \t]*\(?[ \t]*(?:khóa|khoá)[ \t]+(?P<term>[IVXL]+)\b[ \t]*\)?", regex.IGNORECASE)
_TERM_IN_ORG = regex.compile(r"[ \t]*\(?(?:khóa|khoá)[ \t]+(?P<term>[IVXL]+)\)?$", regex.IGNORECASE)
_NOT_IMPLEMENTING = regex.compile(
    r"(?:việc|kết quả|tình hình|sơ kết|tổng kết|qua|sau|năm|khi)[ \t]+(?:\p{L}+[ \t]+){0,2}$", regex.IGNORECASE
)
_MAIN_VERBS = regex.compile(
    r"(?<!\p{L})(?:ban hành|xây dựng|đề ra|yêu cầu|chỉ đạo|như sau|đã|sẽ|để|nhằm|quyết định)(?!\p{L})", regex.IGNORECASE
)
# A cue right after "và" is a second action of the same subject, not something the number
# before it does: "triển khai thực hiện Kết luận số 120-KL/TW của Bộ Chính trị và tiếp tục
# thực hiện Chỉ thị số 30-CT/TW" (120-KL/TW does not implement 30-CT/TW here).
_PARALLEL_CUE = regex.compile(r"(?<!\p{L})(?:và|cùng|hoặc|đồng thời)[ \t]*$", regex.IGNORECASE)
_SELF_SUBJECT = regex.compile(r"(?<!\p{L})này(?!\p{L})[^.;\n]{0,120}$", regex.IGNORECASE | regex.REVERSE)
# Where a sentence ends (found near numbers only: see _Breaks).
_BREAKS = regex.compile(r"[.;!?](?=\s|$)|:[ \t\r]*\n|\n[ \t\r]*\n|\n(?=[ \t]*(?:[-+•*]|\d+[.)]|[IVX]+[.\-–)]))")
# A character no _BREAKS match consumes and no lookahead of it reads past: a letter, but
# not I, V or X (roman numerals open list items).
_BLOCKER = regex.compile(r"[^\P{L}IVX]")
_BLOCKER_BEFORE = regex.compile(r"[^\P{L}IVX]", regex.REVERSE)
_JOIN_GAP = 256  # characters: a gap this short to the last scanned region is scanned to join it
# "Điều 3. Bãi bỏ Quyết định số ..." : the cue opens the sentence, the document acts.
_SENTENCE_START = regex.compile(r"(?:^|[.;:]\s+|\n)[ \t]*(?:(?:Điều|Khoản)[ \t]+\d+[.:]?[ \t]*)?$", regex.IGNORECASE)
_SPACES = regex.compile(r"\s+")
_PARENS = regex.compile(r"\([^()]*\)")
_VE = regex.compile(r"(?<!\p{L})về(?!\p{L})", regex.IGNORECASE)
_SERIALS = regex.compile(r"[0-9]{1,5}[a-z]?")
_METADATA = regex.compile(
    r"[\s,]*(?:ngày[\s,]*)?(?:(?:của|do)[ \t]+[^;:.\n,]{0,140}?)?[\s,]*(?:ngày[\s,]*)?"
    r"(?:(?:về|để|nhằm)(?:[ \t]+việc)?)?[\s,]*",
    regex.IGNORECASE,
)
# What joins two numbers of a list: spaces and commas, "ngày", "của <body>", a separator
# (",", ";", "và", "cùng"), then up to five words, "số", ":". Written as the plain
# pattern
#   [\s,]*(?:ngày[\s,]*)?(?:của[ \t]+[^;:.\n,]{0,100}?)?[ \t]*(?:,|;|và|cùng|,[ \t]*và)[ \t]*
#   (?:\p{L}+(?:[ \t]+\p{L}+){0,4}[ \t]*(?:số)?[ \t]*:?)?[ \t]*
# it backtracks quadratically on a long run of spaces or commas (80,000 spaces between two
# numbers took 35 s). Below, the same language with possessive runs: a run of spaces and
# commas is taken whole, and a list comma inside it is the one that ends it (lookbehind);
# the body after "của" takes its leading spaces whole and does not end with a space.
_COORD_SEPARATOR = r"(?:,|;|và|cùng|,[ \t]*và)"
_COORD_OF = r"của[ \t]++(?:[^;:.\n,]{0,99}?[^;:.\n, \t])?[ \t]*+"
_COORDINATION = regex.compile(
    r"[\s,]*+"
    r"(?:(?<=,[ \t]*)(?:và)?|;|và|cùng"
    rf"|ngày[\s,]*+(?:(?<=,[ \t]*)(?:và)?|;|và|cùng|{_COORD_OF}{_COORD_SEPARATOR})"
    rf"|{_COORD_OF}{_COORD_SEPARATOR})"
    r"[ \t]*+(?:\p{L}+(?:[ \t]++\p{L}+){0,4}(?:[ \t]*+số)?(?:[ \t]*+:)?[ \t]*+)?",
    regex.IGNORECASE,
)
_SHARED_SEPARATOR = r"[ \t]*(?:,|và|;)[ \t]*"
_NGAY = regex.compile(r"ngày", regex.IGNORECASE)


@dataclass(frozen=True)
class _Patterns:
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


@cache
def _patterns(vocab: Vocabulary) -> _Patterns:
    words = sorted(set(vocab.type_words), key=len, reverse=True)
    words_alt = "|".join(regex.escape(w) for w in words)
    # Anchored at the end of a window before the number: REVERSE makes the regex module
    # start there instead of trying every position of the window (3x faster here).
    type_word_before = regex.compile(
        rf"(?<!\p{{L}})(?P<tw>{words_alt})(?:[ \t]+(?:số|so))?[\s:]*$", regex.IGNORECASE | regex.REVERSE
    )
    shared_before = regex.compile(
        rf"(?:(?<!\p{{L}})(?P<tw>{words_alt})[ \t]+(?:số[ \t]*:?[ \t]*)?|(?<!\p{{L}})số[ \t]*:?[ \t]*)"
        rf"(?P<list>(?:[0-9]{{1,5}}[a-z]?{_SHARED_SEPARATOR})+)$",
        regex.IGNORECASE | regex.REVERSE,
    )
    cue_parts = tuple((c.split(" ")[0].casefold(), regex.escape(c).replace(r"\ ", r"\s+")) for c, _ in vocab.cues)
    cue_alt = "|".join(alt for _, alt in cue_parts)
    cues = regex.compile(rf"(?<!\p{{L}})(?:{cue_alt})(?!\p{{L}})", regex.IGNORECASE)
    cue_relation = {fold(_SPACES.sub(" ", c)): r for c, r in vocab.cues}
    name_before = regex.compile(rf"(?<!\p{{L}})(?:{words_alt})[ \t]+$", regex.IGNORECASE | regex.REVERSE)
    type_word_after = regex.compile(rf"\s+(?:(?:các|có hiệu quả|tốt)\s+)?(?:{words_alt})(?!\p{{L}})", regex.IGNORECASE)
    longest = max((len(c) for c, _ in vocab.cues), default=0) + 10
    return _Patterns(
        type_word_before,
        shared_before,
        cues,
        cue_relation,
        words_alt,
        name_before,
        type_word_after,
        longest,
        cue_parts,
        tuple(sorted({first for first, _ in cue_parts})),
        {},
        {},
    )


def _cues_starting(pats: _Patterns, words: tuple[str, ...]) -> regex.Pattern[str]:
    """`pats.cues` with only the cues whose first word is one of `words`, in the same order:
    where a text has one of those words, no other cue can match, and the first alternative
    that matches is the same."""
    pattern = pats.cues_by_first.get(words)
    if pattern is None:
        alt = "|".join(alt for first, alt in pats.cue_parts if first in words)
        pattern = pats.cues_by_first[words] = regex.compile(rf"(?<!\p{{L}})(?:{alt})(?!\p{{L}})", regex.IGNORECASE)
    return pattern


@dataclass(slots=True)
class _RawMention:
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
    shared_with: _RawMention | None = None  # the mention whose codes this one shares


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


def _may_start_date(c: str) -> bool:
    return c != "" and (c in "(:" or c.casefold() in _DATE_FIRST or c.isdigit() or c.isspace())


def _read_after(text: str, m: _RawMention) -> None:
    """Date, issuer and term written right after a number."""
    window_end = min(len(text), m.end + LOOKAHEAD)
    pos = m.end
    dm = (
        _AFTER_DATE.match(text, pos, window_end)
        if _may_start_date(_first_after(text, pos, window_end, " \t,"))
        else None
    )
    if dm:
        m.date = date_from_match(dm)
        pos = dm.end()
    elif _NGAY.search(text, pos, window_end):  # "của <org> ngày <date>" needs a "ngày"
        om = _AFTER_ORG_DATE.match(text, pos, window_end)
        if om and not _VE.search(om["org"]):
            m.date = date_from_match(om)
            m.issuer = _clean_org(om["org"], m)
            pos = om.end()
    if m.issuer is None and _first_after(text, pos, window_end, " \t),").casefold() in _ORG_FIRST:
        om = _AFTER_ORG.match(text, pos, window_end)
        if om:
            org = om["org"] or om["org2"]
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


def _clean_org(org: str, m: _RawMention) -> str | None:
    org = org.strip(" \t\r,").replace("Ð", "Đ").replace("ð", "đ")
    tm = _TERM_IN_ORG.search(org)
    if tm:
        m.term = tm["term"].upper()
        org = org[: tm.start()].strip(" \t,")
    return org or None


def _mentions(text: str, numbers: list[NumberMatch], pats: _Patterns) -> list[_RawMention]:
    out: list[_RawMention] = []
    for found in numbers:
        main = _RawMention(found.start, found.end, found.doc, found)
        before = text[max(0, found.start - LOOKBACK) : found.start]
        shared = _shared_list(before, pats) if _may_end_list(before) else None
        # anchored at the end: "$" elsewhere only before a final newline, and [\s:]* takes that
        tw = pats.type_word_before.match(before)
        if tw:
            main.type_word = _tidy_word(tw["tw"])
        _read_after(text, main)
        if shared:
            # "Nghị quyết số 18, 19-NQ/TW": 18 shares the codes written after 19.
            base = found.start - len(before)
            list_start = base + shared.start("list")
            for sm in _SERIALS.finditer(shared["list"]):
                serial = sm.group()
                doc = _with_serial(found.doc, serial)
                s = list_start + sm.start()
                extra = _RawMention(s, s + len(serial), doc, found)
                extra.type_word = _tidy_word(shared["tw"]) if shared["tw"] else main.type_word
                extra.shared_with = main
                extra.meta_end = extra.end
                out.append(extra)
        out.append(main)
    return out


def _shared_list(before: str, pats: _Patterns) -> regex.Match[str] | None:
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


@lru_cache(maxsize=1024)  # a text writes a few type words many times
def _tidy_word(word: str) -> str:
    word = _SPACES.sub(" ", word)
    return word[0].upper() + word[1:].lower() if word.isupper() else word


def _with_serial(doc: DocNumber, serial: str) -> DocNumber:
    number = serial + doc.number[len(doc.serial) :]
    return DocNumber(number, doc.system, serial, doc.type, doc.issuer_code, doc.year)


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    relation: str
    written: str


def _cue_before(text: str, pos: int, pats: _Patterns) -> _Cue | None:
    """The last cue phrase that ends at most CUE_GAP characters before `pos`.

    Searched in a bounded window per number rather than over the whole text: cue words
    ("thực hiện") are everywhere, numbers are rare, so this keeps extraction linear and fast.
    """
    lo = max(0, pos - CUE_GAP - pats.longest_cue)
    candidates = [m for m in _cue_matches(text, lo, pos, pats) if pos - m.end() <= CUE_GAP]
    for found in reversed(candidates):
        cue = _valid_cue(text, found, pats)
        if cue is not None:
            return cue
    return None


def _cue_matches(text: str, lo: int, hi: int, pats: _Patterns) -> list[regex.Match[str]]:
    """`pats.cues.finditer(text, lo, hi)`, trying the pattern only where a cue's first word is.

    The case-insensitive alternation of every cue costs ~100 ns a character when tried at
    each position; casefolding the window and finding the first words with str.find leaves
    a few anchored tries. Where casefolding changes the length ("ß" -> "ss") the offsets
    would shift, so such a window is scanned the plain way.
    """
    window = text[lo:hi]
    folded = window.casefold()
    if len(folded) != len(window):
        return list(pats.cues.finditer(text, lo, hi))
    tries: dict[int, tuple[str, ...]] = {}
    for word in pats.cue_first_words:
        i = folded.find(word)
        while i != -1:
            tries[i] = (*tries.get(i, ()), word)
            i = folded.find(word, i + 1)
    out: list[regex.Match[str]] = []
    after = 0  # matches do not overlap: the next one starts at or after the last one's end
    for i in sorted(tries):
        if i < after:
            continue
        m = _cues_starting(pats, tries[i]).match(text, lo + i, hi)
        if m is not None:
            out.append(m)
            after = m.end() - lo
    return out


def _cue_relation(written: str, pats: _Patterns) -> str | None:
    """The relation a cue phrase states, as written (cached: texts write a few cues often)."""
    try:
        return pats.cue_relation_written[written]
    except KeyError:
        relation = pats.cue_relation.get(fold(_SPACES.sub(" ", written)))
        if len(pats.cue_relation_written) > 4096:  # odd spacing could make endless spellings
            pats.cue_relation_written.clear()
        pats.cue_relation_written[written] = relation
        return relation


def _valid_cue(text: str, found: regex.Match[str], pats: _Patterns) -> _Cue | None:
    written = found.group()
    relation = _cue_relation(written, pats)
    if relation is None:
        return None
    start, end = found.span()
    if pats.name_before.search(text, max(0, start - 30), start) and not pats.type_word_after.match(text, end):
        # part of a name ("Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15"), unlike
        # "Kế hoạch thực hiện Chỉ thị 30-CT/TW" where a type word follows the cue
        return None
    if relation == "implements" and _NOT_IMPLEMENTING.search(text, max(0, start - 30), start):
        return None  # "việc thực hiện Chỉ thị ...", "kết quả thực hiện ..." describe, not implement
    return _Cue(start, end, relation, written)


class _Ranges:
    """A union of half-open ranges, asked "is pos inside?" in O(log n).

    A file of many pasted documents has a preamble per document; testing every range for
    every mention made extraction quadratic in the number of documents.
    """

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(r for r in ranges if r[0] < r[1]):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        self._starts, self._ends = starts, ends

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


class _Breaks:
    """Sentence breaks (starts of _BREAKS matches), found only around the places asked about.

    Scanning the whole text costs about a third of extraction's time on prose, while only
    the few hundred characters around each number are ever asked about. A scan of a region
    finds exactly what a scan of the whole text finds there when the region starts and ends
    just after a blocker letter (_BLOCKER): no match and no lookahead crosses such a letter.
    Regions, once scanned, are kept, so no character is scanned twice however the questions
    come (a text with no blocker at all is scanned once, as a whole).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lo: list[int] = []  # scanned regions, sorted and disjoint: [lo, hi)
        self._hi: list[int] = []
        self._found: list[list[int]] = []  # break starts in each region

    def between(self, lo: int, hi: int) -> list[int]:
        """Every break start s with lo <= s < hi, in order."""
        lo, hi = max(lo, 0), min(hi, len(self._text))
        if lo >= hi:
            return []
        i = bisect_right(self._lo, lo) - 1
        if i >= 0 and hi <= self._hi[i]:  # inside one scanned region: the usual case
            found = self._found[i]
            return found[bisect_left(found, lo) : bisect_left(found, hi)]
        self._cover(lo, hi)
        out: list[int] = []
        i = bisect_right(self._lo, lo) - 1
        while i < len(self._lo) and self._lo[i] < hi:
            found = self._found[i]
            out.extend(found[bisect_left(found, lo) : bisect_left(found, hi)])
            i += 1
        return out

    def same_sentence(self, a: int, b: int) -> bool:
        """No break strictly between a and b (for a >= b: none in [b, a])."""
        return not (self.between(a + 1, b) if a < b else self.between(b, a + 1))

    def _cover(self, lo: int, hi: int) -> None:
        text = self._text
        pos = lo
        while pos < hi:
            i = bisect_right(self._lo, pos) - 1
            if i >= 0 and pos < self._hi[i]:
                pos = self._hi[i]
                continue
            gap_lo = self._hi[i] if i >= 0 else 0
            gap_hi = self._lo[i + 1] if i + 1 < len(self._lo) else len(text)
            if i >= 0 and pos - gap_lo <= _JOIN_GAP:
                start = gap_lo  # close to the region before: scan on from its end and join it
            else:
                before = _BLOCKER_BEFORE.search(text, gap_lo, pos)
                start = before.end() if before else gap_lo
            after = _BLOCKER.search(text, max(hi - 1, start), gap_hi)
            end = after.end() if after else gap_hi
            found = [m.start() for m in _BREAKS.finditer(text, start, end)]
            if i >= 0 and start == self._hi[i]:
                # joined at the end only: a region is never copied into another, so a text
                # asked about back to front still costs one scan
                self._hi[i] = end
                self._found[i].extend(found)
            else:
                self._lo.insert(i + 1, start)
                self._hi.insert(i + 1, end)
                self._found.insert(i + 1, found)
            pos = end


def _is_metadata(gap: str) -> bool:
    """True when `gap` only describes the number before it (date, issuer, term, "về")."""
    gap = _PARENS.sub(" ", DATE_RE.sub(" ", gap))
    return not _MAIN_VERBS.search(gap) and _METADATA.fullmatch(gap) is not None


def _is_coordination(gap: str) -> bool:
    """True when `gap` joins two numbers in a list ("30-CT/TW, Kết luận số 120-KL/TW")."""
    gap = _PARENS.sub(" ", DATE_RE.sub(" ", gap))
    return _COORDINATION.fullmatch(gap) is not None and not _VE.search(gap)


def _assign_relations(
    text: str,
    mentions: list[_RawMention],
    pats: _Patterns,
    preamble: _Ranges,
    segment_subjects: dict[int, str | None],
    breaks: _Breaks,
    lines: LineIndex,
) -> list[ReportedRelation]:
    """Give each mention its relation; return the relations the text reports between others."""
    reported: list[ReportedRelation] = []
    main_starts = [m.start for m in mentions if m.shared_with is None]
    position = {id(m): i for i, m in enumerate(mentions)}
    # What each mention's relation came from: ("self", relation) or (source_number, relation)
    assigned: list[tuple[str, str, str | None] | None] = [None] * len(mentions)

    same_sentence = breaks.same_sentence

    for i, m in enumerate(mentions):
        if m.shared_with is not None:
            continue  # takes the relation of the number whose codes it shares, below
        # The governing cue: the last cue before the number, close and in the same sentence,
        # with no other number between them (that number takes the cue for itself).
        cue = _cue_before(text, m.start, pats)
        if cue is not None and (
            not same_sentence(cue.start, m.start)
            or bisect_left(main_starts, m.start) > bisect_left(main_starts, cue.end)
        ):
            cue = None
        prev = _previous_main(mentions, i)
        if cue is not None:
            subject = None
            if prev is not None:
                p = mentions[prev]
                if (
                    p.end <= cue.start
                    and cue.start - p.meta_end <= SUBJECT_GAP
                    and same_sentence(p.start, cue.start)
                    and _is_metadata(text[p.end : cue.start])
                    and not _PARALLEL_CUE.search(text, max(p.end, cue.start - 20), cue.start)
                ):
                    subject = p
            if subject is not None:
                reported.append(_reported(text, subject.doc.number, cue, m, lines, breaks))
                assigned[i] = (subject.doc.number, cue.relation, cue.written)
                continue
            segment_subject = segment_subjects.get(m.segment)
            if cue.start in preamble or (
                cue.relation in ("amends", "replaces", "repeals")
                and (
                    _SELF_SUBJECT.search(text, max(0, cue.start - 140), cue.start)
                    or _SENTENCE_START.search(text, max(0, cue.start - 40), cue.start)
                )
            ):
                if m.segment == 0 or segment_subject is None:
                    m.relation, m.cue = cue.relation, cue.written
                    assigned[i] = ("self", cue.relation, cue.written)
                else:
                    reported.append(_reported(text, segment_subject, cue, m, lines, breaks))
                    assigned[i] = (segment_subject, cue.relation, cue.written)
                continue
            assigned[i] = None
            continue
        # No cue of its own: a number listed right after another shares its relation.
        if prev is not None and assigned[prev] is not None:
            p = mentions[prev]
            if same_sentence(p.start, m.start) and _is_coordination(text[p.end : m.start]):
                source, relation, written = assigned[prev]  # type: ignore[misc]
                assigned[i] = assigned[prev]
                if source == "self":
                    m.relation, m.cue = relation, written
                else:
                    cue_like = _Cue(m.start, m.start, relation, written or "")
                    reported.append(_reported(text, source, cue_like, m, lines, breaks))
    for m in mentions:
        if m.shared_with is not None and id(m.shared_with) in position:
            main = m.shared_with
            main_assigned = assigned[position[id(main)]]
            m.relation, m.cue = main.relation, main.cue
            m.date, m.issuer, m.term = main.date, main.issuer, main.term
            if main_assigned is not None and main_assigned[0] != "self":
                source, relation, written = main_assigned
                reported.append(
                    _reported(text, source, _Cue(m.start, m.start, relation, written or ""), m, lines, breaks)
                )
    return reported


def _previous_main(mentions: list[_RawMention], i: int) -> int | None:
    j = i - 1
    while j >= 0 and mentions[j].shared_with is not None:
        j -= 1
    return j if j >= 0 else None


def _reported(
    text: str, source: str, cue: _Cue, target: _RawMention, lines: LineIndex, breaks: _Breaks
) -> ReportedRelation:
    # bounded before cleaning: a table with no full stop is one long "sentence"; a break
    # further than that would be clipped anyway, so only the breaks within reach are read
    near = breaks.between(target.start - 601, target.end + 600)
    i = bisect_right(near, target.start)
    s = near[i - 1] + 1 if i > 0 else 0
    e = near[i] + 1 if i < len(near) else len(text)
    s = max(s, target.start - 600)
    e = min(e, target.end + 600)
    return ReportedRelation(
        source=source,
        relation=cue.relation,
        target=target.doc.number,
        line=lines.line(target.start),
        cue=cue.written or None,
        text=_sentence_text(text, s, e),
    )


# What str.split() takes for a space and the regex module's \s does not (Python's and the
# regex module's Unicode tables; tests/test_extract_perf_shapes.py checks the list).
_SPLIT_ONLY_SPACES = "\x1c\x1d\x1e\x1f"


def _collapse_spaces(piece: str) -> str:
    """`_SPACES.sub(" ", piece)` without the single space it leaves at either end (callers
    strip spaces there): str.split and join run ~5x faster than the regex substitution."""
    if any(c in piece for c in _SPLIT_ONLY_SPACES):
        return _SPACES.sub(" ", piece).strip(" ")
    return " ".join(piece.split())


_SENTENCE_MAX = 400
_SENTENCE_STRIP = " \t\r\n;:"
_SENTENCE_HEAD = 520  # characters read first: usually enough for _SENTENCE_MAX once spaces collapse


def _sentence_text(text: str, start: int, end: int) -> str:
    """text[start:end] with spaces collapsed and ends stripped, cut to _SENTENCE_MAX.

    A long sentence (a table row run-on, 1,200 characters) is cut anyway, so its head is
    cleaned first: collapsing spaces in a prefix gives a prefix of the whole cleaned text,
    and once that prefix holds more than _SENTENCE_MAX characters up to a character the
    strip keeps, the cut text is known.
    """
    if end - start > _SENTENCE_HEAD:
        head = _collapse_spaces(text[start : start + _SENTENCE_HEAD]).lstrip(_SENTENCE_STRIP)
        if len(head.rstrip(_SENTENCE_STRIP)) > _SENTENCE_MAX:
            return head[: _SENTENCE_MAX - 3] + "..."
    sentence = _collapse_spaces(text[start:end]).strip(_SENTENCE_STRIP)
    if len(sentence) > _SENTENCE_MAX:
        sentence = sentence[: _SENTENCE_MAX - 3] + "..."
    return sentence


def extract_text(text: str, vocab: Vocabulary) -> Extraction:
    """Everything extraction reads from one decoded text. Never raises on any input."""
    norm = normalize_text(text)
    clean = norm.clean
    pats = _patterns(vocab)
    lines = LineIndex(clean)
    numbers = find_numbers(clean, vocab)
    mentions = _mentions(clean, numbers, pats)
    segment_starts = find_segments(clean, numbers, vocab, lines)
    segment_ends = [*segment_starts[1:], len(clean)]
    for m in mentions:
        m.segment = bisect_right(segment_starts, m.start) - 1

    headers: list[HeaderInfo] = []
    segments: list[Segment] = []
    own_spans: set[int] = set()
    preamble: list[tuple[int, int]] = []
    subjects: dict[int, str | None] = {}
    orig_lines = lines if clean is text else LineIndex(text)
    number_starts = [n.start for n in numbers]
    for idx, (s, e) in enumerate(zip(segment_starts, segment_ends, strict=True)):
        seg_numbers = numbers[bisect_left(number_starts, s) : bisect_left(number_starts, e)]
        header = read_header(clean, s, e, seg_numbers, vocab, lines)
        if idx > 0 and header.own is None and seg_numbers:
            header.own = seg_numbers[0]  # a pasted document's title line carries its number
            first_line_end = clean.find("\n", s)
            header.preamble.insert(0, (s, e if first_line_end == -1 else first_line_end))
            if header.title is None:
                header.title = _pasted_title(clean, s, e)
        headers.append(header)
        preamble.extend(header.preamble)
        if header.own is not None:
            own_spans.add(header.own.start)
        subjects[idx] = header.own.doc.number if header.own else None
        o_start, _ = norm.to_original_span(s, e)
        segments.append(
            Segment(
                start=o_start,
                end=norm.to_original_span(s, e)[1],
                start_line=orig_lines.line(o_start),
                number=subjects[idx],
                title=header.title,
            )
        )

    breaks = _Breaks(clean)
    own_ids = {id(m) for m in mentions if m.start in own_spans and m.shared_with is None}
    body_mentions = [m for m in mentions if id(m) not in own_ids and id(m.shared_with) not in own_ids]
    reported = _assign_relations(clean, body_mentions, pats, _Ranges(preamble), subjects, breaks, lines)

    self_info = _self_info(headers[0], clean, mentions, vocab, lines)
    problems: list[Problem] = []
    references = _group(norm, body_mentions, self_info.number, problems, orig_lines)
    if self_info.number is None:
        problems.append(Problem("no-own-number", "the text has no document number of its own"))
    if clean is not text:
        for r in reported:
            r.line = orig_lines.line(norm.to_original(lines.line_start(r.line)))
    reported = _dedupe_reported(reported)
    return Extraction(
        self=self_info,
        references=references,
        reported_relations=reported,
        problems=problems,
        segments=segments,
    )


def _dedupe_reported(items: list[ReportedRelation]) -> list[ReportedRelation]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in items:
        key = (r.source, r.relation, r.target)
        if key in seen or r.source == r.target:
            continue
        seen.add(key)
        out.append(r)
    return out


_MARKDOWN_MARKS = regex.compile(r"[*_#]+")
_ABOUT = regex.compile(r"(?<!\p{L})về(?!\p{L}).*$", regex.IGNORECASE)


def _pasted_title(text: str, start: int, end: int) -> str | None:
    stop = text.find("\n\n", start, end)
    block = text[start : stop if stop != -1 else min(end, start + 400)]
    block = _MARKDOWN_MARKS.sub("", block)
    block = _SPACES.sub(" ", block).strip()
    about = _ABOUT.search(block)
    return (about.group() if about else block) or None


def _self_info(
    header: HeaderInfo, text: str, mentions: list[_RawMention], vocab: Vocabulary, lines: LineIndex
) -> SelfInfo:
    info = SelfInfo(date=header.date, place=header.place, title=header.title)
    if header.own is not None:
        doc = header.own.doc
        info.number, info.type, info.issuer_code, info.system = doc.number, doc.type, doc.issuer_code, doc.system
    if header.issuer_lines:
        info.issuer = header.issuer_lines[-1]
    elif header.body_subject:
        info.issuer = header.body_subject
    if header.heading:
        heading_types = vocab.type_words.get(fold(header.heading), ())
        if info.type is None and heading_types:
            system = info.system or _system_from_issuer(header, info.issuer)
            pick = [t for t in heading_types if t[0] == system] or list(heading_types)
            info.system = info.system or pick[0][0]
            info.type = pick[0][1]
    if info.type and info.system:
        info.type_name = vocab.type_names.get((info.system, info.type))
    if info.system is None and info.issuer:
        info.system = _system_from_issuer(header, info.issuer)
    latest = max((m.date for m in mentions if m.date), default=None)
    info.province = find_province(
        vocab,
        issuer_lines=header.issuer_lines or ([header.body_subject] if header.body_subject else []),
        place=header.place,
        body=text,
        date=info.date or latest,
    )
    if header.own is not None:
        info.line = lines.line(header.own.start)
    return info


def _system_from_issuer(header: HeaderInfo, issuer: str | None) -> str | None:
    blob = fold(" ".join([*header.issuer_lines, issuer or ""]))
    if not blob.strip():
        return None
    if regex.search(
        r"ĐẢNG|ỦY BAN KIỂM TRA|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|CHI BỘ|BAN CHỈ ĐẠO|BAN DÂN VẬN|BAN TUYÊN GIÁO", blob
    ) and not regex.search(r"ỦY BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN", blob):
        return "party"
    return "state"


def _group(
    norm: NormalizedText,
    mentions: list[_RawMention],
    own_number: str | None,
    problems: list[Problem],
    orig_lines: LineIndex,
) -> list[Reference]:
    text = norm.original
    by_number: dict[str, Reference] = {}
    for m in mentions:
        o_start, o_end = norm.to_original_span(m.start, m.end)
        line, column = orig_lines.line_col(o_start)
        found = m.found
        malformed = found.malformed and m.shared_with is None
        if m.doc.number == own_number and m.segment == 0:
            problems.append(Problem("self-mention", f"the text mentions its own number {own_number}", line))
            continue
        mention = Mention(
            as_written=text[o_start:o_end],
            start=o_start,
            end=o_end,
            line=line,
            column=column,
            relation=m.relation,
            cue=m.cue,
            date=m.date,
            type_word=m.type_word,
            issuer=m.issuer,
            term=m.term,
            segment=m.segment,
            malformed=malformed,
            suggestion=found.suggestion if malformed else None,
        )
        if malformed:
            fix = f"; it should read {found.suggestion}" if found.suggestion else ""
            problems.append(Problem("malformed-number", f"malformed number {mention.as_written!r}{fix}", line))
        for code in found.unknown_codes if m.shared_with is None else ():
            problems.append(Problem("unknown-code", f"unknown code {code!r} in {mention.as_written!r}", line))
        ref = by_number.get(m.doc.number)
        if ref is None:
            ref = by_number[m.doc.number] = Reference(
                number=m.doc.number,
                system=m.doc.system,
                type=m.doc.type,
                issuer_code=m.doc.issuer_code,
                year=m.doc.year,
            )
        ref.mentions.append(mention)
        if mention.date:
            if ref.date is None:
                ref.date = mention.date
            elif ref.date != mention.date:
                problems.append(
                    Problem(
                        "conflicting-dates",
                        f"{ref.number} is dated {ref.date} elsewhere but {mention.date} here",
                        line,
                    )
                )
        if ref.issuer is None and mention.issuer:
            ref.issuer = mention.issuer
        if relation_rank(mention.relation) < relation_rank(ref.relation):
            ref.relation = mention.relation
        if malformed:
            ref.malformed = True
            ref.suggestion = ref.suggestion or mention.suggestion
    return list(by_number.values())
