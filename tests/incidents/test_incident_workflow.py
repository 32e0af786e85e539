"""The response workflow of an incident: phases and checklists (TT 12/2023 Phụ lục VII),
tasks with owners and due times that two officers cannot overwrite, activation packages
applied once in one action, and numbered, immutable situation reports — each change
logged."""

import datetime as dt
import json

import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Contact, Notification
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import incident_classify
from ungpho.incidents.models import (
    ActivationPackage,
    ChecklistTick,
    IncidentTask,
    PackageApplication,
    SituationReport,
)
from ungpho.incidents.response.packages import package_apply, packages_seed, packages_suggest
from ungpho.incidents.response.phases import (
    checklist_tick,
    checklist_untick,
    phase_advance,
    phase_current,
)
from ungpho.incidents.response.roles import role_appoint
from ungpho.incidents.response.sitreps import sitrep_draft, sitrep_issue
from ungpho.incidents.response.tasks import task_create, task_update

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
PHASE_1 = ["receive_and_process_information", "guide_public_protection", "limit_spread",
           "determine_initial_mobilisation"]




@pytest.fixture
def incident(duty_officer):
    return incident_from_call(duty_officer)


@pytest.fixture
def commander(db):
    return user_upsert(username="chihuy", password="mat-khau-dai-123", email="chihuy@x.vn",
                       role=Role.PROVINCIAL_COMMAND, province_code="01")


@pytest.fixture
def packages(db):
    packages_seed()  # idempotent: the migration seeded them unless a test flushed the DB
    return {p.code: p for p in ActivationPackage.objects.all()}


def _kinds(incident):
    return [e.kind for e in incident.log.all()]


# Phases and checklists

def test_a_ticked_duty_records_the_time_and_person_and_is_logged(incident, duty_officer):
    tick = checklist_tick(incident=incident, phase=1, item="limit_spread", by=duty_officer)
    assert (tick.ticked_by, tick.instrument) == ("trucban", "12/2023/TT-BKHCN")
    again = checklist_tick(incident=incident, phase=1, item="limit_spread", by=duty_officer)
    assert again == tick and ChecklistTick.objects.count() == 1
    entry = incident.log.last()
    assert entry.kind == "checklist" and "Hạn chế sự lan rộng" in entry.text
    assert "Phụ lục VII, mục 1" in entry.text


def test_a_withdrawn_tick_stays_in_the_history_and_the_duty_can_be_ticked_again(
        incident, duty_officer):
    checklist_tick(incident=incident, phase=1, item="limit_spread", by=duty_officer)
    checklist_untick(incident=incident, phase=1, item="limit_spread", by=duty_officer)
    checklist_tick(incident=incident, phase=1, item="limit_spread", by=duty_officer)
    rows = list(ChecklistTick.objects.order_by("pk"))
    assert [r.withdrawn_by for r in rows] == ["trucban", ""]
    assert _kinds(incident)[-3:] == ["checklist"] * 3


def test_a_duty_not_in_the_phase_is_refused_naming_the_item(incident, duty_officer):
    with pytest.raises(IncidentError) as error:
        checklist_tick(incident=incident, phase=1, item="evacuate_public", by=duty_officer)
    assert error.value.problems[0][0] == "item"
    assert not ChecklistTick.objects.exists()


def test_the_next_phase_with_its_checklist_done_needs_no_reason(incident, duty_officer):
    assert phase_current(incident) == 1
    for item in PHASE_1:
        checklist_tick(incident=incident, phase=1, item=item, by=duty_officer)
    change = phase_advance(incident=incident, to=2, seen=1, by=duty_officer)
    assert (phase_current(incident), change.left, change.reason) == (2, [], "")
    assert "Giai đoạn 1 → 2" in incident.log.last().text


def test_skipping_duties_needs_a_reason_and_records_what_was_left(incident, duty_officer):
    with pytest.raises(IncidentError) as error:
        phase_advance(incident=incident, to=3, seen=1, by=duty_officer)
    assert error.value.problems[0][0] == "reason" and phase_current(incident) == 1
    change = phase_advance(incident=incident, to=3, seen=1, by=duty_officer,
                           reason="Nguồn đã rõ, triển khai ngay")
    assert phase_current(incident) == 3 and len(change.left) == 6
    assert [1, "limit_spread"] in change.left
    assert "Nguồn đã rõ" in incident.log.last().text


