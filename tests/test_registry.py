"""The registry: bundled data, validation with file + key path, user overlays, packaging."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import qcdc_cli.knowledge.registry as registry_module
import qcdc_cli.knowledge.schema as schema_module
from qcdc_cli.config import CACHE_ENV, cache_dir
from qcdc_cli.errors import RegistryError
from qcdc_cli.knowledge.registry import REGISTRY_ENV, check_files, default_paths, load_registry
from qcdc_cli.knowledge.schema import Registry
from qcdc_cli.knowledge.terms import term_of
from qcdc_cli.knowledge.vocabulary import Vocabulary

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "fixtures" / "gold"
CENTRAL_ISSUERS = ("TW", "CP", "TTg", "QH", "UBTVQH")


@pytest.fixture(scope="module")
def bundled() -> Registry:
    registry, problems = check_files(default_paths())
    assert [str(p) for p in problems] == []
    assert registry is not None
    return registry


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(*extra: Path) -> list[str]:
    _, problems = check_files([*default_paths(), *extra])
    return [str(p) for p in problems]


# ---------------------------------------------------------------- the bundled data


def test_bundled_registry_loads_through_the_public_entry_point(bundled: Registry) -> None:
    loaded = load_registry()
    assert loaded.document("TW:KL:120@XI") is not None
    assert len(loaded.documents) == len(bundled.documents)


def test_every_relation_target_is_a_known_document(bundled: Registry) -> None:
    ids = {d.id for d in bundled.documents}
    targets = {(d.id, r.target) for d in bundled.documents for r in d.relations}
    assert targets, "the bundled registry records relations"
    assert [t for t in targets if t[1] not in ids] == []


def test_every_central_number_the_seed_plans_cite_is_known(bundled: Registry) -> None:
    """Gold annotations of the five seeds: each central Party or State number is registered."""
    numbers = {d.number for d in bundled.documents}
    cited = set()
    for gold in GOLD.glob("*.yaml"):
        for ref in yaml.safe_load(gold.read_text(encoding="utf-8"))["refs"]:
            issuer = ref["number"].split("/")[-1].split("-")[-1].rstrip("0123456789")
            if issuer in CENTRAL_ISSUERS:
                cited.add(ref["number"])
    assert len(cited) >= 20
    assert sorted(cited - numbers) == []


@pytest.mark.parametrize(
    ("number", "terms"),
    [
        ("124-QĐ/TW", {"XII", "XIII"}),  # Ban Bí thư 2018 vs Bộ Chính trị 2023
        ("05-CT/TW", {"XII", "XIII"}),  # HCM ideology 2016 vs poverty reduction 2021
        ("18-NQ/TW", {"XII", "XIII"}),  # apparatus 2017 vs land 2022
    ],
)
def test_number_collisions_are_separate_documents(bundled: Registry, number: str, terms: set[str]) -> None:
    found = [d for d in bundled.documents if d.number == number]
    assert {d.term for d in found} == terms
    assert len({d.id for d in found}) == len(found)


@pytest.mark.parametrize(
    ("doc_id", "relation", "target", "date"),
    [
        ("TW:KL:120@XI", "continues", "TW:CT:30@VIII", None),
        ("TW:KL:65@X", "continues", "TW:CT:30@VIII", None),
        ("10/2022/QH15", "replaces", "34/2007/PL-UBTVQH11", "2023-07-01"),
        ("TW:KL:215@XIII", "amends", "TW:QĐi:11@XII", None),
        ("149/2018/NĐ-CP", "replaces", "60/2013/NĐ-CP", "2019-01-01"),
    ],
)
def test_relations_are_listed_on_the_newer_document(
    bundled: Registry, doc_id: str, relation: str, target: str, date: str | None
) -> None:
    doc = bundled.document(doc_id)
    assert doc is not None
    assert any(r.type == relation and r.target == target and r.date == date for r in doc.relations)


def test_sourced_unless_unconfirmed(bundled: Registry) -> None:
    unsourced = [d.id for d in bundled.documents if d.confidence != "unconfirmed" and not d.sources]
    assert unsourced == []


def test_party_documents_fall_inside_their_term(bundled: Registry) -> None:
    for doc in bundled.documents:
        if doc.system == "party" and doc.date:
            term = term_of(doc.date, bundled.numbering_body(doc.issuer_code), bundled.terms)
            assert term == doc.term, doc.id


@pytest.mark.parametrize(
    ("body", "date", "term"),
    [
        ("TW", "1998-02-18", "VIII"),  # 30-CT/TW
        ("TW", "2010-03-04", "X"),  # 65-KL/TW
        ("TW", "2016-01-07", "XI"),  # 120-KL/TW: three weeks before the XII congress
        ("TW", "2016-01-27", "XII"),  # first plenum of khóa XII
        ("TW", "2026-01-09", "XIII"),  # 399-QĐ/TW
        ("TW", "2026-05-27", "XIV"),
        ("QH", "2022-11-10", "XV"),  # Luật 10/2022/QH15
        ("QH", "2007-04-20", "XI"),  # Pháp lệnh 34/2007/PL-UBTVQH11
        ("TW", "1990-05-01", None),  # before the first known term
    ],
)
def test_term_of(bundled: Registry, body: str, date: str, term: str | None) -> None:
    assert term_of(date, body, bundled.terms) == term


@pytest.mark.parametrize(
    ("code", "body"),
    [("TW", "TW"), ("VPTW", "TW"), ("BDVTW", "TW"), ("UBTVQH", "QH"), ("CP", "CP")],
)
def test_numbering_body(bundled: Registry, code: str, body: str) -> None:
    assert bundled.numbering_body(code) == body


@pytest.mark.parametrize(("date", "count"), [("2010-07-30", 63), ("2025-06-30", 63), ("2025-07-01", 34)])
def test_provincial_units_in_force(bundled: Registry, date: str, count: int) -> None:
    in_force = [p.name for p in bundled.provinces if (p.valid_from or "0000") <= date <= (p.valid_until or "9999")]
    assert len(in_force) == count
    assert len(set(in_force)) == count


@pytest.mark.parametrize(
    ("place", "date", "province"),
    [
        ("Hạ Long", "2018-02-20", "Quảng Ninh"),
        ("Buôn Ma Thuột", "2020-01-01", "Đắk Lắk"),
        ("Việt Trì", "2019-05-01", "Phú Thọ"),
        ("Huế", "2010-07-30", "Thừa Thiên Huế"),  # "Thành phố Huế, ngày 30 tháng 7 năm 2010"
        ("Huế", "2025-03-01", "Huế"),
        ("Yên Bái", "2025-08-01", "Lào Cai"),  # the merged Lào Cai sits in the former Yên Bái
    ],
)
def test_places_name_their_unit(bundled: Registry, place: str, date: str, province: str) -> None:
    units = [
        p.name
        for p in bundled.provinces
        if (p.valid_from or "0000") <= date <= (p.valid_until or "9999") and (place in p.places or place == p.seat)
    ]
    assert units == [province]


def test_aliases_cover_common_spellings(bundled: Registry) -> None:
    names = {a: p.name for p in bundled.provinces for a in (p.name, *p.aliases)}
    for alias, name in [
        ("Thanh Hoá", "Thanh Hóa"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("BR-VT", "Bà Rịa - Vũng Tàu"),
        ("TT-Huế", "Thừa Thiên Huế"),
    ]:
        assert names[alias] == name


# ---------------------------------------------------------------- validation errors

DOC_OK = """\
  - id: "TW:CT:30@VIII"
    number: 30-CT/TW
    system: party
    type: CT
    issuer_code: TW
    issuer: Bộ Chính trị
    term: VIII
    date: "1998-02-18"
