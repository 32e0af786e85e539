"""Situation reports (báo cáo tình hình) of an incident: numbered 1, 2, 3 … per incident,
each covering the period since the one before, immutable once issued (a correction is a
new report naming the one it corrects), each logged. The form is drafted from the record of
the period: log entries, tasks done and open, deadlines, resources the packages asked for.
The next report's due time is the officer's; the draft proposes SITREP_INTERVAL_H (the
operations centre's practice, not a legal limit).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from ungpho.audit.services import Actor, audit_image
from ungpho.core.validate import Invalid, text_problem, time_checked
from ungpho.core.vietnam_time import vietnam_text
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import ERR_CLOSED, scope_named
from ungpho.incidents.log import log_add
from ungpho.incidents.models import (
    Deadline,
    Incident,
    IncidentLogEntry,
    IncidentTask,
    SituationReport,
)

#: Hours until the next report, as the draft proposes it.
SITREP_INTERVAL_H = 4
ERR_SITUATION = "a situation report needs its situation"
ERR_PERIOD = "the period must end after it starts"
ERR_NEXT_DUE = "the next report must be due after this one"
ERR_CORRECTS = "the report corrected must be an earlier report of this incident"
#: Log kinds the draft leaves out of "actions taken": reports, and tasks and deadlines,
#: which it lists from their own rows (done, met).
_NOT_ACTIONS = (IncidentLogEntry.Kind.SITREP, IncidentLogEntry.Kind.DEADLINE,
                IncidentLogEntry.Kind.TASK)


def _local(moment: dt.datetime) -> str:
    return vietnam_text(moment, "%d/%m %H:%M")


def _owner(task: IncidentTask) -> str:
    return task.owner.get_username() if task.owner else (task.get_role_display() or "—")


def sitrep_last(incident: Incident) -> SituationReport | None:
    return incident.sitreps.order_by("-number").first()


def sitrep_draft(incident: Incident, *, now: dt.datetime | None = None) -> dict:
    """The fields of the next report, drafted from the record since the last one."""
    now = now or dt.datetime.now(dt.UTC)
    last = sitrep_last(incident)
    since = last.period_to if last else incident.first_information_at
    entries = incident.log.filter(at__gte=since, at__lte=now).exclude(kind__in=_NOT_ACTIONS)
    done = incident.tasks.filter(status=IncidentTask.Status.DONE, done_at__gte=since)
    met = incident.deadlines.filter(met_at__gte=since)
    open_tasks = incident.tasks.filter(status=IncidentTask.Status.OPEN).select_related("owner")
    pending = incident.deadlines.filter(status=Deadline.Status.PENDING)
    breached = incident.deadlines.filter(status=Deadline.Status.BREACHED, met_at=None)
    situation = [f"{incident.code}: {incident.title}",
                 f"Nhóm nguy cơ / hazard category: {incident.hazard_category or '—'}; "
                 f"cấp báo động / alarm level: {incident.alarm_level or '—'}; "
                 f"phạm vi / scope: {scope_named(incident.scope)} / "
                 f"{scope_named(incident.scope, 'en')}"]
    situation += [f"QUÁ HẠN / BREACHED: {d.text_vi} ({d.citation})" for d in breached]
    actions = sorted([(e.at, e.text) for e in entries]
                     + [(t.done_at, f"✔ {t.title} ({t.done_by})") for t in done]
                     + [(d.met_at, f"✔ {d.text_vi} ({d.citation}) — {d.get_status_display()}")
                        for d in met], key=lambda row: row[0])
    steps = [f"{t.title} → {_owner(t)}{', hạn / due ' + _local(t.due_at) if t.due_at else ''}"
             for t in open_tasks]
    steps += [f"{d.text_vi} — hạn / due {_local(d.due_at)} ({d.citation})" for d in pending]
    resources = [f"{r['resource']['vi']}: {r['quantity']} {r['unit']['vi']}"
                 for a in incident.package_applications.all()
                 for r in a.content.get("resources", [])]
    return {"number": (last.number + 1) if last else 1, "period_from": since,
            "period_to": now, "situation": "\n".join(situation),
            "actions": "\n".join(f"{_local(at)} {text}" for at, text in actions),
            "next_steps": "\n".join(steps),
            "resources": "\n".join(resources),
            "next_due_at": now + dt.timedelta(hours=SITREP_INTERVAL_H)}


@transaction.atomic
def sitrep_issue(*, incident: Incident, by, situation: str, actions: str = "",
                 next_steps: str = "", resources: str = "",
                 period_from: dt.datetime | None = None, period_to: dt.datetime | None = None,
                 next_due_at: dt.datetime | None = None,
                 corrects: SituationReport | None = None,
                 now: dt.datetime | None = None) -> SituationReport:
    """Issue the next report; it can never be changed. The period runs by default from the
    end of the last report (or the first information) to now."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    now = now or dt.datetime.now(dt.UTC)
    last = sitrep_last(incident)
    period_from = period_from or (last.period_to if last else incident.first_information_at)
    period_to = period_to or now
    problems = [(name, problem) for name, text in (
        ("situation", situation), ("actions", actions), ("next_steps", next_steps),
        ("resources", resources)) if (problem := text_problem(text))]
    if not situation.strip():
        problems.append(("situation", ERR_SITUATION))
    if period_to <= period_from:
        problems.append(("period_to", ERR_PERIOD))
    try:
        if next_due_at is not None and time_checked(next_due_at, field="next_due_at") \
                <= max(period_to, now):
            problems.append(("next_due_at", ERR_NEXT_DUE))
    except Invalid as error:
        problems.append((error.field, error.message))
    if corrects is not None and corrects.incident_id != incident.pk:
        problems.append(("corrects", ERR_CORRECTS))
    if problems:
        raise IncidentError(problems)
    number = (incident.sitreps.aggregate(n=Max("number"))["n"] or 0) + 1
    report = SituationReport.objects.create(
        incident=incident, number=number, period_from=period_from, period_to=period_to,
        situation=situation.strip(), actions=actions.strip(), next_steps=next_steps.strip(),
        resources=resources.strip(), next_due_at=next_due_at, issued_at=now,
        issued_by=Actor.of(by).label, corrects=corrects)
    audit_image(report, by=by, action="incident.sitrep")
    fix = f" (đính chính số {corrects.number} / corrects no. {corrects.number})" \
        if corrects else ""
    due = f"; báo cáo tiếp theo / next report {_local(next_due_at)}" if next_due_at else ""
    log_add(incident=incident, kind=IncidentLogEntry.Kind.SITREP, by=by, at=now,
            text=f"Báo cáo tình hình số {number} / situation report no. {number}{fix}{due}",
            data={"sitrep": report.pk, "number": number,
                  "corrects": corrects.pk if corrects else None})
    return report
