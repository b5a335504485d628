"""One changed file in a big index: how long a re-ingest takes, against an unchanged one.

    python benchmarks/bench_incremental.py [--size 10k] [--pairs 3] [--work /tmp/qcdc-incr]
        [--bench /work/bench] [--verify] [--base OLD_TREE]

Uses a prebuilt index (BENCH/index-SIZE.sqlite, built by `qcdc ingest` from
BENCH/corpus-SIZE), copied into --work, and the corpus hard-linked there (`cp -al`);
the copy's paths are rewritten to the new folder (every text column of every table, one
prefix for another: order and ids are kept) and its rows marked as extracted by this
checkout (the extraction code is the same; the first run still resolves in full). An
edited file is written to a new inode, so the shared corpus is never touched.

Cases, each timed as a `qcdc ingest --prune` process and paired with an unchanged
re-ingest run just before it (the ratio is what to quote on a shared machine):
  - a line appended to a provincial plan (text only: the derived rows are patched),
  - a cited number edited (30-CT/TW -> 930-CT/TW: the citations of two serials
    re-resolved, index/reresolve.py),
  - a file added (a commune plan copied under a new number),
  - a file removed (--prune).
It prints the seconds, the ratio, how the index was derived (patched, re-resolved in
part, or in full) and the peak RSS. --verify then derives a copy in full and compares
every derived table row for row (slow at 100k).

--base OLD_TREE (a checkout of other code, e.g. `git worktree add --detach /tmp/old main`)
prepares a second copy for that code and runs every case on both, interleaved (the same
edits, one after the other), printing both and the ratio of this checkout's times to the
old code's, and the time of `python -c pass` in the same loop (an absolute figure is
worth only that much on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bench_ingest import qcdc  # noqa: E402

_LAUNCHER = """
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.write(json.dumps([usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def measure(cmd: list[str], code: Path | None = None) -> tuple[float, int, str, int, str]:
    """(seconds, peak RSS in MB, stdout, exit code, how the index was derived), running
    the qcdc of `code` (a source tree) if given, else this checkout's."""
    env = {**os.environ, "QCDC_DEBUG_DERIVE": "1"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once, not per run
    started = time.perf_counter()
    # from "/": `python -m` looks in the current folder first, which would shadow `code`
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *cmd], capture_output=True, text=True, check=False, env=env, cwd="/"
    )
    seconds = time.perf_counter() - started
    lines = proc.stderr.strip().splitlines()
    maxrss_kb, code = json.loads(lines[-1])
    said = [line.removeprefix("qcdc: derived ") for line in lines if line.startswith("qcdc: derived ")]
    return seconds, maxrss_kb // 1024, proc.stdout, code, said[-1] if said else ""


def extractor_key_of(code: Path | None) -> str:
    """What the qcdc of `code` (else this checkout's) stamps on the files it extracts."""
    program = (
        "from qcdc_cli.app.ingest import extractor_key;"
        "from qcdc_cli.knowledge.registry import load_vocabulary;"
        "print(extractor_key(load_vocabulary()))"
    )
    env = {**os.environ, **({"PYTHONPATH": str(code)} if code is not None else {})}
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, env=env, cwd="/")
    return proc.stdout.strip()


def prepare(bench: Path, size: str, work: Path, code: Path | None = None) -> tuple[Path, Path]:
    """The corpus hard-linked into `work` and the index copied with its paths moved."""
    src_root, src_db = bench / f"corpus-{size}", bench / f"index-{size}.sqlite"
    root, db = work / f"corpus-{size}", work / f"index-{size}.sqlite"
    if root.exists():
        shutil.rmtree(root)
    for p in work.glob(db.name + "*"):
        p.unlink()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(["cp", "-al", str(src_root), str(root)], check=True)
    subprocess.run(["cp", "--reflink=auto", str(src_db), str(db)], check=True)
    con = sqlite3.connect(db)
    old, new = str(src_root), str(root)
    with con:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[2].upper() == "TEXT"]
            for col in cols:
                con.execute(
                    f"UPDATE {table} SET {col} = replace({col}, ?, ?) WHERE instr({col}, ?) > 0", (old, new, old)
                )
        # the rows were extracted by the same extraction code under another commit: mark
        # them as this one's, so the first run does not read 100,000 files again (it
        # still resolves in full once: the derived key names the resolver's code)
        con.execute("UPDATE files SET extractor = ? WHERE status = 'ok'", (extractor_key_of(code),))
    con.execute("VACUUM")
    con.close()
    print(f"  prepared {root} and {db} in {time.perf_counter() - started:.1f} s", flush=True)
    return root, db


def run(root: Path, db: Path, code: Path | None = None) -> dict:
    cmd = qcdc("ingest", str(root), "--db", str(db), "--format", "json", "--prune")
    seconds, peak, out, status, said = measure(cmd, code)
    if status not in (0, 1):
        raise SystemExit(f"ingest failed ({code})")
    return {"seconds": seconds, "peak": peak, "summary": json.loads(out), "how": said}


