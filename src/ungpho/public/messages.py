"""Public information messages of an incident (TT 12/2023 Phụ lục VIII.II): draft from a
template with the incident's facts, edit, approve (the incident commander only: Phụ lục
VIII.II, Lưu ý), release (the commander or the public information officer), and supersede or
cancel with the next one. Each step is one transaction, logged in the incident log (and so in
the audit chain). Approval and release are two steps: the commander approves the content, the
public information officer publishes it when due; the commander may do both.

An edit or an approval names the revision it saw; a message changed meanwhile is refused
rather than overwritten. An edit of an approved message returns it to draft (approval again).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Max

from ungpho.alerts.models import PublicMessage
from ungpho.audit.services import Actor, audit_image
from ungpho.core.formats.cap import BASES
from ungpho.core.validate import Invalid, gettext_noop, json_problems, time_checked
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Incident, IncidentLogEntry
from ungpho.incidents.response.roles import role_holder
from ungpho.public.area import AREA_FIELDS, area_check, area_default, incident_location
from ungpho.public.prefill import basis_default, message_prefill, next_update_default
from ungpho.public.render import (
    instrument_for,
    message_texts,
    safety_items,
    template_fields,
    template_of,
)

ERR_NO_COMMANDER = ("no incident commander is appointed: appoint one (role 'commander') "
                    "before approving")
ERR_NOT_COMMANDER = "only the incident commander ({name}) may approve a public message"
ERR_NOT_RELEASER = ("only the incident commander or the public information officer may "
                    "release a public message")
ERR_UNFILLED = gettext_noop("unfilled placeholder: fill it before approval")
ERR_NEXT_UPDATE = "the time of the next update is required and must be in the future"
ERR_STATUS = "message is {status}; only {allowed} messages may be {verb}"
ERR_REVISION = "the message was changed meanwhile (revision {now}, you saw {seen}): reload it"
ERR_CLOSED = "incident {incident} is closed"
ERR_NOTHING_TO_CANCEL = "the incident has no released message to cancel"
ERR_REASON = "a cancellation needs its text in Vietnamese and English"


def _log(message: PublicMessage, *, by, at: dt.datetime, vi: str, en: str) -> None:
    """Log a write to ``message`` and record its image (``ungpho audit verify --deep``)."""
    audit_image(message, by=by, action=f"public_message.{message.status}")
    log_add(incident=message.incident, kind=IncidentLogEntry.Kind.MESSAGE, by=by, at=at,
            text=f"{vi} / {en}",
            data={"public_message": message.pk, "status": message.status,
                  "revision": message.revision, "number": message.number,
                  "identifier": message.identifier})


def _open_incident(incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    return incident


def _next_number(incident: Incident) -> int:
    return (incident.public_messages.aggregate(n=Max("number"))["n"] or 0) + 1


def _render(message: PublicMessage, now: dt.datetime) -> None:
    texts = message_texts(message, number=_next_number(message.incident), at=now)
    message.text_vi, message.text_en, message.unfilled = texts.vi, texts.en, list(texts.unfilled)


@transaction.atomic
def message_draft(*, incident: Incident, template: str, by, public_url: str,
                  now: dt.datetime | None = None) -> PublicMessage:
    """A new draft from ``template`` (a Phụ lục VIII.II template id), prefilled from the
    incident, with the public-safety guidance of Phụ lục VIII.III and the next update in an
    hour."""
    now = now or dt.datetime.now(dt.UTC)
    incident = _open_incident(incident)
    instrument = instrument_for(incident)
    template_of(instrument, template)
    placeholders, flags = template_fields(instrument, template)
    location = incident_location(incident)
    area = area_default(incident, instrument, location)
    prefill = message_prefill(incident, instrument, area=area, location=location,
                              public_url=public_url)
    message = PublicMessage(
        incident=incident, template=template, instrument=instrument.short,
        values={f.name: prefill[f.name] for f in placeholders if f.name in prefill},
        flags={f.name: False for f in flags},
        guidance=[item.number for item in safety_items(instrument)],
        basis=basis_default(incident), next_update_at=next_update_default(now),
        drafted_at=now, drafted_by=Actor.of(by).label, **area)
    _render(message, now)
    message.save()
    _log(message, by=by, at=now, vi=f"Soạn dự thảo bản tin công chúng ({template})",
         en=f"public message drafted ({template})")
    return message


def _for_update(message: PublicMessage, revision: int | None, verb: str) -> PublicMessage:
    """The message locked, its incident first (the order release takes too: no deadlock)."""
    incident = _open_incident(message.incident)
    message = PublicMessage.objects.select_for_update().get(pk=message.pk)
    message.incident = incident
    if message.status not in PublicMessage.EDITABLE:
        raise IncidentError([("status", ERR_STATUS.format(
            status=message.status, allowed="draft or approved", verb=verb))])
    if revision is not None and revision != message.revision:
        raise IncidentError([("revision", ERR_REVISION.format(now=message.revision,
                                                              seen=revision))])
    return message


@transaction.atomic
def message_edit(*, message: PublicMessage, revision: int, by, changes: dict,
                 now: dt.datetime | None = None) -> PublicMessage:
    """Change a draft (or an approved message, which goes back to draft). ``changes`` may
    hold values ({name: {"vi", "en"}}), flags ({name: bool}), guidance (item numbers),
    basis, next_update_at, the area fields, and for a cancellation text_vi/text_en."""
    now = now or dt.datetime.now(dt.UTC)
    message = _for_update(message, revision, "edited")
    problems = _changes_apply(message, changes)
    if problems:
        raise IncidentError(problems)
    was_approved = message.status == PublicMessage.Status.APPROVED
    message.status, message.approved_at, message.approved_by = PublicMessage.Status.DRAFT, \
        None, ""
    message.revision += 1
    _render(message, now)
    message.save()
    _log(message, by=by, at=now,
         vi="Sửa dự thảo bản tin công chúng" + (" (hủy phê duyệt)" if was_approved else ""),
         en="public message draft edited" + (" (approval withdrawn)" if was_approved else ""))
    return message


def _bilingual(value) -> dict[str, str]:
    """A value as {"vi", "en"}; one text is both (a name, a number, an address)."""
    if isinstance(value, str):
        return {"vi": value.strip(), "en": value.strip()}
    return {lang: str(value.get(lang) or "").strip() for lang in ("vi", "en")}


def _changes_apply(message: PublicMessage, changes: dict) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if message.kind == PublicMessage.Kind.MESSAGE:
        instrument = instrument_for(message.incident)
        placeholders, flags = template_fields(instrument, message.template)
        names, flag_names = {f.name for f in placeholders}, {f.name for f in flags}
        values = changes.get("values", message.values)
        problems += [(f"values.{k}", "not a placeholder of this template")
                     for k in values if k not in names]
        problems += [(f"flags.{k}", "not a flag of this template")
                     for k in changes.get("flags", {}) if k not in flag_names]
        message.values = {k: _bilingual(v) for k, v in values.items() if k in names}
        message.flags = {**message.flags, **{k: bool(v) for k, v in
                                             changes.get("flags", {}).items() if k in flag_names}}
        known = {item.number for item in safety_items(instrument)}
        guidance = changes.get("guidance", message.guidance)
        problems += [("guidance", f"{n!r} is not an item of Phụ lục VIII.III")
                     for n in guidance if n not in known]
        message.guidance = sorted(n for n in guidance if n in known)
    else:
        for lang in ("vi", "en"):
            text = changes.get(f"text_{lang}", getattr(message, f"text_{lang}")).strip()
            if not text:
                problems.append((f"text_{lang}", ERR_REASON))
            setattr(message, f"text_{lang}", text)
    if "basis" in changes:
        if changes["basis"] not in BASES:
            problems.append(("basis", f"{changes['basis']!r} is not one of {', '.join(BASES)}"))
        message.basis = changes["basis"]
    if "next_update_at" in changes:
        message.next_update_at = changes["next_update_at"]
        try:
            if message.next_update_at is not None:
                time_checked(message.next_update_at, field="next_update_at")
        except Invalid as error:
            problems.append((error.field, error.message))
    problems += json_problems({k: v for k, v in changes.items() if k != "next_update_at"},
                              path="")
    for name in AREA_FIELDS:
        if name in changes:
            setattr(message, name, changes[name])
    if any(name in changes for name in AREA_FIELDS):
        problems += area_check({name: getattr(message, name) for name in AREA_FIELDS})
    return problems


def _ready(message: PublicMessage, now: dt.datetime) -> list[tuple[str, str]]:
    problems = [(f"values.{name}", ERR_UNFILLED) for name in message.unfilled]
    if message.kind == PublicMessage.Kind.MESSAGE and (
            message.next_update_at is None or message.next_update_at <= now):
        problems.append(("next_update_at", ERR_NEXT_UPDATE))
    # A cancellation keeps the area of the message it cancels, wherever the incident is now.
    location = incident_location(message.incident) \
        if message.kind == PublicMessage.Kind.MESSAGE else None
    problems += area_check({name: getattr(message, name) for name in AREA_FIELDS}, location)
    return problems


@transaction.atomic
def message_approve(*, message: PublicMessage, revision: int, by,
                    now: dt.datetime | None = None) -> PublicMessage:
    """The incident commander approves the revision they read; a message with unfilled
    placeholders, no future next update, no area or an area that does not contain the
    incident's location is refused, field by field, and left as it was."""
    now = now or dt.datetime.now(dt.UTC)
    message = _for_update(message, revision, "approved")
    commander = role_holder(message.incident, "commander")
    if commander is None:
        raise IncidentError([("commander", ERR_NO_COMMANDER)])
    if getattr(by, "pk", None) != commander.pk:
        raise IncidentError([("commander", ERR_NOT_COMMANDER.format(
            name=commander.get_full_name() or commander.get_username()))])
    if message.status != PublicMessage.Status.DRAFT:
        raise IncidentError([("status", ERR_STATUS.format(status=message.status,
                                                          allowed="draft", verb="approved"))])
    _render(message, now)
    problems = _ready(message, now)
    if problems:
        raise IncidentError(problems)
    PublicMessage.objects.filter(pk=message.pk, revision=revision).update(
        status=PublicMessage.Status.APPROVED, approved_at=now,
        approved_by=Actor.of(by).label, unfilled=[])
    message.refresh_from_db()
    _log(message, by=by, at=now, vi="Người chỉ huy phê duyệt bản tin công chúng",
         en="public message approved by the incident commander")
    return message