"""


DOC_NEW = """\
  - id: "TW:QĐ:31@VIII"
    number: 31-QĐ/TW
    system: party
    type: QĐ
    issuer_code: TW
    issuer: Bộ Chính trị
    term: VIII
    date: "1997-10-01"
    title: ban hành Quy định về thể loại, thẩm quyền ban hành và thể thức văn bản của Đảng
"""


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        ('date: "1997-10-01"', 'date: "01/10/1997"', "documents.0.date", "not an ISO date"),
        ('date: "1997-10-01"', 'date: "1997-02-30"', "documents.0.date", "not a calendar date"),
        ("system: party", "system: đảng", "documents.0.system", "'party' or 'state'"),
        ("term: VIII", "term: VIII\n    titel: x", "documents.0.titel", "Extra inputs"),
        ("number: 31-QĐ/TW", "number: 31/QĐ-TW", "documents.0.number", "not canonical; write '31-QĐ/TW'"),
        ("number: 31-QĐ/TW", "number: Quy định 31", "documents.0.number", "not a document number"),
        ("number: 31-QĐ/TW", "number: 31-CT/TW", "documents.0.number", "type 'CT'"),
        ("term: VIII", "term: IX", "documents.0.date", "outside term IX"),
        (
            "issuer_code: TW",
            "issuer_code: TWW",
            "documents.0.issuer_code",
            "not in the issuer table",
        ),
        ('id: "TW:QĐ:31@VIII"', 'id: "31-QĐ/TW"', "documents.0.id", "should be 'TW:QĐ:31@VIII'"),
    ],
)
def test_a_broken_entry_names_file_key_path_and_problem(
    tmp_path: Path, old: str, new: str, where: str, words: str
) -> None:
    assert problems_of(write(tmp_path, "ok.yaml", "documents:\n" + DOC_NEW)) == []
    path = write(tmp_path, "mine.yaml", "documents:\n" + DOC_NEW.replace(old, new))
    found = [p for p in problems_of(path) if p.startswith(f"{path}: {where}: ")]
    assert found, problems_of(path)
    assert words in found[0]


LAW = """\
  - id: 64/2025/QH15
    number: 64/2025/QH15
    system: state
    type: L
    issuer_code: QH
    issuer: Quốc hội
    term: XV
    date: "2025-02-19"
    title: Luật Ban hành văn bản quy phạm pháp luật
