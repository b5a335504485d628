"""Extraction: every document number in a text, with its date, issuer and relation.

Stages, all pure and linear in the text size:
1. normalize (NFC, entities) with an offset map back to the original text;
2. scan document numbers (numbers.py), expand shared parts ("số 18, 19-NQ/TW");
3. read around each number within a bounded window: the type word before it ("Kết luận
   số"), the date after it ("ngày 07/01/2016"), the issuer ("của Bộ Chính trị"), the
   term ("(khóa VIII)");
4. split the file into documents and read each header (header.py);
5. type each mention with the cue phrase that governs it: in the preamble a cue is the
   document's own relation ("Thực hiện Kết luận 65-KL/TW" → implements); a cue that
   follows another number describes that number ("Kế hoạch số 26-KH/TU ... về triển khai
   thực hiện Kết luận số 120-KL/TW" → 26-KH/TU implements 120-KL/TW, a reported relation);
6. group mentions into one reference per canonical number.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from qcdc_cli.extract.announce import read_announcement
from qcdc_cli.extract.header import HeaderInfo, find_segments, read_header
from qcdc_cli.extract.identity import pasted_title, self_info
from qcdc_cli.extract.mentions import RawMention, find_mentions, patterns
from qcdc_cli.extract.named import find_named
from qcdc_cli.extract.preamble import Clause
from qcdc_cli.extract.relations import Breaks, Clauses, Ranges, assign_relations
from qcdc_cli.knowledge.numbers import find_numbers
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.models import Extraction, Mention, Problem, Reference, ReportedRelation, Segment, relation_rank
from qcdc_cli.read.normalize import LineIndex, NormalizedText, normalize_text


def extract_text(text: str, vocab: Vocabulary) -> Extraction:
    """Everything extraction reads from one decoded text. Never raises on any input."""
    norm = normalize_text(text)
    clean = norm.clean
    pats = patterns(vocab)
    lines = LineIndex(clean)
    numbers = find_numbers(clean, vocab)
    mentions = find_mentions(clean, numbers, pats)
    segment_starts = find_segments(clean, numbers, vocab, lines)
    segment_ends = [*segment_starts[1:], len(clean)]
    for m in mentions:
        m.segment = bisect_right(segment_starts, m.start) - 1

    headers: list[HeaderInfo] = []
    segments: list[Segment] = []
    own_spans: set[int] = set()
    preamble: list[tuple[int, int]] = []
    clauses: list[Clause] = []
    subjects: dict[int, str | None] = {}
    orig_lines = lines if clean is text else LineIndex(text)
    number_starts = [n.start for n in numbers]
    for idx, (s, e) in enumerate(zip(segment_starts, segment_ends, strict=True)):
        seg_numbers = numbers[bisect_left(number_starts, s) : bisect_left(number_starts, e)]
        header = read_header(clean, s, e, seg_numbers, vocab, lines)
        if idx > 0 and seg_numbers and (header.own is None or header.own is seg_numbers[0]):
            header.own = seg_numbers[0]  # a pasted document's title line carries its number
            first_line_end = clean.find("\n", s)
            header.preamble.insert(0, (s, e if first_line_end == -1 else first_line_end))
            if header.title is None:
                header.title = pasted_title(clean, s, e)
        headers.append(header)
        preamble.extend(header.preamble)
        clauses.extend(header.clauses)
        if header.own is not None:
            own_spans.add(header.own.start)
        subjects[idx] = header.own.doc.number if header.own else None
        o_start, _ = norm.to_original_span(s, e)
        segments.append(
            Segment(
                start=o_start,
                end=norm.to_original_span(s, e)[1],
                start_line=orig_lines.line(o_start),
                number=subjects[idx],
                title=header.title,
            )
        )

    if headers[0].own is None:
        _read_announcement(clean, mentions, pats.words_alt, headers[0], subjects, segments, own_spans, preamble)
        clauses.extend(headers[0].clauses)

    breaks = Breaks(clean)
    own_ids = {id(m) for m in mentions if m.start in own_spans and m.shared_with is None}
    body_mentions = [m for m in mentions if id(m) not in own_ids and id(m.shared_with) not in own_ids]
    reported = assign_relations(clean, body_mentions, pats, Ranges(preamble), subjects, breaks, lines, Clauses(clauses))

    named = find_named(clean, vocab, pats, Ranges(preamble), clauses, breaks, lines)
    me = self_info(headers[0], clean, mentions, vocab, lines)
    problems: list[Problem] = []
    references = _group(norm, body_mentions, me.number, problems, orig_lines)
    if me.number is None and me.number_placeholder is None:  # a draft's "Số:    /QĐ-UBND" is not missing
        problems.append(Problem("no-own-number", "the text has no document number of its own"))
    if clean is not text:
        for r in reported:
            r.line = orig_lines.line(norm.to_original(lines.line_start(r.line)))
        for n in named:
            n.line = orig_lines.line(norm.to_original(lines.line_start(n.line)))
    reported = _dedupe_reported(reported)
    return Extraction(
        self=me,
        references=references,
        reported_relations=reported,
        problems=problems,
        segments=segments,
        named_references=named,
    )


def _read_announcement(
    clean: str,
    mentions: list[RawMention],
    words_alt: str,
    header: HeaderInfo,
    subjects: dict[int, str | None],
    segments: list[Segment],
    own_spans: set[int],
    preamble: list[tuple[int, int]],
) -> None:
    """A page without a header of its own: its identity and relations from the announcement."""
    announced = read_announcement(clean, mentions, words_alt)
    preamble.extend(announced.spans)
    header.clauses = announced.clauses
    if announced.own is None:
        return
    header.own, header.own_source = announced.own.found, "announcement"
    header.date = header.date or announced.date
    if not header.issuer_lines and announced.issuer:
        header.body_subject = announced.issuer
    own_spans.add(announced.own.start)
    subjects[0] = segments[0].number = announced.own.doc.number


def _dedupe_reported(items: list[ReportedRelation]) -> list[ReportedRelation]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in items:
        key = (r.source, r.relation, r.target)
        if key in seen or r.source == r.target:
            continue
        seen.add(key)
        out.append(r)
    return out


def _group(
    norm: NormalizedText,
    mentions: list[RawMention],
    own_number: str | None,
    problems: list[Problem],
    orig_lines: LineIndex,
) -> list[Reference]:
    text = norm.original
    by_number: dict[str, Reference] = {}
    for m in mentions:
        o_start, o_end = norm.to_original_span(m.start, m.end)
        line, column = orig_lines.line_col(o_start)
        found = m.found
        malformed = found.malformed and m.shared_with is None
        if m.doc.number == own_number and m.segment == 0:
            problems.append(Problem("self-mention", f"the text mentions its own number {own_number}", line))
            continue
        mention = Mention(  # by position (a dozen keywords cost ~0.7 us a mention): Mention's field order
            text[o_start:o_end],  # as_written
            o_start,
            o_end,
            line,
            column,
            m.relation,
            m.cue,
            m.date,
            m.type_word,
            m.issuer,
            m.term,
            m.segment,
            malformed,
            found.suggestion if malformed else None,  # suggestion
        )
        if malformed:
            fix = f"; it should read {found.suggestion}" if found.suggestion else ""
            problems.append(Problem("malformed-number", f"malformed number {mention.as_written!r}{fix}", line))
        for code in found.unknown_codes if m.shared_with is None else ():
            problems.append(Problem("unknown-code", f"unknown code {code!r} in {mention.as_written!r}", line))
        ref = by_number.get(m.doc.number)
        if ref is None:
            ref = by_number[m.doc.number] = Reference(
                number=m.doc.number,
                system=m.doc.system,
                type=m.doc.type,
                issuer_code=m.doc.issuer_code,
                year=m.doc.year,
            )
        ref.mentions.append(mention)
        if mention.date:
            if ref.date is None:
                ref.date = mention.date
            elif ref.date != mention.date:
                problems.append(
                    Problem(
                        "conflicting-dates",
                        f"{ref.number} is dated {ref.date} elsewhere but {mention.date} here",
                        line,
                    )
                )
        if ref.issuer is None and mention.issuer:
            ref.issuer = mention.issuer
        if mention.relation != ref.relation and relation_rank(mention.relation) < relation_rank(ref.relation):
            ref.relation = mention.relation
        if malformed:
            ref.malformed = True
            ref.suggestion = ref.suggestion or mention.suggestion
    return list(by_number.values())
