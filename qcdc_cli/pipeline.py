"""Use cases that touch files: read, decode and hand text to the pure stages.

Nothing here prints; the CLI decides what to show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from qcdc_cli.errors import InputError
from qcdc_cli.models import Extraction
from qcdc_cli.vocab import Vocabulary

DOCUMENT_SUFFIXES = (".txt", ".md")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders expand to their .txt and .md files, sorted, recursively."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES))
        else:
            out.append(path)
    return out


def extract_file(path: Path, vocab: Vocabulary) -> Extraction:
    """Read one file and extract it; an unreadable file raises InputError."""
    from qcdc_cli.extract import extract_text
    from qcdc_cli.reader import read_document

    decoded = read_document(path)
    return extract_text(decoded.text, vocab)


def extract_paths(paths: Iterable[Path], vocab: Vocabulary) -> Iterator[tuple[str, Extraction | InputError]]:
    """Each path with its extraction, or with the InputError that stopped it."""
    for path in paths:
        try:
            yield str(path), extract_file(path, vocab)
        except InputError as e:
            yield str(path), e


# ---- lineage over a corpus given on the command line (until the index exists)

from typing import TYPE_CHECKING  # noqa: E402 - kept with the functions that use it

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qcdc_cli.graph import LineageGraph
    from qcdc_cli.resolve import Catalog


def read_corpus(
    paths: Iterable[Path], vocab: Vocabulary
) -> tuple[list[tuple[str, Extraction]], dict[str, str], list[InputError]]:
    """Extractions and texts of the files and folders `paths`; unreadable files apart."""
    corpus: list[tuple[str, Extraction]] = []
    texts: dict[str, str] = {}
    errors: list[InputError] = []
    files = expand_paths(paths)
    if not files:
        return corpus, texts, errors
    from qcdc_cli.extract import extract_text
    from qcdc_cli.reader import read_document

    for path in files:
        try:
            decoded = read_document(path)
        except InputError as e:
            errors.append(e)
            continue
        corpus.append((str(path), extract_text(decoded.text, vocab)))
        texts[str(path)] = decoded.text
    return corpus, texts, errors


def build_lineage(
    corpus_paths: Iterable[Path], registry_paths: Sequence[Path] = (), db_path: Path | None = None
) -> tuple[Catalog, LineageGraph, list[InputError]]:
    """(catalog, graph, errors) of the registry, the index at `db_path` (if given) and
    the texts under `corpus_paths` (a file read now replaces the index's copy of it)."""
    from qcdc_cli.graph import build_graph
    from qcdc_cli.registry import load_registry
    from qcdc_cli.resolve import Catalog

    registry = load_registry(registry_paths)
    vocab = Vocabulary.from_registry(registry)
    corpus, texts, errors = read_corpus(corpus_paths, vocab)
    quotes: dict[tuple[str, int], str] = {}
    if db_path is not None:
        fresh = {str(Path(p).resolve()) for p, _ in corpus}
        stored, quotes = corpus_from_index(db_path)
        corpus += [(p, ex) for p, ex in stored if str(Path(p).resolve()) not in fresh]
    catalog = Catalog.build(registry, vocab, corpus)
    return catalog, build_graph(catalog, registry, texts, quotes), errors


def corpus_from_index(db_path: Path) -> tuple[list[tuple[str, Extraction]], dict[tuple[str, int], str]]:
    """The extractions an index holds, rebuilt from its rows, and the evidence line it
    kept for each mention ((path, start) -> line): what `build_lineage` needs."""
    from qcdc_cli.models import Mention, Reference, ReportedRelation, Segment, SelfInfo
    from qcdc_cli.store import Store

    with Store.open_reader(db_path) as store:
        rows = store.dump()
    ok = {r[0] for r in rows["files"] if r[5] == "ok"}
    extractions: dict[str, Extraction] = {}
    for row in rows["documents"]:
        path, segment, number, system, type_, type_name, code, issuer, _level = row[:9]
        province, date, place, title, line, start_line = row[9:]
        if path not in ok:
            continue
        ex = extractions.setdefault(path, Extraction(self=SelfInfo()))
        if segment == 0:
            ex.self = SelfInfo(number, type_, code, date, place, issuer, province, title, type_name, system, line)
        ex.segments.append(Segment(0, 0, start_line or 1, number, title))
    refs: dict[tuple[str, int, str], Reference] = {}
    for path, segment, number, system, type_, code, year, relation, date, issuer, malformed, suggestion in rows["refs"]:
        if path in extractions:
            ref = Reference(number, system, type_, code, date, issuer, relation, bool(malformed), suggestion, year)
            refs[(path, segment, number)] = ref
            extractions[path].references.append(ref)
    quotes: dict[tuple[str, int], str] = {}
    for row in rows["mentions"]:
        path, segment, number, line, col, start, end, as_written, relation, cue, date, word, issuer, term = row[:14]
        ref = refs.get((path, segment, number))
        if ref is None:
            continue
        found = Mention(as_written, start, end, line, col, relation, cue, date, word, issuer, term, segment)
        found.malformed, found.suggestion = bool(row[14]), row[15]
        ref.mentions.append(found)
        if row[16]:
            quotes[(path, start)] = row[16]
    for path, _segment, source, relation, target, line, cue, text in rows["reported_relations"]:
        if path in extractions:
            extractions[path].reported_relations.append(ReportedRelation(source, relation, target, line, cue, text))
    for ex in extractions.values():
        ex.segments.sort(key=lambda s: s.start_line)
        for ref in ex.references:
            ref.mentions.sort(key=lambda m: m.start)
    return sorted(extractions.items()), quotes
