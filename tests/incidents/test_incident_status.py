"""The incident page's first screen (its status strip and the menu of its sections) and
"overdue" as one selector decides it for the duty desk, the incident page and the API."""

import datetime as dt
import json
import re

import pytest

from tests.factories import incident_from_call
from ungpho.alerts.models import Notification
from ungpho.alerts.services import notification_enqueue
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.lifecycle import incident_classify
from ungpho.incidents.models import Deadline
from ungpho.incidents.response.phases import checklist_tick, incident_phases
from ungpho.incidents.response.roles import role_appoint
from ungpho.incidents.response.tasks import task_create, task_update

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))


def _strip(page: str, tile: str) -> str:
    return re.search(rf'data-strip="{tile}">(.*?)</div>', page, re.S).group(1)


def _desk_row(desk: str, incident) -> str:
    return re.search(rf'<tr data-incident="{incident.code}">(.*?)</tr>', desk, re.S).group(1)


def test_a_task_overdue_on_the_incident_page_is_overdue_on_the_desk_and_in_the_api(
        client, duty_officer):
    incident = incident_from_call(duty_officer, minutes_ago=1)
    now = dt.datetime.now(dt.UTC)
    task_create(incident=incident, title="Báo cáo nhanh <b>Sở</b>", by=duty_officer,
                due_at=now - dt.timedelta(minutes=5))
    task_create(incident=incident, title="Cử đội đo", by=duty_officer,
                due_at=now + dt.timedelta(hours=1))
    done = task_create(incident=incident, title="Gọi công an", by=duty_officer,
                       due_at=now - dt.timedelta(minutes=9))
    task_update(task=done, version=done.version, by=duty_officer, status="done")
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert page.count("task-overdue") == 1
    overdue = _strip(page, "tasks")
    assert "Báo cáo nhanh &lt;b&gt;Sở&lt;/b&gt;" in overdue and "Cử đội đo" not in overdue
    assert "Gọi công an" not in overdue
    desk = client.get("/duty/reports").content.decode()
    assert 'data-overdue-tasks="1"' in _desk_row(desk, incident)
    tasks = client.get(f"/api/v1/incidents/{incident.pk}/tasks").json()["tasks"]
    assert sorted(t["title"] for t in tasks if t["overdue"]) == ["Báo cáo nhanh <b>Sở</b>"]


def test_a_deadline_past_due_before_the_worker_marks_it_is_breached_on_desk_and_page(
        client, duty_officer):
    incident = incident_from_call(duty_officer, minutes_ago=20)  # classify within 15 min
    late = incident.deadlines.filter(status=Deadline.Status.PENDING,
                                     due_at__lt=dt.datetime.now(dt.UTC)).count()
    assert late >= 1  # pending still: no worker pass has run
    client.force_login(duty_officer)
    desk = client.get("/duty/reports").content.decode()
    assert f'data-breaches="{late}"' in _desk_row(desk, incident)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert page.count('class="deadline-breached"') == 2 * late  # its row and its strip line


def test_a_task_not_yet_due_leaves_the_desk_quiet(client, duty_officer):
    incident = incident_from_call(duty_officer, minutes_ago=1)
    task_create(incident=incident, title="Cử đội đo", by=duty_officer,
                due_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30))
    client.force_login(duty_officer)
    row = _desk_row(client.get("/duty/reports").content.decode(), incident)
    assert "data-overdue-tasks" not in row and "data-breaches" not in row
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "task-overdue" not in page and "Cử đội đo" not in _strip(page, "tasks")


def test_the_first_screen_shows_level_scope_deadlines_roles_acknowledgements_and_next_step(
        client, duty_officer, commander):
    incident = incident_from_call(duty_officer, minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    checklist_tick(incident=incident, phase=1, item="receive_and_process_information",
                   by=duty_officer)
    notification_enqueue(recipient="cong-an@x.vn", subject="s", body="b", party="police_113",
                         dedupe_key="strip-test", now=dt.datetime.now(dt.UTC),
                         incident=incident, ack_required=True)
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    strip = page[page.index('id="status"'):page.index('class="page-menu"')]
    assert strip.index('data-strip="level"') < strip.index('data-strip="next-step"')
    assert ">2</b>" in _strip(page, "level") and "cấp tỉnh" in _strip(page, "scope")
    running = incident.deadlines.filter(status=Deadline.Status.PENDING).count()
    assert _strip(page, "deadlines").count("data-due=") == running >= 1
    assert "Trần Thị Lan" in _strip(page, "roles")
    waiting = Notification.objects.filter(incident=incident, ack_required=True,
                                          acknowledged_at=None).count()
    assert waiting >= 2 and f">{waiting}</b>" in _strip(page, "notifications")
    assert "công an 113" in _strip(page, "notifications")
    _instrument, phases = incident_phases(incident)
    assert phases.phases[0].checklist[1].vi in _strip(page, "next-step")
    menu = page[page.index('class="page-menu"'):]
    menu = menu[:menu.index("</nav>")]
    for anchor in re.findall(r'href="#([\w-]+)"', menu):
        assert f'id="{anchor}"' in page, anchor


@pytest.fixture
def commander(db):
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    return user_upsert(username="chihuy", password="mat-khau-dai-123", email="chihuy@x.vn",
                       full_name="Trần Thị Lan", role=Role.PROVINCIAL_COMMAND,
                       province_code="01")
