"""The notification plan's matching (pure) and neighbouring provinces."""

import pytest

from ungpho.core.geo.neighbours import province_neighbours
from ungpho.core.rules.notify_plan import (
    IncidentCase,
    PlanRule,
    deadline_done,
    plan_required,
)

RULES = [
    PlanRule("provincial_command_board", ("email", "inapp"), "TT 12 Điều 17.1",
             scopes=frozenset({"provincial", "national"})),
    PlanRule("provincial_command_board", ("sms",), "TT 12 Phụ lục VI dòng 2",
             hazard_categories=frozenset({"I", "II"})),
    PlanRule("naccet", ("email",), "QĐ 1251 III.2.b", scopes=frozenset({"national"})),
    PlanRule("neighbouring_province", ("email",), "TT 12 Phụ lục III",
             scopes=frozenset({"provincial"}), min_alarm_level=3),
    PlanRule("iaea_contact_point", ("email",), "TT 12 Phụ lục VI dòng 5",
             transboundary_only=True),
]


def _parties(case):
    return [r.party for r in plan_required(RULES, case)]


def test_a_provincial_level_2_incident_tells_the_provincial_board_only():
    assert _parties(IncidentCase("provincial", 2, "IV")) == ["provincial_command_board"]


def test_alarm_level_3_adds_the_neighbours_and_national_scope_adds_naccet():
    assert _parties(IncidentCase("provincial", 3, "IV")) == [
        "provincial_command_board", "neighbouring_province"]
    assert _parties(IncidentCase("national", 1, "IV")) == ["provincial_command_board", "naccet"]


def test_an_unclassified_level_does_not_meet_a_minimum_level():
    assert "neighbouring_province" not in _parties(IncidentCase("provincial", None, "IV"))


def test_rules_for_one_party_merge_their_channels_and_citations():
    [board] = plan_required(RULES, IncidentCase("facility", 1, "II"))
    assert board.channels == ("sms",)
    [board] = plan_required(RULES, IncidentCase("provincial", 1, "II"))
    assert board.channels == ("email", "sms", "inapp")
    assert board.citations == ("TT 12 Điều 17.1", "TT 12 Phụ lục VI dòng 2")


def test_the_iaea_is_told_of_transboundary_events_only():
    assert "iaea_contact_point" in _parties(IncidentCase("facility", 1, "IV", True))
    assert "iaea_contact_point" not in _parties(IncidentCase("national", 3, "IV", False))


def test_a_rule_with_an_unknown_channel_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="channels"):
        PlanRule("naccet", ("fax",), "x")


def test_a_notify_deadline_is_done_when_all_its_parties_were_delivered_to():
    assert deadline_done("notify_paz_upz_authority", {"provincial_command_board", "naccet"})
    assert not deadline_done("notify_paz_upz_authority", {"naccet"})
    assert not deadline_done("activate_response", {"provincial_command_board"})


def test_neighbouring_provinces_share_a_border():
    assert {"24", "33"} <= set(province_neighbours("01"))  # Hà Nội: Bắc Ninh, Hưng Yên
    assert "96" not in province_neighbours("01")  # Cà Mau
    assert "01" in province_neighbours("24")  # symmetric
    with pytest.raises(ValueError, match="code"):
        province_neighbours("00")
