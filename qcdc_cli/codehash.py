"""Fingerprints of qcdc's own code, for keys that say which code produced a cached result.

A key that lists source files by hand drifts as soon as a module is added or moved
(an edit to the header reader once left the extractor key unchanged). A key here names
whole packages: every `.py` file below them is hashed, so a new or edited module is
always seen. `tests/test_code_keys.py` checks that each key's packages cover every
module its entry point can import, so a new import of another package cannot slip past.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent


def source_files(*units: str, root: Path = PACKAGE_DIR) -> list[Path]:
    """The `.py` files of `units`: dotted names of qcdc_cli packages or modules."""
    return [Path(p) for p in source_paths(*units, root=str(root))]


def source_paths(*units: str, root: str = str(PACKAGE_DIR)) -> list[str]:
    """`source_files` as strings, in the same order (a path's parts compared), found with
    `os.scandir`: no pathlib glob on the start-up of a warm run that only stats them."""
    import os

    files: set[str] = set()
    for unit in units:
        base = os.path.join(root, *unit.split(".")[1:])
        if os.path.isdir(base):
            _py_files(base, files)
        else:
            files.add(base + ".py")
    return sorted(files, key=lambda p: p.split(os.sep))


def _py_files(folder: str, out: set[str]) -> None:
    import os

    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _py_files(entry.path, out)
            elif entry.name.endswith(".py"):
                out.add(entry.path)


def sha256(data: bytes = b"") -> Any:
    """`hashlib.sha256`, from Python's own implementation when it has one: the same
    digests, without loading OpenSSL (`import hashlib` costs ~4 ms of every start)."""
    try:
        from _sha256 import sha256 as builtin  # type: ignore[import-not-found,unused-ignore]  # 3.11
    except ImportError:
        try:
            from _sha2 import sha256 as builtin  # type: ignore[import-not-found,no-redef,unused-ignore]  # 3.12+
        except ImportError:
            from hashlib import sha256 as builtin  # type: ignore[assignment,unused-ignore]
    return builtin(data)


@cache
def code_digest(*units: str) -> str:
    """sha256 over the names and bytes of every source file of `units`."""
    return digest_files(PACKAGE_DIR, source_files(*units))


def digest_files(root: Path, files: list[Path]) -> str:
    h = sha256()
    for path in files:
        try:
            code = path.read_bytes()
        except OSError:
            code = b"(unreadable)"
        h.update(b"%s %d\n" % (path.relative_to(root).as_posix().encode(), len(code)))
        h.update(code)
    return h.hexdigest()


_STAT_FORMAT = 1


def stat_digest(*units: str, root: Path = PACKAGE_DIR, folder: Path | None = None) -> str:
    """`code_digest(*units)` (of `root`), kept in the cache folder (`folder`, else
    config.cache_dir) under the path, size and mtime_ns of each of the source files: the
    rule Python trusts its own .pyc files by. A file edited, added or removed changes
    that list, and the bytes are hashed again; stat-ing 65 files costs a tenth of
    reading and hashing their 600 KB on every trace. No folder: hashed every time."""
    import os

    files = source_files(*units, root=root)
    lines = [f"qcdc code {_STAT_FORMAT} {root}"]
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            return digest_files(root, files)
        lines.append(f"{path.relative_to(root).as_posix()} {st.st_size} {st.st_mtime_ns}")
    key = sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()
    if folder is None:
        from qcdc_cli.config import cache_dir

        folder = cache_dir(os.environ)
    if folder is None:
        return digest_files(root, files)
    # one file per (root, units), rewritten when the code changes: edits leave none behind
    name = sha256("\n".join([str(root), *units]).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    cached = folder / f"code-{name}.txt"
    try:
        head, digest = cached.read_text("ascii").split()
        if head == key and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
            return digest
    except (OSError, ValueError, UnicodeError):  # missing or damaged: hashed again
        pass
    digest = digest_files(root, files)
    from qcdc_cli.cachefile import write_atomic

    write_atomic(cached, f"{key} {digest}\n".encode("ascii"), ".code-")
    return digest
