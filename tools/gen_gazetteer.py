"""Regenerate qcdc_cli/knowledge/gazetteer.tsv from the `vietnamadminunits` package.

    pip install vietnamadminunits==1.0.4 && python tools/gen_gazetteer.py

The package (MIT, https://pypi.org/project/vietnamadminunits/) ships a SQLite dataset of
the 63-province units (provinces, districts, communes as they stood just before
01/07/2025) and of the 34-province units from 01/07/2025. qcdc needs only the names and
what contains what, so it keeps a compact derived table instead of the 7 MB dependency:

    L <province> <district with its kind> <commune|commune|...>   the units before 2025-07-01
    N <province> (empty)                  <commune|commune|...>   the communes from 2025-07-01

Province names are those of data/provinces.yaml ("Huế" of the legacy set is written
"Thừa Thiên Huế", its name until 31/12/2024 and that of nearly every archived text).
"""

from __future__ import annotations

import sqlite3  # noqa: TID253 (a build tool, not the CLI)
import sys
from importlib import metadata, util
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "qcdc_cli" / "knowledge" / "gazetteer.tsv"
LEGACY_NAMES = {"Huế": "Thừa Thiên Huế"}


def main() -> int:
    version = metadata.version("vietnamadminunits")
    spec = util.find_spec("vietnamadminunits")  # found, not imported: it needs shapely
    assert spec is not None and spec.submodule_search_locations
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    con = sqlite3.connect(str(db))
    districts: dict[tuple[str, str], list[str]] = {}
    for province, district, ward in con.execute(
        "SELECT provinceShort, district, ward FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    ):
        wards = districts.setdefault((LEGACY_NAMES.get(province, province), district), [])
        if ward:
            wards.append(ward)
    new: dict[str, list[str]] = {}
    for province, ward in con.execute("SELECT provinceShort, ward FROM admin_units ORDER BY provinceCode, wardCode"):
        new.setdefault(province, []).append(ward)
    lines = [
        "# Districts and communes of Việt Nam, derived by tools/gen_gazetteer.py from",
        f"# vietnamadminunits {version} (MIT): L = units before 2025-07-01, N = communes from then.",
        "# kind\tprovince\tdistrict\tcommunes",
    ]
    lines += [f"L\t{p}\t{d}\t{'|'.join(w)}" for (p, d), w in districts.items()]
    lines += [f"N\t{p}\t\t{'|'.join(w)}" for p, w in new.items()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{OUT}: {len(districts)} districts, {sum(map(len, districts.values()))} communes before 2025, "
        f"{sum(map(len, new.values()))} from 2025",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
