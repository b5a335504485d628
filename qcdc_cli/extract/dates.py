"""Dates as Vietnamese documents write them.

"07/01/2016", "7-1-2016", "22.9.2021", "ngày 30 tháng 7 năm 2010", also in capitals
("NGÀY 10/9/2013") and split across lines ("ngày\\n07/01/2016"), and with the month in
words ("ngày 03 tháng bốn năm 2018"). Day first, always.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import regex

from qcdc_cli.knowledge.patterns import compile_regex

_MONTH_WORDS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
    "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}  # fmt: skip
_MONTH_WORD = "mười[ \\t]+một|mười[ \\t]+hai|mười|giêng|một|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|chạp"

# Numeric dates keep one separator throughout ("7-1-2016", not "7-1/2016").
DATE_PATTERN = (
    r"(?:(?P<d>\d{1,2})[ \t]*(?P<sep>[/.\-])[ \t]*(?P<m>\d{1,2})[ \t]*(?P=sep)[ \t]*(?P<y>\d{4})"
    rf"|(?P<wd>\d{{1,2}})\s+tháng\s+(?P<wm>\d{{1,2}}|{_MONTH_WORD})\s*,?\s+năm\s+(?P<wy>\d{{4}}))"
    r"(?!\d)"
)
DATE_RE = compile_regex(DATE_PATTERN, regex.IGNORECASE)
_SPACES = compile_regex(r"\s+")

MIN_YEAR = 1930  # the Party was founded in 1930: nothing it cites is older
MAX_YEAR = 2100


_DATE_GROUPS = ("d", "m", "y", "wd", "wm", "wy")
_GROUP_NUMBERS: dict[regex.Pattern[str], tuple[int, ...]] = {}  # per pattern holding DATE_PATTERN


def group_numbers(
    pattern: regex.Pattern[str], names: tuple[str, ...], known: dict[regex.Pattern[str], tuple[int, ...]]
) -> tuple[int, ...]:
    """The numbers of the groups `names` in `pattern`, kept in `known`: the regex module
    looks a group's name up at ~0.5-1 us a name (the match's own lookup), a number ~0.1 us."""
    numbers = known.get(pattern)
    if numbers is None:
        numbers = known[pattern] = tuple(pattern.groupindex[g] for g in names)
    return numbers


def date_from_match(m: regex.Match[str]) -> str | None:
    """ISO date for a DATE_PATTERN match, or None when it is not a real calendar date."""
    d, mo, y, wd, wm, wy = group_numbers(m.re, _DATE_GROUPS, _GROUP_NUMBERS)
    if m[d] is not None:
        day, month, year = int(m[d]), int(m[mo]), int(m[y])
    else:
        day, year = int(m[wd]), int(m[wy])
        written = _SPACES.sub(" ", m[wm].lower())
        month = int(written) if written.isdigit() else _MONTH_WORDS[written]
    return iso_date(year, month, day)


@lru_cache(maxsize=4096)  # texts repeat their dates; building a date object is the cost
def iso_date(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None
