"""The incident and station lists: filters read by forms (a bad value is a Vietnamese error
beside its filter, the others still apply), scoped to the user, paginated.

Readings (where the brief is silent):
- The period is on the opening time, in Vietnam's calendar: "from" includes its whole day,
  "to" too (opened before the next midnight, Vietnam time).
- Dates are typed dd/mm/yyyy (or yyyy-mm-dd, as a date picker sends them).
- Closed incidents are one filter of the list (``/incidents/closed/`` leads there), with their
  closure time and final report.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ungpho.accounts.selectors import user_role
from ungpho.core.text_fold import folded
from ungpho.core.vietnam_time import VIETNAM
from ungpho.geo.models import Province
from ungpho.incidents.models import Incident
from ungpho.incidents.selectors import incident_filter, incidents_visible
from ungpho.monitoring.models import Station
from ungpho.monitoring.selectors import station_filter, station_list
from ungpho.web.stations import state_legend

PER_PAGE = 50
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ERR_DATE = _("Write the date as dd/mm/yyyy.")
ERR_PERIOD = _("The end of the period is before its start.")
ERR_CHOICE = _("%(value)s is not one of the choices.")
ERR_PROVINCE = _("Unknown province: %(value)s.")
ALL = ("", _("all"))
CATEGORIES = ["I", "II", "III", "IV", "V"]


def page_of(request: HttpRequest, rows) -> Page:
    """The page asked for; a page number that is not one is the first page, one past the
    end the last (Paginator.get_page)."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _province_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Province"), required=False,
        choices=lambda: [ALL] + sorted(((p.code, p.name) for p in Province.objects.all()),
                                       key=lambda choice: folded(choice[1])),
        error_messages={"invalid_choice": ERR_PROVINCE})


def _choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[ALL, *choices],
                             error_messages={"invalid_choice": ERR_CHOICE})


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS,
                           error_messages={"invalid": ERR_DATE})


class IncidentFilters(forms.Form):
    status = _choice(_("Open or closed"), Incident.Status.choices)
    province = _province_field()
    alarm_level = forms.TypedChoiceField(
        label=_("Alarm level"), required=False, coerce=int, empty_value=None,
        choices=[ALL, *((str(n), str(n)) for n in (1, 2, 3))],
        error_messages={"invalid_choice": ERR_CHOICE})
    hazard_category = _choice(_("Hazard category"), [(c, c) for c in CATEGORIES])
    opened_from = _date(_("Opened from"))
    opened_to = _date(_("to"))
    exercise = _choice(_("Exercise"), [("no", _("real incidents")), ("yes", _("exercises"))])

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", ERR_PERIOD)
        return data


class StationFilters(forms.Form):
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)
    province = _province_field()
    type = _choice(_("Type"), Station.Type.choices)
    state = _choice(_("State"), [])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [ALL] + [(s["value"], s["name"]) for s in state_legend()]


def _valid(form: forms.Form) -> dict:
    """The filters that were read without error (a bad one does not filter)."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(), VIETNAM)


@login_required
def incident_list(request: HttpRequest):
    visible = incidents_visible(user=request.user)
    form = IncidentFilters(request.GET)
    chosen = _valid(form)
    end = chosen.get("opened_to")
    rows = incident_filter(
        visible, status=chosen.get("status", ""), province=chosen.get("province", ""),
        alarm_level=chosen.get("alarm_level"),
        hazard_category=chosen.get("hazard_category", ""),
        opened_since=_midnight(chosen.get("opened_from")),
        opened_before=_midnight(end + dt.timedelta(days=1)) if end else None,
        exercise=chosen.get("exercise", "")).select_related("closure").order_by("-opened_at", "-pk")
    return render(request, "web/incident_list.html", {
        "role": user_role(request.user), "form": form, "page": page_of(request, rows),
        "total": visible.count()})


@login_required
def incidents_closed(request: HttpRequest):
    """The former list of closed incidents: the list, filtered."""
    return redirect(f"{reverse('incidents')}?status=closed")


@login_required
def station_register(request: HttpRequest):
    visible = station_list(user=request.user)
    form = StationFilters(request.GET)
    chosen = _valid(form)
    page = page_of(request, station_filter(visible, **{k: v for k, v in chosen.items() if v}))
    states = {s["value"]: s for s in state_legend()}
    page.object_list = list(page.object_list)
    for station in page.object_list:
        station.state_shown = states[station.state]
    return render(request, "web/station_list.html", {
        "role": user_role(request.user), "form": form, "page": page,
        "total": visible.count()})
