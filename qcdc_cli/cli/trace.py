"""`qcdc trace ID`: where a document comes from and what implements it."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Literal

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

if TYPE_CHECKING:
    from qcdc_cli.lineage.graph import LineageGraph


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
    from qcdc_cli.app.lineage import lineage
    from qcdc_cli.cli._console import exit_if_unreadable, report

    chosen_lang = choose_lang(lang)

    if up + down + both > 1:
        raise typer.BadParameter("give at most one of --up, --down, --both")
    direction: Literal["up", "down", "both"] = "down" if down else "both" if both else "up"

    def shown(graph: LineageGraph, ident: str) -> list[str]:
        """What this trace shows of `graph`: with a depth, the index reads only that in full."""
        return [n.id for n in graph.trace(ident, direction, depth=depth, relations=relation, fold=not no_fold).nodes]

    found = lineage(
        document,
        province=province,
        year=year,
        scope=direction,
        depth=depth,
        corpus=corpus,
        registry=registry,
        db=db,
        as_of=as_of,
        shown=shown if depth is not None else None,
        lean=output_format is TraceFormat.text and not summary,
    )
    report(found)
    result = found.graph.trace(found.known.id, direction, depth=depth, relations=relation, fold=not no_fold)

    import sys

    if summary and output_format is TraceFormat.text:
        from qcdc_cli.cli._console import stdout_console
        from qcdc_cli.render.html import level_by_issuer, summary_counts
        from qcdc_cli.render.trace import render_summary

        counts = summary_counts(result.nodes, result.links, level_by_issuer(found.catalog.vocab))
        stdout_console().print(render_summary(result, counts, chosen_lang))
    elif output_format is TraceFormat.text:
        from qcdc_cli.render.trace import render_trace, trace_text

        names = found.catalog.vocab.type_names
        width = plain_width()
        text = trace_text(result, names, chosen_lang, width) if width is not None else None
        if text is not None:
            sys.stdout.write(text)
        else:
            from qcdc_cli.cli._console import stdout_console

            stdout_console().print(render_trace(result, names, chosen_lang))
    elif output_format is TraceFormat.html:
        from qcdc_cli.render.html import level_by_issuer, lineage_page

        node = result.node(result.target)
        sys.stdout.write(
            lineage_page(
                node.id,
                node.title or "",
                result.nodes,
                result.links,
                level_by_issuer(found.catalog.vocab),
                target=result.target,
                issues=result.issues,
                lang=chosen_lang,
            )
        )
    else:
        from qcdc_cli.render import graph_export

        sys.stdout.write(graph_export.TRACE_WRITERS[output_format.value](result))
    exit_if_unreadable(found)


def plain_width() -> int | None:
    """The width `_console.stdout_console` lays results out at when they are plain text:
    stdout not a terminal, no colour forced, no width rich would guess from a terminal
    elsewhere; None when rich must decide (a terminal: colours, its own width)."""
    import os
    import sys

    from qcdc_cli.cli._console import PIPED_WIDTH

    environ = os.environ
    if sys.platform == "win32" or any(environ.get(name) for name in ("FORCE_COLOR", "TTY_COMPATIBLE")):
        return None
    if not (sys.stdout.encoding or "utf-8").lower().startswith("utf"):
        return None  # rich draws ASCII guides
    try:
        if sys.stdout.isatty():
            return None
    except ValueError:
        return None
    columns = environ.get("COLUMNS")
    if not columns:
        return PIPED_WIDTH
    return int(columns) if columns.isdigit() else None
