"""index.lean reads each link's rows in one pass and looks up the source's own rows past
the first LEAN_FIRST by primary key, LOOKUPS at a time: with both small, every path of
that read is taken, and the traces print as from a whole read (test_trace_lean's check)."""

from __future__ import annotations

import random

from test_trace_lean import evidence_index, lean_first, same_text_traces

from qcdc_cli.index import lean


def test_own_rows_looked_up_a_few_at_a_time_print_as_whole_ones(tmp_path, monkeypatch):
    from qcdc_cli.index.backend import open_reader

    looked_up: list[int] = []
    real = lean.lean_evidence

    def counting(store, inside, nodes, elided):
        execute = store.con.execute

        class Spy:
            def __getattr__(self, name):
                return getattr(store.con, name)

            def execute(self, sql, *args):
                if "seq = ?" in sql:
                    looked_up.append(sql.count("seq = ?"))
                return execute(sql, *args)

        con, store.con = store.con, Spy()
        try:
            return real(store, inside, nodes, elided)
        finally:
            store.con = con

    monkeypatch.setattr(lean, "lean_evidence", counting)
    monkeypatch.setattr(lean, "LOOKUPS", 2)
    elided = 0
    for seed in range(40):
        rnd = random.Random(1000 + seed)
        db = tmp_path / f"{seed}.sqlite"
        ids = evidence_index(db, rnd)
        with open_reader(db) as store, lean_first(rnd.choice([1, 2])):
            for ident in rnd.sample(ids, min(4, len(ids))):
                elided += same_text_traces(store, ident, rnd)
    assert elided > 10
    assert looked_up and max(looked_up) == 2 and looked_up.count(2) > 5  # several chunks, each of LOOKUPS rows
