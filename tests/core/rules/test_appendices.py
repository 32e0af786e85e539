"""Every row and boundary of the appendices of TT 12/2023/TT-BKHCN, as the engines apply them.

The "every criterion" tests are generated from the rule files: for each criterion, facts
that satisfy its condition are built and the criterion must be reported as matched.
"""

from datetime import date, datetime, timedelta, timezone

import pytest

from ungpho.core.rules.actions import protective_actions
from ungpho.core.rules.alarm import alarm_level
from ungpho.core.rules.category import hazard_category
from ungpho.core.rules.conditions import Condition
from ungpho.core.rules.cordon import cordon
from ungpho.core.rules.deadlines import legal_deadlines
from ungpho.core.rules.facts import (
    ActionFacts,
    CordonFacts,
    FactsError,
    HazardFacts,
    IncidentFacts,
    ScopeFacts,
    ZoneFacts,
    facts_parse,
)
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.scope import incident_scope
from ungpho.core.rules.zones import emergency_zones

TT12 = rules_in_force(date(2026, 11, 21))
TT25 = rules_in_force(date(2020, 6, 1))
VN = timezone(timedelta(hours=7))


def _value(condition: Condition):
    if condition.within is not None:
        interval = condition.within
        low = 0.0 if interval.low == float("-inf") else interval.low
        number = low if interval.low_closed else (low * 1.5 if low else 1.0)
        if interval.dimension is None:
            return int(number) if number.is_integer() else number
        unit = {"power": "W", "absorbed_dose_rate": "Gy/h", "dose_rate": "Sv/h",
                "activity": "Bq"}[interval.dimension]
        return f"{number!r} {unit}"
    if condition.one_of:
        return [condition.one_of[0]] if condition.fact.endswith("functions_lost") \
            else condition.one_of[0]
    return condition.equals


def _facts_for(condition: Condition) -> dict:
    facts: dict = {}
    for part in condition.all or (condition,):
        keys = part.fact.split(".")
        node = facts
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = _value(part)
    return facts


def _criteria():
    """(a category the scale applies to, level, criterion) for every criterion of Phụ lục III."""
    return [(scheme.categories[0], level, rule)
            for scheme in TT12.tables["alarm_levels"].schemes
            for level in scheme.levels for rule in level.criteria]


@pytest.mark.parametrize(("category", "level", "rule"), _criteria(),
                         ids=lambda x: getattr(x, "id", x))
def test_every_alarm_level_criterion_matches_its_facts(category, level, rule):
    facts = facts_parse(IncidentFacts, {"hazard_category": category, **_facts_for(rule.when)})
    decision = alarm_level(facts, TT12)
    assert rule.id in [c.id for c in decision.matched]
    assert decision.result["rank"] >= level.rank
    assert all(c.citation.startswith("TT 12/2023/TT-BKHCN, Phụ lục III") for c in
               decision.matched)


def _alarm(category="IV", **event):
    facts = facts_parse(IncidentFacts, {"hazard_category": category, "event": event})
    return alarm_level(facts, TT12)


@pytest.mark.parametrize(("dose_rate", "level"), [
    ("0 mSv/h", "cap_1"), ("50 mSv/h", "cap_1"), ("50.001 mSv/h", "cap_2"),
    ("50000 µSv/h", "cap_1"), ("1 Sv/h", "cap_2"), ("1000 mSv/h", "cap_2"),
    ("1.0001 Sv/h", "cap_3"), ("20 Sv/h", "cap_3")])
def test_dose_rate_boundaries_of_levels_1_to_3(dose_rate, level):
    assert _alarm(dose_rate=dose_rate).result["level"] == level


def test_the_highest_level_matched_wins_and_every_match_is_listed():
    decision = _alarm(in_facility=True, source_sealed=True, source_group=3,
                      dose_rate="10 mSv/h")
    assert decision.result["level"] == "cap_2"
    assert {c.id for c in decision.matched} == {
        "cap1_in_facility_sealed_group_3_5", "cap2_in_facility_group_2_3",
        "cap1_dose_rate_up_to_50_msv_h"}


