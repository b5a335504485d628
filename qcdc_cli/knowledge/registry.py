"""The registry: code tables, relation cues, known documents and the province gazetteer.

The one module that knows where `directives.yaml` and `provinces.yaml` live and what
they must contain. Files are read with `yaml.safe_load` (never `yaml.load`: a registry
may come from anyone) and validated by pydantic; then the files are merged (lists are
appended, so a user file adds documents, issuers and provinces to the bundled ones) and
checked as a whole: duplicate ids, relation targets that name no document, numbers whose
shape does not fit their system, dates outside their term. Every problem names the file,
the key path inside it (`documents.12.relations.0.target`) and what is wrong.

The records are plain frozen dataclasses; pydantic validates YAML into them (through a
TypeAdapter, built only when files are read). A registry that passed every check is
kept in a cache keyed by the files' bytes (see `load_registry`), so `qcdc check` and
`qcdc extract` import neither pydantic nor yaml when nothing changed: together they cost
more than the whole check of a draft.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from qcdc_cli.codehash import PACKAGE_DIR, code_digest
from qcdc_cli.errors import RegistryError

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError

    from qcdc_cli.knowledge.vocabulary import Vocabulary

REGISTRY_ENV = "QCDC_REGISTRY"  # extra registry files, separated by os.pathsep
SCHEMA_VERSION = 1


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
        return _plain(self, exclude_defaults)  # type: ignore[no-any-return]

    def model_dump_json(self) -> str:
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


def _day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def _day_after(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


# ---------------------------------------------------------------- files and paths


def _data_dir() -> Path:
    """Where the bundled YAML files are: inside the installed package, else the repo.

    A plain path next to this file, not `importlib.resources` (which costs more to
    import than reading the cache): the package is always installed as files.
    """
    packaged = PACKAGE_DIR / "data"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "data"


def default_paths() -> list[Path]:
    """The bundled registry files, in load order."""
    data = _data_dir()
    return [data / "directives.yaml", data / "provinces.yaml"]


def extra_paths_from_env() -> list[Path]:
    value = os.environ.get(REGISTRY_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _parse(path: Path, raw: bytes) -> dict[str, Any] | Problem:
    import yaml

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Problem(str(path), "", "registry file is not UTF-8")
    try:
        # The safe loader only (tags like !!python/object are refused), in its C build when
        # libyaml is there: 6x faster on the bundled files (0.6 s -> 0.1 s measured).
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        return Problem(str(path), where, f"not valid YAML: {problem}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        return Problem(str(path), "", "a registry file must be a mapping at the top level")
    return data


# ---------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a registry file: where (file + key path) and what."""

    path: str
    where: str  # "documents.12.relations.0.target"; "" for the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}" if self.where else f"{self.path}: {self.message}"


def _schema_problems(error: ValidationError, path: Path) -> list[Problem]:
    out = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "unexpected_keyword_argument":  # what a dataclass says for an unknown key
            message = "Extra inputs are not permitted"
        value = item.get("input")
        scalar = isinstance(value, str | int | float | bool)
        if scalar and item["type"] not in ("missing", "value_error"):
            shown = repr(value)
            message += f" (got {shown[:60] + '...' if len(shown) > 60 else shown})"
        out.append(Problem(str(path), where, message))
    return out


# ---------------------------------------------------------------- merging


@dataclass
class _Origins:
    """Where each merged list entry came from: key -> [(file, index in that file)]."""

    by_key: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def add(self, key: str, path: str, count: int) -> None:
        self.by_key.setdefault(key, []).extend((path, i) for i in range(count))

    def of(self, key: str, index: int) -> tuple[str, str]:
        """(file, key path) of the merged entry `key[index]`."""
        path, local = self.by_key[key][index]
        return path, f"{key}.{local}"


