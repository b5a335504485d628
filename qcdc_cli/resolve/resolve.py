"""Scoped identity: which document a written number means, in the context that cites it.

Why a number is not an identity, and the grammar of node ids, are written once, in
`resolve.known`.

Everything here is pure: no files, no terminal. Ambiguity is reported, never guessed.
This module is the stage's front: `Catalog` (a `KnownDocuments` store that builds itself
from a registry and a corpus and remembers answers) and the names other stages use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from qcdc_cli.knowledge.terms import term_of
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.models import Extraction, Reference
from qcdc_cli.resolve.catalog import KnownDocuments
from qcdc_cli.resolve.known import (
    FILE_PREFIX,
    Context,
    Discrepancy,
    Known,
    Resolution,
    fold,
    issuer_as_named,
    loose,
    mention_issuers,
    parts_of,
    written,
)
from qcdc_cli.resolve.rules import in_scope, likely_reading, resolution_key, resolve
from qcdc_cli.resolve.units import CitingUnit, readable, reference_for, split_units

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Registry

__all__ = [
    "FILE_PREFIX",
    "Catalog",
    "CitingUnit",
    "Context",
    "Discrepancy",
    "Known",
    "Resolution",
    "fold",
    "loose",
    "parts_of",
    "readable",
    "reference_for",
    "resolve",
    "split_units",
    "term_of",
]


class Catalog(KnownDocuments):
    """Every known document, indexed by canonical number; resolves written numbers.

    Build it with `Catalog.build(registry, vocab, corpus)`; `add` and `finish` exist
    so a store can fill one from rows without a registry object.
    """

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
            for written_ref in refs:
                ref = self.readable(written_ref)
                if ref is None:
                    continue
                if in_scope(ref, ctx, self)[0]:
                    continue  # resolve() would not say "unknown"
                date, _term, _word, issuer = written(ref)
                if likely_reading(ref, ctx, self, date, issuer) is not None:
                    continue  # a miswritten number of a known document: an alias, not another
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
        date, term, _word, issuer = written(ref)
        national = self.is_national(ref.issuer_code)
        province = district = None
        if not national:
            province, _decided, district = self.citation_scope(issuer, ref.issuer_code, ctx, mention_issuers(ref))
        return self._complete(
            Known(
                number=ref.number,
                system=ref.system,
                type=ref.type,
                issuer_code=ref.issuer_code,
                issuer=issuer_as_named(issuer),
                province=province,
                district=district,
                date=date,
                term=term if not national or not date else None,
                origin="cited",
            )
        )

    def resolve(self, reference: Reference, context: Context) -> Resolution:
        """`resolve(reference, context, self)`, remembered: a whole-index derivation asks
        the same question twice (the graph's links, the resolution rows), and plans of
        one place and day cite alike. The answer depends only on what the key holds
        (see `resolution_key`); `add` and `finish` forget every answer."""
        key = resolution_key(reference, context)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = resolve(reference, context, self)
        return found
