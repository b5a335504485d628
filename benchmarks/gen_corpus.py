"""A seeded, realistic synthetic corpus: provincial and lower-level plans implementing
central directives, with the noise of real files.

    python benchmarks/gen_corpus.py OUT --files 5000 [--seed 7]

What it writes (all numbers and places consistent, so resolution has something to do):

- a few dozen central directives (Party and State); a third of them are in the corpus
  as files of their own, the rest are only cited (what `qcdc unresolved` should list);
- for each directive, a plan of each of the 34 provinces ("Số 62-KH/TU", "Thực hiện Kết
  luận số 120-KL/TW ngày ... của Bộ Chính trị"), dated after the directive;
- below them, plans of blocs (ĐUK), districts (HU, before 07/2025) and communes (ĐU)
  implementing their provincial plan ("Thực hiện Kế hoạch số 62-KH/TU ngày ... của Tỉnh
  ủy ..."), numbered per issuer so the same number recurs across provinces;
- noise seen in real texts: ALL CAPS headings, "02 - KH/TU" spacing, "Ð" (U+00D0) for "Đ",
  NFD text, CRLF line ends, a BOM, UTF-16 and Windows-1258 files, Markdown copies, short
  dates ("ngày 12/3/2016"), citations of local decisions nobody collected, and a few files
  carrying a second document (the directive's text pasted after the signature).

The same seed gives the same bytes; nothing here reads the network.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PROVINCES = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip
CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
DISTRICT_NAMES = (
    "Tân Uyên", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Thanh Chương", "Can Lộc", "Hương Sơn",
    "Kỳ Anh", "Châu Thành", "Gò Dầu", "Yên Sơn", "Sơn Dương", "Phú Vang", "Quảng Điền",
    "Tam Đường", "Hòa Vang", "Đông Anh", "Thủy Nguyên", "Cẩm Xuyên", "Nghi Lộc",
)  # fmt: skip
COMMUNE_NAMES = (
    "Bình Minh", "Tân Lập", "Hòa Bình", "Quang Trung", "Thanh Xuân", "Đông Hà", "Phú Lộc",
    "Minh Khai", "Xuân Phương", "Hồng Phong", "Tân Phú", "An Thịnh",
)  # fmt: skip


@dataclass(frozen=True)
class Directive:
    number: str
    word: str  # "Kết luận"
    body: str  # "Bộ Chính trị"
    date: str  # ISO
    about: str
    heading: str  # "BAN CHẤP HÀNH TRUNG ƯƠNG"


_QCDC = "về xây dựng và thực hiện quy chế dân chủ ở cơ sở"
DIRECTIVES = (
    Directive("30-CT/TW", "Chỉ thị", "Bộ Chính trị", "1998-02-18", _QCDC, "BỘ CHÍNH TRỊ"),
    Directive("10-CT/TW", "Chỉ thị", "Ban Bí thư", "2002-03-28", "về tiếp tục đẩy mạnh thực hiện quy chế dân chủ ở cơ sở", "BAN BÍ THƯ"),
    Directive("65-KL/TW", "Kết luận", "Ban Bí thư", "2010-03-04", "về tiếp tục thực hiện Chỉ thị 30-CT/TW", "BAN BÍ THƯ"),
    Directive("120-KL/TW", "Kết luận", "Bộ Chính trị", "2016-01-07", "về tiếp tục đẩy mạnh, nâng cao chất lượng, hiệu quả việc xây dựng và thực hiện quy chế dân chủ ở cơ sở", "BỘ CHÍNH TRỊ"),
    Directive("25-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", "2013-06-03", "về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
    Directive("290-QĐ/TW", "Quyết định", "Bộ Chính trị", "2010-02-25", "ban hành Quy chế công tác dân vận của hệ thống chính trị", "BỘ CHÍNH TRỊ"),
    Directive("23-QĐ/TW", "Quyết định", "Bộ Chính trị", "2021-07-30", "ban hành Quy chế công tác dân vận của hệ thống chính trị", "BỘ CHÍNH TRỊ"),
    Directive("217-QĐ/TW", "Quyết định", "Bộ Chính trị", "2013-12-12", "ban hành Quy chế giám sát và phản biện xã hội của Mặt trận Tổ quốc Việt Nam", "BỘ CHÍNH TRỊ"),
    Directive("218-QĐ/TW", "Quyết định", "Bộ Chính trị", "2013-12-12", "quy định về việc Mặt trận Tổ quốc Việt Nam, các đoàn thể chính trị - xã hội và nhân dân tham gia góp ý xây dựng Đảng, xây dựng chính quyền", "BỘ CHÍNH TRỊ"),
    Directive("101-QĐ/TW", "Quy định", "Ban Bí thư", "2012-06-07", "về trách nhiệm nêu gương của cán bộ, đảng viên, nhất là cán bộ lãnh đạo chủ chốt các cấp", "BAN BÍ THƯ"),
    Directive("05-CT/TW", "Chỉ thị", "Bộ Chính trị", "2016-05-15", "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "BỘ CHÍNH TRỊ"),
    Directive("03-CT/TW", "Chỉ thị", "Bộ Chính trị", "2011-05-14", "về tiếp tục đẩy mạnh việc học tập và làm theo tấm gương đạo đức Hồ Chí Minh", "BỘ CHÍNH TRỊ"),
    Directive("01-KL/TW", "Kết luận", "Bộ Chính trị", "2021-05-18", "về tiếp tục thực hiện Chỉ thị số 05-CT/TW", "BỘ CHÍNH TRỊ"),
    Directive("33-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", "2014-06-09", "về xây dựng và phát triển văn hóa, con người Việt Nam đáp ứng yêu cầu phát triển bền vững đất nước", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
    Directive("11-QĐi/TW", "Quy định", "Bộ Chính trị", "2019-02-18", "về trách nhiệm của người đứng đầu cấp ủy trong việc tiếp dân, đối thoại trực tiếp với dân", "BỘ CHÍNH TRỊ"),
    Directive("08-QĐi/TW", "Quy định", "Ban Chấp hành Trung ương", "2018-10-25", "về trách nhiệm nêu gương của cán bộ, đảng viên", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
    Directive("18-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", "2017-10-25", "một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
    Directive("124-QĐ/TW", "Quy định", "Ban Bí thư", "2018-02-02", "về giám sát của Mặt trận Tổ quốc Việt Nam, các đoàn thể chính trị - xã hội và nhân dân đối với việc tu dưỡng, rèn luyện đạo đức, lối sống của người đứng đầu", "BAN BÍ THƯ"),
    Directive("215-KL/TW", "Kết luận", "Bộ Chính trị", "2025-11-23", "về sửa đổi Quy định số 11-QĐi/TW", "BỘ CHÍNH TRỊ"),
    Directive("04/2015/NĐ-CP", "Nghị định", "Chính phủ", "2015-01-09", "về thực hiện dân chủ trong hoạt động của cơ quan hành chính nhà nước và đơn vị sự nghiệp công lập", "CHÍNH PHỦ"),
    Directive("10/2022/QH15", "Luật", "Quốc hội", "2022-11-10", "Thực hiện dân chủ ở cơ sở", "QUỐC HỘI"),
    Directive("59/2023/NĐ-CP", "Nghị định", "Chính phủ", "2023-08-14", "quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở", "CHÍNH PHỦ"),
    Directive("60/2013/NĐ-CP", "Nghị định", "Chính phủ", "2013-06-19", "quy định chi tiết khoản 3 Điều 63 của Bộ luật Lao động về thực hiện quy chế dân chủ ở cơ sở tại nơi làm việc", "CHÍNH PHỦ"),
    Directive("34/2007/PL-UBTVQH11", "Pháp lệnh", "Ủy ban Thường vụ Quốc hội", "2007-04-20", "thực hiện dân chủ ở xã, phường, thị trấn", "ỦY BAN THƯỜNG VỤ QUỐC HỘI"),
    Directive("30c/NQ-CP", "Nghị quyết", "Chính phủ", "2011-11-08", "ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2011 - 2020", "CHÍNH PHỦ"),
    Directive("76/NQ-CP", "Nghị quyết", "Chính phủ", "2021-07-15", "ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030", "CHÍNH PHỦ"),
    Directive("18/2000/CT-TTg", "Chỉ thị", "Thủ tướng Chính phủ", "2000-09-21", "về tăng cường công tác dân vận", "THỦ TƯỚNG CHÍNH PHỦ"),
    Directive("09/2008/NQLT-CP-UBTWMTTQVN", "Nghị quyết liên tịch", "Chính phủ và Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "2008-04-17", "hướng dẫn thi hành các Điều 11, Điều 14, Điều 16, Điều 22 và Điều 26 của Pháp lệnh thực hiện dân chủ ở xã, phường, thị trấn", "CHÍNH PHỦ"),
)  # fmt: skip
IN_CORPUS = {d.number for d in DIRECTIVES[::3]}  # the rest are only cited

BODY = (
    "Tiếp tục tạo bước chuyển biến mạnh mẽ trong công tác lãnh đạo, chỉ đạo xây dựng và thực hiện quy chế dân chủ trong các loại hình cơ sở, nhất là các cơ quan hành chính, đơn vị sự nghiệp, doanh nghiệp.",
    "Thực hiện tốt chế độ công khai dân chủ với phương châm “Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng”.",
    "Góp phần đổi mới phương thức, nâng cao năng lực lãnh đạo của Đảng, quản lý, điều hành của Nhà nước; đổi mới nội dung, phương thức hoạt động của Mặt trận, đoàn thể.",
    "Phát huy tính tiền phong, gương mẫu, chấn chỉnh phong cách, lề lối làm việc của cán bộ, công chức theo hướng sát dân, tôn trọng và phát huy quyền làm chủ của nhân dân.",
    "Tăng cường vai trò lãnh đạo của các cấp ủy đảng; trách nhiệm của chính quyền, của người đứng đầu về thực hiện quy chế dân chủ ở cơ sở.",
    "Phát huy vai trò của Mặt trận, các đoàn thể nhân dân trong việc tuyên truyền, giám sát và phản biện xã hội.",
    "Tiếp tục củng cố, kiện toàn, nâng cao chất lượng hoạt động của ban chỉ đạo xây dựng và thực hiện quy chế dân chủ ở cơ sở các cấp.",
    "Tăng cường công tác tiếp công dân, giải quyết kịp thời các đơn thư khiếu nại, tố cáo của công dân ngay từ cơ sở.",
    "Đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp; công khai, minh bạch các thủ tục hành chính.",
    "Gắn việc thực hiện quy chế dân chủ ở cơ sở với việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Định kỳ 6 tháng, hằng năm báo cáo kết quả thực hiện về Ban Thường vụ qua Ban Dân vận để tổng hợp, theo dõi.",
    "Các chi, đảng bộ trực thuộc căn cứ kế hoạch này xây dựng kế hoạch cụ thể, phù hợp với tình hình thực tế của địa phương, đơn vị.",
    "Kịp thời biểu dương, khen thưởng những tập thể, cá nhân có thành tích tiêu biểu; chấn chỉnh những nơi thực hiện chưa tốt.",
    "Chú trọng công tác tập huấn, bồi dưỡng nghiệp vụ cho đội ngũ cán bộ làm công tác dân vận và thành viên ban chỉ đạo các cấp.",
)  # fmt: skip
SECTIONS = ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN", "IV. CHẾ ĐỘ BÁO CÁO")


@dataclass
class Doc:
    """A generated document: its identity and what it implements."""

    number: str
    code: str  # TU, ĐUK, HU, ĐU
    province: str
    unit: str  # "Tỉnh ủy Hà Tĩnh", "Huyện ủy Can Lộc"
    heading: str  # "TỈNH ỦY HÀ TĨNH"
    date: str
    parent: Directive | Doc
    root: Directive


def _date_after(rng: random.Random, iso: str, min_days: int, max_days: int, until: str = "2026-06-30") -> str:
    import datetime as dt

    start = dt.date.fromisoformat(iso)
    day = start + dt.timedelta(days=rng.randint(min_days, max_days))
    return min(day, dt.date.fromisoformat(until)).isoformat()


def _dmy(iso: str, rng: random.Random) -> str:
    y, m, d = iso.split("-")
    if rng.random() < 0.25:
        return f"{int(d):02d}/{int(m)}/{y}"
    return f"{int(d)} tháng {int(m)} năm {y}"


def _unit_of(code: str, province: str, place: str | None) -> tuple[str, str]:
    city = province in CITIES
    if code == "TU":
        name = f"Thành ủy {province}" if city else f"Tỉnh ủy {province}"
    elif code == "ĐUK":
        name = f"Đảng ủy Khối các cơ quan {'thành phố' if city else 'tỉnh'}"
    elif code == "HU":
        name = f"Huyện ủy {place}"
    else:
        name = f"Đảng ủy xã {place}"
    return name, name.upper()


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counters: dict[tuple[str, str, str], int] = {}
        self.docs: list[Doc] = []

    def number(self, province: str, code: str, unit: str) -> str:
        key = (province, code, unit)
        self.counters[key] = self.counters.get(key, 0) + self.rng.randint(1, 9)
        return f"{self.counters[key]:02d}-KH/{code}"

    def plans(self, n_files: int) -> list[Doc]:
        """Provincial plans for every directive first, then lower levels until n_files."""
        rng = self.rng
        provincial = []
        target = max(0, n_files - len(IN_CORPUS))
        for d in DIRECTIVES:
            if d.date > "2026-01-01":
                continue
            for province in PROVINCES:
                if len(provincial) >= target:
                    break
                unit, heading = _unit_of("TU", province, None)
                date = _date_after(rng, max(d.date, "2005-01-01"), 20, 200)
                doc = Doc(self.number(province, "TU", unit), "TU", province, unit, heading, date, d, d)
                provincial.append(doc)
        docs = list(provincial)
        while len(docs) < target:
            parent = rng.choice(provincial)
            kind = rng.random()
            if kind < 0.25:
                code, place = "ĐUK", None
            elif kind < 0.6 and parent.date < "2025-06-01":
                code, place = "HU", rng.choice(DISTRICT_NAMES)
            else:
                code, place = "ĐU", rng.choice(COMMUNE_NAMES)
            unit, heading = _unit_of(code, parent.province, place)
            date = _date_after(rng, parent.date, 5, 120)
            docs.append(
                Doc(
                    self.number(parent.province, code, unit),
                    code,
                    parent.province,
                    unit,
                    heading,
                    date,
                    parent,
                    parent.root,
                )
            )
        return docs


def directive_text(d: Directive, rng: random.Random) -> str:
    party = "/" in d.number and "-" in d.number.split("/")[0]
    y, m, day = d.date.split("-")
    lines = [
        "ĐẢNG CỘNG SẢN VIỆT NAM" if party else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        d.heading,
        "*",
        f"Số {d.number}",
        f"Hà Nội, ngày {int(day)} tháng {int(m)} năm {y}",
        "",
        d.word.upper(),
        d.about,
        "",
    ]
    lines += [rng.choice(BODY) for _ in range(rng.randint(6, 14))]
    return "\n".join(lines) + "\n"


def plan_text(doc: Doc, rng: random.Random) -> str:
    """One plan as a provincial office would write it, noise included."""
    parent = doc.parent
    if isinstance(parent, Directive):
        cue = f"Thực hiện {parent.word} số {parent.number}, ngày {_dmy(parent.date, rng)} của {parent.body} {parent.about}"
        title_ref = f"{parent.word} số {parent.number} của {parent.body}"
    else:
        root = doc.root
        cue = (
            f"Thực hiện Kế hoạch số {parent.number}, ngày {_dmy(parent.date, rng)} của {parent.unit} về triển khai "
            f"thực hiện {root.word} số {root.number} của {root.body} {root.about}"
        )
        title_ref = f"Kế hoạch số {parent.number} của {parent.unit}"
    number = doc.number
    if rng.random() < 0.05:  # "02 - KH/TU"
        serial, rest = number.split("-", 1)
        number = f"{serial} - {rest}"
    place = doc.province if doc.code in ("TU", "ĐUK") else doc.unit.split(" ", 2)[-1]
    y, m, d = doc.date.split("-")
    header = [
        "ĐẢNG BỘ " + ("THÀNH PHỐ " if doc.province in CITIES else "TỈNH ") + doc.province.upper()
        if doc.code != "TU"
        else "",
        doc.heading,
        "*",
        f"Số {number}",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        f"{place}, ngày {int(d)} tháng {int(m)} năm {y}",
        "",
        "KẾ HOẠCH",
        f"triển khai thực hiện {title_ref}",
        "",
    ]
    body = [cue + f", Ban Thường vụ {doc.unit.split(' ', 1)[0]} xây dựng kế hoạch thực hiện như sau:", ""]
    if rng.random() < 0.4:  # the legal basis
        basis = rng.choice([x for x in DIRECTIVES if x.date <= doc.date] or [DIRECTIVES[0]])
        body.insert(0, f"Căn cứ {basis.word} số {basis.number} của {basis.body} {basis.about};")
    for section in SECTIONS:
        body.append(section if rng.random() < 0.7 else section.title())
        for _ in range(rng.randint(3, 9)):
            body.append("- " + rng.choice(BODY))
        if rng.random() < 0.2:  # a local decision nobody collected
            body.append(
                f"- Tổ chức thực hiện theo Quyết định số {rng.randint(100, 3999)}/QĐ-UBND ngày "
                f"{_dmy(doc.date, rng)} của Ủy ban nhân dân {'thành phố' if doc.province in CITIES else 'tỉnh'}."
            )
        body.append("")
    footer = ["Nơi nhận:", f"- Ban Thường vụ {doc.unit},", "- Lưu Văn phòng.", "", "T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    text = "\n".join([*header, *body, *footer]) + "\n"
    if isinstance(parent, Directive) and parent.number in IN_CORPUS and rng.random() < 0.03:
        text += "\n\n" + directive_text(parent, rng)  # the directive pasted after the signature
    return text


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as offices wrote it: precomposed base letters, separate tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + "".join(c for c in parts if c in TONE_MARKS))
    return "".join(out).encode("cp1258", errors="replace")


def encode(text: str, rng: random.Random) -> tuple[bytes, str]:
    """Bytes as they arrive from offices, and the suffix of the file."""
    r = rng.random()
    if r < 0.05:
        text = text.replace("Đ", "\u00d0")  # Ð for Đ, from a Latin-1 keyboard layout
    elif r < 0.08:
        text = unicodedata.normalize("NFD", text)
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    suffix = ".md" if rng.random() < 0.05 else ".txt"
    r = rng.random()
    if r < 0.02:
        return text.encode("utf-16"), suffix
    if r < 0.05:
        return to_cp1258(text), suffix
    if r < 0.07:
        return b"\xef\xbb\xbf" + text.encode("utf-8"), suffix
    return text.encode("utf-8"), suffix


def generate(out: Path, n_files: int, seed: int = 7) -> list[Path]:
    """Write about `n_files` files under `out`; returns their paths."""
    gen = Generator(seed)
    rng = gen.rng
    paths: list[Path] = []
    central = out / "Trung ương"
    central.mkdir(parents=True, exist_ok=True)
    for d in DIRECTIVES:
        if d.number in IN_CORPUS:
            path = central / (d.number.replace("/", "-") + ".txt")
            path.write_bytes(directive_text(d, rng).encode("utf-8"))
            paths.append(path)
    for i, doc in enumerate(gen.plans(n_files)):
        folder = out / doc.province / {"TU": "tinh", "ĐUK": "khoi", "HU": "huyen", "ĐU": "xa"}[doc.code]
        folder.mkdir(parents=True, exist_ok=True)
        data, suffix = encode(plan_text(doc, rng), rng)
        path = folder / f"{doc.date}_{doc.number.replace('/', '-')}_{i:06d}{suffix}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = generate(args.out, args.files, args.seed)
    size = sum(p.stat().st_size for p in paths)
    sys.stderr.write(f"{len(paths):,} files, {size / 1e6:,.1f} MB in {args.out}\n")


if __name__ == "__main__":
    main()