def test_unclear_information_gives_at_least_level_2():
    assert _alarm(information_clear=False, dose_rate="1 mSv/h").result["level"] == "cap_2"
    assert _alarm(information_clear=False, contamination="wide_area",
                  release=True).result["level"] == "cap_3"


def test_no_criterion_matched_gives_no_level_and_names_what_is_missing():
    decision = _alarm(information_clear=True)
    assert decision.result is None
    assert "event.dose_rate" in decision.missing and "event.contamination" in decision.missing


def test_facts_that_could_raise_the_level_are_reported_missing():
    decision = _alarm(dose_rate="10 mSv/h")
    assert decision.result["level"] == "cap_1"
    assert "event.contamination" in decision.missing
    assert "event.deterministic_effects" in decision.missing


def test_the_alarm_scale_follows_the_hazard_category():
    assert _alarm("II").result is None
    plant = facts_parse(IncidentFacts, {"hazard_category": "II", "plant": {
        "fuel_damage": "occurred", "offsite_dose_rate": "150 µSv/h"}})
    decision = alarm_level(plant, TT12)
    assert decision.result["level"] == "C"
    assert "c_offsite_dose_rate_over_100_usv_h" in [c.id for c in decision.matched]


def test_offsite_dose_rate_of_exactly_100_usv_h_is_not_the_level_c_dose_criterion():
    plant = facts_parse(IncidentFacts, {"hazard_category": "I", "plant": {
        "fuel_damage": "occurred", "offsite_dose_rate": "100 µSv/h"}})
    ids = [c.id for c in alarm_level(plant, TT12).matched]
    assert "c_offsite_dose_rate_over_100_usv_h" not in ids and "c_fuel_damage_or_imminent" in ids


def test_without_a_category_the_alarm_level_asks_for_it():
    decision = alarm_level(facts_parse(IncidentFacts, {"event": {"dose_rate": "1 mSv/h"}}),
                           TT12)
    assert decision.result is None and decision.missing == ("hazard_category",)


def _category(**facility):
    return hazard_category(facts_parse(HazardFacts, {"facility": facility}), TT12).result


@pytest.mark.parametrize(("power", "category"), [
    ("0 MW", "III"), ("2 MW", "III"), ("2000 kW", "III"), ("2.001 MW", "II"),
    ("99.999 MW", "II"), ("100 MW", "I"), ("3200 MW", "I")])
def test_reactor_power_boundaries_of_the_hazard_categories(power, category):
    assert _category(kind="research_reactor", reactor_thermal_power=power) == category


@pytest.mark.parametrize(("a_over_d", "category"), [
    (99.99, None), (100, "II"), (9999, "II"), (10000, "I")])
def test_a_over_d_boundaries_of_categories_i_and_ii(a_over_d, category):
    assert _category(sources=[{"a_over_d": a_over_d}]) == category


def test_dose_rate_at_1_m_of_100_mgy_h_is_category_iii():
    assert _category(dose_rate_1m_unshielded="100 mGy/h") == "III"
    assert _category(dose_rate_1m_unshielded="99 mGy/h") is None


def test_a_dose_rate_in_sievert_is_refused_where_the_law_writes_gray():
    with pytest.raises(FactsError) as error:
        facts_parse(HazardFacts, {"facility": {"dose_rate_1m_unshielded": "100 mSv/h"}})
    assert error.value.problems[0].path == "$.facility.dose_rate_1m_unshielded"
    assert "mGy/h" in error.value.problems[0].message


def test_spent_fuel_above_1e17_bq_cs137_is_category_i():
    assert _category(spent_fuel_cs137_inventory="1e17 Bq") is None
    assert _category(spent_fuel_cs137_inventory="100.1 PBq") == "I"


def test_aggregated_sources_are_judged_by_their_sum():
    sources = [{"nuclide": "Co-60", "activity": "200 TBq"}] * 2  # A/D 6667 each
    assert _category(sources=sources) == "II"
    assert _category(sources=sources, sources_aggregated=True) == "I"


