"""What `trace` and `show` share: load the lineage, pick the document the user means."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from qcdc_cli.errors import InputError
    from qcdc_cli.graph import LineageGraph
    from qcdc_cli.resolve import Catalog, Known


def index_path(db: Path | None, corpus_given: bool) -> Path | None:
    """The index to read: --db, else $QCDC_DB, else the default one when it exists and
    no --corpus was given (so a corpus alone gives the same answer in any folder)."""
    import os

    from qcdc_cli.store import DB_ENV, DEFAULT_DB

    if db is not None:
        return db
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    if not corpus_given and DEFAULT_DB.is_file():
        return DEFAULT_DB
    return None


def load(
    corpus: Sequence[Path] | None, registry: Sequence[Path] | None, db: Path | None = None
) -> tuple[Catalog, LineageGraph, list[InputError]]:
    """The registry, the index and the texts given with --corpus; unreadable files said
    on stderr."""
    from qcdc_cli.cli._console import error
    from qcdc_cli.errors import InputError
    from qcdc_cli.pipeline import build_lineage

    paths = list(corpus or ())
    for path in paths:
        if not path.exists():
            raise InputError(str(path), "no such file or folder")
    catalog, graph, errors = build_lineage(paths, list(registry or ()), index_path(db, bool(paths)))
    for e in errors:
        error(str(e))
    if paths and errors and not catalog.units:
        raise typer.Exit(2)
    return catalog, graph, errors


def pick(catalog: Catalog, text: str, province: str | None, year: int | None) -> Known:
    """The one document `text` means, or a clear error: unknown (with close numbers) or
    ambiguous (with the candidates and how to choose)."""
    from qcdc_cli.errors import AmbiguousDocument, UnknownDocument

    res = catalog.find(text, province=province, year=year)
    if res.document is not None:
        return res.document
    where = (
        f"the registry and {len(catalog.units)} document(s) read"
        if catalog.units
        else "the registry (give texts with --corpus or an index with --db)"
    )
    if res.status == "ambiguous":
        lines = [
            f"{text} matches {len(res.candidates)} documents in {where}; pick one with its id, --province or --year:"
        ]
        lines += [f"  {k.describe()}" for k in res.candidates]
        raise AmbiguousDocument("\n".join(lines))
    message = f"no document {text} is known in {where}"
    if res.candidates:
        message += "; close numbers: " + ", ".join(dict.fromkeys(k.id for k in res.candidates))
    raise UnknownDocument(message)


def report_unreadable(errors: Sequence[InputError]) -> None:
    """Some files could not be read: the result stands, the exit code says so."""
    if errors:
        raise typer.Exit(1)
