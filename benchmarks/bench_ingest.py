"""Ingest and index-query benchmark on the synthetic corpus of gen_corpus.py.

    python benchmarks/bench_ingest.py [--files 5000] [--big 100000] [--work /tmp/qcdc-bench]
    python benchmarks/bench_ingest.py --ratio /work/bench/corpus-10k [--pairs 3] [--compare /work/main]

With --ratio, only: extraction alone in one process (read + decode + extract_text) and a
cold ingest with all cores, as processes, interleaved in pairs: seconds, CPU seconds,
files/s, peak RSS, the ratio per pair and its median (the figure to quote on a shared
machine), and how fast two processes burn CPU against one, before and after.


Prints, for the --files corpus:
  - the baselines, in this process: read + decode every file, and read + decode +
    extract_text (no index), sequentially;
  - a cold ingest (fresh index) with 1 worker and with all cores, as `qcdc ingest`
    subprocesses: seconds, files/s, MB/s, peak RSS of the largest process, the ratio to
    the extract-only baseline, and how long resolving the whole index took;
  - an unchanged re-ingest (nothing opened), and re-ingests after one file changed (a
    line appended; a cited number edited), each paired with an unchanged one;
and for the --big corpus (built once in --work, reused): its ingest, an unchanged
re-ingest, a re-ingest after one file changed (a line appended: the derived rows are
patched, index/incremental.py), the latency of
the index questions, in-process (median of 5 after one warm-up) and as CLI processes:
trace up from a commune plan, both ways from a provincial plan, down one level from
120-KL/TW, down two levels from 30-CT/TW and the whole tree below it (pick + recursive
query + subgraph + graph.trace), coverage, unresolved, stats.

Files are in the page cache ("cold" is the index, not the disk: dropping caches needs
root on the host). Nothing here is a pass/fail test; it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def qcdc(*args: str) -> list[str]:
    return [sys.executable, "-m", "qcdc_cli", *args]


# Runs the measured command and reports its peak RSS. A separate small process, because a
# child's ru_maxrss starts from the RSS of the process it was forked from: measured from
# this benchmark (hundreds of MB after the baselines), every command would look that big.
_LAUNCHER = """
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.write(json.dumps([usage.ru_maxrss, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime]))
"""


def measure(cmd: list[str]) -> tuple[float, int, str, int]:
    """(seconds, peak RSS in MB of the largest process of the run, stdout, exit code)."""
    seconds, peak, out, code, _ = measure_cpu(cmd)
    return seconds, peak, out, code


def measure_cpu(cmd: list[str]) -> tuple[float, int, str, int, float]:
    """measure(), and the CPU seconds (user + system) of the command and its workers."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    maxrss_kb, code, cpu = json.loads(proc.stderr.strip().splitlines()[-1])
    return seconds, maxrss_kb // 1024, proc.stdout, code, cpu


def corpus(work: Path, name: str, n: int) -> tuple[Path, int, int]:
    """The corpus of `n` files under work/name (generated once), its file count and bytes."""
    from gen_corpus import generate

    root = work / f"{name}-{n}"
    marker = root / ".complete"
    if not marker.exists():
        started = time.perf_counter()
        generate(root, n)
        marker.write_text("")
        print(f"  generated {root} in {time.perf_counter() - started:.0f} s", flush=True)
    files = [p for p in root.rglob("*") if p.suffix in (".txt", ".md")]
    return root, len(files), sum(p.stat().st_size for p in files)


def baselines(root: Path) -> tuple[float, float]:
    """Seconds to read + decode every file, and to also extract it (one process)."""
    from qcdc_cli.extract.text import extract_text
    from qcdc_cli.knowledge.registry import load_vocabulary
    from qcdc_cli.read.files import decode_bytes

    vocab = load_vocabulary()
    files = sorted(p for p in root.rglob("*") if p.suffix in (".txt", ".md"))
    started = time.perf_counter()
    for p in files:
        decode_bytes(p.read_bytes(), str(p))
    read = time.perf_counter() - started
    started = time.perf_counter()
    for p in files:
        extract_text(decode_bytes(p.read_bytes(), str(p)).text, vocab)
    return read, time.perf_counter() - started


def ingest_run(root: Path, db: Path, jobs: int | None) -> dict[str, Any]:
    args = ["ingest", str(root), "--db", str(db), "--format", "json"]
    if jobs:
        args += ["--jobs", str(jobs)]
    seconds, peak, out, code = measure(qcdc(*args))
    summary = json.loads(out) if out.strip() else {}
    return {"seconds": seconds, "peak_mb": peak, "exit": code, "summary": summary}


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_parallelism(cores: int) -> float:
    """How much faster `cores` processes burn pure-Python CPU than one: the ceiling any
    multiprocessing speed-up on this machine can reach (shared vCPUs give less than N)."""
    import multiprocessing

    n = 3_000_000
    started = time.perf_counter()
    for _ in range(cores):
        _burn(n)
    one = time.perf_counter() - started
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        started = time.perf_counter()
        pool.map(_burn, [n] * cores)
        many = time.perf_counter() - started
    return one / many