_LIST_KEYS = ("documents", "issuers", "provinces", "terms")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists are appended (a user file adds codes, cues and documents); mappings merge."""
    out = dict(base)
    for key, value in extra.items():
        if key in out and isinstance(out[key], list) and isinstance(value, list):
            out[key] = [*out[key], *value]
        elif key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _record_origins(
    origins: _Origins, data: dict[str, Any], path: str, kept: dict[str, list[int]] | None = None
) -> None:
    for key in _LIST_KEYS:
        if isinstance(data.get(key), list):
            if kept is not None and key in kept:  # entries dropped for schema errors keep their file index
                origins.by_key.setdefault(key, []).extend((path, i) for i in kept[key])
            else:
                origins.add(key, path, len(data[key]))
    types = data.get("types")
    if isinstance(types, dict):
        for system in ("party", "state"):
            if isinstance(types.get(system), list):
                origins.add(f"types.{system}", path, len(types[system]))


def _valid_entries(data: Any, error: Any) -> tuple[dict[str, Any] | None, dict[str, list[int]]]:
    """The file without the list entries its schema errors point at, when what is left is
    valid; (None, {}) when an error is elsewhere (a whole table malformed)."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        return None, {}
    bad: dict[str, set[int]] = {}
    for item in error.errors():
        loc = item["loc"]
        if len(loc) < 2 or loc[0] not in _LIST_KEYS or not isinstance(loc[1], int):
            return None, {}
        bad.setdefault(str(loc[0]), set()).add(loc[1])
    reduced = dict(data)
    kept: dict[str, list[int]] = {}
    for key, indices in bad.items():
        entries = data.get(key)
        if not isinstance(entries, list):
            return None, {}
        kept[key] = [i for i in range(len(entries)) if i not in indices]
        reduced[key] = [entries[i] for i in kept[key]]
    try:
        validate(reduced)
    except ValidationError:
        return None, {}
    return reduced, kept


# ---------------------------------------------------------------- cross-checks


def _term_digits(issuer: str, registry: Registry) -> tuple[str, int | None]:
    """Split "UBTVQH11" into ("UBTVQH", 11) when the base issuer is numbered by term."""
    m = re.fullmatch(r"(?P<base>\D+?)(?P<digits>\d+)", issuer)
    if m:
        info = registry.issuer_info(m["base"])
        if info is not None and info.numbered_by_term:
            return m["base"], int(m["digits"])
    return issuer, None


def number_problems(doc: RegistryDocument, registry: Registry, vocab: Vocabulary) -> list[tuple[str, str]]:
    """What is wrong with a document's number, type, issuer, id and term: (field, message).

    The number is read by the extractor's own parser (qcdc_cli.knowledge.numbers, the one grammar
    of numbers), so a registry entry is found under the form extraction produces; it must
    be canonical and agree with the document's `type`, `issuer_code`, `term` and `date`;
    the id must be the one the rules derive from them, so that two entries for one
    document cannot hide behind different ids.
    """
    from qcdc_cli.knowledge.numbers import parse_number

    out: list[tuple[str, str]] = []
    party_types = {t.code for t in registry.types.party}
    state_types = {t.code for t in registry.types.state}
    known_types = party_types if doc.system == "party" else state_types
    if doc.type not in known_types:
        out.append(("type", f"{doc.type!r} is not a {doc.system} type code"))
    parts = doc.issuer_code.split("-")
    infos = [registry.issuer_info(p) for p in parts]
    for part, info in zip(parts, infos, strict=True):
        if info is None:
            out.append(("issuer_code", f"{part!r} is not in the issuer table"))
        elif info.system != doc.system:
            out.append(("issuer_code", f"{part!r} is a {info.system} issuer, not {doc.system}"))
    local = any(info is not None and info.scope == "local" for info in infos)
    body = registry.numbering_body(parts[0])

    found = parse_number(doc.number, vocab)
    if found is None:
        out.append(("number", f"{doc.number!r} is not a document number qcdc can read"))
        return out
    parsed = found.doc
    if found.malformed or parsed.number != doc.number:
        out.append(("number", f"{doc.number!r} is not canonical; write {found.suggestion or parsed.number!r}"))
    for code in found.unknown_codes:
        out.append(("number", f"{code!r} in the number is in neither the type nor the issuer table"))
    if parsed.system != doc.system:
        out.append(("system", f"{doc.number!r} is a {parsed.system} number"))
        return out
    issuer, ordinal = _term_digits(parsed.issuer_code, registry)  # "UBTVQH11", "QH15"
    written_type = parsed.type or ("L" if issuer == "QH" else None)  # laws carry no type code
    if written_type != doc.type:
        out.append(("number", f"the number says type {written_type!r}, `type` {doc.type!r}"))
    if issuer != doc.issuer_code:
        out.append(("number", f"the number says {parsed.issuer_code!r}, `issuer_code` {doc.issuer_code!r}"))
    if parsed.year is not None and doc.date is not None and int(doc.date[:4]) != parsed.year:
        out.append(("date", f"{doc.date} is not in {parsed.year}, the year the number carries"))
    if doc.system == "party":
        # a provincial committee's term is rarely known to the citing text: its year stands in
        label = doc.term or (doc.date[:4] if local and doc.date else None)
        key = f"{doc.issuer_code}:{doc.type}:{parsed.serial}@{label}"
        expected_id = f"{key}#{doc.province}" if local else key
        if label is None:
            needed = "its term or date" if local else "its term"
            out.append(("term", f"a Party document needs {needed}: numbers restart with each term"))
    else:
        expected_id = f"{doc.number}#{doc.province}" if local else doc.number
    if doc.id != expected_id and "@None" not in expected_id:
        out.append(("id", f"{doc.id!r} should be {expected_id!r}"))
    if local and doc.province is None:
        out.append(("province", "a local issuer's document needs its province"))
    if doc.term is not None and ((doc.system == "party" and not local) or ordinal is not None):
        from qcdc_cli.knowledge.terms import term_of

        term = next((t for t in registry.terms if t.body == body and t.term == doc.term), None)
        if term is None:
            out.append(("term", f"{doc.term!r} is not a known term of {body}"))
        else:
            if ordinal is not None and term.ordinal != ordinal:
                out.append(("term", f"{doc.term} is term {term.ordinal}, the number says {ordinal}"))
            actual = term_of(doc.date, body, registry.terms)
            if doc.date is not None and actual != doc.term:
                falls = f"term {actual}" if actual else "no known term"
                out.append(("date", f"{doc.date} is outside term {doc.term} of {body} (it falls in {falls})"))
    elif ordinal is not None and doc.term is None:
        out.append(("term", f"the number carries term {ordinal}; set `term`"))
    return out