def test_a_phase_move_from_a_stale_page_is_refused(incident, duty_officer, commander):
    phase_advance(incident=incident, to=2, seen=1, by=commander, reason="khẩn")
    with pytest.raises(IncidentError) as error:
        phase_advance(incident=incident, to=2, seen=1, by=duty_officer, reason="khẩn")
    assert error.value.problems[0][0] == "phase" and "reload" in error.value.problems[0][1]
    assert incident.phase_changes.count() == 1


def test_an_incident_under_tt25_2014_has_no_phases_and_the_page_says_so(client,
                                                                        duty_officer):
    old = incident_from_call(duty_officer,
                             first_information_at=dt.datetime(2022, 5, 10, 1, 0, tzinfo=dt.UTC))
    with pytest.raises(IncidentError) as error:
        checklist_tick(incident=old, phase=1, item="limit_spread", by=duty_officer)
    assert "TT 25/2014/TT-BKHCN" in error.value.problems[0][1]
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{old.pk}/").content.decode()
    assert 'data-phases="absent"' in page and "TT 25/2014/TT-BKHCN" in page


# Tasks

def test_a_task_is_done_reopened_and_cancelled_each_change_logged_and_versioned(
        incident, duty_officer, commander):
    due = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    task = task_create(incident=incident, title="Gọi Sở KH&CN", owner="chihuy", due_at=due,
                       by=duty_officer)
    assert (task.owner, task.status, task.version) == (commander, "open", 1)
    task = task_update(task=task, version=1, status="done", by=commander)
    assert (task.status, task.done_by, task.version) == ("done", "chihuy", 2)
    assert task.done_at is not None
    task = task_update(task=task, version=2, status="open", by=commander)
    assert (task.done_at, task.done_by) == (None, "")
    task = task_update(task=task, version=3, status="cancelled", owner=None, by=duty_officer)
    assert (task.status, task.owner, task.version) == ("cancelled", None, 4)
    texts = [e.text for e in incident.log.filter(kind="task")]
    assert len(texts) == 4 and "open → done" in texts[1] and "chihuy → —" in texts[3]


def test_bad_task_input_is_refused_naming_each_field(incident, duty_officer):
    with pytest.raises(IncidentError) as error:
        task_create(incident=incident, title=" ", owner="nobody", due_at="tomorrow",
                    by=duty_officer)
    assert [f for f, _m in error.value.problems] == ["title", "owner", "due_at"]
    task = task_create(incident=incident, title="Đo suất liều", by=duty_officer)
    with pytest.raises(IncidentError) as error:
        task_update(task=task, version=1, status="finished", colour="red", by=duty_officer)
    assert [f for f, _m in error.value.problems] == ["colour"]
    assert not IncidentTask.objects.exclude(pk=task.pk).exists()


def test_two_officers_change_one_task_and_the_stale_form_is_refused(
        client, incident, duty_officer, commander):
    task = task_create(incident=incident, title="Lập vùng cấm 30 m", by=duty_officer)
    other = client.__class__()
    client.force_login(duty_officer)
    other.force_login(commander)
    url = f"/incidents/{incident.pk}/response/tasks/{task.pk}"
    assert other.post(url, {"version": 1, "owner": commander.pk}).status_code == 302
    answer = client.post(url, {"version": 1, "status": "done"}, follow=True)
    page = answer.content.decode()
    assert "changed by chihuy meanwhile" in page and "reload" in page
    task.refresh_from_db()
    assert (task.owner, task.status, task.version) == (commander, "open", 2)


def test_an_overdue_task_is_highlighted_and_a_new_one_added_from_the_page(
        client, incident, duty_officer, commander):
    task_create(incident=incident, title="Báo cáo nhanh", by=duty_officer,
                due_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{incident.pk}/response/tasks", {
        "title": "Cử đội đo", "owner": commander.pk, "due_at": "2031-01-02T08:30"})
    assert answer["Location"].endswith("#tasks")
    added = IncidentTask.objects.get(title="Cử đội đo")
    assert added.due_at == dt.datetime(2031, 1, 2, 1, 30, tzinfo=dt.UTC)  # UTC+7 on the page
    assert (added.owner, added.origin) == (commander, "ui")
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'class="task-open task-overdue"' in page and "Cử đội đo" in page


# Activation packages