def test_an_area_inside_a_foreign_plants_zone_is_category_v_with_the_reason():
    foreign = {"name": "Fangchenggang", "country": "CN", "hazard_category": "I",
               "reactor_thermal_power": "3000 MW"}
    inside = hazard_category(facts_parse(HazardFacts, {"foreign_facilities": [
        {**foreign, "distance": "250 km"}]}), TT12)
    outside = hazard_category(facts_parse(HazardFacts, {"foreign_facilities": [
        {**foreign, "distance": "301 km"}]}), TT12)
    assert inside.result == "V" and "ICPD 300 km" in inside.matched[0].fact
    assert outside.result is None


def test_a_foreign_plans_own_radii_take_precedence():
    facts = facts_parse(HazardFacts, {"foreign_facilities": [{
        "name": "X", "country": "CN", "hazard_category": "II", "distance": "8 km",
        "zones": {"UPZ": "5 km"}}]})
    assert hazard_category(facts, TT12).result is None


@pytest.mark.parametrize(("facts", "paz", "upz"), [
    ({"reactor_thermal_power": "1001 MW"}, [3, 5], [5, 30]),
    ({"reactor_thermal_power": "1000 MW"}, [0.5, 3], [5, 30]),
    ({"reactor_thermal_power": "100 MW"}, None, [0.5, 5]),
    ({"reactor_thermal_power": "10 MW"}, None, [0.5, 5]),
    ({"reactor_thermal_power": "9 MW"}, None, [0.5, 0.5]),
    ({"a_over_d": 1e5}, [3, 5], [5, 30]),
    ({"a_over_d": 99999}, [0.5, 3], [5, 30]),
    ({"a_over_d": 1e3}, None, [0.5, 5]),
    ({"a_over_d": 100}, None, [0.5, 0.5]),
    ({"fissile_material_within_500_m": True}, None, [0.5, 1]),
])
def test_every_protective_zone_row(facts, paz, upz):
    result = emergency_zones(facts_parse(ZoneFacts, facts), TT12).result
    assert result["PAZ"]["reference_km"] == paz
    assert result["UPZ"]["reference_km"] == upz


@pytest.mark.parametrize(("power", "epd", "icpd"), [
    ("1001 MW", 100, 300), ("1000 MW", 50, 100), ("101 MW", 50, 100)])
def test_every_planning_distance_row(power, epd, icpd):
    result = emergency_zones(facts_parse(ZoneFacts, {"reactor_thermal_power": power}),
                             TT12).result
    assert (result["EPD"]["reference_km"], result["ICPD"]["reference_km"]) == (epd, icpd)


def test_a_chosen_radius_is_checked_against_the_reference_range():
    result = emergency_zones(facts_parse(ZoneFacts, {
        "reactor_thermal_power": "3200 MW", "chosen": {"PAZ": "5 km", "UPZ": "35 km"}}),
        TT12)
    assert result.result["PAZ"]["within_reference"] is True
    assert result.result["UPZ"]["within_reference"] is False
    assert any("35 km" in n.en for n in result.notes)


def _deadlines(category, **kwargs):
    first = datetime(2026, 11, 21, 8, 0, tzinfo=VN)
    decision = legal_deadlines(category=category, first_information_at=first,
                               instrument=TT12, **kwargs)
    return {(d["action"], d["level"]): d["due_before"] for d in decision.result}, decision


def test_deadlines_of_category_i_for_facility_and_locality():
    due, _ = _deadlines("I")
    assert due[("classify", "facility")] == "2026-11-21T08:15:00+07:00"
    assert due[("notify_paz_upz_authority", "locality")] == "2026-11-21T08:45:00+07:00"
    assert due[("activate_response", "facility")] == "2026-11-21T10:00:00+07:00"
    assert due[("activate_response", "locality")] == "2026-11-21T14:00:00+07:00"


