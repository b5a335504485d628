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
    choose_lang,
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
    from qcdc_cli.app.lineage import lineage
    from qcdc_cli.cli._console import exit_if_unreadable, report

    chosen_lang = choose_lang(lang)

    found = lineage(
        document,
        province=province,
        year=year,
        scope="near",
        corpus=corpus,
        registry=registry,
        db=db,
        as_of=as_of,
        lean=output_format is ShowFormat.text,
    )

    report(found)
    known, graph = found.known, found.graph
    cites = graph.parents(known.id)
    cited_by = graph.children(known.id)
    issues = [i for i in graph.issues if known.id in (i.source, i.target)]
    if output_format is ShowFormat.json:
        import sys

        from qcdc_cli.render.graph_export import show_dict, to_json

        sys.stdout.write(to_json(show_dict(known, cites, cited_by, issues)))
    elif output_format is ShowFormat.html:
        import sys

        from qcdc_cli.render.html import level_by_issuer, lineage_page

        ends = {lk.target for lk in cites} | {lk.source for lk in cited_by} | {known.id}
        page = lineage_page(
            known.id,
            known.title or "",
            [graph.node(i) for i in sorted(ends)],
            [*cites, *cited_by],
            level_by_issuer(found.catalog.vocab),
            target=known.id,
            issues=issues,
            lang=chosen_lang,
        )
        sys.stdout.write(page)
    else:
        import sys

        from qcdc_cli.cli.trace import plain_width
        from qcdc_cli.render.plain import to_rich
        from qcdc_cli.render.trace import show_parts, show_text

        ends = {lk.target for lk in cites} | {lk.source for lk in cited_by}
        nodes = {i: graph.node(i) for i in ends}
        names = found.catalog.vocab.type_names
        parts = show_parts(known, cites, cited_by, issues, nodes, graph.speakers, names, chosen_lang, graph.elided)
        width = plain_width()
        text = show_text(parts, width) if width is not None else None
        if text is not None:
            sys.stdout.write(text)
        else:
            from qcdc_cli.cli._console import stdout_console

            stdout_console().print(to_rich(parts))
    exit_if_unreadable(found)
