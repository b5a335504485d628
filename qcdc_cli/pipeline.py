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
