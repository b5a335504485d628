"""Which province a document belongs to, from its header, its date line and its body.

Local codes (TU, UBND, ĐUK ...) exist in every province, so the province of the citing
document scopes every local number it cites. Evidence, strongest first: the issuing body
in the header ("TỈNH ỦY THỪA THIÊN HUẾ", "ĐẢNG BỘ TỈNH LAI CHÂU"), the place of the date
line ("Lai Châu, ngày ..."; a seat such as "Hạ Long" names its province), then the body
("trên địa bàn tỉnh Tuyên Quang"). The gazetteer has two generations of units (63 before
01/07/2025, 34 after); the document's date picks the one in force.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache

from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.vocabulary import ProvinceInfo, Vocabulary, fold

TYPE_CHECKING = False
if TYPE_CHECKING:
    import regex  # imported where a pattern is made: a trace reads places without one


@cache
def _name_regex(vocab: Vocabulary) -> tuple[regex.Pattern[str], dict[str, list[ProvinceInfo]]]:
    import regex

    by_name: dict[str, list[ProvinceInfo]] = {}
    for p in vocab.provinces:
        for name in (*p.names, *p.places):
            by_name.setdefault(fold(name), []).append(p)
    alternatives = "|".join(regex.escape(n) for n in sorted(by_name, key=len, reverse=True))
    return compile_regex(rf"(?<!\p{{L}})(?:{alternatives})(?!\p{{L}})", regex.IGNORECASE), by_name


@cache
def _body_regex(vocab: Vocabulary) -> regex.Pattern[str]:
    import regex

    # first-seen order, not a set's: the same pattern text every run (knowledge.patterns)
    names = sorted(dict.fromkeys(n for p in vocab.provinces for n in p.names), key=len, reverse=True)
    alternatives = "|".join(regex.escape(n) for n in names)
    # Case-sensitive on purpose: "hòa bình" is peace, "tỉnh Hòa Bình" a province.
    return compile_regex(
        rf"(?<!\p{{L}})(?:tỉnh|Tỉnh|thành phố|Thành phố|Tỉnh ủy|Tỉnh uỷ|Thành ủy|TP\.?)[ \t]+"
        rf"(?P<name>{alternatives})(?!\p{{L}})"
    )


# Every match of `_body_regex` starts with one of these (its alternatives, those that
# begin with another dropped). The pattern opens with a look-behind, so `regex` finds no
# literal to skip ahead with and tries it at every position of a whole document;
# `str.find` of these words and one anchored match at each hit finds the same matches.
_BODY_STARTS = ("tỉnh", "Tỉnh", "thành phố", "Thành phố", "Thành ủy", "TP")


def body_matches(pattern: regex.Pattern[str], body: str) -> list[regex.Match[str]]:
    """`pattern.finditer(body)` for `_body_regex`, tried only where one of `_BODY_STARTS`
    begins: the same matches, in the same order (tests/test_places_fast.py)."""
    starts: list[int] = []
    for word in _BODY_STARTS:
        at = body.find(word)
        while at >= 0:
            starts.append(at)
            at = body.find(word, at + 1)
    if not starts:
        return []
    starts.sort()
    found: list[regex.Match[str]] = []
    end = 0
    for at in starts:
        if at < end:  # inside the previous match: finditer goes on from its end
            continue
        m = pattern.match(body, at)  # the look-behind still sees the text before `at`
        if m is not None:
            found.append(m)
            end = m.end()
    return found


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


def _plain(text: str) -> str:
    return text.replace("\u00d0", "Đ").replace("\u00f0", "đ")


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
    # "Ð" (U+00D0, Icelandic eth) stands for "Đ" in texts converted from legacy fonts
    issuer_lines = [_plain(line) for line in issuer_lines]
    place = _plain(place) if place else place
    body = _plain(body)
    for line in reversed(issuer_lines):
        found = names.findall(line)
        if found:
            return _pick(by_name[fold(max(found, key=len))], date, vocab)
    if place:
        found = names.findall(place)
        if found:
            return _pick(by_name[fold(max(found, key=len))], date, vocab)
    below = province_of_body(issuer_lines, date, vocab)
    if below is not None:
        return _pick(by_name.get(fold(below), []), date, vocab) or below
    counts = Counter(fold(m["name"]) for m in body_matches(_body_regex(vocab), body))
    if counts:
        return _pick(by_name[counts.most_common(1)[0][0]], date, vocab)
    return None


# ---------------------------------------------------------------- below the province
#
# District and commune committees (Huyện ủy, Quận ủy, Thị ủy, Thành ủy of a provincial
# city, Đảng ủy xã/phường/thị trấn) number their documents on their own: 62-KH/HU exists
# in hundreds of districts. Their names say where they are once a gazetteer of districts
# and communes is at hand; `gazetteer.tsv` is derived from the `vietnamadminunits`
# dataset by tools/gen_gazetteer.py and read on first use.

_TABLE = "gazetteer.tsv"
# old and new tone placement ("Hoà"/"Hòa", "Thuỷ"/"Thủy"): one key for both
_TONES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ"})
_TONE_PAIRS = (
    ("OÀ", "ÒA"),
    ("OÁ", "ÓA"),
    ("OẢ", "ỎA"),
    ("OÃ", "ÕA"),
    ("OẠ", "ỌA"),
    ("OÈ", "ÒE"),
    ("OÉ", "ÓE"),
    ("OẺ", "ỎE"),
    ("OẼ", "ÕE"),
    ("OẸ", "ỌE"),
    ("UỲ", "ÙY"),
    ("UÝ", "ÚY"),
    ("UỶ", "ỦY"),
    ("UỸ", "ŨY"),
    ("UỴ", "ỤY"),
)
DISTRICT_KINDS = ("Huyện", "Quận", "Thị xã", "Thành phố")
COMMUNE_KINDS = ("Xã", "Phường", "Thị trấn")


@lru_cache(maxsize=1 << 16)
def unit_key(name: str) -> str:
    """A unit name as one key: NFC, upper case, Ð as Đ, one tone placement, one space."""
    key = fold(name.translate(_TONES))
    for old, new in _TONE_PAIRS:
        key = key.replace(old, new)
    return " ".join(key.replace(".", ". ").split())


@lru_cache(maxsize=1 << 16)
def loose_key(name: str) -> str:
    """`unit_key` without diacritics: "TAM DUONG" for names typed without them."""
    decomposed = unicodedata.normalize("NFD", unit_key(name).replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Unit:
    """A district or a commune, with what contains it."""

    level: str  # "district" | "commune"
    province: str
    district: str | None  # "Tam Đường"; None for a commune of the 2025 units
    name: str  # "Tam Đường", "Bản Hon"
    kind: str  # "Huyện", "Thành phố", "Xã", ...
    after_2025: bool = False


def _split_kind(full: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    for kind, prefix in _prefixes(kinds):
        if full.startswith(prefix):
            return kind, full[len(prefix) :]
    return "", full


@cache
def _prefixes(kinds: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each kind and the prefix it is written as, longest first (sorted once, not per name)."""
    return tuple((kind, kind + " ") for kind in sorted(kinds, key=len, reverse=True))


