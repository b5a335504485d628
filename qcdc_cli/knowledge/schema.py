"""The registry's schema: code tables, relation cues, terms, known documents, provinces.

The records are plain frozen dataclasses; pydantic validates YAML into them (through a
TypeAdapter, built only when files are read), so declaring them imports no pydantic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:
    from pydantic import TypeAdapter


SCHEMA_VERSION: Literal[1] = 1


def _iso(value: str) -> str:
    """Dates are ISO `YYYY-MM-DD` strings, and real dates (no 2023-02-30)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a calendar date: {value!r}") from None
    return value


class _IsoDateCheck:
    """`Annotated` marker that makes pydantic run `_iso` on a string field.

    Written as a hook rather than `AfterValidator(_iso)` so that declaring the records
    does not import pydantic; pydantic calls the hook only when it builds a validator.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(_iso, handler(source))


IsoDate = Annotated[str, _IsoDateCheck]
Confidence = Literal["confirmed", "partial", "unconfirmed"]

# Unknown keys are errors (a misspelt `titel` must not vanish); read by pydantic.
_STRICT_KEYS = {"extra": "forbid"}


class _Record:
    """The pydantic-style calls code outside this module makes on registry records.

    The records were pydantic models; these three keep their callers (ingest's derive
    key, `qcdc registry list`, tests) working on plain dataclasses.
    """

    __slots__ = ()

    def model_dump(self, *, exclude_defaults: bool = False) -> dict[str, Any]:
        """The record as plain dicts and lists (JSON- and YAML-ready)."""
        return _plain(self, exclude_defaults)  # type: ignore[no-any-return,unused-ignore]

    def model_dump_json(self) -> str:
        import json  # here: `qcdc check` and `extract` load records without it

        return json.dumps(self.model_dump(), ensure_ascii=False, separators=(",", ":"))

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Any:
        """A copy with some fields replaced (no validation, like pydantic's)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]


def _plain(value: Any, exclude_defaults: bool) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if exclude_defaults and _is_default(f, item):
                continue
            out[f.name] = _plain(item, exclude_defaults)
        return out
    if isinstance(value, list | tuple):
        return [_plain(v, exclude_defaults) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, exclude_defaults) for k, v in value.items()}
    return value


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return bool(value == f.default)
    if f.default_factory is not dataclasses.MISSING:
        return bool(value == f.default_factory())
    return False


@dataclass(frozen=True, slots=True)
class DocType(_Record):
    __pydantic_config__ = _STRICT_KEYS

    code: str
    name: str
    words: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    family: str | None = None


@dataclass(frozen=True, slots=True)
class TypeTables(_Record):
    __pydantic_config__ = _STRICT_KEYS

    party: list[DocType] = field(default_factory=list)
    state: list[DocType] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Issuer(_Record):
    __pydantic_config__ = _STRICT_KEYS

    code: str
    system: Literal["party", "state"]
    scope: Literal["national", "local"]
    level: Literal["central", "province", "district", "commune", "any"]
    name: str
    aliases: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    numbered_by_term: bool = False
    until: IsoDate | None = None


@dataclass(frozen=True, slots=True)
class RelationCues(_Record):
    __pydantic_config__ = _STRICT_KEYS

    cues: list[str]


@dataclass(frozen=True, slots=True)
class Province(_Record):
    """A provincial unit in force from `valid_from` to `valid_until` (None: open end)."""

    __pydantic_config__ = _STRICT_KEYS

    name: str
    admin_name: str | None = None
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # seats and cities written in date lines
    seat: str | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    successor: str | None = None
    formed_from: list[str] = field(default_factory=list)
    confidence: Confidence = "unconfirmed"
    note: str | None = None
    sources: list[str] = field(default_factory=list)


RelationType = Literal["implements", "continues", "guides", "amends", "replaces", "repeals", "based_on", "related"]


