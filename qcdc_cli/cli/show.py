"""`qcdc show ID`: everything known about one document."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from qcdc_cli.cli._options import (
    AsOfOption,
    CorpusOption,
    LangOption,
    ProvinceOption,
    RegistryOption,
    YearOption,
)
from qcdc_cli.cli._options import LineageIndexOption as DbOption


class ShowFormat(enum.StrEnum):
    text = "text"
    json = "json"
    html = "html"


def show(
    document: Annotated[str, typer.Argument(metavar="ID", help="A document number or id, as for `qcdc trace`.")],
    output_format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="text, json or html (a page).")
    ] = ShowFormat.text,
    corpus: CorpusOption = None,
    province: ProvinceOption = None,
    year: YearOption = None,
    db: DbOption = None,
    registry: RegistryOption = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Show one document: its number, type, issuer, province, date and title, where it
    was read, what it cites and what cites it (with evidence), its status and validity
    from the registry, and any discrepancy in how it is cited.

    Exit codes: 0 shown, 1 the number is unknown or ambiguous, 2 usage or input errors.
    """
    from qcdc_cli.cli._show_body import run

    run(
        document=document,
        output_format=output_format.value,
        corpus=corpus,
        province=province,
        year=year,
        db=db,
        registry=registry,
        lang=lang,
        as_of=as_of,
    )
