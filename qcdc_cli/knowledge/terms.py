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
