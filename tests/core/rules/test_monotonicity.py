"""More severe facts never give a less severe result, and units never change a result.

Property tests over the engines with the rules of TT 12/2023/TT-BKHCN in force.
"""

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ungpho.core.rules.alarm import alarm_level
from ungpho.core.rules.category import hazard_category
from ungpho.core.rules.decision import Decision
from ungpho.core.rules.facts import (
    FactsError,
    HazardFacts,
    IncidentFacts,
    SourceFacts,
    facts_parse,
)
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.sources import source_group
from ungpho.core.rules.units import measure_parse

TT12 = rules_in_force(date(2026, 11, 21))
PROPERTY = settings(max_examples=200, deadline=None, database=None)

CONTAMINATION = ("none", "small_area", "wide_area")
DETERMINISTIC_EFFECTS = ("not_possible", "possible", "occurred")
FUEL_DAMAGE = ("none", "imminent", "occurred", "severe_expected", "severe")
# Severity of a hazard category: I is the most severe. Category V (an area near a foreign
# facility) is another kind of thing and never expected from a facility's own facts.
CATEGORY_SEVERITY = {None: 0, "IV": 1, "III": 2, "II": 3, "I": 4}


def _rank(decision: Decision) -> int:
    return 0 if decision.result is None else decision.result["rank"]


def _alarm(category: str, **facts) -> Decision:
    return alarm_level(facts_parse(IncidentFacts, {"hazard_category": category, **facts}), TT12)


def _event_rank(event: dict) -> int:
    return _rank(_alarm("IV", event=event))


def _severity(facts: dict) -> int:
    result = hazard_category(facts_parse(HazardFacts, facts), TT12).result
    assert result != "V"
    return CATEGORY_SEVERITY[result]


def _contamination_event(contamination: str) -> dict:
    return {"contamination": contamination, "release": contamination != "none"}


# --- alarm levels, Cấp 1–3 (category III–V) ------------------------------------------------

dose_rates_msv_h = st.floats(min_value=0, max_value=5000, allow_nan=False)


@PROPERTY
@given(dose_rates_msv_h, dose_rates_msv_h)
@example(50.0, math.nextafter(50.0, math.inf))
@example(1000.0, math.nextafter(1000.0, math.inf))
@example(0.0, 50.0)
def test_a_higher_dose_rate_never_gives_a_lower_alarm_level(x, y):
    low, high = sorted((x, y))
    assert _event_rank({"dose_rate": f"{low} mSv/h"}) \
        <= _event_rank({"dose_rate": f"{high} mSv/h"})


@pytest.mark.parametrize(("dose_rate", "level"), [
    ("0 mSv/h", "cap_1"), ("50 mSv/h", "cap_1"), ("50.001 mSv/h", "cap_2"),
    ("1000 mSv/h", "cap_2"), ("1000.001 mSv/h", "cap_3"), ("5 Sv/h", "cap_3")])
def test_dose_rate_bands_of_phu_luc_iii(dose_rate, level):
    assert _alarm("IV", event={"dose_rate": dose_rate}).result["level"] == level


def _ordered_pairs(values: tuple[str, ...]):
    return st.tuples(st.sampled_from(values), st.sampled_from(values)).map(
        lambda pair: tuple(sorted(pair, key=values.index)))


@pytest.mark.parametrize("contamination", CONTAMINATION)
def test_contamination_alone_gives_its_level(contamination):
    rank = _event_rank(_contamination_event(contamination))
    assert rank == CONTAMINATION.index(contamination) + 1


@PROPERTY
@given(_ordered_pairs(CONTAMINATION), st.sampled_from(DETERMINISTIC_EFFECTS + (None,)))
def test_wider_contamination_never_gives_a_lower_alarm_level(pair, effects):
    less, more = pair
    other = {} if effects is None else {"deterministic_effects": effects}
    assert _event_rank(_contamination_event(less) | other) \
        <= _event_rank(_contamination_event(more) | other)


@pytest.mark.parametrize("effects", DETERMINISTIC_EFFECTS)
def test_deterministic_effects_alone_give_their_level(effects):
    assert _event_rank({"deterministic_effects": effects}) \
        == DETERMINISTIC_EFFECTS.index(effects) + 1


@PROPERTY
@given(_ordered_pairs(DETERMINISTIC_EFFECTS), st.sampled_from(CONTAMINATION + (None,)))
def test_graver_deterministic_effects_never_give_a_lower_alarm_level(pair, contamination):
    less, more = pair
    other = {} if contamination is None else _contamination_event(contamination)
    assert _event_rank({"deterministic_effects": less} | other) \
        <= _event_rank({"deterministic_effects": more} | other)


