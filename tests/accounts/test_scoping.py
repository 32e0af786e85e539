import datetime as dt

import pytest

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.selectors import incident_list_open
from ungpho.incidents.services import incident_raise_from_exceedance
from ungpho.monitoring.services import station_upsert
from ungpho.preparedness.services import facility_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(gamma_station):
    """One open report in Hà Nội (01), one in Quảng Ninh (22) at a facility."""
    qn = station_upsert(code="QN-GAMMA-01", name="Trạm Hải Hà", province_code="22",
                        lat=21.45, lon=107.75)
    facility = facility_upsert(code="cang-cai-lan", name="Cảng Cái Lân", province_code="22",
                               lat=20.97, lon=107.05)
    now = dt.datetime.now(dt.UTC)
    hanoi, _ = incident_raise_from_exceedance(
        station_id=gamma_station.station.pk, parameter_id=gamma_station.parameter.pk,
        province_code="01", lat=21.0, lon=105.8, observed_at=now,
        decision={"value": 1.0, "limit": 0.5, "level": 1})
    quangninh, _ = incident_raise_from_exceedance(
        station_id=qn.pk, parameter_id=gamma_station.parameter.pk, province_code="22",
        lat=21.45, lon=107.75, observed_at=now, decision={"value": 1.0, "limit": 0.5, "level": 1})
    quangninh.facility = facility
    quangninh.save()
    return {"01": hanoi, "22": quangninh}


def _codes(user):
    return sorted(r.province_id for r in incident_list_open(user=user))


def test_a_national_duty_officer_sees_the_whole_country(reports):
    user = user_upsert(username="tb", password="x" * 12, role=Role.NATIONAL_DUTY)
    assert _codes(user) == ["01", "22"]


def test_a_provincial_command_board_sees_only_its_province(reports):
    user = user_upsert(username="qn", password="x" * 12, role=Role.PROVINCIAL_COMMAND,
                       province_code="22")
    assert _codes(user) == ["22"]


def test_a_facility_operator_sees_only_its_facilities(reports):
    user = user_upsert(username="op", password="x" * 12, role=Role.FACILITY_OPERATOR,
                       facility_codes=("cang-cai-lan",))
    assert _codes(user) == ["22"]


def test_an_account_without_a_role_sees_nothing(reports, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 12)
    assert _codes(user) == []


def test_a_provincial_account_without_a_province_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="province"):
        user_upsert(username="qn", password="x" * 12, role=Role.PROVINCIAL_COMMAND)


def test_the_duty_desk_page_lists_only_reports_in_scope(client, reports):
    user_upsert(username="hn", password="mat-khau-dai-123", role=Role.PROVINCIAL_COMMAND,
                province_code="01")
    client.login(username="hn", password="mat-khau-dai-123")
    page = client.get("/duty/").content.decode()
    assert reports["01"].code in page and reports["22"].code not in page


def test_the_duty_desk_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/duty/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
