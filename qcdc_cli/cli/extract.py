"""`qcdc extract`: every document number, date and relation in the given texts."""

# No `from __future__ import annotations`: Typer reads these signatures at every start,
# and string annotations cost it an eval each (~3 ms for this command).
import enum
from pathlib import Path
from typing import Annotated

import typer

from qcdc_cli.cli._options import LangOption, RegistryOption


class ExtractFormat(enum.StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


def extract(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Text files or folders (.txt and .md inside folders).")
    ],
    output_format: Annotated[
        ExtractFormat,
        typer.Option("--format", "-f", help="text (a table per file), json or jsonl."),
    ] = ExtractFormat.text,
    registry: RegistryOption = None,
    lang: LangOption = None,
) -> None:
    """Read document numbers, dates, issuers and relations from texts.

    One entry per input file, in input order. A file that cannot be read gets a one-line
    error on stderr and the others are still processed; the exit code is 2 when no file
    could be read, 1 when some could not, 0 otherwise.
    """
    from qcdc_cli.cli._extract_body import run

    code = run(paths=paths, output_format=output_format.value, registry=registry, lang=lang.value if lang else None)
    if code:
        raise typer.Exit(code)