def test_notification_runs_from_the_actual_classification_time():
    due, _ = _deadlines("II", classified_at=datetime(2026, 11, 21, 8, 5, tzinfo=VN))
    assert due[("notify_paz_upz_authority", "facility")] == "2026-11-21T08:35:00+07:00"


def test_categories_iii_and_iv_have_no_paz_notice_and_no_locality_activation():
    for category in ("III", "IV"):
        due, _ = _deadlines(category)
        assert set(due) == {("classify", "facility"), ("classify", "locality"),
                            ("activate_response", "facility")}


def test_transboundary_events_add_the_iaea_notice_without_a_time():
    due, decision = _deadlines("IV", transboundary=True)
    assert due[("notify_iaea", "facility")] is None
    assert "transboundary" not in decision.missing


def test_category_v_has_no_column_in_appendix_vi():
    due, decision = _deadlines("V")
    assert due == {} and any("category V" in n.en or "V" in n.en for n in decision.notes)


def _actions(*doses, on=TT12):
    return protective_actions(facts_parse(ActionFacts, {"doses": list(doses)}), on)


def _dose(quantity, dose, period, basis="projected", **extra):
    return {"quantity": quantity, "dose": dose, "period": period, "basis": basis, **extra}


@pytest.mark.parametrize("criterion", TT12.tables["generic_criteria"].criteria,
                         ids=lambda c: c.id)
def test_every_generic_criterion_is_met_at_its_value_and_not_below(criterion):
    unit = criterion.threshold.given.split()[-1]
    value = float(criterion.threshold.given.split()[0])
    extra = {} if criterion.atomic_number is None else \
        {"atomic_number": int(max(criterion.atomic_number.low, 1))}
    for basis in criterion.actions:
        at = _dose(criterion.quantity, f"{value} {unit}", criterion.period, basis,
                   pathway=criterion.pathway, **extra)
        below = {**at, "dose": f"{value * 0.999} {unit}"}
        met = _actions(at)
        assert criterion.id in [c.id for c in met.matched]
        assert {a["id"] for a in met.result["actions"]} >= set(criterion.actions[basis])
        assert criterion.id not in [c.id for c in _actions(below).matched]


def test_projected_thyroid_dose_of_50_msv_in_7_days_calls_for_iodine():
    decision = _actions(_dose("H_thyroid", "50 mSv", "first_7_days"))
    assert [a["id"] for a in decision.result["actions"]] == ["iodine_thyroid_blocking"]


def test_red_marrow_intake_criterion_depends_on_the_atomic_number():
    plutonium = _actions(_dose("AD_delta_red_marrow", "0.5 Gy", "intake_30_days",
                               atomic_number=94))
    caesium = _actions(_dose("AD_delta_red_marrow", "0.5 Gy", "intake_30_days",
                             atomic_number=55))
    unknown = _actions(_dose("AD_delta_red_marrow", "0.5 Gy", "intake_30_days"))
    assert plutonium.result["actions"] and not caesium.result["actions"]
    assert unknown.missing == ("doses[0].atomic_number",)


def test_a_dose_in_the_wrong_quantity_is_refused_with_its_path():
    with pytest.raises(FactsError) as error:
        facts_parse(ActionFacts, {"doses": [_dose("E", "1 Gy", "first_year")]})
    assert error.value.problems[0].path == "$.doses[0].dose"


def test_restoration_may_end_at_10_msv_a_year_once_remediation_is_applied():
    def ends(dose, applied, instrument=TT12):
        facts = facts_parse(ActionFacts, {"restoration": {
            "potential_effective_dose_per_year": dose, "remediation_applied": applied}})
        return protective_actions(facts, instrument).result["restoration_may_end"]
    assert ends("10 mSv", True) is True
    assert ends("10.1 mSv", True) is False
    assert ends("5 mSv", False) is False
    assert ends("8 mSv", True, TT25) is True


