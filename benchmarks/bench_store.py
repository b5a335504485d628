"""The index's bulk operations on a big existing index, each beside the floor it cannot beat.

    python benchmarks/bench_store.py /tmp/bench/i100k.sqlite [--work /tmp/store-bench] [--repeat 3]

Works on a COPY of the index (in --work); the original is only read. For each operation it
prints the best of --repeat runs, wall and CPU seconds (CPU is steadier on a shared machine):

- replace_derived: the derived tables read back from the index and swapped in again; floor:
  the same rows inserted into an in-memory database with the same schema (no I/O, no WAL).
- load_corpus: floor: fetching the same four queries' rows with nothing built from them.
- index_graph down from a hub (--hub, default 30-CT/TW), garbage collector on as in `qcdc
  trace`: floor: Store.reach + subgraph_rows.
Nothing here is a pass/fail test; it prints what it measured.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from qcdc_cli.index.derived import index_graph
from qcdc_cli.index.rows import DERIVED_TABLES, Derived, columns
from qcdc_cli.index.schema import _V2, statements
from qcdc_cli.index.store import Store

_COLUMNS = {table: columns(row_type) for table, row_type in DERIVED_TABLES.items()}

_ORDER = {
    "nodes": "id",
    "node_keys": "key, id",
    "links": "source, target",
    "evidence": "source, target, seq",
    "issues": "seq",
    "speakers": "path, first_line, id",
    "resolutions": "document_id, number",
}
_CORPUS_QUERIES = (
    "SELECT d.*, f.path FROM documents d JOIN files f ON f.id = d.file_id ORDER BY f.path, d.segment",
    "SELECT * FROM refs ORDER BY document_id, number",
    "SELECT * FROM mentions ORDER BY rowid",
    "SELECT * FROM reported_relations ORDER BY rowid",
)


def best(
    fn: Callable[[], object], repeat: int, setup: Callable[[], object] = lambda: None, gc_off: bool = True
) -> tuple[float, float]:
    """(wall, cpu) seconds of the fastest of `repeat` runs; garbage collector off as in
    derive, or (gc_off=False) left on as a command runs, so what the code does about it counts."""
    runs = []
    for _ in range(repeat):
        setup()
        gc.collect()
        if gc_off:
            gc.disable()
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            fn()
        finally:
            runs.append((time.perf_counter() - wall, time.process_time() - cpu))
            gc.enable()
    return min(runs)


def report(label: str, measured: tuple[float, float], floor: tuple[float, float]) -> None:
    print(
        f"  {label:34} {measured[0]:6.2f} s wall {measured[1]:6.2f} s cpu"
        f"   floor {floor[0]:6.2f} s wall {floor[1]:6.2f} s cpu   x{measured[1] / floor[1]:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/store-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hub", default="30-CT/TW")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    copy = args.work / "copy.sqlite"

    def fresh_copy() -> None:
        for suffix in ("-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        shutil.copy(args.index, copy)

    fresh_copy()
    with Store.open_reader(copy) as store:
        derived = Derived(
            **{
                t: store.con.execute(f"SELECT {cols} FROM {t} ORDER BY {_ORDER[t]}").fetchall()
                for t, cols in _COLUMNS.items()
            }
        )
    rows = sum(len(getattr(derived, t)) for t in _COLUMNS)
    print(f"index {args.index}: {rows:,} derived rows; best of {args.repeat}", flush=True)

    def swap() -> None:
        with Store.open_writer(copy) as store:
            store.replace_derived(derived, "bench")

    def swap_in_memory() -> None:
        con = sqlite3.connect(":memory:", isolation_level=None)
        for statement in statements(_V2):
            con.execute(statement)
        con.execute("BEGIN")
        for t, cols in _COLUMNS.items():
            table = getattr(derived, t)
            if table:
                con.executemany(f"INSERT INTO {t}({cols}) VALUES ({', '.join('?' * len(table[0]))})", table)
        con.execute("COMMIT")
        con.close()

    report("replace_derived", best(swap, args.repeat, fresh_copy), best(swap_in_memory, args.repeat))

    with Store.open_reader(copy) as store:
        floor = best(lambda: [store.con.execute(sql).fetchall() for sql in _CORPUS_QUERIES], args.repeat)
        report("load_corpus", best(store.load_corpus, args.repeat), floor)

        def rows_only() -> None:
            store.subgraph_rows(store.reach(args.hub, "down") | {args.hub})

        floor = best(rows_only, args.repeat, gc_off=False)
    graph = best(lambda: index_graph(copy, args.hub, "down"), args.repeat, gc_off=False)
    report(f"index_graph {args.hub} down", graph, floor)


if __name__ == "__main__":
    main()