def test_a_package_creates_its_tasks_due_from_now_and_owned_by_the_role_holders(
        incident, duty_officer, commander, packages):
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    now = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
    package = packages["source-found"]
    application, applied = package_apply(incident=incident, package=package,
                                         by=duty_officer, now=now)
    assert applied
    tasks = list(application.tasks.order_by("pk"))
    planned = list(package.tasks.all())
    assert len(tasks) == len(planned) > 5
    for task, plan in zip(tasks, planned, strict=True):
        assert task.due_at == now + dt.timedelta(minutes=plan.due_minutes)
        assert task.owner == (commander if plan.role == "commander" else None)
        assert (task.role, task.origin, task.cite) == (plan.role, "package", plan.cite)
    assert any("30 m" in t.title and "Phụ lục VIII, mục IV" in t.cite for t in tasks)
    entry = incident.log.filter(kind="package").last()
    assert entry.kind == "package" and entry.data["notify"] == [
        "provincial_command_board", "provincial_dost", "police_113", "ambulance_115"]
    assert {"vi": "Máy đo suất liều dải rộng", "en": "High-range dose-rate survey meter"} in [
        r["resource"] for r in application.content["resources"]]


def test_a_package_tells_its_parties_by_their_contact_points_once(incident, duty_officer,
                                                                  packages):
    Contact.objects.create(party="police_113", province_id=incident.province_id,
                           name="Công an TP Hà Nội (113)", phone="+84912000113",
                           email="113@hanoi.example")
    package = packages["transport-accident"]
    package_apply(incident=incident, package=package, by=duty_officer)
    police = Notification.objects.filter(incident=incident, party="police_113")
    assert {n.channel for n in police} == {"email", "sms"}
    assert all("transport-accident" in n.citation or "Phụ lục" in n.citation for n in police)
    package_apply(incident=incident, package=package, by=duty_officer)
    assert Notification.objects.filter(incident=incident, party="police_113").count() == 2
    told = incident.log.filter(kind="notification").last()
    assert "công an 113" in told.text and "police_113" not in told.text  # by its name


def test_applying_a_package_again_adds_nothing(client, incident, duty_officer, packages):
    package = packages["transport-accident"]
    package_apply(incident=incident, package=package, by=duty_officer)
    count, log = IncidentTask.objects.count(), incident.log.count()
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{incident.pk}/response/packages/{package.pk}/apply",
                         follow=True)
    assert "đã được áp dụng trước đó" in answer.content.decode()
    assert (IncidentTask.objects.count(), incident.log.count()) == (count, log)
    assert PackageApplication.objects.count() == 1


def test_packages_fitting_the_classification_are_suggested_first(incident, duty_officer,
                                                                 packages):
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)  # IV, cấp 2
    incident.refresh_from_db()
    suggested = packages_suggest(incident)
    assert suggested[0][0].code == "source-found" and "level=2" in suggested[0][1]
    fitting = [p.code for p, why in suggested if why]
    assert fitting == ["source-found"]  # level 3's package and other kinds: after it
    assert {p.code for p, _why in suggested} == set(packages)


def test_the_seed_cites_the_law_or_says_it_is_the_plan_and_keeps_edits(packages):
    assert set(ActivationPackage.Kind.values) <= {p.kind for p in packages.values()}
    for package in packages.values():
        assert package.tasks.exists() and package.notifications.exists()
        assert package.resources.exists()
        for cite in [t.cite for t in package.tasks.all()] + [
                n.cite for n in package.notifications.all()]:
            assert cite == "" or cite.startswith(("TT 12/2023", "QĐ 1251")), cite
    packages["contamination"].tasks.all().delete()
    assert packages_seed() == 0
    assert not packages["contamination"].tasks.exists()


def test_packages_are_edited_in_the_admin(admin_client, packages):
    package = packages["foreign-npp"]
    page = admin_client.get(f"/admin/incidents/activationpackage/{package.pk}/change/")
    assert page.status_code == 200 and "Trạm quan trắc phóng xạ di động" in page.content.decode()


# Situation reports

def test_situation_reports_are_numbered_and_each_period_follows_the_last(incident,
                                                                        duty_officer):
    first = sitrep_issue(incident=incident, by=duty_officer, situation="Nguồn chưa tìm thấy",
                         next_due_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4))
    second = sitrep_issue(incident=incident, by=duty_officer, situation="Đã khoanh vùng")
    assert (first.number, second.number) == (1, 2)
    assert first.period_from == incident.first_information_at
    assert second.period_from == first.period_to
    assert [e.data["number"] for e in incident.log.filter(kind="sitrep")] == [1, 2]


