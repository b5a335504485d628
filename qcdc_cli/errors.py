"""Expected failures. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class QcdcError(Exception):
    """A failure the user can act on; never a bug."""

    exit_code = 2


class InputError(QcdcError):
    """A file could not be read or is not text."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
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
