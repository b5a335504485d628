"""The grammar of document numbers: find them in text and write them in canonical form.

Party   {n}-{TYPE}/{ISSUER}            62-KH/TU, 11-QĐi/TW, 03-HD/BDVTU
State   {n}/{year}/{TYPE}-{ISSUER}     04/2015/NĐ-CP, 34/2007/PL-UBTVQH11
        {n}/{year}/QH{term}            10/2022/QH15 (laws carry no type code)
        {n}/{TYPE}-{ISSUER}            30c/NQ-CP, 7308/KH-BNN-TCLN (administrative)
        {n}/{ISSUER}-{UNIT}            2231/SNV-CCHC&PC (công văn: no type code)

One scan finds every shape (a single pass of the `regex` module; the shapes share their
leading serial number, so the alternation is factored after it). Real texts bend the
shapes, and each bend is handled here: inner spaces ("02 - NQ/TU", "51-KH / BTGTU"),
dashes (– — ‐), capitals ("30-CTR/TU"), Ð (U+00D0) for Đ, TƯ / T.Ư for TW, Party numbers
written State-style ("22/CT-TW"), and typos that fuse two shapes ("157-NĐ/2007/NĐ-CP",
"34-PL/TW34/2007PL-UBTVQH11"): those are kept, flagged malformed, and repaired when the
repair is unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.models import DocNumber

_DASH = "[-–—‐‑]"
_SP = "[ \t]*"
_DASH_RE = compile_regex(_DASH)
_UPPER = "A-ZĐÐƯ"
# A type code: NQ, KL, CTr, QĐi, TTLT, QyĐ ("CTR", "QĐI" in capitals).
_TYPE = f"[{_UPPER}][A-Za-zĐđÐðƯư]{{0,4}}"
# One part of an issuer code: TW, TU, ĐUK, BDVTU, QH15, UBTVQH11, CCHC&PC, TTg, ThU, T.Ư.
_ISSUER_PART = f"(?:T\\.[WƯ]\\.?|[{_UPPER}][{_UPPER}0-9&]{{0,11}}(?:[a-zđư][{_UPPER}0-9&]{{0,8}})?)"
_ISSUER = f"{_ISSUER_PART}(?:{_DASH}{_ISSUER_PART}){{0,3}}"
_YEAR = "(?:19|20)[0-9]{2}"
_SERIAL = "[0-9]{1,5}[a-zđA-ZĐ]?"  # "30c"; "30C" in an all-caps header

NUMBER_PATTERN = (
    # not inside a word or another number (but see _GLUED_SO)
    f"(?<![\\p{{L}}\\p{{N}}/&\\-])(?P<n>{_SERIAL}){_SP}"
    "(?:"
    # Party shape, or the fused typo n-TYPE/year/TYPE-ISSUER ("157-NĐ/2007/NĐ-CP")
    f"{_DASH}{_SP}(?P<ptype>{_TYPE}){_SP}/{_SP}"
    f"(?:(?P<myear>{_YEAR}){_SP}/{_SP}(?:(?P<mtype>{_TYPE}){_SP}{_DASH}{_SP})?(?P<miss>{_ISSUER})"
    f"|(?P<piss>{_ISSUER}))"
    # State shapes; a slash for the hyphen ("19/2001/CT/UB", "646/QĐ/QUTW") is a typo
    f"|/{_SP}(?:(?P<year>{_YEAR}){_SP}/{_SP}(?:(?P<stype>{_TYPE}){_SP}(?P<ssep>{_DASH}|/){_SP})?(?P<siss>{_ISSUER})"
    f"|(?P<atype>{_TYPE}){_SP}(?P<asep>{_DASH}|/){_SP}(?P<aiss>{_ISSUER}))"
    ")"
)

# What a number glued to more letters, digits or slashes looks like ("TW34/2007PL-...").
_TOKEN_TAIL = compile_regex(r"[^\s,;()\[\]“”\"'<>]*")
# Inside such a token: serial, then somewhere a year, then TYPE-ISSUER.
_REPAIR = compile_regex(
    f"^(?P<n>{_SERIAL})\\D.*?(?P<year>{_YEAR}){_SP}/?{_SP}(?P<type>{_TYPE}){_DASH}(?P<iss>{_ISSUER})$"
)


# A word that can follow a number, glued to it when a space is lost: "70-TB/TWngày 06 ...".
_GLUED_WORD = compile_regex(r"(?:ngày|của|về|năm|và|do|tại|ban hành|thực hiện)(?!\p{L})")


@cache
def number_regex() -> regex.Pattern[str]:
    """The compiled scanner (compiled on first use, not at import)."""
    return compile_regex(NUMBER_PATTERN)


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number found in text: where, as what, and whether it had to be repaired."""

    start: int
    end: int
    doc: DocNumber  # canonical (the repaired form when the text was malformed)
    malformed: bool = False
    suggestion: str | None = None  # the canonical form a malformed number should read
    unknown_codes: tuple[str, ...] = ()


