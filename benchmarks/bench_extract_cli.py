"""`qcdc extract --format json` end to end, as a process, against a bare `regex` scan process.

Run: .venv/bin/python benchmarks/bench_extract_cli.py [--mb 8] [--files 100] [--repeat 3] [--qcdc CMD]
     [--docs ../shared/dev-real/docs]

The issue's measure of extraction speed: the whole command (start-up, reading, decoding,
normalization, extraction, JSON) over a folder of real-shaped texts, divided into the
time of a process that only reads the same files and scans them once with the number
pattern: the floor any extractor has to pay. Prints the ratio scan/qcdc (higher is
better; 1.0 would be free extraction) from CPU time of each child process (user+sys),
best of --repeat, both measured in the same run so machine speed drifts cancel out.
`--qcdc` times another qcdc build the same way (e.g. an older checkout) for a before/after.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import MB, build_documents

SCAN = """
import sys, pathlib
from qcdc_cli.knowledge.numbers import number_regex
pattern = number_regex()
n = 0
for path in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    n += sum(1 for _ in pattern.finditer(path.read_bytes().decode("utf-8")))
print(n)
"""


def cpu_of(argv: list[str], cwd: Path) -> float:
    """User+sys CPU seconds of one child process run to completion, output discarded. Run
    in `cwd` (the corpus's folder): `python -m` puts its working directory first on
    sys.path, which would otherwise make `--qcdc "python -m qcdc_cli"` run this checkout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=8.0, help="corpus size (default 8 MB)")
    parser.add_argument("--files", type=int, default=100, help="files the corpus is cut into")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is printed")
    parser.add_argument("--qcdc", default=None, help="also time this qcdc command (before/after)")
    parser.add_argument(
        "--docs",
        type=Path,
        default=None,
        help="real texts to repeat (e.g. ../shared/dev-real/docs) instead of the samples",
    )
    args = parser.parse_args()
    if args.docs:
        real = [p.read_text(encoding="utf-8") for p in sorted(args.docs.glob("*.txt"))]
        docs = [real[i % len(real)] for i in range(int(args.mb * MB / (sum(map(len, real)) / len(real))) + 1)]
    else:
        docs = build_documents(int(args.mb * MB))
    per_file = max(1, len(docs) // args.files)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(0, len(docs), per_file):
            (folder / f"{i:05d}.txt").write_text("\n\n".join(docs[i : i + per_file]), encoding="utf-8")
        size = sum(p.stat().st_size for p in folder.iterdir())
        qcdc = str(Path(sys.executable).with_name("qcdc"))
        commands = {"bare regex scan": [sys.executable, "-c", SCAN, str(folder)]}
        commands["qcdc extract -f json"] = [qcdc, "extract", "--format", "json", str(folder)]
        if args.qcdc:
            commands["other qcdc"] = [*shlex.split(args.qcdc), "extract", "--format", "json", str(folder)]
        env_note = f"{size / MB:.1f} MB in {len(list(folder.iterdir()))} files, best of {args.repeat}, CPU s"
        load = "/".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"# {env_note}; python {sys.version.split()[0]}, {os.cpu_count()} cores; load average {load}")
        best = {name: float("inf") for name in commands}
        for _ in range(args.repeat):  # interleaved: a change in the machine's load hits every command
            for name, argv in commands.items():
                best[name] = min(best[name], cpu_of(argv, folder))
    print(f"# load average after: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    scan = best["bare regex scan"]
    for name, seconds in best.items():
        ratio = scan / seconds
        print(f"{name:24s} {seconds:7.3f} s  {size / MB / seconds:6.1f} MB/s  scan/this = {ratio:.3f}")


if __name__ == "__main__":
    main()
