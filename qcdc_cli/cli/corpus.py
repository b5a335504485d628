"""Questions across the whole index: `qcdc stats`, `qcdc unresolved`.

All read the index built by `qcdc ingest`, read-only, so they answer during an ingest.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcdc_cli.cli._options import IndexOption as DbOption
from qcdc_cli.cli._options import ProvinceOption, RegistryOption, TextOrJson, YearOption, as_of_date, relation_choices

if TYPE_CHECKING:
    from rich.console import Console


CorpusFormat = TextOrJson
FormatOption = Annotated[CorpusFormat, typer.Option("--format", "-f", help="text or json.")]

# What the counts mean, said wherever they are shown.
RESOLUTION = (
    "each citation resolved in the context of the document citing it (province, date, term) "
    "against the corpus and the registry; unknown = known only because cited"
)
STALE = "the last ingest stopped before resolving; run `qcdc ingest` again for exact counts"


def stats(db: DbOption = None, output_format: FormatOption = CorpusFormat.text) -> None:
    """Documents by type, level, province and year; references resolved, ambiguous, unknown."""
    from qcdc_cli.cli._console import error, print_json, stdout_console
    from qcdc_cli.index.store import Store, resolve_db_path

    db_path = resolve_db_path(db)
    with Store.open_reader(db_path) as store:
        data = store.stats()
    data["references"]["resolution"] = RESOLUTION
    if data["stale"]:
        error(STALE)
    if output_format is CorpusFormat.json:
        print_json({"db": str(db_path), **_jsonable(data)})
        return
    _render_stats(data, stdout_console())


def unresolved(
    db: DbOption = None,
    output_format: FormatOption = CorpusFormat.text,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Numbers listed (0: all).")] = 50,
    citers: Annotated[int, typer.Option("--citers", min=0, help="Citing documents listed per number (0: all).")] = 5,
) -> None:
    """Documents cited but not in the corpus, most cited first, with who cites them.

    The list of what to collect next.
    """
    from qcdc_cli.cli._console import error, print_json, stdout_console
    from qcdc_cli.index.store import Store, resolve_db_path

    db_path = resolve_db_path(db)
    with Store.open_reader(db_path) as store:
        rows = store.unresolved(limit or None, citers or None)
        total = store.unresolved_count()
        if store.derived_state()[0]:
            error(STALE)
    if output_format is CorpusFormat.json:
        print_json({"db": str(db_path), "resolution": RESOLUTION, "total": total, "unresolved": rows})
    else:
        _render_unresolved(rows, total, stdout_console())


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


def _render_stats(data: dict[str, Any], console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    from qcdc_cli.cli._console import safe

    totals = data["totals"]
    docs = data["documents"]
    refs = data["references"]
    console.print(
        Text(
            f"{totals['documents']:,} documents in {totals['files']:,} files"
            f" ({totals['failed']:,} failed), {totals['references']:,} references"
            f" ({totals['mentions']:,} mentions)"
        )
    )
    if docs["without_number"]:
        n = docs["without_number"]
        carry = "document carries no number of its own" if n == 1 else "documents carry no number of their own"
        console.print(Text(f"{n:,} {carry}"))
    for title, key, limit in (
        ("type", "by_type", 30),
        ("level", "by_level", 10),
        ("province", "by_province", 70),
        ("year", "by_year", 100),
    ):
        rows = docs[key]
        table = Table(box=None, pad_edge=False)
        table.add_column(title)
        table.add_column("documents", justify="right")
        for value, count in rows[:limit]:
            table.add_row(safe(value if value is not None else "(unknown)"), f"{count:,}")
        if len(rows) > limit:
            table.add_row(Text(f"... {len(rows) - limit} more"), "")
        console.print()
        console.print(Text(f"documents by {title}", style="bold"))
        console.print(table)
    console.print()
    total = refs["resolved"] + refs["ambiguous"] + refs["unknown"] + refs["not_resolved_yet"]
    console.print(Text("references", style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column("match")
    table.add_column("references", justify="right")
    table.add_column("share", justify="right")
    keys = ["resolved", "ambiguous", "unknown"] + (["not_resolved_yet"] if refs["not_resolved_yet"] else [])
    for key in keys:
        share = f"{refs[key] / total:.1%}" if total else "-"
        table.add_row(key.replace("_", " "), f"{refs[key]:,}", share)
    console.print(table)
    console.print(Text(f"resolution: {refs['resolution']}"), soft_wrap=True)
    console.print()
    console.print(Text("references by relation", style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column("relation")
    table.add_column("references", justify="right")
    for relation, count in refs["by_relation"]:
        table.add_row(safe(relation), f"{count:,}")
    console.print(table)


def _render_unresolved(rows: list[dict[str, Any]], total: int, console: Console) -> None:
    from rich.text import Text

    from qcdc_cli.cli._console import safe

    if not rows:
        console.print(Text("every cited document is in the corpus or the registry"))
        return
    width = max(len(r["id"] or r["number"]) for r in rows)
    for r in rows:
        relations = ", ".join(f"{k} {v:,}" for k, v in r["relations"].items())
        line = Text()
        line.append_text(safe((r["id"] or r["number"]).ljust(width), style="bold"))
        line.append(f"  cited by {r['cited_by_count']:,} documents ({relations})")
        console.print(line, soft_wrap=True)
        for c in r["cited_by"]:
            who = Text("    ")
            who.append_text(safe(c["id"] or c["number"] or "(no number)"))
            if c["date"]:
                who.append("  ")
                who.append_text(safe(c["date"]))
            who.append(f"  {c['relation']}  ")
            who.append_text(safe(c["path"], style="dim"))
            console.print(who, soft_wrap=True)
        if r["cited_by_count"] > len(r["cited_by"]):
            console.print(Text(f"    ... and {r['cited_by_count'] - len(r['cited_by']):,} more"))
    if total > len(rows):
        console.print(Text(f"... and {total - len(rows):,} more"))
    console.print(Text(f"{total:,} cited documents are in neither the corpus nor the registry"), soft_wrap=True)


# ---- coverage and export: the lineage graph the index holds


def coverage(
    document: Annotated[str, typer.Argument(help="The directive: a number or id, as for `qcdc trace`.")],
    db: DbOption = None,
    output_format: FormatOption = CorpusFormat.text,
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
            help="Compare with the provinces of this date: 2023-08-01, 01/08/2023 or 1/8/2023 (default: today's 34).",
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every document, not 5 per province.")] = False,
    registry: RegistryOption = None,
) -> None:
    """Which provinces and units have issued a document implementing DOCUMENT, directly or
    down the chain, with number and date, and which provinces have none in the corpus.

    Exit codes: 0 shown, 1 the number is unknown or ambiguous, 2 usage or input errors.
    """
    import datetime as dt

    from qcdc_cli.app.lineage import lineage
    from qcdc_cli.app.pipeline import COVERAGE_RELATIONS, coverage_of
    from qcdc_cli.cli._console import print_json, report, stdout_console
    from qcdc_cli.index.store import resolve_db_path

    db_path = resolve_db_path(db)
    when = as_of or dt.date.today().isoformat()
    found = lineage(document, province=province, year=year, scope="down", registry=registry, db=db_path)
    report(found)
    known, graph = found.known, found.graph
    provinces = found.catalog.vocab.provinces
    units = [
        p.name
        for p in provinces
        if (p.valid_from is None or p.valid_from <= when) and (p.valid_until is None or when <= p.valid_until)
    ]
    successors = {p.name: p.successor for p in provinces if p.successor and p.successor != p.name}
    result = coverage_of(graph, known.id, units, successors, tuple(relation or COVERAGE_RELATIONS))
    result["as_of"] = when
    result["document"] = {"id": known.id, "issuer": known.issuer, "date": known.date, "title": known.title}
    if output_format is CorpusFormat.json:
        print_json(result)
        return
    _render_coverage(result, stdout_console(), show_all)


def _render_coverage(result: dict[str, Any], console: Console, show_all: bool) -> None:
    from rich.text import Text

    from qcdc_cli.cli._console import safe

    doc = result["document"]
    head = Text()
    head.append_text(safe(doc["id"], style="bold"))
    meta = ", ".join(x for x in (doc["issuer"], doc["date"]) if x)
    if meta:
        head.append(" (")
        head.append_text(safe(meta))
        head.append(")")
    head.append(
        f": {result['documents']:,} documents in {result['covered']} of {result['gazetteer']} provinces"
        f" (as of {result['as_of']}; {', '.join(result['relations'])})"
    )
    console.print(head, soft_wrap=True)
    for unit, docs in result["provinces"].items():
        line = Text("\n")
        line.append_text(safe(unit, style="bold"))
        line.append(f"  {len(docs):,} documents, {sum(d['direct'] for d in docs):,} direct")
        console.print(line, soft_wrap=True)
        ordered = sorted(docs, key=lambda d: (not d["direct"], d["date"] or "", d["id"]))
        for d in ordered if show_all else ordered[:5]:
            row = Text("  ")
            row.append_text(safe(d["id"]))
            for extra in (d["date"], d["issuer"]):
                if extra:
                    row.append("  ")
                    row.append_text(safe(extra))
            if not d["direct"] and d["via"]:
                row.append("  via ")
                row.append_text(safe(", ".join(d["via"])))
            console.print(row, soft_wrap=True)
        if not show_all and len(docs) > 5:
            console.print(Text(f"  ... and {len(docs) - 5:,} more (--all lists them)"))
    missing = result["missing"]
    console.print()
    if missing:
        line = Text(f"no document yet from {len(missing)} provinces: ")
        line.append_text(safe(", ".join(missing)))
        console.print(line, soft_wrap=True)
    else:
        console.print(Text("every province has acted on it"))


class ExportFormat(enum.StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    json = "json"
    dot = "dot"
    mermaid = "mermaid"


def export(
    output_format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="graphml or gexf (Gephi, yEd), json, dot (Graphviz), mermaid."),
    ] = ExportFormat.graphml,
    root: Annotated[
        str | None, typer.Option("--root", help="Only the documents above and below this one (a number or id).")
    ] = None,
    db: DbOption = None,
    province: ProvinceOption = None,
    year: YearOption = None,
    registry: RegistryOption = None,
) -> None:
    """The lineage graph of the index, or the part around --root, on stdout.

    Mermaid needs --root: a Markdown page cannot draw a whole corpus.
    """
    import sys

    from qcdc_cli.index.store import resolve_db_path
    from qcdc_cli.lineage.graph import Trace

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
        from qcdc_cli.app.pipeline import index_graph
        from qcdc_cli.cli._console import error
        from qcdc_cli.index.store import Store

        with Store.open_reader(db_path) as store:
            if store.derived_state()[0]:
                error(STALE)
        target, graph = "", index_graph(db_path, "", "all")
    if output_format in (ExportFormat.graphml, ExportFormat.gexf):
        sys.stdout.writelines(_networkx_lines(graph, output_format))
        return
    from qcdc_cli.render import graph_export

    view = Trace(target, "both", None, graph.nodes(), graph.links(), [], issues=list(graph.issues))
    sys.stdout.write(graph_export.TRACE_WRITERS[output_format.value](view))


def _networkx_lines(graph: Any, output_format: ExportFormat) -> Any:
    """GraphML or GEXF text: networkx's writers, on attributes made safe for XML (no
    None, no control characters, which XML 1.0 cannot carry)."""
    import networkx as nx

    from qcdc_cli.cli._console import sanitize
    from qcdc_cli.render.graph_export import node_dict

    g = nx.DiGraph()
    for node in graph.nodes():
        described = node_dict(node)
        attrs = {"label": described.pop("id"), **described}
        clean: dict[str, Any] = {
            k: v if isinstance(v, bool) else sanitize(v) for k, v in attrs.items() if v is not None
        }
        g.add_node(sanitize(node.id), **clean)
    for link in graph.links():
        first = link.evidence[0] if link.evidence else None
        where = (first.registry and f"registry:{first.registry}") or (first and f"{first.path}:{first.line}") or ""
        g.add_edge(
            sanitize(link.source),
            sanitize(link.target),
            relation=link.relation,
            evidence=len(link.evidence),
            source_of=sanitize(where),
            quote=sanitize((first.text or "") if first else ""),
        )
    if output_format is ExportFormat.gexf:
        return (line + "\n" for line in nx.generate_gexf(g))
    return (line + "\n" for line in nx.generate_graphml(g))
