from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import BooleanField, Case, Count, Min, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ungpho.accounts.selectors import scoped
from ungpho.alerts.models import PublicMessage
from ungpho.audit.selectors import images_last
from ungpho.audit.services import image_of
from ungpho.core.geo.distance import great_circle_distance_m
from ungpho.incidents.models import (
    Deadline,
    Incident,
    IncidentLogEntry,
    IncidentReport,
    IncidentTask,
)

TRACKER_ALERTS = {"outside_area": gettext_lazy("left its permitted area"),
                  "outside_hours": gettext_lazy("moving outside working hours"),
                  "silent": gettext_lazy("tracker silent")}


def reports_visible(*, user):
    """Every report the user may see (open or closed), newest first."""
    reports = IncidentReport.objects.select_related(
        "province", "station", "parameter", "facility", "radioactive_source", "incident",
        "deadline")
    return scoped(reports, user, province_field="province", facility_field="facility")


def incident_list_open(*, user):
    """Open reports the user may see, newest first."""
    return reports_visible(user=user).filter(status=IncidentReport.Status.OPEN)


def incident_title(report: IncidentReport) -> str:
    if report.source == IncidentReport.Source.THRESHOLD and report.station_id:
        # The station's name says it is a station ("Trạm quan trắc …").
        return _("%(parameter)s above limit at %(station)s") % {
            "parameter": report.parameter.code, "station": report.station.name}
    if report.radioactive_source_id:
        source = report.radioactive_source
        names = {"nuclide": source.nuclide, "serial": source.serial}
        if report.source == IncidentReport.Source.TRACKER:
            return _("Mobile source %(nuclide)s %(serial)s: %(alert)s") % {
                **names, "alert": TRACKER_ALERTS.get(report.decision.get("alert"), "")}
        return _("Radioactive source %(nuclide)s %(serial)s %(status)s") % {
            **names, "status": source.get_status_display()}
    answers = report.reception.get("answers") if report.reception else None
    if answers:
        return _("Call: %(location)s — %(what)s") % {
            "location": answers.get("incident_location", ""),
            "what": answers.get("incident_description", "")[:80]}
    return report.get_source_display()


#: A report this close in space and time to an open incident may be about the same event.
DUPLICATE_RADIUS_KM = 10.0
DUPLICATE_WINDOW_H = 6.0


def task_overdue_q(now: dt.datetime, via: str = "") -> Q:
    """Open tasks whose due time has passed. ``via``: the path to the task from the model
    queried (``"tasks__"`` from an incident). The one definition of an overdue task: the desk,
    the incident page and the API all ask it."""
    return Q(**{f"{via}status": IncidentTask.Status.OPEN, f"{via}due_at__lt": now})


def deadline_overdue_q(now: dt.datetime, via: str = "") -> Q:
    """Legal deadlines breached: recorded so by the worker, or still running past their due
    time (the worker's next pass has not come yet) (TT 12/2023 Phụ lục VI)."""
    return Q(**{f"{via}status": Deadline.Status.BREACHED}) | Q(
        **{f"{via}status": Deadline.Status.PENDING, f"{via}due_at__lte": now})


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def tasks_marked(tasks, *, now: dt.datetime):
    """``tasks`` (a queryset of tasks), each with ``overdue`` (:func:`task_overdue_q`)."""
    return tasks.annotate(overdue=_flag(task_overdue_q(now)))


def deadlines_marked(deadlines, *, now: dt.datetime):
    """``deadlines`` (a queryset), each with ``overdue`` (:func:`deadline_overdue_q`)."""
    return deadlines.annotate(overdue=_flag(deadline_overdue_q(now)))


def incidents_open(*, user, now: dt.datetime | None = None):
    """Open incidents the user may see, newest first, with the annotations of
    :func:`incidents_visible`."""
    return incidents_visible(user=user, now=now).filter(status=Incident.Status.OPEN)


def incidents_visible(*, user, now: dt.datetime | None = None):
    """Incidents the user may see, open and closed (a closed one stays readable with its
    final report), with ``next_due`` (the earliest running legal deadline), ``breaches``
    (how many deadlines are overdue, :func:`deadline_overdue_q`) and ``overdue_tasks``
    (:func:`task_overdue_q`) at ``now``."""
    now = now or dt.datetime.now(dt.UTC)
    incidents = Incident.objects.select_related("province", "facility").annotate(
        next_due=Min("deadlines__due_at", filter=Q(deadlines__status="pending")),
        breaches=Count("deadlines", filter=deadline_overdue_q(now, "deadlines__"),
                       distinct=True),
        overdue_tasks=Count("tasks", filter=task_overdue_q(now, "tasks__"), distinct=True))
    return scoped(incidents, user, province_field="province", facility_field="facility")


