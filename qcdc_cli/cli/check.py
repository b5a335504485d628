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
from qcdc_cli.cli._options import AsOfOption, Lang

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
    from qcdc_cli.cli._check_body import run

    code = run(
        drafts=drafts,
        db=db,
        output_format=output_format.value if output_format else None,
        fail_on=fail_on.value if fail_on else None,
        select=select,
        ignore=ignore,
        lang=lang.value if lang else None,
        registry=registry,
        config_file=config_file,
        as_of=as_of,
    )
    if code:
        raise typer.Exit(code)
