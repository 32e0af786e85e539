"""What a new public message starts with, taken from the incident: the values of the
template's placeholders (place, time, facility, source, level, contact …), from the
incident's location and the message's area (``public.area``), and the basis of the CAP
certainty. The drafter checks and edits all of it; what the incident does not tell (a
hotline, a phone number …) is left for the drafter and reported as unfilled until given."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from ungpho.core.rules.alarm import alarm_level_id
from ungpho.core.rules.loader import Instrument
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.response.roles import role_holder
from ungpho.incidents.selectors import incident_title
from ungpho.public.area import Location, initial_measures
from ungpho.public.render import when_text

ORIGINS = {
    IncidentReport.Source.THRESHOLD: ("giá trị quan trắc vượt ngưỡng tại trạm quan trắc",
                                      "a monitoring reading above its limit at a station"),
    IncidentReport.Source.CALL: ("một cuộc gọi báo tin", "a call reporting an event"),
    IncidentReport.Source.SOURCE: ("nguồn phóng xạ bị mất hoặc bị lấy cắp",
                                   "a radioactive source lost or stolen"),
    IncidentReport.Source.TRACKER: ("cảnh báo của thiết bị theo dõi nguồn phóng xạ di động",
                                    "an alert of a mobile radioactive source tracker"),
}


def _both(vi: str, en: str | None = None) -> dict[str, str]:
    return {"vi": vi, "en": vi if en is None else en}


def _organisation(incident) -> dict[str, str]:
    if incident.lead:
        return _both(incident.lead)
    return _both(f"Ban Chỉ huy ứng phó sự cố {incident.province.name_vi}",
                 f"The incident response command board of {incident.province.name_en}")


def _title(report) -> dict[str, str]:
    texts = {}
    for lang in ("vi", "en"):
        with translation.override(lang):
            texts[lang] = incident_title(report)
    return texts


def _level(incident, instrument: Instrument) -> dict[str, str] | None:
    level = alarm_level_id(instrument, incident.hazard_category, incident.alarm_level)
    if level is None:
        return None
    table = instrument.tables["alarm_levels"]
    name = next(lv.name for s in table.schemes for lv in s.levels if lv.id == level)
    return _both(f"sự cố thuộc nhóm nguy cơ {incident.hazard_category}, mức báo động "
                 f"{name.vi}", f"the event is in hazard category {incident.hazard_category}, "
                               f"alarm level {name.en}")


def _source(incident) -> dict[str, dict[str, str]]:
    source = incident.radioactive_source
    if source is None:
        return {}
    device = f", {source.device}" if source.device else ""
    values = {"lost_item_details": _both(
        f"(nguồn {source.nuclide}, số sê-ri {source.serial}{device})",
        f"(a {source.nuclide} source, serial number {source.serial}{device})")}
    if source.device:
        values["item_appearance"] = _both(source.device)
    return values


def _contact(incident, organisation: dict, website: str) -> dict[str, dict[str, str]]:
    person = role_holder(incident, "public_information") or role_holder(incident, "commander")
    values = {"contact_agency": organisation, "contact_website": _both(website)}
    if person is not None:
        values["contact_name"] = _both(person.get_full_name() or person.get_username())
        if person.email:
            values["contact_email"] = _both(person.email)
    return values


def message_prefill(incident, instrument: Instrument, *, area: dict, location: Location,
                    public_url: str) -> dict[str, dict[str, str]]:
    """Placeholder values ({name: {"vi", "en"}}) the incident gives; the caller keeps those
    its template uses."""
    organisation = _organisation(incident)
    report = incident.reports.order_by("first_information_at", "pk").first()
    values = {
        "organisation": organisation, "lead_authority": organisation,
        "responsible_agency": organisation,
        "location": _both(location.vi, location.en),
        "incident_time": when_text(incident.first_information_at),
        "affected_area": _both(area["area_desc_vi"], area["area_desc_en"]),
        "initial_measures": initial_measures(area),
        "protected_targets": _both("dân chúng và những người ứng phó",
                                   "the public and the responders"),
        "related_agencies": _both(
            f"Sở Khoa học và Công nghệ, công an, cứu hỏa và cấp cứu {incident.province.name_vi}",
            f"the Department of Science and Technology, police, fire and ambulance services "
            f"of {incident.province.name_en}"),
        "update_schedule": _both(
            "Các bản tin cập nhật được đăng trên trang thông tin công khai",
            "Updates are published on the public information page"),
        "next_update_place": _both(f"trang thông tin công khai {public_url}",
                                   f"the public information page {public_url}"),
        "reporting_agency": _both("công an hoặc chính quyền địa phương gần nhất (số 113)",
                                  "the nearest police or local authority (call 113)"),
        **_source(incident), **_contact(incident, organisation, public_url),
    }
    if report is not None:
        values["incident"] = _both("một sự cố có thể liên quan đến bức xạ",
                                   "an event that may involve radiation") \
            if report.source == IncidentReport.Source.CALL else _title(report)
        values["incident_origin"] = _both(*ORIGINS[report.source])
    if level := _level(incident, instrument):
        values["confirmed_information"] = level
    return values


def basis_default(incident) -> str:
    """``projected`` when the latest classification rests on a projection or unclear
    information (fuel damage expected, information not yet clear), else ``observed``."""
    latest = incident.classifications.last()
    facts = latest.facts if latest else {}
    if (facts.get("event") or {}).get("information_clear") is False or \
            (facts.get("plant") or {}).get("fuel_damage") in ("imminent", "severe_expected"):
        return "projected"
    return "observed"


def next_update_default(now: dt.datetime) -> dt.datetime:
    """One hour from now, on the minute: the drafter adjusts it."""
    return (now + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