def _province_key(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", name).casefold()


def _province_like(name: str, names: Sequence[str]) -> str | None:
    """The gazetteer name `name` spells without its diacritics ("Lai Chau" -> "Lai Châu")."""
    import unicodedata

    def bare(text: str) -> str:
        text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
        return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()

    matches = {n for n in names if bare(n) == bare(name)}
    return matches.pop() if len(matches) == 1 else None


def _cross_problems(registry: Registry, origins: _Origins) -> Iterator[Problem]:
    def at(key: str, index: int, sub: str = "") -> tuple[str, str]:
        path, where = origins.of(key, index)
        return path, f"{where}.{sub}" if sub else where

    def report(key: str, index: int, sub: str, message: str) -> Problem:
        return Problem(*at(key, index, sub), message)

    def again(key: str, index: int, sub: str, first: int, what: str) -> Problem:
        path, where = at(key, first)
        return report(key, index, sub, f"{what} is already defined in {path} ({where})")

    # ---- issuers and types: one entry per code
    seen: dict[str, int] = {}
    for i, issuer in enumerate(registry.issuers):
        if issuer.code in seen:
            yield again("issuers", i, "code", seen[issuer.code], repr(issuer.code))
        else:
            seen[issuer.code] = i
    for system, table in (("party", registry.types.party), ("state", registry.types.state)):
        codes: dict[str, int] = {}
        for i, t in enumerate(table):
            if t.code in codes:
                yield again(f"types.{system}", i, "code", codes[t.code], repr(t.code))
            else:
                codes[t.code] = i

    # ---- terms: one per (body, term), known body
    term_keys: dict[tuple[str, str], int] = {}
    for i, t in enumerate(registry.terms):
        if (t.body, t.term) in term_keys:
            yield again("terms", i, "term", term_keys[(t.body, t.term)], f"{t.body} {t.term}")
        else:
            term_keys[(t.body, t.term)] = i
        if registry.issuer_info(t.body) is None:
            yield report("terms", i, "body", f"{t.body!r} is not in the issuer table")
        if t.confidence == "confirmed" and not t.sources:
            yield report("terms", i, "sources", "a confirmed term needs its sources")
        if t.end is not None and t.end < t.start:
            yield report("terms", i, "end", f"{t.end} is before the start {t.start}")

    # ---- provinces: no two units of one name in force on the same day; links resolve
    by_name: dict[str, list[int]] = {}
    for i, p in enumerate(registry.provinces):
        by_name.setdefault(_province_key(p.name), []).append(i)
        if p.confidence == "confirmed" and not p.sources:
            yield report("provinces", i, "sources", "a confirmed unit needs its sources")
        if p.valid_from and p.valid_until and p.valid_until < p.valid_from:
            yield report(
                "provinces",
                i,
                "valid_until",
                f"{p.valid_until} is before valid_from {p.valid_from}",
            )
    for indexes in by_name.values():
        for a_pos, a in enumerate(indexes):
            for b in indexes[a_pos + 1 :]:
                pa, pb = registry.provinces[a], registry.provinces[b]
                if (pa.valid_until or "9999") >= (pb.valid_from or "0000") and (pb.valid_until or "9999") >= (
                    pa.valid_from or "0000"
                ):
                    path, where = at("provinces", a)
                    yield report("provinces", b, "name", f"{pb.name!r} overlaps the unit in {path} ({where})")

    def unit_on(name: str, day: str) -> Province | None:
        for j in by_name.get(_province_key(name), []):
            q = registry.provinces[j]
            if (q.valid_from or "0000") <= day <= (q.valid_until or "9999"):
                return q
        return None

    for i, p in enumerate(registry.provinces):
        if p.successor is not None:
            if p.valid_until is None:
                yield report("provinces", i, "successor", "a successor needs valid_until")
            elif unit_on(p.successor, _day_after(p.valid_until)) is None:
                yield report(
                    "provinces",
                    i,
                    "successor",
                    f"no unit {p.successor!r} starts on {_day_after(p.valid_until)}",
                )
        for k, name in enumerate(p.formed_from):
            if p.valid_from is None:
                yield report("provinces", i, "formed_from", "formed_from needs valid_from")
                break
            if unit_on(name, _day_before(p.valid_from)) is None:
                yield report(
                    "provinces",
                    i,
                    f"formed_from.{k}",
                    f"no unit {name!r} ends on {_day_before(p.valid_from)}",
                )

    # ---- documents: unique ids, well-formed numbers, resolvable relations
    from qcdc_cli.knowledge.vocabulary import Vocabulary

    vocab = Vocabulary.from_registry(registry)
    ids: dict[str, int] = {}
    for i, doc in enumerate(registry.documents):
        if doc.id in ids:
            yield again("documents", i, "id", ids[doc.id], repr(doc.id))
        else:
            ids[doc.id] = i
        stray = doc.province is not None and _province_key(doc.province) not in by_name
        for fld, message in number_problems(doc, registry, vocab):
            if not (stray and fld == "id"):  # never ask to copy a misspelt province into the id
                yield report("documents", i, fld, message)
        if stray:
            assert doc.province is not None
            meant = _province_like(doc.province, [p.name for p in registry.provinces])
            hint = f"; did you mean {meant!r}?" if meant else ""
            yield report("documents", i, "province", f"{doc.province!r} is not in the gazetteer{hint}")
        if doc.valid_from and doc.valid_until and doc.valid_until < doc.valid_from:
            yield report(
                "documents",
                i,
                "valid_until",
                f"{doc.valid_until} is before valid_from {doc.valid_from}",
            )
        if doc.confidence == "confirmed" and not doc.sources:
            yield report("documents", i, "sources", "a confirmed document needs its sources")
    for i, doc in enumerate(registry.documents):
        for k, rel in enumerate(doc.relations):
            target = registry.document(rel.target)
            if target is None:
                yield report("documents", i, f"relations.{k}.target", f"{rel.target!r} names no document")
                continue
            if target.id == doc.id:
                yield report("documents", i, f"relations.{k}.target", "a document cannot relate to itself")
            elif doc.date and target.date and doc.date < target.date:
                yield Problem(
                    *at("documents", i, f"relations.{k}.target"),
                    f"{rel.target!r} ({target.date}) is newer than this document ({doc.date}); "
                    "list the relation on the newer document",
                )


# ---------------------------------------------------------------- loading


def check_files(paths: Sequence[Path]) -> tuple[Registry | None, list[Problem]]:
    """Read, validate and merge registry files; every problem found, in file order.

    The merged registry is returned even when cross-checks fail (None only when a file
    cannot be read or does not match the schema), so `qcdc registry validate` can report
    everything at once.
    """
    return _check([(path, _read_bytes(path)) for path in paths])


def _read_bytes(path: Path) -> bytes | Problem:
    try:
        return path.read_bytes()
    except OSError as e:
        return Problem(str(path), "", f"cannot read registry file: {e.strerror or e}")


def _check(sources: Sequence[tuple[Path, bytes | Problem]]) -> tuple[Registry | None, list[Problem]]:
    from pydantic import ValidationError

    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    origins = _Origins()
    for path, raw in sources:
        data = raw if isinstance(raw, Problem) else _parse(path, raw)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        try:
            validate(data)  # each file on its own, so errors name it
        except ValidationError as e:
            problems.extend(_schema_problems(e, path))
            # the file's valid entries are still cross-checked, so one round reports all
            data, kept = _valid_entries(data, e)
            if data is None:
                continue
        else:
            kept = None
        _record_origins(origins, data, str(path), kept)
        merged = _merge(merged, data)
    if problems:
        try:
            partial = validate(merged)
        except ValidationError:
            return None, problems
        return None, problems + list(_cross_problems(partial, origins))
    registry = validate(merged)
    problems.extend(_cross_problems(registry, origins))
    return registry, problems


def load_registry(extra: Sequence[Path] = ()) -> Registry:
    """The bundled registry plus user files (`extra`, then $QCDC_REGISTRY), validated.

    A registry that passed every check is cached (see `_cache_key`); a cache hit skips
    yaml, pydantic and the cross-checks, which are most of `qcdc check`'s start-up.
    """
    return _load(tuple(default_paths()) + tuple(extra) + tuple(extra_paths_from_env()))


_SHOWN = 20  # problems listed in one error message


@cache
def _load(paths: tuple[Path, ...]) -> Registry:
    sources = [(path, _read_bytes(path)) for path in paths]
    contents = [raw for _, raw in sources if not isinstance(raw, Problem)]
    key = _cache_key(contents) if len(contents) == len(sources) else None
    if key is not None:
        cached = _read_cache(key)
        if cached is not None:
            return cached
    registry, problems = _check(sources)  # the bytes hashed are the bytes checked
    if problems:
        lines = [str(p) for p in problems[:_SHOWN]]
        if len(problems) > _SHOWN:
            more = len(problems) - _SHOWN
            lines.append(f"... and {more} more (qcdc registry validate lists them all)")
        raise RegistryError("invalid registry:\n  " + "\n  ".join(lines))
    assert registry is not None
    if key is not None:
        _write_cache(key, registry)
    return registry


# ---------------------------------------------------------------- the compiled cache

_CACHE_FORMAT = 1
# The code a cached registry depends on: its schema and checks, and what they call.
_CACHED_CODE = ("qcdc_cli.knowledge.registry",)


def _cache_key(contents: Sequence[bytes]) -> str:
    """sha256 of the registry files' bytes, in load order, and of the code that read them.

    The cache is trusted only because of this key: a cache file that was written for
    other files or by other code is never found (and is JSON, so never executed).
    """
    from qcdc_cli import __version__

    h = hashlib.sha256(f"qcdc {__version__} cache {_CACHE_FORMAT}\n".encode())
    h.update(code_digest(*_CACHED_CODE).encode())
    for raw in contents:
        h.update(b"file %d\n" % len(raw))
        h.update(raw)
    return h.hexdigest()


def _cache_file(key: str) -> Path | None:
    from qcdc_cli.config import cache_dir

    folder = cache_dir(os.environ)
    return folder / f"registry-{key[:32]}.json" if folder is not None else None


def _read_cache(key: str) -> Registry | None:
    """The cached registry for `key`; None when missing, unreadable, stale or corrupt."""
    path = _cache_file(key)
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            data = json.load(f)
        if data.get("key") != key:
            return None
        return Registry.from_plain(data["registry"])
    except Exception:  # any damage at all means: load the YAML and rewrite the cache
        return None


def _write_cache(key: str, registry: Registry) -> None:
    """Write atomically (temp file + rename); a cache that cannot be written is skipped."""
    path = _cache_file(key)
    if path is None:
        return
    import tempfile

    body = json.dumps({"key": key, "registry": registry.model_dump()}, ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".registry-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(path)
    except OSError:
        pass


_CACHE_KEPT_DAYS = 30


def _prune(written: Path) -> None:
    """Drop registry caches not rewritten for a month: every edit of a registry file (or
    of qcdc) makes a new key, and the old files would otherwise pile up."""
    import time

    cutoff = time.time() - _CACHE_KEPT_DAYS * 86400
    for old in written.parent.glob("registry-*.json"):
        with contextlib.suppress(OSError):
            if old != written and old.stat().st_mtime < cutoff:
                old.unlink()
