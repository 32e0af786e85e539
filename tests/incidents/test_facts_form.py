"""The structured facts form of the incident page, generated from the rules engine's facts
models: facts and form values convert both ways without loss, a classification from the form
is the one the JSON gives, and a refused form names each problem next to its field."""

import datetime as dt
import json
import re

import pytest

from ungpho.core.rules.facts import FactsError
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.lifecycle import incident_classify, incident_open
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.reports.reception import report_receive
from ungpho.incidents.views.facts_form import facts_form, facts_from_form, facts_values, field_of
from ungpho.incidents.views.facts_labels import fact_label, facts_shown, gives_label

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
FACTS = {k: v for k, v in LOST_IR192.items() if k != "first_information_at"}


def _nodes(values=None, errors=None):
    return {n.name: n for n in facts_form(values or {}, errors or {}) if n.kind == "field"}


def test_facts_become_form_values_and_back_unchanged():
    values = facts_values(FACTS)
    assert values["event.dose_rate"] == "200" and values["event.dose_rate__unit"] == "mSv/h"
    assert values["sources.0.sealed"] == "yes" and values["scope.provinces_affected"] == "1"
    facts, _ = facts_from_form(values)
    assert facts == FACTS
    assert facts_values(facts) == values


def test_the_fields_follow_the_models_types():
    nodes = _nodes()
    assert nodes["event.contamination"].spec.options == ("none", "small_area", "wide_area")
    assert [v for v, _ in nodes["event.release"].options] == ["yes", "no"]  # + unknown
    assert nodes["event.dose_rate"].spec.units == ("Sv/h", "mSv/h", "µSv/h", "nSv/h")
    assert nodes["hazard.facility.reactor_thermal_power"].spec.units[:2] == ("W", "kW")
    assert nodes["event.source_group"].spec.bounds == (1, 5)
    assert nodes["response_levels"].value == ["facility", "locality"]  # the default
    assert "first_information_at" not in nodes  # the incident's own


def test_empty_fields_and_defaults_are_no_facts():
    facts, _ = facts_from_form({"event.release": "", "sources_aggregated": "no",
                                "response_levels": ["facility", "locality"],
                                "sources.0.nuclide": "", "event.dose_rate": "",
                                "event.dose_rate__unit": "mSv/h"})
    assert facts == {}


def test_an_unreadable_number_is_named_by_its_path():
    with pytest.raises(FactsError) as error:
        facts_from_form({"scope.provinces_affected": "two"})
    assert error.value.problems[0].path == "$.scope.provinces_affected"


def test_a_path_in_a_list_maps_back_to_the_row_of_the_form():
    facts, positions = facts_from_form({"sources.0.nuclide": "", "sources.1.nuclide": "Cs-137",
                                        "sources.1.activity": "5", "sources.1.activity__unit":
                                        "GBq"})
    assert facts["sources"] == [{"nuclide": "Cs-137", "activity": "5 GBq"}]
    assert field_of("$.sources[0].activity", positions) == "sources.1.activity"
    assert field_of("$.event.dose_rate") == "event.dose_rate"


def _incident(duty_officer):
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    report = IncidentReport.objects.create(source="call", province_id="22", lat=20.96,
                                           lon=107.08, first_information_at=at, opened_at=at,
                                           updated_at=at)
    return incident_open(report=report, by=duty_officer)


def test_a_classification_from_the_form_is_the_one_the_json_gives(client, duty_officer):
    incident = _incident(duty_officer)
    by_json = incident_classify(incident=incident, facts=FACTS, by=duty_officer)
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{incident.pk}/classify",
                         {**facts_values(FACTS), "mode": "form"})
    assert answer.status_code == 302 and answer["Location"] == f"/incidents/{incident.pk}/"
    by_form = incident.classifications.last()
    assert by_form.pk != by_json.pk
    assert by_form.facts == by_json.facts
    assert by_form.suggestion["decisions"] == by_json.suggestion["decisions"]
    assert (by_form.hazard_category, by_form.alarm_level, by_form.scope) == ("IV", 2,
                                                                            "provincial")


def test_the_json_toggle_still_classifies(client, duty_officer):
    incident = _incident(duty_officer)
    client.force_login(duty_officer)
    client.post(f"/incidents/{incident.pk}/classify", {"mode": "json",
                                                       "facts": json.dumps(FACTS)})
    assert incident.classifications.get().hazard_category == "IV"


def test_a_refused_form_shows_the_problem_beside_its_field_with_the_values_kept(
        client, duty_officer):
    incident = _incident(duty_officer)
    client.force_login(duty_officer)
    values = {**facts_values(FACTS), "event.dose_rate": "fast", "mode": "form"}
    answer = client.post(f"/incidents/{incident.pk}/classify", values)
    assert answer.status_code == 302 and answer["Location"].endswith("#classify")
    page = client.get(answer["Location"]).content.decode()
    block = re.search(r'<div class="field invalid" data-fact="event.dose_rate">.*?</div>', page,
                      re.S)
    assert block and 'value="fast"' in block[0] and 'class="error"' in block[0]
    assert '<option value="orphan_source" selected>' in page  # the rest is kept
    assert not incident.classifications.exists()
    assert "field invalid" not in client.get(f"/incidents/{incident.pk}/").content.decode()


def test_the_form_starts_from_the_facts_of_the_call_that_opened_the_incident(
        client, duty_officer):
    from tests.incidents.test_reception import CALL, NOW

    report = report_receive(answers={**CALL, "call_verified": "yes"}, by=duty_officer, now=NOW)
    incident = incident_open(report=report, by=duty_officer)
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    nodes = _nodes(facts_values(report.decision["facts"]))
    assert nodes["event.information_clear"].value == "yes"
    assert nodes["scope.effects_beyond_site"].value == "yes"  # the public is affected
    assert re.search(r'name="event.information_clear"[^>]*>.*?<option value="yes" selected>',
                     page, re.S)


@pytest.mark.parametrize(("shown", "expected"), [
    (lambda: fact_label("hazard.facility.release_potential"), "Cơ sở › Khả năng phát tán"),
    (lambda: fact_label("$.sources[0].activity"), "Các nguồn phóng xạ liên quan › Hoạt độ"),
    (lambda: facts_shown("hazard.activity = orphan_source; event.release = false"),
     "Nguy cơ (để xác định nhóm, Phụ lục I) › Loại hoạt động hoặc sự việc: nguồn mồ côi "
     "(ngoài kiểm soát); Sự việc (nhóm nguy cơ III–V, cấp 1–3) › Phát tán chất phóng xạ: không"),
    (lambda: facts_shown("A/D = 18.75"), "A/D = 18.75"),  # a quantity, kept as written
    (lambda: gives_label("cap_2"), "cấp 2"),
])
def test_facts_and_what_criteria_give_are_shown_by_their_names_never_their_keys(shown,
                                                                                 expected):
    assert shown() == expected


def test_the_form_offers_choices_by_their_names():
    nodes = {n.name: n for n in facts_form({}, {}) if n.kind == "field"}
    assert dict(nodes["hazard.activity"].options)["orphan_source"] == \
        "nguồn mồ côi (ngoài kiểm soát)"
    assert dict(nodes["event.contamination"].options)["none"] == "không có"
