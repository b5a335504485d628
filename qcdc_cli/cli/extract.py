"""`qcdc extract`: every document number, date and relation in the given texts."""

# No `from __future__ import annotations`: Typer reads these signatures at every start,
# and string annotations cost it an eval each (~3 ms for this command).
import enum
from pathlib import Path
from typing import Annotated

import typer

from qcdc_cli.cli._options import LangOption, RegistryOption, choose_lang


class ExtractFormat(enum.StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


def extract(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Text files or folders (.txt and .md inside folders).")
    ],
    output_format: Annotated[
        ExtractFormat,
        typer.Option("--format", "-f", help="text (a table per file), json or jsonl."),
    ] = ExtractFormat.text,
    registry: RegistryOption = None,
    lang: LangOption = None,
) -> None:
    """Read document numbers, dates, issuers and relations from texts.

    One entry per input file, in input order. A file that cannot be read gets a one-line
    error on stderr and the others are still processed; the exit code is 2 when no file
    could be read, 1 when some could not, 0 otherwise.
    """
    chosen_lang = choose_lang(lang)
    from qcdc_cli.app.pipeline import expand_paths, extract_paths
    from qcdc_cli.cli._console import error, print_json, stdout_console
    from qcdc_cli.knowledge.registry import load_vocabulary

    vocab = load_vocabulary(registry or ())
    files = expand_paths(paths)
    results = []
    failed = 0
    for path, outcome in extract_paths(files, vocab):
        if isinstance(outcome, Exception):
            error(str(outcome))
            failed += 1
            continue
        if output_format is ExtractFormat.json:
            results.append({"path": path, **outcome.fields()})
            continue
        results.append({"path": path, **outcome.to_dict()})
        if output_format is ExtractFormat.jsonl:
            print_json(results[-1], indent=None)
    if output_format is ExtractFormat.json:
        print_json(results)
    elif output_format is ExtractFormat.text:
        from qcdc_cli.render.extraction import render_extractions

        render_extractions(results, stdout_console(), chosen_lang)
    if failed and not results:
        raise typer.Exit(2)
    if failed:
        raise typer.Exit(1)
