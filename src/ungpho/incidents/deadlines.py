"""Legal deadlines of an incident as timers in the database (TT 12/2023/TT-BKHCN Điều 17.2,
Phụ lục VI): set from the rules engine when an incident opens (classify within 15 minutes)
and again at each classification; escalated before they are due; met or breached, with the
time and the person. The worker's pass (``deadlines_process``) claims each step with a
conditional UPDATE, so a crash or restart never loses or repeats one.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from ungpho.accounts.roles import Role
from ungpho.alerts.selectors import emails_of, on_duty
from ungpho.alerts.services import notification_enqueue
from ungpho.audit.services import Actor
from ungpho.core.rules.classify import decision_date
from ungpho.core.rules.deadlines import legal_deadlines
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.vietnam_time import vietnam_text
from ungpho.incidents.log import log_add
from ungpho.incidents.models import (
    Deadline,
    EscalationStep,
    Incident,
    IncidentLogEntry,
    IncidentReport,
)

#: Before classification the category is unknown; the classification limit is the same for
#: categories I–IV (Phụ lục VI, dòng 1), so it is computed for IV.
_ANY_CATEGORY = "IV"
#: A running deadline can be escalated; met ones are done; breached ones still escalate.
_OPEN = (Deadline.Status.PENDING, Deadline.Status.BREACHED)


def escalation_plan() -> list[dict]:
    """The escalation plan as copied onto a timer when it starts."""
    return [{"minutes_before_due": s.minutes_before_due, "target": s.target, "email": s.email}
            for s in EscalationStep.objects.all()]


def step_at(due_at: dt.datetime, plan: list[dict], index: int) -> dt.datetime | None:
    """When step ``index`` of ``plan`` fires for a deadline due at ``due_at``; None after
    the last."""
    if index >= len(plan):
        return None
    return due_at - dt.timedelta(minutes=plan[index]["minutes_before_due"])


def _deadline_items(first_information_at: dt.datetime, category: str,
                    classified_at: dt.datetime | None = None) -> list[dict]:
    """Phụ lục VI's deadlines as the rules in force on the event's date give them, each
    with its citation."""
    on = decision_date(None, first_information_at, dt.date.today())
    decision = legal_deadlines(category=category, first_information_at=first_information_at,
                               instrument=rules_in_force(on), classified_at=classified_at)
    citations = {c.id: c.citation for c in decision.matched}
    return [{**item, "citation": citations.get(f"{item['action']}.{item['level']}", "")}
            for item in decision.result or []]


def classification_due(first_information_at: dt.datetime) -> dict | None:
    """The earliest classification deadline from a first information (Phụ lục VI, dòng 1:
    within 15 minutes, whatever the category): due_at, text_vi, text_en, citation; None
    when the instrument in force sets none."""
    for item in _deadline_items(first_information_at, _ANY_CATEGORY):
        if item["action"] == "classify" and item["due_before"]:
            return {"due_at": dt.datetime.fromisoformat(item["due_before"]),
                    "text_vi": item["text"]["vi"][:200], "text_en": item["text"]["en"][:200],
                    "citation": item["citation"][:200]}
    return None


def deadlines_set(*, incident: Incident, category: str | None,
                  classified_at: dt.datetime | None = None, by=None) -> list[Deadline]:
    """Set (or move) the incident's deadlines from Phụ lục VI for ``category``; before
    classification (None) only the classification deadline. Met or breached deadlines stay
    as recorded. Must run inside the caller's transaction."""
    plan = escalation_plan()
    rows = []
    for item in _deadline_items(incident.first_information_at, category or _ANY_CATEGORY,
                                classified_at):
        if category is None and item["action"] != "classify":
            continue
        due_at = dt.datetime.fromisoformat(item["due_before"])
        deadline, created = Deadline.objects.get_or_create(
            incident=incident, action=item["action"], level=item["level"], defaults={
                "text_vi": item["text"]["vi"][:200], "text_en": item["text"]["en"][:200],
                "citation": item["citation"][:200],
                "due_at": due_at, "escalation": plan, "next_at": step_at(due_at, plan, 0)})
        if not created and deadline.status == Deadline.Status.PENDING \
                and deadline.due_at != due_at:
            deadline.due_at = due_at
            deadline.next_at = None if deadline.acknowledged_at else step_at(
                due_at, deadline.escalation, deadline.next_step)
            deadline.save(update_fields=["due_at", "next_at"])
        if created:
            log_add(incident=incident, kind=IncidentLogEntry.Kind.DEADLINE, by=by,
                    text=f"Thời hạn: {deadline.text_vi} trước {vietnam_text(due_at)} / deadline: "
                         f"{deadline.text_en} before {vietnam_text(due_at)} ({deadline.citation})",
                    data={"deadline": deadline.pk})
        rows.append(deadline)
    return rows


