"""Public information messages (TT 12/2023/TT-BKHCN Phụ lục VIII.II): drafted from the
templates with the incident's facts, approved by the incident commander only, released with
a sequence number and the next-update time, published on the public pages, as CAP 1.2
(validated against the OASIS schema) and in the Atom feed of the alerts in force."""

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import PublicMessage
from ungpho.cli import main
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import incident_classify, incident_open
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.response.roles import role_appoint
from ungpho.public.messages import (
    message_approve,
    message_cancel_draft,
    message_draft,
    message_edit,
    message_release,
)
from ungpho.public.render import instrument_for, template_fields

pytestmark = pytest.mark.django_db

XSD = Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd"
C = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
A = {"a": "http://www.w3.org/2005/Atom"}
URL = "http://ungpho.test"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(XSD), allow="local")


def _valid(schema, document: bytes) -> ET.Element:
    schema.validate(io.BytesIO(document))
    return ET.fromstring(document)




@pytest.fixture
def incident(duty_officer):
    return incident_from_call(duty_officer, lat=21.0285, lon=105.8542)


@pytest.fixture
def commander(db):
    return user_upsert(username="chihuy", password="mat-khau-dai-123", email="chihuy@x.vn",
                       role=Role.PROVINCIAL_COMMAND, province_code="01",
                       full_name="Trần Chỉ Huy")


@pytest.fixture
def speaker(db):
    return user_upsert(username="phatngon", password="mat-khau-dai-123", email="pn@x.vn",
                       role=Role.PROVINCIAL_COMMAND, province_code="01")


def _filled(message, by):
    """Give every placeholder the incident left unfilled (as the drafter would)."""
    fields, _flags = template_fields(instrument_for(message.incident), message.template)
    values = {f.name: message.values.get(f.name) or {"vi": f"{f.name} (vi)",
                                                       "en": f"{f.name} (en)"}
              for f in fields}
    return message_edit(message=message, revision=message.revision, by=by,
                        changes={"values": values})


def _released(incident, commander, *, template="initial", by=None):
    message = _filled(message_draft(incident=incident, template=template, by=commander,
                                    public_url=URL), commander)
    message = message_approve(message=message, revision=message.revision, by=commander)
    return message_release(message=message, by=by or commander, public_url=URL)


def _appointed(incident, commander, duty_officer):
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    return commander


