"""The file system, carefully: why a path cannot be read, and reading without hanging.

`read_limited` opens a file without blocking (a named pipe with no writer must not hang
us), refuses what is not a regular file (pipes, sockets, devices such as /dev/zero),
and reads at most `max_bytes + 1` bytes whatever size the file states.
"""

from __future__ import annotations

import errno
import os
import stat

from qcdc_cli.errors import InputError


def stat_problem(path: str, e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    if e.errno == errno.ENOENT:
        return "broken symbolic link" if os.path.islink(path) else "no such file or folder"
    if e.errno == errno.EACCES:
        return "permission denied"
    return e.strerror or str(e)


def not_regular(mode: int) -> str:
    kind = "named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"not a regular file ({kind})"


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file `path` and its stat, or InputError with the reason:
    "is a directory", "not a regular file (named pipe)", "too large (...)", ...

    Opened with O_NONBLOCK, so a FIFO returns at once instead of waiting for a writer;
    read with a limit, so a device or a file growing under us cannot fill memory."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise InputError(name, "is a directory") from None
    except OSError as e:
        raise InputError(name, "no such file" if e.errno == errno.ENOENT else stat_problem(name, e)) from None
    try:
        st = os.fstat(fd)
        problem = (
            "is a directory"
            if stat.S_ISDIR(st.st_mode)
            else not_regular(st.st_mode)
            if not stat.S_ISREG(st.st_mode)
            else f"too large ({st.st_size} bytes; the limit is {max_bytes})"
            if st.st_size > max_bytes
            else None
        )
    except BaseException:
        os.close(fd)
        raise
    if problem is not None:
        os.close(fd)
        raise InputError(name, problem)
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(max_bytes + 1)
        except OSError as e:
            raise InputError(name, e.strerror or str(e)) from None
    if len(data) > max_bytes:
        raise InputError(name, f"too large (more than {max_bytes} bytes)")
    return data, st
