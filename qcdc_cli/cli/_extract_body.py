"""What `qcdc extract` does once its options are parsed, without Typer: the Typer command
(cli.extract) and the start-up fast path (cli._fast) both call `run`, with --format and
--lang as plain strings."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def run(paths: list[Path], output_format: str, registry: list[Path] | None, lang: str | None) -> int:
    """The exit status: 2 when no file could be read, 1 when some could not, else 0."""
    from qcdc_cli.cli._console import choose_lang

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
        if output_format == "json":
            results.append({"path": path, **outcome.fields()})
            continue
        results.append({"path": path, **outcome.to_dict()})
        if output_format == "jsonl":
            print_json(results[-1], indent=None)
    if output_format == "json":
        print_json(results)
    elif output_format == "text":
        from qcdc_cli.render.extraction import render_extractions

        render_extractions(results, stdout_console(), chosen_lang)
    if failed and not results:
        return 2
    if failed:
        return 1
    return 0