"""


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        ("term: XV", "term: XIV", "documents.0.term", "XIV is term 14, the number says 15"),
        ('date: "2025-02-19"', 'date: "2024-02-19"', "documents.0.date", "not in 2025"),
        ("type: L", "type: NĐ", "documents.0.number", "the number says type 'L'"),
        ("issuer_code: QH", "issuer_code: UBTVQH", "documents.0.number", "`issuer_code` 'UBTVQH'"),
        ("id: 64/2025/QH15", "id: QH:L:64@XV", "documents.0.id", "should be '64/2025/QH15'"),
    ],
)
def test_a_broken_state_entry(tmp_path: Path, old: str, new: str, where: str, words: str) -> None:
    assert problems_of(write(tmp_path, "ok.yaml", "documents:\n" + LAW)) == []
    path = write(tmp_path, "mine.yaml", "documents:\n" + LAW.replace(old, new))
    found = [p for p in problems_of(path) if p.startswith(f"{path}: {where}: ")]
    assert found, problems_of(path)
    assert words in found[0]


def test_relation_to_no_document(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        """\
documents:
  - id: "TW:KL:121@XI"
    number: 121-KL/TW
    system: party
    type: KL
    issuer_code: TW
    issuer: Bộ Chính trị
    term: XI
    date: "2016-01-08"
    relations:
      - {type: continues, target: "TW:CT:30@VIII"}
      - {type: continues, target: "TW:CT:31@VIII"}
""",
    )
    assert problems_of(path) == [f"{path}: documents.0.relations.1.target: 'TW:CT:31@VIII' names no document"]


def test_relation_pointing_forward_in_time(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        """\
documents:
  - id: "TW:CT:09@VIII"
    number: 09-CT/TW
    system: party
    type: CT
    issuer_code: TW
    issuer: Bộ Chính trị
    term: VIII
    date: "1997-01-10"
    relations:
      - {type: continues, target: "TW:KL:120@XI"}
""",
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: documents.0.relations.0.target:")
    assert "newer than this document" in problem


def test_load_registry_raises_with_file_and_key_path(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "documents:\n" + DOC_OK.replace("1998-02-18", "18/02/1998"))
    with pytest.raises(RegistryError, match=r"mine\.yaml: documents\.0\.date: not an ISO date"):
        load_registry([path])


def test_not_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "documents:\n  - id: x\n   number: y\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: line 3, column 4: not valid YAML")


@pytest.mark.parametrize("c_loader", [True, False])
def test_python_tags_are_refused_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, c_loader: bool) -> None:
    """The safe loader (C or Python): a !!python tag is an error, never constructed."""
    if not c_loader:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    target = tmp_path / "pwned"
    path = write(tmp_path, "evil.yaml", f'documents: !!python/object/apply:os.mkdir ["{target}"]\n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: line 1")
    assert "python/object/apply:os.mkdir" in problem
    assert not target.exists()


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "list.yaml", "- 30-CT/TW\n- 120-KL/TW\n")
    assert problems_of(path) == [f"{path}: a registry file must be a mapping at the top level"]


# ---------------------------------------------------------------- user overlays

OVERLAY = """\
issuers:
  - {code: ĐUKCCQ, system: party, scope: local, level: province,
     name: Đảng ủy Khối các cơ quan tỉnh, bodies: [Đảng ủy Khối các cơ quan tỉnh]}