def median_ms(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    result = fn()  # warm-up (registry load, page cache)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def small_benchmark(work: Path, n: int) -> None:
    root, files, size = corpus(work, "corpus", n)
    mb = size / 1e6
    print(f"\ncorpus: {files:,} files, {mb:,.1f} MB ({root})", flush=True)
    read, extract = baselines(root)
    for label, s in (("read+decode", read), ("read+decode+extract", extract)):
        print(f"  baseline {label + ', 1 process:':32} {s:7.2f} s  {files / s:8,.0f} files/s  {mb / s:6.1f} MB/s")
    cores = os.cpu_count() or 1
    print(f"  machine: {cores} processes burn CPU x{machine_parallelism(cores):.2f} faster than one", flush=True)
    for label, jobs in (("1 worker", 1), (f"all cores ({cores})", None)):
        db = work / f"bench-{label.split()[0]}.sqlite"
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        r = ingest_run(root, db, jobs)
        s = r["seconds"]
        derive = r["summary"].get("derive_seconds") or 0.0
        print(
            f"  cold ingest, {label:16}  {s:7.2f} s  {files / s:8,.0f} files/s  {mb / s:6.1f} MB/s"
            f"  peak {r['peak_mb']:5,} MB  x{s / extract:.2f} of extract-only  (resolving: {derive:.1f} s)",
            flush=True,
        )
        if jobs is None:
            again = ingest_run(root, db, None)
            print(
                f"  unchanged re-ingest:               {again['seconds']:7.2f} s"
                f"  (opened {again['summary'].get('read', '?')} files, peak {again['peak_mb']:,} MB)",
                flush=True,
            )
            one_changed(root, db)


def one_changed(root: Path, db: Path, pairs: int = 3) -> None:
    """Re-ingest after one file changed, each run paired with an unchanged re-ingest
    just before it (the ratio is what to quote on a shared machine): a text edit (a line
    appended: the derived rows are patched) and a number edit (a citation's number
    changed: the whole index is resolved again)."""
    import re

    number = re.compile(rb"(\d+)(-[A-Z]+/TW)")
    files = [p for p in sorted(root.rglob("*.txt")) if "tinh" in p.parts and number.search(p.read_bytes())]
    for label, edit in (
        ("text edit (patched)", lambda p: p.write_bytes(p.read_bytes() + "\nĐã ký.\n".encode())),
        ("number edit (full)", lambda p: p.write_bytes(number.sub(lambda m: b"9" + m[1] + m[2], p.read_bytes(), 1))),
    ):
        ratios, times, derives, peaks = [], [], [], []
        for i in range(pairs):
            base = ingest_run(root, db, None)["seconds"]
            edit(files[i * 7 % len(files)])
            r = ingest_run(root, db, None)
            ratios.append(r["seconds"] / base)
            times.append(r["seconds"])
            derives.append(r["summary"].get("derive_seconds") or 0.0)
            peaks.append(r["peak_mb"])
        print(
            f"  one file changed, {label:20} {statistics.median(times):6.2f} s"
            f"  x{statistics.median(ratios):.2f} of an unchanged re-ingest"
            f" (pairs: {', '.join(f'{x:.2f}' for x in ratios)})"
            f"  resolving {statistics.median(derives):.2f} s, peak {max(peaks):,} MB",
            flush=True,
        )


# Extraction alone, in one process (the README's baseline: read + decode + extract_text),
# as a process of its own like the ingest it is paired with, so both pay start-up and
# their peak RSS and CPU are their own. An ingest worker does more per file than this
# (hard wraps joined before extraction, line numbers put back after, rows built, the
# bytes hashed): what `qcdc extract FILE` does, plus the rows.
_EXTRACT_ONLY = """
import sys
from pathlib import Path
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.read.files import decode_bytes
vocab = load_vocabulary()
files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.suffix in (".txt", ".md"))
for p in files:
    extract_text(decode_bytes(p.read_bytes(), str(p)).text, vocab)
print(len(files))
"""


def cold_ingest(root: Path, db: Path, code: Path | None = None) -> tuple[float, int, float, float]:
    """(seconds, peak MB, CPU seconds, seconds resolving) of a cold ingest with all cores,
    by this checkout's qcdc or, with `code`, by the qcdc_cli package under that folder."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    cmd = qcdc("ingest", str(root), "--db", str(db), "--format", "json")
    if code is not None:
        cmd = [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(code)!r}); import runpy;"
            " sys.argv[0] = 'qcdc'; runpy.run_module('qcdc_cli', run_name='__main__')",
            *cmd[3:],
        ]
    seconds, peak, out, status, cpu = measure_cpu(cmd)
    summary = json.loads(out)
    files = sum(1 for p in root.rglob("*") if p.suffix in (".txt", ".md"))
    assert status == 0 and summary["read"] == files, (status, out[:200])
    return seconds, peak, cpu, summary.get("derive_seconds") or 0.0


def ratio_benchmark(root: Path, work: Path, pairs: int, compare: Path | None = None) -> None:
    """Cold ingest with all cores against extraction alone in one process, interleaved in
    one run (extract, ingest, extract, ingest...), so both see the same machine load.
    CPU seconds are printed too: on a loaded machine they move less than wall time."""
    listed = [p for p in root.rglob("*") if p.suffix in (".txt", ".md")]
    files, size = len(listed), sum(p.stat().st_size for p in listed)
    cores = os.cpu_count() or 1
    print(f"\ncorpus: {files:,} files, {size / 1e6:,.1f} MB ({root}); {cores} cores", flush=True)
    print(f"  before: {cores} processes burn CPU x{machine_parallelism(cores):.2f} faster than one", flush=True)
    db = work / "ratio.sqlite"
    rows: list[dict[str, float]] = []
    for i in range(pairs):
        r: dict[str, float] = {}
        seconds, peak, out, code, cpu = measure_cpu([sys.executable, "-c", _EXTRACT_ONLY, str(root)])
        assert code == 0 and int(out) == files, (code, out)
        r.update(extract=seconds, extract_mb=peak, extract_cpu=cpu)
        seconds, peak, cpu, derive = cold_ingest(root, db)
        r.update(ingest=seconds, ingest_mb=peak, ingest_cpu=cpu, derive=derive)
        rows.append(r)
        print(
            f"  pair {i + 1}: extract-only {r['extract']:6.2f} s ({r['extract_cpu']:5.1f} s CPU),"
            f" cold ingest {r['ingest']:6.2f} s ({r['ingest_cpu']:5.1f} s CPU, resolving {r['derive']:.2f} s):"
            f" x{r['ingest'] / r['extract']:.2f}",
            flush=True,
        )
        if compare is not None:
            seconds, peak, cpu, derive = cold_ingest(root, db, compare)
            r.update(other=seconds, other_cpu=cpu)
            print(
                f"          cold ingest by {compare}: {seconds:6.2f} s ({cpu:5.1f} s CPU, resolving {derive:.2f} s):"
                f" x{seconds / r['extract']:.2f}",
                flush=True,
            )
    print(f"  after: {cores} processes burn CPU x{machine_parallelism(cores):.2f} faster than one", flush=True)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    ratios = [r["ingest"] / r["extract"] for r in rows]
    print(
        f"  median of {pairs}: cold ingest, all cores {med('ingest'):.2f} s, {files / med('ingest'):,.0f} files/s,"
        f" {med('ingest_cpu'):.1f} s CPU, resolving {med('derive'):.2f} s,"
        f" peak {max(r['ingest_mb'] for r in rows):,.0f} MB"
        f" | extract-only, 1 process {med('extract'):.2f} s, {files / med('extract'):,.0f} files/s,"
        f" {med('extract_cpu'):.1f} s CPU, peak {max(r['extract_mb'] for r in rows):,.0f} MB",
        flush=True,
    )
    print(
        f"  ratio cold ingest / extract-only: x{statistics.median(ratios):.2f} wall"
        f" (pairs: {', '.join(f'{x:.2f}' for x in ratios)}),"
        f" x{statistics.median(r['ingest_cpu'] / r['extract_cpu'] for r in rows):.2f} CPU",
        flush=True,
    )
    if compare is not None:
        print(
            f"  cold ingest by {compare}: x{statistics.median(r['other'] / r['extract'] for r in rows):.2f} wall,"
            f" x{statistics.median(r['other_cpu'] / r['extract_cpu'] for r in rows):.2f} CPU of extract-only;"
            f" this checkout's / its: x{statistics.median(r['ingest'] / r['other'] for r in rows):.2f} wall,"
            f" x{statistics.median(r['ingest_cpu'] / r['other_cpu'] for r in rows):.2f} CPU",
            flush=True,
        )


def big_benchmark(work: Path, n: int) -> None:
    import sqlite3

    from qcdc_cli.app.lineage import pick
    from qcdc_cli.index.derived import index_catalog, index_graph
    from qcdc_cli.index.store import Store

    root, files, size = corpus(work, "corpus", n)
    db = work / f"big-{n}.sqlite"
    print(f"\nbig corpus: {files:,} files, {size / 1e6:,.1f} MB", flush=True)
    if not (work / f"big-{n}.done").exists():
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        r = ingest_run(root, db, None)
        s = r["seconds"]
        derive = r["summary"].get("derive_seconds") or 0.0
        print(
            f"  cold ingest, all cores: {s:7.1f} s  {files / s:6,.0f} files/s  {size / 1e6 / s:5.1f} MB/s"
            f"  peak {r['peak_mb']:,} MB  (resolving the whole index: {derive:.1f} s)",
            flush=True,
        )
        (work / f"big-{n}.done").write_text(json.dumps(r))
    again = ingest_run(root, db, None)
    print(
        f"  unchanged re-ingest: {again['seconds']:.2f} s (opened {again['summary'].get('read', '?')} files)",
        flush=True,
    )
    one = next(p for p in sorted(root.rglob("*.txt")))
    one.write_bytes(one.read_bytes() + "\nĐã ký.\n".encode())
    touched = ingest_run(root, db, None)
    derive = touched["summary"].get("derive_seconds") or 0.0
    print(
        f"  one file changed (a line appended): {touched['seconds']:.2f} s"
        f" (x{touched['seconds'] / again['seconds']:.2f} of the unchanged re-ingest;"
        f" opened {touched['summary'].get('read', '?')}, resolving {derive:.2f} s, peak {touched['peak_mb']:,} MB)",
        flush=True,
    )
    with Store.open_reader(db) as store:
        totals = store.totals().to_dict()
    size_mb = db.stat().st_size / 1e6
    print(f"  index: {totals['documents']:,} documents, {totals['references']:,} references, {size_mb:,.0f} MB")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    leaf = con.execute(
        "SELECT id FROM nodes WHERE issuer_code = 'ĐU' AND document_id IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()[0]
    plan = con.execute(
        "SELECT id FROM nodes WHERE issuer_code = 'TU' AND document_id IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()[0]

    def trace(text: str, scope: str, depth: int | None = None) -> Callable[[], int]:
        def run() -> int:
            known = pick(index_catalog(db, text), text, None, None)
            graph = index_graph(db, known.id, scope, depth)
            graph.trace(known.id, scope, depth=depth)
            return len(graph)

        return run

    def unresolved() -> int:
        with Store.open_reader(db) as store:
            return len(store.unresolved(50, 5))

    def stats() -> int:
        with Store.open_reader(db) as store:
            return len(store.stats().to_dict())

    print("  in-process, median of 5 (index_catalog + pick + index_graph + graph.trace):")
    for label, fn in (
        (f"trace --up {leaf}", trace(leaf, "up")),
        (f"trace --both {plan}", trace(plan, "both")),
        ("trace --down --depth 1 120-KL/TW", trace("120-KL/TW", "down", 1)),
        ("trace --down --depth 2 30-CT/TW", trace("30-CT/TW", "down", 2)),
        ("trace --down 30-CT/TW (the whole hub, 1 run)", trace("30-CT/TW", "down")),
        ("unresolved (top 50)", unresolved),
        ("stats", stats),
    ):
        ms, nodes = median_ms(fn, 1 if "1 run" in label else 5)
        print(f"    {label:45} {ms:9.1f} ms  ({nodes:,} nodes/rows)", flush=True)
    print("  as CLI processes (one run each, wall clock incl. Python start-up):")
    for args in (
        ["trace", leaf, "-f", "json"],
        ["trace", plan, "--both", "-f", "json"],
        ["trace", "120-KL/TW", "--down", "--depth", "1", "-f", "json"],
        ["show", "120-KL/TW", "-f", "json"],
        ["coverage", "120-KL/TW", "-f", "json"],
        ["unresolved", "-n", "50"],
        ["stats", "-f", "json"],
        ["--help"],
    ):
        seconds, peak, _, code = measure(qcdc(*args, *(["--db", str(db)] if args != ["--help"] else [])))
        print(f"    qcdc {' '.join(args):40} {seconds * 1000:9.0f} ms  peak {peak:,} MB  exit {code}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--work", type=Path, default=Path("/tmp/qcdc-bench"))
    parser.add_argument(
        "--ratio",
        type=Path,
        metavar="CORPUS",
        help="only: cold ingest (all cores) vs extraction alone (1 process) on CORPUS, interleaved",
    )
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="with --ratio: also ingest by DIR/qcdc_cli (main)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    if args.ratio:
        ratio_benchmark(args.ratio, args.work, args.pairs, args.compare)
        return
    small_benchmark(args.work, args.files)
    if not args.skip_big:
        big_benchmark(args.work, args.big)


if __name__ == "__main__":
    main()