@dataclass(frozen=True, slots=True)
class DocRelation(_Record):
    """A relation from the document that lists it to `target` (another document's id)."""

    __pydantic_config__ = _STRICT_KEYS

    type: RelationType
    target: str
    date: IsoDate | None = None  # when it took effect ("replaces ... from 2023-07-01")
    confidence: Confidence | None = None  # None: as sure as the document itself
    note: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RegistryDocument(_Record):
    """A known document. Relations are listed on the newer document, pointing back."""

    __pydantic_config__ = _STRICT_KEYS

    id: str  # Party "TW:CT:30@VIII" (numbers restart each term); State: the number itself
    number: str  # canonical "30-CT/TW", "34/2007/PL-UBTVQH11"
    system: Literal["party", "state"]
    type: str  # a code of the system's type table; "L" for laws
    issuer_code: str  # a code of the issuer table: "TW", "CP", "QH" (no term digits)
    issuer: str  # the body: "Bộ Chính trị"
    date: IsoDate | None = None  # date of signature
    title: str | None = None
    term: str | None = None  # khóa of the issuing committee / legislature: "XI"
    province: str | None = None  # for local documents
    status: Literal["in_force", "replaced", "repealed", "expired", "unknown"] = "unknown"
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None  # last day in force
    aliases: list[str] = field(default_factory=list)  # other ways texts write the number
    relations: list[DocRelation] = field(default_factory=list)
    confidence: Confidence = "unconfirmed"
    sources: list[str] = field(default_factory=list)
    note: str | None = None

    def __post_init__(self) -> None:
        # relations may be given as mappings, the way YAML (and the cache) writes them
        if any(isinstance(r, dict) for r in self.relations):
            relations = [DocRelation(**r) if isinstance(r, dict) else r for r in self.relations]
            object.__setattr__(self, "relations", relations)


@dataclass(frozen=True, slots=True)
class Term(_Record):
    """A term (khóa) of a numbering body: Party numbers restart at each one.

    A term runs from `start` to the day before the next term of the same body starts
    (`knowledge.terms.term_of` is the one place that reads the table that way).
    """

    __pydantic_config__ = _STRICT_KEYS

    body: str  # issuer code: "TW", "QH"
    term: str  # Roman numeral, as texts write it: "XII"
    ordinal: int  # 12: the digits State numbers carry ("QH15", "UBTVQH11")
    start: IsoDate  # the day numbering starts
    end: IsoDate | None = None  # last day, when known and not implied by the next term
    confidence: Confidence = "unconfirmed"
    note: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)  # no slots: the indexes below are cached in the instance dict
class Registry(_Record):
    __pydantic_config__ = _STRICT_KEYS

    schema_version: Literal[1] = SCHEMA_VERSION
    types: TypeTables = field(default_factory=TypeTables)
    issuers: list[Issuer] = field(default_factory=list)
    relations: dict[str, RelationCues] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    documents: list[RegistryDocument] = field(default_factory=list)
    provinces: list[Province] = field(default_factory=list)

    def document(self, doc_id: str) -> RegistryDocument | None:
        """The document with that id, or None."""
        return self._docs.get(doc_id)

    def issuer_info(self, code: str) -> Issuer | None:
        return self._issuers.get(code)

    def numbering_body(self, issuer_code: str) -> str:
        """Whose terms number this issuer's documents (see `vocab.numbering_body`)."""
        from qcdc_cli.knowledge.vocabulary import numbering_body

        return numbering_body(issuer_code, self.issuer_info(issuer_code))

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> Registry:
        """Rebuild a registry from `model_dump()` output without validating it again.

        Only for data this module validated and cached itself; a missing or unknown key
        raises TypeError/KeyError, which the cache reader treats as a stale cache.
        """
        types = data["types"]
        return cls(
            schema_version=data["schema_version"],
            types=TypeTables(
                party=[DocType(**t) for t in types["party"]],
                state=[DocType(**t) for t in types["state"]],
            ),
            issuers=[Issuer(**i) for i in data["issuers"]],
            relations={name: RelationCues(**spec) for name, spec in data["relations"].items()},
            terms=[Term(**t) for t in data["terms"]],
            documents=[RegistryDocument(**d) for d in data["documents"]],
            provinces=[Province(**p) for p in data["provinces"]],
        )

    # The records are frozen, so the indexes never go stale; first entry wins on duplicates.
    @cached_property
    def _docs(self) -> dict[str, RegistryDocument]:
        docs: dict[str, RegistryDocument] = {}
        for d in self.documents:
            docs.setdefault(d.id, d)
        return docs

    @cached_property
    def _issuers(self) -> dict[str, Issuer]:
        issuers: dict[str, Issuer] = {}
        for i in self.issuers:
            issuers.setdefault(i.code, i)
        return issuers


@cache
def _validator() -> TypeAdapter[Registry]:
    """pydantic's validator of one registry file (built once, on the cold path only)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Registry)


def validate(data: dict[str, Any]) -> Registry:
    """A Registry from parsed YAML; raises pydantic's ValidationError."""
    return _validator().validate_python(data)


def day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def day_after(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()