@dataclass(slots=True)
class Gazetteer:
    """Districts and communes by name (`unit_key`, then `loose_key`)."""

    by_key: dict[tuple[str, str], list[Unit]] = field(default_factory=dict)  # (level, key)
    by_loose: dict[tuple[str, str], list[Unit]] = field(default_factory=dict)

    def add(self, unit: Unit) -> None:
        self.by_key.setdefault((unit.level, unit_key(unit.name)), []).append(unit)
        self.by_loose.setdefault((unit.level, loose_key(unit.name)), []).append(unit)

    def keyed(self, level: str, key: str, loose: bool) -> list[Unit]:
        """Units of `level` whose `unit_key` (or, `loose`, `loose_key`) is `key`."""
        return (self.by_loose if loose else self.by_key).get((level, key), [])

    def named(self, level: str, name: str) -> list[Unit]:
        """Units of `level` with this name; diacritic-free spellings when nothing else fits."""
        return self.by_key.get((level, unit_key(name))) or self.by_loose.get((level, loose_key(name)), [])


def many_keys(names: list[str]) -> list[tuple[str, str]]:
    """`(unit_key(n), loose_key(n))` of each name, each step run once over all the names
    joined by newlines (none has one; each step acts within a line: NFC, NFD and case
    mapping never join across a newline, the tone pairs hold none), not ~8,000 times per
    step: most of the gazetteer's load time (tests/test_places_fast.py)."""
    joined = "\n".join(names)
    if joined.count("\n") != len(names) - 1:  # a name with a newline: one at a time
        return [(unit_key(n), loose_key(n)) for n in names]
    key = fold(joined.replace("\u00d0", "Đ").replace("\u00f0", "đ"))  # as `_TONES`; translate is slower
    for old, new in _TONE_PAIRS:
        key = key.replace(old, new)
    keys = [" ".join(k.split()) for k in key.replace(".", ". ").split("\n")]
    decomposed = unicodedata.normalize("NFD", "\n".join(keys).replace("Đ", "D"))
    for mark in [ch for ch in set(decomposed) if unicodedata.combining(ch)]:
        decomposed = decomposed.replace(mark, "")
    return list(zip(keys, decomposed.split("\n"), strict=True))


