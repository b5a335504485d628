"""Resolution alone, in process, on an existing index: the catalog and the lineage graph
built from the stored extractions, as `qcdc ingest` does after any change.

    python benchmarks/bench_resolve.py /tmp/bench/i10k.sqlite [--repeat 3]

Prints each run's seconds for Catalog.build and build_graph (the first run pays for the
gazetteer and the caches) and the process's peak memory so far (max RSS). Build the
index with gen_corpus.py and `qcdc ingest`; to compare two versions, run this script
under each (PYTHONPATH) on indexes ingested by each.
Nothing here is a pass/fail test; it prints what it measured.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from qcdc_cli.index.store import Store
from qcdc_cli.knowledge.registry import load_registry
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.lineage.graph import build_graph
from qcdc_cli.resolve.resolve import Catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    registry = load_registry()
    vocab = Vocabulary.from_registry(registry)
    with Store.open_reader(args.index) as store:
        stored, quotes = store.load_corpus()
    corpus = [(path, extraction) for path, extraction, _ in stored]
    print(f"{len(corpus):,} files")
    for run in range(1, args.repeat + 1):
        started = time.perf_counter()
        catalog = Catalog.build(registry, vocab, corpus)
        built = time.perf_counter()
        build_graph(catalog, registry, None, quotes)
        done = time.perf_counter()
        known = len(catalog.entries)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        print(
            f"run {run}: catalog {built - started:.2f} s, graph {done - built:.2f} s,"
            f" {known:,} documents, peak {peak} MB"
        )


if __name__ == "__main__":
    main()
