"""Questions across the whole index: `qcdc stats`, `qcdc unresolved`.

All read the index built by `qcdc ingest`, read-only, so they answer during an ingest.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console


class CorpusFormat(enum.StrEnum):
    text = "text"
    json = "json"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="The index file (default: $QCDC_DB, else ./.qcdc/index.sqlite)."),
]
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
    from qcdc_cli.store import Store, resolve_db_path

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
    from qcdc_cli.store import Store, resolve_db_path

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
