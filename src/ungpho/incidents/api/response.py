"""The response workflow for machines and scripts: an incident's tasks (list, create,
change with the version read — a stale version is refused with 409), its situation reports,
and applying an activation package. Signed-in users (session, or HTTP Basic), each in their
scope; errors as ``{"errors": [{"field", "message"}]}``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from ungpho.core.validate import POSITIVE_INTEGER, Int, Moment, Text
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import ActivationPackage, IncidentTask, SituationReport
from ungpho.incidents.response.packages import package_apply
from ungpho.incidents.response.tasks import task_create, task_update
from ungpho.incidents.selectors import incidents_open, tasks_marked
from ungpho.platform.api_auth import AUTH
from ungpho.platform.api_errors import errors_response

router = Router(tags=["incident response"])
_ANSWERS = {200: dict, 201: dict, 409: dict, 422: dict}


Title = Text(300)
#: A user by id or username (``auth.User.username``: 150 characters).
Owner = Text(150, numbers=True)


class TaskIn(Schema):
    title: Title
    owner: Owner | None = None
    due_at: Moment | None = None


class TaskPatch(Schema):
    version: Int(POSITIVE_INTEGER)
    title: Title | None = None
    owner: Owner | None = None
    due_at: Moment | None = None
    status: Text(20) | None = None


def _task(task: IncidentTask) -> dict:
    return {"id": task.pk, "title": task.title, "status": task.status,
            "owner": task.owner.get_username() if task.owner else None, "role": task.role,
            "due_at": task.due_at.isoformat() if task.due_at else None,
            "overdue": task.overdue, "origin": task.origin, "cite": task.cite,
            "done_at": task.done_at.isoformat() if task.done_at else None,
            "done_by": task.done_by or None, "version": task.version,
            "package": task.application.package.code if task.application else None}


def _sitrep(s: SituationReport) -> dict:
    return {"number": s.number, "period_from": s.period_from.isoformat(),
            "period_to": s.period_to.isoformat(), "situation": s.situation,
            "actions": s.actions, "next_steps": s.next_steps, "resources": s.resources,
            "next_due_at": s.next_due_at.isoformat() if s.next_due_at else None,
            "issued_at": s.issued_at.isoformat(), "issued_by": s.issued_by,
            "corrects": s.corrects.number if s.corrects else None}


def _refused(error: IncidentError):
    status = 409 if any(field == "version" for field, _m in error.problems) else 422
    return errors_response(status, error.problems)


def _incident(request: HttpRequest, pk: int):
    return get_object_or_404(incidents_open(user=request.auth), pk=pk)


def _tasks(incident):
    return tasks_marked(incident.tasks.select_related("owner", "application__package"),
                        now=dt.datetime.now(dt.UTC))


@router.get("/incidents/{pk}/tasks", auth=AUTH,
            summary="Nhiệm vụ của sự cố / An incident's tasks")
def tasks_list(request: HttpRequest, pk: int):
    """Every task of the open incident, by due time, each with its ``version`` (send it
    back to change the task)."""
    return {"tasks": [_task(t) for t in _tasks(_incident(request, pk))]}


@router.post("/incidents/{pk}/tasks", auth=AUTH, response=_ANSWERS,
             summary="Thêm nhiệm vụ / Add a task")
def tasks_create(request: HttpRequest, pk: int, body: TaskIn):
    """``owner``: a username or user id; ``due_at``: ISO 8601 with its offset."""
    incident = _incident(request, pk)
    try:
        task = task_create(incident=incident, title=body.title, owner=body.owner,
                           due_at=body.due_at, origin=IncidentTask.Origin.API, by=request.auth)
    except IncidentError as error:
        return _refused(error)
    return Status(201, _task(_tasks(incident).get(pk=task.pk)))


@router.patch("/incidents/{pk}/tasks/{task_id}", auth=AUTH, response=_ANSWERS,
              summary="Sửa nhiệm vụ / Change a task")
def tasks_patch(request: HttpRequest, pk: int, task_id: int, body: TaskPatch):
    """Send the ``version`` you read and the fields to change (``status``: open, done,
    cancelled; ``owner``: null to unassign). 409 if the task changed since that version."""
    incident = _incident(request, pk)
    task = get_object_or_404(incident.tasks, pk=task_id)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        task_update(task=task, version=version, by=request.auth, **changes)
    except IncidentError as error:
        return _refused(error)
    return Status(200, _task(_tasks(incident).get(pk=task.pk)))


@router.get("/incidents/{pk}/sitreps", auth=AUTH,
            summary="Báo cáo tình hình / Situation reports")
def sitreps_list(request: HttpRequest, pk: int):
    """The incident's situation reports, by number (never changed once issued)."""
    incident = _incident(request, pk)
    return {"sitreps": [_sitrep(s) for s in incident.sitreps.select_related("corrects")
                        .order_by("number")]}


@router.post("/incidents/{pk}/packages/{package_id}/apply", auth=AUTH, response=_ANSWERS,
             summary="Kích hoạt gói ứng phó / Apply an activation package")
def package_apply_api(request: HttpRequest, pk: int, package_id: int):
    """201 with the tasks it created; 200 (``applied: false``, no task) if it had been
    applied to this incident already."""
    incident = _incident(request, pk)
    package = get_object_or_404(ActivationPackage, pk=package_id)
    try:
        application, applied = package_apply(incident=incident, package=package,
                                              by=request.auth)
    except IncidentError as error:
        return _refused(error)
    return Status(201 if applied else 200, {
        "applied": applied, "package": package.code,
        "applied_at": application.applied_at.isoformat(), "applied_by": application.applied_by,
        "notify": [p["party"] for p in application.content["notify"]],
        "resources": application.content["resources"],
        "tasks": [_task(t) for t in _tasks(incident).filter(application=application)]
        if applied else []})
