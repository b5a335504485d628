"""Committee terms (khóa): Party numbers restart with each term, so a date picks the term."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Term


def term_of(date: str | None, body: str, terms: Sequence[Term]) -> str | None:
    """The term (khóa) of `body` in force on `date`, from the registry's term table."""
    if not date:
        return None
    found = None
    for t in terms:
        if t.body != body:
            continue
        if t.start <= date and (t.end is None or date <= t.end) and (found is None or t.start > found.start):
            found = t
    return found.term if found else None


def parse_day(text: str) -> str:
    """A day as users write it, in ISO form: "2023-08-01", "01/08/2023", "1/8/2023"
    (day first, as Vietnamese texts write dates). ValueError for anything else."""
    import datetime as dt
    import re

    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return dt.date(year, month, day).isoformat()
    return dt.date.fromisoformat(text).isoformat()
