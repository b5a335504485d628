"""The `qcdc` command line: one module per command, registered here.

Commands are registered lazily: `qcdc check` imports and builds only `check` (Typer
turns every registered function's signature into options at each start, ~2 ms a
command), `qcdc --help` lists the commands from their docstrings without building their
options. Command modules import only typer at module level; each imports the stages it
needs inside its function, so `qcdc --help` and `qcdc extract` do not load networkx or
pydantic (tests/test_startup.py).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from qcdc_cli.cli._options import CONTEXT

if TYPE_CHECKING:
    from typer import _click

# name -> (module of qcdc_cli.cli, its function or sub-app), in the order help lists them
# (Typer's: commands, then sub-apps)
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("extract", "extract"),
    "ingest": ("ingest", "ingest"),
    "check": ("check", "check"),
    "trace": ("trace", "trace"),
    "show": ("show", "show"),
    "stats": ("corpus", "stats"),
    "unresolved": ("corpus", "unresolved"),
    "coverage": ("corpus", "coverage"),
    "export": ("corpus", "export"),
    "registry": ("registry", "app"),
    "index": ("index", "app"),
}


def _target(name: str) -> Any:
    import importlib

    module, attribute = COMMANDS[name]
    return getattr(importlib.import_module(f"qcdc_cli.cli.{module}"), attribute)


def _registered(name: str, target: Any) -> typer.Typer:
    """A scratch app holding `name` exactly as `app.command(name)` / `app.add_typer` would."""
    scratch = typer.Typer()
    if isinstance(target, typer.Typer):
        scratch.add_typer(target, name=name)
    else:
        scratch.command(name)(target)
    return scratch


def build_command(name: str) -> _click.Command:
    """The click command Typer builds for `name` when it builds the whole app."""
    from typer.main import get_command_from_info, get_group_from_info

    scratch = _registered(name, _target(name))
    if scratch.registered_groups:
        return get_group_from_info(
            scratch.registered_groups[0],
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
    return get_command_from_info(
        scratch.registered_commands[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


def _listing(name: str) -> _click.Command:
    """What the help's command list reads of `name` (help, short help, hidden, deprecated),
    without building its options."""
    import inspect

    from typer.core import TyperCommand
    from typer.main import solve_typer_info_defaults

    scratch = _registered(name, _target(name))
    if scratch.registered_groups:
        info = solve_typer_info_defaults(scratch.registered_groups[0])
        return TyperGroup(
            name=name, help=info.help, short_help=info.short_help, hidden=info.hidden, deprecated=info.deprecated
        )
    command = scratch.registered_commands[0]
    use_help = inspect.getdoc(command.callback) if command.help is None else inspect.cleandoc(command.help)
    return TyperCommand(
        name=name,
        help=use_help,
        short_help=command.short_help,
        hidden=command.hidden,
        deprecated=command.deprecated,
    )


class _Commands(MutableMapping[str, "_click.Command"]):
    """The group's commands: every name known, each built on first use."""

    def __init__(self) -> None:
        self.built: dict[str, _click.Command] = {}
        self.names = list(COMMANDS)

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self.built:
            if name not in self.names:
                raise KeyError(name)
            self.built[name] = build_command(name)
        return self.built[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        if name not in self.names:
            self.names.append(name)
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        self.names.remove(name)
        self.built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class LazyGroup(TyperGroup):
    """Typer's group with commands built on demand (see the module's docstring)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        lazy = _Commands()
        for name, command in self.commands.items():  # any registered the usual way
            lazy[name] = command
        self.commands = lazy

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        commands = self.commands
        if not isinstance(commands, _Commands):
            return super().format_commands(ctx, formatter)
        listed = {name: commands.built.get(name) or _listing(name) for name in commands}
        original, self.commands = self.commands, listed
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.commands = original


app = typer.Typer(
    name="qcdc",
    help="Trace Vietnamese Party and State documents through the hierarchy that issued them.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # plan texts can be confidential
    rich_markup_mode=None,
    context_settings=CONTEXT,
    cls=LazyGroup,
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


def main() -> None:
    """Console-script entry point."""
    from qcdc_cli.cli._console import run_app

    run_app(app)
