"""Build Extraction objects by hand from a draft text, the way extraction would.

Each reference is located in the text by what is written, so positions in the
findings are real positions; the test says what the extractor would have read
(date, body, type word, malformed), which keeps the rule tests independent of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.knowledge.vocabulary import fold
from qcdc_cli.models import Extraction, Mention, Reference, Segment, SelfInfo


@dataclass
class Cite:
    as_written: str
    number: str | None = None  # canonical; default: as written
    occurrence: int = 1  # which occurrence of as_written in the text
    date: str | None = None
    issuer: str | None = None
    type_word: str | None = None
    relation: str = "cites"
    malformed: bool = False
    suggestion: str | None = None
    segment: int = 0


def split_number(number: str) -> tuple[str, str | None, str, int | None]:
    """(system, type, issuer_code, year) of a canonical number."""
    if m := re.fullmatch(r"(\w+)-(\w+)/(\S+)", number):
        return "party", m[2], m[3], None
    if m := re.fullmatch(r"(\w+)/(\d{4})/(QH\d+)", number):
        return "state", None, m[3], int(m[2])
    if m := re.fullmatch(r"(\w+)/(\d{4})/(\w+)-(\S+)", number):
        return "state", m[3], m[4], int(m[2])
    if m := re.fullmatch(r"(\w+)/(\w+)-(\S+)", number):
        if fold(m[2]) in load_vocabulary().state_types:
            return "state", m[2], m[3], None
        return "state", None, f"{m[2]}-{m[3]}", None  # a công văn: issuer and unit
    raise ValueError(number)


def _find(text: str, needle: str, occurrence: int) -> int:
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    return pos


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def make(text: str, cites: list[Cite], own: SelfInfo | None = None, segments=None) -> Extraction:
    """An Extraction of `text` with the given citations and self information."""
    refs: dict[str, Reference] = {}
    for c in cites:
        number = c.number or c.as_written
        start = _find(text, c.as_written, c.occurrence)
        line, column = _position(text, start)
        mention = Mention(
            as_written=c.as_written,
            start=start,
            end=start + len(c.as_written),
            line=line,
            column=column,
            relation=c.relation,
            date=c.date,
            type_word=c.type_word,
            issuer=c.issuer,
            segment=c.segment,
            malformed=c.malformed,
            suggestion=c.suggestion,
        )
        system, type_, issuer_code, year = split_number(number)
        ref = refs.get(number)
        if ref is None:
            ref = refs[number] = Reference(
                number=number,
                system=system,  # type: ignore[arg-type]
                type=type_,
                issuer_code=issuer_code,
                year=year,
            )
        ref.mentions.append(mention)
        ref.malformed = ref.malformed or c.malformed
        if c.relation == "implements":
            ref.relation = "implements"
        ref.date = ref.date or c.date
        ref.issuer = ref.issuer or c.issuer
    own = own or SelfInfo()
    if own.number and own.line is None:
        own.line = _position(text, text.index(own.number))[0]
    return Extraction(
        self=own,
        references=list(refs.values()),
        segments=segments or [Segment(0, len(text), 1, own.number)],
    )
