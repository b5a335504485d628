"""The one folder walker, and the one safe way to open what it finds.

Every command that takes folders (`extract`, `check`, `trace --corpus`, `ingest`) walks
them here, so they all pick up the same files:

- document suffixes from `read.files.DOCUMENT_SUFFIXES`; hidden entries (".git",
  ".qcdc") skipped; entries in sorted order (the order of sorted Paths);
- iterative, so a folder nested thousands deep is walked like any other;
- each folder visited once by (device, inode): a symbolic link back to a folder above
  is reported as a loop, and a second link to a folder already walked (a "diamond")
  is not walked again, so n levels of two links cost n folders, not 2^n paths;
- names as the file system gives them: a name that is not UTF-8 is a str with
  surrogate escapes (os.fsdecode), never an error.

What the walk finds is opened with read.fs.read_limited: without blocking, regular files
only, with a byte limit.
"""

from __future__ import annotations

import operator
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from qcdc_cli.read.files import DOCUMENT_SUFFIXES
from qcdc_cli.read.fs import not_regular, stat_problem


class Candidate(NamedTuple):  # a tuple: a walk of an archive makes one per file
    path: str  # as walked: the root as given joined with the names below it
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Walk:
    candidates: list[Candidate] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # found but not readable
    missing_args: list[tuple[str, str]] = field(default_factory=list)  # PATH args not found
    skipped_other: Counter[str] = field(default_factory=Counter)
    roots: list[str] = field(default_factory=list)
    # where the files of each folder listed begin in `candidates`: a folder's files run
    # on until the next mark (a subfolder's, or its own again after one); index.walkdigest
    # groups files by folder from these instead of splitting 100,000 paths
    runs: list[int] = field(default_factory=list)


LOOP = "symbolic link loop (leads back to a folder above it)"


def walk(paths: Iterable[str | os.PathLike[str]], suffixes: frozenset[str] = DOCUMENT_SUFFIXES) -> Walk:
    """Every document file under `paths`, with its size and mtime, and what was skipped
    or could not be read. A directory whose name ends in .txt is a folder like any
    other; files named explicitly are taken whatever their suffix."""
    out = Walk()
    visited: set[tuple[int, int]] = set()
    for given in paths:
        root = os.fspath(given)
        out.roots.append(root)
        try:
            st = os.stat(root)
        except OSError as e:
            out.missing_args.append((root, stat_problem(root, e)))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk_tree(root, st, visited, suffixes, out)
        elif stat.S_ISREG(st.st_mode):
            out.runs.append(len(out.candidates))
            out.candidates.append(Candidate(root, st.st_size, st.st_mtime_ns))
        else:
            out.failures.append((root, not_regular(st.st_mode)))
    return out


def _walk_tree(
    root: str, st: os.stat_result, visited: set[tuple[int, int]], suffixes: frozenset[str], out: Walk
) -> None:
    """Depth first, sorted, with an explicit stack of open folders (no recursion)."""
    key = (st.st_dev, st.st_ino)
    if key in visited:
        return
    visited.add(key)
    stack: list[tuple[Iterator[os.DirEntry[str]], frozenset[tuple[int, int]], str]] = []
    entries = _list(root, out)
    if entries is not None:
        stack.append((entries, frozenset({key}), root))
    at = _Here()
    try:
        _walk_stack(stack, visited, suffixes, out, at)
    finally:
        at.close()


def _walk_stack(
    stack: list[tuple[Iterator[os.DirEntry[str]], frozenset[tuple[int, int]], str]],
    visited: set[tuple[int, int]],
    suffixes: frozenset[str],
    out: Walk,
    at: _Here,
) -> None:
    here = at.move(stack[-1][2] if stack else None)
    runs, candidates = out.runs, out.candidates
    runs.append(len(candidates))
    # names bound once: this loop runs once per file (100,000 in a large index)
    stat_of, is_dir, is_reg, found = os.stat, stat.S_ISDIR, stat.S_ISREG, out.candidates.append
    new = tuple.__new__  # a Candidate without its Python-level __new__
    while stack:
        entries, ancestors, _ = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            runs.append(len(candidates))
            here = at.move(stack[-1][2] if stack else None)
            continue
        name = entry.name
        if name[0] == ".":
            continue
        path = entry.path
        dot = name.rfind(".")  # os.path.splitext's suffix, for a name not starting with "."
        suffix = name[dot:].lower() if dot > 0 else ""
        is_doc = suffix in suffixes
        if not is_doc and entry.is_file(follow_symlinks=False):  # the folder's own type: no stat
            out.skipped_other[suffix or "(none)"] += 1
            continue
        try:  # follows symlinks; from the folder's descriptor, no lookup of the whole path
            st = stat_of(path) if here < 0 else stat_of(name, dir_fd=here)
        except OSError as e:  # said for what could hold documents (a folder past PATH_MAX)
            if is_doc or entry.is_symlink() or entry.is_dir(follow_symlinks=False):
                out.failures.append((path, stat_problem(path, e)))
            continue
        mode = st.st_mode
        if is_dir(mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                out.failures.append((path, LOOP))
            elif key not in visited:  # else: reached before through another link
                visited.add(key)
                below = _list(path, out)
                if below is not None:
                    stack.append((below, ancestors | {key}, path))
                    runs.append(len(candidates))
                    here = at.move(path)
        elif not is_doc:
            out.skipped_other[suffix or "(none)"] += 1
        elif is_reg(mode):
            found(new(Candidate, (path, st.st_size, st.st_mtime_ns)))
        else:
            out.failures.append((path, not_regular(mode)))


_name = operator.attrgetter("name")
# a folder this long (in bytes) or longer is stat'ed file by file by its whole path: any
# of its names (255 bytes at most) joined to it stays under PATH_MAX, so a descriptor
# never finds a file that the whole path would report as too long
_SHORT = 4096 - 256 - 1


class _Here:
    """The descriptor of the folder whose entries the walk is at (one open at a time, so
    a tree thousands deep needs no more): os.stat of a name in it looks up one name,
    not every folder of the path again (a quarter of the stat time at 100,000 files).
    -1: none (no dir_fd here, a long path, a folder that cannot be opened)."""

    def __init__(self) -> None:
        self.fd = -1

    def move(self, folder: str | None) -> int:
        self.close()
        if folder is None or not _AT or len(os.fsencode(folder)) >= _SHORT:
            return -1
        try:
            self.fd = os.open(folder, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
        except OSError:
            return -1
        return self.fd

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)


_AT = os.stat in os.supports_dir_fd
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _list(folder: str, out: Walk) -> Iterator[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as it:
            return iter(sorted(it, key=_name))
    except OSError as e:
        out.failures.append((folder, f"cannot list folder: {e.strerror or e}"))
        return None


def is_gone(path: str) -> bool:
    """Whether the file system says `path` no longer exists. Only that is "gone": a file
    in a folder that could not be listed, or that cannot be looked at now, may still be
    there, and `ingest --prune` must not forget it."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False