def test_under_tt25_the_missing_appendix_is_said_not_guessed():
    decision = _actions(_dose("E", "200 mSv", "first_7_days"), on=TT25)
    assert decision.result["actions"] is None
    assert decision.instrument == "TT 25/2014/TT-BKHCN"
    assert any("Phụ lục II" in n.vi for n in decision.notes)


def _cordon(setting, *situations, measurements=()):
    facts = facts_parse(CordonFacts, {"setting": setting, "situations": list(situations),
                                      "measurements": list(measurements)})
    return cordon(facts, TT12)


@pytest.mark.parametrize(("situation", "radius"), [
    ("unshielded_or_damaged_source", 30), ("large_spill", 100),
    ("fire_explosion_smoke", 300), ("suspected_bomb", 400)])
def test_every_outdoor_cordon_radius(situation, radius):
    assert _cordon("outdoors", situation).result["radius_m"] == radius


def test_the_largest_radius_wins_and_a_bomb_is_at_least_400_m():
    result = _cordon("outdoors", "large_spill", "suspected_bomb").result
    assert result["radius_m"] == 400 and result["at_least"] is True


def test_indoors_a_spill_cordons_the_rooms_and_a_fire_the_building_plus_300_m():
    spill = _cordon("indoors", "large_spill").result
    fire = _cordon("indoors", "fire_explosion_smoke").result
    assert spill["radius_m"] is None and "floors above and below" in spill["indoor_areas"][0]["en"]
    assert fire["radius_m"] == 300 and "whole building" in fire["indoor_areas"][0]["en"]


def test_a_measured_100_usv_h_extends_the_cordon_and_99_does_not():
    extended = _cordon("outdoors", "unshielded_or_damaged_source",
                       measurements=[{"distance": "45 m", "dose_rate": "100 µSv/h"}])
    kept = _cordon("outdoors", "unshielded_or_damaged_source",
                   measurements=[{"distance": "45 m", "dose_rate": "99 µSv/h"}])
    assert extended.result["radius_m"] == 45 and kept.result["radius_m"] == 30


def _scope(on=date(2026, 11, 21), **facts):
    return incident_scope(facts_parse(ScopeFacts, facts), rules_in_force(on), on)


def test_two_provinces_make_a_national_incident_led_by_the_ministry_of_defence():
    decision = _scope(at_facility=False, provinces_affected=2)
    told = [p["id"] for p in decision.result["notify"]]
    assert decision.result["scope"] == "national"
    assert decision.result["lead"]["id"] == "ministry_of_defence"
    assert "naccet" in told and "provincial_command_board" in told
    assert decision.instrument == "QĐ 1251/QĐ-TTg"


@pytest.mark.parametrize("facts", [{"ministries_involved": 2}, {"transboundary": True}])
def test_two_ministries_or_transboundary_are_national(facts):
    assert _scope(**facts).result["scope"] == "national"


def test_transboundary_events_tell_the_iaea():
    told = [p["id"] for p in _scope(transboundary=True).result["notify"]]
    assert "iaea_contact_point" in told


def test_one_province_at_a_facility_confined_to_the_site_is_a_facility_response():
    decision = _scope(at_facility=True, effects_beyond_site=False, provinces_affected=1,
                      ministries_involved=1, transboundary=False)
    assert decision.result["scope"] == "facility"
    assert decision.result["lead"]["id"] == "facility_head"


def test_before_qd_1251_no_national_scope_rule_is_applied():
    decision = _scope(on=date(2023, 10, 25), provinces_affected=3, at_facility=False)
    assert decision.result["scope"] == "provincial"
    assert any("national-scope" in n.en for n in decision.notes)


def test_an_event_of_2020_is_judged_under_tt_25_2014_which_lacks_appendix_iii():
    facts = facts_parse(IncidentFacts, {"hazard_category": "IV",
                                        "event": {"dose_rate": "2 Sv/h"}})
    decision = alarm_level(facts, TT25)
    assert decision.result is None and decision.instrument == "TT 25/2014/TT-BKHCN"
    assert "Phụ lục III" in decision.notes[0].vi
