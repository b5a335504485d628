"""Rich renderings of the index's reports: `stats`, `unresolved`, `coverage`.

Every document-derived string goes through `terminal.safe` (markup and escape
sequences shown literally)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qcdc_cli.render.messages import count_msg, level_name, msg, relation_name

if TYPE_CHECKING:
    from rich.console import Console


def render_stats(data: dict[str, Any], console: Console, lang: str = "en") -> None:
    from rich.table import Table
    from rich.text import Text

    from qcdc_cli.terminal import safe

    totals = data["totals"]
    docs = data["documents"]
    refs = data["references"]
    console.print(Text(msg("stats.totals", lang, **totals)))
    if docs["without_number"]:
        n = docs["without_number"]
        console.print(Text(count_msg("stats.no_number", n, lang, n=n)))
    for title, key, limit in (
        ("type", "by_type", 30),
        ("level", "by_level", 10),
        ("province", "by_province", 70),
        ("year", "by_year", 100),
    ):
        rows = docs[key]
        table = Table(box=None, pad_edge=False)
        heading = msg(f"stats.col.{title}", lang)
        table.add_column(heading)
        table.add_column(msg("stats.col.documents", lang), justify="right")
        for value, count in rows[:limit]:
            shown = level_name(value, lang) if title == "level" else value
            table.add_row(safe(shown if shown is not None else msg("stats.unknown", lang)), f"{count:,}")
        if len(rows) > limit:
            table.add_row(Text(msg("stats.more", lang, n=len(rows) - limit)), "")
        console.print()
        console.print(Text(msg("stats.by", lang, what=heading), style="bold"))
        console.print(table)
    console.print()
    total = refs["resolved"] + refs["ambiguous"] + refs["unknown"] + refs["not_resolved_yet"]
    console.print(Text(msg("stats.references", lang), style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column(msg("stats.col.match", lang))
    table.add_column(msg("stats.col.references", lang), justify="right")
    table.add_column(msg("stats.col.share", lang), justify="right")
    keys = ["resolved", "ambiguous", "unknown"] + (["not_resolved_yet"] if refs["not_resolved_yet"] else [])
    for key in keys:
        share = f"{refs[key] / total:.1%}" if total else "-"
        table.add_row(msg("stats.unknown_match" if key == "unknown" else f"stats.{key}", lang), f"{refs[key]:,}", share)
    console.print(table)
    resolution = msg("stats.resolution_text", lang) if lang != "en" else refs["resolution"]
    console.print(Text(msg("stats.resolution", lang, text=resolution)), soft_wrap=True)
    console.print()
    console.print(Text(msg("stats.by_relation", lang), style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column(msg("stats.col.relation", lang))
    table.add_column(msg("stats.col.references", lang), justify="right")
    for relation, count in refs["by_relation"]:
        table.add_row(safe(relation_name(relation, lang)), f"{count:,}")
    console.print(table)


def render_unresolved(rows: list[dict[str, Any]], total: int, console: Console, lang: str = "en") -> None:
    from rich.text import Text

    from qcdc_cli.terminal import safe

    if not rows:
        console.print(Text(msg("unresolved.none", lang)))
        return
    width = max(len(r["id"] or r["number"]) for r in rows)
    for r in rows:
        relations = ", ".join(f"{relation_name(k, lang)} {v:,}" for k, v in r["relations"].items())
        line = Text()
        line.append_text(safe((r["id"] or r["number"]).ljust(width), style="bold"))
        n = r["cited_by_count"]
        line.append(count_msg("unresolved.cited_by", n, lang, n=n, relations=relations))
        console.print(line, soft_wrap=True)
        for c in r["cited_by"]:
            who = Text("    ")
            who.append_text(safe(c["id"] or c["number"] or msg("unresolved.no_number", lang)))
            if c["date"]:
                who.append("  ")
                who.append_text(safe(c["date"]))
            who.append(f"  {relation_name(c['relation'], lang)}  ")
            who.append_text(safe(c["path"], style="dim"))
            console.print(who, soft_wrap=True)
        if r["cited_by_count"] > len(r["cited_by"]):
            console.print(Text(msg("unresolved.and_more_citers", lang, n=r["cited_by_count"] - len(r["cited_by"]))))
    if total > len(rows):
        console.print(Text(msg("unresolved.and_more", lang, n=total - len(rows))))
    console.print(Text(msg("unresolved.total", lang, n=total)), soft_wrap=True)


# ---- coverage and export: the lineage graph the index holds


def render_coverage(result: dict[str, Any], console: Console, show_all: bool, lang: str = "en") -> None:
    from rich.text import Text

    from qcdc_cli.terminal import safe

    doc = result["document"]
    head = Text()
    head.append_text(safe(doc["id"], style="bold"))
    meta = ", ".join(x for x in (doc["issuer"], doc["date"]) if x)
    if meta:
        head.append(" (")
        head.append_text(safe(meta))
        head.append(")")
    head.append(
        count_msg(
            "coverage.head",
            result["documents"],
            lang,
            documents=result["documents"],
            covered=result["covered"],
            gazetteer=result["gazetteer"],
            as_of=result["as_of"],
            relations=", ".join(relation_name(r, lang) for r in result["relations"]),
        )
    )
    console.print(head, soft_wrap=True)
    central = result.get("central") or []
    if central:  # central documents carrying it on belong to no province
        console.print(Text(f"\ncentral documents  {len(central):,}", style="bold"), soft_wrap=True)
        for d in central:
            row = Text("  ")
            row.append_text(safe(" ".join(x for x in (d["id"], d["date"], d["issuer"]) if x)))
            console.print(row, soft_wrap=True)
    for unit, docs in result["provinces"].items():
        line = Text("\n")
        line.append_text(safe(unit, style="bold"))
        line.append(count_msg("coverage.unit", len(docs), lang, n=len(docs), direct=sum(d["direct"] for d in docs)))
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
                row.append(msg("coverage.via", lang))
                row.append_text(safe(", ".join(d["via"])))
            console.print(row, soft_wrap=True)
        if not show_all and len(docs) > 5:
            console.print(Text(msg("coverage.more", lang, n=len(docs) - 5)))
    missing = result["missing"]
    console.print()
    if missing:
        line = Text(msg("coverage.missing", lang, n=len(missing)))
        line.append_text(safe(", ".join(missing)))
        console.print(line, soft_wrap=True)
    else:
        console.print(Text(msg("coverage.all", lang)))
