"""The catalog's store of known documents: filing, merging, ids and lookups.

`KnownDocuments` files every document the registry, a corpus or a citation makes known
under its number and scope, merges two descriptions of one document and gives each its
id. The resolution rules (`rules`) and the building of a whole catalog (`resolve.Catalog`)
sit on top of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from qcdc_cli.knowledge.places import BodyPlace, body_place
from qcdc_cli.knowledge.terms import term_of
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.models import Reference

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import RegistryDocument, Term

from qcdc_cli.resolve.known import FILE_PREFIX, Context, Known, Resolution, fold, loose, parts_of
from qcdc_cli.resolve.units import CitingUnit, readable

_ROMAN = re.compile(r"^[IVXLC]+$")


# bodies of the province itself: a citation naming one means no district
_PROVINCE_BODY = re.compile(r"TỈNH ỦY|TỈNH UỶ|UBND TỈNH|ỦY BAN NHÂN DÂN TỈNH|HĐND TỈNH|HỘI ĐỒNG NHÂN DÂN TỈNH|\bTỈNH\b")


def _plain(text: str | None) -> str | None:
    """Ð (U+00D0, from legacy fonts) read as Đ in what the catalog shows."""
    return text.replace("\u00d0", "Đ").replace("\u00f0", "đ") if text else text


class KnownDocuments:
    """Every known document, indexed by canonical number and scope.

    `add` and `finish` exist so a store can fill one from rows without a registry
    object; `resolve.Catalog.build` fills one from a registry and a corpus.
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
        province, district = info.province, None
        if info.number and not self.is_national(info.issuer_code):
            # a district or commune body numbers on its own: its district scopes it
            found = self.place_of(info.issuer, province, info.date)
            level = found.level if found is not None else self.issuer_level(info.issuer_code)
            if (found is None or found.name is None) and info.place and level in ("district", "commune"):
                # "HUYỆN ỦY" or "ĐẢNG ỦY" alone: the date line names the place ("Bản Hon, ngày ...")
                kind = "huyện" if level == "district" else "xã"
                found = self.place_of(f"{kind} {info.place}", province, info.date) or found
            unit_ = found.unit if found is not None else None
            if unit_ is not None:
                district = unit_.district
                province = province or unit_.province
        return self._complete(
            Known(
                number=info.number,
                system=info.system,
                type=info.type,
                issuer_code=info.issuer_code,
                issuer=_plain(info.issuer),
                province=province,
                district=district,
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
            system, type_, code, _ = parts_of(known.number)
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
            _, type_, _, serial = parts_of(known.number)
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
        if not self.is_national(a.issuer_code) and (a.province != b.province or a.district != b.district):
            return False  # a city committee's 92-KH/TU is not the Tỉnh ủy's
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

    def drop_corpus(self) -> None:
        """Forget the corpus documents read and the answers remembered, keeping the
        entries: a whole-index derivation has no more use for them once every reference
        is resolved, and at 100,000 files they are half of what it holds."""
        self.units = []
        self._unit_docs = {}
        self._resolved = {}

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
            members.sort(key=entry_order)
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

    def place_of(self, text: str | None, province: str | None, date: str | None) -> BodyPlace | None:
        """The district or commune a body named in `text` sits in (see `places.body_place`)."""
        return body_place(text, province=province, date=date, vocab=self.vocab)

    def citation_scope(
        self, issuer: str | None, code: str | None, ctx: Context, issuers: Sequence[str] = ()
    ) -> tuple[str | None, bool, str | None]:
        """(province, decided, district) a local citation is scoped by: the body it names
        ("của Huyện ủy Tam Đường", "Tỉnh ủy Lai Châu"), else the citing document's place.
        `decided`: the text says which district (None: the province's own bodies)."""
        province = self.province_in(issuer)
        found = self.place_of(issuer, province or ctx.province, ctx.date)
        for other in issuers:  # a later mention may name the body in full
            if found is not None and found.name is not None:
                break
            more = self.place_of(other, self.province_in(other) or province or ctx.province, ctx.date)
            if more is not None and more.name is not None:
                issuer, province, found = other, self.province_in(other) or province, more
        if found is not None:
            if found.name is None:  # "Huyện ủy" alone: the citing document's own
                return province or ctx.province, ctx.district is not None, ctx.district
            districts = {(u.province, u.district) for u in found.candidates}
            if len(districts) == 1:
                (where, district), *_ = districts
                return province or where, True, district
            return province or ctx.province, False, None
        if issuer and _PROVINCE_BODY.search(fold(issuer)):
            return province or ctx.province, True, None
        level = self.issuer_level(code)
        if level in ("district", "commune"):
            return province or ctx.province, False, ctx.district
        return province or ctx.province, False, None

    def issuer_level(self, code: str | None) -> str | None:
        info = self.vocab.issuer(code) if code else None
        return info.level if info is not None else None

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

    def readable(self, ref: Reference) -> Reference | None:
        """The reference to resolve: a malformed number read as the form the extractor
        repaired it to, else as the one known document with its serial, type and body
        ("34-PL/UBTVQH11" → 34/2007/PL-UBTVQH11); None when there is no such reading."""
        found = readable(ref)
        if found is not None or not ref.malformed:
            return found
        _, type_, code, serial = parts_of(ref.number)
        if not (type_ and serial and code):
            return None
        body = self.vocab.issuer(code.split("-", 1)[0])
        if body is None:
            return None
        numbers = set()
        for system in ("party", "state"):
            for k in self._by_serial_type.get((fold(serial), self._family(system, type_)), ()):
                if k.number and k.issuer_code and self.vocab.issuer(k.issuer_code.split("-", 1)[0]) == body:
                    numbers.add(k.number)
        if len(numbers) != 1:
            return None
        return readable(replace(ref, suggestion=numbers.pop()))

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
        import difflib  # only for suggestions: ~1 ms of every check otherwise

        close = difflib.get_close_matches(loose(text), list(keys), n=limit, cutoff=0.6)
        return [keys[c] for c in close]

    def find(
        self, text: str, *, province: str | None = None, year: int | None = None, as_of: str | None = None
    ) -> Resolution:
        """Resolve what a user typed: an id (a registry id too), a qualified id or a bare
        number. With `as_of` (ISO date), only documents issued by then, and of several
        central Party documents with the number, the one of the term in force then."""
        text = text.strip()
        exact = self.get(text) or self._by_registry.get(text)
        if exact is not None and province is None and year is None:
            return Resolution("resolved", text, document=exact)
        number, place, term, when = _split_id(text)
        found = self._by_number.get(fold(number)) or self._by_loose.get(loose(number), [])
        if number.startswith(FILE_PREFIX):
            found = [k for k in self.entries if k.id.startswith(FILE_PREFIX) and loose(number) in loose(k.id)]
        pool = list(found)
        asked = []
        for where in (place, province):
            if where:
                pool = self._in_named_place(pool, where)
                asked.append(where)
        if term:
            pool = [k for k in pool if k.term and fold(k.term) == fold(term)]
        if when:
            pool = [k for k in pool if k.date and (k.date.startswith(when) or str(k.year) == when)] or (
                [pool[int(when) - 1]] if when.isdigit() and len(when) < 3 and 0 < int(when) <= len(pool) else []
            )
        if year is not None:
            pool = [k for k in pool if k.year == year or (k.year is None and k.term is None)]
            asked.append(str(year))
        if as_of is not None:
            pool = self._as_of(pool, as_of)
            asked.append(f"as of {as_of}")
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
        if found and asked:
            ids = ", ".join(k.id for k in sorted(found, key=lambda k: k.id)[:8])
            more = f" (+{len(found) - 8} more)" if len(found) > 8 else ""
            why = f"{len(found)} document(s) have this number, none {' / '.join(asked)}: {ids}{more}"
            return Resolution("unknown", text, candidates=tuple(sorted(found, key=lambda k: k.id)), reason=why)
        close = [k for n in self.suggest(number) for k in self.candidates(n)]
        return Resolution("unknown", text, candidates=tuple(sorted(close, key=lambda k: k.id)))

    def _in_named_place(self, pool: list[Known], where: str) -> list[Known]:
        """Documents of a province or district a user names ("Lai Châu", "Sìn Hồ",
        "Lai Châu/Sìn Hồ", without diacritics too)."""
        province_part, _, district_part = where.partition("/")
        wanted = self._province_named(province_part)
        out = []
        for k in pool:
            if district_part:
                if wanted and self.in_place(k, wanted) and k.district and loose(k.district) == loose(district_part):
                    out.append(k)
            elif (wanted and self.in_place(k, wanted)) or (k.district and loose(k.district) == loose(where)):
                out.append(k)
        return out

    def _as_of(self, pool: list[Known], day: str) -> list[Known]:
        """The documents of `pool` issued by `day`; of several central Party ones, those
        of the term in force that day (35-CT/TW of 2019 and of 2024 are two directives)."""
        pool = [k for k in pool if k.date is None or k.date <= day]
        if len(pool) > 1:
            term = term_of(day, "TW", self.terms)
            current = [k for k in pool if k.term is not None and k.term == term]
            if current:
                return current
            dated = sorted((k for k in pool if k.date), key=lambda k: k.date or "")
            if dated and all(k.term for k in dated) and self.is_national(dated[-1].issuer_code):
                return [dated[-1]]  # the latest term's before that day
        return pool

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


def entry_order(k: Known) -> tuple:
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
