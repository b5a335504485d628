"""`qcdc check` output: text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

Each format is a pure function from the per-file reports to a string or a dict; the
command writes it out. Text is for people (`path:line:col: CODE message`, and on a
terminal the offending text underlined in its line), JSON for scripts (versioned by
`schema_version`), SARIF for code-scanning dashboards, GitHub annotations for pull
requests. Plain ANSI escapes instead of rich keep `qcdc check` quick to start: a
pre-commit hook pays the start-up on every commit.

Document text reaches a terminal only through `sanitize()`; JSON and SARIF carry it
verbatim because their serializer escapes control characters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qcdc_cli import __version__
from qcdc_cli.app.check import FileReport
from qcdc_cli.lint.lint import RULES, RULES_BY_CODE, Diagnostic, Rule
from qcdc_cli.terminal import sanitize

JSON_SCHEMA_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}

SEVERITY_WORD = {
    "en": {"error": "error", "warning": "warning", "info": "info"},
    "vi": {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"},
}
_FIX_WORD = {"en": "fix", "vi": "gợi ý"}


def counts(reports: Iterable[FileReport]) -> Counter[str]:
    """Findings per severity, plus "files" and "unreadable"."""
    c: Counter[str] = Counter()
    for r in reports:
        c["files"] += 1
        if r.error:
            c["unreadable"] += 1
        c.update(g.severity for g in r.diagnostics)
    return c


# ---- text -----------------------------------------------------------------------------

_ANSI = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "info": "\x1b[1;36m",
    "path": "\x1b[1m",
    "dim": "\x1b[2m",
    "mark": "\x1b[4m",
    "reset": "\x1b[0m",
}
_CONTEXT = 40  # characters shown either side of the offending text in a long line


def render_text(reports: Sequence[FileReport], lang: str, color: bool = False, width: int | None = None) -> str:
    """`path:line:col: CODE message` per finding, the fix on the next line; on a
    terminal (`color`) also the line itself with the offending text underlined, cut to
    `width` columns so the carets stay under their text."""

    def paint(style: str, s: str) -> str:
        return f"{_ANSI[style]}{s}{_ANSI['reset']}" if color else s

    out: list[str] = []
    for report in reports:
        # split on "\n" only, as extraction counts lines: splitlines() also breaks at \f, \u2028
        lines = report.text.split("\n") if (color and report.text is not None) else []
        path = sanitize(report.path)
        for g in report.diagnostics:
            head = f"{paint('path', path)}:{g.line}:{g.column}: {paint(g.severity, g.code)} "
            out.append(head + sanitize(g.message(lang)))
            if color and g.text and 0 < g.line <= len(lines):
                out.extend(_snippet(lines[g.line - 1], g, lang, paint, width))
            fix = g.fix(lang)
            if fix:
                out.append(f"    {paint('dim', '=')} {_FIX_WORD[lang]}: {sanitize(fix)}")
    return "\n".join(out) + ("\n" if out else "")


def _snippet(line: str, g: Diagnostic, lang: str, paint: Any, width: int | None = None) -> list[str]:
    """The line around the finding, the finding underlined, carets below it; within
    `width` columns when given (a wrapped snippet would part the carets from the text)."""
    line = line.removesuffix("\r")
    start = g.column - 1
    end = g.end_column - 1 if g.end_line == g.line else len(line)
    end = max(start + 1, min(end, len(line)))
    number = str(g.line)
    context = _CONTEXT
    if width is not None:
        room = width - len(number) - 5  # "  12 | "
        if end - start > room - 2:
            end = start + max(1, room - 3)  # the finding itself cut: its start is what matters
        context = max(0, min(_CONTEXT, (room - (end - start) - 2) // 2))
    left = max(0, start - context)
    right = min(len(line), end + context)
    before = ("…" if left else "") + _show(line[left:start])
    marked = _show(line[start:end])
    after = _show(line[end:right]) + ("…" if right < len(line) else "")
    gutter = " " * len(number)
    word = SEVERITY_WORD[lang][g.severity]
    return [
        f"  {number} {paint('dim', '|')} {before}{paint('mark', paint(g.severity, marked))}{after}",
        f"  {gutter} {paint('dim', '|')} {' ' * len(before)}" + paint(g.severity, "^" * len(marked) + f" {word}"),
    ]


def _show(s: str) -> str:
    """Sanitized, with tabs as one space so the carets line up."""
    return sanitize(s.replace("\t", " "))


def summary(reports: Sequence[FileReport], lang: str) -> str:
    """One line for stderr: what was found in how many files."""
    c = counts(reports)
    total = c["error"] + c["warning"] + c["info"]
    checked = c["files"] - c["unreadable"]
    words = SEVERITY_WORD[lang]
    if lang == "vi":
        parts = ", ".join(f"{c[s]} {words[s]}" for s in ("error", "warning", "info") if c[s])
        line = (
            f"Tìm thấy {total} vấn đề ({parts}) trong {checked} tệp."
            if total
            else f"Không có vấn đề nào trong {checked} tệp."
        )
        if c["unreadable"]:
            line += f" Không đọc được {c['unreadable']} tệp."
        return line
    plural = {"error": "errors", "warning": "warnings", "info": "info"}
    parts = ", ".join(f"{c[s]} {words[s] if c[s] == 1 else plural[s]}" for s in ("error", "warning", "info") if c[s])
    files = f"{checked} file{'s' if checked != 1 else ''}"
    line = (
        f"Found {total} finding{'s' if total != 1 else ''} ({parts}) in {files}."
        if total
        else f"No findings in {files}."
    )
    if c["unreadable"]:
        line += f" {c['unreadable']} could not be read."
    return line


# ---- JSON -----------------------------------------------------------------------------


def to_json(reports: Sequence[FileReport], lang: str) -> dict[str, Any]:
    """The documented JSON shape; `schema_version` changes when a key changes meaning."""
    c = counts(reports)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "qcdc", "version": __version__},
        "lang": lang,
        "summary": {
            "files": c["files"],
            "unreadable": c["unreadable"],
            "error": c["error"],
            "warning": c["warning"],
            "info": c["info"],
        },
        "files": [{"path": r.path, "checked": r.error is None, "error": r.error} for r in reports],
        "diagnostics": [
            {
                "path": r.path,
                "line": g.line,
                "column": g.column,
                "end_line": g.end_line,
                "end_column": g.end_column,
                "code": g.code,
                "rule": g.rule.name,
                "severity": g.severity,
                "message": g.message(lang),
                "fix": g.fix(lang),
                "text": g.text,
                "number": g.key or None,
            }
            for r in reports
            for g in r.diagnostics
        ],
    }


# ---- SARIF 2.1.0 ----------------------------------------------------------------------


def artifact_uri(path: str, cwd: Path | None = None) -> str:
    """A repository-relative URI when the path is under `cwd`, else a file: URI.

    GitHub code scanning matches results to files by relative path, so relative paths
    stay relative; characters outside URI syntax (Vietnamese file names) are escaped.
    """
    p = Path(path)
    if p.is_absolute():
        base = (cwd or Path.cwd()).resolve()
        try:
            p = p.resolve().relative_to(base)
        except ValueError:
            return p.resolve().as_uri()
    return quote(p.as_posix(), safe="/-._~")


def _rule_descriptor(rule: Rule, lang: str, level: str) -> dict[str, Any]:
    other = "en" if lang == "vi" else "vi"
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary[lang]},
        "fullDescription": {"text": f"{rule.summary[lang]} ({rule.summary[other]})"},
        "defaultConfiguration": {"level": _SARIF_LEVEL[level]},
        "properties": {"needs": rule.requires, "tags": ["qcdc", rule.requires]},
    }
    return descriptor


def _fingerprint(path: str, g: Diagnostic, occurrence: int) -> str:
    """Stable across runs and line moves: rule, file, what it is about, which occurrence."""
    about = g.key or g.text or g.code
    raw = f"{g.code}\x00{path}\x00{about}\x00{occurrence}"
    from qcdc_cli.codehash import sha256

    return sha256(raw.encode()).hexdigest()[:32]


def to_sarif(
    reports: Sequence[FileReport],
    lang: str,
    rules: Iterable[str] | None = None,
    severities: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run; validated against the OASIS schema in the tests."""
    enabled = sorted(set(rules) if rules is not None else set(RULES_BY_CODE))
    severities = severities or {}
    descriptors = [_rule_descriptor(r, lang, severities.get(r.code, r.severity)) for r in RULES if r.code in enabled]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        uri = artifact_uri(report.path, cwd)
        if report.error:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": report.error},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                }
            )
        seen: Counter[tuple[str, str]] = Counter()
        for g in report.diagnostics:
            about = (g.code, g.key or g.text)
            seen[about] += 1
            region: dict[str, Any] = {
                "startLine": g.line,
                "startColumn": g.column,
                "endLine": g.end_line,
                "endColumn": max(g.end_column, g.column),
            }
            if g.text:
                region["snippet"] = {"text": g.text}
            message = g.message(lang)
            fix = g.fix(lang)
            result: dict[str, Any] = {
                "ruleId": g.code,
                "level": _SARIF_LEVEL[g.severity],
                "message": {"text": f"{message} ({_FIX_WORD[lang]}: {fix})" if fix else message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
                "partialFingerprints": {"qcdcFinding/v1": _fingerprint(uri, g, seen[about])},
                "properties": {"severity": g.severity, "rule": g.rule.name},
            }
            if g.code in index:
                result["ruleIndex"] = index[g.code]
            suggestion = g.args.get("suggestion")
            if isinstance(suggestion, str) and g.text and g.end_line == g.line:
                result["fixes"] = [
                    {
                        "description": {"text": fix or suggestion},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": uri},
                                "replacements": [
                                    {
                                        "deletedRegion": {
                                            "startLine": g.line,
                                            "startColumn": g.column,
                                            "endColumn": g.end_column,
                                        },
                                        "insertedContent": {"text": suggestion},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "qcdc",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


# ---- GitHub workflow commands ---------------------------------------------------------


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: Sequence[FileReport], lang: str) -> str:
    """`::error file=...,line=...::message` lines that annotate a pull request.

    Columns go out only when the finding starts and ends on one line (the runner's
    rule); values are escaped as actions/toolkit does, and sanitized first since the
    runner's log is shown in a terminal-like viewer.
    """
    out: list[str] = []
    for report in reports:
        path = _escape_property(sanitize(report.path))
        if report.error:
            out.append(f"::error file={path},title=qcdc::{_escape_data(sanitize(report.error))}")
        for g in report.diagnostics:
            props = [f"file={path}", f"line={g.line}", f"endLine={g.end_line}"]
            if g.end_line == g.line:
                props[2:2] = [f"col={g.column}"]
                props.append(f"endColumn={max(g.end_column, g.column)}")
            props.append(f"title={_escape_property(f'qcdc {g.code} ({g.rule.name})')}")
            message = f"{report.path}:{g.line}:{g.column}: {g.code} {g.message(lang)}"
            fix = g.fix(lang)
            if fix:
                message += f"\n{_FIX_WORD[lang]}: {fix}"
            command = _GITHUB_COMMAND[g.severity]
            out.append(f"::{command} {','.join(props)}::{_escape_data(sanitize(message))}")
    return "\n".join(out) + ("\n" if out else "")
