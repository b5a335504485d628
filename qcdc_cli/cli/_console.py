"""Streams, exit codes and terminal safety: the one place that talks to the terminal.

stdout carries results only; progress, warnings and errors go to stderr. Exit codes
follow linters (ruff, flake8, SQLFluff): 0 clean, 1 findings, 2 usage, configuration,
I/O or internal error, so an internal error never reads as "findings".
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from rich.console import Console
    from rich.text import Text

# C0 controls but tab and newline, DEL, C1, zero-width and bidi controls, BOM: what can
# move the cursor, hide text, reorder it or smuggle an escape sequence out of a
# document (../shared/research/ecosystem-perf.md §5). Rich strips only a few of these.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def sanitize(text: str) -> str:
    """Document text made safe for a terminal: control characters become visible escapes."""
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


def safe(text: str | None, style: str = "") -> Text:
    """A rich Text that shows `text` literally: no markup, no emoji codes, no escapes."""
    from rich.text import Text

    return Text(sanitize(text or ""), style=style)


def stdout_console() -> Console:
    from rich.console import Console

    return Console(emoji=False, highlight=False, markup=False, soft_wrap=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, emoji=False, highlight=False, markup=False)


def error(message: str) -> None:
    """One line on stderr, sanitized (messages can quote file names and document text)."""
    sys.stderr.write(f"qcdc: {sanitize(message)}\n")


def run_app(app: typer.Typer, args: list[str] | None = None) -> None:
    """Run the Typer app; expected failures become one line and their exit code."""
    from qcdc_cli.errors import QcdcError

    try:
        app(args=args, standalone_mode=True)
    except QcdcError as e:
        error(str(e))
        sys.exit(e.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except Exception as e:  # a bug: say so, exit 2 so CI does not read it as findings
        error(f"internal error: {type(e).__name__}: {e}")
        if _debug():
            raise
        sys.exit(2)


def _debug() -> bool:
    import os

    return bool(os.environ.get("QCDC_DEBUG"))


def print_json(data: Any) -> None:
    """JSON on stdout; JSON escapes control characters itself."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
