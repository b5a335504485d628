"""`qcdc extract --format text`: a readable table per file."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from qcdc_cli.render.messages import msg, relation_name
from qcdc_cli.terminal import safe

NARROW = 120  # below this many columns the note leaves the table for a line of its own


def render_extractions(results: list[dict[str, Any]], console: Console, lang: str = "en") -> None:
    """Print each file's identity line, its references table and its reported relations."""
    for result in results:
        me = result["self"] or {}
        head = Text()
        head.append_text(safe(result["path"], "bold"))
        head.append("  ")
        head.append_text(safe(me.get("number") or msg("extract.no_number", lang), "cyan"))
        for key in ("type_name", "date", "province", "issuer"):
            if me.get(key):
                head.append("  ·  ")
                head.append_text(safe(str(me[key])))
        console.print(head)
        if me.get("title"):
            console.print(safe(me["title"], "italic"))
        table = Table(show_edge=False, pad_edge=False, expand=False)
        # numbers and dates are never cut or broken (they are what the table is for); line
        # lists fold; issuers and notes wrap at spaces
        widest = max((len(ref["number"]) for ref in result["references"]), default=6)
        table.add_column(msg("extract.col.number", lang), no_wrap=True, min_width=widest)
        table.add_column(msg("extract.col.relation", lang), no_wrap=True)
        table.add_column(msg("extract.col.date", lang), no_wrap=True)
        table.add_column(msg("extract.col.issuer", lang), overflow="fold")
        table.add_column(msg("extract.col.lines", lang), overflow="fold")
        narrow = console.width < NARROW
        if not narrow:
            table.add_column(msg("extract.col.note", lang), overflow="fold")
        notes: list[tuple[str, str]] = []  # narrow: below the table, one line each
        for ref in result["references"]:
            lines = (", " if narrow else ",").join(
                str(m["line"]) for m in ref["mentions"][:6]
            )  # narrow: wraps at spaces
            if len(ref["mentions"]) > 6:
                lines += ",…"
            note = (
                msg("extract.malformed_to", lang, suggestion=ref["suggestion"])
                if ref["malformed"] and ref["suggestion"]
                else (msg("extract.malformed", lang) if ref["malformed"] else "")
            )
            cells = [
                safe(ref["number"], "cyan"),
                safe(relation_name(ref["relation"], lang), "green" if ref["relation"] != "cites" else ""),
                safe(ref["date"] or ""),
                safe(ref["issuer"] or ""),
                safe(lines),
            ]
            if narrow:
                if note:
                    notes.append((ref["number"], note))
            else:
                cells.append(safe(note, "yellow"))
            table.add_row(*cells)
        console.print(table)
        for number, note in notes:
            line = Text("  ")
            line.append_text(safe(number, "cyan"))
            line.append(": ")
            line.append_text(safe(note, "yellow"))
            console.print(line)
        for rel in result["reported_relations"]:
            line = Text(msg("extract.reported", lang))
            line.append_text(safe(rel["source"], "cyan"))
            line.append_text(safe(f" {relation_name(rel['relation'], lang)} ", "green"))
            line.append_text(safe(rel["target"], "cyan"))
            line.append_text(safe(msg("extract.line", lang, line=rel["line"]), "dim"))
            console.print(line)
        for problem in result["problems"]:
            where = f"line {problem['line']}: " if problem.get("line") else ""
            console.print(safe(f"  {problem['code']}: {where}{problem['message']}", "yellow"))
        console.print()
