"""The response workflow over the API (HTTP Basic for machines): tasks listed, added and
changed with their version (a stale one answers 409), situation reports listed, a package
applied once; and the same guarantees with writers in parallel threads."""

import base64
import json

import pytest

from tests.conftest import in_threads
from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import ActivationPackage, IncidentTask
from ungpho.incidents.response.packages import package_apply, packages_seed
from ungpho.incidents.response.sitreps import sitrep_issue
from ungpho.incidents.response.tasks import task_create, task_update

PASSWORD = "mat-khau-dai-123"


def _basic(username: str) -> dict:
    token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}




@pytest.fixture
def incident(duty_officer):
    return incident_from_call(duty_officer)


def _json(client, method, url, body, user="trucban"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json",
                                   **_basic(user))


@pytest.mark.django_db
def test_tasks_are_added_listed_and_changed_with_their_version(client, incident,
                                                               duty_officer):
    url = f"/api/v1/incidents/{incident.pk}/tasks"
    assert client.get(url).status_code == 401
    answer = _json(client, "post", url, {"title": "Kiểm tra bãi phế liệu", "owner": "trucban",
                                         "due_at": "2031-01-01T08:00:00+07:00"})
    assert answer.status_code == 201
    task = answer.json()
    assert (task["owner"], task["due_at"], task["origin"], task["version"]) == (
        "trucban", "2031-01-01T01:00:00+00:00", "api", 1)
    listed = client.get(url, **_basic("trucban")).json()["tasks"]
    assert [t["id"] for t in listed] == [task["id"]]
    patched = _json(client, "patch", f"{url}/{task['id']}", {"version": 1, "status": "done"})
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["done_by"], patched.json()["version"]) \
        == ("done", "trucban", 2)
    stale = _json(client, "patch", f"{url}/{task['id']}", {"version": 1, "owner": None})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    untitled = _json(client, "patch", f"{url}/{task['id']}", {"version": 2, "title": None})
    assert untitled.status_code == 422 and untitled.json()["errors"][0]["field"] == "title"
    bad = _json(client, "post", url, {"title": "", "due_at": None})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "title"


@pytest.mark.django_db
def test_a_user_outside_the_incidents_province_does_not_see_its_tasks(client, incident):
    user_upsert(username="haiphong", password=PASSWORD, role=Role.PROVINCIAL_COMMAND,
                province_code="31")
    url = f"/api/v1/incidents/{incident.pk}/tasks"
    assert client.get(url, **_basic("haiphong")).status_code == 404
    assert _json(client, "post", url, {"title": "x"}, user="haiphong").status_code == 404


@pytest.mark.django_db
def test_a_package_is_applied_once_over_the_api(client, incident):
    packages_seed()
    package = ActivationPackage.objects.get(code="lost-stolen-source")
    url = f"/api/v1/incidents/{incident.pk}/packages/{package.pk}/apply"
    first = client.post(url, **_basic("trucban"))
    assert first.status_code == 201
    body = first.json()
    assert body["applied"] and len(body["tasks"]) == package.tasks.count()
    assert body["notify"] == ["provincial_command_board", "provincial_dost", "police_113"]
    assert {t["role"] for t in body["tasks"]} >= {"commander", "public_information"}
    again = client.post(url, **_basic("trucban"))
    assert again.status_code == 200 and again.json() == {**body, "applied": False,
                                                          "tasks": []}
    assert IncidentTask.objects.count() == package.tasks.count()


@pytest.mark.django_db
def test_situation_reports_are_listed_by_number(client, incident, duty_officer):
    first = sitrep_issue(incident=incident, by=duty_officer, situation="Đang tìm nguồn")
    sitrep_issue(incident=incident, by=duty_officer, situation="Đã thu hồi", corrects=first)
    answer = client.get(f"/api/v1/incidents/{incident.pk}/sitreps", **_basic("trucban"))
    rows = answer.json()["sitreps"]
    assert [(r["number"], r["corrects"]) for r in rows] == [(1, None), (2, 1)]
    assert rows[1]["period_from"] == rows[0]["period_to"]




@pytest.mark.django_db(transaction=True)
def test_officers_applying_one_package_at_once_create_its_tasks_once(duty_officer):
    incident = incident_from_call(duty_officer)
    packages_seed()
    package = ActivationPackage.objects.get(code="source-found")
    results = []
    errors = in_threads(4, lambda i: results.append(
        package_apply(incident=incident, package=package, by=duty_officer)[1]))
    assert errors == [] and sorted(results) == [False, False, False, True]
    assert IncidentTask.objects.count() == package.tasks.count()


@pytest.mark.django_db(transaction=True)
def test_officers_changing_one_task_at_once_one_wins_the_others_are_told(duty_officer):
    incident = incident_from_call(duty_officer)
    task = task_create(incident=incident, title="Sơ tán", by=duty_officer)
    errors = in_threads(4, lambda i: task_update(task=task, version=1,
                                                  title=f"Sơ tán khu {i}", by=duty_officer))
    assert len(errors) == 3
    assert all(isinstance(e, IncidentError) and e.problems[0][0] == "version" for e in errors)
    task.refresh_from_db()
    assert task.version == 2
    assert incident.log.filter(kind="task").count() == 2  # created, and the one change
