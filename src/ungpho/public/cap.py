"""Released public messages as OASIS CAP 1.2 alerts and the Atom feed of the current ones
(formatters: ``core.formats.cap``, ``core.formats.atom``). Reads only.

- status: Exercise for an exercise incident (with its note), else Actual;
- msgType Alert, Update or Cancel with the references of the messages it supersedes;
- one info in vi-VN and one in en-US: the rendered text, the public-safety guidance
  (Phụ lục VIII.III) as the instruction, the area as circle and/or polygon;
- urgency, severity, certainty from the alarm level (``core/formats/data/cap_levels.yaml``),
  all Unknown while the incident is not classified;
- expires: the next update plus ``EXPIRES_MARGIN`` (a message whose update is late lapses
  rather than standing for ever); a cancellation does not expire.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ungpho.alerts.models import PublicMessage
from ungpho.core.formats.atom import AtomEntry, atom_feed
from ungpho.core.formats.cap import CapAlert, CapArea, CapInfo, cap_parameters, cap_xml
from ungpho.core.rules.alarm import alarm_level_id
from ungpho.core.vietnam_time import VIETNAM
from ungpho.public.render import guidance_text, instrument_for, template_of
from ungpho.public.selectors import messages_released

#: How long after the announced next update a message still stands.
EXPIRES_MARGIN = dt.timedelta(minutes=30)
LANGS = {"vi": "vi-VN", "en": "en-US"}


def message_url(message: PublicMessage, base: str, *, cap: bool = False) -> str:
    name = "public-alert-cap" if cap else "public-alert"
    return base + reverse(name, args=[message.identifier])


def message_title(message: PublicMessage, lang: str) -> str:
    """``Bản tin số 2: Nguồn phóng xạ bị mất hoặc lấy cắp (Hà Nội)``."""
    incident = message.incident
    province = incident.province.name_vi if lang == "vi" else incident.province.name_en
    if message.kind == PublicMessage.Kind.CANCEL:
        what = "Hủy các bản tin trước" if lang == "vi" else "Earlier messages cancelled"
    else:
        title = template_of(instrument_for(incident), message.template).title
        what = getattr(title, lang)
    number = f"Bản tin số {message.number}" if lang == "vi" else f"Message no. {message.number}"
    return f"{number}: {what} ({province})"


def _levels(message: PublicMessage) -> tuple[str, str, str, str | None]:
    incident = message.incident
    level = alarm_level_id(instrument_for(incident), incident.hazard_category,
                           incident.alarm_level)
    if level is None:
        return "Unknown", "Unknown", "Unknown", None
    return (*cap_parameters(level, basis=message.basis), level)


def message_area(message: PublicMessage) -> CapArea:
    circles = ((message.circle_lat, message.circle_lon, message.circle_radius_km),) \
        if message.circle_lat is not None else ()
    polygons = (tuple(tuple(p) for p in message.polygon),) if message.polygon else ()
    return CapArea(desc_vi=message.area_desc_vi, desc_en=message.area_desc_en,
                   polygons=polygons, circles=circles)


def _info(message: PublicMessage, lang: str, base: str) -> CapInfo:
    urgency, severity, certainty, level = _levels(message)
    cancel = message.kind == PublicMessage.Kind.CANCEL
    organisation = (message.values.get("organisation") or {}).get(lang) or None
    contact = " · ".join(filter(None, ((message.values.get(k) or {}).get(lang) for k in (
        "contact_name", "contact_phone", "contact_email")))) or None
    parameters = [("sequenceNumber", str(message.number))]
    if level:
        parameters.append(("alarmLevel", level))
    if message.next_update_at and not cancel:
        parameters.append(("nextUpdate", message.next_update_at.astimezone(VIETNAM).replace(
            microsecond=0).isoformat()))
    responses = ("AllClear",) if cancel else (
        ("Shelter", "Avoid", "Monitor") if message.flags.get("airborne_release_suspected")
        else ("Avoid", "Monitor"))
    return CapInfo(
        language=LANGS[lang], category=("CBRNE",),
        event="Sự cố bức xạ" if lang == "vi" else "Radiological incident",
        urgency=urgency, severity=severity, certainty=certainty,
        headline=message_title(message, lang),
        description=message.text_vi if lang == "vi" else message.text_en,
        instruction=None if cancel else guidance_text(instrument_for(message.incident),
                                                      message.guidance, lang),
        sender_name=organisation, contact=contact,
        web=message_url(message, base) + ("?lang=en" if lang == "en" else ""),
        effective=message.sent_at.astimezone(VIETNAM),
        expires=None if cancel or message.next_update_at is None else
        (message.next_update_at + EXPIRES_MARGIN).astimezone(VIETNAM),
        response_types=responses, parameters=tuple(parameters),
        areas=(message_area(message),))


def message_cap(message: PublicMessage, base: str) -> CapAlert:
    incident = message.incident
    return CapAlert(
        identifier=message.identifier, sender=message.sender,
        sent=message.sent_at.astimezone(VIETNAM),
        status="Exercise" if incident.exercise else "Actual", msg_type=message.msg_type,
        references=tuple((r.sender, r.identifier, r.sent_at.astimezone(VIETNAM))
                         for r in message.references.order_by("number")),
        incidents=(incident.code,),
        note=f"DIỄN TẬP / EXERCISE: {incident.code}" if incident.exercise else None,
        infos=tuple(_info(message, lang, base) for lang in LANGS))


def message_cap_xml(message: PublicMessage, base: str) -> bytes:
    """The CAP 1.2 document of a released message."""
    return cap_xml(message_cap(message, base))


def alerts_atom(base: str, *, now: dt.datetime) -> bytes:
    """The Atom feed of the messages in force, each entry linking to its CAP document."""
    messages = list(messages_released())
    entries = [AtomEntry(identifier=m.identifier, title=message_title(m, "vi"),
                         summary=m.area_desc_vi, updated=m.sent_at.astimezone(VIETNAM),
                         cap_url=message_url(m, base, cap=True),
                         exercise=m.incident.exercise) for m in messages]
    updated = max((m.sent_at for m in messages), default=now).astimezone(VIETNAM)
    self_url = base + reverse("public-alerts-atom")
    return atom_feed(entries, feed_id=self_url, title="ungpho: cảnh báo công chúng / public "
                     "alerts", updated=updated, self_url=self_url)
