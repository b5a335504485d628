"""What resolution works with: citing contexts, known documents, outcomes, and keys.

A number is not an identity. Party numbers restart with each term of the issuing
committee, State administrative numbers each year, and local codes (TU, HU, ĐUK, BCĐ,
UBND, ...) exist in every province. So a reference is resolved in the context of the
document that cites it (its province, district and date) against a `Catalog` of every
known document: the registry, the documents read from a corpus, and documents known
only because something cites them.

Node ids (the one string form of a document's identity; graph keys, JSON, the store):

- ``120-KL/TW``: a national document, the only one with that number.
- ``05-CT/TW@XII``: a Party document whose number was reused in another term; ``@`` the
  term (khóa) of the issuing committee.
- ``30c/NQ-CP#2011``: a national document whose number restarts each year; ``#`` the year.
- ``62-KH/TU@Thừa Thiên Huế``: a local document; ``@`` its province (``@Lai Châu/Sìn Hồ``
  with a district), then ``#2010`` when the same province has two such numbers.
- ``62-KH/TU``: a local document whose province is not known.
- ``file:samples/tuyenquang_ubnd_dan-van_2013.txt``: a document with no number of its own.

Qualifiers appear only when needed, so ids stay short; `Catalog.find` accepts any
qualified form ("120-KL/TW@XI", "62-KH/TU@Huế#2010") and diacritic-free spellings.

Everything here is pure: no files, no terminal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from qcdc_cli.knowledge.vocabulary import fold as _fold
from qcdc_cli.models import (
    DocNode,
    Reference,
    SelfInfo,
)

if TYPE_CHECKING:
    pass

Status = Literal["resolved", "ambiguous", "unknown"]
Origin = Literal["registry", "corpus", "cited"]

FILE_PREFIX = "file:"


# vocab.fold, remembered: a whole-index derivation folds the same numbers and issuer
# texts hundreds of thousands of times (NFC + upper case each time)
fold = lru_cache(maxsize=1 << 16)(_fold)


# ---------------------------------------------------------------- context and entries


@dataclass(frozen=True, slots=True)
class Context:
    """Where and when a citing document was written: what scopes its references."""

    province: str | None = None
    district: str | None = None
    date: str | None = None  # ISO date of the citing document
    issuer_code: str | None = None
    path: str | None = None

    @classmethod
    def of(cls, info: SelfInfo, path: str | None = None) -> Context:
        return cls(province=info.province, date=info.date, issuer_code=info.issuer_code, path=path)


@dataclass(slots=True)
class Known:
    """A document the catalog knows, with what each source says about it."""

    number: str | None
    system: str | None = None
    type: str | None = None
    issuer_code: str | None = None
    issuer: str | None = None
    province: str | None = None
    district: str | None = None
    date: str | None = None
    term: str | None = None  # khóa of the issuing committee, when known
    title: str | None = None
    type_name: str | None = None
    origin: Origin = "cited"
    registry_id: str | None = None
    status: str | None = None  # validity from the registry
    valid_from: str | None = None
    valid_until: str | None = None
    confidence: str | None = None
    paths: list[str] = field(default_factory=list)  # files it was read from
    line: int | None = None  # line of its own number in the first of `paths`
    segment: int = 0
    aliases: tuple[str, ...] = ()  # other ways texts write the number (registry)
    id: str = ""  # assigned when the catalog is complete

    @property
    def in_corpus(self) -> bool:
        return bool(self.paths)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    def node(self) -> DocNode:
        """The graph's view of this document."""
        return DocNode(
            id=self.id,
            number=self.number,
            type=self.type,
            issuer_code=self.issuer_code,
            issuer=self.issuer,
            province=self.province,
            date=self.date,
            title=self.title,
            in_corpus=self.in_corpus,
            in_registry=self.registry_id is not None,
            path=self.paths[0] if self.paths else None,
        )

    def status_on(self, day: str) -> str | None:
        """The registry's status as it stood on `day` (ISO): "not yet in force" before
        its validity starts, its final status (repealed, replaced ...) after it ends,
        "in_force" in between; the recorded status when the registry gives no validity."""
        if self.valid_from and day < self.valid_from:
            return "not_yet_in_force"
        if self.valid_until and day > self.valid_until:
            return self.status if self.status not in (None, "in_force", "unknown") else "expired"
        if self.valid_from or self.valid_until:
            return "in_force"
        return self.status

    def describe(self) -> str:
        """One line for messages: "62-KH/TU@Thừa Thiên Huế (Tỉnh ủy..., 2010-07-30)"."""
        bits = [b for b in (self.issuer or self.issuer_code, self.province, self.date) if b]
        return f"{self.id or self.number}" + (f" ({', '.join(bits)})" if bits else "")


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """What a citation writes that contradicts the document it (probably) means."""

    field: str  # "date" | "issuer" | "type" | "number" | "term"
    written: str
    known: str
    document: Known | None  # the document it contradicts; None when only itself
    message: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one written number."""

    status: Status
    number: str
    document: Known | None = None  # when resolved
    candidates: tuple[Known, ...] = ()  # when ambiguous (or close numbers when unknown)
    likely: Known | None = None  # when unknown but another number fits what is written
    discrepancies: tuple[Discrepancy, ...] = ()
    reason: str = ""


# ------------------------------------------------------------------ small pure helpers


@lru_cache(maxsize=1 << 16)
def loose(text: str) -> str:
    """A key without case or diacritics, for what users type: "13-kh/duk" ~ "13-KH/ĐUK"."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parts_of(number: str) -> tuple[str, str | None, str, str | None]:
    """(system, type, issuer_code, serial) of a canonical number, for numbers that come
    without a Reference (reported relations, CLI input). "62-KH/TU" -> party, KH, TU."""
    m = re.match(r"^(\w+)-(\w+)/(.+)$", number)
    if m:
        return "party", m.group(2), m.group(3), m.group(1)
    m = re.match(r"^(\w+)/(?:\d{4}/)?(?:(\w+)-)?(.+)$", number)
    if m:
        return "state", m.group(2), m.group(3), m.group(1)
    return "party", None, number, None


def year_in(number: str) -> int | None:
    m = re.match(r"^\w+/(\d{4})/", number)
    return int(m.group(1)) if m else None


def written(reference: Reference) -> tuple[str | None, str | None, str | None, str | None]:
    """(date, term, type word, issuer) as the citation writes them, first mention first."""
    date, term, word, issuer = reference.date, None, None, reference.issuer
    for m in reference.mentions:
        date = date or m.date
        term = term or m.term
        word = word or m.type_word
        issuer = issuer or m.issuer
    return date, term, word, issuer


def mention_issuers(reference: Reference) -> tuple[str, ...]:
    """Every issuer the mentions of a citation write, in order: the title may say "của
    Thành ủy" and the body "của Thành ủy Điện Biên Phủ"."""
    return tuple(dict.fromkeys(m.issuer for m in reference.mentions if m.issuer))