def test_a_draft_is_prefilled_from_the_incident_and_reports_what_is_still_unfilled(
        incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    message = message_draft(incident=incident, template="initial", by=duty_officer,
                            public_url=URL)
    assert message.status == "draft" and message.number is None and message.identifier is None
    assert message.values["location"]["vi"].startswith("Thành phố Hà Nội (vĩ độ 21.02850")
    assert message.values["contact_name"] == {"vi": "Trần Chỉ Huy", "en": "Trần Chỉ Huy"}
    assert message.circle_radius_km == pytest.approx(0.03)  # Phụ lục VIII.IV: 30 m
    assert "Số thứ tự bản tin phát ra: 1" in message.text_vi
    assert "contact_phone" in message.unfilled and "date" not in message.unfilled
    assert "⟦contact_phone: Điện thoại⟧" in message.text_vi
    assert message.incident.log.last().kind == "message"
    message = message_edit(message=message, revision=message.revision, by=duty_officer,
                           changes={"values": {**message.values, "contact_phone": "024 3942"}})
    assert "Điện thoại: 024 3942\n" in message.text_vi
    assert "Telephone: 024 3942\n" in message.text_en
    assert "contact_phone" not in message.unfilled and message.revision == 2


def test_approval_is_refused_when_no_commander_is_appointed(incident, duty_officer):
    message = _filled(message_draft(incident=incident, template="initial", by=duty_officer,
                                    public_url=URL), duty_officer)
    with pytest.raises(IncidentError) as error:
        message_approve(message=message, revision=message.revision, by=duty_officer)
    assert error.value.problems[0][0] == "commander"
    assert "commander" in error.value.problems[0][1]
    assert PublicMessage.objects.get(pk=message.pk).status == "draft"


def test_approval_by_anyone_but_the_commander_is_refused(incident, commander, speaker,
                                                         duty_officer):
    _appointed(incident, commander, duty_officer)
    message = _filled(message_draft(incident=incident, template="initial", by=speaker,
                                    public_url=URL), speaker)
    with pytest.raises(IncidentError) as error:
        message_approve(message=message, revision=message.revision, by=speaker)
    assert error.value.problems == [("commander", "only the incident commander (Trần Chỉ Huy) "
                                                  "may approve a public message")]


def test_an_incomplete_message_cannot_be_approved(incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    message = message_draft(incident=incident, template="initial", by=commander,
                            public_url=URL)
    with pytest.raises(IncidentError) as error:
        message_approve(message=message, revision=message.revision, by=commander)
    fields = [field for field, _text in error.value.problems]
    assert "values.contact_phone" in fields and "values.hotline" not in fields


def test_a_next_update_in_the_past_is_refused(incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    message = _filled(message_draft(incident=incident, template="initial", by=commander,
                                    public_url=URL), commander)
    message = message_edit(message=message, revision=message.revision, by=commander, changes={
        "next_update_at": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)})
    with pytest.raises(IncidentError) as error:
        message_approve(message=message, revision=message.revision, by=commander)
    assert [f for f, _t in error.value.problems] == ["next_update_at"]


def test_an_edit_or_approval_of_a_revision_changed_meanwhile_is_refused(
        incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    message = message_draft(incident=incident, template="initial", by=commander,
                            public_url=URL)
    seen = message.revision
    _filled(message, duty_officer)
    with pytest.raises(IncidentError) as error:
        message_approve(message=message, revision=seen, by=commander)
    assert error.value.problems[0][0] == "revision"


def test_released_messages_are_numbered_in_the_order_of_release(incident, commander,
                                                                 duty_officer):
    _appointed(incident, commander, duty_officer)
    first = _released(incident, commander)
    second = _released(incident, commander, template="lost_or_stolen")
    assert (first.number, second.number) == (1, 2)
    assert second.identifier == f"ungpho.{incident.code}.2"
    assert "Số thứ tự bản tin phát ra: 2" in second.text_vi
    assert PublicMessage.objects.get(pk=first.pk).identifier == f"ungpho.{incident.code}.1"


def test_only_the_commander_or_the_public_information_officer_releases(
        incident, commander, speaker, duty_officer):
    _appointed(incident, commander, duty_officer)
    message = _filled(message_draft(incident=incident, template="initial", by=speaker,
                                    public_url=URL), speaker)
    message = message_approve(message=message, revision=message.revision, by=commander)
    with pytest.raises(IncidentError) as error:
        message_release(message=message, by=speaker, public_url=URL)
    assert error.value.problems[0][0] == "by"
    role_appoint(incident=incident, role="public_information", user=speaker, by=duty_officer)
    released = message_release(message=message, by=speaker, public_url=URL)
    assert released.status == "released" and released.released_by == "phatngon"
    assert released.approved_by == "chihuy"
    texts = [e.text for e in incident.log.filter(kind="message")]
    assert any("approved by the incident commander" in t for t in texts)
    assert any("no. 1 released (Alert)" in t for t in texts)


def test_a_released_message_never_changes(incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    message = _released(incident, commander)
    with pytest.raises(IncidentError):
        message_edit(message=message, revision=message.revision, by=commander,
                     changes={"basis": "projected"})
    message.text_vi = "sửa"
    with pytest.raises(PermissionError):
        message.save()


def test_release_makes_it_public_without_login_and_a_draft_stays_hidden(
        client, schema, incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    draft = message_draft(incident=incident, template="found_in_public", by=commander,
                          public_url=URL)
    page = client.get("/public/").content.decode()
    assert "không có cảnh báo công chúng nào" in page or "No public alert" in page
    released = _released(incident, commander)
    page = client.get("/public/").content.decode()
    assert f'data-alert="{released.identifier}"' in page
    assert page.count("data-alert=") == 1 and "phát hiện thấy nguồn phóng xạ" not in page
    assert draft.identifier is None
    detail = client.get(f"/public/alerts/{released.identifier}/")
    assert detail.status_code == 200
    assert "Số thứ tự bản tin phát ra: 1" in detail.content.decode()
    english = client.get(f"/public/alerts/{released.identifier}/?lang=en").content.decode()
    assert "Message sequence number: 1" in english
    cap = client.get(f"/public/alerts/{released.identifier}.xml")
    assert cap["Content-Type"].startswith("application/cap+xml")
    root = _valid(schema, cap.content)
    assert root.findtext("cap:status", namespaces=C) == "Actual"
    assert root.findtext("cap:msgType", namespaces=C) == "Alert"
    assert [i.findtext("cap:language", namespaces=C) for i in root.findall("cap:info", C)] \
        == ["vi-VN", "en-US"]
    assert root.findtext("cap:info/cap:area/cap:circle", namespaces=C) == "21.0285,105.8542 0.03"
    assert root.findtext("cap:info/cap:web", namespaces=C) == \
        f"http://testserver/public/alerts/{released.identifier}/"
    assert client.get("/public/alerts/ungpho.nothing.9.xml").status_code == 404


def test_the_next_message_supersedes_the_one_in_force_as_a_cap_update(
        client, schema, incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    first = _released(incident, commander)
    second = _released(incident, commander, template="lost_or_stolen")
    first.refresh_from_db()
    assert first.status == "superseded" and first.ended_by == second
    assert second.msg_type == "Update" and list(second.references.all()) == [first]
    root = _valid(schema, client.get(f"/public/alerts/{second.identifier}.xml").content)
    assert root.findtext("cap:msgType", namespaces=C) == "Update"
    assert root.findtext("cap:references", namespaces=C) == \
        f"{first.sender},{first.identifier},{first.sent_at.astimezone(dt.timezone(dt.timedelta(hours=7))).replace(microsecond=0).isoformat()}"  # noqa: E501
    old = client.get(f"/public/alerts/{first.identifier}/").content.decode()
    assert 'id="not-current"' in old
    _valid(schema, client.get(f"/public/alerts/{first.identifier}.xml").content)


def test_a_cancellation_cancels_the_message_in_force(client, schema, incident, commander,
                                                     duty_officer):
    _appointed(incident, commander, duty_officer)
    first = _released(incident, commander)
    cancel = message_cancel_draft(incident=incident, by=commander,
                                  text_vi="Báo động nhầm.", text_en="False alarm.")
    cancel = message_approve(message=cancel, revision=cancel.revision, by=commander)
    cancel = message_release(message=cancel, by=commander, public_url=URL)
    first.refresh_from_db()
    assert first.status == "cancelled" and cancel.msg_type == "Cancel"
    root = _valid(schema, client.get(f"/public/alerts/{cancel.identifier}.xml").content)
    assert root.findtext("cap:msgType", namespaces=C) == "Cancel"
    assert first.identifier in root.findtext("cap:references", namespaces=C)
    assert root.findtext("cap:info/cap:responseType", namespaces=C) == "AllClear"


def test_an_exercise_is_status_exercise_in_cap_and_marked_on_every_page(
        client, schema, duty_officer, commander):
    incident = incident_from_call(duty_officer, exercise=True, lat=21.0285, lon=105.8542)
    _appointed(incident, commander, duty_officer)
    message = _released(incident, commander)
    root = _valid(schema, client.get(f"/public/alerts/{message.identifier}.xml").content)
    assert root.findtext("cap:status", namespaces=C) == "Exercise"
    assert root.findtext("cap:info/cap:headline", namespaces=C).startswith("DIỄN TẬP")
    for path in ("/public/", "/public/alerts/", f"/public/alerts/{message.identifier}/"):
        assert "DIỄN TẬP / EXERCISE" in client.get(path).content.decode(), path
    feed = ET.fromstring(client.get("/public/alerts.atom").content)
    assert feed.find("a:entry/a:category", A).get("term") == "Exercise"


def test_the_alarm_level_gives_the_cap_urgency_severity_and_certainty(
        client, schema, incident, commander, duty_officer):
    incident_classify(incident=incident, by=duty_officer, facts={
        "hazard_category": "IV", "event": {"source_group": 2, "source_out_of_control": True}})
    incident.refresh_from_db()
    assert (incident.hazard_category, incident.alarm_level) == ("IV", 2)
    _appointed(incident, commander, duty_officer)
    message = _released(incident, commander)
    info = _valid(schema, client.get(f"/public/alerts/{message.identifier}.xml").content).find(
        "cap:info", C)
    assert [info.findtext(f"cap:{k}", namespaces=C) for k in ("urgency", "severity",
                                                             "certainty")] == \
        ["Immediate", "Severe", "Observed"]  # cap_levels.yaml, Cấp 2
    assert "cấp 2" in message.values["confirmed_information"]["vi"].lower()


def test_the_atom_feed_lists_the_alerts_in_force_only(client, incident, commander,
                                                      duty_officer):
    _appointed(incident, commander, duty_officer)
    first = _released(incident, commander)
    second = _released(incident, commander, template="lost_or_stolen")
    message_draft(incident=incident, template="initial", by=commander, public_url=URL)
    answer = client.get("/public/alerts.atom")
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    links = [e.find("a:link", A).get("href") for e in feed.findall("a:entry", A)]
    assert links == [f"http://testserver/public/alerts/{second.identifier}.xml"]
    assert first.identifier not in answer.content.decode()
    assert client.get(links[0].removeprefix("http://testserver")).status_code == 200


def test_the_cli_prints_valid_cap_of_the_messages_in_force_or_all_of_them(
        capsysbinary, schema, incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    first = _released(incident, commander)
    second = _released(incident, commander, template="lost_or_stolen")
    assert main(["alerts", "cap"]) == 0
    documents = capsysbinary.readouterr().out.split(b"<?xml")[1:]
    assert len(documents) == 1
    root = _valid(schema, b"<?xml" + documents[0])
    assert root.findtext("cap:identifier", namespaces=C) == second.identifier
    assert main(["alerts", "cap", "--all", "--incident", incident.code]) == 0
    documents = capsysbinary.readouterr().out.split(b"<?xml")[1:]
    identifiers = [_valid(schema, b"<?xml" + d).findtext("cap:identifier", namespaces=C)
                   for d in documents]
    assert identifiers == [first.identifier, second.identifier]


def test_the_incident_page_drafts_edits_approves_and_releases_a_message(
        client, incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    client.force_login(commander)
    answer = client.post(f"/incidents/{incident.pk}/messages/new", {"template": "initial"})
    message = PublicMessage.objects.get(incident=incident)
    assert answer.url == f"/incidents/{incident.pk}/messages/{message.pk}/"
    page = client.get(answer.url).content.decode()
    assert 'id="unfilled"' in page and 'name="v_contact_phone_vi"' in page
    fields, _flags = template_fields(instrument_for(incident), "initial")
    form = {"action": "save", "revision": message.revision, "basis": "observed",
            "next_update_at": (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).astimezone(
                dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M"),
            "area_desc_vi": "Phường Hoàn Kiếm", "area_desc_en": "Hoan Kiem ward",
            "polygon": "21.02,105.85 21.04,105.85 21.04,105.86 21.02,105.86 21.02,105.85",
            "guidance": ["1", "2"], "f_media_centre_active": "on"}
    for f in fields:
        value = message.values.get(f.name) or {"vi": "có", "en": "yes"}
        form[f"v_{f.name}_vi"], form[f"v_{f.name}_en"] = value["vi"], value["en"]
    assert client.post(answer.url, form).status_code == 302
    message.refresh_from_db()
    assert message.unfilled == [] and message.polygon[0] == [21.02, 105.85]
    assert "trung tâm thông tin truyền thông" in message.text_vi
    client.post(answer.url, {"action": "approve", "revision": message.revision})
    client.post(answer.url, {"action": "release", "revision": message.revision})
    message.refresh_from_db()
    assert message.status == "released" and message.number == 1
    assert 'data-status="released"' in client.get(f"/incidents/{incident.pk}/").content.decode()


def test_a_bad_polygon_is_refused_naming_the_field(client, incident, commander, duty_officer):
    _appointed(incident, commander, duty_officer)
    client.force_login(commander)
    message = message_draft(incident=incident, template="initial", by=commander,
                            public_url=URL)
    answer = client.post(f"/incidents/{incident.pk}/messages/{message.pk}/", {
        "action": "save", "revision": message.revision, "area_desc_vi": "x",
        "area_desc_en": "x", "polygon": "21.02,105.80 21.03,105.80 21.03,105.81"})
    assert answer.status_code == 200
    assert "Khu vực: polygons[0]: a polygon needs at least 4 points" in answer.content.decode()
    assert PublicMessage.objects.get(pk=message.pk).revision == message.revision



def _facility_incident(duty_officer, **fields):
    from ungpho.preparedness.services import facility_upsert

    facility = facility_upsert(name="Lò phản ứng hạt nhân Đà Lạt", kind="research_reactor",
                               lat=11.9526, lon=108.4446, thermal_power_mw=20.0, **fields)
    at = dt.datetime.now(dt.UTC)
    report = IncidentReport.objects.create(
        source="call", province_id=facility.province_id, facility=facility, lat=facility.lat,
        lon=facility.lon, first_information_at=at, opened_at=at, updated_at=at)
    return incident_open(report=report, by=duty_officer)


def test_the_area_of_a_facility_incident_is_its_emergency_zone(schema, client, duty_officer):
    point = message_draft(incident=_facility_incident(duty_officer, code="dalat"),
                          template="initial", by=duty_officer, public_url=URL)
    assert point.area_desc_vi == "Vùng UPZ bán kính 5 km quanh Lò phản ứng hạt nhân Đà Lạt"
    assert (point.circle_lat, point.circle_lon, point.circle_radius_km) == \
        (11.9526, 108.4446, 5.0)
    site = {"type": "Polygon", "coordinates": [[[108.443, 11.951], [108.446, 11.951],
                                                [108.446, 11.954], [108.443, 11.951]]]}
    incident = _facility_incident(duty_officer, code="dalat-site", boundary=site)
    board = user_upsert(username="bch.lamdong", password="mat-khau-dai-123",  # its province's
                        role=Role.PROVINCIAL_COMMAND, province_code=incident.province_id)
    _appointed(incident, board, duty_officer)
    message = _released(incident, board)
    assert message.circle_lat is None and message.polygon[0] == message.polygon[-1]
    assert len(message.polygon) >= 4
    root = _valid(schema, client.get(f"/public/alerts/{message.identifier}.xml").content)
    first = root.findtext("cap:info/cap:area/cap:polygon", namespaces=C).split()[0]
    assert 11.9 < float(first.split(",")[0]) < 12.0  # lat first, as CAP 1.2 §3.2.4 wants


def test_a_lost_source_message_names_the_source(duty_officer):
    from ungpho.preparedness.services import facility_upsert, source_register

    facility_upsert(code="ndt-hn", name="Công ty NDT Hà Nội", kind="industrial_radiography",
                    lat=21.0285, lon=105.8542)
    source = source_register(serial="IR192-0099", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 6, 1), facility_code="ndt-hn",
                             device="Máy chụp ảnh phóng xạ Sentinel 880")
    at = dt.datetime.now(dt.UTC)
    report = IncidentReport.objects.create(
        source="source", province_id="01", radioactive_source=source, lat=21.0285,
        lon=105.8542, first_information_at=at, opened_at=at, updated_at=at)
    incident = incident_open(report=report, by=duty_officer)
    message = message_draft(incident=incident, template="lost_or_stolen", by=duty_officer,
                            public_url=URL)
    assert message.values["lost_item_details"]["vi"] == \
        "(nguồn Ir-192, số sê-ri IR192-0099, Máy chụp ảnh phóng xạ Sentinel 880)"
    assert message.values["item_appearance"]["en"] == "Máy chụp ảnh phóng xạ Sentinel 880"
    assert "bị mất/lấy cắp (nguồn Ir-192, số sê-ri IR192-0099" in message.text_vi
