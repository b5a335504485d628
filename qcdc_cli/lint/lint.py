"""`qcdc check` rules: citation mistakes in a draft, found before it is signed.

Pure: `lint(text, extraction, vocab, knowledge=...)` reads nothing and prints nothing;
it turns what extraction found (and what the registry or the index knows, asked through
resolve.py's `Catalog`, the one resolver of scoped identity) into `Diagnostic`s.

Each rule has a stable code (CI configurations and SARIF consumers key on it, so codes
are never renumbered), a default severity, messages in English and Vietnamese (the
people who write these drafts read Vietnamese) and, where one exists, a suggested fix.

Scope: rules about one mention (malformed number, unknown codes, a type word, date or
body that contradicts the number) apply to every document in the file; rules that need
the draft's own date or number (future or superseded references, self-citation, the
citation convention) apply to the main document only (segment 0), since a pasted
annex (seed 001 carries the full text of 120-KL/TW) has its own date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qcdc_cli.errors import ConfigError
from qcdc_cli.knowledge.vocabulary import Vocabulary, fold
from qcdc_cli.models import Extraction, Mention, Reference

if TYPE_CHECKING:
    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.resolve.resolve import Catalog, Context, Known, Resolution

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
LANGS = ("en", "vi")


def severity_rank(severity: str) -> int:
    """info 0 < warning 1 < error 2: what `--fail-on` compares."""
    return SEVERITIES.index(severity)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # "QC001": stable, what configurations and SARIF key on
    name: str  # "malformed-number": readable alias accepted by --select/--ignore
    severity: Severity
    needs: Literal["text", "registry", "index"]  # what must be available for it to run
    summary: dict[str, str]  # lang -> one line, for SARIF rule descriptors and docs
    message: dict[str, str]  # lang -> str.format template over Diagnostic.args
    fix: dict[str, str] | None = None  # lang -> template, used when its args are present
    variants: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> lang -> template


def _r(
    code: str,
    name: str,
    severity: Severity,
    needs: Literal["text", "registry", "index"],
    summary: tuple[str, str],
    message: tuple[str, str],
    fix: tuple[str, str] | None = None,
    **variants: tuple[str, str],
) -> Rule:
    return Rule(
        code,
        name,
        severity,
        needs,
        dict(zip(LANGS, summary, strict=True)),
        dict(zip(LANGS, message, strict=True)),
        dict(zip(LANGS, fix, strict=True)) if fix else None,
        {k: dict(zip(LANGS, v, strict=True)) for k, v in variants.items()},
    )


# English first, then Vietnamese. Templates are trusted; document text only ever fills
# their fields (str.format does not interpret the values it inserts).
RULES: tuple[Rule, ...] = (
    _r(
        "QC001", "malformed-number", "error", "text",
        ("Malformed document number",
         "Số, ký hiệu văn bản viết sai quy cách"),
        ("malformed document number “{text}”",
         "số, ký hiệu viết sai quy cách: “{text}”"),
        ("write it as {suggestion}",
         "sửa thành {suggestion}"),
    ),
    _r(
        "QC002", "unknown-type-code", "error", "text",
        ("Unknown document type code",
         "Chữ viết tắt tên loại văn bản không có trong danh mục"),
        ("unknown document type code “{type}” in “{text}”",
         "chữ viết tắt tên loại “{type}” trong “{text}” không có trong danh mục"),
        ("use a type code of the official list, or add it to a registry file (--registry)",
         "dùng chữ viết tắt tên loại theo danh mục quy định, "
         "hoặc bổ sung vào tệp danh mục (--registry)"),
    ),
    _r(
        "QC003", "unknown-issuer-code", "warning", "text",
        ("Unknown issuing-body code",
         "Chữ viết tắt cơ quan ban hành không có trong danh mục"),
        ("unknown issuing-body code “{issuer}” in “{text}”",
         "chữ viết tắt cơ quan ban hành “{issuer}” trong “{text}” không có trong danh mục"),
        ("check the code, or add the body to a registry file (--registry)",
         "kiểm tra lại ký hiệu, hoặc bổ sung cơ quan vào tệp danh mục (--registry)"),
    ),
    _r(
        "QC004", "type-word-mismatch", "error", "text",
        ("Type word contradicts the number's type code",
         "Tên loại văn bản không khớp với ký hiệu"),
        ("“{word} {text}”: the code {type} in the number means {type_name}, not {word}",
         "“{word} {text}”: ký hiệu {type} trong số hiệu là {type_name}, không phải {word}"),
        ("write “{type_name} {number}”, or correct the number",
         "viết “{type_name} {number}”, hoặc sửa lại số hiệu"),
    ),
    _r(
        "QC005", "date-mismatch", "error", "registry",
        ("Written date contradicts the known date",
         "Ngày ban hành ghi không đúng"),
        ("{number} is dated {written} here, but {known} in the {source}",
         "{number} được ghi ngày {written}, nhưng theo {source} là ngày {known}"),
        ("write “ngày {known}”",
         "sửa thành “ngày {known}”"),
    ),
    _r(
        "QC006", "issuer-mismatch", "error", "text",
        ("Issuing body contradicts the number",
         "Cơ quan ban hành không khớp với số hiệu"),
        ("{text} is attributed to “{body}”, "
         "but {issuer} in the number is not that body ({expected})",
         "{text} được ghi là của “{body}”, "
         "nhưng ký hiệu {issuer} không phải của cơ quan này ({expected})"),
        ("did you mean {suggestion}?",
         "có lẽ là {suggestion}"),
        known=("{text} is attributed to “{body}”, but the {source} records {known} as its issuer",
               "{text} được ghi là của “{body}”, nhưng theo {source} cơ quan ban hành là {known}"),
        likely=("no {text} is known here, but its date and issuing body are those of {suggestion}",
                "không có văn bản {text} phù hợp; ngày và cơ quan ban hành ghi kèm "
                "là của {suggestion}"),
    ),
    _r(
        "QC007", "superseded-reference", "warning", "registry",
        ("Reference to a replaced or repealed document",
         "Dẫn chiếu văn bản đã bị thay thế hoặc bãi bỏ"),
        ("{number} was {status} on {date} by {successor}, before this draft ({draft_date})",
         "{number} đã bị {status} từ ngày {date} bởi {successor}, "
         "trước ngày của văn bản này ({draft_date})"),
        ("cite {successor} instead",
         "dẫn chiếu {successor}"),
    ),
    _r(
        "QC008", "reference-after-draft", "error", "text",
        ("Reference dated after the draft",
         "Văn bản được dẫn chiếu có ngày sau văn bản này"),
        ("{number} is dated {date} ({source}), after this draft ({draft_date})",
         "{number} có ngày {date} ({source}), sau ngày của văn bản này ({draft_date})"),
        ("check the date, or the number",
         "kiểm tra lại ngày hoặc số hiệu"),
    ),
    _r(
        "QC009", "self-citation", "warning", "text",
        ("The document cites its own number",
         "Văn bản dẫn chiếu chính số hiệu của mình"),
        ("the document cites its own number {number}",
         "văn bản dẫn chiếu chính số hiệu của mình ({number})"),
        ("write “this plan” (“Kế hoạch này”), or correct the number",
         "viết “Kế hoạch này” (văn bản này), hoặc sửa lại số hiệu"),
    ),
    _r(
        "QC010", "missing-own-number", "warning", "text",
        ("The draft has no number of its own",
         "Văn bản chưa có số, ký hiệu"),
        ("the draft has no number line (“Số ...”)",
         "văn bản chưa có dòng số, ký hiệu (“Số ...”)"),
        ("add “Số <number>-<type>/<issuer>” under the issuing body",
         "ghi “Số ...-<loại>/<cơ quan>” dưới tên cơ quan ban hành"),
    ),
    _r(
        "QC011", "missing-date-line", "warning", "text",
        ("The draft has no place-and-date line",
         "Văn bản chưa có địa danh, ngày tháng năm ban hành"),
        ("the draft has no place-and-date line (“<place>, ngày ... tháng ... năm ...”)",
         "văn bản chưa có dòng địa danh, ngày tháng năm ban hành "
         "(“<địa danh>, ngày ... tháng ... năm ...”)"),
    ),
    _r(
        "QC012", "missing-place", "warning", "text",
        ("The date line names no place",
         "Dòng ngày tháng thiếu địa danh"),
        ("the date line names no place",
         "dòng ngày tháng năm ban hành thiếu địa danh"),
        ("write “<place>, ngày ...”",
         "ghi “<địa danh>, ngày ...”"),
    ),
    _r(
        "QC013", "number-collision", "error", "index",
        ("The draft's number is taken by another document",
         "Số hiệu của văn bản trùng với văn bản khác"),
        ("{number} is already the number of another document in the index ({other})",
         "số hiệu {number} đã được dùng cho một văn bản khác trong kho ({other})"),
        ("take the next free number from the register",
         "lấy số tiếp theo trong sổ đăng ký văn bản"),
        estimated_term=(
            "{number} is already the number of another document in the index ({other}): same province,"
            " and the same provincial term as estimated from the dates (congress dates are not in the registry)",
            "số hiệu {number} đã được dùng cho một văn bản khác trong kho ({other}): cùng tỉnh, và cùng nhiệm kỳ"
            " tỉnh ủy theo ước tính từ ngày ban hành (danh mục chưa có ngày đại hội đảng bộ tỉnh)",
        ),
    ),
    _r(
        "QC014", "implements-unnumbered", "warning", "text",
        ("“Thực hiện ...” names no document number",
         "“Thực hiện ...” không nêu số hiệu văn bản"),
        ("“{text} ...” names no document number: which document does the draft implement?",
         "“{text} ...” không nêu số, ký hiệu của văn bản được thực hiện"),
        ("cite the document's type, number, date and issuing body",
         "ghi rõ tên loại, số, ký hiệu, ngày ban hành và cơ quan ban hành của văn bản"),
    ),
    _r(
        "QC015", "parent-not-found", "warning", "registry",
        ("The implemented document is unknown",
         "Không tìm thấy văn bản được thực hiện"),
        ("{number}, which the draft implements, is in neither {where}",
         "không tìm thấy {number} (văn bản được thực hiện) trong {where}"),
        ("check the number, or add the document to a registry file",
         "kiểm tra lại số hiệu, hoặc bổ sung văn bản vào tệp danh mục"),
    ),
    _r(
        "QC016", "incomplete-citation", "info", "text",
        ("First mention lacks type, number, date or issuer",
         "Lần dẫn chiếu đầu tiên thiếu tên loại, số, ngày hoặc cơ quan ban hành"),
        ("first mention of {number} lacks its {missing}",
         "lần dẫn chiếu đầu tiên của {number} thiếu {missing}"),
        ("cite “<type> số <number> ngày dd/mm/yyyy của <body>” the first time",
         "lần đầu ghi “<tên loại> số <số hiệu> ngày dd/mm/yyyy của <cơ quan>”"),
    ),
    _r(
        "QC017", "issuer-code-ended", "warning", "text",
        ("Issuer code used after the body ceased to exist",
         "Ký hiệu cơ quan không còn sử dụng tại thời điểm ghi"),
        ("{text}: the code {issuer} ({name}) was not used after {until}, but the date is {date}",
         "{text}: ký hiệu {issuer} ({name}) không còn sử dụng sau ngày {until}, "
         "nhưng ngày ghi là {date}"),
    ),
)  # fmt: skip

RULES_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
# Rules that ask the registry or the index when they are there (some also work without).
USES_KNOWLEDGE = frozenset({"QC001", "QC005", "QC006", "QC007", "QC008", "QC013", "QC015", "QC016"})
_RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

# Words that fill message fields and need translating (a missing part, a status).
WORDS: dict[str, dict[str, str]] = {
    "type word": {"en": "type word", "vi": "tên loại"},
    "date": {"en": "date", "vi": "ngày ban hành"},
    "issuing body": {"en": "issuing body", "vi": "cơ quan ban hành"},
    "replaced": {"en": "replaced", "vi": "thay thế"},
    "repealed": {"en": "repealed", "vi": "bãi bỏ"},
    "expired": {"en": "ended", "vi": "hết hiệu lực"},
    "written": {"en": "as written", "vi": "theo văn bản"},
    "registry": {"en": "registry", "vi": "danh mục"},
    "index": {"en": "index", "vi": "kho văn bản"},
    "registry nor index": {"en": "the registry nor the index", "vi": "danh mục và kho văn bản"},
    "registry alone": {
        "en": "the registry nor (without --db) an index",
        "vi": "danh mục (chưa dùng kho văn bản --db)",
    },
}


class Words(tuple[str, ...]):
    """A message field made of WORDS keys: translated and joined at render time."""


@dataclass(slots=True)
class Diagnostic:
    """One finding: where, which rule, and the values its message templates need."""

    code: str
    severity: Severity
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # exclusive, like SARIF's endColumn
    text: str = ""  # the offending text as written ("" for a document-level finding)
    args: dict[str, str | Words] = field(default_factory=dict)
    key: str = ""  # what the finding is about (a canonical number), for fingerprints
    variant: str = ""  # another wording of the rule's message (Rule.variants)

    @property
    def rule(self) -> Rule:
        return RULES_BY_CODE[self.code]

    def message(self, lang: str = "en") -> str:
        rule = self.rule
        template = rule.variants[self.variant][lang] if self.variant else rule.message[lang]
        return _fill(template, self.args, lang)

    def fix(self, lang: str = "en") -> str | None:
        templates = self.rule.fix
        if not templates:
            return None
        try:
            return _fill(templates[lang], self.args, lang)
        except KeyError:  # the fix needs a value this finding does not have
            return None


def _fill(template: str, args: dict[str, str | Words], lang: str) -> str:
    values = {k: ", ".join(WORDS[w][lang] for w in v) if isinstance(v, Words) else v for k, v in args.items()}
    return template.format_map(values)


# ---- rule selection -------------------------------------------------------------------


def resolve_codes(items: Iterable[str]) -> set[str]:
    """Codes, code prefixes ("QC01"), rule names or "ALL" to a set of rule codes.

    An item that matches no rule is a configuration error, so a typo in `--ignore` does
    not silently leave a rule on.
    """
    out: set[str] = set()
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        if item.upper() == "ALL":
            out.update(RULES_BY_CODE)
            continue
        if item in _RULES_BY_NAME:
            out.add(_RULES_BY_NAME[item].code)
            continue
        matched = {code for code in RULES_BY_CODE if code.startswith(item.upper())}
        if not matched:
            raise ConfigError(f"unknown rule {item!r} (known: QC001..{RULES[-1].code} or their names)")
        out.update(matched)
    return out


def enabled_rules(select: Iterable[str] | None, ignore: Iterable[str]) -> frozenset[str]:
    """The rules to run: `select` (default all) minus `ignore`."""
    chosen = resolve_codes(select) if select is not None else set(RULES_BY_CODE)
    return frozenset(chosen - resolve_codes(ignore))


# ---- what the registry and the index can tell the rules ---------------------------------


@dataclass(frozen=True, slots=True)
class Successor:
    """What replaced or repealed a registry document, and from when."""

    cite: str  # how to cite it: "Luật 10/2022/QH15"
    status: Literal["replaced", "repealed"]
    date: str | None  # ISO date it took effect


@dataclass(slots=True)
class Knowledge:
    """What the registry (and, with --db, the index) know, for the rules that need it.

    `catalog` is resolve.py's: the one resolver of scoped identity; the rules only ask it.
    """

    catalog: Catalog
    successors: dict[str, Successor] = field(default_factory=dict)  # registry id -> successor
    has_index: bool = False

    @classmethod
    def build(cls, registry: Registry, catalog: Catalog, has_index: bool = False) -> Knowledge:
        """Successors from the registry's relations, listed on the newer document."""
        successors: dict[str, Successor] = {}
        for doc in registry.documents:
            for rel in doc.relations:
                if rel.type not in ("replaces", "repeals"):
                    continue
                name = catalog.vocab.type_names.get((doc.system, doc.type))
                cite = f"{name} {doc.number}" if name else doc.number
                status: Literal["replaced", "repealed"] = "replaced" if rel.type == "replaces" else "repealed"
                successors.setdefault(rel.target, Successor(cite, status, rel.date or doc.valid_from))
        return cls(catalog, successors, has_index)


