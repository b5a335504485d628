"""Extraction throughput against a bare scan of the number pattern, linearity, adversarial input.

Run: .venv/bin/python benchmarks/bench_extract.py [--mb 4] [--repeat 3] [--profile]

Prints figures only (no pass/fail): speed is judged against the baseline measured in the
same run, because absolute timings on a shared 2-core VM vary by 15-25 % run to run
(../shared/research/ecosystem-perf.md, "Machine and method"). Best of --repeat runs, in
CPU time of this process (`time.process_time`), which other processes on a busy machine
disturb far less than wall time; extraction is single-threaded, so the two agree on an
idle machine.

- corpus: the five bundled samples, concatenated again and again with every document
  number's serial redrawn (seeded), so the text stays real Vietnamese prose with real
  headers, cues and dates but no two copies are identical;
- baseline: `number_regex().finditer` over the same text, the single scan extraction
  cannot avoid; the ratio says what the rest of extraction costs on top of it;
- one big text (the issue's measure) and the same corpus as one call per document
  (what `qcdc ingest` does);
- linearity: time(2x) / time(x) should stay near 2;
- adversarial: inputs made of what numbers, cues, headers and tables are made of, each
  timed at 256 KB and at 1 MB; time(1 MB) / time(256 KB) near 4 is linear, 16 quadratic.
  A case whose 256 KB time extrapolates (quadratically) beyond BUDGET at 1 MB is not run
  at 1 MB and says so.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import time
from collections.abc import Callable
from pathlib import Path

from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.numbers import number_regex
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.knowledge.vocabulary import Vocabulary

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEED = 20260422
MB = 1_000_000  # bytes of UTF-8
BUDGET = 60.0  # seconds: an adversarial case extrapolated beyond this is reported, not run
SMALL, LARGE = 256_000, 1_000_000  # bytes: the two sizes of each adversarial case


def varied_copy(text: str, rng: random.Random) -> str:
    """The text with each document number's serial replaced by a random one."""
    out: list[str] = []
    last = 0
    for m in number_regex().finditer(text):
        s, e = m.span("n")
        out.append(text[last:s])
        out.append(str(rng.randint(1, 2999)))
        last = e
    out.append(text[last:])
    return "".join(out)


def build_documents(target_bytes: int, seed: int = SEED) -> list[str]:
    """Seeded documents (varied copies of the samples) totalling at least `target_bytes`."""
    rng = random.Random(seed)
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    docs: list[str] = []
    size = 0
    while size < target_bytes:
        sample = samples[len(docs) % len(samples)]
        doc = varied_copy(sample, rng)
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def join(docs: list[str]) -> str:
    return "\n\n".join(docs)


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * (size // len(unit.encode("utf-8")) + 1)


def _soup(alphabet: list[str], seed: int) -> Callable[[int], str]:
    def build(size: int) -> str:
        rng = random.Random(seed)
        return "".join(rng.choice(alphabet) for _ in range(size))

    return build


def _cited_table(size: int) -> str:
    """A table of cited plans, each row with a date and an issuer, no full stop anywhere."""
    rows = ["| STT | Văn bản |\n|---|---|\n"]
    i = 0
    while sum(len(r) for r in rows) < size:
        i += 1
        rows.append(f"| {i} | Kế hoạch số {i}-KH/TU ngày 3/4/2020 của Tỉnh ủy về công tác dân vận |\n")
    return "".join(rows)


def _heading_then_blank_lines(size: int) -> str:
    """A header whose title is followed by nothing but blank lines (a title search runs on)."""
    return "TỈNH ỦY HUẾ\nSố 5-KH/TU\nKẾ HOẠCH\n" + "\n" * size


def _table(size: int) -> str:
    """An annex table of cited plans: no sentence ends in it, so it is one long "sentence"."""
    rows = ["DANH MỤC VĂN BẢN\n\n| STT | Văn bản |\n|---|---|\n"]
    i = 0
    while sum(len(r) for r in rows) < size:  # characters; close enough for a cut below
        i += 1
        rows.append(
            f"| {i} | Kế hoạch số {i}-KH/TU ngày 01/3/2016 của Tỉnh ủy về triển khai thực hiện "
            f"Chỉ thị số {i + 1}-CT/TW |\n"
        )
    return "".join(rows)


# 1 MB inputs built to stress the scanner, the lookbehinds, the bounded windows and the
# per-line and per-number loops. Each is a function of the size in bytes.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "random soup of number parts": _soup(
        ["0", "1", "12", "2015", "-", "–", "/", " ", "\n", "Số", "số", "KH/TU", "KH", "TW", "NQ", ",", ":"], SEED
    ),
    "digits, dashes, slashes only": _soup(list("0123456789/-"), SEED),
    "digit run": _repeat("7"),
    "dash run": _repeat("-"),
    "slash run": _repeat("/"),
    "newline run": _repeat("\n"),
    '"Số " repeated': _repeat("Số "),
    '"1-" repeated': _repeat("1-"),
    '"1/" repeated': _repeat("1/"),
    '"1-KH/TU " repeated': _repeat("1-KH/TU "),
    '"Số 1-KH/TU\\n" repeated': _repeat("Số 1-KH/TU\n"),
    '"ngày 1/1/2015 " repeated': _repeat("ngày 1/1/2015 "),
    '"số 1, " list, then 2-NQ/TW': lambda size: "Nghị quyết số " + "1, " * ((size - 30) // 3) + "2-NQ/TW",
    '"Thực hiện KH số 1-KH/TU, " repeated': _repeat("Thực hiện Kế hoạch số 1-KH/TU, "),
    "annex table of plans (one sentence)": _table,
    "table of cited plans with dates, issuers": _cited_table,
    '"1-V/I " repeated (no letter but I, V, X)': _repeat("1-V/I "),
    "heading, then blank lines": _heading_then_blank_lines,
    "signature line repeated": _repeat("KT. CHỦ TỊCH\nKế hoạch số 5-KH/TU\n"),
    '"Căn cứ Luật Đất đai; " (names only)': _repeat("Căn cứ Luật Đất đai; "),
    "spaces between two listed numbers": lambda size: "Thực hiện Kế hoạch số 1-KH/TU" + " " * (size - 40) + "2-KH/TU",
}


