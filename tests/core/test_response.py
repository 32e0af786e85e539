"""The response workflow's pure logic: where an incident stands in Phụ lục VII, what a move
leaves undone, and which activation packages fit an incident."""

import json
from datetime import date

import pytest

from ungpho.core.response.packages import incident_kinds, package_fit
from ungpho.core.response.phases import (
    PhaseError,
    checklist_item,
    phase_move,
    phase_move_why,
    phase_next_step,
    phases_progress,
)
from ungpho.core.rules.loader import RULES_DIR, rules_in_force

PHASES = rules_in_force(date(2026, 11, 21)).tables["response_phases"]
LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
MONG_CAI = json.loads((RULES_DIR / "examples" / "mong_cai_category_v.json").read_text(
    encoding="utf-8"))


def test_the_six_phases_of_phu_luc_vii_each_have_their_duties():
    assert [p.number for p in PHASES.phases] == [1, 2, 3, 4, 5, 6]
    assert checklist_item(PHASES, 2, "designate_on_scene_commander").cite == "Phụ lục VII, mục 2"


def test_progress_marks_phases_passed_current_and_ahead_with_duties_left():
    rows = phases_progress(PHASES, current=2, ticked=[(1, "limit_spread")])
    assert [r.state for r in rows] == ["done", "current", "ahead", "ahead", "ahead", "ahead"]
    assert [i.id for i in rows[0].ticked] == ["limit_spread"]
    assert len(rows[0].left) == 3 and len(rows[1].left) == 2


def test_the_next_phase_with_every_duty_done_needs_no_reason():
    ticked = [(1, i.id) for i in PHASES.phases[0].checklist]
    move = phase_move(PHASES, current=1, target=2, ticked=ticked)
    assert (move.needs_reason, move.left) == (False, ())


def test_a_move_over_a_phase_or_with_duties_left_needs_a_reason_and_lists_them():
    move = phase_move(PHASES, current=1, target=3, ticked=[])
    assert move.needs_reason and len(move.left) == 4 + 2
    assert "over phase 2" in phase_move_why(move)
    back = phase_move(PHASES, current=4, target=3, ticked=[])
    assert back.needs_reason and back.left == () and "(back)" in phase_move_why(back)


def test_the_next_step_is_the_first_duty_left_then_the_next_phase_then_none():
    first = PHASES.phases[0].checklist
    step = phase_next_step(phases_progress(PHASES, current=1, ticked=[(1, first[0].id)]))
    assert (step.phase.number, step.duty) == (1, first[1])
    done = [(1, i.id) for i in first]
    step = phase_next_step(phases_progress(PHASES, current=1, ticked=done))
    assert (step.phase.number, step.duty) == (2, None)
    last = [(6, i.id) for i in PHASES.phases[5].checklist]
    assert phase_next_step(phases_progress(PHASES, current=6, ticked=last)) is None


def test_a_phase_or_duty_that_does_not_exist_is_refused_naming_the_field():
    with pytest.raises(PhaseError) as error:
        phase_move(PHASES, current=1, target=7, ticked=[])
    assert error.value.field == "phase"
    with pytest.raises(PhaseError) as error:
        checklist_item(PHASES, 1, "evacuate_public")  # a duty of phase 4
    assert error.value.field == "item" and "receive_and_process_information" in str(error.value)
    with pytest.raises(PhaseError):
        phase_move(PHASES, current=2, target=2, ticked=[])


def test_the_kinds_of_event_are_read_from_the_facts_and_the_reports():
    assert incident_kinds(LOST_IR192) == {"source_found"}
    assert incident_kinds(LOST_IR192, report_sources=["source"]) == {
        "source_found", "lost_stolen_source"}
    assert "foreign_npp" in incident_kinds(MONG_CAI, hazard_category="V")
    assert incident_kinds({"event": {"in_facility": True, "release": True,
                                     "contamination": "small_area"}}) == {
        "facility_release", "contamination"}
    assert incident_kinds({}, report_sources=["threshold"]) == {"elevated_readings"}
    assert incident_kinds({}) == set()


def test_a_package_fits_by_kind_and_is_excluded_by_another_category_or_level():
    fit = package_fit(kind="source_found", categories=[], levels=[1, 2],
                      incident_kinds={"source_found"}, hazard_category="IV", alarm_level=2)
    assert fit.fits and fit.score == 2 and "level=2" in fit.why
    assert not package_fit(kind="source_found", categories=[], levels=[3],
                           incident_kinds={"source_found"}, hazard_category="IV",
                           alarm_level=2).fits
    assert not package_fit(kind="transport", categories=[], levels=[],
                           incident_kinds={"source_found"}, hazard_category="IV",
                           alarm_level=2).fits
    unknown = package_fit(kind="source_found", categories=["IV"], levels=[],
                          incident_kinds={"source_found"}, hazard_category=None,
                          alarm_level=None)
    assert unknown.fits and unknown.score == 1 and "category not known yet" in unknown.why
