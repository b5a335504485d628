"""The layout layer: what a reader found (paragraphs, table cells, PDF lines) into the
logical lines extraction reads, one per paragraph or cell, each mapped to its source.

Extraction is tuned on plain text where a header cell, a list item and a paragraph each
sit on a line of their own; Word tables, PDF pages and web pages arrive in other shapes.
Readers hand over `Unit`s; `lay_out` joins the visual lines of one paragraph (a PDF
line that runs to the right margin is continued by the next), keeps cells and list items
apart, drops page furniture (repeated page headers/footers, page numbers), and records
for every character of the result which unit, and which character of it, it came from.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcdc_cli.models import Extraction

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_CELL_TABS = re.compile(r"\S(\t+| {6,})(?=\S)")  # a tab stop (or a wide run of spaces) between two columns
PAGE_NUMBER = re.compile(r"(?i)^[-–—.\s]*(trang\s*)?\d{1,4}(\s*(/|trên|of)\s*\d{1,4})?[-–—.\s]*$")

_ENDS_SENTENCE = re.compile(r"[.;:!?…]['\"”’)\]]*$")
_SENTENCE_ENDS, _CLOSERS = ".;:!?…", "'\"”’)]"  # the two sets of _ENDS_SENTENCE
_LIST_ITEM = re.compile(r"^([-–—+•*]\s|[a-zđ]\)\s|\d{1,3}[.)]\s|[IVXLC]{1,6}\.\s|Điều\s+\d|Chương\s+[IVXLC\d])")


@dataclass(slots=True)
class Unit:
    """One piece a reader found, with where it is in the source.

    `kind`: "para" (a whole paragraph or heading: never joined to its neighbour), "cell"
    (a table cell's paragraph: never joined), "line" (a visual line of a PDF page: joined
    to the next when it wraps). Geometry (PDF points, y growing downwards) only for lines.
    """

    text: str
    place: str  # "page 2", "table 1 row 1 cell 2", "paragraph 14", "line 12"
    kind: str = "para"
    page: int | None = None
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    furniture: bool = False  # set by drop_page_furniture
    limit: float = 0.0  # a PDF cell's right bound (where the next cell of its line starts); 0: the margin


@dataclass(slots=True)
class Laid:
    """The logical text and its map back to the units.

    `pieces[i] = (out_start, unit_index, unit_start, length)`: text[out_start:out_start+length]
    == units[unit_index].text[unit_start:unit_start+length]. Characters outside every
    piece are what layout inserted (the newline ending a line, the space joining two).
    """

    text: str
    units: list[Unit]
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)
    line_places: list[str] = field(default_factory=list)  # place of each output line (index = line - 1)

    def locate(self, offset: int) -> tuple[int, int] | None:
        """(unit index, offset in that unit's text) of the character at `offset`, or None."""
        i = bisect.bisect_right(self.pieces, (offset, len(self.units) + 1, 0, 0)) - 1
        if i < 0:
            return None
        out_start, unit, unit_start, length = self.pieces[i]
        if offset >= out_start + length:
            return None
        return unit, unit_start + offset - out_start

    def place_of_line(self, line: int) -> str | None:
        """Where 1-based output line `line` came from."""
        return self.line_places[line - 1] if 0 < line <= len(self.line_places) else None


def split_cells(units: Sequence[Unit]) -> list[Unit]:
    """A line whose columns are set by tab stops ("Số: 12/KH-UBND<TAB><TAB>Hà Nội, ngày ...")
    becomes one unit per column, so the two header cells never read as one sentence."""
    out: list[Unit] = []
    for unit in units:
        starts = [0] + [m.end(1) for m in _CELL_TABS.finditer(unit.text)]
        if len(starts) == 1:
            out.append(unit)
            continue
        ends = [m.start(1) for m in _CELL_TABS.finditer(unit.text)] + [len(unit.text)]
        for start, end in zip(starts, ends, strict=True):
            out.append(_slice(unit, start, end, "cell"))
    return out


def _slice(unit: Unit, start: int, end: int, kind: str) -> Unit:
    return Unit(
        unit.text[start:end], unit.place, kind, unit.page, unit.x0, unit.x1, unit.top, unit.bottom, unit.furniture
    )  # (split by tab stops: no geometry of its own, so never joined below)


def drop_page_furniture(units: list[Unit], pages: int) -> None:
    """Mark page numbers and running heads/feet: the first or last line of a page (and
    the one inside it, when that was furniture) that is only a number ("- 3 -", "Trang
    2/5"), or whose text (digits aside) opens or closes at least half of the pages (3+)."""
    by_page: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        if unit.page is not None and unit.text.strip():
            by_page.setdefault(unit.page, []).append(i)
    tops = Counter(_shape(units[idx[0]].text) for idx in by_page.values())
    tops.update(_shape(units[idx[1]].text) for idx in by_page.values() if len(idx) > 1)
    bottoms = Counter(_shape(units[idx[-1]].text) for idx in by_page.values())
    bottoms.update(_shape(units[idx[-2]].text) for idx in by_page.values() if len(idx) > 1)
    recurring = max(3, pages // 2)

    def furniture(i: int, seen: Counter[str]) -> bool:
        text = units[i].text.strip()
        return bool(PAGE_NUMBER.match(text)) or (pages >= 3 and seen[_shape(text)] >= recurring)

    for idx in by_page.values():
        for order, seen in ((idx, tops), (idx[::-1], bottoms)):
            for i in order[:2]:
                if not furniture(i, seen):
                    break
                units[i].furniture = True


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", _SPACES.sub(" ", text.strip().lower()))


def wraps_into(a: Unit, b: Unit, right: float) -> bool:
    """Whether PDF line `b` continues the sentence of line `a` (a hard wrap).

    A wrap is a line that stopped at the right margin because the next word did not fit:
    `a` reaches within one word of `right`, `b` starts no further right than `a`, just
    below it (or first on the next page, in lower case: a sentence running over a page
    break), and `a` does not end a sentence before a capital.
    """
    if b.kind != "line" or a.page is None or b.page is None or a.kind not in ("line", "cell"):
        return False
    text_a, text_b = a.text.rstrip(), b.text.lstrip()
    if len(text_a.split()) < 3 or not text_b or _LIST_ITEM.match(text_b):
        return False  # a wrapped line holds several words; "Số:" alone ended on purpose
    if text_a.isupper() and not text_b.isupper():
        return False  # a heading in capitals ("CỘNG HÒA XÃ HỘI ...") goes on in capitals if at all
    if b.page == a.page + 1 and a.kind == "line":
        if not (text_b[0].islower() or text_b[0].isdigit()):
            return False
    elif b.page != a.page or b.top < a.top or b.top - a.bottom > 1.2 * max(a.bottom - a.top, 1.0):
        return False
    char_width = (b.x1 - b.x0) / max(len(b.text.strip()), 1)
    if b.x0 > a.x0 + 2 * char_width + 1:
        return False
    first_word = len(text_b.split(" ", 1)[0])
    if a.kind == "cell" and abs(b.x0 - a.x0) > 2 * char_width + 1:
        return False  # a header cell goes on only in its own column
    if a.x1 + (first_word + 1) * char_width < (a.limit or right):
        return False  # the next word would have fitted: the line ended on purpose
    # a sentence ending at the margin and a capital after it: kept apart, as a text file has it
    return not (_ENDS_SENTENCE.search(text_a) and text_b[:1].isupper())


def lay_out(units: Sequence[Unit], pages: int = 0) -> Laid:
    """Units into logical lines (see the module docstring), with the character map."""
    units = split_cells(units)
    if pages:
        drop_page_furniture(units, pages)
    right: dict[int | None, float] = {}
    for unit in units:
        if unit.kind == "line" and not unit.furniture:
            right[unit.page] = max(right.get(unit.page, 0.0), unit.x1)
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    line_places: list[str] = []
    pos = 0
    previous: Unit | None = None
    for index, unit in enumerate(units):
        if unit.furniture:
            continue
        start, end = _trimmed(unit.text)
        if start == end:
            previous = None  # an empty paragraph ends the one before it
            continue
        joined = previous is not None and wraps_into(previous, unit, right.get(unit.page, 0.0))
        if out and joined:
            glue = _glue(out[-1], unit.text[start])
            if glue == "":  # a word hyphenated at the margin: drop the hyphen
                out[-1] = out[-1][:-1]
                pos -= 1
                last = pieces[-1]
                pieces[-1] = (last[0], last[1], last[2], last[3] - 1)
            elif glue:
                out.append(glue)
                pos += len(glue)
        elif out:
            out.append("\n")
            pos += 1
            line_places.append(unit.place)
        else:
            line_places.append(unit.place)
        pos = _append_spaced(unit.text, start, end, index, pos, out, pieces)
        previous = unit
    if out:
        out.append("\n")
    return Laid("".join(out), list(units), pieces, line_places)


def _trimmed(text: str) -> tuple[int, int]:
    stripped = text.strip()
    if not stripped:
        return 0, 0
    start = len(text) - len(text.lstrip())
    return start, start + len(stripped)


def _glue(before: str, first: str) -> str:
    """What joins a wrapped line to the next: a space, or nothing after a word hyphenated
    at the margin ("docu-" + "ment"). Vietnamese dashes stand apart ("kinh tế -" +
    "xã hội" keeps its dash), so only a hyphen glued to a letter is dropped."""
    if before.endswith(("\u00ad", "\x02")) or (
        len(before) >= 2 and before[-1] == "-" and before[-2].isalpha() and first.islower()
    ):
        return ""
    return " "


def _append_spaced(
    text: str, start: int, end: int, index: int, pos: int, out: list[str], pieces: list[tuple[int, int, int, int]]
) -> int:
    """Append text[start:end] with runs of white space squeezed to one space; record pieces."""
    cursor = start
    for m in _SPACES.finditer(text, start, end):
        if m.start() > cursor:
            pieces.append((pos, index, cursor, m.start() - cursor))
            out.append(text[cursor : m.start()])
            pos += m.start() - cursor
        if m.group() == " ":
            pieces.append((pos, index, m.start(), 1))
        out.append(" ")
        pos += 1
        cursor = m.end()
    if end > cursor:
        pieces.append((pos, index, cursor, end - cursor))
        out.append(text[cursor:end])
        pos += end - cursor
    return pos


def paragraph_units(lines: Sequence[str], place: str, kind: str = "para") -> list[Unit]:
    """Units for text a reader already split at line breaks (a paragraph with <br>)."""
    return [Unit(line, place, kind) for line in lines]


_CONTINUATION = r"[ \t]*[a-zđàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ0-9(]"
_CONTINUES = re.compile("^" + _CONTINUATION)
# A newline whose next line starts as a wrapped line's continuation does (_CONTINUES).
_WRAP_CANDIDATE = re.compile(r"\n(?=" + _CONTINUATION + ")")
# A line ending on a word that never ends a sentence, a heading or a cell ("... ngày 29
# tháng 11 năm 2018 của" / "Chính phủ sửa đổi ..."): wrapped whatever the next line starts
# with; a capital there is a name ("của\nBan Thường vụ Huyện ủy", "tại\nTờ trình số ...").
_DANGLING_WORDS = ("của", "và", "về", "với", "tại", "theo", "cho", "thuộc", "các", "những")
_DANGLING_ENDS = tuple(" " + word for word in _DANGLING_WORDS)  # a line's end, trailing spaces stripped
# A body's name cut before the rest of it ("Ban Thường vụ Huyện ủy" / "Lục Nam về ...",
# "của Bộ" / "Chính trị", "của Thủ tướng" / "Chính phủ"): wrapped when the next line starts
# with a capitalised word, so the issuer that scopes a local number is read whole. In title
# case only: a heading in capitals is apart.
_NAMED_ENDS = (" ủy", " uỷ", " Ban", " Bộ", " Sở", " Thủ tướng", " Chủ tịch", " Trung ương")
# The same ends read backwards after a newline, in the reversed text: a pattern that starts
# with a newline is searched at memchr speed, one that ends with one tries every position.
_OPEN_END_REVERSED = re.compile(
    r"\n[^\S\n]*(?:" + "|".join(re.escape(end[::-1]) for end in _DANGLING_ENDS + _NAMED_ENDS) + ")"
)


def _continues(body: str, b: str) -> bool:
    """Whether line `b` can continue a line ending in `body` (its text without trailing
    spaces) as a wrap does; the length and sentence tests are the caller's."""
    if _CONTINUES.match(b):
        return True
    if body.endswith(_DANGLING_ENDS):
        return bool(b.strip())
    head = b.lstrip()[:2]
    return body.endswith(_NAMED_ENDS) and len(head) == 2 and head[0].isupper() and head[1].islower()


def _open_ended_newlines(text: str) -> list[int]:
    """The newlines after a line that ends on a _DANGLING_WORDS word or a body's name cut
    short (_NAMED_ENDS), in order, found in the reversed text (_OPEN_END_REVERSED)."""
    last = len(text) - 1
    return [last - m.start() for m in reversed(list(_OPEN_END_REVERSED.finditer(text[::-1])))]


def join_wrapped_text(text: str) -> str:
    """`text` with each hard wrap inside a sentence turned into a space, same length.

    A wrap: a line that does not end a sentence (nor a heading or cell: three words at
    least), followed by one that starts in lower case or with a digit, or by any line
    that is not blank when it ends on a word that cannot end one (_DANGLING_WORDS), or by
    a capitalised word when it ends on a body's name cut short ("Huyện ủy" / "Lục Nam",
    "của Bộ" / "Chính trị": _NAMED_ENDS).
    Each newline is replaced by a space (a CRLF by two), so every character keeps its
    offset.

    The newlines that can be wraps are found by two scans of the text (_WRAP_CANDIDATE,
    _OPEN_END_REVERSED), not by a test of every line in Python: the same cuts as
    `_wrap_cuts_by_line`.
    """
    return _cut(text, _wrap_cuts(text))


def _wrap_cuts(text: str) -> list[int]:
    cuts: list[int] = []  # offsets of the newlines (and CRs) that become spaces
    newlines = [m.start() for m in _WRAP_CANDIDATE.finditer(text)]
    dangling = _open_ended_newlines(text)
    if dangling:
        newlines = sorted({*newlines, *dangling})
    for end in newlines:  # the newline after line a, before line b
        b_end = text.find("\n", end + 1)
        b = text[end + 1 : b_end if b_end != -1 else len(text)]
        if _LIST_ITEM.match(b.lstrip()):
            continue
        a = text[text.rfind("\n", 0, end) + 1 : end]
        body = a.rstrip("\r").rstrip()
        if not _continues(body, b):
            continue  # e.g. a line ending on "của" before a blank one
        if len(body.split(None, 2)) >= 3 and not _ends_sentence(body):
            if a.endswith("\r"):
                cuts.append(end - 1)
            cuts.append(end)
    return cuts


def _ends_sentence(line: str) -> bool:
    """`_ENDS_SENTENCE.search(line)` for a line without trailing spaces, read from the end
    (the pattern's two sets share no character)."""
    head = line.rstrip(_CLOSERS)
    return head != "" and head[-1] in _SENTENCE_ENDS


def _wrap_cuts_by_line(text: str) -> list[int]:
    """The plain definition of join_wrapped_text's cuts, line by line (kept for the test
    that holds the fast scan to it)."""
    lines = text.split("\n")
    cuts: list[int] = []
    pos = 0
    for a, b in itertools.pairwise(lines):
        end = pos + len(a)
        body = a.rstrip("\r").rstrip()
        continued = _continues(body, b)
        unfinished = len(body.split()) >= 3 and not _ENDS_SENTENCE.search(body)
        if continued and unfinished and not _LIST_ITEM.match(b.lstrip()):
            if a.endswith("\r"):
                cuts.append(end - 1)
            cuts.append(end)
        pos = end + 1
    return cuts


def _cut(text: str, cuts: list[int]) -> str:
    """`text` with the characters at `cuts` (in order) replaced by spaces."""
    if not cuts:
        return text
    parts: list[str] = []
    prev = 0
    for cut in cuts:
        parts.append(text[prev:cut])
        parts.append(" ")
        prev = cut + 1
    parts.append(text[prev:])
    return "".join(parts)


def _newline_offsets(text: str, shift: int) -> list[int]:
    """The offset of every newline in `text`, plus `shift`: `[m.start() + shift for m in
    re.finditer("\\n", text)]` from C-level calls (split, map, accumulate), ~3x faster."""
    if "\n" not in text:
        return []
    ends = accumulate(map(_PLUS_ONE, map(len, text.split("\n")[:-1])), initial=shift - 1)
    next(ends)  # the initial value
    return list(ends)


_PLUS_ONE = (1).__add__


def remap_lines(extraction: Extraction, original: str, joined: str) -> Extraction:
    """Line numbers of an extraction made from `joined` (join_wrapped_text of `original`)
    put back on `original`'s lines: offsets agree, so a mention's line and column come
    from its start; a line number elsewhere becomes the original line its logical line starts on."""
    if joined == original:
        return extraction
    starts = [0, *_newline_offsets(joined, 1)]  # logical line starts
    breaks = _newline_offsets(original, 0)

    def original_line(offset: int) -> int:
        return bisect.bisect_left(breaks, offset) + 1

    def from_logical(line: int | None) -> int | None:
        return original_line(starts[line - 1]) if line is not None and 0 < line <= len(starts) else line

    for ref in extraction.references:
        for m in ref.mentions:
            m.line = original_line(m.start)
            m.column = m.start - (breaks[m.line - 2] + 1 if m.line > 1 else 0) + 1
    for rel in extraction.reported_relations:
        rel.line = from_logical(rel.line) or rel.line
    for problem in extraction.problems:
        problem.line = from_logical(problem.line)
    for named in extraction.named_references:
        named.line = from_logical(named.line) or named.line
    for segment in extraction.segments:
        segment.start_line = original_line(segment.start)
    extraction.self.line = from_logical(extraction.self.line)
    return extraction
