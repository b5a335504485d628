"""Project configuration: `.qcdc.toml`, or `[tool.qcdc]` in `pyproject.toml`.

A repository of drafts says once which rules it wants, how severe they are, and which
registry files to add, so every CI job and pre-commit hook agrees. The nearest file
wins, searching from the working directory upwards; in one directory `.qcdc.toml`
wins over `pyproject.toml` (ruff does the same with `ruff.toml`). Paths in the file
are relative to the file. Unknown keys are errors: a misspelt `ignore` that silently
did nothing would be worse than a failed run.

    # .qcdc.toml                         # pyproject.toml
    registry = ["registry/tinh.yaml"]    [tool.qcdc]
    lang = "vi"                          lang = "vi"
    [check]                              registry = ["registry/tinh.yaml"]
    ignore = ["QC016"]                   [tool.qcdc.check]
    fail-on = "warning"                  ignore = ["QC016"]
    lang = "vi"
    [check.severity]
    QC007 = "error"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcdc_cli.errors import ConfigError

CONFIG_NAMES = (".qcdc.toml", "pyproject.toml")
_TOP_KEYS = {"registry", "db", "check", "lang"}
_CHECK_KEYS = {"select", "ignore", "severity", "fail-on", "lang", "format"}
_SEVERITIES = ("error", "warning", "info")
_FAIL_ON = ("error", "warning", "info", "never")
_LANGS = ("vi", "en")
_FORMATS = ("text", "json", "sarif", "github")


@dataclass(slots=True)
class CheckConfig:
    """The `[check]` table, validated; None means "not set here"."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule code or name -> severity
    fail_on: str | None = None
    lang: str | None = None
    format: str | None = None


@dataclass(slots=True)
class Config:
    source: Path | None = None  # the file it came from; None when no file was found
    registry: list[Path] = field(default_factory=list)
    db: Path | None = None
    lang: str | None = None  # every command's language; [check] lang wins for check
    check: CheckConfig = field(default_factory=CheckConfig)


def find_config(start: Path) -> Path | None:
    """The nearest `.qcdc.toml`, or `pyproject.toml` with a `[tool.qcdc]` table."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and "qcdc" not in _read(candidate).get("tool", {}):
                continue
            return candidate
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """The configuration in `path`, or in the file `find_config` finds from `start`."""
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            return Config()
    elif not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    data = _read(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("qcdc", {})
        where = "[tool.qcdc]"
    else:
        table, where = data, ""
    return parse_config(table, path, where)


def parse_config(table: Any, path: Path, where: str = "") -> Config:
    """Validate one configuration table; errors name the file and the key."""

    def fail(key: str, problem: str) -> ConfigError:
        prefix = f"{where}." if where else ""
        return ConfigError(f"{path}: {prefix}{key}: {problem}")

    if not isinstance(table, dict):
        raise fail("", "must be a table")
    for key in table:
        if key not in _TOP_KEYS:
            raise fail(key, f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    base = path.parent
    config = Config(source=path)
    config.registry = [base / p for p in _strings(table.get("registry", []), "registry", fail)]
    if "db" in table:
        if not isinstance(table["db"], str):
            raise fail("db", "must be a string (a path)")
        config.db = base / table["db"]
    if "lang" in table:
        if table["lang"] not in _LANGS:
            raise fail("lang", f"must be one of {', '.join(_LANGS)}")
        config.lang = table["lang"]
    check = table.get("check", {})
    if not isinstance(check, dict):
        raise fail("check", "must be a table")
    for key in check:
        if key not in _CHECK_KEYS:
            raise fail(f"check.{key}", f"unknown key (known: {', '.join(sorted(_CHECK_KEYS))})")
    c = config.check
    if "select" in check:
        c.select = _strings(check["select"], "check.select", fail)
    c.ignore = _strings(check.get("ignore", []), "check.ignore", fail)
    severity = check.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("check.severity", "must be a table of rule = severity")
    for rule, level in severity.items():
        if level not in _SEVERITIES:
            raise fail(f"check.severity.{rule}", f"must be one of {', '.join(_SEVERITIES)}")
        c.severity[rule] = level
    c.fail_on = _choice(check, "fail-on", _FAIL_ON, fail)
    c.lang = _choice(check, "lang", _LANGS, fail)
    c.format = _choice(check, "format", _FORMATS, fail)
    return config


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # here: most runs find no configuration file, and tomllib takes ~10 ms

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8") from None


def _strings(value: Any, key: str, fail: Any) -> list[str]:
    """A list of strings; a single string is accepted as a list of one."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, "must be a list of strings")
    return list(value)


def _choice(table: dict[str, Any], key: str, allowed: tuple[str, ...], fail: Any) -> str | None:
    if key not in table:
        return None
    value = table[key]
    if value not in allowed:
        raise fail(f"check.{key}", f"must be one of {', '.join(allowed)}")
    return str(value)


CACHE_ENV = "QCDC_CACHE_DIR"


def cache_dir(environ: Mapping[str, str]) -> Path | None:
    """Where qcdc keeps files it can rebuild (the compiled registry).

    $QCDC_CACHE_DIR, else $XDG_CACHE_HOME/qcdc (when absolute, as the XDG spec asks),
    else ~/.cache/qcdc; None when there is no home to put it in.
    """
    if environ.get(CACHE_ENV):
        return Path(environ[CACHE_ENV])
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "qcdc"
    try:
        return Path.home() / ".cache" / "qcdc"
    except RuntimeError:  # no HOME and no passwd entry
        return None
