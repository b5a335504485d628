"""Shared fixtures: the bundled vocabulary, the sample texts, a CLI runner, and an index
on either backend (`backend`, `new_index`, `index_db`: an SQLite file, then a new
PostgreSQL database, so index tests run on both; tests/postgres_fixtures.py finds the
server).

The runner gets a wide terminal and no colour so text output is stable and can be
compared literally (rich wraps at the terminal width and styles when it sees a TTY).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from postgres_fixtures import pg_server, pg_url  # noqa: F401  (fixtures: a server, a database per test)
from typer.testing import CliRunner, Result

from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.knowledge.vocabulary import Vocabulary

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))

# Hypothesis: a modest default keeps the suite quick; HYPOTHESIS_PROFILE=thorough hunts harder
# (run it after touching normalize.py, numbers.py or extract.py).
settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# CI replays a fixed set of examples so a run cannot fail by chance; developers' runs
# explore new ones (and `HYPOTHESIS_PROFILE=thorough` explores 5,000 per property).
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

# Environment for every CLI run in tests: wide, plain, no colour (NO_COLOR is honoured
# by rich; TERM=dumb keeps it from emitting cursor controls).
CLI_ENV = {"COLUMNS": "200", "LINES": "50", "NO_COLOR": "1", "TERM": "dumb"}


def pytest_configure(config: pytest.Config) -> None:
    """The compiled registry cache goes to a folder of this run, not the user's ~/.cache
    (subprocesses inherit it). Set before collection: some test modules load the
    vocabulary at import. Tests of the cache itself set their own folder."""
    import tempfile

    config._qcdc_cache_dir = tempfile.TemporaryDirectory(prefix="qcdc-cache-")  # type: ignore[attr-defined]
    os.environ["QCDC_CACHE_DIR"] = config._qcdc_cache_dir.name  # type: ignore[attr-defined]
    # tmp_path folders of this run alone: pytest's shared /tmp/pytest-of-USER cleanup would
    # otherwise walk (recursively) whatever other runs left there, such as the fault tests'
    # folders nested a thousand deep, and die of a RecursionError after every test passed.
    if config.option.basetemp is None:
        config.option.basetemp = config._qcdc_tmp = tempfile.mkdtemp(prefix="qcdc-pytest-")  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_qcdc_cache_dir", None)
    if folder is not None:
        folder.cleanup()
    own_tmp = getattr(config, "_qcdc_tmp", None)
    if own_tmp is not None:  # `rm -rf` removes any depth; shutil.rmtree recurses per level
        import subprocess

        subprocess.run(["rm", "-rf", own_tmp], check=False)


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    """The vocabulary of the bundled registry (compiled once per test session)."""
    return load_vocabulary()


@pytest.fixture(scope="session")
def samples() -> list[Path]:
    """The five bundled seed documents, sorted by name."""
    assert len(SAMPLE_FILES) == 5, f"expected the five seed texts in {SAMPLES}"
    return SAMPLE_FILES


class Cli:
    """Runs `qcdc` in-process with a wide, colourless terminal; stdout and stderr apart."""

    def __init__(self) -> None:
        self._runner = CliRunner()  # keeps stderr apart from stdout (result.stdout, result.stderr)

    def __call__(self, args: Sequence[str | Path]) -> Result:
        from qcdc_cli.cli import app

        return self._runner.invoke(app, [str(a) for a in args], env=CLI_ENV, catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()


# ---- the index on either backend: the same tests run against SQLite and PostgreSQL

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend the index of this test lives on (the PostgreSQL cases are marked
    `postgres` and skipped, with the reason, only where no server can start)."""
    return str(request.param)


@pytest.fixture
def new_index(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """A maker of new, empty index addresses on this test's backend: `new_index("i.sqlite")`
    is a file under tmp_path, or a new database on the server (a UrlPath, dropped after)."""
    from postgres_fixtures import drop_database, new_database

    from qcdc_cli.index.dburl import UrlPath

    made: list[str] = []
    server = request.getfixturevalue("pg_server") if backend == "postgres" else ""

    def make(name: str) -> Path:
        if backend == "sqlite":
            return tmp_path / name
        made.append(new_database(server))
        return UrlPath(made[-1])

    yield make
    for url in made:
        drop_database(server, url)


@pytest.fixture
def index_db(new_index: Callable[[str], Path]) -> Path:
    """One new index on this test's backend (see `new_index`)."""
    return new_index("i.sqlite")
