"""The rows index.reresolve changes, written in place: what the replayed citations gave
before and give now, applied to the derived tables as a full derivation would write them
(links merged with the strongest relation and every piece of evidence once, in order;
issues numbered in the order the documents raise them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from qcdc_cli.index.reresolve_base import Unsafe, _first_line, _in, _Unit, number_class
from qcdc_cli.index.reresolve_replay import _Sink

if TYPE_CHECKING:
    import sqlite3

    from qcdc_cli.index.rows import ResolutionRow
    from qcdc_cli.models import Evidence
    from qcdc_cli.resolve.resolve import Catalog, Known


class Patch:
    def __init__(
        self,
        con: sqlite3.Connection,
        classes: set[str],
        sources: set[str],
        kept_best: Callable[[tuple[str, str], int, list[Evidence]], str | None],
    ) -> None:
        self.con = con
        self.kept_best = kept_best  # the strongest relation kept evidence gives
        self.classes = classes
        self.sources = sources  # nodes whose documents were replayed whole (old and new ids)

    def fresh(self, number: str, source: str) -> bool:
        """Is an issue about `number` raised by `source` one the replay gives again?"""
        return number_class(number) in self.classes or source in self.sources

    def mine(self, k: Known) -> bool:
        return k.number is not None and number_class(k.number, k.system) in self.classes

    def write(
        self,
        *,
        old_cat: Catalog,
        new_cat: Catalog,
        own_new: list[_Unit],
        world_units: list[_Unit],
        new_units: list[_Unit],
        old_units: list[_Unit],
        old_speakers: dict[tuple[str, int], str],
        labels: set[str],
        resolutions: list[ResolutionRow],
        old_sink: _Sink,
        new_sink: _Sink,
    ) -> None:
        # everything is computed before the first write: Unsafe leaves the tables alone
        links = self._links(old_sink, new_sink)
        issues = self._issues(new_cat, world_units + new_units, new_sink)
        self._nodes(old_cat, new_cat, own_new, old_speakers)
        self._speakers(new_cat, own_new, world_units, new_units, labels)
        self._resolutions(old_units, resolutions)
        self._apply_links(links)
        if issues is not None:
            from qcdc_cli.index.rows import IssueRow, insert_sql

            self.con.execute("DELETE FROM issues")
            self.con.executemany(insert_sql("issues", IssueRow), issues)

    # ---- nodes, node_keys

    def _nodes(
        self, old_cat: Catalog, new_cat: Catalog, own_new: list[_Unit], old_speakers: dict[tuple[str, int], str]
    ) -> None:
        from qcdc_cli.index.rows import NodeKeyRow, NodeRow, insert_sql, known_row
        from qcdc_cli.resolve.resolve import FILE_PREFIX, loose

        gone = {k.id for k in old_cat.entries if self.mine(k)}
        gone.update(i for i in old_speakers.values() if i.startswith(FILE_PREFIX))
        document_of: dict[str, int] = {}
        for u in own_new:
            document_of.setdefault(new_cat.document_of(u.unit).id, u.doc_id)
        rows: list[NodeRow] = []
        keys: list[NodeKeyRow] = []
        for k in new_cat.entries:
            if self.mine(k) or (k.number is None and k.origin == "corpus"):
                rows.append(known_row(k, document_of.get(k.id)))
                keys.extend(NodeKeyRow(s, k.id) for s in dict.fromkeys(loose(n) for n in (k.number, *k.aliases) if n))
        # node_keys by (key, id): a node's keys are the loose spellings of its number and
        # aliases (as derived and `rows` below write them); node_keys has no index on id
        # alone, and deleting by id scanned every key (180,000 rows at 100,000 files)
        pairs: list[tuple[str, str]] = []
        unstored = set(gone)
        for ident, number, aliases in _in(
            self.con, "SELECT id, number, aliases FROM nodes WHERE id IN ({})", sorted(gone)
        ):
            unstored.discard(ident)
            pairs.extend(
                (s, ident) for s in dict.fromkeys(loose(n) for n in (number, *(aliases or "").split("\n")) if n)
            )
        if unstored:  # a key without its node: only the scan finds it
            _in(self.con, "DELETE FROM node_keys WHERE id IN ({})", sorted(unstored))
        self.con.executemany("DELETE FROM node_keys WHERE key = ? AND id = ?", pairs)
        _in(self.con, "DELETE FROM nodes WHERE id IN ({})", sorted(gone))
        self.con.executemany(insert_sql("nodes", NodeRow), rows)
        self.con.executemany(insert_sql("node_keys", NodeKeyRow), keys)

    # ---- speakers

    def _speakers(
        self,
        new_cat: Catalog,
        own_new: list[_Unit],
        world_units: list[_Unit],
        new_units: list[_Unit],
        labels: set[str],
    ) -> None:
        from qcdc_cli.index.rows import SpeakerRow, insert_sql

        paths = set(labels) | {u.unit.path for u in own_new}
        rows: dict[tuple[str, int, str], None] = {}
        for u in sorted(world_units + new_units, key=lambda u: (u.unit.path, u.unit.segment)):
            if u.unit.path in paths:
                rows[(u.unit.path, _first_line(u.unit), new_cat.document_of(u.unit).id)] = None
        _in(self.con, "DELETE FROM speakers WHERE path IN ({})", sorted(paths))
        self.con.executemany(insert_sql("speakers", SpeakerRow), [SpeakerRow(*r) for r in rows])

    # ---- resolutions

    def _resolutions(self, old_units: list[_Unit], rows: list[ResolutionRow]) -> None:
        from qcdc_cli.index.rows import ResolutionRow, insert_sql

        _in(self.con, "DELETE FROM resolutions WHERE document_id IN ({})", sorted({u.doc_id for u in old_units}))
        self.con.executemany(
            "DELETE FROM resolutions WHERE document_id = ? AND number = ?", ((r[0], r[1]) for r in rows)
        )
        self.con.executemany(insert_sql("resolutions", ResolutionRow), rows)

    # ---- links, evidence

    def _links(self, old: _Sink, new: _Sink) -> list[tuple[tuple[str, str], str | None, list[Evidence] | None]]:
        """(pair, relation, evidence) for every link whose rows change; None: it goes."""
        from qcdc_cli.lineage.graph import _evidence_key, _evidence_order, _unique
        from qcdc_cli.models import Evidence, relation_rank

        out: list[tuple[tuple[str, str], str | None, list[Evidence] | None]] = []
        for pair in sorted(set(old.links) | set(new.links)):
            was, now = old.links.get(pair), new.links.get(pair)
            row = self.con.execute("SELECT relation FROM links WHERE source = ? AND target = ?", pair).fetchone()
            if row is None:
                if was is not None:
                    raise Unsafe("a replayed link that is not stored")
                assert now is not None
                out.append((pair, now.relation, sorted(_unique(now.evidence), key=_evidence_order)))
                continue
            stored_rel = row[0]
            stored = [
                Evidence(p, line, text, reg)
                for p, line, text, reg in self.con.execute(
                    "SELECT path, line, text, registry FROM evidence WHERE source = ? AND target = ? ORDER BY seq", pair
                )
            ]
            gone = {_evidence_key(ev) for ev in was.evidence} if was else set()
            if not gone <= {_evidence_key(ev) for ev in stored}:
                raise Unsafe("replayed evidence that is not stored")
            kept = [ev for ev in stored if _evidence_key(ev) not in gone]
            rank = relation_rank(stored_rel)
            relation: str | None
            if now is not None and relation_rank(now.relation) <= rank:
                relation = now.relation  # nothing kept is stronger than what was stored
            elif was is None or relation_rank(was.relation) > rank:
                relation = stored_rel  # the kept evidence gave the stored relation
            elif not kept:
                relation = now.relation if now is not None else None
            else:
                # what was stored came from evidence that left: what does the rest say?
                best = self.kept_best(pair, rank, kept)
                if best is None:
                    raise Unsafe("kept evidence that no replay gives")
                if now is not None and relation_rank(now.relation) < relation_rank(best):
                    relation = now.relation
                else:
                    relation = best
            if relation is None:
                out.append((pair, None, None))
                continue
            merged = sorted(_unique(kept + (now.evidence if now else [])), key=_evidence_order)
            if relation != stored_rel or merged != stored:
                out.append((pair, relation, merged))
        return out

    def _apply_links(self, links: Sequence[tuple[tuple[str, str], str | None, list[Evidence] | None]]) -> None:
        con = self.con
        for (s, t), relation, evidence in links:
            con.execute("DELETE FROM evidence WHERE source = ? AND target = ?", (s, t))
            if relation is None or evidence is None:
                con.execute("DELETE FROM links WHERE source = ? AND target = ?", (s, t))
                continue
            con.execute(
                "INSERT INTO links(source, target, relation) VALUES (?, ?, ?)"
                " ON CONFLICT(source, target) DO UPDATE SET relation = excluded.relation",
                (s, t, relation),
            )
            con.executemany(
                "INSERT INTO evidence(source, target, seq, path, line, text, registry) VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((s, t, seq, ev.path, ev.line, ev.text, ev.registry) for seq, ev in enumerate(evidence)),
            )

    # ---- issues

    def _issues(self, new_cat: Catalog, units: list[_Unit], new: _Sink) -> list[tuple[Any, ...]] | None:
        """Every issue row in order, when they change (None: they do not). Issues about
        numbers of the affected classes come from the replay, first saying first; the
        others stay, placed by the document and citation that raised them."""
        from qcdc_cli.index.rows import IssueRow
        from qcdc_cli.resolve.resolve import readable

        stored = self.con.execute(
            "SELECT seq, kind, source, number, message, target, candidates, path, line, text, registry"
            " FROM issues ORDER BY seq"
        ).fetchall()
        fresh: dict[tuple[str, str, str, str], tuple[tuple[Any, ...], IssueRow]] = {}
        for pos, issue in sorted(new.issues, key=lambda item: item[0]):
            if not self.fresh(issue.number, issue.source):
                continue
            key = (issue.kind, issue.source, issue.number, issue.message)
            if key in fresh:
                continue
            said = issue.evidence
            fresh[key] = (
                pos,
                IssueRow(
                    issue.kind,
                    issue.source,
                    issue.number,
                    issue.message,
                    issue.target,
                    "\n".join(issue.candidates),
                    said.path if said else None,
                    said.line if said else None,
                    said.text if said else None,
                    said.registry if said else None,
                ),
            )
        kept = [r for r in stored if not self.fresh(r[3], r[2])]
        old_fresh = [tuple(r[1:]) for r in stored if self.fresh(r[3], r[2])]
        new_rows = [row for _, row in sorted(fresh.values(), key=lambda item: item[0])]
        if old_fresh == [tuple(r) for r in new_rows]:
            return None  # the same rows raised by the same citations: the same places
        # where each kept issue was raised, in the files replayed
        slots: dict[tuple[str, str], list[tuple[int, int, int, str]]] = {}
        for u in sorted(units, key=lambda u: (u.unit.path, u.unit.segment)):
            me = new_cat.document_of(u.unit).id
            unit = u.unit
            here = slots.setdefault((unit.path, me), [])
            for i, r in enumerate(unit.references):
                if r.malformed and not r.suggestion:
                    here.append((unit.segment, i, 0, "\0"))  # its reading needs the catalog
                    continue
                got = readable(r)
                if got is not None:
                    here.append((unit.segment, i, 0, got.number))
            n = len(unit.references)
            for j, rel in enumerate(unit.reported):
                here.append((unit.segment, n + j, 0, rel.source))
                here.append((unit.segment, n + j, 1, rel.target))
        placed: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
        for r in kept:
            path = r[7]
            if path is None:
                raise Unsafe("an issue without evidence to place it by")
            found = slots.get((path, r[2]))
            if found is None:
                placed.append(((path, -1, -1, -1, r[0]), tuple(r[1:])))
                continue
            hit = next((s for s in found if s[3] == r[3]), None)
            if hit is None or any(s[3] == "\0" for s in found):
                raise Unsafe("an issue not found in the file that raised it")
            placed.append(((path, hit[0], hit[1], hit[2], 10**9 + r[0]), tuple(r[1:])))
        placed += [(pos, tuple(row)) for pos, row in fresh.values()]
        placed.sort(key=lambda item: item[0])
        order = [row for _, row in placed]
        kept_order = [row for row in order if not self.fresh(row[2], row[1])]
        if kept_order != [tuple(r[1:]) for r in kept]:
            raise Unsafe("kept issues that would change order")
        return order
