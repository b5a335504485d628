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
    corpus_paths: Iterable[Path], registry_paths: Sequence[Path] = ()
) -> tuple[Catalog, LineageGraph, list[InputError]]:
    """(catalog, graph, errors) of the registry plus the texts under `corpus_paths`."""
    from qcdc_cli.graph import build_graph
    from qcdc_cli.registry import load_registry
    from qcdc_cli.resolve import Catalog

    registry = load_registry(registry_paths)
    vocab = Vocabulary.from_registry(registry)
    corpus, texts, errors = read_corpus(corpus_paths, vocab)
    catalog = Catalog.build(registry, vocab, corpus)
    return catalog, build_graph(catalog, registry, texts), errors
