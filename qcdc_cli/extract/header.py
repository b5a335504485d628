"""A document's own identity, read from its header, and where each document in a file starts.

The header of a Party or State document has a fixed shape (Quy định 66-QĐ/TW; Nghị định
30/2020/NĐ-CP Phụ lục I): the issuing body in capitals (its parent above it), "Số
62-KH/TU", the place and date line ("Thành phố Huế, ngày 30 tháng 7 năm 2010"), the type
heading ("KẾ HOẠCH") and the title under it. Then the opening paragraphs ("Thực hiện
...", "Căn cứ ...") before the first section: title and opening together are the
*preamble*, the only place where a cue states the document's own relation to another.

Files are messy: a header may be flattened into a table row ("| Số: 7822/KH-UBND | Bến Tre,
ngày ..."), missing (seed tuyenquang has no number, no date line), or followed, after the
signature, by the full text of another document (seed laichau carries 120-KL/TW).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import regex

from qcdc_cli.extract.dates import DATE_PATTERN, date_from_match
from qcdc_cli.extract.preamble import (
    OPENING,
    SECTION,
    SEPARATOR,
    Clause,
    basis_section,
    is_boilerplate,
    read_opening,
)
from qcdc_cli.knowledge.numbers import NumberMatch
from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.read.normalize import LineIndex

HEADER_LINES = 40  # a header never runs longer; beyond it a "Số ..." line is body text

# Possessive runs ("*+") where what follows cannot start with a character of the run: the
# same matches, without trying every shorter run when the line is 1 MB of dashes.
# The cell a place and date line starts: a line, a table cell, or a tab or wide gap after
# the number of a flattened header table ("Số 17-KH/HU<TAB>Yên Thành, ngày 02 tháng 4 ...").
_CELL_START = r"(?:^|\||\t|[ ]{2,})"
_DATE_LINE = compile_regex(
    _CELL_START + r"[\s*_]*+(?P<place>\p{Lu}[\p{L} .'\-]{1,50}?)[ \t]*,[ \t]*(?:ngày|NGÀY|Ngày)\s+" + DATE_PATTERN,
    regex.IGNORECASE | regex.MULTILINE,
)
# A date line whose place is not where _DATE_LINE looks ("... 09-NQ/TW Hà Nội, ngày ...").
_BARE_DATE = compile_regex(r"(?<!\p{L})(?:ngày)\s+" + DATE_PATTERN, regex.IGNORECASE)
_PLACE_BEFORE = compile_regex(
    _CELL_START + r"[\s*_]*+(?P<place>\p{Lu}[\p{L} .'\-]{1,50}?)[ \t]*,[ \t]*$", regex.MULTILINE
)
_ISSUED_ON = compile_regex(r"(?<!\p{L})ngày (?:ban hành|ký)[ \t|:]*" + DATE_PATTERN, regex.IGNORECASE)
# A date line without its place: "ngày 14 tháng 3 năm 2019" alone on its line or cell.
_DATE_ALONE = compile_regex(r"(?:^|\|)[\s*_]*+ngày\s+" + DATE_PATTERN, regex.IGNORECASE | regex.MULTILINE)
# An unsigned draft leaves the day (and often the month) blank: "ngày    tháng    năm 2026",
# "ngày ... tháng ... năm 2026", "ngày     tháng 5 năm 2026" (its year is what is known).
_BLANK_DATE = compile_regex(
    r"(?<!\p{L})ngày[ \t.…_]*+tháng[ \t.…_]*+(?:(?:0?[1-9]|1[0-2])[ \t.…_]+)?năm[ \t]*(?P<y>(?:19|20)\d\d)(?!\d)",
    regex.IGNORECASE,
)
# An unnumbered draft: "Số:    /QĐ-UBND", "Số: .../KH-UBND", "Số      -KH/HU".
_CODE_RUN = r"\p{Lu}[\p{L}\d&]*"
_NUMBER_PLACEHOLDER = compile_regex(
    r"(?:^|\|)[\s*_#>]*(?:Số|SỐ)[ \t]*:?[ \t.…_]*?"
    rf"(?P<codes>[/\-][ \t]*{_CODE_RUN}(?:[ \t]*[/\-][ \t]*{_CODE_RUN})*)",
    regex.MULTILINE,
)
_MOTTO = compile_regex(r"CỘNG SẢN VIỆT NAM|CỘNG H[ÒO]A|ĐỘC LẬP|HẠNH PHÚC|^\W*$")
_ISSUER_WORDS = compile_regex(
    r"ỦY|UỶ|ĐẢNG BỘ|BAN |BỘ |CHÍNH PHỦ|QUỐC HỘI|SỞ |HỘI ĐỒNG|UBND|HĐND|MẶT TRẬN|CHI BỘ|VĂN PHÒNG|THÀNH ỦY|TỈNH ỦY"
)
# A people's council or committee, named in the header without its unit, and the unit's
# line under it ("ỦY BAN NHÂN DÂN" / "TỈNH ĐẮK NÔNG", "HỘI ĐỒNG NHÂN DÂN" / "HUYỆN ĐÔ LƯƠNG").
_PEOPLES_BODY = compile_regex(r"(?:(?:ỦY|UỶ) BAN|HỘI ĐỒNG) NHÂN DÂN|UBND|HĐND")
_UNIT_LINE = compile_regex(
    r"(?:TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)[ \t]+\p{Lu}[\p{Lu} \t.'\-]*$"
)
_SUBJECT_START = compile_regex(r"[ \t]+(?=(?:V/V|VỀ)[ \t])")
_SIGNATURE_WORDS = r"(?:T/M|TM\.|TM[ \t]|KT\.|KT[ \t]|TL\.|Q\.[ \t]*|\(?đã ký\)?|nơi nhận)"
# A signature line ("T/M BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "Nơi nhận:"): spaces and markdown
# that stay on the line, then the word. Found by one scan of the whole text that starts
# each try at a newline (a literal prefix the regex module jumps between: 15x faster than
# a MULTILINE "^"), plus one try at the start of the text.
_SIGNATURE_LINE = compile_regex(r"\n(?:[^\S\n]|[*_#>-])*+" + _SIGNATURE_WORDS, regex.IGNORECASE)
_SIGNATURE_FIRST_LINE = compile_regex(r"(?:[^\S\n]|[*_#>-])*+" + _SIGNATURE_WORDS, regex.IGNORECASE)
# Markdown and spaces around a line: leading "#>*_" and spaces, trailing "*_" and spaces.
_MARKDOWN_LEAD = compile_regex(r"[\s#>*_|]+")  # "|": a table cell's border ("ỦY BAN NHÂN DÂN |")
_MARKDOWN_TRAIL = compile_regex(r"[\s*_|]+", regex.REVERSE)  # match() anchors it at the end
# Every date line has "ngày": a line without it is skipped before the costly _DATE_LINE.
_NGAY = compile_regex(r"ngày", regex.IGNORECASE)
WINDOW_LINES = 30  # a pasted document starts within this many lines of a signature


@dataclass(slots=True)
class HeaderInfo:
    """What one segment's header says; offsets are into the clean text."""

    own: NumberMatch | None = None
    date: str | None = None
    place: str | None = None
    issuer_lines: list[str] = field(default_factory=list)
    heading: str | None = None  # the type heading as a type word ("KẾ HOẠCH")
    title: str | None = None
    preamble: list[tuple[int, int]] = field(default_factory=list)
    body_subject: str | None = None
    year: int | None = None  # the date line's year, also when day and month are left blank
    number_placeholder: str | None = None  # "/QĐ-UBND" of an unnumbered draft's "Số:    /QĐ-UBND"
    own_source: str | None = None  # "header", "title" or "announcement": see SelfInfo.source
    clauses: list[Clause] = field(default_factory=list)  # opening clauses, each with its cue's relation


