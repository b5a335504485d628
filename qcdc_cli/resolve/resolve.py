"""Scoped identity: which document a written number means, in the context that cites it.

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

Everything here is pure: no files, no terminal. Ambiguity is reported, never guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from qcdc_cli.knowledge.terms import term_of
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.knowledge.vocabulary import fold as _fold
from qcdc_cli.models import (
    DocNode,
    Extraction,
    Mention,
    Reference,
    ReportedRelation,
    SelfInfo,
    relation_rank,
)

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Registry, RegistryDocument, Term

Status = Literal["resolved", "ambiguous", "unknown"]
Origin = Literal["registry", "corpus", "cited"]

FILE_PREFIX = "file:"

# The central Party bodies that share the code TW (66-QĐ/TW: "TW" covers the Central
# Committee, the Politburo and the Secretariat). Two citations that name different
# bodies for one TW document disagree, e.g. 65-KL/TW "của Ban Bí thư" vs "Bộ Chính trị".
_TW_BODIES = (
    ("BỘ CHÍNH TRỊ", "Bộ Chính trị"),
    ("BAN BÍ THƯ", "Ban Bí thư"),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Ban Chấp hành Trung ương"),
    ("HỘI NGHỊ TRUNG ƯƠNG", "Ban Chấp hành Trung ương"),
    ("HỘI NGHỊ LẦN THỨ", "Ban Chấp hành Trung ương"),
)
_ROMAN = re.compile(r"^[IVXLC]+$")

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


@dataclass(frozen=True, slots=True)
class CitingUnit:
    """One document inside a corpus file, with the references its own text makes."""

    path: str
    segment: int
    info: SelfInfo
    references: tuple[Reference, ...]
    reported: tuple[ReportedRelation, ...]


# ------------------------------------------------------------------ small pure helpers


@lru_cache(maxsize=1 << 16)
def loose(text: str) -> str:
    """A key without case or diacritics, for what users type: "13-kh/duk" ~ "13-KH/ĐUK"."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_number(number: str) -> tuple[str, str | None, str, str | None]:
    """(system, type, issuer_code, serial) of a canonical number, for numbers that come
    without a Reference (reported relations, CLI input). "62-KH/TU" -> party, KH, TU."""
    m = re.match(r"^(\w+)-(\w+)/(.+)$", number)
    if m:
        return "party", m.group(2), m.group(3), m.group(1)
    m = re.match(r"^(\w+)/(?:\d{4}/)?(?:(\w+)-)?(.+)$", number)
    if m:
        return "state", m.group(2), m.group(3), m.group(1)
    return "party", None, number, None


def _year_in(number: str) -> int | None:
    m = re.match(r"^\w+/(\d{4})/", number)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=4096)