def _maybe(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def events(draw) -> dict:
    """Any consistent set of event facts (the contradictions facts_parse refuses are avoided)."""
    event = {
        "information_clear": draw(_maybe(st.just(True))),
        "in_facility": draw(_maybe(st.booleans())),
        "source_group": draw(_maybe(st.integers(1, 5))),
        "source_sealed": draw(_maybe(st.booleans())),
        "source_out_of_control": draw(_maybe(st.booleans())),
        "transport": draw(_maybe(st.booleans())),
        "malicious_act": draw(_maybe(st.booleans())),
        "dose_rate": draw(_maybe(dose_rates_msv_h.map(lambda x: f"{x} mSv/h"))),
        "contamination": draw(_maybe(st.sampled_from(CONTAMINATION))),
        "deterministic_effects": draw(_maybe(st.sampled_from(DETERMINISTIC_EFFECTS))),
        "public_exposure": draw(_maybe(st.sampled_from(("none_overexposed",
                                                        "highly_exposed")))),
        "provinces_affected": draw(_maybe(st.integers(0, 5))),
        "harm_to_people_or_environment": draw(_maybe(st.booleans())),
        "origin": draw(_maybe(st.sampled_from(("this_province", "other_province", "abroad")))),
    }
    if event["contamination"] is not None:
        event["release"] = draw(_maybe(st.just(event["contamination"] != "none")))
    if event["in_facility"] and event["origin"] == "abroad":
        event["in_facility"] = False
    if event["origin"] in (None, "abroad"):
        event["effect_in_vietnam"] = draw(_maybe(st.sampled_from(
            ("insignificant", "environment_or_food"))))
    return {k: v for k, v in event.items() if v is not None}


@PROPERTY
@given(events())
def test_information_not_yet_clear_never_lowers_the_level_and_is_at_least_cap_2(event):
    before = _event_rank(event)
    after = _event_rank(event | {"information_clear": False})
    assert after >= before
    assert after >= 2


@PROPERTY
@given(events(), dose_rates_msv_h, dose_rates_msv_h)
def test_a_higher_dose_rate_never_lowers_the_level_whatever_else_is_known(event, x, y):
    low, high = sorted((x, y))
    assert _event_rank(event | {"dose_rate": f"{low} mSv/h"}) \
        <= _event_rank(event | {"dose_rate": f"{high} mSv/h"})


# --- alarm levels, A/B/C (category I–II) ---------------------------------------------------

@st.composite
def plants(draw) -> dict:
    """Plant facts other than fuel damage (release without fuel damage contradicts it)."""
    plant = {
        "abnormal_condition": draw(_maybe(st.sampled_from(
            ("not_leading_to_major_accident", "may_lead_to_major_accident")))),
        "offsite_effect_possible": draw(_maybe(st.booleans())),
        "spent_fuel_safety_function_threatened": draw(_maybe(st.booleans())),
        "fuel_protection_control_lost": draw(_maybe(st.just(False))),
        "offsite_dose_rate": draw(_maybe(st.floats(0, 1000, allow_nan=False).map(
            lambda x: f"{x} µSv/h"))),
    }
    return {k: v for k, v in plant.items() if v is not None}


@PROPERTY
@given(_ordered_pairs(FUEL_DAMAGE), plants(), st.sampled_from(("I", "II")))
def test_worse_fuel_damage_never_gives_a_lower_abc_level(pair, plant, category):
    less, more = pair
    assert _rank(_alarm(category, plant=plant | {"fuel_damage": less})) \
        <= _rank(_alarm(category, plant=plant | {"fuel_damage": more}))


@pytest.mark.parametrize("fuel_damage", FUEL_DAMAGE[1:])
def test_any_fuel_damage_is_level_c(fuel_damage):
    assert _alarm("I", plant={"fuel_damage": fuel_damage}).result["level"] == "C"


def test_no_fuel_damage_alone_gives_no_abc_level():
    decision = _alarm("I", plant={"fuel_damage": "none"})
    assert decision.result is None and decision.missing


def test_release_without_fuel_damage_contradicts_fuel_damage():
    with pytest.raises(FactsError, match="release_without_fuel_damage"):
        _alarm("I", plant={"fuel_damage": "occurred", "release_without_fuel_damage": True})


# --- hazard category -----------------------------------------------------------------------

powers = st.tuples(
    st.one_of(st.floats(min_value=0, max_value=1e4, allow_nan=False),
              st.sampled_from((0.002, 2, 2000, 0.1, 100, 100000))),
    st.sampled_from(("kW", "MW", "GW")),
).map(lambda p: f"{p[0]} {p[1]}")


def _reactor(power: str) -> dict:
    return {"facility": {"kind": "research_reactor", "reactor_thermal_power": power}}


@PROPERTY
@given(powers, powers)
@example("2 MW", "2000.0000001 kW")
@example("0.1 GW", "99999.9999 kW")
def test_a_more_powerful_reactor_is_never_in_a_less_severe_category(p, q):
    low, high = sorted((p, q), key=lambda text: measure_parse(text, "power").si)
    assert _severity(_reactor(low)) <= _severity(_reactor(high))


@pytest.mark.parametrize(("power", "category"), [
    ("0 kW", "III"), ("2 MW", "III"), ("2001 kW", "II"), ("99.9 MW", "II"),
    ("100 MW", "I"), ("0.1 GW", "I"), ("3 GW", "I")])
def test_reactor_power_bands_of_phu_luc_i(power, category):
    assert hazard_category(facts_parse(HazardFacts, _reactor(power)), TT12).result == category


a_over_d_values = st.one_of(
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
    st.sampled_from((1e2, 1e4, math.nextafter(1e2, 0), math.nextafter(1e4, 0))))


def _single_source(a_over_d: float) -> dict:
    return {"facility": {"sources": [{"a_over_d": a_over_d}]}}


@PROPERTY
@given(a_over_d_values, a_over_d_values)
def test_a_more_dangerous_source_is_never_in_a_less_severe_category(x, y):
    low, high = sorted((x, y))
    assert _severity(_single_source(low)) <= _severity(_single_source(high))


@PROPERTY
@given(st.floats(min_value=1e4, max_value=1e300, allow_nan=False))
@example(1e4)
def test_a_source_of_a_over_d_1e4_or_more_is_category_i(a_over_d):
    facts = facts_parse(HazardFacts, _single_source(a_over_d))
    assert hazard_category(facts, TT12).result == "I"


# --- units ---------------------------------------------------------------------------------

dose_rates_exact = st.decimals(min_value=0, max_value=5000, places=6,
                               allow_nan=False, allow_infinity=False)


def _in_three_units(msv_h: Decimal) -> tuple[str, str, str]:
    return (f"{msv_h.scaleb(3)} µSv/h", f"{msv_h} mSv/h", f"{msv_h.scaleb(-3)} Sv/h")


@PROPERTY
@given(dose_rates_exact)
@example(Decimal(50))
@example(Decimal(1000))
@example(Decimal("50.000001"))
@example(Decimal("1000.000001"))
def test_a_dose_rate_gives_the_same_level_in_any_unit(msv_h):
    texts = _in_three_units(msv_h)
    assert len({measure_parse(t, "dose_rate").si for t in texts}) == 1
    results = {_alarm("IV", event={"dose_rate": t}).result["level"] for t in texts}
    assert len(results) == 1


@pytest.mark.parametrize(("texts", "level"), [
    (("50000 µSv/h", "50 mSv/h", "0.05 Sv/h"), "cap_1"),
    (("1000000 µSv/h", "1000 mSv/h", "1 Sv/h"), "cap_2"),
])
def test_the_boundaries_of_phu_luc_iii_hold_in_every_unit(texts, level):
    for text in texts:
        assert _alarm("IV", event={"dose_rate": text}).result["level"] == level, text


# --- source groups -------------------------------------------------------------------------

def _group(a_over_d: float) -> int:
    return source_group((SourceFacts(a_over_d=a_over_d),)).result


@PROPERTY
@given(st.floats(min_value=0, max_value=1e7, allow_nan=False),
       st.floats(min_value=0, max_value=1e7, allow_nan=False))
@example(0.01, math.nextafter(0.01, 0))
@example(1000.0, math.nextafter(1000.0, 0))
def test_a_larger_a_over_d_never_gives_a_larger_group_number(x, y):
    low, high = sorted((x, y))
    assert _group(high) <= _group(low)


@pytest.mark.parametrize(("a_over_d", "group"), [
    (1e6, 1), (1000, 1), (math.nextafter(1000, 0), 2), (10, 2), (math.nextafter(10, 0), 3),
    (1, 3), (math.nextafter(1, 0), 4), (0.01, 4), (math.nextafter(0.01, 0), 5), (0, 5)])
def test_source_group_boundaries_of_qcvn_6_2010(a_over_d, group):
    assert _group(a_over_d) == group