@cache
def _type_word_line(words: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return compile_regex(f"^(?:{alternatives})$")


def _heading_regex(vocab: Vocabulary) -> regex.Pattern[str]:
    return _type_word_line(tuple(vocab.type_words))


def _strip_markdown(line: str) -> str:
    """The line without markdown and spaces around it (a regex `sub` of `^...|...$` tried
    the `$` branch at every position: 40 us on a paragraph; this is 3 us)."""
    lead = _MARKDOWN_LEAD.match(line)
    start = lead.end() if lead else 0
    trail = _MARKDOWN_TRAIL.match(line, start)
    return line[start : trail.start() if trail else len(line)]


_LOWER = compile_regex(r"\p{Ll}")
_LETTER = compile_regex(r"\p{L}")


def _is_upper(line: str) -> bool:
    """Mostly capitals ("CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (khóa XV)" counts); headers are short."""
    if len(line) > 300:
        return False
    letters = len(_LETTER.findall(line))
    return letters >= 3 and len(_LOWER.findall(line)) <= 0.15 * letters


class _SegmentLines:
    """(start, end) of each line of text[start:end], without its newline.

    Read off the text's LineIndex on demand: a segment's lines are never listed in a
    Python loop, so a header costs the same in a 1 MB file of newlines as in a letter.
    """

    __slots__ = ("_end", "_first", "_start", "_starts", "count")

    def __init__(self, lines: LineIndex, start: int, end: int) -> None:
        self._starts = lines.starts
        self._start, self._end = start, end
        self._first = bisect_right(self._starts, start)  # the first line start after `start`
        self.count = 1 + bisect_left(self._starts, end, self._first) - self._first if start < end else 0

    def __getitem__(self, j: int) -> tuple[int, int]:
        k = self._first + j
        line_start = self._start if j == 0 else self._starts[k - 1]
        line_end = min(self._starts[k] - 1, self._end) if k < len(self._starts) else self._end
        return line_start, line_end

    def slice(self, lo: int, hi: int) -> list[tuple[int, int]]:
        lo, hi = max(lo, 0), min(hi, self.count)
        if lo >= hi:
            return []
        k = self._first + lo
        line_starts = self._starts[k - 1 : self._first + hi - 1] if lo > 0 else [self._start]
        if lo == 0:
            line_starts += self._starts[k : self._first + hi - 1]
        line_ends = [s - 1 for s in self._starts[k : self._first + hi]]
        if len(line_ends) < hi - lo:  # the text's last line
            line_ends.append(self._end)
        line_ends[-1] = min(line_ends[-1], self._end)
        return list(zip(line_starts, line_ends, strict=True))

    def index_of(self, pos: int) -> int:
        """Index of the line holding `pos` (start <= pos < end)."""
        return bisect_right(self._starts, pos, self._first) - self._first


_BLANK_RUN = compile_regex(r"[ \t\r\n]*")


def find_segments(text: str, numbers: list[NumberMatch], vocab: Vocabulary, lines: LineIndex) -> list[int]:
    """Offsets where a document starts: 0, and each pasted document after a signature.

    A pasted document's title line ("Kết luận số 120-KL/TW ...") comes within WINDOW_LINES
    lines after a signature line and before the next one; only those lines are read.
    """
    starts = [0]
    heading_with_number = _pasted_title_regex(vocab)
    line_starts = lines.starts
    signature_lines = [1] if _SIGNATURE_FIRST_LINE.match(text) else []
    signature_lines += [bisect_right(line_starts, m.start() + 1) for m in _SIGNATURE_LINE.finditer(text)]
    number_starts = [n.start for n in numbers]
    for k, signature_line in enumerate(signature_lines):
        next_signature = signature_lines[k + 1] if k + 1 < len(signature_lines) else len(line_starts) + 1
        last = min(signature_line + WINDOW_LINES, next_signature - 1, len(line_starts))
        for line_no in range(signature_line + 1, last + 1):
            line_start = line_starts[line_no - 1]
            line_end = line_starts[line_no] - 1 if line_no < len(line_starts) else len(text)
            m = heading_with_number.match(text[line_start:line_end])
            if m and _has_number_at(number_starts, line_start + m.end("lead"), line_end):
                starts.append(line_start)
                break
    return starts


def _has_number_at(number_starts: list[int], lo: int, hi: int) -> bool:
    i = bisect_left(number_starts, lo)
    return i < len(number_starts) and number_starts[i] < min(hi, lo + 12)


@cache
def _pasted_title_cached(words: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return compile_regex(
        rf"(?P<lead>^[\s*_#>]*+(?:(?:{alternatives})[ \t]+(?:số[ \t]*:?[ \t]*)?|Số[ \t]*:?[ \t]*))",
        regex.IGNORECASE,
    )


def _pasted_title_regex(vocab: Vocabulary) -> regex.Pattern[str]:
    return _pasted_title_cached(tuple(vocab.type_words))


def read_header(
    text: str, start: int, end: int, numbers: list[NumberMatch], vocab: Vocabulary, lines: LineIndex
) -> HeaderInfo:
    """Own number, date line, issuer block, heading, title and preamble of one segment."""
    info = HeaderInfo()
    all_lines = _SegmentLines(lines, start, end)
    head = all_lines.slice(0, HEADER_LINES)
    heading_re = _heading_regex(vocab)
    heading_idx = None
    for i, (ls, le) in enumerate(head):
        stripped = _strip_markdown(text[ls:le])
        if stripped and heading_re.match(fold(stripped)) and _is_upper(stripped):
            heading_idx = i
            info.heading = stripped
            break
    # Own number and date line: before the heading (and just after it, for odd layouts).
    zone_end_idx = heading_idx + 2 if heading_idx is not None else _first_opening(text, head)
    zone = head[: max(zone_end_idx, 0)] if zone_end_idx is not None else head
    zone_end = zone[-1][1] if zone else start
    own_prefix = _own_prefix_regex(vocab)
    # a title line is one of the first lines, and a body follows it (a text of one line
    # "Quy định số 11-QĐi/TW ..." is a citation)
    first_lines_end = _content_lines_end(text, head, 3)
    for n in numbers:
        if n.start < start:
            continue
        if n.start >= zone_end:
            break
        source = _is_own_number(text, n, start, lines, own_prefix, first_lines_end, vocab.type_words)
        if source is not None:
            # "Nghị quyết số: 09-NQ/TW Hà Nội, ngày ..." above the heading is the header
            header_line = source == "title" and heading_idx is not None and n.start < head[heading_idx][0]
            source = "header" if header_line else source
            if info.own is None or source == "header":  # a "Số" line under a page title wins
                info.own, info.own_source = n, source
            if source == "header":
                break
    if info.own is None and heading_idx is not None and info.heading is not None:
        heading_types = {code for _, code in vocab.type_words.get(fold(info.heading), ())}
        info.own = _number_in_title(text, head, heading_idx, numbers, heading_types, _name_before_regex(vocab))
        info.own_source = "title" if info.own is not None else None
    _read_date_line(text, info, zone, head, end)
    if info.own is None:
        placeholder = _NUMBER_PLACEHOLDER.search(text, start, zone_end) if zone else None
        if placeholder:
            info.number_placeholder = _SPACES.sub("", placeholder["codes"])
    issuer_zone = head[:heading_idx] if heading_idx is not None else zone
    own_at = info.own.start if info.own is not None else -1
    people = False  # the last line read was an issuer line naming a people's body
    for ls, le in issuer_zone:
        line = _strip_markdown(text[ls:le]).strip()
        if people and _UNIT_LINE.match(line):  # "ỦY BAN NHÂN DÂN" / "TỈNH ĐẮK NÔNG": one name
            info.issuer_lines[-1] += " " + line
            people = False
            continue
        people = False
        if (
            4 <= len(line) <= 100
            and not ls <= own_at < le  # "08/2023/QĐ-UBND" on a line of its own: UBND names no body there
            and not line.upper().startswith("SỐ")
            and _ISSUER_WORDS.search(line)
            and _is_upper(line)
            and not _MOTTO.search(line)
        ):
            info.issuer_lines.append(line)
            people = _PEOPLES_BODY.fullmatch(line) is not None
    # Title: the lines under the heading, up to the opening paragraph or the first section.
    body_from = 0
    if heading_idx is not None:
        title_parts: list[str] = []
        title_start = title_end = None
        j = heading_idx + 1
        while j < all_lines.count:
            ls, le = all_lines[j]
            line = text[ls:le]
            stripped = _strip_markdown(line).strip()
            if not stripped:
                # skip a run of blank lines in one step (a file of newlines after a heading)
                after_blanks = _BLANK_RUN.match(text, ls, end).end()  # type: ignore[union-attr]
                j = max(j + 1, all_lines.index_of(after_blanks) if after_blanks < end else all_lines.count)
                continue
            if title_parts and (OPENING.match(line) or SECTION.match(line) or len(stripped) > 400):
                break
            if SEPARATOR.match(line) or SECTION.match(line):
                break
            if not title_parts and stripped.upper().startswith("CỦA ") and _is_upper(stripped):
                # "CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH"; "CỦA ỦY BAN NHÂN DÂN THÀNH PHỐ V/V PHÊ DUYỆT ...":
                # the title starts at "V/V" ("về việc") or "VỀ"
                parts = _SUBJECT_START.split(stripped[4:].strip(), maxsplit=1)
                info.issuer_lines.append(parts[0])
                if len(parts) == 1:
                    j += 1
                    continue
                stripped = parts[1]  # the rest of the line opens the title
            title_parts.append(stripped)
            title_start = ls if title_start is None else title_start
            title_end = le
            j += 1
            if len(title_parts) >= 6:
                break
        if title_parts:
            info.title = " ".join(title_parts)
            info.preamble.append((title_start, title_end))  # type: ignore[arg-type]
        body_from = j
    else:
        body_from = _first_opening(text, head) or 0
    # Opening paragraphs: consecutive lines that start with an opening cue, with the lines
    # a hard wrap carried over and the items of a "Căn cứ:" list.
    opening = read_opening(text, all_lines.slice(body_from, body_from + 80), stop_early=heading_idx is not None)
    info.preamble.extend(opening.spans)
    info.clauses.extend(opening.clauses)
    info.body_subject = opening.body_subject
    basis = basis_section(text, all_lines.slice(body_from, body_from + 150))
    if basis is not None:
        info.preamble.extend(basis.spans)
        info.clauses.extend(basis.clauses)
    return info


def _first_opening(text: str, head: list[tuple[int, int]]) -> int | None:
    """Index of the first opening-cue line in the first lines (headerless texts); a web
    page's navigation line ("Để sử dụng toàn bộ tiện ích ...", "Theo dõi ... trên Google
    News") is not an opening."""
    for i, (ls, le) in enumerate(head):
        line = text[ls:le]
        if OPENING.match(line) and len(line) > 30 and not is_boilerplate(line):
            return i
    return None


_SPACES = compile_regex(r"\s+")
_CELL_NOISE = " \t\r|*_#>"


@cache
def _own_prefix_cached(words: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    # "Số:", "| Số hiệu |", "Số, ký hiệu:", "Số hiệu văn bản:" (legal portals' metadata),
    # "Nghị quyết số:" (type word and number on the date line), "***Số", "Sổ:" (a scan's
    # misreading): at the start of a line or a table cell (a flattened table separates cells
    # by tabs or wide gaps); "số" in lower case opens a
    # hard-wrapped line of the body, not a header.
    return compile_regex(
        rf"(?:^[\s*_#>]*(?P<tw>{alternatives})[ \t]+(?:số|SỐ)|(?:^|[|\t]|[ ]{(2,)})[\s*_#>]*(?-i:Số|SỐ|Sổ|So))"
        r"(?:[ \t]*[,/]?[ \t]*(?:ký[ \t]+)?hiệu(?:[ \t]+văn[ \t]+bản)?)?"
        r"[ \t]*[:.]?[ \t]*\|?[ \t\r]*$",
        regex.IGNORECASE,
    )


def _own_prefix_regex(vocab: Vocabulary) -> regex.Pattern[str]:
    return _own_prefix_cached(tuple(vocab.type_words))


def _is_own_number(
    text: str,
    n: NumberMatch,
    start: int,
    lines: LineIndex,
    own_prefix: regex.Pattern[str],
    title_end: int,
    type_words: Mapping[str, object],
) -> str | None:
    """How `n` is marked as the document's own number, if it is: "header" when "Số" (or "Số
    hiệu") is written right before it, on its line or, when `n` opens its line, at the end
    of one of the two lines above (a header table cell wrapped after "Số:"); "title" when
    "Quy định số" opens one of the first lines (before `title_end`), a title line that names
    its own document ("Quy định số 105-QĐ/TW, ngày ... của Bộ Chính trị về ...")."""
    line_no = lines.line(n.start)
    line_start = lines.line_start(line_no)
    before = text[max(line_start, start, n.start - 60) : n.start]
    found = own_prefix.search(before)
    if found:
        if found["tw"] is None:
            return "header"
        return "title" if n.start < title_end and _body_follows(text, lines, line_no) else None
    if (
        n.start < title_end
        and portal_year_at(text, n.end)
        and _name_before_line_start(text, line_start, n.start, type_words)
        and _body_follows(text, lines, line_no)
    ):
        return "title"  # a legal portal's page title: "Kế hoạch 186/KH-UBND năm 2025 phát triển ..."
    if before.strip(_CELL_NOISE):
        return None
    for k in (1, 2):
        if line_no - k < 1 or lines.line_start(line_no - k) < start:
            return None
        prev = text[lines.line_start(line_no - k) : lines.line_start(line_no - k + 1) - 1]
        found = own_prefix.search(prev[-60:])
        if found:
            return "header" if found["tw"] is None else None
        if prev.strip(_CELL_NOISE + "-"):
            return None
    return None


def _content_lines_end(text: str, head: list[tuple[int, int]], count: int) -> int:
    """End of the `count`-th line that is neither blank nor web-page boilerplate."""
    seen = 0
    for ls, le in head:
        line = text[ls:le]
        if line.strip(_CELL_NOISE) and not is_boilerplate(line):
            seen += 1
            if seen == count:
                return le
    return head[-1][1] if head else 0


_PORTAL_YEAR = compile_regex(r"[ \t]+năm[ \t]+(?:19|20)\d\d(?!\d)")
_BLANKS = compile_regex(r"[ \t]*")


def portal_year_at(text: str, pos: int) -> bool:
    """Whether `_PORTAL_YEAR.match(text, pos)` matches, read in the window it can reach.

    Unbounded, the regex module looks for "năm" from `pos` to the end of the text before
    trying: one number after another on a long line without it took quadratic time (a
    megabyte of "1-KH/TU " took 30 s). The window ends one character past the year.
    """
    j = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
    if j == pos or not text.startswith("năm", j):
        return False
    k = _BLANKS.match(text, j + 3).end()  # type: ignore[union-attr]
    return _PORTAL_YEAR.match(text, pos, min(len(text), k + 5)) is not None


_LINE_LEAD = compile_regex(r"[\s*_#>]*")


def _name_before_line_start(text: str, line_start: int, pos: int, type_words: Mapping[str, object]) -> bool:
    """Whether text[line_start:pos] is a type word alone ("Kế hoạch "), after markdown."""
    if pos - line_start > 40:
        return False
    lead = _LINE_LEAD.match(text, line_start, pos)
    word = " ".join(text[lead.end() if lead else line_start : pos].split())
    return bool(word) and word[0].isupper() and fold(word) in type_words


_CLOSED = compile_regex(r"[.:;!?”\"][\s*_]*$")
_OPENS_BLOCK = compile_regex(r"^[\s*_#>|-]*\p{Lu}")


def _body_follows(text: str, lines: LineIndex, line_no: int) -> bool:
    """Whether a new block follows line `line_no` (a title line is followed by a body; "Kết
    luận số 120-KL/TW, ngày\n07/01/2016 ..." is one citation wrapped over two lines)."""
    starts = lines.starts
    line = text[starts[line_no - 1] : starts[line_no] - 1] if line_no < len(starts) else ""
    for k in range(line_no, min(len(starts), line_no + 8)):
        nxt = text[starts[k] : starts[k + 1] - 1 if k + 1 < len(starts) else len(text)]
        if nxt.strip(_CELL_NOISE) and not is_boilerplate(nxt):
            return bool(_CLOSED.search(line) or _OPENS_BLOCK.match(nxt))
    return False


_TITLE_NUMBER = compile_regex(r"(?<!\p{L})(?:SỐ|số|Số)[ \t]*:?[ \t]*$")


def _number_in_title(
    text: str,
    head: list[tuple[int, int]],
    heading_idx: int,
    numbers: list[NumberMatch],
    heading_types: set[str],
    name_before: regex.Pattern[str],
) -> NumberMatch | None:
    """The number a title line gives its own document: "CHỈ THỊ / CỦA THỦ TƯỚNG CHÍNH PHỦ SỐ
    16/2001/CT-TTG / NGÀY 21 THÁNG 6 NĂM 2001 VỀ VIỆC ..." (older texts put it there): of
    the heading's type, and not named by a type word of its own ("KẾ HOẠCH / TRIỂN KHAI
    CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 30-CTR/TU" names the document it implements)."""
    title = head[heading_idx + 1 : heading_idx + 4]
    if not title:
        return None
    lo, hi = title[0][0], title[-1][1]
    for n in numbers:
        if not lo <= n.start < hi or n.doc.type not in heading_types:
            continue
        prefix = _TITLE_NUMBER.search(text, max(lo, n.start - 12), n.start)
        if prefix and not name_before.search(text, max(lo, prefix.start() - 40), prefix.start()):
            return n
    return None


@cache
def _name_before_cached(words: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return compile_regex(rf"(?<!\p{{L}})(?:{alternatives})[ \t]*$", regex.IGNORECASE)


def _name_before_regex(vocab: Vocabulary) -> regex.Pattern[str]:
    return _name_before_cached(tuple(vocab.type_words))


def _read_date_line(
    text: str, info: HeaderInfo, zone: list[tuple[int, int]], head: list[tuple[int, int]], end: int
) -> None:
    """Place and date from the header zone; a date line wrapped in its cell ("Đắk Nông, ngày
    21 / tháng 02 năm 2023") is read across the line break; a draft's blank day and month
    still give the year."""
    for i, (ls, le) in enumerate(zone):
        hi = head[i + 1][1] if i + 1 < len(head) else min(end, le + 40)
        if not _NGAY.search(text, ls, le):
            continue
        m = _DATE_LINE.search(text, ls, hi)
        if m is None and info.own is not None and ls <= info.own.start < le:
            m = _BARE_DATE.search(text, info.own.end, hi)  # "... 09-NQ/TW Hà Nội, ngày ..."
        if m is None:
            m = _DATE_ALONE.match(text, ls, hi)
        if m:
            info.date = date_from_match(m)
            place = m.groupdict().get("place")
            info.place = (_strip_markdown(place).strip() or None) if place else None
            if info.date:
                info.year = int(info.date[:4])
                return
        blank = _BLANK_DATE.search(text, ls, hi)
        if blank:
            info.year = int(blank["y"])
            place = _PLACE_BEFORE.search(text, ls, blank.start())  # "Quỳnh Lưu, ngày    tháng ..."
            info.place = (_strip_markdown(place["place"]).strip() or None) if place else None
            return
    issued = _ISSUED_ON.search(text, zone[0][0], zone[-1][1]) if zone else None
    if issued:  # a legal portal's metadata table: "| Ngày ban hành | 29/12/2025 |"
        info.date = date_from_match(issued)
        info.year = int(info.date[:4]) if info.date else None
