"""Building many long-lived objects at once (a whole index's resolution, a hub's subtree)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """No cyclic garbage collection while the block builds millions of objects that all
    live to its end: each full collection would walk every one of them again (a third of
    the time of a derive at 10,000 documents). Reference counting still frees the rest;
    the collector is left as it was found."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def small_sqlite_cache(con: object, kib: int = 2000) -> Iterator[None]:
    """A SQLite connection's page cache cut to its default size for the block (and its
    pages given back now): a writer keeps 64 MB for its inserts, which a whole-corpus
    read gains nothing from, while resolution holds the corpus in memory beside it.
    Anything else (another backend's connection) is left as it is."""
    import sqlite3

    if not isinstance(con, sqlite3.Connection):
        yield
        return
    (size,) = con.execute("PRAGMA cache_size").fetchone()
    con.execute(f"PRAGMA cache_size = {-abs(kib)}")
    con.execute("PRAGMA shrink_memory")
    try:
        yield
    finally:
        con.execute(f"PRAGMA cache_size = {int(size)}")
