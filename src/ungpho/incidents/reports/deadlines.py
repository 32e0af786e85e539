"""The law's clock on every report (TT 12/2023/TT-BKHCN Phụ lục VI, dòng 1: classify within 15
minutes of the first information). A report's classification deadline starts with the report
(station threshold, call, tracker, lost source, EURDEP — every door that opens one); while no
incident holds the report the worker breaches it and escalates it through the escalation
plan of incident deadlines; once an incident holds it, the deadline is handed over to the
incident's own classification deadline, which runs from the same first information and
resumes the escalation where the report's stopped, so no step is sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import translation

from ungpho.alerts.services import notification_enqueue
from ungpho.audit.services import audit_record
from ungpho.core.vietnam_time import vietnam_text
from ungpho.incidents.deadlines import (
    classification_due,
    deadline_recipients,
    escalation_plan,
    step_at,
)
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Incident, IncidentLogEntry, IncidentReport, ReportDeadline
from ungpho.incidents.selectors import incident_title

log = logging.getLogger(__name__)
#: A clock that can still fire escalation steps.
_RUNNING = (ReportDeadline.Status.PENDING, ReportDeadline.Status.BREACHED)


def report_deadline_start(*, report: IncidentReport) -> ReportDeadline | None:
    """Start the report's classification deadline from its first information, with the
    escalation plan in force; in the caller's transaction. None when an incident already
    holds the report or the instrument in force sets no such deadline."""
    if report.incident_id is not None:
        return None
    due = classification_due(report.first_information_at)
    if due is None:
        return None
    plan = escalation_plan()
    deadline, created = ReportDeadline.objects.get_or_create(report=report, defaults={
        **due, "escalation": plan, "next_at": step_at(due["due_at"], plan, 0)})
    if created:
        audit_record(by=None, action="incident.report.deadline", obj=report,
                     after={"due_at": deadline.due_at.isoformat(),
                            "citation": deadline.citation})
    return deadline


def report_deadline_hand_over(*, report: IncidentReport, incident: Incident, by,
                              now: dt.datetime) -> None:
    """The report is now on ``incident``: its clock stops here and the incident's
    classification deadline (set from the same or an earlier first information) goes on from
    the escalation step the report reached. In the caller's transaction, after the incident's
    deadlines are set."""
    clock = ReportDeadline.objects.select_for_update().filter(report=report).first()
    if clock is None or clock.status == ReportDeadline.Status.HANDED_OVER:
        return
    ReportDeadline.objects.filter(pk=clock.pk).update(
        status=ReportDeadline.Status.HANDED_OVER, handed_over_at=now, next_at=None)
    for deadline in incident.deadlines.filter(action="classify", met_at=None):
        if deadline.next_step < clock.next_step:
            deadline.next_step = clock.next_step
            deadline.next_at = None if deadline.acknowledged_at else step_at(
                deadline.due_at, deadline.escalation, deadline.next_step)
            deadline.save(update_fields=["next_step", "next_at"])
    late_vi = f", quá hạn từ {vietnam_text(clock.breached_at)}" if clock.breached_at else ""
    late_en = f", breached at {vietnam_text(clock.breached_at)}" if clock.breached_at else ""
    log_add(incident=incident, kind=IncidentLogEntry.Kind.DEADLINE, by=by, at=now,
            text=f"Thời hạn phân loại của báo cáo {report.code} (trước "
                 f"{vietnam_text(clock.due_at)}{late_vi}; đã nhắc {clock.next_step} bước) chuyển "
                 f"sang sự cố / the classification deadline of report {report.code} (before "
                 f"{vietnam_text(clock.due_at)}{late_en}; {clock.next_step} escalation steps "
                 f"sent) handed over to the incident",
            data={"report": report.pk, "report_deadline": clock.pk,
                  "steps_sent": clock.next_step})


def report_deadlines_process(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """One worker pass over reports no incident holds yet: start the clock of any report
    without one (written before this existed, or by a door that did not), record breaches,
    fire due escalation steps. Returns how many events."""
    now = now or dt.datetime.now(dt.UTC)
    events = 0
    waiting = IncidentReport.objects.filter(status=IncidentReport.Status.OPEN, incident=None)
    for pk in waiting.filter(deadline=None).values_list("pk", flat=True)[:limit]:
        events += _start(pk)
    clocks = ReportDeadline.objects.filter(report__status=IncidentReport.Status.OPEN,
                                           report__incident=None)
    for pk in clocks.filter(status=ReportDeadline.Status.PENDING, due_at__lte=now
                            ).values_list("pk", flat=True)[:limit]:
        events += _breach(pk)
    for pk, step in clocks.filter(status__in=_RUNNING, next_at__lte=now).values_list(
            "pk", "next_step")[:limit]:
        events += _escalate(pk, step, now)
    return events


@transaction.atomic
def _start(pk: int) -> int:
    report = IncidentReport.objects.select_for_update().get(pk=pk)
    if report.incident_id is not None or ReportDeadline.objects.filter(report=report).exists():
        return 0
    return int(report_deadline_start(report=report) is not None)


@transaction.atomic
def _breach(pk: int) -> int:
    clock = ReportDeadline.objects.select_related("report").get(pk=pk)
    if not ReportDeadline.objects.filter(pk=pk, status=ReportDeadline.Status.PENDING).update(
            status=ReportDeadline.Status.BREACHED, breached_at=clock.due_at):
        return 0  # handed over or breached by another worker meanwhile
    audit_record(by=None, action="incident.report.breach", obj=clock.report,
                 after={"due_at": clock.due_at.isoformat(), "citation": clock.citation})
    log.warning("report %s: classification deadline %s breached", clock.report.code,
                clock.due_at.isoformat())
    return 1


def _message(report: IncidentReport, clock: ReportDeadline, breached: bool) -> tuple[str, str]:
    with translation.override("vi"):
        title_vi = incident_title(report)
    with translation.override("en"):
        title_en = incident_title(report)
    due, first = vietnam_text(clock.due_at), vietnam_text(report.first_information_at)
    subject = (f"[ungpho] {'QUÁ HẠN' if breached else 'Sắp đến hạn'}: {clock.text_vi} — "
               f"{report.code}")
    body = (f"{report.code}: {title_vi}\n"
            f"{clock.text_vi} — hạn trước {due} ({clock.citation}), tính từ thông tin đầu tiên "
            f"lúc {first}.\n{'Đã quá hạn.' if breached else 'Chưa có sự cố nào nhận báo cáo.'} "
            f"Mở sự cố từ báo cáo trên bàn trực ban và phân loại.\n\n---- English ----\n\n"
            f"{report.code}: {title_en}\n"
            f"{clock.text_en} — due before {due} ({clock.citation}), counted from the first "
            f"information at {first}.\n{'Breached.' if breached else 'No incident holds it yet.'}"
            f" Open an incident from the report on the duty desk and classify it.\n")
    return subject, body


@transaction.atomic
def _escalate(pk: int, step: int, now: dt.datetime) -> int:
    clock = ReportDeadline.objects.select_related("report", "report__station",
                                                  "report__parameter").get(pk=pk)
    plan = clock.escalation
    if not ReportDeadline.objects.filter(pk=pk, next_step=step, status__in=_RUNNING).update(
            next_step=step + 1, next_at=step_at(clock.due_at, plan, step + 1)):
        return 0  # fired by another worker, or handed over, meanwhile
    report = clock.report
    recipients = deadline_recipients(report, plan[step])
    subject, body = _message(report, clock, breached=now >= clock.due_at)
    for recipient in recipients:
        notification_enqueue(recipient=recipient, subject=subject, body=body, report=report,
                             dedupe_key=f"report-deadline:{pk}:step:{step}:{recipient}",
                             now=now)
    audit_record(by=None, action="incident.report.escalate", obj=report,
                 after={"step": step + 1, "target": plan[step]["target"],
                        "recipients": recipients})
    log.info("report %s: escalation step %s → %s recipients", report.code, step + 1,
             len(recipients))
    return 1
