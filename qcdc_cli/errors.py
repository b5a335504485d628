"""Expected failures. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class QcdcError(Exception):
    """A failure the user can act on; never a bug."""

    exit_code = 2


class InputError(QcdcError):
    """A file could not be read or is not text."""

    def __init__(self, path: str, problem: str) -> None:
        from qcdc_cli.terminal import sanitize_name

        # the name as shown: one line, escaped (a file name can hold a newline or bytes
        # that are not UTF-8); `path` keeps it exact
        super().__init__(f"{sanitize_name(path)}: {problem}")
        self.path = path
        self.problem = problem


class RegistryError(QcdcError):
    """A registry file is missing, is not YAML, or does not match the schema."""


class ConfigError(QcdcError):
    """A configuration file or option is invalid."""


class StoreError(QcdcError):
    """The index database cannot be opened or is from an unknown version."""


class UnknownDocument(QcdcError):
    """A document number matches nothing known."""

    exit_code = 1


class AmbiguousDocument(QcdcError):
    """A document number matches several documents and nothing picks one."""

    exit_code = 1


class NothingReadable(QcdcError):
    """Every file given was unreadable: there is nothing to answer from."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("; ".join(str(e) for e in errors) or "no file could be read")
        self.messages = [str(e) for e in errors]


class Interrupted(QcdcError):
    """Ctrl-C or SIGTERM stopped an ingest: what was committed stays, the next run finishes.
    Exit code 128 + the signal's number (130, 143), as shells report a killed command."""

    def __init__(self, committed: int, signum: int) -> None:
        super().__init__(f"interrupted: {committed:,} files committed, run again to finish")
        self.committed = committed
        self.exit_code = 128 + signum


class Terminated(BaseException):
    """SIGTERM, raised in the main thread by the CLI's handler (as Ctrl-C raises
    KeyboardInterrupt), so the same clean stop follows."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
