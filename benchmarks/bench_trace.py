"""How long `qcdc trace` takes on a national-sized lineage, against networkx itself.

A synthetic corpus shaped like the real hierarchy: 63 provincial plans implementing
120-KL/TW, under each province D district plans that implement their provincial plan
and also name 120-KL/TW and 30-CT/TW (the shortcuts trace folds), and under each
district C commune plans that implement the district plan and name the provincial one.
Prints seconds per stage and the ratio of each trace to a bare
`networkx.descendants`/`ancestors` walk over the same graph (the floor any trace pays).

    .venv/bin/python benchmarks/bench_trace.py [D] [C]     # D=10 C=0: 700 documents
    .venv/bin/python benchmarks/bench_trace.py 160 9       # about 100,000 documents
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
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


if __name__ == "__main__":
    main()
