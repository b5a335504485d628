"""`--format html`: one self-contained page per lineage or coverage answer.

Analysts look at a lineage rather than read a long tree. The page needs nothing but
itself: inline CSS, an inline SVG laid out by level (central on top, then provinces,
districts, communes), no script, and a Content-Security-Policy that forbids every fetch,
so it opens offline and from an e-mail attachment. Document text is untrusted: every
string goes through `_e` (control characters made visible, then HTML-escaped), and no
attribute ever holds a URL, so a `javascript:` title is only text.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qcdc_cli.render.messages import count_msg, level_name, msg, relation_name
from qcdc_cli.terminal import sanitize

if TYPE_CHECKING:
    from qcdc_cli.knowledge.vocabulary import Vocabulary
    from qcdc_cli.lineage.graph import Issue
    from qcdc_cli.models import DocNode, Link

LEVELS = ("central", "province", "district", "commune", None)  # rows, top to bottom
PER_ROW = 8  # documents per drawn row; a level with more takes several rows
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 46, 24, 70, 20

# relation -> (colour, dash pattern, width): what acts on a document stands out
STYLES = {
    "implements": ("#1b7f3b", "", 2.4),
    "continues": ("#1f5fae", "", 2.0),
    "guides": ("#1f5fae", "6 3", 1.8),
    "amends": ("#b45309", "", 1.6),
    "replaces": ("#b91c1c", "", 1.6),
    "repeals": ("#b91c1c", "6 3", 1.6),
    "based_on": ("#6b7280", "2 3", 1.4),
    "related": ("#9ca3af", "2 3", 1.0),
    "cites": ("#9ca3af", "", 1.0),
}
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
body{font:14px/1.4 system-ui,'Segoe UI',Roboto,Arial,sans-serif;margin:24px;color:#111827;background:#fff}
h1{font-size:20px;margin:0 0 4px}
p.sub{color:#4b5563;margin:0 0 16px}
.wrap{overflow:auto;border:1px solid #e5e7eb;border-radius:6px;margin-bottom:20px}
svg text{font-size:12px;fill:#111827}
svg text.meta{fill:#4b5563;font-size:11px}
svg text.row{fill:#6b7280;font-size:12px;font-weight:600}
.node rect{fill:#f9fafb;stroke:#374151;stroke-width:1.2}
.node.target rect{fill:#fef3c7;stroke:#b45309;stroke-width:2}
.node.outside rect{stroke-dasharray:5 3;fill:#fff}
.edge:hover path{stroke-width:4}
table{border-collapse:collapse;margin:8px 0 20px}
th,td{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f4f6}
td.n{text-align:right}
tr.missing td{background:#fee2e2;color:#991b1b}
details summary{cursor:pointer}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:26px;height:0;border-top:3px solid;vertical-align:middle;margin-right:4px}
"""


def _e(text: object) -> str:
    """Untrusted text for HTML and SVG: control characters visible, markup escaped."""
    return html.escape(sanitize("" if text is None else str(text)), quote=True)


