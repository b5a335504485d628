"""A small stand-in extractor and corpus builder for store and ingest tests.

The tests here are about the index (what is stored, replaced, pruned, survived), not
about extraction, so they use a deliberately simple extractor with a fixed, obvious
behaviour: the first Party number after "Số" is the document's own, every other
Party number is a reference, "Thực hiện" on its line makes it `implements`, and a line
"=== PHỤ LỤC ===" starts a second document whose number is the next one written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from qcdc_cli.models import Extraction, Mention, Reference, ReportedRelation, Segment, SelfInfo

_NUMBER = re.compile(r"\b(\d+[a-z]?)-([A-ZĐ]+)/([A-ZĐ]+)\b")
_OWN = re.compile(r"Số:?\s*(\d+[a-z]?-[A-ZĐ]+/[A-ZĐ]+)")
_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
SEGMENT_MARK = "=== PHỤ LỤC ==="


def fake_extract(text: str, vocab: Any = None) -> Extraction:
    """Extraction of `text` by the rules in the module docstring (after NFC, as the real
    extractor normalizes; cp1258 decodes to combining marks)."""
    text = unicodedata.normalize("NFC", text)
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    segments = [Segment(0, len(text), 1)]
    for i, line in enumerate(lines):
        if line.strip() == SEGMENT_MARK:
            segments[-1].end = offsets[i]
            segments.append(Segment(offsets[i], len(text), i + 1))
    own: dict[int, str] = {}
    refs: dict[str, Reference] = {}
    reported = []
    for i, line in enumerate(lines):
        segment = max(k for k, s in enumerate(segments) if s.start_line <= i + 1)
        m = _OWN.search(line)
        if m and segment not in own:
            own[segment] = m.group(1)
            segments[segment].number = m.group(1)
            continue
        for n in _NUMBER.finditer(line):
            number = n.group(0)
            if number == own.get(segment):
                continue
            relation = "implements" if "Thực hiện" in line else "cites"
            ref = refs.setdefault(number, Reference(number, "party", n.group(2), n.group(3)))
            ref.mentions.append(
                Mention(
                    as_written=number,
                    start=offsets[i] + n.start(),
                    end=offsets[i] + n.end(),
                    line=i + 1,
                    column=n.start() + 1,
                    relation=relation,
                    cue="Thực hiện" if relation == "implements" else None,
                    segment=segment,
                )
            )
            if relation == "implements":
                ref.relation = "implements"
            if relation == "implements" and segment in own:
                reported.append(ReportedRelation(own[segment], relation, number, i + 1, text=line))
    date = _DATE.search(text)
    number = own.get(0)
    me = SelfInfo(
        number=number,
        type=number.split("-")[1].split("/")[0] if number else None,
        issuer_code=number.split("/")[1] if number else None,
        date=f"{date.group(3)}-{int(date.group(2)):02d}-{int(date.group(1)):02d}" if date else None,
        province=_province(text),
        title=lines[0].strip() or None,
        system="party" if number else None,
    )
    return Extraction(self=me, references=list(refs.values()), reported_relations=reported, segments=segments)


def _province(text: str) -> str | None:
    m = re.search(r"TỈNH ỦY ([A-ZÀ-ỸĐ ]+)", text)
    return m.group(1).strip().title() if m else None


def plan_text(number: str, province: str, implements: str, cites: tuple[str, ...] = ()) -> str:
    """A short, realistic plan: header, date line, title, an implementing sentence."""
    cited = "".join(f"\nCăn cứ Quy định số {c} của Ban Bí thư;" for c in cites)
    return (
        f"TỈNH ỦY {province.upper()}\n"
        f"Số {number}\n"
        f"{province}, ngày 12 tháng 3 năm 2016\n"
        "KẾ HOẠCH\n"
        f"Thực hiện Kết luận số {implements} của Bộ Chính trị về tiếp tục thực hiện Chỉ thị"
        " số 30-CT/TW về xây dựng và thực hiện quy chế dân chủ ở cơ sở"
        f"{cited}\n"
        "Ban Thường vụ Tỉnh ủy ban hành kế hoạch thực hiện như sau:\n"
    )


def write_corpus(root: Path, n: int, prefix: str = "kh") -> list[Path]:
    """`n` plan files under `root`, spread over a few sub-folders."""
    provinces = ("Hà Tĩnh", "Lai Châu", "Tây Ninh", "Tuyên Quang", "Nghệ An")
    paths = []
    for i in range(n):
        province = provinces[i % len(provinces)]
        folder = root / province.replace(" ", "_")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{prefix}_{i:05d}.txt"
        path.write_text(
            plan_text(f"{i + 1}-KH/TU", province, "120-KL/TW", (f"{i % 7 + 1}-QĐ/TW",)),
            encoding="utf-8",
        )
        paths.append(path)
    return paths
