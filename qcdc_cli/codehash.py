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
    files: set[Path] = set()
    for unit in units:
        base = root.joinpath(*unit.split(".")[1:])
        if base.is_dir():
            files.update(base.rglob("*.py"))
        else:
            files.add(base.with_suffix(".py"))
    return sorted(files)


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