# ---- helpers --------------------------------------------------------------------------


class _Lines:
    """Offsets to (line, column), 1-based, for findings whose end is on another line."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo] + 1


def vn_date(iso: str | None) -> str:
    """2016-01-07 -> 07/01/2016, the way the drafts write dates."""
    if not iso:
        return "?"
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def _at(code: str, m: Mention, lines: _Lines, key: str, **args: str | Words) -> Diagnostic:
    end_line, end_column = lines.position(m.end) if m.end > m.start else (m.line, m.column)
    return Diagnostic(
        code=code,
        severity=RULES_BY_CODE[code].severity,
        line=m.line,
        column=m.column,
        end_line=end_line,
        end_column=end_column,
        text=m.as_written,
        args={"text": m.as_written, **args},
        key=key,
    )


def _document_level(code: str, line: int = 1, **args: str | Words) -> Diagnostic:
    return Diagnostic(code, RULES_BY_CODE[code].severity, line, 1, line, 1, "", dict(args), "")


def _mentions(extraction: Extraction, main_only: bool) -> Iterator[tuple[Reference, Mention]]:
    for ref in extraction.references:
        for m in ref.mentions:
            if main_only and m.segment != 0:
                continue
            if extraction.self.line is not None and m.line == extraction.self.line and _is_own(ref, extraction):
                continue  # the draft's own number line is not a citation
            yield ref, m


def _is_own(ref: Reference, extraction: Extraction) -> bool:
    return extraction.self.number is not None and ref.number == extraction.self.number


def _first_mention(ref: Reference, extraction: Extraction) -> Mention | None:
    own_line = extraction.self.line if _is_own(ref, extraction) else None
    mentions = [m for m in ref.mentions if m.segment == 0 and m.line != own_line]
    return min(mentions, key=lambda m: m.start) if mentions else None


def _issuer_base(code: str) -> str:
    """The issuing body of an issuer field: "UBND-VP" -> "UBND", "CP-UBTWMTTQVN" -> "CP"."""
    return code.split("-", 1)[0]


# ---- the rules -------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """Everything one run of the rules shares."""

    text: str
    x: Extraction
    vocab: Vocabulary
    knowledge: Knowledge | None
    lines: _Lines
    path: str | None


def _malformed(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if not m.malformed:
            continue
        suggestion = m.suggestion or ref.suggestion or _alias_of(d, m.as_written) or ref.number
        args: dict[str, str | Words] = {}
        if suggestion and suggestion != m.as_written:
            args["suggestion"] = suggestion
        yield _at("QC001", m, d.lines, ref.number, **args)


def _alias_of(d: _Draft, written: str) -> str | None:
    """The one known document a malformed spelling is an alias of ("34-PL/UBTVQH11")."""
    if d.knowledge is None:
        return None
    catalog = d.knowledge.catalog
    numbers = {k.number for k in catalog.candidates(written) if k.number}
    if not numbers:
        numbers = {k.number for k in catalog.entries if k.number and _same_parts(d.vocab, written, k.number)}
    return numbers.pop() if len(numbers) == 1 else None


def _same_parts(vocab: Vocabulary, written: str, number: str) -> bool:
    """Same serial, type and issuing body: "34-PL/UBTVQH11" and 34/2007/PL-UBTVQH11."""
    from qcdc_cli.resolve.resolve import parts_of as parse_number

    a, b = parse_number(written), parse_number(number)
    if not (a[1] and a[3] and a[1] == b[1] and fold(a[3]) == fold(b[3] or "")):
        return False
    body_a, body_b = vocab.issuer(_issuer_base(a[2])), vocab.issuer(_issuer_base(b[2]))
    return body_a is not None and body_a == body_b


def _unknown_codes(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if m.malformed:
            continue  # QC001 says what is wrong with it
        if ref.type is not None:
            table = d.vocab.party_types if ref.system == "party" else d.vocab.state_types
            if fold(ref.type) not in table:
                meant = _with_d_bar(table, ref.type)
                if meant is not None:  # ASCII "ND-CP" for "NĐ-CP": a spelling to fix, not a new code
                    yield _at("QC001", m, d.lines, ref.number, suggestion=_retype(ref.number, ref.type, meant))
                else:
                    yield _at("QC002", m, d.lines, ref.number, type=ref.type)
        if ref.issuer_code and d.vocab.issuer(_issuer_base(ref.issuer_code)) is None:
            yield _at("QC003", m, d.lines, ref.number, issuer=ref.issuer_code)


def _with_d_bar(table: dict[str, str], code: str) -> str | None:
    """The one known type code that `code` is an ASCII spelling of (ND -> NĐ, QD -> QĐ)."""
    ascii_code = fold(code)
    if "D" not in ascii_code:
        return None
    meant = {real for spelled, real in table.items() if spelled.replace("Đ", "D") == ascii_code}
    return meant.pop() if len(meant) == 1 else None


def _retype(number: str, written: str, meant: str) -> str:
    """149/2018/ND-CP -> 149/2018/NĐ-CP: the type code replaced where it stands."""
    for before, after in (("/", "-"), ("-", "/")):
        spot = f"{before}{written}{after}"
        if spot in number:
            return number.replace(spot, f"{before}{meant}{after}", 1)
    return number


def _type_word(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if not m.type_word or ref.type is None:
            continue
        candidates = d.vocab.type_words.get(fold(m.type_word))
        if not candidates:
            continue  # a word the tables do not know says nothing either way
        family = d.vocab.type_families.get((ref.system, ref.type), ref.type)
        if any(d.vocab.type_families.get(c, c[1]) == family for c in candidates if c[0] == ref.system):
            continue
        if any(c[1] == ref.type for c in candidates):
            continue  # same code in the other system (a State-style slash on a Party number)
        type_name = d.vocab.type_names.get((ref.system, ref.type))
        if type_name is None:
            continue  # unknown code: QC002's business
        yield _at(
            "QC004",
            m,
            d.lines,
            ref.number,
            word=m.type_word,
            type=ref.type,
            type_name=type_name,
            number=ref.number,
        )


# "Hội nghị lần thứ bảy Ban Chấp hành Trung ương": the plenum names no body of its own.
_PLENUM = re.compile(r"^(?:CỦA\s+)?(?:HỘI NGHỊ\s+(?:LẦN\s+THỨ\s+\S+\s+)?)?(?:CỦA\s+)?", re.UNICODE)


def _body_code(vocab: Vocabulary, issuer: str) -> tuple[str, str] | None:
    """(issuer code, body as written) when `issuer` starts with a body the tables name."""
    folded = _PLENUM.sub("", " ".join(fold(issuer).split()))
    best: tuple[str, str] | None = None
    for body, code in vocab.bodies.items():
        if not folded.startswith(body):
            continue
        whole_word = len(folded) == len(body) or not folded[len(body)].isalnum()
        if whole_word and (best is None or len(body) > len(best[1])):
            best = (code, body)
    return best


def _issuer_of(ref: Reference, vocab: Vocabulary) -> str | None:
    info = vocab.issuer(_issuer_base(ref.issuer_code))
    return info.code if info else None


def _renumber(ref: Reference, issuer_code: str) -> str | None:
    """The reference's number with another issuer: 25-NQ/TU -> 25-NQ/TW."""
    if ref.system == "party" and ref.type:
        return f"{ref.number.split('-', 1)[0]}-{ref.type}/{issuer_code}"
    return None


