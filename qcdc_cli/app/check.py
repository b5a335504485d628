"""The `check` use case: read drafts, extract them, lint them against the registry and,
with an index, the documents it holds. Returns reports; printing is the CLI's job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.lint.lint import Diagnostic, Knowledge
    from qcdc_cli.models import Extraction


@dataclass(slots=True)
class FileReport:
    """One draft: its findings, or why it could not be checked."""

    path: str  # as the user gave it
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str | None = None  # the decoded text, to show the offending lines
    error: str | None = None  # the read error, when the draft was not checked


@dataclass
class Checked:
    """Every draft's report, and notes about the index it was checked against."""

    reports: list[FileReport]
    notes: list[str] = field(default_factory=list)


def check_paths(
    drafts: list[Path],
    db: Path | None,
    registry_paths: list[Path],
    rules: frozenset[str],
    severities: dict[str, str],
) -> Checked:
    """Read and extract every draft, then lint each; a read error is kept in its report,
    so one unreadable draft never hides the findings of the others."""
    import os

    from qcdc_cli.app.pipeline import expand_paths, extract_decoded
    from qcdc_cli.errors import InputError
    from qcdc_cli.knowledge.registry import load_vocabulary
    from qcdc_cli.lint.lint import USES_KNOWLEDGE, lint
    from qcdc_cli.read.files import read_document

    vocab = load_vocabulary(registry_paths)
    read: list[tuple[Path, str | None, Extraction | InputError]] = []
    files = expand_paths(drafts)
    if not files:
        from qcdc_cli.errors import ConfigError

        raise ConfigError(f"no drafts (.txt or .md files) in {', '.join(str(p) for p in drafts)}")
    for path in files:
        try:
            decoded = read_document(path)
        except InputError as e:
            read.append((path, None, e))
            continue
        read.append((path, decoded.text, extract_decoded(decoded, vocab)))
    knowledge = None
    notes: list[str] = []
    if rules & USES_KNOWLEDGE or db is not None:
        extractions = [x for _, _, x in read if not isinstance(x, InputError)]
        knowledge = _knowledge(registry_paths, vocab, db, extractions, notes)
    reports = []
    for path, draft_text, outcome in read:
        if isinstance(outcome, InputError) or draft_text is None:
            reports.append(FileReport(str(path), error=str(outcome)))
            continue
        diagnostics = lint(
            draft_text,
            outcome,
            vocab,
            knowledge=knowledge,
            rules=rules,
            severities=severities,  # type: ignore[arg-type]
            path=os.path.abspath(path) if db is not None else str(path),  # as the index records it
        )
        reports.append(FileReport(str(path), diagnostics, draft_text))
    return Checked(reports, notes)


def check_text(
    text: str,
    registry_paths: list[Path] | None = None,
    rules: frozenset[str] | None = None,
    path: str | None = None,
) -> list[Diagnostic]:
    """The findings of one draft's text against the registry (no index): what
    `qcdc check` reports for a file with that text, for callers that hold text."""
    from qcdc_cli.extract.text import extract_text
    from qcdc_cli.knowledge.registry import load_vocabulary
    from qcdc_cli.lint.lint import lint

    paths = list(registry_paths or [])
    vocab = load_vocabulary(paths)
    extraction = extract_text(text, vocab)
    knowledge = _knowledge(paths, vocab, None, [extraction], [])
    return lint(text, extraction, vocab, knowledge=knowledge, rules=rules, path=path)


def _knowledge(
    registry_paths: list[Path], vocab: Vocabulary, db: Path | None, extractions: list[Extraction], notes: list[str]
) -> Knowledge:
    """The registry as resolve.py's catalog, plus (with --db) the index's documents that
    carry a number the drafts use: their own numbers and the numbers they cite."""
    from qcdc_cli.knowledge.registry import load_registry
    from qcdc_cli.lint.lint import Knowledge
    from qcdc_cli.resolve.resolve import Catalog

    registry = load_registry(registry_paths)
    catalog = Catalog.build(registry, vocab)
    if db is None:
        return Knowledge.build(registry, catalog)
    from qcdc_cli.index.rows import known_from_row
    from qcdc_cli.index.store import Store
    from qcdc_cli.resolve.resolve import loose

    numbers = {x.self.number for x in extractions if x.self.number}
    numbers |= {r.number for x in extractions for r in x.references}
    with Store.open_reader(db) as store:
        stale = store.derived_state()[0]
        rows = store.nodes_for_keys(sorted({loose(n) for n in numbers}))
    if stale:
        notes.append(f"{db}: the index is being updated (or an ingest was interrupted); its documents may lag")
    for row in rows:
        known = known_from_row(row)
        if known.in_corpus:  # documents read into the index; the registry is already here
            catalog.add(known)
    catalog.finish()
    return Knowledge.build(registry, catalog, has_index=True)