def _table_rows(text: str) -> list[_Row]:
    """The bundled table's units as plain tuples (a Unit's fields, in order)."""
    rows: list[_Row] = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        tag, province, district_full, communes = line.split("\t")
        district = None
        if district_full:
            kind, district = _split_kind(district_full, DISTRICT_KINDS)
            rows.append(("district", province, district, district, kind, False))
        for commune in communes.split("|") if communes else ():
            kind, name = _split_kind(commune, COMMUNE_KINDS)
            rows.append(("commune", province, district, name, kind, tag == "N"))
    return rows


def _parse_table(text: str) -> list[Unit]:
    return [Unit(*row) for row in _table_rows(text)]


@cache
def gazetteer() -> Gazetteer:
    """The bundled table, read once (about 13,000 communes: a few tens of milliseconds),
    every unit made; extraction asks `lazy_gazetteer` instead (warmed here too)."""
    lazy = lazy_gazetteer()
    table = Gazetteer()
    made: dict[int, Unit] = {}  # one Unit per row, in both maps, as `Gazetteer.add` files it

    def units(rows: list[_Row]) -> list[Unit]:
        return [made.get(id(row)) or made.setdefault(id(row), Unit(*row)) for row in rows]

    table.by_key = {k: units(rows) for k, rows in lazy.by_key.items()}
    table.by_loose = {k: units(rows) for k, rows in lazy.by_loose.items()}
    return table


_Row = tuple[str, str, str | None, str, str, bool]  # a Unit's fields, in order


class _LazyUnits:
    """`gazetteer().keyed`, filed as plain tuples and made Units only for the keys asked:
    a run asks a handful of keys, and making all ~14,000 Units was half the table's load."""

    def __init__(self, text: str) -> None:
        rows = _table_rows(text)
        names = list(dict.fromkeys(row[3] for row in rows))
        keys = dict(zip(names, many_keys(names), strict=True))
        self.by_key: dict[tuple[str, str], list[_Row]] = {}
        self.by_loose: dict[tuple[str, str], list[_Row]] = {}
        for row in rows:
            key, loose = keys[row[3]]
            self.by_key.setdefault((row[0], key), []).append(row)
            self.by_loose.setdefault((row[0], loose), []).append(row)
        self.made: dict[tuple[str, str, bool], list[Unit]] = {}

    def keyed(self, level: str, key: str, loose: bool) -> list[Unit]:
        """Units of `level` whose `unit_key` (or, `loose`, `loose_key`) is `key`."""
        made = self.made.get((level, key, loose))
        if made is None:
            rows = (self.by_loose if loose else self.by_key).get((level, key), [])
            made = self.made[(level, key, loose)] = [Unit(*row) for row in rows]
        return made


