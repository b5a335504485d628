"""The lazily registered commands (cli.LazyGroup) are the commands Typer builds when every
command is registered up front: same options, help, listing, errors and completion."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer
from conftest import CLI_ENV, REPO
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from qcdc_cli.cli import COMMANDS, _target, app
from qcdc_cli.cli._options import CONTEXT


def eager_app() -> typer.Typer:
    """The app as it was registered before: every command at import."""
    eager = typer.Typer(
        name="qcdc",
        help=app.info.help,
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
        context_settings=CONTEXT,
    )
    eager.registered_callback = app.registered_callback
    for name in COMMANDS:
        target = _target(name)
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=name)
        else:
            eager.command(name)(target)
    return eager


def _run(application: typer.Typer, args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(application, args, env={**CLI_ENV, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


ARGS = [
    [],
    ["--help"],
    ["-h"],
    ["--version"],
    ["chek"],  # a typo: "No such command" with suggestions
    ["registry"],
    ["registry", "bogus"],
    ["index", "--help"],
    *([name, "--help"] for name in COMMANDS),
    ["check", "--bogus"],
    ["trace"],
    ["show", "-h"],
]


@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a) or "(none)")
def test_output_is_the_eager_app_s(args: list[str]) -> None:
    assert _run(app, args) == _run(eager_app(), args)


@pytest.mark.parametrize("columns", ["60", "200"])
def test_the_command_list_is_the_eager_one_at_any_width(columns: str) -> None:
    assert _run(app, ["--help"], {"COLUMNS": columns}) == _run(eager_app(), ["--help"], {"COLUMNS": columns})


def _describe(value: object, depth: int = 0) -> object:
    """A command, its parameters and their types as plain data (functions by name)."""
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if isinstance(value, dict):
        return {k: _describe(v, depth + 1) for k, v in value.items() if k != "commands"}
    if isinstance(value, list | tuple | set | frozenset):
        return [_describe(v, depth + 1) for v in value]
    if depth < 4 and hasattr(value, "__dict__"):
        return (type(value).__qualname__, _describe(vars(value), depth + 1))
    return type(value).__qualname__


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_built_as_typer_builds_it(name: str) -> None:
    lazy, eager = get_command(app), get_command(eager_app())
    assert isinstance(lazy, TyperGroup) and isinstance(eager, TyperGroup)
    assert list(lazy.commands) == list(eager.commands) == list(COMMANDS)
    built, expected = lazy.commands[name], eager.commands[name]
    assert _describe(built) == _describe(expected)
    for sub in getattr(expected, "commands", {}):
        assert _describe(built.commands[sub]) == _describe(expected.commands[sub])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "words",
    ["qcdc ", "qcdc ch", "qcdc check --f", "qcdc check --format ", "qcdc registry ", "qcdc index c"],
)
@pytest.mark.parametrize("shell", ["complete_bash", "complete_zsh"])
def test_completion_is_the_eager_app_s(words: str, shell: str) -> None:
    cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    env = {"_QCDC_COMPLETE": shell, "COMP_WORDS": words, "COMP_CWORD": cword, "_TYPER_COMPLETE_ARGS": words}
    assert _run(app, [], env) == _run(eager_app(), [], env)
    assert _run(app, [], env)[1]  # completions were printed


_PROBE = """
import sys
from qcdc_cli.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(",".join(sorted(m for m in sys.modules if m.startswith("qcdc_cli.cli."))), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "modules"),
    [
        (["check", "--help"], {"_console", "_options", "check"}),
        (["registry", "--help"], {"_console", "_options", "registry"}),
        (["--version"], {"_console", "_options"}),
    ],
)
def test_a_run_imports_only_the_command_it_invokes(args: list[str], modules: set[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=REPO, env={**os.environ, **CLI_ENV}
    )
    loaded = done.stderr.strip().splitlines()[-1].split(",")
    assert {m.removeprefix("qcdc_cli.cli.") for m in loaded} == modules
