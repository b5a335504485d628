"""Files in the cache folder, written so that a reader never sees half of one.

Every cache qcdc keeps (the registry and its fast copy, compiled patterns, the fast
path's help screens and specs, the standard library's compiled code, code digests) is
written the same way: to a temporary file beside its target, then renamed over it. A
folder that cannot be written only means no cache: the next run misses and builds again.
Kept free of imports beyond `os`: the fast path writes through it before anything else
is loaded.
"""

from __future__ import annotations

import os


def write_atomic(path: str | os.PathLike[str], data: bytes, prefix: str, *, make_folder: bool = True) -> bool:
    """Write `data` to `path` through a temporary file named `prefix`... in the same
    folder; False (and nothing left behind) when it could not be written."""
    import contextlib
    import tempfile

    folder = os.path.dirname(os.fspath(path))
    try:
        if make_folder:
            os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True
