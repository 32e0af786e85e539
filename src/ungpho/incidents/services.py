from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import translation

from ungpho.audit.services import audit_record, snapshot
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Incident, IncidentLogEntry, IncidentReport
from ungpho.incidents.notification.reports import (
    notifications_enqueue_for_incident,
    notifications_enqueue_for_level,
)
from ungpho.incidents.reports.deadlines import report_deadline_start
from ungpho.preparedness.models import RadioactiveSource

#: How many of the latest exceeding readings a report keeps as evidence.
EVIDENCE_KEEP = 50

_TRACKED = ["status", "peak_value", "latest_value", "updated_at"]


def _evidence_row(*, observed_at: dt.datetime, decision: dict) -> dict:
    return {"time": observed_at.isoformat(), "value": decision["value"],
            "limit": decision["limit"], "level": decision.get("level")}


@transaction.atomic
def incident_raise_from_exceedance(*, station_id: int, parameter_id: int, province_code: str,
                                   lat: float, lon: float, observed_at: dt.datetime,
                                   decision: dict, by=None) -> tuple[IncidentReport, bool]:
    """Open a report for a confirmed exceedance, or add it to the station's open report
    (never a second one). ``decision``: value, limit, level, basis, criterion, as judged by
    ``monitoring.pipeline`` from ``ungpho.core.monitoring.limits``.

    Returns the report and whether it was opened now. Opening it also puts the notifications
    into the outbox, in the same transaction, so a report is never without its messages, and
    starts its classification deadline from the first information (the moment the
    confirming reading reached the system). A reading confirming a higher alarm band than the
    report's updates its level and tells the people on duty, once per band.
    """
    now = dt.datetime.now(dt.UTC)
    evidence = _evidence_row(observed_at=observed_at, decision=decision)
    open_reports = IncidentReport.objects.select_for_update().filter(
        station_id=station_id, parameter_id=parameter_id, status=IncidentReport.Status.OPEN)
    report = open_reports.first()
    if report is None:
        try:
            with transaction.atomic():
                report = IncidentReport.objects.create(
                    source=IncidentReport.Source.THRESHOLD, province_id=province_code,
                    station_id=station_id, parameter_id=parameter_id, lat=lat, lon=lon,
                    first_information_at=now, opened_at=now, updated_at=now,
                    peak_value=max([decision["value"], *decision.get("run_values", ())]),
                    latest_value=decision["value"],
                    decision=decision, evidence=[evidence])
        except IntegrityError:  # another ingest opened it a moment ago
            report = open_reports.get()
        else:
            audit_record(by=by, action="incident.open", obj=report, after=snapshot(report))
            notifications_enqueue_for_incident(incident_id=report.pk)
            report_deadline_start(report=report)
            return report, True
    before = snapshot(report, _TRACKED)
    value = decision["value"]
    report.latest_value = value
    report.peak_value = max(report.peak_value or value, value)
    raised = decision.get("level", 0) > report.decision.get("level", 0)
    if raised:
        report.decision = decision
    report.evidence = (report.evidence + [evidence])[-EVIDENCE_KEEP:]
    report.updated_at = now
    report.save(update_fields=["latest_value", "peak_value", "evidence", "decision",
                                "updated_at"])
    audit_record(by=by, action="incident.add_evidence", obj=report, before=before,
                 after=snapshot(report, _TRACKED))
    if raised:
        audit_record(by=by, action="incident.report.level", obj=report,
                     after={"level": decision["level"], "value": value,
                            "limit": decision["limit"], "observed_at": observed_at.isoformat()})
        notifications_enqueue_for_level(report=report, now=now)
        if report.incident_id:
            log_add(incident=report.incident, kind=IncidentLogEntry.Kind.REPORT, by=by, at=now,
                    text=f"Báo cáo {report.code}: cấp báo động {decision['level']} ({value:g}, "
                         f"ngưỡng {decision['limit']:g}) / report {report.code}: alarm level "
                         f"{decision['level']} ({value:g}, limit {decision['limit']:g})",
                    data={"report": report.pk, "level": decision["level"]})
    return report, False


def report_raise_from_source(*, source: RadioactiveSource, kind: str, decision: dict,
                             at: dt.datetime, lat: float, lon: float, province_code: str,
                             by=None) -> IncidentReport:
    """Open the source's report on the duty desk, with its notifications, or add to the one
    open (a lost source later tracked astray is one event); in the caller's transaction.
    ``kind``: IncidentReport.Source ("source" or "tracker"); ``decision``: the source's facts
    and the criterion, as ``preparedness.services.source_report_raise`` states them."""
    open_reports = IncidentReport.objects.select_for_update().filter(
        radioactive_source=source, status=IncidentReport.Status.OPEN).exclude(
        source=IncidentReport.Source.CALL)
    report = open_reports.first()
    if report is None:
        try:
            with transaction.atomic():
                report = IncidentReport.objects.create(
                    source=kind, radioactive_source=source, facility=source.facility,
                    province_id=province_code, lat=lat, lon=lon, first_information_at=at,
                    opened_at=at, updated_at=at, decision=decision, evidence=[decision])
        except IntegrityError:  # opened a moment ago by another writer
            report = open_reports.get()
        else:
            audit_record(by=by, action="incident.open", obj=report, after=snapshot(report))
            notifications_enqueue_for_incident(incident_id=report.pk)
            report_deadline_start(report=report)
            return report
    report.evidence = [*report.evidence, decision]
    report.updated_at = at
    report.save(update_fields=["evidence", "updated_at"])
    audit_record(by=by, action="incident.add_evidence", obj=report, after=decision)
    return report


def source_found_log(*, source: RadioactiveSource, by) -> None:
    """A lost or stolen source back in hand: said in the log of each open incident about
    it (the response decides what follows: recovery, closure)."""
    names = {}
    for lang in ("vi", "en"):
        with translation.override(lang):
            names[lang] = str(RadioactiveSource.Status(source.status).label)
    for incident in Incident.objects.filter(radioactive_source=source,
                                            status=Incident.Status.OPEN):
        log_add(incident=incident, kind=IncidentLogEntry.Kind.NOTE, by=by,
                at=source.status_changed_at,
                text=f"Sổ nguồn: nguồn {source.nuclide} {source.serial} — {names['vi']} / "
                     f"source registry: {source.nuclide} {source.serial} — {names['en']}",
                data={"source": source.serial, "status": source.status})
