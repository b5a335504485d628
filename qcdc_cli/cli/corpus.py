"""Questions across the whole index: `qcdc stats`, `unresolved`, `coverage`, `export`.

All read the index built by `qcdc ingest`, read-only, so they answer during an ingest.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcdc_cli.cli._options import IndexOption as DbOption
from qcdc_cli.cli._options import (
    LangOption,
    ProvinceOption,
    RegistryOption,
    TextOrJson,
    YearOption,
    as_of_date,
    choose_lang,
    relation_choices,
)

if TYPE_CHECKING:
    from qcdc_cli.index.api import IndexReader


CorpusFormat = TextOrJson


class CoverageFormat(enum.StrEnum):
    text = "text"
    json = "json"
    html = "html"


FormatOption = Annotated[CorpusFormat, typer.Option("--format", "-f", help="text or json.")]

# What the counts mean, said wherever they are shown.
RESOLUTION = (
    "each citation resolved in the context of the document citing it (province, date, term) "
    "against the corpus and the registry; unknown = known only because cited"
)


def _warn_if_stale(store: IndexReader, lang: str) -> None:
    """Say when the counts come from a previous resolution: one being redone by an ingest
    writing now, or one a stopped ingest left."""
    if not store.derived_state()[0]:
        return
    from qcdc_cli.cli._console import error
    from qcdc_cli.render.messages import msg

    error(msg("err.stale_running" if store.ingest_running() else "err.stale", lang))


def stats(db: DbOption = None, output_format: FormatOption = CorpusFormat.text, lang: LangOption = None) -> None:
    """Documents by type, level, province and year; references resolved, ambiguous, unknown."""
    chosen_lang = choose_lang(lang)
    from qcdc_cli.cli._console import print_json, stdout_console
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.store import resolve_db_path

    db_path = resolve_db_path(db)
    with open_reader(db_path) as store:
        data = store.stats().to_dict()
        _warn_if_stale(store, chosen_lang)
    data["references"]["resolution"] = RESOLUTION
    if output_format is CorpusFormat.json:
        print_json({"db": str(db_path), **_jsonable(data)})
        return
    from qcdc_cli.render.reports import render_stats

    render_stats(data, stdout_console(), chosen_lang)


def unresolved(
    db: DbOption = None,
    output_format: FormatOption = CorpusFormat.text,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Numbers listed (0: all).")] = 50,
    citers: Annotated[int, typer.Option("--citers", min=0, help="Citing documents listed per number (0: all).")] = 5,
    lang: LangOption = None,
) -> None:
    """Documents cited but not in the corpus, most cited first, with who cites them.

    The list of what to collect next.
    """
    chosen_lang = choose_lang(lang)
    from qcdc_cli.cli._console import print_json, stdout_console
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.store import resolve_db_path

    db_path = resolve_db_path(db)
    with open_reader(db_path) as store:
        rows = [u.to_dict() for u in store.unresolved(limit or None, citers or None)]
        total = store.unresolved_count()
        _warn_if_stale(store, chosen_lang)
    if output_format is CorpusFormat.json:
        print_json({"db": str(db_path), "resolution": RESOLUTION, "total": total, "unresolved": rows})
    else:
        from qcdc_cli.render.reports import render_unresolved

        render_unresolved(rows, total, stdout_console(), chosen_lang)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Grouped counts as lists of {key, count}: JSON objects cannot have a null key."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out[key] = _jsonable(value)
        elif isinstance(value, list):
            out[key] = [{"key": k, "count": n} for k, n in value]
        else:
            out[key] = value
    return out


def coverage(
    document: Annotated[str, typer.Argument(metavar="ID", help="The directive: a number or id, as for `qcdc trace`.")],
    db: DbOption = None,
    output_format: Annotated[
        CoverageFormat,
        typer.Option("--format", "-f", help="text, json or html (a page with a table of provinces)."),
    ] = CoverageFormat.text,
    province: ProvinceOption = None,
    year: YearOption = None,
    relation: Annotated[
        list[str] | None,
        typer.Option(
            "--relation",
            "-r",
            callback=relation_choices,
            help="Relations that count as acting on it (default: implements, continues, guides).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            callback=as_of_date,
            help="As it stood on this day (2023-08-01 or 01/08/2023): the provinces then, the documents "
            "issued by then (default: today, its 34 provinces).",
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every document, not 5 per province.")] = False,
    registry: RegistryOption = None,
    lang: LangOption = None,
) -> None:
    """Which provinces and units have issued a document implementing DOCUMENT, directly or
    down the chain, with number and date, and which provinces have none in the corpus.

    Exit codes: 0 shown, 1 the number is unknown or ambiguous, 2 usage or input errors.
    """
    from qcdc_cli.cli._coverage_body import run

    run(
        document=document,
        db=db,
        output_format=output_format.value,
        province=province,
        year=year,
        relation=relation,
        as_of=as_of,
        show_all=show_all,
        registry=registry,
        lang=lang,
    )


HTML_LIMIT = 2_000  # documents drawn in one `export -f html` page


class ExportFormat(enum.StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    json = "json"
    dot = "dot"
    mermaid = "mermaid"
    html = "html"


def export(
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="graphml or gexf (Gephi, yEd), json, dot (Graphviz), mermaid, html (a page)."
        ),
    ] = ExportFormat.graphml,
    root: Annotated[
        str | None, typer.Option("--root", help="Only the documents above and below this one (a number or id).")
    ] = None,
    db: DbOption = None,
    province: ProvinceOption = None,
    year: YearOption = None,
    registry: RegistryOption = None,
    lang: LangOption = None,
) -> None:
    """The lineage graph of the index, or the part around --root, on stdout.

    Mermaid needs --root: a Markdown page cannot draw a whole corpus.
    """
    import sys

    from qcdc_cli.index.store import resolve_db_path
    from qcdc_cli.lineage.graph import Trace

    chosen_lang = choose_lang(lang)
    if output_format is ExportFormat.mermaid and root is None:
        raise typer.BadParameter("mermaid needs --root ID", param_hint="--format")
    db_path = resolve_db_path(db)
    if root is not None:
        from qcdc_cli.app.lineage import lineage
        from qcdc_cli.cli._console import report

        found = lineage(root, province=province, year=year, scope="both", registry=registry, db=db_path)
        report(found)
        target, graph = found.known.id, found.graph
        around = graph.reach(target, "up") | graph.reach(target, "down")
        if len(around) < len(graph):  # the whole index, resolved again under another registry
            graph = graph.subgraph(around)
    else:
        from qcdc_cli.index.backend import open_reader
        from qcdc_cli.index.derived import index_graph

        with open_reader(db_path) as store:
            _warn_if_stale(store, chosen_lang)
        target, graph = "", index_graph(db_path, "", "all")
    if output_format in (ExportFormat.graphml, ExportFormat.gexf):
        from qcdc_cli.render.graph_export import networkx_lines

        sys.stdout.writelines(networkx_lines(graph, output_format.value))
        return
    if output_format is ExportFormat.html:
        from qcdc_cli.knowledge.registry import load_vocabulary
        from qcdc_cli.render.html import level_by_issuer, lineage_page

        nodes = graph.nodes()
        if len(nodes) > HTML_LIMIT:  # a browser cannot lay out, nor a person read, a whole large corpus
            raise typer.BadParameter(
                f"{len(nodes):,} documents are too many for one picture (at most {HTML_LIMIT:,}); "
                "give --root ID, or use graphml or gexf for Gephi",
                param_hint="--format",
            )
        heading = target or str(db_path)
        page = lineage_page(
            heading,
            f"{len(nodes):,} documents",
            nodes,
            graph.links(),
            level_by_issuer(load_vocabulary(registry or ())),
            target=target or None,
            issues=list(graph.issues),
            lang=chosen_lang,
        )
        sys.stdout.write(page)
        return
    from qcdc_cli.render import graph_export

    view = Trace(target, "both", None, graph.nodes(), graph.links(), [], issues=list(graph.issues))
    sys.stdout.write(graph_export.TRACE_WRITERS[output_format.value](view))
