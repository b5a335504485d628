"""`qcdc check` rules: citation mistakes in a draft, found before it is signed.

Pure: `lint(text, extraction, vocab, knowledge=...)` reads nothing and prints nothing;
it turns what extraction found (and what the registry or the index knows, asked through
resolve.py's `Catalog`, the one resolver of scoped identity) into `Diagnostic`s.

Each rule has a stable code (CI configurations and SARIF consumers key on it, so codes
are never renumbered), a default severity, messages in English and Vietnamese (the
people who write these drafts read Vietnamese) and, where one exists, a suggested fix.

Scope: rules about one mention (malformed number, unknown codes, a type word, date or
body that contradicts the number) apply to every document in the file; rules that need
the draft's own date or number (future or superseded references, self-citation, the
citation convention) apply to the main document only (segment 0), since a pasted
annex (seed 001 carries the full text of 120-KL/TW) has its own date.

Modules: `rules` (the table, `Diagnostic`, rule selection), `draft` (what the rules
share), `text_rules` and `knowledge_rules` (the rules); this one runs them, and the
names other packages use are importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.lint.draft import Knowledge, Successor, _Draft, vn_date
from qcdc_cli.lint.knowledge_rules import _against_catalog, _collision, _parent_not_found
from qcdc_cli.lint.rules import (
    LANGS,
    RULES,
    RULES_BY_CODE,
    SEVERITIES,
    USES_KNOWLEDGE,
    WORDS,
    Diagnostic,
    Rule,
    Severity,
    Words,
    enabled_rules,
    resolve_codes,
    severity_rank,
)
from qcdc_cli.lint.text_rules import (
    _after_draft,
    _ended_issuer,
    _header,
    _implements_unnumbered,
    _incomplete,
    _issuer,
    _malformed,
    _self_citation,
    _type_word,
    _unknown_codes,
)
from qcdc_cli.models import Extraction
from qcdc_cli.read.normalize import LineIndex

__all__ = [
    "LANGS",
    "RULES",
    "RULES_BY_CODE",
    "SEVERITIES",
    "USES_KNOWLEDGE",
    "WORDS",
    "Diagnostic",
    "Knowledge",
    "Rule",
    "Severity",
    "Successor",
    "Words",
    "enabled_rules",
    "lint",
    "resolve_codes",
    "severity_rank",
    "vn_date",
    "worst",
]

_CHECKS: tuple[tuple[frozenset[str], Callable[[_Draft], Iterable[Diagnostic]]], ...] = (
    (frozenset({"QC001"}), _malformed),
    (frozenset({"QC001", "QC002", "QC003"}), _unknown_codes),
    (frozenset({"QC004"}), _type_word),
    (frozenset({"QC006"}), _issuer),
    (frozenset({"QC008"}), _after_draft),
    (frozenset({"QC009"}), _self_citation),
    (frozenset({"QC010", "QC011", "QC012"}), _header),
    (frozenset({"QC014"}), _implements_unnumbered),
    (frozenset({"QC016"}), _incomplete),
    (frozenset({"QC017"}), _ended_issuer),
    (frozenset({"QC005", "QC006", "QC007", "QC008"}), _against_catalog),
    (frozenset({"QC015"}), _parent_not_found),
    (frozenset({"QC013"}), _collision),
)


def lint(
    text: str,
    extraction: Extraction,
    vocab: Vocabulary,
    *,
    knowledge: Knowledge | None = None,
    rules: Collection[str] | None = None,
    severities: dict[str, Severity] | None = None,
    path: str | None = None,
) -> list[Diagnostic]:
    """Every finding of the enabled `rules` (default all) in one draft, sorted by place.

    `severities` overrides rule defaults (from configuration). Rules that need the
    registry or the index are skipped without `knowledge`; `path` names the draft (the
    index's collision check skips the draft's own entry).
    """
    enabled = frozenset(RULES_BY_CODE) if rules is None else frozenset(rules)
    draft = _Draft(text, extraction, vocab, knowledge, LineIndex(text), path)
    out: list[Diagnostic] = []
    seen: set[tuple[str, int, int]] = set()
    for codes, check in _CHECKS:
        if not codes & enabled:
            continue
        for diag in check(draft):
            place = (diag.code, diag.line, diag.column)
            if diag.code not in enabled or place in seen:
                continue
            seen.add(place)
            if severities and diag.code in severities:
                diag.severity = severities[diag.code]
            out.append(diag)
    out.sort(key=lambda g: (g.line, g.column, g.code))
    return out


def worst(diagnostics: Sequence[Diagnostic]) -> Severity | None:
    """The highest severity among `diagnostics`, or None."""
    return max((g.severity for g in diagnostics), key=severity_rank, default=None)
