"""The document's own identity (number, date, issuer, type) from its header."""

from __future__ import annotations

import regex

from qcdc_cli.extract.header import HeaderInfo
from qcdc_cli.extract.mentions import RawMention, as_provincial, is_written_tu
from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.places import find_province
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.models import SelfInfo, System
from qcdc_cli.read.normalize import LineIndex

_SPACES = compile_regex(r"\s+")
_PROVINCIAL_ISSUER = compile_regex(r"(?:TỈNH|THÀNH)[ \t]+[UỦ]+[YỶ](?!\p{L})", regex.IGNORECASE)
_MARKDOWN_MARKS = compile_regex(r"[*_#]+")
_ABOUT = compile_regex(r"(?<!\p{L})về(?!\p{L}).*$", regex.IGNORECASE)


def pasted_title(text: str, start: int, end: int) -> str | None:
    stop = text.find("\n\n", start, end)
    block = text[start : stop if stop != -1 else min(end, start + 400)]
    block = _MARKDOWN_MARKS.sub("", block)
    block = _SPACES.sub(" ", block).strip()
    about = _ABOUT.search(block)
    return (about.group() if about else block) or None


def self_info(
    header: HeaderInfo, text: str, mentions: list[RawMention], vocab: Vocabulary, lines: LineIndex
) -> SelfInfo:
    info = SelfInfo(date=header.date, place=header.place, title=header.title)
    info.year, info.number_placeholder = header.year, header.number_placeholder
    if header.own is not None:
        doc = header.own.doc
        line_start = lines.line_start(lines.line(header.own.start))
        issuer_text = " ".join([*header.issuer_lines, text[max(line_start, header.own.start - 200) : header.own.start]])
        if is_written_tu(text, header.own) and _PROVINCIAL_ISSUER.search(issuer_text):
            doc = as_provincial(doc)  # "Số 445-KL/TƯ" under "TỈNH ỦY THỪA THIÊN HUẾ" (or beside it, flattened)
        info.number, info.type, info.issuer_code, info.system = doc.number, doc.type, doc.issuer_code, doc.system
        info.source = header.own_source or "header"
        if info.date is None:  # "SỐ 16/2001/CT-TTG NGÀY 21 THÁNG 6 NĂM 2001" in the title
            info.date = next((m.date for m in mentions if m.start == header.own.start), None)
            info.year = int(info.date[:4]) if info.date else info.year
    if info.year is None and info.date:
        info.year = int(info.date[:4])
    if header.issuer_lines:
        info.issuer = header.issuer_lines[-1]
    elif header.body_subject:
        info.issuer = header.body_subject
    if header.heading:
        heading_types = vocab.type_words.get(fold(header.heading), ())
        if info.type is None and heading_types:
            system = info.system or _system_from_issuer(header, info.issuer)
            pick = [t for t in heading_types if t[0] == system] or list(heading_types)
            info.system = info.system or ("party" if pick[0][0] == "party" else "state")
            info.type = pick[0][1]
    if info.type and info.system:
        info.type_name = vocab.type_names.get((info.system, info.type))
    if info.system is None and info.issuer:
        info.system = _system_from_issuer(header, info.issuer)
    latest = max((m.date for m in mentions if m.date), default=None)
    info.province = find_province(
        vocab,
        issuer_lines=header.issuer_lines or ([header.body_subject] if header.body_subject else []),
        place=header.place,
        body=text,
        date=info.date or latest,
    )
    if header.own is not None:
        info.line = lines.line(header.own.start)
    return info


def _system_from_issuer(header: HeaderInfo, issuer: str | None) -> System | None:
    blob = fold(" ".join([*header.issuer_lines, issuer or ""]))
    if not blob.strip():
        return None
    if regex.search(
        r"ĐẢNG|ỦY BAN KIỂM TRA|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|CHI BỘ|BAN CHỈ ĐẠO|BAN DÂN VẬN|BAN TUYÊN GIÁO", blob
    ) and not regex.search(r"ỦY BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN", blob):
        return "party"
    return "state"
