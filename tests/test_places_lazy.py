"""The lazily made gazetteer units (issue 13) against the table filed one unit at a time."""

from __future__ import annotations

from importlib.resources import files

from qcdc_cli.knowledge import places


def _plain() -> places.Gazetteer:
    text = files("qcdc_cli.knowledge").joinpath(places._TABLE).read_text(encoding="utf-8")
    plain = places.Gazetteer()
    for unit in places._parse_table(text):
        plain.add(unit)
    return plain


def test_lazy_keyed_is_the_plain_table_for_every_key() -> None:
    plain, lazy = _plain(), places.lazy_gazetteer()
    assert len(plain.by_key) > 5000
    for loose, table in ((False, plain.by_key), (True, plain.by_loose)):
        for (level, key), units in table.items():
            assert lazy.keyed(level, key, loose) == units
            assert lazy.keyed(level, key, loose) == units  # asked again: the Units made before
        assert set(lazy.by_loose if loose else lazy.by_key) == set(table)
    for level, key in (("district", "KHÔNG CÓ"), ("commune", ""), ("province", "TAM ĐƯỜNG")):
        assert lazy.keyed(level, key, False) == plain.keyed(level, key, False) == []
        assert lazy.keyed(level, key, True) == plain.keyed(level, key, True) == []
