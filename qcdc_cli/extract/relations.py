"""Relations: which cue phrase governs each mention, and whose relation it states.

In the preamble a cue is the document's own relation ("Thực hiện Kết luận 65-KL/TW" →
implements); a cue that follows another number describes that number ("Kế hoạch số
26-KH/TU ... về triển khai thực hiện Kết luận số 120-KL/TW" → 26-KH/TU implements
120-KL/TW, a reported relation). Cues are searched only near numbers, so the work stays
linear in the text size.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

import regex

from qcdc_cli.extract.dates import DATE_RE
from qcdc_cli.extract.mentions import Patterns, RawMention, cues_starting
from qcdc_cli.extract.preamble import Clause
from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.vocabulary import fold
from qcdc_cli.models import ReportedRelation
from qcdc_cli.read.normalize import LineIndex

_SPACES = compile_regex(r"\s+")
CUE_GAP = 110  # a cue governs a number at most this far before it (type word and all)
SUBJECT_GAP = 260  # a reported relation's source number is at most this far before the cue

_NOT_IMPLEMENTING = compile_regex(
    r"(?:việc|kết quả|tình hình|sơ kết|tổng kết|qua|sau|năm|khi)[ \t]+(?:\p{L}+[ \t]+){0,2}$", regex.IGNORECASE
)
_MAIN_VERBS = compile_regex(
    r"(?<!\p{L})(?:ban hành|xây dựng|đề ra|yêu cầu|chỉ đạo|như sau|đã|sẽ|để|nhằm|quyết định)(?!\p{L})", regex.IGNORECASE
)
# A cue right after "và" is a second action of the same subject, not something the number
# before it does: "triển khai thực hiện Kết luận số 120-KL/TW của Bộ Chính trị và tiếp tục
# thực hiện Chỉ thị số 30-CT/TW" (120-KL/TW does not implement 30-CT/TW here).
_PARALLEL_CUE = compile_regex(r"(?<!\p{L})(?:và|cùng|hoặc|đồng thời)[ \t]*$", regex.IGNORECASE)
_SELF_SUBJECT = compile_regex(r"(?<!\p{L})này(?!\p{L})[^.;\n]{0,120}$", regex.IGNORECASE | regex.REVERSE)
# Where a sentence ends (found near numbers only: see Breaks).
_BREAKS = compile_regex(r"[.;!?](?=\s|$)|:[ \t\r]*\n|\n[ \t\r]*\n|\n(?=[ \t]*(?:[-+•*]|\d+[.)]|[IVX]+[.\-–)]))")
# A character no _BREAKS match consumes and no lookahead of it reads past: a letter, but
# not I, V or X (roman numerals open list items).
# Every break starts with one of these; and where the first two alternatives of _BREAKS
# match, the whole-text scan finds a break (no match of _BREAKS takes in a character of
# ".;!?:" it does not start with, so the scan always tries there): Breaks.same_sentence
# answers from these two searches when it can, and scans for the rest.
_BREAK_CHAR = compile_regex(r"[.;!?:\n]")
_SURE_BREAK = compile_regex(r"[.;!?](?=\s|$)|:[ \t\r]*\n")
_BLOCKER = compile_regex(r"[^\P{L}IVX]")
_BLOCKER_BEFORE = compile_regex(r"[^\P{L}IVX]", regex.REVERSE)
_JOIN_GAP = 256  # characters: a gap this short to the last scanned region is scanned to join it
_NEAR = 64  # characters: how far Breaks.same_sentence looks for a blocker before and after a range
# "Điều 3. Bãi bỏ Quyết định số ..." : the cue opens the sentence, the document acts.
_SENTENCE_START = compile_regex(r"(?:^|[.;:]\s+|\n)[ \t]*(?:(?:Điều|Khoản)[ \t]+\d+[.:]?[ \t]*)?$", regex.IGNORECASE)

_PARENS = compile_regex(r"\([^()]*\)")
_VE = compile_regex(r"(?<!\p{L})về(?!\p{L})", regex.IGNORECASE)

_METADATA = compile_regex(
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
_COORDINATION = compile_regex(
    r"[\s,]*+"
    r"(?:(?<=,[ \t]*)(?:và)?|;|và|cùng"
    rf"|ngày[\s,]*+(?:(?<=,[ \t]*)(?:và)?|;|và|cùng|{_COORD_OF}{_COORD_SEPARATOR})"
    rf"|{_COORD_OF}{_COORD_SEPARATOR})"
    r"[ \t]*+(?:\p{L}+(?:[ \t]++\p{L}+){0,4}(?:[ \t]*+số)?(?:[ \t]*+:)?[ \t]*+)?",
    regex.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    relation: str
    written: str


def cue_before(text: str, pos: int, pats: Patterns) -> _Cue | None:
    """The last cue phrase that ends at most CUE_GAP characters before `pos`.

    Searched in a bounded window per number rather than over the whole text: cue words
    ("thực hiện") are everywhere, numbers are rare, so this keeps extraction linear and fast.
    """
    lo = cue_window_start(pos, pats)
    candidates = [m for m in _cue_matches(text, lo, pos, pats) if pos - m.end() <= CUE_GAP]
    for found in reversed(candidates):
        cue = _valid_cue(text, found, pats)
        if cue is not None and not _is_type_word_of(text, cue, pos, pats):
            return cue
    return None


def cue_window_start(pos: int, pats: Patterns) -> int:
    """Where the window cue_before searches for the cue of a number at `pos` starts: the
    cue it returns starts in [cue_window_start(pos), pos)."""
    return max(0, pos - CUE_GAP - pats.longest_cue)


def _is_type_word_of(text: str, cue: _Cue, pos: int, pats: Patterns) -> bool:
    """Whether the cue is the type word of the number at `pos`: "Hướng dẫn số 12-HD/BTCTW"
    names a guide; it does not say the document guides anything."""
    if pos - cue.end > 12:
        return False
    word = pats.type_word_before.match(text, cue.start, pos)
    return word is not None and word.start() == cue.start


def _cue_matches(text: str, lo: int, hi: int, pats: Patterns) -> list[regex.Match[str]]:
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
    out: list[regex.Match[str]] = []
    after = 0  # matches do not overlap: the next one starts at or after the last one's end
    if pats.first_words_scan is not None:  # one scan: the same tries (mentions._first_words_scan)
        of_word = pats.cue_of_word
        for place in pats.first_words_scan.finditer(folded):
            i = place.start()
            if i < after:
                continue
            word = place.group()
            pattern = of_word.get(word)
            if pattern is None:
                pattern = of_word[word] = cues_starting(pats, (word,))
            m = pattern.match(text, lo + i, hi)
            if m is not None:
                out.append(m)
                after = m.end() - lo
        return out
    tries: dict[int, tuple[str, ...]] = {}
    for word in pats.cue_first_words:
        i = folded.find(word)
        while i != -1:
            tries[i] = (*tries.get(i, ()), word)
            i = folded.find(word, i + 1)
    for i in sorted(tries):
        if i < after:
            continue
        m = cues_starting(pats, tries[i]).match(text, lo + i, hi)
        if m is not None:
            out.append(m)
            after = m.end() - lo
    return out


def _cue_relation(written: str, pats: Patterns) -> str | None:
    """The relation a cue phrase states, as written (cached: texts write a few cues often)."""
    try:
        return pats.cue_relation_written[written]
    except KeyError:
        relation = pats.cue_relation.get(fold(_SPACES.sub(" ", written)))
        if len(pats.cue_relation_written) > 4096:  # odd spacing could make endless spellings
            pats.cue_relation_written.clear()
        pats.cue_relation_written[written] = relation
        return relation


def _valid_cue(text: str, found: regex.Match[str], pats: Patterns) -> _Cue | None:
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


class Ranges:
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

    def meets(self, lo: int, hi: int) -> bool:
        """Whether some position in [lo, hi) is inside (the ranges are disjoint, in order)."""
        j = bisect_right(self._ends, lo)  # the first range that ends after lo
        return lo < hi and j < len(self._starts) and self._starts[j] < hi


class Breaks:
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
        """No break strictly between a and b (for a >= b: none in [b, a]).

        Asks only whether there is one: a range with no break character, or with a sure
        break (_SURE_BREAK), is answered at once. Otherwise, outside the scanned regions, a scan from just
        after the blocker letter before the range to just after the one that ends it finds
        what a scan of the whole text finds there, and stops at the first break in the
        range (most pairs asked about are a sentence or more apart). Without a blocker
        near the range (a run of digits and dashes), the regions are scanned and kept.
        """
        lo, hi = (a + 1, b) if a < b else (b, a + 1)
        text = self._text
        lo, hi = max(lo, 0), min(hi, len(text))
        if lo >= hi:
            return True
        i = bisect_right(self._lo, lo) - 1
        if i >= 0 and hi <= self._hi[i]:  # inside one scanned region
            found = self._found[i]
            j = bisect_left(found, lo)
            return j == len(found) or found[j] >= hi
        first = _BREAK_CHAR.search(text, lo, hi)
        if first is None:
            return True  # every break starts with one of these characters
        # read one past hi for the lookahead (a match found at hi itself is out of the range)
        sure = _SURE_BREAK.search(text, first.start(), min(hi + 1, len(text)))
        if sure is not None and sure.start() < hi:
            return False
        return self._scan(lo, hi)

    def _scan(self, lo: int, hi: int) -> bool:
        """`same_sentence` where the range holds a break character but no sure break."""
        text = self._text
        before = _BLOCKER_BEFORE.search(text, max(0, lo - _NEAR), lo)
        after = _BLOCKER.search(text, hi - 1, hi + _NEAR)
        if (before is None and lo > _NEAR) or (after is None and hi + _NEAR < len(text)):
            return not self.between(lo, hi)
        for m in _BREAKS.finditer(text, before.end() if before else 0, after.end() if after else len(text)):
            if m.start() >= lo:
                return m.start() >= hi
        return True

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


class Clauses:
    """Opening clauses, asked "which clause holds pos?" in O(log n) (the last one that starts
    at or before it and has not ended)."""

    def __init__(self, clauses: list[Clause]) -> None:
        self._clauses = sorted(clauses, key=lambda c: c.start)
        self._starts = [c.start for c in self._clauses]

    def find(self, pos: int) -> Clause | None:
        i = bisect_right(self._starts, pos) - 1
        while i >= 0 and i >= len(self._starts) - 64:
            clause = self._clauses[i]
            if pos < clause.end:
                return clause
            i -= 1
        return None


@cache
def _new_object_regex(words_alt: str) -> regex.Pattern[str]:
    """A number that opens a new object of a list: after ";", ",", "và", a line break or a
    list mark, its type word ("; Kế hoạch số", "\n- Quyết định số"), at the end of the window."""
    return compile_regex(
        r"(?:[;,:\n]|(?<!\p{L})(?:và|cùng))[ \t*_]*(?:(?:[-+•–]|\d{1,2}[.)]|[a-zđ]\))[ \t]*)?"
        rf"(?:{words_alt})[ \t]*(?:(?:số|so)[ \t]*:?[ \t]*)?$",
        regex.IGNORECASE,
    )


@cache
def _first_object(words_alt: str) -> regex.Pattern[str]:
    """What lies between a clause's cue and its first object: "Thi hành Nghị định số "."""
    return compile_regex(rf"[ \t\n*_:]*(?:(?:{words_alt})[ \t\n]*(?:(?:số|so)[ \t]*:?[ \t\n]*)?)?", regex.IGNORECASE)


