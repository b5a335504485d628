"""Rich renderings of the index's reports: `stats`, `unresolved`, `coverage`.

Every document-derived string goes through `terminal.safe` (markup and escape
sequences shown literally)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def render_stats(data: dict[str, Any], console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    from qcdc_cli.terminal import safe

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


def render_unresolved(rows: list[dict[str, Any]], total: int, console: Console) -> None:
    from rich.text import Text

    from qcdc_cli.terminal import safe

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


def render_coverage(result: dict[str, Any], console: Console, show_all: bool) -> None:
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
