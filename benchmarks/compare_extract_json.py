"""`qcdc extract --format json` of two checkouts over the same folders: identical bytes?

Run: .venv/bin/python benchmarks/compare_extract_json.py --base /work/main [--generated 3000] FOLDER...

Speed work on extraction must not change a single byte of what it writes. This runs the
command of this checkout and of `--base` (another checkout of qcdc, run from its source
with `python -m qcdc_cli`) over each folder and compares stdout and the exit code. With
`--generated N` it also writes N seeded random texts made of what numbers, cues, dates,
issuers, lists and headers are made of (and lines of the samples) and compares those.
Prints one line per folder; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARTS = [
    "Số ", "số ", "số:", "Số: ", "1-KH/TU", "12-NQ/TW", "45-CT/TW", "30c-KL/TW", "5/2020/NĐ-CP", "1492/QĐTTg",
    "123/QĐ/UBND", "19/2001/CT/UB", "157-NĐ/2007/NĐ-CP", "22/CT-TW", "13-NQ/TƯ", "70-TB/TWngày", "số1234/QĐ-UBND",
    "18, 19-NQ/TW", "18, 19 và 20-NQ/TW", "Thực hiện ", "thực hiện ", "Căn cứ ", "căn cứ ", "Triển khai ",
    "triển khai thực hiện ", "Bãi bỏ ", "bãi bỏ ", "thay thế ", "sửa đổi, bổ sung ", "Hủy bỏ ", "huỷ bỏ ",
    "hướng dẫn ", "Tiếp tục thực hiện ", "Quán triệt ", "trên cơ sở ", "Tổ chức thực hiện ", "cụ thể hóa ",
    "Kế hoạch ", "Nghị quyết ", "Chỉ thị ", "Kết luận ", "Quyết định ", "Hướng dẫn ", "Luật ", "Nghị định ",
    "Thông báo ", "Công văn ", "ngày 07/01/2016", " ngày 3/4/2020", "ngày 25 tháng 4 năm 2022", "dated March 3, 2016",
    " của Bộ Chính trị", " của Tỉnh ủy", " của Ban Thường vụ Tỉnh ủy", " của Chính phủ và Ủy ban Trung ương",
    " (khóa XII)", "(khoá VIII)", " về ", " về việc ", ", ", "; ", " và ", ".", ". ", ":", "\n", "\n\n", "\n- ",
    "\n1. ", "\nI. ", "| ", " |", "\n|---|---|\n", "TỈNH ỦY HUẾ\n", "ĐẢNG CỘNG SẢN VIỆT NAM\n", "KẾ HOẠCH\n",
    "UBND TỈNH HÀ TĨNH\n", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n", "Huế, ngày 5 tháng 6 năm 2019\n", "này ",
    "việc ", "kết quả ", "Điều 3. ", "ban hành ", "đã ", "Luật Thực hiện dân chủ ở cơ sở năm 2022 ", "ß", "İ",
    "\u00a0", "\t", "  ", "&amp;", "T.Ư", "\u200b", "\ufeff", "\x85", "\u202e", "–", "-", "/", "(", ")", "“", "”",
    "x", "Đ", "7", "2015",
]  # fmt: skip


def generated_texts(n: int, seed: int = 20261203) -> list[str]:
    """Seeded random texts: token soup, and lines of the samples shuffled with it."""
    rng = random.Random(seed)
    sample_lines = [
        line for p in sorted((ROOT / "samples").glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()
    ]
    out = []
    for i in range(n):
        parts = []
        for _ in range(rng.randint(1, 400)):
            if i % 2 and rng.random() < 0.3:
                parts.append(rng.choice(sample_lines) + "\n")
            else:
                parts.append(rng.choice(PARTS))
        out.append("".join(parts))
    return out


def run(source: Path, folder: Path) -> tuple[int, bytes, bytes]:
    """`qcdc extract --format json folder` of the checkout at `source`: `python -m` puts
    the working directory first on sys.path, so the command runs from there."""
    env = {**os.environ, "PYTHONPATH": str(source), "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "qcdc_cli", "extract", "--format", "json", str(folder.resolve())]
    done = subprocess.run(argv, capture_output=True, env=env, cwd=source, check=False)
    return done.returncode, done.stdout, done.stderr


def imported_from(source: Path) -> Path:
    """Where the qcdc_cli that `run(source, ...)` runs is read from."""
    env = {**os.environ, "PYTHONPATH": str(source), "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-c", "import qcdc_cli; print(qcdc_cli.__file__)"]
    out = subprocess.run(argv, capture_output=True, env=env, cwd=source, check=True, text=True).stdout
    return Path(out.strip()).parent.parent


def compare(folder: Path, base: Path) -> bool:
    here = run(ROOT, folder)
    there = run(base.resolve(), folder)
    for source, result in ((ROOT, here), (base, there)):
        assert result[0] in (0, 1, 2), f"{source}: {result[2].decode(errors='replace')[-2000:]}"
    same = here == there
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    digest = hashlib.sha256(here[1]).hexdigest()[:16]
    print(
        f"{'IDENTICAL' if same else 'DIFFERENT'}  {folder}  {files:,} files, {len(here[1]):,} bytes of JSON"
        f" (sha256 {digest}), exit {here[0]}/{there[0]}"
    )
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--base", type=Path, required=True, help="the other checkout (its source root)")
    parser.add_argument("--generated", type=int, default=0, help="also compare this many generated texts")
    args = parser.parse_args()
    for source in (ROOT, args.base.resolve()):  # each command runs the code it names
        assert imported_from(source) == source, f"{source} runs {imported_from(source)}"
    results = [compare(folder, args.base) for folder in args.folders]  # every folder, not the first difference
    ok = all(results)
    if args.generated:
        with tempfile.TemporaryDirectory() as tmp:
            for i, text in enumerate(generated_texts(args.generated)):
                (Path(tmp) / f"{i:05d}.txt").write_text(text, encoding="utf-8")
            ok = compare(Path(tmp), args.base) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
