"""Response roles on an incident: one holder at a time, appointments logged, history kept."""


import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentRole
from ungpho.incidents.response.roles import role_appoint, role_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(duty_officer):
    return incident_from_call(duty_officer)


@pytest.fixture
def commander(db):
    return user_upsert(username="chihuy", password="mat-khau-dai-123", email="chihuy@x.vn",
                       role=Role.PROVINCIAL_COMMAND, province_code="01")


def test_a_new_commander_relieves_the_one_before_and_both_stay_in_the_history(
        incident, duty_officer, commander):
    role_appoint(incident=incident, role="commander", user=duty_officer, by=duty_officer)
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    assert role_holder(incident, "commander") == commander
    rows = list(IncidentRole.objects.filter(incident=incident, role="commander"))
    assert [(r.user, r.relieved_at is not None) for r in rows] == [
        (duty_officer, True), (commander, False)]
    assert [e.kind for e in incident.log.all()][-2:] == ["role", "role"]
    assert "chihuy" in incident.log.last().text


def test_an_unknown_role_or_no_user_is_refused_by_name(incident, duty_officer):
    with pytest.raises(IncidentError) as error:
        role_appoint(incident=incident, role="mayor", user=duty_officer, by=duty_officer)
    assert error.value.problems[0][0] == "role"
    with pytest.raises(IncidentError) as error:
        role_appoint(incident=incident, role="scribe", user=None, by=duty_officer)
    assert error.value.problems[0][0] == "user"
    assert not IncidentRole.objects.exists()


def test_the_incident_page_appoints_a_role_from_the_people_on_duty(
        client, incident, duty_officer, commander):
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{incident.pk}/roles",
                         {"role": "field_commander", "user": commander.pk})
    assert answer.status_code == 302
    assert role_holder(incident, "field_commander") == commander
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'data-role="field_commander"' in page and "chihuy" in page
