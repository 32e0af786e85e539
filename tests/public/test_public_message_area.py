"""A public message's area is drawn around the incident's location (the tracked source's last
position, the facility, the report's point) and approval refuses an area that misses it,
naming both, in the page's language; nothing is changed by a refusal."""

import datetime as dt
import io

import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import PublicMessage
from ungpho.core.geo.area_contains import area_contains
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import incident_open
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.response.roles import role_appoint
from ungpho.preparedness.models import RadioactiveSource
from ungpho.preparedness.services import facility_upsert, source_register
from ungpho.preparedness.trackers import positions_ingest, tracker_enable
from ungpho.public.messages import message_approve, message_draft, message_edit
from ungpho.public.render import instrument_for, template_fields

pytestmark = pytest.mark.django_db
URL = "http://ungpho.test"
YARD = (20.8470, 106.7420)  # the radiography company at Đình Vũ
LAST_FIX = (20.896, 106.683)  # the camera's last tracker fix, ~7.8 km north-west
AREA = {"type": "Polygon", "coordinates": [[[106.66, 20.80], [106.80, 20.80], [106.80, 20.88],
                                            [106.66, 20.88], [106.66, 20.80]]]}


@pytest.fixture
def board(db):
    return user_upsert(username="bch.haiphong", password="mat-khau-dai-123",
                       role=Role.PROVINCIAL_COMMAND, province_code="31",
                       full_name="Nguyễn Chỉ Huy")


@pytest.fixture
def tracked_incident(duty_officer, board):
    """The demo's story: an Ir-192 camera of a Đình Vũ company driven out of its area."""
    facility_upsert(code="ndt-dv", name="Công ty NDT Đình Vũ", kind="industrial_radiography",
                    lat=YARD[0], lon=YARD[1], address="KCN Đình Vũ, Hải Phòng")
    source = source_register(serial="IR-DV-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-dv",
                             mobile=True, permitted_area=AREA)
    tracker_enable(source=source, interval_s=3600)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    positions_ingest(source=RadioactiveSource.objects.get(pk=source.pk), via="http", body={
        "positions": [{"time": (now - dt.timedelta(minutes=10)).isoformat(), "lat": YARD[0],
                       "lon": YARD[1]},
                      {"time": now.isoformat(), "lat": LAST_FIX[0], "lon": LAST_FIX[1]}]})
    report = IncidentReport.objects.get(radioactive_source=source)
    incident = incident_open(report=report, by=duty_officer)
    role_appoint(incident=incident, role="commander", user=board, by=duty_officer)
    return incident


def _filled(message, by):
    fields, _flags = template_fields(instrument_for(message.incident), message.template)
    values = {f.name: message.values.get(f.name) or {"vi": "có", "en": "yes"} for f in fields}
    return message_edit(message=message, revision=message.revision, by=by,
                        changes={"values": values})


def test_a_tracked_source_message_is_drawn_around_its_last_position_not_its_company(
        tracked_incident, board):
    message = message_draft(incident=tracked_incident, template="initial", by=board,
                            public_url=URL)
    assert (message.circle_lat, message.circle_lon) == LAST_FIX
    assert message.circle_radius_km == pytest.approx(0.03)
    assert message.area_desc_vi.startswith(
        "Vành đai an toàn bán kính 30 m quanh vị trí cuối của nguồn Ir-192 IR-DV-1 "
        "(vĩ độ 20.89600, kinh độ 106.68300, lúc ")
    assert "Công ty NDT Đình Vũ" not in message.area_desc_vi
    assert message.values["location"]["en"].startswith(
        "the last position of the Ir-192 source IR-DV-1 (20.89600 N, 106.68300 E")
    message = message_approve(message=_filled(message, board), revision=2, by=board)
    assert message.status == "approved"


def test_approval_refuses_an_area_around_the_company_naming_area_and_location(
        tracked_incident, board):
    message = message_draft(incident=tracked_incident, template="initial", by=board,
                            public_url=URL)
    message = message_edit(message=_filled(message, board), revision=2, by=board, changes={
        "area_desc_vi": "Vành đai 30 m quanh công ty", "area_desc_en": "30 m around the company",
        "circle_lat": YARD[0], "circle_lon": YARD[1], "circle_radius_km": 0.03})
    with pytest.raises(IncidentError) as error:
        message_approve(message=message, revision=message.revision, by=board)
    (field, text), = error.value.problems
    assert field == "area"
    assert text.startswith("the area (30 m around the company) does not contain the "
                           "incident's location (the last position of the Ir-192 source "
                           "IR-DV-1 (20.89600 N, 106.68300 E")
    kept = PublicMessage.objects.get(pk=message.pk)
    assert (kept.status, kept.revision, kept.approved_by) == ("draft", message.revision, "")
    assert tracked_incident.log.filter(text__contains="phê duyệt").count() == 0


def test_a_polygon_holding_the_last_position_is_approved(tracked_incident, board):
    message = message_draft(incident=tracked_incident, template="initial", by=board,
                            public_url=URL)
    square = [[20.89, 106.67], [20.90, 106.67], [20.90, 106.69], [20.89, 106.69],
              [20.89, 106.67]]
    message = message_edit(message=_filled(message, board), revision=2, by=board, changes={
        "circle_lat": None, "circle_lon": None, "circle_radius_km": None, "polygon": square})
    assert message_approve(message=message, revision=3, by=board).status == "approved"


