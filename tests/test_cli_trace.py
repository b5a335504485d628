"""`qcdc trace` and `qcdc show` end to end: streams, exit codes, picking a document."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from graph_factories import doc

from qcdc_cli.cli import app
from qcdc_cli.cli._console import run_app
from qcdc_cli.render.graph_export import TRACE_SCHEMA

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(autouse=True)
def _no_ambient_index(tmp_path, monkeypatch):
    """No index or registry from the environment or the working folder leaks in."""
    monkeypatch.delenv("QCDC_DB", raising=False)
    monkeypatch.delenv("QCDC_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def reg(tmp_path) -> Path:
    """A user registry file on top of the bundled one: a provincial plan it lacks."""
    plan = doc(
        "26-KH/TU",
        id="TU:KH:26@2016#Lai Châu",
        date="2016-03-01",
        issuer="Tỉnh ủy Lai Châu",
        province="Lai Châu",
        title="triển khai thực hiện Kết luận số 120-KL/TW của Bộ Chính trị",
        relations=[{"type": "implements", "target": "TW:KL:120@XI"}],
    )
    path = tmp_path / "extra.yaml"
    data = {"documents": [plan.model_dump(exclude_defaults=True)]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        run_app(app, list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def test_trace_from_the_registry(capsys, reg):
    code, out, err = run(capsys, "trace", "26-KH/TU", "--registry", str(reg))
    assert code == 0 and err == ""
    assert out.startswith("26-KH/TU@Lai Châu")
    assert "implements 120-KL/TW" in out and "registry TU:KH:26@2016#Lai Châu" in out
    assert "continues 30-CT/TW" in out and "registry TW:KL:120@XI" in out


def test_unknown_number_suggests_close_ones(capsys, reg):
    code, out, err = run(capsys, "trace", "120-KL/TV", "--registry", str(reg))
    assert code == 1 and out == ""
    assert "no document 120-KL/TV is known" in err and "120-KL/TW" in err


def test_ambiguous_number_lists_candidates_and_how_to_pick(capsys, reg):
    # the bundled registry has both: Bộ Chính trị khóa XII (2016) and Ban Bí thư khóa XIII (2021)
    code, out, err = run(capsys, "trace", "05-CT/TW")
    assert code == 1 and out == ""
    assert "05-CT/TW@XII" in err and "05-CT/TW@XIII" in err and "--province or --year" in err
    code, out, _ = run(capsys, "trace", "05-CT/TW", "--year", "2016")
    assert code == 0 and out.startswith("05-CT/TW@XII")
    code, out, _ = run(capsys, "show", "05-CT/TW@XIII")
    assert code == 0 and "khóa XIII" in out and "TW:CT:05@XIII" in out


def test_conflicting_directions_are_a_usage_error(capsys, reg):
    code, _, err = run(capsys, "trace", "120-KL/TW", "--up", "--down", "--registry", str(reg))
    assert code == 2 and "at most one" in err


def test_missing_corpus_path_is_an_input_error(capsys, reg, tmp_path):
    code, out, err = run(capsys, "trace", "120-KL/TW", "--corpus", str(tmp_path / "nope"))
    assert code == 2 and out == "" and "no such file or folder" in err


def test_show_json(capsys, reg):
    code, out, _ = run(capsys, "show", "120-KL/TW", "-f", "json", "--registry", str(reg))
    data = json.loads(out)
    assert code == 0 and data["document"]["registry_id"] == "TW:KL:120@XI"
    assert data["document"]["date"] == "2016-01-07" and not data["document"]["in_corpus"]
    assert "30-CT/TW" in {e["target"] for e in data["cites"]}
    assert [e["source"] for e in data["cited_by"]] == ["26-KH/TU@Lai Châu"]


def test_trace_json_and_mermaid_on_stdout(capsys, reg):
    code, out, _ = run(capsys, "trace", "30-CT/TW", "--down", "-f", "json", "--registry", str(reg))
    jsonschema.validate(json.loads(out), TRACE_SCHEMA)
    code, out, _ = run(capsys, "trace", "30-CT/TW", "--down", "-f", "mermaid", "--registry", str(reg))
    assert code == 0 and out.startswith("flowchart BT\n")


# ---- the done-when checks over the bundled seed texts, with the real extractor


@pytest.fixture
def seeds():
    return ["--corpus", str(SAMPLES)]


def trace_json(capsys, *args: str) -> dict:
    code, out, err = run(capsys, "trace", *args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


def chain(data: dict, start: str) -> list[str]:
    """Follow the drawn (unfolded) links up from `start`, strongest-first order."""
    edges = [e for e in data["edges"] if not e["folded"]]
    out = [start]
    while True:
        nxt = sorted(e["target"] for e in edges if e["source"] == out[-1] and e["relation"] != "cites")
        if not nxt:
            return out
        out.append(nxt[0] if nxt[0] not in out else nxt[-1])


def test_seed_lai_chau_chain(capsys, seeds):
    data = trace_json(capsys, "13-KH/ĐUK", *seeds)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert chain(data, "13-KH/ĐUK@Lai Châu")[:3] == [
        "13-KH/ĐUK@Lai Châu",
        "26-KH/TU@Lai Châu",
        "120-KL/TW",
    ]
    n26 = nodes["26-KH/TU@Lai Châu"]
    assert (n26["issuer"], n26["date"], n26["in_corpus"]) == (
        "Tỉnh ủy Lai Châu",
        "2016-03-01",
        False,
    )
    assert (nodes["120-KL/TW"]["date"], nodes["30-CT/TW"]["date"]) == ("2016-01-07", "1998-02-18")
    drawn = {(e["source"], e["target"]) for e in data["edges"] if not e["folded"]}
    assert ("120-KL/TW", "30-CT/TW") in drawn
    reported = next(e for e in data["edges"] if e["source"] == "26-KH/TU@Lai Châu")
    assert reported["evidence"][0]["path"].endswith("laichau_13-KH-DUK_2016.txt")
    code, out, _ = run(capsys, "trace", "13-KH/ĐUK", *seeds)
    assert code == 0 and "reported by 13-KH/ĐUK@Lai Châu" in out


def test_seed_hue_reaches_30_ct_tw_through_65_kl_tw(capsys, seeds):
    data = trace_json(capsys, "62-KH/TU", *seeds)
    assert chain(data, "62-KH/TU@Thừa Thiên Huế")[:3] == [
        "62-KH/TU@Thừa Thiên Huế",
        "65-KL/TW",
        "30-CT/TW",
    ]
    folded = {(e["source"], e["target"]) for e in data["edges"] if e["folded"]}
    assert ("62-KH/TU@Thừa Thiên Huế", "30-CT/TW") in folded


def test_seed_30_ct_tw_down_lists_every_seed_plan(capsys, seeds):
    data = trace_json(capsys, "30-CT/TW", "--down", *seeds)
    in_corpus = {n["path"] for n in data["nodes"] if n["in_corpus"] and n["path"]}
    assert {Path(p).name for p in in_corpus} == {p.name for p in SAMPLES.glob("*.txt")}


def test_seed_tuyen_quang_plan_traces_through_30_ctr_tu(capsys, seeds):
    plan = f"file:{SAMPLES / 'tuyenquang_ubnd_dan-van_2013.txt'}"
    data = trace_json(capsys, plan, *seeds)
    assert chain(data, plan)[1] == "30-CTr/TU@Tuyên Quang"
    [issue] = [i for i in data["issues"] if i["number"] == "25-NQ/TU"]
    assert "25-NQ/TW" in issue["message"]


def shape(data: dict) -> tuple:
    """What a trace says, without where the files were read from."""
    nodes = sorted((n["id"], n["date"], n["in_corpus"]) for n in data["nodes"] if not n["id"].startswith("file:"))
    edges = sorted((e["source"], e["target"], e["relation"], e["folded"]) for e in data["edges"])
    return nodes, edges


def test_trace_over_the_index_matches_the_corpus(capsys, tmp_path):
    db = str(tmp_path / "index.sqlite")
    code, _, err = run(capsys, "ingest", str(SAMPLES), "--db", db, "-j", "1")
    assert code == 0, err
    for target, way in (("13-KH/ĐUK", "--up"), ("30-CT/TW", "--down")):
        from_index = trace_json(capsys, target, way, "--db", db)
        from_files = trace_json(capsys, target, way, "--corpus", str(SAMPLES))
        assert shape(from_index) == shape(from_files)
    # the default index in the working folder is used when nothing else is given
    (tmp_path / ".qcdc").mkdir()
    Path(db).rename(tmp_path / ".qcdc" / "index.sqlite")
    code, out, _ = run(capsys, "show", "26-KH/TU")
    assert code == 0 and "13-KH/ĐUK@Lai Châu" in out


@pytest.fixture
def seeds_index(capsys, tmp_path) -> str:
    db = str(tmp_path / "index.sqlite")
    code, _, err = run(capsys, "ingest", str(SAMPLES), "--db", db, "-j", "1")
    assert code == 0, err
    return db


def test_index_is_read_a_piece_at_a_time_with_the_same_answers(capsys, seeds_index, monkeypatch):
    """trace/show over an index read only the documents the number can mean and the part
    of the graph reached; they answer as resolving the whole index again does. One
    difference, on purpose: a trace lists the issues its documents raise and those raised
    about the traced document, not every issue anyone raises about a document shown (a
    hub such as 30-CT/TW gets thousands in a national corpus)."""
    import qcdc_cli.app.lineage as lineage_module
    import qcdc_cli.app.pipeline as pipeline

    questions = [
        ("trace", "13-KH/ĐUK", "--up"),
        ("trace", "30-CT/TW", "--down"),
        ("trace", "26-KH/TU", "--both"),
        ("trace", "62-KH/TU", "--both", "--depth", "1"),
        ("show", "30-CT/TW"),
        ("show", "120-KL/TW"),
        ("show", "13-KH/ĐUK"),
        # raised about it by a text outside its chain: the TU/TW typo of the Tuyên Quang
        # plan, linked to the document it fits (25-NQ/TW) with the discrepancy
        ("trace", "25-NQ/TW", "--down"),
        ("trace", "30-CTr/TU", "--province", "Tuyên Quang", "--up", "--depth", "1"),
    ]
    loaded = []
    whole = pipeline.build_lineage
    monkeypatch.setattr(pipeline, "build_lineage", lambda *a, **k: loaded.append(a) or whole(*a, **k))
    piecewise = {}
    for question in questions:
        code, out, err = run(capsys, *question, "--db", seeds_index, "-f", "json")
        assert code == 0, (question, err)
        piecewise[question] = json.loads(out)
    assert not loaded, "the whole index was loaded"
    monkeypatch.setattr(lineage_module, "_stored_resolution_usable", lambda path, *_: (False, str(path)))
    for question in questions:
        code, out, err = run(capsys, *question, "--db", seeds_index, "-f", "json")
        assert code == 0, (question, err)
        assert _trace_issues_kept(json.loads(out)) == piecewise[question], question
    assert len(loaded) == len(questions)


def _trace_issues_kept(data: dict) -> dict:
    """A whole-graph answer with the issues a trace over the index keeps."""
    if "target" in data:  # a trace, not show
        shown = {n["id"] for n in data["nodes"]}
        data["issues"] = [i for i in data["issues"] if i["source"] in shown or i["target"] == data["target"]]
    return data


def test_an_index_resolved_under_another_registry_is_resolved_again(capsys, seeds_index, reg):
    """A --registry the index was not resolved with changes what numbers mean: a small
    index is resolved again with it, silently."""
    code, out, err = run(capsys, "show", "26-KH/TU", "--db", seeds_index, "--registry", str(reg), "-f", "json")
    assert code == 0, err
    assert json.loads(out)["document"]["registry_id"] == "TU:KH:26@2016#Lai Châu"


def test_a_large_index_resolved_under_another_registry_answers_with_a_warning(capsys, seeds_index, reg, monkeypatch):
    """Resolving a large index again would take minutes: its stored resolution answers
    (the overlay's plan is not known to it) and stderr says how to refresh it."""
    import qcdc_cli.app.lineage as lineage_module

    monkeypatch.setattr(lineage_module, "RESOLVE_AGAIN_UP_TO", 3)
    code, out, err = run(capsys, "show", "26-KH/TU", "--db", seeds_index, "--registry", str(reg), "-f", "json")
    assert code == 0, err
    assert "resolved with another registry or qcdc version" in err and "qcdc ingest" in err
    assert json.loads(out)["document"]["registry_id"] is None
    code, _, err = run(capsys, "show", "26-KH/TU", "--db", seeds_index, "-f", "json")
    assert code == 0 and err == ""


def test_unknown_number_in_an_index_names_the_index(capsys, seeds_index):
    code, _, err = run(capsys, "trace", "999-KH/TU", "--db", seeds_index)
    assert code == 1
    assert f"the index {seeds_index}" in err and "document(s)" in err
    assert "--corpus" not in err


def test_export_root_under_another_registry_is_still_the_part_around_the_root(capsys, seeds_index, reg):
    """A small index resolved again for another registry gives the whole graph; `export
    --root` still writes only the documents above and below the root."""
    code, out, err = run(capsys, "export", "--root", "13-KH/ĐUK", "--db", seeds_index, "-f", "json")
    assert code == 0, err
    piecewise = {n["id"] for n in json.loads(out)["nodes"]}
    code, out, err = run(
        capsys, "export", "--root", "13-KH/ĐUK", "--db", seeds_index, "--registry", str(reg), "-f", "json"
    )
    assert code == 0, err
    assert {n["id"] for n in json.loads(out)["nodes"]} == piecewise
    assert "30-CT/TW" in piecewise and len(piecewise) < 10
