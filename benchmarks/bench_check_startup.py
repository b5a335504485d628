"""How long `qcdc check` takes on one draft, next to bare Python start-up, in the same run.

    python benchmarks/bench_check_startup.py [--runs 15] [DRAFT]

A pre-commit hook or a CI step pays the whole process start-up on every call, so this
times whole processes: `python -c pass` (the floor), `qcdc --help` (Typer alone), and
`qcdc check DRAFT` with the bundled registry (default draft: the Hà Tĩnh seed, the
longest with the most findings). Runs are interleaved so the three see the same machine
load; the median and the best of N wall times are printed with the median CPU time
(user + system, steadier than wall time on a shared machine), and the ratios of check to
bare Python.
It also lists the heavy modules the check process imported (networkx must not be one).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRAFT = ROOT / "samples" / "hatinh_02-NQ-TU_2017.txt"
HEAVY = ("networkx", "pydantic", "yaml", "rich", "sqlite3", "regex")

# The check command as the console script runs it, in a fresh interpreter each time.
CHECK = "from qcdc_cli.cli import main; import sys; sys.argv = ['qcdc', *sys.argv[1:]]; main()"


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) of the child, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _imported(draft: Path, env: dict[str, str]) -> list[str]:
    probe = (
        "import sys\n"
        "from qcdc_cli.cli._console import run_app\n"
        "from qcdc_cli.cli import app\n"
        f"try: run_app(app, ['check', {str(draft)!r}])\n"
        "except SystemExit: pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False)
    return [m for m in done.stderr.strip().splitlines()[-1].split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("draft", nargs="?", type=Path, default=DEFAULT_DRAFT)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("QCDC_REGISTRY", None)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "qcdc --help": [sys.executable, "-c", CHECK, "--help"],
        "qcdc check DRAFT": [sys.executable, "-c", CHECK, "check", str(args.draft)],
    }
    for argv in commands.values():  # warm the file cache and the .pyc files
        _time(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, int] = {}
    for _ in range(args.runs):
        for name, argv in commands.items():
            wall, cpu, codes[name] = _time(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)

    print(f"{args.runs} interleaved runs each, Python {sys.version.split()[0]}, draft {args.draft.name}")
    print(f"{'command':<20} {'wall median ms':>15} {'wall best ms':>13} {'CPU median ms':>14} {'exit':>5}")
    for name in commands:
        wall, cpu = walls[name], cpus[name]
        print(
            f"{name:<20} {statistics.median(wall) * 1000:>15.1f} {min(wall) * 1000:>13.1f}"
            f" {statistics.median(cpu) * 1000:>14.1f} {codes[name]:>5}"
        )
    for label, data in (("wall", walls), ("CPU", cpus)):
        base = statistics.median(data["python -c pass"])
        check = statistics.median(data["qcdc check DRAFT"])
        print(
            f"{label}: qcdc check / python -c pass = {check / base:.1f}x;"
            f" check costs {1000 * (check - base):.0f} ms more"
        )
    print("heavy modules imported by check:", ", ".join(_imported(args.draft, env)) or "none")


if __name__ == "__main__":
    main()
