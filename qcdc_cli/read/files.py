"""Reading document files: the file's bytes, then the reader its content calls for.

Plain text is decoded here (read.decode); Word, PDF, web pages and legacy Word go
through read.formats, which sniffs the bytes. Every failure is an InputError naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from qcdc_cli.errors import InputError
from qcdc_cli.read.decode import Decoded, decode_bytes

STDIN = "-"  # the path that means standard input
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of kB; 20 MB is surely not one document

# The one list of suffixes a folder walk picks up (every command that takes folders
# reads it); a file named on the command line is read by its content, whatever its name.
DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".docx", ".doc", ".pdf", ".html", ".htm", ".rtf"})

__all__ = ["DEFAULT_MAX_BYTES", "DOCUMENT_SUFFIXES", "Decoded", "decode_bytes", "read_document"]


def read_document(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Read one file of any supported format (read.formats decides by content); every
    failure is an InputError naming the file. `-` is standard input, as in most
    command-line tools (`cat draft.txt | qcdc check -`)."""
    name = str(path)
    p = Path(path)
    if name == STDIN:
        import sys

        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(name, f"too large (over {max_bytes} bytes)")
        from qcdc_cli.read.formats import read_bytes

        return read_bytes(data, name)
    try:
        if p.is_dir():
            raise InputError(name, "is a directory")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(name, f"too large ({size} bytes; the limit is {max_bytes})")
        data = p.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as e:
        raise InputError(name, e.strerror or str(e)) from None
    from qcdc_cli.read.formats import read_bytes

    return read_bytes(data, name)
