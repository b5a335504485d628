"""Reading document files: the file's bytes, then the reader its content calls for.

Plain text is decoded here (read.decode); Word, PDF, web pages and legacy Word go
through read.formats, which sniffs the bytes. Every failure is an InputError naming the file.
"""

from __future__ import annotations

import os

from qcdc_cli.read.decode import Decoded, decode_bytes

STDIN = "-"  # the path that means standard input
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of kB; 20 MB is surely not one document

# The one list of suffixes a folder walk picks up (every command that takes folders
# reads it); a file named on the command line is read by its content, whatever its name.
DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".docx", ".doc", ".pdf", ".html", ".htm", ".rtf"})

__all__ = ["DEFAULT_MAX_BYTES", "DOCUMENT_SUFFIXES", "Decoded", "decode_bytes", "read_document"]


def read_document(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Read one file of any supported format (read.formats decides by content); every
    failure is an InputError naming the file. Named pipes and devices are refused without
    blocking, and no more than `max_bytes` are read whatever size the file states
    (read.fs.read_limited). `-` is standard input, as in most command-line tools
    (`cat draft.txt | qcdc check -`)."""
    from qcdc_cli.read.formats import read_bytes
    from qcdc_cli.read.fs import read_limited

    if str(path) == STDIN:
        import sys

        from qcdc_cli.errors import InputError

        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(STDIN, f"too large (over {max_bytes} bytes)")
        return read_bytes(data, STDIN)

    data, _ = read_limited(path, max_bytes)
    return read_bytes(data, str(path))
