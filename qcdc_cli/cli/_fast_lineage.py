"""Plain `trace`, `show` and `coverage` runs without Typer (cli._fast hands them here).

Importing Typer and building the command is about a third of a commune plan's trace
over a 100,000-document index. Only the forms a script types are taken, each of which
Typer reads one way: one ID (not starting with "-"), `--db PATH` (or `--db=PATH`),
and for `trace` one of `--up`, `--down`, `--both` and `--depth N` (or `-d N`, `--depth=N`;
N plain digits, at least 1). Each option at most once; everything else (other options,
`--`, help, empty values, a repeated option) goes to Typer, which answers as always.
The other parameters take Typer's defaults: tests/test_fast_lineage.py checks the
keyword arguments against the ones Typer passes to the same body, on random argv.
cli._fast runs the body under the collector policy of every fast run (cli._fast.YOUNG:
what a trace builds lives until the process ends, so it is seldom walked, and frozen
at exit).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# command -> the module whose `run` both its Typer command and this path call
BODIES = {
    "trace": "qcdc_cli.cli._trace_body",
    "show": "qcdc_cli.cli._show_body",
    "coverage": "qcdc_cli.cli._coverage_body",
}
_DIRECTIONS = ("--up", "--down", "--both")
# what Typer passes for a parameter not given (its defaults, --format as its value)
_DEFAULTS: dict[str, dict[str, Any]] = {
    "trace": {
        "up": False,
        "down": False,
        "both": False,
        "depth": None,
        "output_format": "text",
        "corpus": None,
        "province": None,
        "year": None,
        "relation": None,
        "summary": False,
        "no_fold": False,
        "db": None,
        "registry": None,
        "lang": None,
        "as_of": None,
    },
    "show": {
        "output_format": "text",
        "corpus": None,
        "province": None,
        "year": None,
        "db": None,
        "registry": None,
        "lang": None,
        "as_of": None,
    },
    "coverage": {
        "db": None,
        "output_format": "text",
        "province": None,
        "year": None,
        "relation": None,
        "as_of": None,
        "show_all": False,
        "registry": None,
        "lang": None,
    },
}


def parse(name: str, args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments Typer would pass to `name`'s body; None: ask Typer."""
    kwargs = dict(_DEFAULTS[name])
    document: str | None = None
    seen: set[str] = set()
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg[:1] != "-":
            if document is not None or not arg:
                return None  # a second argument: Typer's error
            document = arg
            continue
        option, eq, value = arg.partition("=")
        if option in seen:
            return None
        seen.add(option)
        if name == "trace" and arg in _DIRECTIONS:
            if seen.intersection(_DIRECTIONS) != {arg}:
                return None  # two directions: Typer's usage error
            kwargs[arg[2:]] = True
            continue
        if option not in ("--db", "--depth", "-d") or (option == "-d" and eq) or (option != "--db" and name != "trace"):
            return None
        taken, i = option_value(args, i, eq, value)
        if taken is None:
            return None
        value = taken
        if option == "--db":
            path = _path(value)
            if path is None:
                return None
            kwargs["db"] = path
        else:
            if {"-d", "--depth"} <= seen or not (value.isascii() and value.isdigit()) or int(value) < 1:
                return None
            kwargs["depth"] = int(value)
    if document is None:
        return None  # Typer's "Missing argument"
    return {"document": document, **kwargs}


def option_value(args: list[str], i: int, eq: str, value: str) -> tuple[str | None, int]:
    """The value of the option just read (`--db=PATH`: `eq` and `value`; `--db PATH`: args[i])
    and where reading goes on; None where Typer errs (missing, empty, another option)."""
    if not eq:
        if i == len(args):
            return None, i
        value = args[i]
        i += 1
    return (None if not value or value[:1] == "-" else value), i


def _path(value: str) -> Any:
    """--db as Typer's Path parameter takes it (cli._fast._convert's "path"): any path,
    one that exists readable; None where Typer refuses."""
    import os
    from pathlib import Path

    try:
        os.stat(value)
    except OSError:
        return Path(value)
    except ValueError:  # an embedded NUL: Typer's error
        return None
    return Path(value) if os.access(value, os.R_OK) else None
