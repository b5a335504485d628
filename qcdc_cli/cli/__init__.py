"""The `qcdc` command line: one module per command, registered here.

Command modules import only typer at module level; each imports the stages it needs
inside its function, so `qcdc --help` and `qcdc extract` do not load networkx or
pydantic (tests/test_startup.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from qcdc_cli.cli import check as _check
from qcdc_cli.cli import corpus as _corpus
from qcdc_cli.cli import extract as _extract
from qcdc_cli.cli import index as _index
from qcdc_cli.cli import ingest as _ingest
from qcdc_cli.cli import registry as _registry
from qcdc_cli.cli import show as _show
from qcdc_cli.cli import trace as _trace
from qcdc_cli.cli._options import CONTEXT

app = typer.Typer(
    name="qcdc",
    help="Trace Vietnamese Party and State documents through the hierarchy that issued them.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # plan texts can be confidential
    rich_markup_mode=None,
    context_settings=CONTEXT,
)


def _version(value: bool) -> None:
    if value:
        from qcdc_cli import __version__

        typer.echo(f"qcdc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Trace Vietnamese Party and State documents through the hierarchy that issued them."""
    from qcdc_cli.cli import _console

    _console.LANG = None  # each run chooses again (tests run many in one process)


app.command("extract")(_extract.extract)
app.command("ingest")(_ingest.ingest)
app.command("check")(_check.check)
app.add_typer(_registry.app, name="registry")
app.command("trace")(_trace.trace)
app.command("show")(_show.show)
app.command("stats")(_corpus.stats)
app.command("unresolved")(_corpus.unresolved)
app.command("coverage")(_corpus.coverage)
app.command("export")(_corpus.export)
app.add_typer(_index.app, name="index")


def main() -> None:
    """Console-script entry point."""
    from qcdc_cli.cli._console import run_app

    run_app(app)