def test_a_situation_report_is_immutable_and_a_correction_is_a_new_one(incident,
                                                                       duty_officer):
    first = sitrep_issue(incident=incident, by=duty_officer, situation="Suất liều 2 mSv/h")
    first.situation = "Suất liều 0,2 mSv/h"
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        SituationReport.objects.filter(pk=first.pk).update(situation="x")
    with pytest.raises(PermissionError):
        SituationReport.objects.all().delete()
    fix = sitrep_issue(incident=incident, by=duty_officer, situation="Suất liều 0,2 mSv/h",
                       corrects=first)
    assert fix.number == 2 and fix.corrects == first
    assert SituationReport.objects.get(pk=first.pk).situation == "Suất liều 2 mSv/h"
    assert "đính chính số 1" in incident.log.last().text


def test_a_report_without_its_situation_or_due_in_the_past_is_refused(incident,
                                                                     duty_officer):
    with pytest.raises(IncidentError) as error:
        sitrep_issue(incident=incident, by=duty_officer, situation="",
                     next_due_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert [f for f, _m in error.value.problems] == ["situation", "next_due_at"]
    assert not SituationReport.objects.exists()


def test_the_draft_is_filled_from_the_record_since_the_last_report(incident, duty_officer,
                                                                   commander, packages):
    sitrep_issue(incident=incident, by=duty_officer, situation="Bắt đầu")
    task = task_create(incident=incident, title="Lập vùng cấm", by=duty_officer)
    task_update(task=task, version=1, status="done", by=commander)
    task_create(incident=incident, title="Thu hồi nguồn", owner=commander, by=duty_officer)
    checklist_tick(incident=incident, phase=1, item="limit_spread", by=duty_officer)
    package_apply(incident=incident, package=packages["elevated-readings"], by=duty_officer)
    draft = sitrep_draft(incident)
    assert draft["number"] == 2
    assert "✔ Lập vùng cấm (chihuy)" in draft["actions"]
    assert "Hạn chế sự lan rộng" in draft["actions"] and "Bắt đầu" not in draft["actions"]
    assert "Thu hồi nguồn → chihuy" in draft["next_steps"]
    assert "Phân loại sự cố" in draft["next_steps"]  # the running legal deadline
    assert "Máy đo suất liều dải rộng: 2 chiếc" in draft["resources"]


# The incident page

def test_the_incident_page_shows_phases_tasks_packages_and_reports(client, incident,
                                                                   duty_officer, packages):
    client.force_login(duty_officer)
    base = f"/incidents/{incident.pk}/response"
    client.post(f"{base}/checklist", {"phase": 1, "item": "limit_spread", "action": "tick"})
    client.post(f"{base}/phase", {"to": 2, "seen": 1, "reason": "Đã rõ thông tin"})
    client.post(f"{base}/packages/{packages['lost-stolen-source'].pk}/apply")
    answer = client.post(f"{base}/sitreps", {
        "situation": "Mất nguồn Ir-192", "actions": "Đã báo công an",
        "next_due_at": "2031-01-01T09:00"})
    assert answer["Location"].endswith("#sitreps")
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'data-phase="2" data-state="current"' in page
    assert 'data-item="limit_spread" class="ticked"' in page and "trucban" in page
    assert 'data-package="lost-stolen-source"' in page and 'data-party="police_113"' in page
    assert page.count('data-task="') == packages["lost-stolen-source"].tasks.count()
    assert 'data-sitrep="1"' in page and "Mất nguồn Ir-192" in page
    assert 'data-due="2031-01-01T02:00:00+00:00"' in page  # the next report's countdown
    assert "Báo cáo tình hình số 1" in page  # in the log


def test_a_bad_phase_move_on_the_page_is_shown_and_changes_nothing(client, incident,
                                                                  duty_officer):
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{incident.pk}/response/phase", {"to": 4, "seen": 1},
                         follow=True)
    assert "Lý do: moving from phase 1 to 4" in answer.content.decode()  # the field by its label
    assert phase_current(incident) == 1


@pytest.mark.django_db
def test_a_task_due_day_first_is_kept_and_a_bad_due_time_is_refused_in_vietnamese(
        client, duty_officer):
    from ungpho.core.vietnam_time import VIETNAM

    incident = incident_from_call(duty_officer)
    client.force_login(duty_officer)
    url = f"/incidents/{incident.pk}/response/tasks"
    client.post(url, {"title": "Gọi Sở KH&CN", "due_at": "31/12/2026 10:00"})
    assert incident.tasks.get().due_at == dt.datetime(2026, 12, 31, 10, tzinfo=VIETNAM)
    page = client.post(url, {"title": "Đo suất liều", "due_at": "31/12/2026 10h"},
                       follow=True).content.decode()
    assert "Thời hạn: &#x27;31/12/2026 10h&#x27; không phải ngày giờ" in page
    assert incident.tasks.count() == 1
