"""Tasks of an incident's response: a title, an owner, a due time, open → done or cancelled
(and reopened), from the incident page, an activation package or the API. Every change is
logged; every change raises the task's version, and a change made on an older version is
refused (a conditional UPDATE on the version), so two officers never overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from ungpho.audit.services import Actor, audit_image
from ungpho.core.validate import (
    BIGINT,
    Invalid,
    Message,
    gettext_noop,
    int_parse,
    storable_text,
    text_checked,
    time_parse,
)
from ungpho.core.vietnam_time import vietnam_text
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import ERR_CLOSED
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Incident, IncidentLogEntry, IncidentTask
from ungpho.incidents.response.roles import role_candidates

ERR_TITLE = gettext_noop("a task needs its title")
ERR_OWNER = gettext_noop("%(owner)s is not among the people who may act on this incident (the "
                         "duty officers, its province's command board, its facility's "
                         "operators)")
ERR_STATUS = "{status!r} is not one of {statuses}"
ERR_STALE = ("the task was changed by {by} meanwhile (version {now}, your form had version "
             "{seen}); reload it and make your change again")
ERR_NO_CHANGE = "nothing to change"
#: IncidentTask.title
TITLE_CHARS = 300

_EDITABLE = ("title", "owner", "due_at", "status")


def _title(value, incident) -> str:
    title = "" if value is None else str(value).strip()
    return text_checked(title, field="title", max_chars=TITLE_CHARS)


def _owner(owner, incident) -> Any:
    """A user, a user id or a username, among those who may hold a role on the incident
    (``roles.role_candidates``: the scope rules of ``accounts``)."""
    if owner is None or owner == "":
        return None
    users = role_candidates(incident)
    if hasattr(owner, "pk"):
        found = users.filter(pk=owner.pk).first()
    elif isinstance(owner, int) or str(owner).isdigit():
        found = users.filter(pk=int_parse(owner, field="owner", bounds=BIGINT)).first()
    else:
        found = users.filter(username=text_checked(owner, field="owner", max_chars=150)).first()
    if found is None:
        raise Invalid("owner", Message(ERR_OWNER, owner=storable_text(
            getattr(owner, "username", owner), max_chars=150)))
    return found


def _due(value, incident) -> dt.datetime | None:
    if value is None or value == "":
        return None
    return time_parse(value, field="due_at")


def _parsed(given: dict, incident) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The given ``title``, ``owner`` and ``due_at`` checked, and every problem with them."""
    values: dict[str, Any] = {}
    problems = []
    for name, parse in (("title", _title), ("owner", _owner), ("due_at", _due)):
        if name in given:
            try:
                values[name] = parse(given[name], incident)
            except Invalid as error:
                problems.append((error.field, error.message))
    return values, problems


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def task_create(*, incident: Incident, title: str, by, owner=None, due_at=None,
                origin: str = IncidentTask.Origin.UI, role: str = "", cite: str = "",
                application=None, now: dt.datetime | None = None) -> IncidentTask:
    """A new open task; logged. ``owner``: a user, a user id or a username. Runs in the
    caller's transaction when there is one (an activation package makes several at once)."""
    values, problems = _parsed({"title": title, "owner": owner, "due_at": due_at}, incident)
    if "title" in values and not values["title"]:
        problems.insert(0, ("title", Message(ERR_TITLE)))
    if problems:
        raise IncidentError(problems)
    title, owner, due_at = values["title"], values["owner"], values["due_at"]
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Incident.Status.OPEN:
            raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
        now = now or dt.datetime.now(dt.UTC)
        task = IncidentTask.objects.create(
            incident=incident, title=title, owner=owner, role=role,
            due_at=due_at, origin=origin, application=application, cite=cite,
            created_at=now, created_by=Actor.of(by).label)
        audit_image(task, by=by, action="incident.task.create")
        due = f", hạn / due {vietnam_text(due_at)}" if due_at else ""
        log_add(incident=incident, kind=IncidentLogEntry.Kind.TASK, by=by, at=now,
                text=f"Nhiệm vụ mới / new task: {task.title} → {_name(owner)}{due}",
                data={"task": task.pk, "version": task.version, "origin": origin})
    return task


def task_update(*, task: IncidentTask, version: int, by, now: dt.datetime | None = None,
                **changes) -> IncidentTask:
    """Change a task's ``title``, ``owner``, ``due_at`` or ``status`` if it is still at
    ``version`` (the one the officer saw); else :class:`IncidentError` on ``version``. Done
    records who and when; reopening clears them."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise IncidentError([(name, f"not a field of a task ({', '.join(_EDITABLE)})")
                             for name in sorted(unknown)])
    values, problems = _parsed(changes, task.incident)
    if "title" in values and not values["title"]:
        problems.append(("title", Message(ERR_TITLE)))
    if "status" in changes:
        if changes["status"] not in IncidentTask.Status.values:
            problems.append(("status", ERR_STATUS.format(
                status=changes["status"], statuses=", ".join(IncidentTask.Status.values))))
        values["status"] = changes["status"]
    if problems:
        raise IncidentError(problems)
    now = now or dt.datetime.now(dt.UTC)
    with transaction.atomic():
        current = IncidentTask.objects.select_related("owner", "incident").get(pk=task.pk)
        if current.incident.status != Incident.Status.OPEN:
            raise IncidentError([("incident", ERR_CLOSED.format(
                incident=current.incident.code))])
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        if current.version != version:
            raise IncidentError([("version", _stale(current, version))])
        if not changed:
            raise IncidentError([("task", ERR_NO_CHANGE)])
        if "status" in changed:
            done = changed["status"] == IncidentTask.Status.DONE
            changed["done_at"] = now if done else None
            changed["done_by"] = Actor.of(by).label if done else ""
        if not IncidentTask.objects.filter(pk=task.pk, version=version).update(
                version=F("version") + 1, **changed):
            raise IncidentError([("version", _stale(
                IncidentTask.objects.get(pk=task.pk), version))])
        updated = IncidentTask.objects.select_related("owner").get(pk=task.pk)
        audit_image(updated, by=by, action="incident.task.update")
        log_add(incident=current.incident, kind=IncidentLogEntry.Kind.TASK, by=by, at=now,
                text=f"Nhiệm vụ / task: {updated.title} — {_changes(current, updated)}",
                data={"task": task.pk, "version": updated.version,
                      "changed": sorted(k for k in changed if k in _EDITABLE)})
    return updated


def _stale(current: IncidentTask, seen: int) -> str:
    last = current.incident.log.filter(kind=IncidentLogEntry.Kind.TASK,
                                       data__task=current.pk).order_by("-at", "-pk").first()
    return ERR_STALE.format(by=last.by if last else "?", now=current.version, seen=seen)


def _changes(before: IncidentTask, after: IncidentTask) -> str:
    parts = []
    if before.title != after.title:
        parts.append(f"tên / title: {before.title} → {after.title}")
    if before.owner_id != after.owner_id:
        parts.append(f"người phụ trách / owner: {_name(before.owner)} → {_name(after.owner)}")
    if before.due_at != after.due_at:
        parts.append("hạn / due: " + " → ".join(
            vietnam_text(d) if d else "—" for d in (before.due_at, after.due_at)))
    if before.status != after.status:
        parts.append(f"trạng thái / status: {before.status} → {after.status}")
    return "; ".join(parts)
