"""What `qcdc check` does once its options are parsed, without Typer: the Typer command
(cli.check) and the start-up fast path (cli._fast) both call `run`, with --format,
--fail-on and --lang as plain strings."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def _split(values: list[str] | None) -> list[str] | None:
    """Repeatable options that also take comma-separated lists: --ignore QC016,QC003."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def run(
    drafts: list[Path],
    db: Path | None,
    output_format: str | None,
    fail_on: str | None,
    select: list[str] | None,
    ignore: list[str] | None,
    lang: str | None,
    registry: list[Path] | None,
    config_file: Path | None,
    as_of: str | None,
) -> int:
    """The exit status: 0 clean, 1 findings at or above --fail-on, 2 a draft unreadable."""
    import os
    import sys

    from qcdc_cli.cli._console import choose_lang
    from qcdc_cli.config import load_config
    from qcdc_cli.errors import ConfigError
    from qcdc_cli.lint.lint import enabled_rules, resolve_codes, severity_rank
    from qcdc_cli.render.diagnostics import summary

    config = load_config(config_file)
    settings = config.check
    where = f"{config.source}: " if config.source else ""
    chosen_lang = choose_lang(lang, settings.lang or config.lang or "")
    chosen_format = output_format or settings.format or "text"
    threshold = fail_on or settings.fail_on or "error"
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
        from qcdc_cli.render.diagnostics import render_text

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        width = None
        if color:
            import shutil  # on a terminal only: shutil brings bz2 and lzma (~4 ms)

            width = shutil.get_terminal_size().columns
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
        return 2
    found = [g.severity for r in reports for g in r.diagnostics]
    if threshold != "never" and any(severity_rank(s) >= severity_rank(threshold) for s in found):
        return 1
    return 0
