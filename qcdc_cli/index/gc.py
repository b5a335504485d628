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
