"""`qcdc registry validate` and `qcdc registry list`: check and show the registry.

Registry files come from anyone (a user's --registry file), so everything printed from
them goes through `_console.safe()`; problems name the file and the key path.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcdc_cli.cli._options import LangOption, RegistryOption, choose_lang

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from qcdc_cli.knowledge.schema import Registry

app = typer.Typer(
    name="registry",
    help="Check and list the registry: code tables, known documents, terms, provinces.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


class Kind(enum.StrEnum):
    documents = "documents"
    issuers = "issuers"
    types = "types"
    provinces = "provinces"
    terms = "terms"


class ListFormat(enum.StrEnum):
    text = "text"
    json = "json"


def _dedupe(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for p in paths:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


@app.command("validate")
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE]...", help="Registry files to check on top of the bundled ones (default: the bundled ones)."
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Check registry files: YAML, schema, ids, numbers, dates, relations, provinces.

    The files are checked together with the bundled registry and $QCDC_REGISTRY, as qcdc
    loads them, because a user file's relations may point at bundled documents. Each
    problem is one line on stderr naming the file and the key path; exit 0 when valid,
    2 when not.
    """
    import sys

    from qcdc_cli.cli._console import error
    from qcdc_cli.knowledge.registry import check_files, default_paths, extra_paths_from_env
    from qcdc_cli.render.messages import msg

    chosen_lang = choose_lang(lang)

    paths = _dedupe([*default_paths(), *(files or []), *extra_paths_from_env()])
    registry, problems = check_files(paths)
    for problem in problems:
        error(str(problem))
    if problems or registry is None:
        sys.stderr.write(f"qcdc: {msg('registry.problems', chosen_lang, n=len(problems), files=len(paths))}\n")
        raise typer.Exit(2)
    counts = {
        "files": len(paths),
        "documents": len(registry.documents),
        "issuers": len(registry.issuers),
        "types": len(registry.types.party) + len(registry.types.state),
        "terms": len(registry.terms),
        "provinces": len(registry.provinces),
    }
    sys.stdout.write(msg("registry.ok", chosen_lang, **counts) + "\n")


@app.command("list")
def list_entries(
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="What to list.")] = Kind.documents,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="text (a table) or json.")
    ] = ListFormat.text,
    registry: RegistryOption = None,
) -> None:
    """List one table of the registry (the bundled one plus user files)."""
    from qcdc_cli.cli._console import print_json, stdout_console
    from qcdc_cli.knowledge.registry import load_registry

    loaded = load_registry(registry or ())
    if output_format is ListFormat.json:
        print_json(_rows_json(loaded, kind))
        return
    console = stdout_console()
    if kind is Kind.documents and console.width < NARROW:
        _print_documents(loaded, console)
        return
    console.print(_table(loaded, kind))


NARROW = 120  # below this many columns documents are listed, one block each, not tabled


def _print_documents(registry: Registry, console: Console) -> None:
    """One line of facts per document, its title indented below and wrapped at spaces:
    a table at 80 columns squeezes titles to a word per line."""
    from rich.padding import Padding
    from rich.text import Text

    from qcdc_cli.cli._console import safe

    for d in registry.documents:
        head = Text()
        head.append_text(safe(d.number, "bold"))
        for value in (d.term, d.date, d.issuer, f"{d.status}, {d.confidence}"):
            if value:
                head.append("  ")
                head.append_text(safe(value))
        console.print(head)
        if d.title:
            console.print(Padding(safe(d.title, "italic"), (0, 0, 0, 4), expand=False))


def _rows_json(registry: Registry, kind: Kind) -> list[dict[str, Any]]:
    if kind is Kind.types:
        return [
            {"system": system, **t.model_dump()}
            for system, table in (("party", registry.types.party), ("state", registry.types.state))
            for t in table
        ]
    return [entry.model_dump() for entry in getattr(registry, kind.value)]


def _table(registry: Registry, kind: Kind) -> Table:
    """A rich table whose every cell is plain text (no markup, control chars visible)."""
    from rich.table import Table

    from qcdc_cli.cli._console import safe

    columns: list[str]
    rows: list[list[str | None]]
    if kind is Kind.documents:
        # number + term is the id of a Party document; a State document's id is its number
        columns = ["number", "term", "date", "issuer", "status", "title"]
        rows = [
            [d.number, d.term, d.date, d.issuer, f"{d.status}\n{d.confidence}", d.title] for d in registry.documents
        ]
    elif kind is Kind.issuers:
        columns = ["code", "system", "scope", "level", "name"]
        rows = [[i.code, i.system, i.scope, i.level, i.name] for i in registry.issuers]
    elif kind is Kind.types:
        columns = ["system", "code", "name", "aliases"]
        rows = [
            [system, t.code, t.name, ", ".join(t.aliases)]
            for system, table in (("party", registry.types.party), ("state", registry.types.state))
            for t in table
        ]
    elif kind is Kind.terms:
        columns = ["body", "term", "start", "confidence"]
        rows = [[t.body, t.term, t.start, t.confidence] for t in registry.terms]
    else:
        columns = ["name", "from", "until", "seat", "successor / formed from"]
        rows = [
            [p.name, p.valid_from, p.valid_until, p.seat, p.successor or ", ".join(p.formed_from)]
            for p in registry.provinces
        ]
    table = Table(show_lines=False, header_style="bold")
    fixed = {"number", "term", "date", "from", "until", "code", "body", "start", "status", "system"}
    for column in columns:
        table.add_column(column, no_wrap=column in fixed, overflow="fold")
    for row in rows:
        table.add_row(*(safe(cell) for cell in row))
    return table
