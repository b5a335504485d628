"""Lineage on realistic corpora: plans written the way provinces, districts and communes
write them, traced end to end (read, extract, resolve, graph) through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcdc_cli.cli import app
from qcdc_cli.cli._console import run_app


@pytest.fixture(autouse=True)
def _no_ambient_index(tmp_path, monkeypatch):
    monkeypatch.delenv("QCDC_DB", raising=False)
    monkeypatch.delenv("QCDC_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        run_app(app, list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def trace_json(capsys, *args: str) -> dict:
    code, out, err = run(capsys, "trace", *args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


NGHEAN_05 = """\
ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
*
Số 05-KH/TU
Vinh, ngày 05 tháng 02 năm 2005

KẾ HOẠCH
triển khai thực hiện Chỉ thị số 30-CT/TW của Bộ Chính trị

Căn cứ Chỉ thị số 10-CT/TW, ngày 28/3/2002 của Ban Bí thư về tiếp tục đẩy mạnh việc xây dựng và thực hiện quy chế dân chủ ở cơ sở;
Thực hiện Chỉ thị số 30-CT/TW, ngày 18/02/1998 của Bộ Chính trị về xây dựng và thực hiện quy chế dân chủ ở cơ sở, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
"""

NGHEAN_REPORT = """\
ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
*
Số 40-BC/TU
Vinh, ngày 10 tháng 12 năm 2005

BÁO CÁO
kết quả một năm thực hiện quy chế dân chủ ở cơ sở

