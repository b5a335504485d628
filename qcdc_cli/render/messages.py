"""The message catalog: every heading, relation name, summary and error qcdc shows, in
English and Vietnamese, in one table.

Users are Vietnamese officials; English stays the default (no --lang, a C locale) so CI
logs and scripts that read them do not change. `msg(key, lang, **values)` fills a
template with str.format; `translate_error` turns the English errors raised by the core
(which never knows the language) into Vietnamese by matching them against the `err.*`
templates. Check's rule messages live in the bilingual rule table (lint.rules).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

LANGS = ("en", "vi")

# key -> (en, vi). English texts are exactly what qcdc printed before the catalog.
CATALOG: dict[str, tuple[str, str]] = {
    # ---- relations, as the citing document says them and as the cited one reads them
    "rel.implements": ("implements", "thực hiện"),
    "rel.continues": ("continues", "tiếp tục"),
    "rel.guides": ("guides", "hướng dẫn"),
    "rel.amends": ("amends", "sửa đổi"),
    "rel.replaces": ("replaces", "thay thế"),
    "rel.repeals": ("repeals", "bãi bỏ"),
    "rel.based_on": ("based_on", "căn cứ"),
    "rel.related": ("related", "liên quan"),
    "rel.cites": ("cites", "trích dẫn"),
    "passive.implements": ("implemented by", "được thực hiện bởi"),
    "passive.continues": ("continued by", "được tiếp tục bởi"),
    "passive.guides": ("guided by", "được hướng dẫn bởi"),
    "passive.amends": ("amended by", "bị sửa đổi bởi"),
    "passive.replaces": ("replaced by", "bị thay thế bởi"),
    "passive.repeals": ("repealed by", "bị bãi bỏ bởi"),
    "passive.based_on": ("basis of", "là căn cứ của"),
    "passive.related": ("related to", "liên quan đến"),
    "passive.cites": ("cited by", "được trích dẫn bởi"),
    # ---- trace and show
    "trace.up": ("▲ what it implements and cites", "▲ văn bản này thực hiện và trích dẫn"),
    "trace.down": ("▼ what implements or cites it", "▼ văn bản thực hiện hoặc trích dẫn văn bản này"),
    "trace.not_in_corpus": ("not in corpus", "không có trong kho"),
    "trace.shown_above": ("  (shown above)", "  (đã nêu ở trên)"),
    "trace.cycle": ("  ↺ cycle: already on this chain", "  ↺ vòng lặp: đã có trên chuỗi này"),
    "trace.more_evidence": ("(+{n} more)", "(+{n} nguồn khác)"),
    "trace.more_above": ("… {n} more above (raise --depth)", "… còn {n} văn bản ở trên (tăng --depth)"),
    "trace.more_below": ("… {n} more below (raise --depth)", "… còn {n} văn bản ở dưới (tăng --depth)"),
    "trace.nothing_above": ("(nothing known above)", "(không biết văn bản nào ở trên)"),
    "trace.nothing_below": ("(nothing known below)", "(không biết văn bản nào ở dưới)"),
    "trace.folded": (
        "\nShortcut links folded (the chain above implies them):",
        "\nLiên kết tắt đã gộp (chuỗi ở trên đã bao hàm):",
    ),
    "trace.cycles": ("\nCitation cycles:", "\nVòng trích dẫn:"),
    "trace.issues": ("\nIssues:", "\nVấn đề:"),
    "trace.depth_limited": (
        "\nDepth limited to {depth}; raise --depth to see more.",
        "\nGiới hạn {depth} cấp; tăng --depth để xem thêm.",
    ),
    "evidence.registry": ("registry ", "danh mục "),
    "evidence.reported_in": ("reported in ", "nêu trong "),
    "evidence.reported_by": ("reported by ", "nêu bởi "),
    "show.number": ("number", "số, ký hiệu"),
    "show.no_number": ("(none of its own)", "(không có số riêng)"),
    "show.type": ("type", "loại"),
    "show.issuer": ("issuer", "cơ quan ban hành"),
    "show.province": ("province", "tỉnh, thành"),
    "show.date": ("date", "ngày"),
    "show.term": ("term", "nhiệm kỳ"),
    "show.title": ("title", "trích yếu"),
    "show.known_from": ("known from", "nguồn"),
    "show.registry": ("registry", "danh mục"),
    "show.status": ("status", "hiệu lực"),
    "show.valid": ("valid", "thời hạn"),
    "show.confidence": ("confidence", "độ tin cậy"),
    "show.read_from": ("read from", "đọc từ"),
    "show.cites": ("\nCites ({n}):", "\nTrích dẫn ({n}):"),
    "show.cited_by": ("\nCited by ({n}):", "\nĐược trích dẫn bởi ({n}):"),
    "show.nothing": ("  (nothing known)", "  (chưa biết)"),
    "show.the_corpus": ("the corpus", "kho văn bản"),
    "show.the_registry": ("the registry", "danh mục"),
    "show.and": (" and ", " và "),
    "show.citations_only": ("citations only (not in the corpus)", "chỉ qua trích dẫn (không có trong kho)"),
    "show.now": ("now", "nay"),
    "show.term_value": ("khóa {term}", "khóa {term}"),
    # ---- trace --summary
    "summary.head": ("{id}: {n:,} documents, {links:,} links", "{id}: {n:,} văn bản, {links:,} liên kết"),
    "summary.by_level": ("documents by level", "văn bản theo cấp"),
    "summary.by_province": ("documents by province", "văn bản theo tỉnh, thành"),
    "summary.by_relation": ("links by relation", "liên kết theo quan hệ"),
    "summary.not_in_corpus": ("not in corpus: {n:,}", "không có trong kho: {n:,}"),
    "html.evidence": ("evidence", "nguồn"),
    "status.in_force": ("in_force", "còn hiệu lực"),
    "status.replaced": ("replaced", "đã bị thay thế"),
    "status.repealed": ("repealed", "đã bị bãi bỏ"),
    "status.expired": ("expired", "hết hiệu lực"),
    "status.unknown": ("unknown", "chưa rõ"),
    "confidence.confirmed": ("confirmed", "đã xác minh"),
    "confidence.partial": ("partial", "xác minh một phần"),
    "confidence.unconfirmed": ("unconfirmed", "chưa xác minh"),
    # ---- extract
    "extract.no_number": ("(no number of its own)", "(không có số riêng)"),
    "extract.col.number": ("number", "số, ký hiệu"),
    "extract.col.relation": ("relation", "quan hệ"),
    "extract.col.date": ("date", "ngày"),
    "extract.col.issuer": ("issuer", "cơ quan ban hành"),
    "extract.col.lines": ("lines", "dòng"),
    "extract.col.note": ("note", "ghi chú"),
    "extract.malformed": ("malformed", "sai quy cách"),
    "extract.malformed_to": ("malformed → {suggestion}", "sai quy cách → {suggestion}"),
    "extract.reported": ("  reported: ", "  văn bản nêu: "),
    "extract.line": ("  (line {line})", "  (dòng {line})"),
    # ---- levels
    "level.central": ("central", "trung ương"),
    "level.province": ("province", "tỉnh"),
    "level.district": ("district", "huyện"),
    "level.commune": ("commune", "xã"),
    "level.any": ("any", "mọi cấp"),
    "level.unknown": ("(unknown)", "(chưa rõ)"),
    # ---- stats
    "stats.totals": (
        "{documents:,} documents in {files:,} files ({failed:,} failed), "
        "{references:,} references ({mentions:,} mentions)",
        "{documents:,} văn bản trong {files:,} tệp ({failed:,} lỗi), {references:,} tham chiếu ({mentions:,} lần nhắc)",
    ),
    "stats.no_number_one": ("{n:,} document carries no number of its own", "{n:,} văn bản không có số riêng"),
    "stats.no_number": ("{n:,} documents carry no number of their own", "{n:,} văn bản không có số riêng"),
    "stats.col.type": ("type", "loại"),
    "stats.col.level": ("level", "cấp"),
    "stats.col.province": ("province", "tỉnh, thành"),
    "stats.col.year": ("year", "năm"),
    "stats.col.documents": ("documents", "văn bản"),
    "stats.col.match": ("match", "đối chiếu"),
    "stats.col.references": ("references", "tham chiếu"),
    "stats.col.share": ("share", "tỷ lệ"),
    "stats.col.relation": ("relation", "quan hệ"),
    "stats.by": ("documents by {what}", "văn bản theo {what}"),
    "stats.more": ("... {n} more", "... còn {n}"),
    "stats.unknown": ("(unknown)", "(chưa rõ)"),
    "stats.references": ("references", "tham chiếu"),
    "stats.resolved": ("resolved", "đã xác định"),
    "stats.ambiguous": ("ambiguous", "nhập nhằng"),
    "stats.unknown_match": ("unknown", "chưa biết"),
    "stats.not_resolved_yet": ("not resolved yet", "chưa đối chiếu"),
    "stats.resolution": ("resolution: {text}", "cách đối chiếu: {text}"),
    "stats.resolution_text": (
        "each citation resolved in the context of the document citing it (province, date, term) "
        "against the corpus and the registry; unknown = known only because cited",
        "mỗi trích dẫn được đối chiếu theo văn bản trích dẫn nó (tỉnh, ngày, nhiệm kỳ) "
        "với kho văn bản và danh mục; chưa biết = chỉ biết qua trích dẫn",
    ),
    "stats.by_relation": ("references by relation", "tham chiếu theo quan hệ"),
    # ---- unresolved
    "unresolved.none": (
        "every cited document is in the corpus or the registry",
        "mọi văn bản được trích dẫn đều có trong kho hoặc danh mục",
    ),
    "unresolved.cited_by_one": (
        "  cited by {n:,} document ({relations})",
        "  được {n:,} văn bản trích dẫn ({relations})",
    ),
    "unresolved.cited_by": ("  cited by {n:,} documents ({relations})", "  được {n:,} văn bản trích dẫn ({relations})"),
    "unresolved.no_number": ("(no number)", "(không số)"),
    "unresolved.and_more_citers": ("    ... and {n:,} more", "    ... và {n:,} văn bản khác"),
    "unresolved.and_more": ("... and {n:,} more", "... và {n:,} văn bản khác"),
    "unresolved.total": (
        "{n:,} cited documents are in neither the corpus nor the registry",
        "{n:,} văn bản được trích dẫn không có trong kho và danh mục",
    ),
    # ---- coverage
    "coverage.head_one": (
        ": {documents:,} document in {covered} of {gazetteer} provinces (as of {as_of}; {relations})",
        ": {documents:,} văn bản ở {covered}/{gazetteer} tỉnh, thành (tính đến {as_of}; {relations})",
    ),
    "coverage.head": (
        ": {documents:,} documents in {covered} of {gazetteer} provinces (as of {as_of}; {relations})",
        ": {documents:,} văn bản ở {covered}/{gazetteer} tỉnh, thành (tính đến {as_of}; {relations})",
    ),
    "coverage.unit_one": ("  {n:,} document, {direct:,} direct", "  {n:,} văn bản, {direct:,} trực tiếp"),
    "coverage.unit": ("  {n:,} documents, {direct:,} direct", "  {n:,} văn bản, {direct:,} trực tiếp"),
    "coverage.via": ("  via ", "  qua "),
    "coverage.more": ("  ... and {n:,} more (--all lists them)", "  ... và {n:,} văn bản khác (--all để xem hết)"),
    "coverage.missing": ("no document yet from {n} provinces: ", "chưa có văn bản từ {n} tỉnh, thành: "),
    "coverage.all": ("every province has acted on it", "mọi tỉnh, thành đã có văn bản thực hiện"),
    "coverage.col.province": ("province", "tỉnh, thành"),
    "coverage.col.documents": ("documents", "văn bản"),
    "coverage.col.direct": ("direct", "trực tiếp"),
    "coverage.col.first": ("first", "sớm nhất"),
    "coverage.none": ("none", "chưa có"),
    # ---- registry
    "registry.problems": ("{n} problem(s) in {files} registry file(s)", "{n} lỗi trong {files} tệp danh mục"),
    "registry.ok": (
        "ok: {files} file(s), {documents} documents, {issuers} issuers, {types} types, "
        "{terms} terms, {provinces} provinces",
        "hợp lệ: {files} tệp, {documents} văn bản, {issuers} cơ quan, {types} loại văn bản, "
        "{terms} nhiệm kỳ, {provinces} tỉnh, thành",
    ),
    # ---- ingest summary
    "ingest.read": ("files read     {n:>9,}  ({mb:,.1f} MB)", "đã đọc         {n:>9,}  tệp ({mb:,.1f} MB)"),
    "ingest.unchanged": ("unchanged      {n:>9,}  (not opened)", "không đổi      {n:>9,}  (không mở lại)"),
    "ingest.same_content": (
        "same content   {n:>9,}  (opened, not extracted again)",
        "nội dung trùng {n:>9,}  (đã mở, không trích xuất lại)",
    ),
    "ingest.failed": ("failed         {n:>9,}", "lỗi           {n:>10,}"),
    "ingest.skipped": ("skipped        {n:>9,}  other files ({kinds})", "bỏ qua         {n:>9,}  tệp khác ({kinds})"),
    "ingest.resolved": (
        "resolved in     {s:>8.1f}s  (every reference, against the whole index)",
        "đối chiếu trong {s:>8.1f}s  (mọi tham chiếu, với toàn bộ chỉ mục)",
    ),
    "ingest.pruned": ("pruned         {n:>9,}  (deleted files forgotten)", "đã xóa         {n:>9,}  (tệp không còn)"),
    "ingest.missing": (
        "missing        {n:>9,}  (deleted; --prune forgets them)",
        "không thấy     {n:>9,}  (đã xóa; --prune để bỏ khỏi chỉ mục)",
    ),
    "ingest.index": (
        "index          {documents:>9,} documents, {references:,} references, "
        "{unresolved:,} cited documents not in the corpus ({files:,} files)",
        "chỉ mục        {documents:>9,} văn bản, {references:,} tham chiếu, "
        "{unresolved:,} văn bản được trích dẫn chưa có trong kho ({files:,} tệp)",
    ),
    "ingest.decoded": ("decoded as {encoding}: {n:,} files", "giải mã theo {encoding}: {n:,} tệp"),
    "ingest.more": ("  ... and {n:,} more", "  ... và {n:,} tệp khác"),
    "ingest.failed_files": ("failed files ({n:,}):", "tệp lỗi ({n:,}):"),
    "ingest.resolving": (
        "resolving references across {n:,} documents...",
        "đang đối chiếu tham chiếu trên {n:,} văn bản...",
    ),
    # ---- errors raised by the core in English; matched, then said again in Vietnamese
    "err.no_such_file": ("{path}: no such file", "{path}: không có tệp này"),
    "err.no_such_path": ("{path}: no such file or folder", "{path}: không có tệp hoặc thư mục này"),
    "err.empty_file": ("{path}: empty file", "{path}: tệp rỗng"),
    "err.directory": ("{path}: is a directory", "{path}: là thư mục, không phải tệp"),
    "err.permission": ("{path}: permission denied", "{path}: không có quyền đọc"),
    "err.binary": (
        "{path}: binary file (contains NUL bytes), not a text document",
        "{path}: tệp nhị phân (có byte NUL), không phải văn bản",
    ),
    "err.encoding": (
        "{path}: not UTF-8, UTF-16 or Windows-1258 text",
        "{path}: không phải văn bản UTF-8, UTF-16 hay Windows-1258",
    ),
    "err.no_index": (
        "{path}: no index here; run `qcdc ingest FOLDER` first (or pass --db)",
        "{path}: chưa có chỉ mục ở đây; hãy chạy `qcdc ingest THƯ_MỤC` trước (hoặc dùng --db)",
    ),
    "err.unknown_close": (
        "no document {text} is known in {where}; close numbers: {close}",
        "không biết văn bản {text} trong {where}; số gần giống: {close}",
    ),
    "err.unknown": ("no document {text} is known in {where}", "không biết văn bản {text} trong {where}"),
    "err.ambiguous": (
        "{text} matches {n} documents in {where}; pick one with its id, --province or --year:",
        "{text} ứng với {n} văn bản trong {where}; chọn một bằng mã, --province hoặc --year:",
    ),
    "err.where_read": ("the registry and {n} document(s) read", "danh mục và {n} văn bản đã đọc"),
    "err.where_registry": (
        "the registry (give texts with --corpus or an index with --db)",
        "danh mục (cho thêm văn bản bằng --corpus hoặc chỉ mục bằng --db)",
    ),
    "err.stale": (
        "the last ingest stopped before resolving; run `qcdc ingest` again for exact counts",
        "lần ingest trước dừng trước khi đối chiếu; chạy lại `qcdc ingest` để có số liệu chính xác",
    ),
    "err.stale_running": (
        "an ingest is updating the index; counts are from the previous resolution",
        "một lần ingest đang cập nhật chỉ mục; số liệu lấy từ lần đối chiếu trước",
    ),
    "err.interrupted": ("interrupted", "đã dừng"),
    "err.internal": ("internal error: {detail}", "lỗi nội bộ: {detail}"),
    "err.no_drafts": ("no drafts (.txt or .md files) in {paths}", "không có dự thảo (tệp .txt hoặc .md) trong {paths}"),
    "err.missing_paths": ("no such file or folder: {paths}", "không có tệp hoặc thư mục: {paths}"),
}


def msg(key: str, lang: str = "en", **values: object) -> str:
    """The message `key` in `lang` (en when unknown), filled with `values`."""
    en, vi = CATALOG[key]
    template = vi if lang == "vi" else en
    return template.format(**values) if values else template


def count_msg(key: str, count: int, lang: str = "en", /, **values: object) -> str:
    """`msg(key)` for a count: its singular form (`key` + "_one") when the count is 1."""
    return msg(f"{key}_one" if count == 1 else key, lang, **values)


def relation_name(relation: str, lang: str = "en", *, passive: bool = False) -> str:
    """implements / thực hiện; passive: implemented by / được thực hiện bởi."""
    key = f"{'passive' if passive else 'rel'}.{relation}"
    if key in CATALOG:
        return msg(key, lang)
    return relation


def level_name(level: str | None, lang: str = "en") -> str:
    key = f"level.{level}" if level else "level.unknown"
    return msg(key, lang) if key in CATALOG else str(level)


@cache
def _error_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The `err.*` English templates as patterns, most specific (longest) first."""
    out = []
    for key, (en, _) in CATALOG.items():
        if not key.startswith("err."):
            continue
        parts = re.split(r"\{(\w+)\}", en)
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((key, re.compile(pattern + r"\Z", re.S)))
    out.sort(key=lambda item: -len(CATALOG[item[0]][0]))
    return out


def translate_error(message: str, lang: str) -> str:
    """An English error of the core, said in `lang`; unknown messages stay as they are."""
    if lang != "vi":
        return message
    lines = message.split("\n")
    return "\n".join(_translate_line(line) for line in lines)


def _translate_line(line: str) -> str:
    for key, pattern in _error_patterns():
        m = pattern.match(line)
        if m:
            values: Mapping[str, str] = {k: _translate_line(v) if k == "where" else v for k, v in m.groupdict().items()}
            return CATALOG[key][1].format(**values)
    return line
