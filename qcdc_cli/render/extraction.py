"""`qcdc extract --format text`: a readable table per file."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from qcdc_cli.terminal import safe


def render_extractions(results: list[dict[str, Any]], console: Console) -> None:
    """Print each file's identity line, its references table and its reported relations."""
    for result in results:
        me = result["self"] or {}
        head = Text()
        head.append_text(safe(result["path"], "bold"))
        head.append("  ")
        head.append_text(safe(me.get("number") or "(no number of its own)", "cyan"))
        for key in ("type_name", "date", "province", "issuer"):
            if me.get(key):
                head.append("  ·  ")
                head.append_text(safe(str(me[key])))
        console.print(head)
        if me.get("title"):
            console.print(safe(me["title"], "italic"))
        table = Table(show_edge=False, pad_edge=False, expand=False)
        for column in ("number", "relation", "date", "issuer", "lines", "note"):
            table.add_column(column)
        for ref in result["references"]:
            lines = ",".join(str(m["line"]) for m in ref["mentions"][:6])
            if len(ref["mentions"]) > 6:
                lines += ",…"
            note = (
                f"malformed → {ref['suggestion']}"
                if ref["malformed"] and ref["suggestion"]
                else ("malformed" if ref["malformed"] else "")
            )
            table.add_row(
                safe(ref["number"], "cyan"),
                safe(ref["relation"], "green" if ref["relation"] != "cites" else ""),
                safe(ref["date"] or ""),
                safe(ref["issuer"] or ""),
                safe(lines),
                safe(note, "yellow"),
            )
        console.print(table)
        for rel in result["reported_relations"]:
            line = Text("  reported: ")
            line.append_text(safe(rel["source"], "cyan"))
            line.append_text(safe(f" {rel['relation']} ", "green"))
            line.append_text(safe(rel["target"], "cyan"))
            line.append_text(safe(f"  (line {rel['line']})", "dim"))
            console.print(line)
        for problem in result["problems"]:
            where = f"line {problem['line']}: " if problem.get("line") else ""
            console.print(safe(f"  {problem['code']}: {where}{problem['message']}", "yellow"))
        console.print()
