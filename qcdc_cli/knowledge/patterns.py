"""Compiled regular expressions kept across runs, so a one-file `qcdc check` does not
parse ~100 patterns again on every call.

`regex.compile` parses a pattern in pure Python (the province-name alternation alone
takes tens of ms) and then hands a finished program to its C engine. That program is
what `regex` itself pickles (`Pattern._pickled_data`, rebuilt by `_regex.compile`
without parsing), so it is kept here, one file per Python and `regex` version, in the
cache folder of the compiled registry (`config.cache_dir`), keyed by pattern text and
flags: a pattern whose text changes (code or registry edit) is simply a new entry.

The file is trusted like Python's own `__pycache__`: it lives in the user's cache folder
and is `marshal` data (strings, ints, bytes, dicts), never executed; a damaged, truncated
or foreign file fails its checksum or version line and is ignored, then rewritten. New
entries are written once, at exit, atomically. `QCDC_PATTERN_CACHE=0` turns it off.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Any

TYPE_CHECKING = False
if TYPE_CHECKING:
    import regex  # imported on the first pattern: a run that makes none (a trace) skips it

_FORMAT = 1
_MAX_ENTRIES = 1000  # ~1 KB each; beyond this, a rewrite keeps only the entries this run used

Key = tuple[str, int]

_compiled: dict[Key, regex.Pattern[str]] = {}  # this process's patterns
_stored: dict[Key, tuple[Any, ...]] | None = None  # the file's programs, read on first use
_used: set[Key] = set()
_new = False
_path: str | None = None


def compile_regex(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`, from the cross-run cache when it has it."""
    key = (pattern, int(flags))
    found = _compiled.get(key)
    if found is not None:
        return found
    import regex

    if not _cacheable(flags):
        return regex.compile(pattern, flags)
    stored = _load()
    _used.add(key)
    data = stored.get(key)
    if data is not None:
        try:
            found = _rebuild(data)
        except Exception:  # a program this engine refuses: compile it again below
            found = None
    if found is None:
        found = regex.compile(pattern, flags)
        _remember(key, found)
    _compiled[key] = found
    return found


def _rebuild(data: tuple[Any, ...]) -> regex.Pattern[str]:
    from regex import _regex

    pattern: regex.Pattern[str] = _regex.compile(*data)  # type: ignore[attr-defined]
    return pattern


@cache
def _uncacheable() -> int:
    import regex

    return int(regex.LOCALE | regex.DEBUG)  # an int: flag arithmetic on enums is slow


def _cacheable(flags: int) -> bool:
    # LOCALE patterns depend on the locale of the run, DEBUG prints while compiling, and
    # the key assumes the default VERSION0 syntax (qcdc never changes it).
    import regex

    return not int(flags) & _uncacheable() and regex.DEFAULT_VERSION == regex.VERSION0


def _remember(key: Key, pattern: regex.Pattern[str]) -> None:
    global _new
    stored = _load()
    stored[key] = pattern._pickled_data  # type: ignore[attr-defined]
    if not _new and _path is not None:
        import atexit

        atexit.register(save)
    _new = True


def _version_line() -> bytes:
    import regex

    return f"qcdc patterns {_FORMAT} regex {regex.__version__} python {sys.version}\n".encode()


def _cache_path() -> str | None:
    if os.environ.get("QCDC_PATTERN_CACHE", "1") in ("0", ""):
        return None
    from qcdc_cli.config import cache_dir

    folder = cache_dir(os.environ)
    if folder is None:
        return None
    import regex

    tag = sys.implementation.cache_tag or "python"
    return os.path.join(folder, f"patterns-{tag}-regex{regex.__version__}.marshal")


def _load() -> dict[Key, tuple[Any, ...]]:
    global _stored, _path
    if _stored is not None:
        return _stored
    _path = _cache_path()
    _stored = {}
    if _path is not None:
        _stored = _read(_path)
    return _stored


def _read(path: str) -> dict[Key, tuple[Any, ...]]:
    """The file's entries; {} when it is missing, damaged or written by other versions."""
    import marshal

    from qcdc_cli.codehash import sha256

    try:
        with open(path, "rb") as f:
            raw = f.read()
        head, digest, body = raw.split(b"\n", 2)
        if head + b"\n" != _version_line() or sha256(body).hexdigest().encode() != digest:
            return {}
        entries = marshal.loads(body)
        return entries if isinstance(entries, dict) else {}
    except Exception:  # any damage at all: compile again and rewrite
        return {}


def save() -> None:
    """Write the programs compiled in this run next to those read (atomic; a folder that
    cannot be written only means no cache)."""
    global _new
    if not _new or _path is None or _stored is None:
        return
    import marshal

    from qcdc_cli.cachefile import write_atomic
    from qcdc_cli.codehash import sha256

    _new = False
    keep = _stored if len(_stored) <= _MAX_ENTRIES else {k: v for k, v in _stored.items() if k in _used}
    body = marshal.dumps(keep)
    # not made here if gone (a test's temporary folder) or never made: the registry cache
    # creates it on a first run, this file follows on the next
    write_atomic(
        _path, _version_line() + sha256(body).hexdigest().encode() + b"\n" + body, ".patterns-", make_folder=False
    )