def _page(title: str, body: str, lang: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{"vi" if lang == "vi" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def _short(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _evidence_text(link: Link, limit: int = 4) -> list[str]:
    out = []
    for ev in link.evidence[:limit]:
        if ev.registry:
            out.append(f"registry {ev.registry}")
        else:
            where = f"{ev.path}:{ev.line}" if ev.line else (ev.path or "")
            out.append(f"{where} “{_short(ev.text, 240)}”" if ev.text else where)
    if len(link.evidence) > limit:
        out.append(f"(+{len(link.evidence) - limit})")
    return out


def _layout(
    nodes: Sequence[DocNode], level_of: Callable[[DocNode], str | None]
) -> tuple[dict[str, tuple[int, int]], list[tuple[str | None, int]], int, int]:
    """Positions of node boxes, one band of rows per level; (positions, band labels, w, h)."""
    bands: dict[str | None, list[DocNode]] = {}
    for node in nodes:
        level = level_of(node)
        bands.setdefault(level if level in LEVELS else None, []).append(node)
    positions: dict[str, tuple[int, int]] = {}
    labels: list[tuple[str | None, int]] = []
    y = MARGIN + 30  # room for arcs above the first row
    widest = 1
    label_w = 110
    for level in LEVELS:
        members = sorted(bands.get(level, []), key=lambda n: (n.province or "", n.date or "", n.id))
        if not members:
            continue
        labels.append((level, y))
        for start in range(0, len(members), PER_ROW):
            row = members[start : start + PER_ROW]
            widest = max(widest, len(row))
            for i, node in enumerate(row):
                positions[node.id] = (label_w + MARGIN + i * (BOX_W + GAP_X), y)
            y += BOX_H + GAP_Y
    width = label_w + 2 * MARGIN + widest * (BOX_W + GAP_X)
    return positions, labels, width, y - GAP_Y + MARGIN + BOX_H // 2


def graph_svg(
    nodes: Sequence[DocNode],
    links: Iterable[Link],
    level_of: Callable[[DocNode], str | None],
    target: str | None = None,
    lang: str = "en",
) -> str:
    """The lineage as an SVG: boxes by level, arrows citing -> cited, styled by relation;
    hovering a box or an arrow shows its details and evidence (SVG <title>)."""
    positions, labels, width, height = _layout(nodes, level_of)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        "<defs>",
    ]
    for relation, (colour, _, _) in STYLES.items():
        parts.append(
            f'<marker id="arrow-{relation}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    parts.append("</defs>")
    for level, y in labels:
        parts.append(f'<text class="row" x="{MARGIN}" y="{y + BOX_H // 2 + 4}">{_e(level_name(level, lang))}</text>')
    for link in links:
        if link.source not in positions or link.target not in positions:
            continue
        colour, dash, stroke = STYLES.get(link.relation, STYLES["cites"])
        (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
        if y1 == y2:  # same row: an arc above it, not a line through the boxes between
            ax, ay, bx, by = x1 + BOX_W / 2, y1, x2 + BOX_W / 2, y2
            lift = min(GAP_Y - 10, 18 + abs(x2 - x1) / 12)
            d = f"M{ax:.0f},{ay:.0f} Q{(ax + bx) / 2:.0f},{ay - lift:.0f} {bx:.0f},{by:.0f}"
        else:
            ax, ay = x1 + BOX_W / 2, y1 + (0 if y2 < y1 else BOX_H)
            bx, by = x2 + BOX_W / 2, y2 + (BOX_H if y2 < y1 else 0)
            d = f"M{ax:.0f},{ay:.0f} L{bx:.0f},{by:.0f}"
        tip = "\n".join([f"{link.source} {relation_name(link.relation, lang)} {link.target}", *_evidence_text(link)])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        relation_key = link.relation if link.relation in STYLES else "cites"
        parts.append(
            f'<g class="edge" data-relation="{_e(link.relation)}"><title>{_e(tip)}</title>'
            f'<path d="{d}" fill="none" stroke="{colour}" '
            f'stroke-width="{stroke}"{dash_attr} marker-end="url(#arrow-{relation_key})"/></g>'
        )
    for node in nodes:
        x, y = positions[node.id]
        classes = "node" + (" target" if node.id == target else "") + ("" if node.in_corpus else " outside")
        meta = " · ".join(b for b in (node.date, _short(node.issuer, 16 if node.date else 28)) if b)
        tip_lines = [node.id, node.title or "", node.issuer or "", node.province or "", node.date or ""]
        if not node.in_corpus:
            tip_lines.append(msg("trace.not_in_corpus", lang))
        tip = "\n".join(t for t in tip_lines if t)
        parts.append(
            f'<g class="{classes}" data-id="{_e(node.id)}"><title>{_e(tip)}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5"/>'
            f'<text x="{x + 8}" y="{y + 18}">{_e(_short(node.id, 28))}</text>'
            f'<text class="meta" x="{x + 8}" y="{y + 35}">{_e(meta)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(lang: str) -> str:
    items = []
    for relation, (colour, dash, _) in STYLES.items():
        style = f"border-color:{colour};" + ("border-top-style:dashed;" if dash else "")
        items.append(f'<span><i style="{style}"></i>{_e(relation_name(relation, lang))}</span>')
    outside = _e(msg("trace.not_in_corpus", lang))
    items.append(f'<span><i style="border-color:#374151;border-top-style:dashed"></i>{outside}</span>')
    return f'<p class="legend">{"".join(items)}</p>\n'


def _link_table(links: Sequence[Link], lang: str) -> str:
    """Every link with its evidence behind a <details>: the click-to-read counterpart of
    the arrows' hover text."""
    rows = []
    for link in links:
        evidence = "".join(f"<li>{_e(line)}</li>" for line in _evidence_text(link, limit=len(link.evidence)))
        rows.append(
            f"<tr><td>{_e(link.source)}</td><td>{_e(relation_name(link.relation, lang))}</td>"
            f"<td>{_e(link.target)}</td><td><details><summary>{len(link.evidence)}</summary>"
            f"<ul>{evidence}</ul></details></td></tr>"
        )
    head = "".join(f"<th>{_e(h)}</th>" for h in ("", msg("stats.col.relation", lang), "", msg("html.evidence", lang)))
    return f'<table class="links"><tr>{head}</tr>\n' + "\n".join(rows) + "\n</table>\n"


def lineage_page(
    heading: str,
    subtitle: str,
    nodes: Sequence[DocNode],
    links: Sequence[Link],
    level_of: Callable[[DocNode], str | None],
    *,
    target: str | None = None,
    issues: Sequence[Issue] = (),
    lang: str = "en",
) -> str:
    """A whole page: heading, legend, the SVG, the links with their evidence, issues."""
    body = [f"<h1>{_e(heading)}</h1>\n", f'<p class="sub">{_e(subtitle)}</p>\n' if subtitle else ""]
    body.append(_legend(lang))
    body.append(f'<div class="wrap">{graph_svg(nodes, links, level_of, target, lang)}</div>\n')
    body.append(_link_table(links, lang))
    if issues:
        body.append(f"<h2>{_e(msg('trace.issues', lang).strip())}</h2>\n<ul>")
        body.extend(f"<li>{_e(i.source)}: {_e(i.message)}</li>" for i in issues)
        body.append("</ul>\n")
    return _page(heading, "".join(body), lang)


def coverage_page(result: Mapping[str, Any], lang: str = "en") -> str:
    """Coverage as a table of provinces: documents, direct ones, the first date; the
    provinces with none highlighted."""
    doc = result["document"]
    heading = " ".join(x for x in (doc["id"], doc.get("title") or "") if x)
    relations = ", ".join(relation_name(r, lang) for r in result["relations"])
    subtitle = count_msg(
        "coverage.head",
        result["documents"],
        lang,
        documents=result["documents"],
        covered=result["covered"],
        gazetteer=result["gazetteer"],
        as_of=result["as_of"],
        relations=relations,
    ).lstrip(": ")
    cols = ("coverage.col.province", "coverage.col.documents", "coverage.col.direct", "coverage.col.first")
    rows = [f"<tr>{''.join(f'<th>{_e(msg(c, lang))}</th>' for c in cols)}</tr>"]
    units = dict(result["provinces"])
    names = sorted({*units, *result["missing"]}, key=lambda n: (n not in units, n.casefold()))
    for name in names:
        docs = units.get(name, [])
        if not docs:
            rows.append(
                f'<tr class="missing"><td>{_e(name)}</td><td class="n">0</td><td class="n">0</td>'
                f"<td>{_e(msg('coverage.none', lang))}</td></tr>"
            )
            continue
        first = min((d["date"] for d in docs if d["date"]), default="")
        listed = "".join(f"<li>{_e(d['id'])} {_e(d['date'] or '')} {_e(d['issuer'] or '')}</li>" for d in docs)
        rows.append(
            f"<tr><td><details><summary>{_e(name)}</summary><ul>{listed}</ul></details></td>"
            f'<td class="n">{len(docs)}</td><td class="n">{sum(d["direct"] for d in docs)}</td>'
            f"<td>{_e(first)}</td></tr>"
        )
    body = f'<h1>{_e(heading)}</h1>\n<p class="sub">{_e(subtitle)}</p>\n<table>\n' + "\n".join(rows) + "\n</table>\n"
    return _page(heading, body, lang)


def summary_counts(
    nodes: Sequence[DocNode], links: Sequence[Link], level_of: Callable[[DocNode], str | None]
) -> dict[str, Counter[str]]:
    """What `trace --summary` counts: documents by level and province, links by relation."""
    return {
        "level": Counter(level_of(n) or "" for n in nodes),
        "province": Counter(n.province or "" for n in nodes),
        "relation": Counter(link.relation for link in links),
    }


def level_by_issuer(vocab: Vocabulary) -> Callable[[DocNode], str | None]:
    """A document's level from its issuing body ("TU" -> province, "HU" -> district)."""

    def level_of(node: DocNode) -> str | None:
        code = (node.issuer_code or "").split("-", 1)[0]
        info = vocab.issuer(code) if code else None
        return info.level if info is not None else None

    return level_of