def _canon_type(code: str, table: dict[str, str]) -> str:
    return table.get(fold(code), code.replace("Ð", "Đ").replace("ð", "đ"))


def _canon_issuer(code: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """Canonical issuer and the parts the vocabulary does not know."""
    parts = _DASH_RE.split(code)
    out: list[str] = []
    unknown: list[str] = []
    for i, part in enumerate(parts):
        info = vocab.issuer(part)
        if info is None:
            if i == 0:  # later parts name the drafting unit ("BNN-TCLN"): any code is fine
                unknown.append(part)
            out.append(part.replace("Ð", "Đ").replace("ð", "đ"))
            continue
        digits = fold(part)[len(fold(part).rstrip("0123456789")) :] if info.numbered_by_term else ""
        out.append(info.code + digits)
    return "-".join(out), unknown


def _party(serial: str, type_code: str, issuer: str, vocab: Vocabulary) -> tuple[DocNumber, list[str]]:
    t = _canon_type(type_code, vocab.party_types)
    iss, unknown = _canon_issuer(issuer, vocab)
    if fold(t) not in vocab.party_types:
        unknown.insert(0, type_code)
    return DocNumber(f"{serial}-{t}/{iss}", "party", serial, t, iss), unknown


def _state(
    serial: str, year: str | None, type_code: str | None, issuer: str, vocab: Vocabulary
) -> tuple[DocNumber, list[str]]:
    unknown: list[str] = []
    t: str | None = None
    if type_code is not None:
        t = _canon_type(type_code, vocab.state_types)
        if fold(t) not in vocab.state_types:
            if year is None:
                # "2231/SNV-CCHC&PC": a công văn, the first code is its issuer
                issuer = f"{type_code}-{issuer}"
                t = None
            else:
                unknown.append(type_code)
    iss, unknown_issuers = _canon_issuer(issuer, vocab)
    unknown.extend(unknown_issuers)
    body = f"{t}-{iss}" if t else iss
    number = f"{serial}/{year}/{body}" if year else f"{serial}/{body}"
    return DocNumber(number, "state", serial, t, iss, int(year) if year else None), unknown


def _is_party_issuer(code: str, vocab: Vocabulary) -> bool:
    info = vocab.issuer(_DASH_RE.split(code)[0])
    return info is not None and info.system == "party"


_GROUPS = ("n", "ptype", "myear", "mtype", "miss", "piss", "year", "stype", "ssep", "siss", "atype", "asep", "aiss")
_GROUP_NUMBERS: dict[regex.Pattern[str], tuple[int, ...]] = {}


def scanner_groups(m: regex.Match[str]) -> tuple[str | None, ...]:
    """`m.group(*_GROUPS)` by group number: the regex module looks a name up at ~0.8 us a
    name, so the 13 names cost ~10 us a number; by number the same call costs ~1 us."""
    numbers = _GROUP_NUMBERS.get(m.re)
    if numbers is None:
        numbers = _GROUP_NUMBERS[m.re] = tuple(m.re.groupindex[g] for g in _GROUPS)
    return m.group(*numbers)


def parse_match(m: regex.Match[str], text: str, vocab: Vocabulary) -> NumberMatch:
    """Turn one scanner match into a canonical number, extending and repairing typos."""
    start, end = m.span()
    doc, malformed, suggestion, unknown = _canonical(scanner_groups(m), vocab)
    # "70-TB/TWngày": the issuer code glued to the next word; the code ends before it.
    if end < len(text) and text[end].isalpha():
        for cut in (end, end - 1):  # "TWngày" scans as "TWn" + "gày"
            glued = _GLUED_WORD.match(text, cut, min(len(text), end + 12)) if cut > start else None
            shorter = number_regex().match(text, start, cut) if glued is not None else None
            if shorter is not None and shorter.end() == cut:
                doc, malformed, suggestion, unknown = _canonical(scanner_groups(shorter), vocab)
                return NumberMatch(start, cut, doc, malformed, suggestion, unknown)
    # A number glued to more token characters is a typo, not the number it starts with.
    if end < len(text) and (
        text[end].isalnum() or (text[end] in "/&-" and end + 1 < len(text) and text[end + 1].isalnum())
    ):
        tail = _TOKEN_TAIL.match(text, end)
        end = tail.end() if tail else end
        while end > start and text[end - 1] in ".-/":
            end -= 1
        malformed = True
        repaired = _REPAIR.match(text[start:end])
        if repaired:
            doc, repaired_unknown = _state(repaired["n"], repaired["year"], repaired["type"], repaired["iss"], vocab)
            unknown = tuple(repaired_unknown)
            suggestion = doc.number
        else:
            suggestion = None
    return NumberMatch(start, end, doc, malformed, suggestion, unknown)


@lru_cache(maxsize=4096)  # a text cites the same numbers again and again; DocNumber is frozen
def _canonical(
    groups: tuple[str | None, ...], vocab: Vocabulary
) -> tuple[DocNumber, bool, str | None, tuple[str, ...]]:
    """Canonical number of the scanner's groups (the codes' part is cached: _shape)."""
    serial = groups[0]
    assert serial is not None
    if serial[-1].isalpha():
        serial = serial[:-1] + serial[-1].lower()  # canonical "30c", as the number is issued
    system, type_code, issuer, year, malformed, suggest, unknown = _shape(groups[1:], vocab)
    if system == "party":
        doc = DocNumber(f"{serial}-{type_code}/{issuer}", "party", serial, type_code, issuer)
    else:
        body = f"{type_code}-{issuer}" if type_code else issuer
        number = f"{serial}/{year}/{body}" if year else f"{serial}/{body}"
        doc = DocNumber(number, "state", serial, type_code, issuer, int(year) if year else None)
    return doc, malformed, doc.number if suggest else None, unknown


@lru_cache(maxsize=4096)
def _shape(
    groups: tuple[str | None, ...], vocab: Vocabulary
) -> tuple[str, str | None, str, str | None, bool, bool, tuple[str, ...]]:
    """System, canonical type and issuer, year, malformed, whether to suggest the canonical
    form, unknown codes: everything but the serial, so cached (a text cites the same kinds
    of number again and again; bounded, so a long ingest does not grow it)."""
    m = {k: v or "" for k, v in zip(_GROUPS[1:], groups, strict=True)}  # "" for a group that did not take part
    serial = "0"  # the serial does not change the codes: a placeholder, dropped below
    malformed = False
    suggest = False
    if m["myear"]:
        # "157-NĐ/2007/NĐ-CP": a Party prefix fused to a State number
        doc, unknown = _state(serial, m["myear"], m["mtype"] or m["ptype"], m["miss"], vocab)
        malformed, suggest = True, True
    elif m["ptype"]:
        doc, unknown = _party(serial, m["ptype"], m["piss"], vocab)
        if not _is_party_issuer(m["piss"], vocab) and vocab.issuer(m["piss"]) is not None:
            # "34-PL/UBTVQH11": a State issuer in Party shape; the year is missing
            malformed = True
    elif m["year"]:
        split = None if m["stype"] or vocab.issuer(m["siss"]) else _split_codes(m["siss"], vocab)
        if split is not None:  # "5/2020/NĐCP": 5/2020/NĐ-CP
            doc, unknown = _state(serial, m["year"], split[0], split[1], vocab)
            malformed, suggest = True, True
        else:
            doc, unknown = _state(serial, m["year"], m["stype"] or None, m["siss"], vocab)
        if m["ssep"] == "/":  # "19/2001/CT/UB": 19/2001/CT-UB
            malformed, suggest = True, True
    else:
        slash = m["asep"] == "/"
        issuer_info = vocab.issuer(m["aiss"])
        if slash and fold(m["atype"]) in vocab.party_types and (issuer_info is None or issuer_info.system == "party"):
            # "646/QĐ/QUTW": a Party number with a slash for its hyphen
            doc, unknown = _party(serial, m["atype"], m["aiss"], vocab)
            malformed, suggest = True, True
        elif _is_party_issuer(m["aiss"], vocab) and fold(m["atype"]) in vocab.party_types:
            # "22/CT-TW", "18/NQ-TW": a Party number written State-style
            doc, unknown = _party(serial, m["atype"], m["aiss"], vocab)
            malformed, suggest = True, True
        else:
            doc, unknown = _state(serial, None, m["atype"], m["aiss"], vocab)
            malformed = suggest = slash  # "123/QĐ/UBND": 123/QĐ-UBND
    year = str(doc.year) if doc.year is not None else None
    return doc.system, doc.type, doc.issuer_code, year, malformed, suggest, tuple(unknown)


# "Quyết định số1234/QĐ-UBND": a lost space after "số". The scanner's lookbehind refuses a
# number glued to a letter; a second, anchored try after each such "số" finds it (a lookbehind
# alternative in the scanner itself made every scan 20x slower).
_GLUED_SO = compile_regex(r"[ốỐ](?=[0-9])")  # then "s" before it and no letter before that (cheaper)
# The same places, one pattern per letter: a pattern that opens with a literal is searched
# for at string-search speed, a class is tried at every position (5x slower on prose).
_GLUED_SO_EACH = (compile_regex(r"ố(?=[0-9])"), compile_regex(r"Ố(?=[0-9])"))


def glued_so_places(text: str) -> list[int]:
    """The starts of `_GLUED_SO.finditer(text)`, in order (its matches are one character)."""
    places = [g.start() for p in _GLUED_SO_EACH for g in p.finditer(text)]
    places.sort()
    return places


@cache
def _number_after_so() -> regex.Pattern[str]:
    return compile_regex(NUMBER_PATTERN.replace("(?<![\\p{L}\\p{N}/&\\-])", "", 1))


def find_numbers(text: str, vocab: Vocabulary) -> list[NumberMatch]:
    """Every document number in `text`, in order, non-overlapping."""
    out: list[NumberMatch] = []
    pos = 0
    scanner = number_regex()
    while True:
        m = scanner.search(text, pos)
        if m is None:
            break
        found = parse_match(m, text, vocab)
        out.append(found)
        pos = max(found.end, m.start() + 1)
    out = _merge(out, _glued_codes(text, vocab))
    glued = [
        at + 1
        for at in glued_so_places(text)
        if at > 0 and text[at - 1] in "sS" and (at < 2 or not text[at - 2].isalpha())
    ]
    if not glued:
        return out
    extra = []
    for start in glued:
        m = _number_after_so().match(text, start)
        if m is not None:
            extra.append(parse_match(m, text, vocab))
    return _merge(out, extra)


def _merge(found: list[NumberMatch], extra: list[NumberMatch]) -> list[NumberMatch]:
    """Both lists in text order, an extra one dropped where it overlaps one found before."""
    if not extra:
        return found
    merged: list[NumberMatch] = []
    for f in sorted([*found, *extra], key=lambda f: f.start):
        if not merged or f.start >= merged[-1].end:
            merged.append(f)
    return merged


# "Quyết định số 1492/QĐTTg": the hyphen between type and issuer lost. Read only after "số"
# or a type word's last letters, and only when the run splits into a known State type and a
# known issuer (flagged malformed, with the repair).
_GLUED_AFTER_SO = (
    rf"(?P<n>{_SERIAL})[ \t]*/[ \t]*(?:(?P<year>{_YEAR})[ \t]*/[ \t]*)?"
    rf"(?P<code>[{_UPPER}][A-Za-zĐđ]{{2,11}})(?![\p{{L}}\p{{N}}/&\-])"
)
_GLUED_CODES = compile_regex(rf"(?<=(?:số|Số|SỐ)[ \t]*:?[ \t]*){_GLUED_AFTER_SO}")
# The same matches (groups and ends; they start at "số"), one pattern per spelling of "số":
# a pattern that opens with a literal is searched for at string-search speed, the
# lookbehind is tried at every position (2-3x slower). A match holds no "ố" or "Ố" after
# its first word and cannot end before a letter, so matches of the three never overlap
# and, in order, are the lookbehind pattern's.
_GLUED_CODES_EACH = tuple(compile_regex(rf"{so}[ \t]*:?[ \t]*{_GLUED_AFTER_SO}") for so in ("số", "Số", "SỐ"))


def glued_codes_matches(text: str) -> list[regex.Match[str]]:
    """What `_GLUED_CODES.finditer(text)` finds (groups n, year, code; end), in order."""
    found = [m for p in _GLUED_CODES_EACH for m in p.finditer(text)]
    found.sort(key=lambda m: m.start())
    return found


def _split_codes(code: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """ "QĐTTg" -> ("QĐ", "TTg"): a known State type and a known issuer run together."""
    for cut in range(1, len(code)):
        if fold(code[:cut]) in vocab.state_types and vocab.issuer(code[cut:]) is not None:
            return code[:cut], code[cut:]
    return None


def _glued_codes(text: str, vocab: Vocabulary) -> list[NumberMatch]:
    out = []
    for m in glued_codes_matches(text) if "/" in text else ():
        split = _split_codes(m["code"], vocab)
        if split is not None:
            doc, unknown = _state(m["n"], m["year"], split[0], split[1], vocab)
            out.append(NumberMatch(m.start("n"), m.end(), doc, True, doc.number, tuple(unknown)))
    return out


def parse_number(written: str, vocab: Vocabulary) -> NumberMatch | None:
    """Parse a number given alone ("13-KH/ĐUK", "30-ctr/tu" on a command line)."""
    text = written.strip()
    m = number_regex().match(text)
    if m is None:
        m = number_regex().match(_upper_codes(text))
        if m is None:
            return None
        text = _upper_codes(text)
    found = parse_match(m, text, vocab)
    return found if found.end == len(text) else None


def _upper_codes(text: str) -> str:
    return text.upper().replace("Ð", "Đ")
