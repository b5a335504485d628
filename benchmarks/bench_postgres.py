"""SQLite and PostgreSQL indexes side by side, on a generated corpus (gen_corpus.py).

    python benchmarks/bench_postgres.py [--files 5000] [--jobs 2] [--work /tmp/qcdc-bench-pg]
    python benchmarks/bench_postgres.py --corpus /work/bench/corpus-100k \
        --index /work/bench/index-100k.sqlite --steps copied,questions   # then: cold / concurrent
    python benchmarks/bench_postgres.py --graph 1000000                  # trace, 1M links

Uses the server at $QCDC_TEST_PG (e.g. `eval "$(.ci/pg-start)"`), else starts one with
.ci/pg-start and stops it after. For each backend, as `qcdc` processes (`--steps`):
`cold`, a cold ingest (new index) and an unchanged re-ingest; `copied`, an existing
SQLite index (--index) copied, into PostgreSQL by `qcdc index copy`, and an unchanged
re-ingest of each; `questions`, trace (up from a commune plan, down one level from the
most cited directive, both ways from a provincial plan) and coverage, medians of 3,
backends interleaved; `concurrent`, four ingests at once into one new PostgreSQL
database (the corpus in two halves, each ingested twice) and its row counts beside an
SQLite index of the same files: nothing lost, nothing doubled. `--graph LINKS`: trace
on a synthetic graph written straight into the tables (bench_pg_graph.py).
Prints what it measured; not a pass/fail test.
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
sys.path.insert(0, str(HERE))
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
        "trace --down -d 1 (most cited)": ("trace", hub, "--down", "--depth", "1"),
        "trace both (provincial plan)": ("trace", province[0], "--both"),
        "coverage (a central directive)": ("coverage", (central or (hub,))[0]),
    }


def graph(links: int, work: Path) -> None:
    """Trace on a synthetic graph of `links` links (bench_pg_graph), in both backends."""
    import bench_pg_graph

    started = time.perf_counter()
    derived = bench_pg_graph.synthesize(links)
    print(
        f"synthetic graph: {len(derived.nodes):,} nodes, {len(derived.links):,} links,"
        f" {len(derived.evidence):,} evidence rows ({time.perf_counter() - started:.1f} s to make)"
    )
    server_url, started_server = server()
    try:
        dbs = {"SQLite": str(work / f"graph-{uuid.uuid4().hex[:8]}.sqlite"), "PostgreSQL": new_database(server_url)}
        for name, db in dbs.items():
            started = time.perf_counter()
            bench_pg_graph.fill(db, derived)
            print(
                f"written into {name} (replace_derived; ANALYZE on PostgreSQL): {time.perf_counter() - started:.1f} s"
            )
        del derived
        bench_pg_graph.measure(dbs)
    finally:
        if started_server:
            subprocess.run([str(REPO / ".ci" / "pg-stop"), started_server], check=False)


def copy_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of an SQLite index (its WAL included) to write into."""
    import sqlite3

    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    src.backup(dst)
    dst.close()
    src.close()


def halves_of(corpus: Path, work: Path) -> list[list[Path]]:
    """The corpus in two halves: its top-level folders taken alternately (a corpus of
    loose files: hard links into two folders)."""
    top = sorted(corpus.iterdir())
    if all(p.is_dir() for p in top) and len(top) > 1:
        return [top[0::2], top[1::2]]
    halves = [work / f"halves-{corpus.name}" / h for h in ("a", "b")]
    if not halves[0].is_dir():
        for i, path in enumerate(sorted(p for p in corpus.rglob("*") if p.is_file())):
            dest = halves[i % 2] / path.relative_to(corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, dest)
    return [[h] for h in halves]


