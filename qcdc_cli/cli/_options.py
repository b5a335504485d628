"""Options several commands share, spelled and explained once."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from qcdc_cli.cli._console import choose_lang, default_lang

__all__ = ["choose_lang", "default_lang"]  # re-exported: the commands import them from here

# -h as well as --help, on every command and subcommand (inherited by click contexts).
CONTEXT = {"help_option_names": ["-h", "--help"]}


class Lang(enum.StrEnum):
    vi = "vi"
    en = "en"


LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of headings, relations and messages: vi or en (default: [tool.qcdc] lang, "
        "else the locale: LANG=vi_VN... gives vi).",
    ),
]


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


def as_of_date(value: str | None) -> str | None:
    """--as-of as an ISO day: 2023-08-01, 01/08/2023 or 1/8/2023 (day first, as Vietnamese
    documents write dates), parsed by knowledge.terms.parse_day. None stays None.

    Usable as a Typer callback (`typer.Option(callback=as_of_date)`); a bad date is a usage
    error (exit 2) naming the accepted forms.
    """
    if value is None:
        return None
    from qcdc_cli.knowledge.terms import parse_day

    try:
        return parse_day(value)
    except ValueError:
        raise typer.BadParameter(f"not a date: {value!r} (write 2023-08-01, 01/08/2023 or 1/8/2023)") from None


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="As it stood on this day (2023-08-01 or 01/08/2023): documents issued by then, their status "
        "then, and of Party numbers reused each term the one of that day's term.",
        callback=as_of_date,
    ),
]


def relation_choices(values: list[str] | None) -> list[str] | None:
    """--relation values checked against the relations qcdc knows: a typo is a usage error
    naming it and the valid ones, not a confident "0 documents"."""
    if not values:
        return values
    from qcdc_cli.models import LINK_RELATIONS

    wanted = [item.strip() for value in values for item in value.split(",") if item.strip()]
    for item in wanted:
        if item not in LINK_RELATIONS:
            raise typer.BadParameter(unknown_choice("relation", item, LINK_RELATIONS))
    return wanted


def unknown_choice(what: str, value: str, known: tuple[str, ...] | list[str]) -> str:
    """unknown relation 'implemnts' (did you mean implements?; known: implements, ...)."""
    import difflib

    close = difflib.get_close_matches(value, known, n=1)
    hint = f"did you mean {close[0]}?; " if close else ""
    return f"unknown {what} {value!r} ({hint}known: {', '.join(known)})"