@pytest.mark.parametrize("language, expected", [
    ("vi", "Khu vực: vùng cảnh báo (Vành đai 30 m quanh công ty) không bao gồm vị trí sự cố "
           "(vị trí cuối của nguồn Ir-192 IR-DV-1 (vĩ độ 20.89600, kinh độ 106.68300, lúc "),
    ("en", "Area: the area (30 m around the company) does not contain the incident&#x27;s "
           "location (the last position of the Ir-192 source IR-DV-1 (20.89600 N, 106.68300 E"),
])
def test_the_message_page_refuses_in_its_language_and_warns_before_approval(
        client, tracked_incident, board, language, expected):
    message = message_draft(incident=tracked_incident, template="initial", by=board,
                            public_url=URL)
    message = message_edit(message=_filled(message, board), revision=2, by=board, changes={
        "area_desc_vi": "Vành đai 30 m quanh công ty", "area_desc_en": "30 m around the company",
        "circle_lat": YARD[0], "circle_lon": YARD[1], "circle_radius_km": 0.03})
    client.force_login(board)
    client.cookies["django_language"] = language
    url = f"/incidents/{tracked_incident.pk}/messages/{message.pk}/"
    assert 'id="area-outside"' in client.get(url).content.decode()
    answer = client.post(url, {"action": "approve", "revision": message.revision})
    assert answer.status_code == 200 and expected in answer.content.decode()
    assert PublicMessage.objects.get(pk=message.pk).status == "draft"


def test_a_call_placed_km_from_its_facility_is_cordoned_at_its_point(duty_officer):
    facility = facility_upsert(code="bv-hn", name="Bệnh viện Hà Nội", kind="nuclear_medicine",
                               lat=21.0006, lon=105.8408)
    incident = incident_from_call(duty_officer, lat=21.03, lon=105.85, facility=facility)
    message = message_draft(incident=incident, template="initial", by=duty_officer,
                            public_url=URL)
    assert (message.circle_lat, message.circle_lon) == (21.03, 105.85)
    assert "Bệnh viện Hà Nội" not in message.area_desc_vi
    assert "(vĩ độ 21.03000, kinh độ 105.85000)" in message.area_desc_vi


def test_a_call_at_its_facility_names_the_facility_and_is_cordoned_at_its_point(duty_officer):
    facility = facility_upsert(code="bv-hn", name="Bệnh viện Hà Nội", kind="nuclear_medicine",
                               lat=21.0006, lon=105.8408, address="78 Giải Phóng")
    incident = incident_from_call(duty_officer, lat=21.0010, lon=105.8410, facility=facility)
    message = message_draft(incident=incident, template="initial", by=duty_officer,
                            public_url=URL)
    assert message.values["location"]["vi"] == "Bệnh viện Hà Nội, 78 Giải Phóng, Thành phố Hà Nội"
    assert message.area_desc_vi == ("Vành đai an toàn bán kính 30 m quanh Bệnh viện Hà Nội, "
                                    "78 Giải Phóng, Thành phố Hà Nội")
    assert (message.circle_lat, message.circle_lon) == (21.0010, 105.8410)  # the call's point


def test_the_demo_message_no_1_covers_the_camera_where_it_was_last_seen(db):
    from ungpho.cli.demo.load import demo_load

    demo_load(out=io.StringIO(), hours=1)
    message = PublicMessage.objects.get(number=1, incident__exercise=False)
    source = message.incident.radioactive_source
    assert area_contains(source.last_lat, source.last_lon, circles=[
        (message.circle_lat, message.circle_lon, message.circle_radius_km)])
    assert f"vị trí cuối của nguồn Ir-192 {source.serial}" in message.area_desc_vi
    assert "vị trí cuối của nguồn" in message.text_vi


def test_the_message_page_names_unfilled_placeholders_by_their_labels_not_their_keys(
        client, tracked_incident, board):
    import re

    message = message_draft(incident=tracked_incident, template="initial", by=board,
                            public_url=URL)
    client.force_login(board)
    url = f"/incidents/{tracked_incident.pk}/messages/{message.pk}/"
    page = client.get(url).content.decode()
    unfilled = re.search(r'<p class="error" id="unfilled">(.*?)</p>', page).group(1)
    assert "Điện thoại" in unfilled and "contact_phone" not in unfilled
    answer = client.post(url, {"action": "approve", "revision": message.revision})
    assert "Điện thoại: chưa điền: hãy điền trước khi phê duyệt" in answer.content.decode()
    assert "values.contact_phone" not in answer.content.decode()


def test_a_source_driven_into_the_next_province_is_placed_in_that_province(
        tracked_incident, board):
    source = tracked_incident.radioactive_source
    RadioactiveSource.objects.filter(pk=source.pk).update(last_lat=20.95, last_lon=107.08)
    message = message_draft(incident=tracked_incident, template="initial", by=board,
                            public_url=URL)
    assert message.area_desc_vi.endswith("), Tỉnh Quảng Ninh")
    assert message.area_desc_en.endswith("Vietnam time), Quang Ninh Province")
