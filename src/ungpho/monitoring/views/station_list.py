"""The station register: filters read by a form (a bad value is a Vietnamese error beside its
filter, the others still apply, ``platform.lists``), scoped to the user, paginated."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ungpho.accounts.selectors import user_role
from ungpho.geo.forms import province_field
from ungpho.monitoring.models import Station
from ungpho.monitoring.selectors import station_filter, station_list
from ungpho.monitoring.views.station import state_legend
from ungpho.platform.lists import ALL, choice_field, filters_valid, page_of


class StationFilters(forms.Form):
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)
    province = province_field()
    type = choice_field(_("Type"), Station.Type.choices)
    state = choice_field(_("State"), [])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [ALL] + [(s["value"], s["name"]) for s in state_legend()]


@login_required
def station_register(request: HttpRequest):
    visible = station_list(user=request.user)
    form = StationFilters(request.GET)
    chosen = filters_valid(form)
    page = page_of(request, station_filter(visible, **{k: v for k, v in chosen.items() if v}))
    states = {s["value"]: s for s in state_legend()}
    page.object_list = list(page.object_list)
    for station in page.object_list:
        station.state_shown = states[station.state]
    return render(request, "monitoring/station_list.html", {
        "role": user_role(request.user), "form": form, "page": page,
        "total": visible.count()})
