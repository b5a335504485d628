"""The rule table of `qcdc check`: codes, names, severities, what each rule reads, and
its messages in English and Vietnamese; the `Diagnostic` a rule returns and rule selection.

Codes are stable (CI configurations and SARIF consumers key on them, so they are never
renumbered). `Rule.needs` is the one place that says what a rule reads: its first entry
is what it cannot run without, the others what it uses when given (the registry or the
index); `USES_KNOWLEDGE` is derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from qcdc_cli.errors import ConfigError

Severity = Literal["error", "warning", "info"]
Need = Literal["text", "registry", "index"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
LANGS = ("en", "vi")


def severity_rank(severity: str) -> int:
    """info 0 < warning 1 < error 2: what `--fail-on` compares."""
    return SEVERITIES.index(severity)  # type: ignore[arg-type,unused-ignore]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # "QC001": stable, what configurations and SARIF key on
    name: str  # "malformed-number": readable alias accepted by --select/--ignore
    severity: Severity
    # what it reads: needs[0] it cannot run without, the rest it uses when given
    needs: tuple[Need, ...]
    summary: dict[str, str]  # lang -> one line, for SARIF rule descriptors and docs
    message: dict[str, str]  # lang -> str.format template over Diagnostic.args
    fix: dict[str, str] | None = None  # lang -> template, used when its args are present
    variants: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> lang -> template

    @property
    def requires(self) -> Need:
        """What the rule cannot run without (SARIF's `needs` property)."""
        return self.needs[0]


def _r(
    code: str,
    name: str,
    severity: Severity,
    needs: Need | tuple[Need, ...],
    summary: tuple[str, str],
    message: tuple[str, str],
    fix: tuple[str, str] | None = None,
    **variants: tuple[str, str],
) -> Rule:
    return Rule(
        code,
        name,
        severity,
        (needs,) if isinstance(needs, str) else needs,
        dict(zip(LANGS, summary, strict=True)),
        dict(zip(LANGS, message, strict=True)),
        dict(zip(LANGS, fix, strict=True)) if fix else None,
        {k: dict(zip(LANGS, v, strict=True)) for k, v in variants.items()},
    )


# English first, then Vietnamese. Templates are trusted; document text only ever fills
# their fields (str.format does not interpret the values it inserts).
RULES: tuple[Rule, ...] = (
    _r(
        "QC001", "malformed-number", "error", ("text", "registry"),
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
        "QC006", "issuer-mismatch", "error", ("text", "registry"),
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
        "QC008", "reference-after-draft", "error", ("text", "registry"),
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
        "QC016", "incomplete-citation", "info", ("text", "registry"),
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
# rules that read the registry or the index: the caller builds a Knowledge only for them
USES_KNOWLEDGE = frozenset(r.code for r in RULES if {"registry", "index"} & set(r.needs))
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
