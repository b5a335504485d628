"""How long `qcdc check` and `qcdc extract` take on one file, cold and warm, next to bare Python.

    python benchmarks/bench_check_startup.py [--runs 15] [--before ../main] [DRAFT]

A pre-commit hook or a CI step pays the whole process start-up on every call, so this
times whole processes: `python -c pass` (the floor), `python -c "import typer"` (what
any Typer CLI pays before its own code runs), `qcdc --help`, and
`qcdc check DRAFT` / `qcdc extract DRAFT` with the bundled registry (default draft: the
Hà Tĩnh seed, the longest with the most findings), each twice:

- cold: an empty cache folder (a fresh temporary QCDC_CACHE_DIR before every run), so
  the registry YAML is parsed and validated with pydantic and every pattern is compiled,
  as on a first run or after an edit of a registry file;
- warm: the compiled registry (and its fast copy) and the compiled patterns
  (knowledge.patterns) are there, as on every later run, and so are the fast path's help
  texts and parse specs and the stdlib code it keeps (cli._fast, cli._compiled): the
  first two rounds, untimed, fill them (the first goes through Typer, the second through
  the fast path, which also writes the registry's fast copy).

The child processes run with bytecode caching on (PYTHONDONTWRITEBYTECODE is dropped):
an installed package has its .pyc files, so compiling qcdc's own sources on every run
(tens of ms) is not a cost users pay. `--src DIR` times the qcdc_cli of another checkout;
`--before DIR` adds another checkout's `--help` and warm runs to the same interleaved
rounds (a before/after comparison on the same machine load).

Runs are interleaved so all commands see the same machine load; the median and best of N
wall times are printed with the median CPU time (user + system, steadier than wall time
on a shared machine), and each command's ratio to bare Python. It also lists the heavy
modules a warm check imports (typer, networkx, pydantic and yaml must not be among them;
nor inspect, which dataclasses would import, nor json for text output).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRAFT = ROOT / "samples" / "hatinh_02-NQ-TU_2017.txt"
HEAVY = ("typer", "networkx", "pydantic", "yaml", "rich", "sqlite3", "regex", "inspect", "json")

# The CLI as the console script runs it, in a fresh interpreter each time.
CLI = "from qcdc_cli.cli import main; import sys; sys.argv = ['qcdc', *sys.argv[1:]]; main()"


def _time(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) of the child, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _imported(draft: Path, env: dict[str, str], cwd: Path) -> list[str]:
    probe = (  # as the console script runs it: the fast path when the cache has the spec
        "import sys\n"
        "from qcdc_cli.cli import main\n"
        f"sys.argv = ['qcdc', 'check', {str(draft)!r}]\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=cwd, check=False)
    return [m for m in done.stderr.strip().splitlines()[-1].split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("draft", nargs="?", type=Path, default=DEFAULT_DRAFT)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--src", type=Path, default=ROOT, help="checkout whose qcdc_cli to time (default: this one)")
    parser.add_argument(
        "--before", type=Path, help="another checkout (e.g. ../main): its --help and warm runs interleaved with these"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="qcdc-bench-"))
    warm_cache, cold_cache = scratch / "warm", scratch / "cold"
    src = args.src.resolve()
    env = {**os.environ, "PYTHONPATH": str(src), "NO_COLOR": "1", "QCDC_CACHE_DIR": str(warm_cache)}
    env.pop("QCDC_REGISTRY", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cold_env = {**env, "QCDC_CACHE_DIR": str(cold_cache)}
    draft = str(args.draft.resolve())
    py = sys.executable
    # name -> (argv, env, empty the cache before each run)
    commands: dict[str, tuple[list[str], dict[str, str], bool]] = {
        "python -c pass": ([py, "-c", "pass"], env, False),
        "import typer": ([py, "-c", "import typer"], env, False),
        "qcdc --help": ([py, "-c", CLI, "--help"], env, False),
        "check cold": ([py, "-c", CLI, "check", draft], cold_env, True),
        "check warm": ([py, "-c", CLI, "check", draft], env, False),
        "extract cold": ([py, "-c", CLI, "extract", "-f", "json", draft], cold_env, True),
        "extract warm": ([py, "-c", CLI, "extract", "-f", "json", draft], env, False),
    }
    if args.before is not None:  # its own warm cache folder: the two keep different caches
        before = {**env, "PYTHONPATH": str(args.before.resolve()), "QCDC_CACHE_DIR": str(scratch / "before")}
        commands["before: --help"] = ([py, "-c", CLI, "--help"], before, False)
        commands["before: check warm"] = ([py, "-c", CLI, "check", draft], before, False)
        commands["before: extract warm"] = ([py, "-c", CLI, "extract", "-f", "json", draft], before, False)

    def run(name: str) -> tuple[float, float, int]:
        argv, command_env, cold = commands[name]
        if cold:
            shutil.rmtree(cold_cache, ignore_errors=True)
        return _time(argv, command_env, scratch)  # not the checkout: `-c` puts the cwd first on sys.path

    try:
        for _ in range(2):  # warm the file cache, the .pyc files and the caches (see above)
            for name in commands:
                run(name)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        codes: dict[str, int] = {}
        for _ in range(args.runs):
            for name in commands:
                wall, cpu, codes[name] = run(name)
                walls[name].append(wall)
                cpus[name].append(cpu)
        heavy = _imported(args.draft.resolve(), env, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"{args.runs} interleaved runs each, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs,"
        f" {args.draft.name}, qcdc_cli from {src}"
    )
    base_wall = statistics.median(walls["python -c pass"])
    base_cpu = statistics.median(cpus["python -c pass"])
    print(
        f"{'command':<20} {'wall median ms':>15} {'wall best ms':>13} {'CPU median ms':>14}"
        f" {'wall / pass':>12} {'CPU / pass':>11} {'exit':>5}"
    )
    for name in commands:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(
            f"{name:<20} {wall * 1000:>15.1f} {min(walls[name]) * 1000:>13.1f} {cpu * 1000:>14.1f}"
            f" {wall / base_wall:>11.1f}x {cpu / base_cpu:>10.1f}x {codes[name]:>5}"
        )
    for command in ("check", "extract"):
        cold = statistics.median(cpus[f"{command} cold"])
        warm = statistics.median(cpus[f"{command} warm"])
        print(f"{command}: the registry cache saves {1000 * (cold - warm):.0f} ms CPU ({cold / warm:.2f}x)")
    print("heavy modules imported by a warm check:", ", ".join(heavy) or "none")


if __name__ == "__main__":
    main()
