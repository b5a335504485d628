"""Plain `ingest` runs without Typer (cli._fast hands them here).

Importing Typer and building the command is a tenth of re-ingesting an index of 100,000
files where one changed. Only the forms a script types are taken, each of which Typer
reads one way: PATHs that exist (not starting with "-"), `--db PATH` (or `--db=PATH`),
`--prune`, `--force`, `--quiet` (`-q`) and `--format text|json` (`-f`, `--format=`).
Each option at most once; everything else (other options, `--`, help, empty values, a
repeated option, a PATH that does not exist: Typer's usage error) goes to Typer, which
answers as always. The other parameters take Typer's defaults: tests/test_fast_ingest.py
checks the keyword arguments against the ones Typer passes to the same body
(cli._ingest_body.run), on random argv, and whole runs against Typer's, byte for byte.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BODY = "qcdc_cli.cli._ingest_body"
_FLAGS = {"--prune": "prune", "--force": "force", "--quiet": "quiet", "-q": "quiet"}
_FORMATS = ("text", "json")


def parse(args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments Typer would pass to the ingest body; None: ask Typer."""
    from qcdc_cli.cli._fast_lineage import _path, option_value

    kwargs: dict[str, Any] = {
        "paths": [],
        "db": None,
        "jobs": None,
        "prune": False,
        "force": False,
        "quiet": False,
        "max_size": 20.0,
        "output_format": "text",
        "registry": None,
        "lang": None,
    }
    seen: set[str] = set()
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg[:1] != "-":
            path = _path(arg) if arg else None
            if path is None or not path.exists():
                return None  # refused, or missing: Typer's usage error
            kwargs["paths"].append(path)
            continue
        option, eq, value = arg.partition("=")
        if option in seen or (option in ("-q", "--quiet") and seen.intersection(("-q", "--quiet"))):
            return None
        seen.add(option)
        if option in _FLAGS and not eq:
            kwargs[_FLAGS[option]] = True
            continue
        if option not in ("--db", "--format", "-f") or (option == "-f" and eq):
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
            if {"-f", "--format"} <= seen or value not in _FORMATS:
                return None
            kwargs["output_format"] = value
    if not kwargs["paths"]:
        return None  # Typer's "Missing argument"
    return kwargs
