"""``ungpho rules`` as a duty officer or a script runs it: JSON in, JSON out, clear errors."""

import json
import os

import pytest

from tests.conftest import REPO, ungpho
from ungpho.cli.rules import INPUTS
from ungpho.cli.rules_run import MODELS


@pytest.fixture
def env(tmp_path):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return {**base, "UNGPHO_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")}


LOST_SOURCE = {
    "first_information_at": "2026-11-21T08:05:00+07:00",
    "hazard": {"activity": "orphan_source"},
    "sources": [{"nuclide": "Ir-192", "activity": "1.5 TBq", "sealed": True}],
    "event": {"source_out_of_control": True, "source_sealed": True, "dose_rate": "200 mSv/h",
              "release": False, "contamination": "none"},
    "scope": {"at_facility": False, "provinces_affected": 1, "ministries_involved": 1,
              "transboundary": False},
}


def test_classify_reads_facts_from_stdin_and_explains_each_decision(env):
    result = ungpho("rules", "classify", "-", env=env, input=json.dumps(LOST_SOURCE))
    out = json.loads(result.stdout)
    decisions = out["decisions"]
    assert out["instrument"]["id"] == "tt12_2023"
    assert decisions["hazard_category"]["result"] == "IV"
    assert decisions["source_group"]["result"] == 2
    assert decisions["alarm_level"]["result"]["level"] == "cap_2"
    assert decisions["incident_scope"]["result"]["scope"] == "provincial"
    classify = next(d for d in decisions["deadlines"]["result"] if d["action"] == "classify")
    assert classify["due_before"] == "2026-11-21T08:20:00+07:00"
    for decision in decisions.values():
        for criterion in decision["matched"]:
            assert criterion["citation"] and criterion["fact"]


def test_an_event_of_2020_is_classified_under_tt_25_2014(env, tmp_path):
    facts = {**LOST_SOURCE, "first_information_at": "2020-03-02T10:00:00+07:00"}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    out = json.loads(ungpho("rules", "classify", str(path), env=env).stdout)
    assert out["instrument"]["id"] == "tt25_2014"
    assert out["decisions"]["alarm_level"]["result"] is None
    assert "Phụ lục III" in out["decisions"]["alarm_level"]["notes"][0]["vi"]


def test_bad_facts_are_listed_with_their_json_paths_and_exit_2(env):
    bad = {"hazard_category": "IV", "sources": [{"nuclide": "Xx-999", "activity": "-1 TBq"}],
           "event": {"dose_rat": "1 mSv/h", "release": False, "contamination": "wide_area"}}
    result = ungpho("rules", "classify", "-", env=env, input=json.dumps(bad), check=False)
    assert result.returncode == 2
    problems = {p["path"]: p["message"] for p in json.loads(result.stdout)["problems"]}
    assert "did you mean 'dose_rate'" in problems["$.event.dose_rat"]
    assert "negative" in problems["$.sources[0].activity"]
    assert "Traceback" not in result.stderr


def test_contradictory_facts_are_refused_not_guessed(env):
    facts = {"hazard_category": "IV", "event": {"release": False, "contamination": "wide_area"}}
    result = ungpho("rules", "classify", "-", env=env, input=json.dumps(facts), check=False)
    assert result.returncode == 2
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["path"] == "$.event.contamination"
    assert "contradicts release=false" in problem["message"]


def test_an_unknown_nuclide_is_named_with_its_path(env):
    facts = {"hazard_category": "IV", "sources": [{"nuclide": "Zz-1", "activity": "1 TBq"}]}
    result = ungpho("rules", "classify", "-", env=env, input=json.dumps(facts), check=False)
    assert result.returncode == 2
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["path"] == "$.sources[0].nuclide" and "no D-value" in problem["message"]


def test_zones_deadlines_and_cordon_take_flags(env):
    zones = json.loads(ungpho("rules", "zones", "--thermal-power", "3200 MW(th)",
                              env=env).stdout)
    deadlines = json.loads(ungpho("rules", "deadlines", "--category", "II",
                                  "--first-information", "2026-11-21T08:00:00+07:00",
                                  env=env).stdout)
    cordon = json.loads(ungpho("rules", "cordon", "--setting", "outdoors", "--situation",
                               "large_spill", "--measured", "150 m", "120 µSv/h",
                               env=env).stdout)
    assert zones["result"]["EPD"]["reference_km"] == 100
    assert len([d for d in deadlines["result"] if d["due_before"]]) == 6
    assert cordon["result"]["radius_m"] == 150


def test_actions_from_a_file(env, tmp_path):
    path = tmp_path / "doses.json"
    path.write_text(json.dumps({"doses": [
        {"quantity": "E", "dose": {"value": 120, "unit": "mSv"}, "basis": "projected",
         "period": "first_7_days"}]}), encoding="utf-8")
    out = json.loads(ungpho("rules", "actions", str(path), env=env).stdout)
    assert {"sheltering", "evacuation"} <= {a["id"] for a in out["result"]["actions"]}


def test_a_message_with_unfilled_placeholders_is_reported_and_exits_1(env):
    facts = {"values": {"organisation": "Ban chỉ huy tỉnh Quảng Ninh"}}
    result = ungpho("rules", "message", "-", "--template", "lost_or_stolen", env=env,
                    input=json.dumps(facts), check=False)
    out = json.loads(result.stdout)
    assert result.returncode == 1 and out["result"]["complete"] is False
    assert "location" in out["missing"] and "⟦location:" in out["result"]["text"]["vi"]


def test_show_prints_every_table_in_vietnamese_with_english_glosses(env):
    out = ungpho("rules", "show", "--instrument", "tt12_2023", env=env).stdout
    for title in ("Nhóm nguy cơ — Hazard categories", "Mức báo động — Alarm levels",
                  "Mức tiêu chí chung — Generic criteria", "Kích thước vùng bảo vệ",
                  "Phụ lục VI", "Phụ lục VII", "Phụ lục V]", "Phụ lục VIII, mục IV"):
        assert title in out
    assert "Cấp 1 — Level 1" in out and "[Phụ lục III, mục 2, Cấp 1, gạch đầu dòng 3]" in out


def test_show_says_which_tables_tt25_lacks(env):
    out = ungpho("rules", "show", "--instrument", "tt25_2014", env=env).stdout
    assert "□ alarm_levels [Phụ lục III]" in out


def test_docs_hold_the_current_input_schemas():
    """docs/rules.md carries each schema as `ungpho rules schema NAME` prints it."""
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for name, model in MODELS.items():
        schema = json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2)
        assert schema in docs, f"docs/rules.md: regenerate the schema of {name}"


def test_every_command_that_takes_facts_has_its_facts_model_in_the_same_order():
    """The parser (``ungpho.cli.rules``) names the inputs without loading the rule files;
    the runner keys its facts models by the same names."""
    assert tuple(MODELS) == INPUTS
