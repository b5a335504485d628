"""A synthetic lineage graph of about a million links, written straight into the derived
tables (nodes, node_keys, links, evidence) of one SQLite index and one PostgreSQL index,
for timing `trace` where it matters: a graph far larger than the corpus read to make it.
Used by bench_postgres.py `graph`; not a test. Shape (seeded, so both indexes hold the
same rows): central directives citing one earlier directive each; in 63 provinces,
provincial plans citing 3 directives (skewed: a few hubs get most citations) and one
earlier plan of the province; district plans citing 2 directives and 2 provincial plans;
commune plans citing a directive, a provincial plan and 2 district plans of their
district. One evidence row per link."""

from __future__ import annotations

import random
from typing import Any

PROVINCES = 63
DISTRICTS = 10  # per province


def synthesize(links: int = 1_000_000, seed: int = 7) -> Any:
    """A Derived of about `links` links (and its nodes, lookup keys and evidence)."""
    from qcdc_cli.index.rows import Derived, EvidenceRow, LinkRow, NodeKeyRow, known_row
    from qcdc_cli.resolve.known import Known, loose

    rnd = random.Random(seed)
    unit = links / 1_000_000
    central_n = max(50, int(5_000 * unit))
    provincial_n = max(5, int(1_000 * unit))  # per province
    district_n = max(5, int(238 * unit))  # per district
    commune_n = max(3, int(59 * unit))  # per district
    out = Derived()

    def node(number: str, kind: str, code: str, province: str | None = None, district: str | None = None) -> str:
        k = Known(number, "party", kind, code, province=province, district=district, date="2020-01-01")
        k.id = number + (f"@{province}" + (f"/{district}" if district else "") if province else "")
        k.origin = "corpus"
        out.nodes.append(known_row(k, None))
        out.node_keys.append(NodeKeyRow(loose(number), k.id))
        return k.id

    def hub() -> str:
        return central[int(central_n * rnd.random() ** 3)]

    def cite(source: str, targets: set[str]) -> None:
        for target in sorted(targets - {source}):
            out.links.append(LinkRow(source, target, "implements"))
            out.evidence.append(
                EvidenceRow(source, target, 0, f"/archive/{source}.txt", 12, f"Thực hiện văn bản số {target}", None)
            )

    central = [node(f"{i}-NQ/TW", "NQ", "TW") for i in range(1, central_n + 1)]
    for i, source in enumerate(central[1:], 1):
        cite(source, {central[rnd.randrange(i)]})
    for p in range(1, PROVINCES + 1):
        province = f"Tỉnh {p:02}"
        plans: list[str] = []
        for j in range(1, provincial_n + 1):
            source = node(f"{j}-KH/TU", "KH", "TU", province)
            cite(source, {hub() for _ in range(3)} | ({plans[rnd.randrange(len(plans))]} if plans else set()))
            plans.append(source)
        for d in range(1, DISTRICTS + 1):
            district = f"Huyện {d:02}"
            local: list[str] = []
            for j in range(1, district_n + 1):
                source = node(f"{j}-KH/HU", "KH", "HU", province, district)
                cite(source, {hub(), hub(), rnd.choice(plans), rnd.choice(plans)})
                local.append(source)
            for j in range(1, commune_n + 1):
                source = node(f"{j}-KH/ĐU", "KH", "ĐU", province, district)
                cite(source, {hub(), rnd.choice(plans), rnd.choice(local), rnd.choice(local)})
    for table in ("nodes", "node_keys", "links", "evidence"):
        getattr(out, table).sort(key=lambda row: row[:3])
    return out


def fill(target: str, derived: Any) -> None:
    """Write `derived` into a new index at `target` (a file or a database URL), marked as
    resolved with today's registry so `trace` answers from it. PostgreSQL's planner
    statistics are gathered at once (autovacuum would within a minute or so); SQLite's
    are not (qcdc never runs ANALYZE there, and with them SQLite builds a Bloom filter
    over the whole links table for every subgraph read: 0.15 s each at a million links)."""
    from pathlib import Path

    from qcdc_cli.index.backend import open_writer
    from qcdc_cli.index.dburl import as_target
    from qcdc_cli.index.derived import derive_key
    from qcdc_cli.knowledge.registry import load_registry

    with open_writer(as_target(Path(target))) as store:
        store.replace_derived(derived, derive_key(load_registry(())))
        if hasattr(store, "pg"):
            store.pg.execute("ANALYZE")


