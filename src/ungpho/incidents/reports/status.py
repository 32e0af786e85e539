"""Closing a report on the duty desk, with a reason and a note, and reopening it, with why:
each a row of the report's history (``ReportStatusChange``) and an audit entry, in one
transaction. A reopened report must not clash with another open report about the same
station and parameter, or the same radioactive source (the database's constraints): the
refusal names the report that is open."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from ungpho.audit.services import Actor, audit_image, audit_record, snapshot
from ungpho.core.validate import Message, gettext_noop, text_problem
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import (
    CloseReason,
    Incident,
    IncidentReport,
    ReportStatusChange,
)

#: What the officer may choose; the others are the system's.
CLOSE_CHOICES = (CloseReason.FALSE_ALARM, CloseReason.DUPLICATE, CloseReason.TEST,
                 CloseReason.HANDLED, CloseReason.OTHER)
NOTE_MAX_CHARS = 2000

ERR_REASON = gettext_noop("choose why the report is closed")
ERR_OTHER_NOTE = gettext_noop("say in the note why the report is closed")
ERR_REOPEN_NOTE = gettext_noop("say why the report is reopened")
ERR_NOT_OPEN = gettext_noop("report %(report)s is already closed")
ERR_NOT_CLOSED = gettext_noop("report %(report)s is open")
ERR_INCIDENT_CLOSED = gettext_noop("its incident %(incident)s is closed: enter a new report")
ERR_CLASH_STATION = gettext_noop("report %(other)s is open for the same station and "
                                 "parameter: add to it instead")
ERR_CLASH_SOURCE = gettext_noop("report %(other)s is open for the same radioactive source: "
                                "add to it instead")

_TRACKED = ["status", "close_reason", "close_note", "closed_at", "closed_by", "updated_at"]


def _note(note: str, *, field: str = "note") -> str:
    note = (note or "").strip()
    problem = text_problem(note, max_chars=NOTE_MAX_CHARS)
    if problem:
        raise IncidentError([(field, problem)])
    return note


def _change(report: IncidentReport, *, action: str, by, at: dt.datetime, before: dict,
            reason: str = "", note: str = "") -> None:
    change = ReportStatusChange.objects.create(report=report, at=at, by=Actor.of(by).label,
                                               action=action, reason=reason, note=note)
    audit_image(change, by=by, action=f"report.{action}")
    audit_record(by=by, action=f"report.{action}", obj=report, before=before,
                 after=snapshot(report, _TRACKED))


@transaction.atomic
def report_close(*, report: IncidentReport, reason: str, note: str, by) -> IncidentReport:
    """Close an open report for one of :data:`CLOSE_CHOICES` (``other`` needs the note)."""
    problems = []
    if reason not in CLOSE_CHOICES:
        problems.append(("close_reason", Message(ERR_REASON)))
    try:
        note = _note(note)
    except IncidentError as error:
        problems += error.problems
    if reason == CloseReason.OTHER and not note and not problems:
        problems.append(("note", Message(ERR_OTHER_NOTE)))
    if problems:
        raise IncidentError(problems)
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    if report.status != IncidentReport.Status.OPEN:
        raise IncidentError([("report", Message(ERR_NOT_OPEN, report=report.code))])
    before = snapshot(report, _TRACKED)
    now = dt.datetime.now(dt.UTC)
    report.status, report.close_reason, report.close_note = (
        IncidentReport.Status.CLOSED, reason, note)
    report.closed_at, report.closed_by, report.updated_at = now, Actor.of(by).label, now
    report.save(update_fields=_TRACKED)
    _change(report, action=ReportStatusChange.Action.CLOSED, by=by, at=now, before=before,
            reason=reason, note=note)
    return report


def _clash(report: IncidentReport) -> Message | None:
    """Why the report cannot be open again: another open report the constraints forbid."""
    others = IncidentReport.objects.filter(status=IncidentReport.Status.OPEN).exclude(
        pk=report.pk)
    if report.station_id and report.parameter_id:
        other = others.filter(station_id=report.station_id,
                              parameter_id=report.parameter_id).first()
        if other:
            return Message(ERR_CLASH_STATION, other=other.code)
    if report.radioactive_source_id and report.source != IncidentReport.Source.CALL:
        other = others.filter(radioactive_source_id=report.radioactive_source_id).exclude(
            source=IncidentReport.Source.CALL).first()
        if other:
            return Message(ERR_CLASH_SOURCE, other=other.code)
    return None


@transaction.atomic
def report_reopen(*, report: IncidentReport, note: str, by) -> IncidentReport:
    """Put a closed report back on the desk; ``note`` says why (required)."""
    note = _note(note)
    if not note:
        raise IncidentError([("note", Message(ERR_REOPEN_NOTE))])
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    if report.status != IncidentReport.Status.CLOSED:
        raise IncidentError([("report", Message(ERR_NOT_CLOSED, report=report.code))])
    if report.incident_id and report.incident.status != Incident.Status.OPEN:
        raise IncidentError([("report", Message(ERR_INCIDENT_CLOSED,
                                                incident=report.incident.code))])
    clash = _clash(report)
    if clash:
        raise IncidentError([("report", clash)])
    before = snapshot(report, _TRACKED)
    now = dt.datetime.now(dt.UTC)
    report.status, report.close_reason, report.close_note = IncidentReport.Status.OPEN, "", ""
    report.closed_at, report.closed_by, report.updated_at = None, "", now
    try:
        with transaction.atomic():
            report.save(update_fields=_TRACKED)
    except IntegrityError:  # another report about the same thing opened a moment ago
        raise IncidentError([("report", _clash(report) or Message(ERR_NOT_CLOSED,
                                                                  report=report.code))]) from None
    _change(report, action=ReportStatusChange.Action.REOPENED, by=by, at=now, before=before,
            note=note)
    return report
