"""Streams, exit codes and terminal safety: the one place that talks to the terminal.

stdout carries results only; progress, warnings and errors go to stderr. Exit codes
follow linters (ruff, flake8, SQLFluff): 0 clean, 1 findings, 2 usage, configuration,
I/O or internal error, so an internal error never reads as "findings".
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import typer
    from rich.console import Console

    from qcdc_cli.app.lineage import Lineage
    from qcdc_cli.terminal import safe, sanitize

__all__ = ["error", "print_json", "run_app", "safe", "sanitize", "stderr_console", "stdout_console"]


def __getattr__(name: str) -> Any:
    """`safe` and `sanitize` from qcdc_cli.terminal, imported on first use: `qcdc --help`
    never needs them (their patterns take ~2 ms to compile)."""
    if name in ("safe", "sanitize"):
        from qcdc_cli import terminal

        return getattr(terminal, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PIPED_WIDTH = 200  # columns when stdout is a file or a pipe and $COLUMNS is unset


def stdout_console() -> Console:
    """Results on stdout; piped or redirected, a fixed wide layout (no colour, no cut
    numbers), so files and scripts see the same output on every machine."""
    import os

    from rich.console import Console

    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPED_WIDTH
    return Console(emoji=False, highlight=False, markup=False, soft_wrap=False, width=width)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, emoji=False, highlight=False, markup=False)


# The language of this run, once the command has chosen it (cli._options.choose_lang);
# before that, the locale's.
LANG: str | None = None


def current_lang() -> str:
    if LANG is not None:
        return LANG
    import os

    return default_lang(os.environ)


def default_lang(environ: Mapping[str, str]) -> str:
    """vi when the locale is Vietnamese (LC_ALL, then LC_MESSAGES, then LANG), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


def choose_lang(option: Any, configured: str | None = None) -> str:
    """--lang, else the configuration's lang (`configured`, or [tool.qcdc] lang found from
    the working directory), else the locale; the choice also applies to errors.

    `option` is the --lang value: a string or a `Lang` member (a StrEnum)."""
    global LANG
    import os

    if option:
        lang = str(getattr(option, "value", option))
    else:
        if configured is None:
            from qcdc_cli.config import load_config
            from qcdc_cli.errors import ConfigError

            try:
                configured = load_config().lang
            except ConfigError:
                configured = None  # a broken file is check's business (it reads it again)
        lang = configured or default_lang(os.environ)
    LANG = lang
    return lang


def error(message: str) -> None:
    """One line on stderr, sanitized (messages can quote file names and document text),
    in the run's language."""
    lang = current_lang()
    if lang != "en":
        from qcdc_cli.render.messages import translate_error

        message = translate_error(message, lang)
    from qcdc_cli.terminal import sanitize

    sys.stderr.write(f"qcdc: {sanitize(message)}\n")


def run_app(app: typer.Typer, args: list[str] | None = None) -> None:
    """Run the Typer app; expected failures become one line and their exit code."""
    from qcdc_cli.errors import QcdcError

    try:
        app(args=args, standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        error("interrupted")  # translated by error()
        sys.exit(130)
    except Exception as e:
        code = report_failure(e)
        if _debug() and not isinstance(e, QcdcError):
            raise
        sys.exit(code)


def report_failure(e: Exception) -> int:
    """Say what ended a command and return its exit code: an expected failure's own
    messages and code, or a bug as one "internal error" line and 2, so CI does not read
    it as findings (the Typer path and the fast path end runs alike)."""
    from qcdc_cli.errors import QcdcError

    if isinstance(e, QcdcError):
        for message in getattr(e, "messages", None) or [str(e)]:
            error(message)
        return e.exit_code
    error(f"internal error: {type(e).__name__}: {e}")
    return 2


def _debug() -> bool:
    import os

    return bool(os.environ.get("QCDC_DEBUG"))


def print_json(data: Any, indent: int | None = 2) -> None:
    """JSON on stdout, with the characters a terminal would act on escaped."""
    from qcdc_cli.terminal import json_bytes, json_text

    raw = json_bytes(data) if indent == 2 and _utf8_buffer() else None
    if raw is not None:  # the same bytes the text layer would write, without the round trip
        sys.stdout.flush()
        sys.stdout.buffer.write(raw + b"\n")
        return
    sys.stdout.write(json_text(data, indent))
    sys.stdout.write("\n")


def _utf8_buffer() -> bool:
    """Whether stdout is a text layer over bytes that writes UTF-8 and "\n" as is (a
    newline is translated to os.linesep at most)."""
    import codecs
    import os

    encoding = getattr(sys.stdout, "encoding", None)
    return (
        os.linesep == "\n"
        and hasattr(sys.stdout, "buffer")
        and isinstance(encoding, str)
        and codecs.lookup(encoding).name == "utf-8"
    )


def report(found: Lineage) -> None:
    """What a lineage answer says besides itself: unreadable files and index notes on
    stderr; some files unreadable is exit 1 after the answer is printed."""
    for e in found.errors:
        error(str(e))
    for note in found.notes:
        error(note)


def exit_if_unreadable(found: Lineage) -> None:
    if found.errors:
        import typer

        raise typer.Exit(1)
