"""`qcdc index copy SRC DST`: move an index between an SQLite file and a PostgreSQL
server (either way), e.g. one analyst's index into the team's shared one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Manage indexes: copy one between SQLite and PostgreSQL.", no_args_is_help=True)


@app.command("copy")
def copy(
    source: Annotated[Path, typer.Argument(help="The index to copy: an SQLite file or a postgresql:// URL.")],
    target: Annotated[
        Path, typer.Argument(help="Where to copy it: a new SQLite file, or an empty PostgreSQL database (URL).")
    ],
) -> None:
    """Copy every table of SOURCE into the empty TARGET, ids and all, in one transaction:
    the copy answers every question as SOURCE does, without reading a document again."""
    from qcdc_cli.index.dburl import as_target
    from qcdc_cli.index.postgres_copy import copy_index

    src, dst = as_target(source), as_target(target)
    totals = copy_index(src, dst)
    typer.echo(
        f"copied {totals.files} files, {totals.documents} documents, {totals.references} references from {src} to {dst}"
    )
