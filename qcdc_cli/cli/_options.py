"""Options several commands share, spelled and explained once."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer


class TextOrJson(enum.StrEnum):
    text = "text"
    json = "json"


RegistryOption = Annotated[
    list[Path] | None,
    typer.Option("--registry", help="An extra registry YAML file (repeatable); also $QCDC_REGISTRY."),
]
IndexOption = Annotated[
    Path | None,
    typer.Option("--db", help="The index file (default: $QCDC_DB, else ./.qcdc/index.sqlite)."),
]
LineageIndexOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="The index to read (from `qcdc ingest`); else $QCDC_DB, else ./.qcdc/index.sqlite "
        "when it exists and no --corpus is given.",
    ),
]
CorpusOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--corpus",
        "-c",
        help="Text files or folders to read (repeatable), e.g. --corpus samples/. "
        "Without it only the registry is known.",
    ),
]
ProvinceOption = Annotated[str | None, typer.Option("--province", "-p", help="Pick among documents of this province.")]
YearOption = Annotated[int | None, typer.Option("--year", "-y", help="Pick among documents of this year.")]


def _day(value: str | None) -> str | None:
    """--as-of as an ISO day; "2023-08-01", "01/08/2023" and "1/8/2023" are accepted."""
    if value is None:
        return None
    from qcdc_cli.knowledge.terms import parse_day

    try:
        return parse_day(value)
    except ValueError:
        raise typer.BadParameter(f"not a date: {value!r} (use 2023-08-01 or 01/08/2023)") from None


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="As it stood on this day (2023-08-01 or 01/08/2023): documents issued by then, their status "
        "then, and of Party numbers reused each term the one of that day's term.",
        callback=_day,
    ),
]
