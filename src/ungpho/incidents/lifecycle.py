"""Incidents (sự cố) and their reports: open an incident from a report, link further reports
to it, classify it with the rules engine (the officer confirms or overrides, with a reason),
and keep its log. Each write is one transaction; each log entry is also an audit entry.

TT 12/2023/TT-BKHCN: the event is classified within 15 minutes of first information (Phụ lục
VI), re-classified as it evolves with the history kept (Điều 19.3, 22), under the instrument in
force on its date (TT 25/2014 before 2023-08-18).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation

from ungpho.audit.services import Actor, audit_image
from ungpho.core.rules.classify import incident_classify as rules_classify
from ungpho.core.rules.confirm import confirmed_problems
from ungpho.core.rules.facts import FactsError, IncidentFacts, Problem, facts_parse
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.sources import source_status_classified
from ungpho.core.validate import gettext_noop, text_problem
from ungpho.incidents.deadlines import deadline_meet, deadlines_set
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Classification, Incident, IncidentLogEntry, IncidentReport
from ungpho.incidents.notification.plans import incident_notify
from ungpho.incidents.reports.deadlines import report_deadline_hand_over
from ungpho.incidents.selectors import incident_title
from ungpho.preparedness.services import LOST, source_status_set

ERR_LINKED = "report {report} is already linked to {incident}"
ERR_CLOSED = "incident {incident} is closed"
ERR_REASON = gettext_noop("a classification that departs from the suggestion needs its "
                          "written reason")


def _report_for_update(report: IncidentReport) -> IncidentReport:
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    if report.incident_id is not None:
        raise IncidentError([("report", ERR_LINKED.format(report=report.code,
                                                          incident=report.incident.code))])
    return report


@transaction.atomic
def incident_open(*, report: IncidentReport, by, exercise: bool = False) -> Incident:
    """Open an incident from a report on the duty desk; the report is linked to it."""
    report = _report_for_update(report)
    now = dt.datetime.now(dt.UTC)
    incident = Incident.objects.create(
        title=incident_title(report)[:200], exercise=exercise, province_id=report.province_id,
        facility_id=report.facility_id, radioactive_source_id=report.radioactive_source_id,
        lat=report.lat, lon=report.lon, first_information_at=report.first_information_at,
        opened_at=now)
    report.incident = incident
    report.save(update_fields=["incident"])
    audit_image(incident, by=by, action="incident.open")
    log_add(incident=incident, kind=IncidentLogEntry.Kind.OPENED, by=by, at=now,
            text=f"Mở sự cố từ báo cáo {report.code} / incident opened from report "
                 f"{report.code}", data={"report": report.pk, "exercise": exercise})
    deadlines_set(incident=incident, category=None, by=by)
    report_deadline_hand_over(report=report, incident=incident, by=by, now=now)
    return incident


@transaction.atomic
def report_link(*, report: IncidentReport, incident: Incident, by) -> Incident:
    """Link a further report to an open incident; an earlier first information moves the
    incident's and its running deadlines (they run from the first information about the
    event), and the report's own clock is handed over to the incident's."""
    report = _report_for_update(report)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    now = dt.datetime.now(dt.UTC)
    report.incident = incident
    report.save(update_fields=["incident"])
    log_add(incident=incident, kind=IncidentLogEntry.Kind.REPORT, by=by, at=now,
            text=f"Gộp báo cáo {report.code} / report {report.code} linked",
            data={"report": report.pk})
    if report.first_information_at < incident.first_information_at:
        incident.first_information_at = report.first_information_at
        incident.save(update_fields=["first_information_at"])
        audit_image(incident, by=by, action="incident.first_information")
        first = incident.classifications.order_by("at", "pk").first()
        deadlines_set(incident=incident, category=incident.hazard_category or None,
                      classified_at=first.at if first else None, by=by)
    report_deadline_hand_over(report=report, incident=incident, by=by, now=now)
    return incident


def _suggested(answer: dict) -> dict:
    """(category, level, scope, lead) the rules engine suggests, from incident_classify."""
    decisions = answer["decisions"]
    level = (decisions.get("alarm_level") or {}).get("result") or {}
    scope = (decisions.get("incident_scope") or {}).get("result") or {}
    return {"hazard_category": answer.get("hazard_category") or "",
            "alarm_level": level.get("rank"),
            "scope": scope.get("scope") or "",
            "lead": ((scope.get("lead") or {}).get("name") or {}).get("vi", "")}


def scope_named(scope: str | None, language: str = "vi") -> str:
    """A response scope by its name in ``language``, as the log and reports write it."""
    if scope not in Incident.Scope.values:
        return scope or "—"
    with translation.override(language):
        return str(Incident.Scope(scope).label)


@transaction.atomic
def incident_classify(*, incident: Incident, facts: dict, by, confirmed: dict | None = None,
                      reason: str = "") -> Classification:
    """Classify (or re-classify) an incident from the facts (JSON of IncidentFacts; the
    first information defaults to the incident's). The rules engine's suggestion is kept with
    every matched criterion; ``confirmed`` (hazard_category, alarm_level, scope, lead) may
    depart from it, with ``reason``. ``FactsError`` (core.rules.facts) names the facts at
    fault."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    if not isinstance(facts, dict):
        raise FactsError([Problem("$", "the facts must be a JSON object")])
    facts = {"first_information_at": incident.first_information_at.isoformat(), **facts}
    parsed = facts_parse(IncidentFacts, facts)
    now = dt.datetime.now(dt.UTC)
    answer = rules_classify(parsed, today=now.date())
    suggested = _suggested(answer)
    chosen = {**suggested, **{k: v for k, v in (confirmed or {}).items() if k in suggested}}
    overridden = any(chosen[k] != suggested[k] for k in ("hazard_category", "alarm_level",
                                                         "scope"))
    on = dt.date.fromisoformat(answer["on"])
    problems = confirmed_problems(rules_in_force(on), on, chosen)
    if overridden and not reason.strip():
        problems.append(("reason", ERR_REASON))
    elif text_problem(reason):
        problems.append(("reason", text_problem(reason)))
    if problems:
        raise IncidentError(problems)
    record = Classification.objects.create(
        incident=incident, at=now, by=Actor.of(by).label, facts=facts, suggestion=answer,
        instrument=answer["instrument"]["number"], overridden=overridden, reason=reason,
        **chosen)
    for name, value in chosen.items():
        setattr(incident, name, value)
    incident.classified_at = now
    incident.save(update_fields=[*chosen, "classified_at"])
    audit_image(record, by=by, action="incident.classify")
    audit_image(incident, by=by, action="incident.classify")
    again = incident.classifications.count() > 1
    log_add(incident=incident, kind=IncidentLogEntry.Kind.CLASSIFIED, by=by, at=now,
            text=(f"{'Phân loại lại' if again else 'Phân loại'}: nhóm "
                  f"{chosen['hazard_category'] or '—'}, cấp báo động "
                  f"{chosen['alarm_level'] or '—'}, {scope_named(chosen['scope'])}"
                  f"{' (khác đề xuất: ' + reason + ')' if overridden else ''} / "
                  f"{'re-classified' if again else 'classified'}"),
            data={"classification": record.pk, "suggested": suggested, "chosen": chosen,
                  "instrument": record.instrument})
    if not again:
        for deadline in incident.deadlines.filter(action="classify"):
            deadline_meet(deadline=deadline, by=by, at=now)
    first = incident.classifications.order_by("at", "pk").first()
    deadlines_set(incident=incident, category=chosen["hazard_category"] or None,
                  classified_at=first.at, by=by)
    _source_follows(incident, parsed, by=by, at=now)
    incident_notify(incident=incident, by=by, now=now)
    return record


def _source_follows(incident: Incident, facts: IncidentFacts, *, by, at: dt.datetime) -> None:
    """A classification saying the incident's source is lost or stolen records it so in the
    registry (until it is reported found), once; logged in the incident."""
    status = source_status_classified(facts)
    source = incident.radioactive_source
    if status is None or source is None or source.status in LOST:
        return
    source = source_status_set(source=source, status=status, by=by, in_incident=True,
                               note=f"{incident.code}: {incident.title}")
    log_add(incident=incident, kind=IncidentLogEntry.Kind.NOTE, by=by, at=at,
            text=f"Sổ nguồn: nguồn {source.nuclide} {source.serial} ghi nhận "
                 f"{'bị lấy cắp' if status == 'stolen' else 'bị mất'} / source registry: "
                 f"{source.nuclide} {source.serial} recorded as {status}",
            data={"source": source.serial, "status": status})


@transaction.atomic
def incident_note(*, incident: Incident, text: str, by,
                  corrects: IncidentLogEntry | None = None) -> IncidentLogEntry:
    """A note in the log, or a correction of an earlier entry (which stays as it was)."""
    if not text.strip():
        raise IncidentError([("text", "a note needs its text")])
    if text_problem(text):
        raise IncidentError([("text", text_problem(text))])
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    if corrects is not None and corrects.incident_id != incident.pk:
        raise IncidentError([("corrects", "the entry belongs to another incident")])
    kind = IncidentLogEntry.Kind.CORRECTION if corrects else IncidentLogEntry.Kind.NOTE
    return log_add(incident=incident, kind=kind, text=text.strip(), by=by, corrects=corrects)

