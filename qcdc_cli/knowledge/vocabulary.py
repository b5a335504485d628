"""The registry compiled for extraction: lookup tables keyed the way texts write things.

Extraction must not depend on pydantic objects in its hot loop, so the registry is
turned once into plain dicts and tuples here. `load_vocabulary` is the edge that reads
files; `Vocabulary.from_registry` is pure.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Registry


def fold(text: str) -> str:
    """Key for case- and spelling-insensitive lookups: NFC, Ð→Đ, upper case."""
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "Đ").replace("\u00f0", "đ")
    return text.upper()


@dataclass(frozen=True, slots=True)
class IssuerInfo:
    code: str
    system: str  # "party" | "state"
    scope: str  # "national" | "local"
    level: str
    name: str
    numbered_by_term: bool = False
    until: str | None = None


@dataclass(frozen=True, slots=True)
class ProvinceInfo:
    name: str
    names: tuple[str, ...]  # the name, its administrative name and aliases
    places: tuple[str, ...]  # seats and cities that date lines name ("Hạ Long")
    valid_from: str | None
    valid_until: str | None
    successor: str | None


@dataclass(frozen=True, eq=False)  # identity hash: compiled patterns are cached per vocabulary
class Vocabulary:
    """Lookup tables for extraction and resolution."""

    party_types: dict[str, str] = field(default_factory=dict)  # folded spelling -> code
    state_types: dict[str, str] = field(default_factory=dict)
    type_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (system, code) -> name
    type_families: dict[tuple[str, str], str] = field(default_factory=dict)
    type_words: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # folded word -> (system, code)s
    issuers: dict[str, IssuerInfo] = field(default_factory=dict)  # folded spelling -> info
    bodies: dict[str, str] = field(default_factory=dict)  # folded body name -> issuer code
    cues: tuple[tuple[str, str], ...] = ()  # (cue, relation), longest cue first
    provinces: tuple[ProvinceInfo, ...] = ()
    # folded title -> (number, date) of a registry document that texts name without its
    # number: "Luật Thực hiện dân chủ ở cơ sở" is 10/2022/QH15
    named_documents: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @classmethod
    def from_registry(cls, registry: Registry) -> Vocabulary:
        party_types: dict[str, str] = {}
        state_types: dict[str, str] = {}
        type_names: dict[tuple[str, str], str] = {}
        families: dict[tuple[str, str], str] = {}
        words: dict[str, list[tuple[str, str]]] = {}
        for system, table, target in (
            ("party", registry.types.party, party_types),
            ("state", registry.types.state, state_types),
        ):
            for t in table:
                for spelling in (t.code, *t.aliases):
                    # an exact spelling wins over a folded one: QĐ and QĐi fold alike only
                    # when written in capitals ("QĐI"), which means QĐi.
                    target.setdefault(fold(spelling), t.code)
                type_names[(system, t.code)] = t.name
                families[(system, t.code)] = t.family or t.code
                for word in (t.name, *t.words):
                    entry = words.setdefault(fold(word), [])
                    if (system, t.code) not in entry:
                        entry.append((system, t.code))
        issuers: dict[str, IssuerInfo] = {}
        bodies: dict[str, str] = {}
        for i in registry.issuers:
            info = IssuerInfo(i.code, i.system, i.scope, i.level, i.name, i.numbered_by_term, i.until)
            for spelling in (i.code, *i.aliases):
                issuers.setdefault(fold(spelling), info)
            for body in i.bodies:
                bodies.setdefault(fold(body), i.code)
        cues = sorted(
            ((cue, relation) for relation, spec in registry.relations.items() for cue in spec.cues),
            key=lambda item: -len(item[0]),
        )
        provinces = tuple(
            ProvinceInfo(
                name=p.name,
                names=tuple(dict.fromkeys(n for n in (p.name, p.admin_name, *p.aliases) if n)),
                places=tuple(p.places) + ((p.seat,) if p.seat else ()),
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                successor=p.successor,
            )
            for p in registry.provinces
        )
        named = {
            fold(" ".join(d.title.split())): (d.number, d.date)
            for d in registry.documents
            if d.title and d.title.split(" ")[0] in ("Luật", "Bộ", "Hiến", "Pháp")
        }
        return cls(
            named_documents=named,
            party_types=party_types,
            state_types=state_types,
            type_names=type_names,
            type_families=families,
            type_words={k: tuple(v) for k, v in words.items()},
            issuers=issuers,
            bodies=bodies,
            cues=tuple(cues),
            provinces=provinces,
        )

    def issuer(self, code: str) -> IssuerInfo | None:
        """Issuer info for a code as written: "TƯ", "ttg", "QH15" (term digits dropped)."""
        key = fold(code)
        info = self.issuers.get(key)
        if info is None:
            base = key.rstrip("0123456789")
            if base != key:
                candidate = self.issuers.get(base)
                if candidate is not None and candidate.numbered_by_term:
                    return candidate
        return info

    def numbering_body(self, code: str) -> str:
        """The body whose term table numbers documents of `code` as written ("BTGTW": TW)."""
        info = self.issuer(code)
        return numbering_body(info.code if info else code, info)


class _Scoped(Protocol):
    @property
    def system(self) -> str: ...
    @property
    def scope(self) -> str: ...


def numbering_body(issuer_code: str, info: _Scoped | None) -> str:
    """Whose terms number an issuer's documents: the body whose term table applies.

    The registry says it through the issuer table: every central Party body (system
    party, scope national: Bộ Chính trị, Ban Bí thư, BTGTW, UBKTTW, ĐUKCCQTW, ...)
    numbers per term of the Central Committee (TW); UBTVQH numbers per legislature (QH);
    any other issuer per its own terms. `info` is the issuer's entry (a registry
    `Issuer` or an `IssuerInfo`), None when the code is not in the table.
    """
    if info is not None and info.system == "party" and info.scope == "national":
        return "TW"
    if issuer_code == "UBTVQH":
        return "QH"
    return issuer_code
