"""`qcdc ingest`: read folders of texts into the local index, incrementally."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcdc_cli.cli._options import IndexOption, LangOption, RegistryOption, TextOrJson, choose_lang

IngestFormat = TextOrJson


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Folders (walked recursively for .txt and .md) or files.")
    ],
    db: IndexOption = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes (default: all cores)."),
    ] = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Forget indexed files under PATHs that no longer exist.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Read every file again, even those unchanged.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary; failures only.")
    ] = False,
    max_size: Annotated[float, typer.Option("--max-size", min=0.0, help="Largest file read, in MB.")] = 20.0,
    output_format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="Summary as text or json.")
    ] = IngestFormat.text,
    registry: RegistryOption = None,
    lang: LangOption = None,
) -> None:
    """Read folders of plans into the index, so stats, trace and coverage answer at once.

    Files unchanged since the last run (same size and modification time) are not opened
    again; a changed file replaces what was read from it before. Each file is committed on
    its own, so an interrupted run loses nothing and the next run finishes it. A file that
    cannot be read is recorded with its reason and listed; the exit code is then 1.
    """
    from qcdc_cli.cli import _ingest_body
    from qcdc_cli.cli._console import sanitize
    from qcdc_cli.render.messages import msg

    chosen_lang = choose_lang(lang)
    missing = [p for p in paths if not p.exists()]
    if missing:  # a usage error, as for extract and trace --corpus: no index is created
        shown = ", ".join(sanitize(str(p)) for p in missing)
        raise typer.BadParameter(msg("err.missing_paths", chosen_lang, paths=shown), param_hint="PATH...")
    code = _ingest_body.run(
        paths=paths,
        db=db,
        jobs=jobs,
        prune=prune,
        force=force,
        quiet=quiet,
        max_size=max_size,
        output_format=str(output_format),
        registry=registry,
        lang=lang,
    )
    if code:
        raise typer.Exit(code)