def _tw_body(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    key = fold(text)
    hits = [(key.find(k), k, name) for k, name in _TW_BODIES if k in key]
    if not hits:
        return None
    _, k, name = min(hits)
    return k, name


def _resolution_key(reference: Reference, context: Context) -> tuple:
    """Everything `resolve` reads of a reference and its context (keep in step with it)."""
    r = reference
    return (
        r.number,
        r.system,
        r.type,
        r.issuer_code,
        r.year,
        *_written(r),
        context.province,
        context.district,
        context.date,
    )


def _written(reference: Reference) -> tuple[str | None, str | None, str | None, str | None]:
    """(date, term, type word, issuer) as the citation writes them, first mention first."""
    date, term, word, issuer = reference.date, None, None, reference.issuer
    for m in reference.mentions:
        date = date or m.date
        term = term or m.term
        word = word or m.type_word
        issuer = issuer or m.issuer
    return date, term, word, issuer


def split_units(path: str, extraction: Extraction) -> list[CitingUnit]:
    """The documents inside one file, each with the references of its own text.

    A file can carry a second document after the first (seed 13-KH/ĐUK carries the text
    of 120-KL/TW): mentions in that part are citations made by that document. Segments
    without a number of their own stay with the document before them.
    """
    segments = extraction.segments
    owner: list[int] = []
    for i, seg in enumerate(segments):
        owner.append(i if i == 0 or seg.number else owner[i - 1])
    heads = sorted(set(owner)) or [0]
    if len(heads) == 1:
        return [
            CitingUnit(
                path,
                0,
                extraction.self,
                tuple(extraction.references),
                tuple(extraction.reported_relations),
            )
        ]

    def owner_of_line(line: int) -> int:
        head = 0
        for i, seg in enumerate(segments):
            if seg.start_line <= line:
                head = owner[i]
        return head

    units: list[CitingUnit] = []
    for head in heads:
        refs = []
        for ref in extraction.references:
            mentions = [m for m in ref.mentions if owner[m.segment] == head] if ref.mentions else []
            if mentions:
                refs.append(_narrow(ref, mentions))
            elif not ref.mentions and head == 0:
                refs.append(ref)
        reported = tuple(r for r in extraction.reported_relations if owner_of_line(r.line) == head)
        if head == 0:
            info = extraction.self
        else:
            seg = segments[head]
            system, type_, code, _ = parse_number(seg.number or "")
            info = SelfInfo(
                number=seg.number,
                type=type_,
                issuer_code=code,
                title=seg.title,
                system=system,  # type: ignore[arg-type]
                line=seg.start_line,
            )
        units.append(CitingUnit(path, head, info, tuple(refs), reported))
    return units


def _narrow(ref: Reference, mentions: list[Mention]) -> Reference:
    """The reference as seen from one segment: its mentions, strongest relation, date."""
    relation = min((m.relation for m in mentions), key=relation_rank)
    date = next((m.date for m in mentions if m.date), None)
    issuer = next((m.issuer for m in mentions if m.issuer), None)
    return replace(
        ref,
        mentions=mentions,
        relation=relation,
        date=date or ref.date,
        issuer=issuer or ref.issuer,
    )


def reference_for(number: str, unit_refs: Iterable[Reference]) -> Reference:
    """The Reference a text makes to `number`, or a bare one (reported relations)."""
    for ref in unit_refs:
        if ref.number == number:
            return ref
    system, type_, code, _ = parse_number(number)
    return Reference(number=number, system=system, type=type_, issuer_code=code, year=_year_in(number))  # type: ignore[arg-type]


# ------------------------------------------------------------------------- the catalog


class Catalog:
    """Every known document, indexed by canonical number; resolves written numbers.

    Build it with `Catalog.build(registry, vocab, corpus)`; `add` and `finish` exist
    so a store can fill one from rows without a registry object.
    """

    def __init__(self, vocab: Vocabulary, terms: Sequence[Term] = ()) -> None:
        self.vocab = vocab
        self.terms = tuple(terms)
        self.entries: list[Known] = []
        self._by_number: dict[str, list[Known]] = {}
        # the same lists split by scope, for `_same_as`: (number, None) national
        # documents, (number, "@" + province) local ones; a number recurs in every
        # commune, and merging must not scan them all
        self._by_number_scope: dict[tuple[str, str | None], list[Known]] = {}
        self._by_loose: dict[str, list[Known]] = {}
        self._by_serial_type: dict[tuple[str, str], list[Known]] = {}
        self._by_id: dict[str, Known] = {}
        self._by_registry: dict[str, Known] = {}
        self._province_keys: list[tuple[str, str]] = sorted(
            ((fold(n), p.name) for p in vocab.provinces for n in p.names),
            key=lambda kv: -len(kv[0]),
        )
        self._province_pattern: re.Pattern[str] | None = None  # compiled on first use
        self._province_rank: dict[str, tuple[int, str]] = {}
        # memos: citations repeat the same few issuer texts and codes thousands of times
        self._province_memo: dict[str, str | None] = {}
        self._national_memo: dict[str, bool] = {}
        self._body_memo: dict[str, str | None] = {}
        self._families_memo: dict[str, set[str]] = {}
        self._resolved: dict[tuple, Resolution] = {}  # see Catalog.resolve
        # _by_serial_type by date and by issuer code, for `_likely`; built when first
        # asked, dropped with every change (merges fill dates and codes)
        self._serial_index: dict[tuple, list[Known]] | None = None
        self._successor = {p.name: p.successor for p in vocab.provinces if p.successor}
        self.units: list[CitingUnit] = []  # the corpus documents build() read, in order
        self._unit_docs: dict[tuple[str, int], Known] = {}

    # ---- building

    @classmethod
    def build(
        cls,
        registry: Registry | None,
        vocab: Vocabulary,
        corpus: Iterable[tuple[str, Extraction]] = (),
    ) -> Catalog:
        """Registry documents, then corpus documents, then documents known only from
        citations; in a fixed order, so a shuffled corpus gives the same catalog."""
        catalog = cls(vocab, registry.terms if registry else ())
        if registry is not None:
            for doc in registry.documents:
                catalog.add(catalog.from_registry(doc))
        units = sorted(
            (u for path, ex in corpus for u in split_units(path, ex)),
            key=lambda u: (u.path, u.segment),
        )
        for unit in units:
            known = catalog.add(catalog.from_self(unit), merge=bool(unit.info.number))
            catalog._unit_docs[(unit.path, unit.segment)] = known
        catalog.units = units
        catalog._add_cited(units)
        catalog.finish()
        return catalog

    def document_of(self, unit: CitingUnit) -> Known:
        """The catalog entry of a corpus document."""
        return self._unit_docs[(unit.path, unit.segment)]

    def context_of(self, unit: CitingUnit) -> Context:
        """The context that scopes a corpus document's references: what the catalog
        knows of it (a pasted 120-KL/TW gets the registry's date)."""
        known = self._unit_docs.get((unit.path, unit.segment))
        if known is None:
            return Context.of(unit.info, unit.path)
        return Context(known.province, known.district, known.date, known.issuer_code, unit.path)

    def from_registry(self, doc: RegistryDocument) -> Known:
        return self._complete(
            Known(
                number=doc.number,
                system=doc.system,
                type=doc.type,
                issuer_code=doc.issuer_code,
                issuer=doc.issuer,
                province=doc.province,
                date=doc.date,
                term=doc.term,
                title=doc.title,
                type_name=self.vocab.type_names.get((doc.system, doc.type)),
                origin="registry",
                registry_id=doc.id,
                status=doc.status,
                valid_from=doc.valid_from,
                valid_until=doc.valid_until,
                confidence=doc.confidence,
            ),
            aliases=doc.aliases,
        )

    def from_self(self, unit: CitingUnit) -> Known:
        info = unit.info
        return self._complete(
            Known(
                number=info.number,
                system=info.system,
                type=info.type,
                issuer_code=info.issuer_code,
                issuer=info.issuer,
                province=info.province,
                date=info.date,
                title=info.title,
                type_name=info.type_name,
                origin="corpus",
                paths=[unit.path],
                line=info.line,
                segment=unit.segment,
            )
        )

    def _complete(self, known: Known, aliases: Sequence[str] = ()) -> Known:
        """Fill what follows from the rest: type name, the term of a TW document."""
        if known.number and (known.system is None or known.type is None or known.issuer_code is None):
            system, type_, code, _ = parse_number(known.number)
            known.system = known.system or system
            known.type = known.type or type_
            known.issuer_code = known.issuer_code or code
        if known.type and known.system and not known.type_name:
            known.type_name = self.vocab.type_names.get((known.system, known.type))
        if known.term is None and known.system == "party" and self.is_national(known.issuer_code):
            known.term = term_of(known.date, "TW", self.terms)  # every central Party body: TW terms
        if aliases:
            known.aliases = tuple(aliases)
        return known

    def add(self, known: Known, *, merge: bool = True) -> Known:
        """Add a document, or merge it into the same one already known."""
        self._changed()
        if merge and known.number:
            same = self._same_as(known)
            if len(same) == 1:
                return self._merge(same[0], known)
        self.entries.append(known)
        keys = [known.number, *known.aliases] if known.number else []
        scope = None if self.is_national(known.issuer_code) else f"@{known.province}"
        for key in keys:
            self._by_number.setdefault(fold(key), []).append(known)
            self._by_number_scope.setdefault((fold(key), scope), []).append(known)
            self._by_loose.setdefault(loose(key), []).append(known)
        if known.number:
            _, type_, _, serial = parse_number(known.number)
            if serial and type_:
                self._by_serial_type.setdefault((fold(serial), self._family(known.system, type_)), []).append(known)
        if known.registry_id:
            self._by_registry[known.registry_id] = known
        return known

    def _of_province(self, number: str, place: str, pool: list[Known]) -> list[Known]:
        """The entries of `pool` (every entry with `number`) whose province is `place`,
        in pool order. Local entries are filed by province (see `_same_as`), so unless
        a national entry shares the number (its province may be filled later), the
        answer is that list, without looking at the other provinces' entries."""
        key = fold(number)
        if (key, None) in self._by_number_scope:
            return [k for k in pool if k.province == place]
        return list(self._by_number_scope.get((key, f"@{place}"), ()))

    def _changed(self) -> None:
        """Forget what was derived from the entries: what citations mean can change
        with every document added or merged."""
        self._resolved.clear()
        self._serial_index = None

    def _same_serial(self, serial: str, family: str, date: str | None, code: str | None) -> list[Known]:
        """Entries with this serial and type family, dated `date`, or (with no date)
        issued under `code`: the only ones `_likely` can accept."""
        if self._serial_index is None:
            index: dict[tuple, list[Known]] = {}
            for (s, f), members in self._by_serial_type.items():
                for k in members:
                    index.setdefault((s, f, "date", k.date), []).append(k)
                    index.setdefault((s, f, "code", k.issuer_code), []).append(k)
            self._serial_index = index
        if date:
            return self._serial_index.get((serial, family, "date", date), [])
        if code:
            return self._serial_index.get((serial, family, "code", code), [])
        return []

    def _same_as(self, known: Known) -> list[Known]:
        """Entries with `known`'s number that can be the same document (see `_same`).

        Only national entries and local ones of its province can be: the others are
        not looked at. The scope an entry is filed under never changes: its issuer code
        is set when it is added, and `_merge` fills a local entry's province only from
        a description of the same province."""
        number = fold(known.number or "")
        pool = self._by_number_scope.get((number, None), []) + self._by_number_scope.get(
            (number, f"@{known.province}"), []
        )
        return [k for k in pool if self._same(k, known)]

    def _same(self, a: Known, b: Known) -> bool:
        """Can two descriptions be one document? Same scope, no contradicting time."""
        if not self.is_national(a.issuer_code) and a.province != b.province:
            return False
        if a.date and b.date and a.date != b.date:
            return False
        if a.term and b.term and a.term != b.term:
            return False
        return not (a.year and b.year and a.year != b.year)

    @staticmethod
    def _merge(into: Known, other: Known) -> Known:
        """Keep what is known; the corpus adds where it was read, the registry wins facts."""
        for name in (
            "system",
            "type",
            "issuer_code",
            "issuer",
            "province",
            "district",
            "date",
            "term",
            "title",
            "type_name",
            "status",
            "valid_from",
            "valid_until",
            "confidence",
            "registry_id",
        ):
            if getattr(into, name) is None and getattr(other, name) is not None:
                setattr(into, name, getattr(other, name))
        for path in other.paths:
            if path not in into.paths:
                into.paths.append(path)
        if into.line is None:
            into.line = other.line
            into.segment = other.segment
        if into.origin == "cited" and other.origin != "cited":
            into.origin = other.origin
        return into

    def _add_cited(self, units: Sequence[CitingUnit]) -> None:
        """Documents known only because something cites them, one per scoped identity.

        Dated citations first, so an undated one joins the document its dated siblings
        describe; an undated citation that could be several stays unresolved.
        """
        found: list[tuple[tuple, Known]] = []
        for unit in units:
            ctx = self.context_of(unit)
            refs = list(unit.references)
            numbers = {r.number for r in refs}
            for rel in unit.reported:
                for number in (rel.source, rel.target):
                    if number not in numbers:
                        refs.append(reference_for(number, ()))
                        numbers.add(number)
            for ref in refs:
                if ref.malformed:
                    continue
                if _in_scope(ref, ctx, self)[0]:
                    continue  # resolve() would not say "unknown"
                known = self.cited(ref, ctx)
                order = (
                    known.date is None,
                    known.number or "",
                    known.province or "",
                    known.date or "",
                    unit.path,
                )
                found.append((order, known))
        for _, known in sorted(found, key=lambda item: item[0]):
            same = self._same_as(known)
            if len(same) == 1:
                self._merge(same[0], known)
            elif not same:
                self.add(known, merge=False)

    def cited(self, ref: Reference, ctx: Context) -> Known:
        """What a citation tells about a document the catalog does not know."""
        date, term, _word, issuer = _written(ref)
        national = self.is_national(ref.issuer_code)
        province = None if national else (self.province_in(issuer) or ctx.province)
        return self._complete(
            Known(
                number=ref.number,
                system=ref.system,
                type=ref.type,
                issuer_code=ref.issuer_code,
                issuer=issuer,
                province=province,
                district=None if national else ctx.district,
                date=date,
                term=term if not national or not date else None,
                origin="cited",
            )
        )

    def finish(self) -> None:
        """Give every entry its id (see the module docstring); call after the last add."""
        self._changed()
        groups: dict[str, list[Known]] = {}
        for k in self.entries:
            base = k.number or FILE_PREFIX + (k.paths[0] if k.paths else "?")
            if k.number and not self.is_national(k.issuer_code) and k.province:
                base += "@" + k.province + (f"/{k.district}" if k.district else "")
            elif not k.number and k.segment:
                base += f"#{k.segment}"
            groups.setdefault(base, []).append(k)
        self._by_id = {}
        for base, members in groups.items():
            members.sort(key=_entry_order)
            if len(members) == 1:
                members[0].id = base
            else:
                for k, ident in zip(members, self._qualified(base, members), strict=True):
                    k.id = ident
            for k in members:
                self._by_id[fold(k.id)] = k
        self.entries.sort(key=lambda k: k.id)

    def _qualified(self, base: str, members: list[Known]) -> list[str]:
        national_party = members[0].system == "party" and self.is_national(members[0].issuer_code)
        attempts = []
        if national_party:
            attempts.append([f"{base}@{k.term}" if k.term else None for k in members])
        attempts.append([f"{base}#{k.year}" if k.year else None for k in members])
        attempts.append([f"{base}#{k.date}" if k.date else None for k in members])
        for ids in attempts:
            if all(ids) and len(set(ids)) == len(ids):
                return ids  # type: ignore[return-value]
        return [f"{base}#{i}" for i in range(1, len(members) + 1)]

    # ---- lookups

    def resolve(self, reference: Reference, context: Context) -> Resolution:
        """`resolve(reference, context, self)`, remembered: a whole-index derivation asks
        the same question twice (the graph's links, the resolution rows), and plans of
        one place and day cite alike. The answer depends only on what the key holds
        (see `_resolution_key`); `add` and `finish` forget every answer."""
        key = _resolution_key(reference, context)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = resolve(reference, context, self)
        return found

    def is_national(self, code: str | None) -> bool:
        """National codes name one body; unknown codes are taken as local (a Sở, a board)."""
        if not code:
            return False
        national = self._national_memo.get(code)
        if national is None:
            info = self.vocab.issuer(code) or self.vocab.issuer(code.split("-")[0])
            national = self._national_memo[code] = info is not None and info.scope == "national"
        return national

    def province_in(self, text: str | None) -> str | None:
        """The province a text names ("của Tỉnh ủy Lai Châu" -> "Lai Châu").

        The longest name found anywhere wins ("Thừa Thiên Huế" over "Huế"), whole words
        only. One pass of one pattern, remembered per text: it runs once per citation."""
        if not text:
            return None
        if text in self._province_memo:
            return self._province_memo[text]
        if self._province_pattern is None:
            self._province_pattern, self._province_rank = _names_pattern(self._province_keys)
        best: tuple[int, str] | None = None
        for m in self._province_pattern.finditer(fold(text)):
            found = self._province_rank[m.group(1)]
            if best is None or found < best:
                best = found
        name = best[1] if best else None
        self._province_memo[text] = name
        return name

    def in_place(self, known: Known, place: str) -> bool:
        """Is `known` a document of `place`, or of a province that later became `place`
        (Thừa Thiên Huế → Huế in 2025; Hà Giang → Tuyên Quang)? Scoping a citation."""
        if known.province is None:
            return False
        return known.province == place or place in self._successors(known.province)

    def _successors(self, name: str) -> list[str]:
        out, seen = [], {name}
        while (name := self._successor.get(name)) and name not in seen:  # type: ignore[assignment]
            out.append(name)
            seen.add(name)
        return out

    def _family(self, system: str | None, type_: str) -> str:
        return self.vocab.type_families.get((system or "party", type_), type_)

    def _families_of(self, word: str) -> set[str]:
        """The type families a written type word ("Kết luận") can name; empty: unknown word."""
        families = self._families_memo.get(word)
        if families is None:
            allowed = self.vocab.type_words.get(fold(word), ())
            families = self._families_memo[word] = {self._family(s, c) for s, c in allowed}
        return families

    def candidates(self, number: str) -> list[Known]:
        """Every known document written with `number` (aliases included)."""
        return list(self._by_number.get(fold(number), []))

    def get(self, ident: str) -> Known | None:
        return self._by_id.get(fold(ident))

    def by_registry_id(self, registry_id: str) -> Known | None:
        return self._by_registry.get(registry_id)

    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Known numbers close to `text`, for "did you mean"."""
        keys = {loose(k.number): k.number for k in self.entries if k.number}
        close = difflib.get_close_matches(loose(text), list(keys), n=limit, cutoff=0.6)
        return [keys[c] for c in close]

    def find(self, text: str, *, province: str | None = None, year: int | None = None) -> Resolution:
        """Resolve what a user typed: an id, a qualified id or a bare number."""
        text = text.strip()
        exact = self.get(text)
        if exact is not None and province is None and year is None:
            return Resolution("resolved", text, document=exact)
        number, place, term, when = _split_id(text)
        pool = self._by_number.get(fold(number)) or self._by_loose.get(loose(number), [])
        if number.startswith(FILE_PREFIX):
            pool = [k for k in self.entries if k.id.startswith(FILE_PREFIX) and loose(number) in loose(k.id)]
        place = place or province
        if place:
            wanted = self._province_named(place)
            pool = [
                k
                for k in pool
                if (wanted and self.in_place(k, wanted)) or (k.district and loose(k.district) == loose(place))
            ]
        if term:
            pool = [k for k in pool if k.term and fold(k.term) == fold(term)]
        if when:
            pool = [k for k in pool if k.date and (k.date.startswith(when) or str(k.year) == when)] or (
                [pool[int(when) - 1]] if when.isdigit() and len(when) < 3 and 0 < int(when) <= len(pool) else []
            )
        if year is not None:
            pool = [k for k in pool if k.year == year or (k.year is None and k.term is None)]
        pool = sorted(pool, key=lambda k: k.id)
        if len(pool) == 1:
            return Resolution("resolved", text, document=pool[0])
        if pool:
            return Resolution(
                "ambiguous",
                text,
                candidates=tuple(pool),
                reason="several documents have this number",
            )
        close = [k for n in self.suggest(number) for k in self.candidates(n)]
        return Resolution("unknown", text, candidates=tuple(sorted(close, key=lambda k: k.id)))

    def _province_named(self, text: str) -> str | None:
        key = loose(text)
        for p in self.vocab.provinces:
            if any(loose(n) == key for n in p.names):
                return p.name
        return self.province_in(text)


def _names_pattern(keys: Sequence[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, tuple[int, str]]]:
    """One pattern finding every whole-word occurrence of any key (`keys` in priority
    order: longest first), overlapping ones included (a zero-width match at each
    position, the name captured), and each key's (priority, name): the first entry of a
    key wins, as in a search key by key."""
    rank: dict[str, tuple[int, str]] = {}
    for i, (key, name) in enumerate(keys):
        rank.setdefault(key, (i, name))
    alternatives = "|".join(re.escape(k) for k in rank)  # dicts keep the priority order
    return re.compile(rf"(?<!\w)(?=({alternatives})(?!\w))"), rank


def _entry_order(k: Known) -> tuple:
    return (k.date or "9999", k.term or "", k.registry_id or "", k.paths[:1], k.title or "")


def _split_id(text: str) -> tuple[str, str | None, str | None, str | None]:
    """ "62-KH/TU@Huế#2010" -> (number, place, term, year-or-date-or-index)."""
    if text.startswith(FILE_PREFIX):
        return text, None, None, None
    number, _, when = text.partition("#")
    number, _, scope = number.partition("@")
    place = term = None
    if scope:
        if _ROMAN.match(fold(scope)) or scope.isdigit():
            term = scope
        else:
            place = scope
    return number.strip(), place, term, when.strip() or None


# ------------------------------------------------------------------------- resolution


def resolve(reference: Reference, context: Context, catalog: Catalog) -> Resolution:
    """Which known document `reference` means when `context` cites it.

    Rules, in order: national codes resolve nationally, local ones within the citing
    document's province (or the province the citation names); a written date or term
    picks the term or year; a cited document is not newer than the citing one. One
    candidate left is resolved (with any field it contradicts as a discrepancy), several
    are ambiguous, none is unknown (with the document the citation probably means).
    """
    number = reference.number
    date, _term, _word, issuer = _written(reference)
    pool, national, place = _in_scope(reference, context, catalog)
    if not pool:
        likely = _likely(reference, context, catalog, date, issuer)
        if likely is not None:
            issues = _discrepancies(reference, likely, catalog, number_differs=True)
            return Resolution(
                "unknown",
                number,
                likely=likely,
                discrepancies=issues,
                reason=f"no {number} is known here; the citation fits {likely.number}",
            )
        return Resolution(
            "unknown",
            number,
            discrepancies=_discrepancies(reference, None, catalog),
            reason="no known document has this number in this scope",
        )
    if not national and place is None:
        return Resolution(
            "ambiguous",
            number,
            candidates=tuple(sorted(pool, key=lambda k: k.id)),
            reason="a local number and the citing document names no province",
        )
    if len(pool) > 1:
        return Resolution(
            "ambiguous",
            number,
            candidates=tuple(sorted(pool, key=_entry_order)),
            reason="several documents fit; give a date, a term or a province",
        )
    found = pool[0]
    if found.origin == "cited":
        # known only from citations: the citation may still fit another number better
        likely = _likely(reference, context, catalog, date, issuer)
        if likely is not None:
            issues = _discrepancies(reference, likely, catalog, number_differs=True)
            return Resolution("resolved", number, document=found, likely=likely, discrepancies=issues)
    return Resolution("resolved", number, document=found, discrepancies=_discrepancies(reference, found, catalog))


def _in_scope(reference: Reference, context: Context, catalog: Catalog) -> tuple[list[Known], bool, str | None]:
    """The documents `reference` can mean in `context` (none: it is unknown there), whether
    its issuer code is national, and the province that scoped it. The first half of
    `resolve`, apart because the catalog's build asks only whether any is left."""
    date, term, _word, issuer = _written(reference)
    national = catalog.is_national(reference.issuer_code)
    pool = catalog.candidates(reference.number)

    place = None
    if not national:
        place = catalog.province_in(issuer) or context.province
        if place is not None:
            here = catalog._of_province(reference.number, place, pool)
            pool = here or [k for k in pool if catalog.in_place(k, place)]
            if context.district:
                pool = [k for k in pool if k.district in (None, context.district)]
    if term:
        pool = [k for k in pool if k.term is None or fold(k.term) == fold(term)]
    if context.date:
        pool = [k for k in pool if k.date is None or k.date <= context.date]
    if date:
        pool = _by_written_date(pool, date, reference, catalog, national)
    return pool, national, place


def _by_written_date(pool: list[Known], date: str, ref: Reference, catalog: Catalog, national: bool) -> list[Known]:
    """Keep the candidates a written date allows: the same date if any has it, else the
    same term (Party, national), the same year (State numbers without a year), or any
    undated one. A date off by days within the term is a discrepancy, not another document."""
    exact = [k for k in pool if k.date == date]
    if exact:
        return exact
    if ref.system == "party" and national:
        written_term = term_of(date, "TW", catalog.terms)  # central Party bodies number per TW term
        if written_term:
            return [k for k in pool if k.term is None or k.term == written_term]
        return [k for k in pool if k.date is None]
    if ref.system == "state" and ref.year is None and not _year_in(ref.number):
        return [k for k in pool if k.year is None or k.year == int(date[:4])]
    if ref.system == "state":
        return pool  # the year is in the number: the number alone is the identity
    # local Party: terms of provincial committees are not tabulated; dates must agree
    # within a term (≤ 5 years), else it is another document with the same number.
    return [k for k in pool if k.date is None or abs(int(k.date[:4]) - int(date[:4])) < 5]


def _likely(ref: Reference, ctx: Context, catalog: Catalog, date: str | None, issuer: str | None) -> Known | None:
    """A document with the same serial and type but another issuer code, that the
    written date or body points to: "25-NQ/TU ngày 03/6/2013 ... Ban Chấp hành Trung
    ương" is 25-NQ/TW. Only a single clear match counts."""
    _, type_, _, serial = parse_number(ref.number)
    if not (serial and (ref.type or type_)):
        return None
    family = catalog._family(ref.system, ref.type or type_ or "")
    written_code = _body_code(issuer, catalog)
    matches = []
    for k in catalog._same_serial(fold(serial), family, date, written_code):
        if k.number == ref.number:
            continue
        date_fits = bool(date and k.date == date)
        body_fits = bool(written_code and written_code == k.issuer_code)
        if (date_fits and (body_fits or written_code is None)) or (body_fits and date is None):
            matches.append(k)
    return matches[0] if len(matches) == 1 else None


def _body_code(issuer: str | None, catalog: Catalog) -> str | None:
    """The issuer code a written body names: "Ban Chấp hành Trung ương Đảng" -> TW."""
    if not issuer:
        return None
    memo = catalog._body_memo
    if issuer in memo:
        return memo[issuer]
    key = fold(issuer)
    best = None
    for body, code in catalog.vocab.bodies.items():
        pos = key.find(body)
        if pos >= 0 and (best is None or (pos, -len(body)) < best[0]):
            best = ((pos, -len(body)), code)
    memo[issuer] = found = best[1] if best else None
    return found


def _discrepancies(
    ref: Reference, known: Known | None, catalog: Catalog, *, number_differs: bool = False
) -> tuple[Discrepancy, ...]:
    """What the citation writes against what is known of `known` (and against itself)."""
    date, term, word, issuer = _written(ref)
    label = (known.id or known.number or "?") if known else ref.number
    if known is not None and number_differs:
        why = f"written {ref.number}, but its date and issuing body are those of {label}"
        return (Discrepancy("number", ref.number, known.number or "", known, why),)
    out = list(_self_contradiction(ref, issuer, catalog, known))
    if known is None or known.origin == "cited":
        return tuple(out)  # what is known of it comes from citations: nothing to hold against
    if date and known.date and date != known.date:
        why = f"written {date}; {label} is dated {known.date}"
        out.append(Discrepancy("date", date, known.date, known, why))
    if term and known.term and fold(term) != fold(known.term):
        why = f"written khóa {term}; {label} is khóa {known.term}"
        out.append(Discrepancy("term", term, known.term, known, why))
    if issuer and known.issuer and known.issuer_code == "TW":
        a, b = _tw_body(issuer), _tw_body(known.issuer)
        if a and b and a[1] != b[1]:
            why = f"written {a[1]}; {label} is recorded as issued by {known.issuer}"
            out.append(Discrepancy("issuer", issuer, known.issuer, known, why))
    if word and known.type and known.system:
        families = catalog._families_of(word)
        if families and catalog._family(known.system, known.type) not in families:
            name = known.type_name or known.type
            why = f"written {word}; {label} is a {name}"
            out.append(Discrepancy("type", word, name, known, why))
    return tuple(out)


def _self_contradiction(
    ref: Reference, issuer: str | None, catalog: Catalog, known: Known | None
) -> tuple[Discrepancy, ...]:
    """A citation whose body is a national one but whose code is another: "Nghị quyết
    số 25-NQ/TU ... Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng" (TU vs TW)."""
    body = _body_code(issuer, catalog)
    if not (issuer and body and catalog.is_national(body)):
        return ()
    # a joint document ("09/2008/NQLT-CP-UBTWMTTQVN ... của Chính phủ và Ủy ban Trung ương
    # Mặt trận Tổ quốc Việt Nam") may be named by any of its issuers
    codes = [ref.issuer_code, *ref.issuer_code.split("-")] if ref.issuer_code else []
    for code in codes:
        info = catalog.vocab.issuer(code)
        if info is not None and info.code == body:
            return ()
    why = f"written {ref.number}, but the citation names {issuer} ({body}), not {ref.issuer_code}"
    return (Discrepancy("issuer", ref.issuer_code or "", body, known, why),)