# (label, id, scope): the traces timed; ids of the graph synthesize() makes
TRACES = (
    ("up from a commune plan", "30-KH/ĐU@Tỉnh 32/Huyện 05", "up"),
    ("down from a provincial plan", "500-KH/TU@Tỉnh 32", "down"),
    ("both from a district plan", "100-KH/HU@Tỉnh 32/Huyện 05", "both"),
    ("down from a mid directive", "2500-NQ/TW", "down"),
)
HUB = "1-NQ/TW"  # the most cited directive: its whole subtree, the worst case


def measure(dbs: dict[str, str], repeat: int = 5) -> None:
    """Print, for each backend, the recursive query alone and a whole trace in-process
    (reader opened, query, subgraph read, graph built), medians of `repeat`, backends
    interleaved; then `qcdc trace` as a process (median of 3)."""
    import statistics
    import subprocess
    import sys
    import time
    from pathlib import Path

    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.dburl import as_target
    from qcdc_cli.index.derived import index_graph

    def timed(fn: Any) -> tuple[float, Any]:
        started = time.perf_counter()
        value = fn()
        return time.perf_counter() - started, value

    rows: dict[str, dict[str, float]] = {name: {} for name in dbs}
    sizes: dict[str, int] = {}
    readers = {name: open_reader(as_target(Path(db))) for name, db in dbs.items()}
    try:
        for label, ident, scope in (*TRACES, (f"hub {HUB}, whole subtree", HUB, "down")):
            ways = ("up", "down") if scope == "both" else (scope,)
            key = f"recursive query: {label}"
            samples: dict[str, list[float]] = {name: [] for name in dbs}
            for _ in range(repeat):
                for name, store in readers.items():
                    seconds, found = timed(lambda s=store, i=ident, ws=ways: set().union(*(s.reach(i, w) for w in ws)))
                    samples[name].append(seconds)
                    if sizes.setdefault(key, len(found)) != len(found):
                        raise AssertionError(f"{label}: the backends reach different nodes")
            for name in dbs:
                rows[name][key] = statistics.median(samples[name])
    finally:
        for store in readers.values():
            store.close()
    for label, ident, scope in TRACES:
        key = f"index_graph (in-process): {label}"
        samples = {name: [] for name in dbs}
        for _ in range(repeat):
            for name, db in dbs.items():

                def whole(db: str = db, ident: str = ident, scope: Any = scope) -> Any:
                    with open_reader(as_target(Path(db))) as store:
                        return index_graph(store, ident, scope)

                seconds, graph = timed(whole)
                samples[name].append(seconds)
                sizes[key] = len(list(graph.nodes()))
        for name in dbs:
            rows[name][key] = statistics.median(samples[name])
    for label, ident, scope in TRACES:
        key = f"`qcdc trace --{scope}` process: {label}"
        samples = {name: [] for name in dbs}
        for _ in range(3):
            for name, db in dbs.items():
                cmd = [sys.executable, "-m", "qcdc_cli", "trace", ident, f"--{scope}", "--db", db, "-f", "json"]
                seconds, done = timed(lambda cmd=cmd: subprocess.run(cmd, capture_output=True, text=True))
                if done.returncode != 0:
                    raise AssertionError(f"{' '.join(cmd)}: {done.stderr}")
                samples[name].append(seconds)
        for name in dbs:
            rows[name][key] = statistics.median(samples[name])
    print(f"\n{'seconds (nodes reached)':74}" + "".join(f"{n:>12}" for n in dbs))
    for key in rows[next(iter(dbs))]:
        size = f" ({sizes[key]:,})" if key in sizes else ""
        print(f"{key + size:74}" + "".join(f"{rows[n][key]:12.3f}" for n in dbs))
