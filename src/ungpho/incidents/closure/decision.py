"""Ending a response: the final report's officer-written sections (TT 12/2023 Phụ lục VII.6),
editable until issued, and the commander's closure decision against the criteria of Điều 25.2
(potential effective dose ≤ 10 mSv/year, restoration measures applied).

Decisions taken here, and why:
- Only the incident's current commander decides (Điều 5.4b: the head of the command board
  ends the response); with no commander appointed the closure is refused, naming the role.
- Criteria not met: refused, unless the commander closes anyway with a written reason for it
  (e.g. no contamination, so nothing to remediate); both are kept and shown in the report.
- The final report must have its required sections written: closing issues it, read-only.
- A deadline still running at closure is settled: past due → breached (as the worker would
  have), not yet due → ``unmet`` (not done when the response closed). Every escalation stops.
- A closed incident is never reopened: a later event is a new incident, whose log refers to
  the old one; the old one's record stays as it was closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ungpho.audit.services import Actor, audit_image, audit_record, snapshot
from ungpho.core.rules.classify import decision_date
from ungpho.core.rules.decision import Decision
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.restoration import restoration_end
from ungpho.core.rules.units import UnitError, decimal_parse, measure_parse
from ungpho.core.validate import text_problem
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import ERR_CLOSED
from ungpho.incidents.log import log_add
from ungpho.incidents.models import (
    CloseReason,
    ClosureDecision,
    Deadline,
    FinalReport,
    Incident,
    IncidentLogEntry,
    IncidentReport,
    ReportStatusChange,
)
from ungpho.incidents.response.roles import role_holder

#: The officer-written sections, in the report's order (Phụ lục VII.6).
REPORT_FIELDS = ("recipients", "activities", "countermeasures", "consequences_people",
                 "consequences_environment", "dose_assessment", "conclusions")
#: Those the report cannot be issued without (the response activities also come from the log).
REPORT_REQUIRED = ("recipients", "countermeasures", "consequences_people",
                   "consequences_environment", "dose_assessment", "conclusions")
#: Largest dose the record holds (DecimalField max_digits=12, decimal_places=4).
MAX_DOSE_MSV_PER_YEAR = Decimal("99999999.9999")

ERR_NO_COMMANDER = ("no incident commander is appointed: appoint one (role 'commander', "
                    "TT 12/2023 Phụ lục VII.2) — only the commander ends the response")
ERR_NOT_COMMANDER = "only the incident commander ({commander}) may end the response"
ERR_UNMET = ("the criteria of {citation} are not met ({why}); close anyway only with a "
             "written reason for overriding them")
ERR_OVERRIDE_REASON = "closing although the criteria are not met needs its written reason"
ERR_REQUIRED = "needed before the response is closed"
ERR_REPORT_SECTION = "the final report needs this section before the response is closed"
ERR_STALE = ("the final report was saved by {by} meanwhile (version {current}, yours "
             "{yours}): reload it and apply your changes again")
ERR_UNKNOWN = "not a section of the final report (one of {fields})"


def _locked_open(incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    return incident


@transaction.atomic
def final_report_save(*, incident: Incident, texts: dict[str, str], version: int,
                      by) -> FinalReport:
    """Save the officer-written sections (keys of REPORT_FIELDS; those absent stay as they
    are), from the version the officer started from; a save from an older version is
    refused, naming who saved meanwhile. Audited."""
    problems = [(key, ERR_UNKNOWN.format(fields=", ".join(REPORT_FIELDS)))
                for key in texts if key not in REPORT_FIELDS]
    problems += [(key, problem) for key, text in texts.items()
                 if (problem := text_problem(str(text)))]
    if problems:
        raise IncidentError(problems)
    incident = _locked_open(incident)
    report, _created = FinalReport.objects.select_for_update().get_or_create(incident=incident)
    if version != report.version:
        raise IncidentError([("version", ERR_STALE.format(
            by=report.updated_by or "?", current=report.version, yours=version))])
    before = snapshot(report, list(REPORT_FIELDS))
    values = {key: str(texts[key]).strip() for key in texts}
    now = dt.datetime.now(dt.UTC)
    # Conditional on the version read: the row lock already serialises writers, this keeps
    # a lost update impossible even where select_for_update is a no-op (SQLite).
    if not FinalReport.objects.filter(pk=report.pk, version=version).update(
            **values, version=F("version") + 1, updated_at=now, updated_by=Actor.of(by).label):
        raise IncidentError([("version", ERR_STALE.format(by="?", current="?", yours=version))])
    report.refresh_from_db()
    audit_record(by=by, action="incident.final_report", obj=report, before=before,
                 after=snapshot(report, list(REPORT_FIELDS)))
    return report


def closure_instrument(incident: Incident):
    """The instrument that judges the closure: the one in force on the incident's date."""
    return rules_in_force(decision_date(None, incident.first_information_at,
                                        dt.date.today()))