def deadline_meet(*, deadline: Deadline, by, at: dt.datetime | None = None) -> Deadline:
    """Record that the action was done: met if before its due time, else breached (with the
    time it breached) and done late. Stops its escalation. In the caller's transaction."""
    at = at or dt.datetime.now(dt.UTC)
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.met_at is not None:
        return deadline
    deadline.met_at, deadline.met_by = at, Actor.of(by).label
    if at < deadline.due_at and deadline.status == Deadline.Status.PENDING:
        deadline.status = Deadline.Status.MET
    else:
        deadline.status = Deadline.Status.BREACHED
        deadline.breached_at = deadline.breached_at or deadline.due_at
    deadline.next_at = None
    deadline.save(update_fields=["met_at", "met_by", "status", "breached_at", "next_at"])
    late = deadline.status == Deadline.Status.BREACHED
    log_add(incident=deadline.incident, kind=IncidentLogEntry.Kind.DEADLINE, by=by, at=at,
            text=f"{'Quá hạn, đã làm' if late else 'Đúng hạn'}: {deadline.text_vi} / "
                 f"{'done late' if late else 'met'}: {deadline.text_en}",
            data={"deadline": deadline.pk, "status": deadline.status})
    return deadline


@transaction.atomic
def deadline_acknowledge(*, deadline: Deadline, by) -> Deadline:
    """Someone has it in hand: the escalation stops (the deadline still runs)."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.acknowledged_at is None:
        deadline.acknowledged_at = dt.datetime.now(dt.UTC)
        deadline.acknowledged_by = Actor.of(by).label
        deadline.next_at = None
        deadline.save(update_fields=["acknowledged_at", "acknowledged_by", "next_at"])
        log_add(incident=deadline.incident, kind=IncidentLogEntry.Kind.DEADLINE, by=by,
                text=f"Đã nhận xử lý: {deadline.text_vi} / acknowledged: {deadline.text_en}",
                data={"deadline": deadline.pk})
    return deadline


def deadline_recipients(incident: Incident | IncidentReport, step: dict) -> list[str]:
    """E-mail addresses of one escalation step's target for this incident or report."""
    if step["target"] == EscalationStep.Target.EMAIL:
        return [step["email"]]
    return emails_of({EscalationStep.Target.DUTY: on_duty(incident.province_id),
                      EscalationStep.Target.SUPERVISORS: Q(groups__name=Role.ADMINISTRATOR),
                      EscalationStep.Target.NATIONAL: Q(groups__name=Role.NATIONAL_DUTY),
                      }[step["target"]])


def deadlines_process(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """One worker pass: record breaches, fire due escalation steps; returns how many events."""
    now = now or dt.datetime.now(dt.UTC)
    events = 0
    for pk in Deadline.objects.filter(status=Deadline.Status.PENDING, due_at__lte=now
                                      ).values_list("pk", flat=True)[:limit]:
        events += _breach(pk)
    for pk, step in Deadline.objects.filter(status__in=_OPEN, next_at__lte=now,
                                            acknowledged_at=None).values_list(
            "pk", "next_step")[:limit]:
        events += _escalate(pk, step, now)
    return events


@transaction.atomic
def _breach(pk: int) -> int:
    deadline = Deadline.objects.select_related("incident").get(pk=pk)
    if not Deadline.objects.filter(pk=pk, status=Deadline.Status.PENDING).update(
            status=Deadline.Status.BREACHED, breached_at=deadline.due_at):
        return 0  # met or breached by another worker meanwhile
    log_add(incident=deadline.incident, kind=IncidentLogEntry.Kind.DEADLINE, by=None,
            at=deadline.due_at,
            text=f"QUÁ HẠN: {deadline.text_vi} / BREACHED: {deadline.text_en} "
                 f"({deadline.citation})", data={"deadline": pk, "status": "breached"})
    return 1


@transaction.atomic
def _escalate(pk: int, step: int, now: dt.datetime) -> int:
    deadline = Deadline.objects.select_related("incident").get(pk=pk)
    plan = deadline.escalation
    if not Deadline.objects.filter(pk=pk, next_step=step, acknowledged_at=None).update(
            next_step=step + 1, next_at=step_at(deadline.due_at, plan, step + 1)):
        return 0  # fired by another worker, or acknowledged, meanwhile
    incident = deadline.incident
    recipients = deadline_recipients(incident, plan[step])
    breached = now >= deadline.due_at
    subject = (f"[ungpho] {'QUÁ HẠN' if breached else 'Sắp đến hạn'}: {deadline.text_vi} — "
               f"{incident.code}")
    body = (f"{incident.code}: {incident.title}\n"
            f"{deadline.text_vi} — hạn trước {vietnam_text(deadline.due_at)} ({deadline.citation})."
            f"\n{'Đã quá hạn.' if breached else 'Chưa hoàn thành.'} Xác nhận đã nhận xử lý trên "
            f"trang sự cố để dừng nhắc.\n\n---- English ----\n\n"
            f"{deadline.text_en} — due before {vietnam_text(deadline.due_at)}. "
            f"{'Breached.' if breached else 'Not done yet.'} Acknowledge on the incident's "
            f"page to stop the escalation.\n")
    for recipient in recipients:
        notification_enqueue(recipient=recipient, subject=subject, body=body,
                             dedupe_key=f"deadline:{pk}:step:{step}:{recipient}", now=now,
                             incident=incident)
    log_add(incident=incident, kind=IncidentLogEntry.Kind.DEADLINE, by=None, at=now,
            text=f"Nhắc hạn bước {step + 1} ({plan[step]['target']}) → {len(recipients)} người"
                 f" / escalation step {step + 1} → {len(recipients)} recipients",
            data={"deadline": pk, "step": step, "recipients": recipients})
    return 1
