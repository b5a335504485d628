"""Extraction throughput against a bare `regex` scan of the same text, in the same run.

    python benchmarks/bench_extract.py [--copies 40]

Prints MB/s for `extract_text` per document and on one large text, the bare scan of
the number pattern as the baseline, the linearity ratio (2x text / 1x text) and the
time of a 1 MB adversarial input. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from qcdc_cli.extract import extract_text
from qcdc_cli.numbers import number_regex
from qcdc_cli.vocab import load_vocabulary

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    args = parser.parse_args()
    vocab = load_vocabulary()
    docs = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    extract_text(docs[0], vocab)  # compile patterns outside the timing
    size = sum(len(d.encode()) for d in docs) * args.copies / 1e6
    per_doc = best(lambda: [extract_text(d, vocab) for _ in range(args.copies) for d in docs])
    big = "\n\n".join(docs) * args.copies
    scan = best(lambda: sum(1 for _ in number_regex().finditer(big)))
    one = best(lambda: extract_text(big, vocab))
    two = best(lambda: extract_text(big + big, vocab), repeat=1)
    print(f"text: {size:.1f} MB ({args.copies} copies of the {len(docs)} samples)")
    print(f"extract_text per document : {size / per_doc:7.1f} MB/s")
    print(f"extract_text one big text : {size / one:7.1f} MB/s")
    print(f"bare regex scan (baseline): {size / scan:7.1f} MB/s   ratio {scan / one:.3f}")
    print(f"linearity (2x text / 1x)  : {two / one:7.2f}")
    adversarial = ("Số 1-1/1-1/ " + "1" * 50 + "-/-/ Số KH/TU 02 - NQ/ \n") * 12000
    adversarial = adversarial[:1_000_000]
    print(f"adversarial 1 MB          : {best(lambda: extract_text(adversarial, vocab), repeat=1):7.3f} s")


if __name__ == "__main__":
    main()
