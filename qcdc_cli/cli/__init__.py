"""The `qcdc` command line: one module per command, registered here.

Commands are registered lazily: `qcdc check` imports and builds only `check` (Typer
turns every registered function's signature into options at each start, ~2 ms a
command), `qcdc --help` lists the commands from their docstrings without building their
options. Command modules import only typer at module level; each imports the stages it
needs inside its function, so `qcdc --help` and `qcdc extract` do not load networkx or
pydantic (tests/test_startup.py).

Typer itself (~60 ms to import) is loaded on first use of `app` (or of anything built
on it): `main()` first asks `cli._fast` whether it can answer without it, from a cache
of what Typer answered before (help screens) or parsed by a spec Typer's own command
produced (plain `check` and `extract` runs).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Annotated, Any

    import typer
    from typer import _click
    from typer.core import TyperGroup

    app: typer.Typer
    LazyGroup: type[TyperGroup]

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
    import typer

    scratch = typer.Typer()
    if isinstance(target, typer.Typer):
        scratch.add_typer(target, name=name)
    else:
        scratch.command(name)(target)
    return scratch


def build_command(name: str) -> _click.Command:
    """The click command Typer builds for `name` when it builds the whole app."""
    _define()
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

    from typer.core import TyperCommand, TyperGroup
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


def _version(value: bool) -> None:
    if value:
        import typer

        from qcdc_cli import __version__

        typer.echo(f"qcdc {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Trace Vietnamese Party and State documents through the hierarchy that issued them."""
    from qcdc_cli.cli import _console

    _console.LANG = None  # each run chooses again (tests run many in one process)


def _define() -> None:
    """Import Typer and build `app` (with `LazyGroup`), once."""
    global typer, Annotated, LazyGroup, app
    if "app" in globals():
        return
    from typing import Annotated  # `_root`'s annotations, which Typer evaluates here

    import typer
    from typer.core import TyperGroup

    from qcdc_cli.cli._options import CONTEXT

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

    app.callback()(_root)


_LAZY = ("app", "LazyGroup", "typer")


def __getattr__(name: str) -> Any:
    """`app`, `LazyGroup` and `typer`, built on first use (see the module's docstring)."""
    if name in _LAZY:
        _define()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_spec(name: str) -> dict[str, Any] | None:
    """The spec cli._fast parses `name` with, made from the click command Typer builds (so
    the options stay defined once, in the Typer commands); None when the command has
    anything the fast parser does not reproduce exactly (flags, counts, envvars,
    prompts, other types, eager options, unknown callbacks, parse-changing context
    settings): it then always runs through Typer."""
    import enum

    from typer import _click
    from typer._types import TyperChoice
    from typer.core import TyperArgument, TyperOption
    from typer.main import get_params_from_function
    from typer.models import TyperPath

    from qcdc_cli.cli._fast import CALLBACKS

    command = build_command(name)
    if set(command.context_settings) - {"help_option_names"} or command.deprecated or command.no_args_is_help:
        return None
    infos = get_params_from_function(_target(name))
    argument: dict[str, Any] | None = None
    options: list[dict[str, Any]] = []
    for param in command.params:
        info = infos[param.name or ""].default
        kind = _kind(param.type, _click, TyperPath, TyperChoice)
        deprecated = getattr(param, "deprecated", False)
        if kind is None or param.envvar or param.is_eager or not param.expose_value or deprecated:
            return None
        entry: dict[str, Any] = {"name": param.name, **kind}
        callback = getattr(info, "callback", None)
        if callback is None:
            entry["callback"] = None
        else:
            qualified = f"{callback.__module__}.{callback.__qualname__}"
            if qualified not in CALLBACKS:
                return None
            entry["callback"] = qualified
        if isinstance(param, TyperArgument):
            if argument is not None or param.nargs != -1 or not param.required or callback is not None:
                return None
            argument = entry
            continue
        if not isinstance(param, TyperOption):
            return None
        if (
            param.is_flag
            or param.count
            or param.nargs != 1
            or param.prompt is not None
            or param.secondary_opts
            or param.required
            or getattr(param, "_flag_needs_value", False)
        ):
            return None
        default = param.default.value if isinstance(param.default, enum.Enum) else param.default
        if param.multiple:
            if info.default is not None or default not in (None, ()):
                return None
            default = None
        elif default is not None and not (kind["type"] == "choice" and default in kind["choices"]):
            return None
        entry.update(opts=list(param.opts), multiple=bool(param.multiple), default=default)
        options.append(entry)
    if argument is None:
        return None
    return {"argument": argument, "options": options}


def _kind(ptype: Any, click: Any, typer_path: Any, typer_choice: Any) -> dict[str, Any] | None:
    if isinstance(ptype, typer_path):
        plain = not (ptype.exists or ptype.writable or ptype.resolve_path or ptype.allow_dash) and ptype.type is None
        if not plain or not (ptype.file_okay and ptype.dir_okay):
            return None
        return {"type": "path", "readable": bool(ptype.readable)}
    if isinstance(ptype, typer_choice):  # enum members, accepted as their values
        choices = [str(c.value) if hasattr(c, "value") else c for c in ptype.choices]
        if not ptype.case_sensitive or not all(isinstance(c, str) for c in choices):
            return None
        return {"type": "choice", "choices": choices}
    if type(ptype) is click.types.StringParamType:
        return {"type": "text"}
    return None


def main() -> None:
    """Console-script entry point: the fast path when it can answer, else Typer."""
    import sys

    from qcdc_cli.cli import _fast

    miss = _fast.attempt(sys.argv[1:], make_spec)  # exits when it answered
    from qcdc_cli.cli._console import run_app

    _define()
    if miss is None:
        run_app(app)
    else:
        with miss:
            run_app(app)
