"""A PostgreSQL server for the tests marked `postgres`, and a fresh database per test.

The server is $QCDC_TEST_PG (CI's .ci/run starts one with .ci/pg-start and exports it);
without it, .ci/pg-start is tried here (and stopped at the end); where no server can be
started, the tests are skipped with the reason (no psycopg, no initdb, initdb failed).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a server's maintenance database (postgresql://user@host:port/postgres)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests: psycopg is not installed (pip install -e '.[postgres]')")
    url = os.environ.get("QCDC_TEST_PG")
    if url:
        yield url
        return
    started = subprocess.run([str(REPO / ".ci" / "pg-start")], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        pytest.skip(f"PostgreSQL tests: no server could be started: {started.stderr.strip()[-300:]}")
    env = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
    env = {k: v.strip("'") for k, v in env.items()}
    old = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = env["PGPASSFILE"]
    try:
        yield env["QCDC_TEST_PG"]
    finally:
        subprocess.run([str(REPO / ".ci" / "pg-stop"), env["QCDC_TEST_PG_DIR"]], check=False)
        if old is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = old


def new_database(server: str) -> str:
    """Create an empty database on the server; its URL."""
    import psycopg
    from psycopg import sql

    name = f"qcdc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(server: str, url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database for one test, dropped after it."""
    url = new_database(pg_server)
    try:
        yield url
    finally:
        drop_database(pg_server, url)
