"""Which province a document belongs to, from its header, its date line and its body.

Local codes (TU, UBND, ĐUK ...) exist in every province, so the province of the citing
document scopes every local number it cites. Evidence, strongest first: the issuing body
in the header ("TỈNH ỦY THỪA THIÊN HUẾ", "ĐẢNG BỘ TỈNH LAI CHÂU"), the place of the date
line ("Lai Châu, ngày ..."; a seat such as "Hạ Long" names its province), then the body
("trên địa bàn tỉnh Tuyên Quang"). The gazetteer has two generations of units (63 before
01/07/2025, 34 after); the document's date picks the one in force.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import regex

from qcdc_cli.knowledge.vocabulary import ProvinceInfo, Vocabulary, fold


@cache
def _name_regex(vocab: Vocabulary) -> tuple[regex.Pattern[str], dict[str, list[ProvinceInfo]]]:
    by_name: dict[str, list[ProvinceInfo]] = {}
    for p in vocab.provinces:
        for name in (*p.names, *p.places):
            by_name.setdefault(fold(name), []).append(p)
    alternatives = "|".join(regex.escape(n) for n in sorted(by_name, key=len, reverse=True))
    return regex.compile(rf"(?<!\p{{L}})(?:{alternatives})(?!\p{{L}})", regex.IGNORECASE), by_name


@cache
def _body_regex(vocab: Vocabulary) -> regex.Pattern[str]:
    names = sorted({n for p in vocab.provinces for n in p.names}, key=len, reverse=True)
    alternatives = "|".join(regex.escape(n) for n in names)
    # Case-sensitive on purpose: "hòa bình" is peace, "tỉnh Hòa Bình" a province.
    return regex.compile(
        rf"(?<!\p{{L}})(?:tỉnh|Tỉnh|thành phố|Thành phố|Tỉnh ủy|Tỉnh uỷ|Thành ủy|TP\.?)[ \t]+"
        rf"(?P<name>{alternatives})(?!\p{{L}})"
    )


def _in_force(p: ProvinceInfo, date: str | None) -> bool:
    if date is None:
        return True
    return (p.valid_from is None or p.valid_from <= date) and (p.valid_until is None or date <= p.valid_until)


def _pick(candidates: list[ProvinceInfo], date: str | None, vocab: Vocabulary) -> str | None:
    """The unit of that name in force at `date`; before a rename, the unit it came from."""
    if not candidates:
        return None
    in_force = [p for p in candidates if _in_force(p, date)]
    if in_force:
        return in_force[0].name
    if date is not None:
        # "Thành phố Huế" in 2010 is in Thừa Thiên Huế, the unit Huế was formed from.
        for p in candidates:
            for q in vocab.provinces:
                if q.successor == p.name and _in_force(q, date) and fold(q.name) != fold(p.name):
                    return q.name
        for p in candidates:
            for q in vocab.provinces:
                if fold(q.name) == fold(p.name) and _in_force(q, date):
                    return q.name
    if date is None:
        # No date at all: the older generation is the likelier one for an archive.
        older = [p for p in candidates if p.valid_until is not None]
        return (older or candidates)[0].name
    return candidates[0].name


def find_province(
    vocab: Vocabulary,
    *,
    issuer_lines: list[str],
    place: str | None,
    body: str,
    date: str | None,
) -> str | None:
    """The province of a document, or None when nothing in it names one."""
    if not vocab.provinces:
        return None
    names, by_name = _name_regex(vocab)
    for line in reversed(issuer_lines):
        found = names.findall(line)
        if found:
            return _pick(by_name[fold(max(found, key=len))], date, vocab)
    if place:
        found = names.findall(place)
        if found:
            return _pick(by_name[fold(max(found, key=len))], date, vocab)
    counts = Counter(fold(m["name"]) for m in _body_regex(vocab).finditer(body))
    if counts:
        return _pick(by_name[counts.most_common(1)[0][0]], date, vocab)
    return None
