"""`qcdc trace ID`: where a document comes from and what implements it."""

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
    choose_lang,
    relation_choices,
)
from qcdc_cli.cli._options import LineageIndexOption as DbOption
from qcdc_cli.cli._trace_body import plain_width

__all__ = ["plain_width", "trace"]  # plain_width: see _trace_body


class TraceFormat(enum.StrEnum):
    text = "text"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"
    html = "html"


def trace(
    document: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A document number or id: 13-KH/ĐUK, 05-CT/TW@XII, 62-KH/TU@Thừa Thiên Huế, file:PATH."
        ),
    ],
    up: Annotated[bool, typer.Option("--up", help="The chain above it, to the central roots (default).")] = False,
    down: Annotated[bool, typer.Option("--down", help="Everything below it: what implements or cites it.")] = False,
    both: Annotated[bool, typer.Option("--both", help="Above and below.")] = False,
    depth: Annotated[int | None, typer.Option("--depth", "-d", min=1, help="At most this many levels.")] = None,
    output_format: Annotated[
        TraceFormat,
        typer.Option("--format", "-f", help="text (a tree), json, mermaid, dot or html (a page with a picture)."),
    ] = TraceFormat.text,
    corpus: CorpusOption = None,
    province: ProvinceOption = None,
    year: YearOption = None,
    relation: Annotated[
        list[str] | None,
        typer.Option(
            "--relation",
            "-r",
            callback=relation_choices,
            help="Follow only these relations (repeatable or a,b): implements, continues, guides, amends, "
            "replaces, repeals, based_on, related, cites.",
        ),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Counts by level, province and relation instead of every document.")
    ] = False,
    no_fold: Annotated[
        bool, typer.Option("--no-fold", help="Draw shortcut links too instead of folding them.")
    ] = False,
    db: DbOption = None,
    registry: RegistryOption = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Trace a document up to the central directive it implements, or down to the plans
    that implement it. Each link shows its relation and where it comes from: the line
    of the text that says it, a text that reports it, or the registry.

    Exit codes: 0 traced, 1 the number is unknown or ambiguous (or some files could not
    be read), 2 usage or input errors.
    """
    if up + down + both > 1:
        choose_lang(lang)  # the run's language, as for any error
        raise typer.BadParameter("give at most one of --up, --down, --both")
    from qcdc_cli.cli._trace_body import run

    run(
        document=document,
        up=up,
        down=down,
        both=both,
        depth=depth,
        output_format=output_format.value,
        corpus=corpus,
        province=province,
        year=year,
        relation=relation,
        summary=summary,
        no_fold=no_fold,
        db=db,
        registry=registry,
        lang=lang,
        as_of=as_of,
    )
