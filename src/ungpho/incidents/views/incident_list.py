"""The incident list: filters read by a form (a bad value is a Vietnamese error beside its
filter, the others still apply, ``platform.lists``), scoped to the user, paginated.

Readings (where the brief is silent):
- The period is on the opening time, in Vietnam's calendar: "from" includes its whole day,
  "to" too (opened before the next midnight, Vietnam time).
- Closed incidents are one filter of the list (``/incidents/closed/`` leads there), with their
  closure time and final report.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ungpho.accounts.selectors import user_role
from ungpho.geo.forms import province_field
from ungpho.incidents.models import Incident
from ungpho.incidents.selectors import incident_filter, incidents_visible
from ungpho.platform.lists import (
    ALL,
    ERR_CHOICE,
    choice_field,
    date_field,
    filters_valid,
    midnight,
    page_of,
)

ERR_PERIOD = _("The end of the period is before its start.")
CATEGORIES = ["I", "II", "III", "IV", "V"]


class IncidentFilters(forms.Form):
    status = choice_field(_("Open or closed"), Incident.Status.choices)
    province = province_field()
    alarm_level = forms.TypedChoiceField(
        label=_("Alarm level"), required=False, coerce=int, empty_value=None,
        choices=[ALL, *((str(n), str(n)) for n in (1, 2, 3))],
        error_messages={"invalid_choice": ERR_CHOICE})
    hazard_category = choice_field(_("Hazard category"), [(c, c) for c in CATEGORIES])
    opened_from = date_field(_("Opened from"))
    opened_to = date_field(_("to"))
    exercise = choice_field(_("Exercise"),
                            [("no", _("real incidents")), ("yes", _("exercises"))])

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", ERR_PERIOD)
        return data


@login_required
def incident_list(request: HttpRequest):
    visible = incidents_visible(user=request.user)
    form = IncidentFilters(request.GET)
    chosen = filters_valid(form)
    end = chosen.get("opened_to")
    rows = incident_filter(
        visible, status=chosen.get("status", ""), province=chosen.get("province", ""),
        alarm_level=chosen.get("alarm_level"),
        hazard_category=chosen.get("hazard_category", ""),
        opened_since=midnight(chosen.get("opened_from")),
        opened_before=midnight(end + dt.timedelta(days=1)) if end else None,
        exercise=chosen.get("exercise", "")).select_related("closure").order_by("-opened_at", "-pk")
    return render(request, "incidents/incident_list.html", {
        "role": user_role(request.user), "form": form, "page": page_of(request, rows),
        "total": visible.count()})


@login_required
def incidents_closed(request: HttpRequest):
    """The former list of closed incidents: the list, filtered."""
    return redirect(f"{reverse('incidents')}?status=closed")