Ban Thường vụ Tỉnh ủy đã ban hành Kế hoạch số 05-KH/TU, ngày 05/02/2005 về triển khai thực hiện Chỉ thị số 30-CT/TW của Bộ Chính trị.
"""


def test_a_plan_keeps_its_own_implements_parent_beside_a_based_on_chain(capsys, tmp_path):
    """ "Căn cứ 10-CT/TW" + 10-CT/TW continues 30-CT/TW does not imply the plan implements
    30-CT/TW: the link its title states is drawn, with its own line as first evidence."""
    corpus = tmp_path / "corpus"
    write(corpus, "nghean_05-KH-TU_2005.txt", NGHEAN_05)
    write(corpus, "baocao/nghean_40-BC-TU_2005.txt", NGHEAN_REPORT)  # sorts first
    data = trace_json(capsys, "05-KH/TU", "--corpus", str(corpus))
    edges = {(e["source"], e["target"]): e for e in data["edges"]}
    plan = "05-KH/TU@Nghệ An"
    implements = edges[(plan, "30-CT/TW")]
    assert implements["relation"] == "implements" and not implements["folded"]
    assert [Path(e["path"]).name for e in implements["evidence"]][:1] == ["nghean_05-KH-TU_2005.txt"]
    assert len(implements["evidence"]) >= 2  # the report, after the plan's own lines
    assert edges[(plan, "10-CT/TW")]["relation"] == "based_on"
    code, out, _ = run(capsys, "trace", "05-KH/TU", "--corpus", str(corpus))
    assert code == 0 and "Shortcut links folded" not in out


def plan(upper: str, body: str, number: str, place: str, date: str, title: str, *lines: str) -> str:
    """A plan as district and commune committees write them: the two-line header, the
    number, the place-and-date line, the title, then its opening sentences."""
    d, m, y = date.split("/")
    return "\n".join(
        [
            upper,
            body,
            "*",
            f"Số {number}",
            f"{place}, ngày {d} tháng {m} năm {y}",
            "",
            "KẾ HOẠCH",
            title,
            "",
            *lines,
            "",
        ]
    )


@pytest.fixture
def districts(tmp_path) -> Path:
    """Two provinces, districts with the same numbers in two terms, communes below them,
    a city committee numbering -TU like its province, a miswritten suffix."""
    c = tmp_path / "corpus"
    write(
        c,
        "laichau/tinh/26-KH-TU_2016.txt",
        plan(
            "ĐẢNG BỘ TỈNH LAI CHÂU",
            "TỈNH ỦY",
            "26-KH/TU",
            "Lai Châu",
            "01/03/2016",
            "triển khai thực hiện Kết luận số 120-KL/TW của Bộ Chính trị",
            "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch.",
        ),
    )
    write(
        c,
        "laichau/tinh/88-KH-TU_2018.txt",
        plan(
            "ĐẢNG BỘ TỈNH LAI CHÂU",
            "TỈNH ỦY",
            "88-KH/TU",
            "Lai Châu",
            "15/03/2018",
            "thực hiện Chỉ thị số 10-CT/TW của Ban Bí thư",
            "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị.",
        ),
    )
    for district, date in (("TAM ĐƯỜNG", "10/05/2016"), ("SÌN HỒ", "01/06/2016")):
        write(
            c,
            f"laichau/{district}/62-KH-HU_2016.txt",
            plan(
                "ĐẢNG BỘ TỈNH LAI CHÂU",
                f"HUYỆN ỦY {district}",
                "62-KH/HU",
                district.title(),
                date,
                "thực hiện Kế hoạch số 26-KH/TU của Tỉnh ủy",
                "Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu về triển khai thực hiện "
                "Kết luận số 120-KL/TW, Ban Thường vụ Huyện ủy xây dựng kế hoạch như sau:",
            ),
        )
    write(
        c,
        "laichau/TAM ĐƯỜNG/62-KH-HU_2021.txt",
        plan(
            "ĐẢNG BỘ TỈNH LAI CHÂU",
            "HUYỆN ỦY TAM ĐƯỜNG",
            "62-KH/HU",
            "Tam Đường",
            "02/08/2021",
            "thực hiện Kế hoạch số 88-KH/TU của Tỉnh ủy",
            "Thực hiện Kế hoạch số 88-KH/ĐU, ngày 15/3/2018 của Tỉnh ủy Lai Châu, Ban Thường vụ Huyện ủy xây dựng kế hoạch.",
        ),
    )
    write(
        c,
        "dienbien/MUONG ANG/62-KH-HU_2016.txt",
        plan(
            "ĐẢNG BỘ TỈNH ĐIỆN BIÊN",
            "HUYỆN ỦY MƯỜNG ẢNG",
            "62-KH/HU",
            "Mường Ảng",
            "20/05/2017",
            "thực hiện Kết luận số 120-KL/TW",
            "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị; Kế hoạch số 92-KH/TU, ngày 01/3/2017 "
            "của Tỉnh ủy, Ban Thường vụ Huyện ủy xây dựng kế hoạch.",
        ),
    )
    # communes: the header names the district's Party organisation, not the province
    write(
        c,
        "laichau/TAM ĐƯỜNG/xa/05-KH-DU_2016.txt",
        plan(
            "ĐẢNG BỘ HUYỆN TAM ĐƯỜNG",
            "ĐẢNG ỦY XÃ BẢN HON",
            "05-KH/ĐU",
            "Bản Hon",
            "01/07/2016",
            "thực hiện Kế hoạch số 62-KH/HU của Huyện ủy Tam Đường",
            "Thực hiện Kế hoạch số 62-KH/HU, ngày 10/5/2016 của Huyện ủy Tam Đường, Đảng ủy xã xây dựng kế hoạch.",
        ),
    )
    write(
        c,
        "laichau/TAM ĐƯỜNG/xa/07-KH-DU_2021.txt",
        plan(
            "ĐẢNG BỘ HUYỆN TAM ĐƯỜNG",
            "ĐẢNG ỦY XÃ BẢN HON",
            "07-KH/ĐU",
            "Bản Hon",
            "01/09/2021",
            "thực hiện Kế hoạch số 62-KH/HU của Huyện ủy",
            "Thực hiện Kế hoạch số 62-KH/HU, ngày 02/8/2021 của Huyện ủy, Đảng ủy xã xây dựng kế hoạch.",
        ),
    )
    write(
        c,
        "laichau/SÌN HỒ/xa/05-KH-DU_2016.txt",
        plan(
            "ĐẢNG BỘ HUYỆN SÌN HỒ",
            "ĐẢNG ỦY XÃ PA TẦN",
            "05-KH/ĐU",
            "Pa Tần",
            "05/07/2016",
            "thực hiện Kế hoạch số 62-KH/HU",
            "Thực hiện Kế hoạch số 62-KH/HU, ngày 01/6/2016 của Ban Thường vụ Huyện ủy Sìn Hồ.",
        ),
    )
    # a provincial city's committee numbers -KH/TU, like the Tỉnh ủy
    write(
        c,
        "dienbien/tinh/92-KH-TU_2017.txt",
        plan(
            "ĐẢNG BỘ TỈNH ĐIỆN BIÊN",
            "TỈNH ỦY",
            "92-KH/TU",
            "Điện Biên Phủ",
            "01/03/2017",
            "thực hiện Kết luận số 120-KL/TW",
            "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị.",
        ),
    )
    write(
        c,
        "dienbien/tp/92-KH-TU_2017.txt",
        plan(
            "ĐẢNG BỘ TỈNH ĐIỆN BIÊN",
            "THÀNH ỦY ĐIỆN BIÊN PHỦ",
            "92-KH/TU",
            "Điện Biên Phủ",
            "01/04/2017",
            "thực hiện Kết luận số 120-KL/TW",
            "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị, Ban Thường vụ Thành ủy xây dựng kế hoạch.",
        ),
    )
    write(
        c,
        "dienbien/tp/phuong/03-KH-DU_2017.txt",
        plan(
            "ĐẢNG BỘ THÀNH PHỐ ĐIỆN BIÊN PHỦ",
            "ĐẢNG ỦY PHƯỜNG MƯỜNG THANH",
            "03-KH/ĐU",
            "Mường Thanh",
            "01/05/2017",
            "thực hiện Kế hoạch số 92-KH/TU của Thành ủy",
            "Thực hiện Kế hoạch số 92-KH/TU, ngày 01/4/2017 của Thành ủy Điện Biên Phủ.",
        ),
    )
    # a header converted from a legacy font: Ð (U+00D0) for Đ
    write(
        c,
        "lamdong/04-KH-HU_2016.txt",
        plan(
            "ĐẢNG BỘ TỈNH LÂM ĐỒNG",
            "HUYỆN ỦY ĐỨC TRỌNG",
            "04-KH/HU",
            "Đức Trọng",
            "12/08/2016",
            "thực hiện Kết luận số 120-KL/TW",
            "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị.",
        ).replace("Đ", "Ð"),
    )
    return c


def parents(capsys, corpus: Path, number: str, *options: str) -> dict[str, str]:
    """{parent id: relation} of the document `number` (with `options` to pick it)."""
    data = trace_json(capsys, number, "--corpus", str(corpus), "--depth", "1", *options)
    return {e["target"]: e["relation"] for e in data["edges"] if e["source"] == data["target"]}


def test_district_numbers_are_scoped_by_province_district_and_term(capsys, districts):
    data = trace_json(capsys, "62-KH/HU", "--corpus", str(districts), "--province", "Tam Đường", "--year", "2016")
    assert data["target"] == "62-KH/HU@Lai Châu/Tam Đường#2016"
    code, _out, err = run(capsys, "trace", "62-KH/HU", "--corpus", str(districts))
    assert code == 1
    for ident in (
        "62-KH/HU@Lai Châu/Tam Đường#2016",
        "62-KH/HU@Lai Châu/Tam Đường#2021",
        "62-KH/HU@Lai Châu/Sìn Hồ",
        "62-KH/HU@Điện Biên/Mường Ảng",
    ):
        assert ident in err
    assert parents(capsys, districts, "62-KH/HU@Lai Châu/Sìn Hồ") == {"26-KH/TU@Lai Châu": "implements"}


def test_commune_plans_land_on_their_own_district_s_plan(capsys, districts):
    tam_duong = parents(capsys, districts, "05-KH/ĐU@Lai Châu/Tam Đường")
    assert tam_duong == {"62-KH/HU@Lai Châu/Tam Đường#2016": "implements"}
    later = parents(capsys, districts, "07-KH/ĐU@Lai Châu/Tam Đường")
    assert later == {"62-KH/HU@Lai Châu/Tam Đường#2021": "implements"}
    assert parents(capsys, districts, "05-KH/ĐU@Lai Châu/Sìn Hồ") == {"62-KH/HU@Lai Châu/Sìn Hồ": "implements"}


def test_a_city_committee_s_tu_plan_is_not_the_province_s(capsys, districts):
    city = "92-KH/TU@Điện Biên/Điện Biên Phủ"
    assert parents(capsys, districts, city) == {"120-KL/TW": "implements"}
    assert "92-KH/TU@Điện Biên" in parents(capsys, districts, "62-KH/HU@Điện Biên/Mường Ảng")
    assert parents(capsys, districts, "03-KH/ĐU@Điện Biên/Điện Biên Phủ") == {city: "implements"}


def test_a_miswritten_suffix_is_a_likely_alias_with_its_evidence(capsys, districts):
    data = trace_json(capsys, "62-KH/HU@Lai Châu/Tam Đường#2021", "--corpus", str(districts), "--depth", "1")
    edges = {e["target"]: e for e in data["edges"] if e["source"] == data["target"]}
    assert list(edges) == ["88-KH/TU@Lai Châu"]
    [issue] = [i for i in data["issues"] if i["number"] == "88-KH/ĐU"]
    assert issue["target"] == "88-KH/TU@Lai Châu" and "88-KH/ĐU" in issue["message"]
    assert issue["evidence"]["line"] == 10
    assert not any(n["id"].startswith("88-KH/ĐU") for n in data["nodes"])


def test_a_legacy_font_header_finds_its_province_and_district(capsys, districts):
    data = trace_json(capsys, "04-KH/HU", "--corpus", str(districts))
    assert data["target"] == "04-KH/HU@Lâm Đồng/Đức Trọng"
    [node] = [n for n in data["nodes"] if n["id"] == data["target"]]
    assert "Ð" not in (node["issuer"] or "")


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def samples_index(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("index") / "index.sqlite")
    with pytest.raises(SystemExit) as done:
        run_app(app, ["ingest", str(SAMPLES), "--db", db])
    assert not done.value.code
    return db


def test_trace_accepts_the_registry_ids_it_prints(capsys, samples_index):
    for where in (("--db", samples_index), ("--corpus", str(SAMPLES))):
        data = trace_json(capsys, "TW:KL:120@XI", *where)
        assert data["target"] == "120-KL/TW"


def test_a_wrong_province_names_the_documents_that_have_the_number(capsys, samples_index):
    code, _out, err = run(capsys, "trace", "62-KH/TU", "--province", "Narnia", "--db", samples_index)
    assert code == 1
    assert "62-KH/TU@Thừa Thiên Huế" in err and "none Narnia" in err


def test_coverage_lists_central_documents_apart(capsys, samples_index):
    code, out, _ = run(capsys, "coverage", "30-CT/TW", "--db", samples_index, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["id"] for d in data["central"]] == ["120-KL/TW"]
    assert "(unknown)" not in data["provinces"]


def test_unresolved_counts_miswritten_numbers_under_their_reading(capsys, samples_index):
    code, out, _ = run(capsys, "unresolved", "--db", samples_index)
    assert code == 0
    assert "34-PL/UBTVQH11" not in out and "25-NQ/TU" not in out


@pytest.fixture
def congresses(tmp_path) -> Path:
    """One district's plans for two congress cycles, each citing its term's 35-CT/TW, and
    a commune plan on grassroots democracy under the Luật of 2022."""
    c = tmp_path / "corpus"
    write(
        c,
        "2019.txt",
        plan(
            "ĐẢNG BỘ TỈNH LAI CHÂU",
            "HUYỆN ỦY TAM ĐƯỜNG",
            "95-KH/HU",
            "Tam Đường",
            "15/07/2019",
            "thực hiện Chỉ thị số 35-CT/TW của Bộ Chính trị về đại hội đảng bộ các cấp",
            "Thực hiện Chỉ thị số 35-CT/TW, ngày 30/5/2019 của Bộ Chính trị về đại hội đảng bộ các cấp "
            "tiến tới Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.",
        ),
    )
    write(
        c,
        "2024.txt",
        plan(
            "ĐẢNG BỘ TỈNH LAI CHÂU",
            "HUYỆN ỦY TAM ĐƯỜNG",
            "210-KH/HU",
            "Tam Đường",
            "20/07/2024",
            "thực hiện Chỉ thị số 35-CT/TW của Bộ Chính trị về đại hội đảng bộ các cấp",
            "Thực hiện Chỉ thị số 35-CT/TW, ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp "
            "tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng; Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15.",
        ),
    )
    return c


def test_a_party_number_of_two_terms_is_picked_by_the_day(capsys, congresses):
    before = trace_json(capsys, "35-CT/TW", "--down", "--corpus", str(congresses), "--as-of", "01/01/2020")
    after = trace_json(capsys, "35-CT/TW", "--down", "--corpus", str(congresses), "--as-of", "2025-01-01")
    assert before["target"] != after["target"]
    below = {e["source"] for e in before["edges"] if e["target"] == before["target"]}
    assert below == {"95-KH/HU@Lai Châu/Tam Đường"}
    below = {e["source"] for e in after["edges"] if e["target"] == after["target"]}
    assert below == {"210-KH/HU@Lai Châu/Tam Đường"}


@pytest.mark.parametrize(
    ("day", "ordinance", "law"),
    [("30/06/2023", "in_force", "not_yet_in_force"), ("1/7/2023", "repealed", "in_force")],
)
def test_statuses_as_they_stood_that_day(capsys, day, ordinance, law):
    for number, status in (("34/2007/PL-UBTVQH11", ordinance), ("10/2022/QH15", law)):
        code, out, err = run(capsys, "show", number, "--as-of", day, "-f", "json")
        assert code == 0, err
        assert json.loads(out)["document"]["status"] == status


def test_links_as_they_stood_that_day(capsys, congresses):
    later = trace_json(capsys, "10/2022/QH15", "--down", "--corpus", str(congresses))
    assert "210-KH/HU@Lai Châu/Tam Đường" in {n["id"] for n in later["nodes"]}
    then = trace_json(capsys, "10/2022/QH15", "--down", "--corpus", str(congresses), "--as-of", "2023-08-01")
    assert {n["id"] for n in then["nodes"]} == {"10/2022/QH15"}
