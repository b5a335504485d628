"""How long `qcdc trace` takes on a national-sized lineage, against networkx itself.

A synthetic corpus shaped like the real hierarchy: 63 provincial plans implementing
120-KL/TW, under each province D district plans that implement their provincial plan
and also name 120-KL/TW and 30-CT/TW (the shortcuts trace folds), and under each
district C commune plans that implement the district plan and name the provincial one.
Prints seconds per stage and the ratio of each trace to a bare
`networkx.descendants`/`ancestors` walk over the same graph (the floor any trace pays).

    .venv/bin/python benchmarks/bench_trace.py [D] [C]     # D=10 C=0: 700 documents
    .venv/bin/python benchmarks/bench_trace.py 160 9       # about 100,000 documents

With `--processes INDEX`, whole `qcdc trace`/`show`/`coverage` processes over an index
(stdout to a file, as a script reads it), each run interleaved with `python -c pass`
in the same loop so a loaded machine moves both; prints the median wall time, the
ratio to `python -c pass`, peak memory and the median CPU time (user + system). `--base DIR`
also times the qcdc of another
checkout (a source tree, put first on PYTHONPATH) in the same loop: its ratio to this one.

    .venv/bin/python benchmarks/bench_trace.py --processes /path/index.sqlite [--runs 7] [--base DIR]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from qcdc_cli.knowledge.registry import load_registry
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.lineage.graph import build_graph
from qcdc_cli.models import Extraction, Mention, Reference, SelfInfo
from qcdc_cli.resolve.resolve import Catalog


def ref(number: str, relation: str, system: str, type_: str, code: str) -> Reference:
    m = Mention(number, 0, len(number), 3, 1, relation)
    return Reference(number, system, type_, code, relation=relation, mentions=[m])  # type: ignore[arg-type]


def corpus(districts: int, communes: int, provinces: list[str]) -> list[tuple[str, Extraction]]:
    out = []
    for p, province in enumerate(provinces):
        plan = SelfInfo(number=f"{p + 1}-KH/TU", type="KH", issuer_code="TU", date="2016-03-01", province=province)
        out.append((f"p{p}/tu.txt", Extraction(plan, [ref("120-KL/TW", "implements", "party", "KL", "TW")])))
        for d in range(districts):
            info = SelfInfo(number=f"{d + 1}-KH/HU", type="KH", issuer_code="HU", date="2016-05-01", province=province)
            refs = [
                ref(f"{p + 1}-KH/TU", "implements", "party", "KH", "TU"),
                ref("120-KL/TW", "cites", "party", "KL", "TW"),
                ref("30-CT/TW", "cites", "party", "CT", "TW"),
            ]
            out.append((f"p{p}/hu{d}.txt", Extraction(info, refs)))
            for c in range(communes):
                number = f"{d * communes + c + 1}-KH/ĐU"
                info = SelfInfo(number=number, type="KH", issuer_code="ĐU", date="2016-07-01", province=province)
                refs = [
                    ref(f"{d + 1}-KH/HU", "implements", "party", "KH", "HU"),
                    ref(f"{p + 1}-KH/TU", "cites", "party", "KH", "TU"),
                ]
                out.append((f"p{p}/hu{d}/du{c}.txt", Extraction(info, refs)))
    return out


def timed(label: str, fn: Callable[[], Any], baseline: float | None = None) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    ratio = f"  ({took / baseline:.1f}x the networkx walk)" if baseline else ""
    print(f"{label:<44} {took:8.3f} s{ratio}")
    return result, took


def main() -> None:
    districts = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    communes = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    registry = load_registry()
    vocab = Vocabulary.from_registry(registry)
    provinces = sorted({p.name for p in registry.provinces if p.valid_until})[:63]
    docs = corpus(districts, communes, provinces)
    print(f"{len(docs)} documents, {sum(len(e.references) for _, e in docs)} references")
    catalog, _ = timed("Catalog.build (resolve every reference)", lambda: Catalog.build(registry, vocab, docs))
    graph, _ = timed("build_graph", lambda: build_graph(catalog, registry))
    g = graph.to_networkx()
    _, walk_down = timed("networkx.ancestors(30-CT/TW) (baseline)", lambda: nx.ancestors(g, "30-CT/TW"))
    trace, _ = timed("trace 30-CT/TW --down", lambda: graph.trace("30-CT/TW", "down"), walk_down)
    print(f"  {len(trace.nodes)} documents shown, {len(trace.folded)} shortcuts folded")
    timed("trace 120-KL/TW --down --depth 1", lambda: graph.trace("120-KL/TW", "down", depth=1))
    plan = f"1-KH/TU@{provinces[0]}"
    timed(f"trace {plan} --both", lambda: graph.trace(plan, "both"))
    leaf = f"1-KH/{'ĐU' if communes else 'HU'}@{provinces[0]}"
    _, walk_up = timed(f"networkx.descendants({leaf}) (baseline)", lambda: nx.descendants(g, leaf))
    up, _ = timed(f"trace {leaf} --up", lambda: graph.trace(leaf, "up"), walk_up)
    print(f"  {len(up.nodes)} documents shown, {len(up.folded)} shortcuts folded")


# (label, arguments after `qcdc`): what README "## Index" reports
PROCESS_COMMANDS = [
    ("trace up from a commune plan", ["trace", "01-KH/ĐU@An Giang"]),
    ("trace --both from a provincial plan", ["trace", "01-KH/TU@Hà Tĩnh", "--both"]),
    ("trace 120-KL/TW --down --depth 1", ["trace", "120-KL/TW", "--down", "--depth", "1"]),
    ("show 120-KL/TW", ["show", "120-KL/TW"]),
    ("coverage 120-KL/TW", ["coverage", "120-KL/TW"]),
]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds: user + system) of one process, its
    stdout to a file. CPU time moves less than wall time on a loaded machine."""
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        # from / : `python -m` puts the working directory before PYTHONPATH
        pid = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd="/").pid
        _, _, usage = os.wait4(pid, 0)
        took = time.perf_counter() - start
    return took, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def processes(argv: list[str]) -> None:
    import os
    import statistics

    args = iter(argv)
    db, runs, base = "", 7, None
    for arg in args:
        if arg == "--processes":
            db = next(args)
        elif arg == "--runs":
            runs = int(next(args))
        elif arg == "--base":
            base = next(args)
    # bytecode caching on, as for an installed package (a PYTHONDONTWRITEBYTECODE shell would
    # time the compiling of every module edited since its .pyc was written)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    qcdc = [sys.executable, "-m", "qcdc_cli"]
    db = str(Path(db).resolve())
    base = str(Path(base).resolve()) if base else None
    print(f"{runs} runs, interleaved; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    for label, command in PROCESS_COMMANDS:
        times: dict[str, list[float]] = {"pass": [], "this": [], "base": []}
        cpu: dict[str, list[float]] = {"this": [], "base": []}
        peak = 0.0
        for _ in range(runs):
            times["pass"].append(run_once([sys.executable, "-c", "pass"], env)[0])
            took, rss, used = run_once([*qcdc, *command, "--db", db], env)
            times["this"].append(took)
            cpu["this"].append(used)
            peak = max(peak, rss)
            if base:
                took, _, used = run_once([*qcdc, *command, "--db", db], {**env, "PYTHONPATH": base})
                times["base"].append(took)
                cpu["base"].append(used)
        bare, this = statistics.median(times["pass"]), statistics.median(times["this"])
        line = f"{label:<38} {this * 1000:7.0f} ms  {this / bare:5.1f}x python -c pass ({bare * 1000:.0f} ms)"
        line += f"  {peak:4.0f} MB  CPU {statistics.median(cpu['this']) * 1000:5.0f} ms"
        if base:
            before = statistics.median(times["base"])
            line += f"  base {before * 1000:5.0f} ms: this/base {this / before:.2f}"
            spent = statistics.median(cpu["base"])
            line += f"; CPU base {spent * 1000:5.0f} ms: this/base {statistics.median(cpu['this']) / spent:.2f}"
        print(line, flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    if "--processes" in sys.argv:
        processes(sys.argv[1:])
    else:
        main()
