"""What `qcdc trace` does once its options are parsed, without Typer: the Typer command
(cli.trace) and the start-up fast path (cli._fast_lineage) both call `run`, with
--format and --lang as plain strings."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Literal

    from qcdc_cli.lineage.graph import LineageGraph


def run(
    document: str,
    up: bool,
    down: bool,
    both: bool,
    depth: int | None,
    output_format: str,
    corpus: list[Path] | None,
    province: str | None,
    year: int | None,
    relation: list[str] | None,
    summary: bool,
    no_fold: bool,
    db: Path | None,
    registry: list[Path] | None,
    lang: str | None,
    as_of: str | None,
) -> None:
    """The trace, printed (at most one of `up`, `down`, `both`: the caller checks)."""
    import sys

    from qcdc_cli.app.lineage import lineage
    from qcdc_cli.cli._console import choose_lang, exit_if_unreadable, report

    chosen_lang = choose_lang(lang)
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
        lean=output_format == "text" and not summary,
    )
    report(found)
    result = found.graph.trace(found.known.id, direction, depth=depth, relations=relation, fold=not no_fold)

    if summary and output_format == "text":
        from qcdc_cli.cli._console import stdout_console
        from qcdc_cli.render.html import level_by_issuer, summary_counts
        from qcdc_cli.render.trace import render_summary

        counts = summary_counts(result.nodes, result.links, level_by_issuer(found.catalog.vocab))
        stdout_console().print(render_summary(result, counts, chosen_lang))
    elif output_format == "text":
        from qcdc_cli.render.trace import render_trace, trace_text

        names = found.catalog.vocab.type_names
        width = plain_width()
        text = trace_text(result, names, chosen_lang, width) if width is not None else None
        if text is not None:
            sys.stdout.write(text)
        else:
            from qcdc_cli.cli._console import stdout_console

            stdout_console().print(render_trace(result, names, chosen_lang))
    elif output_format == "html":
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

        sys.stdout.write(graph_export.TRACE_WRITERS[output_format](result))
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
