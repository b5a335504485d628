"""Identity read from an announcement, for a page that has no header of its own.

The commonest real text about a local plan is a portal's news item: "Ban Thường vụ Huyện
ủy X vừa ban hành Kế hoạch số 45-KH/HU ngày ... thực hiện Kế hoạch số 12-KH/TU của Tỉnh
ủy ...", "Ngày 5/5/2022, thay mặt Bộ Chính trị, ... ký ban hành Nghị quyết số 15-NQ/TW",
"UBND tỉnh ban hành Kế hoạch thực hiện ... (Kế hoạch số 201/KH-UBND, ngày 12/10/2021)".
Such a page is about the document it announces: its number, date and issuer are the
page's identity (marked "announcement", not "header"), and the cues of the announcing
sentence state that document's own relations. A page title line that opens with a type
word ("Kế hoạch thực hiện Quyết định số ...") states them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import regex

from qcdc_cli.extract.dates import DATE_PATTERN, date_from_match
from qcdc_cli.extract.mentions import RawMention
from qcdc_cli.extract.preamble import Clause, is_boilerplate
from qcdc_cli.knowledge.patterns import compile_regex

ANNOUNCE_WITHIN = 2500  # characters: an announcement opens the page (after its headline)

_JUST = compile_regex(r"(?<!\p{L})(?:vừa|mới)(?!\p{L})", regex.IGNORECASE)
_SENTENCE_END = compile_regex(r"[.!?](?=\s|$)|\n")
# A list of what a body has carried out, before the plan that follows from it.
_DEPLOYED = compile_regex(
    r"(?<!\p{L})(?P<cue>triển khai thực hiện|triển khai|thực hiện|quán triệt)(?!\p{L})[^.:;\n]{0,80}:", regex.IGNORECASE
)
_LIST_END = compile_regex(r"[.!?](?=\s|$)|\n[ \t]*\n")
_SENTENCE_BEFORE = compile_regex(r"[.!?](?=\s)|\n[ \t\r]*\n|^", regex.REVERSE)
_PARAGRAPH_START = compile_regex(r"\n|^", regex.REVERSE)
_FULL_DATE = compile_regex(r"(?<!\p{L})(?:ngày)\s+" + DATE_PATTERN, regex.IGNORECASE)
_SUBJECT = compile_regex(
    r"(?P<org>(?:Ban Thường vụ|Ban Chấp hành|Ban Bí thư|Bộ Chính trị|Thường vụ|Thường trực|Ủy ban nhân dân|UBND"
    r"|Hội đồng nhân dân|HĐND|Đảng ủy|Tỉnh ủy|Thành ủy|Huyện ủy|Quận ủy|Thị ủy|Chi bộ|Chính phủ|Thủ tướng)"
    r"[^,.;:\n()]{0,80}?)[ \t]+(?:vừa|đã|mới|chính thức|ký|ban hành)(?!\p{L})",
    regex.IGNORECASE,
)


@dataclass(slots=True)
class Announcement:
    """What an announcing page says of the document it is about."""

    own: RawMention | None = None
    date: str | None = None
    issuer: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # sentences that state its relations
    clauses: list[Clause] = field(default_factory=list)  # lists of what it carries out


@cache
def _patterns(words_alt: str) -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    # "vừa ban hành", "đã ký, ban hành", "vừa ký", "vừa có" (news of a Công điện, a Chỉ thị)
    words_alt = words_alt.replace("\\ ", "\\s+")  # "Kế\nhoạch": a type word wrapped over two lines
    verb = (
        r"(?:(?:vừa|mới)\s+(?:chính thức\s+)?(?:ký\s*,?\s+)?(?:ban hành|ra|thông qua|ký|có)"
        r"|đã\s+(?:chính thức\s+)?(?:ký\s*,?\s+)?(?:ban hành|ra|thông qua|ký)"
        r"|ký\s*,?\s+ban hành|ban hành)"
    )
    # "... vừa ban hành Kế hoạch số 45-KH/HU", anchored at the number
    numbered = compile_regex(
        rf"(?<!\p{{L}}){verb}\s+(?P<tw>{words_alt})\s+(?:(?:số|so)\s*:?\s*)?$",
        regex.IGNORECASE | regex.REVERSE,
    )
    # "(Kế hoạch số 201/KH-UBND, ngày 12/10/2021)" after "... ban hành Kế hoạch thực hiện ..."
    parenthetical = compile_regex(
        rf"\(\s*(?P<tw>{words_alt})\s+(?:(?:số|so)\s*:?\s*)?$", regex.IGNORECASE | regex.REVERSE
    )
    # the announcing sentence, with or without a number: "Tỉnh ủy vừa ban hành kế hoạch thực hiện ..."
    sentence = compile_regex(rf"(?<!\p{{L}}){verb}\s+(?P<tw>{words_alt})(?!\p{{L}})", regex.IGNORECASE)
    # a page title that opens with a type word: "Kế hoạch thực hiện Quyết định số ..."
    title = compile_regex(rf"^[\s*_#>]*(?:{words_alt})\s+(?!số|so)\p{{L}}", regex.IGNORECASE)
    return numbered, parenthetical, sentence, title


def read_announcement(text: str, mentions: list[RawMention], words_alt: str) -> Announcement:
    """The announced document and the sentences that state its relations (see module doc)."""
    numbered, parenthetical, sentence, title = _patterns(words_alt)
    out = Announcement()
    limit = min(len(text), ANNOUNCE_WITHIN)
    best: tuple[int, RawMention, regex.Match[str]] | None = None
    for m in mentions:
        if m.start >= limit:
            break
        if m.shared_with is not None or m.segment != 0:
            continue
        found = _announcing(text, m, numbered, parenthetical)
        if found is not None:
            # "vừa ban hành" (just issued) is the news; "đã ban hành" may recall an older one
            rank = 1 if _JUST.search(found.group()) else 0
            if best is None or rank > best[0]:
                best = (rank, m, found)
            if rank:
                break
    if best is not None:
        _, m, found = best
        paragraph = _paragraph_start(text, found.start())
        sentence_start = _sentence_start(text, found.start())
        out.own = m
        out.date = m.date or _date_before(text, sentence_start, found.start())
        subjects = list(_SUBJECT.finditer(text, max(sentence_start, found.start() - 160), found.end()))
        # "... Nghị quyết số 57-NQ/TW của Bộ Chính trị", else the body nearest the verb
        out.issuer = m.issuer or (subjects[-1]["org"].strip() if subjects else None)
        for d in _DEPLOYED.finditer(text, paragraph, found.start()):
            # "đã triển khai các văn bản: Chỉ thị 45-CT/TW; Kế hoạch 204-KH/TU. Theo đó, ban hành ..."
            end = _sentence_end(text, d.end(), stops=_LIST_END)
            out.spans.append((d.start(), end))
            out.clauses.append(Clause(d.start(), d.end(), end, "implements", d["cue"]))
    for s in sentence.finditer(text, 0, limit):
        # to the full stop (a hard-wrapped sentence runs over lines), at most a paragraph
        out.spans.append((s.start(), min(_sentence_end(text, s.end(), stops=_LIST_END), s.end() + 600)))
    first = _first_content_line(text, limit)
    if first is not None and title.match(text, first[0], first[1]):
        out.spans.append(first)
    return out


def _announcing(
    text: str, m: RawMention, numbered: regex.Pattern[str], parenthetical: regex.Pattern[str]
) -> regex.Match[str] | None:
    """The words that announce the number `m` ("vừa ban hành Kế hoạch số "), if any."""
    window_start = max(0, m.start - 120)
    found = numbered.search(text, window_start, m.start)
    if found is not None:
        return found
    p = parenthetical.search(text, window_start, m.start)
    if p is not None and regex.search(
        rf"ban hành[ \t]+{regex.escape(p['tw'])}", text[_paragraph_start(text, m.start) : p.start()], regex.IGNORECASE
    ):
        return p
    return None


def _paragraph_start(text: str, pos: int) -> int:
    found = _PARAGRAPH_START.search(text, max(0, pos - 1500), pos)
    return found.end() if found else max(0, pos - 1500)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` starts: after a full stop or a blank line, not at a
    line break (a hard-wrapped news item keeps "Ngày 14-11-2016, ..." lines above the verb)."""
    found = _SENTENCE_BEFORE.search(text, max(0, pos - 600), pos)
    return found.end() if found else max(0, pos - 600)


def _sentence_end(text: str, pos: int, stops: regex.Pattern[str] = _SENTENCE_END) -> int:
    found = stops.search(text, pos, min(len(text), pos + 1500))
    return found.start() if found else min(len(text), pos + 1500)


def _date_before(text: str, lo: int, hi: int) -> str | None:
    """The last full date written "Ngày 5/5/2022," in the announcing sentence's paragraph."""
    date = None
    for d in _FULL_DATE.finditer(text, lo, hi):
        date = date_from_match(d) or date
    return date


def _first_content_line(text: str, limit: int) -> tuple[int, int] | None:
    pos = 0
    while pos < limit:
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        line = text[pos:end]
        if line.strip() and not is_boilerplate(line):
            return pos, end
        pos = end + 1
    return None
