"""`qcdc check`: lint plan drafts for citation mistakes, for CI and pre-commit.

Exit codes follow linters (ruff, flake8): 0 no finding at or above `--fail-on`, 1
findings, 2 usage, configuration or I/O error. A draft that cannot be read is reported
and the others are still checked; the run then exits 2, since it is incomplete.
"""

# No `from __future__ import annotations`: Typer reads these signatures at every start,
# and string annotations cost it an eval each (~3 ms for this command).
import enum
from pathlib import Path
from typing import Annotated

import typer

from qcdc_cli.cli._console import default_lang
from qcdc_cli.cli._options import AsOfOption, Lang, choose_lang

__all__ = ["check", "default_lang"]


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class FailOn(enum.StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _split(values: list[str] | None) -> list[str] | None:
    """Repeatable options that also take comma-separated lists: --ignore QC016,QC003."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def check(
    drafts: Annotated[
        list[Path], typer.Argument(metavar="DRAFT...", help="Draft texts or folders (.txt and .md inside folders).")
    ],
    db: Annotated[
        Path | None,
        typer.Option("--db", help="An index built by `qcdc ingest`: also check against it."),
    ] = None,
    output_format: Annotated[
        CheckFormat | None,
        typer.Option("--format", "-f", help="text (default), json, sarif or github annotations."),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 on findings of this severity or worse (default error)."),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Only these rules: codes, prefixes or names (a,b)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules (added to the configuration's ignore)."),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Message language; default from LC_ALL/LANG (vi* gives vi)."),
    ] = None,
    registry: Annotated[
        list[Path] | None,
        typer.Option("--registry", help="An extra registry YAML file (repeatable)."),
    ] = None,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="Configuration file (default: nearest .qcdc.toml or pyproject.toml)."),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """Check drafts for citation mistakes: malformed numbers, wrong dates or issuers,
    superseded or unknown documents, a missing number or date line.

    Configuration: [tool.qcdc.check] in pyproject.toml or [check] in .qcdc.toml (select,
    ignore, severity, fail-on, lang). Exit status: 0 clean, 1 findings at or above
    --fail-on, 2 usage, configuration or read error.
    """
    import os
    import sys

    from qcdc_cli.config import load_config
    from qcdc_cli.errors import ConfigError
    from qcdc_cli.lint.lint import enabled_rules, resolve_codes, severity_rank
    from qcdc_cli.render.diagnostics import summary

    config = load_config(config_file)
    settings = config.check
    where = f"{config.source}: " if config.source else ""
    chosen_lang = choose_lang(lang, settings.lang or config.lang or "")
    chosen_format = output_format.value if output_format else settings.format or "text"
    threshold = fail_on.value if fail_on else settings.fail_on or "error"
    cli_select = _split(select)
    try:
        config_rules = enabled_rules(settings.select, settings.ignore)
        severities = {code: level for key, level in settings.severity.items() for code in resolve_codes([key])}
    except ConfigError as e:
        raise ConfigError(f"{where}{e}") from None
    rules = enabled_rules(cli_select, []) if cli_select is not None else config_rules
    rules = rules - resolve_codes(_split(ignore) or [])

    from qcdc_cli.app.check import check_paths

    checked = check_paths(drafts, db, [*config.registry, *(registry or [])], rules, severities, as_of)
    reports = checked.reports

    if chosen_format == "json":
        from qcdc_cli.cli._console import print_json
        from qcdc_cli.render.diagnostics import to_json

        print_json(to_json(reports, chosen_lang))
    elif chosen_format == "sarif":
        from qcdc_cli.cli._console import print_json
        from qcdc_cli.render.diagnostics import to_sarif

        print_json(to_sarif(reports, chosen_lang, rules, severities))
    elif chosen_format == "github":
        from qcdc_cli.render.diagnostics import render_github

        sys.stdout.write(render_github(reports, chosen_lang))
    else:
        import shutil

        from qcdc_cli.render.diagnostics import render_text

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        width = shutil.get_terminal_size().columns if color else None
        sys.stdout.write(render_text(reports, chosen_lang, color=color, width=width))
    sys.stdout.flush()

    from qcdc_cli.cli._console import error

    for note in checked.notes:
        error(note)
    for report in reports:
        if report.error:
            error(report.error)
    if chosen_format == "text":
        sys.stderr.write(summary(reports, chosen_lang) + "\n")
    if any(r.error for r in reports):
        raise typer.Exit(2)
    found = [g.severity for r in reports for g in r.diagnostics]
    if threshold != "never" and any(severity_rank(s) >= severity_rank(threshold) for s in found):
        raise typer.Exit(1)
