from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.timezone import localtime

from ungpho.accounts.selectors import user_role
from ungpho.alerts.selectors import notification_problems
from ungpho.incidents.notification.unreached import incidents_unreached
from ungpho.incidents.selectors import (
    incident_duplicates,
    incident_list_open,
    incident_title,
    incidents_open,
)
from ungpho.monitoring.views.station import map_context

DESK_TIME = "%Y-%m-%d %H:%M:%S"


def _desk_context(request: HttpRequest) -> dict:
    reports = list(incident_list_open(user=request.user))
    # Unclassified first (their 15-minute clock runs), then the highest alarm level.
    incidents = sorted(incidents_open(user=request.user), key=lambda i: (
        i.classified_at is not None, -(i.alarm_level or 0), -i.opened_at.timestamp()))
    unreached = incidents_unreached(i.pk for i in incidents)
    for incident in incidents:
        incident.unreached = unreached.get(incident.pk, [])
    unlinked = [report for report in reports if report.incident_id is None]
    same_event = incident_duplicates(unlinked, incidents)
    for report in reports:
        report.title = incident_title(report)
        report.same_event = same_event.get(report.pk, ())
        # strftime, not the template's date filter: a thousand rows render in time.
        report.first_shown = localtime(report.first_information_at).strftime(DESK_TIME)
    role = user_role(request.user)
    return {"reports": reports, "incidents": incidents, "role": role,
            "failed_notifications": notification_problems().count() if role else 0}


@login_required
def duty_desk(request: HttpRequest):
    return render(request, "web/duty_desk.html", _desk_context(request))


@login_required
def duty_desk_reports(request: HttpRequest):
    """The report table alone, polled by htmx."""
    return render(request, "web/_reports.html", _desk_context(request))


@login_required
def operations_map(request: HttpRequest):
    return render(request, "web/map.html", {"role": user_role(request.user), **map_context()})


def healthz(request: HttpRequest):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