def closure_criteria(incident: Incident, *, potential_dose_msv_per_year: Decimal,
                     remediation_applied: bool) -> Decision:
    """Điều 25.2 judged on the figures entered, under the incident's instrument."""
    dose = measure_parse(f"{potential_dose_msv_per_year} mSv", "dose")
    return restoration_end(dose, remediation_applied, closure_instrument(incident))


def _dose(raw, problems: list[tuple[str, str]]) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        problems.append(("potential_dose_msv_per_year", ERR_REQUIRED))
        return None
    try:
        value = decimal_parse(str(raw).strip())
    except UnitError as error:
        problems.append(("potential_dose_msv_per_year", str(error)))
        return None
    if not Decimal(0) <= value <= MAX_DOSE_MSV_PER_YEAR:
        problems.append(("potential_dose_msv_per_year",
                         f"{raw!r} mSv/year is outside 0 … {MAX_DOSE_MSV_PER_YEAR}"))
        return None
    return value.quantize(Decimal("0.0001"))


def closure_check(incident: Incident, *, potential_dose_msv_per_year,
                  remediation_applied: bool | None) -> Decision:
    """The verdict of Điều 25.2 on figures as typed (the dose in mSv/year, as text or a
    number), nothing written: what the closure form shows before the commander decides."""
    problems: list[tuple[str, str]] = []
    dose = _dose(potential_dose_msv_per_year, problems)
    if remediation_applied is None:
        problems.append(("remediation_applied", ERR_REQUIRED))
    if problems or dose is None:
        raise IncidentError(problems)
    return closure_criteria(incident, potential_dose_msv_per_year=dose,
                            remediation_applied=remediation_applied)


def _why_unmet(result: dict) -> str:
    reasons = []
    if result["dose_msv_per_year"] > result["max_msv_per_year"]:
        reasons.append(f"{result['dose_msv_per_year']:g} mSv/year > "
                       f"{result['max_msv_per_year']:g} mSv/year")
    if result["remediation_required"] and not result["remediation_applied"]:
        reasons.append("restoration measures not applied")
    return "; ".join(reasons)


def _settle_deadlines(incident: Incident, *, now: dt.datetime, by) -> list[Deadline]:
    """Breach the overdue running deadlines, mark the others unmet, stop every escalation.
    Each change is conditional on the status read, so a worker breaching one meanwhile
    is neither undone nor repeated."""
    settled = []
    for deadline in incident.deadlines.filter(status=Deadline.Status.PENDING):
        overdue = deadline.due_at <= now
        status = Deadline.Status.BREACHED if overdue else Deadline.Status.UNMET
        changes = {"status": status, "next_at": None}
        if overdue:
            changes["breached_at"] = deadline.due_at
        if Deadline.objects.filter(pk=deadline.pk, status=Deadline.Status.PENDING
                                   ).update(**changes):
            deadline.status = status
            settled.append(deadline)
            text_vi, text_en = (("QUÁ HẠN", "BREACHED") if overdue else
                                ("Chưa thực hiện khi kết thúc ứng phó",
                                 "not done when the response closed"))
            log_add(incident=incident, kind=IncidentLogEntry.Kind.DEADLINE, by=by, at=now,
                    text=f"{text_vi}: {deadline.text_vi} / {text_en}: {deadline.text_en} "
                         f"({deadline.citation})",
                    data={"deadline": deadline.pk, "status": status})
    incident.deadlines.exclude(next_at=None).update(next_at=None)
    return settled


