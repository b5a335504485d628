"""The opening of a document: the clauses in which it states its own relations.

"Thực hiện Chỉ thị số 45-CT/TW ...; Kế hoạch số 204-KH/TU ... và Hướng dẫn số 12-HD/BTCTW
..., Ban Thường vụ Huyện ủy ban hành ...": one clause, one cue, several objects. Real texts
hard-wrap such a paragraph anywhere ("Căn cứ Quyết định số\\n749/QĐ-TTg ngày ..."), write the
basis as a list under "Căn cứ:" or under a section heading ("I. CĂN CỨ XÂY DỰNG KẾ HOẠCH")
with dashed or numbered items. Each clause is kept with the relation its opening cue
states, so that every object it lists takes that relation (relations.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from qcdc_cli.knowledge.numbers import number_regex
from qcdc_cli.knowledge.patterns import compile_regex

OPENING = compile_regex(
    r"^[\s*_>#-]*+(?P<cue>thực hiện|căn cứ vào|căn cứ|triển khai thực hiện|triển khai|tiếp tục thực hiện|quán triệt"
    r"|theo|trên cơ sở|xét|để|nhằm|thi hành|phúc đáp|thừa lệnh|thừa ủy quyền)(?!\p{L})",
    regex.IGNORECASE,
)
SECTION = compile_regex(
    r"^[\s*_#>]*+(?:(?:[IVXL]+|\d{1,2}(?:\.\d+)*|[a-zđ])[ \t]*(?:[.–)]|[/\-](?![\p{L}\d]))|Điều[ \t]+\d+"
    r"|Chương[ \t]+[IVXL\d]+|PHẦN|Phần[ \t]+)",
)
SEPARATOR = compile_regex(r"^[\s\-_*=~·.]*$")
_BODY_SUBJECT = compile_regex(
    r",[ \t]*(?P<body>(?:Ban Thường vụ|Ban Chấp hành|Ban Chỉ đạo|Ban Dân vận|Ban Tuyên giáo|Ủy ban nhân dân|UBND"
    r"|Hội đồng nhân dân|Đảng ủy|Tỉnh ủy|Thành ủy|Huyện ủy|Chi bộ|Thường trực)[^,.;]{0,120}?)"
    r"[ \t]+(?:ban hành|xây dựng|đề ra|triển khai|quyết định|chỉ thị)",
)
# Navigation and account boilerplate of web pages, above or around the document.
_BOILERPLATE = compile_regex(
    r"đang tải|vui lòng|đăng nhập|đăng ký|tiện ích|nhảy đến|trang chủ|theo dõi|google news|chia sẻ|xem thêm"
    r"|tải về|bình luận|ý kiến bạn đọc|multimedia|đọc báo|in bài",
    regex.IGNORECASE,
)
_PARENTHETICAL = compile_regex(r"\s*\([^()]*\)")
# The relation an opening cue states of every object of its clause.
_CLAUSE_RELATION = {
    "thực hiện": "implements",
    "triển khai thực hiện": "implements",
    "triển khai": "implements",
    "tiếp tục thực hiện": "implements",
    "quán triệt": "implements",
    "thi hành": "implements",
    "căn cứ": "based_on",
    "căn cứ vào": "based_on",
    "trên cơ sở": "based_on",
}
_LIST_ITEM = compile_regex(r"^[\s*_]*+(?:[-+•–]|\d+[.)]|[a-zđ]\))")
# A line that closes its statement: final punctuation, or "... như sau" missing its colon.
_ENDS_STATEMENT = compile_regex(r"(?:[.;:!?]|(?<!\p{L})như sau)[\s*_]*$", regex.IGNORECASE)
_ENDS_COLON = compile_regex(r":[\s*_]*$")
_LOWER = compile_regex(r"\p{Ll}")
# "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH", "1. Căn cứ pháp lý", "Căn cứ:" on a line of its own.
_BASIS_HEADING = compile_regex(
    r"^[\s*_#>]*+(?:(?:[IVXL]+|\d+)[ \t]*[.\-–)][ \t]*)?căn cứ(?:[ \t]+[^\d\n]{0,60})?[ \t\r:*_]*$", regex.IGNORECASE
)
# "1. Căn cứ pháp lý", "II. Căn cứ xây dựng kế hoạch": numbered, a few lower-case words.
_PLAIN_HEADING = compile_regex(
    r"^[\s*_#>]*+(?:[IVXL]+|\d{1,2})[ \t]*[.\-–)][ \t]*[Cc]ăn cứ(?:[ \t]+\p{Ll}+){0,5}[ \t\r:*_]*$"
)
_ROMAN_SECTION = compile_regex(r"^[\s*_#>]*+[IVXL]+[ \t]*[.\-–)]")


@dataclass(frozen=True, slots=True)
class Clause:
    """An opening clause: text[start:end], its cue ending at cue_end, the relation it states."""

    start: int
    cue_end: int
    end: int
    relation: str
    cue: str


@dataclass(slots=True)
class Opening:
    spans: list[tuple[int, int]] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    body_subject: str | None = None


def is_boilerplate(line: str) -> bool:
    """A web page's navigation line ("Để sử dụng toàn bộ tiện ích ...", "Nhảy đến nội dung").
    Words such as "theo dõi" or "đăng ký" are also plan prose ("Thực hiện Kế hoạch số
    12-KH/TU ..., theo dõi, đôn đốc ..."): a line that writes a document number is text."""
    return _BOILERPLATE.search(line) is not None and number_regex().search(line) is None


def _is_upper_heading(line: str) -> bool:
    """ "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:": the end of the opening, not a wrapped line."""
    if _LOWER.search(line):  # first: most lines have a small letter early, and it ends the search
        return False
    return sum(1 for c in line if c.isalpha()) >= 4


def read_opening(text: str, lines: list[tuple[int, int]], *, stop_early: bool) -> Opening:
    """The opening paragraphs among `lines` (skipping blank lines before them): lines that
    start with an opening cue, the lines a hard wrap carried over, and the items of a list
    the paragraph introduces with a colon. With `stop_early`, the first other line ends the
    search even before an opening was found (a heading was found, the opening follows it)."""
    out = Opening()
    current: list[int] | None = None  # [start, cue_end, end] of the clause being read
    relation = written = ""
    previous = ""
    in_list = False

    def close() -> None:
        if current is not None and relation:
            out.clauses.append(Clause(current[0], current[1], current[2], relation, written))

    for ls, le in lines:
        line = text[ls:le]
        if not line.strip() or SEPARATOR.match(line):
            continue
        opening = OPENING.match(line)
        # under a heading, "THEO ĐỊNH MỨC ..." in capitals is the title running on, not an opening
        if opening and not SECTION.match(line) and not (stop_early and _is_upper_heading(line)):
            close()
            out.spans.append((ls, le))
            written = opening["cue"]
            relation = _CLAUSE_RELATION.get(" ".join(written.casefold().split()), "")
            current = [ls, ls + opening.end(), le]
            subject = _BODY_SUBJECT.search(line)
            if subject and out.body_subject is None:
                out.body_subject = _PARENTHETICAL.sub("", subject["body"]).strip()
            previous, in_list = line, bool(_ENDS_COLON.search(line))
            continue
        if current is not None:
            wrapped = not _ENDS_STATEMENT.search(previous) and not SECTION.match(line)
            item = in_list and _LIST_ITEM.match(line) is not None
            if (wrapped or item) and not _is_upper_heading(line):
                out.spans.append((ls, le))
                current[2] = le
                previous = line
                continue
        if current is None and stop_early and _is_upper_heading(line) and not SECTION.match(line):
            continue  # the rest of a long title in capitals, the issuer's name above the opening
        if current is not None or stop_early:
            break
    close()
    return out


_CAN_CU = "căn cứ"  # what every _BASIS_HEADING match holds, casefolded (no other letter folds to these)


def basis_heading_candidates(text: str, lines: list[tuple[int, int]]) -> Sequence[int]:
    """Indices of the lines (consecutive, in order) that may match _BASIS_HEADING, in order:
    those holding "căn cứ" once casefolded, found with one casefold and str.find over the
    whole region instead of a slice and a regex try per line. Where casefolding changes the
    region's length, offsets would shift: every line is a candidate."""
    if not lines:
        return ()
    lo = lines[0][0]
    region = text[lo : lines[-1][1]]
    folded = region.casefold()
    if len(folded) != len(region):
        return range(len(lines))
    starts = [ls for ls, _ in lines]
    out: list[int] = []
    p = folded.find(_CAN_CU)
    while p != -1:
        i = bisect_right(starts, lo + p) - 1
        if i >= 0 and (not out or out[-1] != i):
            out.append(i)
        p = folded.find(_CAN_CU, p + 1)
    return out


def basis_section(text: str, lines: list[tuple[int, int]]) -> Opening | None:
    """A section that lists the document's basis: "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH" (or a line
    "Căn cứ:") and its items, up to the next roman-numeral section or capitals heading."""
    for i in basis_heading_candidates(text, lines):
        ls, le = lines[i]
        heading = text[ls:le]
        found = _BASIS_HEADING.match(heading)
        if not found or not (
            _is_upper_heading(heading) or _ENDS_COLON.search(heading) or _PLAIN_HEADING.match(heading)
        ):
            continue
        out = Opening()
        end = le
        for ils, ile in lines[i + 1 : i + 40]:
            line = text[ils:ile]
            if not line.strip():
                continue
            if _ROMAN_SECTION.match(line) or (_is_upper_heading(line) and not _LIST_ITEM.match(line)):
                break
            out.spans.append((ils, ile))
            end = ile
        if not out.spans:
            return None
        cue_at = heading.casefold().find("căn cứ")
        out.clauses.append(Clause(ls, ls + cue_at + len("căn cứ"), end, "based_on", heading[cue_at : cue_at + 6]))
        return out
    return None
