"""What every rule of `qcdc check` shares: the draft being checked, what the registry
and the index know (`Knowledge`), and small helpers to place a finding on a mention."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.lint.rules import RULES_BY_CODE, Diagnostic, Words
from qcdc_cli.models import Extraction, Mention, Reference
from qcdc_cli.read.normalize import LineIndex

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.resolve.resolve import Catalog


# ---- what the registry and the index can tell the rules ---------------------------------


@dataclass(frozen=True, slots=True)
class Successor:
    """What replaced or repealed a registry document, and from when."""

    cite: str  # how to cite it: "Luật 10/2022/QH15"
    status: Literal["replaced", "repealed"]
    date: str | None  # ISO date it took effect


@dataclass(slots=True)
class Knowledge:
    """What the registry (and, with --db, the index) know, for the rules that need it.

    `catalog` is resolve.py's: the one resolver of scoped identity; the rules only ask it.
    """

    catalog: Catalog
    successors: dict[str, Successor] = field(default_factory=dict)  # registry id -> successor
    has_index: bool = False

    @classmethod
    def build(cls, registry: Registry, catalog: Catalog, has_index: bool = False) -> Knowledge:
        """Successors from the registry's relations, listed on the newer document."""
        successors: dict[str, Successor] = {}
        for doc in registry.documents:
            for rel in doc.relations:
                if rel.type not in ("replaces", "repeals"):
                    continue
                name = catalog.vocab.type_names.get((doc.system, doc.type))
                cite = f"{name} {doc.number}" if name else doc.number
                status: Literal["replaced", "repealed"] = "replaced" if rel.type == "replaces" else "repealed"
                successors.setdefault(rel.target, Successor(cite, status, rel.date or doc.valid_from))
        return cls(catalog, successors, has_index)


# ---- helpers --------------------------------------------------------------------------


def vn_date(iso: str | None) -> str:
    """2016-01-07 -> 07/01/2016, the way the drafts write dates."""
    if not iso:
        return "?"
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def _at(code: str, m: Mention, lines: LineIndex, key: str, **args: str | Words) -> Diagnostic:
    end_line, end_column = lines.line_col(m.end) if m.end > m.start else (m.line, m.column)
    return Diagnostic(
        code=code,
        severity=RULES_BY_CODE[code].severity,
        line=m.line,
        column=m.column,
        end_line=end_line,
        end_column=end_column,
        text=m.as_written,
        args={"text": m.as_written, **args},
        key=key,
    )


def _document_level(code: str, line: int = 1, **args: str | Words) -> Diagnostic:
    return Diagnostic(code, RULES_BY_CODE[code].severity, line, 1, line, 1, "", dict(args), "")


def _mentions(extraction: Extraction, main_only: bool) -> Iterator[tuple[Reference, Mention]]:
    for ref in extraction.references:
        for m in ref.mentions:
            if main_only and m.segment != 0:
                continue
            if extraction.self.line is not None and m.line == extraction.self.line and _is_own(ref, extraction):
                continue  # the draft's own number line is not a citation
            yield ref, m


def _is_own(ref: Reference, extraction: Extraction) -> bool:
    return extraction.self.number is not None and ref.number == extraction.self.number


def _first_mention(ref: Reference, extraction: Extraction) -> Mention | None:
    own_line = extraction.self.line if _is_own(ref, extraction) else None
    mentions = [m for m in ref.mentions if m.segment == 0 and m.line != own_line]
    return min(mentions, key=lambda m: m.start) if mentions else None


def _issuer_base(code: str) -> str:
    """The issuing body of an issuer field: "UBND-VP" -> "UBND", "CP-UBTWMTTQVN" -> "CP"."""
    return code.split("-", 1)[0]


# ---- the rules -------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """Everything one run of the rules shares."""

    text: str
    x: Extraction
    vocab: Vocabulary
    knowledge: Knowledge | None
    lines: LineIndex
    path: str | None