def cut(text: str, size: int) -> str:
    """`text` cut to at most `size` bytes of UTF-8 (the list case is built to fit whole)."""
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Best of `repeat` runs in CPU seconds; a run over 5 s is not repeated."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
        if best > 5.0:
            break
    return best


def scan(text: str) -> int:
    return sum(1 for _ in number_regex().finditer(text))


def mb_of(text: str) -> float:
    return len(text.encode("utf-8")) / MB


def profile(fn: Callable[[], object], top: int = 25) -> str:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="size of the big text (default 4 MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is printed")
    parser.add_argument("--profile", action="store_true", help="cProfile the big text and the slowest adversarial case")
    parser.add_argument(
        "--corpus-only", action="store_true", help="the corpus figures only (no linearity, no adversarial)"
    )
    args = parser.parse_args()

    vocab: Vocabulary = load_vocabulary()
    extract_text("Số 1-KH/TU", vocab)  # compile every pattern before timing

    docs = build_documents(int(args.mb * MB))
    text = join(docs)
    size = mb_of(text)
    n_numbers = scan(text)
    print(f"corpus: {size:.2f} MB, {len(text):,} characters, {len(docs)} documents, {n_numbers:,} numbers scanned")

    t_scan = best_time(lambda: scan(text), args.repeat)
    t_big = best_time(lambda: extract_text(text, vocab), args.repeat)
    t_docs = best_time(lambda: [extract_text(d, vocab) for d in docs], args.repeat)
    refs = sum(len(r.mentions) for r in extract_text(text, vocab).references)
    print(f"bare regex scan (number_regex().finditer)  {t_scan:7.3f} s  {size / t_scan:8.1f} MB/s")
    print(
        f"extract_text, one {size:.1f} MB text          {t_big:7.3f} s  {size / t_big:8.1f} MB/s"
        f"  ({t_big / t_scan:.1f}x the scan; {refs:,} mentions)"
    )
    print(
        f"extract_text, one call per document     {t_docs:7.3f} s  {size / t_docs:8.1f} MB/s"
        f"  ({t_docs / t_scan:.1f}x the scan)"
    )

    if args.corpus_only:
        return
    print("\nlinearity (time for 2x text / time for x text; 2.0 is linear):")
    half = join(docs[: len(docs) // 2])
    quarter = join(docs[: len(docs) // 4])
    t_quarter = best_time(lambda: extract_text(quarter, vocab), args.repeat)
    t_half = best_time(lambda: extract_text(half, vocab), args.repeat)
    print(f"  {mb_of(quarter):5.2f} MB {t_quarter:7.3f} s")
    print(f"  {mb_of(half):5.2f} MB {t_half:7.3f} s   ratio {t_half / t_quarter:.2f}")
    print(f"  {size:5.2f} MB {t_big:7.3f} s   ratio {t_big / t_half:.2f}")

    print(f"\nadversarial inputs at {SMALL // 1000} KB and {LARGE // 1_000_000} MB (best of {args.repeat};")
    print("ratio = time at 1 MB / time at 256 KB: 4 is linear, 16 quadratic):")
    slowest = ("", 0.0, "")
    for name, build in ADVERSARIAL.items():
        small = cut(build(SMALL), SMALL)
        t_small = best_time(lambda small=small: extract_text(small, vocab), args.repeat)
        if t_small * (LARGE / SMALL) ** 2 > BUDGET:
            print(
                f"  {name:44s} {t_small:7.3f} s  NOT RUN at 1 MB (quadratic extrapolation"
                f" {t_small * (LARGE / SMALL) ** 2:,.0f} s)"
            )
            if t_small > slowest[1]:
                slowest = (name, t_small, small)
            continue
        large = cut(build(LARGE), LARGE)
        t_large = best_time(lambda large=large: extract_text(large, vocab), args.repeat)
        t_scan = best_time(lambda large=large: scan(large), args.repeat)
        ratio = t_large / t_small if t_small > 0 else float("nan")
        print(f"  {name:44s} {t_small:7.3f} s  {t_large:7.3f} s  ratio {ratio:5.1f}   (scan of 1 MB {t_scan:.3f} s)")
        if t_large > slowest[1]:
            slowest = (name, t_large, small)

    if args.profile:
        print(f"\nprofile: extract_text on the {size:.1f} MB corpus")
        print(profile(lambda: extract_text(text, vocab)))
        print(f"profile: extract_text on the slowest adversarial input ({slowest[0]}), at 256 KB")
        print(profile(lambda: extract_text(slowest[2], vocab)))


if __name__ == "__main__":
    main()
