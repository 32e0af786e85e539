"""Incidents over the API: the same services as the incident page, each refusal naming its
field, every user in their scope."""

import json

import pytest

from tests.factories import call_report
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.rules.loader import RULES_DIR

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
LOST_IR192.pop("first_information_at")




@pytest.fixture
def api(client, duty_officer):
    client.force_login(duty_officer)

    def call(method: str, path: str, body: dict | None = None):
        if method == "get":
            answer = client.get(f"/api/v1{path}")
        else:
            answer = client.post(f"/api/v1{path}", data=json.dumps(body),
                                 content_type="application/json")
        return answer.status_code, answer.json()
    return call


def test_an_incident_is_opened_linked_classified_and_read_over_the_api(api):
    first, second = call_report(minutes_ago=30), call_report(minutes_ago=5)
    status, opened = api("post", "/incidents", {"report": second.pk})
    assert status == 201 and opened["code"].startswith("UP-")
    pk = opened["id"]
    status, linked = api("post", f"/incidents/{pk}/reports", {"report": first.pk})
    assert status == 201
    assert linked["first_information_at"] == first.first_information_at.isoformat()
    status, classified = api("post", f"/incidents/{pk}/classification", {"facts": LOST_IR192})
    assert status == 201
    assert (classified["hazard_category"], classified["alarm_level"], classified["scope"]) == (
        "IV", 2, "provincial")
    assert {d["action"] for d in classified["deadlines"]} >= {"classify", "activate_response"}
    assert [e["kind"] for e in classified["log"]][:3] == ["opened", "deadline", "deadline"]
    status, listed = api("get", "/incidents")
    assert status == 200 and [i["id"] for i in listed["incidents"]] == [pk]
    assert listed["incidents"][0]["next_due_at"]


def test_bad_facts_are_named_by_their_path_and_an_override_needs_its_reason(api):
    pk = api("post", "/incidents", {"report": call_report(minutes_ago=5).pk})[1]["id"]
    status, refused = api("post", f"/incidents/{pk}/classification",
                          {"facts": {"event": {"dose_rate": "fast"}}})
    assert status == 422 and refused["errors"][0]["field"] == "facts.event.dose_rate"
    status, refused = api("post", f"/incidents/{pk}/classification",
                          {"facts": LOST_IR192, "alarm_level": 3})
    assert status == 422 and [e["field"] for e in refused["errors"]] == ["reason"]
    status, _detail = api("post", f"/incidents/{pk}/classification",
                          {"facts": LOST_IR192, "alarm_level": 3, "reason": "Hai tỉnh"})
    assert status == 201 and _detail["classifications"][-1]["overridden"]


def test_a_role_goes_only_to_someone_on_duty_for_the_incident(api):
    pk = api("post", "/incidents", {"report": call_report(minutes_ago=5).pk})[1]["id"]
    user_upsert(username="bch.hcm", password=None, role=Role.PROVINCIAL_COMMAND,
                province_code="79")
    user_upsert(username="bch.hn", password=None, role=Role.PROVINCIAL_COMMAND,
                province_code="01")
    status, refused = api("post", f"/incidents/{pk}/roles",
                          {"role": "commander", "user": "bch.hcm"})
    assert status == 422 and refused["errors"][0]["field"] == "user"
    status, roles = api("post", f"/incidents/{pk}/roles", {"role": "commander", "user": "bch.hn"})
    assert status == 201 and roles["roles"] == {"commander": "bch.hn"}


def test_another_provinces_board_neither_sees_nor_opens_the_incident(client, api):
    pk = api("post", "/incidents", {"report": call_report(minutes_ago=5).pk})[1]["id"]
    other = call_report(minutes_ago=5, province="79")
    board = user_upsert(username="bch.hcm", password=None, role=Role.PROVINCIAL_COMMAND,
                        province_code="48")
    client.force_login(board)
    assert client.get(f"/api/v1/incidents/{pk}").status_code == 404
    assert client.get("/api/v1/incidents").json() == {"incidents": []}
    answer = client.post("/api/v1/incidents", data=json.dumps({"report": other.pk}),
                         content_type="application/json")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "report"
