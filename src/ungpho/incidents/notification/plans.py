"""Notification plans applied to an incident: who must be told of its classification, by
which channels (``ungpho.core.rules.notify_plan`` decides from the plan's rules), queued in
the outbox in the caller's transaction, one row per (contact point, channel, address).

A re-classification queues only what became newly required: every row's dedupe key names the
incident, party, contact, channel and address, so nobody is told twice. In-app messages are
delivered when queued. Once every party a "notify" deadline of TT 12/2023 Phụ lục VI is about
has been delivered to, that deadline is met.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.db.models import Min, Q
from django.utils import translation

from ungpho.accounts.roles import Role
from ungpho.alerts.models import Channel, Contact, Notification, Party, PlanRule
from ungpho.alerts.services import notification_enqueue
from ungpho.core.geo.neighbours import province_neighbours
from ungpho.core.rules import notify_plan
from ungpho.core.vietnam_time import vietnam_text
from ungpho.incidents.deadlines import deadline_meet
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Deadline, Incident, IncidentLogEntry


def plan_rules() -> list[notify_plan.PlanRule]:
    """The active rules of the plan (Django admin: Notification plan), in order."""
    return [notify_plan.PlanRule(
        party=r.party, channels=tuple(r.channels), citation=r.citation,
        scopes=frozenset(r.scopes), min_alarm_level=r.min_alarm_level,
        hazard_categories=frozenset(r.hazard_categories),
        transboundary_only=r.transboundary_only) for r in PlanRule.objects.filter(active=True)]


def incident_case(incident: Incident) -> notify_plan.IncidentCase:
    """The plan's view of the classification in force; transboundary from its facts."""
    latest = incident.classifications.order_by("-at", "-pk").first()
    facts = latest.facts if latest else {}
    transboundary = facts.get("transboundary") or (facts.get("scope") or {}).get("transboundary")
    return notify_plan.IncidentCase(scope=incident.scope, alarm_level=incident.alarm_level,
                                    hazard_category=incident.hazard_category,
                                    transboundary=transboundary is True)


def _provinces(party: str, incident: Incident) -> list[str]:
    if party == Party.NEIGHBOURING_PROVINCE:
        return list(province_neighbours(incident.province_id))
    return [incident.province_id]


def _users(contact: Contact, incident: Incident, provinces: list[str]):
    who = Q(groups__name=contact.role, is_active=True)
    if contact.role == Role.PROVINCIAL_COMMAND:
        who &= Q(scope__province_id__in=provinces)
    elif contact.role == Role.FACILITY_OPERATOR:
        if not incident.facility_id:
            return []
        who &= Q(scope__facilities=incident.facility_id)
    return list(get_user_model().objects.filter(who).distinct().order_by("username"))


def _addresses(contact: Contact, channel: str, incident: Incident,
               provinces: list[str]) -> list[tuple[str, object]]:
    """(address, in-app user or None) for one contact point on one channel."""
    if channel == Channel.INAPP:
        return [(u.get_username(), u) for u in _users(contact, incident, provinces)] \
            if contact.role else []
    address = {Channel.EMAIL: contact.email, Channel.SMS: contact.phone,
               Channel.WEBHOOK: contact.webhook_url}[channel]
    return [(address, None)] if address else []


def _key(incident: Incident, party: str, contact: Contact, channel: str, address: str) -> str:
    # The address hashed: a webhook URL can be longer than the key's 200 characters.
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    return f"plan:{incident.pk}:{party}:{contact.pk}:{channel}:{digest}"


def _message(incident: Incident, party: str, citations: tuple[str, ...]) -> tuple[str, str]:
    """Subject and body, Vietnamese first with the English below (DESIGN.md)."""
    mark = "DIỄN TẬP / EXERCISE — " if incident.exercise else ""
    subject = (f"[ungpho] {mark}{incident.code}: {incident.title} — "
               f"cấp báo động / alarm level {incident.alarm_level or '—'}")
    parts = []
    for language in ("vi", "en"):
        with translation.override(language):
            vi = language == "vi"
            province = incident.province.name_vi if vi else incident.province.name_en
            facility = f" · {incident.facility.name}" if incident.facility_id else ""
            parts.append("\n".join([
                f"{mark}{'Sự cố' if vi else 'Incident'} {incident.code}: {incident.title}",
                f"{'Địa điểm' if vi else 'Where'}: {province}{facility} "
                f"({incident.lat:.5f}, {incident.lon:.5f})",
                f"{'Thông tin đầu tiên' if vi else 'First information'}: "
                f"{vietnam_text(incident.first_information_at)}",
                f"{'Nhóm nguy cơ' if vi else 'Hazard category'}: "
                f"{incident.hazard_category or '—'}; "
                f"{'cấp báo động' if vi else 'alarm level'}: {incident.alarm_level or '—'}; "
                f"{incident.get_scope_display() or '—'}",
                f"{'Chủ trì' if vi else 'Lead'}: {incident.lead or '—'}",
                f"{'Gửi tới' if vi else 'To'}: {Party(party).label} "
                f"({'; '.join(citations)})"]))
    return subject, f"{parts[0]}\n\n---- English ----\n\n{parts[1]}\n"


