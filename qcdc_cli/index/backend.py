"""Which backend holds an index: a postgresql:// URL is a PostgreSQL server
(index.postgres), anything else an SQLite file (index.store). Opening goes through here
so the SQLite store never imports the PostgreSQL one (which builds on it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qcdc_cli.index.dburl import db_url

if TYPE_CHECKING:
    from qcdc_cli.index.store import Store


def open_reader(path: Path) -> Store:
    """`Store.open_reader` for either backend: one read snapshot until closed."""
    if (url := db_url(path)) is not None:
        from qcdc_cli.index.postgres import PgStore

        return PgStore.connect(url, writable=False)
    from qcdc_cli.index.store import Store

    return Store.open_reader(path)


def open_writer(path: Path) -> Store:
    """`Store.open_writer` for either backend: created and migrated as needed."""
    if (url := db_url(path)) is not None:
        from qcdc_cli.index.postgres import PgStore

        return PgStore.connect(url, writable=True)
    from qcdc_cli.index.store import Store

    return Store.open_writer(path)