def timed_table(rows: dict[str, dict[str, float]]) -> None:
    names = list(rows)
    print(f"\n{'seconds':40}" + "".join(f"{n:>12}" for n in names))
    for label in rows[names[0]]:
        print(f"{label:40}" + "".join(f"{rows[n][label]:12.2f}" for n in names), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/qcdc-bench-pg"))
    parser.add_argument("--graph", type=int, metavar="LINKS", help="time trace on a synthetic graph of LINKS links")
    parser.add_argument("--corpus", type=Path, help="an existing corpus (default: generate --files files)")
    parser.add_argument("--index", type=Path, help="an SQLite index of --corpus: copied, and into PostgreSQL")
    parser.add_argument(
        "--steps", default="cold,questions,concurrent", help="of: cold, copied, reingest, questions, concurrent"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.graph:
        graph(args.graph, args.work)
        return
    steps = set(args.steps.split(","))
    corpus = args.corpus or args.work / f"corpus-{args.files}"
    if not corpus.is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_corpus.py"), str(corpus), "--files", str(args.files)], check=True
        )
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    print(f"corpus {corpus}: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB; jobs {args.jobs}")
    print(f"load average before: {os.getloadavg()}", flush=True)
    server_url, started = server()
    jobs = ("-j", str(args.jobs), "-q")
    try:
        rows: dict[str, dict[str, float]] = {"SQLite": {}, "PostgreSQL": {}}
        dbs: dict[str, str] = {}
        if "cold" in steps:
            dbs = {
                "SQLite": str(args.work / f"cold-{uuid.uuid4().hex[:8]}.sqlite"),
                "PostgreSQL": new_database(server_url),
            }
            for name, db in dbs.items():
                rows[name]["cold ingest"] = run("ingest", str(corpus), "--db", db, *jobs)
                print(f"cold ingest into {name}: {rows[name]['cold ingest']:.1f} s", flush=True)
            for name, db in dbs.items():
                rows[name]["unchanged re-ingest"] = run("ingest", str(corpus), "--db", db, *jobs)
        if "copied" in steps:  # an SQLite index (--index, else the cold one) into a new database
            source = args.work / f"index-{uuid.uuid4().hex[:8]}.sqlite"
            started_at = time.perf_counter()
            copy_sqlite(args.index or Path(dbs["SQLite"]), source)
            print(f"SQLite index copied (backup API): {time.perf_counter() - started_at:.1f} s")
            copied = new_database(server_url)
            seconds = run("index", "copy", str(source), copied)
            print(f"`qcdc index copy` SQLite -> PostgreSQL: {seconds:.1f} s", flush=True)
            if "PostgreSQL" in dbs:
                a, b = counts(copied), counts(dbs["PostgreSQL"])
                print("the copy's rows = the cold PostgreSQL ingest's:", a == b, "" if a == b else (a, b))
            else:
                dbs = {"SQLite": str(source), "PostgreSQL": copied}
                for name, db in dbs.items():
                    if "reingest" in steps:  # every file again if another qcdc made --index
                        rows[name]["re-ingest of the copies"] = run("ingest", str(corpus), "--db", db, *jobs)
        if "questions" in steps and dbs:
            for label, ask in questions(dbs["SQLite"]).items():
                samples: dict[str, list[float]] = {name: [] for name in dbs}
                for _ in range(3):  # interleaved
                    for name, db in dbs.items():
                        samples[name].append(run(*ask, "--db", db))
                for name in dbs:
                    rows[name][label] = statistics.median(samples[name])
        if rows["SQLite"]:
            timed_table(rows)
        if "concurrent" in steps:
            concurrent(server_url, corpus, args.work, dbs.get("SQLite"), jobs)
        print(f"load average after: {os.getloadavg()}")
    finally:
        if started:
            subprocess.run([str(REPO / ".ci" / "pg-stop"), started], check=False)


def concurrent(server_url: str, corpus: Path, work: Path, whole: str | None, jobs: tuple[str, ...]) -> None:
    """Four ingests at once into one new database (each half of the corpus twice), then
    its row counts beside an SQLite index of the whole corpus (`whole`, else one made
    here, one half after the other)."""
    halves = halves_of(corpus, work)
    shared = new_database(server_url)
    started_at = time.perf_counter()
    procs = [
        subprocess.Popen([*QCDC, "ingest", *map(str, h), "--db", shared, "-j", "1", "-q"]) for h in (*halves, *halves)
    ]
    codes = [p.wait() for p in procs]
    wall = time.perf_counter() - started_at
    if whole is None:
        alone = work / f"halves-{uuid.uuid4().hex[:8]}.sqlite"
        for h in halves:
            run("ingest", *map(str, h), "--db", str(alone), *jobs)
        whole = str(alone)
    a, b = counts(shared), counts(whole)
    print(f"\nfour ingests at once into PostgreSQL (exit codes {codes}): {wall:.1f} s wall")
    print(f"{'rows':24}{'4 at once (PG)':>16}{'one ingest (SQLite)':>22}")
    for key in a:
        mark = "" if a[key] == b[key] else "   <-- differs"
        print(f"{key:24}{a[key]:16}{b[key]:22}{mark}")


if __name__ == "__main__":
    main()
