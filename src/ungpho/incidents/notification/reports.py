"""The e-mails that tell the people on duty of a report: when it is opened, and when its
readings confirm a higher alarm band. Queued in the outbox (``alerts.services``) in the
caller's transaction; Vietnamese first, English below (the message is public-service text,
DESIGN.md)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from ungpho.accounts.roles import Role
from ungpho.alerts.selectors import emails_of, on_duty
from ungpho.alerts.services import notification_enqueue
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.selectors import incident_title


def report_recipients(report: IncidentReport) -> list[str]:
    """E-mail addresses to tell of a new report: every national duty officer, the command
    board of its province and the operators of its facility (QĐ 1251 Điều 1.I: the locality
    reports at once and notifies NACCET)."""
    who = on_duty(report.province_id)
    if report.facility_id:
        who |= Q(groups__name=Role.FACILITY_OPERATOR, scope__facilities=report.facility_id)
    return emails_of(who)


def _render(report: IncidentReport, template: str) -> str:
    with translation.override("vi"):
        vi = render_to_string(template, {"incident": report, "title": incident_title(report)})
    with translation.override("en"):
        en = render_to_string(template, {"incident": report, "title": incident_title(report)})
    return f"{vi.strip()}\n\n---- English ----\n\n{en.strip()}\n"


def notifications_enqueue_for_incident(*, incident_id: int) -> int:
    """Queue one e-mail per recipient of a newly opened report (by its pk); returns how many
    were new."""
    incident = IncidentReport.objects.select_related("station", "parameter", "province").get(
        pk=incident_id)
    now = dt.datetime.now(dt.UTC)
    with translation.override("vi"):
        subject = f"[ungpho] {incident.code}: {incident_title(incident)}"
    body = _render(incident, "incidents/incident_opened.txt")
    created = 0
    for recipient in report_recipients(incident):
        created += notification_enqueue(
            recipient=recipient, subject=subject, body=body, report=incident, now=now,
            dedupe_key=f"incident:{incident.pk}:opened:{recipient}")
    return created


def notifications_enqueue_for_level(*, report: IncidentReport, now: dt.datetime) -> int:
    """Tell the people a new report tells that its readings now confirm a higher alarm band
    (``report.decision["level"]``): once per band, whatever readings repeat it; with the
    incident when one holds the report. Returns how many were new."""
    level = report.decision["level"]
    with translation.override("vi"):
        subject = (f"[ungpho] {report.code}: cấp báo động {level} / alarm level {level} — "
                   f"{incident_title(report)}")
    body = _render(report, "incidents/report_level_raised.txt")
    return sum(notification_enqueue(
        recipient=recipient, subject=subject, body=body, report=report, now=now,
        incident_id=report.incident_id,
        dedupe_key=f"report:{report.pk}:level:{level}:{recipient}")
        for recipient in report_recipients(report))