documents:
  - id: "TU:KH:26@2016#Lai Châu"
    number: 26-KH/TU
    system: party
    type: KH
    issuer_code: TU
    issuer: Tỉnh ủy Lai Châu
    province: Lai Châu
    date: "2016-03-01"
    title: về triển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị
    relations:
      - {type: implements, target: "TW:KL:120@XI"}
    confidence: partial
    sources: ["samples/laichau_13-KH-DUK_2016.txt:19"]
  - id: "ĐUKCCQ:KH:13@2016#Lai Châu"
    number: 13-KH/ĐUKCCQ
    system: party
    type: KH
    issuer_code: ĐUKCCQ
    issuer: Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Lai Châu
    province: Lai Châu
    date: "2016-04-11"
    relations:
      - {type: implements, target: "TU:KH:26@2016#Lai Châu"}
"""


def test_a_user_file_adds_documents_and_issuers(tmp_path: Path) -> None:
    path = write(tmp_path, "laichau.yaml", OVERLAY)
    assert problems_of(path) == []
    registry = load_registry([path])
    plan = registry.document("TU:KH:26@2016#Lai Châu")
    assert plan is not None and plan.relations[0].target == "TW:KL:120@XI"
    assert registry.issuer_info("ĐUKCCQ") is not None
    assert registry.document("TW:CT:30@VIII") is not None  # the bundled ones stay


def test_a_user_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "laichau.yaml", OVERLAY)
    monkeypatch.setenv(REGISTRY_ENV, str(path))
    assert load_registry().document("ĐUKCCQ:KH:13@2016#Lai Châu") is not None


def test_a_local_document_needs_its_province(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", OVERLAY.replace("    province: Lai Châu\n", "", 1))
    found = problems_of(path)
    assert f"{path}: documents.0.province: a local issuer's document needs its province" in found


def test_an_id_defined_twice_across_files_names_both_files(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "documents:\n" + DOC_OK)
    bundled = default_paths()[0]
    assert problems_of(path) == [
        f"{path}: documents.0.id: 'TW:CT:30@VIII' is already defined in {bundled} (documents.0)"
    ]


def test_an_issuer_defined_twice_across_files(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        "issuers:\n  - {code: TU, system: party, scope: local, level: province, name: Tỉnh ủy}\n",
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: issuers.0.code: 'TU' is already defined in {default_paths()[0]}")


def test_provinces_overlapping_in_time_are_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        "provinces:\n  - {name: Hà Tĩnh, valid_from: '2020-01-01'}\n",
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: provinces.0.name: 'Hà Tĩnh' overlaps the unit in ")


# ---------------------------------------------------------------- the command line


def qcdc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qcdc_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        check=False,
    )


def test_cli_validate_bundled() -> None:
    result = qcdc("registry", "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 2 file(s), ")


def test_cli_validate_broken_file_exits_2_naming_file_and_key_path(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "documents:\n" + DOC_OK.replace("system: party", "system: x"))
    result = qcdc("registry", "validate", str(path))
    assert result.returncode == 2
    assert f"qcdc: {path}: documents.0.system: Input should be 'party' or 'state'" in result.stderr
    assert result.stdout == ""


def test_cli_list_json_and_text() -> None:
    listed = json.loads(qcdc("registry", "list", "--format", "json").stdout)
    assert any(d["id"] == "TW:KL:120@XI" and d["date"] == "2016-01-07" for d in listed)
    provinces = json.loads(qcdc("registry", "list", "-k", "provinces", "-f", "json").stdout)
    assert len(provinces) == 87
    text = qcdc("registry", "list", "--kind", "terms").stdout
    assert "XIV" in text and "2026-01-23" in text


def test_cli_list_prints_registry_text_literally(tmp_path: Path) -> None:
    """A user file's text is never interpreted: rich markup and escapes show as written."""
    title = "[bold red]giả mạo[/] [link=https://x.invalid]bấm[/link] \x1b[31mđỏ\x1b[0m"
    doc = DOC_NEW.split("    title:")[0] + f"    title: {json.dumps(title)}\n"
    path = write(tmp_path, "mine.yaml", "documents:\n" + doc)
    result = qcdc("registry", "list", "--registry", str(path))
    assert result.returncode == 0, result.stderr
    assert "[bold red]giả mạo[/]" in result.stdout
    assert "[link=https://x.invalid]" in result.stdout
    assert "\x1b" not in result.stdout
    assert "\\x1b[31mđỏ" in result.stdout


