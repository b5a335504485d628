"""Documents named without a number: laws, codes, the Constitution, ordinances.

"Căn cứ Luật Thực hiện dân chủ ở cơ sở năm 2022", "Hiến pháp năm 2013", "Bộ luật Lao động
năm 2019", "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015": a basis as real
as a numbered one. The name is resolved to its number when the registry knows the title
("Luật Thực hiện dân chủ ở cơ sở" is 10/2022/QH15); otherwise it is kept as a named
reference with its year. "Luật ... số 10/2022/QH15" names both and is read as the number.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex

from qcdc_cli.extract.dates import DATE_PATTERN, date_from_match, group_numbers
from qcdc_cli.extract.mentions import Patterns
from qcdc_cli.extract.preamble import Clause
from qcdc_cli.extract.relations import Breaks, Clauses, Ranges, cue_before, cue_window_start
from qcdc_cli.knowledge.patterns import compile_regex
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.models import NamedReference, relation_rank
from qcdc_cli.read.normalize import LineIndex

# Words that end a name: what follows a name in a citation, not part of it.
_STOP = (
    r"ngày|năm|số|của|đã|được|và|về|do|tại|có|thì|là|này|hiện hành|quy định|hướng dẫn|để|nhằm|theo"
    r"|trong|đối với|với|cho|khi|các|những|đến|tới|vào|từ|bằng"
)
_NAMED = compile_regex(
    r"(?<!\p{L})(?P<name>(?:Bộ luật|Luật|Pháp lệnh)[ \t]+\p{Lu}\p{L}*"
    rf"(?:[ \t]+(?!(?:{_STOP})(?!\p{{L}}))\p{{L}}+){{0,10}}|Hiến pháp)"
    r"(?:[ \t]+năm[ \t]+(?P<year>(?:19|20)\d\d)(?!\d)|\s+ngày\s+" + DATE_PATTERN + ")?"
)
# Every _NAMED match starts with one of these (the pattern is case-sensitive).
_NAMED_FIRST = ("Bộ luật", "Luật", "Pháp lệnh", "Hiến pháp")
_NUMBER_AFTER = compile_regex(r"[ \t]*,?[ \t]*(?:số|so)[ \t]*:?[ \t]*\d", regex.IGNORECASE)
_LEAD = compile_regex(r"[ \t]*,?[ \t]*")  # what _NUMBER_AFTER takes before "số"
_TAIL = compile_regex(r"[ \t:]*")


def number_follows(text: str, pos: int) -> bool:
    """Whether `_NUMBER_AFTER.match(text, pos)` matches, read in the window it can reach:
    its "số" starts where the greedy lead ends, its digit where the run of spaces and
    colons after it ends. Unbounded, the regex module looks for "số" from `pos` to the end
    of the text before trying: quadratic over a long text of names without a number."""
    j = _LEAD.match(text, pos).end()  # type: ignore[union-attr]
    k = _TAIL.match(text, min(len(text), j + 2)).end()  # type: ignore[union-attr]
    return _NUMBER_AFTER.match(text, pos, min(len(text), k + 1)) is not None


_LIST_BEFORE = compile_regex(r"(?:[;,:\n]|(?<!\p{L})(?:và|cùng))[ \t*_]*(?:(?:[-+•–]|\d{1,2}[.)])[ \t]*)?$")


def find_named(
    text: str,
    vocab: Vocabulary,
    pats: Patterns,
    preamble: Ranges,
    clauses: list[Clause],
    breaks: Breaks,
    lines: LineIndex,
) -> list[NamedReference]:
    """Every document named without a number, one per name, with its strongest relation."""
    if "Luật" not in text and "Hiến pháp" not in text and "Pháp lệnh" not in text:
        return []
    in_clause = Clauses(clauses)
    found: dict[str, NamedReference] = {}
    for m in named_matches(text):
        if number_follows(text, m.end()):
            continue  # "Luật ... số 10/2022/QH15": read as the number
        written, m_year, m_y, m_wy, m_d, m_wd = m.group(*group_numbers(m.re, _GROUPS, _GROUP_NUMBERS))
        name = " ".join(written.split()).rstrip(",")
        if name == "Hiến pháp" and not m_year and not m_y and not m_wy:
            continue  # the word, not the document
        date = date_from_match(m) if m_d or m_wd else None
        year = int(m_year) if m_year else int(date[:4]) if date else None
        relation, cue = _relation(text, m.start(), pats, preamble, in_clause, breaks)
        name, known = _known_prefix(name, vocab)
        ref = NamedReference(
            name=name,
            line=lines.line(m.start()),
            year=year,
            date=date,
            relation=relation,
            cue=cue,
            number=known[0] if known else None,
        )
        key = fold(name) + (f"@{year}" if year and not known else "")
        old = found.get(key)
        if old is None:
            found[key] = ref
        elif relation_rank(relation) < relation_rank(old.relation):
            old.relation, old.cue = relation, cue
    return list(found.values())


_GROUPS = ("name", "year", "y", "wy", "d", "wd")  # read by number: see dates.group_numbers
_GROUP_NUMBERS: dict[regex.Pattern[str], tuple[int, ...]] = {}


def named_matches(text: str) -> Iterator[regex.Match[str]]:
    """`_NAMED.finditer(text)`, tried only where a name's first word is.

    The scan with the lookbehind in front costs about as much as the number scan itself;
    str.find of the four first words and an anchored try at each leaves a fraction of it.
    A try at a place finds what the scan finds there, and the next try starts at or after
    the end of the last match, as the scan's does.
    """
    starts: set[int] = set()
    for word in _NAMED_FIRST:
        i = text.find(word)
        while i != -1:
            starts.add(i)
            i = text.find(word, i + 1)
    end = 0
    for i in sorted(starts):
        if i < end:
            continue
        m = _NAMED.match(text, i)
        if m is not None:
            yield m
            end = m.end()


@lru_cache(maxsize=1024)  # a text names the same laws again and again
def _known_prefix(name: str, vocab: Vocabulary) -> tuple[str, tuple[str, str | None] | None]:
    """The longest leading part of `name` that is a registry title, with its entry: "Luật
    Thực hiện dân chủ ở cơ sở tại địa phương" is "Luật Thực hiện dân chủ ở cơ sở"."""
    words = name.split(" ")
    for k in range(len(words), 1, -1):
        known = vocab.named_documents.get(fold(" ".join(words[:k])))
        if known is not None:
            return " ".join(words[:k]), known
    return name, None


def _relation(
    text: str, start: int, pats: Patterns, preamble: Ranges, clauses: Clauses, breaks: Breaks
) -> tuple[str, str | None]:
    """The relation the governing cue states: the cue right before the name, or the cue of
    the opening clause the name is one object of ("Căn cứ Luật A ngày ...; Luật B ...")."""
    # the cue counts only where it starts in the preamble: no preamble in its window, no search
    cue = cue_before(text, start, pats) if preamble.meets(cue_window_start(start, pats), start) else None
    if cue is not None and breaks.same_sentence(cue.start, start) and cue.start in preamble:
        gap = text[cue.end : start]
        if not gap.strip() or len(gap) < 40:
            return cue.relation, cue.written
    clause = clauses.find(start)
    if (
        clause is not None
        and start >= clause.cue_end
        and (
            not text[clause.cue_end : start].strip() or _LIST_BEFORE.search(text, max(clause.start, start - 40), start)
        )
    ):
        return clause.relation, clause.cue
    return "cites", None