def cap_sender(public_url: str) -> str:
    """The CAP sender (§3.2.1): ``ungpho@<host of the public address>``."""
    return f"ungpho@{urlsplit(public_url).hostname or 'localhost'}"


@transaction.atomic
def message_release(*, message: PublicMessage, by, public_url: str,
                    now: dt.datetime | None = None) -> PublicMessage:
    """Publish an approved message: numbered next in the incident's sequence, stamped with
    the time of issue, given its CAP identifier; the messages in force before it are
    superseded (it is a CAP Update referencing them) or, for a cancellation, cancelled."""
    now = now or dt.datetime.now(dt.UTC)
    incident = _open_incident(message.incident)
    message = PublicMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != PublicMessage.Status.APPROVED:
        raise IncidentError([("status", ERR_STATUS.format(status=message.status,
                                                          allowed="approved", verb="released"))])
    holders = {getattr(role_holder(incident, r), "pk", None)
               for r in ("commander", "public_information")} - {None}
    if getattr(by, "pk", None) not in holders:
        raise IncidentError([("by", ERR_NOT_RELEASER)])
    problems = _ready(message, now)
    if problems:
        raise IncidentError(problems)
    number = _next_number(incident)
    texts = message_texts(message, number=number, at=now)
    current = list(incident.public_messages.select_for_update().filter(
        status=PublicMessage.Status.RELEASED))
    referenced = [m for m in current if m.msg_type != "Cancel"]
    cancel = message.kind == PublicMessage.Kind.CANCEL
    msg_type = "Cancel" if cancel else "Update" if referenced else "Alert"
    claimed = PublicMessage.objects.filter(pk=message.pk, status=PublicMessage.Status.APPROVED,
                                           revision=message.revision).update(
        status=PublicMessage.Status.RELEASED, number=number, sent_at=now,
        identifier=f"ungpho.{incident.code}.{number}", sender=cap_sender(public_url),
        released_by=Actor.of(by).label, msg_type=msg_type, text_vi=texts.vi,
        text_en=texts.en)
    if not claimed:
        raise IncidentError([("revision", ERR_REVISION.format(now="?", seen=message.revision))])
    message.refresh_from_db()
    message.references.set(referenced)
    ended = PublicMessage.Status.CANCELLED if cancel else PublicMessage.Status.SUPERSEDED
    PublicMessage.objects.filter(pk__in=[m.pk for m in current]).update(
        status=ended, ended_at=now, ended_by=message)
    for ended_message in current:
        audit_image(ended_message, by=by, action=f"public_message.{ended}")
    _log(message, by=by, at=now,
         vi=f"Phát hành bản tin công chúng số {number} ({msg_type})"
            + (f", thay thế số {', '.join(str(m.number) for m in current)}" if current else ""),
         en=f"public message no. {number} released ({msg_type})"
            + (f", superseding no. {', '.join(str(m.number) for m in current)}" if current
               else ""))
    return message


