"""SQLite and PostgreSQL indexes side by side, on the synthetic corpus of gen_corpus.py.

    python benchmarks/bench_postgres.py [--files 5000] [--jobs 2] [--work /tmp/qcdc-bench-pg]

Uses the server at $QCDC_TEST_PG (e.g. `eval "$(.ci/pg-start)"`), else starts one with
.ci/pg-start and stops it after. For each backend, as `qcdc` processes: a cold ingest
(new index), an unchanged re-ingest, trace (up from a commune plan, down from the most
cited directive, both ways from a provincial plan: median of 3) and coverage. Then four
ingests at once into one new PostgreSQL database (the corpus split in two halves, each
half ingested twice) and the row counts afterwards beside the SQLite index's: nothing
lost, nothing doubled. Prints what it measured; not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QCDC = [sys.executable, "-m", "qcdc_cli"]


def run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*QCDC, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def median_of(n: int, *args: str) -> float:
    return statistics.median(run(*args) for _ in range(n))


def server() -> tuple[str, str | None]:
    """(maintenance URL, folder to stop after, if this run started the server)."""
    if os.environ.get("QCDC_TEST_PG"):
        return os.environ["QCDC_TEST_PG"], None
    out = subprocess.run([str(REPO / ".ci" / "pg-start")], check=True, capture_output=True, text=True).stdout
    env = {k.removeprefix("export "): v.strip("'") for k, v in (line.split("=", 1) for line in out.splitlines())}
    os.environ["PGPASSFILE"] = env["PGPASSFILE"]
    return env["QCDC_TEST_PG"], env["QCDC_TEST_PG_DIR"]


def new_database(server_url: str) -> str:
    import psycopg

    name = f"qcdc_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'".encode())
    return server_url.rsplit("/", 1)[0] + "/" + name


def counts(db: str) -> dict[str, int]:
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.dburl import as_target

    with open_reader(as_target(Path(db))) as store:
        q = store.con.execute
        out = store.totals().to_dict()
        for table in ("nodes", "links", "resolutions"):
            out[table] = q(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["distinct paths"] = q("SELECT count(DISTINCT path) FROM files").fetchone()[0]
        out["stale"] = int(store.derived_state()[0])
    return out


def questions(db: str) -> dict[str, tuple[str, ...]]:
    """The documents to trace: picked from the index, the same for both backends."""
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.dburl import as_target

    with open_reader(as_target(Path(db))) as store:
        q = store.con.execute
        hub = q("SELECT target FROM links GROUP BY target ORDER BY count(*) DESC, target LIMIT 1").fetchone()[0]
        commune = q("SELECT id FROM nodes WHERE id LIKE '%/ĐU@%' ORDER BY id LIMIT 1").fetchone()
        province = q("SELECT id FROM nodes WHERE id LIKE '%-KH/TU@%' ORDER BY id LIMIT 1").fetchone()
        central = q("SELECT id FROM nodes WHERE id LIKE '%-KL/TW' ORDER BY id LIMIT 1").fetchone()
    return {
        "trace up (commune plan)": ("trace", (commune or province)[0], "--up"),
        "trace down (most cited)": ("trace", hub, "--down"),
        "trace both (provincial plan)": ("trace", province[0], "--both"),
        "coverage (a central directive)": ("coverage", (central or (hub,))[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/qcdc-bench-pg"))
    args = parser.parse_args()
    corpus = args.work / f"corpus-{args.files}"
    if not corpus.is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_corpus.py"), str(corpus), "--files", str(args.files)], check=True
        )
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    print(f"corpus: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB; jobs {args.jobs}")
    server_url, started = server()
    try:
        sqlite_db = args.work / f"index-{uuid.uuid4().hex[:8]}.sqlite"
        dbs = {"SQLite": str(sqlite_db), "PostgreSQL": new_database(server_url)}
        jobs = ("-j", str(args.jobs), "-q")
        rows: dict[str, dict[str, float]] = {}
        for name, db in dbs.items():
            rows[name] = {
                "cold ingest": run("ingest", str(corpus), "--db", db, *jobs),
                "unchanged re-ingest": run("ingest", str(corpus), "--db", db, *jobs),
            }
        for label, ask in questions(dbs["SQLite"]).items():
            for name, db in dbs.items():
                rows[name][label] = median_of(3, *ask, "--db", db)
        print(f"\n{'seconds':32}" + "".join(f"{n:>12}" for n in dbs))
        for label in rows["SQLite"]:
            print(f"{label:32}" + "".join(f"{rows[n][label]:12.2f}" for n in dbs))

        # four ingests at once: each half of the corpus twice, into one new database
        halves = [args.work / f"halves-{args.files}" / h for h in ("a", "b")]
        if not halves[0].is_dir():
            for i, path in enumerate(files):
                dest = halves[i % 2] / path.relative_to(corpus)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, dest)
        shared = new_database(server_url)
        started_at = time.perf_counter()
        procs = [
            subprocess.Popen([*QCDC, "ingest", str(h), "--db", shared, "-j", "1", "-q"]) for h in (*halves, *halves)
        ]
        codes = [p.wait() for p in procs]
        wall = time.perf_counter() - started_at
        alone = args.work / f"halves-{uuid.uuid4().hex[:8]}.sqlite"
        for h in halves:
            run("ingest", str(h), "--db", str(alone), *jobs)
        a, b = counts(shared), counts(str(alone))
        print(f"\nfour ingests at once into PostgreSQL (exit codes {codes}): {wall:.1f} s wall")
        print(f"{'rows':24}{'4 at once (PG)':>16}{'one by one (SQLite)':>22}")
        for key in a:
            mark = "" if a[key] == b[key] else "   <-- differs"
            print(f"{key:24}{a[key]:16}{b[key]:22}{mark}")
    finally:
        if started:
            subprocess.run([str(REPO / ".ci" / "pg-stop"), started], check=False)


if __name__ == "__main__":
    main()
