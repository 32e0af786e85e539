"""Incidents over the API: list and read them (classification and its history, deadlines,
roles, reports, log), open one from a report or link a report to one, classify, appoint a
role. The same services as the incident page, so the same rules, logs and audit entries;
signed-in users (HTTP Basic or session), each in their scope. Refusals name every field
(``{"errors": [{"field", "message"}]}``); bad facts by their JSON path."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Router, Schema, Status

from ungpho.core.rules.facts import FactsError
from ungpho.core.validate import BIGINT, SMALLINT, Int, Text
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import (
    incident_classify,
    incident_open,
    report_link,
)
from ungpho.incidents.models import Incident
from ungpho.incidents.response.roles import role_appoint, roles_current
from ungpho.incidents.selectors import incident_list_open, incidents_open, incidents_visible
from ungpho.platform.api_auth import AUTH
from ungpho.platform.api_errors import errors_response

router = Router(tags=["incidents"])
_ANSWERS = {200: dict, 201: dict, 404: dict, 422: dict}


class OpenIn(Schema):
    report: Int(BIGINT)
    exercise: bool = False


class LinkIn(Schema):
    report: Int(BIGINT)


class ClassifyIn(Schema):
    """The choices are checked against the instrument's tables by the service
    (``core.rules.confirm``), so a level or category it does not define is named there."""

    facts: dict
    hazard_category: Text(3) | None = None
    alarm_level: Int(SMALLINT) | None = None
    scope: Text(10) | None = None
    lead: Text(200) | None = None
    reason: Text() = ""


class RoleIn(Schema):
    role: Text(20)
    user: Text(150)


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def incident_summary(incident: Incident) -> dict:
    """What a list shows (``incident`` annotated as by ``incidents_visible``)."""
    return {"id": incident.pk, "code": incident.code, "title": incident.title,
            "status": incident.status, "exercise": incident.exercise,
            "province": incident.province_id, "lat": incident.lat, "lon": incident.lon,
            "first_information_at": _time(incident.first_information_at),
            "hazard_category": incident.hazard_category or None,
            "alarm_level": incident.alarm_level, "scope": incident.scope or None,
            "lead": incident.lead or None, "classified_at": _time(incident.classified_at),
            "next_due_at": _time(getattr(incident, "next_due", None)),
            "breaches": getattr(incident, "breaches", 0)}


def incident_detail_json(incident: Incident) -> dict:
    return {**incident_summary(incident),
            "classifications": [
                {"at": _time(c.at), "by": c.by, "instrument": c.instrument,
                 "hazard_category": c.hazard_category or None, "alarm_level": c.alarm_level,
                 "scope": c.scope or None, "lead": c.lead or None, "overridden": c.overridden,
                 "reason": c.reason or None, "facts": c.facts,
                 "decisions": c.suggestion.get("decisions", {})}
                for c in incident.classifications.all()],
            "deadlines": [
                {"id": d.pk, "action": d.action, "level": d.level, "text": {
                    "vi": d.text_vi, "en": d.text_en}, "citation": d.citation,
                 "due_at": _time(d.due_at), "status": d.status, "met_at": _time(d.met_at),
                 "met_by": d.met_by or None, "breached_at": _time(d.breached_at)}
                for d in incident.deadlines.all()],
            "roles": {role: row.user.get_username()
                      for role, row in roles_current(incident).items()},
            "reports": [{"id": r.pk, "code": r.code, "source": r.source,
                         "first_information_at": _time(r.first_information_at)}
                        for r in incident.reports.all()],
            "log": [{"id": e.pk, "at": _time(e.at), "by": e.by, "kind": e.kind, "text": e.text,
                     "corrects": e.corrects_id} for e in incident.log.all()]}


def _visible(request: HttpRequest, pk: int) -> Incident | None:
    return incidents_visible(user=request.auth).filter(pk=pk).first()


def _not_found(pk: int) -> Status:
    return errors_response(404, [("pk", f"no incident {pk} in your scope")])


@router.get("/incidents", auth=AUTH, response=_ANSWERS,
            summary="Sự cố / incidents (open, or status=closed|all)")
def incidents_get(request: HttpRequest, status: str = "open"):
    if status not in ("open", "closed", "all"):
        return errors_response(422, [("status", f"{status!r} is not one of open, closed, all")])
    rows = incidents_visible(user=request.auth)
    if status != "all":
        rows = rows.filter(status=status)
    return {"incidents": [incident_summary(i) for i in rows]}


@router.get("/incidents/{int:pk}", auth=AUTH, response=_ANSWERS,
            summary="Một sự cố / one incident, with its classification, deadlines and log")
def incident_get(request: HttpRequest, pk: int):
    incident = _visible(request, pk)
    return _not_found(pk) if incident is None else incident_detail_json(incident)


@router.post("/incidents", auth=AUTH, response=_ANSWERS,
             summary="Mở sự cố từ báo cáo / open an incident from a report")
def incident_post(request: HttpRequest, body: OpenIn):
    report = incident_list_open(user=request.auth).filter(pk=body.report).first()
    if report is None:
        return errors_response(422, [("report", f"no open report {body.report} in your scope")])
    try:
        incident = incident_open(report=report, by=request.auth, exercise=body.exercise)
    except IncidentError as error:
        return errors_response(422, error.problems)
    return Status(201, incident_detail_json(_visible(request, incident.pk)))


@router.post("/incidents/{int:pk}/reports", auth=AUTH, response=_ANSWERS,
             summary="Gộp báo cáo vào sự cố / link a report to an open incident")
def incident_report_link(request: HttpRequest, pk: int, body: LinkIn):
    incident = incidents_open(user=request.auth).filter(pk=pk).first()
    if incident is None:
        return _not_found(pk)
    report = incident_list_open(user=request.auth).filter(pk=body.report).first()
    if report is None:
        return errors_response(422, [("report", f"no open report {body.report} in your scope")])
    try:
        report_link(report=report, incident=incident, by=request.auth)
    except IncidentError as error:
        return errors_response(422, error.problems)
    return Status(201, incident_detail_json(_visible(request, pk)))


@router.post("/incidents/{int:pk}/classification", auth=AUTH, response=_ANSWERS,
             summary="Phân loại sự cố / classify (or re-classify) an incident")
def incident_classification(request: HttpRequest, pk: int, body: ClassifyIn):
    """The rules engine suggests from ``facts`` (the JSON of ``ungpho rules classify``); any
    of hazard_category, alarm_level, scope, lead departing from it needs ``reason``."""
    incident = incidents_open(user=request.auth).filter(pk=pk).first()
    if incident is None:
        return _not_found(pk)
    confirmed = {k: v for k, v in body.dict(exclude={"facts", "reason"}).items()
                 if v is not None}
    try:
        incident_classify(incident=incident, facts=body.facts, by=request.auth,
                          confirmed=confirmed, reason=body.reason)
    except FactsError as error:
        return errors_response(422, [(f"facts{p.path.removeprefix('$')}", p.message)
                                     for p in error.problems])
    except IncidentError as error:
        return errors_response(422, error.problems)
    return Status(201, incident_detail_json(_visible(request, pk)))


@router.post("/incidents/{int:pk}/roles", auth=AUTH, response=_ANSWERS,
             summary="Phân công vai trò / appoint a response role")
def incident_role(request: HttpRequest, pk: int, body: RoleIn):
    incident = incidents_open(user=request.auth).filter(pk=pk).first()
    if incident is None:
        return _not_found(pk)
    user = get_user_model().objects.filter(username=body.user, is_active=True).first()
    if user is None:
        return errors_response(422, [("user", f"no active user {body.user!r}")])
    try:
        role_appoint(incident=incident, role=body.role, user=user, by=request.auth)
    except IncidentError as error:
        return errors_response(422, error.problems)
    return Status(201, {"roles": {role: row.user.get_username()
                                  for role, row in roles_current(incident).items()}})