def message_current(incident) -> PublicMessage | None:
    """The incident's released public message in force (its area is on the incident map):
    the newest released one that is not a Cancel (a superseded or cancelled message is no
    longer released)."""
    return incident.public_messages.filter(status=PublicMessage.Status.RELEASED).exclude(
        msg_type="Cancel").order_by("-number").first()


def incident_duplicates(reports: list[IncidentReport], incidents: list[Incident]
                        ) -> dict[int, list[tuple[Incident, str]]]:
    """For each report (by pk), those of ``incidents`` (open ones, e.g.
    :func:`incidents_open`) that may be the event it is about, with why: the same facility,
    the same radioactive source, or within DUPLICATE_RADIUS_KM and DUPLICATE_WINDOW_H of its
    first information. Surest first. Distances and time gaps are computed for all pairs at
    once (the duty desk asks for a thousand reports at a time)."""
    found: dict[int, list[tuple[float, Incident, str]]] = {r.pk: [] for r in reports}
    if not reports or not incidents:
        return {pk: [] for pk in found}
    km = great_circle_distance_m(
        np.array([[r.lat] for r in reports]), np.array([[r.lon] for r in reports]),
        np.array([[i.lat for i in incidents]]), np.array([[i.lon for i in incidents]])) / 1000
    gap_s = np.abs(np.array([[r.first_information_at.timestamp()] for r in reports])
                   - np.array([[i.first_information_at.timestamp() for i in incidents]]))
    near = (km <= DUPLICATE_RADIUS_KM) & (gap_s <= DUPLICATE_WINDOW_H * 3600)
    by_facility, by_source = defaultdict(list), defaultdict(list)
    for incident in incidents:
        by_facility[incident.facility_id].append(incident)
        by_source[incident.radioactive_source_id].append(incident)
    for row, report in enumerate(reports):
        same = {}
        for incident in by_facility[report.facility_id] if report.facility_id else ():
            same[incident.pk] = (0.0, incident, _("same facility"))
        for incident in by_source[report.radioactive_source_id] \
                if report.radioactive_source_id else ():
            same.setdefault(incident.pk, (0.0, incident, _("same radioactive source")))
        for col in np.flatnonzero(near[row]):
            incident = incidents[col]
            same.setdefault(incident.pk, (km[row, col], incident, _(
                "%(km).1f km away, within %(hours)g h") % {
                "km": km[row, col], "hours": DUPLICATE_WINDOW_H}))
        found[report.pk] = list(same.values())
    return {pk: [(incident, why) for _km, incident, why in sorted(rows, key=lambda f: f[0])]
            for pk, rows in found.items()}


def incident_log_sealed(incident: Incident) -> list[tuple]:
    """The incident's log, each entry with the audit entry holding its image and whether the
    two agree (the audit entry's MAC verifies and its image is the entry as stored): an entry
    edited behind the system's back shows as broken. ``ungpho audit verify`` checks the whole
    chain and every entry."""
    entries = list(incident.log.all())
    records = images_last(IncidentLogEntry, [entry.pk for entry in entries])
    sealed = []
    for entry in entries:
        record = records.get(entry.pk)
        intact = record is not None and record.sealed() and record.after == image_of(entry)
        sealed.append((entry, record, intact))
    return sealed


def incident_filter(queryset, *, status: str = "", province: str = "",
                    alarm_level: int | None = None, hazard_category: str = "",
                    opened_since: dt.datetime | None = None,
                    opened_before: dt.datetime | None = None, exercise: str = ""):
    """Narrow an :func:`incidents_visible` queryset. ``exercise``: "yes" (drills only) or
    "no"; ``opened_since``/``opened_before``: [since, before) on the opening time. Empty
    values do not filter."""
    if status:
        queryset = queryset.filter(status=status)
    if province:
        queryset = queryset.filter(province_id=province)
    if alarm_level is not None:
        queryset = queryset.filter(alarm_level=alarm_level)
    if hazard_category:
        queryset = queryset.filter(hazard_category=hazard_category)
    if opened_since is not None:
        queryset = queryset.filter(opened_at__gte=opened_since)
    if opened_before is not None:
        queryset = queryset.filter(opened_at__lt=opened_before)
    if exercise in ("yes", "no"):
        queryset = queryset.filter(exercise=exercise == "yes")
    return queryset


def stations_confirmed() -> set[int]:
    """Stations whose exceedance an officer has confirmed: an open report of theirs belongs
    to an open incident that is classified or has a public message in force."""
    return set(IncidentReport.objects.filter(
        station__isnull=False, status=IncidentReport.Status.OPEN,
        incident__status=Incident.Status.OPEN).filter(
        Q(incident__classified_at__isnull=False)
        | Q(incident__public_messages__status=PublicMessage.Status.RELEASED)).values_list(
        "station_id", flat=True))