@transaction.atomic
def message_cancel_draft(*, incident: Incident, by, text_vi: str, text_en: str,
                         now: dt.datetime | None = None) -> PublicMessage:
    """A draft that, once approved and released, cancels the incident's messages in force
    (CAP msgType Cancel, e.g. a false alarm or the end of the public warning)."""
    now = now or dt.datetime.now(dt.UTC)
    incident = _open_incident(incident)
    current = incident.public_messages.filter(status=PublicMessage.Status.RELEASED).exclude(
        msg_type="Cancel").order_by("-number").first()
    if current is None:
        raise IncidentError([("incident", ERR_NOTHING_TO_CANCEL)])
    if not text_vi.strip() or not text_en.strip():
        raise IncidentError([("text", ERR_REASON)])
    message = PublicMessage(
        incident=incident, kind=PublicMessage.Kind.CANCEL, instrument=current.instrument,
        text_vi=text_vi.strip(), text_en=text_en.strip(), basis=current.basis,
        drafted_at=now, drafted_by=Actor.of(by).label,
        **{name: getattr(current, name) for name in AREA_FIELDS})
    message.save()
    _log(message, by=by, at=now, vi=f"Soạn dự thảo hủy bản tin số {current.number}",
         en=f"cancellation of message no. {current.number} drafted")
    return message
