"""What can be wrong with a registry: schema errors and cross-checks of the merged files.

Duplicate ids, relation targets that name no document, numbers whose shape does not fit
their system, dates outside their term: every problem names the file, the key path
inside it (`documents.12.relations.0.target`) and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

    from qcdc_cli.knowledge.vocabulary import Vocabulary

from qcdc_cli.knowledge.schema import Province, Registry, RegistryDocument, day_after, day_before

# ---------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a registry file: where (file + key path) and what."""

    path: str
    where: str  # "documents.12.relations.0.target"; "" for the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}" if self.where else f"{self.path}: {self.message}"


def schema_problems(error: ValidationError, path: Path) -> list[Problem]:
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
class Origins:
    """Where each merged list entry came from: key -> [(file, index in that file)]."""

    by_key: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def add(self, key: str, path: str, count: int) -> None:
        self.by_key.setdefault(key, []).extend((path, i) for i in range(count))

    def of(self, key: str, index: int) -> tuple[str, str]:
        """(file, key path) of the merged entry `key[index]`."""
        path, local = self.by_key[key][index]
        return path, f"{key}.{local}"


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


def _province_like(name: str, names: list[str]) -> str | None:
    """The gazetteer name `name` spells without its diacritics ("Lai Chau" -> "Lai Châu")."""
    import unicodedata

    def bare(text: str) -> str:
        text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
        return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()

    matches = {n for n in names if bare(n) == bare(name)}
    return matches.pop() if len(matches) == 1 else None


def _province_key(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", name).casefold()


def cross_problems(registry: Registry, origins: Origins) -> Iterator[Problem]:
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
    for i, term in enumerate(registry.terms):
        if (term.body, term.term) in term_keys:
            yield again("terms", i, "term", term_keys[(term.body, term.term)], f"{term.body} {term.term}")
        else:
            term_keys[(term.body, term.term)] = i
        if registry.issuer_info(term.body) is None:
            yield report("terms", i, "body", f"{term.body!r} is not in the issuer table")
        if term.confidence == "confirmed" and not term.sources:
            yield report("terms", i, "sources", "a confirmed term needs its sources")
        if term.end is not None and term.end < term.start:
            yield report("terms", i, "end", f"{term.end} is before the start {term.start}")

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
            elif unit_on(p.successor, day_after(p.valid_until)) is None:
                yield report(
                    "provinces",
                    i,
                    "successor",
                    f"no unit {p.successor!r} starts on {day_after(p.valid_until)}",
                )
        for k, name in enumerate(p.formed_from):
            if p.valid_from is None:
                yield report("provinces", i, "formed_from", "formed_from needs valid_from")
                break
            if unit_on(name, day_before(p.valid_from)) is None:
                yield report(
                    "provinces",
                    i,
                    f"formed_from.{k}",
                    f"no unit {name!r} ends on {day_before(p.valid_from)}",
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
