"""What index.reresolve's modules share: the classes of numbers (what one document can
change, see index.reresolve), the units it replays, and `Unsafe`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from qcdc_cli.index.corpus import Quotes
    from qcdc_cli.index.rows import ResolutionRow
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.models import Extraction, Reference
    from qcdc_cli.resolve.resolve import Catalog, CitingUnit, Context

MAX_CLASSES = 200  # past this, resolving everything again is as cheap
_SERIAL = re.compile(r"^(?=(?:[0-9]*[A-Z]){0,3}[0-9]*$)[0-9A-Z]+$")  # at most 3 letters


class Unsafe(Exception):
    """The affected set or the patch is not safely computable here: derive in full."""


# ---------------------------------------------------------------------------------------
# classes


_CLASSES: dict[tuple[str, str | None, str | None], str] = {}  # asked for every citation replayed
_FAMILIES: dict[tuple[str, str], str] = {}  # (system, type) -> the family likely readings compare
# a citation's classes by what they depend on: a hub number is cited thousands of times
# in a few spellings, and each replay asks for every citation of the documents it loads
_REF_CLASSES: dict[tuple[Any, ...], frozenset[str]] = {}


def set_families(vocab: Vocabulary) -> None:
    """Number classes split serials by type family (`KnownDocuments._family`)."""
    if vocab.type_families != _FAMILIES:
        _FAMILIES.clear()
        _FAMILIES.update(vocab.type_families)
        _CLASSES.clear()
        _REF_CLASSES.clear()


def number_class(number: str, system: str | None = None, type_: str | None = None) -> str:
    """The loose serial and type family of a number ("62|KH" for 62-KH/TU), as the
    catalog files it for likely readings (`_by_serial_type`); `system` and `type_` as a
    reference or a node gives them, else as the number reads."""
    key = (number, system, type_)
    found = _CLASSES.get(key)
    if found is None:
        from qcdc_cli.resolve.resolve import loose, parts_of

        read_system, read_type, _, serial = parts_of(number)
        kind = type_ or read_type
        family = _FAMILIES.get((system or read_system or "party", kind), kind) if kind else ""
        found = _CLASSES[key] = loose(serial) + "|" + loose(family) if serial else "#" + loose(number)
        if len(_CLASSES) > 1_000_000:
            _CLASSES.clear()
    return found


def ref_classes(ref: Reference) -> frozenset[str]:
    """Every class a citation's resolution can look in: its number as written and as
    repaired, read as the number reads and as the citation types it."""
    key = (ref.number, ref.suggestion, ref.system, ref.type, bool(ref.malformed))
    found = _REF_CLASSES.get(key)
    if found is None:
        found = _REF_CLASSES[key] = frozenset(_ref_classes(ref))
        if len(_REF_CLASSES) > 1_000_000:
            _REF_CLASSES.clear()
    return found


def _ref_classes(ref: Reference) -> set[str]:
    out = set()
    for number in (ref.number, ref.suggestion):
        if number:
            out.add(number_class(number))
            out.add(number_class(number, ref.system, ref.type))
    if ref.malformed and not ref.suggestion:  # KnownDocuments.readable looks in both systems
        out.update(number_class(ref.number, system) for system in ("party", "state"))
    return out


def reported_classes(number: str, unit: CitingUnit) -> set[str]:
    """The classes of a number a unit reports a relation of (as resolve.reference_for
    reads it: the unit's own citation of it, else the bare number)."""
    out = {number_class(number)}
    for r in unit.references:
        if r.number == number:
            out |= ref_classes(r)
            break
    return out


def _linked(registry: Registry) -> dict[str, set[str]]:
    """Classes a registry document joins (its number's and its aliases')."""
    out: dict[str, set[str]] = {}
    for doc in registry.documents:
        group = {c for n in (doc.number, *doc.aliases) if n for c in (number_class(n), number_class(n, doc.system))}
        if len(group) > 1:
            for c in group:
                out.setdefault(c, set()).update(group)
    return out


def _close(classes: set[str], linked: dict[str, set[str]]) -> set[str]:
    todo, out = list(classes), set(classes)
    while todo:
        for c in linked.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def _unit_cites(unit: CitingUnit) -> set[str]:
    out: set[str] = set()
    for r in unit.references:
        out |= ref_classes(r)
    for x in unit.reported:
        out |= reported_classes(x.source, unit)
        out |= reported_classes(x.target, unit)
    return out


def _own(unit: CitingUnit) -> str | None:
    return number_class(unit.info.number, unit.info.system) if unit.info.number else None


def _ranges(classes: Iterable[str], written: bool = True) -> list[tuple[str, str]]:
    """Key ranges holding every number of these classes (serial then "-" or "/"): as
    written (a serial's letters in either case: "30c/NQ-CP") or as loose keys."""
    import itertools

    out = []
    for c in sorted({c.split("|", 1)[0] for c in classes}):
        if not _SERIAL.match(c):
            raise Unsafe(f"class {c!r}: a serial of more than digits and a few Latin letters")
        spellings = {c}
        if written:
            spellings = {"".join(p) for p in itertools.product(*({ch, ch.lower()} for ch in c))}
        for s in sorted(spellings):
            out += [(s + "-", s + "."), (s + "/", s + "0")]
    return out


def _first_line(unit: CitingUnit) -> int:
    return 1 if unit.segment == 0 else (unit.info.line or 1)


def _in(con: sqlite3.Connection, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    values = list(values)
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        out.extend(con.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
    return out


# ---------------------------------------------------------------------------------------
# the change


@dataclass(slots=True)
class Old:
    """A changed file as it stood before the ingest wrote it."""

    label: str
    extraction: Extraction | None
    doc_ids: list[int]
    quotes: Quotes


@dataclass(slots=True)
class _Unit:
    unit: CitingUnit
    doc_id: int
    changed: bool  # of a file this ingest wrote or removed


def resolution_row(catalog: Catalog, ref: Reference, context: Context, doc_id: int) -> ResolutionRow:
    """The resolutions row of one stored reference (derived_rows and index.reresolve)."""
    from qcdc_cli.index.rows import ResolutionRow

    res = catalog.resolve(catalog.readable(ref) or ref, context)  # a malformed number as repaired
    found = res.document or res.likely  # a miswritten number: the document it fits
    if res.status == "ambiguous":
        status = "ambiguous"
    elif found is not None and (found.in_corpus or found.registry_id):
        status = "resolved"
    else:
        status = "unknown"
    candidates = "\n".join(k.id for k in res.candidates) if status == "ambiguous" else None
    target = found.id if found else None  # "unknown": the node only cited
    return ResolutionRow(doc_id, ref.number, status, target, candidates)