def incident_notify(*, incident: Incident, by, now: dt.datetime | None = None,
                    also: tuple[tuple[str, str], ...] | list = ()) -> int:
    """Queue what the plan requires for the incident's classification in force, and the
    (party, citation) pairs of ``also`` (an activation package's notifications); returns how
    many rows were new. In the caller's transaction; logs who is being told, and which
    required parties have no contact point to reach."""
    now = now or dt.datetime.now(dt.UTC)
    told, unreachable, created = [], [], 0
    required_all = notify_plan.required_with(
        notify_plan.plan_required(plan_rules(), incident_case(incident)), also)
    for required in required_all:
        if required.party not in Party.values:  # a package's party the directory lacks
            unreachable.append(required.party)
            continue
        provinces = _provinces(required.party, incident)
        subject, body = _message(incident, required.party, required.citations)
        reached = False
        for contact in Contact.objects.filter(party=required.party, active=True).filter(
                Q(province__isnull=True) | Q(province_id__in=provinces)):
            for channel in required.channels:
                for address, user in _addresses(contact, channel, incident, provinces):
                    reached = True
                    inapp = channel == Channel.INAPP
                    new = notification_enqueue(
                        recipient=address, subject=subject, body=body, now=now,
                        channel=channel, incident=incident, party=required.party,
                        contact=contact, user=user, citation="; ".join(required.citations),
                        ack_required=True,
                        dedupe_key=_key(incident, required.party, contact, channel, address),
                        **({"status": Notification.Status.SENT, "sent_at": now}
                           if inapp else {}))
                    if new:
                        created += 1
                        told.append({"party": required.party, "contact": contact.name,
                                     "channel": channel, "address": address})
        if not reached:
            unreachable.append(required.party)
    before = incident.log.filter(kind=IncidentLogEntry.Kind.NOTIFICATION,
                                 data__has_key="unreachable").last()
    if told or (before.data["unreachable"] if before else []) != unreachable:
        parties = list(dict.fromkeys(t["party"] for t in told))
        vi, en = (_parties_named(parties, lang) for lang in ("vi", "en"))
        missing_vi, missing_en = (_parties_named(unreachable, lang) for lang in ("vi", "en"))
        log_add(incident=incident, kind=IncidentLogEntry.Kind.NOTIFICATION, by=by, at=now,
                text=f"Kế hoạch thông báo: {len(told)} tin → {vi}"
                     + (f"; chưa có đầu mối: {missing_vi}" if unreachable else "")
                     + f" / notification plan: {len(told)} messages → {en}"
                     + (f"; no contact point: {missing_en}" if unreachable else ""),
                data={"queued": told, "unreachable": unreachable})
    notify_deadlines_check(incident_id=incident.pk, at=now)
    return created


def _parties_named(parties: list[str], language: str) -> str:
    """Plan parties by their names in ``language`` (a party the plan does not know: as
    written), for the log; none: "—"."""
    with translation.override(language):
        return ", ".join(str(Party(p).label) if p in Party.values else p
                         for p in parties) or "—"


def notify_deadlines_check(*, incident_id: int, at: dt.datetime) -> int:
    """Meet the incident's running "notify" deadlines whose parties have all been delivered
    to, at the moment the last of them was (each party's first delivery). In the caller's
    transaction; returns how many were met."""
    deadlines = list(Deadline.objects.filter(
        incident_id=incident_id, action__in=list(notify_plan.DEADLINE_PARTIES), met_at=None))
    if not deadlines:
        return 0
    first = dict(Notification.objects.filter(
        incident_id=incident_id, status=Notification.Status.SENT, reminder_of=None
    ).exclude(party="").values("party").annotate(at=Min("sent_at")).values_list("party", "at"))
    met = 0
    for deadline in deadlines:
        if notify_plan.deadline_done(deadline.action, set(first)):
            when = max(first[p] for p in notify_plan.DEADLINE_PARTIES[deadline.action])
            deadline_meet(deadline=deadline, by=None, at=min(when, at))
            met += 1
    return met