def _issuer(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        if not m.issuer:
            continue
        found = _body_code(d.vocab, m.issuer)
        written_code = _issuer_of(ref, d.vocab)
        if found is None or written_code is None or found[0] == written_code:
            continue
        body_info = d.vocab.issuer(found[0])
        if body_info is None or body_info.system != ref.system:
            continue  # a Party body named for a State number is another kind of slip
        args: dict[str, str | Words] = {
            "body": m.issuer,
            "issuer": ref.issuer_code,
            "expected": found[0],
        }
        suggestion = _renumber(ref, found[0])
        if suggestion:
            args["suggestion"] = suggestion
        yield _at("QC006", m, d.lines, ref.number, **args)


_WRITTEN = Words(("written",))


def _after_draft(d: _Draft) -> Iterator[Diagnostic]:
    draft_date = d.x.self.date
    if not draft_date:
        return
    for ref, m in _mentions(d.x, main_only=True):
        if m.date and m.date > draft_date and not _is_own(ref, d.x):
            yield _at(
                "QC008", m, d.lines, ref.number,
                number=ref.number, date=vn_date(m.date), draft_date=vn_date(draft_date),
                source=_WRITTEN,
            )  # fmt: skip


def _self_citation(d: _Draft) -> Iterator[Diagnostic]:
    own = d.x.self.number
    if not own:
        return
    for ref in d.x.references:
        if ref.number != own:
            continue
        for m in ref.mentions:
            if m.segment != 0 or m.line == d.x.self.line:
                continue
            if m.date and d.x.self.date and m.date != d.x.self.date:
                continue  # same number, another date: an earlier term's document
            yield _at("QC009", m, d.lines, ref.number, number=ref.number)


def _header(d: _Draft) -> Iterator[Diagnostic]:
    s = d.x.self
    if not s.number:
        yield _document_level("QC010")
    if not s.date:
        yield _document_level("QC011", s.line or 1)
    elif not s.place:
        yield _document_level("QC012", s.line or 1)


def _ended_issuer(d: _Draft) -> Iterator[Diagnostic]:
    for ref, m in _mentions(d.x, main_only=False):
        date = m.date or (d.x.self.date if _is_own(ref, d.x) else None)
        info = d.vocab.issuer(_issuer_base(ref.issuer_code))
        if date and info and info.until and date > info.until:
            yield _at(
                "QC017", m, d.lines, ref.number,
                issuer=ref.issuer_code, name=info.name,
                until=vn_date(info.until), date=vn_date(date),
            )  # fmt: skip
    s = d.x.self
    if s.number and s.issuer_code and s.date and not any(r.number == s.number for r in d.x.references):
        info = d.vocab.issuer(_issuer_base(s.issuer_code))
        if info and info.until and s.date > info.until:
            line = s.line or 1
            yield Diagnostic(
                "QC017", RULES_BY_CODE["QC017"].severity, line, 1, line, 1, s.number,
                {"text": s.number, "issuer": s.issuer_code, "name": info.name,
                 "until": vn_date(info.until), "date": vn_date(s.date)},
                s.number,
            )  # fmt: skip


_HEADING = re.compile(r"^\s*(?:[IVX]+|1|A)\s*[.\-–)/]\s", re.UNICODE)
_LEAD = re.compile(r"^[\s*_#>\-–•+]*(?:VỀ\s+|V/V\s+)?", re.UNICODE)


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of blank-line-separated paragraphs of text[start:end]."""
    pos = start
    for m in re.finditer(r"\n[ \t\r]*\n", text[start:end]):
        yield pos, start + m.start()
        pos = start + m.end()
    if pos < end:
        yield pos, end


def _opening_cue(vocab: Vocabulary) -> re.Pattern[str]:
    cues = sorted({fold(c) for c, rel in vocab.cues if rel == "implements"}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(c) for c in cues) + r")(?=\s)") if cues else re.compile(r"(?!)")


def _implements_unnumbered(d: _Draft) -> Iterator[Diagnostic]:
    """An opening "Thực hiện ..." (before the first section heading) that cites no number."""
    seg = d.x.segments[0] if d.x.segments else None
    start, end = (seg.start, seg.end) if seg else (0, len(d.text))
    cue = _opening_cue(d.vocab)
    mention_starts = sorted(m.start for r in d.x.references for m in r.mentions)
    for p_start, p_end in _paragraphs(d.text, start, end):
        para = d.text[p_start:p_end]
        if _HEADING.match(para):
            return  # the body has begun
        folded = fold(para)
        lead = _LEAD.match(folded)
        at = lead.end() if lead else 0
        found = cue.match(folded, at)
        if not found:
            continue
        sentence_end = _sentence_end(para, found.end())
        if any(p_start + at <= s < p_start + sentence_end for s in mention_starts):
            continue
        words = para[at:sentence_end].split()
        shown = " ".join(words[: len(found.group().split()) + 5])
        line, column = d.lines.position(p_start + at)
        end_line, end_column = d.lines.position(p_start + found.end())
        yield Diagnostic(
            "QC014", RULES_BY_CODE["QC014"].severity, line, column, end_line, end_column,
            para[at : found.end()], {"text": shown}, "",
        )  # fmt: skip


def _sentence_end(para: str, start: int) -> int:
    """Where the opening sentence ends: its full stop or the end of the paragraph."""
    m = re.search(r"[.:;](?:\s|$)", para[start:])
    return start + m.end() if m else len(para)


def _incomplete(d: _Draft) -> Iterator[Diagnostic]:
    """The first mention of each document should carry its type word, date and issuer.

    A list that shares its tail ("quyết định 217-QĐ/TW và quyết định 218-QĐ/TW, ngày
    12/12/2013 của Bộ Chính trị") gives the issuer to every number in it; the date only
    when the registry confirms it is that document's date too, since "Chỉ thị 30-CT/TW,
    Kết luận 120-KL/TW, ngày 07/01/2016" dates the second only.
    """
    listed = sorted(
        ((m, ref) for ref in d.x.references for m in ref.mentions if m.segment == 0), key=lambda p: p[0].start
    )
    for ref in d.x.references:
        if _is_own(ref, d.x):
            continue
        m = _first_mention(ref, d.x)
        if m is None or m.malformed:
            continue  # a malformed number has its own finding
        date, issuer = m.date, m.issuer
        if not (date and issuer):
            tail_date, tail_issuer = _shared_tail(d, m, listed)
            issuer = issuer or tail_issuer
            if not date and tail_date and _known_date(d, ref) == tail_date:
                date = tail_date
        missing = []
        if not m.type_word:
            missing.append("type word")
        if not date:
            missing.append("date")
        if not issuer:
            missing.append("issuing body")
        if missing:
            yield _at("QC016", m, d.lines, ref.number, number=m.as_written, missing=Words(missing))


_DATE_WORDS = re.compile(
    r"NGÀY\s*\d{1,2}\s*(?:[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|THÁNG\s*\d{1,2}\s*NĂM\s*\d{4})", re.UNICODE
)


def _shared_tail(d: _Draft, m: Mention, listed: list[tuple[Mention, Reference]]) -> tuple[str | None, str | None]:
    """(date, issuer) of the mentions that continue `m`'s list, nearest first."""
    date = issuer = None
    end = m.end
    for nxt, _ref in listed:
        if nxt.start < end:
            continue
        if not _connector(d, d.text[end : nxt.start]):
            break
        date, issuer = date or nxt.date, issuer or nxt.issuer
        if date and issuer:
            break
        end = nxt.end
    return date, issuer


def _connector(d: _Draft, gap: str) -> bool:
    """Only commas, "và", a date and type words between two numbers of one list."""
    if any(c in gap for c in ".;:\n"):
        return False
    rest = _DATE_WORDS.sub(" ", fold(gap))
    for word in sorted(d.vocab.type_words, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return not re.sub(r"[\s,]+|\bVÀ\b|\bSỐ\b", "", rest)


def _known_date(d: _Draft, ref: Reference) -> str | None:
    if d.knowledge is None:
        return None
    from qcdc_cli.resolve.resolve import Context, resolve

    res = resolve(ref, Context.of(d.x.self, d.path), d.knowledge.catalog)
    return res.document.date if res.status == "resolved" and res.document else None


# ---- rules that need the registry or the index -------------------------------------------


def _source(known: Known) -> Words:
    return Words(("registry",) if known.registry_id else ("index",))


def _trusted(known: Known) -> bool:
    """Registry facts marked unconfirmed do not make errors; index facts are what was read."""
    return known.registry_id is None or known.confidence != "unconfirmed"


def _resolutions(d: _Draft) -> Iterator[tuple[bool, Context, Reference, Resolution]]:
    """(main document?, context, reference, resolution) for each reference of each
    document in the file; the draft's own number is not a reference."""
    from qcdc_cli.resolve.resolve import Context, resolve, split_units

    assert d.knowledge is not None
    for unit in split_units(d.path or "<draft>", d.x):
        ctx = Context.of(unit.info, d.path)
        for ref in unit.references:
            if ref.malformed or (unit.segment == 0 and _is_own(ref, d.x)):
                continue
            yield unit.segment == 0, ctx, ref, resolve(ref, ctx, d.knowledge.catalog)


def _against_catalog(d: _Draft) -> Iterator[Diagnostic]:
    """Each citation checked against the document it denotes: date, body, validity."""
    if d.knowledge is None:
        return
    for main, ctx, ref, res in _resolutions(d):
        first = min(ref.mentions, key=lambda m: m.start) if ref.mentions else None
        if first is None:
            continue
        if res.status == "unknown" and res.likely is not None and res.likely.number:
            yield _likely(d, ref, res.likely)
        if res.status != "resolved" or res.document is None:
            if main and res.status == "unknown" and res.likely is None:
                yield from _future(d, ctx, ref, first)
            continue
        known = res.document
        if _trusted(known):
            yield from _contradictions(d, ref, known, res)
        if main:
            yield from _superseded(d, ctx, ref, known, first)


def _likely(d: _Draft, ref: Reference, likely: Known) -> Diagnostic:
    first = min(ref.mentions, key=lambda m: m.start)
    g = _at("QC006", first, d.lines, ref.number, suggestion=likely.number or "")
    g.variant = "likely"
    return g


def _contradictions(d: _Draft, ref: Reference, known: Known, res: Resolution) -> Iterator[Diagnostic]:
    for m in ref.mentions:
        if m.date and known.date and m.date != known.date:
            yield _at(
                "QC005", m, d.lines, ref.number,
                number=m.as_written, written=vn_date(m.date), known=vn_date(known.date),
                source=_source(known),
            )  # fmt: skip
    for issue in res.discrepancies:
        if issue.field != "issuer":
            continue
        where = next((m for m in ref.mentions if m.issuer == issue.written), None)
        if where is None:
            continue
        g = _at("QC006", where, d.lines, ref.number, body=issue.written, known=issue.known, source=_source(known))
        g.variant = "known"
        yield g


def _superseded(d: _Draft, ctx: Context, ref: Reference, known: Known, first: Mention) -> Iterator[Diagnostic]:
    """Replaced or repealed on or before the draft's date (Pháp lệnh 34/2007 in 2024)."""
    if not ctx.date or d.knowledge is None:
        return
    successor = d.knowledge.successors.get(known.registry_id or "")
    status = successor.status if successor else known.status
    ended_on = successor.date if successor and successor.date else _day_after(known.valid_until)
    if status not in ("replaced", "repealed", "expired") or not ended_on or ended_on > ctx.date:
        return
    yield _at(
        "QC007", first, d.lines, ref.number,
        number=first.as_written, status=Words((status,)), date=vn_date(ended_on),
        draft_date=vn_date(ctx.date), successor=successor.cite if successor else "?",
    )  # fmt: skip


def _day_after(iso: str | None) -> str | None:
    """The first day a document no longer applies, from its last valid day."""
    if not iso:
        return None
    import datetime

    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=1)).isoformat()


def _future(d: _Draft, ctx: Context, ref: Reference, first: Mention) -> Iterator[Diagnostic]:
    """Unknown at the draft's date, but the only document with that number is newer."""
    from dataclasses import replace

    from qcdc_cli.resolve.resolve import resolve

    if not ctx.date or d.knowledge is None:
        return
    later = resolve(ref, replace(ctx, date=None), d.knowledge.catalog)
    known = later.document
    if later.status == "resolved" and known is not None and known.date and known.date > ctx.date:
        yield _at(
            "QC008", first, d.lines, ref.number,
            number=ref.number, date=vn_date(known.date), draft_date=vn_date(ctx.date),
            source=_source(known),
        )  # fmt: skip


def _parent_not_found(d: _Draft) -> Iterator[Diagnostic]:
    """A document the draft implements that neither the registry nor the index knows.

    The bundled registry lists central documents; a provincial parent (26-KH/TU) can
    only be looked for in an index, so without --db it gets no verdict.
    """
    if d.knowledge is None:
        return
    for main, _ctx, ref, res in _resolutions(d):
        if not main or ref.relation != "implements" or res.status != "unknown" or res.likely:
            continue
        if not d.knowledge.has_index and not d.knowledge.catalog.is_national(ref.issuer_code):
            continue
        first = _first_mention(ref, d.x)
        if first is not None:
            where = "registry nor index" if d.knowledge.has_index else "registry alone"
            yield _at("QC015", first, d.lines, ref.number, number=first.as_written, where=Words((where,)))


def _collision(d: _Draft) -> Iterator[Diagnostic]:
    """Another document in the index with the draft's number, in its scope and term."""
    if d.knowledge is None or not d.knowledge.has_index or not d.x.self.number:
        return
    catalog = d.knowledge.catalog
    own = d.x.self
    others = [
        k
        for k in catalog.candidates(own.number)
        if k.in_corpus and not (d.path and d.path in k.paths) and _same_scope(catalog, own.province, own.date, k)
    ]
    if others:
        line = own.line or 1
        other = ", ".join(sorted(k.paths[0] if k.paths else k.id for k in others))
        # local Party numbers were matched on an estimated provincial term: say so
        estimated = any(_by_local_term(catalog, own.date, k) for k in others)
        yield Diagnostic(
            "QC013", RULES_BY_CODE["QC013"].severity, line, 1, line, 1, own.number,
            {"number": own.number, "other": other}, own.number,
            variant="estimated_term" if estimated else "",
        )  # fmt: skip


def _same_scope(catalog: Catalog, province: str | None, date: str | None, k: Known) -> bool:
    """Could `k` hold the same number as a draft of `province` and `date`?

    National Party numbers: the same term of the Central Committee, whichever central
    body issued them (BTGTW, UBKTTW, ... number per TW term: `Vocabulary.numbering_body`).
    Local numbers: the same province, and the same provincial term, estimated
    (`_local_term`). State numbers: the same year (it is often in the number).
    """
    from qcdc_cli.knowledge.terms import term_of

    if not catalog.is_national(k.issuer_code) and not (province and catalog.in_place(k, province)):
        return False
    if not date or not k.date:
        return True
    if k.system == "state":
        return date[:4] == k.date[:4]
    if catalog.is_national(k.issuer_code):
        mine = term_of(date, catalog.vocab.numbering_body(k.issuer_code or "TW"), catalog.terms)
        return mine is None or k.term is None or mine == k.term
    return _local_term(date) == _local_term(k.date)


def _by_local_term(catalog: Catalog, date: str | None, k: Known) -> bool:
    """Did `_same_scope` match `k` by the estimated provincial term?"""
    return bool(date and k.date) and k.system != "state" and not catalog.is_national(k.issuer_code)


def _local_term(date: str) -> int:
    """An ESTIMATE of the provincial Party term a date falls in: 0 for 2015-2020, 1 for 2020-2025.

    Provincial congresses meet in the months before the national one, on dates that
    differ by province and are not in the registry; 1 October of 2015, 2020 and 2025
    stands in for all of them, so a document from the weeks around a congress can be
    put in the wrong term (QC013's message says the scope is estimated). Only the span
    was found in press reports, no per-province table: 2015 from 15 September to
    2 November (tinkinhte.com/_t16/cac-bi-thu-cua-63-tinh); 2020 all 63 by 28 October
    (baovephapluat.vn, baotintuc.vn 30/10/2020); 2025 e.g. Cần Thơ 27 September,
    Vĩnh Long 2 October (doanhnghiephoinhap.vn).
    """
    year = int(date[:4]) - (1 if date[5:] < "10-01" else 0)
    return (year - 2015) // 5


_CHECKS: tuple[tuple[frozenset[str], Callable[[_Draft], Iterable[Diagnostic]]], ...] = (
    (frozenset({"QC001"}), _malformed),
    (frozenset({"QC001", "QC002", "QC003"}), _unknown_codes),
    (frozenset({"QC004"}), _type_word),
    (frozenset({"QC006"}), _issuer),
    (frozenset({"QC008"}), _after_draft),
    (frozenset({"QC009"}), _self_citation),
    (frozenset({"QC010", "QC011", "QC012"}), _header),
    (frozenset({"QC014"}), _implements_unnumbered),
    (frozenset({"QC016"}), _incomplete),
    (frozenset({"QC017"}), _ended_issuer),
    (frozenset({"QC005", "QC006", "QC007", "QC008"}), _against_catalog),
    (frozenset({"QC015"}), _parent_not_found),
    (frozenset({"QC013"}), _collision),
)


def lint(
    text: str,
    extraction: Extraction,
    vocab: Vocabulary,
    *,
    knowledge: Knowledge | None = None,
    rules: Collection[str] | None = None,
    severities: dict[str, Severity] | None = None,
    path: str | None = None,
) -> list[Diagnostic]:
    """Every finding of the enabled `rules` (default all) in one draft, sorted by place.

    `severities` overrides rule defaults (from configuration). Rules that need the
    registry or the index are skipped without `knowledge`; `path` names the draft (the
    index's collision check skips the draft's own entry).
    """
    enabled = frozenset(RULES_BY_CODE) if rules is None else frozenset(rules)
    draft = _Draft(text, extraction, vocab, knowledge, _Lines(text), path)
    out: list[Diagnostic] = []
    seen: set[tuple[str, int, int]] = set()
    for codes, check in _CHECKS:
        if not codes & enabled:
            continue
        for diag in check(draft):
            place = (diag.code, diag.line, diag.column)
            if diag.code not in enabled or place in seen:
                continue
            seen.add(place)
            if severities and diag.code in severities:
                diag.severity = severities[diag.code]
            out.append(diag)
    out.sort(key=lambda g: (g.line, g.column, g.code))
    return out


def worst(diagnostics: Sequence[Diagnostic]) -> Severity | None:
    """The highest severity among `diagnostics`, or None."""
    return max((g.severity for g in diagnostics), key=severity_rank, default=None)