@cache
def lazy_gazetteer() -> _LazyUnits:
    """The bundled table for `keyed` lookups (what extraction asks), read once."""
    from importlib.resources import files

    return _LazyUnits(files("qcdc_cli.knowledge").joinpath(_TABLE).read_text(encoding="utf-8"))


# What a body's name says of its level: "HUYỆN ỦY" a district committee, "ĐẢNG ỦY XÃ" a
# commune's; a bare "HUYỆN"/"H." or "TP."/"Tp" names the unit itself.
_MARKERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ĐẢNG ỦY XÃ", "commune", ("Xã",)),
    ("ĐẢNG ỦY PHƯỜNG", "commune", ("Phường",)),
    ("ĐẢNG ỦY THỊ TRẤN", "commune", ("Thị trấn",)),
    ("ĐẢNG BỘ XÃ", "commune", ("Xã",)),
    ("ĐẢNG BỘ PHƯỜNG", "commune", ("Phường",)),
    ("ĐẢNG BỘ THỊ TRẤN", "commune", ("Thị trấn",)),
    ("HUYỆN ỦY", "district", ("Huyện",)),
    ("QUẬN ỦY", "district", ("Quận",)),
    ("THỊ ỦY", "district", ("Thị xã",)),
    ("THÀNH ỦY", "district", ("Thành phố",)),
    ("THỊ TRẤN", "commune", ("Thị trấn",)),
    ("PHƯỜNG", "commune", ("Phường",)),
    ("XÃ", "commune", ("Xã",)),
    ("THỊ XÃ", "district", ("Thị xã",)),
    ("TX.", "district", ("Thị xã",)),
    ("HUYỆN", "district", ("Huyện",)),
    ("H.", "district", ("Huyện",)),
    ("QUẬN", "district", ("Quận",)),
    ("THÀNH PHỐ", "district", ("Thành phố",)),
    ("TP.", "district", ("Thành phố",)),
    ("TP", "district", ("Thành phố",)),
)


def _marker_regex(markers: list[str]) -> regex.Pattern[str]:
    import regex

    alternatives = "|".join(regex.escape(m) for m in sorted(markers, key=len, reverse=True))
    return compile_regex(rf"(?<!\p{{L}})(?P<m>{alternatives})(?:\s+|(?<=\.)|$)(?P<rest>[^,;:()\[\]\n]*)")


@cache
def _marker_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """The body markers as written and loosely keyed, made on first use."""
    return _marker_regex([m for m, _, _ in _MARKERS]), _marker_regex([loose_key(m) for m, _, _ in _MARKERS])


_MARKER_INFO = {m: (level, kinds) for m, level, kinds in _MARKERS} | {
    loose_key(m): (level, kinds) for m, level, kinds in _MARKERS
}
_STOP_WORDS = frozenset(
    {"VỀ", "CỦA", "TỈNH", "THÀNH", "NGÀY", "SỐ", "KHÓA", "NHIỆM", "VÀ", "TẠI", "TRÊN", "LẦN", "BAN"}
    | {"VE", "CUA", "TINH", "NGAY", "SO", "KHOA", "VA", "TAI", "TREN"}
)


@dataclass(frozen=True, slots=True)
class BodyPlace:
    """Where a body named in a text sits below the province: one unit, or the candidates."""

    level: str  # "district" | "commune"
    name: str | None  # as the gazetteer writes it; None: the body is named without a place
    candidates: tuple[Unit, ...] = ()

    @property
    def unit(self) -> Unit | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


def body_place(
    text: str | None, *, province: str | None = None, date: str | None = None, vocab: Vocabulary | None = None
) -> BodyPlace | None:
    """The district or commune a body's name places it in: "Huyện ủy Tam Đường",
    "ĐẢNG ỦY XÃ BẢN HON", "UBND H. Sìn Hồ", "Tp Điện Biên Phủ". With `province` only
    units of that province (or of those it became) count; a district named beside a
    commune ("xã Bản Hon (huyện Tam Đường)") picks among the communes of that name.
    None when the text names no district or commune body (a Tỉnh ủy, a central body)."""
    if not text:
        return None
    return _body_place(text, province, None if date is None else date >= "2025-07-01", vocab)