def test_cli_list_with_broken_user_file_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "documents:\n" + DOC_OK)
    result = qcdc("registry", "list", "--registry", str(path))
    assert result.returncode == 2
    assert "documents.0.id: 'TW:CT:30@VIII' is already defined in" in result.stderr


# ---------------------------------------------------------------- the compiled cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of our own; the in-process memo cleared around the test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    registry_module._load.cache_clear()
    yield folder
    registry_module._load.cache_clear()


def fresh_load(extra: tuple[Path, ...] = ()) -> Registry:
    """What a new process would load (the in-process memo is per process)."""
    registry_module._load.cache_clear()
    return load_registry(extra)


def refuse_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any YAML read + validation fail, so a load can only come from the cache."""

    def no(*args: object) -> None:
        raise AssertionError("the registry was read from YAML, not from the cache")

    monkeypatch.setattr(registry_module, "_check", no)


def vocabulary_fields(registry: Registry) -> dict[str, object]:
    vocab = Vocabulary.from_registry(registry)  # compared field by field: eq is identity
    return {f.name: getattr(vocab, f.name) for f in dataclasses.fields(vocab)}


def test_a_cache_hit_gives_the_registry_and_vocabulary_of_a_cold_load(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = fresh_load()
    assert len(list(cache.glob("registry-*.json"))) == 1
    refuse_full_load(monkeypatch)
    warm = fresh_load()
    assert warm is not cold
    assert warm == cold
    assert warm.document("TW:KL:120@XI") == cold.document("TW:KL:120@XI")
    assert warm.model_dump_json() == cold.model_dump_json()  # ingest's derive key agrees
    assert vocabulary_fields(warm) == vocabulary_fields(cold)


def test_a_changed_yaml_file_is_read_again(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "laichau.yaml", OVERLAY)
    assert fresh_load((path,)).document("ĐUKCCQ:KH:13@2016#Lai Châu") is not None
    path.write_text(OVERLAY.replace("ĐUKCCQ:KH:13@2016", "ĐUKCCQ:KH:14@2016").replace("13-KH/", "14-KH/"), "utf-8")
    changed = fresh_load((path,))
    assert changed.document("ĐUKCCQ:KH:13@2016#Lai Châu") is None
    assert changed.document("ĐUKCCQ:KH:14@2016#Lai Châu") is not None
    assert len(list(cache.glob("registry-*.json"))) == 2


def test_overlays_are_part_of_the_key(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "laichau.yaml", OVERLAY)
    bundled_only = fresh_load()
    monkeypatch.setenv(REGISTRY_ENV, str(path))
    with_env = fresh_load()
    monkeypatch.delenv(REGISTRY_ENV)
    with_option = fresh_load((path,))
    refuse_full_load(monkeypatch)  # all three are cached now, each under its own key
    assert fresh_load().document("ĐUKCCQ:KH:13@2016#Lai Châu") is None
    assert fresh_load() == bundled_only
    monkeypatch.setenv(REGISTRY_ENV, str(path))
    assert fresh_load() == with_env != bundled_only
    monkeypatch.delenv(REGISTRY_ENV)
    assert fresh_load((path,)) == with_option


def test_an_invalid_overlay_is_an_error_every_time(cache: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "documents:\n" + DOC_OK.replace("system: party", "system: x"))
    for _ in range(2):  # nothing cached for it: the second run reports it too
        with pytest.raises(RegistryError, match=r"mine\.yaml: documents\.0\.system"):
            fresh_load((path,))
    assert list(cache.glob("registry-*.json")) == []


def test_caches_of_old_keys_are_dropped_after_a_month(cache: Path, tmp_path: Path) -> None:
    fresh_load()
    (old,) = cache.glob("registry-*.json")
    recent = cache / "registry-recent.json"
    recent.write_text("{}")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    fresh_load((write(tmp_path, "laichau.yaml", OVERLAY),))  # a new key: written, then pruned
    left = {p.name for p in cache.glob("registry-*.json")}
    assert old.name not in left and recent.name in left and len(left) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # truncated to nothing
        b"\x80\x81 not json",
        b'{"key": "0000", "registry": {}}',  # another key's content under this name
        b"[1, 2, 3]",
        None,  # the right key, a registry missing a table
    ],
    ids=["empty", "garbage", "other-key", "not-a-mapping", "missing-table"],
)
def test_a_damaged_cache_file_falls_back_and_is_rewritten(cache: Path, damage: bytes | None) -> None:
    cold = fresh_load()
    (file,) = cache.glob("registry-*.json")
    if damage is None:
        data = json.loads(file.read_bytes())
        del data["registry"]["documents"]
        damage = json.dumps(data).encode()
    file.write_bytes(damage)
    assert fresh_load() == cold
    assert json.loads(file.read_bytes())["registry"] == cold.model_dump()  # written again


@pytest.mark.parametrize("kind", ["under-a-file", "is-a-file"])
def test_a_cache_folder_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    folder = blocker / "qcdc" if kind == "under-a-file" else blocker
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    try:
        assert fresh_load().document("TW:KL:120@XI") is not None
        assert fresh_load().document("TW:KL:120@XI") is not None
    finally:
        registry_module._load.cache_clear()
    assert blocker.read_text() == "a file, not a folder"


def test_a_read_only_cache_folder_is_skipped(cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert fresh_load().document("TW:KL:120@XI") is not None
    finally:
        cache.chmod(0o700)


def test_check_with_an_unwritable_cache_runs(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    draft = REPO / "samples" / "hatinh_02-NQ-TU_2017.txt"
    result = qcdc("check", "-f", "json", str(draft), env={CACHE_ENV: str(blocker / "qcdc")})
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)


@pytest.mark.parametrize(
    ("environ", "folder"),
    [
        ({CACHE_ENV: "/x/qcdc-cache", "XDG_CACHE_HOME": "/y", "HOME": "/h"}, "/x/qcdc-cache"),
        ({"XDG_CACHE_HOME": "/y", "HOME": "/h"}, "/y/qcdc"),
        ({"XDG_CACHE_HOME": "relative", "HOME": "/h"}, "/h/.cache/qcdc"),  # XDG asks for absolute
        ({CACHE_ENV: "", "HOME": "/h"}, "/h/.cache/qcdc"),
    ],
)
def test_cache_dir(environ: dict[str, str], folder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", environ["HOME"])
    assert cache_dir(environ) == Path(folder)


# ---------------------------------------------------------------- packaging


def test_wheel_carries_the_registry(tmp_path: Path) -> None:
    """A non-editable install finds the YAML inside the package (force-include)."""
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("qcdc-*.whl")
    with zipfile.ZipFile(wheel) as z:
        for name in ("directives.yaml", "provinces.yaml"):
            assert z.read(f"qcdc_cli/data/{name}") == (REPO / "data" / name).read_bytes()
        z.extractall(tmp_path / "site")
    # the unpacked wheel, not the repository, must supply both the code and the data
    probe = (
        "import qcdc_cli.knowledge.registry as r; print(r.default_paths()[0]); print(len(r.load_registry().documents))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        check=True,
    )
    data_path, count = result.stdout.split()
    assert Path(data_path).is_relative_to(tmp_path / "site")
    assert int(count) == len(load_registry().documents)


def test_registry_relations_are_the_link_relations_but_cites() -> None:
    """The schema spells its relation names as a Literal (pydantic needs one); they must
    be the ones the graph ranks, or a registry link would rank below `cites`."""
    import typing

    from qcdc_cli.models import LINK_RELATIONS

    assert typing.get_args(schema_module.RelationType) == tuple(r for r in LINK_RELATIONS if r != "cites")
