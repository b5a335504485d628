"""What `qcdc show` does once its options are parsed, without Typer: the Typer command
(cli.show) and the start-up fast path (cli._fast_lineage) both call `run`, with
--format and --lang as plain strings."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def run(
    document: str,
    output_format: str,
    corpus: list[Path] | None,
    province: str | None,
    year: int | None,
    db: Path | None,
    registry: list[Path] | None,
    lang: str | None,
    as_of: str | None,
) -> None:
    """`qcdc show`: the document, its links both ways and their evidence, printed."""
    import sys

    from qcdc_cli.app.lineage import lineage
    from qcdc_cli.cli._console import choose_lang, exit_if_unreadable, report

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
        lean=output_format == "text",
    )

    report(found)
    known, graph = found.known, found.graph
    cites = graph.parents(known.id)
    cited_by = graph.children(known.id)
    issues = [i for i in graph.issues if known.id in (i.source, i.target)]
    if output_format == "json":
        from qcdc_cli.render.graph_export import show_dict, to_json

        sys.stdout.write(to_json(show_dict(known, cites, cited_by, issues)))
    elif output_format == "html":
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
        from qcdc_cli.cli._trace_body import plain_width
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