@lru_cache(maxsize=1 << 15)
def _body_place(text: str, province: str | None, after_2025: bool | None, vocab: Vocabulary | None) -> BodyPlace | None:
    found: list[BodyPlace] = []
    marker, loose_marker = _marker_patterns()
    for loose, pattern, key in ((False, marker, unit_key(text)), (True, loose_marker, loose_key(text))):
        for m in pattern.finditer(key):
            level, kinds = _MARKER_INFO[m["m"]]
            committee = m["m"].endswith(("ỦY", "UY"))
            place = _named(m["rest"], level, kinds, province, after_2025, vocab, committee, loose)
            if place is not None:
                found.append(place)
        if found:
            break
    if not found:
        return None
    districts = [p for p in found if p.level == "district" and p.candidates]
    communes = [p for p in found if p.level == "commune"]
    if communes:
        best = communes[0]
        if districts and best.candidates:
            inside = {(u.province, u.name) for d in districts for u in d.candidates}
            narrowed = tuple(u for u in best.candidates if (u.province, u.district) in inside)
            best = BodyPlace("commune", best.name, narrowed or best.candidates)
        return best
    return found[0]


def _named(
    rest: str,
    level: str,
    kinds: tuple[str, ...],
    province: str | None,
    after_2025: bool | None,
    vocab: Vocabulary | None,
    committee: bool = False,
    loose: bool = False,
) -> BodyPlace | None:
    """The longest run of words after a marker that names a unit of `level`."""
    words = []
    for word in rest.split()[:6]:
        if word in _STOP_WORDS:
            break
        words.append(word)
    table = lazy_gazetteer()
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        if level == "district" and "Thành phố" in kinds and _is_province(name, vocab):
            return None  # "Thành ủy Hà Nội": a province-level city
        named = table.keyed(level, name, loose)  # the words are keys already
        # a town's kind changes (Thị xã → Thành phố) while old texts keep the old one
        units = [u for u in named if u.kind in kinds] or named
        if units:
            units = _narrow(units, province, after_2025, vocab)
            return BodyPlace(level, units[0].name if units else None, tuple(units))
    if committee and not words and level == "district":
        return BodyPlace(level, None)  # "Huyện ủy" alone: the citing document's own district
    return None


def _is_province(name: str, vocab: Vocabulary | None) -> bool:
    return vocab is not None and loose_key(name) in _province_keys(vocab)


@cache
def _province_keys(vocab: Vocabulary) -> frozenset[str]:
    return frozenset(loose_key(n) for p in vocab.provinces for n in p.names)


def _narrow(units: list[Unit], province: str | None, after_2025: bool | None, vocab: Vocabulary | None) -> list[Unit]:
    """Units of the province given (or of the province it came from, or became), in the
    generation the date picks."""
    if after_2025 is not None:
        generation = [u for u in units if u.after_2025 == after_2025]
        units = generation or units
    if province is None:
        return units
    related = {province}
    if vocab is not None:
        for p in vocab.provinces:
            if p.successor == province or (p.name == province and p.successor):
                related.add(p.name)
                related.add(p.successor or p.name)
    return [u for u in units if u.province in related] or []


def province_of_body(lines: list[str], date: str | None, vocab: Vocabulary) -> str | None:
    """The province of a district or commune body named in header lines ("ĐẢNG BỘ HUYỆN
    TAM ĐƯỜNG"), when the gazetteer has one unit of that name."""
    for line in reversed(lines):
        place = body_place(line, date=date, vocab=vocab)
        if place is not None and place.candidates:
            provinces = {u.province for u in place.candidates}
            if len(provinces) == 1:
                return provinces.pop()
    return None
