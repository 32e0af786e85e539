"""``ungpho demo``: realistic Vietnamese demo data, loaded idempotently.

A second run changes nothing but adds the readings of the hours since the first. Every write
goes through the services, so the demo also fills the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.audit.services import Actor
from ungpho.cli.demo.contacts import contacts_demo_load
from ungpho.cli.demo.public_message import demo_message
from ungpho.cli.demo.registry import DEMO_TRACKER_TOKEN, TRACKER_SERIAL, registry_demo_load
from ungpho.cli.demo.response import demo_drill, demo_response
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.core.monitoring.simulate import SimStation, simulate
from ungpho.core.rules.classify import incident_classify
from ungpho.core.rules.facts import IncidentFacts, facts_parse
from ungpho.core.rules.loader import RULES_DIR
from ungpho.core.vietnam_time import VIETNAM
from ungpho.faults.models import DeadLetter
from ungpho.geo.selectors import province_for_point
from ungpho.incidents import lifecycle as incident_response
from ungpho.incidents.models import IncidentReport
from ungpho.monitoring.doors.mqtt_messages import messages_store
from ungpho.monitoring.models import Parameter, Reading
from ungpho.monitoring.pipeline import Ingestor, RawItem
from ungpho.monitoring.services import (
    readings_ingest,
    station_states_refresh,
    station_token_issue,
    station_upsert,
    threshold_set,
)
from ungpho.platform.machine_tokens import token_digest
from ungpho.preparedness.models import Facility, RadioactiveSource
from ungpho.preparedness.zones import category_v_areas

DEMO = Actor("system", "demo")
DEMO_PASSWORD = "ungpho-demo-2026"
#: Demo only: a fixed, published token so the README's curl example works.
DEMO_TOKEN = "ung_demo_QN-GAMMA-01"

# Radiation network (ambient gamma dose rate): (code, name, owner, ministry, lat, lon,
# background µSv/h). Demo stations at real places; the network itself is illustrative.
STATIONS = [
    ("HN-GAMMA-01", "Trạm quan trắc phóng xạ môi trường Hà Nội",
     "Cục An toàn bức xạ và hạt nhân", "most", 21.0285, 105.8542, 0.14),
    ("DN-GAMMA-01", "Trạm quan trắc phóng xạ môi trường Đà Nẵng",
     "Cục An toàn bức xạ và hạt nhân", "most", 16.0544, 108.2022, 0.11),
    ("HCM-GAMMA-01", "Trạm quan trắc phóng xạ môi trường TP. Hồ Chí Minh",
     "Cục An toàn bức xạ và hạt nhân", "most", 10.7769, 106.7009, 0.09),
    ("QN-GAMMA-01", "Trạm quan trắc phóng xạ Hải Hà (Quảng Ninh)",
     "Bộ Quốc phòng — Binh chủng Hóa học", "mod", 21.4500, 107.7500, 0.12),
    ("LD-GAMMA-01", "Trạm quan trắc phóng xạ Đà Lạt (Lâm Đồng)",
     "Viện Năng lượng nguyên tử Việt Nam", "most", 11.9404, 108.4583, 0.16),
]
# Environment network (ministry of agriculture and environment, provinces): (code, name,
# owner, ministry, type, lat, lon, daily means that differ from the simulator's defaults).
ENVIRONMENT_STATIONS = [
    ("HN-KK-NVC", "Trạm quan trắc không khí tự động 556 Nguyễn Văn Cừ (Long Biên)",
     "Trung tâm Quan trắc môi trường miền Bắc", "mae", "ambient_air", 21.0486, 105.8786,
     {"PM2,5": 52.0}),
    ("DN-KK-01", "Trạm quan trắc không khí tự động Đà Nẵng (Hải Châu)",
     "Sở Nông nghiệp và Môi trường TP Đà Nẵng", "province", "ambient_air", 16.0610, 108.2150,
     {"PM2,5": 18.0}),
    ("HCM-KK-01", "Trạm quan trắc không khí tự động TP. Hồ Chí Minh (Quận 1)",
     "Sở Nông nghiệp và Môi trường TP Hồ Chí Minh", "province", "ambient_air", 10.7820,
     106.7000, {"PM2,5": 30.0}),
    ("HN-NM-NHUE", "Trạm quan trắc nước mặt tự động sông Nhuệ (cầu Hà Đông)",
     "Trung tâm Quan trắc môi trường miền Bắc", "mae", "surface_water", 20.9717, 105.7772,
     {}),
]
#: The Hải Hà station's operator alarm levels (µSv/h); the others use the defaults over
#: their background (monitoring.levels).
LEVELS_USV_H = (0.5, 1.0, 100.0)
#: The Hải Hà station's last readings climb over level 1, which opens a report.
SPIKE_USV_H = (0.38, 0.61, 0.84)


def _province(lat: float, lon: float) -> str:
    province = province_for_point(lat_deg=lat, lon_deg=lon)
    if province is None:
        raise RuntimeError(f"demo point {lat}, {lon} is in no province")
    return province.code


def _environment_stations(*, end: dt.datetime, hours: int) -> None:
    """Air-quality and surface-water stations with a day of simulated five-minute data."""
    ingestor = Ingestor(by=DEMO)
    for code, name, owner, ministry, type_, lat, lon, background in ENVIRONMENT_STATIONS:
        station = station_upsert(code=code, name=name, owner=owner, ministry=ministry,
                                 type=type_, lat=lat, lon=lon,
                                 province_code=_province(lat, lon), by=DEMO)
        sim = SimStation(code, type_, station.reporting_interval_s, background)
        items = [RawItem(None, r.symbol, r.value, r.unit, r.observed_at, r.status)
                 for r in simulate([sim], start=end - dt.timedelta(hours=hours),
                                   end=end + dt.timedelta(seconds=1), seed=2026)]
        ingestor.add(station=station, items=items, via=Reading.Via.FILE, source="demo")
    ingestor.flush()


def _series(background: float, end: dt.datetime, hours: int, spike: tuple[float, ...] = ()):
    """Five-minute background with a daily wobble, deterministic for a given ``end``."""
    count = hours * 12
    for i in range(count):
        moment = end - dt.timedelta(minutes=5 * (count - 1 - i))
        wobble = 0.08 * math.sin(moment.timestamp() / 86400 * 2 * math.pi)
        jitter = 0.03 * math.sin(moment.timestamp() / 997.0)
        value = round(background * (1 + wobble + jitter), 3)
        from_end = count - 1 - i
        if from_end < len(spike):
            value = spike[len(spike) - 1 - from_end]
        yield moment, value


RULES_EXAMPLES = RULES_DIR / "examples"


def demo_load(*, out: TextIO, hours: int = 24) -> None:
    gamma = Parameter.objects.get(code="GammaDR")  # the catalogue, synced after migrate
    registry_demo_load(by=DEMO)
    qn, hn = _province(21.4500, 107.7500), _province(21.0285, 105.8542)
    accounts = [
        ("trucban", "Trực ban NACCET (Nguyễn Văn An)", Role.NATIONAL_DUTY, None, ()),
        ("bch.quangninh", "Ban chỉ huy tỉnh Quảng Ninh", Role.PROVINCIAL_COMMAND, qn, ()),
        ("bch.hanoi", "Ban chỉ huy TP Hà Nội", Role.PROVINCIAL_COMMAND, hn, ()),
        ("bch.haiphong", "Ban chỉ huy TP Hải Phòng", Role.PROVINCIAL_COMMAND,
         _province(20.8449, 106.6881), ()),
        ("coso.bachmai", "Cơ sở: Bệnh viện Bạch Mai", Role.FACILITY_OPERATOR, None,
         ("bachmai-ydhn",)),
        ("quantri", "Quản trị hệ thống", Role.ADMINISTRATOR, None, ()),
    ]
    for username, full_name, role, province, facilities in accounts:
        user_upsert(username=username, password=DEMO_PASSWORD, role=role, full_name=full_name,
                    email=f"{username}@ungpho.example", province_code=province,
                    facility_codes=facilities, by=DEMO)
    contacts = contacts_demo_load(by=DEMO)

    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    end -= dt.timedelta(minutes=end.minute % 5)
    for code, name, owner, ministry, lat, lon, background in STATIONS:
        station = station_upsert(code=code, name=name, owner=owner, ministry=ministry, lat=lat,
                                 lon=lon, province_code=_province(lat, lon), type="radiation",
                                 background_usv_h=background, by=DEMO)
        spike = ()
        if code == "QN-GAMMA-01":
            threshold_set(station=station, parameter=gamma, level_1=LEVELS_USV_H[0],
                          level_2=LEVELS_USV_H[1], level_3=LEVELS_USV_H[2], by=DEMO,
                          basis="Ngưỡng cảnh báo vận hành của trạm (demo); cấp 3 = 100 µSv/h "
                                "(TT 12/2023 Phụ lục VIII.IV) / station alarm levels (demo)")
            if station.token_sha256 != token_digest(DEMO_TOKEN):
                station_token_issue(station=station, token=DEMO_TOKEN, by=DEMO)
            spike = SPIKE_USV_H
        readings = [ParsedReading(i, "GammaDR", moment, value, "µSv/h")
                    for i, (moment, value) in enumerate(_series(background, end, hours, spike))]
        readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP)
    _environment_stations(end=end, hours=hours)
    station_states_refresh()

    out.write("Dữ liệu mẫu đã sẵn sàng / demo data loaded.\n")
    out.write(f"Tài khoản / logins (mật khẩu / password: {DEMO_PASSWORD}):\n")
    for username, full_name, role, *_ in accounts:
        out.write(f"  {username:<15} {role.value:<19} {full_name}\n")
    out.write(f"Mã trạm / station token (QN-GAMMA-01): {DEMO_TOKEN}\n")
    out.write(f"Danh bạ / contact points: {contacts} (địa chỉ ví dụ / example addresses) → "
              "/admin/alerts/contact/\n")
    _registry_summary(out)
    _incident_from_tracker_alert(out)
    _rules_example(out)
    _dead_letters(out, end=end)


def _registry_summary(out: TextIO) -> None:
    provinces = sorted({row.province_name_vi for row in category_v_areas()})
    out.write(f"Sổ nguy cơ / risk registry: {Facility.objects.count()} cơ sở / facilities, "
              f"{RadioactiveSource.objects.count()} nguồn / sources → /facilities/; nhóm V / "
              f"category V: {len(provinces)} tỉnh / provinces → ungpho facilities category-v\n"
              f"Mã thiết bị định vị / tracker token ({TRACKER_SERIAL}): {DEMO_TRACKER_TOKEN}\n")


def _incident_from_tracker_alert(out: TextIO) -> None:
    """The duty officer opens an incident from the Ir-192 camera's report and classifies it
    with the facts of the rules example (a sealed source out of control)."""
    report = IncidentReport.objects.filter(radioactive_source__serial=TRACKER_SERIAL,
                                           status=IncidentReport.Status.OPEN).first()
    if report is None or report.incident_id is not None:
        return
    officer = get_user_model().objects.get(username="trucban")
    incident = incident_response.incident_open(report=report, by=officer)
    facts = json.loads((RULES_EXAMPLES / "lost_ir192_quang_ninh.json").read_text(
        encoding="utf-8"))
    facts.pop("first_information_at")  # the incident's own
    incident_response.incident_classify(incident=incident, facts=facts, by=officer)
    out.write(f"Sự cố / incident {incident.code} (từ báo cáo / from report {report.code}) → "
              f"/incidents/{incident.pk}/\n")
    with transaction.atomic():  # the response and its public message: one, as before
        package = demo_response(incident)
        message = demo_message(incident)
    out.write(f"  ứng phó / response: gói / package {package.code}, "
              f"{incident.tasks.count()} nhiệm vụ / tasks, báo cáo tình hình số 1 / sitrep "
              f"no. 1, bản tin công chúng số {message.number} / public message → /public/alerts/"
              f"\n")
    demo_drill(out=out)


def _rules_example(out: TextIO) -> None:
    """The rules engine on the demo scenario: an Ir-192 radiography source lost in Quảng Ninh."""
    path = RULES_EXAMPLES / "lost_ir192_quang_ninh.json"
    facts = facts_parse(IncidentFacts, json.loads(path.read_text(encoding="utf-8")))
    decided = incident_classify(facts, today=dt.date.today())["decisions"]
    level = decided["alarm_level"]["result"]["name"]
    scope = decided["incident_scope"]["result"]
    out.write(f"Ví dụ luật / rules example ({path.name}): nhóm nguy cơ "
              f"{decided['hazard_category']['result']}, nguồn nhóm "
              f"{decided['source_group']['result']}, {level['vi']} / {level['en']}, "
              f"{scope['name']['vi']} / {scope['name']['en']}\n"
              f"  → ungpho rules classify {path}\n")


def _dead_letters(out: TextIO, *, end: dt.datetime) -> None:
    """Two messages the MQTT door could not store, as it meets them in the field: the Đà
    Nẵng station's modem cut mid-message, and a data logger set up from a copy of the Hải Hà
    gamma station's configuration, sending the 556 Nguyễn Văn Cừ air station's readings with
    Hải Hà's token. Each is kept whole for the administrator (``ungpho deadletters``) and the
    door went on."""
    moment = (end - dt.timedelta(minutes=35)).astimezone(VIETNAM)
    messages = [
        ("ungpho/DN-GAMMA-01/readings", (
            '{"token": "ung_…", "readings": [{"parameter": "GammaDR", "time": "'
            f'{moment.isoformat()}", "value": 0.1').encode()),
        ("ungpho/QN-GAMMA-01/readings", json.dumps({
            "token": DEMO_TOKEN, "station": "HN-KK-NVC", "readings": [
                {"parameter": "PM2.5", "time": moment.isoformat(), "value": 38.2,
                 "unit": "µg/m³"}]}).encode()),
    ]
    new = [(topic, payload) for topic, payload in messages
           if not DeadLetter.objects.filter(source=topic).exists()]
    if new:
        messages_store(new)
    count = DeadLetter.objects.filter(resolved_at__isnull=True).count()
    out.write(f"Thư lỗi / dead letters: {count} → ungpho deadletters, "
              "/admin/faults/deadletter/\n")
