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


def load(
    corpus: Sequence[Path] | None, registry: Sequence[Path] | None
) -> tuple[Catalog, LineageGraph, list[InputError]]:
    """The registry plus the texts given with --corpus; unreadable files said on stderr."""
    from qcdc_cli.cli._console import error
    from qcdc_cli.errors import InputError
    from qcdc_cli.pipeline import build_lineage

    paths = list(corpus or ())
    for path in paths:
        if not path.exists():
            raise InputError(str(path), "no such file or folder")
    catalog, graph, errors = build_lineage(paths, list(registry or ()))
    for e in errors:
        error(str(e))
    if paths and errors and not catalog.units:
        raise typer.Exit(2)
    return catalog, graph, errors


def pick(catalog: Catalog, text: str, province: str | None, year: int | None, n_paths: int) -> Known:
    """The one document `text` means, or a clear error: unknown (with close numbers) or
    ambiguous (with the candidates and how to choose)."""
    from qcdc_cli.errors import AmbiguousDocument, UnknownDocument

    res = catalog.find(text, province=province, year=year)
    if res.document is not None:
        return res.document
    where = (
        f"the registry and {len(catalog.units)} document(s) read"
        if n_paths
        else "the registry (give texts with --corpus)"
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