def rewrite(p: Path, data: bytes) -> None:
    """A new inode: the hard-linked original stays as it was."""
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_bytes(data)
    st = p.stat()
    os.replace(tmp, p)
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def cases(root: Path) -> dict[str, Callable[[int], None]]:
    plans = sorted(p for p in root.rglob("*.txt") if "tinh" in p.parts)
    hub = re.compile(rb"30-CT/TW")
    citing = [p for p in plans if hub.search(p.read_bytes())]
    communes = sorted(p for p in root.rglob("*.txt") if "xa" in p.parts)

    def appended(i: int) -> None:
        p = plans[i * 7 % len(plans)]
        rewrite(p, p.read_bytes() + "\nĐã ký.\n".encode())

    def cited(i: int) -> None:
        p = citing[i * 5 % len(citing)]
        rewrite(p, hub.sub(b"930-CT/TW", p.read_bytes(), 1))

    def added(i: int) -> None:
        src = communes[i * 11 % len(communes)]
        text = src.read_bytes().decode("utf-8")
        text = re.sub(r"^(Số:? )(\d+)", lambda m: f"{m.group(1)}{900 + i}", text, count=1, flags=re.M)
        src.with_name(f"added-{i}-{src.name}").write_bytes(text.encode("utf-8"))

    def removed(i: int) -> None:
        communes[i * 13 % len(communes) + 1].unlink()

    return {
        "a line appended": appended,
        "a cited number edited": cited,
        "a file added": added,
        "a file removed": removed,
    }


def how(r: dict) -> str:
    if r["summary"].get("derive_seconds") is None:
        return "not derived"
    return r["how"] or "in full"


def verify(db: Path) -> None:
    """Derive a copy in full and compare every derived table with the incremental one."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from test_incremental import _derived, _full_copy

    from qcdc_cli.knowledge.registry import load_registry, load_vocabulary

    started = time.perf_counter()
    full = _full_copy(db, db.with_name("full-" + db.name), load_vocabulary(), load_registry(()))
    got, want = _derived(db), _derived(full)
    bad = [t for t in got if got[t] != want[t]]
    said = "DIFFERENT: " + ", ".join(bad) if bad else "identical"
    print(
        f"  verify: full derivation of a copy compared table by table: {said} ({time.perf_counter() - started:.0f} s)",
        flush=True,
    )


def compare(args: argparse.Namespace) -> None:
    """Every case on this checkout and on --base, interleaved, with `python -c pass`."""
    codes: dict[str, Path | None] = {"old": args.base, "new": None}
    dirs = {}
    for name, code in codes.items():
        dirs[name] = prepare(args.bench, args.size, args.work / name, code)
        first = run(*dirs[name], code)  # the first run resolves in full
        print(f"  {name}: warm-up (resolves in full): {first['seconds']:.2f} s, peak {first['peak']:,} MB", flush=True)
    edits = {name: cases(dirs[name][0]) for name in codes}
    bare: list[float] = []
    for label in edits["new"]:
        got: dict[str, dict[str, list]] = {n: {"base": [], "t": [], "d": [], "how": [], "peak": []} for n in codes}
        for i in range(args.pairs):
            for name, code in codes.items():
                got[name]["base"].append(run(*dirs[name], code)["seconds"])
                edits[name][label](i)
                r = run(*dirs[name], code)
                for k, v in (("t", r["seconds"]), ("d", r["summary"].get("derive_seconds") or 0.0)):
                    got[name][k].append(v)
                got[name]["how"].append(how(r))
                got[name]["peak"].append(r["peak"])
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - started)
        said = []
        for name in codes:
            g = got[name]
            said.append(
                f"{name} {statistics.median(g['t']):.2f} s (unchanged {statistics.median(g['base']):.2f},"
                f" resolving {statistics.median(g['d']):.2f}, {'/'.join(sorted(set(g['how'])))},"
                f" peak {max(g['peak'])} MB)"
            )
        changed = statistics.median(n / o for n, o in zip(got["new"]["t"], got["old"]["t"], strict=True))
        same = statistics.median(n / o for n, o in zip(got["new"]["base"], got["old"]["base"], strict=True))
        print(
            f"  one file changed, {label:22} " + "; ".join(said) + f"; new/old x{changed:.2f} (unchanged x{same:.2f});"
            f" load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(f"  python -c pass: {statistics.median(bare) * 1000:.0f} ms (median of {len(bare)})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="10k")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/qcdc-incr"))
    ap.add_argument("--bench", type=Path, default=Path("/work/bench"))
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--base", type=Path, help="another source tree to run every case on too, interleaved")
    args = ap.parse_args()
    args.work, args.bench = args.work.resolve(), args.bench.resolve()  # processes run from "/"
    print(f"index of {args.size} files, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    if args.base is not None:
        compare(args)
        return
    root, db = prepare(args.bench, args.size, args.work)
    first = run(root, db)  # warm: page cache, and a first unchanged run
    print(f"  unchanged re-ingest (warm-up): {first['seconds']:.2f} s, {how(first)}", flush=True)
    for label, edit in cases(root).items():
        ratios, times, derives, peaks, ways = [], [], [], [], []
        for i in range(args.pairs):
            base = run(root, db)["seconds"]
            edit(i)
            r = run(root, db)
            ratios.append(r["seconds"] / base)
            times.append(r["seconds"])
            derives.append(r["summary"].get("derive_seconds") or 0.0)
            peaks.append(r["peak"])
            ways.append(how(r))
        print(
            f"  one file changed, {label:22} {statistics.median(times):6.2f} s"
            f"  x{statistics.median(ratios):.2f} of an unchanged re-ingest"
            f" (pairs: {', '.join(f'{x:.2f}' for x in ratios)}; resolving {statistics.median(derives):.2f} s;"
            f" {'/'.join(sorted(set(ways)))}; peak {max(peaks):,} MB; load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    if args.verify:
        verify(db)


if __name__ == "__main__":
    main()
