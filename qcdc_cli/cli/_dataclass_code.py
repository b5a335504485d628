"""Compiled dataclass methods kept across runs, for the fast path's own process.

`@dataclass` writes the source of each class's `__init__`, `__repr__`, `__eq__`, ... and
compiles it when the module is imported: for the ~50 dataclasses a one-file `qcdc check`
imports, a fifth of the whole run on Python 3.11. What `compile` returns depends only on
that source text and the interpreter (version, optimisation level), so the code objects
are kept (marshal, as in `__pycache__`) in the cache folder and given to `exec` instead
of the text: the classes come out the same (tests/test_fast_cli.py compares them).

Used by cli._fast around a command's run only, by binding the name `exec` in the
dataclasses module (the builtin its `_create_fn` calls) and removing it afterwards. The
file is trusted like Python's own `__pycache__`: it lives in the user's cache folder; a
damaged, truncated or foreign file fails its checksum or version line and is ignored,
then rewritten. QCDC_FAST=0 turns it off with the fast path.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

_FORMAT = 1
_MAX_ENTRIES = 2000  # ~1 KB each; beyond this, a rewrite keeps only the entries this run used


def _version_line() -> bytes:
    return f"qcdc dataclass code {_FORMAT} python {sys.version} optimize {sys.flags.optimize}".encode()


def cache_path(folder: str) -> str:
    return os.path.join(folder, f"dataclasses-{sys.implementation.cache_tag or 'python'}.marshal")


def read(path: str) -> dict[str, Any]:
    """The file's code objects by source text; {} when missing, damaged or foreign."""
    import marshal
    import zlib

    try:
        with open(path, "rb") as f:
            raw = f.read()
        head, checksum, body = raw.split(b"\n", 2)
        if head != _version_line() or checksum != b"%08x" % zlib.crc32(body):
            return {}
        entries = marshal.loads(body)
        return entries if isinstance(entries, dict) else {}
    except Exception:  # any damage at all: compile again and rewrite
        return {}


def write(path: str, entries: dict[str, Any]) -> None:
    """Atomically; a folder that cannot be written only means no cache."""
    import marshal
    import tempfile
    import zlib

    body = marshal.dumps(entries)
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".dataclasses-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_version_line() + b"\n" + b"%08x" % zlib.crc32(body) + b"\n" + body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass


@contextlib.contextmanager
def cached(folder: str | None) -> Iterator[None]:
    """Within the block, dataclasses compile each method source once per cache folder."""
    import dataclasses

    if folder is None or "exec" in vars(dataclasses):  # no folder, or already inside
        yield
        return
    path = cache_path(folder)
    stored = read(path)
    used: dict[str, Any] = {}
    new = False

    def cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
        nonlocal new
        if not isinstance(source, str):
            return builtins.exec(source, globals, locals)
        code = stored.get(source)
        if code is None:
            # what exec(source) compiles: file "<string>", no __future__ flags of ours
            code = compile(source, "<string>", "exec", dont_inherit=True)
            new = True
        used[source] = code
        return builtins.exec(code, globals, locals)

    dataclasses.exec = cached_exec  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
        if new:
            keep = {**stored, **used} if len(stored) + len(used) <= _MAX_ENTRIES else used
            write(path, keep)