def _is_coordination(gap: str) -> bool:
    """True when `gap` joins two numbers in a list ("30-CT/TW, Kết luận số 120-KL/TW")."""
    gap = _PARENS.sub(" ", DATE_RE.sub(" ", gap))
    return _COORDINATION.fullmatch(gap) is not None and not _VE.search(gap)


def assign_relations(
    text: str,
    mentions: list[RawMention],
    pats: Patterns,
    preamble: Ranges,
    segment_subjects: dict[int, str | None],
    breaks: Breaks,
    lines: LineIndex,
    clauses: Clauses | None = None,
) -> list[ReportedRelation]:
    """Give each mention its relation; return the relations the text reports between others."""
    clauses = clauses or Clauses([])
    new_object = _new_object_regex(pats.words_alt)
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
        cue = cue_before(text, m.start, pats)
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
                elif subject is None and p.end <= cue.start and same_sentence(p.start, cue.start):
                    # "Căn cứ Nghị quyết số 71/NQ-CP ... của Chính phủ ban hành Chương trình
                    # hành động thực hiện Nghị quyết số 57-NQ/TW": inside a basis item, a cue
                    # after the item's number states that number's relation, not the document's.
                    clause = clauses.find(cue.start)
                    if (
                        clause is not None
                        and clause.relation == "based_on"
                        and cue.start >= clause.cue_end
                        and p.start >= clause.start
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
        # No cue of its own: one more object of an opening clause ("Thực hiện Chỉ thị số
        # 45-CT/TW ...; Kế hoạch số 204-KH/TU ... và Hướng dẫn số 12-HD/BTCTW ...") or an item
        # of a basis list takes the relation the clause's cue states.
        clause = clauses.find(m.start)
        if (
            clause is not None
            and m.start >= clause.cue_end
            and (
                new_object.search(text, max(clause.start, m.start - 90), m.start)
                or (
                    m.start - clause.cue_end < 40
                    and _first_object(pats.words_alt).fullmatch(text, clause.cue_end, m.start)
                )
            )
        ):
            segment_subject = segment_subjects.get(m.segment)
            if m.segment == 0 or segment_subject is None:
                m.relation, m.cue = clause.relation, clause.cue
                assigned[i] = ("self", clause.relation, clause.cue)
            else:
                cue_like = _Cue(m.start, m.start, clause.relation, clause.cue)
                reported.append(_reported(text, segment_subject, cue_like, m, lines, breaks))
                assigned[i] = (segment_subject, clause.relation, clause.cue)
            continue
        # A number listed right after another shares its relation.
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


def _previous_main(mentions: list[RawMention], i: int) -> int | None:
    j = i - 1
    while j >= 0 and mentions[j].shared_with is not None:
        j -= 1
    return j if j >= 0 else None


def _reported(
    text: str, source: str, cue: _Cue, target: RawMention, lines: LineIndex, breaks: Breaks
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
