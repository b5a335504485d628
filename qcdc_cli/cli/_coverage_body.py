"""What `qcdc coverage` does once its options are parsed, without Typer: the Typer
command (cli.corpus.coverage) and the start-up fast path (cli._fast_lineage) both call
`run`, with --format and --lang as plain strings."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def run(
    document: str,
    db: Path | None,
    output_format: str,
    province: str | None,
    year: int | None,
    relation: list[str] | None,
    as_of: str | None,
    show_all: bool,
    registry: list[Path] | None,
    lang: str | None,
) -> None:
    """`qcdc coverage`: which provinces and units act on the directive, printed."""
    import datetime as dt

    from qcdc_cli.cli._console import choose_lang

    chosen_lang = choose_lang(lang)
    from qcdc_cli.app.coverage import coverage_report
    from qcdc_cli.cli._console import print_json, report, stdout_console
    from qcdc_cli.index.store import resolve_db_path

    db_path = resolve_db_path(db)
    when = as_of or dt.date.today().isoformat()
    result, found = coverage_report(
        document, db_path, registry or (), as_of=when, province=province, year=year, relations=relation
    )
    report(found)
    if output_format == "json":
        print_json(result)
        return
    if output_format == "html":
        import sys

        from qcdc_cli.render.html import coverage_page

        sys.stdout.write(coverage_page(result, chosen_lang))
        return
    from qcdc_cli.render.reports import render_coverage

    render_coverage(result, stdout_console(), show_all, chosen_lang)