@transaction.atomic
def incident_closure_decide(*, incident: Incident, by, potential_dose_msv_per_year,
                            dose_basis: str, remediation_applied: bool | None, reason: str,
                            conditions: str = "", override: bool = False,
                            override_reason: str = "",
                            now: dt.datetime | None = None) -> ClosureDecision:
    """End the response (TT 12/2023 Điều 25.2): ``by`` must be the incident's commander;
    the criteria are judged on the figures entered; unmet criteria need ``override`` with
    ``override_reason``. Closes the incident, issues the final report, settles the
    deadlines and logs it, in one transaction. Refusals name every field at fault."""
    now = now or dt.datetime.now(dt.UTC)
    incident = _locked_open(incident)
    commander = role_holder(incident, "commander")
    if commander is None:
        raise IncidentError([("commander", ERR_NO_COMMANDER)])
    if getattr(by, "pk", None) != commander.pk:
        raise IncidentError([("by", ERR_NOT_COMMANDER.format(
            commander=commander.get_full_name() or commander.get_username()))])
    problems: list[tuple[str, str]] = []
    dose = _dose(potential_dose_msv_per_year, problems)
    if not (dose_basis or "").strip():
        problems.append(("dose_basis", ERR_REQUIRED))
    if remediation_applied is None:
        problems.append(("remediation_applied", ERR_REQUIRED))
    if not (reason or "").strip():
        problems.append(("reason", ERR_REQUIRED))
    report = FinalReport.objects.select_for_update().filter(incident=incident).first()
    problems += [(f"final_report.{key}", ERR_REPORT_SECTION) for key in REPORT_REQUIRED
                 if report is None or not getattr(report, key).strip()]
    if problems or dose is None:
        raise IncidentError(problems)
    decision = closure_criteria(incident, potential_dose_msv_per_year=dose,
                                remediation_applied=bool(remediation_applied))
    met = bool(decision.result["may_end"])
    citation = decision.matched[0].citation if decision.matched else decision.instrument
    if not met and not override:
        raise IncidentError([("criteria", ERR_UNMET.format(
            citation=citation, why=_why_unmet(decision.result)))])
    if not met and not override_reason.strip():
        raise IncidentError([("override_reason", ERR_OVERRIDE_REASON)])
    closure = ClosureDecision.objects.create(
        incident=incident, decided_at=now, commander=commander,
        decided_by=Actor.of(by).label, potential_dose_msv_per_year=dose,
        dose_basis=dose_basis.strip(), remediation_applied=bool(remediation_applied),
        conditions=conditions.strip(), reason=reason.strip(), instrument=decision.instrument,
        criteria_met=met, decision=decision.as_dict(), overridden=not met,
        override_reason=override_reason.strip() if not met else "")
    incident.status = Incident.Status.CLOSED
    incident.save(update_fields=["status"])
    audit_image(closure, by=by, action="incident.closure")
    audit_image(incident, by=by, action="incident.closure")
    FinalReport.objects.filter(pk=report.pk).update(issued_at=now)
    settled = _settle_deadlines(incident, now=now, by=by)
    # The response is over: its reports leave the duty desk with it.
    reports = list(incident.reports.filter(status=IncidentReport.Status.OPEN)
                   .values_list("pk", flat=True))
    IncidentReport.objects.filter(pk__in=reports).update(
        status=IncidentReport.Status.CLOSED, updated_at=now, closed_at=now,
        close_reason=CloseReason.RESPONSE_ENDED, closed_by=Actor.of(by).label)
    ReportStatusChange.objects.bulk_create([ReportStatusChange(
        report_id=pk, at=now, by=Actor.of(by).label, action=ReportStatusChange.Action.CLOSED,
        reason=CloseReason.RESPONSE_ENDED, note=incident.code) for pk in reports])
    verdict_vi = "đạt tiêu chí" if met else f"chưa đạt tiêu chí, vẫn kết thúc: {override_reason}"
    verdict_en = "criteria met" if met else "criteria not met, closed anyway"
    log_add(incident=incident, kind=IncidentLogEntry.Kind.CLOSED, by=by, at=now,
            text=f"Kết thúc ứng phó ({citation}): liều hiệu dụng tiềm năng "
                 f"{dose.normalize():f} mSv/năm, "
                 f"{'đã' if remediation_applied else 'chưa'} áp dụng biện pháp phục hồi — "
                 f"{verdict_vi}. Lý do: {reason.strip()} / response closed: {verdict_en}",
            data={"closure": closure.pk, "criteria_met": met,
                  "deadlines_settled": [d.pk for d in settled], "reports_closed": reports})
    return closure
